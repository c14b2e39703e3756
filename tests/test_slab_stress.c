// SPDX-License-Identifier: MIT
/*
 * test_slab_stress - cross-thread (remote) frees: 4 threads allocate from
 * two caches, stamp each object with its owner and serial, and hand it to
 * the next thread, which checks the stamp and frees it, so nearly every
 * free is of an object another CPU slot owns (__slab_free's cmpxchg on the
 * slab's freelist and counters).  Afterwards every slab can be released,
 * slab_validate() is clean and the fast path was used.  Runs under TSan,
 * and under each slab allocator (SLAB: frees to the freeing CPU's array
 * and the shared array; SLOB: every operation under its one lock).
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "slab_strategy.h"

#define NTHREADS 4
#define ROUNDS 200000
#define QLEN 256

struct queue {
	pthread_mutex_t lock;
	void *items[QLEN];
	int head, tail, count;
};

static struct queue queues[NTHREADS];
static struct kmem_cache *caches[2];
static const unsigned int sizes[2] = { 40, 300 };
static int failures;

struct stamp {
	unsigned long owner, serial, check;
};

static bool q_push(struct queue *q, void *p)
{
	bool ok = false;

	pthread_mutex_lock(&q->lock);
	if (q->count < QLEN) {
		q->items[q->tail] = p;
		q->tail = (q->tail + 1) % QLEN;
		q->count++;
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

static void check_and_free(struct stamp *st)
{
	int c = (int)(st->owner >> 8);

	if (st->check != (st->owner ^ st->serial ^ 0x5a5a5a5aUL))
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
	kmem_cache_free(caches[c], st);
}

static void consume(struct queue *q)
{
	struct stamp *st;

	while ((st = q_pop(q)))
		check_and_free(st);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	struct queue *mine = &queues[id], *next = &queues[(id + 1) % NTHREADS];

	for (unsigned long i = 0; i < ROUNDS; i++) {
		int c = (int)(i & 1);
		struct stamp *st = kmem_cache_alloc(caches[c], GFP_KERNEL);

		if (!st) {
			__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
			continue;
		}
		st->owner = (unsigned long)c << 8 | (unsigned long)id;
		st->serial = i;
		st->check = st->owner ^ st->serial ^ 0x5a5a5a5aUL;
		memset(st + 1, (int)i, sizes[c] - sizeof(*st));
		if (!q_push(next, st)) {
			consume(mine);
			if (!q_push(next, st))	/* the next thread is done */
				check_and_free(st);
		}
		if ((i & 7) == 0)
			consume(mine);
	}
	return NULL;
}

static void test_remote_free_stress(void)
{
	pthread_t t[NTHREADS];
	struct slabinfo_line li;
	unsigned long pages = slab_pages();

	caches[0] = kmem_cache_create("remote40", sizes[0], 0, SLAB_NO_MERGE, NULL);
	caches[1] = kmem_cache_create("remote300", sizes[1], 0, SLAB_NO_MERGE, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_mutex_init(&queues[i].lock, NULL);
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		consume(&queues[i]);
	CHECK_EQ(failures, 0);
	CHECK_EQ(slab_validate(), 0);
	for (int c = 0; c < 2; c++) {
		CHECK_EQ(kmem_cache_shrink(caches[c]), 0);
		if (under_slob())	/* no slabinfo; its pages: below */
			continue;
		CHECK(slabinfo_get(c ? "remote300" : "remote40", &li));
		CHECK_EQ(li.active_objs, 0);
		CHECK_EQ(li.num_slabs, 0);
		if (!under_slub())
			continue;
		CHECK(slub_stat(caches[c], ALLOC_FASTPATH) > 0);
		CHECK(slub_stat(caches[c], FREE_SLOWPATH) > 0);
	}
	/* SLOB: the pages the workers filled are back (some old ones held
	 * blocks of other users before and still do) */
	CHECK(!under_slob() || slab_pages() <= pages + 2);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(caches[0]);
	kmem_cache_destroy(caches[1]);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_remote_free_stress);
	return check_summary();
}
