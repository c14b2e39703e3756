// SPDX-License-Identifier: MIT
/*
 * lib/fault-inject.c - the kernel's fault injection framework
 * (lib/fault-inject.c), with fail_page_alloc (mm/fail_page_alloc.c) and the
 * failslab attribute (mm/failslab.c; the slab layer asks it).
 *
 * A struct fault_attr decides whether a candidate operation fails, exactly
 * as should_fail_ex() does: a thread's fail-nth countdown first (the
 * kernel's /proc/self/fail-nth; kheap_fail_nth() here), then, if the
 * probability is non-zero and failures are left (times), let `space` bytes
 * pass, count candidates and act only on every `interval`-th, and fail with
 * `probability` percent.  Each failure prints "FAULT_INJECTION: forcing a
 * failure." (verbose >= 1) and a backtrace (verbose >= 2) unless the request
 * had __GFP_NOWARN.  Randomness comes from a seeded generator
 * (fault_inject.seed=), so a run is reproducible.
 *
 * Options: fail_page_alloc=<interval>,<probability>,<space>,<times> and
 * failslab=... (setup_fault_attr's format), plus the debugfs knobs as
 * options: fail_page_alloc.ignore-gfp-wait, .ignore-gfp-highmem, .min-order,
 * .verbose; failslab.ignore-gfp-wait, .cache-filter, .verbose.
 *
 * Cost when nothing is armed: should_fail_alloc_page() is one load of
 * fault_inject_armed and a predictable branch.
 *
 * Locks: fi_lock guards only the random generator's state; a leaf, near
 * the end of the lock order (docs/design.md).
 */
#include "internal.h"
#include "slab_internal.h"
#include "fault-inject.h"
#include "kfence/kfence.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fault_inject_armed;
static __thread unsigned int fail_nth;	/* per thread, as current->fail_nth */
static int fail_nth_users;		/* threads with fail_nth armed */
static unsigned long long fi_seed = 0x853c49e6748fea9bULL;
kh_lock_t fi_lock = KH_LOCK_INIT;

struct fail_page_alloc_attr fail_page_alloc = {
	.attr = FAULT_ATTR_INITIALIZER("fail_page_alloc"),
	.ignore_gfp_reclaim = true,
	.ignore_gfp_highmem = true,
	.min_order = 1,
};

struct failslab_attr failslab = {
	.attr = FAULT_ATTR_INITIALIZER("failslab"),
	.ignore_gfp_reclaim = true,
	.cache_filter = false,
};

void fault_inject_update(void)
{
	int armed = fail_page_alloc.attr.probability != 0 ||
		    failslab.attr.probability != 0 ||
		    __atomic_load_n(&fail_nth_users, __ATOMIC_RELAXED) != 0;

	__atomic_store_n(&fault_inject_armed, armed, __ATOMIC_RELAXED);
	if (armed)
		__atomic_fetch_or(&slab_alloc_hooks, SLAB_HOOK_FAILSLAB,
				  __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&slab_alloc_hooks, ~SLAB_HOOK_FAILSLAB,
				   __ATOMIC_RELAXED);
}

/* A number in [0, 100) from the seeded generator (splitmix64). */
static unsigned int random_below_100(void)
{
	unsigned long long z;

	kh_lock(&fi_lock);
	z = (fi_seed += 0x9e3779b97f4a7c15ULL);
	kh_unlock(&fi_lock);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (unsigned int)(z % 100);
}

static void fail_dump(struct fault_attr *attr)
{
	if (attr->verbose > 0) {
		pr_info("FAULT_INJECTION: forcing a failure.\n"
			"name %s, interval %lu, probability %lu, space %ld, times %ld\n",
			attr->dname, attr->interval, attr->probability,
			__atomic_load_n(&attr->space, __ATOMIC_RELAXED),
			__atomic_load_n(&attr->times, __ATOMIC_RELAXED));
		if (attr->verbose > 1)
			dump_stack();
	}
}

/**
 * should_fail_ex - decide whether this candidate operation fails
 * @attr: the fault attribute
 * @size: bytes the operation would allocate (for space)
 * @flags: FAULT_NOWARN to stay quiet
 */
bool should_fail_ex(struct fault_attr *attr, ssize_t size, int flags)
{
	if (fail_nth) {
		if (--fail_nth == 0) {
			__atomic_fetch_sub(&fail_nth_users, 1, __ATOMIC_RELAXED);
			fault_inject_update();
			goto fail;
		}
		return false;
	}
	if (!READ_ONCE(attr->probability))
		return false;
	if (__atomic_load_n(&attr->times, __ATOMIC_RELAXED) == 0)
		return false;
	if (__atomic_load_n(&attr->space, __ATOMIC_RELAXED) > size) {
		__atomic_fetch_sub(&attr->space, size, __ATOMIC_RELAXED);
		return false;
	}
	if (attr->interval > 1) {
		unsigned long c = __atomic_add_fetch(&attr->count, 1,
						     __ATOMIC_RELAXED);
		if (c % attr->interval)
			return false;
	}
	if (attr->probability <= random_below_100())
		return false;
fail:
	if (!(flags & FAULT_NOWARN))
		fail_dump(attr);
	/* times: decrement unless unlimited (-1) or already 0 */
	long t = __atomic_load_n(&attr->times, __ATOMIC_RELAXED);
	while (t > 0 && !__atomic_compare_exchange_n(&attr->times, &t, t - 1,
						     false, __ATOMIC_RELAXED,
						     __ATOMIC_RELAXED))
		;
	return true;
}

