// SPDX-License-Identifier: MIT
/*
 * shim/malloc.c - the whole malloc API on kheap: libkheap-malloc.so, the
 * library `kheap run` and LD_PRELOAD put under a program.
 *
 * 1. Routing.  Every block is a kheap object; its address says which layer
 *    owns it, so free() needs no header and no lookup table:
 *      size <= 8 KiB          kmalloc caches (kmalloc-8 ... kmalloc-8k; with
 *                             kheap.malloc_fine also malloc-320 ... malloc-7k,
 *                             mm/slab_common.c, 4.): SLUB's per-CPU fast
 *                             path.
 *      8 KiB < size <= 4 MiB  large kmalloc: a compound page block of order
 *                             get_order(size) from the buddy allocator.
 *      size > 4 MiB           vmalloc: order-0 frames accounted, private
 *                             memory mapped at a vmalloc address (pages
 *                             of recently freed areas moved there, else
 *                             fresh), a guard page after it.
 *    free(p): p in the direct map -> kfree() (slab object or large kmalloc,
 *    whose bytes are given back at once from 2 MiB up; anything else there
 *    is reported by kfree as the kernel would); p in the vmalloc range ->
 *    vfree(), which keeps the bytes in vmalloc's bounded pool for the next
 *    blocks (mm/vmalloc.c, 7.); p in the boot arena (4.)
 *    -> nothing; anything else is not ours (5.).  Two range compares
 *    decide, before any load.  realloc() of a vmalloc block to another
 *    vmalloc size moves its pages (vmalloc_move(): mremap, no copy).
 *
 * 2. glibc's semantics where the kernel's differ.  malloc(0) returns a unique
 *    kmalloc-8 object, not ZERO_SIZE_PTR.  A NULL return sets errno ENOMEM.
 *    calloc and reallocarray check n * size for overflow (NULL + ENOMEM).
 *    posix_memalign answers EINVAL for an alignment that is not a power of
 *    two multiple of sizeof(void *); aligned_alloc and memalign follow glibc
 *    2.36 (a non-power-of-two alignment: EINVAL resp. rounded up).
 *    malloc_usable_size() is ksize() (slab objects, large kmalloc) or the
 *    vmalloc area's size without its guard page, never less than asked.
 *
 * 3. Alignment.  kmalloc's power-of-two classes are naturally aligned, and
 *    a buddy block of order n is aligned to PAGE_SIZE << n (the direct map
 *    is reserved aligned to a section, or at least to a MAX_PAGE_ORDER
 *    block under an address space limit).  So an alignment A > 8 is met by asking
 *    for max(size, A) rounded up to a power of two while it stays a slab
 *    size, or for a large kmalloc block (aligned to its own size, >= A) up
 *    to 4 MiB; beyond that __vmalloc_node() with align = A.  Any power of
 *    two up to the size of the vmalloc range works; 64 KiB costs a 64 KiB
 *    block, as in the kernel.
 *
 * 4. Start-up and recursion.  The first call of any entry point initialises
 *    kheap (kheap_ensure_init(): one predictable branch afterwards).  That
 *    may happen inside the dynamic loader, before constructors and before
 *    main.  kheap's init path does not call libc's malloc (options are
 *    parsed without allocating, getenv does not allocate, per-CPU arrays
 *    come from os_reserve); should a libc function it uses ever allocate,
 *    the request is served from a small static boot arena instead of
 *    recursing (shim_in_init marks the initialising thread).  Blocks from
 *    the arena are never freed (free ignores them; realloc copies out).
 *    dump_stack() uses backtrace(), whose first call dlopen()s libgcc_s and
 *    allocates, possibly while a kheap lock is held: mm/debug.c marks the
 *    thread (kheap_in_backtrace) and the shim serves it from the boot arena
 *    meanwhile.  (Priming backtrace() at start-up instead would cost every
 *    process ~400 KiB of RSS for a report it will almost never print.)
 *
 * 5. Pointers the shim did not allocate.  Under LD_PRELOAD the shim is
 *    malloc from the first allocation after the loader relocates itself;
 *    the loader's own minimal-malloc blocks from before that are never
 *    handed to free() by glibc, and the shim also defines glibc's
 *    __libc_malloc family, so no glibc-heap pointer can exist.  A pointer
 *    outside kheap's ranges is therefore a foreign or wild one: free()
 *    ignores it (counted, not reported: a program freeing loader memory is
 *    not wrong), malloc_usable_size() says 0, and realloc() cannot know its
 *    size, so it reports once on stderr and fails with ENOMEM leaving the
 *    block alone, rather than copy bytes it cannot vouch for.
 *
 * 6. GFP.  GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN: direct reclaim
 *    may run (it drains per-CPU lists and shrinks slab caches), retries go
 *    on only while reclaim makes progress, so a request never waits
 *    forever, and a plain ENOMEM prints no allocation-failure report.
 *
 * 7. fork(), threads, dlopen.  libkheap's own pthread_atfork handlers
 *    (mm_init.c) take every kheap lock before fork and release them on both
 *    sides, so a child of a multi-threaded program allocates at once.
 *    Nothing here is per thread except shim_in_init; kheap's state is per
 *    CPU, so threads created before or after initialisation and code in
 *    dlopen()ed objects share one heap.  All memory is private anonymous.
 *
 * 8. Quiet.  The shim starts no thread and installs no handler unless an
 *    option asks: kheap.stats (or KHEAP_STATS=1) prints the peaks (slab
 *    memory, pages in use, RSS, the busiest caches at their own peaks),
 *    meminfo, slabinfo (caches with slabs only, unless kheap.stats_empty),
 *    buddyinfo and vmallocinfo to stderr at exit; kheap.publish starts the
 *    one publisher thread of publish.c.  Options come through the
 *    environment, so every program the process starts inherits them;
 *    kheap.pid=PID (which `kheap run` sets to its program's pid, the same
 *    across exec) keeps stats and publishing to that one process, not its
 *    children or the programs they run.
 *
 * 9. Tracing (`kheap trace record`, kernel/trace/).  The shim's constructor
 *    starts a trace when $KHEAP_TRACE names a file and $KHEAP_TRACE_PID is
 *    this process (so the programs it runs are not recorded into the same
 *    file), or "*": every process records to a file of its own,
 *    $KHEAP_TRACE.PID (`kheap trace record --follow`); its destructor stops
 *    it.  While a trace is recorded,
 *    slab_alloc_hooks keeps malloc off its inline sheaf pop, so every
 *    allocation passes a traced kheap entry point with the program's call
 *    site (_RET_IP_ of the malloc family); the sheaf map is paused, so
 *    free() takes its slow path, which records its kfree or vfree event
 *    itself; realloc() records an in-place resize as a krealloc event.
 *
 * 10. init_on_alloc / init_on_free apply to every block: with either on,
 *     malloc and free leave their inline sheaf paths for kmalloc() and
 *     kfree_slab_object(), which zero as the kernel does (slub.c), and
 *     large blocks and vmalloc areas are zeroed by the page allocator and
 *     vmalloc.  So a freed block holds none of its data under init_on_free.
 *
 * Cost: malloc of a small size is one load and branch for init, the size
 * test, the size-class lookup (one load from malloc_size_cache[]), then the
 * pop of this CPU's sheaf inline (an rseq sequence, no atomic; see
 * mm/slub_fast.h), or else the slab allocation.  free is the sheaf map
 * lookup (sheaf_map_lookup(): one range compare that also turns NULL,
 * every pointer outside the direct map and, while tracing, every pointer
 * away, then the cache and the object boundary from eight bytes per
 * page frame, no struct page) and the sheaf push inline, or else, out of
 * line, the owner's test and virt_to_slab() and the slab free
 * (kfree_slab_object(), what kfree() would call after looking the slab up
 * a second time).  The double free check (slub_fast.h) adds a store to
 * malloc and a load, a bswap, two xors and a store to free.
 */
