// SPDX-License-Identifier: MIT
/*
 * test_page_bad_state - page frees that would corrupt the buddy lists are
 * reported as the kernel's "BUG: Bad page state" and are ignored: nothing
 * is freed, the caller's reference stays (so a correct free later works).
 *
 * - A wrong order: __free_pages() of an order-0 page with order 3 while its
 *   seven neighbours are live (the kernel with check_pages_enabled, as
 *   distribution kernels run, checks every page of the block): reported,
 *   the neighbours stay allocated and intact, and no later order-3
 *   allocation overlaps a live page.  The same when the neighbours are
 *   free on a per-CPU list (kheap marks those pages).
 * - A page that is not the head of its allocation (a tail of a
 *   non-compound block), and a page freed twice: reported, nothing freed.
 * - A compound page freed with another order: "compound order mismatch".
 * - free_pages() of an address with the wrong order: the same checks.
 * Each case counts its reports, and the page allocator validates after it.
 */
#include "internal.h"
#include "check.h"

#include <linux/gfp.h>
#include <linux/mm.h>

#define NR_PAGES	256

static char out[1 << 16];

static int count(const char *what)
{
	int n = 0;

	for (const char *p = out; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

struct free_args {
	struct page *page;
	unsigned int order;
};

static void do_free(void *arg)
{
	struct free_args *a = arg;

	__free_pages(a->page, a->order);
}

/* __free_pages(@page, @order) with its stderr in out[]. */
static void free_captured(struct page *page, unsigned int order)
{
	struct free_args a = { page, order };

	check_capture_stderr(do_free, &a, out, sizeof(out));
}

static int cmp_pfn(const void *a, const void *b)
{
	unsigned long x = page_to_pfn(*(struct page *const *)a);
	unsigned long y = page_to_pfn(*(struct page *const *)b);

	return x < y ? -1 : x > y;
}

/*
 * Allocate NR_PAGES order-0 pages into @pages (sorted by pfn) and return
 * the index of one at a pfn aligned to 8 whose seven successors are also
 * among them, or -1.
 */
static int eight_in_a_row(struct page **pages)
{
	for (int i = 0; i < NR_PAGES; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	qsort(pages, NR_PAGES, sizeof(pages[0]), cmp_pfn);
	for (int i = 0; i + 7 < NR_PAGES; i++)
		if (page_to_pfn(pages[i]) % 8 == 0 &&
		    page_to_pfn(pages[i + 7]) == page_to_pfn(pages[i]) + 7)
			return i;
	return -1;
}

static void test_wrong_order_with_live_neighbours(void)
{
	static struct page *pages[NR_PAGES], *big[64];
	int at = eight_in_a_row(pages);

	CHECK(at >= 0);
	if (at < 0)
		return;
	for (int i = 0; i < 8; i++)
		memset(page_address(pages[at + i]), 0x30 + i, PAGE_SIZE);
	free_captured(pages[at], 3);
	CHECK_EQ(count("BUG: Bad page state in process "), 7);
	CHECK_EQ(count("page dumped because: nonzero _refcount\n"), 7);
	CHECK_EQ(page_alloc_validate(), 0);
	/* nothing was freed: no order-3 block overlaps the eight pages */
	for (int i = 0; i < 64; i++) {
		big[i] = alloc_pages(GFP_KERNEL, 3);
		CHECK(big[i] && (page_to_pfn(big[i]) + 8 <= page_to_pfn(pages[at]) ||
				 page_to_pfn(big[i]) > page_to_pfn(pages[at + 7])));
		if (big[i])
			memset(page_address(big[i]), 0xee, 8 * PAGE_SIZE);
	}
	for (int i = 0; i < 8; i++) {
		const unsigned char *b = page_address(pages[at + i]);

		CHECK(b[0] == 0x30 + i && b[PAGE_SIZE - 1] == 0x30 + i);
		CHECK_EQ(page_ref_count(pages[at + i]), 1);
	}
	for (int i = 0; i < 64; i++)
		if (big[i])
			__free_pages(big[i], 3);
	for (int i = 0; i < NR_PAGES; i++)
		__free_pages(pages[i], 0);
	CHECK_EQ(page_alloc_validate(), 0);
}

static void test_wrong_order_with_free_neighbours(void)
{
	static struct page *pages[NR_PAGES];
	int at = eight_in_a_row(pages);
	struct page *p;

	CHECK(at >= 0);
	if (at < 0)
		return;
	p = pages[at];
	for (int i = 1; i < 8; i++) {		/* to a per-CPU list */
		__free_pages(pages[at + i], 0);
		pages[at + i] = NULL;
	}
	free_captured(p, 3);
	CHECK_EQ(count("BUG: Bad page state in process "), 7);
	CHECK_EQ(count("page dumped because: page is already free"), 7);
	CHECK_EQ(page_ref_count(p), 1);
	CHECK_EQ(page_alloc_validate(), 0);
	for (int i = 0; i < NR_PAGES; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	CHECK_EQ(page_alloc_validate(), 0);
}

static void test_tail_page_and_twice(void)
{
	struct page *block = alloc_pages(GFP_KERNEL, 2);

	free_captured(block + 1, 0);		/* not the head */
	CHECK_EQ(count("BUG: Bad page state in process "), 1);
	CHECK_EQ(count("freeing a page with a zero _refcount"), 1);
	free_captured(block + 2, 1);
	CHECK_EQ(count("BUG: Bad page state in process "), 1);
	CHECK_EQ(page_ref_count(block), 1);
	__free_pages(block, 2);
	CHECK_EQ(page_alloc_validate(), 0);
	free_captured(block, 2);		/* twice */
	CHECK_EQ(count("BUG: Bad page state in process "), 1);
	CHECK_EQ(page_alloc_validate(), 0);
}

static void test_compound_wrong_order(void)
{
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);

	free_captured(head, 1);
	CHECK_EQ(count("BUG: Bad page state in process "), 1);
	CHECK_EQ(count("page dumped because: compound order mismatch\n"), 1);
	CHECK_EQ(page_ref_count(head), 1);	/* the call was ignored */
	CHECK(PageHead(head));
	__free_pages(head, 2);
	CHECK_EQ(page_alloc_validate(), 0);
}

static void do_free_pages(void *arg)
{
	free_pages((unsigned long)arg, 2);
}

static void test_free_pages_wrong_order(void)
{
	unsigned long addr = __get_free_pages(GFP_KERNEL, 0);
	struct page *next = alloc_page(GFP_KERNEL);

	check_capture_stderr(do_free_pages, (void *)addr, out, sizeof(out));
	/* 3 pages besides the first; live or free, none may be freed */
	CHECK(count("BUG: Bad page state in process ") >= 1);
	CHECK_EQ(page_ref_count(virt_to_page((void *)addr)), 1);
	free_pages(addr, 0);
	__free_pages(next, 0);
	CHECK_EQ(page_alloc_validate(), 0);
}

int main(void)
{
	kheap_init("mem=256M");
	RUN(test_wrong_order_with_live_neighbours);
	RUN(test_wrong_order_with_free_neighbours);
	RUN(test_tail_page_and_twice);
	RUN(test_compound_wrong_order);
	RUN(test_free_pages_wrong_order);
	return check_summary();
}
