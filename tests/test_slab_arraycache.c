// SPDX-License-Identifier: MIT
/*
 * test_slab_arraycache - SLAB (slab_allocator=slab) as v6.6's mm/slab.c
 * works it, seen through /proc/slabinfo from one thread pinned to one CPU:
 *  - enable_cpucache()'s tunables by object size, in slabinfo's columns;
 *  - the array-cache flow: the first refill of an untouched array takes
 *    BATCHREFILL_LIMIT (16) objects from the slabs, later ones batchcount;
 *    allocations in between are array hits; frees fill the array up to
 *    its limit, then cache_flusharray() moves batchcount objects to the
 *    shared array (sharedavail) or, without one, back to the slabs;
 *  - cache_reap(): a touched array is only marked untouched, an untouched
 *    one gives back (limit + 4) / 5 objects; the node's shared array and
 *    free slabs are reaped once the node's reap time has come;
 *  - writing "name limit batchcount shared" to slabinfo retunes a cache
 *    (bad values ignored, unknown names and malformed lines refused);
 *  - colouring: successive slabs start their objects colour_off further
 *    in, cycling through the leftover;
 *  - OFF_SLAB: a cache with a constructor and big objects keeps each
 *    slab's freelist in a kmalloc object;
 *  - kheap's free mark: free(p); free(x); free(p), and a second free of an
 *    object back in its slab (holding its OBJFREELIST array or not), are
 *    reported and not done; under panic_on_warn=1 the report ends the
 *    process;
 *  - CONFIG_SLAB_FREELIST_RANDOM: with slab_freelist_random (the default)
 *    a new slab's first refill is 16 objects spread over the slab, each
 *    object once; without it (the _norandom variant), the slab's first 16
 *    objects, handed out last-in first-out.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>

static unsigned int this_cpu;

static void pin_to_one_cpu(void)
{
	cpu_set_t one;

	this_cpu = (unsigned int)sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(this_cpu, &one);
	CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
}

static void test_tunables_by_size(void)
{
	static const struct { unsigned int size, limit; } t[] = {
		{ 32, 120 }, { 256, 120 }, { 257, 54 }, { 1024, 54 },
		{ 1025, 24 }, { 4096, 24 }, { 4097, 8 }, { 131072, 8 },
		{ 131073, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct kmem_cache *s = kmem_cache_create("tuned", t[i].size, 0,
							 SLAB_NO_MERGE, NULL);
		struct slabinfo_line tu;

		CHECK(s && slabinfo_get("tuned", &tu));
		CHECK_EQ(tu.limit, t[i].limit);
		CHECK_EQ(tu.batchcount, (t[i].limit + 1) / 2);
		/* a shared array on SMP for objects up to a page */
		CHECK_EQ(tu.shared, slab_nr_cpus > 1 && t[i].size <= PAGE_SIZE ? 8 : 0);
		kmem_cache_destroy(s);
	}
	/* with debug flags the queue is at most 32 */
	struct kmem_cache *s = kmem_cache_create("tuned", 64, 0, SLAB_RED_ZONE, NULL);
	struct slabinfo_line tu;

	CHECK(slabinfo_get("tuned", &tu));
	CHECK_EQ(tu.limit, 32);
	CHECK_EQ(tu.batchcount, 16);
	kmem_cache_destroy(s);
}

