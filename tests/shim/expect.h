/* SPDX-License-Identifier: MIT */
/*
 * expect.h - for programs run under the malloc shim: which slab allocator
 * $KHEAP_CMDLINE asks for (slab_allocator=slub|slab|slob), the usable
 * size malloc(n) then gives for a small n (SLUB's kmalloc classes from 8,
 * SLAB's from 32, SLOB's size rounded up to its 2-byte unit), and the
 * words a double free is reported with.
 */
#ifndef KHEAP_TEST_SHIM_EXPECT_H
#define KHEAP_TEST_SHIM_EXPECT_H

#include <stdlib.h>
#include <string.h>

enum { SHIM_SLUB, SHIM_SLAB, SHIM_SLOB };

static inline int shim_allocator(void)
{
	const char *c = getenv("KHEAP_CMDLINE");

	if (c && strstr(c, "slab_allocator=slob"))
		return SHIM_SLOB;
	if (c && strstr(c, "slab_allocator=slab"))
		return SHIM_SLAB;
	return SHIM_SLUB;
}

/* The words of the report of a double free (SLUB's slab_debug style,
 * SLAB's slab_error(), SLOB's refused kfree). */
static inline const char *shim_double_free_report(void)
{
	switch (shim_allocator()) {
	case SHIM_SLAB:
		return "': double free detected\n";
	case SHIM_SLOB:
		return "double free, or not a block SLOB handed out";
	}
	return "): Object already free\n";
}

/* malloc_usable_size(malloc(n)) for 0 < n < 4088 */
static inline size_t shim_usable(size_t n)
{
	size_t p = 8;

	if (shim_allocator() == SHIM_SLOB)
		return (n + 1) & ~(size_t)1;
	if (shim_allocator() == SHIM_SLAB && n <= 32)
		return 32;
	if (n > 64 && n <= 96)
		return 96;
	if (n > 128 && n <= 192)
		return 192;
	while (p < n)
		p *= 2;
	return p;
}

#endif
