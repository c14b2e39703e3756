// SPDX-License-Identifier: MIT
/*
 * fuzz_malloc - libFuzzer target: an operation sequence over the malloc
 * API of the shim (shim/malloc.c built with KHEAP_SHIM_FUZZ, so its entry
 * points are fuzz_shim_malloc() and so on, beside ASan's malloc, which the
 * fuzzer itself uses), checked against a shadow model.
 *
 * Each operation is an opcode byte and the bytes it consumes.  The model
 * keeps every live block's address, size and fill byte; the fuzzer aborts
 * (libFuzzer reports the input) when:
 *  - a request that must succeed fails (sizes up to 4 MiB, mem=1G), or
 *    one that must fail succeeds (calloc/reallocarray overflow,
 *    posix_memalign with a bad alignment), or errno is not ENOMEM/EINVAL
 *    as glibc sets it;
 *  - a block overlaps a live one, is misaligned for what was asked, or
 *    malloc_usable_size() is less than its size;
 *  - realloc loses bytes, or a live block's bytes change;
 *  - after the program, with everything freed, the slab or vmalloc
 *    validator finds a broken invariant (the page allocator's every 16
 *    inputs, all of kheap_validate() every 256).
 * Double frees and foreign pointers are part of the program: reported (a
 * double free) or ignored (a foreign pointer), never a crash.
 *
 * Seeds: tests/fuzz/corpus/fuzz_malloc.
 */
#include "internal.h"
#include "shim/shim.h"		/* the fuzz_shim_* entry points */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NR_SLOTS	64

struct block {
	void *p;
	size_t size;
	unsigned char fill;
};

static struct block blocks[NR_SLOTS];
static const uint8_t *in;
static size_t in_left;

static unsigned int take(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_malloc: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* At exit (the end of a fuzzing run, or of a run over given inputs):
 * every invariant once more. */
static void validate_at_exit(void)
{
	CHECK(kheap_validate() == 0);
}

/* libFuzzer's entry points */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	/* the shim initialises itself on first use, from KHEAP_CMDLINE */
	if (!getenv("KHEAP_CMDLINE"))
		setenv("KHEAP_CMDLINE", "mem=1G", 1);
	atexit(validate_at_exit);
	return 0;
}

static size_t take_size(void)
{
	unsigned int v = take() | take() << 8;

	switch (v >> 14) {
	case 0:  return v & 0xff;			/* 0..255 */
	case 1:  return v & 0x3fff;			/* up to 16 KiB */
	case 2:  return (size_t)(v & 0x3fff) << 4;	/* up to 256 KiB */
	default: return (size_t)(v & 0x3fff) << 6;	/* up to 1 MiB */
	}
}

static bool overlaps(const void *p, size_t size)
{
	for (int i = 0; i < NR_SLOTS; i++) {
		const char *q = blocks[i].p;
		size_t n = blocks[i].size ? blocks[i].size : 1;

		if (q && (const char *)p < q + n && q < (const char *)p + (size ? size : 1))
			return true;
	}
	return false;
}

/* @len bytes at @p are all @fill (memcmp against a pattern: a byte loop
 * would cost the fuzzer a comparison callback per byte) */
static bool all_bytes(const void *p, size_t len, unsigned char fill)
{
	static unsigned char pattern[65536];
	static int pattern_fill = -1;
	const char *c = p;

	if (pattern_fill != fill) {
		memset(pattern, fill, sizeof(pattern));
		pattern_fill = fill;
	}
	for (size_t off = 0; off < len; off += sizeof(pattern))
		if (memcmp(c + off, pattern, min(len - off, sizeof(pattern))))
			return false;
	return true;
}

static void verify(const struct block *b)
{
	CHECK(all_bytes(b->p, b->size, b->fill));
}

/* glibc's guarantee, which C17 allows to relax for small sizes: 16
 * bytes, 8 for requests of 8 bytes or less (kmalloc-8) */
static size_t malloc_align(size_t size)
{
	return size > 8 ? 16 : 8;
}

static void track(int i, void *p, size_t size, size_t align)
{
	CHECK(p != NULL);
	CHECK(!overlaps(p, size));
	CHECK(((uintptr_t)p & (align - 1)) == 0);
	CHECK(fuzz_shim_malloc_usable_size(p) >= size);
	blocks[i] = (struct block){ p, size, (unsigned char)(i * 41 + 3) };
	memset(p, blocks[i].fill, size);
}

static void release(int i)
{
	if (!blocks[i].p)
		return;
	verify(&blocks[i]);
	fuzz_shim_free(blocks[i].p);
	blocks[i].p = NULL;
}

