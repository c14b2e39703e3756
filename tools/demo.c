// SPDX-License-Identifier: MIT
/*
 * tools/demo.c - `kheap demo` (what `make demo` runs): a narrated walk
 * through the buddy allocator, SLUB, vmalloc and a real program on kheap's
 * malloc, with the views between the steps; its last chapter, a recorded
 * trace compared under three option sets, is demo_trace_compare() in
 * tools/trace/cmd.c.  Under slab_allocator=slab, chapter 2 is SLAB's
 * (demo_slab_slab(): the array caches, from the "slab_arrays" view),
 * under slab_allocator=slob SLOB's (demo_slab_slob(): first fit, holes
 * and merges, from the "slob_pages" view), and chapters 4 and 5, SLUB's,
 * are left out.
 *
 * Truth: every number in the narration is read from the views printed
 * beside it (or from the calls the demo makes), never written into the
 * text, and sentences that depend on what the allocator did are chosen
 * from what the views show; so the story stays true when options
 * (--cmdline) or the allocator change.  tests/tools/demo_check.py runs the
 * demo and checks each narrated figure against the views in its output.
 *
 * Output shape, for readers and for that test: a view is printed after a
 * line "-- NAME --" (or "-- NAME: lines LABEL --" for an excerpt) and ends
 * at a blank line; "-- kernel/slab, CACHE --" is followed by the fields of
 * that cache's line, "key=value" separated by spaces.  Chapters start with
 * "== N. Title ==".
 *
 * The demo pins itself to the CPU it starts on, so "this CPU" in the text
 * is the CPU whose lists and sheaves the numbers are.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kheap/kheap.h>
#include "tools/tool.h"

static bool step_mode;

/* ---- printing ---- */

/* A paragraph of narration, wrapped at 76 columns. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char *text, *p;
	va_list ap;
	int col = 0;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	putchar('\n');
	for (p = text; *p;) {
		size_t w = strcspn(p, " \n");

		if (col && col + 1 + (int)w > 76) {
			putchar('\n');
			col = 0;
		} else if (col) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, w, stdout);
		col += (int)w;
		p += w;
		if (*p == '\n') {
			putchar('\n');
			col = 0;
		}
		if (*p)
			p++;
	}
	putchar('\n');
	free(text);
	fflush(stdout);
}

/* --step: wait for Enter between steps. */
static void step(void)
{
	int c;

	if (!step_mode)
		return;
	printf("\n[Enter for the next step]");
	fflush(stdout);
	while ((c = getchar()) != EOF && c != '\n')
		;
}

static char *get_view(const char *name)
{
	char *text = NULL;

	if (tool_fetch_view("demo", name, 0, &text, false))
		return strdup("");
	return text;
}

static void show(const char *name)
{
	char *t = get_view(name);

	printf("\n-- %s --\n%s", name, t);
	free(t);
	fflush(stdout);
}

/* The lines of view @name that start with @prefix. */
static void show_lines(const char *name, const char *prefix, const char *label)
{
	char *t = get_view(name), *save = NULL;

	printf("\n-- %s: lines %s --\n", name, label);
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, prefix, strlen(prefix)))
			puts(l);
	free(t);
	fflush(stdout);
}

/* Zone @zone's header line of zoneinfo and its lines starting with @keys. */
static void show_zone_lines(const char *zone, const char *const *keys,
			    const char *label)
{
	char *t = get_view("zoneinfo"), *save = NULL;
	bool in_zone = false;

	printf("\n-- zoneinfo: zone %s, lines %s --\n", zone, label);
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char zname[16];
		const char *k = l;

		if (sscanf(l, "Node %*d, zone %15s", zname) == 1) {
			in_zone = !strcmp(zname, zone);
			if (in_zone)
				puts(l);
			continue;
		}
		while (*k == ' ')
			k++;
		for (int i = 0; in_zone && keys[i]; i++)
			if (!strncmp(k, keys[i], strlen(keys[i])) &&
			    (k[strlen(keys[i])] == ' ' || k[strlen(keys[i])] == ':')) {
				puts(l);
				break;
			}
	}
	free(t);
	fflush(stdout);
}

/* ---- numbers from the views ---- */

struct zone_info {
	char name[16];
	unsigned long free[11];
	unsigned long nr_free_blocks, free_pages;
};

static int read_buddyinfo(struct zone_info *z, int max)
{
	char *t = get_view("buddyinfo"), *save = NULL;
	int n = 0;

	for (char *l = strtok_r(t, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
		unsigned long *f = z[n].free;

		if (sscanf(l, "Node %*d, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   z[n].name, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
			   &f[7], &f[8], &f[9], &f[10]) != 12)
			continue;
		z[n].nr_free_blocks = z[n].free_pages = 0;
		for (int o = 0; o < 11; o++) {
			z[n].nr_free_blocks += f[o];
			z[n].free_pages += f[o] << o;
		}
		n++;
	}
	free(t);
	return n;
}

/* A number from the view @name: the first line starting with @key. */
static long view_value(const char *name, const char *zone, const char *key)
{
	char *t = get_view(name), *save = NULL;
	bool in_zone = !zone;
	long v = -1;

	for (char *l = strtok_r(t, "\n", &save); l && v < 0; l = strtok_r(NULL, "\n", &save)) {
		char zname[16];

		if (zone && sscanf(l, "Node %*d, zone %15s", zname) == 1)
			in_zone = !strcmp(zname, zone);
		while (*l == ' ')
			l++;
		if (in_zone && !strncmp(l, key, strlen(key)) &&
		    (l[strlen(key)] == ' ' || l[strlen(key)] == ':'))
			v = strtol(l + strlen(key) + 1, NULL, 10);
	}
	free(t);
	return v;
}

/* Per-CPU list pages of @zone on CPU @cpu (zoneinfo "count:"). */
static long pcp_count(const char *zone, int cpu)
{
	char *t = get_view("zoneinfo"), *save = NULL;
	bool in_zone = false;
	int cur = -1;
	long v = -1;

	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char zname[16];
		int c;
		long n;

		if (sscanf(l, "Node %*d, zone %15s", zname) == 1)
			in_zone = !strcmp(zname, zone);
		else if (in_zone && sscanf(l, " cpu: %d", &c) == 1)
			cur = c;
		else if (in_zone && cur == cpu && sscanf(l, " count: %ld", &n) == 1)
			v = n;
	}
	free(t);
	return v;
}

#define NR_FIELDS 48
struct fields {
	char key[NR_FIELDS][32];
	long val[NR_FIELDS];
	int n;
};

/* The fields of @cache's line in view @view ("NAME key=value ..."). */
static bool read_cache_in(const char *view, const char *cache, struct fields *f)
{
	char *t = get_view(view), *save = NULL;
	bool found = false;

	f->n = 0;
	for (char *l = strtok_r(t, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save)) {
		char *tsave = NULL, *tok = strtok_r(l, " ", &tsave);

		if (!tok || strcmp(tok, cache))
			continue;
		found = true;
		while ((tok = strtok_r(NULL, " ", &tsave)) && f->n < NR_FIELDS) {
			char *eq = strchr(tok, '=');

			if (!eq)
				continue;
			*eq = 0;
			snprintf(f->key[f->n], sizeof(f->key[0]), "%s", tok);
			f->val[f->n++] = strtol(eq + 1, NULL, 10);
		}
	}
	free(t);
	return found;
}

static long F(const struct fields *f, const char *key)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], key))
			return f->val[i];
	return -1;
}

