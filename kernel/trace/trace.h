/* SPDX-License-Identifier: MIT */
/*
 * kernel/trace/trace.h - the allocator's tracepoints (the kernel's
 * include/trace/events/kmem.h) and the recorder behind them (trace.c).
 *
 * Each traced entry point tests kheap_trace_on once (one load, one
 * predictable branch while tracing is off) and, when it is on, takes a
 * noinline cold variant of itself that runs the same code between
 * trace_nest_begin() and trace_nest_end() and records one event:
 *
 *   - API events (kmalloc, kfree, kmem_cache_alloc/free, vmalloc, vfree,
 *     krealloc in place, kmem_cache_create/destroy) are recorded only when
 *     the call is not nested in another traced call, so kheap's own slab
 *     allocations for sheaves or caches never show up as the program's;
 *   - page events (mm_page_alloc, mm_page_free) are recorded at any depth,
 *     with KHEAP_TRACE_NESTED when they happen inside another call (a new
 *     slab, a large kmalloc's block, vmalloc's frames), as a kernel trace
 *     shows them too; replay skips those.
 *
 * Allocations are recorded after they return and frees before they
 * happen, as the kernel's tracepoints are placed, so an address freed
 * and handed out again is ordered right in time.
 */
#ifndef _KHEAP_KERNEL_TRACE_H
#define _KHEAP_KERNEL_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <kheap/trace.h>

struct kmem_cache;
struct page;

extern int kheap_trace_on;		/* a trace is being recorded */
extern __thread int kheap_trace_depth;	/* traced calls this thread is in */

/* One load and a predictable branch: the cost of tracing while it is off. */
static inline bool trace_enabled(void)
{
	return __builtin_expect(__atomic_load_n(&kheap_trace_on,
						__ATOMIC_RELAXED), 0);
}

static inline void trace_nest_begin(void)
{
	kheap_trace_depth++;
}

static inline void trace_nest_end(void)
{
	kheap_trace_depth--;
}

/* The recorders: call them only when trace_enabled(). */
void __trace_kmalloc(unsigned long call_site, const void *ptr,
		     size_t bytes_req, size_t bytes_alloc, unsigned int gfp);
void __trace_kfree(unsigned long call_site, const void *ptr);
void __trace_kmem_cache_alloc(unsigned long call_site, const void *ptr,
			      struct kmem_cache *s, unsigned int gfp);
void __trace_kmem_cache_free(unsigned long call_site, const void *ptr,
			     struct kmem_cache *s);
void __trace_mm_page_alloc(struct page *page, unsigned int order,
			   unsigned int gfp, int migratetype);
void __trace_mm_page_free(struct page *page, unsigned int order);
void __trace_vmalloc(unsigned long call_site, const void *ptr,
		     size_t bytes_req, size_t bytes_alloc, unsigned int gfp);
void __trace_vfree(unsigned long call_site, const void *ptr);
void __trace_krealloc(unsigned long call_site, const void *ptr,
		      size_t bytes_req, size_t bytes_alloc);
void __trace_kmem_cache_create(unsigned long call_site,
			       struct kmem_cache *s);
void __trace_kmem_cache_destroy(unsigned long call_site,
				struct kmem_cache *s);

/* The page events are placed inline where the kernel places them. */
static inline void trace_mm_page_alloc(struct page *page, unsigned int order,
				       unsigned int gfp, int migratetype)
{
	if (trace_enabled())
		__trace_mm_page_alloc(page, order, gfp, migratetype);
}

static inline void trace_mm_page_free(struct page *page, unsigned int order)
{
	if (trace_enabled())
		__trace_mm_page_free(page, order);
}

/* fork: the recorder's locks are the innermost (mm/mm_init.c) */
void trace_fork_prepare(void);
void trace_fork_parent(void);
void trace_fork_child(void);

#endif /* _KHEAP_KERNEL_TRACE_H */
