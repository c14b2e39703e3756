/* SPDX-License-Identifier: MIT */
/*
 * internal.h - kheap's private prototypes, grouped by the file that defines
 * them.  Every kheap source file includes this header first: it gives the
 * public <linux/...> and <kheap/...> declarations default visibility, while
 * everything else is built with -fvisibility=hidden and so stays private to
 * the shared library.
 */
#ifndef _KHEAP_INTERNAL_H
#define _KHEAP_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdarg.h>
#include <stdio.h>

#pragma GCC visibility push(default)
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/string.h>
#include <linux/mempool.h>
#include <kheap/kheap.h>
#include <kheap/extfrag.h>
#include <kheap/trace.h>
#pragma GCC visibility pop

#include "debug.h"
#include "types.h"
#include "lib/bitops.h"
#include "os/prim.h"

/* The kernel's helper macros, which kheap's public headers leave to the
 * user's project (kheap/types.h). */
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(nr)		(1UL << (nr))
#define __must_check	__kh_must_check
#define __malloc	__kh_malloc
#define __printf(a, b)	__kh_printf(a, b)
#define __noinline	__attribute__((noinline))
#define __cold		__attribute__((cold))
#define __hot		__attribute__((hot))
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
/*
 * smp_mb() - a full memory barrier.  TSan does not model fences (GCC warns
 * that it ignores them); there an atomic read-modify-write of a private
 * word, which TSan sees and which is a full barrier on x86 too.
 */
#ifdef __SANITIZE_THREAD__
#define smp_mb()	do {						\
		static int __kheap_mb;					\
		__atomic_fetch_add(&__kheap_mb, 0, __ATOMIC_SEQ_CST);	\
	} while (0)
