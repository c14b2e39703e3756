/* SPDX-License-Identifier: MIT */
/*
 * slub_fast.h - SLUB's rseq fast paths (the CPU freelist's and the
 * sheaves') and the object boundary check, as inline functions for slub.c
 * and for the malloc shim, which calls the sheaf ones directly from
 * malloc() and free() (two calls fewer per pair than going through
 * kmalloc()/kfree()).  The sequences are explained in slub.c ("the
 * rseq fast paths", "sheaves"); os/rseq.h has the rseq machinery.  Private
 * to kheap.
 */
#ifndef _KHEAP_SLUB_FAST_H
#define _KHEAP_SLUB_FAST_H

#include "internal.h"
#include "slab_internal.h"
#include "sanitizer.h"
#include "os/rseq.h"

#define RECIP_SHIFT		44	/* exact for offsets < 2^22 (4 MiB) */

enum { RSEQ_DONE, RSEQ_SLOW, RSEQ_DOUBLE_FREE };

#if KHEAP_HAVE_RSEQ
extern bool slub_rseq;			/* rseq fast paths chosen at init */
#else
#define slub_rseq	false
#endif

/*
 * Does @s have sheaves?  Only with the rseq fast paths (init_sheaves()), so
 * one load decides it, and without rseq support the code goes away.
 */
#define cache_has_sheaves(s)	(KHEAP_HAVE_RSEQ && (s)->sheaf_capacity)

/* Reciprocal of s->size for the boundary check (see RECIP_SHIFT). */
static inline unsigned long size_reciprocal(const struct kmem_cache *s)
{
	return s->reciprocal_size;
}

/*
 * sheaf_map_lookup - the cache of @x (any pointer) from the sheaf map
 * (slub.c) when @x is the start of an object of a slab whose cache has
 * sheaves; else NULL, and the caller takes the struct page way (NULL,
 * ZERO_SIZE_PTR, vmalloc and foreign addresses, a missing map all fail
 * the one range compare).  Cost: the range compare, the map entry (eight
 * bytes per page frame: the cache's address and the slab's order), a
 * multiply and two compares; no struct page.  A slab is a buddy block,
 * aligned to its size, and the direct map is section-aligned, so @x's
 * offset in its slab is its offset in the map modulo the slab's size.
 */
static __always_inline struct kmem_cache *__sheaf_map_lookup(const void *x,
							     unsigned long pfns)
{
	unsigned long off = (unsigned long)x - page_offset_base;
	unsigned long bytes, in, e;
	struct kmem_cache *s;

	if (unlikely((off >> PAGE_SHIFT) >= pfns))
		return NULL;
	e = __atomic_load_n(&slab_sheaf_map[off >> PAGE_SHIFT], __ATOMIC_RELAXED);
	if (!e)
		return NULL;
	/* mapped slabs belong to caches with sheaves (until they are gone:
	 * the cache is released only when no slab of it is left) */
	s = (struct kmem_cache *)(e & ~SHEAF_MAP_ORDER_MASK);
	bytes = PAGE_SIZE << (e & SHEAF_MAP_ORDER_MASK);
	in = off & (bytes - 1);
	if (unlikely(in + s->size > bytes ||
		     ((in * s->reciprocal_size) >> RECIP_SHIFT) * s->size != in))
		return NULL;
	return s;
}

static __always_inline struct kmem_cache *sheaf_map_lookup(const void *x)
{
	return __sheaf_map_lookup(x, __atomic_load_n(&slab_sheaf_map_pfns,
						     __ATOMIC_RELAXED));
}

/*
 * stat_this_cpu - count @si for @s on this CPU (CONFIG_SLUB_STATS; nothing
 * otherwise): slub.c's stat() without a CPU slot at hand.
 */
