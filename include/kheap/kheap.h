/* SPDX-License-Identifier: MIT */
/*
 * kheap/kheap.h - kheap's own API: initialisation, options, /proc-style views,
 * validation walkers and reclaim control.  Kernel names live in <linux/...>.
 */
#ifndef _KHEAP_KHEAP_H
#define _KHEAP_KHEAP_H

#include <stdio.h>
#include <kheap/types.h>

#define KHEAP_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * kheap_init - initialise kheap with a kernel-style command line
 * @cmdline: options such as "mem=2G slab_nomerge"; NULL means $KHEAP_CMDLINE
 *
 * Call before the first allocation; without it kheap initialises itself on
 * first use from $KHEAP_CMDLINE.  Options are parsed without allocating.
 * Unknown options are reported and ignored; an option with a bad value is
 * reported and keeps its default.
 *
 * Return: 0; -EINVAL if an option had a bad value (kheap is still usable);
 * -EBUSY if kheap was already initialised; -ENOMEM if no address space could
 * be reserved.
 */
int kheap_init(const char *cmdline);

/**
 * kheap_print_config - print every option and the value in force
 * @out: stream to print to
 */
void kheap_print_config(FILE *out);

/**
 * kheap_print_options - print the table of options (name, default, help) as
 * markdown
 * @out: stream to print to
 */
void kheap_print_options(FILE *out);

/**
 * kheap_proc_show - print a /proc-style view in the kernel's format
 * @name: "buddyinfo", "pagetypeinfo", "zoneinfo", "meminfo", "vmstat",
 *        "slabinfo", "vmallocinfo" (/proc/NAME); "extfrag/unusable_index",
 *        "extfrag/extfrag_index" (debugfs); "slab_aliases"; or
 *        "slub_stats" (CONFIG_SLUB_STATS builds only)
 * @out: stream to print to
 *
 * Return: 0, or -ENOENT for an unknown view.
 */
int kheap_proc_show(const char *name, FILE *out);

/**
 * kheap_proc_write - write to a /proc-style view, as writing to the
 * kernel's file does
 * @name: the view; under slab_allocator=slab, "slabinfo" accepts
 *        "<cache> <limit> <batchcount> <shared>" (SLAB's tunables, as
 *        mm/slab.c's slabinfo_write(): at most 128 bytes, bad values
 *        ignored)
 * @buf: the bytes written (need not be NUL-terminated)
 * @count: how many
 *
 * Return: @count, or -ENOENT for an unknown view (slabinfo under SLOB),
 * -EACCES for a read-only one (slabinfo under SLUB), -EINVAL for a write
 * the view refuses.
 */
long kheap_proc_write(const char *name, const char *buf, size_t count);

/**
 * kheap_validate - walk every layer and check all its invariants
 *
 * Return: the number of problems found (each is reported on stderr).
 */
int kheap_validate(void);

/**
 * kheap_page_reporting_flush - give every free block of pageblock order or
 * more that is still committed back to the OS now (free page reporting)
 *
 * Return: the number of pages reported.
 */
unsigned long kheap_page_reporting_flush(void);

/**
 * kheap_kmemleak_scan - report slab objects that no pointer reaches, in
 * kmemleak's format on stderr (roots: data and bss of every loaded object,
 * the calling thread's stack and registers)
 *
 * Return: the number of newly found suspected leaks.
 */
int kheap_kmemleak_scan(void);

/**
 * kheap_fail_nth - make the calling thread's @nth next candidate for fault
 * injection fail, as writing to /proc/thread-self/fail-nth does
 * @nth: 1 fails the next candidate; 0 disarms
 *
 * Candidates are the page and slab allocations that the fail_page_alloc
 * and failslab filters let through (see the fail_page_alloc.* and
 * failslab.* options: by default requests that may reclaim are spared).
 */
void kheap_fail_nth(unsigned int nth);

#ifdef __cplusplus
}
#endif

#endif /* _KHEAP_KHEAP_H */
