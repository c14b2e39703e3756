/* SPDX-License-Identifier: MIT */
/*
 * slub_fast.h - SLUB's sheaf fast paths and the object boundary check, as
 * inline functions for slub.c and for the malloc shim, which calls them
 * directly from malloc() and free() (two calls fewer per pair than going
 * through kmalloc()/kfree()).  The sequences are explained in slub.c ("the
 * rseq fast paths", "sheaves"); os/rseq.h has the rseq machinery.  Private
 * to kheap.
 */
#ifndef _KHEAP_SLUB_FAST_H
#define _KHEAP_SLUB_FAST_H

#include "internal.h"
#include "slab.h"
#include "os/rseq.h"

#define RECIP_SHIFT		44	/* exact for offsets < 2^22 (4 MiB) */

enum { RSEQ_DONE, RSEQ_SLOW, RSEQ_DOUBLE_FREE };

#if KHEAP_HAVE_RSEQ
extern bool slub_rseq;			/* rseq fast paths chosen at init */
#else
#define slub_rseq	false
#endif

/* Reciprocal of s->size for the boundary check (see RECIP_SHIFT). */
static inline unsigned long size_reciprocal(const struct kmem_cache *s)
{
	return s->reciprocal_size;
}

/* True if @x is the start of an object of @slab (a cheap division). */
static __always_inline bool object_start_ok(struct kmem_cache *s,
					    struct slab *slab, const void *x)
{
	unsigned long off = (unsigned long)((const char *)x -
					    (const char *)slab_address(slab)) -
			    s->red_left_pad;

	return likely(off < (size_t)slab->objects * s->size &&
		      ((off * size_reciprocal(s)) >> RECIP_SHIFT) * s->size == off);
}

#if KHEAP_HAVE_RSEQ
/* Pop this CPU's main sheaf; NULL: empty, none yet, claimed or no CPU slot. */
static __always_inline void *rseq_sheaf_pop(struct kmem_cache *s)
{
	unsigned long c, n;
	void *sheaf, *object;

retry:
	asm volatile goto(KH_RSEQ_ENTER(rs, c)
		 KH_RSEQ_LOAD_CPU(rs, c)
		 "cmpl %[ncpu], %k[c]\n\t"
		 "jae %l[slow]\n\t"
		 "imulq $%c[sz], %[c], %[c]\n\t"
		 "addq %[base], %[c]\n\t"
		 "testb $1, %c[tid](%[c])\n\t"
		 "jnz %l[slow]\n\t"
		 "movq %c[main](%[c]), %[sh]\n\t"
		 "testq %[sh], %[sh]\n\t"
		 "jz %l[slow]\n\t"
		 "movl %c[size](%[sh]), %k[n]\n\t"
		 "subl $1, %k[n]\n\t"
		 "jb %l[slow]\n\t"
		 "movq %c[objs](%[sh], %[n], 8), %[obj]\n\t"
		 "movl %k[n], %c[size](%[sh])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(abort)
		 : [c] "=&r"(c), [n] "=&r"(n), [sh] "=&r"(sheaf),
		   [obj] "=&r"(object)
		 : [rs] "r"(os_rseq_offset), [ncpu] "m"(slab_nr_cpus),
		   [base] "r"(s->cpu_slab),
		   [sz] "i"(sizeof(struct kmem_cache_cpu)),
		   [tid] "i"(offsetof(struct kmem_cache_cpu, tid)),
		   [main] "i"(offsetof(struct kmem_cache_cpu, main)),
		   [size] "i"(offsetof(struct slab_sheaf, size)),
		   [objs] "i"(offsetof(struct slab_sheaf, objects))
		 : "memory", "cc"
		 : slow, abort);
	return object;
abort:
	goto retry;
slow:
	return NULL;
}

/*
 * Push @x onto this CPU's main sheaf; RSEQ_SLOW when it is full (or not
 * made yet, or claimed), RSEQ_DOUBLE_FREE when @x is already its top object (the naive
 * check SLUB makes on the freelist head, kept here).
 */
static __always_inline int rseq_sheaf_push(struct kmem_cache *s, void *x)
{
	unsigned long c, n;
	void *sheaf;

retry:
	asm volatile goto(KH_RSEQ_ENTER(rs, c)
		 KH_RSEQ_LOAD_CPU(rs, c)
		 "cmpl %[ncpu], %k[c]\n\t"
		 "jae %l[slow]\n\t"
		 "imulq $%c[sz], %[c], %[c]\n\t"
		 "addq %[base], %[c]\n\t"
		 "testb $1, %c[tid](%[c])\n\t"
		 "jnz %l[slow]\n\t"
		 "movq %c[main](%[c]), %[sh]\n\t"
		 "testq %[sh], %[sh]\n\t"
		 "jz %l[slow]\n\t"
		 "movl %c[size](%[sh]), %k[n]\n\t"
		 "cmpl %c[cap](%[sh]), %k[n]\n\t"
		 "jae %l[slow]\n\t"
		 "cmpq %[x], %c[objs]-8(%[sh], %[n], 8)\n\t"
		 "je %l[dbl]\n\t"
		 "movq %[x], %c[objs](%[sh], %[n], 8)\n\t"
		 "addl $1, %k[n]\n\t"
		 "movl %k[n], %c[size](%[sh])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(abort)
		 : [c] "=&r"(c), [n] "=&r"(n), [sh] "=&r"(sheaf)
		 : [rs] "r"(os_rseq_offset), [ncpu] "m"(slab_nr_cpus),
		   [base] "r"(s->cpu_slab), [x] "r"(x),
		   [sz] "i"(sizeof(struct kmem_cache_cpu)),
		   [tid] "i"(offsetof(struct kmem_cache_cpu, tid)),
		   [main] "i"(offsetof(struct kmem_cache_cpu, main)),
		   [size] "i"(offsetof(struct slab_sheaf, size)),
		   [cap] "i"(offsetof(struct slab_sheaf, capacity)),
		   [objs] "i"(offsetof(struct slab_sheaf, objects))
		 : "memory", "cc"
		 : slow, dbl, abort);
	return RSEQ_DONE;
abort:
	goto retry;
slow:
	return RSEQ_SLOW;
dbl:
	return RSEQ_DOUBLE_FREE;
}
#else
static inline void *rseq_sheaf_pop(struct kmem_cache *s)
{
	(void)s;
	return NULL;
}
static inline int rseq_sheaf_push(struct kmem_cache *s, void *x)
{
	(void)s; (void)x;
	return RSEQ_SLOW;
}
#endif

#endif /* _KHEAP_SLUB_FAST_H */
