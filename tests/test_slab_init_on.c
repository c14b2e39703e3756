// SPDX-License-Identifier: MIT
/*
 * test_slab_init_on - init_on_alloc= and init_on_free= under SLAB and SLOB,
 * as their kernels had them: v6.6's mm/slab.c zeroes an object when it is
 * handed out or freed (slab_want_init_on_alloc/free(): not for caches with
 * a constructor, SLAB_TYPESAFE_BY_RCU or SLAB_POISON); v6.3's mm/slob.c
 * never asks, so only the page allocator zeroes (new pages, pages given
 * back, large kmalloc) and a block reused inside a page keeps its bytes.
 * argv[1] is the command line (default "slab_allocator=slab"): CTest runs
 * it with slab_allocator=slab or =slob and init_on_alloc=1, init_on_free=1,
 * both, or neither (then the checks that expect zeroes must see the
 * garbage: the test can fail).
 */
#include "slab_strategy.h"
#include "sanitizer.h"
#include "check.h"
#include "init_on.h"

#include <linux/poison.h>

static bool on_alloc, on_free;

/*
 * A freed SLAB object under init_on_free: zero but for the free mark, the
 * word at ALIGN_DOWN(size / 2, 8) written after zeroing (mm/slab.c, 8.).
 * True where ASan poisons the freed object (reading it is the report).
 */
static bool zero_but_mark(struct kmem_cache *s, const void *p, size_t n)
{
	size_t off = ALIGN_DOWN(n / 2, sizeof(long));

	if (kheap_asan_cache(s))
		return true;
	return nonzero(p, off) == 0 &&
	       nonzero((const char *)p + off + sizeof(long),
		       n - off - sizeof(long)) == 0;
}

/*
 * A plain cache.  Under SLOB a neighbour stays allocated, so that the page
 * is not given back (and zeroed by the page allocator) when p is freed.
 */
static void test_cache_plain(void)
{
	struct kmem_cache *s = kmem_cache_create("init_plain", 100, 0, 0, NULL);
	void *keep = kmem_cache_alloc(s, GFP_KERNEL);
	char *p = kmem_cache_alloc(s, GFP_KERNEL), *q;

	dirty(p, 100);
	kmem_cache_free(s, p);
	if (under_slab() && on_free)
		CHECK(zero_but_mark(s, p, 100));
	q = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(q == p);				/* LIFO on both */
	if (under_slab() && (on_alloc || on_free))
		CHECK_EQ(nonzero(q, 100), 0);
	else	/* SLAB without the options, SLOB always: the old bytes */
		CHECK(garbage(q, 100) >= 100 - sizeof(long));
	kmem_cache_free(s, q);
	q = kmem_cache_zalloc(s, GFP_KERNEL);	/* __GFP_ZERO: every one */
	CHECK_EQ(nonzero(q, 100), 0);
	kmem_cache_free(s, q);
	kmem_cache_free(s, keep);
	kmem_cache_destroy(s);
}

static void ctor(void *obj)
{
	memset(obj, 0x41, 16);
}

/* A constructor's state survives: never zeroed (nor by SLOB ever). */
static void test_cache_ctor(void)
{
	struct kmem_cache *s = kmem_cache_create("init_ctor", 64, 0, 0, ctor);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);

	CHECK_EQ(p[0], 0x41);
	dirty(p + 16, 48);
	kmem_cache_free(s, p);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(p[0], 0x41);
	if (under_slab())	/* the same object, not wiped (SLOB: re-run ctor) */
		CHECK_EQ(garbage(p + 16, 48), 48);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* SLAB_TYPESAFE_BY_RCU: freed objects stay readable, unwiped. */
static void test_cache_rcu(void)
{
	struct kmem_cache *s = kmem_cache_create("init_rcu", 128, 0,
						 SLAB_TYPESAFE_BY_RCU, NULL);
	void *objs[16];

	for (int i = 0; i < 16; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		dirty(objs[i], 128);
	}
	for (int i = 0; i < 16; i++)
		kmem_cache_free(s, objs[i]);
	if (under_slab()) {	/* SLOB frees them after a grace period */
		for (int i = 0; i < 16; i++)
			CHECK_EQ(garbage(objs[i], 128), 128);
		for (int i = 0; i < 16; i++) {
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
			CHECK_EQ(garbage(objs[i], 128), 128);
		}
		for (int i = 0; i < 16; i++)
			kmem_cache_free(s, objs[i]);
	}
	objs[0] = kmem_cache_zalloc(s, GFP_KERNEL);
	CHECK_EQ(nonzero(objs[0], 128), 0);
	kmem_cache_free(s, objs[0]);
	kmem_cache_destroy(s);		/* waits for the grace period */
}

