// SPDX-License-Identifier: MIT
/*
 * tools/slabinfo.c - `kheap slabinfo`: /proc/slabinfo, and with options
 * the reports of the kernel's tools/mm/slabinfo (v6.12): the cache list
 * (-l), totals (-T), sorting by size, loss or partial slabs (-S, -L, -P),
 * aliases (-a), a report per cache (-r) and the alloc/free call sites of
 * caches with slab_debug=U (-t, and in -r).  The kernel's tool reads
 * /sys/kernel/slab/<cache>/ and debugfs; this one reads the same numbers
 * from the views "kernel/slab", "slab_aliases" and
 * "slab/<cache>/alloc_traces", of this process or of --pid PID.  The
 * output formats and the arithmetic are the kernel tool's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <kheap/kheap.h>

#include "shim/shim.h"
#include "tools/tool.h"

#define PAGE_SIZE_BYTES	4096UL

/* One cache, from a line of the "kernel/slab" view. */
struct cache {
	char name[64];
	unsigned long object_size, slab_size, align, order, objs_per_slab;
	unsigned long slabs, partial, cpu_slabs, objects, objects_partial;
	unsigned long total_objects, aliases, hwcache_align, reclaim_account;
	unsigned long cache_dma, destroy_by_rcu, sanity_checks, red_zone;
	unsigned long poison, store_user, trace;
};

struct alias {
	char name[64];
	char target[64];
};

static struct {
	int show_alias, show_report, show_slab, show_totals, show_track;
	int show_empty, skip_zero, show_inverted, show_bytes, unreclaim_only;
	int sort_size, sort_loss, sort_partial;
	long lines;
	int pid;
	regex_t pattern;
} opt;

static inline unsigned long min_t_ul(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

/* ---- reading the views ---- */

static const struct {
	const char *name;
	size_t off;
} fields[] = {
#define F(x) { #x, __builtin_offsetof(struct cache, x) }
	F(object_size), F(slab_size), F(align), F(order), F(objs_per_slab),
	F(slabs), F(partial), F(cpu_slabs), F(objects), F(objects_partial),
	F(total_objects), F(aliases), F(hwcache_align), F(reclaim_account),
	F(cache_dma), F(destroy_by_rcu), F(sanity_checks), F(red_zone),
	F(poison), F(store_user), F(trace),
#undef F
};

/* "name attr=value ..." into @c; false if the line is not one. */
static bool parse_cache(char *line, struct cache *c)
{
	char *save = NULL, *tok = strtok_r(line, " ", &save);

	if (!tok)
		return false;
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return false;
		*eq = 0;
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (!strcmp(tok, fields[i].name))
				*(unsigned long *)((char *)c + fields[i].off) =
					strtoul(eq + 1, NULL, 10);
	}
	return true;
}

/*
 * Parse each line of view @view with @parse into a growing array of
 * @size-byte elements; lines it rejects are skipped.  0, or 1 after a
 * message when the view cannot be read.
 */
static int read_view_lines(const char *view, size_t size,
			   bool (*parse)(char *line, void *elem), void **out,
			   int *nr)
{
	char *text, *save = NULL, *v = NULL;
	int n = 0, cap = 0;

	if (tool_fetch_slab_view("slabinfo", view, opt.pid, &text, false))
		return 1;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			char *nv = realloc(v, (size_t)(cap = cap ? 2 * cap : 64) * size);

			if (!nv)
				break;
			v = nv;
		}
		if (parse(l, v + (size_t)n * size))
			n++;
	}
	free(text);
	*out = v;
	*nr = n;
	return 0;
}

/* A cache line that matches the pattern. */
static bool parse_matching_cache(char *line, void *elem)
{
	struct cache *c = elem;

	return parse_cache(line, c) && !regexec(&opt.pattern, c->name, 0, NULL, 0);
}

/* "alias -> cache" of the slab_aliases view. */
static bool parse_alias(char *line, void *elem)
{
	struct alias *a = elem;

	return sscanf(line, "%63s -> %63s", a->name, a->target) == 2;
}

/* ---- the kernel tool's arithmetic ---- */

static unsigned long slab_size(const struct cache *s)
{
	return s->slabs * (PAGE_SIZE_BYTES << s->order);
}

static unsigned long slab_waste(const struct cache *s)
{
	return slab_size(s) - s->objects * s->object_size;
}

