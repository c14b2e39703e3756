// SPDX-License-Identifier: MIT
/*
 * test_kmalloc - the kmalloc family's rules, one test each, as v6.12
 * behaves: ZERO_SIZE_PTR, overflow, __GFP_ZERO, alignment, ksize,
 * krealloc, large kmalloc, kvmalloc, the typed cache arrays, the string
 * helpers, kfree_sensitive, kfree_bulk, bad frees.  It runs under each
 * slab allocator; where they differ (size classes, SLOB's size header)
 * it expects what that allocator's kmalloc does.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slab_strategy.h"

#include <errno.h>
#include <stdint.h>

#define VALID() CHECK_EQ(kheap_validate(), 0)

/* Hide a pointer's provenance from the compiler: the tests use all of
 * ksize(), beyond the size the compiler saw requested (as the kernel says,
 * real code should ask for kmalloc_size_roundup() bytes instead). */
#define LAUNDER(p) ({ __typeof__(p) __p = (p); __asm__("" : "+r"(__p)); __p; })

static void test_zero_size_ptr(void)
{
	void *p = kmalloc(0, GFP_KERNEL);

	CHECK(p == ZERO_SIZE_PTR);
	CHECK(p == (void *)16);
	CHECK(ZERO_OR_NULL_PTR(p));
	CHECK(ZERO_OR_NULL_PTR(NULL));
	CHECK(!ZERO_OR_NULL_PTR((void *)17));
	CHECK_EQ(ksize(p), 0);
	CHECK_EQ(ksize(NULL), 0);
	kfree(p);		/* accepted, nothing happens */
	kfree(NULL);
	CHECK(kzalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	CHECK(kcalloc(0, 8, GFP_KERNEL) == ZERO_SIZE_PTR);
	VALID();
}

static void test_multiplication_overflow(void)
{
	CHECK(kmalloc_array(SIZE_MAX / 2, 3, GFP_KERNEL) == NULL);
	CHECK(kcalloc(SIZE_MAX / 8 + 1, 8, GFP_KERNEL) == NULL);
	CHECK(kvmalloc_array(SIZE_MAX, 2, GFP_KERNEL) == NULL);
	CHECK(kvcalloc(2, SIZE_MAX, GFP_KERNEL) == NULL);
	void *p = kmalloc(64, GFP_KERNEL);
	CHECK(krealloc_array(p, SIZE_MAX / 4, 8, GFP_KERNEL) == NULL);
	CHECK(ksize(p) == expected_ksize(64));	/* untouched on failure */
	kfree(p);
	/* the products that fit work */
	p = kmalloc_array(100, 30, GFP_KERNEL);
	CHECK(p != NULL && ksize(p) >= 3000);
	kfree(p);
}

static void test_gfp_zero(void)
{
	for (size_t size = 8; size <= 16384; size *= 2) {
		unsigned char *p = kmalloc(size, GFP_KERNEL);

		memset(p, 0xee, size);
		kfree(p);
		p = kzalloc(size, GFP_KERNEL);	/* likely the same object */
		int nz = 0;
		for (size_t i = 0; i < size; i++)
			nz |= p[i];
		CHECK_EQ(nz, 0);
		kfree(p);
	}
	unsigned int *a = kcalloc(1000, sizeof(*a), GFP_KERNEL);
	unsigned int acc = 0;
	for (int i = 0; i < 1000; i++)
		acc |= a[i];
	CHECK_EQ(acc, 0);
	kfree(a);
}

static void test_alignment(void)
{
	for (size_t size = 1; size <= 3 * 8192; size += (size < 512 ? 1 : 61)) {
		void *p = kmalloc(size, GFP_KERNEL);
		uintptr_t a = (uintptr_t)p;

		CHECK(p != NULL);
		CHECK_EQ(a % ARCH_KMALLOC_MINALIGN, 0);
		size_t ks = ksize(p);
		/* naturally aligned to the largest power of two dividing the
		 * size class (96: 32, 192: 64, 2^n: 2^n), pages above 8k;
		 * SLOB: a power-of-two size to itself, others to 8 */
		size_t want = ks <= KMALLOC_MAX_CACHE_SIZE ? (ks & -ks) : PAGE_SIZE;

		if (under_slob() && ks < PAGE_SIZE - ARCH_KMALLOC_MINALIGN)
			want = (size & (size - 1)) ? ARCH_KMALLOC_MINALIGN : size;
		if (a % want)
			fprintf(stderr, "  size %zu ksize %zu at %p\n", size, ks, p);
		CHECK_EQ(a % want, 0);
		kfree(p);
	}
}

static void test_ksize_and_roundup(void)
{
	/* SLUB's classes (kmalloc_size_index, then powers of two) */
	static const size_t expect[][2] = {
		{ 1, 8 }, { 8, 8 }, { 9, 16 }, { 17, 32 }, { 33, 64 },
		{ 65, 96 }, { 96, 96 }, { 97, 128 }, { 129, 192 },
		{ 192, 192 }, { 193, 256 }, { 257, 512 }, { 1000, 1024 },
		{ 2000, 2048 }, { 4000, 4096 }, { 8192, 8192 },
		{ 8193, 16384 }, { 100000, 131072 }, { 4UL << 20, 4UL << 20 },
	};
	/* SLOB: ksize is the header's size in units, roundup ALIGN(8) */
	static const size_t slob[][3] = {
		{ 1, 2, 8 }, { 8, 8, 8 }, { 9, 10, 16 }, { 65, 66, 72 },
		{ 4000, 4000, 4000 }, { 4087, 4088, 4088 }, { 4088, 4096, 4088 },
		{ 8192, 8192, 8192 }, { 8193, 16384, 8200 },
	};

	for (size_t i = 0; under_slob() && i < ARRAY_SIZE(slob); i++) {
		unsigned char *p = kmalloc(slob[i][0], GFP_KERNEL);

		CHECK_EQ(ksize(p), slob[i][1]);
		CHECK_EQ(kmalloc_size_roundup(slob[i][0]), slob[i][2]);
		memset(p, 0x5c, ksize(p));
		kfree(p);
	}
	for (size_t i = 0; !under_slob() && i < ARRAY_SIZE(expect); i++) {
		unsigned char *p = kmalloc(expect[i][0], GFP_KERNEL);
		/* SLAB's classes start at kmalloc-32 (KMALLOC_SHIFT_LOW 5) */
		size_t want = under_slab() && expect[i][0] <= 32 ? 32 : expect[i][1];

		CHECK_EQ(ksize(p), want);
		CHECK_EQ(expected_ksize(expect[i][0]), want);
		CHECK_EQ(kmalloc_size_roundup(expect[i][0]), want);
		/* the whole ksize is usable */
		memset(p, 0x5c, ksize(p));
		kfree(p);
	}
	CHECK_EQ(kmalloc_size_roundup(0), 0);
	if (!under_slob())
		CHECK_EQ(kmalloc_size_roundup((4UL << 20) + 1), (4UL << 20) + 1);
	/* writing all of ksize never touches a neighbour */
	unsigned char *a = LAUNDER((unsigned char *)kmalloc(50, GFP_KERNEL));
	unsigned char *b = LAUNDER((unsigned char *)kmalloc(50, GFP_KERNEL));
	memset(b, 0x11, ksize(b));
	memset(a, 0x22, ksize(a));
	for (size_t i = 0; i < ksize(b); i++)
		CHECK_EQ(b[i], 0x11);
	kfree(a);
	kfree(b);
	VALID();
}

static void test_krealloc(void)
{
	char *p = krealloc(NULL, 40, GFP_KERNEL);	/* = kmalloc */

	CHECK(p != NULL);
	CHECK_EQ(ksize(p), expected_ksize(40));
	strcpy(p, "contents survive");
	/* fits in ksize: same object */
	CHECK(krealloc(p, ksize(p), GFP_KERNEL) == p);
	CHECK(krealloc(p, 10, GFP_KERNEL) == p);
	/* grows: moves, keeps the contents */
	char *q = krealloc(p, 1000, GFP_KERNEL);
	CHECK(q != NULL && q != p);
	CHECK(!strcmp(q, "contents survive"));
	/* to a large kmalloc and back */
	char *r = krealloc(q, 100000, GFP_KERNEL);
	CHECK(!strcmp(r, "contents survive"));
	CHECK_EQ(ksize(r), 131072);
	/* size 0: frees and returns ZERO_SIZE_PTR */
	CHECK(krealloc(r, 0, GFP_KERNEL) == ZERO_SIZE_PTR);
	/* ZERO_SIZE_PTR in: like NULL */
	p = krealloc(ZERO_SIZE_PTR, 16, GFP_KERNEL);
	CHECK(p != NULL && p != ZERO_SIZE_PTR);
	kfree(p);
	VALID();
}

static void test_krealloc_zeroing(void)
{
	/* v6.12: with __GFP_ZERO, in place, [new_size, ksize) is zeroed so
	 * a later growth within the object finds zeros */
	unsigned char *p = kzalloc(100, GFP_KERNEL);	/* kmalloc-128 */
	int ks = (int)ksize(p);		/* SLOB: 100 */

	memset(p, 0xaa, 100);
	p = LAUNDER((unsigned char *)krealloc(p, 50, GFP_KERNEL | __GFP_ZERO));
	for (int i = 50; i < ks; i++)
		CHECK_EQ(p[i], 0);
	for (int i = 0; i < 50; i++)
		CHECK_EQ(p[i], 0xaa);
	p = krealloc(p, ks - 8, GFP_KERNEL | __GFP_ZERO);
	for (int i = 50; i < ks - 8; i++)
		CHECK_EQ(p[i], 0);
	/* moving with __GFP_ZERO: the new tail is zero */
	p = krealloc(p, 4000, GFP_KERNEL | __GFP_ZERO);
	for (int i = ks; i < 4000; i++)
		CHECK_EQ(p[i], 0);
	for (int i = 0; i < 50; i++)
		CHECK_EQ(p[i], 0xaa);
	kfree(p);
}

static unsigned long free_and_pcp(void)
{
	drain_all_pages(NULL);
	return global_free_pages();
}

static void test_large_kmalloc_pages(void)
{
	unsigned long before = free_and_pcp();
	unsigned long slab_before = node_page_state(NR_SLAB_UNRECLAIMABLE);
	void *p = kmalloc(40000, GFP_KERNEL);	/* order 4 */

	CHECK(p != NULL);
	CHECK_EQ(((uintptr_t)p) & (PAGE_SIZE - 1), 0);
	struct page *page = virt_to_page(p);
	CHECK(PageHead(page));
	CHECK_EQ(compound_order(page), 4);
	CHECK(!PageSlab(page));
	CHECK_EQ(free_and_pcp(), before - 16);
	/* large kmalloc counts as unreclaimable slab, as in the kernel */
	CHECK_EQ(node_page_state(NR_SLAB_UNRECLAIMABLE), slab_before + 16);
	kfree(p);
	CHECK_EQ(free_and_pcp(), before);
	CHECK_EQ(node_page_state(NR_SLAB_UNRECLAIMABLE), slab_before);
	/* up to KMALLOC_MAX_SIZE */
	p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);
	CHECK(p != NULL);
	kfree(p);
	VALID();
}

