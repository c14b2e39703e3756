/* SPDX-License-Identifier: MIT */
/*
 * linux/vmalloc.h - virtually contiguous memory (mm/vmalloc.c of Linux
 * v6.12), with the kernel's names, flags and signatures.
 *
 * What userspace changes (kheap's docs/design.md): the bytes at a vmalloc address are
 * fresh private anonymous memory in kheap's vmalloc range; the order-0 frames
 * vmalloc takes from the buddy allocator are accounted (buddyinfo,
 * VmallocUsed, vmalloc_to_page) but not aliased, so
 * page_address(vmalloc_to_page(p)) is NOT p's bytes.  vmap() and
 * vm_map_ram(), which alias existing pages, are deliberately absent.
 */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H

#include <kheap/types.h>
#include <kheap/page.h>

struct page;

/* vm_struct.flags (v6.12 values; bits 20..31 are the arch's) */
#define VM_IOREMAP		0x00000001	/* ioremap() and friends */
#define VM_ALLOC		0x00000002	/* vmalloc() */
#define VM_MAP			0x00000004	/* vmap()ed pages (unused: no vmap) */
#define VM_USERMAP		0x00000008	/* suitable for remap_vmalloc_range */
#define VM_DMA_COHERENT		0x00000010	/* dma_alloc_coherent */
#define VM_UNINITIALIZED	0x00000020	/* vm_struct is not fully initialized */
#define VM_NO_GUARD		0x00000040	/* ***DANGEROUS*** don't add guard page */
#define VM_KASAN		0x00000080	/* has allocated kasan shadow memory */
#define VM_FLUSH_RESET_PERMS	0x00000100	/* reset direct map and flush TLB on unmap */
#define VM_MAP_PUT_PAGES	0x00000200	/* put pages and free array in vfree */
#define VM_ALLOW_HUGE_VMAP	0x00000400	/* allow huge pages (kheap: order 0 anyway) */
#define VM_DEFER_KMEMLEAK	0		/* no KASAN without KASAN_VMALLOC */
#define VM_SPARSE		0x00001000	/* sparse vm_area: not all pages present */

/* The vmalloc range; vmalloc_base and kheap_vmalloc_size are set at init. */
#define VMALLOC_START		((unsigned long)vmalloc_base)
#define VMALLOC_END		(VMALLOC_START + kheap_vmalloc_size)
#define VMALLOC_TOTAL		(VMALLOC_END - VMALLOC_START)

/*
 * Page protections, for __vmalloc_node_range()'s signature.  kheap ignores
 * them: every area is read-write, so PAGE_KERNEL carries no bits here.
 */
#ifndef __KHEAP_PGPROT_DEFINED
#define __KHEAP_PGPROT_DEFINED 1
typedef struct { unsigned long pgprot; } pgprot_t;
#endif
#ifndef __pgprot
#define __pgprot(x)		((pgprot_t) { (x) })
#endif
#ifndef pgprot_val
#define pgprot_val(x)		((x).pgprot)
#endif
#ifndef PAGE_KERNEL
#define PAGE_KERNEL		__pgprot(0)
#endif

#ifndef SHMLBA
#define SHMLBA			PAGE_SIZE	/* x86 */
#endif

/**
 * struct vm_struct - one area of the vmalloc range
 * @next:	unused by kheap (the kernel's early vm_area list)
 * @addr:	first byte of the area
 * @size:	bytes of the area, the guard page included
 * @flags:	VM_* flags
 * @pages:	the nr_pages order-0 frames accounted to the area
 * @page_order:	always 0 in kheap
 * @nr_pages:	number of entries in @pages
 * @phys_addr:	ioremap only; 0
 * @caller:	return address of the allocating call, for vmallocinfo
 */
struct vm_struct {
	struct vm_struct *next;
	void *addr;
	unsigned long size;
	unsigned long flags;
	struct page **pages;
	unsigned int page_order;
	unsigned int nr_pages;
	unsigned long long phys_addr;	/* phys_addr_t, whatever a
					   project's types.h makes it */
	const void *caller;
};

#ifdef __cplusplus
extern "C" {
#endif

void *vmalloc(unsigned long size) __kh_alloc_size(1);
void *vzalloc(unsigned long size) __kh_alloc_size(1);
void *vmalloc_user(unsigned long size) __kh_alloc_size(1);
void *vmalloc_node(unsigned long size, int node) __kh_alloc_size(1);
void *vzalloc_node(unsigned long size, int node) __kh_alloc_size(1);
void *vmalloc_32(unsigned long size) __kh_alloc_size(1);
void *vmalloc_huge(unsigned long size, gfp_t gfp_mask) __kh_alloc_size(1);
void *__vmalloc(unsigned long size, gfp_t gfp_mask) __kh_alloc_size(1);
void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   unsigned long start, unsigned long end,
			   gfp_t gfp_mask, pgprot_t prot,
			   unsigned long vm_flags, int node,
			   const void *caller) __kh_alloc_size(1);
void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask,
		     int node, const void *caller) __kh_alloc_size(1);
void *vmalloc_array(size_t n, size_t size) __kh_alloc_size(1, 2);
void *__vmalloc_array(size_t n, size_t size, gfp_t flags) __kh_alloc_size(1, 2);
void *vcalloc(size_t n, size_t size) __kh_alloc_size(1, 2);
void *vrealloc(const void *p, size_t size, gfp_t flags) __kh_alloc_size(2);

void vfree(const void *addr);
void vfree_atomic(const void *addr);

struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
bool is_vmalloc_addr(const void *x);

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags,
				     const void *caller);
struct vm_struct *find_vm_area(const void *addr);
struct vm_struct *remove_vm_area(const void *addr);
void free_vm_area(struct vm_struct *area);

void vm_unmap_aliases(void);
unsigned long vmalloc_nr_pages(void);

#ifdef __cplusplus
}
#endif

/* The area's usable size: without the guard page. */
static inline unsigned long get_vm_area_size(const struct vm_struct *area)
{
	if (!(area->flags & VM_NO_GUARD))
		return area->size - PAGE_SIZE;
	return area->size;
}

#endif /* _LINUX_VMALLOC_H */
