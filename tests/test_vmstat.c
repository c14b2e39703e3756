// SPDX-License-Identifier: MIT
/*
 * test_vmstat - /proc/vmstat's counters move with the allocator's work
 * (pages allocated and freed per zone, direct reclaim stalls, objects the
 * shrinkers scanned), and debugfs's extfrag indices follow mm/vmstat.c's
 * arithmetic (v6.12), on hand-worked block counts and on the live zones.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "views.h"

static unsigned long oo_objects_of(struct kmem_cache *s)
{
	return oo_objects(s->oo);
}

/* The value of line "@name N" of /proc/vmstat; -1 if absent. */
static long long vmstat(const char *name)
{
	char *t = view("vmstat"), *save = NULL;
	long long v = -1;

	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(name);

		if (!strncmp(l, name, n) && l[n] == ' ')
			v = atoll(l + n + 1);
	}
	free(t);
	return v;
}

static void test_vmstat_lists_only_kept_counters(void)
{
	static const char *const names[] = {
		"nr_free_pages", "nr_slab_reclaimable", "nr_slab_unreclaimable",
		"nr_kernel_misc_reclaimable", "pgalloc_dma", "pgalloc_dma32",
		"pgalloc_normal", "allocstall_dma", "allocstall_dma32",
		"allocstall_normal", "pgfree", "slabs_scanned",
	};
	char *t = view("vmstat"), *save = NULL;
	size_t i = 0;

	/* exactly these lines, in vmstat_text[]'s order, "%s %lu" each */
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save), i++) {
		char name[64];
		unsigned long v;

		CHECK(i < sizeof(names) / sizeof(names[0]));
		if (i >= sizeof(names) / sizeof(names[0]))
			break;
		CHECK_EQ(sscanf(l, "%63s %lu", name, &v), 2);
		CHECK(!strcmp(name, names[i]));
	}
	CHECK_EQ(i, sizeof(names) / sizeof(names[0]));
	free(t);
	/* nothing that the kernel counts for LRU, swap or compaction */
	CHECK_EQ(vmstat("pgscan_direct"), -1);
	CHECK_EQ(vmstat("compact_stall"), -1);
}

static void test_pgalloc_and_pgfree_count_pages(void)
{
	long long a0 = vmstat("pgalloc_dma32"), f0 = vmstat("pgfree");
	long long n0 = vmstat("pgalloc_normal") + vmstat("pgalloc_dma");
	struct page *p1 = alloc_pages(GFP_KERNEL, 0);
	struct page *p3 = alloc_pages(GFP_KERNEL, 3);
	struct page *p10 = alloc_pages(GFP_KERNEL, 10);	/* past the pcp */

	CHECK(p1 && p3 && p10);
	/* mem=64M: everything is in DMA32 (DMA is below 16M, used last) */
	CHECK_EQ(vmstat("pgalloc_dma32") - a0, 1 + 8 + 1024);
	CHECK_EQ(vmstat("pgalloc_normal") + vmstat("pgalloc_dma"), n0);
	CHECK_EQ(vmstat("pgfree"), f0);
	__free_pages(p1, 0);
	CHECK_EQ(vmstat("pgfree") - f0, 1);
	__free_pages(p3, 3);
	__free_pages(p10, 10);
	CHECK_EQ(vmstat("pgfree") - f0, 1 + 8 + 1024);
	/* a drain moves pages from a per-CPU list to the buddy lists: no event */
	drain_all_pages(NULL);
	CHECK_EQ(vmstat("pgfree") - f0, 1 + 8 + 1024);
	CHECK_EQ(vmstat("pgalloc_dma32") - a0, 1 + 8 + 1024);
}

static void test_bulk_allocations_count_each_page(void)
{
	struct page *pages[40] = { NULL };
	long long a0 = vmstat("pgalloc_dma32"), f0 = vmstat("pgfree");

	CHECK_EQ(alloc_pages_bulk_array(GFP_KERNEL, 40, pages), 40);
	CHECK_EQ(vmstat("pgalloc_dma32") - a0, 40);
	release_pages(pages, 40);
	CHECK_EQ(vmstat("pgfree") - f0, 40);
}

static void test_nr_free_pages_is_the_free_lists(void)
{
	unsigned long nr_free = 0;
	char *t;

	drain_all_pages(NULL);
	t = view("buddyinfo");
	for (char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char zone[16];
		unsigned long nr[NR_PAGE_ORDERS];
		int n = sscanf(l, "Node 0, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			       zone, &nr[0], &nr[1], &nr[2], &nr[3], &nr[4], &nr[5],
			       &nr[6], &nr[7], &nr[8], &nr[9], &nr[10]);

		CHECK_EQ(n, 1 + NR_PAGE_ORDERS);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			nr_free += nr[o] << o;
	}
	free(t);
	CHECK_EQ(vmstat("nr_free_pages"), nr_free);
}

