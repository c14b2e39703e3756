// SPDX-License-Identifier: MIT
/*
 * mempool.c - memory pools with a guaranteed reserve (mm/mempool.c of
 * Linux v6.12).
 *
 * A pool keeps min_nr preallocated elements.  mempool_alloc() first asks
 * the backing allocator (pool->alloc) without direct reclaim and without
 * I/O, and with __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN: a pool must
 * not eat the emergency reserves, loop in the page allocator or warn.  If
 * that fails it takes an element from the reserve; if the reserve is empty
 * it retries the allocator at once with the caller's full mask; if that
 * fails too, a caller that may sleep (__GFP_DIRECT_RECLAIM) waits - up to
 * 5 s at a time, the kernel's io_schedule_timeout(5*HZ) - for
 * mempool_free() to return an element and tries again, so it never returns
 * NULL; a caller that may not sleep gets NULL.  mempool_free() puts the
 * element back into the reserve while the reserve is below min_nr (and
 * wakes a waiter), else frees it to the allocator.
 *
 * The unlocked `curr_nr < min_nr` test in mempool_free() is the kernel's:
 * paired with the barrier in mempool_alloc() after taking an element, it
 * guarantees that a free refills the reserve whenever curr_nr + (elements
 * in use) == min_nr, and waiters exist only while curr_nr is 0.
 *
 * Debugging, as the kernel's under CONFIG_SLUB_DEBUG_ON: elements waiting
 * in the reserve are poisoned (POISON_FREE, the last byte POISON_END) and
 * checked when taken out again; a mismatch - someone wrote to an element
 * after giving it back - prints "BUG: mempool element poison mismatch" with
 * the bytes around the first bad one.  kheap does it for slab pools whose
 * cache has SLAB_POISON, and for every stock pool when slab_debug= turns
 * poisoning on globally (kheap's run-time counterpart of the config).
 *
 * Lock order: pool->lock is a leaf; pool->alloc and pool->free are called
 * without it.  It lives in the caller's mempool_t, outside kheap's own
 * order (docs/design.md), and fork does not take it.
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_debug.h"

#include <errno.h>
#include <time.h>
#include <linux/poison.h>

/* Bytes of an element to poison, or 0 when this pool is not debugged. */
static size_t poison_size(const mempool_t *pool)
{
	bool global = slub_debug & SLAB_POISON;

	if (pool->alloc == mempool_alloc_slab) {
		struct kmem_cache *s = pool->pool_data;

		return (global || (s->flags & SLAB_POISON)) ? s->object_size : 0;
	}
	if (!global)
		return 0;
	if (pool->alloc == mempool_kmalloc)
		return (size_t)pool->pool_data;
	if (pool->alloc == mempool_alloc_pages)
		return PAGE_SIZE << (unsigned int)(long)pool->pool_data;
	return 0;
}

static void *element_bytes(const mempool_t *pool, void *element)
{
	if (pool->alloc == mempool_alloc_pages)
		return page_address((struct page *)element);
	return element;
}

static void poison_element(mempool_t *pool, void *element)
{
	size_t size = poison_size(pool);
	u8 *obj;

	if (!size)
		return;
	obj = element_bytes(pool, element);
	memset(obj, POISON_FREE, size - 1);
	obj[size - 1] = POISON_END;
}

static __noinline __cold void poison_error(mempool_t *pool, void *element,
					   size_t size, size_t byte)
{
	const int nr = pool->curr_nr;
	size_t start = byte > sizeof(long) ? byte - sizeof(long) : 0;
	size_t end = min(byte + sizeof(long), size);
	const u8 *obj = element_bytes(pool, element);
	char line[160];
	int n;

	pr_err("BUG: mempool element poison mismatch\n");
	pr_err("Mempool %p size %zu\n", (void *)pool, size);
	n = snprintf(line, sizeof(line), " nr=%d @ %p: %s0x", nr, element,
		     start > 0 ? "... " : "");
	for (size_t i = start; i < end && n < (int)sizeof(line) - 8; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%x ", obj[i]);
	snprintf(line + n, sizeof(line) - (size_t)n, "%s\n",
		 end < size ? "..." : "");
	pr_err("%s", line);
	dump_stack();
}

static void check_element(mempool_t *pool, void *element)
{
	size_t size = poison_size(pool);
	u8 *obj;

	if (!size)
		return;
	obj = element_bytes(pool, element);
	for (size_t i = 0; i < size; i++) {
		u8 exp = (i < size - 1) ? POISON_FREE : POISON_END;

		if (obj[i] != exp) {
			poison_error(pool, element, size, i);
			return;
		}
	}
	memset(obj, POISON_INUSE, size);
}

#define MEMPOOL_WAIT_NS	(5ULL * 1000000000ULL)	/* io_schedule_timeout(5*HZ) */

static void add_element(mempool_t *pool, void *element)
{
	BUG_ON(pool->curr_nr >= pool->min_nr);
	poison_element(pool, element);
	pool->elements[pool->curr_nr] = element;
	__atomic_store_n(&pool->curr_nr, pool->curr_nr + 1, __ATOMIC_RELAXED);
}

static void *remove_element(mempool_t *pool)
{
	int nr = pool->curr_nr - 1;

	BUG_ON(nr < 0);
	__atomic_store_n(&pool->curr_nr, nr, __ATOMIC_RELAXED);
	check_element(pool, pool->elements[nr]);
	return pool->elements[nr];
}

/**
 * mempool_exit - free every element of an initialised pool, and its array
 * @pool: the pool; may be a zeroed, never initialised one
 */
void mempool_exit(mempool_t *pool)
{
	while (pool->curr_nr) {
		void *element = remove_element(pool);

		pool->free(element, pool->pool_data);
	}
	kfree(pool->elements);
	pool->elements = NULL;
}

/**
 * mempool_destroy - exit and free a pool made by mempool_create(); NULL is
 * ignored.  Every element must have been given back with mempool_free().
 */
void mempool_destroy(mempool_t *pool)
{
	if (unlikely(!pool))
		return;
	mempool_exit(pool);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->wait);
	kfree(pool);
}

