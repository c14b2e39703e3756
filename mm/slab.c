// SPDX-License-Identifier: MIT
/*
 * slab.c - the SLAB allocator (Bonwick's design, Linux's mm/slab.c until
 * v6.7), in userspace; kheap runs it instead of SLUB with
 * slab_allocator=slab.
 *
 * Sources.  Every fact here is read from v6.6.57's mm/slab.c, mm/slab.h,
 * include/linux/slab.h and include/linux/slab_def.h (mm/slab.c has not
 * changed since v6.6.0).  v6.7 is the last release with SLAB; its mm/slab.c
 * was not available to compare, so where this file says "the kernel's" it
 * means v6.6's.
 *
 * 1. Caches, slabs, objects.  A cache hands out objects of one size from
 *    slabs of 2^gfporder pages.  Unlike SLUB, a free object holds nothing:
 *    each slab has a freelist *array* of object indices (freelist_idx_t,
 *    unsigned short with 4 KiB pages): entries [active, num) are the free
 *    objects, and the next allocation takes entry[active++].  The array
 *    lives in one of three places, tried in this order by
 *    slab_kmem_cache_create() (the kernel's __kmem_cache_create()):
 *
 *      OBJFREELIST  inside a free object of the slab (the one that will
 *                   be handed out last); not with a ctor or
 *                   SLAB_TYPESAFE_BY_RCU, nor when num indices do not fit
 *                   in an object.  No space at all is spent on it.
 *      OFF_SLAB     in a kmalloc object of its own, when the slab's
 *                   leftover is too small to hold it and that kmalloc
 *                   cache is itself not OFF_SLAB (large objects).
 *      on-slab      at the slab's end: num * (size + 2) bytes must fit.
 *
 *    Slab layout (on-slab case), s_mem = start + colour offset:
 *
 *    | colour | obj 0 | obj 1 | ... | obj num-1 | leftover | freelist[num] |
 *    0        s_mem   +size                                 end - 2*num
 *
 *    Colouring: the leftover of a slab is cut into colour = leftover /
 *    colour_off slots (colour_off = the cache line, or the alignment if
 *    larger), and successive slabs start their objects at colour_next *
 *    colour_off, colour_next cycling 0 .. colour-1, so that objects of
 *    different slabs fall on different cache lines.  calculate_slab_order()
 *    takes the smallest order whose leftover is at most 1/8 of the slab
 *    (up to slab_max_order: 1, or 0 with mem= of 32M or less, unless
 *    slab_max_order= is given; SLAB_RECLAIM_ACCOUNT caches stop at the
 *    first order that holds an object).
 *
 *    struct slab_desc overlays struct page as the kernel's CONFIG_SLAB
 *    struct slab does: slab_cache (word 1, as SLUB's, so kfree() and the
 *    malloc shim find the cache), slab_list (words 2-3), freelist and
 *    s_mem (4-5), active (word 7: word 6 holds kheap's page type).
 *
 * 2. Three lists per node (struct kmem_list3, the kernel's
 *    struct kmem_cache_node under CONFIG_SLAB, named as before v3.10
 *    because SLUB's struct kmem_cache_node shares this library):
 *    slabs_full, slabs_partial, slabs_free.  An allocation takes the
 *    first partial slab, else the first free one (and sets free_touched);
 *    free_block() puts a slab that becomes empty at the head of
 *    slabs_free and any other at the *tail* of slabs_partial ("maximum
 *    time for the other objects to be freed, too"), then releases free
 *    slabs from the tail of slabs_free while free_objects > free_limit
 *    ((1 + nr_cpus) * batchcount + num).  kheap has one node, so there
 *    are no alien caches: the kernel uses none either when
 *    num_possible_nodes() is 1 (use_alien_caches = 0 in kmem_cache_init()).
 *
 * 3. The queues.  In front of the lists, per CPU, a struct array_cache:
 *    a LIFO stack of up to `limit` free object pointers.  kmem_cache_free()
 *    pushes; when the array is full, cache_flusharray() moves its oldest
 *    `batchcount` objects to the node's shared array (shared * batchcount
 *    entries, any CPU refills from it) or, when that is full, back into
 *    their slabs (free_block).  kmem_cache_alloc() pops; when the array is
 *    empty, cache_alloc_refill() takes batchcount objects from the shared
 *    array, else from the slabs (at most BATCHREFILL_LIMIT, 16, while the
 *    array was not touched since the last reap), else grows the cache by a
 *    slab.  enable_cpucache() sizes the queues by object size:
 *
 *      size       > 128 KiB  > 4 KiB  > 1 KiB  > 256 B  else
 *      limit          1         8       24       54     120
 *      batchcount = (limit + 1) / 2; shared = 8 if size <= 4 KiB and there
 *      is more than one CPU; limit at most 32 for a cache with debug flags
 *
 *    and writing "name limit batchcount shared" to /proc/slabinfo
 *    (kheap_proc_write("slabinfo", ...), `kheap slabinfo --tune`) resizes
 *    them with do_tune_cpucache(): new arrays for every CPU, the old ones'
 *    objects back to their slabs.  The arrays themselves are kmalloc
 *    objects; until the kmalloc caches exist (bootstrap) every cache runs
 *    on one-entry boot arrays (BOOT_CPUCACHE_ENTRIES), and
 *    slab_init_late() - the kernel's kmem_cache_init_late() - gives every
 *    cache its real ones.  Objects sitting in the arrays count as active
 *    in /proc/slabinfo, as in the kernel: only free_objects (objects free
 *    in slabs) are subtracted.
 *
 * 4. Reaping (cache_reap()).  The kernel runs it on every CPU every 2 s
 *    (REAPTIMEOUT_AC) from a workqueue.  kheap starts no thread: a CPU's
 *    reap runs on allocation activity, from the slow paths (refill,
 *    flush) of a thread running on that CPU once 2 s have passed since
 *    its last reap (jiffies are milliseconds here, HZ = 1000).  It skips a
 *    round when slab_mutex is taken; for every cache it drains the CPU's
 *    array unless it was touched since the last reap ((limit + 4) / 5
 *    objects, or half of what it holds if that is fewer), and once
 *    REAPTIMEOUT_NODE (4 s) has passed on the node, the shared array the
 *    same way, then - unless an allocation took a free slab meanwhile
 *    (free_touched) - gives back (free_limit + 5 * num - 1) / (5 * num)
 *    free slabs.  kmem_cache_shrink(), the slab shrinker (reclaim) and
 *    malloc_trim() drain every array and free every empty slab at once.
 *
 * 5. Per-CPU state in userspace.  The kernel protects a CPU's array with
 *    local_irq_save(); here each (cache, CPU) has a lock, slab_cpu.lock,
 *    taken around every array operation by whichever thread runs on that
 *    CPU (os_cpu(): a hint, so a thread migrated in between still takes
 *    the right lock) and by drains, tuning and fork from any thread.
 *    Uncontended it costs a lock and an unlock (two atomic exchanges) per
 *    operation: what the kernel's SLAB paid in cli/sti, SLUB pays in its
 *    (freelist, tid) compare-and-swap and kheap's SLUB in neither (rseq).
 *
 * 6. Lock order (outermost first); no slab lock is held across a call
 *    into the page allocator that may allocate (refill drops its locks to
 *    grow), and slabs are given back after the array's lock is dropped:
 *      slab_mutex (slab_common.c; cache_reap only trylocks it)
 *        slab_cpu.lock (per cache and CPU; never two at once)
 *          n->list_lock (lists, counters, the shared array, colour_next)
 *
 * 7. Debugging, with SLAB_RED_ZONE, SLAB_POISON, SLAB_STORE_USER (from
 *    kmem_cache_create() or slab_debug=; SLAB has no consistency checks or
 *    tracing, so F and T do nothing here), laid out as CONFIG_DEBUG_SLAB
 *    does:
 *
 *    | redzone1 (8) | object (object_size, rounded) | redzone2 (8) | last user (8) |
 *    0              obj_offset
 *
 *    The red zone words are RED_INACTIVE while the object is free and
 *    RED_ACTIVE while allocated; the last user word holds the caller of
 *    the last alloc or free; a free object is POISON_FREE with POISON_END
 *    in its last byte and is checked when handed out again.  Findings are
 *    reported in the kernel's words ("slab error in cache_free_debugcheck():
 *    cache `foo': double free detected", "Slab corruption (Not tainted):
 *    foo start=..., len=...") with a backtrace; a double free is then
 *    ignored and an overwritten red zone restored, where the kernel
 *    carries on and corrupts its lists.  Debug caches' queues are capped
 *    at 32 entries as in the kernel.
 *
 * 8. Double frees beyond the naive check.  v6.6 catches a free of the
 *    object on top of the CPU's array (CONFIG_SLAB_FREELIST_HARDENED) and,
 *    with CONFIG_DEBUG_SLAB, any free whose red zones say free; otherwise
 *    free(p); free(x); free(p) puts p in the arrays twice and hands it out
 *    twice.  kheap marks a free object (kheap.double_free_check with
 *    slab_freelist_hardened, the options SLUB's check uses): the word in
 *    its middle (where SLUB keeps its free pointer, ALIGN_DOWN(object_size
 *    / 2, 8)) holds its address XOR a per-process secret from the moment
 *    it is freed (or its slab is made) until it is handed out again, when
 *    the word is cleared.  A free that finds the mark, or that names the free
 *    object holding an OBJFREELIST slab's freelist (whose mark the index
 *    array overwrote), is reported ("slab error in ___cache_free(): cache
 *    `X': double free detected") and ignored.  Not for caches with a
 *    constructor or SLAB_TYPESAFE_BY_RCU (a free object must keep its
 *    contents) nor debug caches (their red zones do it).  Cost: a load and
 *    a store per free, a store per allocation.  Every report here (a
 *    double free, a corruption, a bad free) aborts the process under
 *    panic_on_warn=1, as SLUB's do.
 *
 * 9. CONFIG_SLAB_FREELIST_RANDOM (slab_freelist_random, on by default as
 *    for SLUB): enable_cpucache() gives each cache a random permutation of
 *    its object indices (random_seq, from freelist_randomize() in
 *    slab_common.c), and each new slab's freelist array is that sequence
 *    read from a random start, its OBJFREELIST holder a random object;
 *    slabs made before a cache has its sequence (the boot caches, until
 *    slab_init_late()) are shuffled on their own (shuffle_freelist(), as
 *    v6.6's).  The cost is at slab creation only.
 *
 * 10. init_on_alloc= and init_on_free= (v6.6's slab_alloc_node() and
 *    __cache_free(), with mm/slab.h's slab_want_init_on_alloc() and
 *    slab_want_init_on_free(), which v6.12 keeps): an object is zeroed,
 *    object_size bytes, when handed out (init_on_alloc, or __GFP_ZERO) or
 *    when freed (init_on_free) - except for caches with a constructor, and
 *    SLAB_TYPESAFE_BY_RCU or SLAB_POISON ones, which only __GFP_ZERO
 *    zeroes.  With init_on_free no cache keeps its freelist in a free
 *    object (set_objfreelist_slab_cache(), as v6.6), so freed memory holds
 *    zeroes but for the free mark's word (8.), which, like SLUB's free
 *    pointer, is cleared when the object is handed out.  Whole slabs given
 *    back to the page allocator are zeroed there too.
 *
 * Departures from v6.6, each for userspace, for kheap's one node, or for
 * "bad input never corrupts the heap silently": the per-CPU lock instead
 * of disabled interrupts (5.); reaping on activity instead of a timer
 * (4.); no alien caches (one node) and no pfmemalloc slabs; __GFP_NOFAIL
 * kept when growing (v6.6's UMA path drops it); kfree() or
 * kmem_cache_free() of a pointer that is not an object of the cache
 * reported and ignored (the kernel BUG()s with DEBUG_SLAB); double frees
 * caught by the free mark (8.), whose word is the only non-zero one of a
 * freed object under init_on_free (10.); and statistics (the kernel's CONFIG_DEBUG_SLAB "globalstat" and
 * "cpustat" columns) in a view of their own, "slab_stats", in builds with
 * CONFIG_SLUB_STATS, so that /proc/slabinfo keeps one format.
 */
#include "internal.h"
#include "slab_internal.h"
#include "lib/fault-inject.h"
#include "kfence/kfence.h"
#include "sanitizer.h"

