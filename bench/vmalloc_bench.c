// SPDX-License-Identifier: MIT
/*
 * vmalloc_bench - vmalloc+vfree pairs per second for areas of 1, 16 and 256
 * pages, beside mmap+munmap of the same sizes in the same run.  Each size is
 * measured twice: without touching the memory, and writing one byte per
 * page (which is where both pay for page faults).  vmalloc's figures include
 * its amortised lazy purge.
 *
 *   build/vmalloc_bench [seconds-per-case]   (default 0.5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include <linux/vmalloc.h>
#include <kheap/kheap.h>

static double now(void)
{
	struct timespec ts;

	/* this thread's CPU time: on a shared machine, wall time would also
	 * count the time other processes held the CPU (single-threaded) */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void touch(char *p, unsigned long pages)
{
	for (unsigned long i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE_SIZE] = 1;
}

/* ns per vmalloc+vfree pair over @n pairs of @pages pages */
static double run_vmalloc(unsigned long pages, int do_touch, unsigned long n)
{
	double t0 = now();

	for (unsigned long i = 0; i < n; i++) {
		char *p = vmalloc(pages * PAGE_SIZE);

		if (!p)
			return -1;
		if (do_touch)
			touch(p, pages);
		vfree(p);
	}
	return (now() - t0) / (double)n * 1e9;
}

/* ns per mmap+munmap pair over @n pairs of @pages pages */
static double run_mmap(unsigned long pages, int do_touch, unsigned long n)
{
	double t0 = now();

	for (unsigned long i = 0; i < n; i++) {
		char *p = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -1;
		if (do_touch)
			touch(p, pages);
		munmap(p, pages * PAGE_SIZE);
	}
	return (now() - t0) / (double)n * 1e9;
}

/*
 * vmalloc_bench [N]: N vmalloc+vfree pairs of 1, 16 and 256 pages (fewer for
 * the larger sizes), untouched and touched, beside mmap+munmap of the same
 * size in the same run.  Prints "RESULT <pages>p-<touched|untouched>:<impl>
 * <ns per pair> ns" lines for bench/run.py, and pairs per second.
 */
int main(int argc, char **argv)
{
	static const unsigned long sizes[] = { 1, 16, 256 };
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 5000;

	if (kheap_init("mem=1G") < 0 && !vmalloc(1))
		return 1;
	for (int touch_pages = 0; touch_pages <= 1; touch_pages++) {
		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			unsigned long iters = n / (sizes[i] > 16 ? 16 : 1);
			double v = run_vmalloc(sizes[i], touch_pages, iters ? iters : 1);
			double m = run_mmap(sizes[i], touch_pages, iters ? iters : 1);
			const char *t = touch_pages ? "touched" : "untouched";

			printf("RESULT %lup-%s:vmalloc %.1f ns\n", sizes[i], t, v);
			printf("RESULT %lup-%s:mmap %.1f ns\n", sizes[i], t, m);
			printf("# %lu pages %s: vmalloc+vfree %.0f/s, mmap+munmap %.0f/s\n",
			       sizes[i], t, v > 0 ? 1e9 / v : 0, m > 0 ? 1e9 / m : 0);
		}
	}
	return 0;
}
