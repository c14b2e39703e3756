// SPDX-License-Identifier: MIT
/*
 * test_slab_sysfs - the "kernel/slab" view (the kernel's
 * /sys/kernel/slab/<cache>/ numbers, plus where free objects wait: CPU
 * freelists, sheaves, the barn, CPU partial slabs) accounts for every
 * object of a cache against a shadow count of what the test holds, and
 * the debugfs alloc_traces/free_traces views group live objects by call
 * site in the kernel's format.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "views.h"
#include "slabinfo.h"

#include <errno.h>

/* attr=value of cache @cache in the "kernel/slab" view (-1: missing). */
struct attrs {
	long v[40];
};
static const char *const names[] = {
	"object_size", "slab_size", "order", "objs_per_slab", "slabs",
	"partial", "cpu_slabs", "objects", "objects_partial", "total_objects",
	"cpu_slab", "slabs_cpu_partial", "cpu_freelist", "cpu_slab_free",
	"cpu_partial_free", "sheaf_capacity", "sheaf_objects", "barn_full",
	"barn_empty", "store_user", "aliases", "align", "hwcache_align",
};
enum { A_OBJECT_SIZE, A_SLAB_SIZE, A_ORDER, A_OBJS_PER_SLAB, A_SLABS, A_PARTIAL,
       A_CPU_SLABS, A_OBJECTS, A_OBJECTS_PARTIAL, A_TOTAL_OBJECTS, A_CPU_SLAB,
       A_CPU_PARTIAL_SLABS, A_CPU_FREELIST, A_CPU_SLAB_FREE, A_CPU_PARTIAL_FREE,
       A_SHEAF_CAPACITY, A_SHEAF_OBJECTS, A_BARN_FULL, A_BARN_EMPTY, A_STORE_USER,
       A_ALIASES, A_ALIGN, A_HWCACHE_ALIGN, NR_NAMES };

static bool attrs_of(const char *cache, struct attrs *a)
{
	char *t = view("kernel/slab"), *save = NULL;
	bool found = false;

	for (int i = 0; i < NR_NAMES; i++)
		a->v[i] = -1;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *tsave = NULL, *tok = strtok_r(l, " ", &tsave);

		if (!tok || strcmp(tok, cache))
			continue;
		found = true;
		while ((tok = strtok_r(NULL, " ", &tsave))) {
			char *eq = strchr(tok, '=');

			CHECK(eq != NULL);
			if (!eq)
				continue;
			*eq = 0;
			for (int i = 0; i < NR_NAMES; i++)
				if (!strcmp(tok, names[i]))
					a->v[i] = atol(eq + 1);
		}
	}
	free(t);
	return found;
}

/* active_objs of @cache in /proc/slabinfo */
static long slabinfo_active(const char *cache)
{
	struct slabinfo_line l;

	return slabinfo_get(cache, &l) ? (long)l.active_objs : -1;
}

/*
 * Every object is either held by the test or free in one identified place;
 * the slab counts add up the way the kernel's sysfs files relate.
 */
static void check_accounting(const char *cache, long held)
{
	struct attrs a;
	long waiting;

	CHECK(attrs_of(cache, &a));
	for (int i = 0; i < NR_NAMES; i++)
		CHECK(a.v[i] >= 0);
	CHECK_EQ(a.v[A_TOTAL_OBJECTS], a.v[A_SLABS] * a.v[A_OBJS_PER_SLAB]);
	CHECK_EQ(a.v[A_OBJECTS], slabinfo_active(cache));
	CHECK_EQ(a.v[A_CPU_SLABS], a.v[A_CPU_SLAB] + a.v[A_CPU_PARTIAL_SLABS]);
	CHECK(a.v[A_SLABS] >= a.v[A_CPU_SLABS] + a.v[A_PARTIAL]);
	CHECK(a.v[A_OBJECTS_PARTIAL] < a.v[A_PARTIAL] * a.v[A_OBJS_PER_SLAB] ||
	      !a.v[A_PARTIAL]);
	waiting = a.v[A_CPU_FREELIST] + a.v[A_CPU_SLAB_FREE] + a.v[A_CPU_PARTIAL_FREE] +
		  a.v[A_SHEAF_OBJECTS] + a.v[A_BARN_FULL] * a.v[A_SHEAF_CAPACITY];
	CHECK_EQ(a.v[A_OBJECTS] - waiting, held);
	CHECK(a.v[A_SHEAF_OBJECTS] <= 2 * a.v[A_SHEAF_CAPACITY] * (long)os_ncpus());
}

