/* SPDX-License-Identifier: MIT */
/*
 * kunit/test.h - a small stand-in for the kernel's KUnit, enough to run
 * KUnit suites as userspace programs on kheap: suites of cases with an
 * init hook, KUNIT_EXPECT_* checks, kunit_skip(), and named resources
 * (lib/slub_kunit.c's "slab_errors" counter).  kunit.c beside this file
 * is the runner (it provides main()) and defines kunit_get_current_test()
 * and kunit_find_named_resource() as real functions, which is how kheap's
 * slab reports find the counter (mm/slub_debug.c).  Output is KTAP, as
 * the kernel's runner prints it.
 */
#ifndef _KUNIT_TEST_H
#define _KUNIT_TEST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

struct kunit_resource;
typedef int (*kunit_resource_init_t)(struct kunit_resource *, void *);
typedef void (*kunit_resource_free_t)(struct kunit_resource *);

/* A named value a test holds; @data first, as in the kernel's. */
struct kunit_resource {
	void *data;
	const char *name;
	kunit_resource_free_t free;
	struct kunit_resource *next;	/* the test's resources */
};

/* The running test case. */
struct kunit {
	const char *name;		/* the case's */
	bool failed;
	bool skipped;
	struct kunit_resource *resources;
	jmp_buf stop;			/* kunit_skip() ends the case here */
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(test_name)	{ .run_case = test_name, .name = #test_name }

void kunit_register_suite(struct kunit_suite *suite);
void kunit_check_failed(struct kunit *test, const char *file, int line,
			const char *expr, long long left, long long right);
void kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int kunit_add_named_resource(struct kunit *test, kunit_resource_init_t init,
			     kunit_resource_free_t free,
			     struct kunit_resource *res, const char *name,
			     void *data);
struct kunit_resource *kunit_find_named_resource(struct kunit *test,
						 const char *name);
void kunit_put_resource(struct kunit_resource *res);

/* Registers @suite before main() runs (the kernel links it into a
 * section; a constructor does the same here). */
#define kunit_test_suites(...)						\
	static void __attribute__((constructor)) kunit_register_suites(void) \
	{								\
		struct kunit_suite *suites[] = { __VA_ARGS__ };		\
		for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) \
			kunit_register_suite(suites[i]);		\
	}
#define kunit_test_suite(suite)	kunit_test_suites(&suite)

#define KUNIT_EXPECT_OP(test, left, op, right)				\
	do {								\
		long long __l = (long long)(left), __r = (long long)(right); \
		if (!(__l op __r))					\
			kunit_check_failed(test, __FILE__, __LINE__,	\
					   #left " " #op " " #right, __l, __r); \
	} while (0)
#define KUNIT_EXPECT_EQ(test, left, right)	KUNIT_EXPECT_OP(test, left, ==, right)
#define KUNIT_EXPECT_NE(test, left, right)	KUNIT_EXPECT_OP(test, left, !=, right)
#define KUNIT_EXPECT_LE(test, left, right)	KUNIT_EXPECT_OP(test, left, <=, right)
#define KUNIT_EXPECT_GT(test, left, right)	KUNIT_EXPECT_OP(test, left, >, right)
#define KUNIT_EXPECT_TRUE(test, cond)	KUNIT_EXPECT_OP(test, !!(cond), ==, 1)
#define KUNIT_EXPECT_FALSE(test, cond)	KUNIT_EXPECT_OP(test, !!(cond), ==, 0)
#define KUNIT_EXPECT_NOT_NULL(test, p)	KUNIT_EXPECT_OP(test, (p) != NULL, ==, 1)

#define kunit_skip(test, fmt, ...)					\
	do {								\
		kunit_mark_skipped(test, fmt, ##__VA_ARGS__);		\
		longjmp((test)->stop, 1);				\
	} while (0)

#endif /* _KUNIT_TEST_H */
