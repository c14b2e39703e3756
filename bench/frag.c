/* SPDX-License-Identifier: MIT */
/*
 * frag - fragmentation: how much memory an allocator keeps when most small
 * objects die and the survivors pin their pages, then bigger objects come.
 *
 *   frag N              N small objects
 *
 * 1. allocate N objects of 16..256 bytes and write every byte;
 * 2. free a random 90 % of them;
 * 3. allocate objects of 512..2048 bytes until as many bytes are live again
 *    as after step 1, and write every byte.
 * The 10 % survivors are scattered over every page of step 1, so a page
 * (or slab, or span) can only be reused for the bigger objects of step 3 if
 * the allocator coalesces or shares free space between size classes; if it
 * cannot, the process needs new memory for all of step 3.  The ideal RSS
 * after step 3 is the live bytes plus the allocator's metadata.
 *
 * Prints "RESULT frag <s> s", the RSS after step 3 as "RESULT frag-rss <kB>
 * kB" and the live bytes then as "RESULT frag-live <kB> kB".  The driver
 * adds the peak RSS from wait4().
 */
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 2000000);
	unsigned char **small = calloc(n, sizeof(*small));
	size_t *small_size = calloc(n, sizeof(*small_size));
	unsigned char **big;
	size_t live = 0, target, big_cap, nbig = 0;
	uint64_t seed = 3;
	double t0, t;
	long rss;

	if (!small || !small_size)
		return 1;
	t0 = bench_now();
	for (long i = 0; i < n; i++) {
		small_size[i] = bench_range(&seed, 16, 256);
		small[i] = bench_malloc(small_size[i]);
		memset(small[i], (int)i, small_size[i]);
		live += small_size[i];
	}
	target = live;

	for (long i = 0; i < n; i++) {
		if (bench_rand(&seed) % 10 != 0) {
			free(small[i]);
			small[i] = NULL;
			live -= small_size[i];
		}
	}

	big_cap = (target - live) / 512 + 1;
	big = calloc(big_cap, sizeof(*big));
	if (!big)
		return 1;
	while (live < target && nbig < big_cap) {
		size_t size = bench_range(&seed, 512, 2048);

		big[nbig] = bench_malloc(size);
		memset(big[nbig], (int)nbig, size);
		nbig++;
		live += size;
	}
	t = bench_now() - t0;
	rss = bench_rss_kb();

	bench_result("frag", t, "s");
	bench_result("frag-rss", rss, "kB");
	bench_result("frag-live", live / 1024.0, "kB");

	for (size_t i = 0; i < nbig; i++)
		free(big[i]);
	for (long i = 0; i < n; i++)
		free(small[i]);
	free(big);
	free(small);
	free(small_size);
	return 0;
}