static void test_objects_accounted_against_shadow(void)
{
	struct kmem_cache *s = kmem_cache_create("sysfs_test", 200, 0,
						 SLAB_NO_MERGE, NULL);
	static void *objs[3000];
	uint64_t rng = 42;
	long held = 0;

	CHECK(s != NULL);
	check_accounting("sysfs_test", 0);
	for (int round = 0; round < 40; round++) {
		int ops = (int)(check_xorshift(&rng) % 400);

		for (int k = 0; k < ops; k++) {
			int i = (int)(check_xorshift(&rng) % 3000);

			if (objs[i]) {
				kmem_cache_free(s, objs[i]);
				objs[i] = NULL;
				held--;
			} else {
				objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
				CHECK(objs[i] != NULL);
				held++;
			}
		}
		check_accounting("sysfs_test", held);
	}
	for (int i = 0; i < 3000; i++)
		if (objs[i])
			kmem_cache_free(s, objs[i]);
	check_accounting("sysfs_test", 0);
	/* a shrink empties sheaves, CPU slabs and partial lists */
	kmem_cache_shrink(s);
	{
		struct attrs a;

		CHECK(attrs_of("sysfs_test", &a));
		CHECK_EQ(a.v[A_OBJECTS], 0);
		CHECK_EQ(a.v[A_SHEAF_OBJECTS], 0);
		CHECK_EQ(a.v[A_CPU_SLABS], 0);
		CHECK_EQ(a.v[A_BARN_FULL], 0);
	}
	kmem_cache_destroy(s);
	CHECK(!attrs_of("sysfs_test", &(struct attrs){ 0 }));
}

static void test_geometry_is_the_caches(void)
{
	struct kmem_cache *s = kmem_cache_create("sysfs_geo", 200, 0,
						 SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE,
						 NULL);
	struct attrs a;

	CHECK(attrs_of("sysfs_geo", &a));
	CHECK_EQ(a.v[A_OBJECT_SIZE], 200);
	CHECK_EQ(a.v[A_SLAB_SIZE], s->size);
	CHECK_EQ(a.v[A_SLAB_SIZE], 256);		/* cache-line aligned */
	CHECK_EQ(a.v[A_ALIGN], s->align);
	CHECK_EQ(a.v[A_HWCACHE_ALIGN], 1);
	CHECK_EQ(a.v[A_ORDER], oo_order(s->oo));
	CHECK_EQ(a.v[A_OBJS_PER_SLAB], oo_objects(s->oo));
	CHECK_EQ(a.v[A_OBJS_PER_SLAB], (PAGE_SIZE << a.v[A_ORDER]) / 256);
	CHECK_EQ(a.v[A_SHEAF_CAPACITY], s->sheaf_capacity);
	kmem_cache_destroy(s);
}

/* ---- alloc_traces / free_traces (slab_debug=U) ---- */

static struct kmem_cache *tc;

/* not static: the traces name them (exported with ENABLE_EXPORTS) */
void *trace_alloc_a(void);
void *trace_alloc_b(void);
void trace_free_a(void *p);
void *trace_kmalloc_100(void);

__attribute__((noinline)) void *trace_alloc_a(void)
{
	void *p = kmem_cache_alloc(tc, GFP_KERNEL);

	__asm__ volatile("" ::: "memory");
	return p;
}

__attribute__((noinline)) void *trace_alloc_b(void)
{
	void *p = kmem_cache_alloc(tc, GFP_KERNEL);

	__asm__ volatile("" ::: "memory");
	return p;
}

__attribute__((noinline)) void trace_free_a(void *p)
{
	kmem_cache_free(tc, p);
	__asm__ volatile("" ::: "memory");
}

