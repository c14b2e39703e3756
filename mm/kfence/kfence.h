/* SPDX-License-Identifier: MIT */
/*
 * mm/kfence/kfence.h - KFENCE (mm/kfence/core.c): the sampling guard-page pool.
 * Everything here is inert while kfence.sample_interval=0 (the default).
 */
#ifndef _KHEAP_DEBUG_KFENCE_H
#define _KHEAP_DEBUG_KFENCE_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/lock.h"

struct kmem_cache;

/* options */
extern unsigned int kfence_sample_interval;	/* ms; 0 = off */
extern unsigned int kfence_num_objects;		/* pool slots (255) */
extern bool kfence_deferrable;

/*
 * slab_alloc_hooks: the one word slab_alloc_node() loads before its fast
 * path; a SLAB_HOOKS_BEFORE_ALLOC bit sends the allocation through
 * slab_alloc_hook().  The INIT bits, set once at initialisation
 * (mm_init.c), are what the allocation's end (with __GFP_ZERO, in the same
 * test) and the free path test for init_on_alloc/init_on_free.  The
 * TRACE bit is not a hook of slab_alloc_node(): the shim tests the whole
 * word to leave its inline sheaf pop for the traced entry points.
 */
#define SLAB_HOOK_FAILSLAB	0x1	/* failslab or fail-nth armed */
#define SLAB_HOOK_KFENCE	0x2	/* KFENCE's sample gate is open */
#define SLAB_HOOK_INIT_ALLOC	0x4	/* zero (or wipe the free pointer of)
					   new objects: init_on_alloc/free */
#define SLAB_HOOK_INIT_FREE	0x8	/* zero freed objects: init_on_free */
#define SLAB_HOOKS_BEFORE_ALLOC	(SLAB_HOOK_FAILSLAB | SLAB_HOOK_KFENCE)
#define SLAB_HOOK_TRACE		0x10	/* a trace is recorded (kernel/trace/):
					   the shim leaves its inline fast path
					   for the traced entry points */
extern int slab_alloc_hooks;
extern kh_lock_t kfence_lock;		/* the pool's free list; a leaf */

bool is_kfence_address(const void *addr);
void *__kfence_alloc(struct kmem_cache *s, size_t size, gfp_t flags);
bool __kfence_free(void *addr);		/* true: it was a KFENCE object */
size_t kfence_ksize(const void *addr);
void kfence_shutdown_cache(struct kmem_cache *s);
struct kmem_cache *kfence_cache(const void *addr);
void kfence_stats(unsigned long *allocs, unsigned long *freed,
		  unsigned long *nbugs);

extern const struct kheap_layer kfence_layer;

#endif /* _KHEAP_DEBUG_KFENCE_H */
