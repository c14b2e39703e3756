/* SPDX-License-Identifier: MIT */
/*
 * fastpath - the cost of malloc/free pairs on the allocator's fast path.
 *
 *   fastpath tight N    N times: p = malloc(size); write one byte; free(p)
 *   fastpath batch N    N objects in batches of 100: malloc 100, write each,
 *                       then free the 100 in allocation order
 *
 * Sizes cycle through 256 values drawn once, uniformly from 16..1024, so the
 * loop touches every small size class but the size computation costs a load.
 * One thread; nothing is shared.  This is the loop an allocator's per-CPU or
 * per-thread cache exists for: a tight pair should reuse the same object, a
 * batch pulls objects out of the cache and pushes them back.
 *
 * Prints "RESULT fastpath-<mode> <s> s" and the time per malloc+free pair
 * as "RESULT fastpath-<mode>-ns <ns> ns".
 */
#include "bench.h"

#define NR_SIZES	256
#define BATCH		100

static size_t sizes[NR_SIZES];

static void run_tight(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = bench_malloc(sizes[i & (NR_SIZES - 1)]);

		p[0] = (char)i;
		bench_escape(p);
		free(p);
	}
}

static void run_batch(long n)
{
	char *batch[BATCH];
	long k = 0;

	for (long done = 0; done < n; done += BATCH) {
		for (int j = 0; j < BATCH; j++, k++) {
			batch[j] = bench_malloc(sizes[k & (NR_SIZES - 1)]);
			batch[j][0] = (char)j;
		}
		bench_escape(batch);
		for (int j = 0; j < BATCH; j++)
			free(batch[j]);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "tight";
	long n = bench_arg(argc, argv, 2, 20000000);
	uint64_t seed = 42;
	char name[64];
	double t0, t;

	for (int i = 0; i < NR_SIZES; i++)
		sizes[i] = bench_range(&seed, 16, 1024);

	t0 = bench_now();
	if (!strcmp(mode, "tight")) {
		run_tight(n);
	} else if (!strcmp(mode, "batch")) {
		n -= n % BATCH;
		run_batch(n);
	} else {
		fprintf(stderr, "usage: %s tight|batch [N]\n", argv[0]);
		return 2;
	}
	t = bench_now() - t0;

	snprintf(name, sizeof(name), "fastpath-%s", mode);
	bench_result(name, t, "s");
	snprintf(name, sizeof(name), "fastpath-%s-ns", mode);
	bench_result(name, n ? t * 1e9 / n : 0, "ns");
	return 0;
}
