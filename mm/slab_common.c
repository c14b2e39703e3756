// SPDX-License-Identifier: MIT
/*
 * slab_common.c - what does not depend on the slab strategy (mm/slab_common.c,
 * v6.12): the list of caches and slab_mutex, kmem_cache_create() and its
 * checks, merging of compatible caches (find_mergeable), destroy and
 * shrink, the views (/proc/slabinfo; "kernel/slab", the numbers of the
 * kernel's /sys/kernel/slab/<cache>/ files with where free objects wait;
 * debugfs's "slab/<cache>/alloc_traces" and "free_traces"; "slab_aliases"),
 * the shrinker that gives empty slabs back under memory pressure, and the
 * slab layer's init / validate / fork hooks.
 *
 * The strategy.  A kernel build links one slab allocator; kheap links the
 * three the kernel has had and picks one at initialisation from
 * slab_allocator=: SLUB (slub.c, the default), SLAB (slab.c, as v6.6's
 * mm/slab.c; v6.7 was its last release) or SLOB (slob.c, as v6.3's
 * mm/slob.c).  slab_ops points at
 * its struct slab_strategy (slab.h): this file calls the strategy's
 * create, shutdown, shrink, get_slabinfo and so on, as the kernel's
 * slab_common.c calls __kmem_cache_create() and friends.  The entry points
 * (kmem_cache_alloc(), kmem_cache_free(), kmalloc()'s cache allocation,
 * kfree()'s slab free) are slub.c's exported functions; each tests
 * slab_alt once, false under SLUB, and otherwise hands over to slab_ops
 * (after the tracepoint's test, so that a trace records every strategy).  So SLUB's fast paths pay one load and a predictable branch,
 * and the malloc shim's inline sheaf paths nothing at all (a SLAB or SLOB
 * cache has no sheaves, so they fall through to those entry points).  The
 * choice is made before the first cache exists and never changes.
 *
 * The caches form one list, slab_caches, newest first (list_add, as the
 * kernel's create_cache() does); /proc/slabinfo prints it in that order and
 * find_mergeable() walks it from the oldest.  slab_mutex guards the list,
 * refcounts and aliases; it is the outermost slab lock (see slub.c, "Lock
 * order").  The shrinker only ever trylocks it: reclaim can run inside an
 * allocation made while slab_mutex is held (kmem_cache_create()).
 *
 * Bootstrap: struct kmem_cache is followed by one struct kmem_cache_cpu per
 * CPU in the same object, so its size is known only at run time; the "kmem_cache" cache that holds
 * every other cache's struct is itself set up in pages from
 * alloc_pages_exact() and never destroyed (refcount -1: unmergeable).
 *
 * Merging: a new cache with no ctor, no usercopy region and none of
 * SLAB_NEVER_MERGE reuses an existing mergeable cache whose object size is
 * at most a word larger and whose alignment and SLAB_MERGE_SAME flags agree;
 * the existing cache gains a reference and the new name as an alias
 * ("slab_aliases" view).  slab_nomerge turns merging off.
 *
 * kmalloc (the second half of this file, as in the kernel's slab_common.c
 * and slub.c): the kmalloc caches and their size classes, kmalloc() and
 * large kmalloc, kfree(), ksize() and krealloc().  Under SLAB the caches
 * start at kmalloc-32 and are SLAB_HWCACHE_ALIGN (v6.6's KMALLOC_SHIFT_LOW
 * 5 and ARCH_KMALLOC_FLAGS on x86); SLOB has no kmalloc caches: every
 * kmalloc_caches[][] entry is SLOB's one pseudo-cache, which hands the
 * request to SLOB's kmalloc with its size header (slob.c).
 *
 * 1. Size classes.  Requests up to KMALLOC_MAX_CACHE_SIZE (8 KiB) are served
 *    by the kmalloc caches kmalloc-8 .. kmalloc-8k, with kmalloc-96 and
 *    kmalloc-192 between the powers of two.  The class of sizes 1..192 comes
 *    from kmalloc_size_index[(size - 1) / 8], above that from
 *    fls(size - 1).  Three arrays of caches, as the kernel has them without
 *    memcg: KMALLOC_NORMAL ("kmalloc-64"), KMALLOC_RECLAIM for
 *    __GFP_RECLAIMABLE ("kmalloc-rcl-64", SLAB_RECLAIM_ACCOUNT) and
 *    KMALLOC_DMA for __GFP_DMA ("dma-kmalloc-64", SLAB_CACHE_DMA);
 *    KMALLOC_CGROUP is KMALLOC_NORMAL.  With random_kmalloc_caches
 *    (CONFIG_RANDOM_KMALLOC_CACHES, off by default as in Debian's kernel)
 *    15 more copies of the normal ones, "kmalloc-rnd-01-64" ..., each
 *    SLAB_NO_MERGE, and kmalloc_type() picks one of the 16 by hashing the
 *    call site with random_kmalloc_seed.  The 39 are created at
 *    initialisation, so slabinfo lists them before first use.  A kmalloc
 *    cache is aligned to the largest power of two dividing its size (so
 *    power-of-two sizes are naturally aligned, kmalloc-96 is 32-aligned),
 *    at least ARCH_KMALLOC_MINALIGN (8).
 *
 * 2. Large kmalloc.  Larger requests are compound pages of order
 *    get_order(size) from the page allocator (__kmalloc_large_node), up to
 *    KMALLOC_MAX_SIZE (4 MiB); beyond that the page allocator fails the
 *    order and warns once.  Their pages count as unreclaimable slab memory
 *    (meminfo's SUnreclaim), as in the kernel.  kheap marks the head page
 *    (PG_large_kmalloc) so that kfree() can tell a large kmalloc from any
 *    other page and refuse the latter (the kernel of 7.x does the same with
 *    a page type).
 *
 * 3. kfree.  ZERO_SIZE_PTR ((void *)16) and NULL are ignored.  Otherwise
 *    the struct page of the address is found by arithmetic (virt_to_slab:
 *    no search): a slab object goes to its cache, a large kmalloc head
 *    back to the page allocator; anything else - an address outside kheap,
 *    a stack or malloc pointer, the middle of a large object - prints
 *    "kfree(): invalid pointer" with a backtrace and is ignored.
 *
 * 4. The malloc shim's classes.  kmalloc's classes are part of its API
 *    (ksize(), natural alignment); malloc's are not, so the shim looks its
 *    cache up in malloc_size_cache[], one load for any size up to 8 KiB.
 *    The table holds kmalloc's classes, or with kheap.malloc_fine=1 four
 *    classes per doubling above 256 bytes (malloc-320, -384, -448, then
 *    kmalloc-512, malloc-640, ...), which round a request up by at most a
 *    quarter instead of up to double: bench/frag.c's RSS 679 -> 622 MB
 *    (glibc 330), but fifteen more caches cost a small program a few
 *    hundred kB of partly used slabs (espresso's peak 3.0 -> 3.9 MB), so
 *    it is off by default.  With random_kmalloc_caches the shim takes
 *    kmalloc's own choice (by malloc's caller) instead of the table.
 *
 * 5. Tracepoints (kernel/trace/trace.h): kfree records its event first (as
 *    the kernel's does, NULL included), large kmalloc after its block,
 *    krealloc an in-place resize (the kernel records none; a replay needs
 *    the size), kmem_cache_create/destroy their own events; kmalloc's slab
 *    case is slub.c's __kmem_cache_alloc_kmalloc.  Each costs one load and
 *    branch while no trace runs; kfree's sheaf hits none (the sheaf map is
 *    paused while a trace runs, so every kfree then takes kfree_slow()).
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_debug.h"
#include "kfence/kfence.h"
#include "lib/fault-inject.h"
#include "sanitizer.h"
#include "slub_fast.h"
#include "kernel/trace/trace.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

kh_lock_t slab_mutex = KH_LOCK_INIT;
/* This thread holds slab_mutex (reclaim inside kmem_cache_create()). */
static __thread bool slab_mutex_mine;