#include <linux/kmemleak.h>
#include <linux/poison.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#define BYTES_PER_WORD		sizeof(void *)
#define REDZONE_ALIGN		max(BYTES_PER_WORD, __alignof__(unsigned long long))

typedef unsigned short freelist_idx_t;	/* (PAGE_SIZE >> 8) > SLAB_OBJ_MIN_SIZE */
#define SLAB_OBJ_MAX_NUM	((1 << sizeof(freelist_idx_t) * 8) - 1)

#define CFLGS_OBJFREELIST_SLAB	((slab_flags_t)0x40000000U)
#define CFLGS_OFF_SLAB		((slab_flags_t)0x80000000U)
#define OBJFREELIST_SLAB(x)	((x)->flags & CFLGS_OBJFREELIST_SLAB)
#define OFF_SLAB(x)		((x)->flags & CFLGS_OFF_SLAB)

/* SLAB's debug flags (mm/slab.h's SLAB_DEBUG_FLAGS with CONFIG_DEBUG_SLAB) */
#define SLAB_DBG_FLAGS		(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

#define BATCHREFILL_LIMIT	16
#define HZ			1000		/* kheap's jiffies are ms */
#define REAPTIMEOUT_AC		(2 * HZ)
#define REAPTIMEOUT_NODE	(4 * HZ)
#define BOOT_CPUCACHE_ENTRIES	1
#define SLAB_MAX_ORDER_HI	1
#define SLAB_MAX_ORDER_LO	0
#define MAX_SLABINFO_WRITE	128
#define SHARED_ARRAY_MARKER	0xbaadf00d	/* batchcount of shared arrays */

/* include/linux/poison.h's SLAB red zone words */
#define RED_INACTIVE		0x09F911029D74E35BULL
#define RED_ACTIVE		0xD84156C5635688C0ULL

#define RECIP_SHIFT		44	/* as slub_fast.h: exact below 4 MiB */

/* ------------------------------------------------------------------ */
/* the structures                                                      */
/* ------------------------------------------------------------------ */

/* A LIFO of free objects: per CPU, or the node's shared one. */
struct array_cache {
	unsigned int avail;		/* objects in entry[] */
	unsigned int limit;		/* room in entry[] */
	unsigned int batchcount;	/* objects moved per refill / flush */
	unsigned int touched;		/* used since the last reap */
	void *entry[];			/* entry[avail - 1] is the next */
};

/* The node's slab lists (the kernel's struct kmem_cache_node, SLAB part). */
struct kmem_list3 {
	kh_lock_t list_lock;		/* everything below */
	struct list_head slabs_partial;	/* some objects free */
	struct list_head slabs_full;	/* no object free */
	struct list_head slabs_free;	/* every object free */
	unsigned long total_slabs;	/* on all three lists */
	unsigned long free_slabs;	/* on slabs_free */
	unsigned long free_objects;	/* free in slabs (not in arrays) */
	unsigned int free_limit;	/* free_block() keeps at most this */
	unsigned int colour_next;	/* colour of the next new slab */
	struct array_cache *shared;	/* the node's shared array, or NULL */
	unsigned long next_reap;	/* jiffies of the next node reap */
	int free_touched;		/* a free slab was taken since */
};

/* One CPU's queue of one cache. */
struct slab_cpu {
	kh_lock_t lock;			/* the kernel's local_irq_save() */
	struct array_cache *ac;		/* the CPU's array (boot until late) */
	void *boot[(sizeof(struct array_cache) + sizeof(void *) - 1) /
		   sizeof(void *) + BOOT_CPUCACHE_ENTRIES];	/* boot array */
} __cacheline_aligned;

/* Statistics (the kernel's CONFIG_DEBUG_SLAB counters). */
enum slab_stat_item {
	SS_ALLOCHIT, SS_ALLOCMISS, SS_FREEHIT, SS_FREEMISS, SS_ALLOCED,
	SS_GROWN, SS_REAPED, SS_ERRORS, SS_MAXFREEABLE, SS_HIGH, SS_ACTIVE,
	NR_SLAB_STAT_ITEMS
};

/*
 * SLAB's fields of the kernel's struct kmem_cache (slab_def.h), right
 * after kheap's common struct kmem_cache in the same object.
 */
struct kmem_cache_slab {
	unsigned int batchcount;	/* tunables, under slab_mutex */
	unsigned int limit;
	unsigned int shared;
	unsigned int num;		/* objects per slab */
	unsigned int gfporder;		/* pages per slab: 1 << gfporder */
	unsigned int colour;		/* colour slots per slab */
	unsigned int colour_off;	/* bytes per colour slot */
	unsigned int freelist_size;	/* num * sizeof(freelist_idx_t) */
	unsigned int obj_offset;	/* the object in its slot (debug) */
	unsigned long reciprocal;	/* 2^RECIP_SHIFT / size, rounded up */
	gfp_t allocflags;		/* __GFP_COMP | zone, reclaimable */
	bool free_mark;			/* free objects carry the mark (8.) */
	unsigned int mark_offset;	/* ... in this word of the object */
	struct kmem_list3 node;		/* the one node */
#ifdef CONFIG_SLUB_STATS
	unsigned long stat[NR_SLAB_STAT_ITEMS];
#endif
	struct slab_cpu cpu[];		/* slab_nr_cpus of them */
};

/* struct slab as SLAB overlays it on struct page (see 1.). */
struct slab_desc {
	unsigned long __page_flags;
	struct kmem_cache *slab_cache;	/* the owner */
	union {
		struct list_head slab_list;	/* on a node list */
		struct rcu_head rcu_head;	/* TYPESAFE_BY_RCU freeing */
	};
	void *freelist;			/* the freelist_idx_t array */
	void *s_mem;			/* object 0 (after the colour) */
	unsigned int __page_type;	/* PGTY_slab << 24 */
	int __page_refcount;
	unsigned int active;		/* objects not free in the slab */
	unsigned int __unused;
};

#define SLAB_DESC_MATCH(a, b)						\
	_Static_assert(__builtin_offsetof(struct slab_desc, a) ==	\
		       __builtin_offsetof(struct slab, b), "slab_desc " #a)
SLAB_DESC_MATCH(__page_flags, __page_flags);
SLAB_DESC_MATCH(slab_cache, slab_cache);
SLAB_DESC_MATCH(slab_list, slab_list);
SLAB_DESC_MATCH(rcu_head, rcu_head);
SLAB_DESC_MATCH(__page_type, __page_type);
SLAB_DESC_MATCH(__page_refcount, __page_refcount);
#undef SLAB_DESC_MATCH
_Static_assert(sizeof(struct slab_desc) <= sizeof(struct page), "slab_desc");

static inline struct kmem_cache_slab *cache_slab(const struct kmem_cache *s)
{
	return (struct kmem_cache_slab *)((char *)s + KMEM_CACHE_CPU_OFFSET);
}

static inline struct slab_desc *virt_to_sdesc(const void *x)
{
	return (struct slab_desc *)virt_to_slab(x);
}

static inline struct slab_cpu *this_slab_cpu(struct kmem_cache_slab *sc)
{
	return &sc->cpu[os_cpu()];
}

static inline struct array_cache *boot_array(struct slab_cpu *pc)
{
	return (struct array_cache *)pc->boot;
}

static inline void *index_to_obj(const struct kmem_cache_slab *sc,
				 const struct kmem_cache *s,
				 const struct slab_desc *slab, unsigned int idx)
{
	(void)sc;
	return (char *)slab->s_mem + (size_t)s->size * idx;
}

/* The index of the slot at @obj (its start, not the user pointer). */
static inline unsigned int obj_to_index(const struct kmem_cache_slab *sc,
					const struct slab_desc *slab,
					const void *obj)
{
	unsigned long off = (unsigned long)((const char *)obj -
					    (const char *)slab->s_mem);

	return (unsigned int)((off * sc->reciprocal) >> RECIP_SHIFT);
}

static inline freelist_idx_t get_free_obj(struct slab_desc *slab,
					  unsigned int idx)
{
	return ((freelist_idx_t *)slab->freelist)[idx];
}

static inline void set_free_obj(struct slab_desc *slab, unsigned int idx,
				freelist_idx_t val)
{
	((freelist_idx_t *)slab->freelist)[idx] = val;
}

static inline unsigned long slab_jiffies(void)
{
	return (unsigned long)(os_ns() / 1000000);
}

static inline bool time_after(unsigned long a, unsigned long b)
{
	return (long)(b - a) < 0;
}

#ifdef CONFIG_SLUB_STATS
#define STATS_INC(sc, item)	__atomic_fetch_add(&(sc)->stat[item], 1, __ATOMIC_RELAXED)
#define STATS_ADD(sc, item, n)	__atomic_fetch_add(&(sc)->stat[item], (n), __ATOMIC_RELAXED)
#define STATS_SUB(sc, item, n)	__atomic_fetch_sub(&(sc)->stat[item], (n), __ATOMIC_RELAXED)
#define STATS_SET_MAX(sc, item, v)					\
	do {								\
		unsigned long __v = (v);				\
		if (__v > READ_ONCE((sc)->stat[item]))			\
			WRITE_ONCE((sc)->stat[item], __v);		\
	} while (0)
#else
#define STATS_INC(sc, item)	do { (void)(sc); } while (0)
#define STATS_ADD(sc, item, n)	do { (void)(sc); (void)(n); } while (0)
#define STATS_SUB(sc, item, n)	do { (void)(sc); (void)(n); } while (0)
#define STATS_SET_MAX(sc, item, v) do { (void)(sc); } while (0)
#endif

/* options and state that are not per cache */
static unsigned long free_mark_secret;	/* 8.: 0 when the check is off */
static bool slab_freelist_random;	/* 9.: slab_freelist_random */
static int slab_max_order = SLAB_MAX_ORDER_LO;
static bool slab_state_full;		/* slab_init_late() has run */
static unsigned long *reap_next;	/* per CPU: jiffies of its next reap */

/* ------------------------------------------------------------------ */
/* debug: red zones, poison, last user (CONFIG_DEBUG_SLAB's)           */
/* ------------------------------------------------------------------ */

static inline bool slab_debug(const struct kmem_cache *s)
{
	return unlikely(s->flags & SLAB_DBG_FLAGS);
}

static unsigned long long *dbg_redzone1(struct kmem_cache *s, void *objp)
{
	return (unsigned long long *)((char *)objp + cache_slab(s)->obj_offset -
				      sizeof(unsigned long long));
}

static unsigned long long *dbg_redzone2(struct kmem_cache *s, void *objp)
{
	if (s->flags & SLAB_STORE_USER)
		return (unsigned long long *)((char *)objp + s->size -
					      sizeof(unsigned long long) -
					      REDZONE_ALIGN);
	return (unsigned long long *)((char *)objp + s->size -
				      sizeof(unsigned long long));
}

static void **dbg_userword(struct kmem_cache *s, void *objp)
{
	return (void **)((char *)objp + s->size - BYTES_PER_WORD);
}

/* A report, then the end of the process under panic_on_warn=1. */
#define slab_error(s, msg)						\
	do {								\
		__slab_error(__func__, s, msg);				\
		kheap_check_panic_on_warn("SLAB");			\
	} while (0)

static __noinline __cold void __slab_error(const char *function,
					   struct kmem_cache *s,
					   const char *msg)
{
	pr_err("slab error in %s(): cache `%s': %s\n", function, s->name, msg);
	dump_stack();
	STATS_INC(cache_slab(s), SS_ERRORS);
}

static void poison_obj(struct kmem_cache *s, void *addr, unsigned char val)
{
	unsigned int size = s->object_size;
	char *p = (char *)addr + cache_slab(s)->obj_offset;

	memset(p, val, size);
	p[size - 1] = (char)POISON_END;
}

static void dump_line(const char *data, int offset, int limit)
{
	unsigned char error = 0;
	int bad_count = 0;
	char hex[16 * 3 + 1];

	for (int i = 0; i < limit; i++) {
		if ((unsigned char)data[offset + i] != POISON_FREE) {
			error = (unsigned char)data[offset + i];
			bad_count++;
		}
		snprintf(hex + i * 3, 4, "%02x ", (unsigned char)data[offset + i]);
	}
	pr_err("%03x: %s\n", offset, hex);
	if (bad_count == 1) {
		error ^= POISON_FREE;
		if (!(error & (error - 1))) {
			pr_err("Single bit error detected. Probably bad RAM.\n");
			pr_err("Run memtest86+ or a similar memory test tool.\n");
		}
	}
}

static void print_objinfo(struct kmem_cache *s, void *objp, int lines)
{
	const char *realobj = (char *)objp + cache_slab(s)->obj_offset;
	int size = (int)s->object_size;

	if (s->flags & SLAB_RED_ZONE)
		pr_err("Redzone: 0x%llx/0x%llx\n", *dbg_redzone1(s, objp),
		       *dbg_redzone2(s, objp));
	if (s->flags & SLAB_STORE_USER) {
		char sym[128];

		sprint_symbol(sym, sizeof(sym), *dbg_userword(s, objp));
		pr_err("Last user: (%s)\n", sym);
	}
	for (int i = 0; i < size && lines; i += 16, lines--)
		dump_line(realobj, i, min(16, size - i));
}

/* A free object must still be all POISON_FREE (POISON_END last). */
static bool check_poison_obj(struct kmem_cache *s, void *objp)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	char *realobj = (char *)objp + sc->obj_offset;
	int size = (int)s->object_size, lines = 0;

	for (int i = 0; i < size; i++) {
		char exp = (char)(i == size - 1 ? POISON_END : POISON_FREE);

		if (realobj[i] == exp)
			continue;
		if (lines == 0) {
			pr_err("Slab corruption (Not tainted): %s start=%p, len=%d\n",
			       s->name, (void *)realobj, size);
			print_objinfo(s, objp, 0);
		}
		i = (i / 16) * 16;
		dump_line(realobj, i, min(16, size - i));
		i += 16;
		if (++lines > 5)
			break;
	}
	if (lines) {
		struct slab_desc *slab = virt_to_sdesc(objp);
		unsigned int objnr = obj_to_index(sc, slab, objp);

		if (objnr) {
			void *prev = index_to_obj(sc, s, slab, objnr - 1);

			pr_err("Prev obj: start=%p, len=%d\n",
			       (void *)((char *)prev + sc->obj_offset), size);
			print_objinfo(s, prev, 2);
		}
		if (objnr + 1 < sc->num) {
			void *next = index_to_obj(sc, s, slab, objnr + 1);

			pr_err("Next obj: start=%p, len=%d\n",
			       (void *)((char *)next + sc->obj_offset), size);
			print_objinfo(s, next, 2);
		}
		STATS_INC(sc, SS_ERRORS);
		poison_obj(s, objp, POISON_FREE);	/* kheap: repaired */
		kheap_check_panic_on_warn("SLAB");
	}
	return lines == 0;
}