static void too_big(void *arg)
{
	gfp_t gfp = *(gfp_t *)arg;

	CHECK(kmalloc(KMALLOC_MAX_SIZE + 1, gfp) == NULL);
}

static void test_beyond_kmalloc_max_size(void)
{
	char buf[8192];
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;

	check_capture_stderr(too_big, &gfp, buf, sizeof(buf));
	CHECK_EQ(buf[0], 0);	/* __GFP_NOWARN: quiet */
	gfp = GFP_KERNEL;
	check_capture_stderr(too_big, &gfp, buf, sizeof(buf));
	CHECK(strstr(buf, "WARNING") != NULL);
	check_capture_stderr(too_big, &gfp, buf, sizeof(buf));
	CHECK_EQ(buf[0], 0);	/* one-time warning */
}

static void test_kvmalloc(void)
{
	/* small and kmalloc-able: kmalloc */
	void *p = kvmalloc(1000, GFP_KERNEL);
	CHECK(p && !is_vmalloc_addr(p) && virt_to_slab(p));
	kvfree(p);
	p = kvmalloc(1 << 20, GFP_KERNEL);	/* a large kmalloc still */
	CHECK(p && !is_vmalloc_addr(p));
	kvfree(p);
	/* beyond KMALLOC_MAX_SIZE: vmalloc, quietly */
	p = kvzalloc(16UL << 20, GFP_KERNEL);
	CHECK(p && is_vmalloc_addr(p));
	CHECK_EQ(((unsigned char *)p)[(16UL << 20) - 1], 0);
	kvfree(p);
	/* no vmalloc fallback for requests that cannot sleep */
	CHECK(kvmalloc(16UL << 20, GFP_NOWAIT) == NULL);
	/* kvrealloc across the boundary keeps contents */
	char *s = kvmalloc(100, GFP_KERNEL);
	strcpy(s, "kept");
	s = kvrealloc(s, 8UL << 20, GFP_KERNEL);
	CHECK(s && is_vmalloc_addr(s) && !strcmp(s, "kept"));
	s = kvrealloc(s, 16UL << 20, GFP_KERNEL);
	CHECK(s && !strcmp(s, "kept"));
	kvfree(s);
	kvfree(NULL);
	VALID();
}

