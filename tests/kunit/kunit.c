// SPDX-License-Identifier: MIT
/*
 * kunit.c - the runner of the KUnit stand-in (kunit/test.h): main() runs
 * every registered suite, each case in turn with the suite's init hook,
 * and prints KTAP ("ok 1 test_name", "not ok ...", "# SKIP ...").  The
 * exit status is 1 if any case failed.  Cases run in the main thread; a
 * case's resources live until it ends.
 */
#include "kunit/test.h"
#include "kunit/test-bug.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define KUNIT_MAX_SUITES	16

static struct kunit_suite *suites[KUNIT_MAX_SUITES];
static int nr_suites;
static __thread struct kunit *current_test;
static char skip_reason[256];

void kunit_register_suite(struct kunit_suite *suite)
{
	if (nr_suites < KUNIT_MAX_SUITES)
		suites[nr_suites++] = suite;
}

struct kunit *kunit_get_current_test(void)
{
	return current_test;
}

void kunit_check_failed(struct kunit *test, const char *file, int line,
			const char *expr, long long left, long long right)
{
	printf("    # %s: EXPECTATION FAILED at %s:%d\n"
	       "    Expected %s, but left == %lld, right == %lld\n",
	       test->name, file, line, expr, left, right);
	test->failed = true;
}

void kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
	test->skipped = true;
}

int kunit_add_named_resource(struct kunit *test, kunit_resource_init_t init,
			     kunit_resource_free_t free,
			     struct kunit_resource *res, const char *name,
			     void *data)
{
	if (kunit_find_named_resource(test, name))
		return -17;		/* -EEXIST: names are unique */
	res->name = name;
	res->free = free;
	res->data = data;
	if (init) {
		int err = init(res, data);

		if (err)
			return err;
	}
	res->next = test->resources;
	test->resources = res;
	return 0;
}

struct kunit_resource *kunit_find_named_resource(struct kunit *test,
						 const char *name)
{
	for (struct kunit_resource *res = test->resources; res; res = res->next)
		if (res->name && !strcmp(res->name, name))
			return res;
	return NULL;
}

/* Resources are released when their case ends: nothing to count here. */
void kunit_put_resource(struct kunit_resource *res)
{
	(void)res;
}

static bool run_case(struct kunit_suite *suite, struct kunit_case *c,
		     int nr)
{
	struct kunit test = { .name = c->name };

	current_test = &test;
	if (!setjmp(test.stop)) {
		if (!suite->init || !suite->init(&test))
			c->run_case(&test);
		else
			test.failed = true;
	}
	if (suite->exit)
		suite->exit(&test);
	current_test = NULL;
	for (struct kunit_resource *res = test.resources; res; res = res->next)
		if (res->free)
			res->free(res);
	if (test.skipped)
		printf("    ok %d %s # SKIP %s\n", nr, c->name, skip_reason);
	else
		printf("    %s %d %s\n", test.failed ? "not ok" : "ok", nr, c->name);
	fflush(stdout);
	return !test.failed;
}

int main(void)
{
	bool all_ok = true;

	printf("KTAP version 1\n1..%d\n", nr_suites);
	for (int i = 0; i < nr_suites; i++) {
		struct kunit_suite *suite = suites[i];
		bool ok = true;
		int n = 0;

		for (struct kunit_case *c = suite->test_cases; c->run_case; c++)
			n++;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n",
		       suite->name, n);
		if (suite->suite_init && suite->suite_init(suite)) {
			ok = false;		/* no case runs */
			n = 0;
		}
		for (int k = 0; k < n; k++)	/* all, even after a failure */
			if (!run_case(suite, &suite->test_cases[k], k + 1))
				ok = false;
		if (suite->suite_exit)
			suite->suite_exit(suite);
		printf("%s %d %s\n", ok ? "ok" : "not ok", i + 1, suite->name);
		all_ok &= ok;
	}
	return all_ok ? 0 : 1;
}
