/* SPDX-License-Identifier: MIT */
/*
 * churn - object churn over many size classes, in the manner of the cfrac
 * and espresso programs that allocator papers use (many small objects of
 * mixed sizes and lifetimes, temporaries that die at once, objects that grow
 * with realloc).
 *
 *   churn N [SLOTS]     N steps over a working set of SLOTS objects (8192)
 *
 * Each step replaces a random slot of the working set with a new object
 * (the old one is freed) whose size comes from a skewed distribution:
 *   70 %  8..64 bytes, 20 %  65..512, 9 %  513..4096, 1 %  4097..32768.
 * The first 64 bytes of each object are written, and read back when it is
 * freed.  Every 8th step makes a burst of 8 short-lived temporaries of
 * 16..128 bytes, freed in reverse order (cfrac's bignum temporaries); every
 * 64th step grows a random live object by half with realloc (espresso's
 * growing sets).  One thread.
 *
 * Prints "RESULT churn <s> s" and "RESULT churn-ns <ns per step> ns".
 */
#include "bench.h"

static size_t churn_size(uint64_t *seed)
{
	unsigned int r = bench_rand(seed) % 100;

	if (r < 70)
		return bench_range(seed, 8, 64);
	if (r < 90)
		return bench_range(seed, 65, 512);
	if (r < 99)
		return bench_range(seed, 513, 4096);
	return bench_range(seed, 4097, 32768);
}

struct slot {
	unsigned char *p;
	size_t size;
};

static unsigned char *fill(unsigned char *p, size_t size, unsigned char tag)
{
	memset(p, tag, size < 64 ? size : 64);
	return p;
}

/* Read back what fill() wrote: a wrong byte means the allocator lost it. */
static unsigned long check(const struct slot *s)
{
	return s->p ? s->p[0] + s->p[(s->size < 64 ? s->size : 64) - 1] : 0;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 4000000);
	long nslots = bench_arg(argc, argv, 2, 8192);
	struct slot *slots = calloc(nslots, sizeof(*slots));
	uint64_t seed = 7;
	unsigned long sum = 0;
	double t0, t;

	if (!slots)
		return 1;
	t0 = bench_now();
	for (long i = 0; i < n; i++) {
		struct slot *s = &slots[bench_rand(&seed) % nslots];

		sum += check(s);
		free(s->p);
		s->size = churn_size(&seed);
		s->p = fill(bench_malloc(s->size), s->size, (unsigned char)i);

		if ((i & 7) == 0) {
			unsigned char *tmp[8];

			for (int j = 0; j < 8; j++) {
				size_t sz = bench_range(&seed, 16, 128);

				tmp[j] = fill(bench_malloc(sz), sz, (unsigned char)j);
			}
			for (int j = 7; j >= 0; j--) {
				sum += tmp[j][0];
				free(tmp[j]);
			}
		}
		if ((i & 63) == 0) {
			struct slot *g = &slots[bench_rand(&seed) % nslots];

			if (g->p) {
				size_t nsize = g->size + g->size / 2 + 1;
				unsigned char *q = realloc(g->p, nsize);

				if (!q) {
					fprintf(stderr, "churn: realloc failed\n");
					return 1;
				}
				g->p = q;
				g->size = nsize;
				sum += g->p[0];
			}
		}
	}
	for (long i = 0; i < nslots; i++) {
		sum += check(&slots[i]);
		free(slots[i].p);
	}
	t = bench_now() - t0;
	free(slots);

	bench_result("churn", t, "s");
	bench_result("churn-ns", t * 1e9 / n, "ns");
	bench_escape(&sum);
	return 0;
}
