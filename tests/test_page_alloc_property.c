// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_property - random alloc/free sequences against a shadow
 * model.  Invariants checked throughout:
 *  - no two live blocks overlap (a bitmap of pfns in use);
 *  - contents survive (each page carries a pattern, checked at free);
 *  - __GFP_ZERO blocks are zero; blocks are naturally aligned and in the
 *    zone the GFP flags allow;
 *  - every page is accounted for: free + per-CPU + live == online;
 *  - buddyinfo's counts add up to the free page counter;
 *  - page_alloc_validate() is clean after every phase;
 *  - at the end everything merges back into maximal blocks.
 */
#include "internal.h"
#include "check.h"

#define MEM_MB		256
#define NR_OPS		40000
#define MAX_LIVE	4096

struct block {
	struct page *page;
	unsigned int order;
	unsigned long tag;
	bool exact;		/* alloc_pages_exact: npages, not 1 << order */
	unsigned long npages;
};

static struct block live[MAX_LIVE];
static int nr_live;
static unsigned char *used;	/* one byte per pfn */
static unsigned long model_pages, peak_pages, nr_allocs, nr_failed;
/* pages other layers hold (e.g. the slab layer's bootstrap caches) */
static unsigned long base_used;
static unsigned long base_free_order[NR_PAGE_ORDERS], base_online;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned long rnd(void)
{
	return (unsigned long)check_xorshift(&rng);
}

static unsigned long online_pages(void)
{
	unsigned long n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += kheap_zones[z].online_end_pfn - kheap_zones[z].zone_start_pfn;
	return n;
}

static unsigned long buddy_list_pages(void)
{
	unsigned long n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			n += kheap_zones[z].free_area[o].nr_free << o;
	return n;
}

static void check_accounting(void)
{
	unsigned long nr_free = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		nr_free += zone_page_state(&kheap_zones[z], NR_FREE_PAGES);
	CHECK_EQ(buddy_list_pages(), nr_free);
	CHECK_EQ(nr_free + global_pcp_pages() + model_pages + base_used,
		 online_pages());
	CHECK_EQ(page_alloc_validate(), 0);
}

static void stamp(struct block *b)
{
	unsigned long *p = page_address(b->page);

	for (unsigned long i = 0; i < b->npages; i++) {
		p[i * (PAGE_SIZE / 8)] = b->tag + i;
		p[(i + 1) * (PAGE_SIZE / 8) - 1] = ~(b->tag + i);
	}
}

static bool stamp_ok(const struct block *b)
{
	unsigned long *p = page_address(b->page);

	for (unsigned long i = 0; i < b->npages; i++)
		if (p[i * (PAGE_SIZE / 8)] != b->tag + i ||
		    p[(i + 1) * (PAGE_SIZE / 8) - 1] != ~(b->tag + i))
			return false;
	return true;
}

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_ZERO, GFP_KERNEL | __GFP_COMP, GFP_ATOMIC,
	GFP_NOWAIT, GFP_KERNEL | GFP_DMA, GFP_USER, GFP_NOIO,
};

