/* A kernel project's own <linux/kernel.h>: the helper macros in the
 * kernel's own forms (ARRAY_SIZE with its array check, min/max, ALIGN,
 * pr_err), which kheap's public headers must neither define nor need. */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H
#include <stdio.h>
#include <linux/types.h>
#include <linux/compiler.h>
#define __must_be_array(a)	0
#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#define min(x, y)	((x) < (y) ? (x) : (y))
#define max(x, y)	((x) > (y) ? (x) : (y))
#define __ALIGN_KERNEL(x, a)	(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN(x, a)	__ALIGN_KERNEL((x), (a))
#define BIT(nr)		(UL(1) << (nr))
#define UL(x)		(x##UL)
#define pr_err(fmt, ...)	printf(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printf(fmt, ##__VA_ARGS__)
#endif