#else
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define ALIGN(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define K(pages)	((pages) << (PAGE_SHIFT - 10))

/* ---- mm_init.c ---- */
extern int kheap_initialized;		/* set once everything is ready */
void kheap_init_slow(void) __cold;
/*
 * Layers above the page allocator hook into initialisation and validation
 * through this table (filled in mm_init.c, in layer order, bottom-up).
 */
struct kheap_layer {
	const char *name;
	int (*init)(void);
	int (*validate)(void);
};
/*
 * fork() takes every kheap lock in the one lock order (docs/design.md,
 * "Lock order"): mm_init.c's fork_steps[] lists them, outermost first.  A
 * step is one lock, or a family of locks its file takes in order itself
 * (prepare), releases in the parent (parent) and re-initialises in the
 * child (child), resetting what else the child needs.
 */
struct kheap_fork_step {
	const char *name;		/* as docs/design.md names it */
	kh_lock_t *lock;		/* one lock, or NULL and: */
	void (*prepare)(void);
	void (*parent)(void);
	void (*child)(void);
};
/* Make sure kheap is initialised; one predictable branch once it is. */
static inline void kheap_ensure_init(void)
{
	if (__builtin_expect(!__atomic_load_n(&kheap_initialized,
					      __ATOMIC_ACQUIRE), 0))
		kheap_init_slow();
}

/* ---- params.c ---- */
/* slab_allocator=: the kernel's three slab allocators, fixed at init */
enum slab_allocator_kind {
	SLAB_ALLOCATOR_SLUB,		/* mm/slub.c (the default, as v6.12) */
	SLAB_ALLOCATOR_SLAB,		/* mm/slab.c (last in v6.7) */
	SLAB_ALLOCATOR_SLOB,		/* mm/slob.c (last in v6.3) */
};
struct kheap_config {
	unsigned long mem;		/* mem=: bytes of "physical memory" */
	unsigned int min_free_kbytes;	/* 0 = computed as the kernel does */
	unsigned int watermark_scale_factor;
	unsigned int percpu_pagelist_high_fraction;
	bool page_reporting;		/* page_reporting.enabled */
	unsigned int page_reporting_order;	/* page_reporting.page_reporting_order */
	unsigned int page_reporting_capacity;	/* blocks per reporting batch */
	unsigned int page_reporting_delay_ms;	/* PAGE_REPORTING_DELAY */
	bool thp;			/* transparent_hugepage for the direct map */
	bool debug_validate;		/* kheap.validate: walk after each op */
	unsigned long vmalloc_size;	/* vmalloc=: bytes of the vmalloc range */
	unsigned int slab_min_order;	/* slab_min_order= (slub_min_order=) */
	unsigned int slab_max_order;	/* slab_max_order= (slub_max_order=) */
	bool slab_max_order_set;	/* given on the command line (SLAB) */
	unsigned int slab_allocator;	/* enum slab_allocator_kind */
	unsigned int slab_min_objects;	/* slab_min_objects=; 0 = from CPUs */
	bool slab_nomerge;		/* slab_nomerge / slab_merge */
	bool stats;			/* kheap.stats: shim prints views at exit */
	bool stats_empty;		/* kheap.stats_empty: and empty caches */
	unsigned int stats_pid;		/* kheap.pid: stats/publish only there */
	bool publish;			/* kheap.publish: shim serves its views */
	bool rseq;			/* kheap.rseq: per-CPU fast paths on rseq */
	bool sheaves;			/* kheap.sheaves: per-CPU object arrays */
	bool slab_freelist_hardened;	/* CONFIG_SLAB_FREELIST_HARDENED */
	bool double_free_check;		/* kheap.double_free_check */
	bool slab_freelist_random;	/* CONFIG_SLAB_FREELIST_RANDOM */
	bool random_kmalloc_caches;	/* CONFIG_RANDOM_KMALLOC_CACHES */
	bool panic_on_warn;		/* panic_on_warn: abort after a report */
	bool malloc_fine;		/* kheap.malloc_fine: shim's 4 classes/doubling */
	bool init_on_alloc;		/* init_on_alloc=: as requested */
	bool init_on_free;		/* init_on_free=: as requested */
	bool page_poison;		/* page_poison=: as requested */
	unsigned int trace_clock;	/* trace_clock=: enum kheap_trace_clock */
};

/* trace_clock=: what a trace's events are stamped with (the kernel's names) */
enum kheap_trace_clock {
	TRACE_CLOCK_LOCAL,	/* x86-tsc where it is the clocksource, else mono */
	TRACE_CLOCK_X86_TSC,	/* the time-stamp counter, read at each event */
	TRACE_CLOCK_MONO,	/* CLOCK_MONOTONIC, read at each event */
	TRACE_CLOCK_UPTIME,	/* CLOCK_MONOTONIC at a 1 ms tick: no read */
	TRACE_CLOCK_COUNTER,	/* an atomic counter: order, not time */
	NR_TRACE_CLOCKS
};
extern const char *const trace_clock_names[NR_TRACE_CLOCKS];
extern struct kheap_config kheap_config;
int kheap_parse_cmdline(const char *cmdline, const char *source);
unsigned long long kheap_memparse(const char *ptr, char **retptr);

/* ---- mm/debug.c: messages in the kernel's shape, on stderr ---- */
void kheap_printk(const char *fmt, ...) __printf(1, 2);
void kheap_vprintk(const char *fmt, va_list ap);
#define pr_err(...)	kheap_printk(__VA_ARGS__)
#define pr_warn(...)	kheap_printk(__VA_ARGS__)
#define pr_info(...)	kheap_printk(__VA_ARGS__)
#define pr_cont(...)	kheap_printk(__VA_ARGS__)
void kheap_dump_stack(void);
void kheap_check_panic_on_warn(const char *origin);	/* panic_on_warn */
extern __thread int kheap_in_backtrace;	/* inside dump_stack's backtrace() */
#define dump_stack()	kheap_dump_stack()
/* "GFP_KERNEL|__GFP_ZERO" for @gfp, as %pGg prints it */
int kheap_format_gfp(char *buf, size_t len, gfp_t gfp);
/* the mask of one of those names; false if unknown */
bool kheap_gfp_by_name(const char *name, size_t len, gfp_t *mask);
const char *kheap_comm(void);
void kheap_print_hex_dump(const char *prefix, bool with_address,
			  const void *buf, size_t len);
/*
 * memchr_inv - the first byte of @start[0, @bytes) that is not @c, or NULL
 * (the kernel's, v6.12 lib/string.c): eight bytes at a time where
 * aligned.  For the checks of poison and red zones.
 */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start, value = (u8)c;
	const u64 pattern = 0x0101010101010101ULL * value;

	for (; bytes && ((unsigned long)p & 7); p++, bytes--)
		if (*p != value)
			return (void *)p;
	for (; bytes >= 8; p += 8, bytes -= 8) {
		u64 word;

		memcpy(&word, p, sizeof(word));
		if (word != pattern)
			break;
	}
	for (; bytes; p++, bytes--)
		if (*p != value)
			return (void *)p;
	return NULL;
}
/* Allow one message per @interval_ns; false when rate-limited. */
bool kheap_ratelimit(unsigned long long *last_ns, unsigned long long interval_ns);
/* %pS: "symbol+0xoff/0xsize" for a code address; no stdio (signal-safe) */
#define KSYM_SYMBOL_LEN	256
size_t sprint_symbol(char *buf, size_t len, const void *addr);
/*
 * The *_validate() walkers: each broken invariant is one report,
 * "<walker>: <message>", counted in the walker's struct validator:
 *	struct validator v = { "vmap_validate" };
 *	VALIDATE(&v, va->va_start < va->va_end, "area %#lx malformed\n", ...);
 *	return v.errors;
 * SLUB's name is "SLUB <cache>", the kernel's shape for its count checks,
 * and its @counted hook adds each report to a running KUnit test's count.
 */
