// SPDX-License-Identifier: MIT
/*
 * test_mempool - mempool semantics as v6.12's mm/mempool.c: the reserve is
 * used only when the allocator fails, the allocator is first asked without
 * direct reclaim and I/O, a blocking caller waits for a free from another
 * thread, GFP_NOWAIT gets NULL, frees refill the reserve first, resize in
 * both directions, the stock slab/kmalloc/page pools, embedded pools.
 */
#include "internal.h"
#include "check.h"

#include <pthread.h>
#include <unistd.h>

/* An allocator that can be told to fail, and records what it was asked. */
struct test_alloc {
	int fail;			/* fail every request while set */
	int allocs, frees;		/* successful calls */
	gfp_t first_gfp, last_gfp;	/* masks seen */
	int calls;
};

static void *t_alloc(gfp_t gfp, void *data)
{
	struct test_alloc *t = data;

	if (!__atomic_fetch_add(&t->calls, 1, __ATOMIC_RELAXED))
		t->first_gfp = gfp;
	t->last_gfp = gfp;
	if (__atomic_load_n(&t->fail, __ATOMIC_RELAXED))
		return NULL;
	__atomic_fetch_add(&t->allocs, 1, __ATOMIC_RELAXED);
	return kmalloc(64, GFP_KERNEL);
}

static void t_free(void *element, void *data)
{
	struct test_alloc *t = data;

	__atomic_fetch_add(&t->frees, 1, __ATOMIC_RELAXED);
	kfree(element);
}

static void test_reserve_filled_at_creation(void)
{
	struct test_alloc t = { 0 };
	mempool_t *pool = mempool_create(4, t_alloc, t_free, &t);

	CHECK(pool != NULL);
	CHECK(mempool_initialized(pool));
	CHECK_EQ(pool->curr_nr, 4);
	CHECK_EQ(t.allocs, 4);
	CHECK(mempool_is_saturated(pool));
	mempool_destroy(pool);
	CHECK_EQ(t.frees, 4);
	mempool_destroy(NULL);
	/* creation fails cleanly when the allocator fails */
	t.fail = 1;
	CHECK(mempool_create(4, t_alloc, t_free, &t) == NULL);
}

static void test_allocator_first_then_reserve(void)
{
	struct test_alloc t = { 0 };
	mempool_t *pool = mempool_create(3, t_alloc, t_free, &t);
	void *e[8];

	t.calls = 0;
	/* the allocator works: the reserve is untouched */
	e[0] = mempool_alloc(pool, GFP_KERNEL);
	CHECK(e[0] != NULL);
	CHECK_EQ(pool->curr_nr, 3);
	/* it was asked without direct reclaim or I/O, and told not to use the
	 * emergency reserves, not to retry, not to warn */
	CHECK(!(t.first_gfp & (__GFP_DIRECT_RECLAIM | __GFP_IO)));
	CHECK((t.first_gfp & (__GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN)) ==
	      (__GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN));
	CHECK(t.first_gfp & __GFP_FS);
	/* the allocator fails: the reserve serves */
	t.fail = 1;
	for (int i = 1; i <= 3; i++) {
		e[i] = mempool_alloc(pool, GFP_KERNEL);
		CHECK(e[i] != NULL);
		CHECK_EQ(pool->curr_nr, 3 - i);
	}
	CHECK(!mempool_is_saturated(pool));
	/* empty reserve: a non-blocking caller gets NULL (GFP_NOWAIT has no
	 * reclaim or I/O bits, so there is no fuller mask to retry with) */
	t.calls = 0;
	CHECK(mempool_alloc(pool, GFP_NOWAIT) == NULL);
	CHECK_EQ(t.calls, 1);
	CHECK(mempool_alloc(pool, GFP_ATOMIC) == NULL);
	CHECK(mempool_alloc_preallocated(pool) == NULL);
	/* frees refill the reserve before going to the allocator */
	int frees = t.frees;
	for (int i = 3; i >= 0; i--)
		mempool_free(e[i], pool);
	CHECK_EQ(pool->curr_nr, 3);
	CHECK_EQ(t.frees, frees + 1);	/* only the 4th went back */
	mempool_free(NULL, pool);
	mempool_destroy(pool);
}

