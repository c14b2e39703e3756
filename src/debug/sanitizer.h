/* SPDX-License-Identifier: MIT */
/*
 * debug/sanitizer.h - tell AddressSanitizer which slab bytes are not the
 * caller's (the kernel's KASAN hooks, done with ASan's manual poisoning
 * interface).  Compiled in only when kheap itself is built with
 * -fsanitize=address; empty inline stubs otherwise.
 *
 * Poisoned: a free object's bytes (all but its free pointer word, which
 * kheap's own freelist code reads), the slack between objects (red zones,
 * metadata, alignment), and for kmalloc the bytes between the request and
 * the size class.  ASan then reports a kheap-level use-after-free or
 * overflow as "use-after-poison".  Not poisoned: caches with debug flags
 * (slub_debug checks them its own way) and SLAB_TYPESAFE_BY_RCU caches
 * (their readers may look at freed objects by design).  A slab's pages are
 * unpoisoned before they go back to the page allocator.
 */
#ifndef _KHEAP_DEBUG_SANITIZER_H
#define _KHEAP_DEBUG_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define KHEAP_ASAN 1
#else
#define KHEAP_ASAN 0
#endif

static inline void kheap_asan_poison(const void *p, size_t n)
{
#if KHEAP_ASAN
	ASAN_POISON_MEMORY_REGION(p, n);
#else
	(void)p, (void)n;
#endif
}

static inline void kheap_asan_unpoison(const void *p, size_t n)
{
#if KHEAP_ASAN
	ASAN_UNPOISON_MEMORY_REGION(p, n);
#else
	(void)p, (void)n;
#endif
}

/* Does @s take part?  (One test, compiled out without ASan.) */
#define kheap_asan_cache(s)						\
	(KHEAP_ASAN && !((s)->flags & (SLAB_DEBUG_FLAGS |		\
				       SLAB_TYPESAFE_BY_RCU)))

/* @x (an object of @s) is free from now on: poison all but its free pointer. */
static inline void kheap_asan_poison_object(const struct kmem_cache *s,
					    const void *x)
{
	if (!kheap_asan_cache(s))
		return;
	kheap_asan_poison(x, s->object_size);
	kheap_asan_unpoison((const char *)x + s->offset, sizeof(void *));
}

/* A new slab: every slot poisoned but the free pointer words. */
static inline void kheap_asan_poison_slab(const struct kmem_cache *s,
					  void *start, unsigned int objects)
{
	if (!kheap_asan_cache(s))
		return;
	kheap_asan_poison(start, (size_t)objects * s->size);
	for (unsigned int i = 0; i < objects; i++)
		kheap_asan_unpoison((char *)start + (size_t)i * s->size +
				    s->offset, sizeof(void *));
}

#endif /* _KHEAP_DEBUG_SANITIZER_H */