/* store_size(): 1.2K, 3.4M, ... unless -B. */
static int store_size(char *buffer, unsigned long value)
{
	unsigned long divisor = 1;
	char trailer = 0;
	int n;

	if (!opt.show_bytes) {
		if (value > 1000000000UL) {
			divisor = 100000000UL;
			trailer = 'G';
		} else if (value > 1000000UL) {
			divisor = 100000UL;
			trailer = 'M';
		} else if (value > 1000UL) {
			divisor = 100;
			trailer = 'K';
		}
	}
	value /= divisor;
	n = sprintf(buffer, "%ld", (long)value);
	if (trailer) {
		buffer[n] = trailer;
		n++;
		buffer[n] = 0;
	}
	if (divisor != 1) {
		memmove(buffer + n - 2, buffer + n - 3, 4);
		buffer[n - 2] = '.';
		n++;
	}
	return n;
}

/* ---- the cache list (-l, the default report) ---- */

static int line;

static void first_line(void)
{
	printf("Name                   Objects Objsize           %s Slabs/Part/Cpu  O/S O %%Fr %%Ef Flg\n",
	       opt.sort_loss ? " Loss" : "Space");
}

static void slabcache(const struct cache *s)
{
	char size_str[20], dist_str[40], flags[20], *p = flags;

	if (opt.unreclaim_only && s->reclaim_account)
		return;
	if (opt.skip_zero && !opt.show_empty && !s->slabs)
		return;
	if (opt.show_empty && s->slabs)
		return;
	store_size(size_str, opt.sort_loss ? slab_waste(s) : slab_size(s));
	snprintf(dist_str, sizeof(dist_str), "%lu/%lu/%lu",
		 s->slabs - s->cpu_slabs, s->partial, s->cpu_slabs);
	if (!line++)
		first_line();
	if (s->aliases)
		*p++ = '*';
	if (s->cache_dma)
		*p++ = 'd';
	if (s->hwcache_align)
		*p++ = 'A';
	if (s->poison)
		*p++ = 'P';
	if (s->reclaim_account)
		*p++ = 'a';
	if (s->red_zone)
		*p++ = 'Z';
	if (s->sanity_checks)
		*p++ = 'F';
	if (s->store_user)
		*p++ = 'U';
	if (s->trace)
		*p++ = 'T';
	*p = 0;
	printf("%-21s %8ld %7ld %15s %14s %4ld %1ld %3ld %3ld %s\n",
	       s->name, (long)s->objects, (long)s->object_size, size_str,
	       dist_str, (long)s->objs_per_slab, (long)s->order,
	       s->slabs ? (long)(s->partial * 100 / s->slabs) : 100,
	       s->slabs ? (long)(s->objects * s->object_size * 100 /
				 (s->slabs * (PAGE_SIZE_BYTES << s->order))) : 100,
	       flags);
}

/* ---- tracking (-t, and in -r) ---- */

static void show_traces(const struct cache *s, const char *file,
			const char *title, const char *rule)
{
	char view[160], *text;

	printf("\n%s: Kernel object %s\n%s\n", s->name, title, rule);
	snprintf(view, sizeof(view), "slab/%s/%s", s->name, file);
	if (s->store_user &&
	    !tool_fetch_view("slabinfo", view, opt.pid, &text, true)) {
		fputs(text, stdout);
		free(text);
	} else {
		printf("No Data\n");
	}
}

static void show_tracking(const struct cache *s)
{
	show_traces(s, "alloc_traces", "allocation",
		    "-----------------------------------------------------------------------");
	show_traces(s, "free_traces", "freeing",
		    "------------------------------------------------------------------------");
}

/* ---- the report of one cache (-r) ---- */

static const char *onoff(unsigned long x)
{
	return x ? "On " : "Off";
}

