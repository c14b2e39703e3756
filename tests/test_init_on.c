// SPDX-License-Identifier: MIT
/*
 * test_init_on - init_on_alloc= and init_on_free= on every allocation path,
 * as v6.12 defines them (mm/page_alloc.c, mm/slub.c, mm/slab.h): pages,
 * kmalloc and large kmalloc, krealloc and vrealloc in place, vmalloc,
 * kmem_cache objects (plain, with a constructor, SLAB_TYPESAFE_BY_RCU,
 * SLAB_POISON, a kmalloc cache with red zones), bulk allocation and free,
 * mempool.  The command line comes from argv[1] (CTest runs the program
 * with "init_on_alloc=1", "init_on_free=1", both, and neither: without
 * them the checks that expect zeroes must see the garbage instead).
 */
#include "internal.h"
#include "slab_internal.h"
#include "sanitizer.h"
#include "check.h"
#include "init_on.h"

#include <linux/poison.h>

static bool on_alloc, on_free;

/* Hide where a pointer came from (alloc_size would bound it). */
static inline void *hide(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/*
 * Can a freed object of @s be read?  Not where the ASan build poisons it
 * (reading it there is the use after free ASan reports).
 */
static bool readable_after_free(struct kmem_cache *s)
{
	return !kheap_asan_cache(s);
}

/*
 * A freed slab object under init_on_free: zero but for the free pointer,
 * which SLUB may have written into it after zeroing (at most one word).
 * (True where it cannot be read.)
 */
static bool zero_but_freepointer(struct kmem_cache *s, const void *p,
				 size_t n)
{
	size_t off = s->offset;

	if (!readable_after_free(s))
		return true;

	if (off + sizeof(void *) > n)
		return nonzero(p, n) == 0;
	return nonzero(p, off) == 0 &&
	       nonzero((const char *)p + off + sizeof(void *),
		       n - off - sizeof(void *)) == 0;
}

/* Pages: zeroed at allocation (init_on_alloc) or at free (init_on_free). */
static void test_pages(void)
{
	for (unsigned int order = 0; order <= 4; order++) {
		size_t size = PAGE_SIZE << order;
		struct page *page = alloc_pages(GFP_KERNEL, order);
		void *p;

		CHECK(page != NULL);
		p = page_address(page);
		dirty(p, size);
		__free_pages(page, order);
		if (on_free)
			CHECK_EQ(nonzero(p, size), 0);	/* still mapped */
		else
			CHECK_EQ(garbage(p, size), size);
		page = alloc_pages(GFP_KERNEL, order);
		p = page_address(page);
		if (on_alloc || on_free)
			CHECK_EQ(nonzero(p, size), 0);
		dirty(p, size);
		__free_pages(page, order);
	}
}

/* __GFP_ZERO still gives zeroes when init_on_free skips alloc zeroing. */
static void test_pages_gfp_zero(void)
{
	struct page *pages[64];

	for (int i = 0; i < 64; i++) {
		pages[i] = alloc_pages(GFP_KERNEL | __GFP_ZERO, i & 3);
		CHECK(pages[i] != NULL);
		CHECK_EQ(nonzero(page_address(pages[i]), PAGE_SIZE << (i & 3)), 0);
		dirty(page_address(pages[i]), PAGE_SIZE << (i & 3));
	}
	for (int i = 0; i < 64; i++)
		__free_pages(pages[i], i & 3);
}

/* kmalloc of every class and large kmalloc up to 1 MiB. */
static void test_kmalloc(void)
{
	for (size_t size = 8; size <= (1 << 20); size *= 2) {
		for (size_t n = size - size / 4; n <= size; n += size / 4) {
			char *p = kmalloc(n, GFP_KERNEL);
			size_t ks = ksize(p);
			struct slab *slab = virt_to_slab(p);

			dirty(p, ks);
			kfree(p);
			if (on_free && slab)
				CHECK(zero_but_freepointer(slab->slab_cache, p, ks));
			else if (on_free)	/* large: its pages */
				CHECK_EQ(nonzero(p, ks), 0);
			p = kmalloc(n, GFP_KERNEL);
			if (on_alloc || on_free)
				CHECK_EQ(nonzero(p, ksize(p)), 0);
			kfree(p);
		}
	}
}

/* Without an option, kmalloc hands back its garbage: the test can fail. */
static void test_garbage_without_options(void)
{
	char *p, *q;

	if (on_alloc || on_free)
		return;
	p = kmalloc(200, GFP_KERNEL);
	dirty(p, 200);
	kfree(p);
	q = kmalloc(200, GFP_KERNEL);
	CHECK(q == p);				/* LIFO */
	CHECK(garbage(q, 200) >= 200 - sizeof(void *));
	kfree(q);
}

/* krealloc in place: the spare bytes are zeroed with init_on_alloc. */
static void test_krealloc_in_place(void)
{
	char *p = kmalloc(100, GFP_KERNEL), *q;
	size_t ks = ksize(p);

	dirty(p, ks);
	q = hide(krealloc(p, 50, GFP_KERNEL));
	CHECK(q == p);
	CHECK_EQ(garbage(q, 50), 50);
	if (on_alloc)
		CHECK_EQ(nonzero(q + 50, ks - 50), 0);
	else
		CHECK_EQ(garbage(q + 50, ks - 50), ks - 50);
	kfree(q);
}

/* vmalloc is zero-filled either way; vrealloc's spare bytes with init_on_alloc. */
static void test_vmalloc(void)
{
	size_t size = 5 * PAGE_SIZE;
	char *p = vmalloc(size), *q;

	CHECK_EQ(nonzero(p, size), 0);
	dirty(p, size);
	q = hide(vrealloc(p, size - 1000, GFP_KERNEL));
	CHECK(q == p);
	if (on_alloc)
		CHECK_EQ(nonzero(q + size - 1000, 1000), 0);
	else
		CHECK_EQ(garbage(q + size - 1000, 1000), 1000);
	vfree(q);
	p = vmalloc(size);
	CHECK_EQ(nonzero(p, size), 0);
	vfree(p);
}

/*
 * The malloc shim's vmalloc_nozero() reuses the bytes of an area it made
 * and freed, from vmalloc's pool, without clearing them - unless
 * init_on_alloc asks for zeroes (then it takes fresh pages); with
 * init_on_free the freed area's bytes are gone at vfree().
 */
static void test_vmalloc_pool_reuse(void)
{
	size_t size = 256 << 10;
	char *p = vmalloc_nozero(size, PAGE_SIZE, GFP_KERNEL, NULL), *q;

	dirty(p, size);
	vfree(p);
	q = vmalloc_nozero(size, PAGE_SIZE, GFP_KERNEL, NULL);
	CHECK(q != NULL);
	if (on_alloc || on_free)
		CHECK_EQ(nonzero(q, size), 0);
	else
		CHECK_EQ(garbage(q, size), size);	/* the pool's bytes */
	vfree(q);
}

/*
 * vmalloc's frames are accounting only: init_on_alloc/init_on_free must
 * not write them (64 MiB of them would be 64 MiB of RSS).
 */
static void test_vmalloc_frames_untouched(void)
{
	size_t size = 64UL << 20;
	unsigned long before = os_rss_kb(), after;
	char *p = vmalloc(size);

	CHECK(p != NULL);
	after = os_rss_kb();
	CHECK(after < before + 16 * 1024);
	CHECK(kheap_page_flag(vmalloc_to_page(p), PG_frames_only));
	vfree(p);
}

/* A plain cache: zeroed objects either way (with an option). */
static void test_cache_plain(void)
{
	struct kmem_cache *s = kmem_cache_create("init_plain", 100, 0, 0, NULL);
	char *p = kmem_cache_alloc(s, GFP_KERNEL);

	dirty(p, 100);
	kmem_cache_free(s, p);
	if (on_free)
		CHECK(zero_but_freepointer(s, p, 100));
	p = kmem_cache_alloc(s, GFP_KERNEL);
	if (on_alloc || on_free)
		CHECK_EQ(nonzero(p, 100), 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

#define CTOR_PATTERN	0x41414141u

static void ctor(void *obj)
{
	*(unsigned int *)obj = CTOR_PATTERN;
}

/* A constructor's state survives: never zeroed, not even with __GFP_ZERO
 * under init_on_alloc (slab_want_init_on_alloc()). */
static void test_cache_ctor(void)
{
	struct kmem_cache *s = kmem_cache_create("init_ctor", 64, 0, 0, ctor);
	char *p = kmem_cache_alloc(s, GFP_KERNEL);

	CHECK_EQ(*(unsigned int *)p, CTOR_PATTERN);
	dirty(p + 4, 60);
	kmem_cache_free(s, p);
	if (readable_after_free(s)) {
		CHECK_EQ(*(unsigned int *)p, CTOR_PATTERN);
		CHECK_EQ(garbage(p + 4, 60), 60);	/* not zeroed at free */
	}
	p = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(*(unsigned int *)p, CTOR_PATTERN);
	if (on_alloc) {
		kmem_cache_free(s, p);
		p = kmem_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
		CHECK_EQ(*(unsigned int *)p, CTOR_PATTERN);
	}
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/*
 * SLAB_TYPESAFE_BY_RCU: readers may still look at a freed object, so it is
 * never zeroed at free, and at allocation only for __GFP_ZERO.
 */
static void test_cache_rcu(void)
{
	struct kmem_cache *s = kmem_cache_create("init_rcu", 128, 0,
						 SLAB_TYPESAFE_BY_RCU, NULL);
	void *objs[32];

	for (int i = 0; i < 32; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		dirty(objs[i], 128);
	}
	for (int i = 0; i < 32; i++)
		kmem_cache_free(s, objs[i]);
	for (int i = 0; i < 32; i++)
		CHECK_EQ(garbage(objs[i], 128), 128);	/* intact after free */
	for (int i = 0; i < 32; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK_EQ(garbage(objs[i], 128), 128);	/* not zeroed */
	}
	for (int i = 0; i < 32; i++)
		kmem_cache_free(s, objs[i]);
	objs[0] = kmem_cache_zalloc(s, GFP_KERNEL);
	CHECK_EQ(nonzero(objs[0], 128), 0);
	kmem_cache_free(s, objs[0]);
	kmem_cache_destroy(s);
}

/* SLAB_POISON takes precedence: poison, not zeroes, except __GFP_ZERO. */
static void test_cache_poison(void)
{
	struct kmem_cache *s = kmem_cache_create("init_poison", 64, 0,
						 SLAB_POISON, NULL);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);

	CHECK_EQ(p[0], POISON_FREE);
	CHECK_EQ(p[63], POISON_END);
	kmem_cache_free(s, p);
	CHECK_EQ(p[0], POISON_FREE);
	p = kmem_cache_zalloc(s, GFP_KERNEL);
	CHECK_EQ(nonzero(p, 64), 0);
	kmem_cache_free(s, p);
	CHECK_EQ(validate_slab_cache(s) >= 0, 1);
	CHECK_EQ(kheap_validate(), 0);
	kmem_cache_destroy(s);
}

/*
 * A kmalloc cache with red zones zeroes only the request: the bytes past
 * it are kmalloc red zone, and zeroing at free leaves the red zones alone.
 */
static void test_cache_kmalloc_redzone(void)
{
	struct kmem_cache *s = kmem_cache_create("init_kmalloc_rz", 32, 0,
						 SLAB_KMALLOC | SLAB_STORE_USER |
						 SLAB_RED_ZONE, NULL);
	unsigned char *p = hide(__kmalloc_cache_noprof(s, GFP_KERNEL, 18));

	if (on_alloc)
		CHECK_EQ(nonzero(p, 18), 0);
	CHECK_EQ(p[18], SLUB_RED_ACTIVE);
	CHECK_EQ(p[31], SLUB_RED_ACTIVE);
	dirty(p, 18);
	kmem_cache_free(s, p);
	if (on_free)
		CHECK_EQ(nonzero(p, 18), 0);
	CHECK_EQ(kheap_validate(), 0);		/* red zones intact */
	kmem_cache_destroy(s);
}

/* Bulk allocation and free (build_detached_freelist) are covered too. */
static void test_bulk(void)
{
	struct kmem_cache *s = kmem_cache_create("init_bulk", 200, 0, 0, NULL);
	void *objs[100];

	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 100, objs), 100);
	for (int i = 0; i < 100; i++)
		dirty(objs[i], 200);
	kmem_cache_free_bulk(s, 100, objs);
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 100, objs), 100);
	for (int i = 0; i < 100; i++) {
		if (on_alloc || on_free)
			CHECK_EQ(nonzero(objs[i], 200), 0);
		dirty(objs[i], 200);
	}
	{
		void *copy[100];

		memcpy(copy, objs, sizeof(copy));
		kmem_cache_free_bulk(s, 100, objs);
		if (on_free)
			for (int i = 0; i < 100; i++)
				CHECK(zero_but_freepointer(s, copy[i], 200));
	}
	kmem_cache_destroy(s);
}

