// SPDX-License-Identifier: MIT
/*
 * test_slob - SLOB (slab_allocator=slob) as v6.3's mm/slob.c works it:
 *  - kmalloc's header: the size in the 8 bytes before the block, ksize()
 *    read from it in 2-byte SLOB_UNITs, kmalloc_size_roundup() ALIGN(8);
 *    requests from PAGE_SIZE - 8 up are pages (large kmalloc);
 *  - first fit in a page: a freed hole is reused by the next request that
 *    fits, at the same address, and the tail of a bigger hole stays free;
 *  - the three lists by size: a small request does not go into a page of
 *    the large list, however much room it has;
 *  - a page whose blocks are all free goes back to the page allocator;
 *  - caches: objects of the cache's size and alignment, the constructor
 *    on every allocation, no merging, no slabinfo;
 *  - bad frees (double, interior) are reported and ignored; under
 *    panic_on_warn=1 the report ends the process.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"

#include <errno.h>
#include <signal.h>

static unsigned long slob_pages(void)
{
	return node_page_state(NR_SLAB_UNRECLAIMABLE);
}

static void test_kmalloc_header(void)
{
	static const size_t sizes[] = { 1, 7, 8, 100, 1000, 4087 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = kmalloc(sizes[i], GFP_KERNEL);
		unsigned int hdr;

		CHECK(p && virt_to_slab(p));
		__asm__("" : "+r"(p));	/* the header is before the object */
		memcpy(&hdr, p - 8, sizeof(hdr));
		CHECK_EQ(hdr, sizes[i]);
		CHECK_EQ(ksize(p), (sizes[i] + 1) & ~1UL);
		CHECK_EQ(kmalloc_size_roundup(sizes[i]), ALIGN(sizes[i], 8UL));
		CHECK_EQ((unsigned long)p % 8, 0);
		kfree(p);
	}
	/* powers of two are aligned to themselves */
	for (size_t size = 8; size <= 2048; size *= 2) {
		void *p = kmalloc(size, GFP_KERNEL);

		CHECK_EQ((unsigned long)p % size, 0);
		kfree(p);
	}
	/* from PAGE_SIZE - 8 on: whole pages, not a SLOB block */
	void *big = kmalloc(PAGE_SIZE - 8, GFP_KERNEL);
	CHECK(big && !virt_to_slab(big));
	CHECK_EQ((unsigned long)big % PAGE_SIZE, 0);
	CHECK_EQ(ksize(big), PAGE_SIZE);
	kfree(big);
	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
}

static void test_first_fit_in_page(void)
{
	/* 1500 + 8 bytes: the large list, two blocks a page */
	char *a = kmalloc(1500, GFP_KERNEL), *b = kmalloc(1500, GFP_KERNEL);
	char *d, *e;

	CHECK(virt_to_page(a) == virt_to_page(b));
	/* header + 1500 = 1508 bytes; the next header starts 8-aligned, so a
	 * 4-byte fragment stays free between the two */
	CHECK_EQ(b - a, 1512);
	kfree(a);
	/* a smaller request takes the hole at the page's start */
	d = kmalloc(1400, GFP_KERNEL);
	CHECK(d == a);
	/* the hole's 100-byte tail is too small for the next large request,
	 * the 1080 bytes after b are not: first fit puts it there */
	e = kmalloc(1050, GFP_KERNEL);
	CHECK(virt_to_page(e) == virt_to_page(b));
	CHECK_EQ(e - b, 1512);
	kfree(d);
	kfree(b);
	kfree(e);
	CHECK_EQ(slab_validate(), 0);
}

static void test_lists_by_size(void)
{
	unsigned long before = slob_pages();
	char *large = kmalloc(2000, GFP_KERNEL);	/* free_slob_large */
	char *small;

	/* room is left in that page, but a small request searches
	 * free_slob_small only */
	small = kmalloc(40, GFP_KERNEL);
	CHECK(virt_to_page(small) != virt_to_page(large));
	kfree(small);
	kfree(large);
	/* both pages are empty again: straight back to the page allocator */
	CHECK(slob_pages() <= before);
}

static void test_pages_go_back(void)
{
	static void *p[2000];
	unsigned long before = slob_pages();

	for (int i = 0; i < 2000; i++)
		p[i] = kmalloc(500, GFP_KERNEL);
	CHECK(slob_pages() >= before + 2000 * 508 / PAGE_SIZE);
	for (int i = 0; i < 2000; i++)
		kfree(p[i]);
	CHECK(slob_pages() <= before);
	CHECK_EQ(slab_validate(), 0);
}

