/* SPDX-License-Identifier: MIT */
/*
 * slab_strategy.h - test helper for the tests that run under each slab
 * allocator (CTest variants with KHEAP_CMDLINE=slab_allocator=slab|slob):
 * which one is in force, and a cache's counts from its strategy's
 * get_slabinfo().  Where the three differ, a test asserts what the
 * kernel's allocator of that name does (v6.12's SLUB, v6.6's SLAB, v6.3's
 * SLOB), not one answer for all.
 */
#ifndef KHEAP_TEST_SLAB_STRATEGY_H
#define KHEAP_TEST_SLAB_STRATEGY_H

#include "internal.h"
#include "slab_internal.h"

#include <string.h>

static inline bool under_slub(void)
{
	return kheap_config.slab_allocator == SLAB_ALLOCATOR_SLUB;
}

static inline bool under_slab(void)
{
	return kheap_config.slab_allocator == SLAB_ALLOCATOR_SLAB;
}

static inline bool under_slob(void)
{
	return kheap_config.slab_allocator == SLAB_ALLOCATOR_SLOB;
}

/* @s's counts as /proc/slabinfo would print them (all 0 under SLOB). */
static inline struct slabinfo cache_info(struct kmem_cache *s)
{
	struct slabinfo si;

	memset(&si, 0, sizeof(si));
	slab_ops->get_slabinfo(s, &si);
	return si;
}

/* Pages the slab layer holds (meminfo's Slab), any allocator. */
static inline unsigned long slab_pages(void)
{
	return node_page_state(NR_SLAB_UNRECLAIMABLE) +
	       node_page_state(NR_SLAB_RECLAIMABLE);
}

/* What ksize(kmalloc(@size)) is under the allocator in force. */
static inline size_t expected_ksize(size_t size)
{
	if (size > KMALLOC_MAX_CACHE_SIZE ||
	    (under_slob() && size >= PAGE_SIZE - ARCH_KMALLOC_MINALIGN))
		return PAGE_SIZE << get_order(size);	/* large kmalloc */
	if (under_slob())			/* SLOB_UNITS(size) * SLOB_UNIT */
		return (size + 1) & ~(size_t)1;
	if (under_slab() && size <= 32)		/* from kmalloc-32 up */
		return 32;
	if (size <= 8)
		return 8;
	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	return (size_t)1 << (64 - __builtin_clzl(size - 1));
}

#endif
