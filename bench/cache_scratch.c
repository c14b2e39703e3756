/* SPDX-License-Identifier: MIT */
/*
 * cache-scratch - passive false sharing, in the manner of Hoard's
 * cache-scratch benchmark.
 *
 *   cache_scratch N [THREADS] [OBJSIZE] [WRITES]
 *
 * The main thread allocates one small object (OBJSIZE, default 8 bytes) per
 * thread, one after the other, so they are likely neighbours on one cache
 * line, and hands object i to thread i.  Each thread frees its object at
 * once, then N / THREADS times allocates an object of the same size, writes
 * every byte of it WRITES (default 100) times, and frees it.  An allocator
 * that gives a thread back the object another thread's neighbour came from
 * (a freed object returned to a cache shared with, or owned by, another
 * CPU) makes the threads write the same cache line, and the run slows down
 * by the cost of moving that line between cores on every write.
 * THREADS defaults to the number of CPUs (at least 2).
 *
 * Prints "RESULT cache-scratch <s> s".
 */
#include "bench.h"

static long per_thread, objsize, writes;

static void *scratch(void *arg)
{
	volatile char *own = arg;

	free((void *)own);
	for (long i = 0; i < per_thread; i++) {
		volatile char *p = bench_malloc(objsize);

		for (long w = 0; w < writes; w++)
			for (long b = 0; b < objsize; b++)
				p[b] = (char)(w + b);
		free((void *)p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 400000);
	long nthreads = bench_arg(argc, argv, 2, bench_nproc() < 2 ? 2 : bench_nproc());
	pthread_t *tids = calloc(nthreads, sizeof(*tids));
	void **objs = calloc(nthreads, sizeof(*objs));
	double t0, t;

	objsize = bench_arg(argc, argv, 3, 8);
	writes = bench_arg(argc, argv, 4, 100);
	if (!tids || !objs)
		return 1;
	per_thread = n / nthreads;
	for (long i = 0; i < nthreads; i++)
		objs[i] = bench_malloc(objsize);

	t0 = bench_now();
	for (long i = 0; i < nthreads; i++)
		bench_spawn(&tids[i], scratch, objs[i]);
	for (long i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	t = bench_now() - t0;
	free(tids);
	free(objs);

	bench_result("cache-scratch", t, "s");
	return 0;
}
