/* SPDX-License-Identifier: MIT */
/*
 * kheap/extfrag.h - external fragmentation arithmetic of the buddy
 * allocator, as mm/vmstat.c (v6.12) computes it for debugfs's
 * extfrag/unusable_index and extfrag/extfrag_index.
 *
 * The functions work on a zone's free block counts per order (the numbers
 * of /proc/buddyinfo), so a tool can apply them to any snapshot, not only
 * to the live heap: kheap_proc_show("extfrag/unusable_index", out) prints
 * them for the live zones.
 */
#ifndef _KHEAP_EXTFRAG_H
#define _KHEAP_EXTFRAG_H

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's struct contig_page_info (mm/vmstat.c). */
struct kheap_contig_page_info {
	unsigned long free_pages;	/* free base pages in all blocks */
	unsigned long free_blocks_total;	/* free blocks of any order */
	unsigned long free_blocks_suitable;	/* blocks of the requested
						   order that the free blocks
						   of that order and above
						   hold */
};

/**
 * kheap_fill_contig_page_info - fill_contig_page_info() on free block counts
 * @nr_free: free blocks per order, nr_free[0] .. nr_free[nr_orders - 1]
 * @nr_orders: entries in @nr_free (11 for a buddyinfo line)
 * @suitable_order: the order of the request being judged
 * @info: filled in
 */
void kheap_fill_contig_page_info(const unsigned long *nr_free,
				 unsigned int nr_orders,
				 unsigned int suitable_order,
				 struct kheap_contig_page_info *info);

/**
 * kheap_unusable_free_index - the share of free memory that cannot serve a
 * request of 2^@order pages, in thousandths (unusable_free_index())
 *
 * Return: 0 (every free page is in a block large enough) .. 1000 (none is,
 * or there is no free memory at all).
 */
int kheap_unusable_free_index(unsigned int order,
			      const struct kheap_contig_page_info *info);

/**
 * kheap_fragmentation_index - why a request of 2^@order pages would fail,
 * in thousandths (__fragmentation_index())
 *
 * Return: -1000 if a free block is large enough (the request would not
 * fail); else towards 0 when it would fail for lack of memory and towards
 * 1000 when it would fail for fragmentation; 0 with no free blocks or an
 * order above MAX_PAGE_ORDER (10).
 */
int kheap_fragmentation_index(unsigned int order,
			      const struct kheap_contig_page_info *info);

#ifdef __cplusplus
}
#endif

#endif /* _KHEAP_EXTFRAG_H */