#include "internal.h"
#include "shim/shim.h"
#include "slab_internal.h"
#include "slub_fast.h"
#include "kfence/kfence.h"
#include "sanitizer.h"
#include "kernel/trace/trace.h"

/* statistics, Valgrind and ASan annotations live in the out-of-line paths */
#if defined(CONFIG_SLUB_STATS) || KHEAP_VALGRIND || KHEAP_ASAN
#define SHIM_INLINE_SLAB	0
#else
#define SHIM_INLINE_SLAB	1
#endif

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SHIM_GFP	(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
#define SHIM_PUBLIC	__attribute__((visibility("default")))
/*
 * The entry points' names: the malloc API itself, or, in the fuzzing
 * build (KHEAP_SHIM_FUZZ, tests/fuzz/fuzz_malloc.c), fuzz_shim_malloc()
 * and so on beside ASan's malloc, so the fuzzer can call them directly.
 */
#ifdef KHEAP_SHIM_FUZZ
#define SHIM_ENTRY(name)	fuzz_shim_##name	/* declared in shim.h */
#else
#define SHIM_ENTRY(name)	name
#endif
/* large kmalloc blocks this big (pageblock order) give their bytes back at free */
#define SHIM_DECOMMIT_MIN	(2UL << 20)

/* ---- the boot arena (4.) ---- */

#define BOOT_ARENA_SIZE	(64 << 10)
static char boot_arena[BOOT_ARENA_SIZE] __attribute__((aligned(PAGE_SIZE)));
static size_t boot_used;
static __thread int shim_in_init __attribute__((tls_model("initial-exec")));
static unsigned long foreign_frees;

static bool in_boot_arena(const void *p)
{
	return (const char *)p >= boot_arena &&
	       (const char *)p < boot_arena + BOOT_ARENA_SIZE;
}

/* A bump allocation for requests made while kheap initialises itself; the
 * block's size is kept in the 8 bytes before it, for realloc. */
static void *boot_alloc(size_t size, size_t align)
{
	size_t old, start;

	if (align < 16)
		align = 16;
	do {
		old = __atomic_load_n(&boot_used, __ATOMIC_RELAXED);
		start = ALIGN(old + 8, align);
		if (start + size > BOOT_ARENA_SIZE || start + size < start)
			return NULL;
	} while (!__atomic_compare_exchange_n(&boot_used, &old, start + size,
					      false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	memcpy(boot_arena + start - 8, &size, sizeof(size));
	return boot_arena + start;	/* static storage: already zero */
}

/* ---- initialisation ---- */

/* false: this thread is initialising kheap or inside dump_stack's
 * backtrace(); serve it from the boot arena */
static __noinline __cold bool shim_init_slow(void)
{
	if (shim_in_init || kheap_in_backtrace)
		return false;
	if (__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE))
		return true;
	shim_in_init = 1;
	kheap_init_slow();
	shim_in_init = 0;
	return true;
}

/*
 * One load and a predictable branch once kheap is up.  A thread inside
 * dump_stack()'s backtrace() is caught later, by shim_alloc_slow(): the
 * inline sheaf pop takes no lock, so it may serve that thread too.
 */
static inline bool shim_ready(void)
{
	if (likely(__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE)))
		return true;
	return shim_init_slow();
}

/* ---- allocation ---- */

static __noinline __cold void *enomem(void)
{
	errno = ENOMEM;
	return NULL;
}

/* Blocks above KMALLOC_MAX_SIZE, or aligned beyond what kmalloc gives. */
static __noinline void *shim_vmalloc(size_t size, size_t align, gfp_t gfp,
				     unsigned long caller)
{
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (size > (1UL << 46))		/* larger than any vmalloc range */
		return NULL;
	return vmalloc_nozero(size, align, gfp, (void *)caller);
}

/*
 * Everything but the inline sheaf pop: slab slow paths, large kmalloc and
 * vmalloc may take kheap's locks, so a thread inside dump_stack()'s
 * backtrace() (which may run with one held) gets the boot arena instead
 * (4.).  @s is the slab cache for sizes up to KMALLOC_MAX_CACHE_SIZE; @ip
 * is the call site of malloc(), realloc(), ... (traces and tracks).
 */
static __noinline void *shim_alloc_slow(size_t size, size_t align, gfp_t gfp,
					struct kmem_cache *s, unsigned long ip)
{
	if (unlikely(kheap_in_backtrace))
		return boot_alloc(size ? size : 1, align);
	if (s)
		return __kmem_cache_alloc_kmalloc(s, gfp, size, ip);
	if (size - 1 < KMALLOC_MAX_SIZE)
		return __kmalloc_node_track_caller(size, gfp, NUMA_NO_NODE, ip);
	if (!size)		/* a unique pointer, not ZERO_SIZE_PTR */
		return __kmalloc_node_track_caller(1, gfp, NUMA_NO_NODE, ip);
	return shim_vmalloc(size, align, gfp, ip);
}

/* The allocator behind every entry point; @align is a power of two.  Always
 * inline, so _RET_IP_ in it is the call site of malloc(), realloc(), ... */
static __always_inline void *shim_alloc(size_t size, size_t align, gfp_t gfp)
{
	struct kmem_cache *s = NULL;
	void *p = NULL;

	if (unlikely(!shim_ready()))
		return boot_alloc(size ? size : 1, align);
	if (unlikely(align > 8)) {
		if (size < align)
			size = align;
		if (size <= KMALLOC_MAX_CACHE_SIZE)
			size = roundup_pow_of_two(size);
	}
	/* kmalloc() without its second init check and size tests (and
	 * without the ASan poisoning kmalloc() adds: only the fuzzing
	 * build has ASan, and there SHIM_INLINE_SLAB is 0),
	 * and the sheaf pop inline when no hook (failslab, KFENCE) is on */
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE)) {
		s = malloc_slab(size, _RET_IP_);
		if (SHIM_INLINE_SLAB && likely(cache_has_sheaves(s) &&
					       !READ_ONCE(slab_alloc_hooks) &&
					       !(gfp & __GFP_ZERO))) {
			p = rseq_sheaf_pop(s);
			if (likely(p)) {
				slab_alloc_unmark(s, p);
				return p;
			}
		}
	}
	p = shim_alloc_slow(size, align, gfp, s, _RET_IP_);
	if (unlikely(!p))
		return enomem();
	return p;
}

