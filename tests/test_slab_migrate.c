// SPDX-License-Identifier: MIT
/*
 * test_slab_migrate - threads move between CPUs (sched_setaffinity) while
 * they allocate and free, so their per-CPU slot changes under them between
 * reading (freelist, tid) and committing: the CAS must fail and retry, never
 * hand out an object twice or lose one.  Each object is stamped and checked;
 * afterwards every slab is released and slab_validate() is clean.  Under
 * SLAB the migrations land between a thread's choice of a CPU's array and
 * its lock; under SLOB there is only one lock.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "slab_strategy.h"

#include <sched.h>

#define NTHREADS 4
#define ITERS 4000
#define BATCH 48

static struct kmem_cache *cache;
static int failures, ncpus;

static void move_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	unsigned long *objs[BATCH];

	for (int it = 0; it < ITERS; it++) {
		move_to((int)((id + it) % ncpus));
		for (int i = 0; i < BATCH; i++) {
			objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
			if (!objs[i]) {
				__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
				continue;
			}
			for (int w = 0; w < 8; w++)
				objs[i][w] = (unsigned long)id << 32 | (unsigned long)(it * BATCH + i);
			if (i == BATCH / 2)
				move_to((int)((id + it + 1) % ncpus));
		}
		for (int i = 0; i < BATCH; i++) {
			if (!objs[i])
				continue;
			for (int w = 0; w < 8; w++)
				if (objs[i][w] != ((unsigned long)id << 32 |
						   (unsigned long)(it * BATCH + i)))
					__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
			kmem_cache_free(cache, objs[i]);
		}
	}
	return NULL;
}

static void test_migrating_threads(void)
{
	pthread_t t[NTHREADS];
	struct slabinfo_line li;
	unsigned long pages = slab_pages();
	cpu_set_t all;

	sched_getaffinity(0, sizeof(all), &all);
	ncpus = CPU_COUNT(&all);
	if (ncpus < 2)
		ncpus = 2;	/* setaffinity to a missing CPU just fails */
	cache = kmem_cache_create("migrate64", 64, 0, SLAB_NO_MERGE, NULL);
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(failures, 0);
	CHECK_EQ(slab_validate(), 0);
	CHECK_EQ(kmem_cache_shrink(cache), 0);
	if (under_slob())	/* no slabinfo: the pages are back */
		CHECK(slab_pages() <= pages + 2);
	else
		CHECK(slabinfo_get("migrate64", &li) && li.active_objs == 0);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(cache);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_migrating_threads);
	return check_summary();
}
