// SPDX-License-Identifier: MIT
/*
 * test_kernel_module - a small kernel-style "driver" written only with
 * kernel idioms and kheap's <linux/...> headers: a slab cache for its
 * requests, a mempool over it for forward progress, a kcalloc'd ring of
 * request slots, a vmalloc'd data buffer.  Producer threads submit
 * requests, consumer threads complete them.  It runs twice: cleanly, and
 * with fault injection failing 30% of page allocations (new slabs, large
 * tables, vmalloc frames), where probe either succeeds or fails with
 * -ENOMEM leaving nothing behind, and every submitted request still
 * completes (the mempool's reserve).  After remove, all memory is back.
 */
#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <errno.h>
#include <pthread.h>

#include <kheap/kheap.h>
#include "internal.h"
#include "lib/fault-inject.h"
#include "check.h"

#define RING_SLOTS	256
#define REQS_PER_PRODUCER 20000

struct kdrv_request {
	u64 id;
	u32 len;
	u32 csum;
	u8 payload[96];
};

struct kdrv {
	struct kmem_cache *req_cache;
	mempool_t *req_pool;
	struct kdrv_request **ring;	/* kcalloc'd slots */
	unsigned int head, tail, count;
	u8 *buffer;			/* vmalloc'd */
	size_t buffer_size;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	unsigned long submitted, completed, bad;
	bool stopping;
};

static int kdrv_probe(struct kdrv *d)
{
	memset(d, 0, sizeof(*d));
	d->req_cache = KMEM_CACHE(kdrv_request, SLAB_HWCACHE_ALIGN);
	if (!d->req_cache)
		return -ENOMEM;
	d->req_pool = mempool_create_slab_pool(16, d->req_cache);
	if (!d->req_pool)
		goto err_cache;
	d->ring = kcalloc(RING_SLOTS, sizeof(*d->ring), GFP_KERNEL);
	if (!d->ring)
		goto err_pool;
	d->buffer_size = array_size(1024, 1024);
	d->buffer = vzalloc(d->buffer_size);
	if (!d->buffer)
		goto err_ring;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->not_empty, NULL);
	pthread_cond_init(&d->not_full, NULL);
	return 0;

err_ring:
	kfree(d->ring);
err_pool:
	mempool_destroy(d->req_pool);
err_cache:
	kmem_cache_destroy(d->req_cache);
	return -ENOMEM;
}

static void kdrv_remove(struct kdrv *d)
{
	vfree(d->buffer);
	kfree(d->ring);
	mempool_destroy(d->req_pool);
	kmem_cache_destroy(d->req_cache);
}

static u32 csum(const u8 *p, u32 len)
{
	u32 s = 0;

	for (u32 i = 0; i < len; i++)
		s = s * 31 + p[i];
	return s;
}

