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
 * understands it.  Every lock is in the one lock order of docs/design.md
 * ("Lock order"), and the fork handlers (mm/mm_init.c) take them all in it.
 *
 * Debug builds (CONFIG_DEBUG_VM: the library the tests link) also record
 * the holder, so that functions documented as "called with X held" can
 * check it: lockdep_assert_held(&X) (mm/debug.h), the kernel's name.  The
 * release libraries record nothing and the assertion compiles away.
 */
#ifndef _KHEAP_LIB_LOCK_H
#define _KHEAP_LIB_LOCK_H

#include <pthread.h>

#if defined(CONFIG_DEBUG_VM) && CONFIG_DEBUG_VM
#define KH_LOCK_OWNER	1
#else
#define KH_LOCK_OWNER	0
#endif

typedef struct {
	pthread_mutex_t m;
#if KH_LOCK_OWNER
	pthread_t owner;	/* the holder; 0 while free (debug builds) */
#endif
} kh_lock_t;

#define KH_LOCK_INIT	{ PTHREAD_MUTEX_INITIALIZER }

/* The holder is written only by the holder, inside the critical section. */
static inline void kh_lock_set_owner(kh_lock_t *l, pthread_t owner)
{
#if KH_LOCK_OWNER
	__atomic_store_n(&l->owner, owner, __ATOMIC_RELAXED);
#else
	(void)l; (void)owner;
#endif
}

static inline void kh_lock_init(kh_lock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
	kh_lock_set_owner(l, 0);
}

static inline void kh_lock(kh_lock_t *l)
{
	pthread_mutex_lock(&l->m);
	kh_lock_set_owner(l, pthread_self());
}

static inline int kh_trylock(kh_lock_t *l)
{
	if (pthread_mutex_trylock(&l->m))
		return 0;
	kh_lock_set_owner(l, pthread_self());
	return 1;
}

static inline void kh_unlock(kh_lock_t *l)
{
	kh_lock_set_owner(l, 0);
	pthread_mutex_unlock(&l->m);
}

/* Does the calling thread hold @l?  (Debug builds; true in release ones.) */
static inline int kh_lock_held(kh_lock_t *l)
{
#if KH_LOCK_OWNER
	return pthread_equal(__atomic_load_n(&l->owner, __ATOMIC_RELAXED),
			     pthread_self());
#else
	(void)l;
	return 1;
#endif
}

/*
 * After fork() the child holds every lock its parent's prepare handler took;
 * it re-initialises them rather than unlocking, since the owner thread may
 * not exist in the child.
 */
static inline void kh_lock_reinit(kh_lock_t *l)
{
	pthread_mutex_init(&l->m, NULL);
	kh_lock_set_owner(l, 0);
}

#endif /* _KHEAP_LIB_LOCK_H */
