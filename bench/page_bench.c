/* SPDX-License-Identifier: MIT */
/*
 * page_bench - kheap's page allocator API beside its nearest libc
 * equivalents, in the same process and run.
 *
 *   page_bench [N]      N allocations per case (default 200000)
 *
 * For each order 0..4 (4 KiB .. 64 KiB) and two patterns,
 *   single    N times: allocate, write the first byte, free;
 *   batch64   N allocations in batches of 64: allocate 64, write the first
 *             byte of each, free the 64 in allocation order;
 * three implementations are timed:
 *   alloc_pages      alloc_pages(GFP_KERNEL, order) / __free_pages()
 *   mmap             mmap(PAGE_SIZE << order) / munmap()
 *   posix_memalign   posix_memalign(PAGE_SIZE, PAGE_SIZE << order) / free()
 * Each case runs once untimed first (kheap hot-adds a section, the C library
 * grows its heap) and then timed.  Writing the first byte makes every
 * implementation hand out usable memory: for mmap that is a page fault,
 * which is the real price of getting a page from the kernel.
 *
 * This program links kheap (libkheap.a) itself, so LD_PRELOAD does not
 * apply: the driver runs it once per repetition and shows its own table.
 * Prints "RESULT order<k>-<pattern>:<impl> <ns per allocation+free> ns".
 */
#include <sys/mman.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include "bench.h"

#define BATCH		64
#define MAX_ORDER_RUN	4

struct impl {
	const char *name;
	void *(*alloc)(unsigned int order);
	void (*free)(void *p, unsigned int order);
};

static void *kheap_alloc(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);

	return page ? page_address(page) : NULL;
}

static void kheap_free(void *p, unsigned int order)
{
	__free_pages(virt_to_page(p), order);
}

static void *mmap_alloc(unsigned int order)
{
	void *p = mmap(NULL, PAGE_SIZE << order, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void mmap_free(void *p, unsigned int order)
{
	munmap(p, PAGE_SIZE << order);
}

static void *memalign_alloc(unsigned int order)
{
	void *p;

	return posix_memalign(&p, PAGE_SIZE, PAGE_SIZE << order) ? NULL : p;
}

static void memalign_free(void *p, unsigned int order)
{
	free(p);
}

static const struct impl impls[] = {
	{ "alloc_pages", kheap_alloc, kheap_free },
	{ "mmap", mmap_alloc, mmap_free },
	{ "posix_memalign", memalign_alloc, memalign_free },
};

static void *must(void *p, const struct impl *im, unsigned int order)
{
	if (!p) {
		fprintf(stderr, "page_bench: %s order %u failed\n", im->name, order);
		exit(1);
	}
	*(volatile char *)p = 1;
	return p;
}

static void run_single(const struct impl *im, unsigned int order, long n)
{
	for (long i = 0; i < n; i++)
		im->free(must(im->alloc(order), im, order), order);
}

static void run_batch(const struct impl *im, unsigned int order, long n)
{
	void *batch[BATCH];

	for (long done = 0; done < n; done += BATCH) {
		for (int j = 0; j < BATCH; j++)
			batch[j] = must(im->alloc(order), im, order);
		for (int j = 0; j < BATCH; j++)
			im->free(batch[j], order);
	}
}

static void measure(const char *pattern, unsigned int order, long n,
		    void (*run)(const struct impl *, unsigned int, long))
{
	char name[80];

	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		double t0;

		run(&impls[i], order, BATCH);		/* warm-up */
		t0 = bench_cpu_now();
		run(&impls[i], order, n);
		snprintf(name, sizeof(name), "order%u-%s:%s", order, pattern,
			 impls[i].name);
		bench_result(name, (bench_cpu_now() - t0) * 1e9 / n, "ns");
	}
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 200000);

	n += BATCH - 1;
	n -= n % BATCH;
	for (unsigned int order = 0; order <= MAX_ORDER_RUN; order++) {
		measure("single", order, n, run_single);
		measure("batch64", order, n, run_batch);
	}
	return 0;
}
