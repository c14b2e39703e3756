// SPDX-License-Identifier: MIT
/*
 * test_slab_create - kmem_cache_create() in both forms and KMEM_CACHE, the
 * object geometry (calculate_alignment, calculate_sizes, calculate_order
 * with known values), constructors, accessors and bad frees.  Runs under
 * each slab allocator: the geometry is SLUB's or SLAB's own, SLOB runs
 * constructors on every allocation and cannot tell caches apart.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "slab_strategy.h"

#include <errno.h>

struct foo {
	long a;
	char b[20];
	int c;
};

static void test_classic_form(void)
{
	struct kmem_cache *s = kmem_cache_create("classic", 40, 0, 0, NULL);
	void *p;

	CHECK(s != NULL);
	CHECK_EQ(kmem_cache_size(s), 40);
	CHECK(!strcmp(kmem_cache_name(s), "classic") ||
	      s->refcount > 1);	/* may merge with an older cache */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(p != NULL);
	memset(p, 0xab, 40);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
	kmem_cache_destroy(NULL);	/* allowed */
}

static void test_args_form(void)
{
	struct kmem_cache_args args = { .align = 128 };
	struct kmem_cache *s = kmem_cache_create("args_form", 100, &args,
						 SLAB_NO_MERGE);
	void *p;

	CHECK(s != NULL);
	CHECK(!strcmp(kmem_cache_name(s), "args_form"));
	CHECK_EQ(s->align, 128);
	CHECK_EQ(s->size, under_slob() ? 100 : 128);	/* SLOB: units, no padding */
	p = kmem_cache_zalloc(s, GFP_KERNEL);
	CHECK(p && ((unsigned long)p & 127) == 0);
	for (int i = 0; p && i < 100; i++)
		CHECK(((unsigned char *)p)[i] == 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);

	/* NULL args (a void *) takes the defaults */
	s = kmem_cache_create("null_args", 24, NULL, SLAB_NO_MERGE);
	CHECK(s != NULL);
	CHECK_EQ(s->align, 8);
	kmem_cache_destroy(s);
}

static void test_kmem_cache_macro(void)
{
	struct kmem_cache *s = KMEM_CACHE(foo, SLAB_NO_MERGE);
	struct kmem_cache *u = KMEM_CACHE_USERCOPY(foo, 0, b);
	struct foo *f;

	CHECK(s != NULL);
	CHECK(!strcmp(kmem_cache_name(s), "foo"));
	CHECK_EQ(kmem_cache_size(s), sizeof(struct foo));
	f = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(f && ((unsigned long)f % __alignof__(struct foo)) == 0);
	kmem_cache_free(s, f);
	CHECK(u != NULL && u != s);
	CHECK_EQ(u->useroffset, __builtin_offsetof(struct foo, b));
	CHECK_EQ(u->usersize, 20);
	kmem_cache_destroy(u);
	kmem_cache_destroy(s);
}

static int ctor_calls;
static void ctor_fill(void *p)
{
	ctor_calls++;
	memset(p, 0x5c, 64);
}

