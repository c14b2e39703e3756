/* SPDX-License-Identifier: MIT */
/*
 * larson - a server simulation in the manner of Larson and Krishnan's
 * benchmark: worker threads keep a set of blocks each and replace random
 * ones, and a worker's set outlives it, passed on to the thread that
 * replaces it, so blocks are freed by a thread other than the one that
 * allocated them and the thread population keeps changing (as a server's
 * threads handling one connection after another).
 *
 *   larson N [THREADS] [BLOCKS]
 *
 * THREADS chains (default 2 x CPUs) run at once; each chain starts with
 * BLOCKS (default 1000) blocks of 10..500 bytes allocated by the main
 * thread.  A generation is one thread that makes 2 x BLOCKS replacements
 * (free a random block, allocate one of a random size, write its first and
 * last byte), then starts the next generation's thread with its set and
 * exits.  The chains run until N replacements have been made in total.
 *
 * Prints "RESULT larson <s> s" and "RESULT larson-ns <ns per replacement> ns".
 */
#include "bench.h"

#define MIN_SIZE	10
#define MAX_SIZE	500

struct chain {
	unsigned char **blocks;
	long nblocks;
	long generations_left;
	uint64_t seed;
	unsigned long sum;
};

/* Chains whose last generation has finished; main waits for all of them. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	long done;
} finish = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

static void *generation(void *arg);

/* Start a generation; it is detached, since no one joins it. */
static void start_generation(struct chain *c)
{
	pthread_t tid;

	bench_spawn(&tid, generation, c);
	pthread_detach(tid);
}

static void *generation(void *arg)
{
	struct chain *c = arg;
	long rounds = 2 * c->nblocks;

	for (long i = 0; i < rounds; i++) {
		long k = bench_rand(&c->seed) % c->nblocks;
		size_t size = bench_range(&c->seed, MIN_SIZE, MAX_SIZE);

		c->sum += c->blocks[k][0];
		free(c->blocks[k]);
		c->blocks[k] = bench_malloc(size);
		c->blocks[k][0] = (unsigned char)i;
		c->blocks[k][size - 1] = (unsigned char)i;
	}
	/* The successor frees what this thread allocated. */
	if (--c->generations_left > 0) {
		start_generation(c);
		return NULL;
	}
	pthread_mutex_lock(&finish.lock);
	finish.done++;
	pthread_cond_signal(&finish.cond);
	pthread_mutex_unlock(&finish.lock);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 8000000);
	long nthreads = bench_arg(argc, argv, 2, 2 * bench_nproc());
	long nblocks = bench_arg(argc, argv, 3, 1000);
	long per_chain_gens = n / (nthreads * 2 * nblocks);
	struct chain *chains = calloc(nthreads, sizeof(*chains));
	double t0, t;

	if (!chains)
		return 1;
	if (per_chain_gens < 1)
		per_chain_gens = 1;
	for (long c = 0; c < nthreads; c++) {
		chains[c].seed = 1000 + c;
		chains[c].nblocks = nblocks;
		chains[c].generations_left = per_chain_gens;
		chains[c].blocks = bench_malloc(nblocks * sizeof(unsigned char *));
		for (long k = 0; k < nblocks; k++) {
			size_t size = bench_range(&chains[c].seed, MIN_SIZE, MAX_SIZE);

			chains[c].blocks[k] = bench_malloc(size);
			chains[c].blocks[k][0] = 0;
		}
	}

	t0 = bench_now();
	for (long c = 0; c < nthreads; c++)
		start_generation(&chains[c]);
	pthread_mutex_lock(&finish.lock);
	while (finish.done < nthreads)
		pthread_cond_wait(&finish.cond, &finish.lock);
	pthread_mutex_unlock(&finish.lock);
	t = bench_now() - t0;

	for (long c = 0; c < nthreads; c++) {
		for (long k = 0; k < nblocks; k++)
			free(chains[c].blocks[k]);
		free(chains[c].blocks);
	}
	free(chains);

	bench_result("larson", t, "s");
	bench_result("larson-ns", t * 1e9 / (per_chain_gens * nthreads * 2 * nblocks), "ns");
	return 0;
}