void slab_mutex_lock(void)
{
	kh_lock(&slab_mutex);
	slab_mutex_mine = true;
}

bool slab_mutex_trylock(void)
{
	if (!kh_trylock(&slab_mutex))
		return false;
	slab_mutex_mine = true;
	return true;
}

void slab_mutex_unlock(void)
{
	slab_mutex_mine = false;
	kh_unlock(&slab_mutex);
}

bool slab_mutex_held(void)
{
	return slab_mutex_mine;
}

/* The strategy (see the essay above): SLUB until slab_init() says otherwise. */
const struct slab_strategy *slab_ops = &strategy_slub;
bool slab_alt;

struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);
struct kmem_cache *kmem_cache;
unsigned int slab_nr_cpus;
static struct shrinker *slab_shrinker;
static struct kmem_cache *alias_cache;	/* struct kmem_cache_alias */

size_t kmem_cache_struct_size(void)
{
	return KMEM_CACHE_CPU_OFFSET +
	       (size_t)slab_nr_cpus * sizeof(struct kmem_cache_cpu);
}

/*
 * calculate_alignment - the object alignment of a cache: SLAB_HWCACHE_ALIGN
 * asks for the cache line, halved while the object fits in half of it;
 * never less than ARCH_SLAB_MINALIGN (8) and a multiple of a word.
 */
unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
				 unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = L1_CACHE_BYTES;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, (unsigned int)__alignof__(unsigned long long));
	return ALIGN(align, (unsigned int)sizeof(void *));
}

/* slab_debug= adds its debug flags to cache @name (mm/slub_debug.c). */
static slab_flags_t kmem_cache_flags(slab_flags_t flags, const char *name)
{
	return slub_debug_flags(flags, name);
}

int slab_unmergeable(struct kmem_cache *s)
{
	if (kheap_config.slab_nomerge || (s->flags & SLAB_NEVER_MERGE))
		return 1;
	if (s->ctor)
		return 1;
	if (s->usersize)		/* CONFIG_HARDENED_USERCOPY */
		return 1;
	if (s->refcount < 0)
		return 1;
	return 0;
}

struct kmem_cache *find_mergeable(unsigned int size, unsigned int align,
				  slab_flags_t flags, const char *name,
				  void (*ctor)(void *))
{
	struct kmem_cache *s;

	if (kheap_config.slab_nomerge || ctor)
		return NULL;
	size = ALIGN(size, (unsigned int)sizeof(void *));
	align = calculate_alignment(flags, align, size);
	size = ALIGN(size, align);
	flags = kmem_cache_flags(flags, name);
	if (flags & SLAB_NEVER_MERGE)
		return NULL;
	list_for_each_entry_reverse(s, &slab_caches, list) {
		if (slab_unmergeable(s))
			continue;
		if (size > s->size)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)
			continue;
		if (s->size - size >= sizeof(void *))
			continue;
		return s;
	}
	return NULL;
}

static void add_alias(struct kmem_cache *s, const char *name)
{
	struct kmem_cache_alias *a = kmem_cache_zalloc(alias_cache, GFP_KERNEL);

	if (!a)
		return;
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->next = s->aliases;
	s->aliases = a;
}

static struct kmem_cache *create_cache(const char *name, unsigned int size,
				       struct kmem_cache_args *args,
				       slab_flags_t flags, int *err)
{
	struct kmem_cache *s = kmem_cache_zalloc(kmem_cache, GFP_KERNEL);

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = slab_ops->create(s, name, size, args, flags);
	if (*err) {
		slab_ops->release(s);
		kmem_cache_free(kmem_cache, s);
		return NULL;
	}
	s->refcount = 1;
	list_add(&s->list, &slab_caches);
	return s;
}

/**
 * create_kmalloc_cache - create a kmalloc cache as the kernel's
 * create_kmalloc_cache()/create_boot_cache() do: SLAB_KMALLOC, aligned to
 * the largest power of two dividing @size (at least ARCH_KMALLOC_MINALIGN),
 * never merged into another cache (though later caches may merge into it).
 * A failure is fatal, as the kernel panics.
 */
struct kmem_cache *create_kmalloc_cache(const char *name, unsigned int size,
					slab_flags_t flags)
{
	struct kmem_cache_args args = { 0 };
	unsigned int align = ARCH_KMALLOC_MINALIGN;
	struct kmem_cache *s;
	int err;

	flags |= SLAB_KMALLOC | slab_ops->kmalloc_flags;
	align = max(align, 1U << __ffs(size));
	args.align = calculate_alignment(flags, align, size);
	kh_lock(&slab_mutex);
	s = create_cache(name, size, &args, kmem_cache_flags(flags, name), &err);
	kh_unlock(&slab_mutex);
	if (!s) {
		pr_err("Kernel panic - not syncing: Creation of kmalloc slab %s size=%u failed. Reason %d\n",
		       name, size, err);
		abort();
	}
	return s;
}

/**
 * __kmem_cache_create_args - create a cache (kmem_cache_create() in both
 * forms, KMEM_CACHE, kmem_cache_create_usercopy end here)
 * @name: shown in /proc/slabinfo; copied
 * @object_size: the size of each object
 * @args: align, usercopy region, freeptr_offset, ctor (may be NULL)
 * @flags: SLAB_* flags
 *
 * Return: the cache (possibly an existing one it was merged with), or NULL
 * with a report on stderr; with SLAB_PANIC a failure ends the program, as
 * the kernel panics.
 */
static struct kmem_cache *do_kmem_cache_create_args(const char *name,
						   unsigned int object_size,
						   struct kmem_cache_args *args,
						   slab_flags_t flags)
{
	struct kmem_cache_args a = { 0 };
	struct kmem_cache *s = NULL;
	int err = -EINVAL;

	kheap_ensure_init();
	if (args)
		a = *args;
	slab_mutex_lock();
	if (!name || !object_size || object_size > INT32_MAX) {
		pr_err("kmem_cache_create(%s) integrity check failed\n",
		       name ? name : "(null)");
		goto out_unlock;
	}
	if (flags & ~SLAB_FLAGS_PERMITTED)
		goto out_unlock;
	if (a.align & (a.align - 1)) {	/* kheap: ALIGN() needs a power of 2 */
		pr_err("kmem_cache_create(%s): alignment %u is not a power of two\n",
		       name, a.align);
		goto out_unlock;
	}
	if (a.use_freeptr_offset &&
	    (a.freeptr_offset >= object_size ||
	     !(flags & SLAB_TYPESAFE_BY_RCU) ||
	     !IS_ALIGNED(a.freeptr_offset, sizeof(void *))))
		goto out_unlock;
	if (!a.usersize && a.useroffset)
		a.useroffset = 0;
	if (object_size < a.usersize || object_size - a.usersize < a.useroffset)
		a.usersize = a.useroffset = 0;
	if (!a.usersize)
		s = slab_ops->alias(name, object_size, a.align, flags, a.ctor);
	if (s) {
		add_alias(s, name);
		err = 0;
		goto out_unlock;
	}
	a.align = calculate_alignment(flags, a.align, object_size);
	s = create_cache(name, object_size, &a, kmem_cache_flags(flags, name),
			 &err);
out_unlock:
	slab_mutex_unlock();
	if (err) {
		if (flags & SLAB_PANIC) {
			pr_err("Kernel panic - not syncing: %s: Failed to create slab '%s'. Error %d\n",
			       "__kmem_cache_create_args", name ? name : "(null)",
			       err);
			abort();
		}
		pr_warn("%s(%s) failed with error %d\n", "__kmem_cache_create_args",
			name ? name : "(null)", err);
		dump_stack();
		return NULL;
	}
	return s;
}

