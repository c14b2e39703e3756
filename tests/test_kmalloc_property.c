// SPDX-License-Identifier: MIT
/*
 * test_kmalloc_property - random kmalloc/krealloc/kfree of sizes 0..8 MiB
 * against a shadow model.  Throughout: contents survive (krealloc
 * included), ksize >= size, alignment follows the size class, no two live
 * objects overlap, the layers' validators are clean.  At each checkpoint,
 * with the per-CPU slabs flushed (kmem_cache_shrink), /proc/slabinfo's
 * active objects of every kmalloc cache equal the model's live objects in
 * it, and meminfo's SUnreclaim/SReclaimable equal the slab pages slabinfo
 * lists plus the model's large kmalloc pages.  Under each slab allocator:
 * SLAB's classes start at kmalloc-32; SLOB aligns a block to its size
 * when that is a power of two and to 8 otherwise, and has no slabinfo to
 * count with (only the large kmalloc pages are checked there).
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slab_strategy.h"

#include <stdint.h>

#define MAX_LIVE	3000
#define OPS		60000

struct obj {
	unsigned char *p;
	size_t size;
	gfp_t gfp;
	unsigned char tag;
	unsigned long large;	/* pages of the large kmalloc behind it */
};

static struct obj live[MAX_LIVE];
static int nr_live;
static uint64_t rng = 0x2545F4914F6CDD1DULL;
static unsigned long large_pages;	/* model: pages of large kmallocs */
static unsigned long nr_allocs, nr_reallocs, nr_null;

static unsigned long rnd(void)
{
	return (unsigned long)check_xorshift(&rng);
}

static size_t random_size(void)
{
	unsigned long r = rnd() % 1000;

	if (r < 5)
		return 0;
	if (r < 700)
		return 1 + rnd() % 256;
	if (r < 900)
		return 1 + rnd() % 8192;
	if (r < 990)
		return 8193 + rnd() % (1 << 20);
	return 1 + rnd() % (8UL << 20);	/* up to 8 MiB: some fail */
}

/* Byte at @pos of an object with @tag: depends on the position, so the
 * three probes never disagree, even where they coincide (sizes 1, 2). */
static inline unsigned char pattern(unsigned char tag, size_t pos)
{
	return (unsigned char)(tag + pos * 31);
}

static void fill(struct obj *o)
{
	if (!o->size)
		return;
	o->p[0] = pattern(o->tag, 0);
	o->p[o->size / 2] = pattern(o->tag, o->size / 2);
	o->p[o->size - 1] = pattern(o->tag, o->size - 1);
}

/* The probes of @o below @upto bytes hold their pattern. */
static bool intact(const struct obj *o, size_t upto)
{
	size_t n = min(o->size, upto);
	const size_t probes[3] = { 0, o->size / 2, o->size - 1 };

	for (int i = 0; i < 3; i++)
		if (probes[i] < n && o->p[probes[i]] != pattern(o->tag, probes[i]))
			return false;
	return true;
}

/* Pages of the large kmalloc object at @p (0 for a slab object). */
static unsigned long backing_pages(const void *p)
{
	if (ZERO_OR_NULL_PTR(p) || virt_to_slab(p))
		return 0;
	return ksize(p) >> PAGE_SHIFT;
}

static void check_new(struct obj *o, bool in_place)
{
	if (o->size == 0) {
		CHECK(o->p == ZERO_SIZE_PTR);
		return;
	}
	size_t ks = ksize(o->p);
	CHECK(ks >= o->size);
	size_t align = ks <= KMALLOC_MAX_CACHE_SIZE ? (ks & -ks) : PAGE_SIZE;

	/* a SLOB block with a header: aligned for the size it was made for */
	if (under_slob() && virt_to_slab(o->p))
		align = (o->size & (o->size - 1)) || in_place ?
			ARCH_KMALLOC_MINALIGN : o->size;
	CHECK_EQ((uintptr_t)o->p % align, 0);
}

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_KERNEL, GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_NOWAIT, GFP_ATOMIC,
};