/* The red zones of an object being freed; false: it is already free. */
static bool verify_redzone_free(struct kmem_cache *s, void *obj)
{
	unsigned long long redzone1 = *dbg_redzone1(s, obj);
	unsigned long long redzone2 = *dbg_redzone2(s, obj);
	bool dbl;

	if (redzone1 == RED_ACTIVE && redzone2 == RED_ACTIVE)
		return true;
	dbl = redzone1 == RED_INACTIVE && redzone2 == RED_INACTIVE;
	if (dbl)
		slab_error(s, "double free detected");
	else
		slab_error(s, "memory outside object was overwritten");
	pr_err("%p: redzone 1:0x%llx, redzone 2:0x%llx\n", obj, redzone1,
	       redzone2);
	return !dbl;
}

/*
 * cache_free_debugcheck - @objp (the user pointer) is being freed: check
 * and reset its red zones, record the caller, poison it.  Returns the
 * slot's start, or NULL when the free must not happen (a double free:
 * kheap ignores it, the kernel goes on and corrupts its lists).
 */
static __noinline void *cache_free_debugcheck(struct kmem_cache *s,
					      void *objp, unsigned long caller)
{
	objp = (char *)objp - cache_slab(s)->obj_offset;
	if (s->flags & SLAB_RED_ZONE) {
		if (!verify_redzone_free(s, objp))
			return NULL;
		*dbg_redzone1(s, objp) = RED_INACTIVE;
		*dbg_redzone2(s, objp) = RED_INACTIVE;
	}
	if (s->flags & SLAB_STORE_USER)
		*dbg_userword(s, objp) = (void *)caller;
	if (s->flags & SLAB_POISON)
		poison_obj(s, objp, POISON_FREE);
	return objp;
}

/* An object (slot start @objp) is handed out: check, mark, return it. */
static __noinline void *cache_alloc_debugcheck_after(struct kmem_cache *s,
						     void *objp,
						     unsigned long caller)
{
	if (s->flags & SLAB_POISON) {
		check_poison_obj(s, objp);
		poison_obj(s, objp, POISON_INUSE);
	}
	if (s->flags & SLAB_STORE_USER)
		*dbg_userword(s, objp) = (void *)caller;
	if (s->flags & SLAB_RED_ZONE) {
		if (*dbg_redzone1(s, objp) != RED_INACTIVE ||
		    *dbg_redzone2(s, objp) != RED_INACTIVE) {
			slab_error(s, "double free, or memory outside object was overwritten");
			pr_err("%p: redzone 1:0x%llx, redzone 2:0x%llx\n",
			       objp, *dbg_redzone1(s, objp),
			       *dbg_redzone2(s, objp));
		}
		*dbg_redzone1(s, objp) = RED_ACTIVE;
		*dbg_redzone2(s, objp) = RED_ACTIVE;
	}
	objp = (char *)objp + cache_slab(s)->obj_offset;
	if (s->ctor && (s->flags & SLAB_POISON))
		s->ctor(objp);
	return objp;
}

/* A new slab's objects: red zones inactive, constructed, poisoned. */
static void cache_init_objs_debug(struct kmem_cache *s,
				  struct slab_desc *slab)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	for (unsigned int i = 0; i < sc->num; i++) {
		void *objp = index_to_obj(sc, s, slab, i);

		if (s->flags & SLAB_STORE_USER)
			*dbg_userword(s, objp) = NULL;
		if (s->flags & SLAB_RED_ZONE) {
			*dbg_redzone1(s, objp) = RED_INACTIVE;
			*dbg_redzone2(s, objp) = RED_INACTIVE;
		}
		if (s->ctor && !(s->flags & SLAB_POISON))
			s->ctor((char *)objp + sc->obj_offset);
		if (s->flags & SLAB_RED_ZONE) {
			if (*dbg_redzone2(s, objp) != RED_INACTIVE)
				slab_error(s, "constructor overwrote the end of an object");
			if (*dbg_redzone1(s, objp) != RED_INACTIVE)
				slab_error(s, "constructor overwrote the start of an object");
		}
		if (s->flags & SLAB_POISON)
			poison_obj(s, objp, POISON_FREE);
	}
}

/* A slab going back: its free objects must be intact. */
static void slab_destroy_debugcheck(struct kmem_cache *s,
				    struct slab_desc *slab)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	if (OBJFREELIST_SLAB(s) && (s->flags & SLAB_POISON) && slab->freelist)
		poison_obj(s, (char *)slab->freelist - sc->obj_offset,
			   POISON_FREE);
	for (unsigned int i = 0; i < sc->num; i++) {
		void *objp = index_to_obj(sc, s, slab, i);

		if (s->flags & SLAB_POISON)
			check_poison_obj(s, objp);
		if (s->flags & SLAB_RED_ZONE) {
			if (*dbg_redzone1(s, objp) != RED_INACTIVE)
				slab_error(s, "start of a freed object was overwritten");
			if (*dbg_redzone2(s, objp) != RED_INACTIVE)
				slab_error(s, "end of a freed object was overwritten");
		}
	}
}

/* ------------------------------------------------------------------ */
/* ASan: free objects poisoned (sanitizer.h)                           */
/* ------------------------------------------------------------------ */

/* The OBJFREELIST array inside the free object @holder stays readable. */
static inline void asan_freelist_holder(struct kmem_cache *s, void *holder)
{
	if (KHEAP_ASAN && OBJFREELIST_SLAB(s) && kheap_asan_cache(s))
		kheap_asan_unpoison(holder, cache_slab(s)->freelist_size);
}

/* ------------------------------------------------------------------ */
/* the free mark (8.)                                                  */
/* ------------------------------------------------------------------ */

static inline unsigned long free_mark(const void *objp)
{
	return (unsigned long)objp ^ free_mark_secret;
}

static inline unsigned long *mark_word(struct kmem_cache_slab *sc,
				       const void *objp)
{
	return (unsigned long *)((char *)objp + sc->mark_offset);
}

/* @objp (a slot start) is free from now on: mark it, readable by ASan. */
static inline void set_free_mark(struct kmem_cache_slab *sc, void *objp)
{
	if (sc->free_mark) {
		kheap_asan_unpoison(mark_word(sc, objp), sizeof(unsigned long));
		*mark_word(sc, objp) = free_mark(objp);
	}
}

/*
 * Is @objp (of @slab) free already?  Its mark says so, or it holds the
 * slab's OBJFREELIST array (read without the list lock: in a correct
 * program no one else frees @objp meanwhile, and only a free object can be
 * the holder).  Not instrumented by ASan: kmalloc() poisons the bytes past
 * the request, which may be in the mark word of a live object.
 */
#if KHEAP_ASAN
__attribute__((no_sanitize("address"), noinline))
#endif
static bool object_is_free(struct kmem_cache *s, struct slab_desc *slab,
			   const void *objp)
{
	return *mark_word(cache_slab(s), objp) == free_mark(objp) ||
	       (OBJFREELIST_SLAB(s) &&
		__atomic_load_n(&slab->freelist, __ATOMIC_RELAXED) == objp);
}

static __noinline __cold void slab_double_free(struct kmem_cache *s,
					       void *objp)
{
	__slab_error("___cache_free", s, "double free detected");
	pr_err("%p: free already, not freed again\n", objp);
	kheap_check_panic_on_warn("SLAB");
}

/* ------------------------------------------------------------------ */
/* geometry: cache_estimate(), calculate_slab_order()                  */
/* ------------------------------------------------------------------ */

static unsigned int cache_estimate(unsigned int gfporder, size_t buffer_size,
				   slab_flags_t flags, size_t *left_over)
{
	size_t slab_size = PAGE_SIZE << gfporder;
	unsigned int num;

	if (flags & (CFLGS_OBJFREELIST_SLAB | CFLGS_OFF_SLAB)) {
		num = (unsigned int)(slab_size / buffer_size);
		*left_over = slab_size % buffer_size;
	} else {
		num = (unsigned int)(slab_size /
				     (buffer_size + sizeof(freelist_idx_t)));
		*left_over = slab_size % (buffer_size + sizeof(freelist_idx_t));
	}
	return num;
}

/* Sets sc->num and sc->gfporder; returns the leftover bytes of a slab. */
static size_t calculate_slab_order(struct kmem_cache *s, size_t size,
				   slab_flags_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	size_t left_over = 0;

	for (unsigned int gfporder = 0; gfporder <= KMALLOC_MAX_ORDER; gfporder++) {
		size_t remainder;
		unsigned int num = cache_estimate(gfporder, size, flags,
						  &remainder);

		if (!num)
			continue;
		if (num > SLAB_OBJ_MAX_NUM)
			break;
		if (flags & CFLGS_OFF_SLAB) {
			size_t freelist_size = num * sizeof(freelist_idx_t);
			size_t freelist_cache_size;

			if (freelist_size > KMALLOC_MAX_CACHE_SIZE) {
				freelist_cache_size = PAGE_SIZE << get_order(freelist_size);
			} else {
				struct kmem_cache *fc = kmalloc_slab(freelist_size, 0, _RET_IP_);

				if (!fc)	/* kmalloc caches not up yet */
					continue;
				freelist_cache_size = fc->size;
				/* no loop in cache_grow_begin() */
				if (OFF_SLAB(fc))
					continue;
			}
			if (freelist_cache_size > s->size / 2)
				continue;
		}
		sc->num = num;
		sc->gfporder = gfporder;
		left_over = remainder;
		if (flags & SLAB_RECLAIM_ACCOUNT)
			break;
		if ((int)gfporder >= slab_max_order)
			break;
		if (left_over * 8 <= (PAGE_SIZE << gfporder))
			break;
	}
	return left_over;
}

