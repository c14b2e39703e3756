/* SPDX-License-Identifier: MIT */
/*
 * xmalloc - producer/consumer with cross-thread free, in the manner of
 * xmalloc-test: objects are allocated on one thread and freed on another,
 * which is the remote-free path of every allocator (SLUB's free to a slab
 * that is not the current CPU's, a thread cache's return to its owner).
 *
 *   xmalloc N [PAIRS]   N objects in total, PAIRS producer/consumer pairs
 *                       (default: the number of CPUs)
 *
 * A producer allocates objects of 16..256 bytes, writes their first 16
 * bytes, and hands them over in batches of 64 (the batch array is malloc'd
 * too) through a bounded queue of 64 batches shared by all threads;
 * a consumer takes a batch, reads every object, frees them and the batch.
 * The queue costs one lock round trip per 64 objects, so the allocator's
 * remote free dominates.
 *
 * Prints "RESULT xmalloc <s> s" and "RESULT xmalloc-ns <ns per object> ns".
 */
#include "bench.h"

#define BATCH		64
#define QUEUE_LEN	64

struct batch {
	int n;
	unsigned char *obj[BATCH];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct batch *ring[QUEUE_LEN];
	unsigned int head, tail;	/* tail - head batches queued */
	int producers_left;
} q = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
};

static long per_producer;

static void queue_put(struct batch *b)
{
	pthread_mutex_lock(&q.lock);
	while (q.tail - q.head == QUEUE_LEN)
		pthread_cond_wait(&q.not_full, &q.lock);
	q.ring[q.tail++ % QUEUE_LEN] = b;
	pthread_cond_signal(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
}

/* The next batch, or NULL once every producer is done and the queue empty. */
static struct batch *queue_get(void)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&q.lock);
	while (q.tail == q.head && q.producers_left)
		pthread_cond_wait(&q.not_empty, &q.lock);
	if (q.tail != q.head) {
		b = q.ring[q.head++ % QUEUE_LEN];
		pthread_cond_signal(&q.not_full);
	}
	pthread_mutex_unlock(&q.lock);
	return b;
}

static void *producer(void *arg)
{
	uint64_t seed = (uintptr_t)arg;
	long left = per_producer;

	while (left > 0) {
		struct batch *b = bench_malloc(sizeof(*b));

		b->n = left < BATCH ? (int)left : BATCH;
		for (int i = 0; i < b->n; i++) {
			b->obj[i] = bench_malloc(bench_range(&seed, 16, 256));
			memset(b->obj[i], i, 16);
		}
		left -= b->n;
		queue_put(b);
	}
	pthread_mutex_lock(&q.lock);
	if (--q.producers_left == 0)
		pthread_cond_broadcast(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
	return NULL;
}

static void *consumer(void *arg)
{
	unsigned long sum = 0;
	struct batch *b;

	while ((b = queue_get())) {
		for (int i = 0; i < b->n; i++) {
			sum += b->obj[i][15];
			free(b->obj[i]);
		}
		free(b);
	}
	return (void *)sum;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 10000000);
	long pairs = bench_arg(argc, argv, 2, bench_nproc());
	pthread_t *tids = calloc(2 * pairs, sizeof(*tids));
	double t0, t;

	if (!tids)
		return 1;
	per_producer = n / pairs;
	q.producers_left = pairs;
	t0 = bench_now();
	for (long i = 0; i < pairs; i++) {
		bench_spawn(&tids[2 * i], producer, (void *)(uintptr_t)(i + 1));
		bench_spawn(&tids[2 * i + 1], consumer, NULL);
	}
	for (long i = 0; i < 2 * pairs; i++)
		pthread_join(tids[i], NULL);
	t = bench_now() - t0;
	free(tids);

	bench_result("xmalloc", t, "s");
	bench_result("xmalloc-ns", t * 1e9 / (per_producer * pairs), "ns");
	return 0;
}