static inline void stat_this_cpu(struct kmem_cache *s, enum stat_item si)
{
#ifdef CONFIG_SLUB_STATS
	__atomic_fetch_add(&s->cpu_slab[os_cpu()].stat[si], 1, __ATOMIC_RELAXED);
#else
	(void)s; (void)si;
#endif
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

/*
 * The double free check (kheap.double_free_check, with hardening): a free
 * object is one whose free pointer slot decodes to NULL or to an object of
 * its slab.  Objects on freelists have their encoded successor there
 * already; a free into a sheaf stores an encoded NULL (the mark); every
 * allocation clears the slot, which then decodes to s->random ^ swab(slot
 * address): garbage.  So a free whose slot decodes validly frees an
 * object that is free already (or one whose owner wrote back a free
 * pointer it read: with the per-cache secret it cannot forge one), and the
 * cold path confirms it exactly and reports.  Debug caches are left to
 * slab_debug's own checks.  Cost: a free loads the slot, a bswap, two xors,
 * a compare and a store; an allocation stores one word.
 */
extern bool slab_double_free_check;	/* chosen at init */
bool slab_free_already_free(struct kmem_cache *s, struct slab *slab,
			    void *x, unsigned long fp);

/*
 * slab_free_mark - @x, an object of @slab of @s (no debug flags), is being
 * freed: false if it is free already (reported; ignore the free), else
 * mark it free and return true.
 */
#ifdef __SANITIZE_ADDRESS__
/* ASan: the slot may be in kmalloc's poisoned tail; read it as it is
 * (unused: not every file that includes this header calls both) */
#define __free_mark_inline	__noinline __attribute__((no_sanitize("address"), unused))
#else
#define __free_mark_inline	__always_inline
#endif
static __free_mark_inline bool slab_free_mark(struct kmem_cache *s,
					      struct slab *slab, void *x)
{
	unsigned long *slot, key, fp;

	if (!slab_double_free_check)
		return true;
	slot = (unsigned long *)((char *)x + s->offset);
	key = freelist_ptr_key(s, (unsigned long)slot);
	fp = *slot ^ key;
	if (unlikely(!fp || (fp ^ (unsigned long)x) < s->slab_span) &&
	    slab_free_already_free(s, slab, x, fp))
		return false;
	*slot = key;			/* an encoded NULL: free */
	return true;
}

/*
 * slab_free_mark_fast - slab_free_mark() without its cold confirmation:
 * false, marking nothing, when the slot looks free already; the caller
 * then takes its slow path, where slab_free_mark() confirms and reports.
 * So the fast path calls nothing and needs no stack frame.
 */
static __free_mark_inline bool slab_free_mark_fast(struct kmem_cache *s, void *x)
{
	unsigned long *slot, key, fp;

	if (unlikely(!slab_double_free_check))	/* on by default */
		return true;
	slot = (unsigned long *)((char *)x + s->offset);
	key = freelist_ptr_key(s, (unsigned long)slot);
	fp = *slot ^ key;
	if (unlikely(!fp || (fp ^ (unsigned long)x) < s->slab_span))
		return false;
	*slot = key;			/* an encoded NULL: free */
	return true;
}

/* @x (no debug flags) is handed out: clear its free mark. */
static __always_inline void slab_alloc_unmark(struct kmem_cache *s, void *x)
{
	if (slab_double_free_check)
		*(unsigned long *)((char *)x + s->offset) = 0;
}

#if KHEAP_HAVE_RSEQ
/*
 * The start every sequence shares: %[c] = this CPU's struct
 * kmem_cache_cpu less KMEM_CACHE_CPU_OFFSET (the fields' displacements
 * add it back), or to the slow path if the CPU id has no slot (rseq not
 * registered for this thread: -1) or the CPU is claimed (tid odd).  Its
 * operands are SLUB_RSEQ_CPU_INPUTS.  The CPU array sits right after
 * struct kmem_cache in the same object (do_kmem_cache_create()), so the
 * address is computed from @s, not loaded from s->cpu_slab: one load
 * fewer on the chain size -> cache -> CPU -> sheaf -> object.
 */
#define SLUB_RSEQ_THIS_CPU						\
	KH_RSEQ_LOAD_CPU(rs, c)						\
	"cmpl %[ncpu], %k[c]\n\t"					\
	"jae %l[slow]\n\t"						\
	"imulq $%c[sz], %[c], %[c]\n\t"					\
	"addq %[base], %[c]\n\t"					\
	"testb $1, %c[tid](%[c])\n\t"					\
	"jnz %l[slow]\n\t"

#define SLUB_CPU_FIELD(f)	(KMEM_CACHE_CPU_OFFSET +			\
				 offsetof(struct kmem_cache_cpu, f))

#define SLUB_RSEQ_CPU_INPUTS(s)						\
	[rs] "r"(os_rseq_offset), [ncpu] "m"(slab_nr_cpus),		\
	[base] "r"(s),							\
	[sz] "i"(sizeof(struct kmem_cache_cpu)),			\
	[tid] "i"(SLUB_CPU_FIELD(tid)),					\
	[fl] "i"(SLUB_CPU_FIELD(freelist)),				\
	[sl] "i"(SLUB_CPU_FIELD(slab)),					\
	[main] "i"(SLUB_CPU_FIELD(main)),				\
	[msize] "i"(SLUB_CPU_FIELD(main_size)),				\
	[cap] "i"(offsetof(struct slab_sheaf, capacity)),		\
	[objs] "i"(offsetof(struct slab_sheaf, objects))