static void do_alloc(void)
{
	struct obj *o = &live[nr_live];

	if (nr_live == MAX_LIVE)
		return;
	o->size = random_size();
	o->gfp = gfps[rnd() % ARRAY_SIZE(gfps)] | __GFP_NOWARN;
	o->p = kmalloc(o->size, o->gfp);
	if (!o->p) {
		CHECK(o->size > KMALLOC_MAX_SIZE || !(o->gfp & __GFP_DIRECT_RECLAIM));
		nr_null++;
		return;
	}
	o->tag = (unsigned char)rnd();
	check_new(o, false);
	fill(o);
	o->large = backing_pages(o->p);
	large_pages += o->large;
	nr_allocs++;
	nr_live++;
}

static void do_realloc(void)
{
	if (!nr_live)
		return;
	struct obj *o = &live[rnd() % (unsigned long)nr_live];
	size_t new_size = random_size();
	unsigned char *np;

	CHECK(intact(o, o->size));
	if (!new_size)
		return;	/* krealloc(p, 0) frees: tested in test_kmalloc */
	np = krealloc(o->p, new_size, o->gfp);
	if (!np) {
		CHECK(intact(o, o->size));	/* the old object is untouched */
		nr_null++;
		return;
	}
	/* everything below the smaller size survived, moved or not */
	struct obj moved = *o;
	moved.p = np;
	CHECK(intact(&moved, min(o->size, new_size)));
	large_pages -= o->large;
	bool in_place = np == o->p;
	o->p = np;
	o->size = new_size;
	o->tag = (unsigned char)rnd();
	check_new(o, in_place);
	fill(o);
	o->large = backing_pages(o->p);
	large_pages += o->large;
	nr_reallocs++;
}

static void do_free(void)
{
	if (!nr_live)
		return;
	int i = (int)(rnd() % (unsigned long)nr_live);
	struct obj *o = &live[i];

	CHECK(intact(o, o->size));
	large_pages -= o->large;
	kfree(o->p);
	live[i] = live[--nr_live];
}

static int cmp_addr(const void *a, const void *b)
{
	const struct obj *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static void check_no_overlap(void)
{
	struct obj *sorted = malloc(sizeof(*sorted) * (size_t)nr_live);
	int n = 0;

	for (int i = 0; i < nr_live; i++)
		if (!ZERO_OR_NULL_PTR(live[i].p))
			sorted[n++] = live[i];
	qsort(sorted, (size_t)n, sizeof(*sorted), cmp_addr);
	for (int i = 1; i < n; i++)
		CHECK(sorted[i - 1].p + ksize(sorted[i - 1].p) <= sorted[i].p);
	free(sorted);
}

/* ---- slabinfo and meminfo against the model ---- */

struct row {
	char name[64];
	unsigned long active, num, slabs;
	unsigned int pages_per_slab;
};

static int read_slabinfo(struct row *rows, int max)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n = 0;

	kheap_proc_show("slabinfo", f);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		struct row *r = &rows[n];
		unsigned int objsize, perslab;
		unsigned long active_slabs;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %lu %lu %u %u %u : tunables %*u %*u %*u : slabdata %lu %lu",
			   r->name, &r->active, &r->num, &objsize, &perslab,
			   &r->pages_per_slab, &active_slabs, &r->slabs) == 8)
			n++;
	}
	free(text);
	return n;
}

static unsigned long meminfo_kb(const char *key)
{
	char *text = NULL;
	size_t len = 0;
	unsigned long v = 0;
	FILE *f = open_memstream(&text, &len);

	kheap_proc_show("meminfo", f);
	fclose(f);
	char *p = strstr(text, key);
	if (p)
		sscanf(p + strlen(key), " %lu kB", &v);
	free(text);
	return v;
}