/* Traced: the struct kmem_cache it allocates is kheap's, not the caller's. */
static __noinline __cold struct kmem_cache *
kmem_cache_create_traced(const char *name, unsigned int object_size,
			 struct kmem_cache_args *args, slab_flags_t flags,
			 unsigned long caller)
{
	struct kmem_cache *s;

	trace_nest_begin();
	s = do_kmem_cache_create_args(name, object_size, args, flags);
	trace_nest_end();
	__trace_kmem_cache_create(caller, s);
	return s;
}

struct kmem_cache *__kmem_cache_create_args(const char *name,
					    unsigned int object_size,
					    struct kmem_cache_args *args,
					    slab_flags_t flags)
{
	if (trace_enabled())
		return kmem_cache_create_traced(name, object_size, args, flags,
						_RET_IP_);
	return do_kmem_cache_create_args(name, object_size, args, flags);
}

/**
 * kmem_cache_destroy - delete a cache (NULL is ignored)
 *
 * First waits for every kfree_rcu() so far (kvfree_rcu_barrier(), as
 * v6.12 does: they may free objects of this cache).  Then drops a
 * reference (merged caches are shared).  With objects still allocated the
 * kernel's "Objects remaining ... on __kmem_cache_shutdown()" report is
 * printed and the cache and its memory are kept.
 */
static void do_kmem_cache_destroy(struct kmem_cache *s, unsigned long caller);

void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	if (trace_enabled()) {
		__trace_kmem_cache_destroy(_RET_IP_, s);
		trace_nest_begin();
		do_kmem_cache_destroy(s, _RET_IP_);
		trace_nest_end();
		return;
	}
	do_kmem_cache_destroy(s, _RET_IP_);
}

static void do_kmem_cache_destroy(struct kmem_cache *s, unsigned long caller)
{
	bool rcu;
	int err;

	if (s == kmem_cache || s == alias_cache) {
		pr_err("kmem_cache_destroy: refusing to destroy the kmem_cache cache\n");
		return;
	}
	/* in-flight kfree_rcu()s may include objects from this cache (v6.12) */
	kvfree_rcu_barrier();
	slab_mutex_lock();
	s->refcount--;
	if (s->refcount) {
		if (s->aliases) {
			struct kmem_cache_alias *a = s->aliases;

			s->aliases = a->next;
			kmem_cache_free(alias_cache, a);
		}
		slab_mutex_unlock();
		return;
	}
	rcu = s->flags & SLAB_TYPESAFE_BY_RCU;
	err = slab_ops->shutdown(s);
	if (err) {
		/* a KUnit test counted the report instead (slab_in_kunit_test) */
		if (!slab_in_kunit_test()) {
			pr_warn("------------[ cut here ]------------\n");
			pr_warn("kmem_cache_destroy %s: Slab cache still has objects when called from %p\n",
				s->name, (void *)caller);
			dump_stack();
		}
		slab_mutex_unlock();
		return;
	}
	list_del(&s->list);
	slab_mutex_unlock();
	kfence_shutdown_cache(s);		/* its pool objects: "<destroyed>" */
	if (rcu)
		urcu_memb_barrier();		/* the slabs' call_rcu callbacks */
	while (s->aliases) {
		struct kmem_cache_alias *a = s->aliases;

		s->aliases = a->next;
		kmem_cache_free(alias_cache, a);
	}
	slab_ops->release(s);
	kmem_cache_free(kmem_cache, s);
}

/**
 * kmem_cache_shrink - give every empty slab of @s back to the page allocator
 * Return: 0 if every slab could be released, 1 if some hold objects.
 */
int kmem_cache_shrink(struct kmem_cache *s)
{
	if (!s)
		return 0;
	return slab_ops->shrink(s);
}

/* The allocator in force as panic messages name it. */
static const char *slab_origin(void)
{
	return slab_ops == &strategy_slab ? "SLAB" :
	       slab_ops == &strategy_slob ? "SLOB" : "SLUB";
}

/*
 * slab_alloc_hook - failslab and KFENCE, before SLUB's fast path or SLAB's
 * arrays (the kernel's slab_pre_alloc_hook() and kfence_alloc(), v6.12 and
 * v6.6 alike).  Returns true when the allocation is decided here: *objp is
 * NULL (injected failure) or a KFENCE object.
 */
__noinline __cold bool slab_alloc_hook(struct kmem_cache *s, gfp_t gfp,
				       unsigned int orig_size, void **objp)
{
	int hooks = READ_ONCE(slab_alloc_hooks);

	*objp = NULL;
	if ((hooks & SLAB_HOOK_FAILSLAB) && should_failslab(s, gfp))
		return true;
	if (hooks & SLAB_HOOK_KFENCE) {
		*objp = __kfence_alloc(s, orig_size, gfp);
		return *objp != NULL;
	}
	return false;
}

void slab_report_bad_free(const char *fn, const void *x, struct kmem_cache *s,
			  struct kmem_cache *cachep)
{
	if (!cachep)
		pr_err("%s(): invalid pointer %p (not a slab object)\n", fn, x);
	else if (cachep != s)
		pr_err("%s: Wrong slab cache. %s but object is from %s\n", fn,
		       s ? s->name : "(null)", cachep->name);
	else
		pr_err("%s: Invalid object pointer %p in cache %s\n", fn, x,
		       s->name);
	dump_stack();
	kheap_check_panic_on_warn(slab_origin());
}

/*
 * slab_report_double_free - the object being freed is already the first
 * free object of its slab or CPU freelist (the kernel BUG()s here with
 * CONFIG_SLAB_FREELIST_HARDENED); kheap reports and ignores the free.
 */
void slab_report_double_free(struct kmem_cache *s, const void *x)
{
	pr_err("kernel BUG: double free or corruption of object %p in cache %s (naive detection: it is already the first free object)\n",
	       x, s->name);
	dump_stack();
	kheap_check_panic_on_warn(slab_origin());
}

/* ---- CONFIG_SLAB_FREELIST_RANDOM, for SLUB and SLAB ---- */

/**
 * get_random_u32_below - a random number below @ceil, as the kernel's
 * (drivers/char/random.c) is used here: to shuffle slabs, not for
 * secrets.  A per-thread splitmix64 stream seeded from getrandom on first
 * use: no lock, no system call after the first.
 */
u32 get_random_u32_below(u32 ceil)
{
	static __thread u64 state;
	u64 z;

	if (unlikely(!state))
		state = os_random() | 1;
	z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (u32)(((z >> 32) * (u64)ceil) >> 32);
}

/**
 * freelist_randomize - @list[0..@count) becomes a random permutation of
 * 0 .. @count - 1 (a Fisher-Yates shuffle, as v6.12's and v6.6's
 * mm/slab_common.c do it for a cache's random_seq).
 */