static bool set_objfreelist_slab_cache(struct kmem_cache *s, size_t size,
				       slab_flags_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	size_t left;

	sc->num = 0;
	/* init_on_free: no freelist left behind in a free object (10.) */
	if (unlikely(slab_want_init_on_free(s)))
		return false;
	if (s->ctor || (flags & SLAB_TYPESAFE_BY_RCU))
		return false;
	left = calculate_slab_order(s, size, flags | CFLGS_OBJFREELIST_SLAB);
	if (!sc->num)
		return false;
	if (sc->num * sizeof(freelist_idx_t) > s->object_size)
		return false;
	sc->colour = (unsigned int)(left / sc->colour_off);
	return true;
}

static bool set_off_slab_cache(struct kmem_cache *s, size_t size,
			       slab_flags_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	size_t left;

	sc->num = 0;
	if (flags & SLAB_NOLEAKTRACE)
		return false;
	left = calculate_slab_order(s, size, flags | CFLGS_OFF_SLAB);
	if (!sc->num)
		return false;
	/* room for it on the slab after all: on-slab (less colouring) */
	if (left >= sc->num * sizeof(freelist_idx_t))
		return false;
	sc->colour = (unsigned int)(left / sc->colour_off);
	return true;
}

static bool set_on_slab_cache(struct kmem_cache *s, size_t size,
			      slab_flags_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	size_t left;

	sc->num = 0;
	left = calculate_slab_order(s, size, flags);
	if (!sc->num)
		return false;
	sc->colour = (unsigned int)(left / sc->colour_off);
	return true;
}

/* ------------------------------------------------------------------ */
/* slabs from and to the page allocator                                */
/* ------------------------------------------------------------------ */

static inline enum node_stat_item slab_stat_item(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE
						 : NR_SLAB_UNRECLAIMABLE;
}

static struct slab_desc *kmem_getpages(struct kmem_cache *s, gfp_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct page *page;

	flags = (flags & ~(__GFP_ZERO | __GFP_COMP)) | sc->allocflags;
	page = alloc_pages(flags, sc->gfporder);
	if (!page)
		return NULL;
	/* the buddy allocator reads page_type of neighbours without our locks */
	WRITE_ONCE(page->page_type, (unsigned int)PGTY_slab << 24);
	mod_node_page_state(slab_stat_item(s), 1L << sc->gfporder);
	return (struct slab_desc *)page;
}

/* Give the pages back: clear every word we overlaid except the flags. */
static void kmem_freepages(struct kmem_cache *s, struct slab_desc *slab)
{
	unsigned int order = cache_slab(s)->gfporder;
	void *addr = page_address((struct page *)slab);

	mod_node_page_state(slab_stat_item(s), -(1L << order));
	kheap_asan_unpoison(addr, PAGE_SIZE << order);
	slab->slab_cache = NULL;
	slab->slab_list.next = NULL;
	slab->slab_list.prev = NULL;
	slab->freelist = NULL;
	slab->s_mem = NULL;
	slab->active = 0;
	WRITE_ONCE(slab->__page_type, 0U);
	__free_pages((struct page *)slab, order);
}

static void kmem_rcu_free(struct rcu_head *head)
{
	struct slab_desc *slab = container_of(head, struct slab_desc, rcu_head);

	kmem_freepages(slab->slab_cache, slab);
}

/* A slab off every list goes back (after a grace period with RCU). */
static void slab_destroy(struct kmem_cache *s, struct slab_desc *slab)
{
	void *freelist = slab->freelist;

	if (slab_debug(s))
		slab_destroy_debugcheck(s, slab);
	if (unlikely(s->flags & SLAB_TYPESAFE_BY_RCU))
		urcu_memb_call_rcu(&slab->rcu_head, kmem_rcu_free);
	else
		kmem_freepages(s, slab);
	if (OFF_SLAB(s))
		kfree(freelist);
}

/* Give back the slabs free_block() and friends detached onto @list. */
static void slabs_destroy(struct kmem_cache *s, struct list_head *list)
{
	struct slab_desc *slab, *n;

	list_for_each_entry_safe(slab, n, list, slab_list) {
		list_del(&slab->slab_list);
		slab_destroy(s, slab);
	}
}

/* The freelist array of a new slab whose objects start @colour_off in. */
static void *alloc_slabmgmt(struct kmem_cache *s, struct slab_desc *slab,
			    size_t colour_off, gfp_t local_flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	char *addr = page_address((struct page *)slab);

	slab->s_mem = addr + colour_off;
	slab->active = 0;
	if (OBJFREELIST_SLAB(s))
		return NULL;
	if (OFF_SLAB(s))
		return kmalloc(sc->freelist_size, local_flags);
	return addr + (PAGE_SIZE << sc->gfporder) - sc->freelist_size;
}

/* ---- CONFIG_SLAB_FREELIST_RANDOM (9.) ---- */

/* v6.6's cache_random_seq_create(): @s's random permutation of its object
 * indices, made with its queues (enable_cpucache()). */
static int cache_random_seq_create(struct kmem_cache *s, unsigned int count,
				   gfp_t gfp)
{
	if (!slab_freelist_random || count < 2 || s->random_seq)
		return 0;
	s->random_seq = kcalloc(count, sizeof(unsigned int), gfp);
	if (!s->random_seq)
		return -ENOMEM;
	freelist_randomize(s->random_seq, count);
	return 0;
}

/* v6.6's next_random_slot(): @seq read cyclically from *@pos. */
static unsigned int next_random_slot(const unsigned int *seq,
				     unsigned int count, unsigned int *pos)
{
	if (*pos >= count)
		*pos = 0;
	return seq[(*pos)++];
}

/*
 * shuffle_freelist - v6.6's: the order in which a new slab's objects will
 * be handed out, from the cache's random_seq read from a random start, or
 * (boot caches before slab_init_late() made theirs) from a Fisher-Yates
 * shuffle of the slab's own; an OBJFREELIST slab's holder is a random
 * object too.  Return: false (nothing done) when the option is off or the
 * slab holds one object.
 */
static bool shuffle_freelist(struct kmem_cache *s, struct slab_desc *slab)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	const unsigned int *seq = s->random_seq;
	unsigned int count = sc->num, objfreelist = count - 1, pos = 0;

	if (!slab_freelist_random || count < 2)
		return false;
	if (seq)
		pos = get_random_u32_below(count);
	if (OBJFREELIST_SLAB(s)) {
		if (seq)
			objfreelist = next_random_slot(seq, sc->num, &pos);
		slab->freelist = (char *)index_to_obj(sc, s, slab, objfreelist) +
				 sc->obj_offset;
		count--;
	}
	if (seq) {
		for (unsigned int i = 0; i < count; i++)
			set_free_obj(slab, i, (freelist_idx_t)
				     next_random_slot(seq, sc->num, &pos));
	} else {
		for (unsigned int i = 0; i < count; i++)
			set_free_obj(slab, i, (freelist_idx_t)i);
		for (unsigned int i = count - 1; i > 0; i--) {
			unsigned int j = get_random_u32_below(i + 1);
			freelist_idx_t t = get_free_obj(slab, i);

			set_free_obj(slab, i, get_free_obj(slab, j));
			set_free_obj(slab, j, t);
		}
	}
	if (OBJFREELIST_SLAB(s))
		set_free_obj(slab, sc->num - 1, (freelist_idx_t)objfreelist);
	return true;
}

static void cache_init_objs(struct kmem_cache *s, struct slab_desc *slab)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	bool shuffled;

	if (slab_debug(s))
		cache_init_objs_debug(s, slab);
	shuffled = shuffle_freelist(s, slab);
	if (!shuffled && OBJFREELIST_SLAB(s))
		slab->freelist = (char *)index_to_obj(sc, s, slab, sc->num - 1) +
				 sc->obj_offset;
	for (unsigned int i = 0; i < sc->num; i++) {
		void *objp = index_to_obj(sc, s, slab, i);

		if (!slab_debug(s) && s->ctor)
			s->ctor(objp);
		/* every free object marked, but the OBJFREELIST holder */
		if (objp != slab->freelist)
			set_free_mark(sc, objp);
		if (!shuffled)
			set_free_obj(slab, i, (freelist_idx_t)i);
	}
	if (KHEAP_ASAN && kheap_asan_cache(s)) {
		kheap_asan_poison(slab->s_mem, (size_t)sc->num * s->size);
		for (unsigned int i = 0; sc->free_mark && i < sc->num; i++) {
			void *objp = index_to_obj(sc, s, slab, i);

			if (objp != slab->freelist)
				kheap_asan_unpoison(mark_word(sc, objp),
						    sizeof(unsigned long));
		}
		asan_freelist_holder(s, slab->freelist);
	}
}

static void *slab_get_obj(struct kmem_cache *s, struct slab_desc *slab)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	void *objp = index_to_obj(sc, s, slab, get_free_obj(slab, slab->active));

	slab->active++;
	return objp;
}

static void slab_put_obj(struct kmem_cache *s, struct slab_desc *slab,
			 void *objp)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	unsigned int objnr = obj_to_index(sc, slab, objp);

	slab->active--;
	if (!slab->freelist) {		/* OBJFREELIST: @objp holds it now */
		WRITE_ONCE(slab->freelist, (void *)((char *)objp + sc->obj_offset));
		asan_freelist_holder(s, slab->freelist);
	}
	set_free_obj(slab, slab->active, (freelist_idx_t)objnr);
}

/*
 * cache_grow_begin - a new slab for @s, objects constructed, on no list
 * yet; called with no slab lock held (the page allocator may reclaim).
 */
static struct slab_desc *cache_grow_begin(struct kmem_cache *s, gfp_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	gfp_t local_flags = flags & ~(__GFP_ZERO | __GFP_COMP);
	struct slab_desc *slab;
	size_t offset;
	void *freelist;

	slab = kmem_getpages(s, local_flags);
	if (!slab)
		return NULL;
	kh_lock(&n->list_lock);
	n->colour_next++;
	if (n->colour_next >= sc->colour)
		n->colour_next = 0;
	offset = n->colour_next;
	kh_unlock(&n->list_lock);
	if (offset >= sc->colour)
		offset = 0;
	offset *= sc->colour_off;
	freelist = alloc_slabmgmt(s, slab, offset, local_flags);
	if (OFF_SLAB(s) && !freelist) {
		kmem_freepages(s, slab);
		return NULL;
	}
	slab->slab_cache = s;
	slab->freelist = freelist;
	cache_init_objs(s, slab);
	STATS_INC(sc, SS_GROWN);
	return slab;
}

/* Move @slab to the list its active count calls for (list_lock held). */
static void fixup_slab_list(struct kmem_cache *s, struct kmem_list3 *n,
			    struct slab_desc *slab)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	list_del(&slab->slab_list);
	if (slab->active == sc->num) {
		list_add(&slab->slab_list, &n->slabs_full);
		if (OBJFREELIST_SLAB(s)) {
			/* the holder was handed out: poisoned to look free */
			if (s->flags & SLAB_POISON)
				poison_obj(s, (char *)slab->freelist - sc->obj_offset,
					   POISON_FREE);
			WRITE_ONCE(slab->freelist, NULL);
		}
	} else {
		list_add(&slab->slab_list, &n->slabs_partial);
	}
}

/* Put a slab from cache_grow_begin() on its list (NULL: nothing). */
static void cache_grow_end(struct kmem_cache *s, struct slab_desc *slab)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;

	if (!slab)
		return;
	INIT_LIST_HEAD(&slab->slab_list);
	kh_lock(&n->list_lock);
	n->total_slabs++;
	if (!slab->active) {
		list_add_tail(&slab->slab_list, &n->slabs_free);
		n->free_slabs++;
	} else {
		fixup_slab_list(s, n, slab);
	}
	n->free_objects += sc->num - slab->active;
	kh_unlock(&n->list_lock);
}

/* The slab to allocate from: the first partial, else the first free. */
static struct slab_desc *get_first_slab(struct kmem_list3 *n)
{
	struct slab_desc *slab;

	slab = list_first_entry_or_null(&n->slabs_partial, struct slab_desc,
					slab_list);
	if (!slab) {
		n->free_touched = 1;
		slab = list_first_entry_or_null(&n->slabs_free,
						struct slab_desc, slab_list);
		if (slab)
			n->free_slabs--;
	}
	return slab;
}

