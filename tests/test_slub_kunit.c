// SPDX-License-Identifier: MIT
/*
 * test_slub_kunit - slub_debug's reports counted by a KUnit test, as
 * v6.12's lib/slub_kunit.c counts them: the suite's init gives each case a
 * resource named "slab_errors", and every report of the slab layer
 * (check_bytes_and_report, object_err, slab_err, slab_fix, the slab-count
 * checks, each leaked object) adds one to it instead of printing.  The
 * expected numbers are the kernel's for the same damage; validation is
 * validate_slab_cache() from "../mm/slab.h", reached as kernel code
 * reaches it.  Runs on the KUnit stand-in in tests/kunit/.
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "../mm/slab.h"
#include "check.h"

#include <urcu/urcu-memb.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct kunit_resource resource;
static int slab_errors;
static char err_out[1 << 16];

/* A cache of @size-byte objects with @flags and nothing from slab_debug=. */
static struct kmem_cache *make_cache(const char *name, unsigned int size,
				     slab_flags_t flags)
{
	return kmem_cache_create(name, size, 0, flags | SLAB_NO_USER_FLAGS,
				 NULL);
}

/* Keep the compiler from proving an index out of bounds. */
static inline unsigned char *hide(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* An overrun of a live object's right red zone: one report, one fix. */
static void redzone_live_overrun(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_rz_live", 64, SLAB_RED_ZONE);
	unsigned char *p = hide(kmem_cache_alloc(s, GFP_KERNEL));

	p[64] = 0x12;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
	/* the fix restored the red zone: the free finds it intact */
	kmem_cache_free(s, p);
	slab_errors = 0;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 0);
	kmem_cache_destroy(s);
}

/*
 * A freed object's free pointer damaged: the chain is cut there (one
 * report), the in-use count no longer matches (a report and its fix);
 * with the pointer put back only the count is wrong; then all is well.
 */
static void freepointer_damaged(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_fp", 64, SLAB_POISON);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned long saved;

	kmem_cache_free(s, p);
	memcpy(&saved, p + s->offset, sizeof(saved));
	p[s->offset] ^= 0xff;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 3);

	memcpy(p + s->offset, &saved, sizeof(saved));
	slab_errors = 0;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 2);

	slab_errors = 0;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 0);
	kmem_cache_destroy(s);
}

/* Writes into a freed, poisoned object: the poison check, then its fix. */
static void poison_overwritten(struct kunit *test)
{
	static const unsigned int where[] = { 0, 50, 63 };

	for (unsigned int i = 0; i < ARRAY_SIZE(where); i++) {
		struct kmem_cache *s = make_cache("KU_poison", 64, SLAB_POISON);
		unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);

		kmem_cache_free(s, p);
		p[where[i]] = 0x78;
		slab_errors = 0;
		validate_slab_cache(s);
		KUNIT_EXPECT_EQ(test, slab_errors, 2);
		kmem_cache_destroy(s);
	}
}

/* An overrun of a freed object's right red zone. */
static void redzone_free_overrun(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_rz_free", 64, SLAB_RED_ZONE);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	hide(p)[64] = 0xab;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
	kmem_cache_destroy(s);
}

/* kmalloc of 18 bytes from a 32-byte cache: bytes 18.. are red zone. */
static void kmalloc_redzone(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_rz_kmalloc", 32,
					  SLAB_KMALLOC | SLAB_STORE_USER |
					  SLAB_RED_ZONE);
	unsigned char *p = hide(alloc_hooks(__kmalloc_cache_noprof(s, GFP_KERNEL, 18)));

	p[18] = 0xab;
	p[19] = 0xab;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

struct rcu_obj {
	struct rcu_head rcu;
};

/* kfree_rcu() then destroy: destroy waits for the object, no leak. */
static void kfree_rcu_then_destroy(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_kfree_rcu", sizeof(struct rcu_obj),
					  SLAB_NO_MERGE);
	struct rcu_obj *p = kmem_cache_alloc(s, GFP_KERNEL);

	kfree_rcu(p, rcu);
	kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 0);
}

/* One object left at destroy: the slab's report and the object. */
static void leak_at_destroy(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_leak", 64, SLAB_NO_MERGE);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	KUNIT_EXPECT_NOT_NULL(test, p);
	kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
}

/* Two damaged objects in one slab: one per validation, first bad first. */
static void stops_at_first_bad_object(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_first", 64, SLAB_RED_ZONE);
	unsigned char *a = hide(kmem_cache_alloc(s, GFP_KERNEL));
	unsigned char *b = hide(kmem_cache_alloc(s, GFP_KERNEL));

	KUNIT_EXPECT_TRUE(test, virt_to_page(a) == virt_to_page(b));
	a[64] = 1;
	b[64] = 1;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
	slab_errors = 0;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
	slab_errors = 0;
	validate_slab_cache(s);
	KUNIT_EXPECT_EQ(test, slab_errors, 0);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
}

