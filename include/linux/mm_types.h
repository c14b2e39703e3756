/* SPDX-License-Identifier: MIT */
/*
 * linux/mm_types.h - struct page, 64 bytes, laid out as v6.12's on x86_64.
 *
 * One struct page describes each 4 KiB frame of kheap's "physical memory";
 * they form one array indexed by pfn (the vmemmap).  Its words are reused by
 * whoever owns the frame:
 *
 *   word  buddy / pcp (free)   tail page            slab (struct slab, mm/slab.h)
 *   0     flags                flags (order in      flags
 *                              page[1]'s low byte)
 *   1     lru.next             compound_head|1      slab_cache
 *   2     lru.prev                                  slab_list.next
 *   3     mapping                                   slab_list.prev
 *   4     index                                     freelist  \ one 16-byte
 *   5     private (order)                           counters  / cmpxchg unit
 *   6     page_type | _refcount
 *   7     memcg_data                                obj_exts
 *
 * Differences from the kernel, all private to kheap: a struct page that was
 * never written is all zeroes (struct pages are initialised lazily), so the
 * "no page type" value of page_type is 0 rather than ~0, and the zone of a
 * page is derived from its pfn rather than kept in the flags word.
 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <kheap/types.h>

/*
 * struct list_head (struct page's lru) is the project's when it has one.
 * A kernel-style project keeps it in its own <linux/types.h>, which
 * kheap/types.h includes first, so the project's definition wins in
 * whatever order the project includes its headers and kheap's: the kernel
 * tree's and tools/include's both have one (kheap/types.h tells them
 * apart).  The system's UAPI <linux/types.h>, found when the project has
 * none, has no list_head: kheap defines it then.  A project whose
 * list_head lives elsewhere defines KHEAP_HAVE_LIST_HEAD and includes that
 * header before kheap's.
 */
#if !__KHEAP_PROJECT_TYPES && !defined(KHEAP_HAVE_LIST_HEAD) && \
	!defined(__KHEAP_LIST_HEAD_DEFINED)
#define __KHEAP_LIST_HEAD_DEFINED 1
struct list_head {
	struct list_head *next, *prev;
};
#endif

struct page {
	unsigned long flags;		/* PG_* bits, see enum pageflags */
	union {
		struct {		/* page allocator and page owners */
			union {
				struct list_head lru;
				struct list_head buddy_list;	/* free_area list */
				struct list_head pcp_list;	/* per-CPU list */
			};
			void *mapping;		/* unused by kheap */
			unsigned long index;	/* owner's; pcp: migratetype */
#ifndef __cplusplus
			unsigned long private;	/* buddy: order of the block */
#else
			unsigned long private_;	/* 'private' is a C++ keyword */
#endif
		};
		struct {		/* tail pages of a compound page */
			unsigned long compound_head;	/* head page | 1 */
		};
	};
	union {
		unsigned int page_type;	/* PGTY_* << 24 when typed, 0 if not */
		int _mapcount;
	};
	int _refcount;			/* get_page/put_page; 0 when free */
	unsigned long memcg_data;	/* unused (no memcg) */
};

#ifdef __cplusplus
static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");
#else
_Static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");
#endif

#endif /* _LINUX_MM_TYPES_H */