void freelist_randomize(unsigned int *list, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++)
		list[i] = i;
	for (unsigned int i = count - 1; count && i > 0; i--) {
		unsigned int j = get_random_u32_below(i + 1), t = list[i];

		list[i] = list[j];
		list[j] = t;
	}
}

/* ---- /proc/slabinfo and the alias list ---- */

static void cache_show(struct kmem_cache *s, FILE *out)
{
	struct slabinfo sinfo;

	memset(&sinfo, 0, sizeof(sinfo));
	slab_ops->get_slabinfo(s, &sinfo);
	fprintf(out, "%-17s %6lu %6lu %6u %4u %4d", s->name, sinfo.active_objs,
		sinfo.num_objs, s->size, sinfo.objects_per_slab,
		1 << sinfo.cache_order);
	fprintf(out, " : tunables %4u %4u %4u", sinfo.limit, sinfo.batchcount,
		sinfo.shared);
	fprintf(out, " : slabdata %6lu %6lu %6lu", sinfo.active_slabs,
		sinfo.num_slabs, sinfo.shared_avail);
	fputc('\n', out);
}

int slabinfo_show(FILE *out)
{
	struct kmem_cache *s;

	fputs("slabinfo - version: 2.1\n", out);
	fputs("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n",
	      out);
	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list)
		cache_show(s, out);
	slab_mutex_unlock();
	return 0;
}

/*
 * slabinfo_write - writing to /proc/slabinfo: SLAB's tunables ("name limit
 * batchcount shared", mm/slab.c's slabinfo_write()); the file is read-only
 * (the kernel's mode 0400) under SLUB.  Return: @count or a negative errno.
 */
static long slabinfo_write(const char *buf, size_t count)
{
	if (!slab_ops->slabinfo_write)
		return -EACCES;
	return slab_ops->slabinfo_write(buf, count);
}

/* "alias -> cache" for every merged name (tools/mm/slabinfo -a). */
static int slab_aliases_show(FILE *out)
{
	struct kmem_cache *s;

	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list)
		for (struct kmem_cache_alias *a = s->aliases; a; a = a->next)
			fprintf(out, "%-20s -> %s\n", a->name, s->name);
	slab_mutex_unlock();
	return 0;
}

/*
 * "kernel/slab": the kernel's /sys/kernel/slab/<cache>/ directories in one
 * view, a line per cache of "attr=value" pairs named as the sysfs files
 * (what tools/mm/slabinfo reads), then kheap's own: the objects on CPU
 * freelists and in sheaves, and the barn.  `kheap slabinfo` builds its
 * reports from this view, in this process or over --pid.
 */
static int slab_sysfs_show(FILE *out)
{
	static const struct {
		const char *name;
		slab_flags_t flag;
	} flags[] = {
		{ "hwcache_align", SLAB_HWCACHE_ALIGN },
		{ "reclaim_account", SLAB_RECLAIM_ACCOUNT },
		{ "cache_dma", SLAB_CACHE_DMA },
		{ "cache_dma32", SLAB_CACHE_DMA32 },
		{ "destroy_by_rcu", SLAB_TYPESAFE_BY_RCU },
		{ "sanity_checks", SLAB_CONSISTENCY_CHECKS },
		{ "red_zone", SLAB_RED_ZONE },
		{ "poison", SLAB_POISON },
		{ "store_user", SLAB_STORE_USER },
		{ "trace", SLAB_TRACE },
	};
	struct kmem_cache *s;

	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list) {
		struct slab_attrs a;
		int aliases = 0;

		slub_cache_attrs(s, &a);
		for (struct kmem_cache_alias *al = s->aliases; al; al = al->next)
			aliases++;
		fprintf(out, "%s object_size=%u slab_size=%u align=%u order=%u objs_per_slab=%u",
			s->name, s->object_size, s->size, s->align,
			oo_order(s->oo), oo_objects(s->oo));
		fprintf(out, " slabs=%lu partial=%lu cpu_slabs=%lu objects=%lu objects_partial=%lu total_objects=%lu",
			a.slabs, a.partial, a.cpu_slab + a.cpu_partial_slabs,
			a.objects, a.objects_partial, a.total_objects);
		fprintf(out, " aliases=%d ctor=%d min_partial=%lu cpu_partial=%u",
			aliases, s->ctor != NULL, s->min_partial, s->cpu_partial);
		for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
			fprintf(out, " %s=%d", flags[i].name,
				!!(s->flags & flags[i].flag));
		fprintf(out, " cpu_slab=%lu slabs_cpu_partial=%lu cpu_freelist=%lu cpu_slab_free=%lu cpu_partial_free=%lu sheaf_capacity=%u sheaf_objects=%lu barn_full=%lu barn_empty=%lu\n",
			a.cpu_slab, a.cpu_partial_slabs, a.cpu_freelist,
			a.cpu_slab_free, a.cpu_partial_free, s->sheaf_capacity,
			a.sheaf_objects, a.barn_full, a.barn_empty);
	}
	slab_mutex_unlock();
	return 0;
}

/*
 * "slab/<cache>/alloc_traces" and ".../free_traces": debugfs's files of a
 * cache with SLAB_STORE_USER (slab_debug=U): where its live objects were
 * allocated, and where they were last freed before that.
 */
static int slab_debugfs_show(const char *rest, FILE *out)
{
	const char *slash = strrchr(rest, '/');
	struct kmem_cache *s, *found = NULL;
	bool alloc;
	int err;

	if (!slash)
		return -ENOENT;
	if (!strcmp(slash + 1, "alloc_traces"))
		alloc = true;
	else if (!strcmp(slash + 1, "free_traces"))
		alloc = false;
	else
		return -ENOENT;
	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list)
		if (strlen(s->name) == (size_t)(slash - rest) &&
		    !strncmp(s->name, rest, (size_t)(slash - rest)))
			found = s;
	/* the kernel has the files only for caches that store tracks */
	err = found && (found->flags & SLAB_STORE_USER)
	      ? slub_debug_show_traces(found, alloc, out) : -ENOENT;
	slab_mutex_unlock();
	return err;
}

/* The caches whose slabs ever took the most memory, most first. */
int slab_peaks_show(FILE *out)
{
	struct { const char *name; unsigned long peak_kb, now_kb, peak; } top[8];
	int n = 0;
	struct kmem_cache *s;

	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list) {
		unsigned long peak = (unsigned long)READ_ONCE(s->node.peak_slabs);
		unsigned long kb = peak << (oo_order(s->oo) + PAGE_SHIFT - 10);
		int i;

		if (!peak)
			continue;
		for (i = n; i > 0 && top[i - 1].peak_kb < kb; i--)
			if (i < (int)ARRAY_SIZE(top))
				top[i] = top[i - 1];
		if (i >= (int)ARRAY_SIZE(top))
			continue;
		top[i].name = s->name;
		top[i].peak_kb = kb;
		top[i].peak = peak;
		top[i].now_kb = (unsigned long)READ_ONCE(s->node.nr_slabs)
				<< (oo_order(s->oo) + PAGE_SHIFT - 10);
		if (n < (int)ARRAY_SIZE(top))
			n++;
	}
	fprintf(out, "Busiest caches at their peak:\n");
	fprintf(out, "  %-20s %10s %12s %12s\n", "cache", "peak slabs",
		"peak memory", "now");
	for (int i = 0; i < n; i++)
		fprintf(out, "  %-20s %10lu %9lu kB %9lu kB\n", top[i].name,
			top[i].peak, top[i].peak_kb, top[i].now_kb);
	slab_mutex_unlock();
	return 0;
}