/*
 * Pop this CPU's freelist; NULL: empty, claimed, no CPU slot, or (with
 * slab_freelist_hardened) a successor that decodes outside the object's
 * slab span: the slow path then reports it (freelist_next() in slub.c).
 * Hardened, the decode is lea, a load, bswap and two xors, the check a
 * test, xor, compare and branch: the successor is never installed unless
 * it passed.  The object is the caller's only after the commit.
 */
static __always_inline void *rseq_cpu_pop(struct kmem_cache *s)
{
	unsigned long c, key;
	void *object, *next;

	if (slab_freelist_hardened)
		goto hardened;
retry:
	asm volatile goto(KH_RSEQ_ENTER(rs, c)
		 SLUB_RSEQ_THIS_CPU
		 "movq %c[fl](%[c]), %[obj]\n\t"
		 "testq %[obj], %[obj]\n\t"
		 "jz %l[slow]\n\t"
		 "movq (%[obj], %[off]), %[next]\n\t"
		 "movq %[next], %c[fl](%[c])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(abort)
		 : [c] "=&r"(c), [obj] "=&r"(object), [next] "=&r"(next)
		 : SLUB_RSEQ_CPU_INPUTS(s),
		   [off] "r"((unsigned long)s->offset)
		 : "memory", "cc"
		 : slow, abort);
	return object;
abort:
	goto retry;
hardened:
	asm volatile goto(KH_RSEQ_ENTER(rs, c)
		 SLUB_RSEQ_THIS_CPU
		 "movq %c[fl](%[c]), %[obj]\n\t"
		 "testq %[obj], %[obj]\n\t"
		 "jz %l[slow]\n\t"
		 "leaq (%[obj], %[off]), %[key]\n\t"
		 "movq (%[key]), %[next]\n\t"
		 "bswapq %[key]\n\t"
		 "xorq %[rnd], %[key]\n\t"
		 "xorq %[key], %[next]\n\t"
		 "jz 5f\n\t"
		 "movq %[next], %[key]\n\t"
		 "xorq %[obj], %[key]\n\t"
		 "cmpq %[span], %[key]\n\t"
		 "jae %l[slow]\n"
		 "5:\n\t"
		 "movq %[next], %c[fl](%[c])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(habort)
		 : [c] "=&r"(c), [obj] "=&r"(object), [next] "=&r"(next),
		   [key] "=&r"(key)
		 : SLUB_RSEQ_CPU_INPUTS(s),
		   [off] "r"((unsigned long)s->offset),
		   [rnd] "m"(s->random), [span] "m"(s->slab_span)
		 : "memory", "cc"
		 : slow, habort);
	return object;
habort:
	goto hardened;
slow:
	return NULL;
}

/*
 * Push @head..@tail onto this CPU's freelist if @slab is this CPU's slab;
 * RSEQ_DOUBLE_FREE if @tail is already the list's head (the kernel's naive
 * check in set_freepointer()).  Hardened, @tail's free pointer is stored
 * encoded: XORed with freelist_ptr_key(), computed before the sequence.
 */
