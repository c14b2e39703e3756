/* SPDX-License-Identifier: MIT */
/*
 * check.h - kheap's tiny test harness (in the style of mimalloc's
 * testhelper.h).  A test program is a list of test functions, each run by
 * RUN(fn); CHECK(cond) records a failure with its location and goes on;
 * CHECK_EQ prints both values.  SKIP(why) marks the current test as one
 * that cannot run here (no valgrind, a CPU missing): it counts as skipped,
 * never as passed.  main() returns check_summary(), which prints
 * "N passed, N failed" (", N skipped" when some were) and returns 1 on any
 * failure, CHECK_SKIP_CODE (77, CTest's SKIP_RETURN_CODE for these tests)
 * when every test was skipped, 0 otherwise.
 */
#ifndef KHEAP_TEST_CHECK_H
#define KHEAP_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed_total, check_passed_total, check_cur_failed __attribute__((unused));
static int check_skipped_total, check_cur_skipped __attribute__((unused));
static const char *check_cur_name __attribute__((unused));

#define CHECK_SKIP_CODE	77

#define SKIP(why)							\
	do {								\
		fprintf(stderr, "  skip %s: %s\n", check_cur_name, why);\
		check_cur_skipped = 1;					\
	} while (0)

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  FAIL %s:%d in %s: %s\n",	\
				__FILE__, __LINE__, check_cur_name, #cond); \
			check_cur_failed++;				\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b) {					\
			fprintf(stderr, "  FAIL %s:%d in %s: %s == %s (%lld != %lld)\n", \
				__FILE__, __LINE__, check_cur_name, #a, #b, __a, __b); \
			check_cur_failed++;				\
		}							\
	} while (0)

#define RUN(fn)								\
	do {								\
		check_cur_name = #fn;					\
		check_cur_failed = 0;					\
		check_cur_skipped = 0;					\
		fn();							\
		if (check_cur_failed) {					\
			check_failed_total++;				\
			fprintf(stderr, "FAILED %s\n", #fn);		\
		} else if (check_cur_skipped) {				\
			check_skipped_total++;				\
			fprintf(stderr, "skip   %s\n", #fn);		\
		} else {						\
			check_passed_total++;				\
			fprintf(stderr, "ok     %s\n", #fn);		\
		}							\
	} while (0)

/* xorshift64: the tests' reproducible random numbers (state must be != 0) */
#include <stdint.h>
static inline uint64_t check_xorshift(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static inline int check_summary(void)
{
	if (check_skipped_total)
		fprintf(stderr, "%d passed, %d failed, %d skipped\n",
			check_passed_total, check_failed_total,
			check_skipped_total);
	else
		fprintf(stderr, "%d passed, %d failed\n", check_passed_total,
			check_failed_total);
	if (check_failed_total)
		return 1;
	return check_passed_total ? 0 : CHECK_SKIP_CODE;
}

/* Capture what a statement writes to stderr into buf (NUL-terminated). */
#include <unistd.h>
static inline void check_capture_stderr(void (*fn)(void *), void *arg,
					char *buf, size_t len)
{
	char path[] = "/tmp/kheap-test-XXXXXX";
	int fd = mkstemp(path), saved;
	ssize_t n;

	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
}

/*
 * Run fn() in a forked child with its stderr captured into buf (for a
 * call that should end the process, e.g. under panic_on_warn).  Returns
 * the child's exit status, or 128 + the signal that ended it.
 */
#include <sys/wait.h>
static inline int check_run_child(int (*fn)(void), char *buf, size_t len)
{
	char path[] = "/tmp/kheap-test-XXXXXX";
	int fd = mkstemp(path), status = 0;
	pid_t pid;
	ssize_t n;

	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		dup2(fd, 2);
		_exit(fn());
	}
	waitpid(pid, &status, 0);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

#endif
