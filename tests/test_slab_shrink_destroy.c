// SPDX-License-Identifier: MIT
/*
 * test_slab_shrink_destroy - kmem_cache_shrink() gives empty slabs back
 * (0 when none is left, 1 when objects remain); kmem_cache_destroy() of an
 * empty cache is silent and removes it, of a cache with live objects prints
 * the kernel's report and keeps the cache and the objects.  Under each
 * slab allocator: SLAB counts the objects in its per-CPU arrays as active
 * (as v6.6's slabinfo does) and reports only slab_common's warning at
 * destroy; SLOB has no slabinfo, gives a page back as soon as it is free,
 * and cannot tell whether a cache still has objects (v6.3).
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "slab_strategy.h"

#define N 3000

/*
 * Unreclaimable slab pages, less those of the sheaves themselves: how many
 * sheaves the barn keeps after a run depends on the order objects came
 * and went in (slab_freelist_random shuffles it), not on what was freed.
 */
static unsigned long slab_pages_but_sheaves(void)
{
	struct slabinfo_line sh;

	if (!slabinfo_get("slab_sheaf", &sh))
		sh.num_slabs = sh.pagesperslab = 0;
	return node_page_state(NR_SLAB_UNRECLAIMABLE) -
	       sh.num_slabs * sh.pagesperslab;
}

static void test_shrink(void)
{
	struct kmem_cache *s = kmem_cache_create("shrinkme", 200, 0, SLAB_NO_MERGE, NULL);
	struct slabinfo_line li;
	static void *p[N];
	unsigned long slab_pages = slab_pages_but_sheaves();

	for (int i = 0; i < N; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(slab_pages_but_sheaves() > slab_pages);
	if (under_slob()) {	/* pages go back as they empty */
		CHECK(!slabinfo_get("shrinkme", &li));
		for (int i = 0; i < N; i++)
			kmem_cache_free(s, p[i]);
		CHECK_EQ(slab_pages_but_sheaves(), slab_pages);
		CHECK_EQ(kmem_cache_shrink(s), 0);
		kmem_cache_destroy(s);
		return;
	}
	CHECK(slabinfo_get("shrinkme", &li));
	if (under_slab())	/* plus what the refills put in the arrays */
		CHECK(li.active_objs >= N && li.active_objs <= N + 120 * slab_nr_cpus);
	else
		CHECK_EQ(li.active_objs, N);
	CHECK(li.num_slabs >= N / cache_info(s).objects_per_slab);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, p[i]);
	/* empty slabs beyond min_partial went back already; shrink the rest */
	CHECK_EQ(kmem_cache_shrink(s), 0);
	CHECK(slabinfo_get("shrinkme", &li));
	CHECK_EQ(li.num_slabs, 0);
	CHECK_EQ(li.num_objs, 0);
	CHECK_EQ(slab_pages_but_sheaves(), slab_pages);

	for (int i = 0; i < N; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 1; i < N; i++)
		kmem_cache_free(s, p[i]);
	CHECK_EQ(kmem_cache_shrink(s), 1);	/* p[0] keeps its slab */
	CHECK(slabinfo_get("shrinkme", &li));
	CHECK_EQ(li.num_slabs, 1);
	CHECK_EQ(li.active_objs, 1);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_free(s, p[0]);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	kmem_cache_destroy(s);
}

static void destroy(void *arg)
{
	kmem_cache_destroy(arg);
}

static void test_destroy_empty(void)
{
	struct kmem_cache *s = kmem_cache_create("tidy", 96, 0, SLAB_NO_MERGE, NULL);
	struct slabinfo_line li;
	char buf[4096];
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	CHECK(slabinfo_get("tidy", &li) == !under_slob());
	check_capture_stderr(destroy, s, buf, sizeof(buf));
	CHECK_EQ(strlen(buf), 0);
	CHECK(!slabinfo_get("tidy", &li));
}

static void test_destroy_with_live_objects(void)
{
	struct kmem_cache *s = kmem_cache_create("leaky", 128, 0, SLAB_NO_MERGE, NULL);
	struct slabinfo_line li;
	char buf[16384], want[128];
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL), *q;

	q = kmem_cache_alloc(s, GFP_KERNEL);
	memset(p, 0x77, 128);
	check_capture_stderr(destroy, s, buf, sizeof(buf));
	if (under_slob()) {	/* v6.3: "No way to check for remaining objects" */
		CHECK_EQ(strlen(buf), 0);
		CHECK(p[0] == 0x77 && p[127] == 0x77);	/* the memory stays */
		CHECK_EQ(slab_validate(), 0);
		return;
	}
	if (under_slub()) {	/* SLUB lists them (list_slab_objects()) */
		CHECK(strstr(buf, "=============================================================================\n"
				  "BUG leaky (Not tainted): Objects remaining in leaky on __kmem_cache_shutdown()\n"
				  "-----------------------------------------------------------------------------\n") != NULL);
		CHECK(strstr(buf, "Slab 0x") && strstr(buf, "objects=32 used=2"));
		snprintf(want, sizeof(want), "Object 0x%016lx @offset=", (unsigned long)p);
		CHECK(strstr(buf, want) != NULL);
		snprintf(want, sizeof(want), "Object 0x%016lx @offset=", (unsigned long)q);
		CHECK(strstr(buf, want) != NULL);
	} else {
		CHECK(strstr(buf, "Objects remaining") == NULL);
	}
	CHECK(strstr(buf, "kmem_cache_destroy leaky: Slab cache still has objects when called from") != NULL);
	/* the cache and the objects stay */
	CHECK(slabinfo_get("leaky", &li));
	CHECK_EQ(li.active_objs, 2);
	for (int i = 0; i < 128; i++)
		if (p[i] != 0x77) {
			CHECK(!"live object changed");
			break;
		}
	CHECK_EQ(slab_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_shrink);
	RUN(test_destroy_empty);
	RUN(test_destroy_with_live_objects);
	CHECK_EQ(slab_validate(), 0);
	return check_summary();
}
