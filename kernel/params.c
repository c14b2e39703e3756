// SPDX-License-Identifier: MIT
/*
 * params.c - the one options table, and the kernel-style command line parser.
 *
 * Every tunable of kheap is one row of options[] below: its name as on the
 * kernel's command line, its type, where its value lives, the default as
 * text, and a line of help.  The same table drives the parser,
 * kheap_print_config() and the README's option list (`kheap options` prints
 * it).
 *
 * The command line ("mem=2G slab_nomerge slub_debug=FZ,kmalloc-*") comes from
 * $KHEAP_CMDLINE and from kheap_init(); it is parsed once, before anything is
 * allocated, and without allocating: words are copied into a fixed buffer on
 * the stack.  An unknown option is reported and ignored; a bad value is
 * reported naming the option and the value, the option keeps its default,
 * and kheap_init() returns -EINVAL.
 */
#include "internal.h"
#include "lib/fault-inject.h"
#include "slub_debug.h"
#include "kfence/kfence.h"
#include "kmemleak.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OBJS_PER_SLAB	32767

struct kheap_config kheap_config = {
	.mem = 0,			/* 0: the machine's RAM */
	.min_free_kbytes = 0,		/* 0: int_sqrt(lowmem_kbytes * 16) */
	.watermark_scale_factor = 10,
	.percpu_pagelist_high_fraction = 0,
	.page_reporting = true,
	.page_reporting_order = pageblock_order,
	.page_reporting_capacity = 32,
	.page_reporting_delay_ms = 2000,
	.thp = false,
	.debug_validate = false,
	.vmalloc_size = 0,		/* 0: four times mem= */
	.slab_min_order = 0,
	.slab_max_order = PAGE_ALLOC_COSTLY_ORDER,
	.slab_min_objects = 0,
	.slab_nomerge = false,		/* CONFIG_SLAB_MERGE_DEFAULT=y */
	.stats = false,
	.publish = false,
	.rseq = true,
	.sheaves = true,
	.slab_freelist_hardened = true,	/* Debian 12's 6.12 config: y */
	.double_free_check = true,
	.slab_freelist_random = true,	/* Debian 12's 6.12 config: y */
	.random_kmalloc_caches = false,	/* Debian 12's 6.12 config: n */
	.panic_on_warn = false,
	.malloc_fine = false,
	.init_on_alloc = false,		/* CONFIG_INIT_ON_ALLOC_DEFAULT_ON=n */
	.init_on_free = false,		/* CONFIG_INIT_ON_FREE_DEFAULT_ON=n */
	.page_poison = false,
};

enum opt_type {
	OPT_BOOL,	/* "name" or name=1/0/y/n/on/off */
	OPT_SIZE,	/* bytes with K/M/G/T suffix (memparse) */
	OPT_UINT,	/* unsigned decimal or 0x hex */
	OPT_FUNC,	/* parsed and shown by the owning layer */
};

struct kheap_option {
	const char *name;
	enum opt_type type;
	void *var;		/* bool *, unsigned long *, unsigned int * */
	const char *def;	/* default, as text */
	const char *help;
	unsigned long min, max;	/* accepted range for OPT_SIZE / OPT_UINT */
	int (*parse)(const char *val);		/* OPT_FUNC */
	void (*show)(char *buf, size_t len);	/* OPT_FUNC */
	const char *alias_of;	/* shown under the other name */
};

static void show_mem(char *buf, size_t len)
{
	snprintf(buf, len, "%luM", kheap_config.mem >> 20);
}

static int parse_mem(const char *val)
{
	char *end;
	unsigned long long v = kheap_memparse(val, &end);

	if (*end || v < (16ULL << 20) || v > (1ULL << 46))
		return -EINVAL;
	/* whole MAX_PAGE_ORDER blocks only */
	kheap_config.mem = (unsigned long)v & ~((PAGE_SIZE << MAX_PAGE_ORDER) - 1);
	return 0;
}

static void show_slab_merge(char *buf, size_t len)
{
	snprintf(buf, len, "%d", !kheap_config.slab_nomerge);
}

static int parse_slab_merge(const char *val)
{
	bool v = true;

	if (*val && strcmp(val, "1") && strcmp(val, "0"))
		return -EINVAL;
	if (*val == '0')
		v = false;
	kheap_config.slab_nomerge = !v;
	return 0;
}

