// SPDX-License-Identifier: MIT
/*
 * mm_init.c - bringing kheap up, fork(), and the whole-heap validator.
 *
 * kheap initialises once: explicitly through kheap_init(cmdline), or lazily
 * on the first allocation from $KHEAP_CMDLINE.  Order: options, memory map,
 * page allocator, then each layer above it in layers[] order.  Every entry
 * point that can be the first call checks kheap_initialized (one predictable
 * branch, see kheap_ensure_init()).
 *
 * fork(): kheap registers pthread_atfork handlers itself (not only the malloc
 * shim), so a forked child of a multi-threaded program can allocate at once.
 * They are registered before the first initialisation starts (not at its
 * end), and the prepare handler takes init_lock first: a fork while another
 * thread initialises kheap waits for the initialisation to finish, so the
 * child never inherits a held init_lock or half-built layers.  (Nothing in
 * do_init() may register fork handlers itself: glibc runs the prepare
 * handlers holding its atfork lock.)  Then it takes every kheap lock in the
 * documented lock order: the layers from the top down (slab before page
 * allocator), then the shrinker list, then the page allocator's pcp, zone
 * and memmap locks.  The parent releases them; the child re-initialises
 * them (their owners may not exist in the child) and resets per-CPU state
 * where a layer needs it.
 */
#include "internal.h"
#include "kfence/kfence.h"
#include "kmemleak.h"

#include <errno.h>
#include <stdlib.h>

int kheap_initialized;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_result;
/*
 * Set in the thread running do_init(): a layer's init may allocate from the
 * layers below it (already up), and those entry points' kheap_ensure_init()
 * must not wait for the initialisation they are part of.
 */
static __thread int init_running;

/* Layers above the page allocator, bottom-up (see struct kheap_layer). */
static const struct kheap_layer *const layers[] = {
	&slab_layer,
	&vmalloc_layer,
	&kmalloc_layer,
	&kfree_rcu_layer,
	&kfence_layer,
	&kmemleak_layer,
};

static void fork_prepare(void)
{
	pthread_mutex_lock(&init_lock);
	if (!__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE))
		return;			/* nothing else exists yet */
	for (int i = (int)ARRAY_SIZE(layers) - 1; i >= 0; i--)
		if (layers[i] && layers[i]->fork_prepare)
			layers[i]->fork_prepare();
	vmscan_fork_prepare();
	page_alloc_fork_prepare();
}

static void fork_parent(void)
{
	if (__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE)) {
		page_alloc_fork_parent();
		vmscan_fork_parent();
		for (size_t i = 0; i < ARRAY_SIZE(layers); i++)
			if (layers[i] && layers[i]->fork_parent)
				layers[i]->fork_parent();
	}
	pthread_mutex_unlock(&init_lock);
}

static void fork_child(void)
{
	if (__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE)) {
		page_alloc_fork_child();
		vmscan_fork_child();
		for (size_t i = 0; i < ARRAY_SIZE(layers); i++)
			if (layers[i] && layers[i]->fork_child)
				layers[i]->fork_child();
	}
	pthread_mutex_init(&init_lock, NULL);
}

static void register_fork_handlers(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* Once per process, before init_lock is first taken (see the essay). */
static void ensure_fork_handlers(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, register_fork_handlers);
}

static int do_init(const char *cmdline)
{
	int ret = 0, err;

	init_running = 1;
	if (kheap_parse_cmdline(getenv("KHEAP_CMDLINE"), "KHEAP_CMDLINE"))
		ret = -EINVAL;
	if (cmdline && kheap_parse_cmdline(cmdline, "kheap_init()"))
		ret = -EINVAL;
	err = memmap_init();
	if (!err)
		err = page_alloc_init();
	if (err) {
		pr_err("kheap: initialisation failed (%d)\n", err);
		init_running = 0;
		return err;
	}
	proc_init();
	for (size_t i = 0; i < ARRAY_SIZE(layers); i++) {
		if (layers[i] && layers[i]->init) {
			err = layers[i]->init();
			if (err) {
				pr_err("kheap: %s initialisation failed (%d)\n",
				       layers[i]->name, err);
				init_running = 0;
				return err;
			}
		}
	}
	init_running = 0;
	return ret;
}

/**
 * kheap_init - initialise kheap (see <kheap/kheap.h>)
 */
int kheap_init(const char *cmdline)
{
	int ret;

	ensure_fork_handlers();
	pthread_mutex_lock(&init_lock);
	if (__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&init_lock);
		return -EBUSY;
	}
	ret = do_init(cmdline);
	init_result = ret;
	if (ret == 0 || ret == -EINVAL)
		__atomic_store_n(&kheap_initialized, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&init_lock);
	return ret;
}

/* First use without kheap_init(): initialise from $KHEAP_CMDLINE. */
void kheap_init_slow(void)
{
	if (init_running)
		return;		/* a layer allocating during its own init */
	ensure_fork_handlers();
	pthread_mutex_lock(&init_lock);
	if (!__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE)) {
		int ret = do_init(NULL);

		init_result = ret;
		if (ret && ret != -EINVAL) {
			pr_err("kheap: cannot initialise; aborting\n");
			abort();
		}
		__atomic_store_n(&kheap_initialized, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&init_lock);
}

/**
 * kheap_validate - run every layer's validate walker
 */
int kheap_validate(void)
{
	int errors = 0;

	if (!READ_ONCE(kheap_initialized))
		return 0;
	errors += page_alloc_validate();
	errors += vmscan_validate();
	for (size_t i = 0; i < ARRAY_SIZE(layers); i++)
		if (layers[i] && layers[i]->validate)
			errors += layers[i]->validate();
	return errors;
}
