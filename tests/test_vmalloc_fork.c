// SPDX-License-Identifier: MIT
/*
 * test_vmalloc_fork - vmalloc memory across fork(): a child's writes never
 * reach the parent (areas are private anonymous memory), and a child of a
 * process whose other thread is busy in vmalloc can vmalloc and vfree at
 * once (kheap's atfork handlers take and reset the vmap locks).
 */
#include "internal.h"
#include "check.h"

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static int stop;

static bool all(const unsigned char *p, unsigned long n, unsigned char v)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* The child's work: write over the parent's area, allocate, free. */
static int child_work(unsigned char *shared, unsigned long size)
{
	unsigned char *mine;

	if (!all(shared, size, 'A'))
		return 10;
	memset(shared, 'B', size);
	for (int i = 0; i < 200; i++) {
		mine = vmalloc(size);
		if (!mine)
			return 11;
		memset(mine, 'C', size);
		vfree(mine);
	}
	vfree(shared);		/* the child's copy only */
	vm_unmap_aliases();
	return vmap_validate() ? 12 : 0;
}

static void fork_isolation(void)
{
	unsigned long size = 64 * PAGE_SIZE;
	unsigned char *p = vmalloc(size);
	int status = 0;
	pid_t pid;

	CHECK(p != NULL);
	memset(p, 'A', size);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(child_work(p, size));
	CHECK(pid > 0);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(all(p, size, 'A'));		/* untouched by the child */
	CHECK(find_vm_area(p) != NULL);		/* the child's vfree was its own */
	vfree(p);
	CHECK_EQ(vmap_validate(), 0);
}

static void *busy_thread(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		void *p = vmalloc(5 * PAGE_SIZE);

		if (p)
			memset(p, 1, 5 * PAGE_SIZE);
		vfree(p);
	}
	return NULL;
}

static void fork_while_threads_vmalloc(void)
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, busy_thread, NULL), 0);
	for (int i = 0; i < 20; i++) {
		unsigned long size = 8 * PAGE_SIZE;
		unsigned char *p = vmalloc(size);
		int status = 0;
		pid_t pid;

		memset(p, 'A', size);
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			_exit(child_work(p, size));
		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		CHECK(all(p, size, 'A'));
		vfree(p);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	CHECK_EQ(vmap_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=1G"), 0);
	RUN(fork_isolation);
	RUN(fork_while_threads_vmalloc);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
