// SPDX-License-Identifier: MIT
/*
 * slub.c - the SLUB slab allocator (mm/slub.c, v6.12), in userspace.
 *
 * A cache hands out objects of one size from slabs: compound pages from the
 * buddy allocator, cut into objects.  A free object holds the pointer to the
 * next free object (the free pointer) inside itself, so there is no header
 * per object, and kmem_cache_free() finds the slab from the address alone:
 * virt_to_page() is arithmetic, compound_head() one load (O(1), no search).
 *
 * 1. Object layout (calculate_sizes()), one object every s->size bytes:
 *
 *    | left red zone | object_size bytes | right red zone | free pointer |
 *    | red_left_pad  | the caller's      | up to inuse    | (when outside|
 *    | (RED_ZONE)    |   object          |   (RED_ZONE)   |  the object) |
 *    | alloc track | free track | orig_size | padding to s->align       |
 *    |   (STORE_USER: 2 x struct track)     |                           |
 *
 *    Without debug flags this is just the object, rounded up to a word and
 *    to s->align; the free pointer sits in the middle of the free object
 *    (offset = ALIGN_DOWN(object_size / 2, word), so a small overrun of the
 *    previous object does not hit it).  It moves after the object when the
 *    object must stay intact while free: a constructor (constructed state
 *    survives free), SLAB_TYPESAFE_BY_RCU (readers may still look at a freed
 *    object; or at args->freeptr_offset when the caller names a word that
 *    may be clobbered), SLAB_POISON, or a red zone around a tiny object.
 *    The slab's objects start at the page boundary; what is left at the end
 *    of the slab is unused.
 *
 *    The free pointer is stored hardened (CONFIG_SLAB_FREELIST_HARDENED,
 *    the option slab_freelist_hardened, on by default as in distribution
 *    kernels): ptr ^ s->random ^ swab(address of the slot), s->random a
 *    secret per cache from getrandom.  A use after free or an overflow
 *    that writes a chosen address over it decodes to garbage; every
 *    decode is checked before the pointer is used (the fast paths: inside
 *    the slab's aligned span, freeptr_in_span(); the slow paths: an object
 *    of the slab, freelist_next()), and one that fails is reported as the
 *    kernel's "Freechain corrupt" and never followed: the list is cut
 *    there and the objects past it are leaked.  c->freelist,
 *    slab->freelist and sheaves hold plain pointers, as in the kernel.
 *
 * 2. Slab states.  The words of struct page become struct slab (slab.h):
 *    slab_cache, slab_list, and the 16-byte pair (freelist, counters), where
 *    counters = inuse:16 | objects:15 | frozen:1.
 *
 *    state          frozen  on list           who allocates from it
 *    cpu slab          1    c->slab           that CPU slot (c->freelist)
 *    cpu partial       0    c->partial chain  nobody until it is made cpu slab
 *    node partial      0    n->partial        nobody until taken by a CPU
 *    full              0    none              nobody; the first free of one
 *                                             of its objects puts it on the
 *                                             freeing CPU's partial list
 *    empty             -    -                 given back to the buddy
 *                                             allocator once n->partial
 *                                             holds min_partial slabs
 *
 *    slab->inuse counts objects handed out of slab->freelist, to users or to
 *    a CPU freelist.  Frees to a frozen slab that is not the freeing CPU's go
 *    onto slab->freelist with a cmpxchg of (freelist, counters) and no lock
 *    (FREE_FROZEN); the owning CPU picks them up when its freelist runs dry
 *    (get_freelist()).  A free that changes a non-frozen slab's list (full ->
 *    partial, partial -> empty) takes n->list_lock around the cmpxchg, as
 *    __slab_free() does.
 *
 *    Besides struct page, a slab of a cache with sheaves is recorded in the
 *    sheaf map, eight bytes per page frame (the cache's address and the
 *    slab's order), so that kfree(), kmem_cache_free() and the malloc
 *    shim's free find an object's cache without a struct page ("the sheaf
 *    map" below).
 *
 * 3. Per-CPU state and the three fast paths.  Userspace cannot disable
 *    preemption, so "this CPU" is a hint (os_cpu(), from glibc's rseq area)
 *    and the per-CPU structure is shared by every thread that runs on that
 *    CPU, now or after a migration.  An allocation or a free takes the
 *    first of three tiers that applies (slab_alloc_node(), slab_free_object()):
 *
 *    a. Sheaves (caches without debug flags, with rseq and kheap.sheaves):
 *       the kernel's newer per-CPU arrays of free objects ("sheaves"
 *       below).  Alloc pops the CPU's main sheaf and free pushes onto it,
 *       whatever slab the object is from, in a restartable sequence that
 *       commits with a plain store (slub_fast.h).  Cost: the CPU id, the
 *       claim test (tid odd), two loads from the CPU slot's line (main
 *       and its count, c->main_size), the object load and one store; a
 *       free adds the cache lookup and the boundary check,
 *       from the sheaf map for kfree(), kmem_cache_free() and the malloc
 *       shim (sheaf_map_free(): the map entry, which holds the cache's
 *       address, and a reciprocal multiply), else from struct page
 *       (free_check(): 2 loads and a reciprocal multiply).  No atomic
 *       instruction, no lock; frees to slabs other than the CPU slab cost
 *       nothing more.
 *    b. The rseq CPU freelist (slub_rseq, caches without sheaves): the
 *       kernel's (c->freelist) per-CPU list, popped and pushed by
 *       restartable sequences that commit with a plain store.  Cost: the
 *       CPU id, the claim test, the freelist load, the free pointer load
 *       (with hardening a bswap, two xors and a span check), one store; a
 *       free to another slab than the CPU slab goes to __slab_free()'s
 *       cmpxchg16b on that slab.
 *    c. The kernel's compare-and-swap (no rseq: TSan builds, Valgrind,
 *       kheap.rseq=0, no rseq or membarrier): (c->freelist, c->tid) change
 *       only by one 16-byte compare-and-swap that also moves tid forward
 *       by 2; a thread that read them, was preempted or migrated, and
 *       comes back finds a different tid and retries.  Cost: the CPU id,
 *       2 loads (tid, freelist), the free pointer load, one cmpxchg16b.
 *       The stale free-pointer read and the CAS live in the one helper
 *       pair below marked no_sanitize: the read may see user data of an
 *       object another thread just took (the CAS then fails); slab pages
 *       stay mapped for ever (docs/design.md, "Memory model").
 *
 *    Debug caches have none of the three: every allocation and free takes
 *    the locked slow path (slub_debug.c).  Hardening and the double free
 *    check add a few ALU operations and a store (slub_fast.h).
 *
 *    Under all three, c->slab and c->partial change only under c->lock, a
 *    mutex any thread may take (flush_all, shrink, destroy and fork walk
 *    every CPU).  To change c->slab, take c->freelist or swap sheaves the
 *    lock holder first *claims* the CPU: it empties the freelist and makes
 *    tid odd (by CAS without rseq; as "the rseq fast paths" below explain
 *    with it, where tid moves by 1 per claim and per release).  While tid
 *    is odd no fast path can commit (they go to the slow path and wait on
 *    the lock); the release installs the new freelist with the next even
 *    tid.  So a fast path that read tid T and then c->slab can only commit
 *    if neither changed: free's "slab == c->slab" test is as safe as in
 *    the kernel.  Tiers a and b are kheap's userspace forms of the
 *    kernel's preemption-disabled sections; docs/perf-notes.md has the
 *    measurements (a kmalloc+kfree pair: about 16 ns on tier c, 7 ns on
 *    tier a).
 *
 * 4. Lock order (outermost first; the whole library's, with every lock, is
 *    in docs/design.md).  No slab lock but slab_mutex is held across an
 *    allocation that may reclaim, so reclaim may call our shrinker from
 *    any allocation:
 *      slab_mutex (slab_common.c: cache list, create, destroy, shrinker
 *                  takes it with trylock only)
 *        shrinker_rwsem (vmscan.c; taken by reclaim inside alloc_pages)
 *          n->list_lock (node partial list)
 *            c->lock (per-(cache, CPU); get_partial_node() refills the CPU
 *                     partial list holding list_lock)
 *              barn.lock (the node's spare sheaves; taken under c->lock)
 *              the slab_sheaf cache's locks (barn_swap() allocates a sheaf
 *                     under c->lock, GFP_NOWAIT)
 *              zone / pcp locks (page_alloc.c, when a slab is freed)
 *    Across caches, newest first (slab_caches' order), as the fork
 *    handlers take them (slab_caches_fork_prepare()).
 *
 * 5. SLAB_TYPESAFE_BY_RCU: an empty slab goes back to the buddy allocator
 *    from a liburcu call_rcu() callback (memb flavour), so a reader inside
 *    rcu_read_lock() never sees the page reused for something else;
 *    kmem_cache_destroy() waits with rcu_barrier().
 *
 * 6. Checks, statistics, validation.  kmem_cache_free() checks, in a few
 *    loads and a multiply, that the pointer is an object of the cache (the
 *    kernel's cache_from_obj() frees to the object's real cache; kheap
 *    reports "Wrong slab cache. X but object is from Y" and ignores the
 *    free: bad input gets a report, docs/design.md); for a cache with
 *    sheaves the sheaf map answers first (sheaf_map_free(): the object's
 *    start and its cache from the map entry), and anything it does not
 *    vouch for takes the struct page way, which reports.  The kernel's
 *    naive double-free check (the object is already the first free one) is
 *    made on every free, and
 *    with hardening kheap's double free check (kheap.double_free_check,
 *    slub_fast.h) catches a free of any object that is free already: a
 *    free object's slot decodes to NULL or an object of its slab (a
 *    sheaf's objects get an encoded NULL when pushed), every allocation
 *    clears it; "Object already free" is reported and the free ignored.
 *    A corrupted free pointer is caught by hardening (1.); slab_debug=
 *    checks the rest for the caches it names.  Statistics are the
 *    kernel's enum stat_item, per (cache, CPU), compiled in with
 *    CONFIG_SLUB_STATS (the debug
 *    library, or cmake -DKHEAP_SLUB_STATS=ON) and nothing at all without.
 *    slub_validate_cache() (kheap_validate()) checks every invariant above
 *    while no other thread uses the cache, changing nothing;
 *    validate_slab_cache() is the kernel's validation: it flushes every
 *    CPU's slabs and sheaves first (so objects held per CPU count as free)
 *    and checks each slab up to its first bad object.  Each damaged range
 *    is reported once and repaired (slub_debug.c).  Reports follow v6.12's
 *    text, e.g. "Objects remaining in %s on __kmem_cache_shutdown()"
 *    (later kernels dropped the name from that line), and a KUnit test
 *    may count them instead (slab_add_kunit_errors()).  The cache-level
 *    findings ("SLUB <cache>: ...", the count checks) go through the
 *    validators' one report helper, validator_report() (debug.c).
 *
 * 6a. init_on_alloc / init_on_free (mm/slab.h's slab_want_init_on_*()):
 *    the allocation's end zeroes the object (object_size, or a debug
 *    kmalloc object's request) when __GFP_ZERO or SLAB_HOOK_INIT_ALLOC
 *    asks, and wipes a kept free pointer word under init_on_free; a free
 *    zeroes the object and its metadata after the double free check and
 *    before the object reaches a sheaf or freelist, keeping the free mark
 *    (slab_free_init(); a debug cache's in free_debug_processing(), after
 *    its checks).  Caches with a constructor are never zeroed,
 *    SLAB_TYPESAFE_BY_RCU and SLAB_POISON ones only on __GFP_ZERO.
 *
 * 7. fork(): a thread of the parent that was between its slab cmpxchg and
 *    taking n->list_lock when fork() ran does not exist in the child; the
 *    slab it was moving is then on no list in the child: its free objects
 *    are leaked there, nothing is corrupted.
 *
 * 8. Tracepoints (kernel/trace/trace.h): kmem_cache_alloc(_node),
 *    __kmem_cache_alloc_kmalloc (the kmalloc event), kmem_cache_free and
 *    the bulk calls test trace_enabled() once and, while a trace runs, take
 *    a noinline variant that nests the new slab's page events inside the
 *    call and records the event after the allocation, before the free.
 *    The call inside is the untraced one: SLUB's, or the strategy's of 9.
 *    The sheaf hits test nothing: while a trace runs, the allocations'
 *    hook word (SLAB_HOOK_TRACE) and the paused sheaf map
 *    (slab_sheaf_map_pause()) send every call to the slow path, where the
 *    test is; the traced variant records its event and takes the sheaf
 *    hit from there (__sheaf_alloc_fast() passing over SLAB_HOOK_TRACE,
 *    sheaf_map_free_traced() reading the map whether paused or not).
 *
 * 9. The other strategies.  With slab_allocator=slab or slob (slab.c,
 *    slob.c) none of the above runs: each exported entry point below
 *    (kmem_cache_alloc(), kmem_cache_free(), the kmalloc and kfree entry
 *    points, the bulk calls) tests slab_alt - slab_handover(), one load
 *    and a predictable branch, after the trace test of 8, so a trace
 *    records every strategy's calls - and hands the call to slab_ops.
 *    Their caches have no sheaves and their slabs are not in the sheaf
 *    map, so the sheaf hits (sheaf_alloc_fast(), sheaf_map_free(), the
 *    malloc shim's inline paths) never see them and test nothing: the
 *    test sits on the slow paths behind them (slab_alloc_slow(),
 *    slab_free_checked(), kfree_slab_object()), and SLUB's hits cost
 *    what they cost before the other strategies.
 */
#include "internal.h"
#include "slab_internal.h"
#include "lib/fault-inject.h"
#include "slub_debug.h"
#include "kfence/kfence.h"
#include "sanitizer.h"
#include "kernel/trace/trace.h"
#include "os/rseq.h"
#include "slub_fast.h"
#include <linux/kmemleak.h>

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define MIN_PARTIAL		5
#define MAX_PARTIAL		10
#define SHRINK_PROMOTE_MAX	32

enum { DEACTIVATE_HEAD, DEACTIVATE_TAIL };

/* ------------------------------------------------------------------ */
/* statistics                                                          */
/* ------------------------------------------------------------------ */

static inline void stat(struct kmem_cache *s, struct kmem_cache_cpu *c,
			enum stat_item si)
{
#ifdef CONFIG_SLUB_STATS
	if (!c) {
		stat_this_cpu(s, si);
		return;
	}
	__atomic_fetch_add(&c->stat[si], 1, __ATOMIC_RELAXED);
#else
	(void)s; (void)c; (void)si;
#endif
}

unsigned long slub_stat(struct kmem_cache *s, enum stat_item si)
{
	unsigned long sum = 0;

#ifdef CONFIG_SLUB_STATS
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		sum += READ_ONCE(s->cpu_slab[cpu].stat[si]);
#else
	(void)s; (void)si;
#endif
	return sum;
}

/* ------------------------------------------------------------------ */
/* the lockless helpers: stale free-pointer read and 16-byte CAS        */
/* ------------------------------------------------------------------ */

/*
 * The sanitizers decide per function, after inlining: a no_sanitize helper
 * inlined into an instrumented caller would be instrumented after all, so
 * under a sanitizer the helpers stay out of line.
 */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define __lockless_inline	__noinline
#else
#define __lockless_inline	__always_inline
#endif
#define __no_sanitize_lockless	__attribute__((no_sanitize("thread", "address")))

