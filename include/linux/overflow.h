/* SPDX-License-Identifier: MIT */
/*
 * linux/overflow.h - overflow-checked arithmetic for allocation sizes, with
 * the kernel's names (include/linux/overflow.h): check_*_overflow() return
 * true on overflow and store the wrapped result; size_*() and the
 * array_size()/struct_size() helpers saturate at SIZE_MAX, so that an
 * allocation of the result fails instead of being too small.
 */
#ifndef _LINUX_OVERFLOW_H
#define _LINUX_OVERFLOW_H

#include <stddef.h>
#include <stdint.h>
#include <kheap/types.h>

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

static inline size_t size_mul(size_t factor1, size_t factor2)
{
	size_t bytes;

	if (check_mul_overflow(factor1, factor2, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t size_add(size_t addend1, size_t addend2)
{
	size_t bytes;

	if (check_add_overflow(addend1, addend2, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t size_sub(size_t minuend, size_t subtrahend)
{
	size_t bytes;

	if (minuend == SIZE_MAX || subtrahend == SIZE_MAX ||
	    check_sub_overflow(minuend, subtrahend, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(a, b)	size_mul(a, b)
#define array3_size(a, b, c)	size_mul(size_mul(a, b), c)

/* The size of @count elements of the flexible array @member of @p. */
#define flex_array_size(p, member, count)				\
	size_mul(count, sizeof(*(p)->member))

/* The size of *@p plus @count elements of its flexible array @member. */
#define struct_size(p, member, count)					\
	size_add(sizeof(*(p)), flex_array_size(p, member, count))

#define struct_size_t(type, member, count)				\
	struct_size((type *)NULL, member, count)

#endif /* _LINUX_OVERFLOW_H */