static void report(const struct cache *s)
{
	unsigned long slabsz = PAGE_SIZE_BYTES << s->order;

	printf("\nSlabcache: %-15s  Aliases: %2ld Order : %2ld Objects: %lu\n",
	       s->name, (long)s->aliases, (long)s->order, s->objects);
	if (s->hwcache_align)
		printf("** Hardware cacheline aligned\n");
	if (s->cache_dma)
		printf("** Memory is allocated in a special DMA zone\n");
	if (s->destroy_by_rcu)
		printf("** Slabs are destroyed via RCU\n");
	if (s->reclaim_account)
		printf("** Reclaim accounting active\n");
	printf("\nSizes (bytes)     Slabs              Debug                Memory\n");
	printf("------------------------------------------------------------------------\n");
	printf("Object : %7ld  Total  : %7ld   Sanity Checks : %s  Total: %7ld\n",
	       (long)s->object_size, (long)s->slabs, onoff(s->sanity_checks),
	       (long)(s->slabs * slabsz));
	printf("SlabObj: %7ld  Full   : %7ld   Redzoning     : %s  Used : %7ld\n",
	       (long)s->slab_size, (long)(s->slabs - s->partial - s->cpu_slabs),
	       onoff(s->red_zone), (long)(s->objects * s->object_size));
	printf("SlabSiz: %7ld  Partial: %7ld   Poisoning     : %s  Loss : %7ld\n",
	       (long)slabsz, (long)s->partial, onoff(s->poison),
	       (long)(s->slabs * slabsz - s->objects * s->object_size));
	printf("Loss   : %7ld  CpuSlab: %7ld   Tracking      : %s  Lalig: %7ld\n",
	       (long)(s->slab_size - s->object_size), (long)s->cpu_slabs,
	       onoff(s->store_user),
	       (long)((s->slab_size - s->object_size) * s->objects));
	printf("Align  : %7ld  Objects: %7ld   Tracing       : %s  Lpadd: %7ld\n",
	       (long)s->align, (long)s->objs_per_slab, onoff(s->trace),
	       (long)((slabsz - s->objs_per_slab * s->slab_size) * s->slabs));
	show_tracking(s);
}

/* ---- totals (-T) ---- */