struct validator {
	const char *name;	/* the walker, as reports name it */
	int errors;		/* invariants found broken so far */
	void (*counted)(void);	/* if set, called after each report */
};
void validator_report(struct validator *v, const char *fmt, ...) __printf(2, 3) __cold;
#define VALIDATE(v, cond, ...)						\
	do {								\
		if (unlikely(!(cond)))					\
			validator_report(v, __VA_ARGS__);		\
	} while (0)

/* ---- sparse.c ---- */
struct kheap_memmap {
	unsigned long nr_sections;	/* sections in mem= */
	unsigned long nr_committed;	/* sections made accessible so far */
	unsigned long first_section;	/* the first one hot-added */
	u8 *committed;			/* one byte per section: 1 if online */
	u8 *pageblock_mt;		/* migrate type per pageblock */
	kh_lock_t lock;			/* serialises commits */
};
extern struct kheap_memmap kheap_memmap;
extern bool kheap_address_space_short;	/* mem= did not fit: shrunk */
int memmap_init(void);
int memmap_commit_section(unsigned long sec);
static inline bool pfn_section_online(unsigned long pfn)
{
	return pfn < max_pfn &&
	       __atomic_load_n(&kheap_memmap.committed[pfn_to_section_nr(pfn)],
			       __ATOMIC_ACQUIRE);
}
static inline int get_pageblock_migratetype(const struct page *page)
{
	return kheap_memmap.pageblock_mt[page_to_pfn(page) >> pageblock_order];
}
static inline void set_pageblock_migratetype(struct page *page, int mt)
{
	kheap_memmap.pageblock_mt[page_to_pfn(page) >> pageblock_order] = (u8)mt;
}

/* ---- page_alloc.c ---- */
/*
 * kheap's own GFP bit, above the kernel's: frames whose bytes nobody reads
 * (vmalloc's accounting frames).  init_on_alloc and init_on_free leave
 * them untouched; the page is marked PG_frames_only while allocated.
 */
