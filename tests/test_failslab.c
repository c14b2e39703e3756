// SPDX-License-Identifier: MIT
/*
 * test_failslab - failslab (mm/failslab.c) on kheap's slab allocator: the
 * configured allocations fail and no others (interval, times, fail-nth),
 * with failslab's filters: never the kmem_cache bootstrap cache, never
 * __GFP_NOFAIL, requests that may reclaim spared under ignore-gfp-wait,
 * only SLAB_FAILSLAB caches under cache-filter; slab_debug=A sets
 * SLAB_FAILSLAB.
 */
#include "internal.h"
#include "slab_internal.h"
#include "lib/fault-inject.h"
#include "check.h"

static void opts(const char *cmdline)
{
	CHECK_EQ(kheap_parse_cmdline(cmdline, "test"), 0);
}

/* bit i set: attempt i of @n failed */
static unsigned long long attempts(struct kmem_cache *s, int n, gfp_t gfp)
{
	unsigned long long failed = 0;
	void *p[64];

	for (int i = 0; i < n; i++) {
		p[i] = kmem_cache_alloc(s, gfp);
		if (!p[i])
			failed |= 1ULL << i;
	}
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, p[i]);
	return failed;
}

static void disarm(void)
{
	opts("failslab=1,0,0,1 failslab.ignore-gfp-wait=1 failslab.cache-filter=0 failslab.verbose=0");
	CHECK_EQ(fault_inject_armed, 0);
}

static void test_interval_and_times(void)
{
	struct kmem_cache *s = kmem_cache_create("fs_interval", 64, 0, 0, NULL);

	opts("failslab=3,100,0,2 failslab.ignore-gfp-wait=0 failslab.verbose=0");
	/* every 3rd candidate, twice: attempts 2 and 5 */
	CHECK_EQ(attempts(s, 12, GFP_KERNEL), (1ULL << 2) | (1ULL << 5));
	disarm();
	CHECK_EQ(attempts(s, 12, GFP_KERNEL), 0);
	kmem_cache_destroy(s);
}

static void test_ignore_gfp_wait(void)
{
	struct kmem_cache *s = kmem_cache_create("fs_wait", 64, 0, 0, NULL);

	opts("failslab=1,100,0,-1 failslab.ignore-gfp-wait=1 failslab.verbose=0");
	CHECK_EQ(attempts(s, 8, GFP_KERNEL), 0);	/* may reclaim: spared */
	CHECK_EQ(attempts(s, 8, GFP_ATOMIC), 0xff);
	CHECK_EQ(attempts(s, 8, GFP_ATOMIC | __GFP_NOFAIL), 0);
	disarm();
	kmem_cache_destroy(s);
}

static void test_cache_filter(void)
{
	struct kmem_cache *plain = kmem_cache_create("fs_plain", 64, 0, 0, NULL);
	struct kmem_cache *marked = kmem_cache_create("fs_marked", 64, 0,
						      SLAB_FAILSLAB, NULL);
	struct kmem_cache *by_option = kmem_cache_create("fs_opt_A", 64, 0, 0,
							 NULL);

	CHECK(by_option->flags & SLAB_FAILSLAB);	/* slab_debug=A,fs_opt_* */
	opts("failslab=1,100,0,-1 failslab.ignore-gfp-wait=0 failslab.cache-filter=1 failslab.verbose=0");
	CHECK_EQ(attempts(plain, 4, GFP_KERNEL), 0);
	CHECK_EQ(attempts(marked, 4, GFP_KERNEL), 0xf);
	CHECK_EQ(attempts(by_option, 4, GFP_KERNEL), 0xf);
	/* never the bootstrap cache */
	{
		struct kmem_cache *c = kmem_cache_create("fs_during", 32, 0, 0, NULL);

		CHECK(c != NULL);
		kmem_cache_destroy(c);
	}
	disarm();
	kmem_cache_destroy(plain);
	kmem_cache_destroy(marked);
	kmem_cache_destroy(by_option);
}

static void test_fail_nth(void)
{
	struct kmem_cache *s = kmem_cache_create("fs_nth", 64, 0, 0, NULL);

	opts("failslab.ignore-gfp-wait=0 fail_page_alloc.min-order=11");
	kheap_fail_nth(3);
	CHECK_EQ(attempts(s, 8, GFP_KERNEL), 1ULL << 2);
	CHECK_EQ(attempts(s, 8, GFP_KERNEL), 0);	/* once only */
	disarm();
	kmem_cache_destroy(s);
}

static void test_kmalloc_and_bulk(void)
{
	struct kmem_cache *s = kmem_cache_create("fs_bulk", 64, 0, 0, NULL);
	void *v[4];

	opts("failslab=2,100,0,2 failslab.ignore-gfp-wait=0 failslab.verbose=0");
	void *k = kmalloc(100, GFP_KERNEL);			/* candidate 1 */

	CHECK(k != NULL);
	CHECK(kmalloc(100, GFP_KERNEL) == NULL);		/* candidate 2 */
	kfree(k);
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 4, v), 4);	/* 3 */
	kmem_cache_free_bulk(s, 4, v);
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 4, v), 0);	/* 4 */
	disarm();
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init("slab_debug=A,fs_opt_*"), 0);
	RUN(test_interval_and_times);
	RUN(test_ignore_gfp_wait);
	RUN(test_cache_filter);
	RUN(test_fail_nth);
	RUN(test_kmalloc_and_bulk);
	return check_summary();
}