static __always_inline int rseq_cpu_push(struct kmem_cache *s,
					 struct slab *slab, void *head,
					 void *tail)
{
	unsigned long c, key = 0;
	void *old;

	if (slab_freelist_hardened)
		key = freelist_ptr_key(s, (unsigned long)tail + s->offset);
retry:
	asm volatile goto(KH_RSEQ_ENTER(rs, c)
		 SLUB_RSEQ_THIS_CPU
		 "cmpq %[slab], %c[sl](%[c])\n\t"
		 "jne %l[slow]\n\t"
		 "movq %c[fl](%[c]), %[old]\n\t"
		 "cmpq %[old], %[tail]\n\t"
		 "je %l[dbl]\n\t"
		 "xorq %[key], %[old]\n\t"
		 "movq %[old], (%[tail], %[off])\n\t"
		 "movq %[head], %c[fl](%[c])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(abort)
		 : [c] "=&r"(c), [old] "=&r"(old)
		 : SLUB_RSEQ_CPU_INPUTS(s),
		   [off] "r"((unsigned long)s->offset),
		   [slab] "r"(slab), [head] "r"(head), [tail] "r"(tail),
		   [key] "r"(key)
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

/*
 * Pop this CPU's main sheaf; NULL: empty, none yet, claimed or no CPU
 * slot.  The count is c->main_size, beside c->main: no main sheaf reads
 * as empty, and the object's load waits for one line of the CPU slot only.
 */
static __always_inline void *rseq_sheaf_pop(struct kmem_cache *s)
{
	unsigned long c, n;
	void *sheaf, *object;

retry:
	asm volatile goto(KH_RSEQ_ENTER(rs, c)
		 SLUB_RSEQ_THIS_CPU
		 "movl %c[msize](%[c]), %k[n]\n\t"
		 "movq %c[main](%[c]), %[sh]\n\t"
		 "subl $1, %k[n]\n\t"
		 "jb %l[slow]\n\t"
		 "movq %c[objs](%[sh], %[n], 8), %[obj]\n\t"
		 "movl %k[n], %c[msize](%[c])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(abort)
		 : [c] "=&r"(c), [n] "=&r"(n), [sh] "=&r"(sheaf),
		   [obj] "=&r"(object)
		 : SLUB_RSEQ_CPU_INPUTS(s)
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
 * made yet, or claimed), RSEQ_DOUBLE_FREE when @x is already its top
 * object (the naive check SLUB makes on the freelist head, kept here).
 */
static __always_inline int rseq_sheaf_push(struct kmem_cache *s, void *x)
{
	unsigned long c, n;
	void *sheaf;

retry:
	asm volatile goto(KH_RSEQ_ENTER(rs, c)
		 SLUB_RSEQ_THIS_CPU
		 "movq %c[main](%[c]), %[sh]\n\t"
		 "testq %[sh], %[sh]\n\t"
		 "jz %l[slow]\n\t"
		 "movl %c[msize](%[c]), %k[n]\n\t"
		 "cmpl %c[cap](%[sh]), %k[n]\n\t"
		 "jae %l[slow]\n\t"
		 "cmpq %[x], %c[objs]-8(%[sh], %[n], 8)\n\t"
		 "je %l[dbl]\n\t"
		 "movq %[x], %c[objs](%[sh], %[n], 8)\n\t"
		 "addl $1, %k[n]\n\t"
		 "movl %k[n], %c[msize](%[c])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(abort)
		 : [c] "=&r"(c), [n] "=&r"(n), [sh] "=&r"(sheaf)
		 : SLUB_RSEQ_CPU_INPUTS(s), [x] "r"(x)
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
static inline void *rseq_cpu_pop(struct kmem_cache *s)
{
	(void)s;
	return NULL;
}
static inline int rseq_cpu_push(struct kmem_cache *s, struct slab *slab,
				void *head, void *tail)
{
	(void)s; (void)slab; (void)head; (void)tail;
	return RSEQ_SLOW;
}
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

/*
 * sheaf_map_free - free @x (any pointer) through the sheaf map onto this
 * CPU's sheaf: true when done (pushed, handed to the sheaf slow path when
 * the sheaf is full, or the naive double free reported); false when the
 * map does not know @x or its slot looks free already - the caller then
 * takes the struct page way, which confirms and reports.  With @want, @x must be an object of that cache
 * (kmem_cache_free()), else false too.  Cost on a hit: sheaf_map_lookup(),
 * the free mark, the rseq push (plus the ASan, Valgrind and statistics
 * hooks where compiled in); no call, no struct page.  kfree(),
 * kmem_cache_free() and the malloc shim's free() use it.
 */
static __always_inline bool __sheaf_map_free(void *x, struct kmem_cache *want,
					      unsigned long pfns)
{
	struct kmem_cache *s;

	if (!(s = __sheaf_map_lookup(x, pfns)) ||
	    (want && s != want) || unlikely(!slab_free_mark_fast(s, x)))
		return false;
	kheap_asan_poison_object(s, x);
	kheap_vg_free(s, x);
	switch (rseq_sheaf_push(s, x)) {
	case RSEQ_DONE:
		stat_this_cpu(s, FREE_FASTPATH);
		break;
	case RSEQ_DOUBLE_FREE:
		slab_report_double_free(s, x);
		break;
	default:
		sheaf_free_slow(s, x);
	}
	return true;
}

static __always_inline bool sheaf_map_free(void *x, struct kmem_cache *want)
{
	return __sheaf_map_free(x, want, __atomic_load_n(&slab_sheaf_map_pfns,
							 __ATOMIC_RELAXED));
}

/*
 * sheaf_map_free_traced - sheaf_map_free() for a traced free that has
 * recorded its event already: the map whether a trace paused it or not
 * (slab_sheaf_map_pause()), so a traced free costs the event and the
 * sheaf push, not the struct page way.
 */
static __always_inline bool sheaf_map_free_traced(void *x,
						  struct kmem_cache *want)
{
	return __sheaf_map_free(x, want, slab_sheaf_map_size);
}

#endif /* _KHEAP_SLUB_FAST_H */
