/* SPDX-License-Identifier: MIT */
/*
 * lib/fault-inject.h - fault injection (lib/fault-inject.c) and its two
 * users, fail_page_alloc (mm/fail_page_alloc.c) and failslab
 * (mm/failslab.c).  Private to kheap; users drive it through options
 * (`fail_page_alloc=`, `failslab=`, ...) and kheap_fail_nth().
 */
#ifndef _KHEAP_DEBUG_FAULT_INJECT_H
#define _KHEAP_DEBUG_FAULT_INJECT_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/gfp_types.h>
#include "lib/lock.h"

struct fault_attr {
	unsigned long probability;	/* percent, 0 = never */
	unsigned long interval;		/* only every interval-th candidate */
	long times;			/* failures left; -1 = unlimited */
	long space;			/* bytes to let pass before failing */
	unsigned int verbose;		/* 0 quiet, 1 message, 2 + stack */
	unsigned long count;		/* candidates seen (for interval) */
	const char *dname;		/* "fail_page_alloc", "failslab" */
};

#define FAULT_NOWARN	0x1

#define FAULT_ATTR_INITIALIZER(name) {		\
	.interval = 1,				\
	.times = 1,				\
	.verbose = 2,				\
	.dname = name,				\
}

/* Set when any fault attribute or a thread's fail-nth is armed: the one
 * predictable branch the allocation fast paths test. */
extern int fault_inject_armed;

extern kh_lock_t fi_lock;	/* the random generator's state; a leaf */

bool should_fail_ex(struct fault_attr *attr, ssize_t size, int flags);
int setup_fault_attr(struct fault_attr *attr, const char *str);

struct fail_page_alloc_attr {
	struct fault_attr attr;
	bool ignore_gfp_highmem;
	bool ignore_gfp_reclaim;	/* "ignore-gfp-wait" */
	unsigned int min_order;
};
extern struct fail_page_alloc_attr fail_page_alloc;

struct failslab_attr {
	struct fault_attr attr;
	bool ignore_gfp_reclaim;	/* "ignore-gfp-wait" */
	bool cache_filter;		/* only caches with SLAB_FAILSLAB */
};
extern struct failslab_attr failslab;

bool __should_fail_alloc_page(gfp_t gfp_mask, unsigned int order);

/* Cost when nothing is armed: one load and one predictable branch. */
static inline bool should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	if (__builtin_expect(!__atomic_load_n(&fault_inject_armed,
					      __ATOMIC_RELAXED), 1))
		return false;
	return __should_fail_alloc_page(gfp_mask, order);
}

struct kmem_cache;
bool __should_failslab(struct kmem_cache *s, gfp_t gfpflags);

/*
 * should_failslab - fail this slab allocation?  (mm/failslab.c)  Never for
 * the kmem_cache bootstrap cache or __GFP_NOFAIL; not for requests that may
 * reclaim with ignore-gfp-wait; only SLAB_FAILSLAB caches with
 * cache-filter.  Cost when nothing is armed: one load and one predictable
 * branch (the kernel's static key).
 */
static inline bool should_failslab(struct kmem_cache *s, gfp_t gfpflags)
{
	if (__builtin_expect(!__atomic_load_n(&fault_inject_armed,
					      __ATOMIC_RELAXED), 1))
		return false;
	return __should_failslab(s, gfpflags);
}

/* Recompute fault_inject_armed after an attribute changed. */
void fault_inject_update(void);

/* params.c's parsers and printers for the fault_attr options */
int fault_inject_parse_fail_page_alloc(const char *val);
int fault_inject_parse_failslab(const char *val);
int fault_inject_parse_seed(const char *val);
void fault_inject_show_fail_page_alloc(char *buf, size_t len);
void fault_inject_show_failslab(char *buf, size_t len);
void fault_inject_show_seed(char *buf, size_t len);

#endif /* _KHEAP_DEBUG_FAULT_INJECT_H */
