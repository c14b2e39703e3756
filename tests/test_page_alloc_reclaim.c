// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_reclaim - behaviour when memory runs out (mem=64M):
 * watermarks and reserves per GFP mode, the allocation failure report,
 * shrinkers called by direct reclaim, __GFP_NOFAIL waiting for a free.
 */
#include "internal.h"
#include "check.h"

/* free pages after init: other layers (slab) may hold a few */
static unsigned long base_free;

#include <pthread.h>
#include <unistd.h>

#define MAXP 32768
static struct page *held[MAXP];
static int nr_held;

/* Allocate order-0 pages with @gfp until it fails; return how many. */
static int exhaust(gfp_t gfp)
{
	int n = 0;

	while (nr_held < MAXP) {
		struct page *p = alloc_pages(gfp | __GFP_NOWARN, 0);
		if (!p)
			break;
		held[nr_held++] = p;
		n++;
	}
	return n;
}

static void release(int n)
{
	while (n-- > 0 && nr_held)
		__free_pages(held[--nr_held], 0);
}

static void release_all(void)
{
	release(nr_held);
	drain_all_pages(NULL);
}

static void fail_once(void *arg)
{
	(void)arg;
	CHECK(alloc_pages(GFP_KERNEL, 0) == NULL);
}

static void test_oom_fails_with_report(void)
{
	char buf[16384];

	exhaust(GFP_KERNEL | __GFP_NORETRY);
	CHECK(nr_held > 1000);
	/* the first failure prints warn_alloc's report */
	check_capture_stderr(fail_once, NULL, buf, sizeof(buf));
	CHECK(strstr(buf, "page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null)") != NULL);
	CHECK(strstr(buf, "Call Trace:") != NULL);
	CHECK(strstr(buf, "Mem-Info:") != NULL);
	CHECK(strstr(buf, "lowmem_reserve[]:") != NULL);
	CHECK(strstr(buf, "pages RAM") != NULL);
	/* __GFP_NOWARN is quiet */
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	CHECK_EQ(page_alloc_validate(), 0);
	release_all();
}

static void test_reserves_by_gfp_mode(void)
{
	/* GFP_KERNEL stops in each zone at min + lowmem_reserve[NORMAL] */
	exhaust(GFP_KERNEL | __GFP_NORETRY);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &kheap_zones[z];

		if (!populated_zone(zone))
			continue;
		CHECK(zone_free_pages(zone) <= zone->_watermark[WMARK_MIN] +
			(unsigned long)zone->lowmem_reserve[ZONE_NORMAL]);
	}
	/* ... GFP_NOWAIT gets no reserves and fails too ... */
	CHECK(alloc_pages(GFP_NOWAIT, 0) == NULL);
	/* ... GFP_ATOMIC (__GFP_HIGH, non-blocking) may dip below min, to
	 * min - min/2 - (min - min/2)/4 (plus the per-CPU refill's batch) */
	int atomic = exhaust(GFP_ATOMIC);
	CHECK(atomic > 0);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &kheap_zones[z];
		long m = (long)zone->_watermark[WMARK_MIN];

		if (!populated_zone(zone))
			continue;
		m -= m / 2;
		m -= m / 4;
		CHECK((long)zone_free_pages(zone) <= m + zone->lowmem_reserve[ZONE_NORMAL]);
	}
	CHECK(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0) == NULL);
	CHECK_EQ(page_alloc_validate(), 0);
	release_all();
}

static void test_costly_order_gives_up_without_retry_mayfail(void)
{
	exhaust(GFP_KERNEL | __GFP_NORETRY);
	release(8);		/* a few pages, scattered */
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 6) == NULL);
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL, 6) == NULL);
	release_all();
	/* with memory back, the same request succeeds */
	struct page *p = alloc_pages(GFP_KERNEL, 6);
	CHECK(p != NULL);
	__free_pages(p, 6);
}

/* ---- a shrinker holding a cache of pages ---- */

#define CACHE_PAGES 2048
static struct page *cache[CACHE_PAGES];
static int cache_nr, count_calls, scan_calls;

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	count_calls++;
	return cache_nr ? (unsigned long)cache_nr : SHRINK_EMPTY;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;

	CHECK(s->private_data == cache);
	scan_calls++;
	while (freed < sc->nr_to_scan && cache_nr) {
		__free_pages(cache[--cache_nr], 0);
		freed++;
	}
	return freed ? freed : SHRINK_STOP;
}

static void test_shrinker_frees_memory_for_allocation(void)
{
	struct shrinker *s = shrinker_alloc(0, "test-cache-%d", 1);

	CHECK(s != NULL);
	CHECK(!strcmp(s->name, "test-cache-1"));
	CHECK_EQ(s->seeks, DEFAULT_SEEKS);
	s->count_objects = cache_count;
	s->scan_objects = cache_scan;
	s->private_data = cache;
	shrinker_register(s);
	CHECK_EQ(vmscan_validate(), 0);

	for (cache_nr = 0; cache_nr < CACHE_PAGES; cache_nr++)
		cache[cache_nr] = alloc_pages(GFP_KERNEL, 0);
	exhaust(GFP_NOWAIT);	/* no reclaim: the cache stays */
	CHECK_EQ(cache_nr, CACHE_PAGES);
	CHECK_EQ(scan_calls, 0);
	/* a blocking allocation reclaims: the shrinker gives pages back */
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	CHECK(p != NULL);
	CHECK(count_calls > 0);
	CHECK(scan_calls > 0);
	CHECK(cache_nr < CACHE_PAGES);
	/* GFP_NOIO reclaims too (only __GFP_DIRECT_RECLAIM matters here) */
	if (p)
		__free_pages(p, 0);
	shrinker_free(s);
	while (cache_nr)
		__free_pages(cache[--cache_nr], 0);
	release_all();
	CHECK_EQ(page_alloc_validate(), 0);
}

/* ---- __GFP_NOFAIL ---- */

static volatile int freer_done;

static void *freer(void *arg)
{
	(void)arg;
	usleep(200 * 1000);
	freer_done = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	release(64);
	return NULL;
}

static void test_nofail_waits_for_another_thread(void)
{
	pthread_t t;

	exhaust(GFP_KERNEL | __GFP_NORETRY);
	exhaust(GFP_ATOMIC);	/* even the reserves are gone */
	/* and what another CPU's list held (the NOFAIL slow path drains
	 * every CPU's list before it waits) */
	drain_all_pages(NULL);
	exhaust(GFP_ATOMIC);
	CHECK(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0) == NULL);
	freer_done = 0;
	pthread_create(&t, NULL, freer, NULL);
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	CHECK(p != NULL);
	CHECK(freer_done);	/* it could only succeed after the free */
	pthread_join(t, NULL);
	if (p)
		__free_pages(p, 0);
	release_all();
	CHECK_EQ(page_alloc_validate(), 0);
}

static void test_memory_comes_back(void)
{
	/* after all the above, every page is free again */
	drain_all_pages(NULL);
	CHECK_EQ(global_free_pages(), base_free);
	CHECK_EQ(page_alloc_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=64M"), 0);
	drain_all_pages(NULL);
	base_free = global_free_pages();
	RUN(test_oom_fails_with_report);
	RUN(test_reserves_by_gfp_mode);
	RUN(test_costly_order_gives_up_without_retry_mayfail);
	RUN(test_shrinker_frees_memory_for_allocation);
	RUN(test_nofail_waits_for_another_thread);
	RUN(test_memory_comes_back);
	return check_summary();
}
