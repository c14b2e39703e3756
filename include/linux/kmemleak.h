/* SPDX-License-Identifier: MIT */
/*
 * linux/kmemleak.h - tell kheap's leak scan (kheap_kmemleak_scan()) about
 * objects it cannot judge, with the kernel's names.
 */
#ifndef _LINUX_KMEMLEAK_H
#define _LINUX_KMEMLEAK_H

/* Never report @ptr (a slab object) as a leak; it is still scanned. */
void kmemleak_not_leak(const void *ptr);
/* Neither report nor scan @ptr. */
void kmemleak_ignore(const void *ptr);
/* Do not scan @ptr for pointers (it holds stale ones); it may still be
 * reported. */
void kmemleak_no_scan(const void *ptr);
/* @ptr is being freed: forget its marks and that it was reported (kheap's
 * scan keeps both by address; SLAB calls it for its array caches). */
void kmemleak_free(const void *ptr);
/* Report @ptr, if it leaks, with the caller's backtrace rather than its
 * allocator's (an object handed out from a preallocated pool). */
void kmemleak_update_trace(const void *ptr);

#endif /* _LINUX_KMEMLEAK_H */