#ifdef __SANITIZE_THREAD__
/* TSan understands __atomic on 16 bytes (it has __tsan_atomic128_*). */
static __noinline bool cmpxchg16_tsan(u128 *p, u128 old, u128 new)
{
	return __atomic_compare_exchange_n(p, &old, new, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
#endif

/*
 * __cmpxchg_pair - the one 16-byte compare-and-swap: (lo, hi) of a 16-byte
 * aligned pair, (c->freelist, c->tid) or (slab->freelist, slab->counters).
 * A full barrier (lock cmpxchg16b).  GCC 12 turns __atomic on 16 bytes into
 * a libatomic call, so outside TSan builds this is inline assembly.
 */
static __lockless_inline __no_sanitize_lockless bool
__cmpxchg_pair(u128 *p, unsigned long old_lo, unsigned long old_hi,
	       unsigned long new_lo, unsigned long new_hi)
{
#ifdef __SANITIZE_THREAD__
	return cmpxchg16_tsan(p, (u128)old_hi << 64 | old_lo,
			      (u128)new_hi << 64 | new_lo);
#else
	bool ok;

	asm volatile("lock cmpxchg16b %1"
		     : "=@ccz"(ok), "+m"(*p), "+a"(old_lo), "+d"(old_hi)
		     : "b"(new_lo), "c"(new_hi)
		     : "memory");
	return ok;
#endif
}

/*
 * get_freepointer_safe - read the free pointer of an object that another
 * thread may have allocated (and be writing) since we saw it on a freelist.
 * The value is only used if the following CAS proves the object was still
 * free; the page is always mapped.
 */
static __lockless_inline __no_sanitize_lockless void *
get_freepointer_safe(const struct kmem_cache *s, const void *object)
{
	unsigned long ptr_addr = (unsigned long)object + s->offset;

	return freelist_ptr_decode(s, *(const volatile unsigned long *)ptr_addr,
				   ptr_addr);
}


/* ------------------------------------------------------------------ */
/* the rseq fast paths (os/rseq.h)                                     */
/* ------------------------------------------------------------------ */

/*
 * With restartable sequences (slub_rseq, chosen once at init) the fast
 * paths change c->freelist with a plain store that the kernel commits only
 * if the thread stayed on the CPU: no atomic instruction at all.  Then:
 *  - c->freelist is written only by sequences running on c's CPU, or by a
 *    c->lock holder that claimed c;
 *  - c->tid is written only by c->lock holders: odd while claimed.  It
 *    moves by 1 per claim and release, not per operation;
 *  - a claim makes tid odd first (a sequence on c's CPU, or a store
 *    followed by os_rseq_fence_cpu()), so every sequence that could still
 *    commit has seen the odd tid and bailed, or restarts and sees it.
 * The sequences read only free objects of their own CPU's list: no stale
 * reads, unlike the compare-and-swap path.  They are in slub_fast.h.
 */
#if KHEAP_HAVE_RSEQ
bool slub_rseq;
#endif
bool slab_freelist_hardened;
bool slab_double_free_check;
static bool slab_freelist_random;
static bool kmalloc_up;		/* every kmalloc cache exists */

/*
 * The sheaf map.  A free must find the object's cache: the kernel's way
 * is the struct page (virt_to_slab(): the page, its compound head, its
 * type, slab->slab_cache), 64 bytes per frame, so a free of an object of
 * another slab than the last one misses the cache on a struct page (perf
 * on the shim's free: 40 % of its samples on those loads).  Each page
 * frame of a slab of a cache with sheaves has an entry in
 * slab_sheaf_map[pfn]: the cache's address (struct kmem_cache is 64-byte
 * aligned) or'ed with the slab's order - eight bytes per frame, 0.2 % of
 * the slabs' memory.  So the entry gives the cache with no further load.
 * (With a two-byte cache id per frame and a table of caches, the table
 * was one more load on the chain entry -> cache -> CPU slot -> sheaf of
 * every free: bench/fastpath.c tight, CPU time, 10.5 -> 8.8 ns a pair
 * without it.)  A slab is a buddy block, aligned to its size, so the
 * entry alone also gives the object's offset in its slab.  kfree(),
 * kmem_cache_free() and the malloc shim's free use it
 * (sheaf_map_lookup()), never touching a struct page on a sheaf hit.
 * Entries are written in allocate_slab() before any object of the slab
 * exists and cleared in __free_slab() before its pages go back; the map
 * is reserved for every frame at once and reads as zero where never
 * written (no RSS until a slab is made).  slab_validate() checks it.
 * Caches zeroed by init_on_free are not mapped (init_sheaves()), so the
 * map's free paths never skip the zeroing.
 */
unsigned long *slab_sheaf_map;
unsigned long slab_sheaf_map_pfns;	/* its entries; 0: no map */
unsigned long slab_sheaf_map_size;	/* its entries, even while paused */

/*
 * slab_sheaf_map_pause - while a trace is recorded (kernel/trace/), frees
 * must pass their traced entry points: the map's range (its one compare
 * in sheaf_map_lookup()) reads as empty, so kfree(), kmem_cache_free()
 * and the shim's free() go their slow ways, which test for tracing - the
 * sheaf hits pay nothing for it - and, their event recorded, free through
 * the map after all (sheaf_map_free_traced(): slab_sheaf_map_size).  The
 * entries themselves stay as they are.
 */
void slab_sheaf_map_pause(bool pause)
{
	WRITE_ONCE(slab_sheaf_map_pfns, pause ? 0 : slab_sheaf_map_size);
}

/* The entry of @s's slabs of @order. */
static inline unsigned long sheaf_map_entry(struct kmem_cache *s,
					    unsigned int order)
{
	return (unsigned long)s | order;
}

static void sheaf_map_set(struct slab *slab, unsigned long entry)
{
	unsigned long pfn = page_to_pfn(slab_page(slab));
	unsigned long n = 1UL << slab_order(slab);

	for (unsigned long i = 0; i < n; i++)
		__atomic_store_n(&slab_sheaf_map[pfn + i], entry,
				 __ATOMIC_RELEASE);
}

/* Choose the fast paths once, before the first cache exists. */
void slub_init_fastpath(void)
{
	size_t map = ALIGN(max_pfn * sizeof(*slab_sheaf_map), PAGE_SIZE);

	if (!slab_sheaf_map && max_pfn) {
		slab_sheaf_map = os_reserve(map, PAGE_SIZE);
		if (slab_sheaf_map && os_commit(slab_sheaf_map, map))
			slab_sheaf_map = NULL;	/* no map: frees use struct pages */
		if (slab_sheaf_map)
			slab_sheaf_map_pfns = slab_sheaf_map_size = max_pfn;
	}
#if KHEAP_HAVE_RSEQ
	slub_rseq = kheap_config.rseq && os_rseq_usable();
#endif
	slab_freelist_hardened = kheap_config.slab_freelist_hardened;
	slab_freelist_random = kheap_config.slab_freelist_random;
	random_kmalloc_caches = kheap_config.random_kmalloc_caches;
	/* the free mark means something only with a secret in it */
	slab_double_free_check = kheap_config.double_free_check &&
				 slab_freelist_hardened;
}

bool slub_uses_rseq(void)
{
	return slub_rseq;
}

#if !KHEAP_HAVE_RSEQ
static inline bool os_rseq_store_on_cpu(unsigned long *p, unsigned long v,
					unsigned int cpu)
{
	(void)p; (void)v; (void)cpu;
	return false;
}
#endif

/* ------------------------------------------------------------------ */
/* slab helpers                                                        */
/* ------------------------------------------------------------------ */

static inline unsigned long slab_counters(const struct slab *slab)
{
	return __atomic_load_n(&slab->counters, __ATOMIC_RELAXED);
}

static inline void *slab_freelist(const struct slab *slab)
{
	return __atomic_load_n(&slab->freelist, __ATOMIC_RELAXED);
}

static inline struct slab counters_view(unsigned long counters)
{
	struct slab v;

	v.counters = counters;
	return v;
}

static inline bool slab_update_freelist(struct slab *slab, void *old_fl,
					unsigned long old_c, void *new_fl,
					unsigned long new_c)
{
	return __cmpxchg_pair((u128 *)&slab->freelist, (unsigned long)old_fl,
			      old_c, (unsigned long)new_fl, new_c);
}

static inline bool slab_test_node_partial(const struct slab *slab)
{
	return (slab->__page_flags >> SL_partial) & 1;
}

/*
 * freelist_next - the successor of @object on a freelist the caller owns
 * (a claimed CPU freelist, a slab's freelist taken whole or under
 * list_lock).  With slab_freelist_hardened a successor that is not an
 * object of @object's slab was overwritten (a use after free, an overflow
 * of the neighbour): it is reported as the kernel's freelist_corrupted()
 * reports it ("Freechain corrupt", "Isolate corrupted freechain") and
 * never followed: NULL ends the list there, and the free objects past it
 * stay counted as in use (leaked), as they are in the kernel.  Slow paths
 * only: a virt_to_slab() and a division.
 */
static __noinline void *freelist_next(struct kmem_cache *s, void *object)
{
	void *fp = get_freepointer(s, object);
	struct slab *slab;

	if (!slab_freelist_hardened || !fp)
		return fp;
	slab = virt_to_slab(object);
	if (likely(slab && object_start_ok(s, slab, fp)))
		return fp;
	slab_report_freechain_corrupt(s, slab, object);
	return NULL;
}

/*
 * slab_free_already_free - slab_free_mark()'s cold half: @x's slot decoded
 * to @fp, NULL or in the slab's span.  If @fp is exactly NULL or an object
 * of @slab, @x is free already: report the double free and return true.
 */
bool slab_free_already_free(struct kmem_cache *s, struct slab *slab, void *x,
			    unsigned long fp)
{
	if (fp && !object_start_ok(s, slab, (void *)fp))
		return false;		/* the owner's bytes, by chance */
	slab_report_already_free(s, slab, x);
	return true;
}


/* ------------------------------------------------------------------ */
/* geometry: calculate_order() and calculate_sizes()                   */
/* ------------------------------------------------------------------ */

static inline unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

static inline struct kmem_cache_order_objects oo_make(unsigned int order,
						      unsigned int size)
{
	struct kmem_cache_order_objects x = {
		(order << OO_SHIFT) + order_objects(order, size)
	};
	return x;
}

static inline unsigned int calc_slab_order(unsigned int size,
					   unsigned int min_order,
					   unsigned int max_order,
					   unsigned int fract_leftover)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;
		unsigned int rem = slab_size % size;

		if (rem <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/*
 * calculate_order - the slab order for objects of @size, as v6.12 picks
 * it: enough for min_objects, then the smallest order whose leftover is at
 * most 1/16, 1/8, 1/4, 1/2 of the slab.  Negative if nothing fits.
 */
unsigned int calculate_order(unsigned int size)
{
	unsigned int min_objects = kheap_config.slab_min_objects;
	unsigned int max_order = kheap_config.slab_max_order;
	unsigned int min_order, max_objects, order;

	if (!min_objects) {
		unsigned int nr_cpus = slab_nr_cpus ? slab_nr_cpus : os_ncpus();

		min_objects = 4 * (fls(nr_cpus) + 1);
	}
	max_objects = max(order_objects(max_order, size), 1U);
	min_objects = min(min_objects, max_objects);
	min_order = max(kheap_config.slab_min_order,
			(unsigned int)get_order((unsigned long)min_objects * size));
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	for (unsigned int fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, max_order, fraction);
		if (order <= max_order)
			return order;
	}
	order = get_order(size);
	if (order <= MAX_PAGE_ORDER)
		return order;
	return (unsigned int)-ENOSYS;
}

/* Returns false if no slab order can hold one object of the cache. */
static bool calculate_sizes(struct kmem_cache_args *args, struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned int size = s->object_size;
	unsigned int order;

	size = ALIGN(size, sizeof(void *));
	if ((flags & SLAB_POISON) && !(flags & SLAB_TYPESAFE_BY_RCU) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;

	if (((flags & SLAB_TYPESAFE_BY_RCU) && !args->use_freeptr_offset) ||
	    (flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) && (s->object_size < sizeof(void *) ||
					 ((flags & SLAB_STORE_USER) &&
					  (flags & SLAB_KMALLOC))))) {
		s->offset = size;		/* outside the object */
		size += sizeof(void *);
	} else if ((flags & SLAB_TYPESAFE_BY_RCU) && args->use_freeptr_offset) {
		s->offset = args->freeptr_offset;
	} else {
		s->offset = ALIGN_DOWN(s->object_size / 2, sizeof(void *));
	}
	if (flags & SLAB_STORE_USER) {
		size += 2 * sizeof(struct track);
		if (flags & SLAB_KMALLOC)	/* orig_size */
			size += sizeof(unsigned int);
	}
	if (flags & SLAB_RED_ZONE) {
		size += sizeof(void *);
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	size = ALIGN(size, s->align);
	s->size = size;
	s->reciprocal_size = ((1UL << RECIP_SHIFT) + size - 1) / size;
	order = calculate_order(size);
	if ((int)order < 0)
		return false;
	s->allocflags = __GFP_COMP;
	if (flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->oo = oo_make(order, size);
	s->min = oo_make((unsigned int)get_order(size), size);
	s->slab_span = PAGE_SIZE << order;
	return oo_objects(s->oo) != 0;
}

static inline bool kmem_cache_has_cpu_partial(const struct kmem_cache *s)
{
	return !kmem_cache_debug(s);
}

/* set_cpu_partial: how many objects CPU partial lists keep (v6.12). */
static void set_cpu_partial(struct kmem_cache *s)
{
	unsigned int nr_objects;

	if (!kmem_cache_has_cpu_partial(s))
		nr_objects = 0;
	else if (s->size >= PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	s->cpu_partial = nr_objects;
	s->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, oo_objects(s->oo));
}

/* ------------------------------------------------------------------ */
/* sheaves: per-CPU arrays of free objects (with rseq only)            */
/* ------------------------------------------------------------------ */

/*
 * The kernel's sheaves (6.18 for caches that ask, later for all): each CPU
 * has a main and a spare sheaf of free objects in front of its CPU slab.
 * kmem_cache_alloc() pops the main sheaf and kmem_cache_free() pushes onto
 * it, in restartable sequences, whatever slab the object is from: a free
 * to another slab than the CPU slab costs no cmpxchg on that slab.  An
 * empty main is swapped with a non-empty spare or refilled from the CPU
 * slab's freelist under the claim; a full main is swapped with an empty
 * spare, or the spare's objects go back to their slabs (one chain per
 * slab) first.  Between the two, the barn (the kernel's per-node store of
 * sheaves) trades: an empty main takes a full sheaf from the barn before
 * refilling from the CPU slab, and a full main goes to the barn for an
 * empty one before the spare is flushed, so objects freed on one CPU and
 * allocated on another (producer/consumer) travel as whole sheaves.
 * Sheaves are objects of the "slab_sheaf" cache, made when first needed
 * (init_sheaves()); a swap exchanges pointers.  The main sheaf's count
 * lives in the CPU slot (c->main_size) while the CPU is not claimed, so
 * a pop's object load waits on one line, not on main and then main->size;
 * a claim moves the count into the sheaf and the release back.  Objects
 * in sheaves count as allocated for slabinfo, as in the kernel;
 * flush_all() (shrink, destroy, reclaim) empties the CPUs' sheaves and
 * the barn's.  Debug caches have no sheaves.  A sheaf holds 64 objects
 * of up to 1 KiB, 32 up to 4 KiB, 16 above (sheaf_capacity_for()): chosen
 * by measurement, against 32/16/8 (bench/fastpath.c batch, a hundred
 * mixed-size blocks alive at a time: 10.1 -> 8.5 ns of CPU a pair, scaling
 * 5 % less CPU, within 0.4 MB of peak RSS on churn and larson).
 */
#define SHEAF_MAX_CAPACITY	64
#define BARN_SHEAVES		8	/* full sheaves the barn holds at most */

static unsigned int sheaf_capacity_for(const struct kmem_cache *s)
{
	if (s->size <= 1024)
		return SHEAF_MAX_CAPACITY;
	return s->size <= 4096 ? 32 : 16;
}

static size_t sheaf_bytes(unsigned int capacity)
{
	return ALIGN(sizeof(struct slab_sheaf) + capacity * sizeof(void *),
		     L1_CACHE_BYTES);
}

struct kmem_cache *sheaf_cache;	/* "slab_sheaf": where sheaves come from */

static void **cpu_claim(struct kmem_cache *s, struct kmem_cache_cpu *c,
			unsigned long *tidp);
static void init_cache_random_seq(struct kmem_cache *s);
static void cpu_release(struct kmem_cache_cpu *c, unsigned long tid, void *fl);

/* The size of the sheaf cache's objects: the largest sheaf. */
size_t slub_sheaf_size(void)
{
	return sheaf_bytes(SHEAF_MAX_CAPACITY);
}

/*
 * init_sheaves - decide whether @s gets sheaves (not the bootstrap caches,
 * nor the sheaf cache itself, nor debug caches).  The sheaves themselves
 * are made lazily, from sheaf_cache: a CPU's pair when it first takes a
 * sheaf slow path, the barn's when a CPU first has a full sheaf to give
 * it, so a cache nobody uses on a CPU costs that CPU nothing.  A cache
 * whose objects init_on_free zeroes stays out of the sheaf map: its frees
 * take the struct page way, which zeroes them (slab_free_hook_init()).
 */
static void init_sheaves(struct kmem_cache *s)
{
	struct sheaf_barn *barn = &s->node.barn;

	kh_lock_init(&barn->lock);
	INIT_LIST_HEAD(&barn->full);
	INIT_LIST_HEAD(&barn->empty);
	if (!slub_rseq || !kheap_config.sheaves || kmem_cache_debug(s) ||
	    !sheaf_cache)
		return;
	s->sheaf_capacity = sheaf_capacity_for(s);
	/* an entry holds the order in the address's low bits */
	if (slab_sheaf_map && !((unsigned long)s & SHEAF_MAP_ORDER_MASK) &&
	    MAX_PAGE_ORDER <= SHEAF_MAP_ORDER_MASK &&
	    !slab_want_init_on_free(s))
		s->sheaf_mapped = true;
}

/* An empty sheaf for @s; NULL if none could be had at once. */
static struct slab_sheaf *alloc_sheaf(struct kmem_cache *s, gfp_t gfp)
{
	struct slab_sheaf *sh = kmem_cache_alloc(sheaf_cache,
						 gfp | __GFP_NOWARN);

	if (sh) {
		sh->size = 0;
		sh->capacity = s->sheaf_capacity;
		sh->main_of = NULL;
		INIT_LIST_HEAD(&sh->barn_list);
	}
	return sh;
}

/*
 * install_cpu_sheaves - give @c its main and spare sheaf (no lock held on
 * entry; allocations may reclaim).  False if there was no memory: the
 * caller uses the CPU slab directly this time.
 */
static __noinline bool install_cpu_sheaves(struct kmem_cache *s,
					   struct kmem_cache_cpu *c, gfp_t gfp)
{
	struct slab_sheaf *main = alloc_sheaf(s, gfp);
	struct slab_sheaf *spare = main ? alloc_sheaf(s, gfp) : NULL;
	void **freelist;
	unsigned long tid;

	if (!spare) {
		if (main)
			kmem_cache_free(sheaf_cache, main);
		return false;
	}
	kh_lock(&c->lock);
	if (!c->main) {
		freelist = cpu_claim(s, c, &tid);
		c->spare = spare;
		c->main = main;
		main = spare = NULL;
		cpu_release(c, tid, freelist);
	}
	kh_unlock(&c->lock);
	if (main) {			/* another thread was first */
		kmem_cache_free(sheaf_cache, main);
		kmem_cache_free(sheaf_cache, spare);
	}
	return true;
}

/* Free the sheaves and the random sequence of @s, which holds no object
 * any more. */
void __kmem_cache_release(struct kmem_cache *s)
{
	struct sheaf_barn *barn = &s->node.barn;
	struct slab_sheaf *sh, *t;

	kfree(s->random_seq);		/* the kernel's cache_random_seq_destroy() */
	s->random_seq = NULL;

	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];

		if (!c->main)
			continue;
		VM_BUG_ON(c->main_size || c->spare->size);
		kmem_cache_free(sheaf_cache, c->main);
		kmem_cache_free(sheaf_cache, c->spare);
		c->main = c->spare = NULL;
	}
	VM_BUG_ON(barn->nr_full);
	list_for_each_entry_safe(sh, t, &barn->empty, barn_list)
		kmem_cache_free(sheaf_cache, sh);
	INIT_LIST_HEAD(&barn->empty);
	barn->nr_empty = 0;
	s->sheaf_capacity = 0;
}

/*
 * barn_swap - with c->lock and the claim held: give the barn @c's main
 * sheaf (to its full list if @give_full, else to its empty list) in
 * exchange for one from the other list.  Giving a full sheaf when the
 * barn has no empty one makes a new one (GFP_NOWAIT: no reclaim under
 * c->lock), up to BARN_SHEAVES full sheaves.  False, changing nothing, if
 * the barn has none to give.
 */
static bool barn_swap(struct kmem_cache *s, struct kmem_cache_cpu *c,
		      bool give_full)
{
	struct sheaf_barn *barn = &s->node.barn;
	struct list_head *take = give_full ? &barn->empty : &barn->full;
	struct list_head *give = give_full ? &barn->full : &barn->empty;
	struct slab_sheaf *sh = NULL, *fresh = NULL;

	lockdep_assert_held(&c->lock);

	if (give_full) {
		if (READ_ONCE(barn->nr_full) >= BARN_SHEAVES)
			return false;
		if (!READ_ONCE(barn->nr_empty)) {
			fresh = alloc_sheaf(s, GFP_NOWAIT);
			if (!fresh)
				return false;
		}
	} else if (!READ_ONCE(barn->nr_full)) {
		return false;
	}
	kh_lock(&barn->lock);
	if (fresh) {
		list_add(&fresh->barn_list, &barn->empty);
		WRITE_ONCE(barn->nr_empty, barn->nr_empty + 1);
	}
	if (!list_empty(take)) {
		sh = list_first_entry(take, struct slab_sheaf, barn_list);
		list_del_init(&sh->barn_list);
		list_add(&c->main->barn_list, give);
		if (give_full) {
			WRITE_ONCE(barn->nr_empty, barn->nr_empty - 1);
			WRITE_ONCE(barn->nr_full, barn->nr_full + 1);
		} else {
			WRITE_ONCE(barn->nr_full, barn->nr_full - 1);
			WRITE_ONCE(barn->nr_empty, barn->nr_empty + 1);
		}
		c->main = sh;
	}
	kh_unlock(&barn->lock);
	return sh != NULL;
}

/**
 * do_kmem_cache_create - set up @s (zeroed) for objects of @size
 * Return: 0 or -EINVAL / -ENOSYS when no slab can hold the objects.
 */
int do_kmem_cache_create(struct kmem_cache *s, const char *name,
			unsigned int size, struct kmem_cache_args *args,
			slab_flags_t flags)
{
	/* the object (64-byte aligned: HWCACHE_ALIGN) holds the CPU array */
	VM_BUG_ON(!IS_ALIGNED((unsigned long)s, L1_CACHE_BYTES));
	/* the rseq sequences compute it from s (slub_fast.h): keep it here */
	s->cpu_slab = (struct kmem_cache_cpu *)((char *)s + KMEM_CACHE_CPU_OFFSET);
	snprintf(s->name_buf, sizeof(s->name_buf), "%s", name);
	s->name = s->name_buf;
	s->object_size = size;
	s->size = size;
	s->flags = flags;
	s->ctor = args->ctor;
	s->align = args->align;
	s->useroffset = args->useroffset;
	s->usersize = args->usersize;
	/* as v6.12's do_kmem_cache_create(): a secret per cache */
	s->random = slab_freelist_hardened ? os_random() : 0;
	if (!(flags & SLAB_NO_CMPXCHG))
		s->flags |= __CMPXCHG_DOUBLE;
	if (!calculate_sizes(args, s))
		return -EINVAL;
	/* slab_debug=O: no debug metadata where it would raise the order */
	if (slub_debug_disable_higher_order() &&
	    get_order(s->size) > get_order(s->object_size)) {
		s->flags &= ~DEBUG_METADATA_FLAGS;
		s->offset = 0;
		if (!calculate_sizes(args, s))
			return -EINVAL;
	}
	s->min_partial = min((unsigned long)MAX_PARTIAL,
			     (unsigned long)ilog2(s->size) / 2);
	s->min_partial = max((unsigned long)MIN_PARTIAL, s->min_partial);
	set_cpu_partial(s);
	if (slab_freelist_random && kmalloc_up)	/* else: see above */
		init_cache_random_seq(s);
	kh_lock_init(&s->node.list_lock);
	INIT_LIST_HEAD(&s->node.partial);
	INIT_LIST_HEAD(&s->node.full);
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		kh_lock_init(&s->cpu_slab[cpu].lock);
	init_sheaves(s);
	return 0;
}

/* ------------------------------------------------------------------ */
/* slabs from and to the page allocator                                */
/* ------------------------------------------------------------------ */

static inline enum node_stat_item slab_stat_item(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE
						 : NR_SLAB_UNRECLAIMABLE;
}

static struct slab *alloc_slab_page(gfp_t flags,
				    struct kmem_cache_order_objects oo)
{
	struct page *page = alloc_pages(flags, oo_order(oo));

	if (!page)
		return NULL;
	/* the buddy allocator reads page_type of neighbours without our locks */
	WRITE_ONCE(page->page_type, (unsigned int)PGTY_slab << 24);
	return page_slab(page);
}

/* ------------------------------------------------------------------ */
/* CONFIG_SLAB_FREELIST_RANDOM                                          */
/* ------------------------------------------------------------------ */

/*
 * A new slab's freelist in a shuffled order (v6.12's shuffle_freelist()),
 * so the order in which objects come out of a fresh slab cannot be
 * predicted: each cache has a random permutation of its object offsets
 * (random_seq, Fisher-Yates as freelist_randomize() in slab_common.c),
 * and each new slab walks it from a random start, skipping offsets past
 * a smaller fallback slab.  As in the kernel, random_seq comes from
 * kmalloc when the cache is created, and for the caches made before the
 * kmalloc caches (the bootstrap caches and the kmalloc caches themselves)
 * right after those exist (init_freelist_randomization()).  A cache
 * without one (kmalloc failed) keeps the linear order.
 */

/* v6.12's cache_random_seq_create() and init_cache_random_seq(). */
static __noinline __cold void init_cache_random_seq(struct kmem_cache *s)
{
	unsigned int count = oo_objects(s->oo);
	unsigned int *seq;
	int busy = 0;

	if (!__atomic_compare_exchange_n(&s->random_seq_state, &busy, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;			/* being made (perhaps by our caller) */
	if (count < 2) {
		__atomic_store_n(&s->random_seq_state, 2, __ATOMIC_RELEASE);
		return;
	}
	/* __GFP_NOFAIL: failslab leaves it alone, as the kernel's boot-time
	 * allocations are never injected */
	seq = kmalloc_array(count, sizeof(*seq), GFP_KERNEL | __GFP_NOFAIL);
	if (!seq) {
		pr_err("SLUB: Unable to initialize free list for %s\n", s->name);
		__atomic_store_n(&s->random_seq_state, 2, __ATOMIC_RELEASE);
		return;
	}
	freelist_randomize(seq, count);
	for (unsigned int i = 0; i < count; i++)
		seq[i] *= s->size;
	/* the bootstrap cache's struct is in pages, which kmemleak does not
	 * scan (the kernel's is static): its sequence is not a leak */
	if (s == kmem_cache)
		kmemleak_not_leak(seq);
	__atomic_store_n(&s->random_seq, seq, __ATOMIC_RELEASE);
	__atomic_store_n(&s->random_seq_state, 2, __ATOMIC_RELEASE);
}

/* For every cache so far, once the kmalloc caches exist (v6.12's
 * init_freelist_randomization(), slab_mutex held). */
void init_freelist_randomization(void)
{
	struct kmem_cache *s;

	kmalloc_up = true;
	if (!slab_freelist_random)
		return;
	list_for_each_entry(s, &slab_caches, list)
		init_cache_random_seq(s);
}

/* v6.12's next_freelist_entry(). */
static void *next_freelist_entry(const unsigned int *seq, unsigned long *pos,
				 char *start, unsigned long page_limit,
				 unsigned long freelist_count)
{
	unsigned int idx;

	do {
		idx = seq[*pos];
		if (++*pos >= freelist_count)
			*pos = 0;
	} while (unlikely(idx >= page_limit));
	return start + idx;
}

/*
 * shuffle_freelist - chain @slab's objects in the cache's random order,
 * from a random start, running the constructor on each; false (nothing
 * done) without a sequence or with fewer than two objects.
 */
static bool shuffle_freelist(struct kmem_cache *s, struct slab *slab)
{
	const unsigned int *seq;
	unsigned long pos, page_limit, freelist_count;
	char *start;
	void *cur, *next;

	if (!slab_freelist_random || slab->objects < 2)
		return false;
	seq = __atomic_load_n(&s->random_seq, __ATOMIC_ACQUIRE);
	if (!seq)
		return false;
	freelist_count = oo_objects(s->oo);
	pos = get_random_u32_below((u32)freelist_count);
	page_limit = (unsigned long)slab->objects * s->size;
	start = fixup_red_left(s, slab_address(slab));
	cur = next_freelist_entry(seq, &pos, start, page_limit, freelist_count);
	if (s->ctor)
		s->ctor(cur);
	slab->freelist = cur;
	for (unsigned int i = 1; i < slab->objects; i++) {
		next = next_freelist_entry(seq, &pos, start, page_limit,
					   freelist_count);
		if (s->ctor)
			s->ctor(next);
		set_freepointer(s, cur, next);
		cur = next;
	}
	set_freepointer(s, cur, NULL);
	return true;
}

static struct slab *allocate_slab(struct kmem_cache *s, gfp_t flags)
{
	struct kmem_cache_order_objects oo = s->oo;
	gfp_t alloc_gfp;
	struct slab *slab;
	char *start, *p;
	unsigned int n;

	flags = (flags & ~(__GFP_ZERO | __GFP_COMP)) | s->allocflags;
	alloc_gfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	if ((alloc_gfp & __GFP_DIRECT_RECLAIM) && oo_order(oo) > oo_order(s->min))
		alloc_gfp = (alloc_gfp | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;
	slab = alloc_slab_page(alloc_gfp, oo);
	if (unlikely(!slab)) {
		oo = s->min;
		slab = alloc_slab_page(flags, oo);
		if (unlikely(!slab))
			return NULL;
		stat(s, NULL, ORDER_FALLBACK);
	}
	n = oo_objects(oo);
	slab->slab_cache = s;
	slab->counters = 0;
	slab->objects = n;
	mod_node_page_state(slab_stat_item(s), 1L << oo_order(oo));
	note_slab_pages_peak();

	start = slab_address(slab);
	if (kmem_cache_debug(s))
		setup_slab_debug(s, slab);
	if (!shuffle_freelist(s, slab)) {
		for (unsigned int i = 0; i < n; i++) {
			p = fixup_red_left(s, start + (size_t)i * s->size);
			if (s->ctor)
				s->ctor(p);
			set_freepointer(s, p, i + 1 < n ?
					fixup_red_left(s, p + s->size - s->red_left_pad) :
					NULL);
		}
		slab->freelist = fixup_red_left(s, start);
	}
	kheap_asan_poison_slab(s, start, n);
	if (s->sheaf_mapped)
		sheaf_map_set(slab, sheaf_map_entry(s, oo_order(oo)));
	return slab;
}

/* Give the pages back: clear every word we overlaid except the flags. */
static void __free_slab(struct kmem_cache *s, struct slab *slab)
{
	struct page *page = slab_page(slab);
	unsigned int order = slab_order(slab);

	mod_node_page_state(slab_stat_item(s), -(1L << order));
	if (s->sheaf_mapped)
		sheaf_map_set(slab, 0);
	kheap_asan_unpoison(slab_address(slab), PAGE_SIZE << order);
	kheap_vg_release(slab_address(slab), PAGE_SIZE << order);
	slab->__page_flags &= ~(1UL << SL_partial);
	slab->slab_cache = NULL;
	slab->slab_list.next = NULL;
	slab->slab_list.prev = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	WRITE_ONCE(slab->__page_type, 0U);
	__free_pages(page, order);
}

static void rcu_free_slab(struct rcu_head *h)
{
	struct slab *slab = (struct slab *)((char *)h -
					    __builtin_offsetof(struct slab, rcu_head));

	__free_slab(slab->slab_cache, slab);
}

static void inc_slabs_node(struct kmem_cache *s, unsigned int objects)
{
	long slabs = __atomic_add_fetch(&s->node.nr_slabs, 1, __ATOMIC_RELAXED);
	long peak = READ_ONCE(s->node.peak_slabs);

	__atomic_fetch_add(&s->node.total_objects, objects, __ATOMIC_RELAXED);
	/* the high-water mark the shim's kheap.stats reports (slow path) */
	while (slabs > peak &&
	       !__atomic_compare_exchange_n(&s->node.peak_slabs, &peak, slabs,
					    true, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
}

static void dec_slabs_node(struct kmem_cache *s, unsigned int objects)
{
	__atomic_fetch_sub(&s->node.nr_slabs, 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&s->node.total_objects, objects, __ATOMIC_RELAXED);
}

static void free_slab(struct kmem_cache *s, struct slab *slab)
{
	if (unlikely(s->flags & SLAB_TYPESAFE_BY_RCU))
		urcu_memb_call_rcu(&slab->rcu_head, rcu_free_slab);
	else
		__free_slab(s, slab);
}

static void discard_slab(struct kmem_cache *s, struct slab *slab)
{
	dec_slabs_node(s, slab->objects);
	free_slab(s, slab);
}

/* ------------------------------------------------------------------ */
/* node partial list (n->list_lock held)                               */
/* ------------------------------------------------------------------ */

static void add_partial(struct kmem_cache_node *n, struct slab *slab, int tail)
{
	lockdep_assert_held(&n->list_lock);
	WRITE_ONCE(n->nr_partial, n->nr_partial + 1);
	if (tail == DEACTIVATE_TAIL)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
	slab->__page_flags |= 1UL << SL_partial;
}

static void remove_partial(struct kmem_cache_node *n, struct slab *slab)
{
	lockdep_assert_held(&n->list_lock);
	list_del(&slab->slab_list);
	slab->__page_flags &= ~(1UL << SL_partial);
	WRITE_ONCE(n->nr_partial, n->nr_partial - 1);
}

/* ------------------------------------------------------------------ */
/* claiming a CPU's (freelist, tid)                                    */
/* ------------------------------------------------------------------ */

/*
 * cpu_claim - with c->lock held, take c->freelist and make tid odd, so that
 * no fast path commits until cpu_release().  Returns the freelist taken.
 * With slub_rseq: on c's own CPU the odd tid is committed in a sequence
 * (every other sequence there was preempted by us and restarts); from
 * another CPU it is stored, then that CPU's sequences are fenced.  Then
 * the main sheaf's count moves from c->main_size into c->main->size, where
 * the claimed code reads and changes it; cpu_release() moves it back.
 */
static void **cpu_claim(struct kmem_cache *s, struct kmem_cache_cpu *c,
			unsigned long *tidp)
{
	lockdep_assert_held(&c->lock);
	if (slub_rseq) {
		unsigned int cpu = (unsigned int)(c - s->cpu_slab);
		unsigned long tid = READ_ONCE(c->tid);
		void **fl;

		VM_BUG_ON(tid & 1);
		if (!os_rseq_store_on_cpu(&c->tid, tid + 1, cpu)) {
			__atomic_store_n(&c->tid, tid + 1, __ATOMIC_SEQ_CST);
			if (unlikely(os_rseq_fence_cpu(cpu)))
				pr_err("SLUB: %s: membarrier failed, CPU %u not fenced\n",
				       s->name, cpu);
		}
		fl = READ_ONCE(c->freelist);
		WRITE_ONCE(c->freelist, NULL);
		if (c->main) {
			c->main->size = READ_ONCE(c->main_size);
			WRITE_ONCE(c->main->main_of, NULL);
		}
		*tidp = tid + 1;
		return fl;
	}
	for (;;) {
		unsigned long tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
		void **fl = READ_ONCE(c->freelist);

		VM_BUG_ON(tid & 1);
		if (__cmpxchg_pair(&c->freelist_tid, (unsigned long)fl, tid,
				   0, tid + 1)) {
			*tidp = tid + 1;
			return fl;
		}
	}
}

static void cpu_release(struct kmem_cache_cpu *c, unsigned long tid, void *fl)
{
	if (slub_rseq) {
		VM_BUG_ON(READ_ONCE(c->tid) != tid || READ_ONCE(c->freelist));
		WRITE_ONCE(c->freelist, fl);
		WRITE_ONCE(c->main_size, c->main ? c->main->size : 0);
		if (c->main)
			WRITE_ONCE(c->main->main_of, c);
		/* the freelist is visible before the even tid that admits it */
		__atomic_store_n(&c->tid, tid + 1, __ATOMIC_RELEASE);
		return;
	}

	bool ok = __cmpxchg_pair(&c->freelist_tid, 0, tid,
				 (unsigned long)fl, tid + 1);

	VM_BUG_ON(!ok);
	(void)ok;
}

/* ------------------------------------------------------------------ */
/* freezing, unfreezing and the per-CPU partial list                   */
/* ------------------------------------------------------------------ */

/* Take a slab's whole freelist for a CPU; unfreeze it if there is none. */
static void *get_freelist(struct slab *slab)
{
	struct slab new;
	unsigned long counters;
	void *freelist;

	do {
		freelist = slab_freelist(slab);
		counters = slab_counters(slab);
		new = counters_view(counters);
		VM_BUG_ON(!new.frozen);
		new.inuse = new.objects;
		new.frozen = freelist != NULL;
	} while (!slab_update_freelist(slab, freelist, counters, NULL,
				       new.counters));
	return freelist;
}

/* Freeze a slab taken off a partial list and take its freelist. */
static void *freeze_slab(struct slab *slab)
{
	struct slab new;
	unsigned long counters;
	void *freelist;

	do {
		freelist = slab_freelist(slab);
		counters = slab_counters(slab);
		new = counters_view(counters);
		VM_BUG_ON(new.frozen);
		new.inuse = new.objects;
		new.frozen = 1;
	} while (!slab_update_freelist(slab, freelist, counters, NULL,
				       new.counters));
	return freelist;
}

/*
 * deactivate_slab - a CPU gives up @slab: splice the CPU's @freelist back
 * onto the slab's, unfreeze it, and put it where its state says.
 */
static void deactivate_slab(struct kmem_cache *s, struct slab *slab,
			    void *freelist)
{
	struct kmem_cache_node *n = &s->node;
	int tail = DEACTIVATE_HEAD, free_delta = 0;
	void *freelist_tail = NULL, *p = freelist, *old_fl;
	unsigned long old_c;
	struct slab new;

	if (slab_freelist(slab)) {
		stat(s, NULL, DEACTIVATE_REMOTE_FREES);
		tail = DEACTIVATE_TAIL;
	}
	while (p) {
		freelist_tail = p;
		free_delta++;
		p = freelist_next(s, p);
	}
	do {
		old_fl = slab_freelist(slab);
		old_c = slab_counters(slab);
		new = counters_view(old_c);
		VM_BUG_ON(!new.frozen);
		new.frozen = 0;
		if (freelist_tail) {
			new.inuse -= free_delta;
			set_freepointer(s, freelist_tail, old_fl);
			new.freelist = freelist;
		} else {
			new.freelist = old_fl;
		}
	} while (!slab_update_freelist(slab, old_fl, old_c, new.freelist,
				       new.counters));

	if (!new.inuse && READ_ONCE(n->nr_partial) >= s->min_partial) {
		stat(s, NULL, DEACTIVATE_EMPTY);
		discard_slab(s, slab);
		stat(s, NULL, FREE_SLAB);
	} else if (new.freelist) {
		kh_lock(&n->list_lock);
		add_partial(n, slab, tail);
		kh_unlock(&n->list_lock);
		stat(s, NULL, tail == DEACTIVATE_TAIL ? DEACTIVATE_TO_TAIL
						      : DEACTIVATE_TO_HEAD);
	} else {
		stat(s, NULL, DEACTIVATE_FULL);
	}
}

/* Move a chain of CPU partial slabs to the node list (empty ones go). */
static void __put_partials(struct kmem_cache *s, struct slab *partial_slab)
{
	struct kmem_cache_node *n = &s->node;
	struct slab *slab, *slab_to_discard = NULL;

	kh_lock(&n->list_lock);
	while ((slab = partial_slab)) {
		partial_slab = slab->next;
		if (!counters_view(slab_counters(slab)).inuse &&
		    n->nr_partial >= s->min_partial) {
			slab->next = slab_to_discard;
			slab_to_discard = slab;
		} else {
			add_partial(n, slab, DEACTIVATE_TAIL);
			stat(s, NULL, FREE_ADD_PARTIAL);
		}
	}
	kh_unlock(&n->list_lock);
	while (slab_to_discard) {
		slab = slab_to_discard;
		slab_to_discard = slab->next;
		stat(s, NULL, DEACTIVATE_EMPTY);
		discard_slab(s, slab);
		stat(s, NULL, FREE_SLAB);
	}
}

/* Put @slab on @c's partial list; drain the list first if it is full. */
static void put_cpu_partial(struct kmem_cache *s, struct kmem_cache_cpu *c,
			    struct slab *slab, bool drain)
{
	struct slab *oldslab, *slab_to_put = NULL;
	int slabs = 0;

	kh_lock(&c->lock);
	oldslab = c->partial;
	if (oldslab) {
		if (drain && oldslab->slabs >= (int)s->cpu_partial_slabs) {
			slab_to_put = oldslab;
			oldslab = NULL;
		} else {
			slabs = oldslab->slabs;
		}
	}
	slabs++;
	slab->slabs = slabs;
	slab->next = oldslab;
	c->partial = slab;
	kh_unlock(&c->lock);
	if (slab_to_put) {
		__put_partials(s, slab_to_put);
		stat(s, c, CPU_PARTIAL_DRAIN);
	}
}

/*
 * get_partial_node - take the first node partial slab for @c, and move up
 * to half of cpu_partial_slabs more onto @c's partial list.
 */
static struct slab *get_partial_node(struct kmem_cache *s,
				     struct kmem_cache_cpu *c)
{
	struct kmem_cache_node *n = &s->node;
	struct slab *slab, *slab2, *partial = NULL;
	unsigned int partial_slabs = 0;

	if (!READ_ONCE(n->nr_partial))
		return NULL;
	kh_lock(&n->list_lock);
	list_for_each_entry_safe(slab, slab2, &n->partial, slab_list) {
		remove_partial(n, slab);
		if (!partial) {
			partial = slab;
			stat(s, c, ALLOC_FROM_PARTIAL);
			if (!s->cpu_partial_slabs)
				break;
		} else {
			put_cpu_partial(s, c, slab, false);
			stat(s, c, CPU_PARTIAL_NODE);
			partial_slabs++;
		}
		if (partial_slabs > s->cpu_partial_slabs / 2)
			break;
	}
	kh_unlock(&n->list_lock);
	return partial;
}

/* ------------------------------------------------------------------ */
/* allocation                                                          */
/* ------------------------------------------------------------------ */

static __noinline __cold void slab_out_of_memory(struct kmem_cache *s,
						 gfp_t gfp)
{
	static unsigned long long last;
	char buf[160];

	if ((gfp & __GFP_NOWARN) || !kheap_ratelimit(&last, 5000000000ULL))
		return;
	kheap_format_gfp(buf, sizeof(buf), gfp);
	pr_warn("SLUB: Unable to allocate memory on node %d, gfp=%#x(%s)\n",
		-1, gfp, buf);
	pr_warn("  cache: %s, object size: %u, buffer size: %u, default order: %u, min order: %u\n",
		s->name, s->object_size, s->size, oo_order(s->oo),
		oo_order(s->min));
	pr_warn("  node %d: slabs: %ld, objs: %ld, free: %ld\n", 0,
		READ_ONCE(s->node.nr_slabs), READ_ONCE(s->node.total_objects),
		0L);
}

/*
 * slab_post_alloc_init - the initialisation in the kernel's
 * slab_alloc_node() and slab_post_alloc_hook(): with init_on_free, wipe
 * the free pointer a freed object kept inside itself (the rest was zeroed
 * at free: maybe_wipe_obj_freeptr()); then zero the object if
 * slab_want_init_on_alloc() says so: object_size bytes, or for a kmalloc
 * cache with SLAB_STORE_USER or SLAB_RED_ZONE the @orig_size requested
 * (the rest is kmalloc red zone).  Reached when __GFP_ZERO is asked or
 * SLAB_HOOK_INIT_ALLOC is set.
 */
static inline void slab_post_alloc_init(struct kmem_cache *s, gfp_t gfp,
					void *object, unsigned int orig_size)
{
	unsigned int zero_size = s->object_size;

	if (unlikely(slab_want_init_on_free(s)) && !freeptr_outside_object(s))
		memset((char *)object + s->offset, 0, sizeof(void *));
	if (!slab_want_init_on_alloc(gfp, s))
		return;
	if (kmem_cache_debug_flags(s, SLAB_STORE_USER | SLAB_RED_ZONE) &&
	    (s->flags & SLAB_KMALLOC))
		zero_size = orig_size;
	memset(object, 0, zero_size);
}

/* Is there init_on_alloc/init_on_free work after an allocation? */
static inline bool slab_init_after_alloc(gfp_t gfp, int hooks)
{
	return unlikely((gfp & __GFP_ZERO) | (hooks & SLAB_HOOK_INIT_ALLOC));
}

/*
 * alloc_from_debug_slab - allocation for a cache with debug flags (the
 * kernel's alloc_single_from_partial() / alloc_single_from_new_slab()):
 * such a cache has no CPU slab, every object comes off a node slab under
 * list_lock after alloc_debug_processing() checked and initialised it.
 * Full slabs go on n->full so validate and shutdown can find them.
 */
static __noinline __cold void *alloc_from_debug_slab(struct kmem_cache *s,
						     gfp_t gfp,
						     unsigned int orig_size,
						     unsigned long addr)
{
	struct kmem_cache_node *n = &s->node;
	struct slab *slab;
	void *object;

	for (;;) {
		kh_lock(&n->list_lock);
		if (list_empty(&n->partial)) {
			kh_unlock(&n->list_lock);
			slab = allocate_slab(s, gfp);
			if (unlikely(!slab)) {
				slab_out_of_memory(s, gfp);
				return NULL;
			}
			inc_slabs_node(s, slab->objects);
			kh_lock(&n->list_lock);
			add_partial(n, slab, DEACTIVATE_HEAD);
		}
		slab = list_first_entry(&n->partial, struct slab, slab_list);
		object = slab->freelist;
		if (unlikely(!alloc_debug_processing(s, slab, object,
						     orig_size))) {
			remove_partial(n, slab);	/* marked full */
			list_add(&slab->slab_list, &n->full);
			kh_unlock(&n->list_lock);
			continue;
		}
		slab->freelist = get_freepointer(s, object);
		slab->inuse++;
		if (!slab->freelist) {
			remove_partial(n, slab);
			list_add(&slab->slab_list, &n->full);
		}
		kh_unlock(&n->list_lock);
		break;
	}
	if (s->flags & SLAB_STORE_USER) {
		struct track t;

		slub_debug_capture_track(&t, addr);
		set_track(s, object, TRACK_ALLOC, &t);
	}
	if (slab_init_after_alloc(gfp, READ_ONCE(slab_alloc_hooks)))
		slab_post_alloc_init(s, gfp, object, orig_size);
	return object;
}

/*
 * ___slab_alloc - the slow path: the CPU freelist is empty (or claimed).
 * Refill from the CPU slab's freelist, then a CPU partial slab, then the
 * node partial list, then a new slab; returns one object or NULL.
 */
static __noinline void *___slab_alloc(struct kmem_cache *s, gfp_t gfp,
				      struct kmem_cache_cpu *c)
{
	VM_BUG_ON(kmem_cache_debug(s));

	void **freelist, *object;
	struct slab *slab;
	unsigned long tid;

	stat(s, c, ALLOC_SLOWPATH);
	kh_lock(&c->lock);
	freelist = cpu_claim(s, c, &tid);
	slab = c->slab;
	if (!slab)
		goto new_slab;
	if (freelist)			/* refilled while we waited */
		goto load_freelist;
	freelist = get_freelist(slab);
	if (!freelist) {
		WRITE_ONCE(c->slab, NULL);
		stat(s, c, DEACTIVATE_BYPASS);
		goto new_slab;
	}
	stat(s, c, ALLOC_REFILL);
load_freelist:
	object = freelist;
	cpu_release(c, tid, freelist_next(s, object));
	kh_unlock(&c->lock);
	return object;

new_slab:
	VM_BUG_ON(freelist);
	if (c->partial) {
		slab = c->partial;
		c->partial = slab->next;
		WRITE_ONCE(c->slab, slab);
		freelist = freeze_slab(slab);
		VM_BUG_ON(!freelist);
		stat(s, c, CPU_PARTIAL_ALLOC);
		goto load_freelist;
	}
	cpu_release(c, tid, NULL);
	kh_unlock(&c->lock);

	slab = get_partial_node(s, c);
	if (slab) {
		freelist = freeze_slab(slab);
	} else {
		slab = allocate_slab(s, gfp);
		if (unlikely(!slab)) {
			slab_out_of_memory(s, gfp);
			return NULL;
		}
		stat(s, c, ALLOC_SLAB);
		freelist = slab->freelist;
		slab->freelist = NULL;
		slab->inuse = slab->objects;
		slab->frozen = 1;
		inc_slabs_node(s, slab->objects);
	}
retry_load_slab:
	kh_lock(&c->lock);
	{
		void **flush_freelist = cpu_claim(s, c, &tid);
		struct slab *flush_slab = c->slab;

		if (unlikely(flush_slab)) {
			WRITE_ONCE(c->slab, NULL);
			cpu_release(c, tid, NULL);
			kh_unlock(&c->lock);
			deactivate_slab(s, flush_slab, flush_freelist);
			stat(s, c, CPUSLAB_FLUSH);
			goto retry_load_slab;
		}
		VM_BUG_ON(flush_freelist);
	}
	WRITE_ONCE(c->slab, slab);
	goto load_freelist;
}

/*
 * sheaf_alloc_slow - this CPU's main sheaf is empty (or claimed): swap in
 * a non-empty spare, or refill the main sheaf from the CPU slab's freelist
 * (taken with the claim); if the CPU slab has nothing either, one object
 * from ___slab_alloc(), which installs a new CPU slab for the next refill.
 */
static __noinline void *sheaf_alloc_slow(struct kmem_cache *s, gfp_t gfp)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[os_cpu()];
	struct slab_sheaf *main;
	void **freelist, *object = NULL;
	unsigned long tid;

	if (unlikely(!READ_ONCE(c->main)) &&
	    !install_cpu_sheaves(s, c, gfp & ~__GFP_ZERO))
		return ___slab_alloc(s, gfp, c);
	kh_lock(&c->lock);
	freelist = cpu_claim(s, c, &tid);
	main = c->main;
	if (!main->size && c->spare->size) {
		c->main = c->spare;
		c->spare = main;
	} else if (!main->size) {
		barn_swap(s, c, false);		/* a full sheaf for the empty */
	}
	main = c->main;
	while (freelist && main->size < main->capacity) {
		main->objects[main->size++] = freelist;
		freelist = freelist_next(s, freelist);
	}
	if (main->size)
		object = main->objects[--main->size];
	cpu_release(c, tid, freelist);
	kh_unlock(&c->lock);
	if (object) {
		stat(s, c, ALLOC_REFILL);
		return object;
	}
	return ___slab_alloc(s, gfp, c);
}

/*
 * slab_alloc_node - the fast paths: pop this CPU's main sheaf (tier a), or
 * its freelist in a restartable sequence (tier b), or with one 16-byte CAS
 * on (freelist, tid) (tier c), as section 3 above describes with their
 * costs; no lock.  Before them one load and branch for the allocation
 * hooks (failslab, KFENCE: slab_alloc_hooks).  A debug cache never has a
 * CPU freelist or sheaves, so it costs the fast paths nothing: its
 * allocations find c->freelist empty and take the slow path, which tests
 * the flags.  @orig_size (kmalloc's request) and @addr (the caller) are
 * used only there.
 * init_on_alloc/init_on_free add nothing when off: the hook word already
 * loaded is ORed into the __GFP_ZERO test at the end.
 */
static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp,
					     unsigned int orig_size,
					     unsigned long addr)
{
	int hooks = READ_ONCE(slab_alloc_hooks);
	struct kmem_cache_cpu *c;
	unsigned long tid;
	void **object;

	if (unlikely(hooks & SLAB_HOOKS_BEFORE_ALLOC)) {
		void *obj;

		if (slab_alloc_hook(s, gfp, orig_size, &obj))
			return obj;
	}
	if (cache_has_sheaves(s)) {
		object = rseq_sheaf_pop(s);
		if (likely(object))
			stat(s, NULL, ALLOC_FASTPATH);
		else
			object = sheaf_alloc_slow(s, gfp);
		goto out;
	}
	if (slub_rseq) {
		object = rseq_cpu_pop(s);
		if (likely(object)) {
			stat(s, NULL, ALLOC_FASTPATH);
			goto out;
		}
		c = &s->cpu_slab[os_cpu()];
		goto slow;
	}
redo:
	c = &s->cpu_slab[os_cpu()];
	tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
	object = READ_ONCE(c->freelist);
	if (unlikely(!object || (tid & 1))) {
slow:
		if (kmem_cache_debug(s))
			return alloc_from_debug_slab(s, gfp, orig_size, addr);
		object = ___slab_alloc(s, gfp, c);
	} else {
		void *next = get_freepointer_safe(s, object);

		/* hardened: a successor outside the slab is either a stale
		 * read (the object was just taken) or corruption; the slow
		 * path tells them apart under the claim */
		if (slab_freelist_hardened &&
		    unlikely(!freeptr_in_span(s, object, next)))
			goto slow;
		if (unlikely(!__cmpxchg_pair(&c->freelist_tid,
					     (unsigned long)object, tid,
					     (unsigned long)next, tid + 2))) {
			stat(s, c, CMPXCHG_DOUBLE_CPU_FAIL);
			goto redo;
		}
		stat(s, c, ALLOC_FASTPATH);
	}
out:
	if (likely(object))
		slab_alloc_unmark(s, object);
	if (KHEAP_ASAN && likely(object) && kheap_asan_cache(s))
		kheap_asan_unpoison(object, s->object_size);
	if (KHEAP_VALGRIND && likely(object))
		kheap_vg_alloc(s, object);
	if (slab_init_after_alloc(gfp, hooks) && likely(object))
		slab_post_alloc_init(s, gfp, object, orig_size);
	return object;
}

/*
 * slab_alloc_any - an object of @s from SLUB's slab_alloc_node(), or from
 * the strategy slab_allocator= chose (one predictable branch)
 */
static __always_inline void *slab_alloc_any(struct kmem_cache *s, gfp_t gfp,
					    unsigned int orig_size,
					    unsigned long addr)
{
	if (slab_handover())
		return slab_ops->alloc(s, gfp, orig_size, addr);
	return slab_alloc_node(s, gfp, orig_size, addr);
}

static __always_inline void *__sheaf_alloc_fast(struct kmem_cache *s,
					       gfp_t gfp, unsigned int ignore);

/*
 * slab_alloc_traced - slab_alloc_any() with tracing on: the sheaf hit
 * first (the hooks word's SLAB_HOOK_TRACE, which sent the call here, is
 * passed over), else a new slab's pages are nested in the event; the event
 * is recorded once the object is known (the kmalloc event when @kmalloc,
 * with bytes_alloc = s->size as SLUB's and SLAB's, or what SLOB's
 * kmalloc_bytes_alloc() says, as v6.3's SLOB).
 */
static __noinline __cold void *slab_alloc_traced(struct kmem_cache *s,
						 gfp_t gfp,
						 unsigned int orig_size,
						 unsigned long addr,
						 bool kmalloc)
{
	void *ret = __sheaf_alloc_fast(s, gfp, SLAB_HOOK_TRACE);

	if (!ret) {
		trace_nest_begin();
		ret = slab_alloc_any(s, gfp, orig_size, addr);
		trace_nest_end();
	}
	if (kmalloc)
		__trace_kmalloc(addr, ret, orig_size,
				slab_ops->kmalloc_bytes_alloc ?
				slab_ops->kmalloc_bytes_alloc(orig_size) :
				s->size, gfp);
	else
		__trace_kmem_cache_alloc(addr, ret, s, gfp);
	return ret;
}

/*
 * sheaf_alloc_fast - the sheaf hit of an allocation, inline in each entry
 * point: NULL sends the caller to slab_alloc_slow().  Cost: the hooks
 * word, the rseq pop (slub_fast.h), the free mark cleared; no stack frame
 * (everything that needs registers saved is out of line).  __GFP_ZERO and
 * armed hooks (tracing's among them: SLAB_HOOK_TRACE) take the whole way.
 */
static __always_inline void *__sheaf_alloc_fast(struct kmem_cache *s,
					       gfp_t gfp, unsigned int ignore)
{
	void *object;

	if (!cache_has_sheaves(s) || (READ_ONCE(slab_alloc_hooks) & ~ignore) ||
	    (gfp & __GFP_ZERO))
		return NULL;
	object = rseq_sheaf_pop(s);
	if (unlikely(!object))
		return NULL;
	stat(s, NULL, ALLOC_FASTPATH);
	slab_alloc_unmark(s, object);
	if (KHEAP_ASAN && kheap_asan_cache(s))
		kheap_asan_unpoison(object, s->object_size);
	if (KHEAP_VALGRIND)
		kheap_vg_alloc(s, object);
	return object;
}

static __always_inline void *sheaf_alloc_fast(struct kmem_cache *s, gfp_t gfp)
{
	return __sheaf_alloc_fast(s, gfp, 0);
}

/*
 * slab_alloc_node() out of line, behind sheaf_alloc_fast(), and its traced
 * version while a trace is recorded (@kmalloc: the kmalloc event, else
 * kmem_cache_alloc's).  Where kheap tells Valgrind about every block (the
 * debug library) it stays inline: Valgrind names the function that
 * announces a block, and its reports should read
 * __kmem_cache_alloc_kmalloc, as the README shows.
 */
#if KHEAP_VALGRIND
#define __alloc_slow_inline	__always_inline
#else
#define __alloc_slow_inline	__noinline
#endif
static __alloc_slow_inline void *slab_alloc_slow(struct kmem_cache *s,
						 gfp_t gfp,
						 unsigned int orig_size,
						 unsigned long addr,
						 bool kmalloc)
{
	if (trace_enabled())
		return slab_alloc_traced(s, gfp, orig_size, addr, kmalloc);
	return slab_alloc_any(s, gfp, orig_size, addr);
}

/**
 * kmem_cache_alloc - allocate an object from a cache
 * @s: the cache
 * @gfpflags: GFP_* flags for a new slab; __GFP_ZERO zeroes the object
 *
 * Return: the object, or NULL when no slab could be had (reported unless
 * __GFP_NOWARN).
 */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfpflags)
{
	void *object = sheaf_alloc_fast(s, gfpflags);

	if (likely(object))
		return object;
	return slab_alloc_slow(s, gfpflags, s->object_size, _RET_IP_, false);
}

/**
 * kmem_cache_alloc_lru - kmem_cache_alloc() for an object a list_lru will
 * hold (lib/xarray.c's nodes): v6.12 uses @lru only to charge a memcg,
 * which kheap does not have.  A call (a tail call: the track still names
 * the caller) rather than a third inlined fast path, which cost kmalloc's
 * own fast path a third more on 4 KiB objects (code layout).
 */
void *kmem_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru,
			   gfp_t gfpflags)
{
	(void)lru;
	return kmem_cache_alloc(s, gfpflags);
}

/* kmalloc(): an object of @s for a request of @orig_size bytes. */
void *__kmem_cache_alloc_kmalloc(struct kmem_cache *s, gfp_t gfpflags,
				 size_t orig_size, unsigned long caller)
{
	void *object = sheaf_alloc_fast(s, gfpflags);

	if (likely(object))
		return object;
	return slab_alloc_slow(s, gfpflags, (unsigned int)orig_size, caller, true);
}

/**
 * kmem_cache_alloc_node - kmem_cache_alloc() on NUMA node @node (kheap has
 * one node; any @node, NUMA_NO_NODE included, means node 0)
 */
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfpflags, int node)
{
	void *object = sheaf_alloc_fast(s, gfpflags);

	(void)node;			/* one node */
	if (likely(object))
		return object;
	return slab_alloc_slow(s, gfpflags, s->object_size, _RET_IP_, false);
}

static int __kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags,
				   size_t size, void **p);

/*
 * kmem_cache_alloc_bulk - allocate @size objects into @p, all or nothing
 * Return: @size, or 0 (and nothing allocated) if memory ran out.  Traced as
 * one kmem_cache_alloc event per object (the kernel traces none), so a
 * replay sees every object.
 */
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size,
			  void **p)
{
	int ret;

	if (!trace_enabled())
		return __kmem_cache_alloc_bulk(s, flags, size, p);
	trace_nest_begin();
	ret = __kmem_cache_alloc_bulk(s, flags, size, p);
	trace_nest_end();
	for (int i = 0; i < ret; i++)
		__trace_kmem_cache_alloc(_RET_IP_, p[i], s, flags);
	return ret;
}

