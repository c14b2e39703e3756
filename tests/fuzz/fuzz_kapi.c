// SPDX-License-Identifier: MIT
/*
 * fuzz_kapi - libFuzzer target: an operation sequence over the kernel API
 * (kmalloc family, kmem_cache, pages, vmalloc, kvmalloc, mempool, and
 * bad frees) checked against a shadow model.
 *
 * The input is read as a program: each operation is one byte (the opcode,
 * modulo NR_OPS) followed by the bytes it consumes (a slot, a size, an
 * order); a short input ends the program.  Up to NR_SLOTS objects live at
 * once.  The shadow model keeps each live object's address, size and fill
 * byte; the fuzzer fails (abort(), which libFuzzer reports with the input)
 * when:
 *  - an allocation that must succeed returns NULL (all sizes are small and
 *    mem=128M is ample), or returns memory that overlaps a live object;
 *  - an object's bytes changed while it was live (checked before each
 *    free, realloc and at the end), or an object is misaligned for its size
 *    class, or ksize() is less than what was asked;
 *  - after the program, with everything freed, the slab or vmalloc
 *    validator finds a broken invariant (the page allocator's every 16
 *    inputs, all of kheap_validate() every 256).
 * Bad frees (a double free of a slab object, an interior pointer, a stack
 * address, the wrong cache, a page freed with the wrong order) are part of
 * the program: kheap reports them and ignores them, and the model expects
 * exactly that (nothing freed, nothing changed).
 *
 * Options come from KHEAP_CMDLINE when set (e.g. kheap.sheaves=0,
 * slab_debug, failslab), else "mem=128M".  Seeds:
 * tests/fuzz/corpus/fuzz_kapi.
 */
#include "internal.h"
#include "slab_internal.h"

#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NR_SLOTS	64

enum kind { FREE_SLOT, KMALLOC, CACHE, PAGES, VMALLOC, KVMALLOC, POOL };

struct slot {
	enum kind kind;
	void *p;
	size_t size;		/* bytes the model fills and checks */
	unsigned int order;	/* PAGES */
	int cache;		/* CACHE: index in caches[] */
	unsigned char fill;
};

static struct slot slots[NR_SLOTS];
static bool may_fail;		/* failslab / fail_page_alloc in KHEAP_CMDLINE */
static struct kmem_cache *caches[4];
static const unsigned int cache_size[4] = { 24, 200, 1000, 4000 };
static mempool_t *pool;

/* the input, consumed byte by byte */
static const uint8_t *in;
static size_t in_left;

static unsigned int take(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

static unsigned int take16(void)
{
	return take() | take() << 8;
}

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_kapi: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static void ctor(void *p)
{
	memset(p, 0, cache_size[2]);
}

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
	const char *cmdline = getenv("KHEAP_CMDLINE");

	(void)argc; (void)argv;
	may_fail = cmdline && strstr(cmdline, "fail");
	kheap_init(cmdline ? NULL : "mem=128M");
	caches[0] = kmem_cache_create("fuzz-24", cache_size[0], 0, 0, NULL);
	caches[1] = kmem_cache_create("fuzz-200", cache_size[1], 0,
				      SLAB_HWCACHE_ALIGN, NULL);
	caches[2] = kmem_cache_create("fuzz-ctor", cache_size[2], 0, 0, ctor);
	caches[3] = kmem_cache_create("fuzz-rcu", cache_size[3], 0,
				      SLAB_TYPESAFE_BY_RCU, NULL);
	pool = mempool_create_kmalloc_pool(4, 512);
	CHECK(caches[0] && caches[1] && caches[2] && caches[3] && pool);
	atexit(validate_at_exit);
	return 0;
}

static bool overlaps(const void *p, size_t size)
{
	for (int i = 0; i < NR_SLOTS; i++) {
		const char *q = slots[i].p;

		if (slots[i].kind != FREE_SLOT && slots[i].size && size &&
		    (const char *)p < q + slots[i].size &&
		    q < (const char *)p + size)
			return true;
	}
	return false;
}

