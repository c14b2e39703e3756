// SPDX-License-Identifier: MIT
/*
 * test_tool_slabinfo - `kheap slabinfo`'s reports (tools/slabinfo.c, the
 * kernel's tools/mm/slabinfo) on caches whose contents the test knows:
 * the list line, the report and the totals give the numbers the kernel
 * tool's arithmetic gives for those contents; -a lists merged names; -t
 * shows call sites of a slab_debug=U cache; bad options exit 2.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "tools/tool.h"

#include <fcntl.h>

const char *prog = "kheap";

static const struct command slabinfo_cmd = {
	"slabinfo", "", "", NULL, cmd_slabinfo, 0, "slabinfo",
};

/* Run `kheap slabinfo ARGS...`; its stdout in a static buffer. */
static char out[1 << 18];
static int run(const char *a1, const char *a2)
{
	char *argv[4] = { "slabinfo", (char *)a1, (char *)a2, NULL };
	int argc = 1 + (a1 != NULL) + (a2 != NULL), st, fd, saved;
	char path[] = "/tmp/kheap-slabinfo-XXXXXX";
	ssize_t n;

	fflush(stdout);
	fd = mkstemp(path);
	saved = dup(1);
	dup2(fd, 1);
	st = cmd_slabinfo(&slabinfo_cmd, argc, argv, NULL);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return st;
}