static void *producer(void *arg)
{
	struct kdrv *d = arg;

	for (int i = 0; i < REQS_PER_PRODUCER; i++) {
		/* GFP_NOIO may sleep: mempool_alloc never fails then */
		struct kdrv_request *rq = mempool_alloc(d->req_pool, GFP_NOIO);

		rq->id = (u64)i;
		rq->len = (u32)(i % sizeof(rq->payload)) + 1;
		for (u32 j = 0; j < rq->len; j++)
			rq->payload[j] = (u8)(i + j);
		rq->csum = csum(rq->payload, rq->len);

		pthread_mutex_lock(&d->lock);
		/* the shared vmalloc buffer, written under the driver's lock:
		 * both producers use the same slots */
		memcpy(d->buffer + (i % 1000) * 64, rq->payload, 64);
		while (d->count == RING_SLOTS)
			pthread_cond_wait(&d->not_full, &d->lock);
		d->ring[d->head] = rq;
		d->head = (d->head + 1) % RING_SLOTS;
		d->count++;
		d->submitted++;
		pthread_cond_signal(&d->not_empty);
		pthread_mutex_unlock(&d->lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct kdrv *d = arg;

	for (;;) {
		struct kdrv_request *rq;

		pthread_mutex_lock(&d->lock);
		while (!d->count && !d->stopping)
			pthread_cond_wait(&d->not_empty, &d->lock);
		if (!d->count && d->stopping) {
			pthread_mutex_unlock(&d->lock);
			return NULL;
		}
		rq = d->ring[d->tail];
		d->tail = (d->tail + 1) % RING_SLOTS;
		d->count--;
		pthread_cond_signal(&d->not_full);
		pthread_mutex_unlock(&d->lock);

		if (csum(rq->payload, rq->len) != rq->csum)
			__atomic_fetch_add(&d->bad, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&d->completed, 1, __ATOMIC_RELAXED);
		mempool_free(rq, d->req_pool);
	}
}

static void run_driver(bool faults)
{
	struct kdrv d;
	pthread_t prod[2], cons[2];
	int err, tries = 0;

	drain_all_pages(NULL);
	unsigned long free_before = global_free_pages();
	unsigned long vm_before = node_page_state(NR_VMALLOC);

	/* probe meets exactly two failed page allocations */
	if (faults)
		CHECK_EQ(kheap_parse_cmdline("fault_inject.seed=7 fail_page_alloc=1,100,0,2 "
					     "fail_page_alloc.min-order=0 "
					     "fail_page_alloc.ignore-gfp-wait=0 "
					     "fail_page_alloc.verbose=0", "test"), 0);
	/* probe may fail under fault injection: it must fail cleanly */
	while ((err = kdrv_probe(&d)) != 0) {
		CHECK_EQ(err, -ENOMEM);
		CHECK(faults);
		if (++tries > 100)
			break;
	}
	CHECK_EQ(err, 0);
	if (err)
		return;
	if (faults) {
		/* both failures were injected during probe; each either failed
		 * probe (cleanly) or was absorbed inside kheap, as a failed
		 * high-order slab allocation is by its order fallback */
		fprintf(stderr, "  probe failed %d times before it succeeded\n", tries);
		CHECK(tries <= 2);
		CHECK_EQ(fail_page_alloc.attr.times, 0);
		/* and then 30% of page allocations fail while requests flow */
		CHECK_EQ(kheap_parse_cmdline("fail_page_alloc=1,30,0,-1", "test"), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_create(&prod[i], NULL, producer, &d);
		pthread_create(&cons[i], NULL, consumer, &d);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(prod[i], NULL);
	pthread_mutex_lock(&d.lock);
	d.stopping = true;
	pthread_cond_broadcast(&d.not_empty);
	pthread_mutex_unlock(&d.lock);
	for (int i = 0; i < 2; i++)
		pthread_join(cons[i], NULL);
	if (faults)
		CHECK_EQ(kheap_parse_cmdline("fail_page_alloc=1,0,0,1", "test"), 0);
	CHECK_EQ(d.submitted, 2 * REQS_PER_PRODUCER);
	CHECK_EQ(d.completed, d.submitted);
	CHECK_EQ(d.bad, 0);
	kdrv_remove(&d);
	kvfree_rcu_barrier();
	vm_unmap_aliases();
	CHECK_EQ(node_page_state(NR_VMALLOC), vm_before);
	/* every page is back but those kheap keeps for its own caches */
	for (int t = 0; t < NR_KMALLOC_TYPES; t++)
		for (int i = 1; i <= KMALLOC_SHIFT_HIGH; i++)
			if (kmalloc_caches[t][i])
				kmem_cache_shrink(kmalloc_caches[t][i]);
	drain_all_pages(NULL);
	CHECK(global_free_pages() + 64 >= free_before);
	CHECK_EQ(kheap_validate(), 0);
}

static void test_driver_runs(void)
{
	run_driver(false);
}

static void test_driver_under_fault_injection(void)
{
	run_driver(true);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_driver_runs);
	RUN(test_driver_under_fault_injection);
	return check_summary();
}