static int __kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags,
				   size_t size, void **p)
{
	size_t i = 0;

	if (unlikely(!s || !size))
		return 0;
	if (slab_handover())
		return slab_ops->alloc_bulk(s, flags, size, p);
	if (should_failslab(s, flags))
		return 0;
	while (i < size) {
		struct kmem_cache_cpu *c = &s->cpu_slab[os_cpu()];
		void **freelist;
		unsigned long tid;

		kh_lock(&c->lock);
		freelist = cpu_claim(s, c, &tid);
		while (freelist && i < size) {
			p[i++] = freelist;
			freelist = freelist_next(s, freelist);
			stat(s, c, ALLOC_FASTPATH);
		}
		cpu_release(c, tid, freelist);
		kh_unlock(&c->lock);
		if (i == size)
			break;
		p[i] = kmem_cache_debug(s) ?
			alloc_from_debug_slab(s, flags & ~__GFP_ZERO,
					      s->object_size, _RET_IP_) :
			___slab_alloc(s, flags, c);
		if (unlikely(!p[i])) {
			kmem_cache_free_bulk(s, i, p);
			for (size_t j = 0; j < size; j++)
				p[j] = NULL;
			return 0;
		}
		i++;
	}
	if (!kmem_cache_debug(s))
		for (i = 0; i < size; i++)
			slab_alloc_unmark(s, p[i]);
	if (KHEAP_ASAN && kheap_asan_cache(s))
		for (i = 0; i < size; i++)
			kheap_asan_unpoison(p[i], s->object_size);
	if (KHEAP_VALGRIND)
		for (i = 0; i < size; i++)
			kheap_vg_alloc(s, p[i]);
	if (slab_init_after_alloc(flags, READ_ONCE(slab_alloc_hooks)))
		for (i = 0; i < size; i++)
			slab_post_alloc_init(s, flags, p[i], s->object_size);
	return (int)size;
}

