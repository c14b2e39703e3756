// SPDX-License-Identifier: MIT
/*
 * vmscan.c - direct reclaim and shrinkers (mm/vmscan.c, mm/shrinker.c).
 *
 * kheap has no page cache and no anonymous LRU: what can be reclaimed is what
 * caches give back through shrinkers (the slab layer registers one that
 * shrinks every slab cache; users register their own with shrinker_alloc()
 * and shrinker_register()) and the pages parked on per-CPU lists.
 *
 * try_to_free_pages() runs in the allocating thread when an allocation that
 * may block (__GFP_DIRECT_RECLAIM) finds memory short: it drains every CPU's
 * page lists, then calls shrink_slab() at falling priority (DEF_PRIORITY 12
 * down to 0) until SWAP_CLUSTER_MAX pages have come back or priority 0 has
 * been tried.  do_shrink_slab() follows the kernel's arithmetic: scan
 * (freeable >> priority) * 4 / seeks objects, in batches of shrinker->batch
 * (SHRINK_BATCH), carrying unscanned work over in nr_deferred.
 *
 * The reclaiming thread is marked (the kernel's PF_MEMALLOC): allocations it
 * makes inside a shrinker may use the reserves and never recurse into
 * reclaim.
 *
 * Locks: shrinker_rwsem (a rwlock) guards the shrinker list; shrink_slab
 * holds it for reading while calling shrinkers, which may allocate and free.
 * Only slab_mutex comes before it in the lock order (docs/design.md): no
 * other lock is held across an allocation that may reclaim.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>

#define DEF_PRIORITY		12
#define SWAP_CLUSTER_MAX	32UL

static pthread_rwlock_t shrinker_rwsem = PTHREAD_RWLOCK_INITIALIZER;
static struct shrinker *shrinker_list;
static int shrinker_nr;
__thread int kheap_in_reclaim;	/* PF_MEMALLOC */

/**
 * shrinker_alloc - allocate a shrinker
 * @flags: SHRINKER_* flags
 * @fmt: printf-style name, shown in messages
 *
 * The caller sets count_objects, scan_objects (and optionally batch, seeks,
 * private_data) and then calls shrinker_register().  Return: the shrinker,
 * or NULL if memory is short.
 */
struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct shrinker *s;
	va_list ap;

	/* one page each: shrinkers are few; the slab layer is above us */
	s = (struct shrinker *)get_zeroed_page(GFP_KERNEL);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s->__name, sizeof(s->__name), fmt, ap);
	va_end(ap);
	s->name = s->__name;
	s->flags = flags | SHRINKER_ALLOCATED;
	s->seeks = DEFAULT_SEEKS;
	return s;
}

void shrinker_register(struct shrinker *s)
{
	if (!s || !(s->flags & SHRINKER_ALLOCATED) ||
	    (s->flags & SHRINKER_REGISTERED)) {
		pr_warn("shrinker_register: shrinker %p not allocated or already registered\n",
			(void *)s);
		return;
	}
	pthread_rwlock_wrlock(&shrinker_rwsem);
	s->id = shrinker_nr++;
	s->__next = shrinker_list;
	shrinker_list = s;
	s->flags |= SHRINKER_REGISTERED;
	s->registered = true;
	pthread_rwlock_unlock(&shrinker_rwsem);
}

void shrinker_free(struct shrinker *s)
{
	if (!s)
		return;
	if (s->flags & SHRINKER_REGISTERED) {
		pthread_rwlock_wrlock(&shrinker_rwsem);
		for (struct shrinker **pp = &shrinker_list; *pp;
		     pp = &(*pp)->__next) {
			if (*pp == s) {
				*pp = s->__next;
				break;
			}
		}
		s->flags &= ~SHRINKER_REGISTERED;
		pthread_rwlock_unlock(&shrinker_rwsem);
	}
	free_page((unsigned long)s);
}

static unsigned long do_shrink_slab(struct shrink_control *sc,
				    struct shrinker *s, int priority)
{
	unsigned long freed = 0, scanned = 0;
	long batch = s->batch ? s->batch : SHRINK_BATCH;
	unsigned long freeable, delta, total_scan;
	long nr, next_deferred;