/* ---- ownership (1., 5.) ---- */

enum owner { OWN_KMALLOC, OWN_VMALLOC, OWN_BOOT, OWN_FOREIGN };

static inline enum owner owner_of(const void *p)
{
	if (likely(virt_addr_valid(p)))
		return OWN_KMALLOC;
	if (is_vmalloc_addr(p))
		return OWN_VMALLOC;
	if (in_boot_arena(p))
		return OWN_BOOT;
	return OWN_FOREIGN;
}

static size_t usable_size(const void *p)
{
	switch (owner_of(p)) {
	case OWN_KMALLOC:
		return ksize(p);
	case OWN_VMALLOC: {
		struct vm_struct *area = find_vm_area(p);

		return area && area->addr == p ? get_vm_area_size(area) : 0;
	}
	case OWN_BOOT: {
		size_t size;

		memcpy(&size, (const char *)p - 8, sizeof(size));
		return size;
	}
	default:
		return 0;
	}
}


/*
 * Large kmalloc blocks of 2 and 4 MiB (pageblock order and up): free page
 * reporting would give them back 2 s after the free, but a program that
 * grows a list by realloc (python) frees 2 and 4 MiB blocks it never reuses,
 * and would carry them at its peak (python appending 4 million items: 80.6
 * MB peak without this, 71.0 MB with it, glibc 64.4).  Smaller blocks keep
 * their bytes for reuse: a 1 MiB block given back at every free faulted in
 * again at every malloc (mimalloc-bench's mstress: 15 500 page faults,
 * glibc 3 600; 1 MiB blocks also merge into reported pageblocks).
 */
