// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_rss - the memory cost of kheap: initialising with mem= the
 * machine's RAM adds at most ~1 MiB of RSS (nothing is committed until
 * needed, struct pages are initialised lazily), and hot-adding a 128 MiB
 * section touches only the struct pages of its free blocks, not its frames.
 */
#include "internal.h"
#include "check.h"

static void test_empty_process_costs_under_1mib(void)
{
	unsigned long before = os_rss_kb();

	CHECK_EQ(kheap_init(NULL), 0);	/* mem = the machine's RAM */
	unsigned long after = os_rss_kb();
	fprintf(stderr, "  mem=%luM: RSS %lu kB before kheap_init, %lu kB after (+%ld kB)\n",
		max_pfn >> (20 - PAGE_SHIFT), before, after, (long)(after - before));
	CHECK(max_pfn << PAGE_SHIFT >= (os_ram_bytes() & ~((4UL << 20) - 1)) - (4UL << 20));
	CHECK(after - before <= 1024);
}

static void test_hot_add_touches_only_struct_pages(void)
{
	unsigned long before = os_rss_kb();
	/* GFP_DMA32 keeps this below 4 GiB whatever the machine's RAM */
	struct page *p = alloc_pages(GFP_KERNEL | GFP_DMA32, 0);
	unsigned long after = os_rss_kb();

	CHECK(p != NULL);
	CHECK(kheap_memmap.nr_committed >= 1);
	fprintf(stderr, "  first page: RSS +%ld kB for a 128 MiB section hot-add\n",
		(long)(after - before));
	/* struct pages of the block heads and the pcp batch, not 128 MiB */
	CHECK(after - before <= 1024);
	__free_pages(p, 0);
}

int main(void)
{
	RUN(test_empty_process_costs_under_1mib);
	RUN(test_hot_add_touches_only_struct_pages);
	return check_summary();
}
