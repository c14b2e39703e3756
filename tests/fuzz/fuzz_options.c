// SPDX-License-Identifier: MIT
/*
 * fuzz_options - libFuzzer target: the kernel-style command line parser
 * (kernel/params.c: every option of the table, slab_debug='s grammar, the
 * fault injection attributes, sizes with suffixes, quotes), as
 * $KHEAP_CMDLINE and kheap_init() feed it.
 *
 * The input is the command line (a NUL is added; at most 4 KiB).  The
 * parser must not crash, read out of bounds or loop, and must leave the
 * options in their ranges: after every input kheap_config is checked
 * against the table's limits (mem= whole 4 MiB blocks of at least 16 MiB,
 * slab orders at most MAX_PAGE_ORDER, ...) and then reset to its
 * defaults, so inputs do not depend on each other.  kheap_print_config()
 * formats the result (into /dev/null) every 64 inputs.
 *
 * Seeds: tests/fuzz/corpus/fuzz_options.
 */
#include "internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_options: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static struct kheap_config defaults;
static FILE *devnull;

/* libFuzzer's entry points */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	unsetenv("KHEAP_CMDLINE");
	defaults = kheap_config;
	devnull = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[4096 + 1];
	static unsigned long runs;
	const struct kheap_config *c = &kheap_config;
	int ret;

	if (size > sizeof(line) - 1)
		size = sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = 0;
	ret = kheap_parse_cmdline(line, "fuzz");
	CHECK(ret == 0 || ret == -EINVAL);
	CHECK(c->mem == 0 || (c->mem >= (16UL << 20) &&
			      !(c->mem & ((PAGE_SIZE << MAX_PAGE_ORDER) - 1))));
	CHECK(c->slab_min_order <= MAX_PAGE_ORDER);
	CHECK(c->slab_max_order <= MAX_PAGE_ORDER);
	CHECK(c->page_reporting_capacity >= 1 && c->page_reporting_capacity <= 64);
	CHECK(c->page_reporting_order >= pageblock_order &&
	      c->page_reporting_order <= MAX_PAGE_ORDER);
	CHECK(c->watermark_scale_factor >= 1 && c->watermark_scale_factor <= 3000);
	CHECK(c->vmalloc_size == 0 || c->vmalloc_size >= (16UL << 20));
	if (++runs % 64 == 0 && devnull)
		kheap_print_config(devnull);
	kheap_config = defaults;
	return 0;
}
