// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_fork - fork() from a multi-threaded process while other
 * threads allocate and free: kheap's own pthread_atfork handlers take every
 * lock before the fork, so the child finds consistent lists, can allocate
 * at once, and its writes never reach the parent (private memory).
 */
#include "internal.h"
#include "check.h"

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#define FORKS 40
static volatile int stop;

static void *churn(void *arg)
{
	struct page *held[32] = { 0 };
	unsigned int r = (unsigned int)(long)arg * 7919u + 1;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		r = r * 1103515245u + 12345u;
		int i = (int)(r >> 16) % 32;
		if (held[i]) {
			__free_pages(held[i], (unsigned int)(i % 4));
			held[i] = NULL;
		} else {
			held[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i % 4));
		}
		if ((r & 1023) == 0)
			drain_all_pages(NULL);
	}
	for (int i = 0; i < 32; i++)
		if (held[i])
			__free_pages(held[i], (unsigned int)(i % 4));
	return NULL;
}

static int child_work(unsigned long *shared_word)
{
	struct page *p[64];

	/* the parent's page must read the same, and our write stays ours */
	if (*shared_word != 0xfeedfaceUL)
		return 3;
	*shared_word = 0xdeadUL;
	for (int i = 0; i < 64; i++) {
		p[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i % 4));
		if (!p[i])
			return 1;
		memset(page_address(p[i]), i, PAGE_SIZE);
	}
	for (int i = 0; i < 64; i++)
		__free_pages(p[i], (unsigned int)(i % 4));
	drain_all_pages(NULL);
	return page_alloc_validate() ? 2 : 0;
}

static void test_fork_while_threads_allocate(void)
{
	pthread_t t[3];
	struct page *sp = alloc_pages(GFP_KERNEL, 0);
	unsigned long *shared_word = page_address(sp);

	*shared_word = 0xfeedfaceUL;
	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, churn, (void *)i);
	for (int f = 0; f < FORKS; f++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(child_work(shared_word));
		CHECK(pid > 0);
		int status = 0;
		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 0);
		CHECK_EQ(*shared_word, 0xfeedfaceUL);	/* child's write is private */
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	__free_pages(sp, 0);
	drain_all_pages(NULL);
	CHECK_EQ(page_alloc_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_fork_while_threads_allocate);
	return check_summary();
}