static __noinline void shim_free_large(void *p)
{
	/* 0 unless a block's start: anything else goes to kfree() to be reported */
	size_t size = kmalloc_large_size(p);

	if (size >= SHIM_DECOMMIT_MIN)
		os_decommit(p, size);
	kfree(p);
}

/* free() of anything the sheaf map does not take, for the caller @ip. */
static __always_inline void __shim_free_slow(void *p, unsigned long ip)
{
	struct slab *slab;

	switch (owner_of(p)) {
	case OWN_KMALLOC:
		/* kfree()'s slab case, without looking the slab up again:
		 * a cache the map does not know, a bad pointer (reported), a
		 * slot that looks free already (confirmed and reported) */
		slab = virt_to_slab(p);
		if (unlikely(!slab)) {
			shim_free_large(p);
			return;
		}
		kfree_slab_object(slab, p, ip);
		return;
	case OWN_VMALLOC:
		vfree(p);
		return;
	case OWN_BOOT:
		return;
	default:
		__atomic_fetch_add(&foreign_frees, 1, __ATOMIC_RELAXED);
		return;
	}
}

/*
 * With tracing on (kernel/trace/): the kfree or vfree event with the
 * program's call site, before the free; kheap's own events inside it are
 * nested.
 */
static __noinline __cold void shim_free_traced(void *p, unsigned long caller)
{
	if (!p)
		return;
	switch (owner_of(p)) {
	case OWN_KMALLOC:
		__trace_kfree(caller, p);
		break;
	case OWN_VMALLOC:
		__trace_vfree(caller, p);
		break;
	default:
		break;
	}
	trace_nest_begin();
	if (!SHIM_INLINE_SLAB || !sheaf_map_free_traced(p, NULL))
		__shim_free_slow(p, caller);
	trace_nest_end();
}