static void totals(const struct cache *v, int n, int nr_aliases,
		   int alias_targets)
{
	int used_slabs = 0;
	char b1[20], b2[20], b3[20], b4[20];
	unsigned long long max = 1ULL << 63;
	unsigned long long min_objsize = max, max_objsize = 0, avg_objsize;
	unsigned long long min_partial = max, max_partial = 0, avg_partial, total_partial = 0;
	unsigned long long min_slabs = max, max_slabs = 0, avg_slabs, total_slabs = 0;
	unsigned long long min_size = max, max_size = 0, avg_size, total_size = 0;
	unsigned long long min_used = max, max_used = 0, avg_used, total_used = 0;
	unsigned long long min_waste = max, max_waste = 0, avg_waste, total_waste = 0;
	unsigned long long min_objects = max, max_objects = 0, avg_objects, total_objects = 0;
	unsigned long long min_objwaste = max, max_objwaste = 0, avg_objwaste, total_objwaste = 0;
	unsigned long long min_memobj = max, max_memobj = 0, avg_memobj, total_objsize = 0;
	unsigned long min_ppart = 100, max_ppart = 0, avg_ppart, total_ppart = 0;
	unsigned long min_partobj = max, max_partobj = 0, avg_partobj, total_partobj = 0;
	unsigned long min_ppartobj = 100, max_ppartobj = 0, avg_ppartobj, total_ppartobj = 0;

	for (const struct cache *s = v; s < v + n; s++) {
		unsigned long long size, wasted, objwaste;
		unsigned long used, ppart, ppartobj;

		if (!s->slabs || !s->objects)
			continue;
		used_slabs++;
		size = slab_size(s);
		used = s->objects * s->object_size;
		wasted = size - used;
		objwaste = s->slab_size - s->object_size;
		ppart = min_t_ul(s->partial * 100 / s->slabs, 100);
		ppartobj = min_t_ul(s->objects_partial * 100 / s->objects, 100);
#define MINMAX(lo, hi, x) do { if ((x) < lo) lo = (x); if ((x) > hi) hi = (x); } while (0)
		MINMAX(min_objsize, max_objsize, s->object_size);
		MINMAX(min_partial, max_partial, s->partial);
		MINMAX(min_slabs, max_slabs, s->slabs);
		MINMAX(min_size, max_size, size);
		MINMAX(min_waste, max_waste, wasted);
		MINMAX(min_objwaste, max_objwaste, objwaste);
		MINMAX(min_objects, max_objects, s->objects);
		MINMAX(min_used, max_used, used);
		MINMAX(min_partobj, max_partobj, s->objects_partial);
		MINMAX(min_ppart, max_ppart, ppart);
		MINMAX(min_ppartobj, max_ppartobj, ppartobj);
		MINMAX(min_memobj, max_memobj, s->slab_size);
#undef MINMAX
		total_partial += s->partial;
		total_slabs += s->slabs;
		total_size += size;
		total_waste += wasted;
		total_objects += s->objects;
		total_used += used;
		total_partobj += s->objects_partial;
		total_ppart += ppart;
		total_ppartobj += ppartobj;
		total_objwaste += s->objects * objwaste;
		total_objsize += s->objects * s->slab_size;
	}
	if (!total_objects) {
		printf("No objects\n");
		return;
	}
	if (!used_slabs) {
		printf("No slabs\n");
		return;
	}
	avg_partial = total_partial / used_slabs;
	avg_slabs = total_slabs / used_slabs;
	avg_size = total_size / used_slabs;
	avg_waste = total_waste / used_slabs;
	avg_objects = total_objects / used_slabs;
	avg_used = total_used / used_slabs;
	avg_partobj = total_partobj / used_slabs;
	avg_ppart = total_ppart / used_slabs;
	avg_ppartobj = total_ppartobj / used_slabs;
	avg_objsize = total_used / total_objects;
	avg_objwaste = total_objwaste / total_objects;
	avg_partobj = total_partobj * 100 / total_objects;
	avg_memobj = total_objsize / total_objects;

	printf("Slabcache Totals\n");
	printf("----------------\n");
	printf("Slabcaches : %15d   Aliases  : %11d->%-3d  Active:    %3d\n",
	       n, nr_aliases, alias_targets, used_slabs);
	store_size(b1, total_size);
	store_size(b2, total_waste);
	store_size(b3, total_waste * 100 / total_used);
	printf("Memory used: %15s   # Loss   : %15s   MRatio:%6s%%\n", b1, b2, b3);
	store_size(b1, total_objects);
	store_size(b2, total_partobj);
	store_size(b3, total_partobj * 100 / total_objects);
	printf("# Objects  : %15s   # PartObj: %15s   ORatio:%6s%%\n", b1, b2, b3);
	printf("\n");
	printf("Per Cache         Average              Min              Max            Total\n");
	printf("----------------------------------------------------------------------------\n");
#define ROW(label, a, b, c, d) do { store_size(b1, a); store_size(b2, b); \
	store_size(b3, c); store_size(b4, d); \
	printf("%-9s %15s  %15s  %15s  %15s\n", label, b1, b2, b3, b4); } while (0)
	ROW("#Objects", avg_objects, min_objects, max_objects, total_objects);
	ROW("#Slabs", avg_slabs, min_slabs, max_slabs, total_slabs);
	ROW("#PartSlab", avg_partial, min_partial, max_partial, total_partial);
	store_size(b1, avg_ppart);
	store_size(b2, min_ppart);
	store_size(b3, max_ppart);
	store_size(b4, total_partial * 100 / total_slabs);
	printf("%%PartSlab%15s%% %15s%% %15s%% %15s%%\n", b1, b2, b3, b4);
	ROW("PartObjs", avg_partobj, min_partobj, max_partobj, total_partobj);
	store_size(b1, avg_ppartobj);
	store_size(b2, min_ppartobj);
	store_size(b3, max_ppartobj);
	store_size(b4, total_partobj * 100 / total_objects);
	printf("%% PartObj%15s%% %15s%% %15s%% %15s%%\n", b1, b2, b3, b4);
	ROW("Memory", avg_size, min_size, max_size, total_size);
	ROW("Used", avg_used, min_used, max_used, total_used);
	ROW("Loss", avg_waste, min_waste, max_waste, total_waste);
#undef ROW
	printf("\n");
	printf("Per Object        Average              Min              Max\n");
	printf("-----------------------------------------------------------\n");
#define ROW3(label, a, b, c) do { store_size(b1, a); store_size(b2, b); \
	store_size(b3, c); printf("%-9s %15s  %15s  %15s\n", label, b1, b2, b3); } while (0)
	ROW3("Memory", avg_memobj, min_memobj, max_memobj);
	ROW3("User", avg_objsize, min_objsize, max_objsize);
	ROW3("Loss", avg_objwaste, min_objwaste, max_objwaste);
#undef ROW3
}

/* ---- aliases (-a) ---- */

static int by_target(const void *a, const void *b)
{
	const struct alias *x = a, *y = b;
	int r = opt.show_inverted ? strcasecmp(x->name, y->name)
				  : strcasecmp(x->target, y->target);

	return r ? r : strcasecmp(x->name, y->name);
}

static void show_aliases(struct alias *a, int n)
{
	const char *active = NULL;

	qsort(a, (size_t)n, sizeof(*a), by_target);
	for (int i = 0; i < n; i++) {
		if (opt.show_inverted) {
			printf("%-15s -> %s\n", a[i].name, a[i].target);
			continue;
		}
		if (active && !strcmp(a[i].target, active)) {
			printf(" %s", a[i].name);
			continue;
		}
		printf("\n%-12s <- %s", a[i].target, a[i].name);
		active = a[i].target;
	}
	if (active)
		printf("\n");
}

