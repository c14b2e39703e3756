// SPDX-License-Identifier: MIT
/*
 * tools/top.c - `kheap top`: the kernel's slabtop, live, for a process
 * started by `kheap run` (--pid PID) or, without --pid, for a workload
 * that this command runs on its own kheap in a second thread.
 *
 * Every refresh reads the views "slabinfo", "buddyinfo", "zoneinfo" and
 * "vmstat" (tools/view.c: from the process's publisher, or from this
 * process) and the process's VmRSS from /proc/PID/status, and draws:
 *
 *   - slabtop's summary (Active / Total Objects, Slabs, Caches, Size with
 *     % used; Minimum / Average / Maximum Object), computed as procps's
 *     slabtop computes it from /proc/slabinfo;
 *   - the buddy allocator's free blocks per zone and order, with the
 *     change since the previous refresh, the per-CPU page lists' pages and
 *     the resident set size;
 *   - slabtop's table (OBJS ACTIVE USE OBJ SIZE SLABS OBJ/SLAB CACHE SIZE
 *     NAME), sorted by one of slabtop's keys (a b c l v n o p s u), caches
 *     without objects hidden unless -z;
 *   - the vmstat counters and their change, at the bottom.
 *
 * Interactive mode is ncurses (a key sorts, q quits, z shows empty
 * caches, space refreshes now); batch mode (-b) prints the same screen as
 * plain text -n COUNT times, every table row, for scripts and tests.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kheap/kheap.h>
#include "tools/tool.h"

#define MAX_ZONES	4
#define NR_ORDERS	11
#define MAX_COUNTERS	32

struct cache_row {
	char name[64];
	unsigned long active, objs, objsize, objperslab, pagesperslab;
	unsigned long active_slabs, slabs;
};

struct snapshot {
	struct cache_row *rows;
	int nr_rows;
	char zone[MAX_ZONES][16];
	unsigned long free[MAX_ZONES][NR_ORDERS];
	int nr_zones;
	unsigned long pcp[MAX_ZONES];	/* pages on the zone's per-CPU lists */
	char counter[MAX_COUNTERS][48];
	unsigned long value[MAX_COUNTERS];
	int nr_counters;
	long rss_kb;
};

static struct {
	int pid;
	char sort;
	bool show_empty;
	bool batch;
	long count;
	double delay;
	char comm[32];
} top = { .sort = 'o', .delay = 3.0, .count = -1 };

/* ---- reading a snapshot ---- */

static void parse_slabinfo(char *text, struct snapshot *s)
{
	char *save = NULL;
	int cap = 0;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct cache_row r;

		if (l[0] == '#' || !strncmp(l, "slabinfo", 8))
			continue;
		if (sscanf(l, "%63s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu %lu",
			   r.name, &r.active, &r.objs, &r.objsize, &r.objperslab,
			   &r.pagesperslab, &r.active_slabs, &r.slabs) != 8)
			continue;
		if (s->nr_rows == cap) {
			struct cache_row *n = realloc(s->rows, (size_t)(cap = cap ? 2 * cap : 64) * sizeof(r));

			if (!n)
				return;
			s->rows = n;
		}
		s->rows[s->nr_rows++] = r;
	}
}

static void parse_buddyinfo(char *text, struct snapshot *s)
{
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l && s->nr_zones < MAX_ZONES;
	     l = strtok_r(NULL, "\n", &save)) {
		unsigned long *f = s->free[s->nr_zones];

		if (sscanf(l, "Node %*d, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   s->zone[s->nr_zones], &f[0], &f[1], &f[2], &f[3], &f[4],
			   &f[5], &f[6], &f[7], &f[8], &f[9], &f[10]) == 1 + NR_ORDERS)
			s->nr_zones++;
	}
}

/* zoneinfo: the "count:" of every pageset, summed per zone. */
static void parse_zoneinfo(char *text, struct snapshot *s)
{
	char *save = NULL;
	int zi = -1;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[16];
		unsigned long n;

		if (sscanf(l, "Node %*d, zone %15s", name) == 1) {
			zi = -1;
			for (int i = 0; i < s->nr_zones; i++)
				if (!strcmp(s->zone[i], name))
					zi = i;
		} else if (zi >= 0 && sscanf(l, " count: %lu", &n) == 1) {
			s->pcp[zi] += n;
		}
	}
}

static void parse_vmstat(char *text, struct snapshot *s)
{
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l && s->nr_counters < MAX_COUNTERS;
	     l = strtok_r(NULL, "\n", &save))
		if (sscanf(l, "%47s %lu", s->counter[s->nr_counters],
			   &s->value[s->nr_counters]) == 2)
			s->nr_counters++;
}

