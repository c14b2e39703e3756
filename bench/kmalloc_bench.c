// SPDX-License-Identifier: MIT
/*
 * kmalloc_bench [N] - ns per kmalloc+kfree pair for 16, 64, 256, 1024 and
 * 4096 bytes (single pairs, and batches of 64), beside glibc's malloc+free
 * of the same sizes in the same run.  Prints
 * "RESULT <size>-<single|batch64>:<kmalloc|malloc> <ns> ns" for bench/run.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <linux/slab.h>
#include <kheap/kheap.h>

static double now(void)
{
	struct timespec ts;

	/* this thread's CPU time: on a shared machine, wall time would also
	 * count the time other processes held the CPU (single-threaded) */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *volatile sink;

static double bench_kmalloc(size_t size, unsigned long n, int batch)
{
	void *p[64];
	double t0 = now();

	for (unsigned long i = 0; i < n; i += (unsigned long)batch) {
		for (int j = 0; j < batch; j++)
			p[j] = kmalloc(size, GFP_KERNEL);
		sink = p[0];
		for (int j = 0; j < batch; j++)
			kfree(p[j]);
	}
	return (now() - t0) / (double)n * 1e9;
}

static double bench_malloc(size_t size, unsigned long n, int batch)
{
	void *p[64];
	double t0 = now();

	for (unsigned long i = 0; i < n; i += (unsigned long)batch) {
		for (int j = 0; j < batch; j++)
			p[j] = malloc(size);
		sink = p[0];
		for (int j = 0; j < batch; j++)
			free(p[j]);
	}
	return (now() - t0) / (double)n * 1e9;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 16, 64, 256, 1024, 4096 };
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;

	if (kheap_init("mem=1G") < 0)
		return 1;
	n = (n + 63) & ~63UL;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int b = 0; b < 2; b++) {
			int batch = b ? 64 : 1;
			const char *mode = b ? "batch64" : "single";

			bench_kmalloc(sizes[i], n / 8, batch);	/* warm up */
			bench_malloc(sizes[i], n / 8, batch);
			printf("RESULT %zu-%s:kmalloc %.2f ns\n", sizes[i], mode,
			       bench_kmalloc(sizes[i], n, batch));
			printf("RESULT %zu-%s:malloc %.2f ns\n", sizes[i], mode,
			       bench_malloc(sizes[i], n, batch));
		}
	}
	return 0;
}