#ifdef CONFIG_SLUB_STATS
/* The kernel's /sys/kernel/slab/<cache>/<stat> files, in one view. */
static const char *const stat_item_names[NR_SLUB_STAT_ITEMS] = {
	"alloc_fastpath", "alloc_slowpath", "free_fastpath", "free_slowpath",
	"free_frozen", "free_add_partial", "free_remove_partial",
	"alloc_from_partial", "alloc_slab", "alloc_refill",
	"alloc_node_mismatch", "free_slab", "cpuslab_flush",
	"deactivate_full", "deactivate_empty", "deactivate_to_head",
	"deactivate_to_tail", "deactivate_remote_frees", "deactivate_bypass",
	"order_fallback", "cmpxchg_double_cpu_fail", "cmpxchg_double_fail",
	"cpu_partial_alloc", "cpu_partial_free", "cpu_partial_node",
	"cpu_partial_drain",
};

/* "cache stat=count ..." for every cache with a non-zero counter. */
static int slub_stats_show(FILE *out)
{
	struct kmem_cache *s;

	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list) {
		bool any = false;

		for (int si = 0; si < NR_SLUB_STAT_ITEMS; si++) {
			unsigned long n = slub_stat(s, si);

			if (!n)
				continue;
			if (!any)
				fputs(s->name, out);
			fprintf(out, " %s=%lu", stat_item_names[si], n);
			any = true;
		}
		if (any)
			fputc('\n', out);
	}
	slab_mutex_unlock();
	return 0;
}
#endif

/* ---- the shrinker: empty slabs back under memory pressure ---- */

static unsigned long slab_shrink_count(struct shrinker *sh,
				       struct shrink_control *sc)
{
	unsigned long objs = 0;
	struct kmem_cache *s;

	if (!slab_mutex_trylock())
		return 0;
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo si;

		memset(&si, 0, sizeof(si));
		slab_ops->get_slabinfo(s, &si);
		objs += si.num_objs - si.active_objs + si.num_slabs;
	}
	slab_mutex_unlock();
	return objs ? objs : SHRINK_EMPTY;
}

/* __kmem_cache_shrink() every cache (slab_mutex held); objects freed. */
static unsigned long shrink_all_caches(void)
{
	unsigned long freed = 0;
	struct kmem_cache *s;

	lockdep_assert_held(&slab_mutex);

	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo before, after;

		memset(&before, 0, sizeof(before));
		memset(&after, 0, sizeof(after));
		slab_ops->get_slabinfo(s, &before);
		slab_ops->shrink(s);
		slab_ops->get_slabinfo(s, &after);
		if (before.num_objs > after.num_objs)
			freed += before.num_objs - after.num_objs;
	}
	return freed;
}

static unsigned long slab_shrink_scan(struct shrinker *sh,
				      struct shrink_control *sc)
{
	unsigned long freed;

	if (!slab_mutex_trylock())
		return SHRINK_STOP;
	freed = shrink_all_caches();
	slab_mutex_unlock();
	return freed ? freed : SHRINK_STOP;
}

/**
 * kmem_cache_shrink_all - kmem_cache_shrink() every cache: sheaves, CPU
 * slabs and partial lists emptied, empty slabs back to the page allocator
 * (the malloc shim's malloc_trim()).  Return: the slab objects released.
 */
unsigned long kmem_cache_shrink_all(void)
{
	unsigned long freed;

	slab_mutex_lock();
	freed = shrink_all_caches();
	slab_mutex_unlock();
	return freed;
}

/* ---- the layer ---- */

/* SLUB's side of struct slab_strategy: slub.c's functions (slab.h). */
static void slub_init(void)
{
	slub_init_fastpath();
	if (kheap_config.slab_min_order > kheap_config.slab_max_order)
		kheap_config.slab_max_order = kheap_config.slab_min_order;
}

/* As the kernel's kmem_cache_init(): the caches made so far get their
 * random freelist sequences now that kmalloc works. */
static void slub_init_late(void)
{
	slab_mutex_lock();
	init_freelist_randomization();
	slab_mutex_unlock();
}

const struct slab_strategy strategy_slub = {
	.name = "slub",
	.cache_struct_size = kmem_cache_struct_size,
	.init = slub_init,
	.init_late = slub_init_late,
	.create = do_kmem_cache_create,
	.alias = __kmem_cache_alias,
	.shutdown = __kmem_cache_shutdown,
	.shrink = __kmem_cache_shrink,
	.release = __kmem_cache_release,
	.get_slabinfo = get_slabinfo,
	.validate = slub_validate_cache,
	.lock_cache = slub_lock_cache,
	.unlock_cache = slub_unlock_cache,
	.reinit_cache = slub_reinit_cache,
	.kmalloc_shift_low = KMALLOC_SHIFT_LOW,
	.has_slabinfo = true,
};

static const struct slab_strategy *const strategies[] = {
	[SLAB_ALLOCATOR_SLUB] = &strategy_slub,
	[SLAB_ALLOCATOR_SLAB] = &strategy_slab,
	[SLAB_ALLOCATOR_SLOB] = &strategy_slob,
};

static int slab_init(void)
{
	struct kmem_cache_args args = { 0 };
	struct kmem_cache *s;
	size_t size;
	int err;

	slab_nr_cpus = os_ncpus();
	slab_ops = strategies[kheap_config.slab_allocator];
	slab_alt = slab_ops != &strategy_slub;
	slab_ops->init();
	size = slab_ops->cache_struct_size();
	s = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
	if (!s)
		return -ENOMEM;
	args.align = calculate_alignment(SLAB_HWCACHE_ALIGN, 0, (unsigned int)size);
	err = slab_ops->create(s, "kmem_cache", (unsigned int)size, &args,
			       SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE);
	if (err)
		return err;
	s->refcount = -1;
	list_add(&s->list, &slab_caches);
	kmem_cache = s;
	args.align = calculate_alignment(0, 0, sizeof(struct kmem_cache_alias));
	alias_cache = create_cache("kmem_cache_alias",
				   sizeof(struct kmem_cache_alias), &args,
				   SLAB_NO_MERGE, &err);
	if (!alias_cache)
		return err;
	alias_cache->refcount = -1;
	if (!slab_alt) {		/* SLUB's sheaves */
		args.align = L1_CACHE_BYTES;
		sheaf_cache = create_cache("slab_sheaf",
					   (unsigned int)slub_sheaf_size(),
					   &args, SLAB_NO_MERGE, &err);
		if (!sheaf_cache)
			return err;
		sheaf_cache->refcount = -1;
	}
	/* SLOB has no /proc/slabinfo (v6.3 builds it only for SLAB and SLUB) */
	if (slab_ops->has_slabinfo)
		kheap_proc_register_rw("slabinfo", slabinfo_show, slabinfo_write);
	kheap_proc_register("slab_aliases", slab_aliases_show);
	if (!slab_alt) {	/* SLUB's /sys/kernel/slab and debugfs files */
		kheap_proc_register("kernel/slab", slab_sysfs_show);
		kheap_proc_register_dir("slab/", slab_debugfs_show);
#ifdef CONFIG_SLUB_STATS
		kheap_proc_register("slub_stats", slub_stats_show);
#endif
	}
	slab_shrinker = shrinker_alloc(0, "slab-caches");
	if (slab_shrinker) {
		slab_shrinker->count_objects = slab_shrink_count;
		slab_shrinker->scan_objects = slab_shrink_scan;
		slab_shrinker->seeks = 1;
		shrinker_register(slab_shrinker);
	}
	return 0;
}

