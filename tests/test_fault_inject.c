// SPDX-License-Identifier: MIT
/*
 * test_fault_inject - fail_page_alloc with the kernel's fault_attr
 * semantics: times, interval, probability (seeded, reproducible), space,
 * the filters (min-order, ignore-gfp-wait, __GFP_NOFAIL), verbose reports,
 * __GFP_NOWARN, and the per-thread fail-nth countdown.
 */
#include "internal.h"
#include "lib/fault-inject.h"
#include "check.h"
#include <errno.h>

static void opts(const char *cmdline)
{
	CHECK_EQ(kheap_parse_cmdline(cmdline, "test"), 0);
}

static void disarm(void)
{
	opts("fail_page_alloc=1,0,0,1 fail_page_alloc.min-order=1 "
	     "fail_page_alloc.ignore-gfp-wait=1 fail_page_alloc.verbose=2");
	CHECK_EQ(fault_inject_armed, 0);
}

/* Allocate @n order-@order pages with @gfp; bit i of the result is set if
 * attempt i failed. */
static unsigned long long attempts(int n, gfp_t gfp, unsigned int order)
{
	unsigned long long failed = 0;

	for (int i = 0; i < n; i++) {
		struct page *p = alloc_pages(gfp, order);
		if (p)
			__free_pages(p, order);
		else
			failed |= 1ULL << i;
	}
	return failed;
}

static void test_times_limits_failures(void)
{
	opts("fail_page_alloc=1,100,0,3 fail_page_alloc.ignore-gfp-wait=0 "
	     "fail_page_alloc.min-order=0 fail_page_alloc.verbose=0");
	CHECK_EQ(attempts(10, GFP_KERNEL, 0), 0x7);
	CHECK_EQ(fail_page_alloc.attr.times, 0);
	disarm();
}

static void test_interval_fails_every_nth(void)
{
	opts("fail_page_alloc=4,100,0,-1 fail_page_alloc.ignore-gfp-wait=0 "
	     "fail_page_alloc.min-order=0 fail_page_alloc.verbose=0");
	/* candidates 4, 8, 12, ... fail: attempts 3, 7, 11, ... */
	CHECK_EQ(attempts(16, GFP_KERNEL, 0), 0x8888);
	CHECK_EQ(fail_page_alloc.attr.times, -1);
	disarm();
}

static void test_filters_spare_requests(void)
{
	opts("fail_page_alloc=1,100,0,-1 fail_page_alloc.verbose=0");
	/* defaults: min-order 1, ignore-gfp-wait: order 0 and GFP_KERNEL pass */
	CHECK_EQ(attempts(8, GFP_ATOMIC, 0), 0);
	CHECK_EQ(attempts(8, GFP_KERNEL, 3), 0);
	CHECK_EQ(attempts(8, GFP_ATOMIC, 1), 0xff);
	CHECK_EQ(attempts(8, GFP_ATOMIC | __GFP_NOFAIL, 1), 0);
	opts("fail_page_alloc.ignore-gfp-wait=0");
	CHECK_EQ(attempts(8, GFP_KERNEL, 3), 0xff);
	CHECK_EQ(attempts(8, GFP_KERNEL | __GFP_NOFAIL, 3), 0);
	disarm();
}

static void test_space_lets_bytes_pass(void)
{
	/* space counts in pages for fail_page_alloc (size = 1 << order) */
	opts("fail_page_alloc=1,100,6,-1 fail_page_alloc.ignore-gfp-wait=0 "
	     "fail_page_alloc.min-order=0 fail_page_alloc.verbose=0");
	/* passes while more than the request remains: 6 > 2, 4 > 2, not 2 > 2 */
	CHECK_EQ(attempts(10, GFP_KERNEL, 1), 0x3fc);
	disarm();
}

static void test_probability_is_seeded(void)
{
	unsigned long long a, b;

	opts("fault_inject.seed=42 fail_page_alloc=1,50,0,-1 "
	     "fail_page_alloc.ignore-gfp-wait=0 fail_page_alloc.min-order=0 "
	     "fail_page_alloc.verbose=0");
	a = attempts(64, GFP_KERNEL, 0);
	opts("fault_inject.seed=42");
	b = attempts(64, GFP_KERNEL, 0);
	CHECK_EQ(a, b);			/* reproducible */
	int n = __builtin_popcountll(a);
	CHECK(n > 16 && n < 48);	/* about half */
	disarm();
}

static void fail_one_verbose(void *arg)
{
	gfp_t gfp = *(gfp_t *)arg;
	CHECK(alloc_pages(gfp, 0) == NULL);
}

static void test_reports(void)
{
	char buf[8192];
	gfp_t gfp = GFP_KERNEL;

	opts("fail_page_alloc=1,100,0,2 fail_page_alloc.ignore-gfp-wait=0 "
	     "fail_page_alloc.min-order=0 fail_page_alloc.verbose=2");
	check_capture_stderr(fail_one_verbose, &gfp, buf, sizeof(buf));
	CHECK(strstr(buf, "FAULT_INJECTION: forcing a failure.\n"
			  "name fail_page_alloc, interval 1, probability 100, space 0, times 2\n") != NULL);
	CHECK(strstr(buf, "Call Trace:") != NULL);
	/* an injected failure is not an allocation failure report */
	CHECK(strstr(buf, "page allocation failure") == NULL);
	gfp = GFP_KERNEL | __GFP_NOWARN;
	check_capture_stderr(fail_one_verbose, &gfp, buf, sizeof(buf));
	CHECK_EQ(buf[0], 0);
	disarm();
}

static void test_fail_nth(void)
{
	opts("fail_page_alloc.ignore-gfp-wait=0 fail_page_alloc.min-order=0 "
	     "fail_page_alloc.verbose=0");
	kheap_fail_nth(3);
	CHECK_EQ(fault_inject_armed, 1);
	CHECK_EQ(attempts(8, GFP_KERNEL, 0), 0x4);
	CHECK_EQ(fault_inject_armed, 0);	/* spent: disarmed */
	kheap_fail_nth(2);
	kheap_fail_nth(0);
	CHECK_EQ(fault_inject_armed, 0);
	CHECK_EQ(attempts(8, GFP_KERNEL, 0), 0);
	disarm();
}

static void test_bad_values(void)
{
	CHECK_EQ(kheap_parse_cmdline("fail_page_alloc=1,2,3", "test"), -EINVAL);
	CHECK_EQ(kheap_parse_cmdline("fail_page_alloc=1,101,0,1", "test"), -EINVAL);
	CHECK_EQ(fault_inject_armed, 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_times_limits_failures);
	RUN(test_interval_fails_every_nth);
	RUN(test_filters_spare_requests);
	RUN(test_space_lets_bytes_pass);
	RUN(test_probability_is_seeded);
	RUN(test_reports);
	RUN(test_fail_nth);
	RUN(test_bad_values);
	CHECK_EQ(page_alloc_validate(), 0);
	return check_summary();
}