/* Up to @batchcount objects of @slab into @ac; returns what is left. */
static int alloc_block(struct kmem_cache *s, struct array_cache *ac,
		       struct slab_desc *slab, int batchcount)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	while (slab->active < sc->num && batchcount--) {
		STATS_INC(sc, SS_ALLOCED);
		STATS_INC(sc, SS_ACTIVE);
		STATS_SET_MAX(sc, SS_HIGH, READ_ONCE(sc->stat[SS_ACTIVE]));
		ac->entry[ac->avail++] = slab_get_obj(s, slab);
	}
	return batchcount;
}

/* ------------------------------------------------------------------ */
/* free_block and the arrays' transfers                                */
/* ------------------------------------------------------------------ */

static int transfer_objects(struct array_cache *to, struct array_cache *from,
			    unsigned int max)
{
	unsigned int nr = min(min(from->avail, max), to->limit - to->avail);

	if (!nr)
		return 0;
	memcpy(to->entry + to->avail, from->entry + from->avail - nr,
	       sizeof(void *) * nr);
	from->avail -= nr;
	to->avail += nr;
	return (int)nr;
}

/*
 * free_block - @nr objects back into their slabs (list_lock held); slabs
 * beyond free_limit go onto @list for slabs_destroy() after the locks.
 */
static void free_block(struct kmem_cache *s, void **objpp, int nr,
		       struct list_head *list)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	struct slab_desc *slab;

	n->free_objects += (unsigned long)nr;
	STATS_SUB(sc, SS_ACTIVE, (unsigned long)nr);
	for (int i = 0; i < nr; i++) {
		void *objp = objpp[i];

		slab = virt_to_sdesc(objp);
		list_del(&slab->slab_list);
		slab_put_obj(s, slab, objp);
		if (slab->active == 0) {
			list_add(&slab->slab_list, &n->slabs_free);
			n->free_slabs++;
		} else {
			/* the tail: the others have the longest to be freed */
			list_add_tail(&slab->slab_list, &n->slabs_partial);
		}
	}
	while (n->free_objects > n->free_limit && !list_empty(&n->slabs_free)) {
		n->free_objects -= sc->num;
		slab = list_last_entry(&n->slabs_free, struct slab_desc, slab_list);
		list_move(&slab->slab_list, list);
		n->free_slabs--;
		n->total_slabs--;
	}
}

/* Free @tofree of @ac's oldest objects, or all (list_lock held). */
static void drain_array_locked(struct kmem_cache *s, struct array_cache *ac,
			       bool free_all, struct list_head *list)
{
	unsigned int tofree;

	if (!ac || !ac->avail)
		return;
	tofree = free_all ? ac->avail : (ac->limit + 4) / 5;
	if (tofree > ac->avail)
		tofree = (ac->avail + 1) / 2;
	free_block(s, ac->entry, (int)tofree, list);
	ac->avail -= tofree;
	memmove(ac->entry, &ac->entry[tofree], sizeof(void *) * ac->avail);
}

/* ------------------------------------------------------------------ */
/* allocation                                                          */
/* ------------------------------------------------------------------ */

static void cache_reap_due(void);

/*
 * cache_alloc_refill - @pc's array is empty (its lock held): refill it
 * from the shared array, else from the slabs, else from a new slab, and
 * take one object.  Returns with the lock dropped.
 */
static __noinline void *cache_alloc_refill(struct kmem_cache *s, gfp_t flags,
					   struct slab_cpu *pc)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	struct array_cache *ac = pc->ac;
	struct slab_desc *slab;
	int batchcount = (int)ac->batchcount;
	void *objp = NULL;

	if (!ac->touched && batchcount > BATCHREFILL_LIMIT)
		batchcount = BATCHREFILL_LIMIT;	/* little recent activity */
	kh_lock(&n->list_lock);
	if (n->shared && transfer_objects(ac, n->shared, (unsigned int)batchcount)) {
		n->shared->touched = 1;
		goto alloc_done;
	}
	while (batchcount > 0) {
		slab = get_first_slab(n);
		if (!slab)
			break;
		batchcount = alloc_block(s, ac, slab, batchcount);
		fixup_slab_list(s, n, slab);
	}
	n->free_objects -= ac->avail;
alloc_done:
	kh_unlock(&n->list_lock);
	if (unlikely(!ac->avail)) {
		/* grow without our locks: the page allocator may reclaim */
		kh_unlock(&pc->lock);
		slab = cache_grow_begin(s, flags);
		kh_lock(&pc->lock);
		ac = pc->ac;
		if (!ac->avail && slab)
			alloc_block(s, ac, slab, batchcount > 0 ? batchcount : 1);
		cache_grow_end(s, slab);
	}
	if (ac->avail) {
		ac->touched = 1;
		objp = ac->entry[--ac->avail];
	}
	kh_unlock(&pc->lock);
	cache_reap_due();
	return objp;
}

/*
 * ____cache_alloc - the fast path: pop this CPU's array.  Cost: the CPU id
 * load, the (cache, CPU) lock and unlock, three loads and two stores.
 */
static __always_inline void *____cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct slab_cpu *pc = this_slab_cpu(sc);
	struct array_cache *ac;
	void *objp;

	kh_lock(&pc->lock);
	ac = pc->ac;
	if (likely(ac->avail)) {
		ac->touched = 1;
		objp = ac->entry[--ac->avail];
		kh_unlock(&pc->lock);
		STATS_INC(sc, SS_ALLOCHIT);
		return objp;
	}
	STATS_INC(sc, SS_ALLOCMISS);
	return cache_alloc_refill(s, flags, pc);
}

static __noinline __cold void slab_out_of_memory(struct kmem_cache *s,
						 gfp_t gfp)
{
	static unsigned long long last;
	struct kmem_cache_slab *sc = cache_slab(s);
	char buf[128];

	if ((gfp & __GFP_NOWARN) || !kheap_ratelimit(&last, 5000000000ULL))
		return;
	kheap_format_gfp(buf, sizeof(buf), gfp);
	pr_warn("SLAB: Unable to allocate memory on node 0, gfp=%#x(%s)\n",
		gfp, buf);
	pr_warn("  cache: %s, object size: %u, order: %u\n", s->name, s->size,
		sc->gfporder);
}

/*
 * An object from the arrays, checked, marked live, zeroed for __GFP_ZERO
 * or init_on_alloc (slab_want_init_on_alloc(): one load and a predictable
 * branch when neither).
 */
static __always_inline void *slab_alloc_nohook(struct kmem_cache *s,
					       gfp_t flags,
					       unsigned long caller)
{
	void *objp = ____cache_alloc(s, flags);

	if (unlikely(!objp)) {
		slab_out_of_memory(s, flags);
		return NULL;
	}
	if (slab_debug(s))
		objp = cache_alloc_debugcheck_after(s, objp, caller);
	if (KHEAP_ASAN && kheap_asan_cache(s))
		kheap_asan_unpoison(objp, s->object_size);
	if (!slab_debug(s) && cache_slab(s)->free_mark)
		*mark_word(cache_slab(s), objp) = 0;	/* live: no mark (8.) */
	if (unlikely(slab_want_init_on_alloc(flags, s)))
		memset(objp, 0, s->object_size);
	return objp;
}

static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t flags,
					unsigned int orig_size,
					unsigned long caller)
{
	void *objp;

	if (unlikely(READ_ONCE(slab_alloc_hooks))) {
		if (slab_alloc_hook(s, flags, orig_size, &objp))
			return objp;
	}
	return slab_alloc_nohook(s, flags, caller);
}

/* ------------------------------------------------------------------ */
/* freeing                                                             */
/* ------------------------------------------------------------------ */

/*
 * cache_flusharray - @ac is full (its CPU's lock held): move its oldest
 * batchcount objects to the shared array, or back to their slabs.
 */
static void cache_flusharray(struct kmem_cache *s, struct array_cache *ac,
			     struct list_head *list)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	unsigned int batchcount = ac->batchcount;

	kh_lock(&n->list_lock);
	if (n->shared) {
		struct array_cache *shared_array = n->shared;
		unsigned int max = shared_array->limit - shared_array->avail;

		if (max) {
			if (batchcount > max)
				batchcount = max;
			memcpy(&shared_array->entry[shared_array->avail],
			       ac->entry, sizeof(void *) * batchcount);
			shared_array->avail += batchcount;
			goto free_done;
		}
	}
	free_block(s, ac->entry, (int)batchcount, list);
free_done:
	STATS_SET_MAX(sc, SS_MAXFREEABLE, n->free_slabs);
	kh_unlock(&n->list_lock);
	ac->avail -= batchcount;
	memmove(ac->entry, &ac->entry[batchcount], sizeof(void *) * ac->avail);
}

static __noinline __cold void report_double_free(struct kmem_cache *s,
						  void *objp)
{
	slab_report_double_free(s, objp);
}

/* The array is full: flush, push, then give back emptied slabs. */
static __noinline void cache_free_flush(struct kmem_cache *s,
					struct slab_cpu *pc, void *objp)
{
	struct array_cache *ac = pc->ac;
	LIST_HEAD(list);

	STATS_INC(cache_slab(s), SS_FREEMISS);
	if (ac->avail >= ac->limit)
		cache_flusharray(s, ac, &list);
	ac->entry[ac->avail++] = objp;
	kh_unlock(&pc->lock);
	slabs_destroy(s, &list);
	cache_reap_due();
}

/*
 * ___cache_free - the fast path: push @objp (a slot start) on this CPU's
 * array.  Cost as ____cache_alloc(); the naive double-free check of
 * CONFIG_SLAB_FREELIST_HARDENED (the object on top already) is one load.
 */
static __always_inline void ___cache_free(struct kmem_cache *s, void *objp)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct slab_cpu *pc = this_slab_cpu(sc);
	struct array_cache *ac;

	kh_lock(&pc->lock);
	ac = pc->ac;
	if (unlikely(ac->avail && ac->entry[ac->avail - 1] == objp)) {
		kh_unlock(&pc->lock);
		report_double_free(s, objp);
		return;
	}
	if (likely(ac->avail < ac->limit)) {
		ac->entry[ac->avail++] = objp;
		kh_unlock(&pc->lock);
		STATS_INC(sc, SS_FREEHIT);
		return;
	}
	cache_free_flush(s, pc, objp);
}

/*
 * @objp, an object of @s (checked), from @caller: zeroed under
 * init_on_free (slab_want_init_on_free(): a load and a predictable branch
 * when off), marked free, queued.
 */
static __always_inline void __cache_free(struct kmem_cache *s,
					 struct slab_desc *slab, void *objp,
					 unsigned long caller)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	bool init = slab_want_init_on_free(s);

	if (slab_debug(s)) {
		if (unlikely(init)) {	/* v6.6: before the debug check */
			if (KHEAP_ASAN && kheap_asan_cache(s))
				kheap_asan_unpoison(objp, s->object_size);
			memset(objp, 0, s->object_size);
		}
		objp = cache_free_debugcheck(s, objp, caller);
		if (!objp)
			return;
	} else {
		if (sc->free_mark && unlikely(object_is_free(s, slab, objp))) {
			slab_double_free(s, objp);
			return;
		}
		if (unlikely(init)) {	/* after the check: the mark survives */
			if (KHEAP_ASAN && kheap_asan_cache(s))	/* kmalloc's tail */
				kheap_asan_unpoison(objp, s->object_size);
			memset(objp, 0, s->object_size);
		}
		set_free_mark(sc, objp);
	}
	if (!slab_debug(s) && KHEAP_ASAN && kheap_asan_cache(s)) {
		kheap_asan_poison(objp, s->object_size);
		if (sc->free_mark)
			kheap_asan_unpoison(mark_word(sc, objp),
					    sizeof(unsigned long));
	}
	___cache_free(s, objp);
}

/* Is @x the user pointer of an object of @slab (of @s)? */
static inline bool obj_ok(struct kmem_cache *s, struct slab_desc *slab,
			  const void *x)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	unsigned long off = (unsigned long)((const char *)x -
					    (const char *)slab->s_mem) -
			    sc->obj_offset;

	return off < (unsigned long)sc->num * s->size &&
	       ((off * sc->reciprocal) >> RECIP_SHIFT) * s->size == off;
}

