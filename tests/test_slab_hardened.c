// SPDX-License-Identifier: MIT
/*
 * test_slab_hardened - attacks on the slab freelists, each in a child
 * process of its own (a heap that was attacked is not reused), with the
 * options CTest gives (as built, kheap.sheaves=0, kheap.rseq=0) plus the
 * case's own.  KHEAP_TEST_VERBOSE=1 shows what the children printed.
 *
 * - Freelist poisoning (CONFIG_SLAB_FREELIST_HARDENED): 2000 freed
 *   kmalloc-64 objects get a stack address written over their free
 *   pointer (offset 32, as in the kernel); none of the next 4000
 *   kmalloc(64) returns a stack address or anything but an object of
 *   kmalloc-64, the child does not crash, and the corruption is reported
 *   as the kernel's "Freechain corrupt" with "Isolate corrupted freechain".
 * - A use-after-free that fills freed objects with bytes: the same.
 * - The control: with slab_freelist_hardened=0 and no sheaves the forged
 *   address does come out (so the first case could fail).
 * - Double frees beyond the kernel's naive check (kheap.double_free_check):
 *   kfree(p); kfree(x); kfree(p) is reported once ("Object already free")
 *   and ignored, and the next allocations never return p twice; the same
 *   for an object already back on its slab's freelist (after a shrink) and
 *   for kmem_cache_free_bulk() given one object twice.  The control: with
 *   the check off, the naive check alone lets p out twice.
 * - CONFIG_SLAB_FREELIST_RANDOM (slab_freelist_random): a new slab hands
 *   out every one of its objects once, in an order that is neither
 *   ascending nor descending, and so does the next slab; with the
 *   option off (and no sheaves, which reverse runs of objects) in address
 *   order.
 * - CONFIG_RANDOM_KMALLOC_CACHES (random_kmalloc_caches=1): slabinfo lists
 *   kmalloc-rnd-01-8 ... kmalloc-rnd-15-8k beside kmalloc-8 ... kmalloc-8k;
 *   one call site always gets the same copy, 32 call sites spread over
 *   several; off (the default), every call site gets kmalloc-64.
 * - panic_on_warn=1: the later double free aborts the process after its
 *   report, as glibc does, with the kernel's "Kernel panic - not syncing".
 * - Against a shadow model: random allocations, frees and double frees of
 *   objects known to be free: each double free is reported exactly once,
 *   no object is handed out while live, and the caches validate.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slub_debug.h"
#include "sanitizer.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#define NR_FREED	2000
#define NR_ALLOCS	4000

static char child_out[1 << 18];

static int (*child_fn)(void);
static const char *child_cmdline;

static int child_main(void)
{
	if (kheap_init(child_cmdline) && kheap_init(NULL) != -EBUSY)
		return 90;
	return child_fn();
}

/*
 * Run @fn in a child after kheap_init(@cmdline); its stderr goes to
 * child_out.  Returns the child's exit code, or 128 + signal.
 */
static int run_child(int (*fn)(void), const char *cmdline)
{
	int ret;

	child_fn = fn;
	child_cmdline = cmdline;
	ret = check_run_child(child_main, child_out, sizeof(child_out));
	if (getenv("KHEAP_TEST_VERBOSE"))
		fputs(child_out, stderr);
	return ret;
}

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static char stackbuf[256];	/* the attacker's target (any non-heap address) */

/* Exit codes of the poisoning children. */
enum { OK, FORGED, NOT_AN_OBJECT, NO_MEMORY };

/* 1 if @p is an object of kmalloc-64 (at an object boundary). */
static bool is_kmalloc64_object(void *p)
{
	struct kmem_cache *s = kmalloc_slab(64, GFP_KERNEL, 0);
	struct slab *slab = virt_to_slab(p);

	return slab && slab->slab_cache == s &&
	       ((char *)p - (char *)slab_address(slab)) % s->size == 0;
}

/* Free NR_FREED objects, damage each one's free pointer with @poison(), then
 * allocate NR_ALLOCS: report what came back. */
