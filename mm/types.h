/* SPDX-License-Identifier: MIT */
/*
 * types.h - glossary of kheap's private data structures.  Every field has a
 * one-line comment; the design behind them is in the essay at the top of the
 * layer file named in each banner.
 */
#ifndef _KHEAP_TYPES_PRIV_H
#define _KHEAP_TYPES_PRIV_H

#include <linux/mm.h>
#include "lib/lock.h"
#include "lib/list.h"
#include "lib/rbtree.h"

#define __cacheline_aligned	__attribute__((aligned(64)))
#define L1_CACHE_BYTES		64

/* ------------------------------------------------------------------ */
/* sparse.c: sections of "physical memory"                             */
/* ------------------------------------------------------------------ */

#define SECTION_SIZE_BITS	27			/* 128 MiB sections */
#define PFN_SECTION_SHIFT	(SECTION_SIZE_BITS - PAGE_SHIFT)
#define PAGES_PER_SECTION	(1UL << PFN_SECTION_SHIFT)
#define pfn_to_section_nr(pfn)	((pfn) >> PFN_SECTION_SHIFT)
#define section_nr_to_pfn(sec)	((unsigned long)(sec) << PFN_SECTION_SHIFT)

#define pageblock_order		9			/* HPAGE_PMD_ORDER */
#define pageblock_nr_pages	(1UL << pageblock_order)

/* Zone boundaries in pfns, as on x86_64: 16 MiB and 4 GiB. */
#define MAX_DMA_PFN		((16UL << 20) >> PAGE_SHIFT)
#define MAX_DMA32_PFN		((4UL << 30) >> PAGE_SHIFT)

/* ------------------------------------------------------------------ */
/* page_alloc.c: zones, free areas, per-CPU page lists                 */
/* ------------------------------------------------------------------ */

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK
};

/* Per-CPU page lists: orders 0..3 per pcp migrate type, then order 9. */
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_THP		2
#define NR_PCP_LISTS		(NR_LOWORDER_PCP_LISTS + NR_PCP_THP)

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];	/* PageBuddy heads */
	unsigned long nr_free;		/* blocks of this order, all types */
};

struct per_cpu_pages {
	kh_lock_t lock;			/* any thread may take it (drain) */
	int count;			/* pages on all lists */
	int high;			/* free down to this when above it */
	int high_min;			/* lower bound of the tuned high */
	int high_max;			/* upper bound of the tuned high */
	int batch;			/* pages moved to/from the buddy */
	u8 alloc_factor;		/* refill batch scale (<< factor) */
	u8 flags;			/* PCPF_* */
	short free_count;		/* consecutive frees, for free_high */
	u8 decay_tick;			/* operations since the decay check */
	unsigned long pgalloc;		/* pages handed out from this list */
	unsigned long pgfree;		/* pages freed onto this list */
	struct list_head lists[NR_PCP_LISTS];	/* by order_to_pindex() */
} __cacheline_aligned;

#define PCPF_PREV_FREE_HIGH_ORDER	0x01
#define PCPF_FREE_HIGH_BATCH		0x02
#define CONFIG_PCP_BATCH_SCALE_MAX	5

/* Zone counters (zone->vm_stat), updated under zone->lock. */
enum zone_stat_item {
	NR_FREE_PAGES,			/* pages in free_area (not pcp) */
	NR_ZONE_ISOLATED,		/* free pages off-list while reported */
	NR_ZONE_REPORTED,		/* free pages given back to the OS */
	NR_VM_ZONE_STAT_ITEMS
};

struct zone {
	kh_lock_t lock;			/* free_area, counters, online */
	unsigned long _watermark[NR_WMARK];	/* min/low/high/promo, pages */
	unsigned long watermark_boost;	/* always 0: no kswapd to undo it */
	long lowmem_reserve[MAX_NR_ZONES];	/* kept for higher zone reqs */
	unsigned long nr_reserved_highatomic;	/* pages in HIGHATOMIC blocks */
	unsigned long zone_start_pfn;	/* first pfn of the zone */
	unsigned long spanned_pages;	/* pfns the zone covers (mem=) */
	unsigned long present_pages;	/* = spanned: all of mem= is RAM */
	unsigned long managed_pages;	/* = present: none is reserved */
	unsigned long online_end_pfn;	/* hot-added up to here (excl.) */
	const char *name;		/* "DMA", "DMA32", "Normal" */
	int idx;			/* enum zone_type */
	struct per_cpu_pages *pcp;	/* array of os_ncpus() pagesets */
	int pageset_high_min;		/* zone_highsize(.., 0) */
	int pageset_high_max;		/* zone_highsize(.., 8) */
	int pageset_batch;		/* zone_batchsize() */
	unsigned long long report_due_ns; /* a reporting pass is due then; 0: none */
	unsigned long long pcp_decay_ns; /* next decay_pcp_high() pass due then */
	unsigned long reported_total;	/* pages ever given back to the OS */
	bool reporting;			/* a reporting pass is running */
	struct free_area free_area[NR_PAGE_ORDERS];	/* the buddy lists */
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];	/* enum zone_stat_item */
	unsigned long peak_used;	/* most pages ever online and not on
					   the free lists (zone->lock) */
	unsigned long pgalloc;		/* pages allocated past the pcp lists */
	unsigned long pgfree;		/* pages freed past the pcp lists */
} __cacheline_aligned;

/* Flags for get_page_from_freelist() (mm/internal.h values). */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10
#define ALLOC_MIN_RESERVE	0x20
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200
#define ALLOC_KSWAPD		0x800
#define ALLOC_RESERVES	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

#define MAX_RECLAIM_RETRIES	16

/* ------------------------------------------------------------------ */
/* vmalloc.c: areas of the vmalloc range                               */
/* ------------------------------------------------------------------ */

/*
 * struct vmap_area - one range of the vmalloc range, in exactly one of the
 * free tree (augmented), the busy tree, or the lazy (purge) tree, or in
 * flight between two of them (see vmalloc.c).
 */
struct vmap_area {
	unsigned long va_start;		/* first byte */
	unsigned long va_end;		/* one past the last byte */
	struct rb_node rb_node;		/* in the tree it belongs to, by va_start */
	struct list_head list;		/* address-sorted list (free, lazy);
					 * pooled: the pool, newest first */
	union {
		unsigned long subtree_max_size;	/* free: largest block below */
		struct vm_struct *vm;		/* busy: its vm_struct */
		unsigned long long pooled_ns;	/* pooled: when it was freed */
	};
	unsigned long flags;		/* unused (the kernel's VMAP_RAM) */
};

#endif /* _KHEAP_TYPES_PRIV_H */
