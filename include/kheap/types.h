/* SPDX-License-Identifier: MIT */
/*
 * kheap/types.h - the few kernel base types kheap's <linux/...> headers need.
 *
 * kheap ships only the mm header names of the kernel.  <linux/types.h>,
 * <linux/kernel.h>, <linux/list.h> and <linux/compiler.h> belong to the user's
 * project (or to the system's UAPI headers), so what kheap's headers need from
 * them is defined here, in a way that coexists with them, in any order:
 *
 *  - the project's <linux/types.h> comes first: this header includes it
 *    (or the system's UAPI one, when the project has none), and defines
 *    only what it lacks.  The kernel tree's types.h (guards _LINUX_TYPES_H
 *    and _UAPI_LINUX_TYPES_H) has the same integer types as kheap, which
 *    repeats them identically (C11 allows it) but leaves phys_addr_t to it
 *    (its width is a config option there).  tools/include's types.h
 *    (_TOOLS_LINUX_TYPES_H_, used by the kernel's userspace test suites)
 *    has its own: u64 is uint64_t, gfp_t an enum of a few GFP names, and
 *    no slab_flags_t; kheap takes its types and adds slab_flags_t.  The
 *    system's UAPI types.h (_LINUX_TYPES_H alone) has only __u64 and
 *    friends: kheap defines all of them, as the kernel's (u64 is
 *    unsigned long long);
 *  - no helper macro of the kernel's (likely, ARRAY_SIZE, BIT, container_of,
 *    __malloc, ...) is defined: a project's kernel.h and compiler.h define
 *    them, often differently, and a second definition would clash;
 *  - struct list_head is <linux/mm_types.h>'s business, the one header that
 *    needs it (struct page); see there.
 *
 * kheap's inline functions depend on none of these types' widths (the
 * ABI is the same either way: x86_64, 64-bit u64, 32-bit gfp_t).
 * bool comes from <stdbool.h>; there is no bool typedef here.
 */
#ifndef _KHEAP_TYPES_H
#define _KHEAP_TYPES_H

#include <stddef.h>
#include <stdbool.h>
#if __has_include(<linux/types.h>)
#include <linux/types.h>
#endif

#if defined(_LINUX_TYPES_H) && defined(_UAPI_LINUX_TYPES_H)
#define __KHEAP_PROJECT_TYPES	1	/* the kernel tree's types.h */
#elif defined(_TOOLS_LINUX_TYPES_H_)
#define __KHEAP_PROJECT_TYPES	2	/* tools/include's */
#else
#define __KHEAP_PROJECT_TYPES	0	/* none, or the system's UAPI one */
#endif

#if __KHEAP_PROJECT_TYPES != 2
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef unsigned int gfp_t;
#endif
typedef unsigned int slab_flags_t;
#if __KHEAP_PROJECT_TYPES == 0
typedef unsigned long long phys_addr_t;
#endif

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