/* ------------------------------------------------------------------ */
/* freeing                                                             */
/* ------------------------------------------------------------------ */

/*
 * free_to_debug_slab - free for a cache with debug flags (the kernel's
 * free_to_partial_list()): under list_lock, after free_debug_processing()
 * checked the object (valid, not already free, red zones intact with F);
 * an object that fails is reported and not freed.
 */
static __noinline __cold void free_to_debug_slab(struct kmem_cache *s,
						 struct slab *slab,
						 void *object,
						 unsigned long addr)
{
	struct kmem_cache_node *n = &s->node;
	struct track t;
	void *prior;

	if (s->flags & SLAB_STORE_USER)
		slub_debug_capture_track(&t, addr);
	kh_lock(&n->list_lock);
	if (unlikely(!free_debug_processing(s, slab, object, &t))) {
		kh_unlock(&n->list_lock);
		return;
	}
	prior = slab->freelist;
	set_freepointer(s, object, prior);
	slab->freelist = object;
	slab->inuse--;
	if (!prior) {				/* was full */
		list_del(&slab->slab_list);
		add_partial(n, slab, DEACTIVATE_TAIL);
	}
	if (!slab->inuse && n->nr_partial > s->min_partial) {
		remove_partial(n, slab);
		kh_unlock(&n->list_lock);
		stat(s, NULL, FREE_SLAB);
		discard_slab(s, slab);
		return;
	}
	kh_unlock(&n->list_lock);
}