static void test_ctor(void)
{
	struct kmem_cache *s = kmem_cache_create("ctor64", 64, 0, 0, ctor_fill);
	void *objs[2000];
	unsigned int per_slab;

	CHECK(s != NULL);
	/* SLOB constructs on every allocation: one "slab" per object */
	per_slab = under_slob() ? 1 : cache_info(s).objects_per_slab;
	/* the free pointer lives outside a constructed object */
	CHECK(!under_slub() || s->offset >= 64);
	CHECK_EQ(ctor_calls, 0);
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(ctor_calls, per_slab);	/* once per object, at slab creation */
	for (int i = 1; i < 2000; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 2000; i++)
		for (int j = 0; j < 64; j++)
			if (((unsigned char *)objs[i])[j] != 0x5c) {
				CHECK(!"constructed object damaged");
				i = 2000;
				break;
			}
	CHECK_EQ(ctor_calls % per_slab, 0);
	int before = ctor_calls;
	/* objects freed and allocated again keep their state: no ctor run */
	for (int i = 1990; i < 2000; i++)
		kmem_cache_free(s, objs[i]);
	for (int i = 1990; i < 2000; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(ctor_calls, before + (under_slob() ? 10 : 0));
	for (int i = 0; i < 2000; i++) {
		CHECK(((unsigned char *)objs[i])[0] == 0x5c);
		kmem_cache_free(s, objs[i]);
	}
	kmem_cache_destroy(s);
}

static void test_alignment(void)
{
	static const unsigned int sizes[] = { 1, 7, 20, 64, 100, 1000, 4096 };

	for (unsigned int align = 1; align <= 4096; align *= 2) {
		for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
			struct kmem_cache *s;
			unsigned int want = align < 8 ? 8 : align;
			void *p[5];

			s = kmem_cache_create("aligned", sizes[si], align,
					      SLAB_NO_MERGE, NULL);
			CHECK(s != NULL);
			if (!s)
				continue;
			CHECK_EQ(s->align, want);
			/* SLOB keeps the size in units; the block is aligned */
			CHECK((under_slob() || s->size % want == 0) &&
			      s->size >= sizes[si]);
			for (int i = 0; i < 5; i++) {
				p[i] = kmem_cache_alloc(s, GFP_KERNEL);
				CHECK(p[i] && ((unsigned long)p[i] % want) == 0);
				if (p[i])
					memset(p[i], i, sizes[si]);
			}
			for (int i = 0; i < 5; i++)
				kmem_cache_free(s, p[i]);
			kmem_cache_destroy(s);
		}
	}
	/* not a power of two: refused */
	CHECK(kmem_cache_create("badalign", 32, 24, 0, NULL) == NULL);
}

