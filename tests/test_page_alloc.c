// SPDX-License-Identifier: MIT
/*
 * test_page_alloc - unit tests of the buddy allocator's API, one behaviour
 * per test, each followed by page_alloc_validate().
 */
#include "internal.h"
#include "check.h"

#include <pthread.h>
#include <unistd.h>

#define VALID() CHECK_EQ(page_alloc_validate(), 0)

/* Free-list block count of @order summed over zones. */
static unsigned long nr_free_order(unsigned int order)
{
	unsigned long n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += kheap_zones[z].free_area[order].nr_free;
	return n;
}

static void test_orders_alignment_and_addresses(void)
{
	for (unsigned int order = 0; order <= MAX_PAGE_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);

		CHECK(page != NULL);
		if (!page)
			continue;
		unsigned long pfn = page_to_pfn(page);
		void *addr = page_address(page);

		CHECK_EQ(pfn & ((1UL << order) - 1), 0);	/* natural */
		CHECK(pfn_to_page(pfn) == page);
		CHECK(virt_to_page(addr) == page);
		CHECK(virt_to_page((char *)addr + PAGE_SIZE - 1) == page);
		CHECK_EQ((unsigned long)addr & ((PAGE_SIZE << order) - 1), 0);
		CHECK_EQ(page_ref_count(page), 1);
		/* the whole block is writable */
		memset(addr, 0x5c, PAGE_SIZE << order);
		CHECK_EQ(((unsigned char *)addr)[(PAGE_SIZE << order) - 1], 0x5c);
		__free_pages(page, order);
	}
	VALID();
}

static void test_order_above_max_fails(void)
{
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1) == NULL);
	VALID();
}

static void test_gfp_zero(void)
{
	/* dirty a block, free it, then ask for it zeroed */
	for (int round = 0; round < 8; round++) {
		struct page *p = alloc_pages(GFP_KERNEL, 2);
		memset(page_address(p), 0xff, 4 * PAGE_SIZE);
		__free_pages(p, 2);
		p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
		unsigned char *b = page_address(p);
		int nonzero = 0;
		for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
			nonzero |= b[i];
		CHECK_EQ(nonzero, 0);
		__free_pages(p, 2);
	}
	unsigned long a = get_zeroed_page(GFP_KERNEL);
	CHECK(a != 0);
	CHECK_EQ(((unsigned long *)a)[PAGE_SIZE / 8 - 1], 0);
	free_page(a);
	VALID();
}

static void test_compound_pages(void)
{
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 4);

	CHECK(head != NULL);
	CHECK(PageHead(head));
	CHECK(!PageTail(head));
	CHECK_EQ(compound_order(head), 4);
	CHECK_EQ(compound_nr(head), 16);
	CHECK_EQ(page_size(head), 16 * PAGE_SIZE);
	for (int i = 1; i < 16; i++) {
		CHECK(PageTail(head + i));
		CHECK(compound_head(head + i) == head);
	}
	/* get_page on a tail takes a reference on the head */
	get_page(head + 5);
	CHECK_EQ(page_count(head + 7), 2);
	put_page(head + 3);
	CHECK_EQ(page_count(head), 1);
	put_page(head);		/* last reference frees the whole block */
	VALID();
	/* a non-compound block has no head/tail structure */
	struct page *p = alloc_pages(GFP_KERNEL, 4);
	CHECK(!PageHead(p) && !PageTail(p + 1));
	CHECK_EQ(compound_order(p), 0);
	__free_pages(p, 4);
	VALID();
}

static void test_free_pages_with_extra_ref_on_head(void)
{
	/* kernel semantics: other pages freed now, head when its ref goes */
	drain_all_pages(NULL);
	unsigned long before = global_free_pages() + global_pcp_pages();
	struct page *p = alloc_pages(GFP_KERNEL, 2);

	get_page(p);
	__free_pages(p, 2);	/* drops one ref; frees pages 1..3 */
	drain_all_pages(NULL);
	CHECK_EQ(global_free_pages() + global_pcp_pages(), before - 1);
	__free_pages(p, 0);	/* the head's last reference */
	drain_all_pages(NULL);
	CHECK_EQ(global_free_pages() + global_pcp_pages(), before);
	VALID();
}