static int poison_and_allocate(void (*poison)(void *obj, unsigned int off))
{
	struct kmem_cache *s = kmalloc_slab(64, GFP_KERNEL, 0);
	static void *objs[NR_FREED], *got[NR_ALLOCS];
	int ret = OK;

	for (int i = 0; i < NR_FREED; i++)
		objs[i] = kmalloc(64, GFP_KERNEL);
	for (int i = 0; i < NR_FREED; i++)
		kfree(objs[i]);
	for (int i = 0; i < NR_FREED; i++)
		poison(objs[i], s->offset);	/* use after free */
	for (int i = 0; i < NR_ALLOCS; i++) {
		got[i] = kmalloc(64, GFP_KERNEL);
		if (!got[i])
			return NO_MEMORY;
		if ((char *)got[i] >= stackbuf &&
		    (char *)got[i] < stackbuf + sizeof(stackbuf))
			return FORGED;
		if (!is_kmalloc64_object(got[i]))
			ret = NOT_AN_OBJECT;
		memset(got[i], 0x5a, 64);	/* they are usable */
	}
	return ret;
}

static void poison_stack_address(void *obj, unsigned int off)
{
	*(void **)((char *)obj + off) = stackbuf;
}

static void poison_bytes(void *obj, unsigned int off)
{
	(void)off;
	kheap_asan_unpoison(obj, 64);	/* ASan builds would stop the attacker */
	memset(obj, 0x41, 64);
}

static int child_poison_stack(void)
{
	return poison_and_allocate(poison_stack_address);
}

static int child_poison_bytes(void)
{
	return poison_and_allocate(poison_bytes);
}

static void test_freelist_poisoning_is_caught(void)
{
	CHECK_EQ(run_child(child_poison_stack, NULL), OK);
	CHECK(strstr(child_out, "BUG kmalloc-64 (Not tainted): Freechain corrupt\n") ||
	      strstr(child_out, "BUG kmalloc-64 (Tainted: G    B             ): Freechain corrupt\n"));
	CHECK(strstr(child_out, "FIX kmalloc-64: Isolate corrupted freechain\n"));
	/* one report per poisoned chain that was reached, never more
	 * reports than poisoned objects */
	CHECK(count(child_out, "Freechain corrupt") >= 1);
	CHECK(count(child_out, "Freechain corrupt") <= NR_FREED);
}

static void test_use_after_free_bytes_are_caught(void)
{
	CHECK_EQ(run_child(child_poison_bytes, NULL), OK);
	CHECK(count(child_out, "Freechain corrupt") >= 1);
}

/* The control: without hardening and without sheaves the forged pointer
 * is followed, as in a kernel built without the option. */
static void test_unhardened_freelist_is_followed(void)
{
	CHECK_EQ(run_child(child_poison_stack,
			   "slab_freelist_hardened=0 kheap.sheaves=0"), FORGED);
	CHECK_EQ(count(child_out, "Freechain corrupt"), 0);
}

/* Hardening leaves ordinary use alone: no report, the same objects. */
static int child_plain(void)
{
	static void *objs[NR_FREED];

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < NR_FREED; i++)
			if (!(objs[i] = kmalloc(64, GFP_KERNEL)))
				return NO_MEMORY;
		for (int i = 0; i < NR_FREED; i++)
			kfree(objs[i]);
	}
	return kheap_validate() ? NOT_AN_OBJECT : OK;
}

static void test_hardened_plain_use_is_quiet(void)
{
	CHECK_EQ(run_child(child_plain, NULL), OK);
	CHECK_EQ(count(child_out, "BUG"), 0);
}

/* The free pointer in memory is the encoded one, not the pointer. */
static int child_encoded(void)
{
	struct kmem_cache *s;
	void *a, *b, *keep, *next;
	struct slab *slab;

	s = kmem_cache_create("hardened_test", 64, 0, 0, NULL);
	keep = kmem_cache_alloc(s, GFP_KERNEL);	/* the slab stays */
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, b);
	kmem_cache_free(s, a);
	kmem_cache_shrink(s);		/* sheaves back to the slab freelist */
	slab = virt_to_slab(a);
	next = get_freepointer(s, a);
	if (next && (virt_to_slab(next) != slab ||
		     ((char *)next - (char *)slab_address(slab)) % s->size))
		return NOT_AN_OBJECT;	/* does not decode */
	if (*(void **)((char *)a + s->offset) == next)
		return FORGED;		/* stored in clear */
	kmem_cache_free(s, keep);
	return OK;
}