/* Out of line: the free's event first while a trace is recorded. */
static __noinline void shim_free_slow(void *p, unsigned long ip)
{
	if (unlikely(trace_enabled())) {
		shim_free_traced(p, ip);
		return;
	}
	__shim_free_slow(p, ip);
}

/*
 * The sheaf map first, with any pointer (its one range compare also turns
 * NULL, vmalloc, boot and foreign pointers away, and every pointer while
 * a trace is recorded: slab_sheaf_map_pause()), no struct page; everything
 * else out of line, where tracing is tested.
 */
static __always_inline void shim_free(void *p)
{
	if (SHIM_INLINE_SLAB && likely(sheaf_map_free(p, NULL)))
		return;
	shim_free_slow(p, _RET_IP_);
}

/* ---- the malloc API ---- */

SHIM_PUBLIC void *SHIM_ENTRY(malloc)(size_t size)
{
	return shim_alloc(size, 8, SHIM_GFP);
}

SHIM_PUBLIC void SHIM_ENTRY(free)(void *p)
{
	shim_free(p);
}

SHIM_PUBLIC void *SHIM_ENTRY(calloc)(size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return enomem();
	if (unlikely(bytes > KMALLOC_MAX_SIZE))	/* vmalloc zeroes what it reuses */
		return shim_alloc(bytes, 8, SHIM_GFP | __GFP_ZERO);
	if (unlikely(bytes > KMALLOC_MAX_CACHE_SIZE)) {
		void *p = shim_alloc(bytes, 8, SHIM_GFP);

		/* a large kmalloc block is a power of two: zero what was
		 * asked for, not the tail (RSS) */
		if (p)
			memset(p, 0, bytes);
		return p;
	}
	return shim_alloc(bytes, 8, SHIM_GFP | __GFP_ZERO);
}

