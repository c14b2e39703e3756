// SPDX-License-Identifier: MIT
/*
 * init_on_free.c - under the malloc shim with KHEAP_CMDLINE=init_on_free=1,
 * a freed block holds none of its data: small blocks (the shim's inline
 * sheaf path steps aside) but for one word at most (SLUB's free pointer),
 * large ones (large kmalloc pages) entirely.  Run with argument "data"
 * (and no option) it checks the opposite, so the check itself can fail
 * (but for blocks of 1 MiB and more, whose bytes the shim always gives
 * back at free).
 * Reading a freed block is a use after free on purpose: kheap's memory
 * stays mapped (docs/design.md), so the bytes can be looked at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GARBAGE 0xa7

static size_t garbage(const unsigned char *p, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += p[i] == GARBAGE;
	return count;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 24, 100, 512, 3000, 8192, 65536, 1 << 20 };
	int expect_data = argc > 1 && !strcmp(argv[1], "data"), bad = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (expect_data && sizes[i] >= (1 << 20))
			continue;
		for (int round = 0; round < 50; round++) {
			unsigned char *volatile p = malloc(sizes[i]);
			size_t left;

			if (!p)
				return 2;
			memset(p, GARBAGE, sizes[i]);
			free(p);
			left = garbage(p, sizes[i]);
			if (expect_data ? left < sizes[i] - sizeof(void *)
					: left > sizeof(void *)) {
				fprintf(stderr, "size %zu: %zu bytes of data left after free\n",
					sizes[i], left);
				bad = 1;
				break;
			}
		}
	}
	printf("init_on_free (%s): %s\n", expect_data ? "off" : "on",
	       bad ? "FAILED" : "ok");
	return bad;
}