/**
 * slab_validate - check every cache's invariants (see
 * slub_validate_cache()); run when no other thread uses the caches.
 * Return: the number of problems found (each reported).
 */
int slab_validate(void)
{
	struct kmem_cache *s;
	int errors = 0;

	if (!READ_ONCE(kheap_initialized) || !kmem_cache)
		return 0;
	if (slab_mutex_mine)	/* called from reclaim inside create/destroy */
		return 0;
	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list)
		errors += slab_ops->validate(s);
	slab_mutex_unlock();
	return errors;
}

/* fork: slab_mutex, near the top of the lock order (mm_init.c) */
void slab_mutex_fork_prepare(void)
{
	slab_mutex_lock();
}

void slab_mutex_fork_parent(void)
{
	slab_mutex_unlock();
}

void slab_mutex_fork_child(void)
{
	slab_mutex_mine = false;
	kh_lock_reinit(&slab_mutex);
}

/*
 * fork: every cache's list_lock, CPU locks and barn lock, newest cache
 * first (slab_caches cannot change: slab_mutex is held).
 */
void slab_caches_fork_prepare(void)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		slab_ops->lock_cache(s);
}

void slab_caches_fork_parent(void)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		slab_ops->unlock_cache(s);
}

void slab_caches_fork_child(void)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		slab_ops->reinit_cache(s);
}

const struct kheap_layer slab_layer = {
	.name = "slab",
	.init = slab_init,
	.validate = slab_validate,
};

/* ------------------------------------------------------------------ */
/* kmalloc                                                             */
/* ------------------------------------------------------------------ */

kmem_buckets kmalloc_caches[NR_KMALLOC_TYPES];
bool random_kmalloc_caches;		/* set once, before the caches exist */
unsigned long random_kmalloc_seed;	/* the kernel's, __ro_after_init */
/* kheap.malloc_fine: [shift][q] holds the class 2^(shift-3) * (q + 5) */
static struct kmem_cache *malloc_fine_caches[KMALLOC_SHIFT_HIGH + 1][3];

/* The head page of a large kmalloc object: a private page flag. */
#define PG_large_kmalloc	PG_owner_2

/* ------------------------------------------------------------------ */
/* size classes                                                        */
/* ------------------------------------------------------------------ */

/*
 * kmalloc_size_index[(bytes - 1) / 8] for 1..192 bytes (v6.12); under SLAB
 * create_kmalloc_caches() points the sizes below kmalloc-32 at it, as the
 * kernel's setup_kmalloc_cache_index_table() does for KMALLOC_MIN_SIZE.
 */
u8 kmalloc_size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,		/*   8 ..  64 */
	1, 1, 1, 1, 7, 7, 7, 7,		/*  72 .. 128 */
	2, 2, 2, 2, 2, 2, 2, 2,		/* 136 .. 192 */
};

static const struct {
	const char *name[NR_KMALLOC_TYPES];
	unsigned int size;
} kmalloc_info[KMALLOC_SHIFT_HIGH + 1] = {
#define INFO(sz, short_sz)						\
	{ { [KMALLOC_NORMAL] = "kmalloc-" #short_sz,			\
	    [KMALLOC_RECLAIM] = "kmalloc-rcl-" #short_sz,		\
	    [KMALLOC_DMA] = "dma-kmalloc-" #short_sz }, sz }
	{ { NULL }, 0 },
	INFO(96, 96),
	INFO(192, 192),
	INFO(8, 8),
	INFO(16, 16),
	INFO(32, 32),
	INFO(64, 64),
	INFO(128, 128),
	INFO(256, 256),
	INFO(512, 512),
	INFO(1024, 1k),
	INFO(2048, 2k),
	INFO(4096, 4k),
	INFO(8192, 8k),
#undef INFO
};

/*
 * The malloc shim's size classes (4.): malloc_size_cache[(size - 1) / 8]
 * is the cache for a malloc of 1..KMALLOC_MAX_CACHE_SIZE bytes.  Without
 * kheap.malloc_fine it is kmalloc's own class.  With it, sizes of 257 B
 * and up get four classes per doubling, 2^k * (5/4, 6/4, 7/4, 8/4): the
 * powers of two stay kmalloc's caches (naturally aligned, as the shim's
 * aligned requests need), the others are caches of their own,
 * malloc-320 ... malloc-7k, created here with the kmalloc caches (so
 * slabinfo lists them from the start).
 */
struct kmem_cache *malloc_size_cache[KMALLOC_MAX_CACHE_SIZE / 8];

static void create_malloc_classes(void)
{
	static char names[KMALLOC_SHIFT_HIGH + 1][3][32];

	for (size_t i = 0; i < ARRAY_SIZE(malloc_size_cache); i++) {
		size_t size = (i + 1) * 8, cls;
		unsigned int shift = fls_long(size - 1);	/* size <= 2^shift */
		struct kmem_cache **slot;
		char *name;

		malloc_size_cache[i] =
			kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(size)];
		if (!kheap_config.malloc_fine || size <= 256)
			continue;
		cls = ALIGN(size, 1UL << (shift - 3));	/* quarters of 2^(shift-1) */
		if (cls == 1UL << shift)
			continue;			/* kmalloc's power of two */
		slot = &malloc_fine_caches[shift][(cls >> (shift - 3)) - 5];
		if (!*slot) {
			name = names[shift][(cls >> (shift - 3)) - 5];
			if (cls % 1024)
				snprintf(name, 32, "malloc-%zu", cls);
			else
				snprintf(name, 32, "malloc-%zuk", cls / 1024);
			*slot = create_kmalloc_cache(name, (unsigned int)cls, 0);
		}
		malloc_size_cache[i] = *slot;
	}
}

static int create_kmalloc_caches(void)
{
	static const slab_flags_t type_flags[NR_KMALLOC_TYPES] = {
		[KMALLOC_NORMAL] = 0,
		[KMALLOC_RECLAIM] = SLAB_RECLAIM_ACCOUNT,
		[KMALLOC_DMA] = SLAB_CACHE_DMA,
	};

	unsigned int low = slab_ops->kmalloc_shift_low;

	if (!low) {		/* SLOB: one pseudo-cache for every class */
		for (int type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++)
			for (unsigned int i = 0; i <= KMALLOC_SHIFT_HIGH; i++)
				kmalloc_caches[type][i] = slab_ops->kmalloc_pseudo;
		/* the shim's classes too: no finer ones without classes */
		for (size_t i = 0; i < ARRAY_SIZE(malloc_size_cache); i++)
			malloc_size_cache[i] = slab_ops->kmalloc_pseudo;
		return 0;
	}
	for (unsigned int size = 8; size < (1U << low); size += 8)
		kmalloc_size_index[(size - 1) / 8] = (u8)low;
	for (int type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		bool rnd = type > KMALLOC_RANDOM_START && type <= KMALLOC_RANDOM_END;

		if (rnd && !random_kmalloc_caches)
			continue;
		for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
			char name[32];

			if (!(i == 1 || i == 2 || i >= low))
				continue;
			/* v6.12's names: kmalloc-rnd-01-64 ... kmalloc-rnd-15-8k */
			if (rnd)
				snprintf(name, sizeof(name), "kmalloc-rnd-%02d-%s",
					 type - KMALLOC_RANDOM_START,
					 kmalloc_info[i].name[KMALLOC_NORMAL] + 8);
			kmalloc_caches[type][i] = create_kmalloc_cache(
				rnd ? name : kmalloc_info[i].name[type],
				kmalloc_info[i].size,
				rnd ? SLAB_NO_MERGE : type_flags[type]);
		}
	}
	/* as create_kmalloc_caches() sets it, once the caches exist */
	random_kmalloc_seed = os_random();
	create_malloc_classes();
	return 0;
}