/* ---- sorting and the command ---- */

static int compare(const void *a, const void *b)
{
	const struct cache *s1 = a, *s2 = b;
	int result;

	if (opt.sort_size && slab_size(s1) != slab_size(s2))
		result = slab_size(s1) < slab_size(s2) ? 1 : -1;
	else if (opt.sort_loss && slab_waste(s1) != slab_waste(s2))
		result = slab_waste(s1) < slab_waste(s2) ? 1 : -1;
	else if (opt.sort_partial && s1->partial != s2->partial)
		result = s1->partial < s2->partial ? 1 : -1;
	else
		result = strcasecmp(s1->name, s2->name);
	return opt.show_inverted ? -result : result;
}

static const char slabinfo_usage[] =
	"Usage: kheap slabinfo [--pid PID] [--tune TEXT] [-aBehilLPrStTUz] [-N K] [CACHE-REGEX]\n"
	"\n"
	"Without options: /proc/slabinfo.  With options: the reports of the\n"
	"kernel's tools/mm/slabinfo, from the same numbers (the kernel/slab view,\n"
	"SLUB's /sys/kernel/slab: none under slab_allocator=slab or slob):\n"
	"  -a  aliases: the names merged into each cache\n"
	"  -B  sizes in bytes (not 1.2K, 3.4M)\n"
	"  -e  empty caches only          -z  include empty caches\n"
	"  -h, --help  this text          -i  inverted order\n"
	"  -l  the cache list (Name Objects Objsize Space Slabs/Part/Cpu O/S O %Fr %Ef Flg)\n"
	"  -L  sort by loss               -S  sort by size\n"
	"  -P  sort by partial slabs      -N K  only the first K caches\n"
	"  -r  a report per cache: sizes, slabs total/full/partial/CPU, memory\n"
	"      used and lost, debug flags, and the alloc/free call sites\n"
	"  -t  the alloc/free call sites (caches with slab_debug=U)\n"
	"  -T  totals over all caches     -U  unreclaimable caches only\n"
	"  --pid PID  a process started by `kheap run` (default: this command's\n"
	"             own fresh heap)\n"
	"  --tune \"CACHE LIMIT BATCHCOUNT SHARED\"  first write that line to\n"
	"             slabinfo, as `echo ... > /proc/slabinfo` does under SLAB\n"
	"             (slab_allocator=slab): the cache's per-CPU arrays hold\n"
	"             LIMIT objects and move BATCHCOUNT at a time, its shared\n"
	"             array SHARED * BATCHCOUNT; bad values are ignored, as in\n"
	"             the kernel.  SLUB's slabinfo is read-only, SLOB has none.\n"
	"Flg: * aliases, d DMA, A cache-line aligned, P poison, a reclaim\n"
	"accounted, Z red zones, F sanity checks, U user tracking, T trace.\n";

/*
 * --tune TEXT: write TEXT to slabinfo first, as `echo TEXT >
 * /proc/slabinfo` does under SLAB; in process @pid (its publisher does the
 * write) or in this one.  0, or 1 after a message.
 */
static int tune_slabinfo(const char *text, int pid)
{
	char view[KHEAP_VIEW_NAME_MAX], *reply;
	long err;

	if (pid) {
		snprintf(view, sizeof(view), "slabinfo %s", text);
		if (tool_fetch_view("slabinfo", view, pid, &reply, false))
			return 1;
		err = strncmp(reply, "kheap: ", 7) ? 0 : 1;
		if (err)	/* "kheap: slabinfo: <why>" from the process */
			fputs(reply, stderr);
		free(reply);
		return (int)err;
	}
	err = kheap_proc_write("slabinfo", text, strlen(text));
	if (err >= 0)
		return 0;
	if (err == -EACCES)
		fprintf(stderr, "%s: slabinfo: read-only: only SLAB (slab_allocator=slab) has tunables\n",
			prog);
	else if (err == -ENOENT)
		fprintf(stderr, "%s: slabinfo: no such view: SLOB (slab_allocator=slob) has no /proc/slabinfo\n",
			prog);
	else
		fprintf(stderr, "%s: slabinfo: cannot write \"%s\": %s (\"CACHE LIMIT BATCHCOUNT SHARED\" of a cache slabinfo lists)\n",
			prog, text, strerror((int)-err));
	return 1;
}

