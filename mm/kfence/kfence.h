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
 * slab_alloc_hooks: the one word slab_alloc_node() tests before its fast
 * path; non-zero sends the allocation through slab_alloc_hook().
 */
#define SLAB_HOOK_FAILSLAB	0x1	/* failslab or fail-nth armed */
#define SLAB_HOOK_KFENCE	0x2	/* KFENCE's sample gate is open */
#define SLAB_HOOK_TRACE		0x4	/* a trace is recorded (kernel/trace/):
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
