// SPDX-License-Identifier: MIT
/*
 * radix_tree_kheap.c - the kernel's XArray, IDA/IDR, radix-tree and
 * maple-tree test programs (tools/testing/radix-tree: xarray, idr-test,
 * multiorder, main, maple) on kheap's SLUB, in place of their toy
 * allocator (tools/testing/shared/linux.c and tools/lib/slab.c).  See
 * run_radix_tree.sh beside this file.
 *
 * The suites drive the toy through a few hooks; kheap does the same with
 * the kernel's means:
 *
 *  - On the toy every allocation that may not reclaim (GFP_NOWAIT,
 *    GFP_ATOMIC) fails, so the suites exercise their retry paths.  Here
 *    that is failslab at 100 % (failslab=1,100,0,-1; failslab's default
 *    ignore-gfp-wait=1 spares requests that may reclaim), set before the
 *    program allocates anything.
 *  - kmem_cache_set_non_kernel(cache, n) lets the next n such allocations
 *    succeed: fail-nth (kheap_fail_nth(n + 1), the kernel's
 *    /proc/self/fail-nth) lets n candidates through, fails the next, and
 *    failslab takes over again.  Per thread where the toy counts per cache;
 *    the suites set it from the thread that allocates.  Page allocations
 *    are kept out of the count (fail_page_alloc.min-order=11): the toy has
 *    no pages behind its objects.
 *  - The maple tree's callback (kmem_cache_set_callback()/_private()) runs
 *    before the first allocation from its cache after one that failed, as
 *    on the toy: kmem_cache_alloc() and friends are wrapped (the program is
 *    linked with -Wl,--wrap=...), which also keeps the toy's counters:
 *    nr_allocated (objects of the suites' caches now live, the suites'
 *    leak check) and per cache the live and total counts.
 *  - test_kmem_cache_bulk() tested the toy itself; here it checks kheap's
 *    bulk calls the same way, by the objects they hand out.
 *
 * At exit, once the RCU callbacks queued so far have run, every cache the
 * suites created is validated (validate_slab_cache(), after a flush) and
 * its live objects counted from its slabs, independently of the counters
 * above: "kheap: no leaked object" or the count per cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>
#include <pthread.h>

#include <linux/slab.h>
#include <kheap/kheap.h>
#include <urcu/urcu-memb.h>
#include "../mm/slab.h"

int nr_allocated;		/* live objects of the suites' caches */
int preempt_count;		/* the suites' preempt_disable() count */
int test_verbose;
int kmalloc_verbose;
int kmalloc_nr_allocated;

/* kheap's options for the suites: the toy's failing allocations. */
static const char suite_cmdline[] =
	"failslab=1,100,0,-1 failslab.verbose=0 fail_page_alloc.min-order=11 "
	"slab_nomerge";		/* the suites' caches hold only their objects */

#define MAX_CACHES	32

struct suite_cache {
	struct kmem_cache *cache;
	void (*callback)(void *);	/* kmem_cache_set_callback() */
	void *private;			/* its argument */
	bool exec_callback;		/* an allocation failed since */
	unsigned long nr_allocated;	/* live objects */
	unsigned long nr_tallocated;	/* allocated since zeroed */
};

static struct suite_cache caches[MAX_CACHES];
static int nr_caches;
static pthread_mutex_t caches_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((constructor)) suite_init(void)
{
	if (kheap_init(suite_cmdline) < 0)
		fprintf(stderr, "kheap: could not apply \"%s\"\n", suite_cmdline);
}

static struct suite_cache *find_cache(struct kmem_cache *s)
{
	for (int i = 0; i < nr_caches; i++)
		if (caches[i].cache == s)
			return &caches[i];
	return NULL;
}

/* ---- the wrapped slab calls ---- */

struct kmem_cache *__real___kmem_cache_create_args(const char *name,
		unsigned int size, struct kmem_cache_args *args,
		slab_flags_t flags);
void *__real_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void *__real_kmem_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru,
				  gfp_t gfp);
void __real_kmem_cache_free(struct kmem_cache *s, void *p);
int __real_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t n,
				 void **p);
void __real_kmem_cache_free_bulk(struct kmem_cache *s, size_t n, void **p);
void __real_kmem_cache_destroy(struct kmem_cache *s);

struct kmem_cache *__wrap___kmem_cache_create_args(const char *name,
		unsigned int size, struct kmem_cache_args *args,
		slab_flags_t flags)
{
	struct kmem_cache *s = __real___kmem_cache_create_args(name, size,
							       args, flags);

	pthread_mutex_lock(&caches_lock);
	if (s && !find_cache(s) && nr_caches < MAX_CACHES)
		caches[nr_caches++].cache = s;
	pthread_mutex_unlock(&caches_lock);
	return s;
}

void __wrap_kmem_cache_destroy(struct kmem_cache *s)
{
	pthread_mutex_lock(&caches_lock);
	for (int i = 0; i < nr_caches; i++)
		if (caches[i].cache == s) {
			caches[i] = caches[--nr_caches];
			break;
		}
	pthread_mutex_unlock(&caches_lock);
	__real_kmem_cache_destroy(s);
}

/* The toy's order: a pending callback first, then the allocation. */
static struct suite_cache *before_alloc(struct kmem_cache *s)
{
	struct suite_cache *c = find_cache(s);

