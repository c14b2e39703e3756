// SPDX-License-Identifier: MIT
/*
 * test_dlclose - a program that dlopen()s libkheap.so, allocates, and
 * dlclose()s it keeps running: the library is never unloaded (-z nodelete),
 * because each thread's rseq area still points at the library's rseq
 * descriptors after a fast path ran, and the kernel reads the descriptor at
 * the thread's next preemption (an unmapped one is a SIGSEGV).  The program
 * then stays on the CPU for a second, so it is preempted, and checks the
 * library is still mapped.
 *
 *   test_dlclose /path/to/libkheap.so
 */
#include "check.h"

#include <dlfcn.h>
#include <time.h>

static const char *lib;

static void test_dlclose_keeps_running(void)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL), *again;
	void *(*km)(size_t, unsigned int);
	void (*kf)(const void *);
	struct timespec t0, t;
	volatile unsigned long spin = 0;

	CHECK(h != NULL);
	if (!h) {
		fprintf(stderr, "  dlopen: %s\n", dlerror());
		return;
	}
	km = (void *(*)(size_t, unsigned int))dlsym(h, "kmalloc");
	kf = (void (*)(const void *))dlsym(h, "kfree");
	CHECK(km && kf);
	if (!km || !kf)
		return;
	for (int i = 0; i < 10000; i++) {
		void *p = km(64, 0xcc0);	/* GFP_KERNEL */

		CHECK(p != NULL);
		kf(p);
	}
	CHECK_EQ(dlclose(h), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 1000000; i++)
			spin++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L +
		 (t.tv_nsec - t0.tv_nsec) < 1000000000L);
	/* still mapped: RTLD_NOLOAD finds it */
	again = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
	CHECK(again != NULL);
	if (again)
		dlclose(again);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s LIBKHEAP.so\n", argv[0]);
		return 2;
	}
	lib = argv[1];
	RUN(test_dlclose_keeps_running);
	return check_summary();
}
