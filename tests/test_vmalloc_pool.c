// SPDX-License-Identifier: MIT
/*
 * test_vmalloc_pool - freed vmalloc areas of 64 KiB and more keep their
 * bytes in a bounded pool, and later areas take them
 * over by moving the pages (mm/vmalloc.c, 7.); vrealloc and vmalloc_move
 * move pages instead of copying.  What a user can see: the malloc shim's
 * entry (vmalloc_nozero) gets the moved bytes (slices of bigger pooled
 * areas, pieces of several), the kernel API and __GFP_ZERO get fresh
 * pages that read zero and leave the pool alone,
 * pooled areas show in vmallocinfo as unpurged, the pool
 * stays within lazy_max_pages and 16 areas, and its bytes go back to the
 * OS after page_reporting.delay_ms (100 ms here) and on vm_unmap_aliases().
 * vmap_validate() runs after every phase.
 */
#include "internal.h"
#include "check.h"

#include <unistd.h>

#define MiB	(1UL << 20)

static void validate(void)
{
	CHECK_EQ(vmap_validate(), 0);
}

static bool holds(const unsigned char *p, unsigned long n, unsigned char v)
{
	for (unsigned long i = 0; i < n; i += 512)
		if (p[i] != v)
			return false;
	return p[n - 1] == v;
}

/* An "unpurged vm_area" line of vmallocinfo for exactly [p, p + size). */
static bool shown_unpurged(const void *p, unsigned long size)
{
	char want[96], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool found;

	kheap_proc_show("vmallocinfo", f);
	fclose(f);
	snprintf(want, sizeof(want), "0x%016lx-0x%016lx %7ld unpurged vm_area\n",
		 (unsigned long)p, (unsigned long)p + size, (long)size);
	found = strstr(text, want) != NULL;
	free(text);
	return found;
}

/* The shim's entry point: a pooled area's bytes arrive as they were. */
static void pooled_bytes_move_test(void)
{
	unsigned char *p, *q;

	vm_unmap_aliases();
	p = vmalloc_nozero(MiB, 1, GFP_KERNEL, NULL);
	CHECK(p != NULL);
	memset(p, 0xab, MiB);
	vfree(p);
	CHECK(shown_unpurged(p, MiB + PAGE_SIZE));	/* data + guard page */
	validate();

	q = vmalloc_nozero(MiB - 8 * PAGE_SIZE, 1, GFP_KERNEL, NULL);
	CHECK(q != NULL);
	CHECK(holds(q, MiB - 8 * PAGE_SIZE, 0xab));
	validate();
	vfree(q);

	/* __GFP_ZERO (calloc) takes fresh pages and leaves the pool alone */
	q = vmalloc_nozero(MiB, 1, GFP_KERNEL | __GFP_ZERO, NULL);
	CHECK(q != NULL && holds(q, MiB, 0));
	vfree(q);
	p = vmalloc_nozero(MiB, 1, GFP_KERNEL, NULL);
	CHECK(p != NULL);
	memset(p, 0xcd, MiB);
	vfree(p);
	q = vmalloc_nozero(MiB, 1, GFP_KERNEL | __GFP_ZERO, NULL);
	CHECK(q != NULL && holds(q, MiB, 0));
	CHECK(shown_unpurged(p, MiB + PAGE_SIZE));	/* still pooled */
	vfree(q);
	validate();
}

/* The kernel API's vmalloc memory is fresh: it reads zero, the pool stays. */
static void kernel_api_reads_zero_test(void)
{
	unsigned char *pooled = vmalloc_nozero(256 * PAGE_SIZE, 1, GFP_KERNEL, NULL);
	unsigned char *fresh;

	CHECK(pooled != NULL);
	memset(pooled, 0xee, 256 * PAGE_SIZE);
	vfree(pooled);
	fresh = vmalloc(256 * PAGE_SIZE);
	CHECK(fresh != NULL && holds(fresh, 256 * PAGE_SIZE, 0));
	CHECK(shown_unpurged(pooled, 256 * PAGE_SIZE + PAGE_SIZE));	/* untaken */
	vfree(fresh);
	/* and a kernel API area is not pooled: nothing could take it */
	vm_unmap_aliases();
	fresh = vmalloc(256 * PAGE_SIZE);
	memset(fresh, 0x77, 256 * PAGE_SIZE);
	vfree(fresh);
	pooled = vmalloc_nozero(256 * PAGE_SIZE, 1, GFP_KERNEL, NULL);
	CHECK(pooled != NULL && holds(pooled, 256 * PAGE_SIZE, 0));
	vfree(pooled);

	for (int i = 0; i < 20; i++) {
		unsigned long size = (64 + i * 37) * PAGE_SIZE;
		unsigned char *p = (i & 1) ? vzalloc(size) : vmalloc(size);

		CHECK(p != NULL);
		if (!p)
			return;
		CHECK(holds(p, size, 0));
		memset(p, 0x5a, size);
		vfree(p);
	}
	validate();
}

/*
 * A small area takes a slice of a big pooled one, whose rest stays pooled;
 * a big area takes several pooled ones, one after the other.
 */