#define __GFP_FRAMES_ONLY	((gfp_t)(1U << 30))
#define PG_frames_only		PG_arch_1	/* PG_owner_priv_1 is PG_on_pcp */
extern bool page_poisoning;		/* page_poison=1 (page_alloc.c) */
extern struct zone kheap_zones[MAX_NR_ZONES];
extern unsigned long totalreserve_pages;
static inline struct zone *page_zone(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (pfn >= MAX_DMA32_PFN)
		return &kheap_zones[ZONE_NORMAL];
	return pfn >= MAX_DMA_PFN ? &kheap_zones[ZONE_DMA32] : &kheap_zones[ZONE_DMA];
}
static inline bool populated_zone(const struct zone *z)
{
	return z->spanned_pages != 0;
}
static inline unsigned long zone_page_state(const struct zone *z,
					    enum zone_stat_item item)
{
	long v = __atomic_load_n(&z->vm_stat[item], __ATOMIC_RELAXED);
	return v < 0 ? 0 : (unsigned long)v;
}
/* Free pages of a zone, counting memory not yet hot-added as free. */
unsigned long zone_free_pages(const struct zone *z);
unsigned long zone_uncommitted_pages(const struct zone *z);
static inline unsigned long wmark_pages(const struct zone *z, int i)
{
	return READ_ONCE(z->_watermark[i]) + z->watermark_boost;
}
int page_alloc_init(void);
int page_alloc_validate(void);
void page_alloc_fork_prepare(void);
void page_alloc_fork_parent(void);
void page_alloc_fork_child(void);
void page_alloc_wake_waiters(void);
unsigned long global_free_pages(void);	/* buddy + uncommitted */
unsigned long global_pcp_pages(void);
unsigned long zone_pcp_pages(const struct zone *zone);
/* pages allocated from and freed to @zone so far (pgalloc_, pgfree) */
void zone_page_events(const struct zone *zone, unsigned long *pgalloc,
		      unsigned long *pgfree);
extern const char *const migratetype_names[MIGRATE_TYPES];
extern const char *const zone_names[MAX_NR_ZONES];
void show_free_areas(FILE *out);

