// SPDX-License-Identifier: MIT
/*
 * kmalloc.c - the kmalloc family: kmalloc caches and size classes
 * (mm/slab_common.c), large kmalloc and kfree (mm/slub.c), the string and
 * kvmalloc helpers (mm/util.c), and kfree_rcu (kernel/rcu/tree.c), with
 * Linux v6.12's semantics.
 *
 * 1. Size classes.  Requests up to KMALLOC_MAX_CACHE_SIZE (8 KiB) are served
 *    by the kmalloc caches kmalloc-8 .. kmalloc-8k, with kmalloc-96 and
 *    kmalloc-192 between the powers of two.  The class of sizes 1..192 comes
 *    from kmalloc_size_index[(size - 1) / 8], above that from
 *    fls(size - 1).  Three arrays of caches, as the kernel has them without
 *    memcg: KMALLOC_NORMAL ("kmalloc-64"), KMALLOC_RECLAIM for
 *    __GFP_RECLAIMABLE ("kmalloc-rcl-64", SLAB_RECLAIM_ACCOUNT) and
 *    KMALLOC_DMA for __GFP_DMA ("dma-kmalloc-64", SLAB_CACHE_DMA);
 *    KMALLOC_CGROUP is KMALLOC_NORMAL.  All 39 are created at
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
 * 4. kvmalloc tries kmalloc first (adding __GFP_NOWARN and, unless
 *    __GFP_RETRY_MAYFAIL, __GFP_NORETRY above a page, and never
 *    __GFP_NOFAIL) and falls back to vmalloc for blocking requests larger
 *    than a page; kvfree frees either.
 *
 * 5. kfree_rcu.  kvfree_call_rcu() queues the object on this CPU's batch (a
 *    page of pointers, KVFREE_BULK_MAX_ENTR of them); a full batch, or one
 *    older than KFREE_DRAIN_JIFFIES (5 s) when the next object comes, is
 *    handed to liburcu's call_rcu() (memb flavour), whose callback frees
 *    every object with kfree_bulk()/kvfree after the grace period.  When no
 *    page can be had for a batch, an object with an rcu_head is queued with
 *    call_rcu() alone, and a headless one (kfree_rcu_mightsleep) waits for a
 *    grace period (synchronize_rcu) and is freed at once, as the kernel
 *    does.  kvfree_rcu_barrier() submits every batch and waits for them
 *    (rcu_barrier); a shrinker submits batches under memory pressure.
 *    kheap starts no thread of its own for this; liburcu's call_rcu thread
 *    exists once kfree_rcu is first used.
 *
 * Lock order: a kfree_rcu batch lock (per CPU) is a leaf; the slab and page
 * allocator locks are taken only by the calls made outside it.
 */
#include "internal.h"
#include "slab.h"
#include "slub_debug.h"
#include "kfence/kfence.h"
#include "sanitizer.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

kmem_buckets kmalloc_caches[NR_KMALLOC_TYPES];

/* The head page of a large kmalloc object: a private page flag. */
#define PG_large_kmalloc	PG_owner_2

/* ------------------------------------------------------------------ */
/* size classes                                                        */
/* ------------------------------------------------------------------ */

/* kmalloc_size_index[(bytes - 1) / 8] for 1..192 bytes (v6.12). */
const u8 kmalloc_size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6,		/*   8 ..  64 */
	1, 1, 1, 1, 7, 7, 7, 7,		/*  72 .. 128 */
	2, 2, 2, 2, 2, 2, 2, 2,		/* 136 .. 192 */
};

