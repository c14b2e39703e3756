/* SPDX-License-Identifier: MIT */
/*
 * lib/bitops.h - bit searches, base-2 logarithms and small bitmaps with the
 * kernel's names and meanings, for kheap's private use: one copy for every
 * layer.
 *
 * The names and their contracts are those of Linux v6.12:
 *   include/asm-generic/bitops/fls.h, __fls.h, __ffs.h, fls64.h
 *     fls(x)      1-based index of the most significant set bit, 0 for 0
 *     __fls(w)    0-based index of the most significant set bit (w != 0)
 *     __ffs(w)    0-based index of the least significant set bit (w != 0)
 *   include/linux/bitops.h
 *     fls_long(l) fls() of an unsigned long
 *   include/linux/log2.h
 *     ilog2(n)                 floor(log2(n)), n != 0
 *     is_power_of_2(n)         n is a non-zero power of two
 *     roundup_pow_of_two(n)    the smallest power of two >= n (n != 0)
 *     rounddown_pow_of_two(n)  the largest power of two <= n (n != 0)
 *     order_base_2(n)          ceil(log2(n)), 0 for 0 and 1
 *   include/linux/bitmap.h, include/linux/bitops.h (non-atomic forms)
 *     BITS_TO_LONGS, DECLARE_BITMAP, bitmap_zero, __set_bit, test_bit
 *
 * Each is one bit-scan instruction (bsr/bsf, or lzcnt/tzcnt) and a shift
 * or two; with constant arguments GCC folds them.  Where the kernel leaves
 * an argument of 0 undefined, so does this header: callers guard it.
 *
 * ffs() itself is glibc's (<strings.h>).  The public header <kheap/page.h>
 * cannot include this private one and keeps its own get_order()
 * (asm-generic/getorder.h).
 */
#ifndef _KHEAP_LIB_BITOPS_H
#define _KHEAP_LIB_BITOPS_H

#include <kheap/types.h>
#include <string.h>

#ifndef BITS_PER_LONG
#define BITS_PER_LONG		64
#endif

/* ---- bit searches (asm-generic/bitops/) ---- */

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline unsigned int fls64(u64 x)
{
	return x ? 64 - (unsigned int)__builtin_clzll(x) : 0;
}

static inline unsigned int fls_long(unsigned long l)
{
	return l ? BITS_PER_LONG - (unsigned int)__builtin_clzl(l) : 0;
}

static inline unsigned int __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 - (unsigned int)__builtin_clzl(word);
}

static inline unsigned int __ffs(unsigned long word)
{
	return (unsigned int)__builtin_ctzl(word);
}

/* ---- base-2 logarithms (include/linux/log2.h) ---- */

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline int ilog2(unsigned long n)
{
	return (int)fls_long(n) - 1;
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return 1UL << fls_long(n - 1);
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (fls_long(n) - 1);
}

static inline int order_base_2(unsigned long n)
{
	return n > 1 ? ilog2(n - 1) + 1 : 0;
}

/* ---- small bitmaps (include/linux/bitmap.h), not atomic ---- */

#define BITS_TO_LONGS(nr)	(((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

#endif /* _KHEAP_LIB_BITOPS_H */