	freeable = s->count_objects(s, sc);
	if (freeable == 0 || freeable == SHRINK_EMPTY)
		return freeable;
	nr = __atomic_exchange_n(&s->nr_deferred, 0, __ATOMIC_RELAXED);
	if (s->seeks) {
		delta = ((freeable >> priority) * 4) / (unsigned long)s->seeks;
	} else {
		delta = freeable / 2;
	}
	total_scan = ((unsigned long)nr >> priority) + delta;
	total_scan = min(total_scan, 2 * freeable);

	while (total_scan >= (unsigned long)batch || total_scan >= freeable) {
		unsigned long ret;
		unsigned long nr_to_scan = min((unsigned long)batch, total_scan);

		sc->nr_to_scan = nr_to_scan;
		sc->nr_scanned = nr_to_scan;
		ret = s->scan_objects(s, sc);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		count_vm_events(SLABS_SCANNED, sc->nr_scanned);
		total_scan -= sc->nr_scanned;
		scanned += sc->nr_scanned;
		if (!sc->nr_scanned)
			break;
	}
	next_deferred = (long)(nr + (long)delta - (long)scanned);
	if (next_deferred < 0)
		next_deferred = 0;
	next_deferred = min(next_deferred, (long)(2 * freeable));
	__atomic_fetch_add(&s->nr_deferred, next_deferred, __ATOMIC_RELAXED);
	return freed;
}

/**
 * shrink_slab - call every registered shrinker once at @priority
 * Return: the number of objects the shrinkers report freed.
 */
unsigned long shrink_slab(gfp_t gfp, int priority)
{
	unsigned long freed = 0;

	pthread_rwlock_rdlock(&shrinker_rwsem);
	for (struct shrinker *s = shrinker_list; s; s = s->__next) {
		struct shrink_control sc = {
			.gfp_mask = gfp,
			.nid = 0,
		};
		unsigned long ret = do_shrink_slab(&sc, s, priority);

		if (ret == SHRINK_EMPTY)
			ret = 0;
		freed += ret;
	}
	pthread_rwlock_unlock(&shrinker_rwsem);
	return freed;
}

static unsigned long reclaimable_snapshot(void)
{
	return global_free_pages() + global_pcp_pages();
}

/**
 * try_to_free_pages - direct reclaim for an allocation of @order
 *
 * Return: pages reclaimed (a lower bound: free pages gained), or 1 when the
 * shrinkers freed objects but no whole page came back yet.
 */
unsigned long try_to_free_pages(gfp_t gfp, unsigned int order)
{
	unsigned long before = reclaimable_snapshot(), gained = 0, objs = 0;
	unsigned long want = max(SWAP_CLUSTER_MAX, 1UL << order);

	(void)order;
	if (kheap_in_reclaim)
		return 0;
	kheap_in_reclaim = 1;
	drain_all_pages(NULL);
	for (int priority = DEF_PRIORITY; priority >= 0; priority--) {
		objs += shrink_slab(gfp, priority);
		unsigned long now = reclaimable_snapshot();
		gained = now > before ? now - before : 0;
		if (gained >= want)
			break;
	}
	drain_all_pages(NULL);
	kheap_in_reclaim = 0;
	if (kheap_config.debug_validate)
		kheap_validate();
	if (!gained && objs)
		gained = 1;
	return gained;
}

int vmscan_validate(void)
{
	struct validator v = { "vmscan_validate" };
	int n = 0;

	pthread_rwlock_rdlock(&shrinker_rwsem);
	for (struct shrinker *s = shrinker_list; s; s = s->__next) {
		VALIDATE(&v, (s->flags & SHRINKER_REGISTERED) &&
			 s->count_objects && s->scan_objects,
			 "shrinker %s is malformed\n", s->name);
		if (++n > 1000000) {
			validator_report(&v, "shrinker list loops\n");
			break;
		}
	}
	pthread_rwlock_unlock(&shrinker_rwsem);
	return v.errors;
}

void vmscan_fork_prepare(void)
{
	pthread_rwlock_wrlock(&shrinker_rwsem);
}

void vmscan_fork_parent(void)
{
	pthread_rwlock_unlock(&shrinker_rwsem);
}

void vmscan_fork_child(void)
{
	pthread_rwlock_init(&shrinker_rwsem, NULL);
}