/**
 * mempool_init_node - set up an embedded pool and fill its reserve
 * @pool: the pool
 * @min_nr: elements kept in reserve
 * @alloc_fn, @free_fn, @pool_data: the backing allocator
 * @gfp_mask: flags for the preallocation
 * @node_id: ignored (one node)
 *
 * Return: 0, or -ENOMEM (the pool is then left exited).
 */
int mempool_init_node(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn,
		      mempool_free_t *free_fn, void *pool_data,
		      gfp_t gfp_mask, int node_id)
{
	(void)node_id;
	if (min_nr < 0)
		return -EINVAL;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->wait, NULL);
	pool->nr_waiters = 0;
	pool->min_nr = min_nr;
	pool->curr_nr = 0;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	pool->elements = kmalloc_array((size_t)min_nr, sizeof(void *), gfp_mask);
	if (!pool->elements)
		return -ENOMEM;
	/* first pre-allocate the guaranteed number of buffers */
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(gfp_mask, pool->pool_data);

		if (unlikely(!element)) {
			mempool_exit(pool);
			return -ENOMEM;
		}
		add_element(pool, element);
	}
	return 0;
}

int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn,
		 mempool_free_t *free_fn, void *pool_data)
{
	return mempool_init_node(pool, min_nr, alloc_fn, free_fn, pool_data,
				 GFP_KERNEL, NUMA_NO_NODE);
}

mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn,
			       mempool_free_t *free_fn, void *pool_data,
			       gfp_t gfp_mask, int node_id)
{
	mempool_t *pool = kzalloc_node(sizeof(*pool), gfp_mask, node_id);

	if (!pool)
		return NULL;
	if (mempool_init_node(pool, min_nr, alloc_fn, free_fn, pool_data,
			      gfp_mask, node_id)) {
		kfree(pool);
		return NULL;
	}
	return pool;
}

/**
 * mempool_create - create a pool with @min_nr preallocated elements
 * Return: the pool, or NULL.
 */
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data)
{
	return mempool_create_node(min_nr, alloc_fn, free_fn, pool_data,
				   GFP_KERNEL, NUMA_NO_NODE);
}

/**
 * mempool_resize - change the number of reserved elements
 * @pool: the pool
 * @new_min_nr: the new reserve size (at least 1)
 *
 * Shrinking frees the surplus elements; growing allocates new ones with
 * GFP_KERNEL (and stops quietly if the allocator fails, as the kernel's).
 * Return: 0 or -ENOMEM.
 */
int mempool_resize(mempool_t *pool, int new_min_nr)
{
	void *element;
	void **new_elements;

	BUG_ON(new_min_nr <= 0);
	pthread_mutex_lock(&pool->lock);
	if (new_min_nr <= pool->min_nr) {
		while (new_min_nr < pool->curr_nr) {
			element = remove_element(pool);
			pthread_mutex_unlock(&pool->lock);
			pool->free(element, pool->pool_data);
			pthread_mutex_lock(&pool->lock);
		}
		pool->min_nr = new_min_nr;
		goto out_unlock;
	}
	pthread_mutex_unlock(&pool->lock);

	/* Grow the pool */
	new_elements = kmalloc_array((size_t)new_min_nr, sizeof(*new_elements),
				     GFP_KERNEL);
	if (!new_elements)
		return -ENOMEM;
	pthread_mutex_lock(&pool->lock);
	if (unlikely(new_min_nr <= pool->min_nr)) {
		/* Raced, other resize will do our work */
		pthread_mutex_unlock(&pool->lock);
		kfree(new_elements);
		goto out;
	}
	memcpy(new_elements, pool->elements,
	       (size_t)pool->curr_nr * sizeof(*new_elements));
	kfree(pool->elements);
	pool->elements = new_elements;
	pool->min_nr = new_min_nr;

	while (pool->curr_nr < pool->min_nr) {
		pthread_mutex_unlock(&pool->lock);
		element = pool->alloc(GFP_KERNEL, pool->pool_data);
		if (!element)
			goto out;
		pthread_mutex_lock(&pool->lock);
		if (pool->curr_nr < pool->min_nr) {
			add_element(pool, element);
		} else {
			pthread_mutex_unlock(&pool->lock);
			pool->free(element, pool->pool_data);	/* Raced */
			goto out;
		}
	}
out_unlock:
	pthread_mutex_unlock(&pool->lock);
out:
	return 0;
}