static void slab_kmem_cache_free(struct kmem_cache *s, void *x,
				 unsigned long caller)
{
	struct slab_desc *slab;

	if (unlikely(!x))
		return;
	slab = virt_to_sdesc(x);
	if (unlikely(!slab)) {
		if (!__kfence_free(x))
			slab_report_bad_free("kmem_cache_free", x, s, NULL);
		return;
	}
	if (unlikely(!s || slab->slab_cache != s || !obj_ok(s, slab, x))) {
		slab_report_bad_free("kmem_cache_free", x, s, slab->slab_cache);
		return;
	}
	__cache_free(s, slab, x, caller);
}

/* kfree() of @x, which is in the slab @sl. */
static void slab_kfree(struct slab *sl, void *x, unsigned long caller)
{
	struct slab_desc *slab = (struct slab_desc *)sl;
	struct kmem_cache *s = slab->slab_cache;

	if (unlikely(!obj_ok(s, slab, x))) {
		slab_report_bad_free("kfree", x, s, s);
		return;
	}
	__cache_free(s, slab, x, caller);
}

static void *slab_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp,
				   unsigned int orig_size, unsigned long caller)
{
	return slab_alloc(s, gfp, orig_size, caller);
}

/* v6.6: failslab once for the whole request, KFENCE per object. */
static int slab_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size,
			   void **p)
{
	if (should_failslab(s, flags))
		return 0;
	for (size_t i = 0; i < size; i++) {
		p[i] = NULL;
		if (unlikely(READ_ONCE(slab_alloc_hooks) & SLAB_HOOK_KFENCE))
			p[i] = __kfence_alloc(s, s->object_size, flags);
		if (!p[i])
			p[i] = slab_alloc_nohook(s, flags, _RET_IP_);
		if (unlikely(!p[i])) {
			for (size_t j = 0; j < i; j++)
				slab_kmem_cache_free(s, p[j], _RET_IP_);
			memset(p, 0, size * sizeof(void *));
			return 0;
		}
	}
	return (int)size;
}

static void slab_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	for (size_t i = 0; i < size; i++) {
		if (s)
			slab_kmem_cache_free(s, p[i], _RET_IP_);
		else
			kfree(p[i]);
	}
}

/* ksize(): v6.6's slab_ksize() under SLAB is the object size. */
static size_t slab_ksize(struct slab *sl, const void *x)
{
	struct kmem_cache *s = ((struct slab_desc *)sl)->slab_cache;

	if (KHEAP_ASAN && kheap_asan_cache(s))
		kheap_asan_unpoison(x, s->object_size);
	return s->object_size;
}

/* ------------------------------------------------------------------ */
/* the arrays: enable_cpucache(), do_tune_cpucache(), draining         */
/* ------------------------------------------------------------------ */

static void init_arraycache(struct array_cache *ac, unsigned int limit,
			    unsigned int batch)
{
	ac->avail = 0;
	ac->limit = limit;
	ac->batchcount = batch;
	ac->touched = 0;
}

static struct array_cache *alloc_arraycache(unsigned int entries,
					    unsigned int batchcount, gfp_t gfp)
{
	struct array_cache *ac = kmalloc(sizeof(struct array_cache) +
					 sizeof(void *) * entries, gfp);

	/*
	 * As v6.6: its entries keep pointing at objects handed out since,
	 * which must not count as references in a kmemleak scan.
	 */
	kmemleak_no_scan(ac);
	if (ac)
		init_arraycache(ac, entries, batchcount);
	return ac;
}

/* kfree() of an array cache, whose kmemleak_no_scan() mark goes too. */
static void kfree_arraycache(struct array_cache *ac)
{
	kmemleak_free(ac);
	kfree(ac);
}

static void free_arraycache(struct slab_cpu *pc, struct array_cache *ac)
{
	if (ac && ac != boot_array(pc))
		kfree_arraycache(ac);
}

/* The node's free_limit and a new shared array (slab_mutex held). */
static int setup_kmem_cache_node(struct kmem_cache *s, gfp_t gfp)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	struct array_cache *old_shared, *new_shared = NULL;
	LIST_HEAD(list);

	if (sc->shared) {
		new_shared = alloc_arraycache(sc->shared * sc->batchcount,
					      SHARED_ARRAY_MARKER, gfp);
		if (!new_shared)
			return -ENOMEM;
	}
	kh_lock(&n->list_lock);
	n->free_limit = (1 + slab_nr_cpus) * sc->batchcount + sc->num;
	old_shared = n->shared;
	if (old_shared) {
		free_block(s, old_shared->entry, (int)old_shared->avail, &list);
		old_shared->avail = 0;
	}
	n->shared = new_shared;
	kh_unlock(&n->list_lock);
	slabs_destroy(s, &list);
	kfree_arraycache(old_shared);	/* only ever read under list_lock */
	return 0;
}

/*
 * do_tune_cpucache - new arrays of @limit for every CPU and a shared
 * array of @shared * @batchcount; the old arrays' objects go back to
 * their slabs (slab_mutex held).
 */
static int do_tune_cpucache(struct kmem_cache *s, unsigned int limit,
			    unsigned int batchcount, unsigned int shared,
			    gfp_t gfp)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct array_cache **fresh;
	int err = -ENOMEM;

	fresh = kcalloc(slab_nr_cpus, sizeof(*fresh), gfp);
	if (!fresh)
		return -ENOMEM;
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		fresh[cpu] = alloc_arraycache(limit, batchcount, gfp);
		if (!fresh[cpu])
			goto out;
	}
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct slab_cpu *pc = &sc->cpu[cpu];
		struct array_cache *old;
		LIST_HEAD(list);

		kh_lock(&pc->lock);
		old = pc->ac;
		pc->ac = fresh[cpu];
		fresh[cpu] = NULL;
		kh_lock(&sc->node.list_lock);
		free_block(s, old->entry, (int)old->avail, &list);
		kh_unlock(&sc->node.list_lock);
		old->avail = 0;
		kh_unlock(&pc->lock);
		slabs_destroy(s, &list);
		free_arraycache(pc, old);
	}
	WRITE_ONCE(sc->batchcount, batchcount);
	WRITE_ONCE(sc->limit, limit);
	WRITE_ONCE(sc->shared, shared);
	err = setup_kmem_cache_node(s, gfp);
out:
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		kfree_arraycache(fresh[cpu]);
	kfree(fresh);
	return err;
}

/* The queue sizes of 3. (slab_mutex held). */
static int enable_cpucache(struct kmem_cache *s, gfp_t gfp)
{
	unsigned int limit, shared = 0, batchcount;
	int err;

	err = cache_random_seq_create(s, cache_slab(s)->num, gfp);
	if (err) {
		pr_err("enable_cpucache failed for %s, error %d\n", s->name, -err);
		return err;
	}
	if (s->size > 131072)
		limit = 1;
	else if (s->size > PAGE_SIZE)
		limit = 8;
	else if (s->size > 1024)
		limit = 24;
	else if (s->size > 256)
		limit = 54;
	else
		limit = 120;
	if (s->size <= PAGE_SIZE && slab_nr_cpus > 1)
		shared = 8;
	if (slab_debug(s) && limit > 32)
		limit = 32;
	batchcount = (limit + 1) / 2;
	err = do_tune_cpucache(s, limit, batchcount, shared, gfp);
	if (err)
		pr_err("enable_cpucache failed for %s, error %d\n", s->name, -err);
	return err;
}

/* Every object of CPU @cpu's array back to the slabs (from any thread). */
static void do_drain(struct kmem_cache *s, unsigned int cpu)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct slab_cpu *pc = &sc->cpu[cpu];
	LIST_HEAD(list);

	kh_lock(&pc->lock);
	if (pc->ac->avail) {
		kh_lock(&sc->node.list_lock);
		free_block(s, pc->ac->entry, (int)pc->ac->avail, &list);
		kh_unlock(&sc->node.list_lock);
		pc->ac->avail = 0;
	}
	kh_unlock(&pc->lock);
	slabs_destroy(s, &list);
}

static void drain_cpu_caches(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	LIST_HEAD(list);

	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		do_drain(s, cpu);
	kh_lock(&sc->node.list_lock);
	drain_array_locked(s, sc->node.shared, true, &list);
	kh_unlock(&sc->node.list_lock);
	slabs_destroy(s, &list);
}

/* Up to @tofree slabs off slabs_free (its tail first); returns how many. */
static int drain_freelist(struct kmem_cache *s, struct kmem_list3 *n,
			  int tofree)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	int nr_freed = 0;

	while (nr_freed < tofree) {
		struct slab_desc *slab;

		kh_lock(&n->list_lock);
		if (list_empty(&n->slabs_free)) {
			kh_unlock(&n->list_lock);
			break;
		}
		slab = list_last_entry(&n->slabs_free, struct slab_desc,
				       slab_list);
		list_del(&slab->slab_list);
		n->free_slabs--;
		n->total_slabs--;
		n->free_objects -= sc->num;
		kh_unlock(&n->list_lock);
		slab_destroy(s, slab);
		nr_freed++;
	}
	return nr_freed;
}

/* ------------------------------------------------------------------ */
/* cache_reap()                                                        */
/* ------------------------------------------------------------------ */

/*
 * drain_array - a reap of one array: an array used since the last reap is
 * only marked unused; otherwise part of it goes back (see 4.).  @lock is
 * the array's lock (the CPU's, or NULL for the shared array, which
 * list_lock guards).
 */
static void drain_array(struct kmem_cache *s, struct kmem_list3 *n,
			struct slab_cpu *pc)
{
	LIST_HEAD(list);
	struct array_cache *ac;

	if (pc)
		kh_lock(&pc->lock);
	kh_lock(&n->list_lock);
	ac = pc ? pc->ac : n->shared;
	if (ac && ac->avail) {
		if (ac->touched)
			ac->touched = 0;
		else
			drain_array_locked(s, ac, false, &list);
	}
	kh_unlock(&n->list_lock);
	if (pc)
		kh_unlock(&pc->lock);
	slabs_destroy(s, &list);
}

/* The reap of CPU @cpu's arrays and of the node's free slabs (see 4.). */
static void cache_reap(unsigned int cpu)
{
	struct kmem_cache *s;

	if (!slab_mutex_trylock())
		return;			/* next time */
	list_for_each_entry(s, &slab_caches, list) {
		struct kmem_cache_slab *sc = cache_slab(s);
		struct kmem_list3 *n = &sc->node;
		unsigned long now = slab_jiffies();
		bool touched;

		drain_array(s, n, &sc->cpu[cpu]);
		kh_lock(&n->list_lock);
		if (!time_after(now, n->next_reap)) {
			kh_unlock(&n->list_lock);
			continue;
		}
		n->next_reap = now + REAPTIMEOUT_NODE;
		touched = n->free_touched;
		n->free_touched = 0;
		kh_unlock(&n->list_lock);
		drain_array(s, n, NULL);
		if (!touched)
			STATS_ADD(sc, SS_REAPED, (unsigned long)drain_freelist(s, n,
				(int)((n->free_limit + 5 * sc->num - 1) / (5 * sc->num))));
	}
	slab_mutex_unlock();
}