/* Print the fields @keys of @cache's line in view @view; return them in @f. */
static void show_cache_in(const char *view, const char *cache, struct fields *f,
			  const char *const *keys)
{
	int col = 2;

	read_cache_in(view, cache, f);
	printf("\n-- %s, %s --\n ", view, cache);
	for (int i = 0; keys[i]; i++) {
		char item[64];
		int len = snprintf(item, sizeof(item), " %s=%ld", keys[i], F(f, keys[i]));

		if (col + len > 78) {
			printf("\n ");
			col = 2;
		}
		fputs(item, stdout);
		col += len;
	}
	putchar('\n');
	fflush(stdout);
}

static void show_cache(const char *cache, struct fields *f, const char *const *keys)
{
	show_cache_in("kernel/slab", cache, f, keys);
}

/* Free @objs[@first], [@first + 2], ... of the @n, and forget them. */
static void free_every_other(struct kmem_cache *s, void **objs, int n, int first)
{
	for (int i = first; i < n; i += 2) {
		kmem_cache_free(s, objs[i]);
		objs[i] = NULL;
	}
}

/* ---- 1. the buddy allocator ---- */

/* "order 0: +2, order 3: -1" for the blocks that changed. */
static void describe_change(char *buf, size_t len, const struct zone_info *a,
			    const struct zone_info *b)
{
	int n = 0;

	buf[0] = 0;
	for (int o = 0; o < 11; o++) {
		long d = (long)b->free[o] - (long)a->free[o];

		if (d)
			n += snprintf(buf + n, len - (size_t)n, "%sorder %d %+ld",
				      n ? ", " : "", o, d);
	}
	if (!n)
		snprintf(buf, len, "no change");
}

/* The populated zone with the most free pages: where the demo's pages come from. */
static int main_zone(const struct zone_info *z, int n)
{
	int best = 0;

	for (int i = 1; i < n; i++)
		if (z[i].free_pages > z[best].free_pages)
			best = i;
	return best;
}

static int demo_buddy(int cpu)
{
	struct zone_info z0[4], z1[4], z2[4], z3[4];
	struct page *p0, *p3, *p9, *pm;
	char change[256];
	int nz, m;
	long online, offline, pcp0, pcp1, high;

	say("== 1. The buddy page allocator ==\n"
	    "kheap's \"physical memory\" is one address-space reservation cut into "
	    "%lu-byte page frames, one struct page each. Free memory is kept in "
	    "blocks of 2^order pages, order 0 to %d, one free list per order and "
	    "migrate type; buddyinfo counts the free blocks of each order (columns "
	    "0 to %d), per zone.",
	    PAGE_SIZE, MAX_PAGE_ORDER, MAX_PAGE_ORDER);
	show("buddyinfo");
	nz = read_buddyinfo(z0, 4);
	m = main_zone(z0, nz);
	online = view_value("zoneinfo", z0[m].name, "spanned");
	offline = view_value("zoneinfo", z0[m].name, "nr_zone_offline");
	show_zone_lines(z0[m].name, (const char *const[]){ "spanned", "present",
			"nr_free_pages", "nr_zone_offline", NULL },
			"spanned, present, nr_free_pages, nr_zone_offline");
	say("Memory is hot-added one section at a time when a zone needs it, as "
	    "memory hotplug does. kheap's own start-up (the slab layer's boot "
	    "caches) has already brought %ld of zone %s's %ld pages online "
	    "(zoneinfo: spanned %ld, nr_zone_offline %ld); %lu of them are free, "
	    "in the %lu blocks on %s's buddyinfo line, the rest are in use (slabs, "
	    "per-CPU lists).",
	    online - offline, z0[m].name, online, online, offline,
	    z0[m].free_pages, z0[m].nr_free_blocks, z0[m].name);
	step();

	pcp0 = pcp_count(z0[m].name, cpu);
	p0 = alloc_pages(GFP_KERNEL, 0);
	if (!p0)
		return 1;
	pcp1 = pcp_count(z0[m].name, cpu);
	printf("\n  alloc_pages(GFP_KERNEL, 0) -> pfn %#lx at %p\n",
	       page_to_pfn(p0), page_address(p0));
	show("buddyinfo");
	read_buddyinfo(z1, 4);
	describe_change(change, sizeof(change), &z0[m], &z1[m]);
	if (pcp1 >= 0 && pcp1 != pcp0 - 1)
		say("An order-0 request is served from this CPU's per-CPU page list "
		    "(CPU %d). Its list held %ld pages and now holds %ld: it took a "
		    "batch from the buddy lists, splitting a larger block, and handed "
		    "out one page. Zone %s's free blocks changed: %s.",
		    cpu, pcp0, pcp1, z0[m].name, change);
	else
		say("An order-0 request is served from this CPU's per-CPU page list "
		    "(CPU %d), which held %ld pages and now holds %ld; the buddy lists "
		    "did not have to give it a batch. Zone %s's free blocks: %s.",
		    cpu, pcp0, pcp1, z0[m].name, change);
	show_zone_lines(z0[m].name, (const char *const[]){ "cpu", "count", NULL },
			"cpu and count (the per-CPU lists)");
	step();

	p3 = alloc_pages(GFP_KERNEL, 3);
	p9 = alloc_pages(GFP_KERNEL | __GFP_COMP, 9);
	if (!p3 || !p9)
		return 1;
	printf("\n  alloc_pages(GFP_KERNEL, 3) -> pfn %#lx\n", page_to_pfn(p3));
	printf("  alloc_pages(GFP_KERNEL | __GFP_COMP, 9) -> pfn %#lx, compound_order %u\n",
	       page_to_pfn(p9), compound_order(p9));
	show("buddyinfo");
	read_buddyinfo(z2, 4);
	describe_change(change, sizeof(change), &z1[m], &z2[m]);
	say("An order-3 block (8 pages) and an order-9 block (512 pages, 2 MiB, "
	    "one pageblock). Orders 0 to 3 and 9 have per-CPU lists, refilled "
	    "from the buddy lists in batches; a larger block is split in halves "
	    "down to the order asked for (expand()). Zone %s's free blocks "
	    "changed: %s.", z0[m].name, change);
	step();

	__free_pages(p9, 9);
	__free_pages(p3, 3);
	__free_pages(p0, 0);
	drain_all_pages(NULL);
	show("buddyinfo");
	read_buddyinfo(z3, 4);
	describe_change(change, sizeof(change), &z0[m], &z3[m]);
	say("Freed again, then drain_all_pages() empties the per-CPU lists. A "
	    "freed block merges with its buddy (the block at pfn ^ (1 << order)) "
	    "while that buddy is free, climbing order by order. Compared with the "
	    "first buddyinfo above, zone %s: %s (%lu free pages then, %lu now).",
	    z0[m].name, change, z0[m].free_pages, z3[m].free_pages);
	step();

	pm = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, 0);
	show_lines("pagetypeinfo", "Node", "Node (free blocks and pageblocks per type)");
	{
		long unmov = -1, mov = -1;
		char *t = get_view("pagetypeinfo"), *save = NULL;
		bool counts = false;

		for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char zn[16];
			long u, mv;

			if (!strncmp(l, "Number of blocks type", 21))
				counts = true;
			else if (counts && sscanf(l, "Node %*d, zone %15s %ld %ld", zn, &u, &mv) == 3 &&
				 !strcmp(zn, z0[m].name)) {
				unmov = u;
				mov = mv;
			}
		}
		free(t);
		say("Every 2 MiB pageblock has a migrate type. Hot-added memory "
		    "starts Movable; GFP_KERNEL requests are Unmovable and, when "
		    "their own lists are empty, take from another type, claiming "
		    "the whole pageblock when at least half of it is free or already "
		    "theirs, to keep the types apart: zone %s now has %ld Unmovable "
		    "and %ld Movable pageblocks (the last lines above). A "
		    "__GFP_MOVABLE request, like the page just taken, is served from "
		    "Movable blocks first.", z0[m].name, unmov, mov);
	}
	if (pm)
		__free_pages(pm, 0);
	drain_all_pages(NULL);
	step();

	show_zone_lines(z0[m].name, (const char *const[]){ "min", "low", "high",
			"managed", NULL }, "min, low, high, managed");
	high = view_value("zoneinfo", z0[m].name, "high");
	say("Watermarks: an allocation that would leave a zone below its low "
	    "watermark goes to the slow path, which tries again down to the min "
	    "watermark; only __GFP_HIGH requests (GFP_ATOMIC) may go below min, "
	    "and blocking ones reclaim (drain the per-CPU lists, run the "
	    "shrinkers) and retry. They are recomputed as memory is hot-added, so "
	    "zone %s's high watermark is %ld pages for the %ld pages online now.",
	    z0[m].name, high, online - offline);
	return 0;
}

