// SPDX-License-Identifier: MIT
/*
 * test_bitops - lib/bitops.h against bit-by-bit definitions: every helper
 * on 0 and 1 (where defined), on every power of two and its neighbours,
 * and on random words; the bitmap helpers against a byte array.
 */
#include "internal.h"
#include "check.h"

static uint64_t rs = 0x9e3779b97f4a7c15ULL;

/* 1-based index of the highest set bit, 0 for 0: the definition */
static unsigned int slow_fls(unsigned long x)
{
	unsigned int n = 0;

	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

static unsigned int slow_ffs(unsigned long x)
{
	unsigned int n = 1;

	if (!x)
		return 0;
	while (!(x & 1)) {
		n++;
		x >>= 1;
	}
	return n;
}

static void check_word(unsigned long x)
{
	CHECK_EQ(fls_long(x), slow_fls(x));
	CHECK_EQ(fls64(x), slow_fls(x));
	CHECK_EQ(fls((unsigned int)x), slow_fls((unsigned int)x));
	CHECK_EQ(is_power_of_2(x), x && slow_fls(x) == slow_ffs(x));
	if (!x)
		return;
	CHECK_EQ(__fls(x), slow_fls(x) - 1);
	CHECK_EQ(__ffs(x), slow_ffs(x) - 1);
	CHECK_EQ(ilog2(x), (int)slow_fls(x) - 1);
	CHECK_EQ(rounddown_pow_of_two(x), 1UL << (slow_fls(x) - 1));
	CHECK_EQ(order_base_2(x), x == 1 ? 0 : (int)slow_fls(x - 1));
	if (x <= 1UL << 63) {
		unsigned long up = roundup_pow_of_two(x);

		CHECK(is_power_of_2(up) && up >= x && (up == 1 || up / 2 < x));
	}
}

static void test_edges(void)
{
	CHECK_EQ(fls(0), 0);
	CHECK_EQ(fls_long(0), 0);
	CHECK_EQ(order_base_2(0), 0);
	CHECK_EQ(order_base_2(1), 0);
	CHECK_EQ(roundup_pow_of_two(1), 1);
	CHECK(!is_power_of_2(0));
	check_word(0);
	check_word(~0UL);
	for (unsigned int b = 0; b < 64; b++) {
		unsigned long p = 1UL << b;

		check_word(p);
		check_word(p - 1);
		check_word(p + 1);
	}
}

static void test_random_words(void)
{
	for (int i = 0; i < 100000; i++) {
		unsigned long x = (unsigned long)check_xorshift(&rs);

		check_word(x >> (x & 63));	/* every magnitude */
	}
}

static void test_bitmap(void)
{
	DECLARE_BITMAP(map, 300);
	unsigned char ref[300];

	memset(map, 0xff, sizeof(map));
	bitmap_zero(map, 300);
	memset(ref, 0, sizeof(ref));
	for (int i = 0; i < 1000; i++) {
		unsigned int b = (unsigned int)(check_xorshift(&rs) % 300);

		__set_bit(b, map);
		ref[b] = 1;
	}
	for (unsigned int b = 0; b < 300; b++)
		CHECK_EQ(test_bit(b, map), ref[b]);
	CHECK_EQ(BITS_TO_LONGS(300), 5);
}

int main(void)
{
	RUN(test_edges);
	RUN(test_random_words);
	RUN(test_bitmap);
	return check_summary();
}