static long read_rss_kb(int pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid ? pid : (int)getpid());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* 0, or 1 when a view could not be read (the process exited, ...). */
static int take_snapshot(struct snapshot *s, bool quiet)
{
	static const char *const views[] = { "slabinfo", "buddyinfo", "zoneinfo", "vmstat" };
	void (*const parse[])(char *, struct snapshot *) = {
		parse_slabinfo, parse_buddyinfo, parse_zoneinfo, parse_vmstat,
	};

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		char *text;

		if (tool_fetch_slab_view("top", views[i], top.pid, &text, quiet))
			return 1;
		parse[i](text, s);
		free(text);
	}
	s->rss_kb = read_rss_kb(top.pid);
	return 0;
}

/* ---- slabtop's numbers ---- */

static unsigned long cache_size(const struct cache_row *r)
{
	return r->slabs * r->pagesperslab * 4096UL;
}

static unsigned long use_pct(const struct cache_row *r)
{
	return r->objs ? r->active * 100 / r->objs : 0;
}

static int compare_rows(const void *a, const void *b)
{
	const struct cache_row *x = a, *y = b;
	unsigned long kx, ky;

	switch (top.sort) {
	case 'a': kx = x->active; ky = y->active; break;
	case 'b': kx = x->objperslab; ky = y->objperslab; break;
	case 'c': kx = cache_size(x); ky = cache_size(y); break;
	case 'l': kx = x->slabs; ky = y->slabs; break;
	case 'v': kx = x->active_slabs; ky = y->active_slabs; break;
	case 'n': return strcmp(x->name, y->name);
	case 'p': kx = x->pagesperslab; ky = y->pagesperslab; break;
	case 's': kx = x->objsize; ky = y->objsize; break;
	case 'u': kx = use_pct(x); ky = use_pct(y); break;
	default: kx = x->objs; ky = y->objs; break;	/* 'o' */
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return strcmp(x->name, y->name);
}

static const char sort_keys[] = "abclvnopsu";

/* ---- drawing ---- */

/* The screen as lines of text: drawn by ncurses or printed (batch). */
struct screen {
	char **line;
	int nr, cap;
};

static void __attribute__((format(printf, 2, 3)))
put(struct screen *sc, const char *fmt, ...)
{
	va_list ap;
	char *l;

	va_start(ap, fmt);
	if (vasprintf(&l, fmt, ap) < 0)
		l = NULL;
	va_end(ap);
	if (!l)
		return;
	if (sc->nr == sc->cap) {
		char **n = realloc(sc->line, (size_t)(sc->cap = sc->cap ? 2 * sc->cap : 64) * sizeof(*n));

		if (!n) {
			free(l);
			return;
		}
		sc->line = n;
	}
	sc->line[sc->nr++] = l;
}

static void screen_free(struct screen *sc)
{
	for (int i = 0; i < sc->nr; i++)
		free(sc->line[i]);
	free(sc->line);
	memset(sc, 0, sizeof(*sc));
}

static double pct(double a, double b)
{
	return b ? a * 100.0 / b : 0.0;
}

static void draw_summary(struct screen *sc, const struct snapshot *s)
{
	unsigned long objs = 0, active = 0, slabs = 0, aslabs = 0, caches = 0;
	unsigned long acaches = 0, minobj = 0, maxobj = 0;
	double size = 0, asize = 0;

	for (int i = 0; i < s->nr_rows; i++) {
		const struct cache_row *r = &s->rows[i];

		objs += r->objs;
		active += r->active;
		slabs += r->slabs;
		aslabs += r->active_slabs;
		caches++;
		acaches += r->active != 0;
		size += (double)r->objs * r->objsize;
		asize += (double)r->active * r->objsize;
		if (!minobj || r->objsize < minobj)
			minobj = r->objsize;
		if (r->objsize > maxobj)
			maxobj = r->objsize;
	}
	put(sc, " Active / Total Objects (%% used)    : %lu / %lu (%.1f%%)",
	    active, objs, pct(active, objs));
	put(sc, " Active / Total Slabs (%% used)      : %lu / %lu (%.1f%%)",
	    aslabs, slabs, pct(aslabs, slabs));
	put(sc, " Active / Total Caches (%% used)     : %lu / %lu (%.1f%%)",
	    acaches, caches, pct(acaches, caches));
	put(sc, " Active / Total Size (%% used)       : %.2fK / %.2fK (%.1f%%)",
	    asize / 1024, size / 1024, pct(asize, size));
	put(sc, " Minimum / Average / Maximum Object : %.2fK / %.2fK / %.2fK",
	    minobj / 1024.0, objs ? size / objs / 1024 : 0.0, maxobj / 1024.0);
}

/* Free blocks per order and zone, the change since @prev, pcp, RSS. */
static void draw_pages(struct screen *sc, const struct snapshot *s,
		       const struct snapshot *prev)
{
	char buf[256];
	int n;

	if (s->rss_kb >= 0)
		snprintf(buf, sizeof(buf), "RSS %ld kB", s->rss_kb);
	else
		snprintf(buf, sizeof(buf), "RSS ?");
	put(sc, " Free blocks  order:%5d%5d%5d%5d%5d%5d%5d%5d%5d%5d%5d  pcp  %s",
	    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, buf);
	for (int z = 0; z < s->nr_zones; z++) {
		bool any = s->pcp[z] != 0, changed = false;
		int pz = -1;

		for (int k = 0; prev && k < prev->nr_zones; k++)
			if (!strcmp(prev->zone[k], s->zone[z]))
				pz = k;
		for (int o = 0; o < NR_ORDERS; o++) {
			any |= s->free[z][o] != 0;
			changed |= pz >= 0 && s->free[z][o] != prev->free[pz][o];
		}
		if (!any && !changed)
			continue;	/* a zone with nothing hot-added yet */
		n = snprintf(buf, sizeof(buf), " %-19s", s->zone[z]);
		for (int o = 0; o < NR_ORDERS; o++)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%5lu", s->free[z][o]);
		snprintf(buf + n, sizeof(buf) - (size_t)n, "%5lu", s->pcp[z]);
		put(sc, "%s", buf);
		if (!changed)
			continue;
		n = snprintf(buf, sizeof(buf), " %-19s", "  change");
		for (int o = 0; o < NR_ORDERS; o++) {
			long d = pz < 0 ? 0 : (long)s->free[z][o] - (long)prev->free[pz][o];

			if (d)
				n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%+5ld", d);
			else
				n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%5s", "");
		}
		put(sc, "%s", buf);
	}
}

static void draw_table(struct screen *sc, struct snapshot *s, int max_rows)
{
	int shown = 0;

	qsort(s->rows, (size_t)s->nr_rows, sizeof(s->rows[0]), compare_rows);
	put(sc, "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME");
	for (int i = 0; i < s->nr_rows && (max_rows < 0 || shown < max_rows); i++) {
		const struct cache_row *r = &s->rows[i];

		if (!r->objs && !top.show_empty)
			continue;
		put(sc, "%6lu %6lu %3lu%% %7.2fK %6lu %8lu %9luK %-23s",
		    r->objs, r->active, use_pct(r), r->objsize / 1024.0, r->slabs,
		    r->objperslab, cache_size(r) / 1024, r->name);
		shown++;
	}
}

static void draw_vmstat(struct screen *sc, const struct snapshot *s,
			const struct snapshot *prev, int width)
{
	char buf[512];
	int n = 0;

	put(sc, " vmstat (change since the last refresh):");
	for (int i = 0; i < s->nr_counters; i++) {
		long d = 0;
		char item[96];
		int len;

		for (int k = 0; prev && k < prev->nr_counters; k++)
			if (!strcmp(prev->counter[k], s->counter[i]))
				d = (long)(s->value[i] - prev->value[k]);
		len = snprintf(item, sizeof(item), "  %s %lu", s->counter[i], s->value[i]);
		if (d)
			len += snprintf(item + len, sizeof(item) - (size_t)len, " (%+ld)", d);
		if (n && n + len > width) {
			put(sc, "%s", buf);
			n = 0;
		}
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s", item);
	}
	if (n)
		put(sc, "%s", buf);
}

/* The whole screen; @rows < 0: every table row (batch). */
static void draw(struct screen *sc, struct snapshot *s, const struct snapshot *prev,
		 int rows, int width)
{
	struct screen tail = { 0 };
	char when[16];
	time_t now = time(NULL);
	int table_rows;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (top.pid)
		put(sc, "kheap top - %s - pid %d (%s), every %.1fs, sort %c%s", when,
		    top.pid, top.comm, top.delay, top.sort, top.batch ? "" : ", q quits");
	else
		put(sc, "kheap top - %s - kheap's own demo workload (pid %d), every %.1fs, sort %c%s",
		    when, (int)getpid(), top.delay, top.sort, top.batch ? "" : ", q quits");
	draw_summary(sc, s);
	draw_pages(sc, s, prev);
	put(sc, "%s", "");
	draw_vmstat(&tail, s, prev, width);
	table_rows = rows < 0 ? -1 : rows - sc->nr - tail.nr - 2;
	if (rows >= 0 && table_rows < 1)
		table_rows = 1;
	draw_table(sc, s, table_rows);
	put(sc, "%s", "");
	for (int i = 0; i < tail.nr; i++) {
		put(sc, "%s", tail.line[i]);
	}
	screen_free(&tail);
}

/* ---- kheap's own workload (no --pid) ---- */

static volatile int workload_stop;

/* Objects come and go in waves, so every part of the screen moves. */
static void *workload(void *arg)
{
	struct kmem_cache *caches[3];
	static void *objs[4096];
	static struct page *pages[256];
	static void *vm[8];
	uint64_t rng = 0x2545f4914f6cdd1dULL;

	caches[0] = kmem_cache_create("top_dentry", 192, 0, SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, NULL);
	caches[1] = kmem_cache_create("top_inode", 600, 0, SLAB_RECLAIM_ACCOUNT | SLAB_NO_MERGE, NULL);
	caches[2] = kmem_cache_create("top_buffer", 104, 0, SLAB_NO_MERGE, NULL);
	for (unsigned long t = 0; !workload_stop; t++) {
		unsigned long wave = (t / 2000) % 8;	/* working set grows, then shrinks */

		for (int k = 0; k < 64; k++) {
			unsigned int i;

			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			i = (unsigned int)(rng % (512 * (wave < 4 ? wave + 1 : 8 - wave)));
			if (objs[i]) {
				if (i % 4 == 3)
					kfree(objs[i]);
				else
					kmem_cache_free(caches[i % 4], objs[i]);
				objs[i] = NULL;
			} else if (i % 4 == 3) {
				objs[i] = kmalloc(8 << (rng >> 60) % 11, GFP_KERNEL);
			} else {
				objs[i] = kmem_cache_alloc(caches[i % 4], GFP_KERNEL);
			}
		}
		{
			unsigned int j = (unsigned int)(rng >> 32) % 256;

			if (pages[j]) {
				__free_pages(pages[j], j % 4);
				pages[j] = NULL;
			} else {
				pages[j] = alloc_pages(GFP_KERNEL, j % 4);
			}
		}
		if (t % 500 == 0) {
			unsigned int v = (unsigned int)(t / 500) % 8;

			vfree(vm[v]);
			vm[v] = vmalloc((v + 1) * 16 * PAGE_SIZE);
		}
		if (t % 16 == 0)
			usleep(1000);
	}
	return arg;
}

/* ---- the command ---- */

static const char top_usage[] =
	"Usage: kheap top [--pid PID] [-b] [-n COUNT] [-d SECONDS] [-s KEY] [-z]\n"
	"\n"
	"slabtop for kheap: the slab caches, the buddy allocator's free blocks,\n"
	"the per-CPU page lists, RSS and the vmstat counters, refreshed live.\n"
	"  --pid PID    a process started by `kheap run` (default: a workload\n"
	"               this command runs on its own kheap)\n"
	"  -d SECONDS   refresh interval (default 3)\n"
	"  -b           batch mode: plain text on stdout, no terminal needed\n"
	"  -n COUNT     stop after COUNT refreshes (batch default 1)\n"
	"  -s KEY       sort key (default o), as slabtop's:\n"
	"     a active objects   b objects per slab   c cache size\n"
	"     l slabs   v active slabs   n name   o objects   p pages per slab\n"
	"     s object size   u utilisation\n"
	"  -z           show caches without objects too\n"
	"Keys while running: the sort keys, z (empty caches), space (refresh),\n"
	"q (quit).\n";

static int parse_args(const struct command *c, int argc, char **argv)
{
	const char *pidarg = NULL, *v;
	int r;

	for (int i = 1; i < argc; i++) {
		if ((r = tool_option_value(c->name, argc, argv, &i, "--pid", &pidarg))) {
			if (r == 2)
				return 2;
		} else if ((r = tool_option_value(c->name, argc, argv, &i, "-d", &v))) {
			char *end;

			if (r == 2)
				return 2;
			top.delay = strtod(v, &end);
			if (*end || !(top.delay >= 0.1 && top.delay <= 3600)) {
				fprintf(stderr, "%s: top: bad interval '-d %s' (seconds, 0.1 to 3600)\n",
					prog, v);
				return 2;
			}
		} else if ((r = tool_option_value(c->name, argc, argv, &i, "-n", &v))) {
			char *end;

			if (r == 2)
				return 2;
			top.count = strtol(v, &end, 10);
			if (*end || top.count < 1) {
				fprintf(stderr, "%s: top: bad count '-n %s'\n", prog, v);
				return 2;
			}
		} else if ((r = tool_option_value(c->name, argc, argv, &i, "-s", &v))) {
			if (r == 2)
				return 2;
			if (strlen(v) != 1 || !strchr(sort_keys, v[0])) {
				fprintf(stderr, "%s: top: unknown sort key '-s %s' (one of %s)\n",
					prog, v, sort_keys);
				return 2;
			}
			top.sort = v[0];
		} else if (!strcmp(argv[i], "-b")) {
			top.batch = true;
		} else if (!strcmp(argv[i], "-z")) {
			top.show_empty = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(top_usage, stdout);
			return -1;
		} else {
			fprintf(stderr, "%s: top: unexpected argument '%s'\n", prog, argv[i]);
			fputs(top_usage, stderr);
			return 2;
		}
	}
	if (pidarg && (r = tool_parse_pid(c->name, pidarg, &top.pid)))
		return r;
	if (top.pid)
		tool_comm(top.pid, top.comm, sizeof(top.comm));
	return 0;
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int run_batch(void)
{
	struct snapshot prev = { 0 }, cur;
	long count = top.count < 0 ? 1 : top.count;

	for (long n = 0; n < count; n++) {
		struct screen sc = { 0 };

		if (n)
			sleep_seconds(top.delay);
		if (take_snapshot(&cur, n > 0)) {
			free(prev.rows);
			if (!n)
				return 1;
			fprintf(stderr, "%s: top: process %d has exited\n", prog, top.pid);
			return 0;
		}
		draw(&sc, &cur, n ? &prev : NULL, -1, 100);
		if (n)
			putchar('\n');
		for (int i = 0; i < sc.nr; i++)
			puts(sc.line[i]);
		fflush(stdout);
		screen_free(&sc);
		free(prev.rows);
		prev = cur;
	}
	free(prev.rows);
	return 0;
}

static int run_interactive(void)
{
	struct snapshot prev = { 0 }, cur;
	bool have_prev = false;
	long n = 0;
	int status = 0;

	if (take_snapshot(&cur, false))
		return 1;
	if (!initscr()) {
		fprintf(stderr, "%s: top: cannot use the terminal (try -b)\n", prog);
		free(cur.rows);
		return 1;
	}
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	for (;;) {
		struct screen sc = { 0 };
		struct timespec start, now;
		int ch;

		draw(&sc, &cur, have_prev ? &prev : NULL, LINES, COLS);
		erase();
		for (int i = 0; i < sc.nr && i < LINES; i++)
			mvaddnstr(i, 0, sc.line[i], COLS);
		refresh();
		screen_free(&sc);
		if (top.count > 0 && ++n >= top.count)
			break;
		clock_gettime(CLOCK_MONOTONIC, &start);
		for (;;) {
			double left;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = top.delay - ((double)(now.tv_sec - start.tv_sec) +
					    (double)(now.tv_nsec - start.tv_nsec) / 1e9);
			if (left <= 0)
				break;
			timeout((int)(left * 1000) + 1);
			ch = getch();
			if (ch == 'q' || ch == 'Q')
				goto out;
			if (ch != ERR && strchr(sort_keys, ch)) {
				top.sort = (char)ch;
				break;
			}
			if (ch == 'z') {
				top.show_empty = !top.show_empty;
				break;
			}
			if (ch == ' ')
				break;
		}
		free(prev.rows);
		prev = cur;
		have_prev = true;
		if (take_snapshot(&cur, true)) {
			endwin();
			fprintf(stderr, "%s: top: process %d has exited\n", prog, top.pid);
			free(prev.rows);
			return 0;
		}
	}
out:
	endwin();
	free(cur.rows);
	free(prev.rows);
	return status;
}

int cmd_top(const struct command *c, int argc, char **argv, const char *cmdline)
{
	pthread_t thr;
	int r = parse_args(c, argc, argv);

	if (r)
		return r < 0 ? 0 : r;
	if (!top.pid && pthread_create(&thr, NULL, workload, NULL)) {
		fprintf(stderr, "%s: top: cannot start the workload thread\n", prog);
		return 1;
	}
	if (!top.pid)
		usleep(200 * 1000);	/* let the workload start */
	r = top.batch ? run_batch() : run_interactive();
	if (!top.pid) {
		workload_stop = 1;
		pthread_join(thr, NULL);
	}
	return r;
}