/* ---- 2. SLUB ---- */

static const char *const geo_keys[] = {
	"object_size", "slab_size", "align", "order", "objs_per_slab",
	"min_partial", "sheaf_capacity", NULL,
};
static const char *const state_keys[] = {
	"slabs", "cpu_slab", "slabs_cpu_partial", "partial", "total_objects",
	"objects", "cpu_freelist", "cpu_slab_free", "cpu_partial_free",
	"sheaf_objects", "barn_full", "barn_empty", "min_partial", "cpu_partial",
	NULL,
};

/* Objects free but counted as allocated by slabinfo: waiting per CPU. */
static long waiting(const struct fields *f)
{
	return F(f, "cpu_freelist") + F(f, "cpu_slab_free") +
	       F(f, "cpu_partial_free") + F(f, "sheaf_objects") +
	       F(f, "barn_full") * F(f, "sheaf_capacity");
}

/* slabinfo's line, the cache's fields, and where its objects are. */
static void slab_state(const char *cache, struct fields *f, long held)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s ", cache);
	show_lines("slabinfo", prefix, prefix);
	show_cache(cache, f, state_keys);
	say("%s: %ld slabs (%ld CPU slab, %ld on the CPU partial list, %ld on "
	    "the node partial list, %ld full), %ld objects. The demo holds "
	    "%ld; %ld are free but wait on this CPU (CPU freelist %ld, CPU slab's "
	    "own freelist %ld, CPU partial slabs %ld, sheaves %ld, barn %ld full "
	    "sheaves), so slabinfo's active_objs is %ld = %ld + %ld.",
	    cache, F(f, "slabs"), F(f, "cpu_slab"), F(f, "slabs_cpu_partial"),
	    F(f, "partial"),
	    F(f, "slabs") - F(f, "cpu_slab") - F(f, "slabs_cpu_partial") - F(f, "partial"),
	    F(f, "total_objects"), held, waiting(f), F(f, "cpu_freelist"),
	    F(f, "cpu_slab_free"), F(f, "cpu_partial_free"), F(f, "sheaf_objects"),
	    F(f, "barn_full"), F(f, "objects"), held, waiting(f));
}

/*
 * What happened to the slabs between @a and @b, in words chosen from the
 * numbers: objects back on slabs, CPU partial and node partial slabs,
 * empty slabs given back to the buddy allocator.
 */
static const char *back_to_slabs(const struct fields *a, const struct fields *b,
				 char *buf, size_t len)
{
	long freed = F(a, "slabs") - F(b, "slabs");
	int n = 0;

	buf[0] = 0;
	if (F(b, "slabs_cpu_partial") + F(b, "partial") == 0 && freed <= 0) {
		snprintf(buf, len, "No object went back to a slab: the %ld slabs "
			 "are still full or the CPU slab.", F(b, "slabs"));
		return buf;
	}
	n += snprintf(buf + n, len - (size_t)n, "Objects went back to their slabs: ");
	if (F(b, "slabs_cpu_partial"))
		n += snprintf(buf + n, len - (size_t)n,
			      "%ld slabs with free objects wait on this CPU's partial "
			      "list (a full slab that gets an object back goes there; "
			      "it keeps about cpu_partial = "
			      "%ld objects' worth of slabs, then moves them to the "
			      "node); ", F(b, "slabs_cpu_partial"), F(b, "cpu_partial"));
	if (F(b, "partial"))
		n += snprintf(buf + n, len - (size_t)n,
			      "%ld slabs are on the node partial list; ", F(b, "partial"));
	if (freed > 0)
		n += snprintf(buf + n, len - (size_t)n,
			      "%ld slabs became empty while the node already held "
			      "min_partial (%ld) partial slabs and went back to the "
			      "buddy allocator (%ld slabs before, %ld now).",
			      freed, F(b, "min_partial"), F(a, "slabs"), F(b, "slabs"));
	else
		snprintf(buf + n, len - (size_t)n, "no slab was freed (%ld slabs).",
			 F(b, "slabs"));
	return buf;
}

/*
 * The value of option @name in force ("1", "0", ...) as `kheap config`
 * prints it, shown as a view; NULL when this build has no such option.
 */
static char *show_option(const char *name, char *buf, size_t len)
{
	char *text = NULL, *save = NULL, *val = NULL;
	size_t tlen = 0, n = strlen(name);
	FILE *m = open_memstream(&text, &tlen);

	if (!m)
		return NULL;
	kheap_print_config(m);
	fclose(m);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, name, n) && l[n] == '=') {
			snprintf(buf, len, "%.*s", (int)strcspn(l + n + 1, " \t#"), l + n + 1);
			val = buf;
		}
	free(text);
	if (val)
		printf("\n-- config: %s --\n%s=%s\n", name, name, val);
	return val;
}

enum { ORDER_SLABS = 3, ORDER_MAX = 64 };