static void test_free_pointer_is_stored_encoded(void)
{
	CHECK_EQ(run_child(child_encoded, "slab_nomerge"), OK);
}

/* ---- double frees ---- */

/* kfree(p); kfree(x); kfree(p), then 8 allocations: p at most once. */
static int child_later_double_free(void)
{
	void *p = kmalloc(64, GFP_KERNEL), *x = kmalloc(64, GFP_KERNEL);
	void *got[8];
	int seen = 0;

	kfree(p);
	kfree(x);
	kfree(p);
	for (int i = 0; i < 8; i++) {
		got[i] = kmalloc(64, GFP_KERNEL);
		seen += got[i] == p;
	}
	return seen > 1 ? FORGED : OK;
}

static void test_later_double_free_is_caught(void)
{
	CHECK_EQ(run_child(child_later_double_free, NULL), OK);
	CHECK_EQ(count(child_out, "BUG kmalloc-64 (Not tainted): Object already free\n"), 1);
	CHECK_EQ(count(child_out, "FIX kmalloc-64: Object at 0x"), 1);
	CHECK_EQ(count(child_out, "BUG"), 1);
}

static void test_panic_on_warn_aborts(void)
{
	CHECK_EQ(run_child(child_later_double_free, "panic_on_warn=1"),
		 128 + SIGABRT);
	CHECK_EQ(count(child_out, "): Object already free\n"), 1);
	CHECK(strstr(child_out, "Kernel panic - not syncing: SLUB: panic_on_warn set ...\n"));
}

static void test_naive_check_alone_misses_it(void)
{
	CHECK_EQ(run_child(child_later_double_free, "kheap.double_free_check=0"),
		 FORGED);
	CHECK_EQ(count(child_out, "Object already free"), 0);
}