enum op {
	OP_MALLOC, OP_FREE, OP_CALLOC, OP_REALLOC, OP_REALLOCARRAY,
	OP_POSIX_MEMALIGN, OP_ALIGNED_ALLOC, OP_MEMALIGN, OP_VALLOC,
	OP_PVALLOC, OP_DOUBLE_FREE, OP_FOREIGN_FREE, OP_OVERFLOW, NR_OPS
};

static void run_op(void)
{
	unsigned int op = take() % NR_OPS;
	int i = (int)(take() % NR_SLOTS);
	struct block *b = &blocks[i];
	size_t size = take_size();
	size_t align = (size_t)1 << (take() % 16);	/* 1 .. 32 KiB */
	void *p;

	switch (op) {
	case OP_MALLOC:
		release(i);
		track(i, fuzz_shim_malloc(size), size, malloc_align(size));
		break;
	case OP_FREE:
		release(i);
		break;
	case OP_CALLOC: {
		size_t n = 1 + take() % 8;

		release(i);
		p = fuzz_shim_calloc(n, size);
		CHECK(p != NULL);
		CHECK(all_bytes(p, n * size, 0));
		track(i, p, n * size, malloc_align(n * size));
		break;
	}
	case OP_REALLOC:
	case OP_REALLOCARRAY: {
		size_t keep;

		if (!b->p)
			break;
		verify(b);
		keep = min(size, b->size);
		p = op == OP_REALLOC ? fuzz_shim_realloc(b->p, size)
				     : fuzz_shim_reallocarray(b->p, 1, size);
		if (!size) {		/* glibc: freed, NULL */
			CHECK(p == NULL);
			b->p = NULL;
			break;
		}
		CHECK(p != NULL);
		CHECK(all_bytes(p, keep, b->fill));
		b->p = NULL;
		track(i, p, size, malloc_align(size));
		break;
	}
	case OP_POSIX_MEMALIGN: {
		size_t a = take() & 1 ? align : align + 1;	/* some bad ones */

		release(i);
		p = NULL;
		if (a < sizeof(void *) || (a & (a - 1))) {
			CHECK(fuzz_shim_posix_memalign(&p, a, size) == EINVAL);
			break;
		}
		CHECK(fuzz_shim_posix_memalign(&p, a, size) == 0);
		track(i, p, size, a);
		break;
	}
	case OP_ALIGNED_ALLOC:
		release(i);
		track(i, fuzz_shim_aligned_alloc(align, size), size, align);
		break;
	case OP_MEMALIGN:
		release(i);
		track(i, fuzz_shim_memalign(align, size), size, align);
		break;
	case OP_VALLOC:
		release(i);
		track(i, fuzz_shim_valloc(size), size, PAGE_SIZE);
		break;
	case OP_PVALLOC:
		release(i);
		track(i, fuzz_shim_pvalloc(size), size, PAGE_SIZE);
		break;
	case OP_DOUBLE_FREE: {
		/* free(p); free(q); free(p): reported, ignored */
		void *q;

		p = fuzz_shim_malloc(size);
		q = fuzz_shim_malloc(size);
		CHECK(p && q && !overlaps(p, size) && !overlaps(q, size));
		fuzz_shim_free(p);
		fuzz_shim_free(q);
		fuzz_shim_free(p);
		break;
	}
	case OP_FOREIGN_FREE: {
		char local[32];

		fuzz_shim_free(local + (take() & 15));	/* not kheap's: ignored */
		CHECK(fuzz_shim_malloc_usable_size(local) == 0);
		break;
	}
	case OP_OVERFLOW:
		errno = 0;
		CHECK(fuzz_shim_calloc(SIZE_MAX / 2 + 1 + take(), 2) == NULL);
		CHECK(errno == ENOMEM);
		errno = 0;
		CHECK(fuzz_shim_reallocarray(NULL, SIZE_MAX / 4, 8 + take()) == NULL);
		CHECK(errno == ENOMEM);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long runs;

	in = data;
	in_left = size;
	while (in_left)
		run_op();
	for (int i = 0; i < NR_SLOTS; i++)
		release(i);
	/* the slab and vmalloc layers after every input; the page
	 * allocator (a walk over every online page) every 16th, all of
	 * kheap_validate() (also the kmalloc size table) every 256th */
	CHECK(slab_validate() == 0 && vmap_validate() == 0);
	if (++runs % 16 == 0)
		CHECK(page_alloc_validate() == 0);
	if (runs % 256 == 0)
		CHECK(kheap_validate() == 0);
	return 0;
}