/*
 * __slab_free - free @cnt objects (@head .. @tail, chained) of @slab that is
 * not this CPU's slab: cmpxchg on (freelist, counters), taking the node
 * lock only when the slab must change lists.
 */
static __noinline void __slab_free(struct kmem_cache *s, struct slab *slab,
				   void *head, void *tail, int cnt,
				   unsigned long addr)
{
	struct kmem_cache_node *n = NULL;
	bool was_frozen, on_node_partial = false;
	unsigned long counters;
	struct slab new;
	void *prior;

	if (kmem_cache_debug(s)) {		/* one object: see free_bulk */
		free_to_debug_slab(s, slab, head, addr);
		return;
	}
	stat(s, NULL, FREE_SLOWPATH);
	do {
		if (unlikely(n)) {
			kh_unlock(&n->list_lock);
			n = NULL;
		}
		prior = slab_freelist(slab);
		counters = slab_counters(slab);
		if (unlikely(prior == tail)) {	/* as in do_slab_free() */
			if (n)
				kh_unlock(&n->list_lock);
			slab_report_double_free(s, tail);
			return;
		}
		set_freepointer(s, tail, prior);
		new = counters_view(counters);
		was_frozen = new.frozen;
		new.inuse -= cnt;
		if ((!new.inuse || !prior) && !was_frozen) {
			if (!kmem_cache_has_cpu_partial(s) || prior) {
				n = &s->node;
				kh_lock(&n->list_lock);
				on_node_partial = slab_test_node_partial(slab);
			}
		}
	} while (!slab_update_freelist(slab, prior, counters, head,
				       new.counters));

	if (likely(!n)) {
		if (was_frozen) {
			stat(s, NULL, FREE_FROZEN);
		} else if (kmem_cache_has_cpu_partial(s) && !prior) {
			/* it was full: the freeing CPU takes it as partial */
			put_cpu_partial(s, &s->cpu_slab[os_cpu()], slab, true);
			stat(s, NULL, CPU_PARTIAL_FREE);
		}
		return;
	}
	/* partial, but on a CPU partial list: not ours to move */
	if (prior && !on_node_partial) {
		kh_unlock(&n->list_lock);
		return;
	}
	if (unlikely(!new.inuse && n->nr_partial >= s->min_partial))
		goto slab_empty;
	if (!kmem_cache_has_cpu_partial(s) && unlikely(!prior)) {
		add_partial(n, slab, DEACTIVATE_TAIL);
		stat(s, NULL, FREE_ADD_PARTIAL);
	}
	kh_unlock(&n->list_lock);
	return;

slab_empty:
	if (prior) {
		remove_partial(n, slab);
		stat(s, NULL, FREE_REMOVE_PARTIAL);
	}
	kh_unlock(&n->list_lock);
	stat(s, NULL, FREE_SLAB);
	discard_slab(s, slab);
}

