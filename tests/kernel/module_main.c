// SPDX-License-Identifier: MIT
/*
 * module_main.c - runs a kernel test module (lib/test_meminit.c,
 * lib/test_free_pages.c) as a program on kheap: its module_init function,
 * then its module_exit function.  Afterwards every per-CPU page list is
 * drained and the free pages printed beside the count before (pages a
 * module leaks show there; slab caches keep a few empty slabs), and
 * kheap_validate() walks every layer.  The exit status is 0 when init
 * returned 0 and nothing was invalid.  kheap's options come from $KHEAP_CMDLINE (e.g.
 * init_on_alloc=1).
 */
#include <stdio.h>
#include <urcu/urcu-memb.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <kheap/kheap.h>

extern int (*kt_module_init)(void);
extern void (*kt_module_exit)(void) __attribute__((weak));

static unsigned long free_pages_now(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

int main(void)
{
	unsigned long before, after;
	int ret, invalid;

	urcu_memb_register_thread();		/* rcu_read_lock() readers */
	before = free_pages_now();
	ret = kt_module_init();
	if (&kt_module_exit && kt_module_exit)
		kt_module_exit();
	after = free_pages_now();
	invalid = kheap_validate();
	urcu_memb_unregister_thread();
	printf("module init returned %d; free pages %lu before, %lu after; kheap_validate: %d\n",
	       ret, before, after, invalid);
	return ret || invalid ? 1 : 0;
}
