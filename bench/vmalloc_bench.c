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

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void touch(char *p, unsigned long pages)
{
	for (unsigned long i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE_SIZE] = 1;
}

static double run_vmalloc(unsigned long pages, int do_touch, double secs)
{
	unsigned long n = 0;
	double t0 = now(), t;

	do {
		for (int i = 0; i < 64; i++) {
			char *p = vmalloc(pages * PAGE_SIZE);

			if (!p)
				return -1;
			if (do_touch)
				touch(p, pages);
			vfree(p);
		}
		n += 64;
		t = now() - t0;
	} while (t < secs);
	return (double)n / t;
}

static double run_mmap(unsigned long pages, int do_touch, double secs)
{
	unsigned long n = 0;
	double t0 = now(), t;

	do {
		for (int i = 0; i < 64; i++) {
			char *p = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED)
				return -1;
			if (do_touch)
				touch(p, pages);
			munmap(p, pages * PAGE_SIZE);
		}
		n += 64;
		t = now() - t0;
	} while (t < secs);
	return (double)n / t;
}

int main(int argc, char **argv)
{
	static const unsigned long sizes[] = { 1, 16, 256 };
	double secs = argc > 1 ? atof(argv[1]) : 0.5;

	if (kheap_init("mem=1G") < 0 && !vmalloc(1))
		return 1;
	printf("%-7s %-9s %16s %16s %8s\n", "pages", "touched", "vmalloc+vfree/s",
	       "mmap+munmap/s", "ratio");
	for (int touch_pages = 0; touch_pages <= 1; touch_pages++) {
		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			double v = run_vmalloc(sizes[i], touch_pages, secs);
			double m = run_mmap(sizes[i], touch_pages, secs);

			printf("%-7lu %-9s %16.0f %16.0f %8.2f\n", sizes[i],
			       touch_pages ? "yes" : "no", v, m, m > 0 ? v / m : 0);
		}
	}
	return 0;
}