/*
 * do_slab_free - free @head..@tail (@cnt objects of @slab) without the
 * sheaves: push them onto this CPU's freelist when @slab is the CPU slab,
 * in a restartable sequence (tier b) or with one 16-byte CAS (tier c);
 * otherwise __slab_free()'s cmpxchg on the slab.  Sheaf spills and bulk
 * frees come here too.
 */
static __always_inline void do_slab_free(struct kmem_cache *s,
					 struct slab *slab, void *head,
					 void *tail, int cnt,
					 unsigned long addr)
{
	struct kmem_cache_cpu *c;
	unsigned long tid;
	void **freelist;

	if (slub_rseq) {
		switch (rseq_cpu_push(s, slab, head, tail)) {
		case RSEQ_DONE:
			stat(s, NULL, FREE_FASTPATH);
			return;
		case RSEQ_DOUBLE_FREE:
			slab_report_double_free(s, tail);
			return;
		default:
			__slab_free(s, slab, head, tail, cnt, addr);
			return;
		}
	}
redo:
	c = &s->cpu_slab[os_cpu()];
	tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
	if (likely(!(tid & 1) && slab == READ_ONCE(c->slab))) {
		freelist = READ_ONCE(c->freelist);
		/* the kernel's naive double-free check (set_freepointer's
		 * BUG_ON(object == fp)): one compare; reported, not fatal */
		if (unlikely(freelist == tail)) {
			slab_report_double_free(s, tail);
			return;
		}
		set_freepointer(s, tail, freelist);
		if (unlikely(!__cmpxchg_pair(&c->freelist_tid,
					     (unsigned long)freelist, tid,
					     (unsigned long)head, tid + 2))) {
			stat(s, c, CMPXCHG_DOUBLE_CPU_FAIL);
			goto redo;
		}
		stat(s, c, FREE_FASTPATH);
	} else {
		__slab_free(s, slab, head, tail, cnt, addr);
	}
}

/*
 * free_check - the slab of @x if @x is an object of @s; otherwise report
 * (a pointer kheap does not own, the wrong cache, not an object start) and
 * return NULL: the caller ignores the free.
 */
static __always_inline struct slab *free_check(struct kmem_cache *s,
					       const void *x, const char *fn)
{
	struct slab *slab = virt_to_slab(x);

	if (unlikely(!slab) && __kfence_free((void *)x))
		return NULL;			/* a KFENCE object: done */
	if (unlikely(!slab || slab->slab_cache != s)) {
		slab_report_bad_free(fn, x, s, slab ? slab->slab_cache : NULL);
		return NULL;
	}
	if (unlikely(!object_start_ok(s, slab, x))) {
		slab_report_bad_free(fn, x, s, s);
		return NULL;
	}
	return slab;
}

/*
 * slab_free_init - init_on_free for an object of a cache without debug
 * flags (those zero theirs once free_debug_processing() has checked the
 * free), in slab_free_hook()'s place: after the double free check, before
 * the object goes anywhere.  The free pointer slot keeps the free mark
 * slab_free_mark() just wrote there (the kernel zeroes it and writes the
 * free pointer next: the same bytes in the end).  Without the double free
 * check, an object that heads this CPU's freelist is being freed twice
 * (the naive check, which follows): it is left alone, so the report costs
 * no more than the free.
 */
static __noinline void slab_free_init(struct kmem_cache *s, void *x)
{
	unsigned long *slot = (unsigned long *)((char *)x + s->offset);
	unsigned long mark = 0;
	bool inside = !freeptr_outside_object(s);

	if (!slab_want_init_on_free(s) || kmem_cache_debug(s))
		return;
	if (!slab_double_free_check &&	/* else slab_free_mark() caught it */
	    READ_ONCE(s->cpu_slab[os_cpu()].freelist) == x)
		return;
	/* ASan: kmalloc's poisoned tail too; the slot's end poisoned again */
	if (KHEAP_ASAN && kheap_asan_cache(s))
		kheap_asan_unpoison(x, s->size);
	if (inside)
		mark = *slot;
	slab_init_on_free(s, x);
	if (inside)
		*slot = mark;
	if (KHEAP_ASAN && kheap_asan_cache(s))
		kheap_asan_poison((char *)x + s->object_size,
				  s->size - s->object_size);
}

/* init_on_free's test on the free paths: one load, one branch when off. */
static __always_inline void slab_free_hook_init(struct kmem_cache *s, void *x)
{
	if (unlikely(READ_ONCE(slab_alloc_hooks) & SLAB_HOOK_INIT_FREE))
		slab_free_init(s, x);
}

/* A chain of objects of one slab, ready for do_slab_free(). */
struct detached_freelist {
	struct slab *slab;		/* NULL: nothing to free */
	void *head, *tail;
	int cnt;
};

/*
 * build_detached_freelist - the kernel's: chain p[size - 1] with the other
 * objects of its slab among p[0..size - 2], looking past at most 3 objects
 * of other slabs, and NULL the entries taken.  @fn names a caller whose
 * objects come from outside (kmem_cache_free_bulk()): each is checked
 * (free_check()) and poisoned here; NULL for objects out of sheaves, which
 * were when they were freed.  Returns the entries left below (size - 1).
 */
static size_t build_detached_freelist(struct kmem_cache *s, size_t size,
				      void **p, struct detached_freelist *df,
				      const char *fn)
{
	void *object = p[--size];
	int lookahead = 3;

	df->slab = NULL;
	if (!object)
		return size;
	df->slab = fn ? free_check(s, object, fn) : virt_to_slab(object);
	if (!df->slab)
		return size;
	if (fn) {
		if (!slab_free_mark(s, df->slab, object)) {
			df->slab = NULL;	/* a double free: reported */
			return size;
		}
		slab_free_hook_init(s, object);
		kheap_asan_poison_object(s, object);
		kheap_vg_free(s, object);
	}
	df->head = df->tail = object;
	df->cnt = 1;
	set_freepointer(s, object, NULL);
	for (size_t j = size; j > 0;) {
		void *o = p[--j];

		if (!o)
			continue;
		if (virt_to_slab(o) == df->slab && (!fn || free_check(s, o, fn))) {
			if (fn) {
				if (!slab_free_mark(s, df->slab, o)) {
					p[j] = NULL;	/* reported once */
					continue;
				}
				slab_free_hook_init(s, o);
				kheap_asan_poison_object(s, o);
				kheap_vg_free(s, o);
			}
			set_freepointer(s, o, df->head);
			df->head = o;
			df->cnt++;
			p[j] = NULL;
		} else if (!--lookahead) {
			break;
		}
	}
	return size;
}

/*
 * sheaf_free_objects - give @n objects taken out of sheaves back to their
 * slabs, one do_slab_free() per chain of objects of one slab (a sheaf's
 * neighbours are usually slab neighbours).  No lock held.
 */
static void sheaf_free_objects(struct kmem_cache *s, void **objs,
			       unsigned int n)
{
	struct detached_freelist df;
	size_t size = n;

	while (size) {
		size = build_detached_freelist(s, size, objs, &df, NULL);
		if (df.slab)
			do_slab_free(s, df.slab, df.head, df.tail, df.cnt,
				     _RET_IP_);
	}
}

/*
 * sheaf_free_slow - this CPU's main sheaf is full (or claimed): swap it
 * with the spare if that is empty; otherwise first take the spare's
 * objects out, to go back to their slabs once the lock is dropped.
 */
__noinline void sheaf_free_slow(struct kmem_cache *s, void *x)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[os_cpu()];
	void *flush[SHEAF_MAX_CAPACITY];
	struct slab_sheaf *main;
	unsigned int n = 0;
	void **freelist;
	unsigned long tid;
	bool dbl;

	if (unlikely(!READ_ONCE(c->main)) &&
	    !install_cpu_sheaves(s, c, GFP_NOWAIT)) {
		do_slab_free(s, virt_to_slab(x), x, x, 1, _RET_IP_);
		return;
	}
	kh_lock(&c->lock);
	freelist = cpu_claim(s, c, &tid);
	main = c->main;
	if (main->size == main->capacity && !c->spare->size) {
		c->main = c->spare;
		c->spare = main;
	} else if (main->size == main->capacity && !barn_swap(s, c, true)) {
		struct slab_sheaf *spare = c->spare;

		n = spare->size;
		memcpy(flush, spare->objects, n * sizeof(void *));
		spare->size = 0;
		c->main = spare;
		c->spare = main;
	}
	main = c->main;
	dbl = main->size && main->objects[main->size - 1] == x;
	if (!dbl)
		main->objects[main->size++] = x;
	cpu_release(c, tid, freelist);
	kh_unlock(&c->lock);
	if (dbl)
		slab_report_double_free(s, x);
	if (n)
		sheaf_free_objects(s, flush, n);
}

static __always_inline void free_to_sheaf(struct kmem_cache *s, void *x)
{
	switch (rseq_sheaf_push(s, x)) {
	case RSEQ_DONE:
		stat(s, NULL, FREE_FASTPATH);
		return;
	case RSEQ_DOUBLE_FREE:
		slab_report_double_free(s, x);
		return;
	default:
		sheaf_free_slow(s, x);
	}
}

/* Empty @c's sheaves back into the slabs (any thread, no lock held). */
static void flush_cpu_sheaves(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	void *objs[2 * SHEAF_MAX_CAPACITY];
	struct slab_sheaf *sheaves[2];
	unsigned int n = 0;
	void **freelist;
	unsigned long tid;

	if (!s->sheaf_capacity || !READ_ONCE(c->main))
		return;
	kh_lock(&c->lock);
	if (!READ_ONCE(c->main_size) && !READ_ONCE(c->spare->size)) {
		kh_unlock(&c->lock);	/* nothing to take: no claim */
		return;
	}
	freelist = cpu_claim(s, c, &tid);
	sheaves[0] = c->main;
	sheaves[1] = c->spare;
	for (int i = 0; i < 2; i++) {
		memcpy(objs + n, sheaves[i]->objects,
		       sheaves[i]->size * sizeof(void *));
		n += sheaves[i]->size;
		sheaves[i]->size = 0;
	}
	cpu_release(c, tid, freelist);
	kh_unlock(&c->lock);
	sheaf_free_objects(s, objs, n);
}