/* An object back on its slab's freelist (sheaves flushed) freed again. */
static int child_double_free_after_shrink(void)
{
	struct kmem_cache *s = kmem_cache_create("df_shrink", 96, 0, 0, NULL);
	void *keep = kmem_cache_alloc(s, GFP_KERNEL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned long before;

	kmem_cache_free(s, p);
	kmem_cache_shrink(s);
	before = slub_debug_reports();
	kmem_cache_free(s, p);
	if (slub_debug_reports() != before + 1)
		return NOT_AN_OBJECT;
	if (kheap_validate())
		return NOT_AN_OBJECT;
	kmem_cache_free(s, keep);
	return OK;
}

static void test_double_free_on_slab_freelist_is_caught(void)
{
	CHECK_EQ(run_child(child_double_free_after_shrink, "slab_nomerge"), OK);
	CHECK_EQ(count(child_out, "BUG df_shrink (Not tainted): Object already free\n"), 1);
}

/* kmem_cache_free_bulk() with one object twice: freed once, reported once. */
static int child_bulk_double_free(void)
{
	struct kmem_cache *s = kmem_cache_create("df_bulk", 32, 0, 0, NULL);
	void *objs[4], *again[4];

	if (kmem_cache_alloc_bulk(s, GFP_KERNEL, 3, objs) != 3)
		return NO_MEMORY;
	objs[3] = objs[1];
	kmem_cache_free_bulk(s, 4, objs);
	if (kmem_cache_alloc_bulk(s, GFP_KERNEL, 4, again) != 4)
		return NO_MEMORY;
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			if (again[i] == again[j])
				return FORGED;
	kmem_cache_free_bulk(s, 4, again);
	return kheap_validate() ? NOT_AN_OBJECT : OK;
}

static void test_bulk_double_free_is_caught(void)
{
	CHECK_EQ(run_child(child_bulk_double_free, "slab_nomerge"), OK);
	CHECK_EQ(count(child_out, "Object already free"), 1);
}

/* The shadow model: LIVE slots; a freed pointer may be freed again only
 * while no allocation has handed it out since. */
#define LIVE	256
#define OPS	50000

static bool in_array(void **a, int n, void *p)
{
	for (int i = 0; i < n; i++)
		if (a[i] == p)
			return true;
	return false;
}

static int child_double_free_model(void)
{
	static void *live[LIVE], *freed[LIVE];
	uint64_t rnd = 0x9e3779b97f4a7c15ULL;
	int nlive = 0, nfreed = 0;
	unsigned long injected = 0, before = slub_debug_reports();

	for (long op = 0; op < OPS; op++) {
		uint64_t r = check_xorshift(&rnd);
		size_t size = 33 + r % 32;	/* kmalloc-64: no reuse elsewhere */

		if (nlive < LIVE && (r >> 32) % 3 == 0) {
			void *p = kmalloc(size, GFP_KERNEL);

			if (!p)
				return NO_MEMORY;
			if (in_array(live, nlive, p))
				return FORGED;	/* handed out while live */
			live[nlive++] = p;
			for (int i = 0; i < nfreed; i++)	/* live again */
				if (freed[i] == p)
					freed[i] = freed[--nfreed];
		} else if (nfreed && (r >> 40) % 64 == 0) {
			kfree(freed[(r >> 20) % nfreed]);	/* double free */
			injected++;
		} else if (nlive) {
			int i = (int)((r >> 20) % nlive);

			kfree(live[i]);
			if (nfreed < LIVE)
				freed[nfreed++] = live[i];
			else
				freed[(r >> 8) % LIVE] = live[i];
			live[i] = live[--nlive];
		}
	}
	if (slub_debug_reports() - before != injected || !injected)
		return NOT_AN_OBJECT;
	while (nlive)
		kfree(live[--nlive]);
	return kheap_validate() ? NOT_AN_OBJECT : OK;
}

static void test_double_free_model(void)
{
	CHECK_EQ(run_child(child_double_free_model, NULL), OK);
	CHECK(count(child_out, "Object already free") >= 1);
}

/* ---- freelist randomisation ---- */

#define SLAB_OBJS_MAX	512

/* Allocate one new slab's objects; 1 ascending, 2 descending, 3 neither,
 * 0 if they were not exactly the slab's objects. */
static int one_slab_order(struct kmem_cache *s, void **objs, unsigned int n)
{
	bool up = true, down = true;
	struct slab *slab;

	for (unsigned int i = 0; i < n; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	slab = virt_to_slab(objs[0]);
	for (unsigned int i = 0; i < n; i++) {
		if (virt_to_slab(objs[i]) != slab)
			return 0;
		for (unsigned int j = 0; j < i; j++)
			if (objs[j] == objs[i])
				return 0;
		if (i && objs[i] < objs[i - 1])
			up = false;
		if (i && objs[i] > objs[i - 1])
			down = false;
	}
	return up ? 1 : down ? 2 : 3;
}

static int child_freelist_order(void)
{
	static void *a[SLAB_OBJS_MAX], *b[SLAB_OBJS_MAX];
	struct kmem_cache *s = kmem_cache_create("rnd_order", 128, 0, 0, NULL);
	unsigned int n = oo_objects(s->oo);
	int first, second;

	if (n < 8 || n > SLAB_OBJS_MAX)
		return 90;
	first = one_slab_order(s, a, n);
	second = one_slab_order(s, b, n);
	if (!first || !second)
		return 91;
	return first * 10 + second;
}

static void test_new_slabs_are_shuffled(void)
{
	CHECK_EQ(run_child(child_freelist_order, "slab_nomerge kheap.sheaves=0"), 33);
}

static void test_unshuffled_without_the_option(void)
{
	CHECK_EQ(run_child(child_freelist_order,
			   "slab_nomerge kheap.sheaves=0 slab_freelist_random=0"), 11);
}

/* ---- random kmalloc caches ---- */

/* 32 call sites of kmalloc(64): functions that GCC may neither merge
 * (the asm differs) nor turn into tail calls (the asm uses the result) */
#define SITE(n)								\
static __attribute__((noinline)) void *site_##n(void)			\
{									\
	void *p = kmalloc(64, GFP_KERNEL);				\
									\
	__asm__ volatile("# site %1" : "+r"(p) : "i"(n));		\
	return p;							\
}
SITE(0) SITE(1) SITE(2) SITE(3) SITE(4) SITE(5) SITE(6) SITE(7)
SITE(8) SITE(9) SITE(10) SITE(11) SITE(12) SITE(13) SITE(14) SITE(15)
SITE(16) SITE(17) SITE(18) SITE(19) SITE(20) SITE(21) SITE(22) SITE(23)
SITE(24) SITE(25) SITE(26) SITE(27) SITE(28) SITE(29) SITE(30) SITE(31)
#undef SITE
#define S(n)	site_##n
static void *(*const sites[32])(void) = {
	S(0), S(1), S(2), S(3), S(4), S(5), S(6), S(7), S(8), S(9), S(10),
	S(11), S(12), S(13), S(14), S(15), S(16), S(17), S(18), S(19), S(20),
	S(21), S(22), S(23), S(24), S(25), S(26), S(27), S(28), S(29), S(30),
	S(31),
};
#undef S

static void *alloc_at_site(int n)
{
	return sites[n]();
}

/* How many different caches 32 call sites used (one site, one cache);
 * 0 if a site changed caches or an object was in no kmalloc-64 copy. */
static int child_caches_used(void)
{
	struct kmem_cache *used[32];
	int distinct = 0;

	for (int n = 0; n < 32; n++) {
		for (int k = 0; k < 4; k++) {
			void *p = alloc_at_site(n);
			struct kmem_cache *s = virt_to_slab(p)->slab_cache;

			if (s->object_size != 64 ||
			    strncmp(s->name, "kmalloc-", 8) || (k && s != used[n]))
				return 0;
			used[n] = s;
		}
		distinct++;
		for (int j = 0; j < n; j++)
			if (used[j] == used[n]) {
				distinct--;
				break;
			}
	}
	kheap_proc_show("slabinfo", stderr);
	return distinct;
}

static void test_random_kmalloc_caches(void)
{
	int used = run_child(child_caches_used, "random_kmalloc_caches=1");

	CHECK(used >= 6 && used <= 16);
	CHECK(strstr(child_out, "\nkmalloc-rnd-01-8 ") != NULL);
	CHECK(strstr(child_out, "\nkmalloc-rnd-15-8k ") != NULL);
	CHECK(strstr(child_out, "\nkmalloc-rnd-07-96 ") != NULL);
	CHECK(strstr(child_out, "\nkmalloc-64 ") != NULL);
	CHECK_EQ(count(child_out, "\nkmalloc-rnd-"), 15 * 13);
}

static void test_one_kmalloc_cache_by_default(void)
{
	CHECK_EQ(run_child(child_caches_used, NULL), 1);
	CHECK_EQ(count(child_out, "kmalloc-rnd-"), 0);
}

int main(void)
{
	RUN(test_freelist_poisoning_is_caught);
	RUN(test_use_after_free_bytes_are_caught);
	RUN(test_unhardened_freelist_is_followed);
	RUN(test_hardened_plain_use_is_quiet);
	RUN(test_free_pointer_is_stored_encoded);
	RUN(test_later_double_free_is_caught);
	RUN(test_naive_check_alone_misses_it);
	RUN(test_panic_on_warn_aborts);
	RUN(test_double_free_on_slab_freelist_is_caught);
	RUN(test_bulk_double_free_is_caught);
	RUN(test_double_free_model);
	RUN(test_new_slabs_are_shuffled);
	RUN(test_unshuffled_without_the_option);
	RUN(test_random_kmalloc_caches);
	RUN(test_one_kmalloc_cache_by_default);
	return check_summary();
}