static void test_preallocated(void)
{
	struct test_alloc t = { 0 };
	mempool_t *pool = mempool_create(2, t_alloc, t_free, &t);

	t.calls = 0;
	void *a = mempool_alloc_preallocated(pool);
	void *b = mempool_alloc_preallocated(pool);
	CHECK(a && b && a != b);
	CHECK(mempool_alloc_preallocated(pool) == NULL);
	CHECK_EQ(t.calls, 0);		/* never asks the allocator */
	mempool_free(a, pool);
	mempool_free(b, pool);
	CHECK_EQ(pool->curr_nr, 2);
	mempool_destroy(pool);
}

/* ---- a waiter woken by a free from another thread ---- */

struct wake_arg {
	mempool_t *pool;
	void *element;
	volatile int freed;
};

static void *later_free(void *p)
{
	struct wake_arg *w = p;

	usleep(200 * 1000);
	w->freed = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mempool_free(w->element, w->pool);
	return NULL;
}

static void test_blocking_caller_waits_for_free(void)
{
	struct test_alloc t = { 0 };
	mempool_t *pool = mempool_create(1, t_alloc, t_free, &t);
	struct wake_arg w = { pool, NULL, 0 };
	pthread_t th;

	t.fail = 1;
	w.element = mempool_alloc(pool, GFP_KERNEL);	/* the reserve's one */
	CHECK(w.element != NULL);
	CHECK_EQ(pool->curr_nr, 0);
	pthread_create(&th, NULL, later_free, &w);
	t.calls = 0;
	void *e = mempool_alloc(pool, GFP_KERNEL);	/* waits, never NULL */
	CHECK(e == w.element);
	CHECK(w.freed);
	/* before waiting it retried the allocator with the full mask */
	CHECK(t.calls >= 2);
	CHECK(t.last_gfp & __GFP_DIRECT_RECLAIM);
	pthread_join(th, NULL);
	mempool_free(e, pool);
	mempool_destroy(pool);
}

static void test_resize(void)
{
	struct test_alloc t = { 0 };
	mempool_t *pool = mempool_create(2, t_alloc, t_free, &t);

	CHECK_EQ(mempool_resize(pool, 8), 0);
	CHECK_EQ(pool->min_nr, 8);
	CHECK_EQ(pool->curr_nr, 8);
	CHECK_EQ(t.allocs, 8);
	CHECK_EQ(mempool_resize(pool, 3), 0);
	CHECK_EQ(pool->min_nr, 3);
	CHECK_EQ(pool->curr_nr, 3);
	CHECK_EQ(t.frees, 5);
	/* growing while the allocator fails: the array grows, the reserve
	 * stays as it is (as the kernel's: no error) */
	t.fail = 1;
	CHECK_EQ(mempool_resize(pool, 6), 0);
	CHECK_EQ(pool->min_nr, 6);
	CHECK_EQ(pool->curr_nr, 3);
	t.fail = 0;
	mempool_destroy(pool);
	CHECK_EQ(t.frees, 8);
}

static void test_stock_pools(void)
{
	struct kmem_cache *kc = kmem_cache_create("mempool_test", 200, 0, 0, NULL);
	mempool_t *sp = mempool_create_slab_pool(4, kc);
	mempool_t *kp = mempool_create_kmalloc_pool(4, 1000);
	mempool_t *pp = mempool_create_page_pool(4, 2);

	CHECK(sp && kp && pp);
	void *o = mempool_alloc(sp, GFP_KERNEL);
	CHECK(o != NULL);
	CHECK_EQ(ksize(o), 200);
	mempool_free(o, sp);
	void *k = mempool_alloc(kp, GFP_KERNEL);
	CHECK(k != NULL && ksize(k) >= 1000);
	mempool_free(k, kp);
	struct page *pg = mempool_alloc(pp, GFP_KERNEL);
	CHECK(pg != NULL);
	memset(page_address(pg), 1, 4 * PAGE_SIZE);
	mempool_free(pg, pp);
	mempool_destroy(sp);
	mempool_destroy(kp);
	mempool_destroy(pp);
	kmem_cache_destroy(kc);	/* no objects left: no report */
	CHECK_EQ(kheap_validate(), 0);
}

struct driver {
	int id;
	mempool_t pool;		/* embedded, as drivers do */
};