/*
 * A mempool's elements come from kmalloc first: zeroed as kmalloc's are
 * (the reserve's elements, as in the kernel, keep what they held).
 */
static void test_mempool(void)
{
	mempool_t *pool = mempool_create_kmalloc_pool(2, 256);
	void *e[4];

	for (int i = 0; i < 4; i++) {
		e[i] = kmalloc(256, GFP_KERNEL);
		dirty(e[i], 256);
	}
	for (int i = 0; i < 4; i++)
		kfree(e[i]);
	for (int i = 0; i < 4; i++) {
		e[i] = mempool_alloc(pool, GFP_KERNEL);	/* kmalloc's LIFO */
		if (on_alloc || on_free)
			CHECK_EQ(nonzero(e[i], 256), 0);
		else
			CHECK(garbage(e[i], 256) >= 256 - sizeof(void *));
	}
	for (int i = 0; i < 4; i++)
		mempool_free(e[i], pool);
	mempool_destroy(pool);
}

int main(int argc, char **argv)
{
	CHECK_EQ(kheap_init(argc > 1 ? argv[1] : ""), 0);
	on_alloc = want_init_on_alloc(0);
	on_free = want_init_on_free();
	fprintf(stderr, "init_on_alloc=%d init_on_free=%d\n", on_alloc, on_free);
	RUN(test_pages);
	RUN(test_pages_gfp_zero);
	RUN(test_kmalloc);
	RUN(test_garbage_without_options);
	RUN(test_krealloc_in_place);
	RUN(test_vmalloc);
	RUN(test_vmalloc_pool_reuse);
	RUN(test_vmalloc_frames_untouched);
	RUN(test_cache_plain);
	RUN(test_cache_ctor);
	RUN(test_cache_rcu);
	RUN(test_cache_poison);
	RUN(test_cache_kmalloc_redzone);
	RUN(test_bulk);
	RUN(test_mempool);
	return check_summary();
}
