/* SPDX-License-Identifier: MIT */
/*
 * A kernel project's <linux/kernel.h> for the kernel's test files on kheap:
 * printk in userspace (pr_info to stdout, pr_err and WARN to stderr, with
 * the file's pr_fmt), ARRAY_SIZE, min/max, WARN_ON.
 */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/compiler.h>
#include <linux/kconfig.h>

#ifndef pr_fmt
#define pr_fmt(fmt)	fmt
#endif
#define pr_info(fmt, ...)	printf(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { } while (0)

#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))

#define WARN_ON(cond) ({						\
	int __warn = !!(cond);						\
	if (__warn)							\
		fprintf(stderr, "WARNING: at %s:%d %s\n", __FILE__,	\
			__LINE__, __func__);				\
	__warn;								\
})

#endif /* _LINUX_KERNEL_H */
