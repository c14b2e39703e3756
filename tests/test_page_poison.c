// SPDX-License-Identifier: MIT
/*
 * test_page_poison - page_poison=1 (v6.12's CONFIG_PAGE_POISONING,
 * mm/page_poison.c): freed pages hold PAGE_POISON (0xaa); a write to a free
 * page is reported when the page is allocated again ("pagealloc: memory
 * corruption", a single changed bit as "pagealloc: single bit error"),
 * with a hex dump of the damage; memory that was never written or was
 * given back to the OS is not reported; __GFP_ZERO still zeroes; poisoning
 * takes precedence over init_on_alloc/init_on_free.  The command line
 * comes from argv[1] (CTest also runs it without page_poison, where the
 * freed page keeps its bytes and nothing is reported).
 */
#include "internal.h"
#include "check.h"

#include <linux/poison.h>

static char out[1 << 16];
static bool poisoning;

static size_t count_byte(const unsigned char *p, size_t n, unsigned char b)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += p[i] == b;
	return count;
}

/* A freed block holds poison at once (it stays mapped and readable). */
static void test_freed_pages_poisoned(void)
{
	for (unsigned int order = 0; order <= 3; order++) {
		size_t size = PAGE_SIZE << order;
		struct page *page = alloc_pages(GFP_KERNEL, order);
		unsigned char *p = page_address(page);

		memset(p, 0x11, size);
		__free_pages(page, order);
		CHECK_EQ(count_byte(p, size, poisoning ? PAGE_POISON : 0x11), size);
	}
}

struct planted {
	unsigned char value;
	int span;
};

/* Free a page, write into it, allocate pages until it comes back. */
static void write_after_free(void *arg)
{
	struct planted *w = arg;
	struct page *page = alloc_page(GFP_KERNEL), *got[64];
	unsigned char *p = page_address(page);
	int n = 0;

	__free_page(page);
	memset(p + 100, w->value, (size_t)w->span);
	do {
		got[n] = alloc_page(GFP_KERNEL);
	} while (got[n++] != page && n < 64);
	CHECK(got[n - 1] == page);		/* the per-CPU list's LIFO */
	while (n--)
		__free_page(got[n]);
}

static void test_write_to_free_page_reported(void)
{
	struct planted w = { 0x00, 20 };

	check_capture_stderr(write_after_free, &w, out, sizeof(out));
	if (!poisoning) {
		CHECK(strstr(out, "pagealloc") == NULL);
		return;
	}
	CHECK(strstr(out, "pagealloc: memory corruption\n") != NULL);
	CHECK(strstr(out, ": 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00") != NULL);
	CHECK(strstr(out, "page dumped because: pagealloc: corrupted page details\n") != NULL);
}

static void test_single_bit_error(void)
{
	struct planted w = { PAGE_POISON ^ 0x04, 1 };

	if (!poisoning)
		return;
	check_capture_stderr(write_after_free, &w, out, sizeof(out));
	CHECK(strstr(out, "pagealloc: single bit error\n") != NULL);
}

static void do_clean_work(void *arg)
{
	struct page *pages[256];

	(void)arg;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 256; i++) {
			pages[i] = alloc_pages(GFP_KERNEL, i & 3);
			memset(page_address(pages[i]), i, PAGE_SIZE << (i & 3));
		}
		for (int i = 0; i < 256; i++)
			__free_pages(pages[i], i & 3);
	}
	/* a 4 MiB block given back to the OS reads zero, not poison */
	pages[0] = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	memset(page_address(pages[0]), 1, PAGE_SIZE << MAX_PAGE_ORDER);
	__free_pages(pages[0], MAX_PAGE_ORDER);
	kheap_page_reporting_flush();
	pages[0] = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	__free_pages(pages[0], MAX_PAGE_ORDER);
}

/* Fresh, reused and reported memory: no report; __GFP_ZERO zeroes. */
static void test_clean_use_no_report(void)
{
	struct page *page;

	check_capture_stderr(do_clean_work, NULL, out, sizeof(out));
	CHECK(strstr(out, "pagealloc") == NULL);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	CHECK_EQ(count_byte(page_address(page), 4 * PAGE_SIZE, 0), 4 * PAGE_SIZE);
	__free_pages(page, 2);
	CHECK_EQ(kheap_validate(), 0);
}

/* Poisoning wins over the init options, as in the kernel. */
static void test_precedence(void)
{
	if (poisoning) {
		CHECK(!want_init_on_alloc(0));
		CHECK(!want_init_on_free());
	}
}

int main(int argc, char **argv)
{
	const char *cmdline = argc > 1 ? argv[1] :
		"page_poison=1 init_on_alloc=1 init_on_free=1";

	CHECK_EQ(kheap_init(cmdline), 0);
	poisoning = page_poisoning;
	fprintf(stderr, "page_poison=%d\n", poisoning);
	RUN(test_freed_pages_poisoned);
	RUN(test_write_to_free_page_reported);
	RUN(test_single_bit_error);
	RUN(test_clean_use_no_report);
	RUN(test_precedence);
	return check_summary();
}
