// SPDX-License-Identifier: MIT
/*
 * test_slab_sheaf_map - the sheaf map (mm/slub.c, "the sheaf map"), which
 * the malloc shim's free() uses instead of the struct page: every page
 * frame of a slab of a cache with sheaves maps to that cache and the
 * slab's order, sheaf_map_lookup() accepts exactly the objects' starts,
 * and entries go when the slab goes.  Debug caches and large kmalloc
 * blocks are not in it.  Needs the rseq fast paths (sheaves); without them
 * it checks that the cache is not mapped.
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_fast.h"
#include "check.h"

#define NOBJ	300

static void validate(void)
{
	CHECK_EQ(kheap_validate(), 0);
}

static void objects_and_not_objects_test(void)
{
	struct kmem_cache *s = kmem_cache_create("sheaf_map_test", 200, 0, 0, NULL);
	char *obj[NOBJ];

	CHECK(s != NULL);
	if (!slub_uses_rseq()) {
		CHECK(!s->sheaf_mapped);
		kmem_cache_destroy(s);
		return;
	}
	CHECK(s->sheaf_mapped);
	for (int i = 0; i < NOBJ; i++) {
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(obj[i] != NULL);
	}
	for (int i = 0; i < NOBJ; i++) {
		struct slab *slab = virt_to_slab(obj[i]);
		char *start = slab_address(slab);
		char *end = start + (PAGE_SIZE << slab_order(slab));

		CHECK(sheaf_map_lookup(obj[i]) == s);
		CHECK(sheaf_map_lookup(obj[i] + 8) == NULL);	/* inside */
		CHECK(sheaf_map_lookup(obj[i] + s->size - 1) == NULL);
		/* past the last object, in the slab's left-over bytes */
		if (start + slab->objects * s->size < end)
			CHECK(sheaf_map_lookup(end - 1) == NULL);
	}
	validate();
	for (int i = 0; i < NOBJ; i++)
		kmem_cache_free(s, obj[i]);
	kmem_cache_shrink(s);		/* the empty slabs go, and their entries */
	for (int i = 0; i < NOBJ; i++)
		CHECK(virt_to_slab(obj[i]) != NULL ||
		      sheaf_map_lookup(obj[i]) == NULL);
	validate();
	kmem_cache_destroy(s);		/* no entry names the cache now */
	for (int i = 0; i < NOBJ; i++) {
		unsigned long pfn = virt_to_pfn(obj[i]);

		CHECK((slab_sheaf_map[pfn] & ~SHEAF_MAP_ORDER_MASK) !=
		      (unsigned long)s);
	}
}

static void kmalloc_and_others_test(void)
{
	void *p = kmalloc(100, GFP_KERNEL), *big = kmalloc(64 << 10, GFP_KERNEL);
	struct kmem_cache *dbg = kmem_cache_create("sheaf_map_debug", 64, 0,
						   SLAB_RED_ZONE, NULL);
	void *q = kmem_cache_alloc(dbg, GFP_KERNEL);

	CHECK(p && big && q);
	if (slub_uses_rseq())
		CHECK(sheaf_map_lookup(p) == kmalloc_slab(100, GFP_KERNEL, 0));
	CHECK(sheaf_map_lookup(big) == NULL);		/* large kmalloc */
	CHECK(!dbg->sheaf_mapped);			/* debug: no sheaves */
	CHECK(sheaf_map_lookup(q) == NULL);
	kmem_cache_free(dbg, q);
	kmem_cache_destroy(dbg);
	kfree(big);
	kfree(p);
	validate();
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(objects_and_not_objects_test);
	RUN(kmalloc_and_others_test);
	return check_summary();
}
