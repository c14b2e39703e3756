/* SPDX-License-Identifier: MIT */
/*
 * lib/lock.h - the one lock type kheap uses for every lock that is not a
 * lockless compare-and-swap: zone locks, per-CPU page list locks, slab node
 * and per-(cache, CPU) locks, the vmap locks.
 *
 * The kernel's spinlocks rely on preemption being disabled; userspace threads
 * are preempted at any time, so a lock holder may sleep in the scheduler and
 * spinning waiters would burn their time slice.  kheap therefore uses a
 * glibc mutex (which spins briefly, then sleeps on a futex): uncontended it
 * costs one atomic exchange to take and one to release, and ThreadSanitizer
 * understands it.  These locks are taken in the documented lock order of each
 * layer, and all of them by the fork handlers (mm/mm_init.c).
 */
#ifndef _KHEAP_LIB_LOCK_H
#define _KHEAP_LIB_LOCK_H

#include <pthread.h>

typedef struct {
	pthread_mutex_t m;
} kh_lock_t;

#define KH_LOCK_INIT	{ PTHREAD_MUTEX_INITIALIZER }

static inline void kh_lock_init(kh_lock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
}

static inline void kh_lock(kh_lock_t *l)
{
	pthread_mutex_lock(&l->m);
}

static inline int kh_trylock(kh_lock_t *l)
{
	return pthread_mutex_trylock(&l->m) == 0;
}

static inline void kh_unlock(kh_lock_t *l)
{
	pthread_mutex_unlock(&l->m);
}

/*
 * After fork() the child holds every lock its parent's prepare handler took;
 * it re-initialises them rather than unlocking, since the owner thread may
 * not exist in the child.
 */
static inline void kh_lock_reinit(kh_lock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
}

#endif /* _KHEAP_LIB_LOCK_H */
