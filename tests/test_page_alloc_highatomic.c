// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_highatomic - the highatomic reserve, as v6.12 keeps it:
 *  - a high-order atomic allocation that succeeds in the slow path sets its
 *    pageblock aside as MIGRATE_HIGHATOMIC, up to ~1% of the zone;
 *  - later high-order atomic requests take from it; ordinary ones cannot;
 *  - when a blocking allocation fails after reclaim, one reserved pageblock
 *    is given back while more than one is reserved (the last one is only
 *    released on the OOM path, which kheap does not have).
 * percpu_pagelist_high_fraction keeps the per-CPU lists small so that their
 * refills do not overshoot the watermarks of this small (512M) machine.
 */
#include "internal.h"
#include "check.h"

/* free pages after init: other layers (slab) may hold a few */
static unsigned long base_free;

#define MAXP (1 << 17)
static struct page *held[MAXP];
static int nr_held;
static struct page *atomics[4096];
static int nr_atomics;

/* Allocate until @gfp fails even with the per-CPU lists drained. */
static void fill(gfp_t gfp)
{
	int got;

	do {
		got = 0;
		while (nr_held < MAXP) {
			struct page *p = alloc_pages(gfp | __GFP_NOWARN, 0);
			if (!p)
				break;
			held[nr_held++] = p;
			got++;
		}
		drain_all_pages(NULL);
	} while (got);
}

static void test_reserve_created_under_pressure(void)
{
	struct zone *z = &kheap_zones[ZONE_DMA32];

	fill(GFP_NOWAIT | __GFP_DMA32);		/* down to the min watermark */
	CHECK_EQ(z->nr_reserved_highatomic, 0);
	struct page *p = alloc_pages(GFP_ATOMIC | __GFP_DMA32, 2);
	CHECK(p != NULL);
	if (!p)
		return;
	atomics[nr_atomics++] = p;
	CHECK(page_zone(p) == z);
	CHECK_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	CHECK_EQ(get_pageblock_migratetype(p), MIGRATE_HIGHATOMIC);
	CHECK_EQ(page_alloc_validate(), 0);

	/* the next one comes from the reserved pageblock */
	struct page *q = alloc_pages(GFP_ATOMIC | __GFP_DMA32, 2);
	CHECK(q != NULL);
	if (!q)
		return;
	atomics[nr_atomics++] = q;
	CHECK_EQ(page_to_pfn(q) >> pageblock_order, page_to_pfn(p) >> pageblock_order);
	/* ordinary requests find nothing, though the reserve has free pages */
	fill(GFP_NOWAIT | __GFP_DMA32);
	CHECK(alloc_pages(GFP_NOWAIT | __GFP_DMA32, 2) == NULL);
	CHECK(!list_empty(&z->free_area[2].free_list[MIGRATE_HIGHATOMIC]) ||
	      !list_empty(&z->free_area[3].free_list[MIGRATE_HIGHATOMIC]) ||
	      !list_empty(&z->free_area[4].free_list[MIGRATE_HIGHATOMIC]));
}

static void test_reserve_grows_to_one_percent(void)
{
	struct zone *z = &kheap_zones[ZONE_DMA32];
	unsigned long cap = ALIGN(z->managed_pages / 100, pageblock_nr_pages);

	/* keep taking high-order atomic blocks: the reserve fills, a new
	 * pageblock is reserved, up to the cap */
	while (nr_atomics < 4096) {
		struct page *p = alloc_pages(GFP_ATOMIC | __GFP_DMA32 | __GFP_NOWARN, 2);
		if (!p)
			break;
		atomics[nr_atomics++] = p;
	}
	CHECK(z->nr_reserved_highatomic >= 2 * pageblock_nr_pages);
	CHECK(z->nr_reserved_highatomic <= cap);
	CHECK_EQ(page_alloc_validate(), 0);
	while (nr_atomics)
		__free_pages(atomics[--nr_atomics], 2);
	drain_all_pages(NULL);
	/* freed pages went back to the HighAtomic lists of their blocks */
	bool on_highatomic = false;
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		on_highatomic |= !list_empty(&z->free_area[o].free_list[MIGRATE_HIGHATOMIC]);
	CHECK(on_highatomic);
	CHECK_EQ(page_alloc_validate(), 0);
}

static void test_reserve_released_when_short(void)
{
	struct zone *z = &kheap_zones[ZONE_DMA32];
	unsigned long reserved = z->nr_reserved_highatomic;

	CHECK(reserved >= 2 * pageblock_nr_pages);
	fill(GFP_KERNEL | __GFP_DMA32);
	/* blocks were handed back one by one; the last one stays */
	CHECK(z->nr_reserved_highatomic < reserved);
	CHECK_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	CHECK_EQ(page_alloc_validate(), 0);
	while (nr_held)
		__free_pages(held[--nr_held], 0);
	drain_all_pages(NULL);
	CHECK_EQ(global_free_pages(), base_free);
	CHECK_EQ(page_alloc_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=512M percpu_pagelist_high_fraction=100000"), 0);
	drain_all_pages(NULL);
	base_free = global_free_pages();
	RUN(test_reserve_created_under_pressure);
	RUN(test_reserve_grows_to_one_percent);
	RUN(test_reserve_released_when_short);
	return check_summary();
}
