/* SPDX-License-Identifier: MIT */
/*
 * init_on.h - test helper for the init_on_alloc/init_on_free tests: fill
 * memory with GARBAGE, and count the bytes that are not zero or that are
 * still GARBAGE.
 */
#ifndef KHEAP_TEST_INIT_ON_H
#define KHEAP_TEST_INIT_ON_H

#include <stddef.h>
#include <string.h>

#define GARBAGE	0xa7

static inline void dirty(void *p, size_t n)
{
	memset(p, GARBAGE, n);
}

static inline size_t nonzero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += b[i] != 0;
	return count;
}

static inline size_t garbage(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += b[i] == GARBAGE;
	return count;
}

#endif