/* Node-wide counters other layers keep (the kernel's node_stat_item). */
enum node_stat_item {
	NR_SLAB_RECLAIMABLE,		/* pages in reclaimable slabs */
	NR_SLAB_UNRECLAIMABLE,	/* pages in unreclaimable slabs */
	NR_KERNEL_MISC_RECLAIMABLE,	/* other reclaimable pages */
	NR_VMALLOC,			/* pages backing vmalloc areas */
	NR_KMALLOC_LARGE,		/* pages of large kmalloc objects */
	NR_PERCPU_B,			/* bytes of kheap's per-CPU structures */
	NR_VM_NODE_STAT_ITEMS
};
extern long kheap_node_stat[NR_VM_NODE_STAT_ITEMS];
static inline void mod_node_page_state(enum node_stat_item item, long delta)
{
	__atomic_fetch_add(&kheap_node_stat[item], delta, __ATOMIC_RELAXED);
}
static inline unsigned long node_page_state(enum node_stat_item item)
{
	long v = __atomic_load_n(&kheap_node_stat[item], __ATOMIC_RELAXED);
	return v < 0 ? 0 : (unsigned long)v;
}
/* The most slab pages (both kinds) ever: slub.c notes it per new slab. */
extern long kheap_slab_pages_peak;
static inline void note_slab_pages_peak(void)
{
	long now = __atomic_load_n(&kheap_node_stat[NR_SLAB_RECLAIMABLE], __ATOMIC_RELAXED) +
		   __atomic_load_n(&kheap_node_stat[NR_SLAB_UNRECLAIMABLE], __ATOMIC_RELAXED);
	long peak = __atomic_load_n(&kheap_slab_pages_peak, __ATOMIC_RELAXED);

	while (now > peak &&
	       !__atomic_compare_exchange_n(&kheap_slab_pages_peak, &peak, now,
					    true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* ---- vmscan.c: direct reclaim and shrinkers ---- */
extern __thread int kheap_in_reclaim;	/* PF_MEMALLOC */
void vmscan_fork_prepare(void);
void vmscan_fork_parent(void);
void vmscan_fork_child(void);
unsigned long try_to_free_pages(gfp_t gfp, unsigned int order);
unsigned long shrink_slab(gfp_t gfp, int priority);
int vmscan_validate(void);

/* ---- slab_common.c: the slab layer (see slub.c's essay) ---- */
extern const struct kheap_layer slab_layer;
void slab_mutex_fork_prepare(void);	/* slab_mutex */
void slab_mutex_fork_parent(void);
void slab_mutex_fork_child(void);
void slab_caches_fork_prepare(void);	/* every cache's locks */
void slab_caches_fork_parent(void);
void slab_caches_fork_child(void);
int slab_validate(void);		/* every cache's invariants; errors */
void slab_sheaf_map_pause(bool pause);	/* tracing: frees past the map */
/* the busiest caches at their own high-water marks, for the "peaks" view */
int slab_peaks_show(FILE *out);
/* ---- slab_common.c: the kmalloc part ---- */
extern const struct kheap_layer kmalloc_layer;
/* bytes of the large kmalloc block starting at @object, else 0 (quiet) */
size_t kmalloc_large_size(const void *object);

/* ---- kernel/rcu/tree.c: kfree_rcu batching ---- */
extern const struct kheap_layer kfree_rcu_layer;
void kfree_rcu_fork_prepare(void);	/* every CPU's batch lock */
void kfree_rcu_fork_parent(void);
void kfree_rcu_fork_child(void);

/* ---- vmalloc.c ---- */
extern const struct kheap_layer vmalloc_layer;
int vmalloc_init(void);
int vmap_validate(void);
void vmalloc_fork_prepare(void);
void vmalloc_fork_parent(void);
void vmalloc_fork_child(void);
void *vmalloc_nozero(unsigned long size, unsigned long align, gfp_t gfp,
		     const void *caller);
void *vmalloc_move(const void *p, unsigned long size, gfp_t gfp,
		   const void *caller);

/* ---- vmstat.c: the /proc-style views ---- */
/*
 * Events of slow paths (the kernel's enum vm_event_item, the part kheap
 * counts here; pgalloc_<zone> and pgfree live in the zones and their
 * per-CPU lists, see zone_page_events()).
 */
enum vm_event_item {
	ALLOCSTALL_DMA,			/* direct reclaim entries, by the */
	ALLOCSTALL_DMA32,		/* request's highest zone */
	ALLOCSTALL_NORMAL,
	SLABS_SCANNED,			/* objects the shrinkers scanned */
	NR_VM_EVENT_ITEMS
};
extern unsigned long kheap_vm_events[NR_VM_EVENT_ITEMS];
static inline void count_vm_events(enum vm_event_item item, unsigned long n)
{
	__atomic_fetch_add(&kheap_vm_events[item], n, __ATOMIC_RELAXED);
}
static inline unsigned long vm_event(enum vm_event_item item)
{
	return __atomic_load_n(&kheap_vm_events[item], __ATOMIC_RELAXED);
}
typedef int (*proc_show_fn)(FILE *out);
extern kh_lock_t views_lock;		/* the view registry; a leaf */
/* a write to a view: @count bytes of @buf; returns @count or -errno */
typedef long (*proc_write_fn)(const char *buf, size_t count);
void kheap_proc_register(const char *name, proc_show_fn fn);
/* Views "PREFIXrest": @fn gets rest; -ENOENT when it names nothing. */
typedef int (*proc_show_dir_fn)(const char *rest, FILE *out);
void kheap_proc_register_dir(const char *prefix, proc_show_dir_fn fn);
void kheap_proc_register_rw(const char *name, proc_show_fn fn,
			    proc_write_fn wfn);
void proc_init(void);

#endif /* _KHEAP_INTERNAL_H */
