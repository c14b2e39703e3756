// SPDX-License-Identifier: MIT
/*
 * test_memchr_inv - memchr_inv() (mm/internal.h), which slub_debug's and
 * page poisoning's checks use, against its definition (the first byte
 * that differs, or NULL): every start alignment, every length up to a few
 * words, the differing byte at every place, one or two of them, and bytes
 * that differ from the value in one bit only.
 */
#include "internal.h"
#include "check.h"

static const void *slow_memchr_inv(const u8 *p, u8 c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return p + i;
	return NULL;
}

static _Alignas(16) u8 buf[128];

static void check_range(size_t off, size_t len, u8 c)
{
	CHECK(memchr_inv(buf + off, c, len) == slow_memchr_inv(buf + off, c, len));
}

static void test_uniform(void)
{
	for (size_t off = 0; off < 16; off++)
		for (size_t len = 0; len <= 80; len++) {
			memset(buf, 0xaa, sizeof(buf));
			check_range(off, len, 0xaa);
			CHECK(memchr_inv(buf + off, 0xaa, len) == NULL);
		}
}

static void test_one_byte_differs(void)
{
	for (size_t off = 0; off < 16; off++)
		for (size_t len = 1; len <= 80; len++)
			for (size_t at = 0; at < len; at++) {
				memset(buf, 0x6b, sizeof(buf));
				buf[off + at] = 0x6b ^ (u8)(1u << (at & 7));
				CHECK(memchr_inv(buf + off, 0x6b, len) == buf + off + at);
				/* a difference just past the range is not seen */
				memset(buf, 0x6b, sizeof(buf));
				buf[off + len] = 0;
				CHECK(memchr_inv(buf + off, 0x6b, len) == NULL);
			}
}

static void test_random(void)
{
	uint64_t rs = 0x2545f4914f6cdd1dULL;

	for (int i = 0; i < 20000; i++) {
		size_t off = check_xorshift(&rs) % 16;
		size_t len = check_xorshift(&rs) % (sizeof(buf) - off);
		u8 c = (u8)check_xorshift(&rs);

		memset(buf, c, sizeof(buf));
		for (int k = (int)(check_xorshift(&rs) % 3); k > 0; k--)
			buf[check_xorshift(&rs) % sizeof(buf)] ^= (u8)(1 + check_xorshift(&rs) % 255);
		check_range(off, len, c);
	}
}

int main(void)
{
	RUN(test_uniform);
	RUN(test_one_byte_differs);
	RUN(test_random);
	return check_summary();
}
