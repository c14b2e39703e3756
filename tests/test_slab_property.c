// SPDX-License-Identifier: MIT
/*
 * test_slab_property - a shadow model of several caches of odd sizes under
 * random alloc/free (single and bulk): every live object carries a pattern
 * derived from its serial number and is checked when freed and at every
 * phase end; objects are distinct, inside a slab of their cache, at an
 * object boundary; after each phase slab_validate() is clean and, once the
 * CPUs are flushed (kmem_cache_shrink), slabinfo's active objects equal the
 * model's count.  Under each slab allocator: SLAB's objects start at the
 * slab's colour offset, a multiple of the cache line; SLOB's blocks lie in
 * SLOB pages at the cache's alignment, and SLOB has no counts to compare.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "slab_strategy.h"

#define NCACHES 5
#define MAXLIVE 6000

static const unsigned int sizes[NCACHES] = { 13, 77, 200, 1001, 3001 };
static const char *const names[NCACHES] = { "odd13", "odd77", "odd200",
					    "odd1001", "odd3001" };

struct obj {
	unsigned char *p;
	unsigned long serial;
};

static struct kmem_cache *caches[NCACHES];
static struct obj live[NCACHES][MAXLIVE];
static int nlive[NCACHES];
static unsigned long serial;
static uint64_t rng = 88172645463325252ULL;

static unsigned long rnd(void)
{
	return (unsigned long)check_xorshift(&rng);
}

static void fill(unsigned char *p, unsigned int size, unsigned long ser)
{
	for (unsigned int i = 0; i < size; i++)
		p[i] = (unsigned char)(ser * 31 + i);
}

static bool intact(const unsigned char *p, unsigned int size, unsigned long ser)
{
	for (unsigned int i = 0; i < size; i++)
		if (p[i] != (unsigned char)(ser * 31 + i))
			return false;
	return true;
}

static void check_placement(int c, const void *p)
{
	struct slab *slab = virt_to_slab(p);
	unsigned long off;

	CHECK(slab != NULL);
	if (!slab)
		return;
	off = (unsigned long)((const char *)p - (const char *)slab_address(slab));
	if (under_slob()) {	/* a block of a SLOB page, at the alignment */
		CHECK(!strcmp(slab->slab_cache->name, "slob-kmalloc"));
		CHECK(off % caches[c]->align == 0);
		return;
	}
	CHECK(slab->slab_cache == caches[c]);
	if (under_slab())	/* after the slab's colour */
		CHECK((off % caches[c]->size) % L1_CACHE_BYTES == 0);
	else
		CHECK(off % caches[c]->size == 0);
	CHECK(off / caches[c]->size < cache_info(caches[c]).objects_per_slab);
}

static void add_live(int c, void *p)
{
	check_placement(c, p);
	fill(p, sizes[c], ++serial);
	live[c][nlive[c]].p = p;
	live[c][nlive[c]].serial = serial;
	nlive[c]++;
}

static void free_one(int c, int idx, bool bulk_pending, void **bulk, int *nb)
{
	struct obj o = live[c][idx];

	CHECK(intact(o.p, sizes[c], o.serial));
	live[c][idx] = live[c][--nlive[c]];
	if (bulk_pending)
		bulk[(*nb)++] = o.p;
	else
		kmem_cache_free(caches[c], o.p);
}

static int cmp_ptr(const void *a, const void *b)
{
	const char *x = *(void *const *)a, *y = *(void *const *)b;

	return x < y ? -1 : x > y;
}

static void check_model(void)
{
	static void *all[NCACHES * MAXLIVE];
	int n = 0;

	for (int c = 0; c < NCACHES; c++) {
		struct slabinfo_line li;

		for (int i = 0; i < nlive[c]; i++) {
			CHECK(intact(live[c][i].p, sizes[c], live[c][i].serial));
			all[n++] = live[c][i].p;
		}
		kmem_cache_shrink(caches[c]);
		if (under_slob())
			continue;
		CHECK(slabinfo_get(names[c], &li));
		CHECK_EQ(li.active_objs, nlive[c]);
		CHECK(li.num_objs >= li.active_objs);
	}
	qsort(all, n, sizeof(void *), cmp_ptr);
	for (int i = 1; i < n; i++)
		CHECK(all[i] != all[i - 1]);
	CHECK_EQ(slab_validate(), 0);
}

static void phase(int steps, int alloc_bias)
{
	static void *bulk[64];

	for (int s = 0; s < steps; s++) {
		int c = (int)(rnd() % NCACHES);
		int op = (int)(rnd() % 100);

		if (op < alloc_bias && nlive[c] < MAXLIVE - 64) {
			if (op % 10 == 0) {
				int n = 1 + (int)(rnd() % 64);

				CHECK_EQ(kmem_cache_alloc_bulk(caches[c], GFP_KERNEL, n, bulk), n);
				for (int i = 0; i < n; i++)
					add_live(c, bulk[i]);
			} else {
				void *p = kmem_cache_alloc(caches[c], GFP_KERNEL);

				CHECK(p != NULL);
				if (p)
					add_live(c, p);
			}
		} else if (nlive[c]) {
			if (op % 10 == 1) {
				int n = 1 + (int)(rnd() % 64), nb = 0;

				for (int i = 0; i < n && nlive[c]; i++)
					free_one(c, (int)(rnd() % nlive[c]), true, bulk, &nb);
				kmem_cache_free_bulk(caches[c], nb, bulk);
			} else {
				free_one(c, (int)(rnd() % nlive[c]), false, NULL, NULL);
			}
		}
	}
}

static void test_shadow_model(void)
{
	for (int c = 0; c < NCACHES; c++) {
		caches[c] = kmem_cache_create(names[c], sizes[c], 0,
					      SLAB_NO_MERGE, NULL);
		CHECK(caches[c] != NULL);
	}
	/* the variants under SLAB and SLOB run fewer rounds (SLOB walks every
	 * partial page of a list per allocation): enough to grow, churn and
	 * shrink, and the suite stays short */
	for (int round = 0; round < (under_slub() ? 6 : under_slab() ? 2 : 1); round++) {
		phase(40000, 70);	/* grow */
		check_model();
		phase(40000, 50);	/* churn */
		check_model();
		phase(40000, 25);	/* shrink */
		check_model();
	}
	for (int c = 0; c < NCACHES; c++) {
		while (nlive[c])
			free_one(c, nlive[c] - 1, false, NULL, NULL);
		CHECK_EQ(kmem_cache_shrink(caches[c]), 0);
	}
	check_model();
	for (int c = 0; c < NCACHES; c++)
		kmem_cache_destroy(caches[c]);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=512M"), 0);
	RUN(test_shadow_model);
	return check_summary();
}
