/* SPDX-License-Identifier: MIT */
/*
 * kheap/types.h - the few kernel base types kheap's <linux/...> headers need.
 *
 * kheap ships only the mm header names of the kernel.  <linux/types.h>,
 * <linux/kernel.h>, <linux/list.h> and <linux/compiler.h> belong to the user's
 * project (or to the system's UAPI headers), so what kheap's headers need from
 * them is defined here, in a way that coexists with them:
 *
 *  - integer typedefs are exactly the kernel's (u64 is unsigned long long);
 *    C11 allows an identical typedef to be repeated, so a project that brings
 *    its own definitions compiles with both, in either order;
 *  - no helper macro of the kernel's (likely, ARRAY_SIZE, BIT, container_of,
 *    __malloc, ...) is defined: a project's kernel.h and compiler.h define
 *    them, often differently, and a second definition would clash;
 *  - struct list_head is <linux/mm_types.h>'s business, the one header that
 *    needs it (struct page); see there.
 *
 * bool comes from <stdbool.h>; there is no bool typedef here.
 */
#ifndef _KHEAP_TYPES_H
#define _KHEAP_TYPES_H

#include <stddef.h>
#include <stdbool.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

typedef unsigned int gfp_t;
typedef unsigned int slab_flags_t;
typedef unsigned long long phys_addr_t;

/*
 * Attributes for kheap's declarations, under kheap's own names: a project's
 * <linux/compiler.h> defines __malloc, __alloc_size, __must_check and
 * __printf itself (the kernel's __alloc_size also adds __malloc), so
 * kheap's headers neither define nor use those names.
 */
#define __kh_malloc		__attribute__((__malloc__))
#define __kh_alloc_size(...)	__attribute__((__alloc_size__(__VA_ARGS__)))
#define __kh_must_check		__attribute__((__warn_unused_result__))
#define __kh_printf(a, b)	__attribute__((__format__(printf, a, b)))

/* A compile-time assertion usable in C and C++ (static_assert in C++). */
#ifdef __cplusplus
#define KHEAP_STATIC_ASSERT(cond, msg)	static_assert(cond, msg)
#else
#define KHEAP_STATIC_ASSERT(cond, msg)	_Static_assert(cond, msg)
#endif

/* An empty initialiser that is warning-free in both C and C++. */
#ifdef __cplusplus
#define KHEAP_ZERO_INIT	{}
#else
#define KHEAP_ZERO_INIT	{ 0 }
#endif

#endif /* _KHEAP_TYPES_H */