static void test_split_and_merge_is_exact(void)
{
	/*
	 * Take every block of order 10 of one zone down to order 0 and back:
	 * after freeing and draining, buddyinfo must be exactly as before.
	 */
	drain_all_pages(NULL);
	unsigned long before[NR_PAGE_ORDERS];
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		before[o] = nr_free_order(o);
	struct page *pages[64];
	for (int i = 0; i < 64; i++)
		pages[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i % 6));
	for (int i = 0; i < 64; i++)
		CHECK(pages[i] != NULL);
	VALID();
	for (int i = 63; i >= 0; i -= 2)
		__free_pages(pages[i], (unsigned int)(i % 6));
	for (int i = 0; i < 64; i += 2)
		__free_pages(pages[i], (unsigned int)(i % 6));
	drain_all_pages(NULL);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		CHECK_EQ(nr_free_order(o), before[o]);
	VALID();
}

static void test_buddy_merge_by_pfn_xor(void)
{
	/* split an order-1 block into two separately freeable pages */
	struct page *a = alloc_pages(GFP_KERNEL, 1);
	unsigned long pfn = page_to_pfn(a);

	__atomic_store_n(&a[1]._refcount, 1, __ATOMIC_RELAXED);
	__free_pages(a + 1, 0);
	drain_all_pages(NULL);
	/* its buddy (pfn ^ 1) is still in use: the page waits at order 0 */
	CHECK(PageBuddy(pfn_to_page(pfn ^ 1)));
	CHECK_EQ(pfn_to_page(pfn ^ 1)->private, 0);
	__free_pages(a, 0);
	drain_all_pages(NULL);
	/* freeing the buddy merged them: neither is an order-0 head now */
	CHECK(!(PageBuddy(pfn_to_page(pfn ^ 1)) &&
		pfn_to_page(pfn ^ 1)->private == 0));
	CHECK(!(PageBuddy(a) && a->private == 0));
	VALID();
}

static void test_alloc_pages_exact_returns_tail_to_buddy(void)
{
	drain_all_pages(NULL);
	unsigned long before = global_free_pages() + global_pcp_pages();
	/* 5 pages: an order-3 block whose 3 tail pages go straight back */
	char *p = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL);

	CHECK(p != NULL);
	CHECK_EQ((unsigned long)p & (8 * PAGE_SIZE - 1), 0);
	memset(p, 1, 5 * PAGE_SIZE);
	CHECK_EQ(global_free_pages() + global_pcp_pages(), before - 5);
	/* the tail is on the buddy lists (not a pcp list): page 5 alone at
	 * order 0 (its buddy 4 is in use), pages 6-7 as one order-1 block */
	struct page *tail5 = virt_to_page(p + 5 * PAGE_SIZE);
	struct page *tail6 = virt_to_page(p + 6 * PAGE_SIZE);
	CHECK(PageBuddy(tail5) && tail5->private == 0);
	CHECK(PageBuddy(tail6) && tail6->private == 1);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(page_ref_count(virt_to_page(p + i * PAGE_SIZE)), 1);
	free_pages_exact(p, 5 * PAGE_SIZE);
	drain_all_pages(NULL);
	CHECK_EQ(global_free_pages(), before);
	VALID();
}

static void test_get_free_pages_and_free_pages(void)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, 3);

	CHECK(a != 0);
	CHECK_EQ(a & (8 * PAGE_SIZE - 1), 0);
	CHECK(virt_addr_valid((void *)a));
	free_pages(a, 3);
	a = __get_free_page(GFP_KERNEL);
	CHECK(a != 0);
	free_page(a);
	free_pages(0, 0);	/* NULL is a no-op */
	VALID();
}

static void test_zones_dma_and_dma32(void)
{
	struct page *d = alloc_pages(GFP_KERNEL | GFP_DMA, 0);
	struct page *d32 = alloc_pages(GFP_KERNEL | GFP_DMA32, 0);
	struct page *n = alloc_pages(GFP_KERNEL, 0);

	CHECK(d && d32 && n);
	CHECK(page_to_pfn(d) < MAX_DMA_PFN);
	CHECK(page_zone(d) == &kheap_zones[ZONE_DMA]);
	CHECK(page_to_pfn(d32) < MAX_DMA32_PFN);
	/* with mem= above 4 GiB, GFP_KERNEL uses ZONE_NORMAL first */
	if (populated_zone(&kheap_zones[ZONE_NORMAL]))
		CHECK(page_zone(n) == &kheap_zones[ZONE_NORMAL]);
	__free_pages(d, 0);
	__free_pages(d32, 0);
	__free_pages(n, 0);
	VALID();
}