/* The count of the entry whose caller starts with @sym; -1 if none. */
static long trace_count(const char *text, const char *sym)
{
	const char *l = text;

	while (l && *l) {
		long n;
		char caller[160];

		if (sscanf(l, "%ld %159s", &n, caller) == 2 &&
		    !strncmp(caller, sym, strlen(sym)))
			return n;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return -1;
}

static void test_traces_group_live_objects_by_call_site(void)
{
	void *a[10], *b[3];
	char *t;

	tc = kmem_cache_create("trace_test", 100, 0, SLAB_STORE_USER, NULL);
	CHECK(tc != NULL);
	t = view("slab/trace_test/alloc_traces");
	CHECK(!strcmp(t, "No data\n"));
	free(t);
	/* one call site each: entries differ by stack, so no unrolled copies */
#pragma GCC unroll 1
	for (int i = 0; i < 10; i++)
		a[i] = trace_alloc_a();
#pragma GCC unroll 1
	for (int i = 0; i < 3; i++)
		trace_free_a(a[i]);
#pragma GCC unroll 1
	for (int i = 0; i < 3; i++)
		b[i] = trace_alloc_b();

	/* 7 live from trace_alloc_a, 3 from trace_alloc_b, most first */
	t = view("slab/trace_test/alloc_traces");
	CHECK_EQ(trace_count(t, "trace_alloc_a+0x"), 7);
	CHECK_EQ(trace_count(t, "trace_alloc_b+0x"), 3);
	CHECK(strstr(t, "trace_alloc_a+0x") < strstr(t, "trace_alloc_b+0x"));
	/* "%7ld caller age=... pid=N", then the stack, as the kernel */
	CHECK(!strncmp(t, "      7 trace_alloc_a+0x", 24));
	CHECK(strstr(t, " age=") && strstr(t, " pid="));
	CHECK(strstr(t, "\n        trace_alloc_a+0x") != NULL);
	free(t);

	/* free_traces: where the live objects were last freed: the 3 reused
	 * ones in trace_free_a, the 7 others never ("<not-available>") */
	t = view("slab/trace_test/free_traces");
	CHECK_EQ(trace_count(t, "trace_free_a+0x"), 3);
	CHECK_EQ(trace_count(t, "<not-available>"), 7);
	free(t);

	/* only caches that store tracks have the files */
	CHECK_EQ(kheap_proc_show("slab/kmalloc-64/alloc_traces", stdout), -ENOENT);
	CHECK_EQ(kheap_proc_show("slab/trace_test/nosuchfile", stdout), -ENOENT);
	CHECK_EQ(kheap_proc_show("slab/nosuchcache/alloc_traces", stdout), -ENOENT);

	for (int i = 3; i < 10; i++)
		kmem_cache_free(tc, a[i]);
	for (int i = 0; i < 3; i++)
		kmem_cache_free(tc, b[i]);
	check_accounting("trace_test", 0);
	kmem_cache_destroy(tc);
}

/* kmalloc with U keeps the requested size: the waste per object shows */
__attribute__((noinline)) void *trace_kmalloc_100(void)
{
	void *p = kmalloc(100, GFP_KERNEL);

	__asm__ volatile("" ::: "memory");
	return p;
}

static void test_kmalloc_traces_show_waste(void)
{
	void *p[4];
	char *t, *l;

#pragma GCC unroll 1
	for (int i = 0; i < 4; i++)
		p[i] = trace_kmalloc_100();
	t = view("slab/kmalloc-128/alloc_traces");
	l = strstr(t, "      4 trace_kmalloc_100+0x");
	CHECK(l != NULL);
	CHECK(l && strstr(l, " waste=112/28 ") != NULL);	/* 4 * (128-100) */
	free(t);
	for (int i = 0; i < 4; i++)
		kfree(p[i]);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M slab_debug=U,trace_test,kmalloc-128"), 0);
	RUN(test_geometry_is_the_caches);
	RUN(test_objects_accounted_against_shadow);
	RUN(test_traces_group_live_objects_by_call_site);
	RUN(test_kmalloc_traces_show_waste);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
