/* SPDX-License-Identifier: MIT */
/*
 * linux/mm.h - struct page helpers: pfn <-> page <-> address arithmetic,
 * reference counts and compound pages, as v6.12's include/linux/mm.h and
 * page-flags.h provide them.  Every conversion here is O(1) arithmetic on the
 * memory map's bases (kheap/page.h); none of them looks anything up.
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <kheap/page.h>

/* Page flag bits in page->flags, numbered as v6.12's enum pageflags. */
enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_owner_2,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	__NR_PAGEFLAGS,
	/* free page reporting: the block was given back to the OS */
	PG_reported = PG_uptodate,
};

/* Page types (top byte of page->page_type), as v6.12's enum pagetype. */
enum pagetype {
	PGTY_buddy	= 0xf0,
	PGTY_offline	= 0xf1,
	PGTY_table	= 0xf2,
	PGTY_guard	= 0xf3,
	PGTY_hugetlb	= 0xf4,
	PGTY_slab	= 0xf5,
	PGTY_zsmalloc	= 0xf6,
	PGTY_unaccepted	= 0xf7,
};

#define vmemmap		((struct page *)vmemmap_base)

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - vmemmap);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return vmemmap + pfn;
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

#define __va(paddr)	((void *)((unsigned long)(paddr) + PAGE_OFFSET))
#define __pa(vaddr)	((unsigned long)(vaddr) - PAGE_OFFSET)
#define PFN_PHYS(pfn)	((phys_addr_t)(pfn) << PAGE_SHIFT)
#define PHYS_PFN(paddr)	((unsigned long)((paddr) >> PAGE_SHIFT))

static inline void *page_address(const struct page *page)
{
	/* not PFN_PHYS(): a project's phys_addr_t may be 32 bits wide */
	return __va(page_to_pfn(page) << PAGE_SHIFT);
}
#define lowmem_page_address(page)	page_address(page)

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(__pa(addr) >> PAGE_SHIFT);
}

static inline unsigned long virt_to_pfn(const void *addr)
{
	return __pa(addr) >> PAGE_SHIFT;
}

/* True if @addr lies in the direct map (not that its page is allocated). */
static inline bool virt_addr_valid(const void *addr)
{
	return (unsigned long)addr >= PAGE_OFFSET &&
	       __pa(addr) >> PAGE_SHIFT < max_pfn;
}

/* ---- flags and types ---- */

static inline bool kheap_page_flag(const struct page *page, int bit)
{
	return (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> bit) & 1;
}

static inline bool PageTail(const struct page *page)
{
	return __atomic_load_n(&page->compound_head, __ATOMIC_RELAXED) & 1;
}

static inline bool PageHead(const struct page *page)
{
	return kheap_page_flag(page, PG_head);
}

static inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}

static inline bool PageReserved(const struct page *page)
{
	return kheap_page_flag(page, PG_reserved);
}

static inline bool PagePrivate(const struct page *page)
{
	return kheap_page_flag(page, PG_private);
}

static inline bool page_has_type(const struct page *page, enum pagetype t)
{
	return (__atomic_load_n(&page->page_type, __ATOMIC_RELAXED) >> 24) ==
	       (unsigned int)t;
}

static inline bool PageBuddy(const struct page *page)
{
	return page_has_type(page, PGTY_buddy);
}

static inline bool PageSlab(const struct page *page)
{
	return page_has_type(page, PGTY_slab);
}

/* ---- compound pages ---- */

static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = __atomic_load_n(&page->compound_head,
					     __ATOMIC_RELAXED);

	if (head & 1)
		return (struct page *)(head - 1);
	return (struct page *)page;
}

/* The order of a compound page, kept in the first tail page's flags. */
static inline unsigned int compound_order(const struct page *page)
{
	if (!PageHead(page))
		return 0;
	return (unsigned int)(page[1].flags & 0xff);
}

static inline unsigned long compound_nr(const struct page *page)
{
	return 1UL << compound_order(page);
}

static inline unsigned long page_size(const struct page *page)
{
	return PAGE_SIZE << compound_order(page);
}

/* ---- private data ---- */

#ifndef __cplusplus
#define page_private(page)		((page)->private)
#else
#define page_private(page)		((page)->private_)
#endif
static inline void set_page_private(struct page *page, unsigned long data)
{
	page_private(page) = data;
}

/* ---- reference counts ---- */

static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);
}

static inline int page_count(const struct page *page)
{
	return page_ref_count(compound_head(page));
}

static inline void get_page(struct page *page)
{
	__atomic_fetch_add(&compound_head(page)->_refcount, 1,
			   __ATOMIC_RELAXED);
}

/* Drop a reference; true if it was the last (the caller then frees). */
static inline bool put_page_testzero(struct page *page)
{
	return __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) == 0;
}

#ifdef __cplusplus
extern "C" {
#endif

/* Drop a reference; the last one frees the page (the whole compound page). */
void put_page(struct page *page);
void split_page(struct page *page, unsigned int order);
void release_pages(struct page **pages, int nr);

/*
 * init_on_alloc= and init_on_free= (the kernel's static keys of the same
 * names, mm/mm_init.c), fixed at initialisation.  Read them through
 * want_init_on_alloc() and want_init_on_free().
 */
extern bool kheap_init_on_alloc;
extern bool kheap_init_on_free;

/* The total and free page counts of kheap's memory (mem=). */
unsigned long totalram_pages(void);
unsigned long nr_free_pages(void);

#ifdef __cplusplus
}
#endif

/* Must memory allocated with @flags be zeroed?  (init_on_alloc or __GFP_ZERO) */
static inline bool want_init_on_alloc(gfp_t flags)
{
	if (kheap_init_on_alloc)
		return true;
	return !!(flags & __GFP_ZERO);
}

/* Is freed memory zeroed?  (init_on_free) */
static inline bool want_init_on_free(void)
{
	return kheap_init_on_free;
}

#endif /* _LINUX_MM_H */