/*
 * SLAB's debug caches: SLAB_POISON wins over the options (poison, not
 * zeroes); a red-zoned cache is zeroed at free inside its red zones, which
 * stay intact (the cache validates).
 */
static void test_cache_debug(void)
{
	struct kmem_cache *s, *r;
	unsigned char *p;

	if (!under_slab())	/* SLOB keeps no debug flags (v6.3) */
		return;
	s = kmem_cache_create("init_poison", 64, 0, SLAB_POISON, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK_EQ(p[0], POISON_INUSE);		/* SLAB poisons live objects */
	kmem_cache_free(s, p);
	CHECK_EQ(p[0], POISON_FREE);
	CHECK_EQ(p[63], POISON_END);
	p = kmem_cache_zalloc(s, GFP_KERNEL);
	CHECK_EQ(nonzero(p, 64), 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);

	r = kmem_cache_create("init_redzone", 64, 0, SLAB_RED_ZONE, NULL);
	p = kmem_cache_alloc(r, GFP_KERNEL);
	dirty(p, 64);
	kmem_cache_free(r, p);
	if (on_free)
		CHECK_EQ(nonzero(p, 64), 0);
	else
		CHECK_EQ(garbage(p, 64), 64);
	CHECK_EQ(slab_validate(), 0);		/* red zones intact */
	kmem_cache_destroy(r);
}

/*
 * kmalloc: SLAB's kmalloc caches as any cache; SLOB's header blocks keep
 * their bytes; large kmalloc (pages) is zeroed by the page allocator on
 * both.
 */
static void test_kmalloc(void)
{
	for (size_t size = 16; size <= (1 << 20); size *= 2) {
		void *keep = kmalloc(size, GFP_KERNEL);	/* SLOB: the page stays */
		char *p = kmalloc(size, GFP_KERNEL), *q;
		size_t ks = ksize(p);
		/* pages of their own: large kmalloc, or under SLOB a block
		 * alone on its page (freed, the page goes back, zeroed) */
		bool pages = !virt_to_slab(p) ||
			     (under_slob() && 2 * (size + 8) > PAGE_SIZE);

		dirty(p, ks);
		kfree(p);
		q = kmalloc(size, GFP_KERNEL);
		if ((under_slab() || pages) && (on_alloc || on_free))
			CHECK_EQ(nonzero(q, ksize(q)), 0);
		else if (q == p && !pages)
			CHECK(garbage(q, size) >= size - 2 * sizeof(long));
		kfree(q);
		kfree(keep);
	}
}

static void test_bulk(void)
{
	struct kmem_cache *s = kmem_cache_create("init_bulk", 200, 0, 0, NULL);
	void *objs[64];

	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 64, objs), 64);
	for (int i = 0; i < 64; i++)
		dirty(objs[i], 200);
	kmem_cache_free_bulk(s, 64, objs);
	CHECK_EQ(kmem_cache_alloc_bulk(s, GFP_KERNEL, 64, objs), 64);
	for (int i = 0; i < 64; i++)
		if (under_slab() && (on_alloc || on_free))
			CHECK_EQ(nonzero(objs[i], 200), 0);
	kmem_cache_free_bulk(s, 64, objs);
	kmem_cache_destroy(s);
}

int main(int argc, char **argv)
{
	CHECK_EQ(kheap_init(argc > 1 ? argv[1] : "slab_allocator=slab"), 0);
	on_alloc = want_init_on_alloc(0);
	on_free = want_init_on_free();
	CHECK(!under_slub());
	RUN(test_cache_plain);
	RUN(test_cache_ctor);
	RUN(test_cache_rcu);
	RUN(test_cache_debug);
	RUN(test_kmalloc);
	RUN(test_bulk);
	CHECK_EQ(slab_validate(), 0);
	return check_summary();
}
