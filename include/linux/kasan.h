/* SPDX-License-Identifier: MIT */
/*
 * linux/kasan.h - the KASAN calls kernel code makes, as v6.12's
 * include/linux/kasan.h defines them for a kernel built without KASAN:
 * each does nothing and reports success.  kheap is no KASAN kernel; its
 * slab objects are described to AddressSanitizer when kheap
 * itself is built with -fsanitize=address (mm/sanitizer.h).
 */
#ifndef _LINUX_KASAN_H
#define _LINUX_KASAN_H

#include <kheap/types.h>

/* Reporting for the current task: nothing to switch off without KASAN. */
static inline void kasan_enable_current(void) {}
static inline void kasan_disable_current(void) {}

/* The pointer without a tag (tags exist only with KASAN_SW/HW_TAGS). */
static inline void *kasan_reset_tag(const void *addr)
{
	return (void *)addr;
}

/* Whether the byte at @address is accessible: always, without KASAN. */
static inline bool kasan_check_byte(const void *address)
{
	(void)address;
	return true;
}

static inline void kasan_unpoison_range(const void *address, size_t size)
{
	(void)address;
	(void)size;
}

static inline bool kasan_has_integrated_init(void)
{
	return false;
}

#endif /* _LINUX_KASAN_H */