static const struct {
	const char *name[NR_KMALLOC_TYPES];
	unsigned int size;
} kmalloc_info[KMALLOC_SHIFT_HIGH + 1] = {
#define INFO(sz, short_sz)						\
	{ { "kmalloc-" #short_sz, "kmalloc-rcl-" #short_sz,		\
	    "dma-kmalloc-" #short_sz }, sz }
	{ { NULL, NULL, NULL }, 0 },
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

static int create_kmalloc_caches(void)
{
	static const slab_flags_t type_flags[NR_KMALLOC_TYPES] = {
		[KMALLOC_NORMAL] = 0,
		[KMALLOC_RECLAIM] = SLAB_RECLAIM_ACCOUNT,
		[KMALLOC_DMA] = SLAB_CACHE_DMA,
	};

	for (int type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
			if (i == 1 || i == 2 || i >= KMALLOC_SHIFT_LOW)
				kmalloc_caches[type][i] = create_kmalloc_cache(
					kmalloc_info[i].name[type],
					kmalloc_info[i].size, type_flags[type]);
		}
	}
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

void *__kmalloc_large(size_t size, gfp_t flags)
{
	return ___kmalloc_large_node(size, flags);
}

void *__kmalloc_large_node(size_t size, gfp_t flags, int node)
{
	(void)node;
	return ___kmalloc_large_node(size, flags);
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
	struct kmem_cache *s;
	void *p;

	kheap_ensure_init();
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return ___kmalloc_large_node(size, flags);
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	s = kmalloc_slab(size, flags);
	p = __kmem_cache_alloc_kmalloc(s, flags, size, _RET_IP_);
	/* ASan: the bytes past the request are red zone until ksize() */
	if (KHEAP_ASAN && p && kheap_asan_cache(s) && !is_kfence_address(p))
		kheap_asan_poison((char *)p + size, s->object_size - size);
	return p;
}

void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	(void)node;
	return kmalloc(size, flags);
}

/* ------------------------------------------------------------------ */
/* kfree, ksize                                                        */
/* ------------------------------------------------------------------ */

static __noinline __cold void kfree_invalid(const void *object,
					    const char *why)
{
	pr_err("kfree(): invalid pointer %p (%s)\n", object, why);
	dump_stack();
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

/**
 * kfree - free memory kmalloc() (or any kmalloc-family call) returned
 * @objp: the object; NULL and ZERO_SIZE_PTR are ignored
 *
 * A pointer kheap did not hand out is reported and ignored.
 */
void kfree(const void *objp)
{
	struct slab *slab;
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(objp)))
		return;
	slab = virt_to_slab(objp);
	if (likely(slab)) {
		kfree_slab_object(slab, (void *)objp, _RET_IP_);
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
	if (size && size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_slab(size, GFP_KERNEL)->object_size;
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
 * @flags: GFP flags; with __GFP_ZERO the bytes from @new_size to the end of
 *         the object are zeroed when it is reused in place, so a later
 *         krealloc with __GFP_ZERO finds them zeroed
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
		if (flags & __GFP_ZERO)
			memset((char *)p + new_size, 0, ks - new_size);
		return (void *)p;
	}
	ret = kmalloc(new_size, flags);
	if (ret && p && !ZERO_OR_NULL_PTR(p)) {
		memcpy(ret, p, ks);
		kfree(p);
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* strings (mm/util.c)                                                 */
/* ------------------------------------------------------------------ */

char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	buf = kmalloc(len, gfp);
	if (buf)
		memcpy(buf, s, len);
	return buf;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	buf = kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *buf;

	if (!s)
		return NULL;
	buf = kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

struct rodata_query {
	unsigned long addr;
	bool found;
};

static int rodata_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct rodata_query *q = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		unsigned long start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && !(ph->p_flags & PF_W) &&
		    q->addr >= start && q->addr < start + ph->p_memsz) {
			q->found = true;
			return 1;
		}
	}
	return 0;
}

/*
 * The kernel's is_kernel_rodata(): true if @addr lies in a read-only
 * segment of the program or a loaded library (string literals).
 */
static bool is_kernel_rodata(unsigned long addr)
{
	struct rodata_query q = { addr, false };

	dl_iterate_phdr(rodata_cb, &q);
	return q.found;
}

/**
 * kstrdup_const - kstrdup(), except that a string in read-only data (a
 * literal) is returned as it is; free the result with kfree_const()
 */
const char *kstrdup_const(const char *s, gfp_t gfp)
{
	if (s && is_kernel_rodata((unsigned long)s))
		return s;
	return kstrdup(s, gfp);
}

/**
 * kfree_const - free what kstrdup_const() returned: a kmalloc copy is
 * freed, read-only data is left alone
 */
void kfree_const(const void *x)
{
	if (!is_kernel_rodata((unsigned long)x))
		kfree(x);
}

char *kvasprintf(gfp_t gfp, const char *fmt, va_list ap)
{
	unsigned int first, second;
	va_list aq;
	char *p;

	va_copy(aq, ap);
	first = (unsigned int)vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = kmalloc(first + 1, gfp);
	if (!p)
		return NULL;
	second = (unsigned int)vsnprintf(p, first + 1, fmt, ap);
	if (first != second)
		pr_warn("WARNING: different return values (%u and %u) from vsnprintf(\"%s\", ...)\n",
			first, second, fmt);
	return p;
}

const char *kvasprintf_const(gfp_t gfp, const char *fmt, va_list ap)
{
	/* a format without conversions is its own result */
	if (!strchr(fmt, '%'))
		return kstrdup_const(fmt, gfp);
	if (!strcmp(fmt, "%s")) {
		va_list aq;
		const char *s;

		va_copy(aq, ap);
		s = va_arg(aq, const char *);
		va_end(aq);
		return kstrdup_const(s, gfp);
	}
	return kvasprintf(gfp, fmt, ap);
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kvasprintf(gfp, fmt, ap);
	va_end(ap);
	return p;
}

/* ------------------------------------------------------------------ */
/* kvmalloc (mm/util.c)                                                */
/* ------------------------------------------------------------------ */

static gfp_t kmalloc_gfp_adjust(gfp_t flags, size_t size)
{
	if (size > PAGE_SIZE) {
		flags |= __GFP_NOWARN;
		if (!(flags & __GFP_RETRY_MAYFAIL))
			flags |= __GFP_NORETRY;
		/* the vmalloc fallback implements __GFP_NOFAIL */
		flags &= ~__GFP_NOFAIL;
	}
	return flags;
}

/**
 * kvmalloc_node - kmalloc, falling back to vmalloc for larger requests
 *
 * Only requests that may block (GFP_KERNEL) and are larger than a page fall
 * back to vmalloc.  Free with kvfree().
 */
void *kvmalloc_node(size_t size, gfp_t flags, int node)
{
	void *ret = kmalloc_node(size, kmalloc_gfp_adjust(flags, size), node);

	if (ret || size <= PAGE_SIZE)
		return ret;
	if (!gfpflags_allow_blocking(flags))
		return NULL;
	if (unlikely(size > INT_MAX)) {
		if (!(flags & __GFP_NOWARN)) {
			pr_warn("WARNING: kvmalloc_node: size %zu > INT_MAX\n",
				size);
			dump_stack();
		}
		return NULL;
	}
	return __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END, flags,
				    PAGE_KERNEL, VM_ALLOW_HUGE_VMAP, node,
				    __builtin_return_address(0));
}

void kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}

void kvfree_sensitive(const void *addr, size_t len)
{
	if (likely(!ZERO_OR_NULL_PTR(addr))) {
		memzero_explicit((void *)addr, len);
		kvfree(addr);
	}
}

/**
 * kvrealloc - krealloc() for kvmalloc() memory (v6.12's three-argument form)
 */
void *kvrealloc(const void *p, size_t size, gfp_t flags)
{
	void *n;

	if (is_vmalloc_addr(p))
		return vrealloc(p, size, flags);
	n = krealloc(p, size, kmalloc_gfp_adjust(flags, size));
	if (!n) {
		n = kvmalloc(size, flags);
		if (!n)
			return NULL;
		if (p) {
			memcpy(n, p, ksize(p));
			kfree(p);
		}
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* kfree_rcu (kernel/rcu/tree.c's kvfree_call_rcu)                     */
/* ------------------------------------------------------------------ */

#define KFREE_DRAIN_NS		(5ULL * 1000000000ULL)	/* KFREE_DRAIN_JIFFIES */

/* A batch: one page of object pointers, handed to call_rcu() whole. */
struct kvfree_rcu_bulk_data {
	struct rcu_head rcu;		/* liburcu's, for the whole batch */
	unsigned long nr_records;	/* records used */
	void *records[];		/* objects to kvfree */
};

#define KVFREE_BULK_MAX_ENTR \
	((PAGE_SIZE - sizeof(struct kvfree_rcu_bulk_data)) / sizeof(void *))

/*
 * When no batch page can be had, an object's own rcu_head queues it: its
 * two words become (next, object), as the kernel stores the object pointer
 * in head->func.
 */
struct kvfree_head {
	struct kvfree_head *next;	/* next queued head of this CPU */
	void *ptr;			/* the object to free */
};
_Static_assert(sizeof(struct rcu_head) >= sizeof(struct kvfree_head),
	       "an rcu_head holds (next, object)");

/* A chain of such heads, handed to call_rcu() together. */
struct kvfree_head_batch {
	struct rcu_head rcu;
	struct kvfree_head *list;
};

struct kfree_rcu_cpu {
	kh_lock_t lock;				/* guards the rest; a leaf */
	struct kvfree_rcu_bulk_data *bulk;	/* the batch being filled */
	struct kvfree_head *head;		/* heads queued without a batch */
	unsigned long long first_ns;		/* when the oldest came */
	long nr;				/* objects queued here */
} __cacheline_aligned;

static struct kfree_rcu_cpu *krc;
static unsigned int krc_nr;
static long krc_queued;			/* objects queued, all CPUs */

static void kvfree_bulk_records(void **p, unsigned long nr)
{
	unsigned long i, j = 0;

	/* vmalloc'd objects go to vfree; the rest to kfree_bulk in one go */
	for (i = 0; i < nr; i++) {
		if (is_vmalloc_addr(p[i]))
			vfree(p[i]);
		else
			p[j++] = p[i];
	}
	kfree_bulk(j, p);
}

static void kvfree_rcu_bulk_cb(struct rcu_head *h)
{
	struct kvfree_rcu_bulk_data *bd =
		container_of(h, struct kvfree_rcu_bulk_data, rcu);

	kvfree_bulk_records(bd->records, bd->nr_records);
	free_page((unsigned long)bd);
}

static void kvfree_rcu_head_cb(struct rcu_head *h)
{
	struct kvfree_head_batch *hb =
		container_of(h, struct kvfree_head_batch, rcu);
	struct kvfree_head *kh = hb->list;

	while (kh) {
		struct kvfree_head *next = kh->next;

		kvfree(kh->ptr);
		kh = next;
	}
	kfree(hb);
}

/*
 * Hand this CPU's queued objects to call_rcu().  Called with krcp->lock
 * held; allocates only with GFP_NOWAIT.  Return: objects submitted.
 */
static long krc_submit(struct kfree_rcu_cpu *krcp)
{
	long n = 0;

	if (krcp->bulk && krcp->bulk->nr_records) {
		n += (long)krcp->bulk->nr_records;
		urcu_memb_call_rcu(&krcp->bulk->rcu, kvfree_rcu_bulk_cb);
		krcp->bulk = NULL;
	}
	if (krcp->head) {
		struct kvfree_head_batch *hb =
			kmalloc(sizeof(*hb), GFP_NOWAIT | __GFP_NOWARN);

		if (hb) {
			long m = 0;

			for (struct kvfree_head *kh = krcp->head; kh; kh = kh->next)
				m++;
			hb->list = krcp->head;
			krcp->head = NULL;
			urcu_memb_call_rcu(&hb->rcu, kvfree_rcu_head_cb);
			n += m;
		}
	}
	krcp->nr -= n;
	__atomic_fetch_sub(&krc_queued, n, __ATOMIC_RELAXED);
	if (!krcp->nr)
		krcp->first_ns = 0;
	return n;
}

/* Put @ptr in this CPU's batch; false if no batch page could be had. */
static bool add_ptr_to_bulk(struct kfree_rcu_cpu *krcp, void *ptr)
{
	struct kvfree_rcu_bulk_data *bd = krcp->bulk;

	if (bd && bd->nr_records == KVFREE_BULK_MAX_ENTR) {
		krc_submit(krcp);
		bd = NULL;
	}
	if (!bd) {
		bd = (void *)__get_free_page(GFP_NOWAIT | __GFP_NOWARN);
		if (!bd)
			return false;
		bd->nr_records = 0;
		krcp->bulk = bd;
	}
	bd->records[bd->nr_records++] = ptr;
	return true;
}

/**
 * kvfree_call_rcu - free @ptr after an RCU grace period (kfree_rcu())
 * @head: the rcu_head inside the object, or NULL for kfree_rcu_mightsleep()
 * @ptr: the object (kmalloc'd or vmalloc'd)
 */
void kvfree_call_rcu(struct rcu_head *head, void *ptr)
{
	struct kfree_rcu_cpu *krcp;
	unsigned long long now = os_ns();
	bool queued;

	if (!ptr)
		return;
	kheap_ensure_init();
	krcp = &krc[os_cpu() % krc_nr];
	kh_lock(&krcp->lock);
	queued = add_ptr_to_bulk(krcp, ptr);
	if (!queued && head) {
		struct kvfree_head *kh = (struct kvfree_head *)head;

		kh->ptr = ptr;
		kh->next = krcp->head;
		krcp->head = kh;
		queued = true;
	}
	if (queued) {
		if (!krcp->nr++)
			krcp->first_ns = now;
		__atomic_fetch_add(&krc_queued, 1, __ATOMIC_RELAXED);
		/* the kernel's monitor work drains after KFREE_DRAIN_JIFFIES */
		if (now - krcp->first_ns >= KFREE_DRAIN_NS)
			krc_submit(krcp);
	}
	kh_unlock(&krcp->lock);
	if (!queued) {
		/* headless, and no memory for a batch: wait, then free */
		urcu_memb_synchronize_rcu();
		kvfree(ptr);
	}
}

/**
 * kvfree_rcu_barrier - wait until every object queued with kfree_rcu() so
 * far has been freed (the kernel's kvfree_rcu_barrier(), an rcu_barrier()
 * that also flushes the per-CPU batches)
 */
void kvfree_rcu_barrier(void)
{
	if (!READ_ONCE(kheap_initialized))
		return;
	for (unsigned int c = 0; c < krc_nr; c++) {
		kh_lock(&krc[c].lock);
		krc_submit(&krc[c]);
		kh_unlock(&krc[c].lock);
	}
	urcu_memb_barrier();
}

static unsigned long kfree_rcu_shrink_count(struct shrinker *s,
					    struct shrink_control *sc)
{
	long n = __atomic_load_n(&krc_queued, __ATOMIC_RELAXED);

	(void)s;
	(void)sc;
	return n > 0 ? (unsigned long)n : SHRINK_EMPTY;
}

static unsigned long kfree_rcu_shrink_scan(struct shrinker *s,
					   struct shrink_control *sc)
{
	unsigned long freed = 0;

	(void)s;
	for (unsigned int c = 0; c < krc_nr && freed < sc->nr_to_scan; c++) {
		kh_lock(&krc[c].lock);
		freed += (unsigned long)krc_submit(&krc[c]);
		kh_unlock(&krc[c].lock);
	}
	return freed ? freed : SHRINK_STOP;
}

static int kfree_rcu_init(void)
{
	struct shrinker *sh;

	krc_nr = os_ncpus();
	krc = kcalloc(krc_nr, sizeof(*krc), GFP_KERNEL);
	if (!krc)
		return -ENOMEM;
	mod_node_page_state(NR_PERCPU_B, (long)(krc_nr * sizeof(*krc)));
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_lock_init(&krc[c].lock);
	sh = shrinker_alloc(0, "rcu-kfree");
	if (sh) {
		sh->count_objects = kfree_rcu_shrink_count;
		sh->scan_objects = kfree_rcu_shrink_scan;
		shrinker_register(sh);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* the layer                                                           */
/* ------------------------------------------------------------------ */

static int kmalloc_init(void)
{
	int err = create_kmalloc_caches();

	if (!err)
		err = kfree_rcu_init();
	return err;
}

/*
 * kmalloc_validate - the size classes: every request size maps to a
 * cache whose objects hold it, each type array has its caches, names and
 * flags as the kernel's.  Return: problems found (each reported).
 */
static int kmalloc_validate(void)
{
	int errors = 0;

	for (int type = 0; type < NR_KMALLOC_TYPES; type++) {
		for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
			struct kmem_cache *s = kmalloc_caches[type][kmalloc_index(size)];

			if (!s || s->object_size < size ||
			    !(s->flags & SLAB_KMALLOC)) {
				pr_err("kmalloc_validate: no proper cache for %zu bytes (type %d)\n",
				       size, type);
				errors++;
				break;
			}
		}
	}
	return errors;
}

static void kmalloc_fork_prepare(void)
{
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_lock(&krc[c].lock);
}

static void kmalloc_fork_parent(void)
{
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_unlock(&krc[c].lock);
}

static void kmalloc_fork_child(void)
{
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_lock_reinit(&krc[c].lock);
}

const struct kheap_layer kmalloc_layer = {
	.name = "kmalloc",
	.init = kmalloc_init,
	.validate = kmalloc_validate,
	.fork_prepare = kmalloc_fork_prepare,
	.fork_parent = kmalloc_fork_parent,
	.fork_child = kmalloc_fork_child,
};