static const char *line_of(const char *text, const char *prefix)
{
	const char *l = text;

	while (l && *l) {
		if (!strncmp(l, prefix, strlen(prefix)))
			return l;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return NULL;
}

static struct kmem_cache *known;
static void *held[1000];

/* "known": 300 objects of 512 bytes held, nothing cached per CPU */
static void make_known(void)
{
	known = kmem_cache_create("known", 512, 0, SLAB_NO_MERGE, NULL);
	CHECK(known != NULL);
	for (int i = 0; i < 300; i++)
		held[i] = kmem_cache_alloc(known, GFP_KERNEL);
	kmem_cache_shrink(known);	/* sheaves and CPU slabs flushed */
}

static void test_list_line_is_the_kernel_tools(void)
{
	unsigned long slabs, order = oo_order(known->oo), per = oo_objects(known->oo);
	char expect[200], space[48], dist[48];
	const char *l;

	CHECK_EQ(run("-l", "^known$"), 0);
	CHECK(!strncmp(out, "Name                   Objects Objsize           Space Slabs/Part/Cpu  O/S O %Fr %Ef Flg\n", 87));
	slabs = (unsigned long)known->node.nr_slabs;
	CHECK_EQ(slabs, (300 + per - 1) / per);	/* full slabs, one partial */
	/* Space: 4096 << order per slab, as store_size() prints it */
	snprintf(space, sizeof(space), "%lu.%luK", (slabs * (4096UL << order)) / 1000,
		 (slabs * (4096UL << order)) / 100 % 10);
	snprintf(dist, sizeof(dist), "%lu/%lu/0", slabs, known->node.nr_partial);
	snprintf(expect, sizeof(expect), "%-21s %8d %7d %15s %14s %4lu %1lu %3lu %3lu %s\n",
		 "known", 300, 512, space, dist, per, order,
		 known->node.nr_partial * 100 / slabs,
		 300UL * 512 * 100 / (slabs * (4096UL << order)), "");
	l = line_of(out, "known ");
	CHECK(l != NULL);
	if (l && strncmp(l, expect, strlen(expect)))
		fprintf(stderr, "got:    %.*s\nexpect: %s", (int)(strchr(l, '\n') - l), l, expect);
	CHECK(l && !strncmp(l, expect, strlen(expect)));
}

static void test_report_has_sizes_slabs_memory(void)
{
	unsigned long order = oo_order(known->oo), per = oo_objects(known->oo);
	unsigned long slabs = (unsigned long)known->node.nr_slabs;
	unsigned long partial = known->node.nr_partial;
	char expect[200];

	CHECK_EQ(run("-r", "^known$"), 0);
	snprintf(expect, sizeof(expect), "\nSlabcache: %-15s  Aliases: %2d Order : %2lu Objects: %d\n",
		 "known", 0, order, 300);
	CHECK(!strncmp(out, expect, strlen(expect)));
	snprintf(expect, sizeof(expect), "Object : %7d  Total  : %7lu   Sanity Checks : Off  Total: %7lu\n",
		 512, slabs, slabs * (4096UL << order));
	CHECK(strstr(out, expect) != NULL);
	snprintf(expect, sizeof(expect), "SlabObj: %7u  Full   : %7lu   Redzoning     : Off  Used : %7d\n",
		 known->size, slabs - partial, 300 * 512);
	CHECK(strstr(out, expect) != NULL);
	snprintf(expect, sizeof(expect), "SlabSiz: %7lu  Partial: %7lu   Poisoning     : Off  Loss : %7lu\n",
		 4096UL << order, partial, slabs * (4096UL << order) - 300 * 512);
	CHECK(strstr(out, expect) != NULL);
	snprintf(expect, sizeof(expect), "Align  : %7u  Objects: %7lu   Tracing       : Off  Lpadd: %7lu\n",
		 known->align, per, ((4096UL << order) - per * known->size) * slabs);
	CHECK(strstr(out, expect) != NULL);
	CHECK(strstr(out, "known: Kernel object allocation\n") != NULL);
	CHECK(strstr(out, "No Data\n") != NULL);	/* no slab_debug=U */
}

static void test_sort_by_size_puts_the_largest_first(void)
{
	const char *first;

	CHECK_EQ(run("-S", NULL), 0);
	first = strchr(out, '\n');
	if (first && strncmp(first + 1, "known ", 6)) fputs(out, stderr);
	CHECK(first && !strncmp(first + 1, "known ", 6));	/* ~150 KiB */
	CHECK_EQ(run("-S", "-i"), 0);			/* inverted */
	first = strrchr(out, '\n');
	CHECK(first != NULL);
}

static void test_totals_count_caches_and_memory(void)
{
	struct kmem_cache *s;
	unsigned long caches = 0, size = 0, objects = 0;
	int active = 0;
	char expect[120], b[20];

	list_for_each_entry(s, &slab_caches, list) {
		struct slab_attrs a;

		slub_cache_attrs(s, &a);
		caches++;
		if (a.slabs && a.objects) {
			active++;
			size += a.slabs * (PAGE_SIZE << oo_order(s->oo));
			objects += a.objects;
		}
	}
	CHECK_EQ(run("-T", NULL), 0);
	CHECK(!strncmp(out, "Slabcache Totals\n----------------\n", 34));
	snprintf(expect, sizeof(expect), "Slabcaches : %15lu   Aliases  : %11d->%-3d  Active:    %3d\n",
		 caches, 2, 1, active);
	CHECK(strstr(out, expect) != NULL);
	if (!strstr(out, expect))
		fprintf(stderr, "%s\nexpected %s", out, expect);
	/* "Memory used" in store_size() form: 3 significant digits */
	snprintf(b, sizeof(b), "%lu.%lu%c", size > 1000000 ? size / 1000000 : size / 1000,
		 size > 1000000 ? size / 100000 % 10 : size / 100 % 10,
		 size > 1000000 ? 'M' : 'K');
	CHECK(strstr(out, b) != NULL);
	CHECK(objects >= 300);
}

static void test_aliases_list_merged_names(void)
{
	struct kmem_cache *a = kmem_cache_create("alias_one", 600, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("alias_two", 600, 0, 0, NULL);
	struct kmem_cache *c = kmem_cache_create("alias_three", 600, 0, 0, NULL);

	CHECK(a == b && b == c);		/* merged */
	CHECK_EQ(run("-a", NULL), 0);
	CHECK(strstr(out, "\nalias_one    <- alias_three alias_two\n") != NULL);
	CHECK_EQ(run("-a", "-i"), 0);
	CHECK(strstr(out, "alias_three     -> alias_one\n") != NULL);
	CHECK(strstr(out, "alias_two       -> alias_one\n") != NULL);
	/* the list flags a cache with aliases '*' */
	CHECK_EQ(run("-lz", "^alias_one$"), 0);
	CHECK(strstr(out, " *\n") != NULL);
	kmem_cache_destroy(c);
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
}

void *tracked_alloc(struct kmem_cache *s);	/* named in the traces */
__attribute__((noinline)) void *tracked_alloc(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ volatile("" ::: "memory");
	return p;
}

static void test_tracking_shows_call_sites(void)
{
	struct kmem_cache *s = kmem_cache_create("tracked", 64, 0, SLAB_STORE_USER, NULL);
	void *p[5];

#pragma GCC unroll 1
	for (int i = 0; i < 5; i++)
		p[i] = tracked_alloc(s);
	CHECK_EQ(run("-t", "^tracked$"), 0);
	CHECK(strstr(out, "\ntracked: Kernel object allocation\n-----") != NULL);
	CHECK(strstr(out, "\n      5 tracked_alloc+0x") != NULL);
	CHECK(strstr(out, "\ntracked: Kernel object freeing\n") != NULL);
	CHECK(strstr(out, "      5 <not-available>") != NULL);
	/* the list marks it U */
	CHECK_EQ(run("-l", "^tracked$"), 0);
	CHECK(strstr(out, " U\n") != NULL);
	for (int i = 0; i < 5; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}

static void test_empty_caches_hidden_unless_asked(void)
{
	struct kmem_cache *s = kmem_cache_create("empty_one", 72, 0, SLAB_NO_MERGE, NULL);

	CHECK_EQ(run("-l", NULL), 0);
	CHECK(!strstr(out, "\nempty_one "));
	CHECK_EQ(run("-z", NULL), 0);
	CHECK(strstr(out, "\nempty_one ") != NULL);
	CHECK_EQ(run("-e", NULL), 0);		/* empty ones only */
	CHECK(strstr(out, "\nempty_one ") != NULL);
	CHECK(!strstr(out, "\nknown "));
	kmem_cache_destroy(s);
}

static void test_bad_options_exit_2(void)
{
	CHECK_EQ(run("-q", NULL), 2);
	CHECK_EQ(run("--pid", NULL), 2);
	CHECK_EQ(run("-N", NULL), 2);
	CHECK_EQ(run("-l", "[unclosed"), 2);
	CHECK_EQ(run("-h", NULL), 0);
	CHECK(strstr(out, "Usage: kheap slabinfo") != NULL);
}

static void test_plain_is_proc_slabinfo(void)
{
	CHECK_EQ(run(NULL, NULL), 0);
	CHECK(!strncmp(out, "slabinfo - version: 2.1\n", 24));
	CHECK(strstr(out, "\nknown ") != NULL);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M slab_debug=U,tracked"), 0);
	RUN(make_known);
	RUN(test_list_line_is_the_kernel_tools);
	RUN(test_report_has_sizes_slabs_memory);
	RUN(test_sort_by_size_puts_the_largest_first);
	RUN(test_aliases_list_merged_names);
	RUN(test_tracking_shows_call_sites);
	RUN(test_empty_caches_hidden_unless_asked);
	RUN(test_bad_options_exit_2);
	RUN(test_plain_is_proc_slabinfo);
	{
		/* with two aliases of one cache alive */
		struct kmem_cache *a = kmem_cache_create("alias_one", 600, 0, 0, NULL);
		struct kmem_cache *b = kmem_cache_create("alias_two", 600, 0, 0, NULL);
		struct kmem_cache *c = kmem_cache_create("alias_three", 600, 0, 0, NULL);

		RUN(test_totals_count_caches_and_memory);
		kmem_cache_destroy(c);
		kmem_cache_destroy(b);
		kmem_cache_destroy(a);
	}
	for (int i = 0; i < 300; i++)
		kmem_cache_free(known, held[i]);
	kmem_cache_destroy(known);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