/*
 * Objects freed into a CPU's freelist or sheaf: validate_slab_cache()
 * flushes them back first, so their slab is on the node's list (checked,
 * and counted in the result) and holds them as free objects.
 */
static void validate_flushes_cpus(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_flush", 128, SLAB_NO_MERGE);
	void *objs[16];

	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, validate_slab_cache(s), 1);
	KUNIT_EXPECT_EQ(test, slab_errors, 0);
	KUNIT_EXPECT_EQ(test, kmem_cache_shrink(s), 0);	/* nothing live */
	kmem_cache_destroy(s);
}

/*
 * The node's counters disagree with its lists: v6.12's two count checks,
 * one error each.  One live object of a debug cache: one slab, on the
 * node's partial list.
 */
static void count_mismatch(void *arg)
{
	struct kmem_cache *s = arg;
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	s->node.nr_partial++;
	validate_slab_cache(s);
	s->node.nr_partial--;
	__atomic_fetch_add(&s->node.nr_slabs, 4, __ATOMIC_RELAXED);
	validate_slab_cache(s);
	__atomic_fetch_sub(&s->node.nr_slabs, 4, __ATOMIC_RELAXED);
	validate_slab_cache(s);			/* agrees again */
	kmem_cache_free(s, p);
}

static void counts_counted(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_count", 64, SLAB_RED_ZONE);

	check_capture_stderr(count_mismatch, s, err_out, sizeof(err_out));
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
	KUNIT_EXPECT_TRUE(test, strstr(err_out, "counted but counter=") != NULL);
	kmem_cache_destroy(s);
}

/* While a test counts, nothing of the report reaches stderr. */
static void do_overrun_validate(void *arg)
{
	struct kmem_cache *s = arg;
	unsigned char *p = hide(kmem_cache_alloc(s, GFP_KERNEL));

	p[64] = 0x12;
	validate_slab_cache(s);
	kmem_cache_free(s, p);
}

static void counted_not_printed(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_quiet", 64, SLAB_RED_ZONE);

	check_capture_stderr(do_overrun_validate, s, err_out, sizeof(err_out));
	KUNIT_EXPECT_EQ(test, slab_errors, 2);
	KUNIT_EXPECT_TRUE(test, err_out[0] == '\0');
	kmem_cache_destroy(s);
}

static int slab_test_init(struct kunit *test)
{
	slab_errors = 0;
	return kunit_add_named_resource(test, NULL, NULL, &resource,
					"slab_errors", &slab_errors);
}

static struct kunit_case counted_cases[] = {
	KUNIT_CASE(redzone_live_overrun),
	KUNIT_CASE(freepointer_damaged),
	KUNIT_CASE(poison_overwritten),
	KUNIT_CASE(redzone_free_overrun),
	KUNIT_CASE(kmalloc_redzone),
	KUNIT_CASE(kfree_rcu_then_destroy),
	KUNIT_CASE(leak_at_destroy),
	KUNIT_CASE(stops_at_first_bad_object),
	KUNIT_CASE(validate_flushes_cpus),
	KUNIT_CASE(counted_not_printed),
	KUNIT_CASE(counts_counted),
	{}
};

static struct kunit_suite counted_suite = {
	.name = "slab_errors_counted",
	.init = slab_test_init,
	.test_cases = counted_cases,
};

/*
 * Without the resource a test gets the reports on stderr, in the kernel's
 * words, and slab_in_kunit_test() is false.
 */
static void printed_without_resource(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_loud", 64, SLAB_RED_ZONE);

	KUNIT_EXPECT_FALSE(test, slab_in_kunit_test());
	check_capture_stderr(do_overrun_validate, s, err_out, sizeof(err_out));
	KUNIT_EXPECT_TRUE(test, strstr(err_out, "BUG KU_loud (") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(err_out, "Right Redzone overwritten") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(err_out, "FIX KU_loud: Restoring Right Redzone") != NULL);
	kmem_cache_destroy(s);
}

/* The count checks print in v6.12's two shapes. */
static void counts_printed(struct kunit *test)
{
	struct kmem_cache *s = make_cache("KU_count_loud", 64, SLAB_RED_ZONE);

	check_capture_stderr(count_mismatch, s, err_out, sizeof(err_out));
	KUNIT_EXPECT_TRUE(test, strstr(err_out,
		"SLUB KU_count_loud: 1 partial slabs counted but counter=2\n") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(err_out,
		"SLUB: KU_count_loud 1 slabs counted but counter=5\n") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(err_out, "counter=1\n") == NULL);
	kmem_cache_destroy(s);
}

static struct kunit_case printed_cases[] = {
	KUNIT_CASE(printed_without_resource),
	KUNIT_CASE(counts_printed),
	{}
};

static struct kunit_suite printed_suite = {
	.name = "slab_errors_printed",
	.test_cases = printed_cases,
};

kunit_test_suites(&counted_suite, &printed_suite);