static struct kmem_cache *cache_of(const void *p)
{
	struct slab *slab = virt_to_slab(p);

	return slab ? slab->slab_cache : NULL;
}

static void test_typed_caches(void)
{
	if (under_slob()) {	/* no kmalloc caches: one pseudo-cache */
		void *n = kmalloc(64, GFP_KERNEL);

		CHECK(kmalloc_caches[KMALLOC_DMA][6] == kmalloc_caches[KMALLOC_NORMAL][3]);
		CHECK(virt_to_slab(n) && !strcmp(cache_of(n)->name, "slob-kmalloc"));
		kfree(n);
		return;
	}
	void *n = kmalloc(64, GFP_KERNEL);
	void *r = kmalloc(64, GFP_KERNEL | __GFP_RECLAIMABLE);
	void *d = kmalloc(64, GFP_KERNEL | GFP_DMA);
	void *a = kmalloc(64, GFP_KERNEL_ACCOUNT);	/* no memcg: normal */

	CHECK(!strcmp(kmem_cache_name(cache_of(n)), "kmalloc-64"));
	CHECK(!strcmp(kmem_cache_name(cache_of(r)), "kmalloc-rcl-64"));
	CHECK(!strcmp(kmem_cache_name(cache_of(d)), "dma-kmalloc-64"));
	CHECK(cache_of(a) == cache_of(n));
	CHECK(cache_of(r)->flags & SLAB_RECLAIM_ACCOUNT);
	CHECK(cache_of(d)->flags & SLAB_CACHE_DMA);
	CHECK(page_to_pfn(virt_to_page(d)) < MAX_DMA_PFN);
	CHECK(cache_of(n)->flags & SLAB_KMALLOC);
	kfree(n);
	kfree(r);
	kfree(d);
	kfree(a);
}