static void test_migratetypes_group_by_pageblock(void)
{
	struct page *mov = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	struct page *unmov = alloc_pages(GFP_KERNEL, 0);
	struct page *recl = alloc_pages(GFP_KERNEL | __GFP_RECLAIMABLE, 0);

	CHECK_EQ(gfp_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	CHECK_EQ(gfp_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	CHECK_EQ(gfp_migratetype(__GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
	CHECK_EQ(get_pageblock_migratetype(mov), MIGRATE_MOVABLE);
	CHECK_EQ(get_pageblock_migratetype(unmov), MIGRATE_UNMOVABLE);
	CHECK_EQ(get_pageblock_migratetype(recl), MIGRATE_RECLAIMABLE);
	/* different types never share a pageblock here (fresh memory) */
	CHECK(page_to_pfn(mov) >> pageblock_order !=
	      page_to_pfn(unmov) >> pageblock_order);
	CHECK(page_to_pfn(recl) >> pageblock_order !=
	      page_to_pfn(unmov) >> pageblock_order);
	__free_pages(mov, 0);
	__free_pages(unmov, 0);
	__free_pages(recl, 0);
	VALID();
}

static void test_bulk_array_fills_holes(void)
{
	struct page *arr[40] = { 0 };
	struct page *keep = alloc_page(GFP_KERNEL);

	arr[7] = keep;
	CHECK_EQ(alloc_pages_bulk_array(GFP_KERNEL, 40, arr), 40);
	CHECK(arr[7] == keep);
	for (int i = 0; i < 40; i++) {
		CHECK(arr[i] != NULL);
		for (int j = 0; j < i; j++)
			CHECK(arr[i] != arr[j]);
	}
	for (int i = 0; i < 40; i++)
		__free_page(arr[i]);
	VALID();
}

static void release_bad(void *arg)
{
	release_pages(arg, 3);
}

/*
 * release_pages (the kernel's batch put): NULL entries skipped, a page
 * with another reference kept until its last put_page(), a compound block
 * freed whole, every page back where it came from (nr_free_pages() as
 * before once the per-CPU lists are drained), a bad entry reported and
 * skipped.
 */
static void test_release_pages(void)
{
	struct page *arr[70] = { 0 }, *bad[3];
	unsigned long before;
	char buf[8192];

	drain_all_pages(NULL);
	before = nr_free_pages();
	CHECK_EQ(alloc_pages_bulk_array(GFP_KERNEL, 64, arr), 64);
	arr[64] = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	arr[66] = alloc_page(GFP_KERNEL);
	CHECK(arr[64] && arr[66]);
	get_page(arr[66]);		/* a second reference */
	drain_all_pages(NULL);		/* per-CPU pages do not count free */
	CHECK_EQ(nr_free_pages() + 64 + 4 + 1, before);
	release_pages(arr, 70);
	drain_all_pages(NULL);
	CHECK_EQ(nr_free_pages() + 1, before);	/* arr[66] still held */
	CHECK_EQ(page_ref_count(arr[66]), 1);
	put_page(arr[66]);
	drain_all_pages(NULL);
	CHECK_EQ(nr_free_pages(), before);

	bad[0] = alloc_page(GFP_KERNEL);
	bad[1] = (struct page *)((char *)bad[0] + 3);	/* not a struct page */
	bad[2] = alloc_page(GFP_KERNEL);
	check_capture_stderr(release_bad, bad, buf, sizeof(buf));
	CHECK(strstr(buf, "release_pages: invalid page pointer") != NULL);
	drain_all_pages(NULL);
	CHECK_EQ(nr_free_pages(), before);
	VALID();
}

static void test_pcp_lists_serve_and_drain(void)
{
	drain_all_pages(NULL);
	CHECK_EQ(global_pcp_pages(), 0);
	struct page *p = alloc_page(GFP_KERNEL);
	/* the refill brought a batch onto this CPU's list */
	CHECK(global_pcp_pages() > 0);
	__free_page(p);
	drain_all_pages(NULL);
	CHECK_EQ(global_pcp_pages(), 0);
	VALID();
}

/* Sum of every CPU's pcp high mark (or count) in @z. */
static long pcp_sum(struct zone *z, bool count)
{
	long n = 0;

	for (unsigned int cpu = 0; cpu < os_ncpus(); cpu++)
		n += count ? READ_ONCE(z->pcp[cpu].count)
			   : READ_ONCE(z->pcp[cpu].high);
	return n;
}

static void test_pcp_high_decays_after_a_second(void)
{
	/* v6.12's decay_pcp_high(): refills raised the high mark; a second
	 * later it falls by an eighth and the pages above it are drained */
	enum { N = 4096 };
	struct zone *z = &kheap_zones[ZONE_NORMAL];
	struct page **pages = calloc(N, sizeof(*pages));
	long high, count;

	CHECK(pages != NULL);
	if (!pages)
		return;
	drain_all_pages(NULL);
	for (int i = 0; i < N; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	for (int i = 0; i < N; i++)
		if (pages[i])
			__free_page(pages[i]);
	high = pcp_sum(z, false);
	count = pcp_sum(z, true);
	CHECK(high > (long)z->pageset_high_min * (long)os_ncpus());
	usleep(1100 * 1000);
	/* every 64th free to a list looks at the clock */
	for (int i = 0; i < 256; i++)
		__free_page(alloc_page(GFP_KERNEL));
	CHECK(pcp_sum(z, false) < high);
	CHECK(pcp_sum(z, true) < count);
	free(pages);
	VALID();
}

static void test_watermarks_as_kernel(void)
{
	/* min_free_kbytes = int_sqrt(lowmem_kB * 16), 128..262144, over the
	 * managed (hot-added) pages, as memory hotplug recomputes it */
	unsigned long managed = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		managed += kheap_zones[z].managed_pages;
	CHECK(managed > 0);
	unsigned long kb = K(managed);
	unsigned long r = 0;
	while ((r + 1) * (r + 1) <= kb * 16)
		r++;
	unsigned long mfk = r < 128 ? 128 : r > 262144 ? 262144 : r;
	unsigned long sum_min = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &kheap_zones[z];
		unsigned long m = zone->_watermark[WMARK_MIN];
		unsigned long t = m / 4 > zone->managed_pages * 10 / 10000
				  ? m / 4 : zone->managed_pages * 10 / 10000;

		sum_min += m;
		if (!populated_zone(zone))
			continue;
		CHECK_EQ(zone->_watermark[WMARK_LOW], m + t);
		CHECK_EQ(zone->_watermark[WMARK_HIGH], m + 2 * t);
	}
	/* the per-zone min watermarks add up to min_free_kbytes (rounding) */
	CHECK(sum_min <= mfk / 4 && sum_min + MAX_NR_ZONES >= mfk / 4);
	/* lowmem_reserve: DMA protects itself from Normal requests */
	if (populated_zone(&kheap_zones[ZONE_NORMAL]))
		CHECK_EQ(kheap_zones[ZONE_DMA].lowmem_reserve[ZONE_NORMAL],
			 (kheap_zones[ZONE_DMA32].managed_pages +
			  kheap_zones[ZONE_NORMAL].managed_pages) / 256);
}

/* ---- bad input is reported and ignored ---- */

static void double_free(void *arg)
{
	struct page *p = arg;
	__free_pages(p, 0);
}

static void test_double_free_is_reported_not_corrupting(void)
{
	char buf[8192];
	struct page *p = alloc_pages(GFP_KERNEL, 0);

	__free_pages(p, 0);
	drain_all_pages(NULL);	/* now it is PageBuddy */
	check_capture_stderr(double_free, p, buf, sizeof(buf));
	CHECK(strstr(buf, "BUG: Bad page state") != NULL);
	CHECK(strstr(buf, "double free") != NULL);
	VALID();
}

static void bad_pointer(void *arg)
{
	free_pages((unsigned long)arg, 0);
}

static void bad_struct_page(void *arg)
{
	__free_pages((struct page *)arg, 0);
}

static void test_invalid_pointers_are_reported(void)
{
	char buf[8192];
	int local;

	check_capture_stderr(bad_pointer, &local, buf, sizeof(buf));
	CHECK(strstr(buf, "free_pages: invalid address") != NULL);
	check_capture_stderr(bad_struct_page, (void *)&local, buf, sizeof(buf));
	CHECK(strstr(buf, "__free_pages: invalid page pointer") != NULL);
	/* a misaligned address inside the direct map */
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	check_capture_stderr(bad_pointer, (char *)page_address(p) + 8, buf,
			     sizeof(buf));
	CHECK(strstr(buf, "invalid address") != NULL);
	CHECK_EQ(page_ref_count(p), 1);	/* untouched */
	__free_pages(p, 0);
	VALID();
}

static void freeing_a_tail(void *arg)
{
	struct page *head = arg;
	__free_pages(head + 1, 0);
}

static void test_freeing_a_tail_page_is_reported(void)
{
	char buf[8192];
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);

	/* a tail has refcount 0: "zero _refcount" */
	check_capture_stderr(freeing_a_tail, head, buf, sizeof(buf));
	CHECK(strstr(buf, "Bad page state") != NULL);
	__free_pages(head, 2);
	VALID();
}

static void test_gfp_names_as_kernel(void)
{
	char buf[256];

	kheap_format_gfp(buf, sizeof(buf), GFP_KERNEL);
	CHECK(!strcmp(buf, "GFP_KERNEL"));
	kheap_format_gfp(buf, sizeof(buf), GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	CHECK(!strcmp(buf, "GFP_KERNEL|__GFP_NOWARN|__GFP_ZERO"));
	kheap_format_gfp(buf, sizeof(buf), GFP_ATOMIC);
	CHECK(!strcmp(buf, "GFP_ATOMIC"));
	kheap_format_gfp(buf, sizeof(buf), GFP_NOWAIT);
	CHECK(!strcmp(buf, "GFP_NOWAIT"));
	kheap_format_gfp(buf, sizeof(buf), 0);
	CHECK(!strcmp(buf, "none"));
	CHECK_EQ(GFP_KERNEL, 0xcc0);
	CHECK_EQ(GFP_ATOMIC, 0x820);
	CHECK_EQ(GFP_NOWAIT, 0x2800);
	CHECK_EQ(GFP_NOIO, 0xc00);
	CHECK_EQ(GFP_NOFS, 0xc40);
	CHECK_EQ(GFP_USER, 0x100cc0);
	CHECK_EQ(GFP_HIGHUSER_MOVABLE, 0x100cca);
	CHECK_EQ(GFP_TRANSHUGE, 0x1c24ca);
	CHECK_EQ(GFP_TRANSHUGE_LIGHT, 0x1c20ca);
	CHECK_EQ(GFP_KERNEL_ACCOUNT, 0x400cc0);
	CHECK_EQ(__GFP_NO_OBJ_EXT, 0x1000000);
}

static void test_watermarks_grow_with_hot_added_memory(void)
{
	/* online_pages(): managed pages, watermarks and the per-CPU lists'
	 * high mark follow the memory brought online */
	struct zone *z = &kheap_zones[ZONE_NORMAL];
	unsigned long managed = z->managed_pages, min = z->_watermark[WMARK_MIN];
	int high_min = z->pcp[0].high_min;
	struct page *big[40];

	CHECK_EQ(managed, z->online_end_pfn - z->zone_start_pfn);
	/* take more than a section of Normal memory: a new one comes online */
	for (int i = 0; i < 40; i++)
		big[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER);
	CHECK(z->managed_pages > managed);
	CHECK(z->_watermark[WMARK_MIN] > min);
	CHECK(z->pcp[0].high_min >= high_min);
	CHECK_EQ(z->managed_pages, z->online_end_pfn - z->zone_start_pfn);
	for (int i = 0; i < 40; i++)
		if (big[i])
			__free_pages(big[i], MAX_PAGE_ORDER);
	VALID();
}

static void test_section_hot_add_is_lazy(void)
{
	/* only sections that were needed are committed */
	CHECK(kheap_memmap.nr_committed >= 1);
	CHECK(kheap_memmap.nr_committed < kheap_memmap.nr_sections);
	CHECK_EQ(totalram_pages(), max_pfn);
	CHECK(nr_free_pages() <= max_pfn);
}

int main(void)
{
	/* 6 GiB spans DMA, DMA32 and Normal; only touched memory is used */
	CHECK_EQ(kheap_init("mem=6G"), 0);
	RUN(test_orders_alignment_and_addresses);
	RUN(test_order_above_max_fails);
	RUN(test_gfp_zero);
	RUN(test_compound_pages);
	RUN(test_free_pages_with_extra_ref_on_head);
	RUN(test_split_and_merge_is_exact);
	RUN(test_buddy_merge_by_pfn_xor);
	RUN(test_alloc_pages_exact_returns_tail_to_buddy);
	RUN(test_get_free_pages_and_free_pages);
	RUN(test_zones_dma_and_dma32);
	RUN(test_migratetypes_group_by_pageblock);
	RUN(test_bulk_array_fills_holes);
	RUN(test_release_pages);
	RUN(test_pcp_lists_serve_and_drain);
	RUN(test_watermarks_as_kernel);
	RUN(test_double_free_is_reported_not_corrupting);
	RUN(test_invalid_pointers_are_reported);
	RUN(test_freeing_a_tail_page_is_reported);
	RUN(test_gfp_names_as_kernel);
	RUN(test_watermarks_grow_with_hot_added_memory);
	RUN(test_section_hot_add_is_lazy);
	/* last: its 4096 pages change which blocks later tests merge into */
	RUN(test_pcp_high_decays_after_a_second);
	return check_summary();
}