static void test_embedded_pool(void)
{
	struct driver d = { 0 };

	mempool_exit(&d.pool);	/* a zeroed, never initialised pool */
	CHECK_EQ(mempool_init_kmalloc_pool(&d.pool, 5, 128), 0);
	CHECK(mempool_initialized(&d.pool));
	CHECK_EQ(d.pool.curr_nr, 5);
	void *e = mempool_alloc(&d.pool, GFP_NOIO);
	CHECK(e != NULL);
	mempool_free(e, &d.pool);
	mempool_exit(&d.pool);
	CHECK(!mempool_initialized(&d.pool));
	CHECK_EQ(mempool_init_page_pool(&d.pool, 2, 0), 0);
	mempool_exit(&d.pool);
}

static void test_reserve_under_real_memory_pressure(void)
{
	/* a page pool keeps working when the page allocator is empty */
	mempool_t *pool = mempool_create_page_pool(8, 0);
	struct page **held = kcalloc(1 << 16, sizeof(*held), GFP_KERNEL);
	int n = 0;

	while (n < (1 << 16) && (held[n] = alloc_pages(GFP_NOWAIT, 0)))
		n++;
	struct page *got[8];
	for (int i = 0; i < 8; i++) {
		got[i] = mempool_alloc(pool, GFP_NOIO);
		CHECK(got[i] != NULL);
	}
	CHECK_EQ(pool->curr_nr, 0);
	CHECK(mempool_alloc(pool, GFP_NOWAIT) == NULL);
	for (int i = 0; i < 8; i++)
		mempool_free(got[i], pool);
	CHECK_EQ(pool->curr_nr, 8);
	while (n)
		__free_pages(held[--n], 0);
	kfree(held);
	mempool_destroy(pool);
	CHECK_EQ(kheap_validate(), 0);
}

static void use_after_free_of_reserve(void *arg)
{
	mempool_t *pool = arg;
	void *e = mempool_alloc(pool, GFP_KERNEL);	/* from the reserve */

	mempool_free(e, pool);		/* back in: poisoned */
	((unsigned char *)e)[10] = 0x42;	/* written after being freed */
	e = mempool_alloc(pool, GFP_KERNEL);	/* taken out: checked */
	mempool_free(e, pool);
}

static void test_reserve_poisoned_under_slub_debug(void)
{
	char buf[8192];
	struct kmem_cache *kc = kmem_cache_create("mempool_poison", 100, 0,
						  SLAB_POISON, NULL);
	mempool_t *pool = mempool_create_slab_pool(2, kc);
	unsigned char *e;

	/* elements in the reserve carry POISON_FREE, the last POISON_END */
	e = pool->elements[0];
	CHECK_EQ(e[0], 0x6b);
	CHECK_EQ(e[98], 0x6b);
	CHECK_EQ(e[99], 0xa5);
	/* the allocator fails (failslab), so the reserve serves, and an
	 * element taken out clean is filled with POISON_INUSE */
	CHECK_EQ(kheap_parse_cmdline("failslab=1,100,0,-1 failslab.ignore-gfp-wait=0 "
				     "failslab.verbose=0", "test"), 0);
	e = mempool_alloc(pool, GFP_KERNEL);
	CHECK(e != NULL && e[0] == 0x5a && e[99] == 0x5a);
	mempool_free(e, pool);
	/* a write to an element while it sits in the reserve is reported */
	check_capture_stderr(use_after_free_of_reserve, pool, buf, sizeof(buf));
	CHECK(strstr(buf, "BUG: mempool element poison mismatch") != NULL);
	CHECK(strstr(buf, "size 100") != NULL);
	CHECK(strstr(buf, "42") != NULL);
	CHECK_EQ(kheap_parse_cmdline("failslab=1,0,0,1", "test"), 0);
	mempool_destroy(pool);
	kmem_cache_destroy(kc);
	/* a pool without debugging is left alone */
	mempool_t *plain = mempool_create_kmalloc_pool(1, 64);
	e = plain->elements[0];
	bool poisoned = e[0] == 0x6b && e[63] == 0xa5;
	CHECK(!poisoned);
	mempool_destroy(plain);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=128M"), 0);
	RUN(test_reserve_filled_at_creation);
	RUN(test_allocator_first_then_reserve);
	RUN(test_preallocated);
	RUN(test_blocking_caller_waits_for_free);
	RUN(test_resize);
	RUN(test_stock_pools);
	RUN(test_embedded_pool);
	RUN(test_reserve_under_real_memory_pressure);
	RUN(test_reserve_poisoned_under_slub_debug);
	return check_summary();
}
