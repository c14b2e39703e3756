// SPDX-License-Identifier: MIT
/*
 * sample_module.c - a test module written as the kernel's lib/test_*.c
 * are (module_init, pr_fmt, pr_info, WARN_ON, IS_ENABLED, __init,
 * rcu_read_lock), built against tests/kernel/include and kheap's headers
 * and run by module_main.c: CTest's kernel_module_glue keeps the glue the
 * kernel's own test files use (run_kernel_tests.sh) building and working.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

struct sample {
	struct rcu_head rcu;
	int value;
};

static int __init sample_init(void)
{
	struct sample *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct page *page = alloc_pages(GFP_KERNEL, 2);
	char *v = vmalloc(3 * PAGE_SIZE);
	int failures = 0;

	if (WARN_ON(!s || !page || !v))
		return -ENOMEM;
	failures += s->value != 0;
	memset(page_address(page), 0x5a, 4 * PAGE_SIZE);
	failures += v[3 * PAGE_SIZE - 1] != 0;
	failures += IS_ENABLED(CONFIG_SAMPLE_SET) != 1;
	failures += IS_ENABLED(CONFIG_SAMPLE_UNSET) != 0;
	failures += IS_MODULE(CONFIG_SAMPLE_SET) != 0;
	rcu_read_lock();
	s->value = 1;
	rcu_read_unlock();
	kfree_rcu(s, rcu);
	__free_pages(page, 2);
	vfree(v);
	pr_info("%d failures\n", failures);
	return failures ? -EINVAL : 0;
}

static void __exit sample_exit(void)
{
	kvfree_rcu_barrier();
}

module_init(sample_init);
module_exit(sample_exit);
MODULE_DESCRIPTION("kheap's kernel test glue, exercised");
MODULE_LICENSE("MIT");