static int ctor_runs;
static void ctor(void *p)
{
	ctor_runs++;
	memset(p, 0x42, 48);
}

static void test_caches(void)
{
	struct kmem_cache *a = kmem_cache_create("slob_a", 48, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("slob_b", 48, 0, 0, NULL);
	struct kmem_cache *c = kmem_cache_create("slob_c", 48, 0, 0, ctor);
	struct kmem_cache_args args = { .align = 256 };
	struct kmem_cache *d = kmem_cache_create("slob_d", 100, &args, 0);
	void *x[10];

	CHECK(a && b && a != b);	/* SLOB never merges */
	CHECK_EQ(a->size, 48);
	for (int i = 0; i < 10; i++) {
		x[i] = kmem_cache_alloc(c, GFP_KERNEL);
		CHECK(((unsigned char *)x[i])[47] == 0x42);
	}
	CHECK_EQ(ctor_runs, 10);	/* on every allocation */
	for (int i = 0; i < 10; i++)
		kmem_cache_free(c, x[i]);
	x[0] = kmem_cache_alloc(c, GFP_KERNEL);
	CHECK_EQ(ctor_runs, 11);
	kmem_cache_free(c, x[0]);
	for (int i = 0; i < 10; i++) {
		x[i] = kmem_cache_alloc(d, GFP_KERNEL);
		CHECK_EQ((unsigned long)x[i] % 256, 0);
	}
	for (int i = 0; i < 10; i++)
		kmem_cache_free(d, x[i]);
	/* no /proc/slabinfo under SLOB, and nothing to write to */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CHECK_EQ(kheap_proc_show("slabinfo", f), -ENOENT);
	fclose(f);
	free(text);
	CHECK_EQ(kheap_proc_write("slabinfo", "slob_a 1 1 0", 12), -ENOENT);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	kmem_cache_destroy(c);
	kmem_cache_destroy(d);
}

static void free_twice(void *arg)
{
	kfree(arg);
	kfree(arg);
}

static void free_inside(void *arg)
{
	kfree((char *)arg + 16);
}

static void test_bad_frees(void)
{
	char buf[8192];
	char *p = kmalloc(64, GFP_KERNEL);
	char *keep = kmalloc(64, GFP_KERNEL);	/* keeps the page a SLOB page */
	char *q;

	CHECK(virt_to_page(keep) == virt_to_page(p));
	check_capture_stderr(free_twice, p, buf, sizeof(buf));
	/* the header is free-block bookkeeping now, or the block overlaps a
	 * free one: either way the second free is refused */
	CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	CHECK(strstr(buf, "no kmalloc header") != NULL ||
	      strstr(buf, "double free, or not a block SLOB handed out") != NULL);
	CHECK(strstr(buf, "Call Trace:") != NULL);
	q = kzalloc(64, GFP_KERNEL);	/* no size where a header would be */
	check_capture_stderr(free_inside, q, buf, sizeof(buf));
	CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	CHECK_EQ(slab_validate(), 0);
	/* the free lists are intact: two allocations, two blocks */
	p = kmalloc(64, GFP_KERNEL);
	CHECK(p != q && p != keep);
	kfree(p);
	kfree(q);
	kfree(keep);
	CHECK_EQ(slab_validate(), 0);
}

static int child_double_free_panics(void)
{
	void *p = kmalloc(40, GFP_KERNEL), *keep = kmalloc(40, GFP_KERNEL);

	kheap_config.panic_on_warn = true;
	kfree(p);
	kfree(p);
	kfree(keep);
	return 0;
}

static void test_panic_on_warn(void)
{
	char buf[16384];

	CHECK_EQ(check_run_child(child_double_free_panics, buf, sizeof(buf)),
		 128 + SIGABRT);
	CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	CHECK(strstr(buf, "Kernel panic - not syncing: SLOB: panic_on_warn set ...\n") != NULL);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M slab_allocator=slob"), 0);
	RUN(test_kmalloc_header);
	RUN(test_first_fit_in_page);
	RUN(test_lists_by_size);
	RUN(test_pages_go_back);
	RUN(test_caches);
	RUN(test_bad_frees);
	RUN(test_panic_on_warn);
	CHECK_EQ(slab_validate(), 0);
	return check_summary();
}
