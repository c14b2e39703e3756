/* SPDX-License-Identifier: MIT */
/*
 * scaling - one workload on 1, 2, 4, 8 and 16 threads.
 *
 *   scaling N [MAXTHREADS]
 *
 * For each thread count T in 1, 2, 4, ... up to MAXTHREADS (default 16),
 * N operations in total are split evenly over T threads.  An operation
 * frees a random one of the thread's 64 live objects and allocates a new one
 * of 16..512 bytes, writing its first and last byte.  Threads share nothing
 * but the allocator.  On an ideal allocator the time falls as 1/T up to the
 * number of cores and stays flat beyond (threads > cores is deliberate: it
 * shows what preemption inside the allocator and per-thread state cost).
 *
 * Prints "RESULT scaling-t<T> <s> s" for each T and "RESULT scaling <s> s"
 * for the sum.
 */
#include "bench.h"

#define LIVE	64

static long per_thread;

static void *worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg;
	unsigned char *live[LIVE];
	unsigned long sum = 0;

	for (int i = 0; i < LIVE; i++)
		live[i] = bench_malloc(16);
	for (long i = 0; i < per_thread; i++) {
		unsigned int k = bench_rand(&seed) % LIVE;
		size_t size = bench_range(&seed, 16, 512);

		sum += live[k][0];
		free(live[k]);
		live[k] = bench_malloc(size);
		live[k][0] = (unsigned char)i;
		live[k][size - 1] = (unsigned char)i;
	}
	for (int i = 0; i < LIVE; i++)
		free(live[i]);
	return (void *)sum;
}

static double run(long n, long nthreads)
{
	pthread_t tids[nthreads];
	double t0 = bench_now();

	per_thread = n / nthreads;
	for (long i = 0; i < nthreads; i++)
		bench_spawn(&tids[i], worker, (void *)(uintptr_t)(i + 1));
	for (long i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	return bench_now() - t0;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 8000000);
	long max = bench_arg(argc, argv, 2, 16);
	double total = 0;
	char name[32];

	for (long t = 1; t <= max; t *= 2) {
		double s = run(n, t);

		snprintf(name, sizeof(name), "scaling-t%ld", t);
		bench_result(name, s, "s");
		total += s;
	}
	bench_result("scaling", total, "s");
	return 0;
}
