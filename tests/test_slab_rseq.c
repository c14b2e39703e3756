// SPDX-License-Identifier: MIT
/*
 * test_slab_rseq - SLUB's fast paths on restartable sequences (slub.c, "the
 * rseq fast paths") and the claims other CPUs make on them.
 *
 * - The fast path chosen is the one expected: KHEAP_EXPECT_RSEQ=1 or 0, or
 *   "auto" (rseq where glibc registered it and the kernel has the
 *   membarrier command; never in TSan builds).  CTest runs this
 *   program three ways: as built, with kheap.rseq=0, and with glibc's rseq
 *   turned off (GLIBC_TUNABLES=glibc.pthread.rseq=0).
 * - Claims from another CPU: two threads pinned one per CPU allocate and
 *   free stamped objects while a third thread, moving between the CPUs,
 *   shrinks the cache in a loop (flush_all(): every CPU slot is claimed,
 *   the other CPU's through a membarrier fence).  An object handed out
 *   twice, or changed while free, breaks a stamp.
 * - A claim of the caller's own CPU (kmem_cache_shrink() from a pinned
 *   thread) leaves the fast path usable.
 * - Sheaves (with rseq and kheap.sheaves=1): a free of an object from an
 *   old slab goes to the CPU's sheaf and is the next object handed out;
 *   more frees than two sheaves hold send the spare's objects back to
 *   their slabs; a double free of the sheaf's top object is reported and
 *   not handed out twice; shrink empties the sheaves.
 * - The barn: objects freed on CPU 1 beyond its two sheaves go to the barn
 *   as a full sheaf, and CPU 0, once its own sheaves are empty, allocates
 *   exactly those objects from it.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"
#include "os/rseq.h"

#include <sched.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>

#define LIVE 64
#define OPS 200000
#define SHRINKS 3000			/* flush_all()s while the workers run */
#define WORDS 6				/* 48-byte objects */

static struct kmem_cache *cache;
static int failures, stop;
static unsigned long shrinks;

static void move_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static bool rseq_expected(void)
{
	const char *e = getenv("KHEAP_EXPECT_RSEQ");
	long cmds;

	if (e && strcmp(e, "auto"))
		return atoi(e) != 0;
	if (!KHEAP_HAVE_RSEQ || !&__rseq_size || __rseq_size < 20)
		return false;
	cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	return cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ);
}

static void test_fastpath_choice(void)
{
	CHECK(getenv("KHEAP_EXPECT_RSEQ") != NULL);
	CHECK_EQ(slub_uses_rseq(), rseq_expected());
	if (!KHEAP_HAVE_RSEQ)
		CHECK(!slub_uses_rseq());
	fprintf(stderr, "  fast path: %s\n",
		slub_uses_rseq() ? "rseq" : "cmpxchg16b");
}

static void stamp(unsigned long *o, unsigned long v)
{
	for (int w = 0; w < WORDS; w++)
		o[w] = v + (unsigned long)w;
}

static bool stamp_ok(const unsigned long *o, unsigned long v)
{
	for (int w = 0; w < WORDS; w++)
		if (o[w] != v + (unsigned long)w)
			return false;
	return true;
}