static __noinline __cold void *realloc_foreign(void *p)
{
	static int once;

	if (!__atomic_exchange_n(&once, 1, __ATOMIC_RELAXED))
		pr_err("kheap: realloc(%p): not allocated by kheap's malloc; its size is unknown, failing with ENOMEM\n",
		       p);
	return enomem();
}

SHIM_PUBLIC void *SHIM_ENTRY(realloc)(void *p, size_t size)
{
	size_t old;
	void *n;

	if (!p)
		return SHIM_ENTRY(malloc)(size);
	if (!size) {			/* glibc: free and return NULL */
		shim_free(p);
		return NULL;
	}
	if (unlikely(owner_of(p) == OWN_FOREIGN))
		return realloc_foreign(p);
	old = usable_size(p);
	/* keep the block while it fits and is not more than twice too big */
	if (size <= old && (size > old / 2 || old <= 16)) {
		if (unlikely(trace_enabled()))
			__trace_krealloc(_RET_IP_, p, size, old);
		return p;
	}
	/* vmalloc to vmalloc: the pages move to the new area, no copy */
	if (size > KMALLOC_MAX_SIZE && owner_of(p) == OWN_VMALLOC) {
		n = vmalloc_move(p, size, SHIM_GFP, (void *)_RET_IP_);
		return n ? n : enomem();
	}
	n = shim_alloc(size, 8, SHIM_GFP);	/* inline: the caller's call site */
	if (!n)
		return NULL;
	memcpy(n, p, min(old, size));
	shim_free(p);
	return n;
}

SHIM_PUBLIC void *SHIM_ENTRY(reallocarray)(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return enomem();
	return SHIM_ENTRY(realloc)(p, bytes);
}

SHIM_PUBLIC int SHIM_ENTRY(posix_memalign)(void **res, size_t align, size_t size)
{
	void *p;

	if (!is_power_of_2(align) || align % sizeof(void *))
		return EINVAL;
	p = shim_alloc(size, align, SHIM_GFP);
	if (!p)
		return ENOMEM;
	*res = p;
	return 0;
}

