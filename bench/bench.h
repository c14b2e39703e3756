/* SPDX-License-Identifier: MIT */
/*
 * bench.h - what every kheap benchmark program shares.
 *
 * The contract with the driver (bench/run.py):
 *   - a program takes its work size as arguments (so --quick can shorten it)
 *     and times only its measured part, not process start-up or exit;
 *   - it prints one line per measurement on stdout,
 *         RESULT <name> <value> <unit>
 *     with the time of the whole workload as "RESULT <benchmark> <s> s" and
 *     any other metric (ns per operation, RSS in kB) as further lines;
 *   - it exits 0 on success, non-zero (with a message on stderr) otherwise.
 * Peak RSS is not measured here: the driver takes it from wait4()'s rusage.
 *
 * Programs that compare malloc implementations call only the malloc API, so
 * the driver can swap the allocator with LD_PRELOAD.  Random numbers come
 * from a fixed-seed splitmix64 so every allocator sees the same sequence.
 */
#ifndef KHEAP_BENCH_H
#define KHEAP_BENCH_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Monotonic wall time in seconds. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * This thread's CPU time in seconds, for single-threaded microbenchmarks:
 * on a shared machine wall time also counts the time other processes held
 * the CPU.  (A system call, unlike bench_now(): read it outside loops.)
 */
static inline double bench_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Print one measurement in the driver's format. */
static inline void bench_result(const char *name, double value, const char *unit)
{
	printf("RESULT %s %.6g %s\n", name, value, unit);
	fflush(stdout);
}

/*
 * Keep the compiler from proving an allocation unused: GCC removes
 * free(malloc(n)) pairs, and a benchmark must not measure nothing.
 */
static inline void bench_escape(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* splitmix64: small, fast, good enough to pick sizes and slots. */
static inline uint64_t bench_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform integer in [lo, hi]. */
static inline size_t bench_range(uint64_t *state, size_t lo, size_t hi)
{
	return lo + bench_rand(state) % (hi - lo + 1);
}

/*
 * Argument @i as a count, accepting k/M suffixes ("200k"); @def when absent.
 * A malformed or non-positive argument ends the program.
 */
static inline long bench_arg(int argc, char **argv, int i, long def)
{
	char *end;
	long v;

	if (i >= argc)
		return def;
	errno = 0;
	v = strtol(argv[i], &end, 10);
	if (*end == 'k' || *end == 'K')
		v *= 1000, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1000000, end++;
	if (errno || *end || v <= 0) {
		fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[i]);
		exit(2);
	}
	return v;
}

/* Resident set size now, in kB (from /proc/self/statm). */
static inline long bench_rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* malloc that ends the benchmark on failure: a NULL here is a result. */
static inline void *bench_malloc(size_t size)
{
	void *p = malloc(size);

	if (!p) {
		fprintf(stderr, "benchmark: malloc(%zu) failed\n", size);
		exit(1);
	}
	bench_escape(p);
	return p;
}

/* pthread_create that ends the benchmark on failure. */
static inline void bench_spawn(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(tid, NULL, fn, arg);

	if (err) {
		fprintf(stderr, "benchmark: pthread_create: %s\n", strerror(err));
		exit(1);
	}
}

static inline long bench_nproc(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

#endif /* KHEAP_BENCH_H */
