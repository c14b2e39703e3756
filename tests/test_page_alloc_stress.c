// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_stress - 4 threads allocate and free blocks of orders
 * 0..4, hand a share of them to other threads to free (remote frees through
 * the per-CPU lists of another CPU), migrate between CPUs with
 * sched_setaffinity, and drain every CPU's lists now and then.  Contents
 * are checked; at the end every page is free and page_alloc_validate() is
 * clean.  Run under ThreadSanitizer in `make test`.
 */
#include "internal.h"
#include "check.h"

/* free pages after init: other layers (slab) may hold a few */
static unsigned long base_free;

#include <pthread.h>
#include <sched.h>

#define THREADS	4
#define OPS	60000
#define SLOTS	256

struct slot {
	struct page *page;
	unsigned int order;
	unsigned long tag;
};

/* one mailbox per thread: others drop blocks in, the owner frees them */
static struct slot mailbox[THREADS][SLOTS];
static pthread_mutex_t mailbox_lock[THREADS];
static int errors;

static bool check_block(struct slot *s)
{
	unsigned long *w = page_address(s->page);
	unsigned long n = (PAGE_SIZE << s->order) / 8;

	return w[0] == s->tag && w[n - 1] == ~s->tag;
}

static void put_mail(int to, struct slot *s)
{
	pthread_mutex_lock(&mailbox_lock[to]);
	for (int i = 0; i < SLOTS; i++) {
		if (!mailbox[to][i].page) {
			mailbox[to][i] = *s;
			s->page = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&mailbox_lock[to]);
	if (s->page) {		/* mailbox full: free it ourselves */
		__free_pages(s->page, s->order);
		s->page = NULL;
	}
}

static void drain_mail(int me)
{
	pthread_mutex_lock(&mailbox_lock[me]);
	for (int i = 0; i < SLOTS; i++) {
		struct slot *s = &mailbox[me][i];

		if (s->page) {
			if (!check_block(s))
				__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
			__free_pages(s->page, s->order);
			s->page = NULL;
		}
	}
	pthread_mutex_unlock(&mailbox_lock[me]);
}

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	struct slot mine[64] = { 0 };
	uint64_t r = 0x1234567ULL * (uint64_t)(me + 1);
	int ncpu = (int)os_ncpus();

	for (int op = 0; op < OPS; op++) {
		check_xorshift(&r);
		struct slot *s = &mine[r % 64];

		if (s->page) {
			if (!check_block(s))
				__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
			if ((r >> 8) % 4 == 0)
				put_mail((me + 1 + (int)((r >> 12) % (THREADS - 1))) % THREADS, s);
			else {
				__free_pages(s->page, s->order);
				s->page = NULL;
			}
		} else {
			s->order = (unsigned int)((r >> 20) % 5);
			s->page = alloc_pages(GFP_KERNEL, s->order);
			if (!s->page) {
				__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
				continue;
			}
			s->tag = r;
			unsigned long *w = page_address(s->page);
			w[0] = r;
			w[(PAGE_SIZE << s->order) / 8 - 1] = ~r;
		}
		if (op % 512 == 0)
			drain_mail(me);
		if (op % 2048 == 0 && ncpu > 1) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET((unsigned int)(op / 2048 + me) % (unsigned int)ncpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		if (me == 0 && op % 4096 == 0)
			drain_all_pages(NULL);
	}
	for (int i = 0; i < 64; i++)
		if (mine[i].page)
			__free_pages(mine[i].page, mine[i].order);
	return NULL;
}

static void test_four_threads_with_remote_frees(void)
{
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++)
		pthread_mutex_init(&mailbox_lock[i], NULL);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++)
		drain_mail(i);
	CHECK_EQ(errors, 0);
	drain_all_pages(NULL);
	CHECK_EQ(page_alloc_validate(), 0);
	CHECK_EQ(global_free_pages(), base_free);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=512M"), 0);
	drain_all_pages(NULL);
	base_free = global_free_pages();
	RUN(test_four_threads_with_remote_frees);
	return check_summary();
}