static void do_alloc(void)
{
	if (nr_live == MAX_LIVE)
		return;
	unsigned int order = (unsigned int)(rnd() % 100);
	/* mostly small, sometimes large */
	order = order < 60 ? order % 2 : order < 90 ? 2 + order % 3 : 5 + order % 6;
	gfp_t gfp = gfps[rnd() % ARRAY_SIZE(gfps)] | __GFP_NOWARN | __GFP_NORETRY;
	struct block *b = &live[nr_live];
	bool exact = (rnd() % 10) == 0 && order <= 6;

	b->exact = exact;
	if (exact) {
		unsigned long n = 1 + rnd() % (1UL << order);
		void *a = alloc_pages_exact(n * PAGE_SIZE, gfp);

		if (!a) {
			nr_failed++;
			return;
		}
		b->page = virt_to_page(a);
		b->npages = n;
		b->order = (unsigned int)get_order(n * PAGE_SIZE);
	} else {
		b->page = alloc_pages(gfp, order);
		if (!b->page) {
			nr_failed++;
			return;
		}
		b->order = order;
		b->npages = 1UL << order;
	}
	unsigned long pfn = page_to_pfn(b->page);

	CHECK_EQ(pfn & ((1UL << b->order) - 1), 0);
	if (gfp & GFP_DMA)
		CHECK(pfn + b->npages <= MAX_DMA_PFN);
	if ((gfp & __GFP_COMP) && order && !exact)
		CHECK_EQ(compound_order(b->page), order);
	if (gfp & __GFP_ZERO) {
		unsigned long *w = page_address(b->page);
		unsigned long acc = 0;
		for (unsigned long i = 0; i < b->npages * PAGE_SIZE / 8; i++)
			acc |= w[i];
		CHECK_EQ(acc, 0);
	}
	for (unsigned long i = 0; i < b->npages; i++) {
		CHECK(!used[pfn + i]);		/* no overlap */
		used[pfn + i] = 1;
	}
	b->tag = rnd();
	stamp(b);
	model_pages += b->npages;
	peak_pages = max(peak_pages, model_pages);
	nr_allocs++;
	nr_live++;
}

static void do_free(void)
{
	if (!nr_live)
		return;
	int i = (int)(rnd() % (unsigned long)nr_live);
	struct block *b = &live[i];
	unsigned long pfn = page_to_pfn(b->page);

	CHECK(stamp_ok(b));	/* contents survived */
	for (unsigned long j = 0; j < b->npages; j++)
		used[pfn + j] = 0;
	if (b->exact)
		free_pages_exact(page_address(b->page), b->npages * PAGE_SIZE);
	else if (rnd() & 1)
		__free_pages(b->page, b->order);
	else
		free_pages((unsigned long)page_address(b->page), b->order);
	model_pages -= b->npages;
	live[i] = live[--nr_live];
}

static void test_random_sequences_against_model(void)
{
	used = calloc(max_pfn, 1);
	drain_all_pages(NULL);
	base_used = online_pages() - global_free_pages() - global_pcp_pages() +
		    (max_pfn - online_pages());	/* free counts un-added memory */
	base_online = online_pages();
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			base_free_order[o] += kheap_zones[z].free_area[o].nr_free;
	for (int phase = 0; phase < 8; phase++) {
		/* alternate growth-heavy and shrink-heavy phases */
		int alloc_pct = (phase % 2) ? 35 : 65;

		for (int op = 0; op < NR_OPS / 8; op++) {
			if ((int)(rnd() % 100) < alloc_pct)
				do_alloc();
			else
				do_free();
			if (rnd() % 997 == 0)
				drain_all_pages(NULL);
		}
		check_accounting();
	}
	while (nr_live)
		do_free();
	drain_all_pages(NULL);
	check_accounting();
	CHECK_EQ(model_pages, 0);
	/* everything merged back: the free lists are as they were, plus
	 * whole order-10 blocks for the memory hot-added meanwhile */
	for (int o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long n = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += kheap_zones[z].free_area[o].nr_free;
		if (o < MAX_PAGE_ORDER)
			CHECK_EQ(n, base_free_order[o]);
		else
			CHECK_EQ(n, base_free_order[o] +
				 ((online_pages() - base_online) >> MAX_PAGE_ORDER));
	}
	fprintf(stderr, "  %lu allocations, %lu failed, peak %lu of %lu pages live\n",
		nr_allocs, nr_failed, peak_pages, max_pfn);
	/* the sequence really filled memory and really hit its limits */
	CHECK(peak_pages > max_pfn / 2);
	CHECK(nr_allocs > NR_OPS / 3);
	free(used);
}

int main(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "mem=%dM", MEM_MB);
	CHECK_EQ(kheap_init(cmd), 0);
	RUN(test_random_sequences_against_model);
	return check_summary();
}
