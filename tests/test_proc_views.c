// SPDX-License-Identifier: MIT
/*
 * test_proc_views - the /proc-style views are byte-for-byte the kernel's
 * formats, and their numbers are the allocator's.
 */
#include "internal.h"
#include "check.h"
#include "views.h"

#include <errno.h>

static void test_unknown_view(void)
{
	CHECK_EQ(kheap_proc_show("nosuchview", stdout), -ENOENT);
}

static void test_buddyinfo_format_and_numbers(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 0);	/* bring memory online */
	char *t = view("buddyinfo"), *line = t;
	int zones = 0;

	drain_all_pages(NULL);
	free(t);
	t = view("buddyinfo");
	line = t;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];
		char expect[256];
		int n;

		if (!populated_zone(z))
			continue;
		n = snprintf(expect, sizeof(expect), "Node 0, zone %8s ", z->name);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			n += snprintf(expect + n, sizeof(expect) - (size_t)n, "%6lu ",
				      z->free_area[o].nr_free);
		snprintf(expect + n, sizeof(expect) - (size_t)n, "\n");
		CHECK(!strncmp(line, expect, strlen(expect)));
		CHECK_EQ(strlen(expect), 13 + 8 + 1 + 11 * 7 + 1);
		line += strlen(expect);
		zones++;
	}
	CHECK_EQ(*line, 0);
	CHECK_EQ(zones, 2);	/* mem=512M: DMA and DMA32 */
	free(t);
	__free_pages(p, 0);
}

static void test_meminfo_format_and_numbers(void)
{
	char *t = view("meminfo");
	unsigned long v;
	char *line = t;
	int lines = 0;

	for (char *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		/* "%-16s%8lu kB" per line */
		CHECK_EQ(nl - line, 16 + 8 + 3);
		CHECK(!strncmp(nl - 3, " kB", 3));
		lines++;
	}
	CHECK(lines >= 36);
	CHECK(sscanf(strstr(t, "MemTotal:"), "MemTotal: %lu kB", &v) == 1);
	CHECK_EQ(v, 512 * 1024);
	CHECK(sscanf(strstr(t, "MemFree:"), "MemFree: %lu kB", &v) == 1);
	CHECK_EQ(v, K(global_free_pages()));
	CHECK(!strncmp(t, "MemTotal:       ", 16));
	CHECK(strstr(t, "\nMemAvailable:   ") != NULL);
	CHECK(strstr(t, "\nSlab:           ") != NULL);
	CHECK(strstr(t, "\nSReclaimable:   ") != NULL);
	CHECK(strstr(t, "\nSUnreclaim:     ") != NULL);
	CHECK(strstr(t, "\nVmallocTotal:   ") != NULL);
	CHECK(strstr(t, "\nVmallocUsed:    ") != NULL);
	/* the kernel's order: MemTotal, MemFree, MemAvailable first */
	CHECK(strstr(t, "MemFree:") < strstr(t, "MemAvailable:"));
	CHECK(strstr(t, "SUnreclaim:") < strstr(t, "KernelStack:"));
	CHECK(strstr(t, "Committed_AS:") < strstr(t, "VmallocTotal:"));
	free(t);
}

static void test_pagetypeinfo_format(void)
{
	char *t = view("pagetypeinfo");

	CHECK(!strncmp(t, "Page block order: 9\nPages per block:  512\n\n"
			  "Free pages count per migrate type at order       0      1 ",
		       100));
	CHECK(strstr(t, "Node    0, zone    DMA32, type      Movable ") != NULL);
	CHECK(strstr(t, "\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic \n") != NULL);
	CHECK(strstr(t, "\nNode 0, zone    DMA32 ") != NULL);
	free(t);
}

static void test_zoneinfo_format(void)
{
	char *t = view("zoneinfo");
	struct zone *z = &kheap_zones[ZONE_DMA32];
	char expect[128];

	CHECK(!strncmp(t, "Node 0, zone      DMA\n  per-node stats", 38));
	snprintf(expect, sizeof(expect), "\n        min      %lu\n        low      %lu\n",
		 z->_watermark[WMARK_MIN], z->_watermark[WMARK_LOW]);
	CHECK(strstr(t, expect) != NULL);
	CHECK(strstr(t, "\n  pagesets\n    cpu: 0\n              count:") != NULL);
	CHECK(strstr(t, "\n        protection: (0, ") != NULL);
	free(t);
}

/* The tests link the debug library, which counts SLUB events. */
static void test_slub_stats_counts_one_cache(void)
{
	struct kmem_cache *s = kmem_cache_create("stats_probe", 64, 0,
						 SLAB_NO_MERGE, NULL);
	void *obj = kmem_cache_alloc(s, GFP_KERNEL);
	char *t, *line;

	CHECK(obj != NULL);
	kmem_cache_free(s, obj);
	t = view("slub_stats");		/* newest cache first */
	line = t;
	while (line && strncmp(line, "stats_probe ", 12))
		line = (line = strchr(line, '\n')) ? line + 1 : NULL;
	CHECK(line != NULL);
	if (line) {
		/* the first allocation of a new cache takes a new slab */
		CHECK(!strncmp(line, "stats_probe alloc_slowpath=1 ", 29));
		CHECK(strstr(line, " alloc_slab=1") != NULL);
		CHECK(strchr(line, '\n') != NULL);
	}
	free(t);
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=512M"), 0);
	RUN(test_unknown_view);
	RUN(test_buddyinfo_format_and_numbers);
	RUN(test_meminfo_format_and_numbers);
	RUN(test_pagetypeinfo_format);
	RUN(test_zoneinfo_format);
	RUN(test_slub_stats_counts_one_cache);
	return check_summary();
}
