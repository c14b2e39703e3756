// SPDX-License-Identifier: MIT
/*
 * test_fork_init - a fork() at any moment of kheap's first-use
 * initialisation leaves the child a usable heap.
 *
 * Each round runs in a fresh process in which kheap is not initialised: one
 * thread makes the first kmalloc() (which initialises kheap from
 * $KHEAP_CMDLINE) while the main thread, after a delay that sweeps across
 * the initialisation, forks.  The child allocates from every layer
 * (kmalloc, a new cache, pages, vmalloc) and exits 0; a child that inherited
 * a held init lock would hang, and its alarm() ends it with SIGALRM.  Before
 * the fork handlers covered the init lock, 14-18 of 40 such rounds hung.
 */
#include "internal.h"
#include "check.h"

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define ROUNDS		40
#define CHILD_TIMEOUT	5	/* seconds: a hung child is ended here */

static void *first_use(void *arg)
{
	void *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	return arg;
}

/* In the child: every layer works. */
static int use_heap(void)
{
	struct kmem_cache *c;
	struct page *page;
	void *p, *v, *o;

	alarm(CHILD_TIMEOUT);
	p = kmalloc(100, GFP_KERNEL);
	c = kmem_cache_create("fork_init", 48, 0, 0, NULL);
	o = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	page = alloc_pages(GFP_KERNEL, 2);
	v = vmalloc(1 << 20);
	if (!p || !o || !page || !v)
		return 1;
	memset(v, 1, 1 << 20);
	vfree(v);
	__free_pages(page, 2);
	kmem_cache_free(c, o);
	kmem_cache_destroy(c);
	kfree(p);
	return kheap_validate() ? 2 : 0;
}

static void sleep_ns(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	nanosleep(&ts, NULL);
}

/* One round in a fresh process: 0 if the child was fine. */
static int round_in_fresh_process(long delay_ns)
{
	pid_t pid = fork(), child;
	int status;

	if (pid == 0) {
		pthread_t t;

		pthread_create(&t, NULL, first_use, NULL);
		sleep_ns(delay_ns);
		child = fork();
		if (child == 0)
			_exit(use_heap());
		waitpid(child, &status, 0);
		pthread_join(t, NULL);
		if (WIFSIGNALED(status))
			_exit(100 + WTERMSIG(status));
		_exit(WEXITSTATUS(status));
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

static void test_fork_during_first_use(void)
{
	int hung = 0, failed = 0;

	for (int i = 0; i < ROUNDS; i++) {
		/* 0 .. 3.9 ms after the first kmalloc starts, in 100 us steps */
		int r = round_in_fresh_process((long)i * 100000L);

		if (r == 100 + SIGALRM)
			hung++;
		else if (r)
			failed++;
	}
	CHECK_EQ(hung, 0);
	CHECK_EQ(failed, 0);
}

int main(void)
{
	RUN(test_fork_during_first_use);
	return check_summary();
}