static void test_slab_pages_match_meminfo(void)
{
	struct kmem_cache *s = kmem_cache_create("vmstat_test", 1000, 0,
						 SLAB_RECLAIM_ACCOUNT, NULL);
	long long r0 = vmstat("nr_slab_reclaimable");
	void *objs[100];
	char *t, *l;

	CHECK(s != NULL);
	for (int i = 0; i < 100; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(vmstat("nr_slab_reclaimable") >= r0 + 100 * 1000 / (long long)PAGE_SIZE);
	/* meminfo's SReclaimable and SUnreclaim are the same pages, in kB */
	t = view("meminfo");
	l = strstr(t, "SReclaimable:");
	CHECK(l && atoll(l + 13) == vmstat("nr_slab_reclaimable") * 4);
	l = strstr(t, "SUnreclaim:");
	CHECK(l && atoll(l + 11) == vmstat("nr_slab_unreclaimable") * 4);
	free(t);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
	CHECK_EQ(vmstat("nr_slab_reclaimable"), r0);
}

/* ---- direct reclaim: allocstall_<zone> and slabs_scanned ---- */

#define CACHE_PAGES 1024
static struct page *cache[CACHE_PAGES];
static int cache_nr;
static unsigned long scanned_by_shrinker;

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	return cache_nr ? (unsigned long)cache_nr : SHRINK_EMPTY;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;

	scanned_by_shrinker += sc->nr_to_scan;
	while (freed < sc->nr_to_scan && cache_nr) {
		__free_pages(cache[--cache_nr], 0);
		freed++;
	}
	return freed ? freed : SHRINK_STOP;
}

static struct page *held[20000];
static int nheld;

static void test_direct_reclaim_counts_a_stall_and_scanned_objects(void)
{
	struct shrinker *s = shrinker_alloc(0, "vmstat-test");
	long long st0 = vmstat("allocstall_normal"), sc0 = vmstat("slabs_scanned");
	long long stl = vmstat("allocstall_dma32") + vmstat("allocstall_dma");
	unsigned long before;
	struct page *p;

	CHECK(s != NULL);
	s->count_objects = cache_count;
	s->scan_objects = cache_scan;
	shrinker_register(s);
	for (cache_nr = 0; cache_nr < CACHE_PAGES; cache_nr++)
		cache[cache_nr] = alloc_pages(GFP_KERNEL, 0);
	/* take the rest without reclaim */
	while (nheld < 20000 && (p = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0)))
		held[nheld++] = p;
	CHECK_EQ(vmstat("allocstall_normal"), st0);
	before = scanned_by_shrinker;
	p = alloc_pages(GFP_KERNEL, 0);	/* enters direct reclaim */
	CHECK(p != NULL);
	/* one stall, counted in the request's highest zone, gfp_zone():
	 * Normal for GFP_KERNEL even with no memory above 4 GiB, as the
	 * kernel's sc->reclaim_idx */
	CHECK_EQ(vmstat("allocstall_normal") - st0, 1);
	CHECK_EQ(vmstat("allocstall_dma32") + vmstat("allocstall_dma"), stl);
	/* slabs_scanned: every object the shrinkers were asked to scan (ours
	 * and the slab layer's own shrinker) */
	CHECK(scanned_by_shrinker > before);
	CHECK(vmstat("slabs_scanned") - sc0 >= (long long)(scanned_by_shrinker - before));
	if (p)
		__free_pages(p, 0);
	while (nheld)
		__free_pages(held[--nheld], 0);
	shrinker_free(s);
	while (cache_nr)
		__free_pages(cache[--cache_nr], 0);
	CHECK_EQ(page_alloc_validate(), 0);
}

/* ---- the "peaks" view: high-water marks ---- */

static long peak_of(const char *what, bool now)
{
	char *t = view("peaks"), *l = strstr(t, what);
	long peak = -1, cur = -1;

	if (l)
		sscanf(l + strlen(what), " %ld kB (now %ld kB)", &peak, &cur);
	free(t);
	return now ? cur : peak;
}

