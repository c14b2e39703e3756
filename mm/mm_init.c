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
 * handlers holding its atfork lock.)  Then it pauses liburcu's call_rcu
 * threads and takes every kheap lock in the one lock order of
 * docs/design.md, step by step down fork_steps[] (the table and the
 * document's list say the same).  The parent releases them in reverse;
 * the child re-initialises them (their owners may not exist in the child)
 * and resets per-CPU state where a layer needs it.
 *
 * Memory initialisation (init_on_alloc=, init_on_free=) is decided here,
 * once, before any allocation, as the kernel's
 * mem_debugging_and_hardening_init() does: the two flags <linux/mm.h>'s
 * want_init_on_alloc()/want_init_on_free() read, and SLUB's hook bits.
 */
#include "internal.h"
#include "slab.h"
#include "kfence/kfence.h"
#include "kmemleak.h"
#include "lib/fault-inject.h"
#include "kernel/trace/trace.h"
#include "slub_debug.h"

#include <errno.h>
#include <stdlib.h>

int kheap_initialized;
bool kheap_init_on_alloc;		/* the kernel's init_on_alloc key */
bool kheap_init_on_free;		/* the kernel's init_on_free key */
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

/*
 * liburcu's call_rcu threads run kfree_rcu batches and SLAB_TYPESAFE_BY_RCU
 * slab frees, which take slab, vmalloc and page allocator locks: they are
 * paused before the first kheap lock is taken.
 */
static void urcu_fork_prepare(void)
{
	urcu_memb_call_rcu_before_fork();
}

static void urcu_fork_parent(void)
{
	urcu_memb_call_rcu_after_fork_parent();
}

static void urcu_fork_child(void)
{
	urcu_memb_call_rcu_after_fork_child();
}

/*
 * Every kheap lock after init_lock, in the lock order of docs/design.md
 * (outermost first); the list there and this table say the same.
 */
static const struct kheap_fork_step fork_steps[] = {
	{ "call_rcu threads", NULL, urcu_fork_prepare, urcu_fork_parent,
	  urcu_fork_child },
	{ "slab_mutex", NULL, slab_mutex_fork_prepare, slab_mutex_fork_parent,
	  slab_mutex_fork_child },
	{ "shrinker_rwsem", NULL, vmscan_fork_prepare, vmscan_fork_parent,
	  vmscan_fork_child },
	{ "kmemleak_lock", &kmemleak_lock },
	{ "kfree_rcu batch locks", NULL, kfree_rcu_fork_prepare,
	  kfree_rcu_fork_parent, kfree_rcu_fork_child },
	{ "vmap locks", NULL, vmalloc_fork_prepare, vmalloc_fork_parent,
	  vmalloc_fork_child },
	{ "slab cache locks", NULL, slab_caches_fork_prepare,
	  slab_caches_fork_parent, slab_caches_fork_child },
	{ "kfence_lock", &kfence_lock },
	{ "page allocator locks", NULL, page_alloc_fork_prepare,
	  page_alloc_fork_parent, page_alloc_fork_child },
	{ "fi_lock", &fi_lock },
	{ "views_lock", &views_lock },
	{ "trace recorder locks", NULL, trace_fork_prepare, trace_fork_parent,
	  trace_fork_child },
};

static void fork_prepare(void)
{
	pthread_mutex_lock(&init_lock);
	if (!__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE))
		return;			/* nothing else exists yet */
	for (size_t i = 0; i < ARRAY_SIZE(fork_steps); i++) {
		if (fork_steps[i].lock)
			kh_lock(fork_steps[i].lock);
		else
			fork_steps[i].prepare();
	}
}

static void fork_parent(void)
{
	if (__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE)) {
		for (size_t i = ARRAY_SIZE(fork_steps); i-- > 0;) {
			if (fork_steps[i].lock)
				kh_unlock(fork_steps[i].lock);
			else
				fork_steps[i].parent();
		}
	}
	pthread_mutex_unlock(&init_lock);
}

/* The child's only thread holds every lock; their owners may be gone. */
static void fork_child(void)
{
	if (__atomic_load_n(&kheap_initialized, __ATOMIC_ACQUIRE)) {
		for (size_t i = ARRAY_SIZE(fork_steps); i-- > 0;) {
			if (fork_steps[i].lock)
				kh_lock_reinit(fork_steps[i].lock);
			else
				fork_steps[i].child();
		}
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

/*
 * mem_debugging_and_hardening_init - page poisoning, then init_on_alloc
 * and init_on_free as asked, in v6.12's order (mm/mm_init.c): poisoning
 * takes precedence over both, with the kernel's message.  SLAB_POISON
 * caches keep their poison instead of being zeroed, which slab_debug's
 * global P announces as the kernel does.
 */
static void mem_debugging_and_hardening_init(void)
{
	page_poisoning = kheap_config.page_poison;
	kheap_init_on_alloc = kheap_config.init_on_alloc;
	kheap_init_on_free = kheap_config.init_on_free;
	if (page_poisoning && (kheap_init_on_alloc || kheap_init_on_free)) {
		pr_info("mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and init_on_free\n");
		kheap_init_on_alloc = kheap_init_on_free = false;
	}
	if (kheap_init_on_alloc || kheap_init_on_free)
		__atomic_fetch_or(&slab_alloc_hooks, SLAB_HOOK_INIT_ALLOC,
				  __ATOMIC_RELAXED);
	if (kheap_init_on_free)
		__atomic_fetch_or(&slab_alloc_hooks, SLAB_HOOK_INIT_FREE,
				  __ATOMIC_RELAXED);
	if ((kheap_init_on_alloc || kheap_init_on_free) &&
	    (slub_debug & SLAB_POISON))
		pr_info("mem auto-init: SLAB_POISON will take precedence over init_on_alloc/init_on_free\n");
}

static int do_init(const char *cmdline)
{
	int ret = 0, err;

	init_running = 1;
	if (kheap_parse_cmdline(getenv("KHEAP_CMDLINE"), "KHEAP_CMDLINE"))
		ret = -EINVAL;
	if (cmdline && kheap_parse_cmdline(cmdline, "kheap_init()"))
		ret = -EINVAL;
	mem_debugging_and_hardening_init();
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