/**
 * setup_fault_attr - parse "<interval>,<probability>,<space>,<times>"
 * Return: 0, or -EINVAL (the attribute is left unchanged).
 */
int setup_fault_attr(struct fault_attr *attr, const char *str)
{
	unsigned long interval, probability;
	long space, times;
	char tail;

	if (sscanf(str, "%lu,%lu,%ld,%ld%c", &interval, &probability, &space,
		   &times, &tail) != 4) {
		pr_warn("FAULT_INJECTION: failed to parse arguments\n");
		return -EINVAL;
	}
	if (probability > 100 || times < -1)
		return -EINVAL;
	attr->probability = probability;
	attr->interval = interval;
	attr->times = times;
	attr->space = space;
	fault_inject_update();
	return 0;
}

/* mm/fail_page_alloc.c */
bool __should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	int flags = 0;

	if (order < fail_page_alloc.min_order)
		return false;
	if (gfp_mask & __GFP_NOFAIL)
		return false;
	if (fail_page_alloc.ignore_gfp_highmem && (gfp_mask & __GFP_HIGHMEM))
		return false;
	if (fail_page_alloc.ignore_gfp_reclaim &&
	    (gfp_mask & __GFP_DIRECT_RECLAIM))
		return false;
	if (gfp_mask & __GFP_NOWARN)
		flags |= FAULT_NOWARN;
	return should_fail_ex(&fail_page_alloc.attr, (ssize_t)1 << order, flags);
}

/* mm/failslab.c (v6.12's should_failslab, behind a static key there) */
bool __should_failslab(struct kmem_cache *s, gfp_t gfpflags)
{
	int flags = 0;

	/* never the bootstrap cache, nor the sheaves' (kheap's own memory) */
	if (unlikely(s == kmem_cache || s == sheaf_cache))
		return false;
	if (gfpflags & __GFP_NOFAIL)
		return false;
	if (failslab.ignore_gfp_reclaim && (gfpflags & __GFP_DIRECT_RECLAIM))
		return false;
	if (failslab.cache_filter && !(s->flags & SLAB_FAILSLAB))
		return false;
	if (gfpflags & __GFP_NOWARN)
		flags |= FAULT_NOWARN;
	return should_fail_ex(&failslab.attr, (ssize_t)s->object_size, flags);
}

/**
 * kheap_fail_nth - make this thread's @nth next candidate for fault
 * injection fail (the kernel's /proc/thread-self/fail-nth): 1 fails the
 * next one, 0 disarms.  Candidates are the allocations that pass the
 * filters of fail_page_alloc and failslab (min-order, ignore-gfp-wait...).
 */
void kheap_fail_nth(unsigned int nth)
{
	if (!fail_nth && nth)
		__atomic_fetch_add(&fail_nth_users, 1, __ATOMIC_RELAXED);
	else if (fail_nth && !nth)
		__atomic_fetch_sub(&fail_nth_users, 1, __ATOMIC_RELAXED);
	fail_nth = nth;
	fault_inject_update();
}

/* ---- options ---- */

int fault_inject_parse_fail_page_alloc(const char *val)
{
	return setup_fault_attr(&fail_page_alloc.attr, val);
}

int fault_inject_parse_failslab(const char *val)
{
	return setup_fault_attr(&failslab.attr, val);
}

void fault_inject_show_fail_page_alloc(char *buf, size_t len)
{
	struct fault_attr *a = &fail_page_alloc.attr;

	snprintf(buf, len, "%lu,%lu,%ld,%ld", a->interval, a->probability,
		 a->space, a->times);
}

void fault_inject_show_failslab(char *buf, size_t len)
{
	struct fault_attr *a = &failslab.attr;

	snprintf(buf, len, "%lu,%lu,%ld,%ld", a->interval, a->probability,
		 a->space, a->times);
}

int fault_inject_parse_seed(const char *val)
{
	char *end;
	unsigned long long v = strtoull(val, &end, 0);

	if (!*val || *end)
		return -EINVAL;
	fi_seed = v;
	return 0;
}

void fault_inject_show_seed(char *buf, size_t len)
{
	snprintf(buf, len, "%#llx", fi_seed);
}
