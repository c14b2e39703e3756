/* SPDX-License-Identifier: MIT */
/*
 * large - blocks of several MiB, freed and allocated again, and grown by
 * realloc.
 *
 *   large N          N replacements (and N / 40 realloc chains)
 *
 * 1. "large": 8 live blocks; each step frees a random one and allocates a
 *    new block of 4..32 MiB in its place, then writes one byte in every
 *    4 KiB page of it, as a program filling a buffer would.  The live
 *    bytes stay around 144 MiB, so an allocator that keeps freed memory
 *    for the next block of a similar size never asks the OS for pages
 *    again, and one that unmaps at free and maps at malloc pays the
 *    mapping and a page fault per page every step.
 * 2. "large-realloc": a block grows by realloc from 1 MiB to 64 MiB, by a
 *    quarter each time, writing each new page; then it is freed.  An
 *    allocator that can move pages (mremap) grows without copying.
 *
 * The sizes are mimalloc-bench's malloc-large (5..25 MiB, 20 live) scaled
 * to the 4..32 MiB range where kheap's blocks come from vmalloc.  Prints
 * "RESULT large <s> s" and "RESULT large-realloc <s> s".
 */
#include "bench.h"

#define LIVE		8
#define MIN_SIZE	(4UL << 20)
#define MAX_SIZE	(32UL << 20)
#define PAGE		4096UL

static void touch(unsigned char *p, size_t from, size_t to, unsigned char v)
{
	for (size_t off = from; off < to; off += PAGE)
		p[off] = v;
	p[to - 1] = v;
}

static double replace(long n)
{
	unsigned char *live[LIVE] = { 0 };
	size_t size[LIVE] = { 0 };
	uint64_t seed = 11;
	unsigned long sum = 0;
	double t0 = bench_now();

	for (long i = 0; i < n; i++) {
		unsigned int k = bench_rand(&seed) % LIVE;

		if (live[k])
			sum += live[k][size[k] - 1];
		free(live[k]);
		size[k] = bench_range(&seed, MIN_SIZE, MAX_SIZE);
		live[k] = bench_malloc(size[k]);
		touch(live[k], 0, size[k], (unsigned char)i);
	}
	for (int k = 0; k < LIVE; k++)
		free(live[k]);
	bench_escape(&sum);
	return bench_now() - t0;
}

static double grow(long chains)
{
	unsigned long sum = 0;
	double t0 = bench_now();

	for (long c = 0; c < chains; c++) {
		size_t size = 1UL << 20;
		unsigned char *p = bench_malloc(size);

		touch(p, 0, size, (unsigned char)c);
		while (size < (64UL << 20)) {
			size_t bigger = size + size / 4;
			unsigned char *q = realloc(p, bigger);

			if (!q) {
				fprintf(stderr, "large: realloc(%zu) failed\n", bigger);
				exit(1);
			}
			sum += q[size - 1];
			touch(q, size, bigger, (unsigned char)c);
			p = q;
			size = bigger;
		}
		free(p);
	}
	bench_escape(&sum);
	return bench_now() - t0;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 2000);

	bench_result("large", replace(n), "s");
	bench_result("large-realloc", grow(n / 40 ? n / 40 : 1), "s");
	return 0;
}