/* Objects kheap itself keeps in kmalloc caches (e.g. the per-CPU kfree_rcu
 * array), by slabinfo row name, taken before the test allocates. */
static struct row base_rows[256];
static int nr_base_rows;

static unsigned long base_active(const char *name)
{
	for (int r = 0; r < nr_base_rows; r++)
		if (!strcmp(base_rows[r].name, name))
			return base_rows[r].active;
	return 0;
}

static void check_counts(void)
{
	static struct row rows[256];
	unsigned long unrecl = 0, recl = 0;

	if (under_slob()) {	/* everything unreclaimable, large pages within */
		CHECK_EQ(meminfo_kb("SReclaimable:"), 0);
		CHECK(meminfo_kb("SUnreclaim:") >= K(large_pages));
		return;
	}
	for (int t = 0; t < NR_KMALLOC_TYPES; t++)
		for (int i = 1; i <= KMALLOC_SHIFT_HIGH; i++)
			if (kmalloc_caches[t][i])
				kmem_cache_shrink(kmalloc_caches[t][i]);
	int n = read_slabinfo(rows, 256);
	CHECK(n >= (under_slab() ? 3 * 11 : 3 * 13));
	for (int r = 0; r < n; r++) {
		struct kmem_cache *s = NULL;
		unsigned long model = 0;

		if (!strncmp(rows[r].name, "kmalloc-rcl-", 12))
			recl += rows[r].slabs * rows[r].pages_per_slab;
		else
			unrecl += rows[r].slabs * rows[r].pages_per_slab;
		for (int t = 0; t < NR_KMALLOC_TYPES && !s; t++)
			for (int i = 1; i <= KMALLOC_SHIFT_HIGH; i++)
				if (kmalloc_caches[t][i] &&
				    !strcmp(kmem_cache_name(kmalloc_caches[t][i]), rows[r].name))
					s = kmalloc_caches[t][i];
		if (!s)
			continue;
		model = base_active(rows[r].name);
		for (int i = 0; i < nr_live; i++)
			if (!ZERO_OR_NULL_PTR(live[i].p) && virt_to_slab(live[i].p) &&
			    virt_to_slab(live[i].p)->slab_cache == s)
				model++;
		if (rows[r].active != model)
			fprintf(stderr, "  %s: slabinfo %lu active, model %lu\n",
				rows[r].name, rows[r].active, model);
		CHECK_EQ(rows[r].active, model);
	}
	CHECK_EQ(meminfo_kb("SUnreclaim:"), K(unrecl + large_pages));
	CHECK_EQ(meminfo_kb("SReclaimable:"), K(recl));
	CHECK_EQ(meminfo_kb("Slab:"), K(unrecl + recl + large_pages));
}

static void test_random_kmalloc_against_model(void)
{
	for (int t = 0; t < NR_KMALLOC_TYPES; t++)
		for (int i = 1; i <= KMALLOC_SHIFT_HIGH; i++)
			if (kmalloc_caches[t][i])
				kmem_cache_shrink(kmalloc_caches[t][i]);
	nr_base_rows = read_slabinfo(base_rows, 256);
	for (int phase = 0; phase < 6; phase++) {
		for (int op = 0; op < OPS / 6; op++) {
			unsigned long r = rnd() % 100;
			int grow = phase % 2 ? 30 : 60;

			if ((int)r < grow)
				do_alloc();
			else if (r < 80)
				do_realloc();
			else
				do_free();
		}
		check_no_overlap();
		CHECK_EQ(kheap_validate(), 0);
		check_counts();
	}
	while (nr_live)
		do_free();
	check_counts();
	CHECK_EQ(large_pages, 0);
	fprintf(stderr, "  %lu kmallocs, %lu kreallocs, %lu NULLs\n", nr_allocs,
		nr_reallocs, nr_null);
	CHECK(nr_allocs > OPS / 5);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=2G"), 0);
	RUN(test_random_kmalloc_against_model);
	return check_summary();
}
