// SPDX-License-Identifier: MIT
/*
 * malloc_api.c - every corner of the malloc API, run under
 * LD_PRELOAD=libkheap-malloc.so (it does not link kheap).  The first test
 * makes sure the shim really is malloc: kmalloc-128 gives 128 usable bytes
 * for a 100-byte request where glibc gives 104.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <sys/mman.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "expect.h"

/* the test asks for impossible sizes and reads a block realloc kept, on
 * purpose; GCC sees both at compile time */
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="
#pragma GCC diagnostic ignored "-Wuse-after-free"

static void *launder(void *p)	/* hide from GCC that p is not heap memory, or freed */
{
	__asm__("" : "+r"(p));
	return p;
}

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

/* Before main: a constructor's blocks come from kheap too. */
static void *early;
static size_t early_usable;

__attribute__((constructor(101))) static void before_main(void)
{
	early = malloc(100);
	early_usable = malloc_usable_size(early);
}

static void test_constructor_allocates(void)
{
	CHECK(early);
	CHECK_EQ(early_usable, shim_usable(100));
	free(early);
}

static void test_shim_is_malloc(void)
{
	void *p = malloc(100);

	CHECK(p);
	CHECK_EQ(malloc_usable_size(p), shim_usable(100));
	free(p);
}

static void test_malloc_zero_unique(void)
{
	void *a = malloc(0), *b = malloc(0);

	CHECK(a && b && a != b);
	CHECK(a != (void *)16);
	free(a);
	free(b);
	free(NULL);
}

static void test_sizes_and_usable(void)
{
	static const size_t sizes[] = {
		1, 7, 8, 9, 24, 100, 200, 1000, 4095, 4096, 8192, 8193,
		65536, 100000, 1 << 20, (3 << 20) + 5, 4 << 20, (4 << 20) + 1,
		9 << 20, 33 << 20,
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = malloc(sizes[i]);

		CHECK(p);
		if (!p)
			continue;
		CHECK(aligned(p, 8));
		CHECK(malloc_usable_size(p) >= sizes[i]);
		memset(p, 0xa5, malloc_usable_size(p));
		CHECK(p[sizes[i] - 1] == 0xa5);
		free(p);
	}
}