/* Run this CPU's reap if 2 s passed since its last (no lock held). */
static void cache_reap_due(void)
{
	unsigned int cpu = os_cpu();
	unsigned long now = slab_jiffies();
	unsigned long next = __atomic_load_n(&reap_next[cpu], __ATOMIC_RELAXED);

	if (!time_after(now, next))
		return;
	if (!__atomic_compare_exchange_n(&reap_next[cpu], &next,
					 now + REAPTIMEOUT_AC, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;			/* another thread of this CPU reaps */
	if (slab_mutex_held())
		return;
	cache_reap(cpu);
}

/**
 * slab_reap_cpu - run CPU @cpu's cache_reap() now, as its 2-second timer
 * would (tests; any thread may call it).  Return: false if slab_mutex was
 * busy and nothing was done.
 */
bool slab_reap_cpu(unsigned int cpu)
{
	if (cpu >= slab_nr_cpus || slab_mutex_held())
		return false;
	cache_reap(cpu);
	return true;
}

/**
 * slab_reap_expire - make every node's reap due, as if REAPTIMEOUT_NODE
 * had passed (tests: the next slab_reap_cpu() reaps the shared arrays and
 * free slabs too).
 */
void slab_reap_expire(void)
{
	struct kmem_cache *s;
	unsigned long now = slab_jiffies();

	if (slab_ops != &strategy_slab)
		return;
	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list) {
		struct kmem_list3 *n = &cache_slab(s)->node;

		kh_lock(&n->list_lock);
		n->next_reap = now - 1;
		kh_unlock(&n->list_lock);
	}
	slab_mutex_unlock();
}

/* ------------------------------------------------------------------ */
/* the cache: create, shrink, shutdown, release                        */
/* ------------------------------------------------------------------ */

static size_t slab_cache_struct_size(void)
{
	return KMEM_CACHE_CPU_OFFSET + sizeof(struct kmem_cache_slab) +
	       (size_t)slab_nr_cpus * sizeof(struct slab_cpu);
}

/* Boot arrays (limit 1) until the kmalloc caches exist. */
static void setup_cpu_cache_boot(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct slab_cpu *pc = &sc->cpu[cpu];

		init_arraycache(boot_array(pc), BOOT_CPUCACHE_ENTRIES, 1);
		pc->ac = boot_array(pc);
	}
	sc->batchcount = 1;
	sc->limit = BOOT_CPUCACHE_ENTRIES;
	sc->node.free_limit = (1 + slab_nr_cpus) * sc->batchcount + sc->num;
}

/*
 * slab_kmem_cache_create - the kernel's __kmem_cache_create(): object
 * layout, freelist placement, slab order, colour, then the queues.
 */
static int slab_kmem_cache_create(struct kmem_cache *s, const char *name,
				  unsigned int object_size,
				  struct kmem_cache_args *args,
				  slab_flags_t flags)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	size_t ralign = BYTES_PER_WORD, size;

	VM_BUG_ON(!IS_ALIGNED((unsigned long)s, L1_CACHE_BYTES));
	snprintf(s->name_buf, sizeof(s->name_buf), "%s", name);
	s->name = s->name_buf;
	s->object_size = object_size;
	s->ctor = args->ctor;
	s->align = args->align;
	s->useroffset = args->useroffset;
	s->usersize = args->usersize;
	/* SLAB knows red zones, poison and the last user; nothing else */
	flags &= ~(SLAB_CONSISTENCY_CHECKS | SLAB_TRACE);

	size = ALIGN((size_t)object_size, BYTES_PER_WORD);
	if (flags & SLAB_RED_ZONE) {
		ralign = REDZONE_ALIGN;
		size = ALIGN(size, REDZONE_ALIGN);
	}
	if (ralign < s->align)
		ralign = s->align;
	if (ralign > __alignof__(unsigned long long))
		flags &= ~(SLAB_RED_ZONE | SLAB_STORE_USER);
	s->align = (unsigned int)ralign;
	sc->colour_off = L1_CACHE_BYTES;	/* cache_line_size() */
	if (sc->colour_off < s->align)
		sc->colour_off = s->align;
	sc->obj_offset = 0;
	if (flags & SLAB_RED_ZONE) {
		sc->obj_offset += sizeof(unsigned long long);
		size += 2 * sizeof(unsigned long long);
	}
	if (flags & SLAB_STORE_USER)
		size += (flags & SLAB_RED_ZONE) ? REDZONE_ALIGN : BYTES_PER_WORD;
	size = ALIGN(size, (size_t)s->align);
	/* calculate_slab_order()'s OFF_SLAB test reads s->size: still the
	 * object size then, as create_cache() left it in the kernel */
	s->size = object_size;
	s->flags = flags;

	if (set_objfreelist_slab_cache(s, size, flags))
		flags |= CFLGS_OBJFREELIST_SLAB;
	else if (set_off_slab_cache(s, size, flags))
		flags |= CFLGS_OFF_SLAB;
	else if (!set_on_slab_cache(s, size, flags))
		return -E2BIG;
	sc->freelist_size = sc->num * sizeof(freelist_idx_t);
	s->flags = flags;
	s->size = (unsigned int)size;
	sc->allocflags = __GFP_COMP;
	if (flags & SLAB_CACHE_DMA)
		sc->allocflags |= GFP_DMA;
	if (flags & SLAB_CACHE_DMA32)
		sc->allocflags |= GFP_DMA32;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		sc->allocflags |= __GFP_RECLAIMABLE;
	sc->reciprocal = ((1UL << RECIP_SHIFT) + size - 1) / size;
	sc->free_mark = free_mark_secret && !s->ctor && !slab_debug(s) &&
			!(flags & SLAB_TYPESAFE_BY_RCU) &&
			object_size >= sizeof(unsigned long);
	sc->mark_offset = ALIGN_DOWN(object_size / 2, (unsigned int)sizeof(long));

	kh_lock_init(&n->list_lock);
	INIT_LIST_HEAD(&n->slabs_partial);
	INIT_LIST_HEAD(&n->slabs_full);
	INIT_LIST_HEAD(&n->slabs_free);
	n->next_reap = slab_jiffies() + REAPTIMEOUT_NODE +
		       (unsigned long)s % REAPTIMEOUT_NODE;
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		kh_lock_init(&sc->cpu[cpu].lock);
	setup_cpu_cache_boot(s);
	if (slab_state_full)
		return enable_cpucache(s, GFP_KERNEL) ? -ENOMEM : 0;
	return 0;
}

static int slab_kmem_cache_shrink(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	int ret;

	drain_cpu_caches(s);
	drain_freelist(s, n, INT_MAX);
	kh_lock(&n->list_lock);
	ret = !list_empty(&n->slabs_full) || !list_empty(&n->slabs_partial);
	kh_unlock(&n->list_lock);
	return ret;
}

/* v6.6: __kmem_cache_shutdown() is __kmem_cache_shrink(). */
static int slab_kmem_cache_shutdown(struct kmem_cache *s)
{
	return slab_kmem_cache_shrink(s);
}

static void slab_kmem_cache_release(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct slab_cpu *pc = &sc->cpu[cpu];

		free_arraycache(pc, pc->ac);
		pc->ac = NULL;
	}
	kfree_arraycache(sc->node.shared);
	sc->node.shared = NULL;
	kfree(s->random_seq);		/* cache_random_seq_destroy() */
	s->random_seq = NULL;
}

static struct kmem_cache *slab_kmem_cache_alias(const char *name,
						unsigned int size,
						unsigned int align,
						slab_flags_t flags,
						void (*ctor)(void *))
{
	struct kmem_cache *s = find_mergeable(size, align, flags, name, ctor);

	if (s) {
		s->refcount++;
		/* so that kzalloc clears the whole object */
		s->object_size = max(s->object_size, size);
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* /proc/slabinfo: get_slabinfo(), slabinfo_write(), statistics        */
/* ------------------------------------------------------------------ */

static void slab_get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	unsigned long total_slabs, free_slabs, free_objs, shared_avail = 0;

	kh_lock(&n->list_lock);
	total_slabs = n->total_slabs;
	free_slabs = n->free_slabs;
	free_objs = n->free_objects;
	if (n->shared)
		shared_avail = n->shared->avail;
	kh_unlock(&n->list_lock);
	sinfo->num_objs = total_slabs * sc->num;
	sinfo->active_slabs = total_slabs - free_slabs;
	sinfo->active_objs = sinfo->num_objs - free_objs;
	sinfo->num_slabs = total_slabs;
	sinfo->shared_avail = shared_avail;
	sinfo->limit = READ_ONCE(sc->limit);
	sinfo->batchcount = READ_ONCE(sc->batchcount);
	sinfo->shared = READ_ONCE(sc->shared);
	sinfo->objects_per_slab = sc->num;
	sinfo->cache_order = sc->gfporder;
}

/*
 * slab_slabinfo_write - "name limit batchcount shared": tune a cache's
 * queues, as mm/slab.c's slabinfo_write().  Bad values are ignored (the
 * write still succeeds); an unknown name or a malformed line is -EINVAL.
 */
static long slab_slabinfo_write(const char *buffer, size_t count)
{
	char kbuf[MAX_SLABINFO_WRITE + 1], *tmp;
	int limit, batchcount, shared;
	struct kmem_cache *s;
	long res;

	if (count > MAX_SLABINFO_WRITE)
		return -EINVAL;
	memset(kbuf, 0, sizeof(kbuf));
	memcpy(kbuf, buffer, count);
	tmp = strchr(kbuf, ' ');
	if (!tmp)
		return -EINVAL;
	*tmp++ = '\0';
	if (sscanf(tmp, " %d %d %d", &limit, &batchcount, &shared) != 3)
		return -EINVAL;
	slab_mutex_lock();
	res = -EINVAL;
	list_for_each_entry(s, &slab_caches, list) {
		if (strcmp(s->name, kbuf))
			continue;
		if (limit < 1 || batchcount < 1 || batchcount > limit ||
		    shared < 0)
			res = 0;
		else
			res = do_tune_cpucache(s, (unsigned int)limit,
					       (unsigned int)batchcount,
					       (unsigned int)shared, GFP_KERNEL);
		break;
	}
	slab_mutex_unlock();
	return res >= 0 ? (long)count : res;
}

#ifdef CONFIG_SLUB_STATS
/*
 * "slab_stats": the kernel's CONFIG_DEBUG_SLAB slabinfo columns, per
 * cache: globalstat (allocations from slabs, high mark of active
 * objects, slabs grown, reaped, errors, max freeable slabs) and cpustat
 * (array hits and misses on alloc and free).
 */
static int slab_stats_show(FILE *out)
{
	struct kmem_cache *s;

	fputs("# name            : globalstat <listallocs> <maxobjs> <grown> <reaped> <error> <maxfreeable> : cpustat <allochit> <allocmiss> <freehit> <freemiss>\n",
	      out);
	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list) {
		unsigned long *st = cache_slab(s)->stat;

		fprintf(out, "%-17s : globalstat %7lu %6lu %5lu %4lu %4lu %4lu : cpustat %6lu %6lu %6lu %6lu\n",
			s->name, READ_ONCE(st[SS_ALLOCED]),
			READ_ONCE(st[SS_HIGH]), READ_ONCE(st[SS_GROWN]),
			READ_ONCE(st[SS_REAPED]), READ_ONCE(st[SS_ERRORS]),
			READ_ONCE(st[SS_MAXFREEABLE]),
			READ_ONCE(st[SS_ALLOCHIT]), READ_ONCE(st[SS_ALLOCMISS]),
			READ_ONCE(st[SS_FREEHIT]), READ_ONCE(st[SS_FREEMISS]));
	}
	slab_mutex_unlock();
	return 0;
}
#endif

/*
 * "slab_arrays": what /proc/slabinfo sums, per cache, one line each
 * (kheap's view; the kernel shows SLAB's queues only through slabinfo's
 * tunables and sharedavail): the tunables, each CPU's array (avail of
 * limit, touched), the node's shared array, the slab lists, the free
 * objects in slabs and free_limit.  `kheap demo` reads it under
 * slab_allocator=slab.
 */
static int slab_arrays_show(FILE *out)
{
	struct kmem_cache *s;

	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list) {
		struct kmem_cache_slab *sc = cache_slab(s);
		struct kmem_list3 *n = &sc->node;
		unsigned long full = 0, partial = 0, nfree = 0;
		struct slab_desc *slab;

		fprintf(out, "%s size=%u num=%u order=%u colour=%u colour_off=%u limit=%u batchcount=%u shared=%u",
			s->name, s->size, sc->num, sc->gfporder, sc->colour,
			sc->colour_off, READ_ONCE(sc->limit),
			READ_ONCE(sc->batchcount), READ_ONCE(sc->shared));
		for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
			struct slab_cpu *pc = &sc->cpu[cpu];

			kh_lock(&pc->lock);
			fprintf(out, " cpu%u_avail=%u cpu%u_limit=%u cpu%u_touched=%u",
				cpu, pc->ac->avail, cpu, pc->ac->limit, cpu,
				pc->ac->touched);
			kh_unlock(&pc->lock);
		}
		kh_lock(&n->list_lock);
		list_for_each_entry(slab, &n->slabs_full, slab_list)
			full++;
		list_for_each_entry(slab, &n->slabs_partial, slab_list)
			partial++;
		list_for_each_entry(slab, &n->slabs_free, slab_list)
			nfree++;
		fprintf(out, " shared_avail=%u shared_limit=%u slabs_full=%lu slabs_partial=%lu slabs_free=%lu free_objects=%lu free_limit=%u\n",
			n->shared ? n->shared->avail : 0,
			n->shared ? n->shared->limit : 0, full, partial, nfree,
			n->free_objects, n->free_limit);
		kh_unlock(&n->list_lock);
	}
	slab_mutex_unlock();
	return 0;
}

