// SPDX-License-Identifier: MIT
/*
 * meminit_bench [N] - what init_on_alloc and init_on_free cost: ns per
 * kmalloc+kfree pair (16 B to 4 KiB, single pairs and batches of 64) and
 * per alloc_page+__free_page, with neither option, with init_on_alloc=1
 * and with init_on_free=1.  kheap reads its options once per process, so
 * the program runs itself three times (KHEAP_CMDLINE set for each child),
 * one after the other in the same run.  Prints
 * "RESULT <case>:<off|init_on_alloc|init_on_free> <ns> ns" for bench/run.py.
 */
#include <sys/wait.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <kheap/kheap.h>
#include "bench.h"

/* ns per pair: @batch kmallocs of @size, then their kfrees, @n in all */
static double kmalloc_pairs(size_t size, unsigned long n, int batch)
{
	void *p[64];
	double t0 = bench_now();

	for (unsigned long i = 0; i < n; i += (unsigned long)batch) {
		for (int j = 0; j < batch; j++)
			p[j] = kmalloc(size, GFP_KERNEL);
		bench_escape(p);
		for (int j = 0; j < batch; j++)
			kfree(p[j]);
	}
	return (bench_now() - t0) / (double)n * 1e9;
}

static double page_pairs(unsigned long n)
{
	double t0 = bench_now();

	for (unsigned long i = 0; i < n; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		bench_escape(page);
		__free_page(page);
	}
	return (bench_now() - t0) / (double)n * 1e9;
}

/* One configuration, in this process: its results under @mode. */
static int measure(const char *mode, unsigned long n)
{
	static const size_t sizes[] = { 16, 64, 256, 1024, 4096 };

	if (kheap_init("mem=1G") < 0)
		return 1;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int b = 0; b < 2; b++) {
			int batch = b ? 64 : 1;

			kmalloc_pairs(sizes[i], n / 8, batch);	/* warm up */
			printf("RESULT kmalloc-%zu-%s:%s %.2f ns\n", sizes[i],
			       b ? "batch64" : "single", mode,
			       kmalloc_pairs(sizes[i], n, batch));
		}
	}
	page_pairs(n / 64);
	printf("RESULT alloc_page:%s %.2f ns\n", mode, page_pairs(n / 8));
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const modes[][2] = {
		{ "off", "" },
		{ "init_on_alloc", "init_on_alloc=1" },
		{ "init_on_free", "init_on_free=1" },
	};
	const char *child = getenv("MEMINIT_BENCH_MODE");
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	int failed = 0;

	n = (n + 63) & ~63UL;
	if (child)
		return measure(child, n);
	for (unsigned int m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		pid_t pid;
		int status;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			setenv("MEMINIT_BENCH_MODE", modes[m][0], 1);
			setenv("KHEAP_CMDLINE", modes[m][1], 1);
			execv("/proc/self/exe", argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	return failed;
}