/* A new object at slot @i: not overlapping, then filled. */
static void track(int i, enum kind kind, void *p, size_t size)
{
	if (!p) {
		CHECK(may_fail);
		return;
	}
	CHECK(!overlaps(p, size));
	slots[i] = (struct slot){ kind, p, size, 0, -1, (unsigned char)(i * 37 + 1) };
	memset(p, slots[i].fill, size);
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

static void verify(const struct slot *s)
{
	CHECK(all_bytes(s->p, s->size, s->fill));
}

static void release(int i)
{
	struct slot *s = &slots[i];

	verify(s);
	switch (s->kind) {
	case KMALLOC:	kfree(s->p); break;
	case CACHE:	kmem_cache_free(caches[s->cache], s->p); break;
	case PAGES:	__free_pages(virt_to_page(s->p), s->order); break;
	case VMALLOC:	vfree(s->p); break;
	case KVMALLOC:	kvfree(s->p); break;
	case POOL:	mempool_free(s->p, pool); break;
	case FREE_SLOT:	break;
	}
	s->kind = FREE_SLOT;
	s->p = NULL;
}

/* Sizes biased to the slab classes, with an occasional large one. */
static size_t take_size(void)
{
	unsigned int v = take16();

	switch (v >> 14) {
	case 0:  return 1 + (v & 0xff);			/* 1..256 */
	case 1:  return 1 + (v & 0x1fff);		/* up to 8 KiB */
	case 2:  return 1 + ((v & 0x3fff) << 4);	/* up to 256 KiB */
	default: return 1 + ((v & 0x3fff) << 5);	/* up to 512 KiB */
	}
}

enum op {
	OP_KMALLOC, OP_KZALLOC, OP_KFREE, OP_KREALLOC, OP_CACHE_ALLOC,
	OP_CACHE_FREE, OP_BULK, OP_PAGES, OP_VMALLOC, OP_KVMALLOC, OP_POOL,
	OP_SHRINK, OP_DOUBLE_FREE, OP_BAD_FREE, OP_WRONG_CACHE, OP_WRONG_ORDER,
	OP_KSIZE, OP_KCALLOC_OVERFLOW, NR_OPS
};

static void run_op(void)
{
	unsigned int op = take() % NR_OPS;
	int i = (int)(take() % NR_SLOTS);
	struct slot *s = &slots[i];

	switch (op) {
	case OP_KMALLOC:
	case OP_KZALLOC: {
		size_t size = take_size();
		void *p;

		if (s->kind)
			release(i);
		p = op == OP_KZALLOC ? kzalloc(size, GFP_KERNEL)
				     : kmalloc(size, GFP_KERNEL);
		if (!p) {
			CHECK(may_fail);
			break;
		}
		if (op == OP_KZALLOC)
			CHECK(all_bytes(p, size, 0));
		CHECK(ksize(p) >= size);
		if (size <= KMALLOC_MAX_CACHE_SIZE && !(size & (size - 1)))
			CHECK(((unsigned long)p & (size - 1)) == 0);
		track(i, KMALLOC, p, size);
		break;
	}
	case OP_KFREE:
		if (s->kind)
			release(i);
		break;
	case OP_KREALLOC: {
		size_t size = take_size(), keep;
		void *p;

		if (s->kind != KMALLOC)
			break;
		verify(s);
		keep = min(size, s->size);
		p = krealloc(s->p, size, GFP_KERNEL);
		if (!p) {		/* the old object is untouched */
			CHECK(may_fail);
			break;
		}
		CHECK(all_bytes(p, keep, s->fill));
		s->kind = FREE_SLOT;
		track(i, KMALLOC, p, size);
		break;
	}
	case OP_CACHE_ALLOC: {
		int c = (int)(take() % 4);

		if (s->kind)
			release(i);
		track(i, CACHE, kmem_cache_alloc(caches[c], GFP_KERNEL),
		      cache_size[c]);
		s->cache = c;
		break;
	}
	case OP_CACHE_FREE:
		if (s->kind == CACHE)
			release(i);
		break;
	case OP_BULK: {
		int c = (int)(take() % 4), n = (int)(take() % 16) + 1;
		void *objs[16];

		if (!kmem_cache_alloc_bulk(caches[c], GFP_KERNEL, (size_t)n, objs)) {
			CHECK(may_fail);
			break;
		}
		for (int k = 0; k < n; k++) {
			CHECK(!overlaps(objs[k], cache_size[c]));
			memset(objs[k], 0xb7, cache_size[c]);
		}
		kmem_cache_free_bulk(caches[c], (size_t)n, objs);
		break;
	}
	case OP_PAGES: {
		unsigned int order = take() % 5;
		struct page *pg;

		if (s->kind)
			release(i);
		pg = alloc_pages(GFP_KERNEL | (take() & 1 ? __GFP_COMP : 0), order);
		track(i, PAGES, pg ? page_address(pg) : NULL, PAGE_SIZE << order);
		s->order = order;
		break;
	}
	case OP_VMALLOC:
	case OP_KVMALLOC: {
		size_t size = take_size() * (op == OP_VMALLOC ? 1 : 2);

		if (s->kind)
			release(i);
		if (op == OP_VMALLOC)
			track(i, VMALLOC, vmalloc(size), size);
		else
			track(i, KVMALLOC, kvmalloc(size, GFP_KERNEL), size);
		break;
	}
	case OP_POOL:
		if (s->kind)
			release(i);
		track(i, POOL, mempool_alloc(pool, GFP_KERNEL), 512);
		break;
	case OP_SHRINK:
		kmem_cache_shrink(caches[take() % 4]);
		break;
	case OP_DOUBLE_FREE: {
		/* kfree(p); kfree(q); kfree(p): reported, ignored */
		size_t size = 1 + take() % 512;
		void *p = kmalloc(size, GFP_KERNEL);
		void *q = kmalloc(size, GFP_KERNEL);

		if (!p || !q) {
			CHECK(may_fail);
			kfree(p);
			kfree(q);
			break;
		}
		CHECK(!overlaps(p, size) && !overlaps(q, size));
		kfree(p);
		if (take() & 1)
			kfree(q);
		kfree(p);
		if (p != q)
			kfree(q);	/* once, or the double free of q */
		break;
	}
	case OP_BAD_FREE: {
		char local[16];

		if (s->kind == KMALLOC && s->size > 1 && s->size <= KMALLOC_MAX_CACHE_SIZE)
			kfree((char *)s->p + 1 + take() % (s->size - 1));
		else
			kfree(local + (take() & 7));
		break;
	}
	case OP_WRONG_CACHE:
		if (s->kind == CACHE)
			kmem_cache_free(caches[(s->cache + 1) % 4], s->p);
		break;
	case OP_WRONG_ORDER:
		if (s->kind == PAGES && s->order < 4)
			__free_pages(virt_to_page(s->p), s->order + 1 + take() % 2);
		break;
	case OP_KSIZE:
		if (s->kind == KMALLOC)
			CHECK(ksize(s->p) >= s->size);
		break;
	case OP_KCALLOC_OVERFLOW:
		CHECK(kcalloc(SIZE_MAX / 2 + take(), 4, GFP_KERNEL) == NULL);
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
		if (slots[i].kind)
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