SHIM_PUBLIC void *SHIM_ENTRY(aligned_alloc)(size_t align, size_t size)
{
	if (!is_power_of_2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return shim_alloc(size, align, SHIM_GFP);
}

SHIM_PUBLIC void *SHIM_ENTRY(memalign)(size_t align, size_t size)
{
	if (align > (1UL << 46)) {
		errno = EINVAL;
		return NULL;
	}
	if (!is_power_of_2(align))
		align = align ? roundup_pow_of_two(align) : 1;	/* as glibc's _int_memalign */
	return shim_alloc(size, align, SHIM_GFP);
}

SHIM_PUBLIC void *SHIM_ENTRY(valloc)(size_t size)
{
	return shim_alloc(size, PAGE_SIZE, SHIM_GFP);
}

SHIM_PUBLIC void *SHIM_ENTRY(pvalloc)(size_t size)
{
	size_t bytes = ALIGN(size, PAGE_SIZE);

	if (bytes < size)
		return enomem();
	return shim_alloc(bytes ? bytes : PAGE_SIZE, PAGE_SIZE, SHIM_GFP);
}

SHIM_PUBLIC size_t SHIM_ENTRY(malloc_usable_size)(void *p)
{
	return p ? usable_size(p) : 0;
}

/*
 * glibc's internal names, so no block can come from glibc's own heap.
 * glibc's headers do not declare them: the prototypes are here.
 */
void *SHIM_ENTRY(__libc_malloc)(size_t size);
void SHIM_ENTRY(__libc_free)(void *p);
void *SHIM_ENTRY(__libc_calloc)(size_t n, size_t s);
void *SHIM_ENTRY(__libc_realloc)(void *p, size_t s);
void *SHIM_ENTRY(__libc_memalign)(size_t a, size_t s);
void *SHIM_ENTRY(__libc_valloc)(size_t s);
void *SHIM_ENTRY(__libc_pvalloc)(size_t s);
void SHIM_ENTRY(cfree)(void *p);

SHIM_PUBLIC void *SHIM_ENTRY(__libc_malloc)(size_t size) { return SHIM_ENTRY(malloc)(size); }
SHIM_PUBLIC void SHIM_ENTRY(__libc_free)(void *p) { shim_free(p); }
SHIM_PUBLIC void *SHIM_ENTRY(__libc_calloc)(size_t n, size_t s) { return SHIM_ENTRY(calloc)(n, s); }
SHIM_PUBLIC void *SHIM_ENTRY(__libc_realloc)(void *p, size_t s) { return SHIM_ENTRY(realloc)(p, s); }
SHIM_PUBLIC void *SHIM_ENTRY(__libc_memalign)(size_t a, size_t s) { return SHIM_ENTRY(memalign)(a, s); }
SHIM_PUBLIC void *SHIM_ENTRY(__libc_valloc)(size_t s) { return SHIM_ENTRY(valloc)(s); }
SHIM_PUBLIC void *SHIM_ENTRY(__libc_pvalloc)(size_t s) { return SHIM_ENTRY(pvalloc)(s); }
SHIM_PUBLIC void SHIM_ENTRY(cfree)(void *p) { shim_free(p); }

/*
 * malloc_trim - give back what can be given back now: every cache shrunk
 * (sheaves, CPU slabs, empty slabs), the per-CPU page lists drained, and
 * every free block of pageblock order reported to the OS at once instead of
 * after free page reporting's 2 s.  @pad (glibc's slack at the top of its
 * heap) has no meaning here.  Returns 1 if the resident set shrank, as
 * glibc's returns 1 when it released memory.
 */
SHIM_PUBLIC int SHIM_ENTRY(malloc_trim)(size_t pad)
{
	unsigned long before, after;

	(void)pad;
	if (!READ_ONCE(kheap_initialized))
		return 0;
	before = os_rss_kb();
	kmem_cache_shrink_all();
	vm_unmap_aliases();		/* pooled vmalloc areas' bytes too */
	drain_all_pages(NULL);
	kheap_page_reporting_flush();
	after = os_rss_kb();
	return after < before;
}

SHIM_PUBLIC struct mallinfo2 SHIM_ENTRY(mallinfo2)(void)
{
	struct mallinfo2 mi = { 0 };

	if (READ_ONCE(kheap_initialized)) {
		mi.uordblks = (node_page_state(NR_SLAB_UNRECLAIMABLE) +
			       node_page_state(NR_SLAB_RECLAIMABLE) +
			       node_page_state(NR_VMALLOC)) << PAGE_SHIFT;
		mi.arena = mi.uordblks;
	}
	return mi;
}

SHIM_PUBLIC struct mallinfo SHIM_ENTRY(mallinfo)(void)
{
	struct mallinfo2 m2 = SHIM_ENTRY(mallinfo2)();
	struct mallinfo mi = { 0 };

	mi.uordblks = (int)m2.uordblks;
	mi.arena = (int)m2.arena;
	return mi;
}

/* ---- start and exit (4., 8.) ---- */

/* stderr as it was at start-up: programs such as sort(1) close fd 2 at exit */
static int stats_fd = -1;

/*
 * slabinfo without the caches that have no slabs (all numbers 0), unless
 * kheap.stats_empty: printed into a buffer taken before any view lock,
 * then copied line by line.  Returns kheap_proc_show()'s result: -ENOENT
 * under SLOB, which has no slabinfo.
 */
static int print_slabinfo(FILE *out)
{
	const size_t size = 1UL << 20;
	char *buf = kheap_config.stats_empty ? NULL : malloc(size);
	FILE *f = buf ? fmemopen(buf, size, "w") : NULL;
	int line = 0, ret;

	if (!f) {
		free(buf);
		return kheap_proc_show("slabinfo", out);
	}
	setvbuf(f, NULL, _IONBF, 0);
	ret = kheap_proc_show("slabinfo", f);
	buf[min((size_t)ftell(f), size - 1)] = 0;
	fclose(f);
	for (char *l = buf, *nl; *l; l = nl, line++) {
		unsigned long active = 0, num = 0;

		nl = strchr(l, '\n');
		nl = nl ? nl + 1 : l + strlen(l);
		if (line >= 2 && sscanf(l, "%*s %lu %lu", &active, &num) == 2 &&
		    !active && !num)
			continue;
		fwrite(l, 1, (size_t)(nl - l), out);
	}
	free(buf);
	return ret;
}

static void print_stats(void)
{
	static const char *const views[] = {
		"peaks", "meminfo", "slabinfo", "buddyinfo", "vmallocinfo",
#ifdef CONFIG_SLUB_STATS
		"slub_stats",
#endif
	};
	FILE *out = stats_fd >= 0 ? fdopen(stats_fd, "w") : NULL;

	if (!out)
		return;
	setvbuf(out, NULL, _IONBF, 0);	/* never allocates while printing */
	fflush(stderr);
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		int ret;

		fprintf(out, "==> kheap %s of %s (pid %d) <==\n", views[i],
			kheap_comm(), os_getpid());
		ret = !strcmp(views[i], "slabinfo") ? print_slabinfo(out) :
		      kheap_proc_show(views[i], out);
		if (ret == -ENOENT)	/* SLOB: no slabinfo */
			fprintf(out, "kheap: no %s view under slab_allocator=%s\n",
				views[i], slab_ops->name);
	}
	fclose(out);
	stats_fd = -1;
}