/*
 * Wait on the pool for up to 5 s (or a mempool_free()), then return to
 * the caller's loop.  Called with pool->lock held; returns without it.
 */
static void mempool_wait(mempool_t *pool)
{
	struct timespec ts;
	unsigned long long deadline;

	clock_gettime(CLOCK_REALTIME, &ts);
	deadline = (unsigned long long)ts.tv_sec * 1000000000ULL +
		   (unsigned long long)ts.tv_nsec + MEMPOOL_WAIT_NS;
	ts.tv_sec = (time_t)(deadline / 1000000000ULL);
	ts.tv_nsec = (long)(deadline % 1000000000ULL);
	pool->nr_waiters++;
	pthread_cond_timedwait(&pool->wait, &pool->lock, &ts);
	pool->nr_waiters--;
	pthread_mutex_unlock(&pool->lock);
}

/**
 * mempool_alloc - allocate an element from a pool
 * @pool: the pool
 * @gfp_mask: the caller's GFP flags (not __GFP_ZERO)
 *
 * Return: an element; never NULL if @gfp_mask allows direct reclaim (the
 * caller then waits for an element to be freed); NULL otherwise when both
 * the allocator and the reserve are exhausted.
 */
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask)
{
	void *element;
	gfp_t gfp_temp;

	VM_WARN_ON(gfp_mask & __GFP_ZERO);
	gfp_mask |= __GFP_NOMEMALLOC;	/* don't allocate emergency reserves */
	gfp_mask |= __GFP_NORETRY;	/* don't loop in __alloc_pages */
	gfp_mask |= __GFP_NOWARN;	/* failures are OK */
	gfp_temp = gfp_mask & ~(__GFP_DIRECT_RECLAIM | __GFP_IO);

repeat_alloc:
	element = pool->alloc(gfp_temp, pool->pool_data);
	if (likely(element))
		return element;

	pthread_mutex_lock(&pool->lock);
	if (likely(pool->curr_nr)) {
		element = remove_element(pool);
		pthread_mutex_unlock(&pool->lock);
		/* paired with the barrier in mempool_free() */
		smp_mb();
		return element;
	}
	/* the reserve is empty: first retry with the caller's full mask */
	if (gfp_temp != gfp_mask) {
		pthread_mutex_unlock(&pool->lock);
		gfp_temp = gfp_mask;
		goto repeat_alloc;
	}
	/* we must not sleep if the caller may not */
	if (!(gfp_mask & __GFP_DIRECT_RECLAIM)) {
		pthread_mutex_unlock(&pool->lock);
		return NULL;
	}
	/* let's wait for someone else to return an element to @pool */
	mempool_wait(pool);
	goto repeat_alloc;
}

/**
 * mempool_alloc_preallocated - take an element from the reserve only
 * Return: an element, or NULL if the reserve is empty.  Never sleeps and
 * never calls the allocator.
 */
void *mempool_alloc_preallocated(mempool_t *pool)
{
	void *element = NULL;

	pthread_mutex_lock(&pool->lock);
	if (likely(pool->curr_nr))
		element = remove_element(pool);
	pthread_mutex_unlock(&pool->lock);
	if (element)
		smp_mb();
	return element;
}

/**
 * mempool_free - return an element to its pool
 * @element: from mempool_alloc(); NULL is ignored
 * @pool: the pool it came from
 *
 * Refills the reserve while it is below min_nr (waking a waiter), else
 * frees to the backing allocator.
 */
void mempool_free(void *element, mempool_t *pool)
{
	if (unlikely(element == NULL))
		return;
	/*
	 * Paired with the barrier in mempool_alloc(): the curr_nr read must
	 * come after the allocation of @element; see the essay above.
	 */
	smp_mb();
	if (unlikely(__atomic_load_n(&pool->curr_nr, __ATOMIC_RELAXED) <
		     pool->min_nr)) {
		pthread_mutex_lock(&pool->lock);
		if (likely(pool->curr_nr < pool->min_nr)) {
			add_element(pool, element);
			if (pool->nr_waiters)
				pthread_cond_signal(&pool->wait);
			pthread_mutex_unlock(&pool->lock);
			return;
		}
		pthread_mutex_unlock(&pool->lock);
	}
	pool->free(element, pool->pool_data);
}

/* ---- the stock allocators ---- */

void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data)
{
	return kmem_cache_alloc((struct kmem_cache *)pool_data, gfp_mask);
}

void mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free((struct kmem_cache *)pool_data, element);
}

void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data)
{
	return kmalloc((size_t)pool_data, gfp_mask);
}

void mempool_kfree(void *element, void *pool_data)
{
	(void)pool_data;
	kfree(element);
}

void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data)
{
	return alloc_pages(gfp_mask, (unsigned int)(long)pool_data);
}

void mempool_free_pages(void *element, void *pool_data)
{
	__free_pages((struct page *)element, (unsigned int)(long)pool_data);
}