static void test_caches_listed_before_use(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	static const char *const names[] = {
		"kmalloc-8 ", "kmalloc-96 ", "kmalloc-192 ", "kmalloc-8k ",
		"kmalloc-rcl-2k ", "dma-kmalloc-512 ", "kmalloc-1k ",
	};

	if (under_slob()) {	/* v6.3: no /proc/slabinfo under SLOB */
		CHECK_EQ(kheap_proc_show("slabinfo", f), -ENOENT);
		fclose(f);
		free(text);
		return;
	}
	kheap_proc_show("slabinfo", f);
	fclose(f);
	for (size_t i = under_slab(); i < ARRAY_SIZE(names); i++) {
		char want[64];

		snprintf(want, sizeof(want), "\n%s", names[i]);
		CHECK(strstr(text, want) != NULL);
	}
	int n = 0;
	for (char *s = text; (s = strstr(s, "kmalloc-")); s++)
		n++;
	/* 3 types of 13 classes; SLAB has no kmalloc-8 and kmalloc-16 */
	CHECK_EQ(n, under_slab() ? 3 * 11 : 3 * 13);
	CHECK(!under_slab() || strstr(text, "\nkmalloc-16 ") == NULL);
	free(text);
}

static void test_string_helpers(void)
{
	char *s = kstrdup("hello", GFP_KERNEL);
	CHECK(!strcmp(s, "hello"));
	CHECK_EQ(ksize(s), expected_ksize(6));
	kfree(s);
	CHECK(kstrdup(NULL, GFP_KERNEL) == NULL);
	s = kstrndup("abcdefgh", 3, GFP_KERNEL);
	CHECK(!strcmp(s, "abc"));
	kfree(s);
	s = kmemdup_nul("xyz123", 4, GFP_KERNEL);
	CHECK(!strcmp(s, "xyz1"));
	kfree(s);
	int arr[4] = { 1, 2, 3, 4 };
	int *c = kmemdup(arr, sizeof(arr), GFP_KERNEL);
	CHECK(c && c[3] == 4 && c != arr);
	kfree(c);
	s = kasprintf(GFP_KERNEL, "%s-%d-%05x", "cpu", 7, 0xbeef);
	CHECK(!strcmp(s, "cpu-7-0beef"));
	kfree(s);
	/* a literal is kept as it is; a heap string is copied */
	const char *lit = "a literal";
	CHECK(kstrdup_const(lit, GFP_KERNEL) == lit);
	kfree_const(lit);	/* not freed, no report */
	char stackbuf[16] = "on the stack";
	const char *cp = kstrdup_const(stackbuf, GFP_KERNEL);
	CHECK(cp != stackbuf && !strcmp(cp, "on the stack"));
	CHECK(virt_to_slab(cp) != NULL);
	kfree_const(cp);
	VALID();
}