static void test_hwcache_align(void)
{
	static const struct { unsigned int size, align; } t[] = {
		{ 8, 8 }, { 16, 16 }, { 20, 32 }, { 32, 32 }, { 33, 64 },
		{ 100, 64 }, { 4000, 64 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct kmem_cache *s = kmem_cache_create("hwalign", t[i].size, 0,
							 SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE,
							 NULL);
		void *a, *b;

		CHECK(s != NULL);
		CHECK_EQ(calculate_alignment(SLAB_HWCACHE_ALIGN, 0, t[i].size),
			 t[i].align);
		CHECK_EQ(s->align, t[i].align);
		a = kmem_cache_alloc(s, GFP_KERNEL);
		b = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(((unsigned long)a % t[i].align) == 0);
		CHECK(((unsigned long)b % t[i].align) == 0);
		kmem_cache_free(s, a);
		kmem_cache_free(s, b);
		kmem_cache_destroy(s);
	}
}

/*
 * Known values of v6.12's calculate_order() with slab_min_objects=16 and
 * the default slab_max_order=3 (computed by hand from the algorithm).
 */
/*
 * SLAB's geometry (v6.6's __kmem_cache_create() and calculate_slab_order()
 * with slab_max_order 1, as with mem= above 32M): the freelist inside a
 * free object when num indices fit in one (OBJFREELIST), else on the slab.
 */
static void test_geometry_slab(void)
{
	static const struct {
		unsigned int object_size, size, order, objects;
		slab_flags_t placement;
	} t[] = {
		{ 8, 8, 0, 409, 0 },		/* 4096 / (8 + 2), on-slab */
		{ 256, 256, 0, 16, 0x40000000U },	/* OBJFREELIST */
		{ 700, 704, 1, 11, 0x40000000U },	/* 5 at order 0 wastes 576 > 1/8 */
		{ 3000, 3000, 1, 2, 0x40000000U },	/* stops at slab_max_order 1 */
		{ 8192, 8192, 1, 1, 0x40000000U },
		{ 20000, 20000, 3, 1, 0x40000000U },	/* the first order with one */
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct kmem_cache *s = kmem_cache_create("geometry", t[i].object_size,
							 0, SLAB_NO_MERGE, NULL);
		struct slabinfo_line li;
		void *p;

		CHECK(s != NULL);
		if (!s)
			continue;
		CHECK_EQ(s->size, t[i].size);
		CHECK_EQ(s->flags & 0xc0000000U, t[i].placement);
		p = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(slabinfo_get("geometry", &li));
		CHECK_EQ(li.objsize, t[i].size);
		CHECK_EQ(li.objperslab, t[i].objects);
		CHECK_EQ(li.pagesperslab, 1U << t[i].order);
		CHECK_EQ(li.num_slabs, 1);
		kmem_cache_free(s, p);
		kmem_cache_destroy(s);
	}
	/* debug words as CONFIG_DEBUG_SLAB lays them out: red zone words
	 * before and after the object, the last user after them */
	struct kmem_cache *s = kmem_cache_create("rz", 40, 0, SLAB_RED_ZONE, NULL);
	CHECK_EQ(s->size, 8 + 40 + 8);
	kmem_cache_destroy(s);
	s = kmem_cache_create("rzu", 40, 0, SLAB_RED_ZONE | SLAB_STORE_USER, NULL);
	CHECK_EQ(s->size, 8 + 40 + 8 + 8);
	kmem_cache_destroy(s);
	s = kmem_cache_create("poisoned", 40, 0, SLAB_POISON | SLAB_STORE_USER, NULL);
	CHECK_EQ(s->size, 48);
	kmem_cache_destroy(s);
}

static void test_geometry(void)
{
	if (under_slab()) {
		test_geometry_slab();
		return;
	}
	if (under_slob()) {	/* no slabs: sizes in SLOB_UNITs, no debug words */
		struct kmem_cache *s = kmem_cache_create("geometry", 7, 0, SLAB_RED_ZONE, NULL);

		CHECK_EQ(s->size, 8);
		CHECK_EQ(s->flags & SLAB_RED_ZONE, 0);
		kmem_cache_destroy(s);
		return;
	}
	static const struct {
		unsigned int object_size, size, order, objects;
	} t[] = {
		{ 8, 8, 0, 512 },	/* 16*8 fits a page */
		{ 256, 256, 0, 16 },
		{ 700, 704, 2, 23 },	/* 16*704 needs 4 pages; waste 192 <= 1/16 */
		{ 3000, 3000, 3, 10 },	/* 10 objs max at order 3; waste 2768: 1/8 */
		{ 8192, 8192, 3, 4 },
		{ 20000, 20000, 3, 1 },	/* 1 per 32 KiB: waste < 1/2 */
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct kmem_cache *s = kmem_cache_create("geometry", t[i].object_size,
							 0, SLAB_NO_MERGE, NULL);
		struct slabinfo_line li;
		void *p;

		CHECK(s != NULL);
		if (!s)
			continue;
		CHECK_EQ(s->size, t[i].size);
		CHECK_EQ(oo_order(s->oo), t[i].order);
		CHECK_EQ(oo_objects(s->oo), t[i].objects);
		CHECK_EQ(calculate_order(t[i].size), t[i].order);
		p = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(slabinfo_get("geometry", &li));
		CHECK_EQ(li.objsize, t[i].size);
		CHECK_EQ(li.objperslab, t[i].objects);
		CHECK_EQ(li.pagesperslab, 1U << t[i].order);
		CHECK_EQ(li.num_slabs, 1);
		CHECK_EQ(li.num_objs, t[i].objects);
		kmem_cache_free(s, p);
		kmem_cache_destroy(s);
	}
	/* the free pointer sits mid-object without a ctor */
	struct kmem_cache *s = kmem_cache_create("fpmid", 40, 0, SLAB_NO_MERGE, NULL);
	CHECK_EQ(s->offset, 16);
	kmem_cache_destroy(s);
	/* debug flags change the layout as calculate_sizes() does */
	s = kmem_cache_create("rz", 40, 0, SLAB_RED_ZONE, NULL);
	CHECK_EQ(s->red_left_pad, 8);
	CHECK_EQ(s->inuse, 48);		/* a word of right red zone */
	CHECK_EQ(s->size, 8 + 48 + 8);	/* left pad, object+rz, rz word */
	kmem_cache_destroy(s);
	s = kmem_cache_create("poisoned", 40, 0, SLAB_POISON | SLAB_STORE_USER, NULL);
	CHECK_EQ(s->offset, 40);	/* outside: poison fills the object */
	CHECK_EQ(s->size, 48 + 2 * sizeof(struct track));
	kmem_cache_destroy(s);
}

static void do_wrong_cache_free(void *arg)
{
	struct kmem_cache **c = arg;
	void *p = kmem_cache_alloc(c[0], GFP_KERNEL);
	int local;

	kmem_cache_free(c[1], p);	/* wrong cache: reported, ignored */
	kmem_cache_free(c[0], &local);	/* not from kheap */
	kmem_cache_free(c[0], (char *)p + 8);	/* not an object start */
	kmem_cache_free(c[0], p);
}

static void test_bad_frees(void)
{
	struct kmem_cache *c[2];
	char buf[8192];

	c[0] = kmem_cache_create("cache_x", 64, 0, SLAB_NO_MERGE, NULL);
	c[1] = kmem_cache_create("cache_y", 64, 0, SLAB_NO_MERGE, NULL);
	check_capture_stderr(do_wrong_cache_free, c, buf, sizeof(buf));
	CHECK(strstr(buf, "invalid pointer") != NULL);
	/* SLOB's blocks do not say their cache: the first free frees it,
	 * and the later ones are caught as frees of a free block */
	if (!under_slob()) {
		CHECK(strstr(buf, "Wrong slab cache. cache_y but object is from cache_x") != NULL);
		CHECK(strstr(buf, "Invalid object pointer") != NULL);
	} else {
		int n = 0;

		for (char *t = buf; (t = strstr(t, "invalid pointer")); t++)
			n++;
		CHECK_EQ(n, 3);		/* &local, p + 8, p again */
	}
	CHECK_EQ(slab_validate(), 0);
	CHECK_EQ(kmem_cache_shrink(c[0]), 0);	/* the real free happened */
	kmem_cache_destroy(c[0]);
	kmem_cache_destroy(c[1]);
}

/*
 * kmem_cache_alloc_lru() (lib/xarray.c's nodes) is kmem_cache_alloc()
 * without memcg: an object of the cache, zeroed on __GFP_ZERO, the ctor's
 * state otherwise.
 */
static void test_alloc_lru(void)
{
	struct kmem_cache *s = kmem_cache_create("lru_objs", 96, 0, 0, NULL);
	struct kmem_cache *c = kmem_cache_create("lru_ctor", 64, 0, 0, ctor_fill);
	char *p = kmem_cache_alloc_lru(s, NULL, GFP_KERNEL);
	char *q;

	CHECK(p != NULL);
	/* SLOB's pages are shared by every cache: they name none */
	CHECK(virt_to_slab(p) &&
	      (under_slob() || virt_to_slab(p)->slab_cache == s));
	memset(p, 0x55, 96);
	kmem_cache_free(s, p);
	q = kmem_cache_alloc_lru(s, NULL, GFP_KERNEL | __GFP_ZERO);
	for (int i = 0; i < 96; i++)
		CHECK_EQ(q[i], 0);
	kmem_cache_free(s, q);
	p = kmem_cache_alloc_lru(c, NULL, GFP_KERNEL);
	CHECK_EQ((unsigned char)p[0], 0x5c);
	/* SLUB's /sys/kernel/slab/<cache>/validate: not SLAB's or SLOB's */
	if (under_slub())
		CHECK(validate_slab_cache(c) >= 1);
	else
		CHECK_EQ(validate_slab_cache(c), -EOPNOTSUPP);
	kmem_cache_free(c, p);
	kmem_cache_destroy(s);
	kmem_cache_destroy(c);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M slab_min_objects=16"), 0);
	RUN(test_classic_form);
	RUN(test_args_form);
	RUN(test_kmem_cache_macro);
	RUN(test_ctor);
	RUN(test_alignment);
	RUN(test_hwcache_align);
	RUN(test_geometry);
	RUN(test_bad_frees);
	RUN(test_alloc_lru);
	CHECK_EQ(slab_validate(), 0);
	return check_summary();
}
