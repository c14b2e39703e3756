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
 *    its own definitions compiles with both;
 *  - struct list_head is defined only if no kernel-style <linux/types.h> has
 *    been seen (see below) and no one else defined it;
 *  - helper macros (likely, unlikely, ARRAY_SIZE, ...) are under #ifndef.
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
 * struct list_head comes from the project's own <linux/types.h> when it has
 * one: the kernel's (which also defines _UAPI_LINUX_TYPES_H) or a copy of
 * tools/include's.  The system's UAPI <linux/types.h> uses the same
 * _LINUX_TYPES_H guard but has no list_head, so that guard alone proves
 * nothing.  A project whose own header defines list_head must include it
 * before kheap's headers, or define KHEAP_HAVE_LIST_HEAD.
 */
#if !(defined(_LINUX_TYPES_H) && defined(_UAPI_LINUX_TYPES_H)) && \
	!defined(_TOOLS_LINUX_TYPES_H) && \
	!defined(KHEAP_HAVE_LIST_HEAD) && !defined(__KHEAP_LIST_HEAD_DEFINED)
#define __KHEAP_LIST_HEAD_DEFINED 1
struct list_head {
	struct list_head *next, *prev;
};
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __must_check
#define __must_check	__attribute__((__warn_unused_result__))
#endif
#ifndef __malloc
#define __malloc	__attribute__((__malloc__))
#endif
#ifndef __alloc_size
#define __alloc_size(...) __attribute__((__alloc_size__(__VA_ARGS__)))
#endif
#ifndef __printf
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#endif
#ifndef BIT
#define BIT(nr)		(1UL << (nr))
#endif

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