static void test_peaks_are_high_water_marks(void)
{
	struct kmem_cache *s = kmem_cache_create("peak_test", 2000, 0, SLAB_NO_MERGE, NULL);
	long slab0 = peak_of("Slab:", true), used0 = peak_of("Pages in use:", true);
	static void *objs[2000];
	struct page *big;
	char *t;

	for (int i = 0; i < 2000; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* 2000 objects of 2 KiB: about 4 MB of slabs more than before */
	CHECK(peak_of("Slab:", false) >= slab0 + 2000 * 2048 / 1024);
	for (int i = 0; i < 2000; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	CHECK(peak_of("Slab:", true) < peak_of("Slab:", false) - 3000);
	big = alloc_pages(GFP_KERNEL, 10);	/* 4 MiB out of the buddy lists */
	CHECK(big != NULL);
	CHECK(peak_of("Pages in use:", false) >= used0 + 4096);
	__free_pages(big, 10);
	CHECK(peak_of("Pages in use:", true) < peak_of("Pages in use:", false));
	/* the cache's own peak: at least 2000 objects' worth of slabs */
	t = view("peaks");
	{
		char *l = strstr(t, "\n  peak_test ");
		unsigned long slabs = 0, kb = 0;

		CHECK(l != NULL);
		if (l)
			sscanf(l, "\n  peak_test %lu %lu kB", &slabs, &kb);
		CHECK(slabs * oo_objects_of(s) >= 2000);
		CHECK(kb >= 2000 * 2048 / 1024);
	}
	free(t);
	kmem_cache_destroy(s);
}

/* ---- extfrag arithmetic ---- */

static void test_contig_info_counts_blocks(void)
{
	unsigned long nr[11] = { 3, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	struct kheap_contig_page_info info;

	kheap_fill_contig_page_info(nr, 11, 0, &info);
	CHECK_EQ(info.free_pages, 3 + 4 + 8);
	CHECK_EQ(info.free_blocks_total, 6);
	CHECK_EQ(info.free_blocks_suitable, 15);	/* order-0 blocks */
	kheap_fill_contig_page_info(nr, 11, 1, &info);
	CHECK_EQ(info.free_blocks_suitable, 2 + 4);	/* 2 + 8/2 */
	kheap_fill_contig_page_info(nr, 11, 3, &info);
	CHECK_EQ(info.free_blocks_suitable, 1);
	kheap_fill_contig_page_info(nr, 11, 4, &info);
	CHECK_EQ(info.free_blocks_suitable, 0);
}

static void test_unusable_index_worked_examples(void)
{
	unsigned long nr[11] = { 3, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	unsigned long none[11] = { 0 };
	struct kheap_contig_page_info info;

	/* 15 free pages: 3 single pages, 2 pairs, one block of 8 */
	kheap_fill_contig_page_info(nr, 11, 0, &info);
	CHECK_EQ(kheap_unusable_free_index(0, &info), 0);
	kheap_fill_contig_page_info(nr, 11, 1, &info);
	CHECK_EQ(kheap_unusable_free_index(1, &info), 200);	/* 3/15 */
	kheap_fill_contig_page_info(nr, 11, 2, &info);
	CHECK_EQ(kheap_unusable_free_index(2, &info), 466);	/* 7/15 = .4666 */
	kheap_fill_contig_page_info(nr, 11, 3, &info);
	CHECK_EQ(kheap_unusable_free_index(3, &info), 466);
	kheap_fill_contig_page_info(nr, 11, 4, &info);
	CHECK_EQ(kheap_unusable_free_index(4, &info), 1000);
	/* no free memory: all of it is unusable */
	kheap_fill_contig_page_info(none, 11, 0, &info);
	CHECK_EQ(kheap_unusable_free_index(0, &info), 1000);
}

static void test_fragmentation_index_worked_examples(void)
{
	unsigned long nr[11] = { 3, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	unsigned long singles[11] = { 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	unsigned long one[11] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	unsigned long none[11] = { 0 };
	struct kheap_contig_page_info info;

	/* a block of order 3 exists: an order-3 request would succeed */
	kheap_fill_contig_page_info(nr, 11, 3, &info);
	CHECK_EQ(kheap_fragmentation_index(3, &info), -1000);
	/* order 4 fails: 1000 - (1000 + 15000/16) / 6 = 1000 - 1937/6 = 678 */
	kheap_fill_contig_page_info(nr, 11, 4, &info);
	CHECK_EQ(kheap_fragmentation_index(4, &info), 678);
	/* 64 single pages, order 6 (64 pages): fragmentation, not lack of
	 * memory: 1000 - (1000 + 64000/64) / 64 = 1000 - 31 = 969 */
	kheap_fill_contig_page_info(singles, 11, 6, &info);
	CHECK_EQ(kheap_fragmentation_index(6, &info), 969);
	/* one free page and a request of 1024: lack of memory, towards 0:
	 * 1000 - (1000 + 1000/1024) / 1 = 0 */
	kheap_fill_contig_page_info(one, 11, 10, &info);
	CHECK_EQ(kheap_fragmentation_index(10, &info), 0);
	/* no free blocks, or an order beyond MAX_PAGE_ORDER: 0 */
	kheap_fill_contig_page_info(none, 11, 2, &info);
	CHECK_EQ(kheap_fragmentation_index(2, &info), 0);
	kheap_fill_contig_page_info(nr, 11, 11, &info);
	CHECK_EQ(kheap_fragmentation_index(11, &info), 0);
}

/* Properties over random block counts: the index grows with the order, and
 * -1000 exactly when a block of the order exists. */
static void test_indices_properties(void)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	for (int iter = 0; iter < 2000; iter++) {
		unsigned long nr[11];
		int prev = -1;

		for (int o = 0; o < 11; o++)
			nr[o] = check_xorshift(&rng) % 4 ? check_xorshift(&rng) % 50 : 0;
		for (unsigned int o = 0; o < 11; o++) {
			struct kheap_contig_page_info info;
			bool exists = false;
			int u, f;

			kheap_fill_contig_page_info(nr, 11, o, &info);
			for (unsigned int k = o; k < 11; k++)
				exists |= nr[k] != 0;
			u = kheap_unusable_free_index(o, &info);
			f = kheap_fragmentation_index(o, &info);
			CHECK(u >= 0 && u <= 1000);
			CHECK(u >= prev);
			prev = u;
			CHECK((f == -1000) == exists);
			CHECK(f == -1000 || (f >= 0 && f <= 1000));
			CHECK(!exists || u < 1000);
		}
	}
}

/* The views print the functions' values for the zones' own counts. */
static void test_extfrag_views_match_buddyinfo(void)
{
	struct page *keep[64];
	char *u, *e, *lu, *le;

	/* scatter some single pages so the indices are not all 0 */
	for (int i = 0; i < 64; i++)
		keep[i] = alloc_pages(GFP_KERNEL, 0);
	for (int i = 0; i < 64; i += 2)
		__free_pages(keep[i], 0);
	drain_all_pages(NULL);
	u = view("extfrag/unusable_index");
	e = view("extfrag/extfrag_index");
	lu = u;
	le = e;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];
		unsigned long nr[NR_PAGE_ORDERS];
		char eu[256], ee[256];
		int nu, ne;

		if (!populated_zone(z))
			continue;
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			nr[o] = z->free_area[o].nr_free;
		nu = snprintf(eu, sizeof(eu), "Node 0, zone %8s ", z->name);
		ne = snprintf(ee, sizeof(ee), "Node 0, zone %8s ", z->name);
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
			struct kheap_contig_page_info info;
			int iu, ie;

			kheap_fill_contig_page_info(nr, NR_PAGE_ORDERS, o, &info);
			iu = kheap_unusable_free_index(o, &info);
			ie = kheap_fragmentation_index(o, &info);
			nu += snprintf(eu + nu, sizeof(eu) - (size_t)nu, "%d.%03d ",
				       iu / 1000, iu % 1000);
			ne += snprintf(ee + ne, sizeof(ee) - (size_t)ne, "%2d.%03d ",
				       ie / 1000, ie % 1000);
		}
		snprintf(eu + nu, sizeof(eu) - (size_t)nu, "\n");
		snprintf(ee + ne, sizeof(ee) - (size_t)ne, "\n");
		CHECK(!strncmp(lu, eu, strlen(eu)));
		CHECK(!strncmp(le, ee, strlen(ee)));
		lu += strlen(eu);
		le += strlen(ee);
	}
	CHECK_EQ(*lu, 0);
	CHECK_EQ(*le, 0);
	/* -1000 prints as the kernel prints it */
	CHECK(strstr(e, "-1.000 ") != NULL);
	free(u);
	free(e);
	for (int i = 1; i < 64; i += 2)
		__free_pages(keep[i], 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=64M"), 0);
	RUN(test_vmstat_lists_only_kept_counters);
	RUN(test_pgalloc_and_pgfree_count_pages);
	RUN(test_bulk_allocations_count_each_page);
	RUN(test_nr_free_pages_is_the_free_lists);
	RUN(test_slab_pages_match_meminfo);
	RUN(test_direct_reclaim_counts_a_stall_and_scanned_objects);
	RUN(test_peaks_are_high_water_marks);
	RUN(test_contig_info_counts_blocks);
	RUN(test_unusable_index_worked_examples);
	RUN(test_fragmentation_index_worked_examples);
	RUN(test_indices_properties);
	RUN(test_extfrag_views_match_buddyinfo);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