/* kheap.pid: stats and publishing for that process only (not a child). */
static bool options_are_mine(void)
{
	return !kheap_config.stats_pid ||
	       kheap_config.stats_pid == (unsigned int)os_getpid();
}

/* $KHEAP_TRACE, if $KHEAP_TRACE_PID is this process (9.); no allocation. */
static void shim_trace_start(void)
{
	static char each[4096];
	const char *path = getenv("KHEAP_TRACE");
	const char *pid = getenv("KHEAP_TRACE_PID");
	long want = 0;
	int err;

	if (!path || !*path)
		return;
	if (pid && !strcmp(pid, "*")) {
		/* every process: its own file, PATH.PID */
		if (snprintf(each, sizeof(each), "%s.%d", path, os_getpid()) >=
		    (int)sizeof(each))
			return;
		path = each;
	} else {
		for (; pid && *pid >= '0' && *pid <= '9'; pid++)
			want = want * 10 + (*pid - '0');
		if (want != os_getpid())
			return;
	}
	err = kheap_trace_start(path);
	if (err)
		pr_err("kheap: trace: cannot record to %s: %s\n", path,
		       strerror(-err));
}

__attribute__((constructor)) static void shim_start(void)
{
	const char *env = getenv("KHEAP_STATS");

	if (!shim_ready())
		return;
	if (env && env[0] && strcmp(env, "0"))
		kheap_config.stats = true;
	shim_trace_start();
	if (!options_are_mine())
		return;
	if (kheap_config.stats)
		stats_fd = os_dup_cloexec(2);
	if (kheap_config.publish)
		shim_publish_start();
}

__attribute__((destructor)) static void shim_stop(void)
{
	if (!READ_ONCE(kheap_initialized))
		return;
	if (trace_enabled())
		kheap_trace_stop();
	if (!options_are_mine())
		return;
	if (kheap_config.stats)
		print_stats();
	if (kheap_config.publish)
		shim_publish_stop();
}
