// SPDX-License-Identifier: MIT
/*
 * test_slab_rcu - SLAB_TYPESAFE_BY_RCU: an emptied slab goes back to the
 * page allocator only after an RCU grace period (liburcu, memb flavour).
 * While this thread sits in rcu_read_lock() the page stays a slab page of
 * the cache, even after kmem_cache_shrink(); after the reader leaves and
 * rcu_barrier() the page is free.  The free pointer of such a cache lies
 * outside the object (or at freeptr_offset), so a freed object's contents
 * stay readable as the type they were.  Under each slab allocator: SLAB
 * keeps no free pointer in objects at all (and no freelist inside them
 * in such a cache), SLOB defers the free of each block through a struct
 * slob_rcu at its end (v6.3), so there the blocks, not a slab, wait.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "slab_strategy.h"

#include <urcu/urcu-memb.h>

struct item {
	unsigned long key;
	unsigned long val[15];
};

static void test_layout(void)
{
	struct kmem_cache_args args = {
		.freeptr_offset = __builtin_offsetof(struct item, val[3]),
		.use_freeptr_offset = true,
	};
	struct kmem_cache *a = kmem_cache_create("rcu_item", sizeof(struct item),
						 0, SLAB_TYPESAFE_BY_RCU, NULL);
	struct kmem_cache *b = kmem_cache_create("rcu_item_fp", sizeof(struct item),
						 &args, SLAB_TYPESAFE_BY_RCU);

	CHECK(a && b);
	if (under_slub()) {
		CHECK(a->offset >= sizeof(struct item));	/* outside the object */
		CHECK_EQ(b->offset, args.freeptr_offset);
		CHECK_EQ(b->size, sizeof(struct item));
	} else if (under_slab()) {	/* no OBJFREELIST for these caches */
		CHECK_EQ(a->flags & 0x40000000U, 0);
		CHECK_EQ(b->size, sizeof(struct item));
	} else {			/* the rcu footer after the object */
		CHECK_EQ(a->size, sizeof(struct item) + 24);
	}
	/* freeptr_offset without SLAB_TYPESAFE_BY_RCU is refused */
	CHECK(kmem_cache_create("bad_fp", sizeof(struct item), &args, 0) == NULL);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

static void test_slab_freed_after_grace_period(void)
{
	struct kmem_cache *s = kmem_cache_create("rcu_slab", sizeof(struct item),
						 0, SLAB_TYPESAFE_BY_RCU, NULL);
	static struct item *objs[4096];
	unsigned int per_slab = under_slob() ? 25 : cache_info(s).objects_per_slab;
	int n = (int)per_slab * 40;
	unsigned long pages = slab_pages();
	struct page *page;
	struct item *first;

	for (int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		objs[i]->key = (unsigned long)i;
	}
	first = objs[0];
	page = compound_head(virt_to_page(first));
	CHECK(PageSlab(page));

	urcu_memb_register_thread();
	urcu_memb_read_lock();
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	CHECK_EQ(kmem_cache_shrink(s), 0);	/* every slab is on its way */
	/* a reader still inside its critical section: the memory is kept */
	usleep(50000);
	CHECK(PageSlab(page));
	CHECK(under_slob() || page_slab(page)->slab_cache == s);
	CHECK_EQ(first->key, 0);		/* type-safe: still an item */
	CHECK(slab_pages() > pages);
	urcu_memb_read_unlock();

	urcu_memb_barrier();			/* callbacks have run */
	if (under_slob())	/* blocks back; a page shared with others stays */
		CHECK(slab_pages() <= pages + 1);
	else
		CHECK(!PageSlab(page));
	CHECK_EQ(slab_validate(), 0);
	urcu_memb_unregister_thread();
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_layout);
	RUN(test_slab_freed_after_grace_period);
	return check_summary();
}