static void test_kfree_sensitive(void)
{
	unsigned char *p = LAUNDER((unsigned char *)kmalloc(200, GFP_KERNEL)); /* kmalloc-256 */
	struct kmem_cache *s = cache_of(p);
	unsigned int ks = (unsigned int)ksize(p), meta_lo = 0, meta_hi = 0;

	memset(p, 0x99, ks);	/* ksize() hands over all 256 bytes */
	kfree_sensitive(p);
	if (under_slub()) {	/* the free pointer SLUB stores */
		meta_lo = s->offset;
		meta_hi = s->offset + sizeof(void *);
	} else if (under_slab()) {	/* kheap's free mark (slab.c, 8.) */
		meta_lo = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(long));
		meta_hi = meta_lo + sizeof(long);
	}	/* SLOB's free block (from the header on) keeps its bookkeeping
		   outside the object's bytes */
#ifndef __SANITIZE_ADDRESS__	/* there, kheap poisons the freed object */
	/* the whole object is zero but for the allocator's free metadata */
	int nonzero = 0;
	for (unsigned int i = 0; i < ks; i++)
		if (p[i] && (i < meta_lo || i >= meta_hi))
			nonzero++;
	CHECK_EQ(nonzero, 0);
#else
	(void)meta_lo, (void)meta_hi;
#endif
	kfree_sensitive(NULL);
}

static void test_kfree_bulk(void)
{
	void *p[40];

	for (int i = 0; i < 40; i++)
		p[i] = kmalloc((size_t)(i % 5 == 4 ? 20000 : 16 << (i % 4)),
			       GFP_KERNEL);
	p[7] = NULL;
	kfree(p[8]);
	p[8] = ZERO_SIZE_PTR;
	kfree_bulk(40, p);
	VALID();
}

static void free_this(void *arg)
{
	kfree(arg);
}

static void test_bad_frees_are_reported(void)
{
	char buf[8192];
	int local;
	void *m = malloc(32);
	char *big = kmalloc(20000, GFP_KERNEL);
	void *v = vmalloc(4096);

	check_capture_stderr(free_this, &local, buf, sizeof(buf));
	CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	CHECK(strstr(buf, "Call Trace:") != NULL);
	check_capture_stderr(free_this, m, buf, sizeof(buf));
	CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	check_capture_stderr(free_this, big + 4096, buf, sizeof(buf));
	CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	CHECK(strstr(buf, "inside a large kmalloc object") != NULL);
	check_capture_stderr(free_this, v, buf, sizeof(buf));
	CHECK(strstr(buf, "vmalloc address") != NULL);
	/* a page from the page allocator is not a kmalloc object */
	unsigned long pg = __get_free_pages(GFP_KERNEL, 2);
	check_capture_stderr(free_this, (void *)pg, buf, sizeof(buf));
	CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	free_pages(pg, 2);
	/* nothing was freed: all still usable */
	memset(big, 1, 20000);
	kfree(big);
	vfree(v);
	free(m);
	VALID();
}

static void double_free(void *arg)
{
	kfree(arg);
	kfree(arg);
}

static void test_double_free_detected_cheaply(void)
{
	char buf[8192];
	void *p = kmalloc(64, GFP_KERNEL);
	void *q, *r;

	check_capture_stderr(double_free, p, buf, sizeof(buf));
	if (under_slob())	/* the block is free, or its page went back */
		CHECK(strstr(buf, "kfree(): invalid pointer") != NULL);
	else if (under_slab())	/* the naive check: on top of the array */
		CHECK(strstr(buf, "double free") != NULL);
	else
		CHECK(strstr(buf, "): Object already free\n") != NULL);
	CHECK(under_slob() || strstr(buf, "kmalloc-64") != NULL);
	/* the freelist is intact: two allocations give two objects */
	q = kmalloc(64, GFP_KERNEL);
	r = kmalloc(64, GFP_KERNEL);
	CHECK(q != r);
	kfree(q);
	kfree(r);
	VALID();
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=1G"), 0);
	RUN(test_zero_size_ptr);
	RUN(test_multiplication_overflow);
	RUN(test_gfp_zero);
	RUN(test_alignment);
	RUN(test_ksize_and_roundup);
	RUN(test_krealloc);
	RUN(test_krealloc_zeroing);
	RUN(test_large_kmalloc_pages);
	RUN(test_beyond_kmalloc_max_size);
	RUN(test_kvmalloc);
	RUN(test_typed_caches);
	RUN(test_caches_listed_before_use);
	RUN(test_string_helpers);
	RUN(test_kfree_sensitive);
	RUN(test_kfree_bulk);
	RUN(test_bad_frees_are_reported);
	RUN(test_double_free_detected_cheaply);
	return check_summary();
}
