/* SPDX-License-Identifier: MIT */
/*
 * mm/sanitizer.h - tell AddressSanitizer which slab bytes are not the
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

/*
 * Valgrind (CONFIG_KHEAP_VALGRIND: the debug library, or cmake
 * -DKHEAP_VALGRIND=ON): every slab object handed out is announced with
 * VALGRIND_MALLOCLIKE_BLOCK and every free with VALGRIND_FREELIKE_BLOCK,
 * so memcheck tracks kheap objects as it tracks malloc blocks (leaks in
 * --leak-check=full, reads of freed objects); the free pointer word of a
 * free object is then marked defined again for kheap's own freelist code.
 * Same exclusions as ASan.  A client request costs a few instructions
 * when the program does not run under Valgrind, which is why the release
 * libraries leave them out unless asked.
 */
#if defined(CONFIG_KHEAP_VALGRIND) && defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define KHEAP_VALGRIND 1
#endif
#endif
#ifndef KHEAP_VALGRIND
#define KHEAP_VALGRIND 0
#endif

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
#define kheap_vg_cache(s)						\
	(KHEAP_VALGRIND && !((s)->flags & (SLAB_DEBUG_FLAGS |		\
					   SLAB_TYPESAFE_BY_RCU)))

/* Valgrind: @x, an object of @s, is handed out. */
static inline void kheap_vg_alloc(const struct kmem_cache *s, const void *x)
{
#if KHEAP_VALGRIND
	if (kheap_vg_cache(s))
		VALGRIND_MALLOCLIKE_BLOCK(x, s->object_size, 0, 0);
#else
	(void)s, (void)x;
#endif
}

/* Valgrind: @x comes back (call before kheap writes its free pointer). */
static inline void kheap_vg_free(const struct kmem_cache *s, const void *x)
{
#if KHEAP_VALGRIND
	if (kheap_vg_cache(s)) {
		VALGRIND_FREELIKE_BLOCK(x, 0);
		VALGRIND_MAKE_MEM_DEFINED((const char *)x + s->offset,
					  sizeof(void *));
	}
#else
	(void)s, (void)x;
#endif
}

/* Valgrind: a slab's pages go back to the page allocator. */
static inline void kheap_vg_release(const void *p, size_t n)
{
#if KHEAP_VALGRIND
	VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
	(void)p, (void)n;
#endif
}

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