int cmd_slabinfo(const struct command *c, int argc, char **argv,
		 const char *cmdline)
{
	const char *pidarg = NULL, *pattern = ".*", *tune = NULL;
	struct cache *caches = NULL;
	struct alias *aliases = NULL;
	int nr = 0, nr_aliases = 0, r, any = 0;

	memset(&opt, 0, sizeof(opt));
	line = 0;
	opt.skip_zero = 1;
	opt.lines = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		r = tool_option_value(c->name, argc, argv, &i, "--pid", &pidarg);
		if (r == 2)
			return 2;
		if (r)
			continue;
		r = tool_option_value(c->name, argc, argv, &i, "--tune", &tune);
		if (r == 2)
			return 2;
		if (r)
			continue;
		r = tool_option_value(c->name, argc, argv, &i, "-N", &v);
		if (r == 2)
			return 2;
		if (r) {
			opt.lines = atol(v) < 1 ? 1 : atol(v);
			any = 1;
			continue;
		}
		if (!strcmp(a, "--help")) {
			fputs(slabinfo_usage, stdout);
			return 0;
		}
		if (a[0] != '-' || !a[1]) {
			pattern = a;
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			switch (*p) {
			case 'a': opt.show_alias = 1; break;
			case 'B': opt.show_bytes = 1; break;
			case 'e': opt.show_empty = 1; break;
			case 'i': opt.show_inverted = 1; break;
			case 'l': opt.show_slab = 1; break;
			case 'L': opt.sort_loss = 1; break;
			case 'P': opt.sort_partial = 1; break;
			case 'r': opt.show_report = 1; break;
			case 'S': opt.sort_size = 1; break;
			case 't': opt.show_track = 1; break;
			case 'T': opt.show_totals = 1; break;
			case 'U': opt.unreclaim_only = 1; break;
			case 'z': opt.skip_zero = 0; break;
			case 'h':
				fputs(slabinfo_usage, stdout);
				return 0;
			default:
				fprintf(stderr, "%s: slabinfo: invalid option '-%c' in '%s'\n",
					prog, *p, a);
				fputs(slabinfo_usage, stderr);
				return 2;
			}
			any = 1;
		}
	}
	if (pidarg && (r = tool_parse_pid(c->name, pidarg, &opt.pid)))
		return r;
	if (!any && strcmp(pattern, ".*")) {
		opt.show_slab = 1;	/* a pattern alone: the list */
		any = 1;
	}
	if (!opt.pid && !tune)
		tool_note_own_view(c->name);
	if (tune && tune_slabinfo(tune, opt.pid))
		return 1;
	if (!any) {			/* plain: /proc/slabinfo */
		char *text;

		if (tool_fetch_slab_view(c->name, "slabinfo", opt.pid, &text,
					 false))
			return 1;
		fputs(text, stdout);
		free(text);
		return 0;
	}
	if (regcomp(&opt.pattern, pattern, REG_ICASE | REG_NOSUB)) {
		fprintf(stderr, "%s: slabinfo: invalid pattern '%s'\n", prog, pattern);
		return 2;
	}
	if (!opt.show_slab && !opt.show_alias && !opt.show_track &&
	    !opt.show_report)
		opt.show_slab = 1;
	r = read_view_lines("kernel/slab", sizeof(*caches), parse_matching_cache,
			    (void **)&caches, &nr) ||
	    read_view_lines("slab_aliases", sizeof(*aliases), parse_alias,
			    (void **)&aliases, &nr_aliases);
	if (r) {
		regfree(&opt.pattern);
		free(caches);
		free(aliases);
		return 1;
	}
	if (opt.show_alias) {
		show_aliases(aliases, nr_aliases);
	} else if (opt.show_totals) {
		int targets = 0;

		for (int i = 0; i < nr; i++)
			targets += caches[i].aliases != 0;
		totals(caches, nr, nr_aliases, targets);
	} else {
		long lines = opt.lines;

		qsort(caches, (size_t)nr, sizeof(*caches), compare);
		for (int i = 0; i < nr && lines != 0; i++) {
			if (lines > 0)
				lines--;
			if (opt.show_track)
				show_tracking(&caches[i]);
			else if (opt.show_slab)
				slabcache(&caches[i]);
			else if (opt.show_report)
				report(&caches[i]);
		}
	}
	regfree(&opt.pattern);
	free(caches);
	free(aliases);
	return 0;
}