static void test_array_cache_flow(void)
{
	/* 32-byte objects: 120 per slab, limit 120, batchcount 60 */
	struct kmem_cache *s = kmem_cache_create("flow", 32, 0, SLAB_NO_MERGE, NULL);
	static void *p[1000];
	struct slabinfo_line tu;

	CHECK(slabinfo_get("flow", &tu) && tu.limit == 120 && tu.batchcount == 60);
	/* untouched array: a partial refill of BATCHREFILL_LIMIT */
	p[0] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(slabinfo_get("flow", &tu));
	CHECK_EQ(tu.active_objs, 16);	/* 1 handed out, 15 in the array */
	for (int i = 1; i < 16; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(slabinfo_get("flow", &tu));
	CHECK_EQ(tu.active_objs, 16);	/* all hits: no slab touched */
	/* touched now: the next refill takes a whole batch */
	p[16] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(slabinfo_get("flow", &tu));
	CHECK_EQ(tu.active_objs, 16 + 60);
	for (int i = 17; i < 1000; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_shrink(s);		/* arrays empty, counts exact */
	CHECK(slabinfo_get("flow", &tu));
	CHECK_EQ(tu.active_objs, 1000);
	/* the array takes 120 frees (p[880..999]); the 121st flushes 60 */
	for (int i = 999; i >= 880; i--)
		kmem_cache_free(s, p[i]);
	CHECK(slabinfo_get("flow", &tu));
	CHECK_EQ(tu.active_objs, 1000);	/* in the array: still active */
	kmem_cache_free(s, p[879]);
	CHECK(slabinfo_get("flow", &tu));
	if (tu.shared) {	/* to the shared array: active still */
		CHECK_EQ(tu.shared_avail, 60);
		CHECK_EQ(tu.active_objs, 1000);
	} else {		/* back to the slabs */
		CHECK_EQ(tu.active_objs, 1000 - 60);
	}
	/* 61 pops empty the array; the 62nd refill takes from the shared
	 * array before any slab */
	for (int i = 879; i < 879 + 62; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(slabinfo_get("flow", &tu));
	if (tu.shared)
		CHECK_EQ(tu.shared_avail, 0);
	for (int i = 0; i < 879 + 62; i++)	/* p[941..999] are free */
		kmem_cache_free(s, p[i]);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	CHECK(slabinfo_get("flow", &tu));
	CHECK_EQ(tu.active_objs, 0);
	CHECK_EQ(tu.num_slabs, 0);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(s);
}

static void test_cache_reap(void)
{
	struct kmem_cache *s = kmem_cache_create("reaped", 100, 0, SLAB_NO_MERGE, NULL);
	static void *p[300];
	struct slabinfo_line tu;

	for (int i = 0; i < 300; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_shrink(s);
	for (int i = 0; i < 100; i++)	/* 100 in this CPU's array */
		kmem_cache_free(s, p[i]);
	CHECK(slabinfo_get("reaped", &tu) && tu.active_objs == 300);
	/* freeing touches nothing: allocation does */
	void *x = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(slab_reap_cpu(this_cpu));	/* touched: only marked untouched */
	CHECK(slabinfo_get("reaped", &tu) && tu.active_objs == 300);
	CHECK(slab_reap_cpu(this_cpu));	/* untouched: (120 + 4) / 5 go back */
	CHECK(slabinfo_get("reaped", &tu));
	CHECK_EQ(tu.active_objs, 300 - 24);
	CHECK(slab_reap_cpu(this_cpu));
	CHECK(slabinfo_get("reaped", &tu));
	CHECK_EQ(tu.active_objs, 300 - 48);
	/* the node's turn: free slabs go back unless one was taken since */
	kmem_cache_free(s, x);
	for (int i = 100; i < 300; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_shrink(s);
	for (int i = 0; i < 300; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 300; i++)
		kmem_cache_free(s, p[i]);
	unsigned long slabs_before;
	CHECK(slabinfo_get("reaped", &tu));
	slabs_before = tu.num_slabs;
	for (int i = 0; i < 12; i++) {	/* drain the array by reaping */
		slab_reap_expire();
		slab_reap_cpu(this_cpu);
	}
	CHECK(slabinfo_get("reaped", &tu));
	CHECK(tu.num_slabs < slabs_before);
	CHECK_EQ(tu.active_objs, 0);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(s);
}

static long write_slabinfo(const char *text)
{
	return kheap_proc_write("slabinfo", text, strlen(text));
}

static void test_slabinfo_write(void)
{
	struct kmem_cache *s = kmem_cache_create("tunable", 200, 0, SLAB_NO_MERGE, NULL);
	static void *p[500];
	struct slabinfo_line tu;
	char big[200];

	for (int i = 0; i < 500; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 500; i++)
		kmem_cache_free(s, p[i]);
	CHECK_EQ(write_slabinfo("tunable 32 8 2\n"), 15);
	CHECK(slabinfo_get("tunable", &tu));
	CHECK(tu.limit == 32 && tu.batchcount == 8 && tu.shared == 2);
	/* the old arrays' objects went back to the slabs */
	CHECK_EQ(tu.active_objs, 0);
	/* bad values are ignored, the write "succeeds" (v6.6) */
	CHECK_EQ(write_slabinfo("tunable 8 16 0"), 14);	/* batch > limit */
	CHECK_EQ(write_slabinfo("tunable 0 1 0"), 13);
	CHECK_EQ(write_slabinfo("tunable 4 2 -1"), 14);
	CHECK(slabinfo_get("tunable", &tu));
	CHECK(tu.limit == 32 && tu.batchcount == 8 && tu.shared == 2);
	/* refused */
	CHECK_EQ(write_slabinfo("no_such_cache 32 8 0"), -EINVAL);
	CHECK_EQ(write_slabinfo("tunable"), -EINVAL);
	CHECK_EQ(write_slabinfo("tunable 1 2"), -EINVAL);
	memset(big, 'x', sizeof(big));
	CHECK_EQ(kheap_proc_write("slabinfo", big, sizeof(big)), -EINVAL);
	/* the new queue works: 32 frees fit, the 33rd flushes 8 */
	for (int i = 0; i < 100; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, p[i]);
	CHECK_EQ(slab_validate(), 0);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	kmem_cache_destroy(s);
	/* other views are read-only; unknown views do not exist */
	CHECK_EQ(kheap_proc_write("buddyinfo", "x", 1), -EACCES);
	CHECK_EQ(kheap_proc_write("no_such_view", "x", 1), -ENOENT);
}

static void test_colouring(void)
{
	/* 704-byte objects: 11 per order-1 slab, 448 bytes left = 7 colours */
	struct kmem_cache *s = kmem_cache_create("colour704", 700, 0, SLAB_NO_MERGE, NULL);
	static void *p[11 * 16];
	unsigned int seen = 0;

	for (int i = 0; i < 11 * 16; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* an object's offset in its order-1 slab is s_mem's colour offset
	 * (colour_next * 64, below 704) plus a multiple of 704 */
	for (int i = 0; i < 11 * 16; i++) {
		unsigned long off = (unsigned long)p[i] & (2 * PAGE_SIZE - 1);

		CHECK_EQ((off % 704) % 64, 0);
		CHECK(off % 704 < 7 * 64);
		seen |= 1U << ((off % 704) / 64);
	}
	CHECK_EQ(seen, 0x7fU);		/* all 7 colours: 0, 64, ..., 384 */
	for (int i = 0; i < 11 * 16; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}

static int ctor_runs;
static void ctor(void *p)
{
	ctor_runs++;
	memset(p, 0x3c, 2048);
}

static void test_off_slab_freelist(void)
{
	/* a constructor rules out OBJFREELIST; 2 objects leave no room */
	struct kmem_cache *s = kmem_cache_create("offslab", 2048, 0,
						 SLAB_NO_MERGE, ctor);
	struct slabinfo_line k32a, k32b;
	static void *p[64];

	CHECK(s->flags & 0x80000000U);	/* CFLGS_OFF_SLAB */
	kmem_cache_shrink(kmalloc_caches[KMALLOC_NORMAL][5]);
	CHECK(slabinfo_get("kmalloc-32", &k32a));
	for (int i = 0; i < 64; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(((unsigned char *)p[i])[2047] == 0x3c);
	}
	kmem_cache_shrink(kmalloc_caches[KMALLOC_NORMAL][5]);
	CHECK(slabinfo_get("kmalloc-32", &k32b));
	/* one 4-byte freelist per slab of 2 objects, from kmalloc-32 */
	CHECK(k32b.active_objs >= k32a.active_objs + 32);
	CHECK_EQ(ctor_runs % 2, 0);
	for (int i = 0; i < 64; i++)
		kmem_cache_free(s, p[i]);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	kmem_cache_shrink(kmalloc_caches[KMALLOC_NORMAL][5]);
	CHECK(slabinfo_get("kmalloc-32", &k32b));
	CHECK_EQ(k32b.active_objs, k32a.active_objs);	/* freelists freed */
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(s);
}

static void free_again(void *arg)
{
	void **v = arg;

	kmem_cache_free(v[0], v[1]);
	kmem_cache_free(v[0], v[2]);
	kmem_cache_free(v[0], v[1]);		/* p again, x in between */
}

static void free_each_again(void *arg)
{
	void **v = arg;

	for (int i = 1; i <= 10; i++)
		kmem_cache_free(v[0], v[i]);
}

static void test_double_free_beyond_naive(void)
{
	/* 104-byte objects: 39 a slab, the freelist inside a free object */
	struct kmem_cache *s = kmem_cache_create("dblfree", 100, 0, SLAB_NO_MERGE, NULL);
	static void *p[500];
	void *v[11], *got[8];
	char buf[16384];
	int seen = 0, n = 0;

	CHECK(s->flags & 0x40000000U);	/* CFLGS_OBJFREELIST_SLAB */
	v[0] = s;
	v[1] = kmem_cache_alloc(s, GFP_KERNEL);
	v[2] = kmem_cache_alloc(s, GFP_KERNEL);
	check_capture_stderr(free_again, v, buf, sizeof(buf));
	CHECK(strstr(buf, "slab error in ___cache_free(): cache `dblfree': double free detected") != NULL);
	CHECK(strstr(buf, "free already, not freed again") != NULL);
	for (int i = 0; i < 8; i++) {
		got[i] = kmem_cache_alloc(s, GFP_KERNEL);
		seen += got[i] == v[1];
	}
	CHECK(seen <= 1);		/* never handed out twice */
	for (int i = 0; i < 8; i++)
		kmem_cache_free(s, got[i]);
	/* objects back in full slabs: the first one freed into each becomes
	 * its OBJFREELIST holder, the others keep their mark */
	for (int i = 0; i < 500; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_shrink(s);
	for (int i = 0; i < 10; i++) {
		v[i + 1] = p[i * 39];
		kmem_cache_free(s, p[i * 39]);
	}
	kmem_cache_shrink(s);		/* from the array into their slabs */
	check_capture_stderr(free_each_again, v, buf, sizeof(buf));
	for (char *t = buf; (t = strstr(t, "double free detected")); t++)
		n++;
	CHECK_EQ(n, 10);
	CHECK_EQ(slab_validate(), 0);
	for (int i = 0; i < 500; i++)
		if (i % 39 || i / 39 >= 10)
			kmem_cache_free(s, p[i]);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	kmem_cache_destroy(s);
}

static int child_double_free_panics(void)
{
	struct kmem_cache *s = kmem_cache_create("panicky", 100, 0, SLAB_NO_MERGE, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL), *x = kmem_cache_alloc(s, GFP_KERNEL);

	kheap_config.panic_on_warn = true;
	kmem_cache_free(s, p);
	kmem_cache_free(s, x);
	kmem_cache_free(s, p);
	return 0;
}

static void test_panic_on_warn(void)
{
	char buf[16384];

	CHECK_EQ(check_run_child(child_double_free_panics, buf, sizeof(buf)),
		 128 + SIGABRT);
	CHECK(strstr(buf, "slab error in ___cache_free(): cache `panicky': double free detected") != NULL);
	CHECK(strstr(buf, "Kernel panic - not syncing: SLAB: panic_on_warn set ...\n") != NULL);
}

static void test_freelist_random(void)
{
	/* 128-byte objects, 32 a slab, the freelist in a free object */
	struct kmem_cache *s = kmem_cache_create("shuffled", 128, 0, SLAB_NO_MERGE, NULL);
	static void *p[200];
	uintptr_t lo = UINTPTR_MAX, hi = 0, first_lo = UINTPTR_MAX, first_hi = 0;
	unsigned int in_first = 0;
	bool descending = true;
	struct slab *first;

	CHECK(s->flags & 0x40000000U);	/* CFLGS_OBJFREELIST_SLAB */
	for (int i = 0; i < 200; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	first = virt_to_slab(p[0]);
	/* the first refill of an untouched array: 16 of the new slab */
	for (int i = 0; i < 16; i++) {
		CHECK(virt_to_slab(p[i]) == first);
		first_lo = min(first_lo, (uintptr_t)p[i]);
		first_hi = max(first_hi, (uintptr_t)p[i]);
		if (i && p[i] > p[i - 1])
			descending = false;
	}
	if (kheap_config.slab_freelist_random) {
		/* 16 adjacent objects of 32 by chance: 17 / C(32, 16) */
		CHECK(first_hi - first_lo > 15 * s->size);
	} else {
		CHECK(descending);
		CHECK_EQ(first_hi - first_lo, 15 * s->size);
	}
	/* every object of the slab handed out once, whatever the order */
	for (int i = 0; i < 200; i++) {
		if (virt_to_slab(p[i]) != first)
			continue;
		in_first++;
		lo = min(lo, (uintptr_t)p[i]);
		hi = max(hi, (uintptr_t)p[i]);
		for (int j = 0; j < i; j++)
			CHECK(p[j] != p[i]);
	}
	CHECK_EQ(in_first, 32);
	CHECK_EQ(hi - lo, 31 * s->size);
	CHECK_EQ(slab_validate(), 0);
	for (int i = 0; i < 200; i++)
		kmem_cache_free(s, p[i]);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M slab_allocator=slab"), 0);
	pin_to_one_cpu();
	RUN(test_tunables_by_size);
	RUN(test_array_cache_flow);
	RUN(test_cache_reap);
	RUN(test_slabinfo_write);
	RUN(test_colouring);
	RUN(test_off_slab_freelist);
	RUN(test_double_free_beyond_naive);
	RUN(test_panic_on_warn);
	RUN(test_freelist_random);
	CHECK_EQ(slab_validate(), 0);
	return check_summary();
}