const char *const trace_clock_names[NR_TRACE_CLOCKS] = {
	[TRACE_CLOCK_LOCAL] = "local",
	[TRACE_CLOCK_X86_TSC] = "x86-tsc",
	[TRACE_CLOCK_MONO] = "mono",
	[TRACE_CLOCK_UPTIME] = "uptime",
	[TRACE_CLOCK_COUNTER] = "counter",
};

static void show_trace_clock(char *buf, size_t len)
{
	snprintf(buf, len, "%s", trace_clock_names[kheap_config.trace_clock]);
}

static int parse_trace_clock(const char *val)
{
	for (unsigned int i = 0; i < NR_TRACE_CLOCKS; i++) {
		if (!strcmp(val, trace_clock_names[i])) {
			kheap_config.trace_clock = i;
			return 0;
		}
	}
	return -EINVAL;
}

static void show_slab_max_order(char *buf, size_t len)
{
	snprintf(buf, len, "%u", kheap_config.slab_max_order);
}

/* slab_max_order=: SLUB's and SLAB's (whose default depends on it being set) */
static int parse_slab_max_order(const char *val)
{
	char *end;
	unsigned long v;

	if (!*val || *val == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(val, &end, 0);
	if (errno || *end || v > MAX_PAGE_ORDER)
		return -EINVAL;
	kheap_config.slab_max_order = (unsigned int)v;
	kheap_config.slab_max_order_set = true;
	return 0;
}

static const char *const slab_allocator_names[] = {
	[SLAB_ALLOCATOR_SLUB] = "slub",
	[SLAB_ALLOCATOR_SLAB] = "slab",
	[SLAB_ALLOCATOR_SLOB] = "slob",
};

static void show_slab_allocator(char *buf, size_t len)
{
	snprintf(buf, len, "%s", slab_allocator_names[kheap_config.slab_allocator]);
}

static int parse_slab_allocator(const char *val)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(slab_allocator_names); i++) {
		if (!strcmp(val, slab_allocator_names[i])) {
			kheap_config.slab_allocator = i;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct kheap_option options[] = {
	{ "mem", OPT_FUNC, NULL, "RAM",
	  "size of kheap's physical memory (K/M/G suffix); default the machine's RAM, at least 16M",
	  0, 0, parse_mem, show_mem, NULL },
	{ "min_free_kbytes", OPT_UINT, &kheap_config.min_free_kbytes, "auto",
	  "free memory kept for the min watermark, in kB (auto: sqrt(lowmem_kB*16), 128..262144)",
	  128, 1U << 30, NULL, NULL, NULL },
	{ "watermark_scale_factor", OPT_UINT, &kheap_config.watermark_scale_factor, "10",
	  "distance between watermarks in 1/10000 of the zone (vm.watermark_scale_factor)",
	  1, 3000, NULL, NULL, NULL },
	{ "percpu_pagelist_high_fraction", OPT_UINT,
	  &kheap_config.percpu_pagelist_high_fraction, "0",
	  "per-CPU page list high mark as a fraction of the zone (0: auto)",
	  0, 1 << 20, NULL, NULL, NULL },
	{ "page_reporting.enabled", OPT_BOOL, &kheap_config.page_reporting, "1",
	  "give free blocks of page_reporting_order and above back to the OS (madvise)",
	  0, 0, NULL, NULL, NULL },
	{ "page_reporting.page_reporting_order", OPT_UINT,
	  &kheap_config.page_reporting_order, "9",
	  "smallest buddy order reported to the OS", pageblock_order, MAX_PAGE_ORDER,
	  NULL, NULL, NULL },
	{ "page_reporting.capacity", OPT_UINT, &kheap_config.page_reporting_capacity, "32",
	  "blocks given back per batch (PAGE_REPORTING_CAPACITY), at most 64",
	  1, 64, NULL, NULL, NULL },
	{ "page_reporting.delay_ms", OPT_UINT, &kheap_config.page_reporting_delay_ms, "2000",
	  "a reporting pass runs this long after a block of reporting order is freed (PAGE_REPORTING_DELAY)",
	  0, 600000, NULL, NULL, NULL },
	{ "transparent_hugepage", OPT_BOOL, &kheap_config.thp, "0",
	  "ask for transparent huge pages behind the direct map (MADV_HUGEPAGE; off: where huge-page faults stall they cost more than they save)",
	  0, 0, NULL, NULL, NULL },
	{ "fail_page_alloc", OPT_FUNC, NULL, "1,0,0,1",
	  "page allocation fault injection: <interval>,<probability%>,<space>,<times>",
	  0, 0, fault_inject_parse_fail_page_alloc,
	  fault_inject_show_fail_page_alloc, NULL },
	{ "fail_page_alloc.ignore-gfp-wait", OPT_BOOL,
	  &fail_page_alloc.ignore_gfp_reclaim, "1",
	  "fail_page_alloc spares requests that may reclaim (__GFP_DIRECT_RECLAIM)",
	  0, 0, NULL, NULL, NULL },
	{ "fail_page_alloc.ignore-gfp-highmem", OPT_BOOL,
	  &fail_page_alloc.ignore_gfp_highmem, "1",
	  "fail_page_alloc spares __GFP_HIGHMEM requests", 0, 0, NULL, NULL, NULL },
	{ "fail_page_alloc.min-order", OPT_UINT, &fail_page_alloc.min_order, "1",
	  "fail_page_alloc spares requests below this order", 0, MAX_PAGE_ORDER + 1,
	  NULL, NULL, NULL },
	{ "fail_page_alloc.verbose", OPT_UINT, &fail_page_alloc.attr.verbose, "2",
	  "0: quiet, 1: print each injected failure, 2: and a backtrace", 0, 2,
	  NULL, NULL, NULL },
	{ "init_on_alloc", OPT_BOOL, &kheap_config.init_on_alloc, "0",
	  "zero every page and slab object when it is allocated (slab objects of caches with a constructor, SLAB_TYPESAFE_BY_RCU or SLAB_POISON excepted)",
	  0, 0, NULL, NULL, NULL },
	{ "init_on_free", OPT_BOOL, &kheap_config.init_on_free, "0",
	  "zero every page and slab object when it is freed, malloc shim included (same exceptions; pages are then not zeroed again at allocation)",
	  0, 0, NULL, NULL, NULL },
	{ "page_poison", OPT_BOOL, &kheap_config.page_poison, "0",
	  "fill free pages with 0xaa and check them when they are allocated again (CONFIG_PAGE_POISONING); takes precedence over init_on_alloc/init_on_free",
	  0, 0, NULL, NULL, NULL },
	{ "slab_debug", OPT_FUNC, NULL, "(off)",
	  "SLUB debugging: [<FZPUTAO->][,<cache>[,...]][;...] (F checks, Z red zones, P poison, U tracks, T trace, A failslab, O not if the order grows; '*' globs; bare: FZPU)",
	  0, 0, slub_debug_parse, slub_debug_show, NULL },
	{ "slub_debug", OPT_FUNC, NULL, "(off)", "alias of slab_debug", 0, 0,
	  slub_debug_parse, slub_debug_show, "slab_debug" },
	{ "kfence.sample_interval", OPT_UINT, &kfence_sample_interval, "0",
	  "KFENCE: serve one slab allocation every this many ms from the guarded pool (0: off; a SIGSEGV handler and a thread only when on)",
	  0, 3600000, NULL, NULL, NULL },
	{ "kfence.num_objects", OPT_UINT, &kfence_num_objects, "255",
	  "KFENCE: objects in the pool ((num_objects + 1) * 2 pages)",
	  1, 65535, NULL, NULL, NULL },
	{ "kfence.deferrable", OPT_BOOL, &kfence_deferrable, "0",
	  "KFENCE: accepted for compatibility; the sampling thread has no timer slack to defer",
	  0, 0, NULL, NULL, NULL },
	{ "kmemleak.scan_at_exit", OPT_BOOL, &kmemleak_scan_at_exit, "0",
	  "run kheap_kmemleak_scan() when the program exits and report unreferenced slab objects",
	  0, 0, NULL, NULL, NULL },
	{ "failslab", OPT_FUNC, NULL, "1,0,0,1",
	  "slab allocation fault injection: <interval>,<probability%>,<space>,<times>",
	  0, 0, fault_inject_parse_failslab, fault_inject_show_failslab, NULL },
	{ "failslab.ignore-gfp-wait", OPT_BOOL, &failslab.ignore_gfp_reclaim, "1",
	  "failslab spares requests that may reclaim (__GFP_DIRECT_RECLAIM)",
	  0, 0, NULL, NULL, NULL },
	{ "failslab.cache-filter", OPT_BOOL, &failslab.cache_filter, "0",
	  "failslab fails only caches created with SLAB_FAILSLAB", 0, 0, NULL, NULL,
	  NULL },
	{ "failslab.verbose", OPT_UINT, &failslab.attr.verbose, "2",
	  "0: quiet, 1: print each injected failure, 2: and a backtrace", 0, 2,
	  NULL, NULL, NULL },
	{ "fault_inject.seed", OPT_FUNC, NULL, "0x853c49e6748fea9b",
	  "seed of fault injection's random numbers (runs are reproducible)",
	  0, 0, fault_inject_parse_seed, fault_inject_show_seed, NULL },
	{ "vmalloc", OPT_SIZE, &kheap_config.vmalloc_size, "4*mem",
	  "size of the vmalloc range (K/M/G suffix); halved until it can be reserved",
	  16UL << 20, 1UL << 46, NULL, NULL, NULL },
	{ "trace_clock", OPT_FUNC, NULL, "local",
	  "the clock of `kheap trace record` and kheap_trace_start(), by the kernel's names: local (x86-tsc where it is Linux's clocksource, else mono), x86-tsc (the time-stamp counter, read at each event), mono (CLOCK_MONOTONIC, read at each event), uptime (no clock read: CLOCK_MONOTONIC at the writer thread's 1 ms tick; the order of different threads' events within a tick is the reader's best guess), counter (one atomic counter for all threads: their exact order; times interpolated from the clock records)",
	  0, 0, parse_trace_clock, show_trace_clock, NULL },
	{ "kheap.validate", OPT_BOOL, &kheap_config.debug_validate, "0",
	  "run the layers' validate walkers at every reclaim and report problems",
	  0, 0, NULL, NULL, NULL },
	{ "kheap.stats", OPT_BOOL, &kheap_config.stats, "0",
	  "malloc shim: print the peaks (slab, pages in use, RSS, busiest caches), meminfo, slabinfo, buddyinfo and vmallocinfo to stderr at exit (also KHEAP_STATS=1)",
	  0, 0, NULL, NULL, NULL },
	{ "kheap.stats_empty", OPT_BOOL, &kheap_config.stats_empty, "0",
	  "malloc shim: kheap.stats lists caches without slabs too (`kheap run --stats -z`)",
	  0, 0, NULL, NULL, NULL },
	{ "kheap.publish", OPT_BOOL, &kheap_config.publish, "0",
	  "malloc shim: serve the views to `kheap VIEW --pid PID` (one thread, a 0600 Unix socket; `kheap run` sets it)",
	  0, 0, NULL, NULL, NULL },
	{ "kheap.pid", OPT_UINT, &kheap_config.stats_pid, "0",
	  "malloc shim: kheap.stats and kheap.publish apply only to the process with this pid (`kheap run` sets the program's; 0: to every process that inherits them)",
	  0, 4194304, NULL, NULL, NULL },
	{ "kheap.rseq", OPT_BOOL, &kheap_config.rseq, "1",
	  "SLUB's per-CPU fast paths as restartable sequences, without atomics (0: the kernel's 16-byte compare-and-swap; also 0 without rseq or membarrier, and in TSan builds)",
	  0, 0, NULL, NULL, NULL },
	{ "kheap.sheaves", OPT_BOOL, &kheap_config.sheaves, "1",
	  "per-CPU sheaves (arrays of free objects, the kernel's 6.18+ design) in front of SLUB's CPU slabs, for caches without debug flags; needs kheap.rseq",
	  0, 0, NULL, NULL, NULL },
	{ "slab_freelist_hardened", OPT_BOOL, &kheap_config.slab_freelist_hardened, "1",
	  "the kernel's CONFIG_SLAB_FREELIST_HARDENED: free pointers stored as ptr ^ per-cache secret ^ swab(address), a corrupted one reported and never followed",
	  0, 0, NULL, NULL, NULL },
	{ "slab_freelist_random", OPT_BOOL, &kheap_config.slab_freelist_random, "1",
	  "the kernel's CONFIG_SLAB_FREELIST_RANDOM: a new slab's objects are handed out in a shuffled order (a random permutation per cache, a random start per slab)",
	  0, 0, NULL, NULL, NULL },
	{ "random_kmalloc_caches", OPT_BOOL, &kheap_config.random_kmalloc_caches, "0",
	  "the kernel's CONFIG_RANDOM_KMALLOC_CACHES: 15 more copies of each normal kmalloc cache (kmalloc-rnd-01-64 ...), picked by hashing the call site with a random seed",
	  0, 0, NULL, NULL, NULL },
	{ "panic_on_warn", OPT_BOOL, &kheap_config.panic_on_warn, "0",
	  "the kernel's panic_on_warn: abort the process after a report of a double free, a corrupted freelist, a bad free or a bad page state (as glibc aborts), instead of ignoring the call and going on",
	  0, 0, NULL, NULL, NULL },
	{ "kheap.double_free_check", OPT_BOOL, &kheap_config.double_free_check, "1",
	  "with slab_freelist_hardened: freeing an object that is free already (on a freelist, in a sheaf) is reported (\"Object already free\") and ignored, not only the kernel's naive case",
	  0, 0, NULL, NULL, NULL },
	{ "kheap.malloc_fine", OPT_BOOL, &kheap_config.malloc_fine, "0",
	  "malloc shim: sizes of 257 B..8 KiB from four size classes per doubling (malloc-320, malloc-384, ...: less rounding) instead of kmalloc's powers of two",
	  0, 0, NULL, NULL, NULL },
	{ "slab_min_order", OPT_UINT, &kheap_config.slab_min_order, "0",
	  "smallest page order of a slab (the kernel's slab_min_order=)",
	  0, MAX_PAGE_ORDER, NULL, NULL, NULL },
	{ "slub_min_order", OPT_UINT, &kheap_config.slab_min_order, "0",
	  "alias of slab_min_order", 0, MAX_PAGE_ORDER, NULL, NULL,
	  "slab_min_order" },
	{ "slab_max_order", OPT_FUNC, NULL, "3",
	  "largest page order of a slab: SLUB's calculate_order() (3) and SLAB's calculate_slab_order() (unset: 1, or 0 with mem= up to 32M)",
	  0, 0, parse_slab_max_order, show_slab_max_order, NULL },
	{ "slub_max_order", OPT_FUNC, NULL, "3",
	  "alias of slab_max_order", 0, 0, parse_slab_max_order,
	  show_slab_max_order, "slab_max_order" },
	{ "slab_min_objects", OPT_UINT, &kheap_config.slab_min_objects, "0",
	  "objects a slab should hold at least (0: 4 * (fls(nr_cpus) + 1))",
	  0, MAX_OBJS_PER_SLAB, NULL, NULL, NULL },
	{ "slub_min_objects", OPT_UINT, &kheap_config.slab_min_objects, "0",
	  "alias of slab_min_objects", 0, MAX_OBJS_PER_SLAB, NULL, NULL,
	  "slab_min_objects" },
	{ "slab_allocator", OPT_FUNC, NULL, "slub",
	  "the slab allocator, fixed at start-up: slub (v6.12), slab (Bonwick's per-CPU queues: mm/slab.c as of v6.6, removed after v6.7) or slob (the first-fit list allocator of tiny systems: mm/slob.c as of v6.3)",
	  0, 0, parse_slab_allocator, show_slab_allocator, NULL },
	{ "slab_nomerge", OPT_BOOL, &kheap_config.slab_nomerge, "0",
	  "never merge compatible slab caches", 0, 0, NULL, NULL, NULL },
	{ "slub_nomerge", OPT_BOOL, &kheap_config.slab_nomerge, "0",
	  "alias of slab_nomerge", 0, 0, NULL, NULL, "slab_nomerge" },
	{ "slab_merge", OPT_FUNC, NULL, "1",
	  "merge compatible slab caches (the opposite of slab_nomerge)",
	  0, 0, parse_slab_merge, show_slab_merge, NULL },
	{ "slub_merge", OPT_FUNC, NULL, "1", "alias of slab_merge", 0, 0,
	  parse_slab_merge, show_slab_merge, "slab_merge" },
};

/* kstrtobool: 1/y/Y/on -> true, 0/n/N/off -> false. */
static int parse_bool(const char *s, bool *res)
{
	if (!strcmp(s, "1") || !strcasecmp(s, "y") || !strcasecmp(s, "yes") ||
	    !strcasecmp(s, "on") || !strcasecmp(s, "true")) {
		*res = true;
		return 0;
	}
	if (!strcmp(s, "0") || !strcasecmp(s, "n") || !strcasecmp(s, "no") ||
	    !strcasecmp(s, "off") || !strcasecmp(s, "false")) {
		*res = false;
		return 0;
	}
	return -EINVAL;
}

/**
 * kheap_memparse - parse a size with an optional K/M/G/T/P/E suffix, as the
 * kernel's memparse() does.  *@retptr points past what was parsed.
 */
unsigned long long kheap_memparse(const char *ptr, char **retptr)
{
	char *end;
	unsigned long long v = strtoull(ptr, &end, 0);

	switch (*end) {
	case 'E': case 'e': v <<= 10; /* fall through */
	case 'P': case 'p': v <<= 10; /* fall through */
	case 'T': case 't': v <<= 10; /* fall through */
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10;
		end++;
		break;
	default:
		break;
	}
	if (retptr)
		*retptr = end;
	return v;
}

static int parse_number(const struct kheap_option *o, const char *val)
{
	char *end;
	unsigned long long v;

	if (!*val || *val == '-')
		return -EINVAL;
	errno = 0;
	if (o->type == OPT_SIZE)
		v = kheap_memparse(val, &end);
	else
		v = strtoull(val, &end, 0);
	if (errno || *end || v < o->min || v > o->max)
		return -EINVAL;
	if (o->type == OPT_SIZE)
		*(unsigned long *)o->var = (unsigned long)v;
	else
		*(unsigned int *)o->var = (unsigned int)v;
	return 0;
}

static const struct kheap_option *find_option(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (!strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

/* Apply one "name" or "name=value" word; 0, -ENOENT or -EINVAL. */
static int apply_option(char *word, const char *source)
{
	char *eq = strchr(word, '=');
	const char *val = NULL;
	const struct kheap_option *o;
	int err = 0;

	if (eq) {
		*eq = 0;
		val = eq + 1;
	}
	o = find_option(word);
	if (!o) {
		pr_warn("kheap: unknown option \"%s\" in %s ignored\n", word,
			source);
		return -ENOENT;
	}
	switch (o->type) {
	case OPT_BOOL:
		err = val ? parse_bool(val, (bool *)o->var) : 0;
		if (!val)
			*(bool *)o->var = true;
		break;
	case OPT_SIZE:
	case OPT_UINT:
		err = val ? parse_number(o, val) : -EINVAL;
		break;
	case OPT_FUNC:
		err = o->parse(val ? val : "");
		break;
	}
	if (err)
		pr_err("kheap: bad value \"%s\" for option %s in %s; keeping the default %s\n",
		       val ? val : "", o->name, source, o->def);
	return err;
}

/**
 * kheap_parse_cmdline - apply a kernel-style command line
 * @cmdline: space-separated words; "name=value" or "name"; double quotes
 *           may enclose a value with spaces
 * @source: where it came from, for messages
 *
 * Return: 0, or -EINVAL if any option had a bad value.
 */
int kheap_parse_cmdline(const char *cmdline, const char *source)
{
	char word[1024];
	int ret = 0;

	if (!cmdline)
		return 0;
	while (*cmdline) {
		size_t n = 0;
		bool quoted = false;

		while (*cmdline == ' ' || *cmdline == '\t' || *cmdline == '\n')
			cmdline++;
		if (!*cmdline)
			break;
		while (*cmdline && (quoted || (*cmdline != ' ' &&
					       *cmdline != '\t' &&
					       *cmdline != '\n'))) {
			if (*cmdline == '"') {
				quoted = !quoted;
			} else if (n < sizeof(word) - 1) {
				word[n++] = *cmdline;
			}
			cmdline++;
		}
		word[n] = 0;
		if (apply_option(word, source) == -EINVAL)
			ret = -EINVAL;
	}
	return ret;
}

void kheap_print_config(FILE *out)
{
	char buf[256];

	kheap_ensure_init();
	fprintf(out, "# kheap %s configuration (option=value  # help)\n",
		KHEAP_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		const struct kheap_option *o = &options[i];

		if (o->alias_of)
			continue;
		switch (o->type) {
		case OPT_BOOL:
			snprintf(buf, sizeof(buf), "%d", *(bool *)o->var);
			break;
		case OPT_SIZE:
			snprintf(buf, sizeof(buf), "%lu", *(unsigned long *)o->var);
			break;
		case OPT_UINT:
			snprintf(buf, sizeof(buf), "%u", *(unsigned int *)o->var);
			break;
		case OPT_FUNC:
			o->show(buf, sizeof(buf));
			break;
		}
		fprintf(out, "%s=%s\t# %s (default %s)\n", o->name, buf,
			o->help, o->def);
	}
}

/**
 * kheap_print_options - the option table as markdown (README's list)
 */
void kheap_print_options(FILE *out)
{
	fprintf(out, "| option | default | meaning |\n|---|---|---|\n");
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		const struct kheap_option *o = &options[i];

		if (o->alias_of)
			fprintf(out, "| `%s` | | alias of `%s` |\n", o->name,
				o->alias_of);
		else
			fprintf(out, "| `%s` | %s | %s |\n", o->name, o->def,
				o->help);
	}
}