/* ------------------------------------------------------------------ */
/* kmalloc                                                             */
/* ------------------------------------------------------------------ */

static void *___kmalloc_large_node(size_t size, gfp_t flags)
{
	unsigned int order = (unsigned int)get_order(size);
	struct page *page;

	if (size > KMALLOC_MAX_SIZE)	/* the page allocator fails it */
		order = MAX_PAGE_ORDER + 1;
	page = alloc_pages(flags | __GFP_COMP, order);
	if (!page)
		return NULL;
	__atomic_fetch_or(&page->flags, 1UL << PG_large_kmalloc,
			  __ATOMIC_RELAXED);
	mod_node_page_state(NR_SLAB_UNRECLAIMABLE, 1L << order);
	return page_address(page);
}

/* Traced: the block's mm_page_alloc is nested in the kmalloc event. */
static __noinline __cold void *kmalloc_large_traced(size_t size, gfp_t flags,
						    unsigned long caller)
{
	void *p;

	trace_nest_begin();
	p = ___kmalloc_large_node(size, flags);
	trace_nest_end();
	__trace_kmalloc(caller, p, size, PAGE_SIZE << get_order(size), flags);
	return p;
}

static inline void *kmalloc_large(size_t size, gfp_t flags,
				  unsigned long caller)
{
	if (trace_enabled())
		return kmalloc_large_traced(size, flags, caller);
	return ___kmalloc_large_node(size, flags);
}

void *__kmalloc_large(size_t size, gfp_t flags)
{
	return kmalloc_large(size, flags, _RET_IP_);
}

void *__kmalloc_large_node(size_t size, gfp_t flags, int node)
{
	(void)node;
	return kmalloc_large(size, flags, _RET_IP_);
}

/*
 * The body of every kmalloc (the kernel's __do_kmalloc_node()); @caller is
 * what the kmalloc tracepoint and slub_debug's tracks record.
 */
static __always_inline void *do_kmalloc(size_t size, gfp_t flags,
					unsigned long caller)
{
	struct kmem_cache *s;
	void *p;

	kheap_ensure_init();
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large(size, flags, caller);
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	s = kmalloc_slab(size, flags, caller);
	p = __kmem_cache_alloc_kmalloc(s, flags, size, caller);
	/* ASan: the bytes past the request are red zone until ksize() (not
	 * under SLOB, whose pseudo-cache has no object size: slob.c poisons) */
	if (KHEAP_ASAN && p && kheap_asan_cache(s) && s->object_size > size &&
	    !is_kfence_address(p))
		kheap_asan_poison((char *)p + size, s->object_size - size);
	return p;
}

/**
 * kmalloc - allocate kernel memory
 * @size: bytes required; 0 gives ZERO_SIZE_PTR
 * @flags: GFP flags; __GFP_ZERO zeroes, __GFP_RECLAIMABLE and __GFP_DMA pick
 *         the kmalloc-rcl-* and dma-kmalloc-* caches
 *
 * Return: an object of at least @size bytes (ksize() tells how many),
 * aligned to the largest power of two dividing its size class, or NULL.
 */
void *kmalloc(size_t size, gfp_t flags)
{
	return do_kmalloc(size, flags, _RET_IP_);
}

/**
 * __kmalloc_cache_noprof - kmalloc() from the kmalloc cache @s, for a
 * request of @size bytes (the kernel's: kmalloc() of a constant size calls
 * it with the cache picked at compile time)
 *
 * @size is the request a kmalloc cache with SLAB_STORE_USER and
 * SLAB_RED_ZONE keeps (orig_size): the bytes beyond it are red zone.
 */
void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t flags, size_t size)
{
	if (unlikely(!s || size > s->object_size))
		return NULL;
	return __kmem_cache_alloc_kmalloc(s, flags, size, _RET_IP_);
}

void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	(void)node;
	return do_kmalloc(size, flags, _RET_IP_);
}

/**
 * __kmalloc_node_track_caller - kmalloc() on behalf of @caller, which the
 * kmalloc tracepoint and slub_debug's alloc track record as the call site
 * (kmalloc_track_caller() passes its own caller)
 */
void *__kmalloc_node_track_caller(size_t size, gfp_t flags, int node,
				  unsigned long caller)
{
	(void)node;
	return do_kmalloc(size, flags, caller);
}

/* ------------------------------------------------------------------ */
/* kfree, ksize                                                        */
/* ------------------------------------------------------------------ */

static __noinline __cold void kfree_invalid(const void *object,
					    const char *why)
{
	pr_err("kfree(): invalid pointer %p (%s)\n", object, why);
	dump_stack();
	kheap_check_panic_on_warn("kfree");
}

/* The head page of a large kmalloc object at @object, or NULL. */
static struct page *large_kmalloc_head(const void *object)
{
	struct page *page;

	if (!virt_addr_valid(object) ||
	    !pfn_section_online(virt_to_pfn(object)))
		return NULL;
	page = compound_head(virt_to_page(object));
	if (!kheap_page_flag(page, PG_large_kmalloc))
		return NULL;
	return page;
}

/* The size of the large kmalloc block starting at @object, else 0; quiet. */
size_t kmalloc_large_size(const void *object)
{
	struct page *page = large_kmalloc_head(object);

	return page && object == page_address(page) ? page_size(page) : 0;
}

static void free_large_kmalloc(struct page *page, const void *object)
{
	unsigned int order = compound_order(page);

	if (unlikely(object != page_address(page))) {
		kfree_invalid(object, "inside a large kmalloc object");
		return;
	}
	__atomic_fetch_and(&page->flags, ~(1UL << PG_large_kmalloc),
			   __ATOMIC_RELAXED);
	mod_node_page_state(NR_SLAB_UNRECLAIMABLE, -(1L << order));
	__free_pages(page, order);
}

/* kfree() past the sheaf map: struct page, large kmalloc, bad pointers;
 * @caller is the free track slub_debug records. */
static __always_inline void do_kfree(const void *objp, unsigned long caller)
{
	struct slab *slab;
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(objp)))
		return;
	slab = virt_to_slab(objp);
	if (likely(slab)) {
		kfree_slab_object(slab, (void *)objp, caller);
		return;
	}
	page = large_kmalloc_head(objp);
	if (page) {
		free_large_kmalloc(page, objp);
		return;
	}
	if (__kfence_free((void *)objp))
		return;
	if (is_vmalloc_addr(objp))
		kfree_invalid(objp, "a vmalloc address: use vfree() or kvfree()");
	else
		kfree_invalid(objp, virt_addr_valid(objp)
				    ? "not a kmalloc object"
				    : "not allocated by kheap");
}

/* Traced: the kfree event comes first, as the kernel's does (before the
 * NULL test), so a block freed and handed out again is ordered in time. */
