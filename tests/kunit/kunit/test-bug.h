/* SPDX-License-Identifier: MIT */
/*
 * kunit/test-bug.h - the test running in this thread, for code outside
 * the test (the kernel's hook for non-test code; here a real function of
 * the runner, kunit.c, so kheap can find it at run time).
 */
#ifndef _KUNIT_TEST_BUG_H
#define _KUNIT_TEST_BUG_H

struct kunit;

/* The KUnit test running in the calling thread, or NULL. */
struct kunit *kunit_get_current_test(void);

#endif /* _KUNIT_TEST_BUG_H */
