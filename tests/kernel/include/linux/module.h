/* SPDX-License-Identifier: MIT */
/*
 * A module, for the kernel's test modules on kheap: module_init() names the
 * function module_main.c runs as the program (its result is the exit
 * status); module_exit() the one run after it.  The MODULE_* tags are
 * kept as nothing.
 */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/init.h>
#include <linux/kernel.h>

#define module_init(fn)	int (*kt_module_init)(void) = fn
#define module_exit(fn)	void (*kt_module_exit)(void) = fn

#define MODULE_LICENSE(s)	extern int kt_module_tag
#define MODULE_AUTHOR(s)	extern int kt_module_tag
#define MODULE_DESCRIPTION(s)	extern int kt_module_tag
#define EXPORT_SYMBOL(sym)	extern int kt_module_tag

#endif /* _LINUX_MODULE_H */
