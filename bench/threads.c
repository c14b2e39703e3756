/* SPDX-License-Identifier: MIT */
/*
 * threads - many short-lived threads that allocate, pass blocks on, and exit.
 *
 *   threads N        N threads in all (4 at a time)
 *
 * Rounds of 4 threads run at once; each thread makes 2000 allocations of
 * 8..4096 bytes (small sizes more likely: a size is 8 << k bytes with k
 * drawn so each larger class is half as likely), writes them, frees two
 * thirds of them at random before it ends, and leaves the rest in a
 * shared slot array, where a thread of a later round frees them (a block
 * outlives its thread and is freed on another CPU).  Then it exits, and the
 * next round starts new threads.  This is the shape of mimalloc-bench's
 * mstress and glibc-thread with threads that live for a moment: what an
 * allocator does at thread start and exit (per-thread caches made and
 * handed back) is paid every 2000 allocations.
 *
 * Prints "RESULT threads <s> s".
 */
#include "bench.h"

#define PER_ROUND	4
#define ALLOCS		2000
#define SLOTS		4096

static void *slot[SLOTS];

static size_t pick_size(uint64_t *seed)
{
	uint64_t r = bench_rand(seed);
	unsigned int k = 0;

	while (k < 9 && (r & 1)) {	/* 8 << 9 = 4096 */
		k++;
		r >>= 1;
	}
	return (8UL << k) - (r >> 60) * ((8UL << k) / 32);
}

static void *worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg;
	unsigned char *mine[ALLOCS];
	unsigned long sum = 0;

	for (int i = 0; i < ALLOCS; i++) {
		size_t size = pick_size(&seed);

		mine[i] = bench_malloc(size);
		memset(mine[i], i, size < 64 ? size : 64);
		mine[i][size - 1] = (unsigned char)i;
		/* free a third as we go, from what is live */
		if (i && bench_rand(&seed) % 3 == 0) {
			int k = bench_rand(&seed) % i;

			if (mine[k]) {
				sum += mine[k][0];
				free(mine[k]);
				mine[k] = NULL;
			}
		}
	}
	for (int i = 0; i < ALLOCS; i++) {
		if (!mine[i])
			continue;
		if (bench_rand(&seed) % 3 == 0) {
			/* outlives this thread: another round frees it */
			void *old = __atomic_exchange_n(&slot[bench_rand(&seed) % SLOTS],
							mine[i], __ATOMIC_ACQ_REL);
			free(old);
		} else {
			free(mine[i]);
		}
	}
	bench_escape(&sum);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 4000);
	pthread_t tid[PER_ROUND];
	double t0 = bench_now();

	for (long done = 0; done < n; done += PER_ROUND) {
		for (int i = 0; i < PER_ROUND; i++)
			bench_spawn(&tid[i], worker, (void *)(uintptr_t)(done + i + 1));
		for (int i = 0; i < PER_ROUND; i++)
			pthread_join(tid[i], NULL);
	}
	for (int i = 0; i < SLOTS; i++)
		free(slot[i]);
	bench_result("threads", bench_now() - t0, "s");
	return 0;
}
