// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_rss - the memory cost of kheap: initialising with mem= the
 * machine's RAM adds at most ~1 MiB of RSS (nothing is committed until
 * needed, struct pages are initialised lazily), and hot-adding a 128 MiB
 * section touches only the struct pages of its free blocks, not its frames.
 */
#include "internal.h"
#include "check.h"
#include <unistd.h>

static void test_empty_process_costs_under_1mib(void)
{
	unsigned long before = os_rss_kb();

	/*
	 * mem = the machine's RAM.  No MADV_HUGEPAGE: this test counts the
	 * pages kheap itself touches, and khugepaged may collapse a touched
	 * 2 MiB region of an advised range into a huge page at any moment
	 * (its max_ptes_none lets one resident page suffice), which would add
	 * up to 2 MiB whenever it happens to run.
	 */
	CHECK_EQ(kheap_init("transparent_hugepage=0"), 0);
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

static unsigned long reported_pages(void)
{
	unsigned long n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += zone_page_state(&kheap_zones[z], NR_ZONE_REPORTED);
	return n;
}

static void test_free_page_reporting_gives_memory_back(void)
{
	enum { N = 64 };	/* 64 x 2 MiB = 128 MiB */
	struct page *blocks[N];
	unsigned long base = os_rss_kb();

	/* a short PAGE_REPORTING_DELAY keeps the test quick */
	CHECK_EQ(kheap_parse_cmdline("page_reporting.delay_ms=200", "test"), 0);
	for (int i = 0; i < N; i++) {
		blocks[i] = alloc_pages(GFP_KERNEL | GFP_DMA32, pageblock_order);
		CHECK(blocks[i] != NULL);
		memset(page_address(blocks[i]), 0x77, PAGE_SIZE << pageblock_order);
	}
	unsigned long full = os_rss_kb();
	CHECK(full - base >= 100 * 1024);	/* the frames are resident */
	unsigned long rep_before = reported_pages();
	for (int i = 0; i < N; i++)
		__free_pages(blocks[i], pageblock_order);
	drain_all_pages(NULL);
	/* nothing is given back at once: memory freed and soon reused would
	 * be faulted in again */
	unsigned long soon = os_rss_kb();
	CHECK(soon > full - 8 * 1024);
	CHECK_EQ(reported_pages(), rep_before);
	/* after the delay, the next buddy-level free runs the pass */
	usleep(300 * 1000);
	struct page *p = alloc_pages(GFP_KERNEL | GFP_DMA32, 4);
	__free_pages(p, 4);	/* order 4: no per-CPU list, a buddy free */
	unsigned long later = os_rss_kb();
	CHECK(later < full - 100 * 1024);
	CHECK(reported_pages() >= rep_before + (unsigned long)N * pageblock_nr_pages / 2);
	kheap_page_reporting_flush();	/* and the rest on request */
	unsigned long after = os_rss_kb();
	fprintf(stderr, "  RSS %lu kB -> %lu kB -> %lu kB (at once) -> %lu kB (after the delay) -> %lu kB (flushed)\n",
		base, full, soon, later, after);
	CHECK(after < base + 8 * 1024);
	/* reported memory is reused as usual, and reads as written anew */
	p = alloc_pages(GFP_KERNEL | GFP_DMA32, pageblock_order);
	CHECK(p != NULL);
	CHECK(!kheap_page_flag(p, PG_reported));
	memset(page_address(p), 1, PAGE_SIZE);
	__free_pages(p, pageblock_order);
	CHECK_EQ(page_alloc_validate(), 0);
	/* meminfo's FreeReported line counts it */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	kheap_proc_show("meminfo", f);
	fclose(f);
	unsigned long kb = 0;
	CHECK(sscanf(strstr(text, "FreeReported:"), "FreeReported: %lu kB", &kb) == 1);
	CHECK(kb >= K((unsigned long)N * pageblock_nr_pages / 2));
	free(text);
}

static unsigned long reported_total(void)
{
	unsigned long n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += READ_ONCE(kheap_zones[z].reported_total);
	return n;
}

static void test_alloc_free_loop_is_not_reported_each_time(void)
{
	/*
	 * The page_bench finding: an order-4 alloc/free loop merges back into
	 * a free 4 MiB block at every free.  Reporting must wait for
	 * PAGE_REPORTING_DELAY, not give the block back (and fault it in
	 * again) while the loop runs.
	 */
	CHECK_EQ(kheap_parse_cmdline("page_reporting.delay_ms=60000", "test"), 0);
	kheap_page_reporting_flush();
	unsigned long before = reported_total();
	for (int i = 0; i < 10000; i++) {
		struct page *p = alloc_pages(GFP_KERNEL | GFP_DMA32, 4);
		memset(page_address(p), 1, 64);
		__free_pages(p, 4);
	}
	CHECK_EQ(reported_total(), before);
	/* a flush still reports the block the loop left behind */
	CHECK(kheap_page_reporting_flush() > 0);
	CHECK(reported_total() > before);
}

int main(void)
{
	RUN(test_empty_process_costs_under_1mib);
	RUN(test_hot_add_touches_only_struct_pages);
	RUN(test_free_page_reporting_gives_memory_back);
	RUN(test_alloc_free_loop_is_not_reported_each_time);
	return check_summary();
}
