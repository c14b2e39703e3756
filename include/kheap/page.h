/* SPDX-License-Identifier: MIT */
/*
 * kheap/page.h - page size and the address-space anchors of kheap's memory
 * model, shared by <linux/mm.h>, <linux/gfp.h> and <linux/vmalloc.h>.
 *
 * As on x86_64 with KASLR, the bases of the direct map (PAGE_OFFSET), of the
 * struct page array (vmemmap) and of the vmalloc range are variables that
 * kheap sets once at initialisation; everything derived from them is
 * arithmetic (see kheap's docs/design.md, "Memory model").
 */
#ifndef _KHEAP_PAGE_H
#define _KHEAP_PAGE_H

#include <kheap/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#ifndef PAGE_ALIGN
#define PAGE_ALIGN(addr)	(((addr) + PAGE_SIZE - 1) & PAGE_MASK)
#endif
#ifndef PAGE_ALIGNED
#define PAGE_ALIGNED(addr)	((((unsigned long)(addr)) & (PAGE_SIZE - 1)) == 0)
#endif

/* Largest buddy order: blocks of 2^10 pages = 4 MiB (v6.12 x86_64). */
#define MAX_PAGE_ORDER		10
#define MAX_ORDER_NR_PAGES	(1 << MAX_PAGE_ORDER)
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define PAGE_ALLOC_COSTLY_ORDER	3

#ifdef __cplusplus
extern "C" {
#endif

/* Set once by kheap's memory map at initialisation, then constant. */
extern unsigned long page_offset_base;	/* start of the direct map */
extern unsigned long vmemmap_base;	/* start of the struct page array */
extern unsigned long vmalloc_base;	/* start of the vmalloc range */
extern unsigned long kheap_vmalloc_size;	/* its size in bytes */
extern unsigned long max_pfn;		/* one past the last pfn of mem= */

#ifdef __cplusplus
}
#endif

#define PAGE_OFFSET	((unsigned long)page_offset_base)

/**
 * get_order - the smallest order whose block holds @size bytes
 * @size: a size in bytes (0 gives BITS_PER_LONG - PAGE_SHIFT, as the kernel's)
 */
static inline int get_order(unsigned long size)
{
	size = (size - 1) >> PAGE_SHIFT;
	return size ? 64 - __builtin_clzl(size) : 0;
}

#endif /* _KHEAP_PAGE_H */