static void *pinned_worker(void *arg)
{
	long id = (long)arg;
	unsigned long *live[LIVE] = { 0 }, tag[LIVE] = { 0 };
	uint64_t rnd = 0x9e3779b97f4a7c15ull * (unsigned long)(id + 1);

	move_to((int)id);
	for (unsigned long op = 0;
	     op < OPS || __atomic_load_n(&shrinks, __ATOMIC_RELAXED) < SHRINKS;
	     op++) {
		unsigned int i = (unsigned int)(check_xorshift(&rnd) % LIVE);

		if (live[i]) {
			if (!stamp_ok(live[i], tag[i]))
				__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
			kmem_cache_free(cache, live[i]);
			live[i] = NULL;
			continue;
		}
		live[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		if (!live[i]) {
			__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
			continue;
		}
		tag[i] = (unsigned long)id << 48 | op << 8;
		stamp(live[i], tag[i]);
	}
	for (int i = 0; i < LIVE; i++) {
		if (!live[i])
			continue;
		if (!stamp_ok(live[i], tag[i]))
			__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
		kmem_cache_free(cache, live[i]);
	}
	return NULL;
}

static void *shrinker(void *arg)
{
	int ncpus = (int)(long)arg;
	unsigned long n = 0;

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		move_to((int)(n++ % (unsigned long)ncpus));
		kmem_cache_shrink(cache);
		__atomic_fetch_add(&shrinks, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_remote_claims(void)
{
	pthread_t w[2], sh;
	struct slabinfo_line li;
	int ncpus = 2;			/* CPUs 0 and 1 (a missing one: the
					   affinity call just fails) */

	cache = kmem_cache_create("rseq48", WORDS * sizeof(long), 0,
				  SLAB_NO_MERGE, NULL);
	CHECK(cache != NULL);
	pthread_create(&sh, NULL, shrinker, (void *)(long)ncpus);
	for (long i = 0; i < 2; i++)
		pthread_create(&w[i], NULL, pinned_worker, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(sh, NULL);
	CHECK_EQ(failures, 0);
	CHECK(shrinks >= SHRINKS);
	fprintf(stderr, "  %lu shrinks during the run\n", shrinks);
	CHECK_EQ(slab_validate(), 0);
	CHECK_EQ(kmem_cache_shrink(cache), 0);
	CHECK(slabinfo_get("rseq48", &li));
	CHECK_EQ(li.active_objs, 0);
	CHECK_EQ(li.num_slabs, 0);
	kmem_cache_destroy(cache);
}

static void test_own_cpu_claim(void)
{
	struct kmem_cache *s = kmem_cache_create("rseq_own", 64, 0,
						 SLAB_NO_MERGE, NULL);
	void *a, *b, *c;
	cpu_set_t all;

	CHECK(s != NULL);
	sched_getaffinity(0, sizeof(all), &all);
	move_to(0);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(a && b && a != b);
	kmem_cache_free(s, b);
	/* the freed object is on this CPU's list: the fast path gives it back */
	c = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(c == b);
	kmem_cache_free(s, c);
	kmem_cache_shrink(s);		/* claims CPU 0 from CPU 0 */
	CHECK_EQ(slab_validate(), 0);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(c != NULL && c != a);
	kmem_cache_free(s, c);
	kmem_cache_free(s, a);
	CHECK_EQ(slab_validate(), 0);
	kmem_cache_destroy(s);
	sched_setaffinity(0, sizeof(all), &all);
}


static void free_twice(void *arg)
{
	void **pair = arg;

	kmem_cache_free(pair[0], pair[1]);
}

static void test_sheaves(void)
{
	struct kmem_cache *s = kmem_cache_create("sheaf64", 64, 0,
						 SLAB_NO_MERGE, NULL);
	struct kmem_cache_cpu *c;
	struct slabinfo_line li;
	void *objs[200], *a, *b, *pair[2];
	char out[4096];
	cpu_set_t all;
	unsigned int held;

	CHECK(s != NULL);
	CHECK_EQ(s->sheaf_capacity != 0,
		 slub_uses_rseq() && kheap_config.sheaves);
	if (!s->sheaf_capacity) {
		kmem_cache_destroy(s);
		return;
	}
	CHECK_EQ(s->sheaf_capacity, 64);
	sched_getaffinity(0, sizeof(all), &all);
	move_to(0);
	c = &s->cpu_slab[0];
	for (int i = 0; i < 200; i++) {	/* four 64-object slabs and more */
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		CHECK(objs[i] != NULL);
	}
	CHECK(virt_to_slab(objs[0]) != virt_to_slab(objs[199]));
	held = c->main_size;		/* left over from the last refill */
	CHECK(held < s->sheaf_capacity);
	kmem_cache_free(s, objs[0]);	/* an old slab's object */
	CHECK_EQ(c->main_size, held + 1);
	CHECK(kmem_cache_alloc(s, GFP_KERNEL) == objs[0]);
	for (int i = 0; i < 200; i++)
		kmem_cache_free(s, objs[i]);
	held = c->main_size + c->spare->size;
	CHECK(held > 0 && held <= 2 * s->sheaf_capacity);
	CHECK_EQ(slab_validate(), 0);

	a = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a);
	pair[0] = s;
	pair[1] = a;
	check_capture_stderr(free_twice, pair, out, sizeof(out));
	CHECK(strstr(out, "): Object already free\n") != NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(a != b);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	CHECK_EQ(slab_validate(), 0);

	CHECK_EQ(kmem_cache_shrink(s), 0);
	CHECK_EQ(c->main_size + c->spare->size, 0);
	CHECK(slabinfo_get("sheaf64", &li));
	CHECK_EQ(li.active_objs, 0);
	CHECK_EQ(li.num_slabs, 0);
	kmem_cache_destroy(s);
	sched_setaffinity(0, sizeof(all), &all);
}

static bool on_cpu(int cpu)
{
	move_to(cpu);
	return sched_getcpu() == cpu;
}

static void test_barn(void)
{
	struct kmem_cache *s = kmem_cache_create("barn64", 64, 0,
						 SLAB_NO_MERGE, NULL);
	struct sheaf_barn *barn;
	struct slabinfo_line li;
	static void *objs[5 * 64], *taken[1000];
	unsigned int nr_taken = 0, cap, full, n;
	bool from_cpu1 = false;
	cpu_set_t all;

	CHECK(s != NULL);
	barn = &s->node.barn;
	if (!s->sheaf_capacity) {
		CHECK_EQ(barn->nr_full + barn->nr_empty, 0);
		kmem_cache_destroy(s);
		return;
	}
	cap = s->sheaf_capacity;
	n = 5 * cap;		/* CPU 1's two sheaves and three for the barn */
	CHECK(n <= sizeof(objs) / sizeof(objs[0]));
	CHECK_EQ(barn->nr_empty + barn->nr_full, 0);	/* made when needed */
	sched_getaffinity(0, sizeof(all), &all);
	if (!on_cpu(0)) {
		SKIP("needs CPUs 0 and 1");
		goto out;
	}
	for (unsigned int i = 0; i < n; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	if (!on_cpu(1)) {
		SKIP("needs CPUs 0 and 1");
		for (unsigned int i = 0; i < n; i++)
			kmem_cache_free(s, objs[i]);
		goto out;
	}
	/* n frees: CPU 1's main and spare take 2 * cap, the barn the rest */
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	full = (n - 2 * cap) / cap;
	CHECK_EQ(barn->nr_full, full);
	CHECK_EQ(slab_validate(), 0);
	CHECK(on_cpu(0));
	/* CPU 0 empties its own sheaves, then takes a full one from the barn */
	while (barn->nr_full == full && nr_taken < 1000)
		taken[nr_taken++] = kmem_cache_alloc(s, GFP_KERNEL);
	CHECK(nr_taken < 1000);
	/* that allocation and the next come from the sheaf CPU 1 filled */
	taken[nr_taken] = kmem_cache_alloc(s, GFP_KERNEL);
	for (unsigned int i = 0; i < n; i++)
		from_cpu1 |= objs[i] == taken[nr_taken - 1] &&
			     objs[i] != NULL;
	CHECK(from_cpu1);
	from_cpu1 = false;
	for (unsigned int i = 0; i < n; i++)
		from_cpu1 |= objs[i] == taken[nr_taken];
	CHECK(from_cpu1);
	nr_taken++;
	CHECK_EQ(slab_validate(), 0);
	for (unsigned int i = 0; i < nr_taken; i++)
		kmem_cache_free(s, taken[i]);
	CHECK_EQ(kmem_cache_shrink(s), 0);
	CHECK_EQ(barn->nr_full, 0);
	CHECK_EQ(barn->nr_empty, full);	/* the sheaves it made, now empty */
	CHECK(slabinfo_get("barn64", &li));
	CHECK_EQ(li.active_objs, 0);
	CHECK_EQ(slab_validate(), 0);
out:
	sched_setaffinity(0, sizeof(all), &all);
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_fastpath_choice);
	RUN(test_own_cpu_claim);
	RUN(test_sheaves);
	RUN(test_barn);
	RUN(test_remote_claims);
	return check_summary();
}
