// SPDX-License-Identifier: MIT
/*
 * test_vmalloc_fragmented - vmalloc succeeds from scattered frames: with
 * every other page of a small machine held, no two free frames are
 * adjacent, yet a 1 MiB vmalloc works and its frames are the holes.
 */
#include "internal.h"
#include "check.h"

static struct page **held;
static unsigned long nr_held;

static bool pfn_is_hole(unsigned long pfn)
{
	/* the holes are the even-indexed pages freed below */
	for (unsigned long i = 0; i < nr_held; i += 2)
		if (page_to_pfn(held[i]) == pfn)
			return true;
	return false;
}

static void vmalloc_from_holes(void)
{
	enum { N = 256 };
	unsigned long max = totalram_pages();
	struct vm_struct *area;
	unsigned long from_holes = 0;
	char *p;

	held = calloc(max, sizeof(*held));
	/* take every order-0 page the allocator will give */
	while (nr_held < max) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NORETRY |
						__GFP_NOWARN, 0);
		if (!page)
			break;
		held[nr_held++] = page;
	}
	CHECK(nr_held > 4 * N);
	/* give back every other one: single-page holes */
	for (unsigned long i = 0; i < nr_held; i += 2)
		__free_pages(held[i], 0);
	drain_all_pages(NULL);

	p = vmalloc(N * PAGE_SIZE);
	CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0x33, N * PAGE_SIZE);
	area = find_vm_area(p);
	CHECK_EQ(area->nr_pages, N);
	for (unsigned int i = 0; i < area->nr_pages; i++)
		from_holes += pfn_is_hole(page_to_pfn(area->pages[i]));
	CHECK_EQ(from_holes, N);
	CHECK_EQ(vmap_validate(), 0);
	vfree(p);
	for (unsigned long i = 1; i < nr_held; i += 2)
		__free_pages(held[i], 0);
	free(held);
	CHECK_EQ(vmap_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=64M page_reporting.enabled=0"), 0);
	RUN(vmalloc_from_holes);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