static void slices_and_pieces_test(void)
{
	unsigned char *big, *small, *a, *b, *c;

	vm_unmap_aliases();
	big = vmalloc_nozero(8 * MiB, 1, GFP_KERNEL, NULL);
	CHECK(big != NULL);
	memset(big, 0x11, 8 * MiB);
	vfree(big);
	small = vmalloc_nozero(64 * PAGE_SIZE, 1, GFP_KERNEL, NULL);
	CHECK(small != NULL && holds(small, 64 * PAGE_SIZE, 0x11));
	/* the rest, guard page and all, still pooled */
	CHECK(shown_unpurged(big + 64 * PAGE_SIZE, 8 * MiB - 64 * PAGE_SIZE + PAGE_SIZE));
	vfree(small);
	validate();

	vm_unmap_aliases();
	a = vmalloc_nozero(MiB, 1, GFP_KERNEL, NULL);
	b = vmalloc_nozero(2 * MiB, 1, GFP_KERNEL, NULL);
	CHECK(a && b);
	memset(a, 0xaa, MiB);
	memset(b, 0xbb, 2 * MiB);
	vfree(a);
	vfree(b);
	c = vmalloc_nozero(4 * MiB, 1, GFP_KERNEL, NULL);
	CHECK(c != NULL);
	/* the largest first (b), then a, then fresh pages */
	CHECK(holds(c, 2 * MiB, 0xbb));
	CHECK(holds(c + 2 * MiB, MiB, 0xaa));
	CHECK(holds(c + 3 * MiB, MiB, 0));
	vfree(c);
	validate();

	/* c is in three mappings now: as a donor it still moves whole */
	a = vmalloc_nozero(4 * MiB, 1, GFP_KERNEL, NULL);
	CHECK(a != NULL);
	CHECK(holds(a, 2 * MiB, 0xbb) && holds(a + 2 * MiB, MiB, 0xaa));
	vfree(a);
	validate();
}

/* The pool keeps at most lazy_max_pages of bytes, and 16 areas. */
static void bounded_test(void)
{
	unsigned int cpus = os_ncpus();
	unsigned long max = (32 - __builtin_clz(cpus)) * 32 * MiB;
	unsigned long n = max / (4 * MiB) + 8, rss0, rss1, rss2, rss3;
	unsigned char **p = calloc(n, sizeof(*p));

	vm_unmap_aliases();
	rss0 = os_rss_kb();
	for (unsigned long i = 0; i < n; i++) {
		p[i] = vmalloc_nozero(4 * MiB - PAGE_SIZE, 1, GFP_KERNEL, NULL);
		CHECK(p[i] != NULL);
		memset(p[i], (int)i, 4 * MiB - PAGE_SIZE);
	}
	rss1 = os_rss_kb();
	CHECK(rss1 > rss0 + (n - 1) * 4 * 1024);	/* kB: all of it resident */
	for (unsigned long i = 0; i < n; i++)
		vfree(p[i]);
	validate();
	rss2 = os_rss_kb();
	/* kept: no more than the bound (16 areas here at most), some kept */
	CHECK(rss2 < rss0 + min(max, 16 * 4 * MiB) / 1024 + 4096);
	CHECK(rss2 > rss0 + 4 * 1024);
	vm_unmap_aliases();		/* gives all of it back */
	rss3 = os_rss_kb();
	CHECK(rss3 < rss0 + 4096);
	validate();
	free(p);
}

/* What waited page_reporting.delay_ms goes back at the next pool visit. */
static void aged_out_test(void)
{
	unsigned char *p, *q;
	unsigned long rss0, rss1, rss2;

	vm_unmap_aliases();
	rss0 = os_rss_kb();
	p = vmalloc_nozero(16 * MiB, 1, GFP_KERNEL, NULL);
	CHECK(p != NULL);
	memset(p, 1, 16 * MiB);
	vfree(p);
	rss1 = os_rss_kb();
	CHECK(rss1 > rss0 + 15 * 1024);		/* pooled, resident */
	usleep(300 * 1000);			/* delay_ms is 100 */
	q = vmalloc_nozero(64 * PAGE_SIZE, 1, GFP_KERNEL, NULL);
	rss2 = os_rss_kb();
	CHECK(rss2 < rss0 + 2048);		/* the old area went back */
	CHECK(!shown_unpurged(p, 16 * MiB + PAGE_SIZE));
	vfree(q);
	validate();
}

static void *move_result;

static void capture_bad_move(void *arg)
{
	move_result = vmalloc_move(arg, 2 * MiB, GFP_KERNEL, NULL);
}

/* vrealloc grows by moving the pages; vmalloc_move also shrinks. */
static void move_test(void)
{
	unsigned char *p, *q;

	p = vmalloc(2 * MiB);
	CHECK(p != NULL);
	memset(p, 0x77, 2 * MiB);
	q = vrealloc(p, 6 * MiB, GFP_KERNEL);
	CHECK(q != NULL);
	CHECK(holds(q, 2 * MiB, 0x77));
	CHECK(holds(q + 2 * MiB, 4 * MiB, 0));	/* the rest is new and zero */
	CHECK(find_vm_area(p) == NULL || p == q);
	CHECK(find_vm_area(q) != NULL && get_vm_area_size(find_vm_area(q)) == 6 * MiB);
	validate();

	p = vmalloc_move(q, MiB, GFP_KERNEL, NULL);
	CHECK(p != NULL);
	CHECK(holds(p, MiB, 0x77));
	CHECK(get_vm_area_size(find_vm_area(p)) == MiB);
	validate();
	vfree(p);

	/* a pointer that is no area's start: reported, nothing moves */
	p = vmalloc(MiB);
	memset(p, 0x42, MiB);
	{
		char buf[4096];

		move_result = p;
		check_capture_stderr(capture_bad_move, p + PAGE_SIZE, buf, sizeof(buf));
		CHECK(move_result == NULL);
		CHECK(strstr(buf, "Trying to vrealloc() nonexistent vm area") != NULL);
	}
	CHECK(holds(p, MiB, 0x42));
	vfree(p);
	validate();
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=1G page_reporting.delay_ms=100"), 0);
	RUN(pooled_bytes_move_test);
	RUN(kernel_api_reads_zero_test);
	RUN(slices_and_pieces_test);
	RUN(bounded_test);
	RUN(aged_out_test);
	RUN(move_test);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
