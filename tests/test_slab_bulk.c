// SPDX-License-Identifier: MIT
/*
 * test_slab_bulk - kmem_cache_alloc_bulk() hands out distinct objects and is
 * all or nothing: with memory exhausted (mem=64M, every page taken) it
 * returns 0, leaves nothing allocated, and succeeds once memory is back.
 * Under each slab allocator; under SLOB, which has no slabinfo and keeps no
 * empty pages, the slab page count says the same.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "slab_strategy.h"

static int cmp_ptr(const void *a, const void *b)
{
	const char *x = *(void *const *)a, *y = *(void *const *)b;

	return x < y ? -1 : x > y;
}

static void test_bulk_basic(void)
{
	struct kmem_cache *s = kmem_cache_create("bulk48", 48, 0, SLAB_NO_MERGE, NULL);
	void *p[300], *q[300];
	struct slabinfo_line li;

	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL | __GFP_ZERO, 300, p), 300);
	memcpy(q, p, sizeof(p));
	qsort(q, 300, sizeof(void *), cmp_ptr);
	for (int i = 0; i < 300; i++) {
		CHECK(p[i] != NULL);
		CHECK(((unsigned char *)p[i])[47] == 0);
		if (i)
			CHECK((char *)q[i] - (char *)q[i - 1] >= 48);
	}
	CHECK(under_slob() || (slabinfo_get("bulk48", &li) && li.active_objs >= 300));
	kmem_cache_free_bulk(s, 300, p);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 0, p), 0);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(s);
}

#define MAXPAGES (64 << 8)
static struct page *held[MAXPAGES];

static void test_bulk_all_or_nothing(void)
{
	struct kmem_cache *s = kmem_cache_create("bulk4k", 4096, 0, SLAB_NO_MERGE, NULL);
	struct slabinfo_line li;
	static void *p[1000];
	unsigned long pages = slab_pages();
	int n = 0;

	/* take every page there is */
	while (n < MAXPAGES) {
		struct page *pg = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0);

		if (!pg)
			break;
		held[n++] = pg;
	}
	CHECK(n > 1000);
	/* give a few back: enough for some objects, not for 1000 */
	for (int i = 0; i < 16; i++)
		__free_pages(held[--n], 0);
	for (int i = 0; i < 1000; i++)
		p[i] = (void *)1;
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_NOWAIT | __GFP_NOWARN, 1000, p), 0);
	for (int i = 0; i < 1000; i++)
		if (p[i]) {
			CHECK(!"bulk failure left an object in the array");
			break;
		}
	/* everything taken was given back */
	CHECK(under_slob() || (slabinfo_get("bulk4k", &li) && li.active_objs == 0));
	if (under_slob())
		CHECK_EQ(slab_pages(), pages);
	CHECK_EQ(slab_validate(), 0);
	/* memory back: the same request succeeds */
	while (n)
		__free_pages(held[--n], 0);
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 1000, p), 1000);
	CHECK(under_slob() || (slabinfo_get("bulk4k", &li) && li.active_objs >= 1000));
	CHECK(slab_pages() >= pages + 1000);
	kmem_cache_free_bulk(s, 1000, p);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(s);
}

/* Direct reclaim calls the slab shrinker: empty cached slabs go back. */
static void test_reclaim_shrinks_slabs(void)
{
	struct kmem_cache *s = kmem_cache_create("reclaimable", 2048, 0,
						 SLAB_NO_MERGE, NULL);
	struct slabinfo_line li;
	static void *p[400];
	unsigned long pages = slab_pages();
	int n = 0;

	for (int i = 0; i < 400; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 400; i++)
		kmem_cache_free(s, p[i]);
	if (under_slob()) {	/* a page goes back the moment it is free */
		CHECK_EQ(slab_pages(), pages);
		kmem_cache_destroy(s);
		return;
	}
	CHECK(slabinfo_get("reclaimable", &li));
	CHECK(li.num_slabs > 0);	/* empty slabs kept for reuse */
	while (n < MAXPAGES) {
		struct page *pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN |
					      __GFP_NORETRY, 0);

		if (!pg)
			break;
		held[n++] = pg;
	}
	CHECK(slabinfo_get("reclaimable", &li));
	CHECK_EQ(li.num_slabs, 0);	/* the shrinker gave them back */
	while (n)
		__free_pages(held[--n], 0);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=64M"), 0);
	RUN(test_bulk_basic);
	RUN(test_bulk_all_or_nothing);
	RUN(test_reclaim_shrinks_slabs);
	return check_summary();
}
