// SPDX-License-Identifier: MIT
/*
 * test_slab_fork - fork() while other threads allocate from and free to a
 * kmem_cache and the kmalloc caches: the fork handlers take every slab lock
 * (slab_mutex, then each cache's - SLUB's node and CPU locks, SLAB's array
 * and list locks, SLOB's one lock), so the child finds every cache
 * consistent: it allocates from the same caches at once, creates and
 * destroys a cache, its objects are private copies, and slab_validate() is
 * clean on both sides.  Runs under each slab allocator and under TSan.
 *
 * Under TSan the churning threads pause at each fork: TSan emulates
 * SLUB's 16-byte compare-and-swap with one spin lock of its own, which a
 * thread inside a CAS holds at fork() and the child then never gets.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#define FORKS 30
#define HELD 64

static struct kmem_cache *cache;
static volatile int stop;

#ifdef __SANITIZE_THREAD__
static int pausing, paused;	/* the fork gate (see the top) */

static void fork_gate(void)
{
	if (!__atomic_load_n(&pausing, __ATOMIC_ACQUIRE))
		return;
	__atomic_fetch_add(&paused, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&pausing, __ATOMIC_ACQUIRE))
		sched_yield();
	__atomic_fetch_sub(&paused, 1, __ATOMIC_ACQ_REL);
}

static void pause_churners(int n)
{
	__atomic_store_n(&pausing, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&paused, __ATOMIC_ACQUIRE) < n)
		sched_yield();
}

static void resume_churners(void)
{
	__atomic_store_n(&pausing, 0, __ATOMIC_RELEASE);
}
#else
static inline void fork_gate(void) {}
static inline void pause_churners(int n) { (void)n; }
static inline void resume_churners(void) {}
#endif

static void *churn(void *arg)
{
	void *objs[HELD] = { 0 }, *bufs[HELD] = { 0 };
	unsigned int r = (unsigned int)(long)arg * 7919u + 1;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		r = r * 1103515245u + 12345u;
		int i = (int)(r >> 16) % HELD;

		fork_gate();
		if (objs[i]) {
			kmem_cache_free(cache, objs[i]);
			objs[i] = NULL;
		} else {
			objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		}
		if (bufs[i]) {
			kfree(bufs[i]);
			bufs[i] = NULL;
		} else {
			bufs[i] = kmalloc(16 + (r >> 20) % 3000, GFP_KERNEL);
		}
	}
	for (int i = 0; i < HELD; i++) {
		kmem_cache_free(cache, objs[i]);
		kfree(bufs[i]);
	}
	return NULL;
}

static int child_work(unsigned long *shared)
{
	struct kmem_cache *mine;
	void *p[200];

	/* the parent's object reads the same; our write stays ours */
	if (*shared != 0xfeedfaceUL)
		return 3;
	*shared = 0xdeadUL;
	for (int i = 0; i < 200; i++) {
		p[i] = i % 2 ? kmalloc(24 + 40 * i, GFP_KERNEL)
			     : kmem_cache_alloc(cache, GFP_KERNEL);
		if (!p[i])
			return 1;
		memset(p[i], i, 24);
	}
	for (int i = 0; i < 200; i++) {
		if (i % 2)
			kfree(p[i]);
		else
			kmem_cache_free(cache, p[i]);
	}
	mine = kmem_cache_create("child_cache", 72, 0, SLAB_NO_MERGE, NULL);
	if (!mine)
		return 4;
	p[0] = kmem_cache_alloc(mine, GFP_KERNEL);
	kmem_cache_free(mine, p[0]);
	kmem_cache_destroy(mine);
	return slab_validate() ? 2 : 0;
}

static void test_fork_while_threads_allocate(void)
{
	pthread_t t[3];
	unsigned long *shared;

	cache = kmem_cache_create("forked", 120, 0, SLAB_NO_MERGE, NULL);
	shared = kmem_cache_alloc(cache, GFP_KERNEL);
	*shared = 0xfeedfaceUL;
	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, churn, (void *)i);
	for (int f = 0; f < FORKS; f++) {
		pause_churners(3);
		pid_t pid = fork();

		if (pid == 0)
			_exit(child_work(shared));
		resume_churners();
		CHECK(pid > 0);
		int status = 0;
		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 0);
		CHECK_EQ(*shared, 0xfeedfaceUL);	/* child's write is private */
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	kmem_cache_free(cache, shared);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(cache);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_fork_while_threads_allocate);
	return check_summary();
}
