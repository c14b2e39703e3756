/* SPDX-License-Identifier: MIT */
/*
 * linux/string.h - the kernel's string helpers that allocate with kmalloc
 * (mm/util.c), beside the C library's <string.h>, which it includes, as the
 * kernel's <linux/string.h> carries the string functions too.
 */
#ifndef _LINUX_STRING_H
#define _LINUX_STRING_H

#include <string.h>
#include <stdarg.h>
#include <kheap/types.h>
#include <linux/gfp_types.h>

#ifdef __cplusplus
extern "C" {
#endif

char *kstrdup(const char *s, gfp_t gfp) __kh_malloc;
const char *kstrdup_const(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t len, gfp_t gfp) __kh_malloc;
void *kmemdup(const void *src, size_t len, gfp_t gfp) __kh_malloc __kh_alloc_size(2);
char *kmemdup_nul(const char *s, size_t len, gfp_t gfp) __kh_malloc;
void kfree_const(const void *x);

/* The kernel declares these in <linux/sprintf.h>; kheap ships mm headers. */
char *kasprintf(gfp_t gfp, const char *fmt, ...) __kh_malloc __kh_printf(2, 3);
char *kvasprintf(gfp_t gfp, const char *fmt, va_list args) __kh_malloc __kh_printf(2, 0);
const char *kvasprintf_const(gfp_t gfp, const char *fmt, va_list args) __kh_printf(2, 0);

#ifndef memzero_explicit
/* Zero @s even if the compiler sees no later use (kfree_sensitive). */
static inline void memzero_explicit(void *s, size_t count)
{
	memset(s, 0, count);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* _LINUX_STRING_H */
