// SPDX-License-Identifier: MIT
/*
 * test_init_on_stress - init_on_alloc and init_on_free with threads: four
 * threads kmalloc objects of sizes across the kmalloc classes and from a
 * cache of their own, check that each arrives zeroed, fill it with
 * garbage, and hand half of them to the next thread to free (remote
 * frees, through the sheaves, the CPU freelists and the slab freelists
 * with their free marks).  No object may ever arrive with a byte of
 * another's garbage; afterwards kheap_validate() is clean.  Runs under
 * TSan (the zeroing sits beside SLUB's lockless paths).
 */
#include "internal.h"
#include "check.h"

#include <pthread.h>

#define NTHREADS	4
#define ROUNDS		40000
#define QLEN		128

struct queue {
	pthread_mutex_t lock;
	void *items[QLEN];
	int head, count;
};

static struct queue queues[NTHREADS];
static struct kmem_cache *cache;
static int dirty_objects;

static bool q_push(struct queue *q, void *p)
{
	bool ok = false;

	pthread_mutex_lock(&q->lock);
	if (q->count < QLEN) {
		q->items[(q->head + q->count++) % QLEN] = p;
		ok = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

static void *q_pop(struct queue *q)
{
	void *p = NULL;

	pthread_mutex_lock(&q->lock);
	if (q->count) {
		p = q->items[q->head];
		q->head = (q->head + 1) % QLEN;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	return p;
}

/* Frees anything: kfree() finds a cache object's cache as well. */
static void *worker(void *arg)
{
	unsigned long id = (unsigned long)arg;
	uint64_t rnd = 0x9e3779b97f4a7c15ULL * (id + 1);
	struct queue *next = &queues[(id + 1) % NTHREADS];

	for (int i = 0; i < ROUNDS; i++) {
		bool own = check_xorshift(&rnd) & 1;
		size_t size = own ? 200 : 8 + check_xorshift(&rnd) % 3000;
		unsigned char *p = own ? kmem_cache_alloc(cache, GFP_KERNEL)
				       : kmalloc(size, GFP_KERNEL);

		if (!p) {
			__atomic_fetch_add(&dirty_objects, 1000000, __ATOMIC_RELAXED);
			break;
		}
		for (size_t j = 0; j < size; j++)
			if (p[j]) {
				__atomic_fetch_add(&dirty_objects, 1, __ATOMIC_RELAXED);
				break;
			}
		memset(p, 0xee, size);
		if (!(check_xorshift(&rnd) & 1) || !q_push(next, p))
			kfree(p);
		p = q_pop(&queues[id]);
		if (p)
			kfree(p);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[NTHREADS];

	cache = kmem_cache_create("init_stress", 200, 0, 0, NULL);
	for (unsigned long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		for (void *p; (p = q_pop(&queues[i]));)
			kfree(p);
	CHECK_EQ(dirty_objects, 0);
	CHECK_EQ(kheap_validate(), 0);
	kmem_cache_destroy(cache);
}

int main(int argc, char **argv)
{
	for (int i = 0; i < NTHREADS; i++)
		pthread_mutex_init(&queues[i].lock, NULL);
	CHECK_EQ(kheap_init(argc > 1 ? argv[1] : "init_on_alloc=1 init_on_free=1"), 0);
	RUN(test_threads);
	return check_summary();
}