static __noinline __cold void kfree_traced(const void *objp,
					   unsigned long caller)
{
	__trace_kfree(caller, objp);
	trace_nest_begin();
	if (!sheaf_map_free_traced((void *)objp, NULL))
		do_kfree(objp, caller);
	trace_nest_end();
}

/* Everything the sheaf map does not take; while a trace is recorded that
 * is every free (slab_sheaf_map_pause()). */
static __noinline void kfree_slow(const void *objp, unsigned long caller)
{
	if (trace_enabled()) {
		kfree_traced(objp, caller);
		return;
	}
	do_kfree(objp, caller);
}

/**
 * kfree - free memory kmalloc() (or any kmalloc-family call) returned
 * @objp: the object; NULL and ZERO_SIZE_PTR are ignored
 *
 * A pointer kheap did not hand out is reported and ignored.  An object of
 * a cache with sheaves is found through the sheaf map and pushed onto
 * this CPU's sheaf inline (sheaf_map_free()); the rest goes the struct
 * page way, traced while a trace is recorded.
 */
void kfree(const void *objp)
{
	if (likely(sheaf_map_free((void *)objp, NULL)))
		return;
	kfree_slow(objp, _RET_IP_);
}

/* The usable size of a slab object (the kernel's slab_ksize()). */
static size_t slab_ksize(const struct kmem_cache *s)
{
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return s->inuse;
	return s->size;
}

size_t __ksize(const void *object)
{
	struct slab *slab;
	struct page *page;

	if (object == ZERO_SIZE_PTR)
		return 0;
	slab = virt_to_slab(object);
	if (slab && slab_alt)
		return slab_ops->ksize(slab, object);
	if (slab) {
		/* the caller may use all of it: no kmalloc red zone (v6.12) */
		if (unlikely(kmem_cache_debug(slab->slab_cache)))
			skip_orig_size_check(slab->slab_cache, object);
		if (KHEAP_ASAN && kheap_asan_cache(slab->slab_cache))
			kheap_asan_unpoison(object, slab->slab_cache->object_size);
		return slab_ksize(slab->slab_cache);
	}
	page = large_kmalloc_head(object);
	if (page && object == page_address(page))
		return page_size(page);
	if (is_kfence_address(object))
		return kfence_ksize(object);
	pr_warn("WARNING: ksize(%p): not a kmalloc object\n", object);
	dump_stack();
	return 0;
}

/**
 * ksize - the number of bytes really usable at @objp (at least what was
 * asked for); 0 for NULL and ZERO_SIZE_PTR
 */
size_t ksize(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return 0;
	return __ksize(objp);
}

/**
 * kmalloc_size_roundup - the size kmalloc() really gives for @size bytes
 */
size_t kmalloc_size_roundup(size_t size)
{
	kheap_ensure_init();
	if (slab_ops->kmalloc_size_roundup)
		return slab_ops->kmalloc_size_roundup(size);
	if (size && size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_slab(size, GFP_KERNEL, 0)->object_size;
	if (size && size <= KMALLOC_MAX_SIZE)
		return PAGE_SIZE << get_order(size);
	return size;
}

/**
 * kfree_sensitive - zero the whole object (ksize() bytes), then free it
 */
void kfree_sensitive(const void *p)
{
	size_t ks = ksize(p);

	if (ks)
		memzero_explicit((void *)p, ks);
	kfree(p);
}

/**
 * kfree_bulk - free @size objects from the kmalloc family
 *
 * Runs of objects of the same cache go to kmem_cache_free_bulk() together.
 */
void kfree_bulk(size_t size, void **p)
{
	size_t i = 0;

	if (slab_alt) {		/* SLAB and SLOB free one by one (v6.6's
				   kmem_cache_free_bulk(NULL, ...)) */
		while (i < size)
			kfree(p[i++]);
		return;
	}

	while (i < size) {
		struct slab *slab = ZERO_OR_NULL_PTR(p[i]) ? NULL : virt_to_slab(p[i]);
		size_t j = i + 1;

		if (!slab) {
			kfree(p[i]);
			i++;
			continue;
		}
		while (j < size && !ZERO_OR_NULL_PTR(p[j]) &&
		       virt_to_slab(p[j]) &&
		       virt_to_slab(p[j])->slab_cache == slab->slab_cache)
			j++;
		kmem_cache_free_bulk(slab->slab_cache, j - i, p + i);
		i = j;
	}
}

/* ------------------------------------------------------------------ */
/* krealloc                                                            */
/* ------------------------------------------------------------------ */

/**
 * krealloc - resize an object, as v6.12's krealloc does
 * @p: the object (NULL: allocate)
 * @new_size: the new size (0: free @p and return ZERO_SIZE_PTR)
 * @flags: GFP flags; with __GFP_ZERO (or init_on_alloc) the bytes from
 *         @new_size to the end of the object are zeroed when it is reused
 *         in place, so a later krealloc with __GFP_ZERO finds them zeroed
 *
 * The object is reused in place when it is large enough (ksize); otherwise
 * a new one is allocated, the old contents (ksize bytes) copied, and the
 * old one freed.  On failure @p is untouched and NULL returned.
 */
void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	size_t ks = 0;
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (likely(!ZERO_OR_NULL_PTR(p))) {
		ks = ksize(p);
		if (!ks)	/* not a kmalloc object: reported by ksize */
			return NULL;
	}
	if (ks >= new_size) {
		if (want_init_on_alloc(flags))	/* zero the spare bytes */
			memset((char *)p + new_size, 0, ks - new_size);
		/* the kernel traces nothing here; a replay needs the new size */
		if (trace_enabled())
			__trace_krealloc(_RET_IP_, p, new_size, ks);
		return (void *)p;
	}
	ret = do_kmalloc(new_size, flags, _RET_IP_);
	if (ret && p && !ZERO_OR_NULL_PTR(p)) {
		memcpy(ret, p, ks);
		kfree(p);
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* the kmalloc layer                                                   */
/* ------------------------------------------------------------------ */

static int kmalloc_init(void)
{
	int err = create_kmalloc_caches();

	if (!err && slab_ops->init_late)
		slab_ops->init_late();
	return err;
}

/*
 * kmalloc_validate - the size classes: every request size maps to a
 * cache whose objects hold it, each type array has its caches, names and
 * flags as the kernel's.  Return: problems found (each reported).
 */
static int kmalloc_validate(void)
{
	struct validator v = { "kmalloc_validate" };

	if (!slab_ops->kmalloc_shift_low) {	/* SLOB: no size classes */
		VALIDATE(&v, kmalloc_caches[KMALLOC_NORMAL][0] == slab_ops->kmalloc_pseudo,
			 "kmalloc_caches[0][0] is not SLOB's pseudo-cache\n");
		return v.errors;
	}
	for (int type = 0; type < NR_KMALLOC_TYPES; type++) {
		if (type > KMALLOC_RANDOM_START && type <= KMALLOC_RANDOM_END &&
		    !random_kmalloc_caches)
			continue;		/* not made */
		for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
			struct kmem_cache *s = kmalloc_caches[type][kmalloc_index(size)];

			if (!s || s->object_size < size ||
			    !(s->flags & SLAB_KMALLOC)) {
				validator_report(&v, "no proper cache for %zu bytes (type %d)\n",
						 size, type);
				break;
			}
		}
	}
	return v.errors;
}

const struct kheap_layer kmalloc_layer = {
	.name = "kmalloc",
	.init = kmalloc_init,
	.validate = kmalloc_validate,
};