/* ------------------------------------------------------------------ */
/* validation and fork                                                 */
/* ------------------------------------------------------------------ */

/* Is @x (a slot start) an object of @s whose slab says it is in use? */
static int check_array_object(struct kmem_cache *s, void *x,
			      const char *where)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct slab_desc *slab = virt_to_sdesc(x);
	unsigned int idx;

	if (!slab || slab->slab_cache != s ||
	    !obj_ok(s, slab, (char *)x + sc->obj_offset)) {
		pr_err("slab_validate: %s: %s holds %p, not an object of the cache\n",
		       s->name, where, x);
		return 1;
	}
	idx = obj_to_index(sc, slab, x);
	for (unsigned int i = slab->active; i < sc->num; i++) {
		if (get_free_obj(slab, i) == idx) {
			pr_err("slab_validate: %s: %s holds %p, which is also free in its slab (double free)\n",
			       s->name, where, x);
			return 1;
		}
	}
	return 0;
}

/* A slab's own state: its freelist indices distinct and in range. */
static int check_slab(struct kmem_cache *s, struct slab_desc *slab,
		      unsigned int lo, unsigned int hi, const char *list)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	static unsigned long seen[SLAB_OBJ_MAX_NUM / 64 + 1];

	if (slab->slab_cache != s || slab->active < lo || slab->active > hi) {
		pr_err("slab_validate: %s: slab %p on %s has active %u of %u\n",
		       s->name, (void *)slab, list, slab->active, sc->num);
		return 1;
	}
	if (!slab->freelist)
		return slab->active == sc->num ? 0 : 1;
	memset(seen, 0, DIV_ROUND_UP(sc->num, 64) * sizeof(long));
	for (unsigned int i = slab->active; i < sc->num; i++) {
		unsigned int idx = get_free_obj(slab, i);

		if (idx >= sc->num || (seen[idx / 64] & (1UL << (idx % 64)))) {
			pr_err("slab_validate: %s: slab %p freelist entry %u is %u\n",
			       s->name, (void *)slab, i, idx);
			return 1;
		}
		seen[idx / 64] |= 1UL << (idx % 64);
		if (slab_debug(s) && (s->flags & SLAB_RED_ZONE)) {
			void *objp = index_to_obj(sc, s, slab, idx);

			if (*dbg_redzone1(s, objp) != RED_INACTIVE ||
			    *dbg_redzone2(s, objp) != RED_INACTIVE) {
				pr_err("slab_validate: %s: free object %p has a bad red zone\n",
				       s->name, objp);
				return 1;
			}
		}
	}
	return 0;
}

static int check_list(struct kmem_cache *s, struct list_head *head,
		      unsigned int lo, unsigned int hi, const char *name,
		      unsigned long *slabs, unsigned long *free_objs)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct slab_desc *slab;
	int errors = 0;

	list_for_each_entry(slab, head, slab_list) {
		errors += check_slab(s, slab, lo, hi, name);
		*free_objs += sc->num - slab->active;
		if (++*slabs > (1UL << 40))
			break;
	}
	return errors;
}

/*
 * slab_validate_cache - every invariant of @s while no other thread uses
 * it: each slab on the list its active count calls for, the counters the
 * sum of the lists, every freelist array a set of distinct indices, every
 * array entry an in-use object of the cache and no object in two places.
 */
static int slab_validate_cache(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);
	struct kmem_list3 *n = &sc->node;
	unsigned long slabs = 0, free_slabs = 0, free_objs = 0, tmp = 0;
	int errors = 0;

	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct slab_cpu *pc = &sc->cpu[cpu];

		kh_lock(&pc->lock);
		if (pc->ac->avail > pc->ac->limit) {
			pr_err("slab_validate: %s: cpu %u array holds %u of %u\n",
			       s->name, cpu, pc->ac->avail, pc->ac->limit);
			errors++;
		}
		kh_lock(&n->list_lock);
		for (unsigned int i = 0; i < pc->ac->avail && i < pc->ac->limit; i++)
			errors += check_array_object(s, pc->ac->entry[i], "cpu array");
		kh_unlock(&n->list_lock);
		kh_unlock(&pc->lock);
	}
	kh_lock(&n->list_lock);
	if (n->shared) {
		for (unsigned int i = 0; i < n->shared->avail; i++)
			errors += check_array_object(s, n->shared->entry[i],
						     "shared array");
	}
	errors += check_list(s, &n->slabs_full, sc->num, sc->num, "slabs_full",
			     &slabs, &free_objs);
	errors += check_list(s, &n->slabs_partial, 1, sc->num - 1,
			     "slabs_partial", &slabs, &free_objs);
	errors += check_list(s, &n->slabs_free, 0, 0, "slabs_free",
			     &free_slabs, &tmp);
	free_objs += tmp;
	slabs += free_slabs;
	if (slabs != n->total_slabs || free_slabs != n->free_slabs ||
	    free_objs != n->free_objects) {
		pr_err("slab_validate: %s: lists hold %lu slabs (%lu free, %lu free objects), counters say %lu (%lu, %lu)\n",
		       s->name, slabs, free_slabs, free_objs, n->total_slabs,
		       n->free_slabs, n->free_objects);
		errors++;
	}
	kh_unlock(&n->list_lock);
	return errors;
}

static void slab_lock_cache(struct kmem_cache *s);
static void slab_unlock_cache(struct kmem_cache *s);

/*
 * kmemleak's view of a slab: @fn on each object in use, that is neither
 * among the slab's free indices nor in a CPU's or the node's array (which
 * hold objects free to the program but in use to the slab).  Under the
 * cache's locks; by kmemleak's scan, one slab at a time.
 */
static void slab_for_each_used(struct kmem_cache *s, struct slab *sl,
			       void (*fn)(struct kmem_cache *s, void *object))
{
	static DECLARE_BITMAP(free, SLAB_OBJ_MAX_NUM + 1);	/* kmemleak_lock */
	struct kmem_cache_slab *sc = cache_slab(s);
	struct slab_desc *slab = (struct slab_desc *)sl;
	struct kmem_list3 *n = &sc->node;

	slab_lock_cache(s);
	bitmap_zero(free, sc->num);
	if (slab->freelist) {
		for (unsigned int i = slab->active; i < sc->num; i++) {
			unsigned int idx = get_free_obj(slab, i);

			if (idx < sc->num)
				__set_bit(idx, free);
		}
	}
	for (unsigned int cpu = 0; cpu <= slab_nr_cpus; cpu++) {
		struct array_cache *ac = cpu < slab_nr_cpus ? sc->cpu[cpu].ac :
							      n->shared;

		for (unsigned int i = 0; ac && i < ac->avail && i < ac->limit; i++) {
			void *x = ac->entry[i];
			unsigned int idx;

			if (virt_to_sdesc(x) != slab)
				continue;
			idx = obj_to_index(sc, slab, x);
			if (idx < sc->num)
				__set_bit(idx, free);
		}
	}
	for (unsigned int i = 0; i < sc->num; i++)
		if (!test_bit(i, free))
			fn(s, (char *)index_to_obj(sc, s, slab, i) + sc->obj_offset);
	slab_unlock_cache(s);
}

/* The user word of SLAB_STORE_USER object @x of @s, or NULL. */
static void **obj_userword(struct kmem_cache *s, const void *x)
{
	struct slab_desc *slab = x ? virt_to_sdesc(x) : NULL;

	if (!(s->flags & SLAB_STORE_USER) || !slab || slab->slab_cache != s ||
	    !obj_ok(s, slab, x))
		return NULL;
	return dbg_userword(s, (char *)x - cache_slab(s)->obj_offset);
}

/* kmemleak: the caller that allocated @x, as SLAB_STORE_USER keeps it. */
static unsigned long slab_obj_caller(struct kmem_cache *s, const void *x)
{
	void **w = obj_userword(s, x);

	return w ? (unsigned long)*w : 0;
}

static void slab_set_obj_caller(struct kmem_cache *s, const void *x,
				unsigned long caller)
{
	void **w = obj_userword(s, x);

	if (w)
		*w = (void *)caller;
}

static void slab_lock_cache(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		kh_lock(&sc->cpu[cpu].lock);
	kh_lock(&sc->node.list_lock);
}

static void slab_unlock_cache(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	kh_unlock(&sc->node.list_lock);
	for (unsigned int cpu = slab_nr_cpus; cpu-- > 0;)
		kh_unlock(&sc->cpu[cpu].lock);
}

static void slab_reinit_cache(struct kmem_cache *s)
{
	struct kmem_cache_slab *sc = cache_slab(s);

	kh_lock_reinit(&sc->node.list_lock);
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		kh_lock_reinit(&sc->cpu[cpu].lock);
}

/* ------------------------------------------------------------------ */
/* init                                                                */
/* ------------------------------------------------------------------ */

/* kmem_cache_init()'s part: slab_max_order, the reap clocks. */
static void slab_init(void)
{
	unsigned long now = slab_jiffies();

	slab_freelist_random = kheap_config.slab_freelist_random;
	free_mark_secret = 0;
	if (kheap_config.slab_freelist_hardened && kheap_config.double_free_check)
		free_mark_secret = os_random() | 1;
	slab_max_order = SLAB_MAX_ORDER_LO;
	/* fragmentation resistance on small machines: 32 MiB, as v6.6 */
	if (kheap_config.slab_max_order_set)
		slab_max_order = (int)kheap_config.slab_max_order;
	else if (kheap_config.mem > (32UL << 20))
		slab_max_order = SLAB_MAX_ORDER_HI;
	reap_next = alloc_pages_exact(slab_nr_cpus * sizeof(*reap_next),
				      GFP_KERNEL | __GFP_ZERO);
	if (!reap_next) {
		pr_err("Kernel panic - not syncing: SLAB: no memory for the reap clocks\n");
		abort();
	}
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		reap_next[cpu] = now + REAPTIMEOUT_AC + cpu;
}

/* kmem_cache_init_late(): every cache's real queues (enable_cpucache). */
static void slab_init_late(void)
{
	struct kmem_cache *s;

	slab_mutex_lock();
	list_for_each_entry(s, &slab_caches, list) {
		if (enable_cpucache(s, GFP_KERNEL)) {
			pr_err("Kernel panic - not syncing: SLAB: enable_cpucache failed for %s\n",
			       s->name);
			abort();
		}
	}
	slab_state_full = true;
	slab_mutex_unlock();
	kheap_proc_register("slab_arrays", slab_arrays_show);
#ifdef CONFIG_SLUB_STATS
	kheap_proc_register("slab_stats", slab_stats_show);
#endif
}

const struct slab_strategy strategy_slab = {
	.name = "slab",
	.cache_struct_size = slab_cache_struct_size,
	.init = slab_init,
	.init_late = slab_init_late,
	.create = slab_kmem_cache_create,
	.alias = slab_kmem_cache_alias,
	.shutdown = slab_kmem_cache_shutdown,
	.shrink = slab_kmem_cache_shrink,
	.release = slab_kmem_cache_release,
	.get_slabinfo = slab_get_slabinfo,
	.slabinfo_write = slab_slabinfo_write,
	.validate = slab_validate_cache,
	.lock_cache = slab_lock_cache,
	.unlock_cache = slab_unlock_cache,
	.reinit_cache = slab_reinit_cache,
	.alloc = slab_kmem_cache_alloc,
	.free = slab_kmem_cache_free,
	.kfree = slab_kfree,
	.alloc_bulk = slab_alloc_bulk,
	.free_bulk = slab_free_bulk,
	.ksize = slab_ksize,
	.kmalloc_shift_low = 5,			/* KMALLOC_SHIFT_LOW under SLAB */
	.kmalloc_flags = SLAB_HWCACHE_ALIGN,	/* ARCH_KMALLOC_FLAGS */
	.has_slabinfo = true,
	.for_each_used = slab_for_each_used,
	.obj_caller = slab_obj_caller,
	.set_obj_caller = slab_set_obj_caller,
};
