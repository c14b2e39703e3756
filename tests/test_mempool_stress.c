// SPDX-License-Identifier: MIT
/*
 * test_mempool_stress - 4 threads allocate from and free to one pool while
 * its allocator fails now and then: no element is lost or handed out
 * twice, the reserve never exceeds min_nr, blocking allocations always
 * succeed, and at the end every element is accounted for.  Runs under
 * ThreadSanitizer in `make test`.
 */
#include "internal.h"
#include "check.h"

#include <pthread.h>

#define THREADS	4
#define OPS	20000
#define HOLD	8

static int fail_now;
static long allocs, frees;
static int errors;

static void *s_alloc(gfp_t gfp, void *data)
{
	long *e;

	(void)data;
	(void)gfp;
	if (__atomic_load_n(&fail_now, __ATOMIC_RELAXED))
		return NULL;
	e = kmalloc(sizeof(long), GFP_KERNEL);
	if (e) {
		*e = 0;
		__atomic_fetch_add(&allocs, 1, __ATOMIC_RELAXED);
	}
	return e;
}

static void s_free(void *element, void *data)
{
	(void)data;
	__atomic_fetch_add(&frees, 1, __ATOMIC_RELAXED);
	kfree(element);
}

static mempool_t *pool;

static void *worker(void *arg)
{
	long *held[HOLD] = { 0 };
	unsigned int r = (unsigned int)(long)arg * 2654435761u + 1;

	for (int op = 0; op < OPS; op++) {
		r = r * 1103515245u + 12345u;
		int i = (int)((r >> 16) % HOLD);

		if ((r >> 8) % 64 == 0)
			__atomic_store_n(&fail_now, (int)((r >> 20) & 1), __ATOMIC_RELAXED);
		if (held[i]) {
			/* an element is ours alone while we hold it */
			if (*held[i] != (long)arg + 1)
				__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
			*held[i] = 0;
			mempool_free(held[i], pool);
			held[i] = NULL;
		} else {
			gfp_t gfp = (r >> 12) & 1 ? GFP_KERNEL : GFP_NOWAIT;

			held[i] = mempool_alloc(pool, gfp);
			if (!held[i]) {
				if (gfp & __GFP_DIRECT_RECLAIM)
					__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
				continue;
			}
			if (*held[i] != 0)	/* handed out twice */
				__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
			*held[i] = (long)arg + 1;
		}
		if (__atomic_load_n(&pool->curr_nr, __ATOMIC_RELAXED) > pool->min_nr)
			__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < HOLD; i++)
		if (held[i]) {
			*held[i] = 0;
			mempool_free(held[i], pool);
		}
	return NULL;
}

static void test_four_threads_share_a_pool(void)
{
	pthread_t t[THREADS];

	/* enough reserve for every holder: blocking callers never starve */
	pool = mempool_create(THREADS * HOLD, s_alloc, s_free, NULL);
	CHECK(pool != NULL);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(errors, 0);
	CHECK(pool->curr_nr <= pool->min_nr);
	/* every allocated element is in the reserve or was freed */
	CHECK_EQ(allocs - frees, pool->curr_nr);
	mempool_destroy(pool);
	CHECK_EQ(allocs, frees);
	CHECK_EQ(kheap_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_four_threads_share_a_pool);
	return check_summary();
}