/*
 * The free itself, once @x is known to be an object of @slab of @s.  The
 * sheaf hit is inline (slab_free_object()); everything else - a slot that
 * looks free already (the check confirms it here), a full sheaf, no
 * sheaves, a debug cache - comes here, in tail position, so the inline
 * part needs no stack frame.
 */
static __noinline void slab_free_slow(struct kmem_cache *s, struct slab *slab,
				      void *x, unsigned long addr)
{
	if (unlikely(!kmem_cache_debug(s) && !slab_free_mark(s, slab, x)))
		return;
	slab_free_hook_init(s, x);
	kheap_asan_poison_object(s, x);
	kheap_vg_free(s, x);
	if (cache_has_sheaves(s))
		free_to_sheaf(s, x);
	else
		do_slab_free(s, slab, x, x, 1, addr);
}

/*
 * slab_free_object - the free itself, once @x is known to be an object of
 * @slab of @s: marked free (the double free check), then pushed onto this
 * CPU's sheaf (tier a) inline, or freelist (do_slab_free()) through
 * slab_free_slow(), which also confirms a slot that looks free already.
 */
static __always_inline void slab_free_object(struct kmem_cache *s,
					     struct slab *slab, void *x,
					     unsigned long addr)
{
	if (cache_has_sheaves(s) && likely(slab_free_mark_fast(s, x))) {
		slab_free_hook_init(s, x);
		kheap_asan_poison_object(s, x);
		kheap_vg_free(s, x);
		free_to_sheaf(s, x);
		return;
	}
	slab_free_slow(s, slab, x, addr);
}

static __always_inline void slab_free(struct kmem_cache *s, void *x,
				      unsigned long addr)
{
	struct slab *slab;

	if (unlikely(!x))
		return;
	if (unlikely(!s)) {
		slab_report_bad_free("kmem_cache_free", x, NULL, NULL);
		return;
	}
	slab = free_check(s, x, "kmem_cache_free");
	if (likely(slab))
		slab_free_object(s, slab, x, addr);
}

/* Traced: the event comes before the free (its name= is s->name). */
static __noinline __cold void slab_free_traced(struct kmem_cache *s, void *x,
					       unsigned long addr)
{
	if (x && s)
		__trace_kmem_cache_free(addr, x, s);
	trace_nest_begin();
	if (!s || !sheaf_map_free_traced(x, s))
		__kmem_cache_free(s, x, addr);
	trace_nest_end();
}

/* slab_free() out of line, behind the sheaf map in kmem_cache_free(),
 * traced while a trace is recorded (the map then takes no free). */
static __noinline void slab_free_checked(struct kmem_cache *s, void *x,
					 unsigned long addr)
{
	if (trace_enabled()) {
		slab_free_traced(s, x, addr);
		return;
	}
	if (slab_handover()) {
		slab_ops->free(s, x, addr);
		return;
	}
	slab_free(s, x, addr);
}

/**
 * kmem_cache_free - give an object back to its cache
 * @s: the cache it was allocated from
 * @x: the object (NULL is ignored)
 *
 * A pointer that is not an object of @s (not kheap's, another cache's, not
 * at an object boundary) is reported on stderr and the free is ignored.
 */
void kmem_cache_free(struct kmem_cache *s, void *x)
{
	/* an object of @s found through the sheaf map: onto the sheaf */
	if (likely(s) && likely(sheaf_map_free(x, s)))
		return;
	slab_free_checked(s, x, _RET_IP_);
}

/* kmem_cache_free() on behalf of the caller @addr. */
void __kmem_cache_free(struct kmem_cache *s, void *x, unsigned long addr)
{
	if (slab_handover()) {
		slab_ops->free(s, x, addr);
		return;
	}
	slab_free(s, x, addr);
}

/**
 * kfree_slab_object - free @x, an object kfree() found in @slab, on behalf
 * of @addr (the kernel's slab_free() call in kfree()): the slab and cache
 * are known, so only the object boundary is checked.
 */
void kfree_slab_object(struct slab *slab, void *x, unsigned long addr)
{
	struct kmem_cache *s = slab->slab_cache;

	if (slab_handover()) {
		slab_ops->kfree(slab, x, addr);
		return;
	}
	if (unlikely(!object_start_ok(s, slab, x))) {
		slab_report_bad_free("kfree", x, s, s);
		return;
	}
	slab_free_object(s, slab, x, addr);
}

static void __kmem_cache_free_bulk(struct kmem_cache *s, size_t size,
				   void **p);

/**
 * kmem_cache_free_bulk - free @size objects of @s from @p; objects of one
 * slab are chained and freed with one operation (build_detached_freelist).
 */
void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	if (unlikely(trace_enabled() && s)) {
		for (size_t i = 0; i < size; i++)
			if (p[i])
				__trace_kmem_cache_free(_RET_IP_, p[i], s);
		trace_nest_begin();
		__kmem_cache_free_bulk(s, size, p);
		trace_nest_end();
		return;
	}
	__kmem_cache_free_bulk(s, size, p);
}

static void __kmem_cache_free_bulk(struct kmem_cache *s, size_t size,
				   void **p)
{
	if (slab_handover()) {
		slab_ops->free_bulk(s, size, p);
		return;
	}
	/* a debug cache checks objects one by one: no chaining through them */
	if (unlikely(s && kmem_cache_debug(s))) {
		while (size)
			__kmem_cache_free(s, p[--size], _RET_IP_);
		return;
	}
	while (size) {
		struct detached_freelist df;

		size = build_detached_freelist(s, size, p, &df, __func__);
		if (df.slab)
			do_slab_free(s, df.slab, df.head, df.tail, df.cnt,
				     _RET_IP_);
	}
}

/* ------------------------------------------------------------------ */
/* flushing, shrinking, shutdown                                       */
/* ------------------------------------------------------------------ */

/* Give up @c's CPU slab and partial slabs (any thread may do this). */
static void flush_cpu(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct slab *slab, *partial;
	void **freelist;
	unsigned long tid;

	kh_lock(&c->lock);
	/* the kernel's has_cpu_slab(): nothing to flush, so no claim (from
	 * another CPU a claim is a membarrier system call) */
	if (!c->slab && !c->partial) {
		kh_unlock(&c->lock);
		return;
	}
	freelist = cpu_claim(s, c, &tid);
	slab = c->slab;
	WRITE_ONCE(c->slab, NULL);
	partial = c->partial;
	c->partial = NULL;
	cpu_release(c, tid, NULL);
	kh_unlock(&c->lock);
	if (slab) {
		deactivate_slab(s, slab, freelist);
		stat(s, c, CPUSLAB_FLUSH);
	}
	if (partial)
		__put_partials(s, partial);
}

/* Empty the barn's full sheaves back into the slabs, one at a time. */
static void flush_barn(struct kmem_cache *s)
{
	struct sheaf_barn *barn = &s->node.barn;
	void *objs[SHEAF_MAX_CAPACITY];

	while (READ_ONCE(barn->nr_full)) {
		struct slab_sheaf *sh = NULL;
		unsigned int n = 0;

		kh_lock(&barn->lock);
		if (!list_empty(&barn->full)) {
			sh = list_first_entry(&barn->full, struct slab_sheaf,
					      barn_list);
			n = sh->size;
			memcpy(objs, sh->objects, n * sizeof(void *));
			sh->size = 0;
			list_move(&sh->barn_list, &barn->empty);
			WRITE_ONCE(barn->nr_full, barn->nr_full - 1);
			WRITE_ONCE(barn->nr_empty, barn->nr_empty + 1);
		}
		kh_unlock(&barn->lock);
		if (!sh)
			break;
		sheaf_free_objects(s, objs, n);
	}
}

/*
 * flush_all - every CPU's sheaves and the barn's first (their frees may
 * land on CPU slabs and CPU partial lists), then every CPU's slabs.
 */
static void flush_all(struct kmem_cache *s)
{
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		flush_cpu_sheaves(s, &s->cpu_slab[cpu]);
	flush_barn(s);
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		flush_cpu(s, &s->cpu_slab[cpu]);
}

/**
 * __kmem_cache_shrink - flush every CPU, give back every empty slab and
 * sort the partial list (fullest first).  Return: 0 if no slab is left.
 */
int __kmem_cache_shrink(struct kmem_cache *s)
{
	struct kmem_cache_node *n = &s->node;
	struct list_head discard, promote[SHRINK_PROMOTE_MAX];
	struct slab *slab, *t;

	flush_all(s);
	INIT_LIST_HEAD(&discard);
	for (int i = 0; i < SHRINK_PROMOTE_MAX; i++)
		INIT_LIST_HEAD(&promote[i]);
	kh_lock(&n->list_lock);
	list_for_each_entry_safe(slab, t, &n->partial, slab_list) {
		struct slab v = counters_view(slab_counters(slab));
		int free = v.objects - v.inuse;

		if (free == v.objects) {
			list_move(&slab->slab_list, &discard);
			slab->__page_flags &= ~(1UL << SL_partial);
			WRITE_ONCE(n->nr_partial, n->nr_partial - 1);
			dec_slabs_node(s, v.objects);
		} else if (free > 0 && free <= SHRINK_PROMOTE_MAX) {
			list_move(&slab->slab_list, promote + free - 1);
		}
	}
	for (int i = SHRINK_PROMOTE_MAX - 1; i >= 0; i--)
		list_splice(promote + i, &n->partial);
	kh_unlock(&n->list_lock);
	list_for_each_entry_safe(slab, t, &discard, slab_list)
		free_slab(s, slab);
	return READ_ONCE(n->nr_slabs) ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* which objects of a slab are free                                    */
/* ------------------------------------------------------------------ */

/* Mark in @map the object @p if it is one of @slab's (at @addr). */
static inline void mark_free(unsigned long *map, struct kmem_cache *s,
			     struct slab *slab, char *addr, void *p)
{
	unsigned int idx = __obj_to_index(s, addr, p);

	if ((char *)p >= addr && idx < slab->objects)
		__set_bit(idx, map);
}

/* The @n objects of a sheaf, those of @slab marked free in @map. */
static void mark_sheaf_free(unsigned long *map, struct kmem_cache *s,
			    struct slab *slab, struct slab_sheaf *sh,
			    unsigned int n)
{
	char *addr = slab_address(slab);

	for (unsigned int i = 0; i < n && i < sh->capacity; i++)
		mark_free(map, s, slab, addr, sh->objects[i]);
}

void fill_free_map(unsigned long *map, struct kmem_cache *s, struct slab *slab)
{
	char *addr = slab_address(slab);
	struct slab_sheaf *sh;

	__fill_map(map, s, slab);
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];
		unsigned int n = 0;

		if (!READ_ONCE(c->main) && READ_ONCE(c->slab) != slab)
			continue;
		kh_lock(&c->lock);
		if (c->slab == slab)
			for (void *p = READ_ONCE(c->freelist);
			     p && n++ < slab->objects; p = get_freepointer(s, p))
				mark_free(map, s, slab, addr, p);
		if (c->main) {
			mark_sheaf_free(map, s, slab, c->main,
					READ_ONCE(c->main_size));
			mark_sheaf_free(map, s, slab, c->spare,
					READ_ONCE(c->spare->size));
		}
		kh_unlock(&c->lock);
	}
	if (!s->sheaf_capacity)
		return;
	kh_lock(&s->node.barn.lock);
	list_for_each_entry(sh, &s->node.barn.full, barn_list)
		mark_sheaf_free(map, s, slab, sh, sh->size);
	kh_unlock(&s->node.barn.lock);
}

/* v6.12's words (later kernels dropped the cache name) */
#define SHUTDOWN_TEXT	"Objects remaining in %s on __kmem_cache_shutdown()"

/**
 * __kmem_cache_shutdown - release every slab of @s (slab_mutex held).
 * Return: 0, or 1 if objects remain (reported; their slabs are kept).
 */
int __kmem_cache_shutdown(struct kmem_cache *s)
{
	struct kmem_cache_node *n = &s->node;
	struct slab *slab, *t;
	LIST_HEAD(discard);

	lockdep_assert_held(&slab_mutex);

	flush_all(s);
	kh_lock(&n->list_lock);
	list_for_each_entry_safe(slab, t, &n->partial, slab_list) {
		if (!counters_view(slab_counters(slab)).inuse) {
			remove_partial(n, slab);
			list_add(&slab->slab_list, &discard);
		} else {
			list_slab_objects(s, slab, SHUTDOWN_TEXT);
		}
	}
	list_for_each_entry(slab, &n->full, slab_list)	/* debug caches */
		list_slab_objects(s, slab, SHUTDOWN_TEXT);
	kh_unlock(&n->list_lock);
	list_for_each_entry_safe(slab, t, &discard, slab_list)
		discard_slab(s, slab);
	return (READ_ONCE(n->nr_partial) || READ_ONCE(n->nr_slabs)) ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* merging, slabinfo                                                   */
/* ------------------------------------------------------------------ */

struct kmem_cache *__kmem_cache_alias(const char *name, unsigned int size,
				      unsigned int align, slab_flags_t flags,
				      void (*ctor)(void *))
{
	struct kmem_cache *s = find_mergeable(size, align, flags, name, ctor);

	if (s) {
		s->refcount++;
		s->object_size = max(s->object_size, size);
		s->inuse = max(s->inuse, ALIGN(size, (unsigned int)sizeof(void *)));
	}
	return s;
}

void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	struct kmem_cache_node *n = &s->node;
	unsigned long nr_free = 0;
	struct slab *slab;

	kh_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list) {
		struct slab v = counters_view(slab_counters(slab));

		nr_free += v.objects - v.inuse;
	}
	kh_unlock(&n->list_lock);
	sinfo->num_slabs = sinfo->active_slabs = READ_ONCE(n->nr_slabs);
	sinfo->num_objs = READ_ONCE(n->total_objects);
	sinfo->active_objs = sinfo->num_objs - nr_free;
	sinfo->objects_per_slab = oo_objects(s->oo);
	sinfo->cache_order = oo_order(s->oo);
}

/*
 * Free objects on @slab's CPU freelist from @fp.  The fast paths pop it
 * without c->lock, so a free pointer read here may be user data of an
 * object just taken: the walk stops at anything that is not an object of
 * the slab (slab pages stay mapped, so the read itself is safe) and after
 * the slab's object count.
 */
static unsigned long cpu_freelist_length(struct kmem_cache *s,
					 const struct slab *slab, void *fp)
{
	char *start = slab_address(slab);
	char *end = start + (size_t)slab->objects * s->size;
	unsigned long n = 0;

	while (fp && n < slab->objects) {
		char *x = fp;

		if (x < start || x >= end || (size_t)(x - start) % s->size !=
					     s->red_left_pad)
			break;
		n++;
		fp = get_freepointer_safe(s, x);
	}
	return n;
}

/**
 * slub_cache_attrs - where @s's slabs and objects are: CPU slabs, CPU
 * partial slabs, node partial slabs, objects in sheaves and the barn.
 * Takes each lock in turn (c->lock per CPU, the barn's, n->list_lock),
 * never two at once, so the numbers are each consistent, not all
 * together, like the kernel's sysfs files.
 */