/* @a is @b rotated (the same cycle through the slots, entered elsewhere). */
static bool is_rotation(const int *a, const int *b, int n)
{
	for (int r = 0; r < n; r++) {
		int i = 0;

		while (i < n && a[i] == b[(i + r) % n])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/*
 * The order in which the first ORDER_SLABS slabs of @objs (allocation
 * order) handed out their objects, as slot numbers in the slab (address
 * minus the slab's start, over the stride @stride); printed, and told
 * from what it shows.  Only slabs whose @per objects the demo all holds.
 */
static void tell_slot_order(void *const *objs, int nr, long stride, long per,
			    bool sheaves)
{
	char *base[ORDER_SLABS] = { NULL };
	int slot[ORDER_SLABS][ORDER_MAX], cnt[ORDER_SLABS] = { 0 }, nb = 0;
	bool same = true, rotated = true, ascending = true;
	int distinct = 0;
	char val[32], where[64];
	const char *random;

	if (per < 2 || per > ORDER_MAX || stride <= 0)
		return;
	for (int i = 0; i < nr; i++) {
		char *b = page_address(compound_head(virt_to_page(objs[i])));
		int k = 0;

		while (k < nb && base[k] != b)
			k++;
		if (k == nb) {
			if (nb == ORDER_SLABS)
				continue;
			base[nb++] = b;
		}
		if (cnt[k] < ORDER_MAX)
			slot[k][cnt[k]++] = (int)(((char *)objs[i] - b) / stride);
	}
	for (int k = 0; k < nb; k++)
		if (cnt[k] != per)
			return;		/* a slab the demo does not hold whole */
	if (nb < 2)
		return;
	printf("\n  the order in which the first %d slabs handed out their "
	       "objects (slot = (address - slab start) / %ld):\n", nb, stride);
	for (int k = 0; k < nb; k++) {
		printf("  slab %d at %p:", k + 1, (void *)base[k]);
		for (int i = 0; i < per; i++) {
			printf(" %d", slot[k][i]);
			if (i && slot[k][i] < slot[k][i - 1])
				ascending = false;
		}
		putchar('\n');
		if (k) {
			same &= !memcmp(slot[k], slot[0], sizeof(int) * (size_t)per);
			rotated &= is_rotation(slot[k], slot[0], (int)per);
		}
		distinct++;
		for (int j = 0; j < k; j++)
			if (!memcmp(slot[k], slot[j], sizeof(int) * (size_t)per)) {
				distinct--;
				break;
			}
	}
	if (distinct == nb)
		snprintf(where, sizeof(where), "a different place in each slab");
	else
		snprintf(where, sizeof(where), "%d different places in the %d slabs",
			 distinct, nb);
	random = show_option("slab_freelist_random", val, sizeof(val));
	say("%s%s%s%s%s",
	    same && ascending ? "Each slab handed out its objects in address "
	    "order, slot 0 first." :
	    same ? "Every slab handed out its objects in the same order." :
	    rotated ? "The orders differ from slab to slab only in where they "
	    "start: one cycle through the slots, entered at " :
	    "The orders differ from slab to slab.",
	    !same && rotated ? where : "", !same && rotated ? "." : "",
	    !random ? "" : !strcmp(random, "1") ? " slab_freelist_random=1 (the "
	    "kernel's CONFIG_SLAB_FREELIST_RANDOM, on in Debian's 6.12 kernel): "
	    "the cache has a random permutation of its slots and a new slab's "
	    "freelist follows it from a random start (shuffle_freelist()), so the "
	    "address of the next object cannot be told from the last one's." :
	    " slab_freelist_random=0: a new slab's freelist runs in address "
	    "order.",
	    sheaves ? " A sheaf refill takes runs of CPU slabs' freelists and "
	    "allocations pop the sheaf from its top, so each run comes out last "
	    "in, first out." : "");
}

static int demo_slab(void)
{
	enum { N = 400, M = 1000 };
	static void *objs[M];
	struct kmem_cache *s, *d;
	struct fields f, g, prev;
	long slabs_before, held = 0, ret;
	char buf[1024];

	say("== 2. The slab allocator (SLUB) ==\n"
	    "Objects of one size come from a cache. Its slabs are compound pages "
	    "from the buddy allocator, cut into objects; a free object holds the "
	    "pointer to the next free one, so there is no header per object. "
	    "kmem_cache_create(\"demo_obj\", 200, 0, SLAB_HWCACHE_ALIGN | "
	    "SLAB_NO_MERGE, NULL) makes a cache of its own (without SLAB_NO_MERGE "
	    "it could be merged into a kmalloc cache of the same size). Each CPU "
	    "allocates from its own free objects, a per-CPU array (a sheaf) or "
	    "freelist, changed in restartable sequences with no atomic "
	    "instruction, or where rseq is missing with the kernel's 16-byte "
	    "compare-and-swap on (freelist, tid); kheap keeps that state per "
	    "CPU, not per thread.");
	s = kmem_cache_create("demo_obj", 200, 0, SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, NULL);
	if (!s)
		return 1;
	show_cache("demo_obj", &g, geo_keys);
	say("Geometry: 200-byte objects at a stride of %ld bytes (slab_size: "
	    "SLAB_HWCACHE_ALIGN aligns them to %ld), %ld per slab of order %ld "
	    "(%ld pages), leaving %ld bytes of each slab unused. calculate_order() "
	    "starts from the order that holds min_objects objects (4 x (fls(CPUs) "
	    "+ 1) unless slab_min_objects= says otherwise) and takes the first "
	    "order whose leftover is at most 1/16 of the slab (then 1/8, 1/4, "
	    "1/2). min_partial, the empty slabs the node keeps, is %ld.",
	    F(&g, "slab_size"), F(&g, "align"), F(&g, "objs_per_slab"),
	    F(&g, "order"), 1L << F(&g, "order"),
	    ((long)PAGE_SIZE << F(&g, "order")) -
	    F(&g, "objs_per_slab") * F(&g, "slab_size"), F(&g, "min_partial"));
	step();

	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	if (!objs[0])
		return 1;
	held = 1;
	printf("\n  kmem_cache_alloc(demo_obj) -> %p\n", objs[0]);
	slab_state("demo_obj", &f, held);
	if (F(&g, "sheaf_capacity") > 0)
		say("The first allocation took a slab from the buddy allocator as "
		    "this CPU's slab and handed out one of its objects; %ld more are "
		    "on the CPU freelist. In front of the CPU slab each CPU has two "
		    "sheaves (arrays of up to %ld free objects, the kernel's 6.18 "
		    "design), made when first needed; they hold %ld objects now.",
		    F(&f, "cpu_freelist"), F(&g, "sheaf_capacity"),
		    F(&f, "sheaf_objects"));
	else
		say("The first allocation took a slab from the buddy allocator as "
		    "this CPU's slab and handed out one of its objects; %ld more are "
		    "on the CPU freelist (this cache has no sheaves: a debug cache, "
		    "or kheap.sheaves=0).", F(&f, "cpu_freelist"));
	step();

	for (int i = 1; i < M; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	held = M;
	say("Allocate %d more (%d held).%s A CPU slab that runs out is replaced "
	    "by a new slab from the buddy allocator.", M - 1, M,
	    F(&g, "sheaf_capacity") > 0 ? " Allocations pop the main sheaf; an "
	    "empty one is refilled from the CPU slab's freelist." : "");
	slab_state("demo_obj", &f, held);
	tell_slot_order(objs, M, F(&g, "slab_size"), F(&g, "objs_per_slab"),
			F(&g, "sheaf_capacity") > 0);
	step();

	free_every_other(s, objs, M, 0);
	held = M / 2;
	prev = f;
	if (F(&g, "sheaf_capacity") > 0)
		say("Free every other object (%ld held). A free pushes the object "
		    "onto this CPU's main sheaf, whatever slab it is from. A full main "
		    "sheaf is swapped with the spare, then traded to the barn (the "
		    "node's store of sheaves) for an empty one; only when the barn is "
		    "full do the spare's objects go back to their slabs. Objects in "
		    "sheaves count as allocated, as in the kernel.", held);
	else
		say("Free every other object (%ld held). Without sheaves a free goes "
		    "to the object's slab: to the CPU freelist if it is the CPU slab, "
		    "else onto the slab's own freelist.", held);
	slab_state("demo_obj", &f, held);
	if (F(&g, "sheaf_capacity") > 0)
		say("Here %ld objects wait in this CPU's two sheaves and %ld full "
		    "sheaves (%ld objects) in the barn. %s", F(&f, "sheaf_objects"),
		    F(&f, "barn_full"), F(&f, "barn_full") * F(&f, "sheaf_capacity"),
		    back_to_slabs(&prev, &f, buf, sizeof(buf)));
	else
		say("%s", back_to_slabs(&prev, &f, buf, sizeof(buf)));
	step();

	free_every_other(s, objs, M, 1);
	held = 0;
	prev = f;
	say("Free the rest (none held).");
	slab_state("demo_obj", &f, held);
	say("%s", back_to_slabs(&prev, &f, buf, sizeof(buf)));
	step();

	slabs_before = F(&f, "slabs");
	ret = kmem_cache_shrink(s);
	printf("\n  kmem_cache_shrink(demo_obj) = %ld\n", ret);
	slab_state("demo_obj", &f, held);
	say("kmem_cache_shrink() empties the sheaves and the barn back into their "
	    "slabs, flushes the CPU slabs and CPU partial lists to the node, and "
	    "frees every empty slab: slabs %ld before, %ld after. It returned %ld: "
	    "%s.", slabs_before, F(&f, "slabs"), ret,
	    ret ? "1, slabs remain (mm/slub.c's __kmem_cache_shrink())"
		: "0, no slab is left (1 would mean some remain)");
	kmem_cache_destroy(s);
	step();

	say("A debug cache has no CPU slab and no sheaves: every allocation and "
	    "free goes to its slab under the node's list_lock (so slab_debug "
	    "costs other caches nothing). That makes the node's partial list "
	    "visible. kmem_cache_create(\"demo_dbg\", 200, 0, SLAB_HWCACHE_ALIGN | "
	    "SLAB_NO_MERGE | SLAB_CONSISTENCY_CHECKS, NULL), and %d objects (%d "
	    "held):", N, N);
	d = kmem_cache_create("demo_dbg", 200, 0,
			      SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE | SLAB_CONSISTENCY_CHECKS, NULL);
	if (!d)
		return 1;
	for (int i = 0; i < N; i++)
		objs[i] = kmem_cache_alloc(d, GFP_KERNEL);
	held = N;
	show_cache("demo_dbg", &g, geo_keys);
	slab_state("demo_dbg", &f, held);
	step();

	free_every_other(d, objs, N, 0);
	held = N / 2;
	say("Free every other object (%ld held).", held);
	slab_state("demo_dbg", &f, held);
	say("Each full slab that got a free back became partial and went on the "
	    "node partial list: %ld partial slabs of %ld.",
	    F(&f, "partial"), F(&f, "slabs"));
	step();

	slabs_before = F(&f, "slabs");
	free_every_other(d, objs, N, 1);
	held = 0;
	say("Free the rest (none held).");
	slab_state("demo_dbg", &f, held);
	say("A slab that becomes empty stays on the partial list "
	    "while the node holds fewer than min_partial (%ld) partial slabs, and "
	    "goes back to the buddy allocator otherwise: %ld slabs before, %ld "
	    "left, %ld of them on the node partial list with %ld objects in use.",
	    F(&g, "min_partial"), slabs_before, F(&f, "slabs"), F(&f, "partial"),
	    F(&f, "objects"));
	ret = kmem_cache_shrink(d);
	printf("\n  kmem_cache_shrink(demo_dbg) = %ld\n", ret);
	slabs_before = F(&f, "slabs");
	show_cache("demo_dbg", &f, state_keys);
	say("kmem_cache_shrink() frees the empty slabs min_partial kept: %ld "
	    "before, %ld after; it returned %ld.", slabs_before, F(&f, "slabs"), ret);
	kmem_cache_destroy(d);
	return 0;
}

/* ---- 2. under slab_allocator=slab ---- */

static int demo_cpu;		/* the CPU the demo runs on */

/* The CPU's array and the node's state of SLAB cache @cache. */
static void arrays_state(const char *cache, struct fields *f)
{
	char key[3][32];
	const char *const keys[] = {
		key[0], key[1], key[2], "shared_avail", "shared_limit",
		"slabs_full", "slabs_partial", "slabs_free", "free_objects",
		"free_limit", NULL,
	};
	char prefix[64];

	snprintf(key[0], sizeof(key[0]), "cpu%d_avail", demo_cpu);
	snprintf(key[1], sizeof(key[1]), "cpu%d_limit", demo_cpu);
	snprintf(key[2], sizeof(key[2]), "cpu%d_touched", demo_cpu);
	snprintf(prefix, sizeof(prefix), "%s ", cache);
	show_lines("slabinfo", prefix, prefix);
	show_cache_in("slab_arrays", cache, f, keys);
}

/* This CPU's field @what ("avail", ...) of @f. */
static long CPU(const struct fields *f, const char *what)
{
	char key[32];

	snprintf(key, sizeof(key), "cpu%d_%s", demo_cpu, what);
	return F(f, key);
}

static long slabs_of(const struct fields *f)
{
	return F(f, "slabs_full") + F(f, "slabs_partial") + F(f, "slabs_free");
}

/* The objects the arrays hold: this CPU's and the shared one. */
static long in_arrays(const struct fields *f)
{
	return CPU(f, "avail") + F(f, "shared_avail");
}

/* Where the objects of @f are, after the demo's @held. */
static void say_where(const struct fields *f, long held)
{
	say("%ld slabs (%ld full, %ld partial, %ld free) of %ld objects: the demo "
	    "holds %ld, this CPU's array %ld, the shared array %ld, and %ld are "
	    "free in partial or free slabs (free_objects). slabinfo counts every "
	    "object not free in a slab as active, the arrays' too: active_objs "
	    "%ld = %ld + %ld + %ld.", slabs_of(f), F(f, "slabs_full"),
	    F(f, "slabs_partial"), F(f, "slabs_free"), slabs_of(f) * F(f, "num"),
	    held, CPU(f, "avail"), F(f, "shared_avail"), F(f, "free_objects"),
	    slabs_of(f) * F(f, "num") - F(f, "free_objects"), held,
	    CPU(f, "avail"), F(f, "shared_avail"));
}

/* enable_cpucache()'s rule for the stride @size, in words. */
static const char *limit_rule(long size)
{
	if (size > 131072)
		return "1 for objects over 128 KiB";
	if (size > 4096)
		return "8 for objects over 4 KiB";
	if (size > 1024)
		return "24 for objects over 1 KiB";
	if (size > 256)
		return "54 for objects over 256 bytes";
	return "120 for objects of 256 bytes or less";
}

static int demo_slab_slab(void)
{
	enum { M = 1000 };
	static void *objs[M];
	struct kmem_cache *s;
	struct fields f, prev;
	long held, ret, slabs_before;
	char colour[256], shared[256];

	say("== 2. The slab allocator (SLAB) ==\n"
	    "slab_allocator=slab is in force: the kernel's SLAB, its slab "
	    "allocator until SLUB replaced it (mm/slab.c, removed in v6.8; kheap "
	    "follows v6.6's). Objects of one size come from a cache. Its slabs are "
	    "pages from the buddy allocator cut into objects, and each slab keeps "
	    "the indices of its free objects in an array of its own (its "
	    "freelist), not in the objects. In front of the slabs each CPU has an "
	    "array cache: a stack of up to limit free object pointers that "
	    "kmem_cache_alloc() pops and kmem_cache_free() pushes, under the CPU's "
	    "lock. Behind the arrays are the node's shared array and three lists "
	    "of slabs: full, partial and free. kmem_cache_create(\"demo_obj\", 200, "
	    "0, SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, NULL) makes a cache of its own.");
	s = kmem_cache_create("demo_obj", 200, 0, SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, NULL);
	if (!s)
		return 1;
	arrays_state("demo_obj", &f);
	if (F(&f, "colour") > 1)
		snprintf(colour, sizeof(colour), "the leftover of a slab is cut "
			 "into %ld colour slots of %ld bytes, and each new slab "
			 "starts its objects one slot further on than the last "
			 "(colouring)", F(&f, "colour"), F(&f, "colour_off"));
	else
		snprintf(colour, sizeof(colour), "a slab has no leftover to "
			 "colour with (colour=%ld: every new slab starts its "
			 "objects at the same offset)", F(&f, "colour"));
	if (F(&f, "shared"))
		snprintf(shared, sizeof(shared), "and a shared array of shared x "
			 "batchcount = %ld x %ld = %ld entries that every CPU "
			 "refills from (there is more than one CPU)",
			 F(&f, "shared"), F(&f, "batchcount"), F(&f, "shared_limit"));
	else
		snprintf(shared, sizeof(shared), "and no shared array (one CPU)");
	say("Geometry: 200-byte objects at a stride of %ld bytes (SLAB_HWCACHE_ALIGN), "
	    "%ld per slab of order %ld; %s. enable_cpucache() sized the queues "
	    "by the stride: limit %ld (%s), batchcount (limit + 1) / 2 = %ld, %s. "
	    "slabinfo's tunables column shows limit, batchcount and the shared "
	    "factor.", F(&f, "size"), F(&f, "num"), F(&f, "order"), colour,
	    F(&f, "limit"), limit_rule(F(&f, "size")), F(&f, "batchcount"),
	    shared);
	step();

	prev = f;
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	if (!objs[0])
		return 1;
	held = 1;
	printf("\n  kmem_cache_alloc(demo_obj) -> %p\n", objs[0]);
	arrays_state("demo_obj", &f);
	say("The first allocation found this CPU's array empty: cache_alloc_refill() "
	    "took %ld objects (batchcount, but at most 16 while the array has not "
	    "been touched since it was made or last reaped) from the slabs, "
	    "growing the cache by %ld slab%s from the buddy allocator, handed out "
	    "one and left %ld in the array.", CPU(&f, "avail") + 1,
	    slabs_of(&f) - slabs_of(&prev), slabs_of(&f) - slabs_of(&prev) == 1 ?
	    "" : "s", CPU(&f, "avail"));
	say_where(&f, held);
	step();

	for (int i = 1; i < M; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	held = M;
	say("Allocate %d more (%d held). Each allocation pops the array; an empty "
	    "array is refilled with batchcount (%ld) objects: from the shared "
	    "array if it holds any, else from partial slabs, then free slabs, else "
	    "from new slabs.", M - 1, M, F(&f, "batchcount"));
	arrays_state("demo_obj", &f);
	say_where(&f, held);
	step();

	free_every_other(s, objs, M, 0);
	held = M / 2;
	prev = f;
	say("Free every other object (%ld held). Each free pushes the object onto "
	    "this CPU's array, whatever slab it is from; when the array is full "
	    "(limit %ld), cache_flusharray() moves its %ld oldest objects to the "
	    "shared array while that has room (%ld entries), and back to their "
	    "slabs (free_block()) when it has none.", held, F(&f, "limit"),
	    F(&f, "batchcount"), F(&f, "shared_limit"));
	arrays_state("demo_obj", &f);
	if (F(&f, "free_objects") == F(&prev, "free_objects"))
		say("No object went back to a slab: the arrays took all %ld "
		    "(this CPU's array holds %ld, the shared array %ld: %ld = %ld "
		    "freed + %ld that were there), so every slab is as full as "
		    "before.", M - held, CPU(&f, "avail"), F(&f, "shared_avail"),
		    in_arrays(&f), M - held, in_arrays(&prev));
	else
		say("The arrays took %ld of the %ld (this CPU's array holds %ld, the "
		    "shared array %ld of %ld); %ld went back to their slabs, which "
		    "made %ld slabs partial.", in_arrays(&f) - in_arrays(&prev),
		    M - held, CPU(&f, "avail"), F(&f, "shared_avail"),
		    F(&f, "shared_limit"), F(&f, "free_objects") - F(&prev, "free_objects"),
		    F(&f, "slabs_partial"));
	say_where(&f, held);
	step();

	free_every_other(s, objs, M, 1);
	held = 0;
	prev = f;
	say("Free the rest (none held).");
	arrays_state("demo_obj", &f);
	if (!F(&f, "shared_limit"))
		snprintf(shared, sizeof(shared), "There is no shared array, so "
			 "every flush sent its objects back to their slabs");
	else if (F(&f, "shared_avail") == F(&f, "shared_limit"))
		snprintf(shared, sizeof(shared), "The shared array holds %ld of "
			 "%ld, so the flushes after it filled sent their objects "
			 "back to their slabs", F(&f, "shared_avail"),
			 F(&f, "shared_limit"));
	else
		snprintf(shared, sizeof(shared), "The shared array holds %ld of "
			 "%ld: the flushes went there while it had room",
			 F(&f, "shared_avail"), F(&f, "shared_limit"));
	say("%s: %ld objects went back and "
	    "%ld slabs are partial. %ld slabs are still full: none of their "
	    "objects is free in the slab, they all wait in the arrays. A slab "
	    "whose objects all come back moves to the free list, and free_block() "
	    "gives free slabs back to the buddy allocator while the node holds "
	    "more than free_limit = (1 + CPUs) x batchcount + num = %ld free "
	    "objects: %ld free slabs now.", shared,
	    F(&f, "free_objects") - F(&prev, "free_objects"),
	    F(&f, "slabs_partial"), F(&f, "slabs_full"), F(&f, "free_limit"),
	    F(&f, "slabs_free"));
	say_where(&f, held);
	say("An array that is not used for a while is drained by cache_reap() "
	    "(the kernel runs it every 2 s on each CPU from a workqueue; kheap "
	    "runs it from allocation activity, having no thread of its own), so "
	    "an idle cache keeps its objects in the arrays until then.");
	step();

	slabs_before = slabs_of(&f);
	ret = kmem_cache_shrink(s);
	printf("\n  kmem_cache_shrink(demo_obj) = %ld\n", ret);
	arrays_state("demo_obj", &f);
	say("kmem_cache_shrink() drains every CPU's array and the shared array "
	    "into their slabs, then frees every free slab: slabs %ld before, %ld "
	    "after. It returned %ld: %s.", slabs_before, slabs_of(&f), ret,
	    ret ? "1, slabs remain" : "0, no slab is left (1 would mean some remain)");
	kmem_cache_destroy(s);
	return 0;
}

/* ---- 2. under slab_allocator=slob ---- */

/* A SLOB page of the slob_pages view: its list, free bytes and blocks. */
struct slob_line {
	char list[32];
	long free;
	int nr;
	long off[64], len[64];
};

/* The slob_pages line of the page at @page; false when it is on no list. */
static bool slob_page_state(uintptr_t page, struct slob_line *pl, long *pages)
{
	char *t = get_view("slob_pages"), *save = NULL;
	bool found = false;

	pl->nr = 0;
	pl->free = 0;
	pl->list[0] = 0;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char list[32], *blocks;
		unsigned long addr;
		long free;

		if (sscanf(l, "slob_pages %ld", pages) == 1)
			continue;
		if (sscanf(l, "%31s %lx free=%ld", list, &addr, &free) != 3 ||
		    addr != page || !(blocks = strstr(l, "blocks=")))
			continue;
		found = true;
		snprintf(pl->list, sizeof(pl->list), "%s", list);
		pl->free = free;
		for (char *b = blocks + 7; *b && pl->nr < 64;) {
			char *end;

			pl->off[pl->nr] = strtol(b, &end, 10);
			if (*end != '+')
				break;
			pl->len[pl->nr] = strtol(end + 1, &end, 10);
			pl->nr++;
			b = *end == ',' ? end + 1 : end;
		}
	}
	free(t);
	return found;
}

/* "offset+length, ..." of @pl's free blocks. */
static const char *slob_blocks(const struct slob_line *pl, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < pl->nr && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%ld bytes at %ld",
				      i ? (i == pl->nr - 1 ? " and " : ", ") : "",
				      pl->len[i], pl->off[i]);
	return buf;
}

static int demo_slab_slob(void)
{
	enum { SIZE = 1200 };
	struct kmem_cache *s;
	struct slob_line pl;
	void *a, *b, *c, *d;
	uintptr_t page;
	long pages0 = 0, pages = 0, oa, ob, oc, od;
	char buf[512];
	bool on;

	say("== 2. The slab allocator (SLOB) ==\n"
	    "slab_allocator=slob is in force: the kernel's SLOB, \"simple list of "
	    "blocks\" (mm/slob.c, for machines too small for per-CPU queues; "
	    "removed in v6.4, kheap follows v6.3's). It is a first-fit heap on "
	    "pages from the page allocator, counted in units of 2 bytes: each page "
	    "keeps a list of its free blocks in address order, inside the free "
	    "blocks themselves, and an allocated block carries nothing. Pages with "
	    "free space are on one of three lists, by request size: "
	    "free_slob_small (under 256 bytes), free_slob_medium (under 1024) and "
	    "free_slob_large. There are no slabs of one size and no per-CPU "
	    "queues: one lock, and objects of every cache and kmalloc() (with an "
	    "8-byte size header) share the pages. kmem_cache_create(\"demo_blk\", "
	    "%d, 0, 0, NULL): its %d-byte objects are searched for on "
	    "free_slob_large. slob_pages (kheap's view) lists every page with free "
	    "space, list by list, with its free blocks as offset+length in bytes.",
	    SIZE, SIZE);
	s = kmem_cache_create("demo_blk", SIZE, 0, 0, NULL);
	if (!s)
		return 1;
	show("slob_pages");
	slob_page_state(0, &pl, &pages0);
	step();

	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	if (!a || !b || !c)
		return 1;
	page = (uintptr_t)a & PAGE_MASK;
	oa = (long)((uintptr_t)a - page);
	ob = (long)((uintptr_t)b - page);
	oc = (long)((uintptr_t)c - page);
	printf("\n  a = kmem_cache_alloc(demo_blk) -> %p (page %#lx + %ld)\n"
	       "  b = kmem_cache_alloc(demo_blk) -> %p (page %#lx + %ld)\n"
	       "  c = kmem_cache_alloc(demo_blk) -> %p (page %#lx + %ld)\n",
	       a, (unsigned long)page, oa, b,
	       (unsigned long)((uintptr_t)b & PAGE_MASK), (long)((uintptr_t)b & ~PAGE_MASK),
	       c, (unsigned long)((uintptr_t)c & PAGE_MASK), (long)((uintptr_t)c & ~PAGE_MASK));
	show("slob_pages");
	on = slob_page_state(page, &pl, &pages);
	if (((uintptr_t)b & PAGE_MASK) != page || ((uintptr_t)c & PAGE_MASK) != page ||
	    !on) {
		say("a, b and c went to the pages above (another program's blocks "
		    "shared them); the rest of this chapter needs them in one page "
		    "with free space, so it stops here.");
		kmem_cache_free(s, a);
		kmem_cache_free(s, b);
		kmem_cache_free(s, c);
		kmem_cache_destroy(s);
		return 0;
	}
	say("%s Each allocation walks the page's free list and takes the head of "
	    "the first block big enough (first fit), leaving the rest of it free: "
	    "a, b and c are at offsets %ld, %ld and %ld of page %#lx%s, and its "
	    "free list is now %s (%ld bytes free, on %s).",
	    pages > pages0 ? "No page on free_slob_large had room, so slob_alloc() "
	    "took a new page from the page allocator: one free block of the whole "
	    "page." : "A page on free_slob_large had room.", oa, ob, oc,
	    (unsigned long)page, ob == oa + SIZE && oc == ob + SIZE ?
	    ", one after the other" : "", slob_blocks(&pl, buf, sizeof(buf)),
	    pl.free, pl.list);
	step();

	kmem_cache_free(s, b);
	printf("\n  kmem_cache_free(demo_blk, b)\n");
	show("slob_pages");
	slob_page_state(page, &pl, &pages);
	say("slob_free() puts b's block back into the page's free list in address "
	    "order, merging it with a free neighbour on either side; a (before it) "
	    "and c (after it) are allocated, so it stays a block of its own. The "
	    "free list: %s.", slob_blocks(&pl, buf, sizeof(buf)));
	step();

	d = kmem_cache_alloc(s, GFP_KERNEL);
	if (!d)
		return 1;
	od = (long)((uintptr_t)d - page);
	printf("\n  d = kmem_cache_alloc(demo_blk) -> %p (page %#lx + %ld)\n", d,
	       (unsigned long)((uintptr_t)d & PAGE_MASK), (long)((uintptr_t)d & ~PAGE_MASK));
	show("slob_pages");
	slob_page_state(page, &pl, &pages);
	if (d == b)
		say("First fit again: the first free block of the page big enough "
		    "is the hole b left, at offset %ld, so d takes b's address. The "
		    "free list: %s.", od, slob_blocks(&pl, buf, sizeof(buf)));
	else
		say("d went to %p (offset %ld of page %#lx): the search took the first "
		    "page and block with room. The free list of a's page: %s.", d,
		    (long)((uintptr_t)d & ~PAGE_MASK),
		    (unsigned long)((uintptr_t)d & PAGE_MASK),
		    slob_blocks(&pl, buf, sizeof(buf)));
	step();

	kmem_cache_free(s, a);
	kmem_cache_free(s, d);
	printf("\n  kmem_cache_free(demo_blk, a); kmem_cache_free(demo_blk, d)\n");
	show("slob_pages");
	slob_page_state(page, &pl, &pages);
	say("Free a, then d. a's block goes back on its own; %s The free list: %s.",
	    d == b && pl.nr && pl.off[0] == oa && pl.len[0] == oc - oa ?
	    "d's, next to it, merges with it into one block from a's offset to c's." :
	    "d's goes back where it was.", slob_blocks(&pl, buf, sizeof(buf)));
	step();

	pages0 = pages;
	kmem_cache_free(s, c);
	printf("\n  kmem_cache_free(demo_blk, c)\n");
	show("slob_pages");
	on = slob_page_state(page, &pl, &pages);
	if (!on && pages < pages0)
		say("Free c: the page's blocks are all free again, so slob_free() "
		    "gives the page back to the page allocator at once (SLOB keeps no "
		    "empty page): slob_pages %ld before, %ld now.", pages0, pages);
	else
		say("Free c: it merges with its free neighbours; the page still "
		    "holds other blocks (%s), so it stays: slob_pages %ld.",
		    slob_blocks(&pl, buf, sizeof(buf)), pages);
	say("A cache under SLOB is only a size and an alignment: "
	    "kmem_cache_shrink() has nothing to do, slabinfo does not exist (as "
	    "in v6.3), and a kmalloc() block of any size up to a page minus its "
	    "header shares these lists with every cache's objects.");
	kmem_cache_destroy(s);
	return 0;
}

/* ---- 3. vmalloc ---- */

/* Not static: exported (ENABLE_EXPORTS) so vmallocinfo can name the caller. */
int demo_vmalloc(void);
int demo_vmalloc(void)
{
	enum { HOLES = 16, VPAGES = 6 };
	struct page *pages[HOLES];
	long used0, used1, used2, scattered = 0;
	unsigned long pfn[VPAGES];
	char *buf, *t, *l;
	long size = -1;

	say("== 3. vmalloc: virtually contiguous, physically scattered ==\n"
	    "vmalloc hands out addresses from its own range (VMALLOC_START to "
	    "VMALLOC_END) and takes order-0 frames from the buddy allocator one by "
	    "one, so it works when no contiguous block is left. To make holes, "
	    "take %d single pages and give every other one back:", HOLES);
	for (int i = 0; i < HOLES; i++)
		if (!(pages[i] = alloc_pages(GFP_KERNEL, 0)))
			return 1;
	for (int i = 0; i < HOLES; i += 2)
		__free_pages(pages[i], 0);
	used0 = view_value("meminfo", NULL, "VmallocUsed");
	buf = vmalloc(VPAGES * PAGE_SIZE);
	if (!buf)
		return 1;
	memset(buf, 'k', VPAGES * PAGE_SIZE);
	printf("\n  vmalloc(%d * PAGE_SIZE) -> %p (one address range)\n", VPAGES, (void *)buf);
	for (int i = 0; i < VPAGES; i++) {
		pfn[i] = vmalloc_to_pfn(buf + i * PAGE_SIZE);
		printf("    page %d at %p -> pfn %#lx\n", i, (void *)(buf + i * PAGE_SIZE), pfn[i]);
		scattered += i && pfn[i] != pfn[i - 1] + 1;
	}
	used1 = view_value("meminfo", NULL, "VmallocUsed");
	show("vmallocinfo");
	t = get_view("vmallocinfo");
	for (l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strstr(l, "demo_vmalloc") && strstr(l, " pages=")) {
			sscanf(l, "%*s %ld", &size);
			break;
		}
	free(t);
	show_lines("meminfo", "Vmalloc", "Vmalloc*");
	say("The %d pages are contiguous at the vmalloc address; their frames are "
	    "not: %ld of the %d frames after the first do not follow the one before. The frames "
	    "are accounted (VmallocUsed went from %ld kB to %ld kB), not aliased: "
	    "userspace cannot map one page at two addresses, so the bytes at the "
	    "vmalloc address are fresh private memory and "
	    "page_address(vmalloc_to_page(p)) is not p. vmallocinfo's size, %ld "
	    "bytes, is the %d pages and the guard page after them; touching the "
	    "guard page is a segmentation fault.",
	    VPAGES, scattered, VPAGES - 1, used0, used1, size, VPAGES);
	step();

	vfree(buf);
	used2 = view_value("meminfo", NULL, "VmallocUsed");
	show("vmallocinfo");
	show_lines("meminfo", "Vmalloc", "Vmalloc*");
	say("vfree() gives the frames back at once (VmallocUsed: %ld kB); the "
	    "address range waits as an \"unpurged vm_area\" until lazy_max_pages "
	    "of freed ranges pile up or vm_unmap_aliases() purges them.", used2);
	vm_unmap_aliases();
	for (int i = 1; i < HOLES; i += 2)
		__free_pages(pages[i], 0);
	return 0;
}

/* ---- 4. a real program ---- */

static int demo_real_program(void)
{
	/* the program asks `kheap slabinfo --pid` about itself while its data
	 * is alive (at exit it would have freed it) */
	static const char script[] =
		"import json, os, subprocess, sys\n"
		"d = {str(i): [i, str(i) * 3] for i in range(20000)}\n"
		"print('python3: a dict of', len(d), 'entries,', len(json.dumps(d)), 'bytes of JSON')\n"
		"sys.stdout.flush()\n"
		"r = subprocess.run([sys.argv[1], 'slabinfo', '-S', '-N', '8', '--pid', str(os.getpid())],\n"
		"                   capture_output=True, text=True)\n"
		"sys.stdout.write(r.stdout)\n";
	char self[PATH_MAX];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *argv_py[] = { "/usr/bin/python3", "-c", (char *)script, self, NULL };
	int status;
	pid_t pid;

	if (sl <= 0 || access("/usr/bin/python3", X_OK)) {
		say("== 4. A real program on kheap ==\n"
		    "(skipped: /usr/bin/python3 is not installed)");
		return 0;
	}
	self[sl] = 0;
	say("== 4. A real program on kheap ==\n"
	    "libkheap-malloc.so is malloc, free, realloc, posix_memalign, ... on "
	    "kmalloc (up to 8 KiB from the kmalloc caches, then compound pages up "
	    "to 4 MiB) and vmalloc (beyond). `kheap run -- PROG` preloads it and "
	    "lets `kheap slabinfo --pid PID` (and top, vmstat, ...) read the "
	    "program's views while it runs. Here python3 (PYTHONMALLOC=malloc: its "
	    "objects come from malloc, not from its own arenas) builds a dict and "
	    "runs `kheap slabinfo -S -N 8 --pid` on itself: its 8 largest caches, "
	    "in tools/mm/slabinfo's format.");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		char extra[64];

		/* python3 publishes; the kheap it runs does not (kheap.pid) */
		snprintf(extra, sizeof(extra), "kheap.publish=1 kheap.pid=%d", (int)getpid());
		setenv("PYTHONMALLOC", "malloc", 1);
		if (shim_environment(NULL, extra))
			_exit(3);
		execv(argv_py[0], argv_py);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("  (the program failed: %s)\n",
		       WIFEXITED(status) && WEXITSTATUS(status) == 3
		       ? "libkheap-malloc.so not built" : "see its output");
		return 0;
	}
	say("Try it on your own programs: `build/kheap run --stats -- PROG`, or "
	    "`build/kheap run -- PROG &` and then `build/kheap top --pid $!`.");
	return 0;
}

/* ---- the command ---- */

static const char *const chapters[] = {
	"buddy", "slab", "vmalloc", "program", "compare",
};
#define NR_CHAPTERS	(int)(sizeof(chapters) / sizeof(chapters[0]))

static bool slab_alt_demo;	/* slab_allocator=slab or slob: chapter 2 */
static bool slob_demo;		/* ... SLOB's */

static int run_chapter(int i, int cpu)
{
	switch (i) {
	case 0: return demo_buddy(cpu);
	case 1: return slob_demo ? demo_slab_slob() :
		       slab_alt_demo ? demo_slab_slab() : demo_slab();
	case 2: return demo_vmalloc();
	case 3: return demo_real_program();
	default: return demo_trace_compare();	/* tools/trace/cmd.c */
	}
}

int cmd_demo(const struct command *c, int argc, char **argv,
	     const char *cmdline)
{
	bool want[NR_CHAPTERS] = { false }, asked[NR_CHAPTERS];
	bool any = false;
	char *opts;
	int err, cpu;
	cpu_set_t set;

	for (int i = 1; i < argc; i++) {
		bool found = false;

		if (!strcmp(argv[i], "--step")) {
			step_mode = true;
			continue;
		}
		for (int k = 0; k < NR_CHAPTERS; k++)
			if (!strcmp(argv[i], chapters[k]))
				want[k] = found = any = true;
		if (!found) {
			fprintf(stderr, "%s: demo: unknown chapter '%s' (buddy, slab, vmalloc, program, compare)\n",
				prog, argv[i]);
			return 2;
		}
	}
	if (!any)
		for (int k = 0; k < NR_CHAPTERS; k++)
			want[k] = true;
	/* mem=1G keeps the numbers small; the user's options come after it */
	if (asprintf(&opts, "mem=1G%s%s", cmdline ? " " : "", cmdline ? cmdline : "") < 0)
		return 1;
	err = kheap_init(opts);
	free(opts);
	if (err == -EINVAL)
		return 2;
	if (err && err != -EBUSY)
		return 1;
	/*
	 * Its chapters narrate SLUB's slabs, sheaves and views; under SLAB,
	 * chapter 2 is SLAB's, and chapters 4 and 5 (SLUB's slabinfo reports,
	 * a compare of SLUB's options) are left out.
	 */
	memcpy(asked, want, sizeof(asked));
	if (strcmp(tool_slab_allocator(), "slub")) {
		slab_alt_demo = true;
		slob_demo = !strcmp(tool_slab_allocator(), "slob");
		want[3] = want[4] = false;
	}
	cpu = sched_getcpu();
	demo_cpu = cpu >= 0 ? cpu : 0;
	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	printf("kheap %s demo: the Linux kernel's heap, in userspace (mem=1G%s%s), on CPU %d\n",
	       KHEAP_VERSION, cmdline ? " " : "", cmdline ? cmdline : "", cpu);
	for (int k = 0; k < NR_CHAPTERS; k++) {
		if (!want[k])
			continue;
		if (run_chapter(k, cpu))
			return 1;
		step();
	}
	if (slab_alt_demo && (asked[3] || asked[4]))
		say("(Chapters 4 and 5 read SLUB's slabinfo reports and compare "
		    "SLUB's options: run `kheap demo` without slab_allocator= for "
		    "them.)");
	return 0;
}
