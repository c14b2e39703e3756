// SPDX-License-Identifier: MIT
/*
 * test_kfree_rcu - kfree_rcu() frees an object only after every reader
 * that could see it has left its RCU read-side critical section (liburcu's
 * memb flavour), batching per CPU; kvfree_rcu_barrier() flushes them.
 *
 *  - a reader holding an object inside urcu_memb_read_lock() sees it
 *    intact however long after kfree_rcu() it looks;
 *  - 2 writers replace a shared object and kfree_rcu() the old one while 2
 *    readers check every object they reach (magic words and a generation
 *    read twice): a premature free shows as a changed generation or a
 *    magic word overwritten by SLUB's free pointer;
 *  - after kvfree_rcu_barrier() every queued object has been freed;
 *  - kfree_rcu_mightsleep() (no rcu_head) and kvfree_rcu() of vmalloc
 *    memory work too.
 * Runs under each slab allocator; under SLOB, which keeps no object
 * counts, "every object freed" is "the slab pages are back".
 * Not run under ThreadSanitizer: TSan cannot see liburcu's grace periods
 * (an uninstrumented library) and would report every free after them.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"

#include <pthread.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#define MAGIC	0x6b6b5a5aa5a5c3c3ULL

struct node {
	unsigned long long magic[3];
	unsigned long gen;
	struct rcu_head rcu;
	unsigned long long magic2[2];
};

static struct node *shared;
static volatile int stop;
static unsigned long gen_counter;
static int errors;

static struct node *new_node(void)
{
	struct node *n = kmalloc(sizeof(*n), GFP_KERNEL);

	for (int i = 0; i < 3; i++)
		n->magic[i] = MAGIC;
	n->magic2[0] = n->magic2[1] = MAGIC;
	n->gen = __atomic_add_fetch(&gen_counter, 1, __ATOMIC_RELAXED);
	return n;
}

static bool node_ok(const struct node *n)
{
	for (int i = 0; i < 3; i++)
		if (n->magic[i] != MAGIC)
			return false;
	return n->magic2[0] == MAGIC && n->magic2[1] == MAGIC;
}

/* The kmalloc cache struct node objects come from. */
static struct kmem_cache *node_cache(void)
{
	void *p = kmalloc(sizeof(struct node), GFP_KERNEL);
	struct kmem_cache *s = virt_to_slab(p)->slab_cache;

	kfree(p);
	return s;
}

static unsigned long live_objects(struct kmem_cache *s)
{
	struct slabinfo si;

	kmem_cache_shrink(s);
	if (kheap_config.slab_allocator == SLAB_ALLOCATOR_SLOB)	/* no counts: */
		return node_page_state(NR_SLAB_UNRECLAIMABLE);	/* its pages */
	memset(&si, 0, sizeof(si));
	slab_ops->get_slabinfo(s, &si);
	return si.active_objs;
}

/* ---- one reader, one object, held across kfree_rcu ---- */

static struct node *held;
static volatile int reader_in, main_freed;
static int held_ok;

static void *holding_reader(void *arg)
{
	(void)arg;
	urcu_memb_register_thread();
	urcu_memb_read_lock();
	struct node *n = __atomic_load_n(&held, __ATOMIC_ACQUIRE);
	unsigned long gen = n->gen;

	__atomic_store_n(&reader_in, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&main_freed, __ATOMIC_ACQUIRE))
		usleep(1000);
	usleep(50 * 1000);	/* give a wrong implementation time to free */
	held_ok = node_ok(n) && n->gen == gen;
	urcu_memb_read_unlock();
	urcu_memb_unregister_thread();
	return NULL;
}

static void test_object_outlives_its_readers(void)
{
	pthread_t t;
	struct kmem_cache *s = node_cache();
	unsigned long base = live_objects(s);

	held = new_node();
	pthread_create(&t, NULL, holding_reader, NULL);
	while (!__atomic_load_n(&reader_in, __ATOMIC_ACQUIRE))
		usleep(1000);
	struct node *n = held;
	kfree_rcu(n, rcu);
	/* fill the batch so that it is submitted now, not in 5 s */
	for (int i = 0; i < 600; i++) {
		struct node *m = new_node();
		kfree_rcu(m, rcu);
	}
	__atomic_store_n(&main_freed, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	CHECK(held_ok);
	kvfree_rcu_barrier();
	CHECK_EQ(live_objects(s), base);	/* all of them freed now */
}

/* ---- 2 readers, 2 writers ---- */

static void *reader(void *arg)
{
	(void)arg;
	urcu_memb_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		urcu_memb_read_lock();
		struct node *n = __atomic_load_n(&shared, __ATOMIC_ACQUIRE);
		unsigned long gen = n->gen;

		for (int spin = 0; spin < 50; spin++)
			__asm__ __volatile__("" ::: "memory");
		if (!node_ok(n) || n->gen != gen)
			__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
		urcu_memb_read_unlock();
	}
	urcu_memb_unregister_thread();
	return NULL;
}

static void *writer(void *arg)
{
	int iters = (int)(long)arg;

	for (int i = 0; i < iters; i++) {
		struct node *n = new_node();
		struct node *old = __atomic_exchange_n(&shared, n, __ATOMIC_ACQ_REL);

		if (i % 3 == 0)
			kfree_rcu_mightsleep(old);
		else
			kfree_rcu(old, rcu);
	}
	return NULL;
}

static void test_readers_and_writers(void)
{
	pthread_t r[2], w[2];
	struct kmem_cache *s = node_cache();
	unsigned long base = live_objects(s);

	shared = new_node();
	for (int i = 0; i < 2; i++)
		pthread_create(&r[i], NULL, reader, NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&w[i], NULL, writer, (void *)20000L);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(r[i], NULL);
	CHECK_EQ(errors, 0);
	kfree(shared);
	kvfree_rcu_barrier();
	CHECK_EQ(live_objects(s), base);
	CHECK_EQ(kheap_validate(), 0);
}

static void test_kvfree_rcu_of_vmalloc_memory(void)
{
	unsigned long used = node_page_state(NR_VMALLOC);
	struct big {
		struct rcu_head rcu;
		char data[8 << 20];
	} *b = kvmalloc(sizeof(*b), GFP_KERNEL);

	CHECK(is_vmalloc_addr(b));
	CHECK(node_page_state(NR_VMALLOC) > used);
	kvfree_rcu(b, rcu);
	kvfree_rcu_barrier();
	CHECK_EQ(node_page_state(NR_VMALLOC), used);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=1G"), 0);
	RUN(test_object_outlives_its_readers);
	RUN(test_readers_and_writers);
	RUN(test_kvfree_rcu_of_vmalloc_memory);
	return check_summary();
}