static void test_calloc(void)
{
	unsigned char *p = calloc(1000, 10);
	int zero = 1;

	CHECK(p);
	for (int i = 0; i < 10000; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	free(p);
	/* a large kmalloc block, dirtied and freed, comes back zeroed */
	for (int round = 0; round < 2; round++) {
		p = malloc(500000);
		CHECK(p);
		memset(p, 0xff, 500000);
		free(launder(p));
		p = calloc(1, 500000);
		zero = 1;
		for (int i = 0; i < 500000; i++)
			zero &= p[i] == 0;
		CHECK(zero);
		free(p);
	}
	p = calloc(3, 5 << 20);			/* vmalloc */
	CHECK(p && p[0] == 0 && p[(15 << 20) - 1] == 0);
	free(p);
	errno = 0;
	CHECK(calloc(SIZE_MAX / 2, 3) == NULL);
	CHECK_EQ(errno, ENOMEM);
	p = calloc(0, 10);
	CHECK(p);
	free(p);
}

static void test_realloc(void)
{
	char *p = realloc(NULL, 10), *q;

	CHECK(p);
	strcpy(p, "kheap");
	q = realloc(p, 100000);			/* slab -> large kmalloc */
	CHECK(q && !strcmp(q, "kheap"));
	q[99999] = 1;
	p = realloc(q, 10 << 20);		/* -> vmalloc */
	CHECK(p && !strcmp(p, "kheap") && p[99999] == 1);
	q = realloc(p, 20);			/* shrink to a slab object */
	CHECK(q && !strcmp(q, "kheap"));
	CHECK(malloc_usable_size(q) >= 20);
	CHECK(realloc(q, 0) == NULL);		/* glibc: frees */
	errno = 0;
	CHECK(realloc(NULL, SIZE_MAX - 4096) == NULL);
	CHECK_EQ(errno, ENOMEM);
}

static void test_reallocarray(void)
{
	int *p = reallocarray(NULL, 100, sizeof(int));

	CHECK(p);
	p[99] = 5;
	errno = 0;
	CHECK(reallocarray(p, SIZE_MAX / 2, 4) == NULL);
	CHECK_EQ(errno, ENOMEM);
	CHECK(p[99] == 5);			/* untouched on failure */
	p = reallocarray(p, 1000, sizeof(int));
	CHECK(p && p[99] == 5);
	free(p);
}

static void test_posix_memalign(void)
{
	void *p = (void *)1;

	CHECK_EQ(posix_memalign(&p, 3, 10), EINVAL);
	CHECK_EQ(posix_memalign(&p, 4, 10), EINVAL);	/* < sizeof(void *) */
	CHECK_EQ(posix_memalign(&p, 24, 10), EINVAL);
	CHECK(p == (void *)1);			/* untouched */
	for (size_t a = 8; a <= (1 << 22); a <<= 1) {
		static const size_t sizes[] = { 1, 100, 5000, 70000, 5 << 20 };

		for (size_t i = 0; i < 5; i++) {
			CHECK_EQ(posix_memalign(&p, a, sizes[i]), 0);
			CHECK(aligned(p, a));
			CHECK(malloc_usable_size(p) >= sizes[i]);
			memset(p, 1, sizes[i]);
			free(p);
		}
	}
	CHECK_EQ(posix_memalign(&p, 64, 0), 0);
	free(p);
}

static void test_aligned_alloc_memalign_valloc(void)
{
	void *p;

	errno = 0;
	CHECK(aligned_alloc(48, 100) == NULL);
	CHECK_EQ(errno, EINVAL);
	p = aligned_alloc(65536, 65536);
	CHECK(p && aligned(p, 65536));
	free(p);
	p = aligned_alloc(64, 10);
	CHECK(p && aligned(p, 64));
	free(p);
	p = memalign(4096, 3);
	CHECK(p && aligned(p, 4096));
	free(p);
	p = memalign(48, 100);			/* rounded up to 64, as glibc */
	CHECK(p && aligned(p, 64));
	free(p);
	p = memalign(1 << 16, 9 << 20);		/* vmalloc with align */
	CHECK(p && aligned(p, 1 << 16));
	free(p);
	p = valloc(10);
	CHECK(p && aligned(p, 4096));
	free(p);
	p = pvalloc(10);
	CHECK(p && aligned(p, 4096) && malloc_usable_size(p) >= 4096);
	free(p);
}

static void test_many(void)
{
	enum { N = 20000 };
	static void *v[N];

	for (int i = 0; i < N; i++) {
		v[i] = malloc((size_t)(i % 3000) + 1);
		CHECK(v[i]);
		memset(v[i], i & 0xff, (size_t)(i % 3000) + 1);
	}
	for (int i = 0; i < N; i += 2)
		free(v[i]);
	for (int i = 1; i < N; i += 2) {
		unsigned char *c = v[i];

		if (c[i % 3000] != (i & 0xff)) {
			CHECK(!"corrupted");
			break;
		}
		free(v[i]);
	}
}

static void test_strdup_and_stdio(void)
{
	char *s = strdup("hello, kheap");
	char *line = NULL;
	size_t n = 0;
	FILE *f = fmemopen(s, strlen(s), "r");

	CHECK(f);
	CHECK(getline(&line, &n, f) > 0 && !strcmp(line, "hello, kheap"));
	fclose(f);
	free(line);
	free(s);
}

/*
 * The kernel's naive double-free check compares with the last object
 * freed on this CPU: both frees run on one CPU (pinned), or a migration
 * between them would hide the second from it, as in the kernel.
 */
static void double_free(void *arg)
{
	void *volatile p = malloc(64);	/* volatile: GCC elides the pair */
	cpu_set_t all, one;

	(void)arg;
	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	free(p);
	free(p);			/* reported, then ignored */
	sched_setaffinity(0, sizeof(all), &all);
}

/* A report's backtrace() loads libgcc_s and allocates: it must not
 * re-enter kheap (served from the boot arena), and the program goes on. */
static void test_double_free_is_reported(void)
{
	static char buf[8192];
	void *p;

	check_capture_stderr(double_free, NULL, buf, sizeof(buf));
	CHECK(strstr(buf, shim_double_free_report()));
	CHECK(strstr(buf, "Call Trace:"));
	p = malloc(64);
	CHECK(p);
	free(p);
}

/* free(p); free(x); free(p): glibc aborts ("double free detected in
 * tcache"); kheap reports it and ignores the second free of p, so the next
 * mallocs never hand p out twice (the naive check alone would). */
static void later_double_free(void *arg)
{
	void **pp = arg;

	free(pp[0]);
	free(pp[1]);
	free(launder(pp[0]));
}

static void test_later_double_free_is_reported(void)
{
	static char buf[8192];
	void *pair[2] = { malloc(200), malloc(200) };
	void *got[8];
	int seen = 0;

	check_capture_stderr(later_double_free, pair, buf, sizeof(buf));
	CHECK(strstr(buf, shim_double_free_report()));
	CHECK(strstr(buf, "not freed"));
	for (int i = 0; i < 8; i++) {
		got[i] = malloc(200);
		seen += got[i] == pair[0];
	}
	CHECK(seen <= 1);
	for (int i = 0; i < 8; i++)
		free(got[i]);
}

/* Memory kheap did not hand out: free ignores it quietly, realloc fails
 * with ENOMEM (its size is unknown), malloc_usable_size says 0. */
static void test_foreign_pointer(void)
{
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static char stat_buf[64];

	CHECK(m != MAP_FAILED);
	strcpy(m, "not kheap's");
	free(launder(m));
	free(launder(stat_buf + 16));
	CHECK(!strcmp(m, "not kheap's"));
	CHECK_EQ(malloc_usable_size(m), 0);
	errno = 0;
	CHECK(realloc(launder(m), 100) == NULL);
	CHECK_EQ(errno, ENOMEM);
	CHECK(!strcmp(m, "not kheap's"));
	munmap(m, 8192);
}

static long rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * malloc_trim() gives freed memory back at once: 40 MB of small blocks
 * freed stay resident (their slabs, sheaves and page lists keep them for
 * reuse) until malloc_trim(0), which returns 1 and leaves most of them
 * with the OS.
 */
static void test_mallinfo_trim(void)
{
	enum { N = 160000 };
	static void *p[N];
	struct mallinfo2 mi = mallinfo2();
	long full, freed, trimmed;

	CHECK(mi.uordblks > 0);
	for (int i = 0; i < N; i++) {
		p[i] = malloc(256);
		memset(p[i], 1, 256);
	}
	full = rss_kb();
	for (int i = 0; i < N; i++)
		free(p[i]);
	freed = rss_kb();
	CHECK_EQ(malloc_trim(0), 1);
	trimmed = rss_kb();
	fprintf(stderr, "  RSS: %ld kB full, %ld kB freed, %ld kB trimmed\n",
		full, freed, trimmed);
	CHECK(freed > full / 2);	/* kept for reuse until asked */
	CHECK(trimmed < freed - 30000);	/* most of the 40 MB given back */
}

int main(void)
{
	RUN(test_shim_is_malloc);
	RUN(test_constructor_allocates);
	RUN(test_malloc_zero_unique);
	RUN(test_sizes_and_usable);
	RUN(test_calloc);
	RUN(test_realloc);
	RUN(test_reallocarray);
	RUN(test_posix_memalign);
	RUN(test_aligned_alloc_memalign_valloc);
	RUN(test_many);
	RUN(test_strdup_and_stdio);
	RUN(test_double_free_is_reported);
	RUN(test_later_double_free_is_reported);
	RUN(test_foreign_pointer);
	RUN(test_mallinfo_trim);
	return check_summary();
}