void slub_cache_attrs(struct kmem_cache *s, struct slab_attrs *a)
{
	struct kmem_cache_node *n = &s->node;
	unsigned long nr_free = 0;
	struct slab *slab;

	memset(a, 0, sizeof(*a));
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];

		kh_lock(&c->lock);
		if (c->slab) {
			struct slab v = counters_view(slab_counters(c->slab));

			a->cpu_slab++;
			a->cpu_freelist += cpu_freelist_length(s, c->slab,
						READ_ONCE(c->freelist));
			a->cpu_slab_free += v.objects - v.inuse;
		}
		if (c->partial)
			a->cpu_partial_slabs += (unsigned long)c->partial->slabs;
		for (slab = c->partial; slab; slab = slab->next) {
			struct slab v = counters_view(slab_counters(slab));

			a->cpu_partial_free += v.objects - v.inuse;
		}
		if (c->main)
			a->sheaf_objects += READ_ONCE(c->main_size);
		if (c->spare)
			a->sheaf_objects += READ_ONCE(c->spare->size);
		kh_unlock(&c->lock);
	}
	kh_lock(&n->barn.lock);
	a->barn_full = n->barn.nr_full;
	a->barn_empty = n->barn.nr_empty;
	kh_unlock(&n->barn.lock);
	kh_lock(&n->list_lock);
	a->partial = n->nr_partial;
	list_for_each_entry(slab, &n->partial, slab_list) {
		struct slab v = counters_view(slab_counters(slab));

		a->objects_partial += v.inuse;
		nr_free += v.objects - v.inuse;
	}
	kh_unlock(&n->list_lock);
	a->slabs = (unsigned long)READ_ONCE(n->nr_slabs);
	a->total_objects = (unsigned long)READ_ONCE(n->total_objects);
	a->objects = a->total_objects - nr_free;
}

/**
 * kmem_cache_size - the object size of a cache (its largest merged user's)
 */
unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

/**
 * kmem_cache_name - the name a cache was created with (for a merged cache,
 * the first name; the others are listed by the "slab_aliases" view)
 */
const char *kmem_cache_name(struct kmem_cache *s)
{
	return s->name;
}

/* ------------------------------------------------------------------ */
/* validation and fork                                                 */
/* ------------------------------------------------------------------ */

/*
 * SLUB's reports of a cache's own state go through validator_report()
 * (debug.c) in the shape of v6.12's count checks, "SLUB <cache>: ...",
 * and each is also counted by a running KUnit test (slab_add_kunit_errors()),
 * as the kernel's are.
 */
struct slub_validator {
	struct validator v;
	char name[80];			/* "SLUB <cache>" */
};

static void slub_kunit_count(void)
{
	slab_add_kunit_errors();
}

static void slub_validator_init(struct slub_validator *sv, struct kmem_cache *s)
{
	snprintf(sv->name, sizeof(sv->name), "SLUB %s", s->name);
	sv->v = (struct validator){ sv->name, 0, slub_kunit_count };
}

/* v6.12's partial count check: "SLUB <cache>: N partial slabs counted ..." */
static void check_nr_partial(struct kmem_cache_node *n, unsigned long count,
			     struct validator *v)
{
	lockdep_assert_held(&n->list_lock);
	VALIDATE(v, count == n->nr_partial,
		 "%ld partial slabs counted but counter=%ld\n",
		 (long)count, (long)n->nr_partial);
}

/*
 * v6.12's slab count check, whose shape is "SLUB: <cache> N slabs counted
 * ..."; 1 if it failed.
 */
static int check_nr_slabs(struct kmem_cache *s, struct kmem_cache_node *n,
			  long count)
{
	struct validator v = { "SLUB", 0, slub_kunit_count };

	VALIDATE(&v, count == READ_ONCE(n->nr_slabs),
		 "%s %ld slabs counted but counter=%ld\n",
		 s->name, count, READ_ONCE(n->nr_slabs));
	return v.errors;
}

/*
 * validate_slab_node - v6.12's: every slab on the node's lists through
 * validate_slab(), then the lists against their counters.  kheap keeps
 * every full slab of a debug cache on n->full (the kernel only with
 * SLAB_STORE_USER), so for those the total is checked too.
 */
static long validate_slab_node(struct kmem_cache *s, struct kmem_cache_node *n)
{
	struct slub_validator sv;
	unsigned long count = 0;
	struct slab *slab;

	slub_validator_init(&sv, s);
	kh_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list) {
		validate_slab(s, slab);
		count++;
	}
	check_nr_partial(n, count, &sv.v);
	if (!kmem_cache_debug(s))
		goto out;
	list_for_each_entry(slab, &n->full, slab_list) {
		validate_slab(s, slab);
		count++;
	}
	check_nr_slabs(s, n, (long)count);
out:
	kh_unlock(&n->list_lock);
	return (long)count;
}

/**
 * validate_slab_cache - check every slab of @s and its objects, as
 * /sys/kernel/slab/<cache>/validate does (v6.12)
 * @s: the cache; other threads may go on using it
 *
 * Every CPU's slabs and sheaves are flushed first, so that objects held
 * per CPU are seen as free, not as live objects with wrong red zones.
 * Each slab is checked up to its first bad object; what is found is
 * reported (or counted by a KUnit test, see slub_debug.c) and repaired.
 *
 * Return: the number of slabs on the node's lists that were checked;
 * -EOPNOTSUPP under slab_allocator=slab or slob, whose kernels had no
 * /sys/kernel/slab (their own checks need the heap quiet: kheap_validate()).
 */
long validate_slab_cache(struct kmem_cache *s)
{
	if (unlikely(!s))
		return -EINVAL;
	if (slab_handover())
		return -EOPNOTSUPP;
	flush_all(s);
	return validate_slab_node(s, &s->node);
}

/*
 * check_freelist - walk a freelist of @slab (@what: whose); the count, or
 * -1 after reporting a link outside the slab or a loop.
 */
static long check_freelist(struct kmem_cache *s, struct slab *slab, void *fp,
			   const char *what)
{
	char *addr = slab_address(slab);
	long nr = 0;

	for (; fp; fp = get_freepointer(s, fp)) {
		unsigned long off = (unsigned long)((char *)fp - addr) - s->red_left_pad;

		if (off >= (unsigned long)slab->objects * s->size ||
		    off % s->size) {
			slab_err(s, slab, "Freechain corrupt: %s object 0x%016lx outside the slab",
				 what, (unsigned long)fp);
			return -1;
		}
		if (++nr > slab->objects) {
			slab_err(s, slab, "Freelist cycle detected (%s)", what);
			return -1;
		}
	}
	return nr;
}

static int check_slab(struct kmem_cache *s, struct slab *slab, const char *where)
{
	if (!PageSlab(slab_page(slab)) || slab->slab_cache != s ||
	    (slab->objects != oo_objects(s->oo) &&
	     slab->objects != oo_objects(s->min)) ||
	    slab->inuse > slab->objects) {
		slab_err(s, slab, "Not a valid %s slab: type %#x cache 0x%016lx objects %u inuse %u",
			 where, slab->__page_type,
			 (unsigned long)slab->slab_cache, slab->objects,
			 slab->inuse);
		return 1;
	}
	if (s->sheaf_mapped) {		/* every frame in the sheaf map */
		unsigned long pfn = page_to_pfn(slab_page(slab));
		unsigned long want = sheaf_map_entry(s, slab_order(slab));

		for (unsigned long i = 0; i < 1UL << slab_order(slab); i++)
			if (slab_sheaf_map[pfn + i] != want) {
				slab_err(s, slab, "%s slab: sheaf map entry %#lx of frame %lu, should be %#lx",
					 where, slab_sheaf_map[pfn + i], i, want);
				return 1;
			}
	}
	return 0;
}

/* True if @x, found in a sheaf (@where), is an object of @s; else report. */
static bool sheaf_object_ok(struct kmem_cache *s, void *x, const char *where,
			    struct validator *v)
{
	struct slab *slab = virt_to_slab(x);

	/* the shim frees through the map: it must know every sheaf object */
	if (slab && slab->slab_cache == s && object_start_ok(s, slab, x) &&
	    (!s->sheaf_mapped ||
	     (slab_sheaf_map[virt_to_pfn(x)] & ~SHEAF_MAP_ORDER_MASK) ==
	     (unsigned long)s))
		return true;
	validator_report(v, "%s object 0x%016lx is not one of the cache's\n",
			 where, (unsigned long)x);
	return false;
}

/*
 * check_sheaves - @c's sheaves (c->lock held): present exactly when the
 * cache has sheaves, within capacity, holding distinct objects of @s at
 * object boundaries.  The main sheaf's count is c->main_size (the CPU is
 * not claimed), 0 without sheaves.
 */
static void check_sheaves(struct kmem_cache *s, struct kmem_cache_cpu *c,
			  unsigned int cpu, struct validator *v)
{
	struct slab_sheaf *sheaves[2] = { c->main, c->spare };
	char where[32];

	lockdep_assert_held(&c->lock);

	snprintf(where, sizeof(where), "cpu %u sheaf", cpu);

	if (!c->main)
		VALIDATE(v, !c->main_size, "cpu %u counts %u objects in no sheaf\n",
			 cpu, c->main_size);
	if (!s->sheaf_capacity) {
		VALIDATE(v, !c->main && !c->spare, "cpu %u has sheaves\n", cpu);
		return;
	}
	if (!c->main && !c->spare)
		return;				/* not made yet */
	if (!c->main || !c->spare || c->main == c->spare) {
		validator_report(v, "cpu %u sheaves half made\n", cpu);
		return;
	}
	for (int k = 0; k < 2; k++) {
		struct slab_sheaf *sh = sheaves[k];
		unsigned int size = k ? sh->size : c->main_size;

		if (sh->capacity != s->sheaf_capacity || size > sh->capacity) {
			validator_report(v, "cpu %u sheaf size %u capacity %u\n",
					 cpu, size, sh->capacity);
			continue;
		}
		for (unsigned int i = 0; i < size; i++) {
			void *x = sh->objects[i];

			if (!sheaf_object_ok(s, x, where, v))
				continue;
			if (slab_double_free_check) {
				void *fp = get_freepointer(s, x);

				VALIDATE(v, !fp || object_start_ok(s, virt_to_slab(x), fp),
					 "cpu %u sheaf object 0x%016lx not marked free\n",
					 cpu, (unsigned long)x);
			}
			for (unsigned int j = i + 1; j < size; j++)
				VALIDATE(v, sh->objects[j] != x,
					 "cpu %u object 0x%016lx twice in a sheaf\n",
					 cpu, (unsigned long)x);
		}
	}
}

/*
 * check_barn - the barn's lists match their counts, full sheaves are full
 * of the cache's objects, empty ones empty, and with the CPUs' sheaves
 * they are all of the cache's sheaves.
 */
static void check_barn(struct kmem_cache *s, struct validator *v)
{
	struct sheaf_barn *barn = &s->node.barn;
	unsigned int full = 0, empty = 0;
	struct slab_sheaf *sh;

	kh_lock(&barn->lock);
	list_for_each_entry(sh, &barn->full, barn_list) {
		full++;
		VALIDATE(v, sh->size == sh->capacity,
			 "barn sheaf 0x%016lx not full (%u)\n",
			 (unsigned long)sh, sh->size);
		for (unsigned int i = 0; i < sh->size && i < sh->capacity; i++)
			sheaf_object_ok(s, sh->objects[i], "barn", v);
	}
	list_for_each_entry(sh, &barn->empty, barn_list) {
		empty++;
		VALIDATE(v, !sh->size, "barn sheaf 0x%016lx not empty (%u)\n",
			 (unsigned long)sh, sh->size);
	}
	VALIDATE(v, full == barn->nr_full && empty == barn->nr_empty &&
		 full <= BARN_SHEAVES && (s->sheaf_capacity || !(full + empty)),
		 "barn holds %u full, %u empty sheaves (counted %u, %u)\n",
		 full, empty, barn->nr_full, barn->nr_empty);
	kh_unlock(&barn->lock);
}

/**
 * slub_validate_cache - check every invariant of @s that holds while no
 * other thread uses it, without changing its state (kheap_validate()):
 * CPU slabs frozen and their freelists inside them, CPU partial chains
 * counted and unfrozen, sheaves and the barn, node partial slabs flagged,
 * unfrozen, with free counts matching their freelists and nr_partial; for
 * a debug cache also every slab's objects (validate_slab(): a cache
 * without debug flags has no bytes to check).  Reports are the kernel's
 * shape: slab_err() for a slab, "SLUB <cache>: ..." (validator_report())
 * for the cache.
 * Return: the number of problems reported.
 */
int slub_validate_cache(struct kmem_cache *s)
{
	struct kmem_cache_node *n = &s->node;
	long slabs = 0, errors = 0, nr_partial = 0;
	struct slub_validator sv;
	struct slab *slab;

	slub_validator_init(&sv, s);
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];
		int chain = 0;

		kh_lock(&c->lock);
		VALIDATE(&sv.v, !(READ_ONCE(c->tid) & 1),
			 "cpu %u pair left claimed\n", cpu);
		slab = c->slab;
		if (slab) {
			slabs++;
			errors += check_slab(s, slab, "cpu");
			if (!slab->frozen) {
				slab_err(s, slab, "cpu %u slab not frozen", cpu);
				errors++;
			}
			if (check_freelist(s, slab, c->freelist, "cpu freelist") < 0)
				errors++;
		} else {
			VALIDATE(&sv.v, !c->freelist,
				 "cpu %u freelist without slab\n", cpu);
		}
		check_sheaves(s, c, cpu, &sv.v);
		for (slab = c->partial; slab; slab = slab->next) {
			slabs++;
			errors += check_slab(s, slab, "cpu partial");
			if (slab->frozen || slab_test_node_partial(slab) ||
			    slab->slabs != c->partial->slabs - chain) {
				slab_err(s, slab, "cpu %u partial slab in a bad state", cpu);
				errors++;
			}
			if (++chain > 100000)
				break;
		}
		kh_unlock(&c->lock);
	}
	check_barn(s, &sv.v);
	kh_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list) {
		long nfree;

		slabs++;
		nr_partial++;
		errors += check_slab(s, slab, "node partial");
		if (slab->frozen || !slab_test_node_partial(slab)) {
			slab_err(s, slab, "Partial slab frozen or not flagged partial");
			errors++;
		}
		if (kmem_cache_debug(s)) {
			errors += validate_slab(s, slab);
			continue;
		}
		nfree = check_freelist(s, slab, slab->freelist, "freelist");
		if (nfree < 0) {
			errors++;
		} else if (nfree != (long)(slab->objects - slab->inuse) ||
			   nfree == 0) {
			slab_err(s, slab, "Wrong object count. Counter is %d but counted were %ld",
				 slab->inuse, (long)slab->objects - nfree);
			errors++;
		}
	}
	if (kmem_cache_debug(s)) {		/* every object's bytes */
		list_for_each_entry(slab, &n->full, slab_list) {
			slabs++;
			errors += validate_slab(s, slab);
		}
	}
	check_nr_partial(n, (unsigned long)nr_partial, &sv.v);
	kh_unlock(&n->list_lock);
	if (slabs > READ_ONCE(n->nr_slabs))
		errors += check_nr_slabs(s, n, slabs);
	return (int)(errors + sv.v.errors);
}

void slub_lock_cache(struct kmem_cache *s)
{
	kh_lock(&s->node.list_lock);
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		kh_lock(&s->cpu_slab[cpu].lock);
	kh_lock(&s->node.barn.lock);
}

void slub_unlock_cache(struct kmem_cache *s)
{
	kh_unlock(&s->node.barn.lock);
	for (unsigned int cpu = slab_nr_cpus; cpu-- > 0;)
		kh_unlock(&s->cpu_slab[cpu].lock);
	kh_unlock(&s->node.list_lock);
}

void slub_reinit_cache(struct kmem_cache *s)
{
	kh_lock_reinit(&s->node.list_lock);
	for (unsigned int cpu = 0; cpu < slab_nr_cpus; cpu++)
		kh_lock_reinit(&s->cpu_slab[cpu].lock);
	kh_lock_reinit(&s->node.barn.lock);
}
