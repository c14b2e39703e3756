/* SPDX-License-Identifier: MIT */
/*
 * linux/gfp_types.h - GFP flag bits and composite masks with the values of
 * Linux v6.12 (include/linux/gfp_types.h), for a configuration without
 * KASAN_HW_TAGS and without LOCKDEP, so __GFP_NO_OBJ_EXT is bit 24.
 */
#ifndef _LINUX_GFP_TYPES_H
#define _LINUX_GFP_TYPES_H

#include <kheap/types.h>

enum {
	___GFP_DMA_BIT,
	___GFP_HIGHMEM_BIT,
	___GFP_DMA32_BIT,
	___GFP_MOVABLE_BIT,
	___GFP_RECLAIMABLE_BIT,
	___GFP_HIGH_BIT,
	___GFP_IO_BIT,
	___GFP_FS_BIT,
	___GFP_ZERO_BIT,
	___GFP_UNUSED_BIT,
	___GFP_DIRECT_RECLAIM_BIT,
	___GFP_KSWAPD_RECLAIM_BIT,
	___GFP_WRITE_BIT,
	___GFP_NOWARN_BIT,
	___GFP_RETRY_MAYFAIL_BIT,
	___GFP_NOFAIL_BIT,
	___GFP_NORETRY_BIT,
	___GFP_MEMALLOC_BIT,
	___GFP_COMP_BIT,
	___GFP_NOMEMALLOC_BIT,
	___GFP_HARDWALL_BIT,
	___GFP_THISNODE_BIT,
	___GFP_ACCOUNT_BIT,
	___GFP_ZEROTAGS_BIT,
	___GFP_NO_OBJ_EXT_BIT,
	___GFP_LAST_BIT
};

#define ___GFP_DMA		(1u << ___GFP_DMA_BIT)
#define ___GFP_HIGHMEM		(1u << ___GFP_HIGHMEM_BIT)
#define ___GFP_DMA32		(1u << ___GFP_DMA32_BIT)
#define ___GFP_MOVABLE		(1u << ___GFP_MOVABLE_BIT)
#define ___GFP_RECLAIMABLE	(1u << ___GFP_RECLAIMABLE_BIT)
#define ___GFP_HIGH		(1u << ___GFP_HIGH_BIT)
#define ___GFP_IO		(1u << ___GFP_IO_BIT)
#define ___GFP_FS		(1u << ___GFP_FS_BIT)
#define ___GFP_ZERO		(1u << ___GFP_ZERO_BIT)
#define ___GFP_DIRECT_RECLAIM	(1u << ___GFP_DIRECT_RECLAIM_BIT)
#define ___GFP_KSWAPD_RECLAIM	(1u << ___GFP_KSWAPD_RECLAIM_BIT)
#define ___GFP_WRITE		(1u << ___GFP_WRITE_BIT)
#define ___GFP_NOWARN		(1u << ___GFP_NOWARN_BIT)
#define ___GFP_RETRY_MAYFAIL	(1u << ___GFP_RETRY_MAYFAIL_BIT)
#define ___GFP_NOFAIL		(1u << ___GFP_NOFAIL_BIT)
#define ___GFP_NORETRY		(1u << ___GFP_NORETRY_BIT)
#define ___GFP_MEMALLOC		(1u << ___GFP_MEMALLOC_BIT)
#define ___GFP_COMP		(1u << ___GFP_COMP_BIT)
#define ___GFP_NOMEMALLOC	(1u << ___GFP_NOMEMALLOC_BIT)
#define ___GFP_HARDWALL		(1u << ___GFP_HARDWALL_BIT)
#define ___GFP_THISNODE		(1u << ___GFP_THISNODE_BIT)
#define ___GFP_ACCOUNT		(1u << ___GFP_ACCOUNT_BIT)
#define ___GFP_ZEROTAGS		(1u << ___GFP_ZEROTAGS_BIT)
#define ___GFP_SKIP_ZERO	0u
#define ___GFP_SKIP_KASAN	0u
#define ___GFP_NOLOCKDEP	0u
#define ___GFP_NO_OBJ_EXT	(1u << ___GFP_NO_OBJ_EXT_BIT)

/* Physical address zone modifiers */
#define __GFP_DMA	((gfp_t)___GFP_DMA)
#define __GFP_HIGHMEM	((gfp_t)___GFP_HIGHMEM)
#define __GFP_DMA32	((gfp_t)___GFP_DMA32)
#define __GFP_MOVABLE	((gfp_t)___GFP_MOVABLE)
#define GFP_ZONEMASK	(__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)

/* Page mobility and placement hints */
#define __GFP_RECLAIMABLE ((gfp_t)___GFP_RECLAIMABLE)
#define __GFP_WRITE	((gfp_t)___GFP_WRITE)
#define __GFP_HARDWALL	((gfp_t)___GFP_HARDWALL)
#define __GFP_THISNODE	((gfp_t)___GFP_THISNODE)
#define __GFP_ACCOUNT	((gfp_t)___GFP_ACCOUNT)
#define __GFP_NO_OBJ_EXT ((gfp_t)___GFP_NO_OBJ_EXT)

/* Watermark modifiers */
#define __GFP_HIGH	((gfp_t)___GFP_HIGH)
#define __GFP_MEMALLOC	((gfp_t)___GFP_MEMALLOC)
#define __GFP_NOMEMALLOC ((gfp_t)___GFP_NOMEMALLOC)

/* Reclaim modifiers */
#define __GFP_IO	((gfp_t)___GFP_IO)
#define __GFP_FS	((gfp_t)___GFP_FS)
#define __GFP_DIRECT_RECLAIM	((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM	((gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM	((gfp_t)(___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM))
#define __GFP_RETRY_MAYFAIL	((gfp_t)___GFP_RETRY_MAYFAIL)
#define __GFP_NOFAIL	((gfp_t)___GFP_NOFAIL)
#define __GFP_NORETRY	((gfp_t)___GFP_NORETRY)

/* Action modifiers */
#define __GFP_NOWARN	((gfp_t)___GFP_NOWARN)
#define __GFP_COMP	((gfp_t)___GFP_COMP)
#define __GFP_ZERO	((gfp_t)___GFP_ZERO)
#define __GFP_ZEROTAGS	((gfp_t)___GFP_ZEROTAGS)
#define __GFP_SKIP_ZERO	((gfp_t)___GFP_SKIP_ZERO)
#define __GFP_SKIP_KASAN ((gfp_t)___GFP_SKIP_KASAN)
#define __GFP_NOLOCKDEP	((gfp_t)___GFP_NOLOCKDEP)

#define __GFP_BITS_SHIFT ___GFP_LAST_BIT
#define __GFP_BITS_MASK	((gfp_t)((1u << __GFP_BITS_SHIFT) - 1))

/* Useful GFP flag combinations */
#define GFP_ATOMIC	(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL	(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT	(__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO	(__GFP_RECLAIM)
#define GFP_NOFS	(__GFP_RECLAIM | __GFP_IO)
#define GFP_USER	(__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA		__GFP_DMA
#define GFP_DMA32	__GFP_DMA32
#define GFP_HIGHUSER	(GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN)
#define GFP_TRANSHUGE_LIGHT ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | \
			 __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE	(GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

#endif /* _LINUX_GFP_TYPES_H */
