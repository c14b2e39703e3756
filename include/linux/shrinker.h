/* SPDX-License-Identifier: MIT */
/*
 * linux/shrinker.h - caches that can give memory back under pressure, with
 * v6.12's dynamically allocated shrinker API (mm/shrinker.c):
 * shrinker_alloc() / shrinker_register() / shrinker_free().
 *
 * kheap's direct reclaim (see mm/vmscan.c) calls count_objects and then
 * scan_objects in batches of shrinker->batch (SHRINK_BATCH when 0) when an
 * allocation with __GFP_DIRECT_RECLAIM finds memory short.
 */
#ifndef _LINUX_SHRINKER_H
#define _LINUX_SHRINKER_H

#include <kheap/types.h>
#include <linux/gfp_types.h>

struct shrink_control {
	gfp_t gfp_mask;
	int nid;			/* always 0: one node */
	unsigned long nr_to_scan;	/* objects to scan in this call */
	unsigned long nr_scanned;	/* set by scan_objects if it differs */
	void *memcg;			/* always NULL: no memcg */
};

#define SHRINK_STOP	(~0UL)
#define SHRINK_EMPTY	(~0UL - 1)

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *,
				       struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *,
				      struct shrink_control *sc);
	long batch;		/* objects per scan_objects call; 0 = default */
	int seeks;		/* cost to recreate an object */
	unsigned flags;
	int id;
	void *private_data;
	/* kheap's own */
	const char *name;
	struct shrinker *__next;
	char __name[32];
	long nr_deferred;
	bool registered;
};

#define DEFAULT_SEEKS	2
#define SHRINK_BATCH	128

/* shrinker->flags */
#define SHRINKER_REGISTERED	(1 << 0)
#define SHRINKER_ALLOCATED	(1 << 1)
#define SHRINKER_NUMA_AWARE	(1 << 2)
#define SHRINKER_MEMCG_AWARE	(1 << 3)
#define SHRINKER_NONSLAB	(1 << 4)

#ifdef __cplusplus
extern "C" {
#endif

struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
	__kh_printf(2, 3);
void shrinker_register(struct shrinker *shrinker);
void shrinker_free(struct shrinker *shrinker);

#ifdef __cplusplus
}
#endif

#endif /* _LINUX_SHRINKER_H */