	if (c && c->exec_callback) {
		c->exec_callback = false;
		if (c->callback)
			c->callback(c->private);
	}
	return c;
}

static void after_alloc(struct suite_cache *c, gfp_t gfp, unsigned long n)
{
	if (!c)
		return;
	if (!n) {
		if (!(gfp & __GFP_DIRECT_RECLAIM))
			c->exec_callback = true;
		return;
	}
	__atomic_fetch_add(&c->nr_allocated, n, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->nr_tallocated, n, __ATOMIC_RELAXED);
	__atomic_fetch_add(&nr_allocated, (int)n, __ATOMIC_RELAXED);
}

static void after_free(struct kmem_cache *s, unsigned long n)
{
	struct suite_cache *c = find_cache(s);

	if (!c)
		return;
	__atomic_fetch_sub(&c->nr_allocated, n, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&nr_allocated, (int)n, __ATOMIC_RELAXED);
}

void *__wrap_kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	struct suite_cache *c = before_alloc(s);
	void *p = __real_kmem_cache_alloc(s, gfp);

	after_alloc(c, gfp, p != NULL);
	return p;
}

void *__wrap_kmem_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru,
				  gfp_t gfp)
{
	struct suite_cache *c = before_alloc(s);
	void *p = __real_kmem_cache_alloc_lru(s, lru, gfp);

	after_alloc(c, gfp, p != NULL);
	return p;
}

void __wrap_kmem_cache_free(struct kmem_cache *s, void *p)
{
	if (p)
		after_free(s, 1);
	__real_kmem_cache_free(s, p);
}

int __wrap_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t n,
				 void **p)
{
	struct suite_cache *c = before_alloc(s);
	int got = __real_kmem_cache_alloc_bulk(s, gfp, n, p);

	after_alloc(c, gfp, (unsigned long)got);
	return got;
}

void __wrap_kmem_cache_free_bulk(struct kmem_cache *s, size_t n, void **p)
{
	after_free(s, n);
	__real_kmem_cache_free_bulk(s, n, p);
}

/* ---- the toy's hooks ---- */

void kmem_cache_set_non_kernel(struct kmem_cache *s, unsigned int val)
{
	(void)s;
	kheap_fail_nth(val ? val + 1 : 0);
}

void kmem_cache_set_callback(struct kmem_cache *s, void (*callback)(void *))
{
	struct suite_cache *c = find_cache(s);

	if (c)
		c->callback = callback;
}

void kmem_cache_set_private(struct kmem_cache *s, void *private)
{
	struct suite_cache *c = find_cache(s);

	if (c)
		c->private = private;
}

unsigned long kmem_cache_get_alloc(struct kmem_cache *s)
{
	struct suite_cache *c = find_cache(s);

	return c ? kmem_cache_size(s) * c->nr_allocated : 0;
}

unsigned int kmem_cache_nr_allocated(struct kmem_cache *s)
{
	struct suite_cache *c = find_cache(s);

	return c ? (unsigned int)c->nr_allocated : 0;
}

unsigned int kmem_cache_nr_tallocated(struct kmem_cache *s)
{
	struct suite_cache *c = find_cache(s);

	return c ? (unsigned int)c->nr_tallocated : 0;
}

void kmem_cache_zero_nr_tallocated(struct kmem_cache *s)
{
	struct suite_cache *c = find_cache(s);

	if (c)
		c->nr_tallocated = 0;
}

/* The toy's self-test, on kheap: bulk calls hand out distinct objects of
 * the cache, all or nothing, and take them back. */
void test_kmem_cache_bulk(void)
{
	struct kmem_cache *s = kmem_cache_create("test_cache", 256, 0,
						 SLAB_PANIC, NULL);
	void *list[12];

	for (int round = 0; round < 3; round++) {
		assert(kmem_cache_alloc_bulk(s, __GFP_DIRECT_RECLAIM, 12, list) == 12);
		for (int i = 0; i < 12; i++) {
			assert(list[i] != NULL);
			for (int j = 0; j < i; j++)
				assert(list[i] != list[j]);
			memset(list[i], round, 256);
		}
		kmem_cache_free_bulk(s, 12, list);
	}
	/* a request that may not reclaim fails as a whole, as on the toy */
	assert(kmem_cache_alloc_bulk(s, GFP_NOWAIT, 5, list) == 0);
	assert(validate_slab_cache(s) >= 0);
	kmem_cache_destroy(s);
}

/* ---- at exit: leaks, counted from the slabs ---- */

static void __attribute__((destructor)) suite_exit(void)
{
	unsigned long leaked = 0;

	/* the suites free nodes with call_rcu(): let those run first */
	urcu_memb_barrier();
	for (int i = 0; i < nr_caches; i++) {
		struct kmem_cache *s = caches[i].cache;
		struct slabinfo si;

		if (validate_slab_cache(s) < 0)
			continue;
		memset(&si, 0, sizeof(si));
		get_slabinfo(s, &si);
		if (si.active_objs) {
			fprintf(stderr, "kheap: %lu objects of %s still allocated\n",
				si.active_objs, kmem_cache_name(s));
			leaked += si.active_objs;
		}
	}
	if (!leaked)
		fprintf(stderr, "kheap: no leaked object in the suites' %d caches; kheap_validate: %d\n",
			nr_caches, kheap_validate());
}
