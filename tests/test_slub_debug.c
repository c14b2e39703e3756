// SPDX-License-Identifier: MIT
/*
 * test_slub_debug - slub_debug's checks, modelled on the kernel's
 * lib/slub_kunit.c (v6.12) and lib/test_meminit.c: each bug class is
 * planted, the report is read back from stderr (the kernel's words), and
 * the process goes on with the damage repaired.  A clean run reports
 * nothing.  kmalloc caches get slab_debug=FZPU through the command line;
 * the other caches ask for their flags in kmem_cache_create().
 *
 * (slub_kunit's krealloc_redzone_zeroing needs krealloc() to keep
 * orig_size, which came after v6.12; in v6.12 ksize() - and so an in-place
 * krealloc() - switches the kmalloc red zone check off for the object:
 * tested as such below.)
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_debug.h"
#include "check.h"

#include <linux/poison.h>

static char out[65536];

/* Hide where a pointer came from, so the compiler lets us overrun it. */
static inline void *launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

struct op {
	struct kmem_cache *s;
	void *p;
	int ret;
};

static void do_validate(void *arg)
{
	((struct op *)arg)->ret = kheap_validate();
}

static void do_free(void *arg)
{
	struct op *o = arg;

	kmem_cache_free(o->s, o->p);
}

static void do_kfree(void *arg)
{
	kfree(((struct op *)arg)->p);
}

static void do_alloc(void *arg)
{
	struct op *o = arg;

	o->p = kmem_cache_alloc(o->s, GFP_KERNEL);
}

static void do_destroy(void *arg)
{
	kmem_cache_destroy(((struct op *)arg)->s);
}

static int validate_report(void)
{
	struct op o = { 0 };

	check_capture_stderr(do_validate, &o, out, sizeof(out));
	return o.ret;
}

/* A cache that holds 64-byte objects with @flags. */
static struct kmem_cache *cache(const char *name, slab_flags_t flags)
{
	struct kmem_cache *s = kmem_cache_create(name, 64, 0, flags, NULL);

	CHECK(s != NULL);
	CHECK((s->flags & flags) == flags);
	return s;
}

/* slub_kunit test_clobber_zone: a write just past the object. */
static void test_clobber_zone(void)
{
	struct kmem_cache *s = cache("TestSlub_RZ_alloc", SLAB_RED_ZONE);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	p[64] = 0x12;
	CHECK(validate_report() >= 1);
	CHECK(strstr(out, "BUG TestSlub_RZ_alloc (") != NULL);
	CHECK(strstr(out, "): Right Redzone overwritten\n") != NULL);
	CHECK(strstr(out, "First byte 0x12 instead of 0xcc") != NULL);
	CHECK(strstr(out, "FIX TestSlub_RZ_alloc: Restoring Right Redzone 0x") != NULL);
	CHECK(strstr(out, "Redzone  ") != NULL);
	CHECK(strstr(out, "Object   ") != NULL);
	CHECK(strstr(out, "Slab 0x") != NULL);
	CHECK_EQ(p[64], SLUB_RED_ACTIVE);		/* repaired */
	CHECK_EQ(validate_report(), 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* slub_kunit test_next_pointer: a free object's free pointer smashed. */
static void test_next_pointer(void)
{
	struct kmem_cache *s = cache("TestSlub_next_ptr_free", SLAB_POISON);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned long *ptr_addr = (unsigned long *)(p + s->offset);
	unsigned long tmp;

	kmem_cache_free(s, p);
	tmp = *ptr_addr;
	p[s->offset] = ~p[s->offset];
	CHECK(validate_report() >= 1);
	CHECK(strstr(out, "Freechain corrupt") != NULL ||
	      strstr(out, "Freepointer corrupt") != NULL);
	/* the chain is cut, the counts repaired: the cache goes on */
	*ptr_addr = tmp;
	validate_report();
	kmem_cache_destroy(s);
}

/* slub_kunit test_first_word: use after free, first word. */
static void test_first_word(void)
{
	struct kmem_cache *s = cache("TestSlub_1th_word_free", SLAB_POISON);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	*(volatile u8 *)p = 0x78;
	CHECK(validate_report() >= 1);
	CHECK(strstr(out, "): Poison overwritten\n") != NULL);
	CHECK(strstr(out, "First byte 0x78 instead of 0x6b") != NULL);
	CHECK(strstr(out, "FIX TestSlub_1th_word_free: Restoring Poison 0x") != NULL);
	CHECK_EQ(p[0], POISON_FREE);
	CHECK_EQ(validate_report(), 0);
	kmem_cache_destroy(s);
}

/* slub_kunit test_clobber_50th_byte */
static void test_clobber_50th_byte(void)
{
	struct kmem_cache *s = cache("TestSlub_50th_word_free", SLAB_POISON);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	((volatile u8 *)p)[50] = 0x9a;
	CHECK(validate_report() >= 1);
	CHECK(strstr(out, "): Poison overwritten\n") != NULL);
	CHECK(strstr(out, "First byte 0x9a instead of 0x6b") != NULL);
	CHECK_EQ(validate_report(), 0);
	kmem_cache_destroy(s);
}

/* slub_kunit test_clobber_redzone_free */
static void test_clobber_redzone_free(void)
{
	struct kmem_cache *s = cache("TestSlub_RZ_free", SLAB_RED_ZONE);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	((volatile u8 *)p)[64] = 0xab;
	CHECK(validate_report() >= 1);
	CHECK(strstr(out, "): Right Redzone overwritten\n") != NULL);
	CHECK(strstr(out, "First byte 0xab instead of 0xbb") != NULL);
	CHECK_EQ(validate_report(), 0);
	kmem_cache_destroy(s);
}

/* slub_kunit test_kmalloc_redzone_access: the bytes kmalloc rounded up. */
static void test_kmalloc_redzone_access(void)
{
	struct op o = { 0 };
	u8 *p = launder(kmalloc(18, GFP_KERNEL));

	CHECK(p != NULL);
	((volatile u8 *)p)[18] = 0xab;
	CHECK(validate_report() >= 1);
	CHECK(strstr(out, "BUG kmalloc-32 (") != NULL);
	CHECK(strstr(out, "): kmalloc Redzone overwritten\n") != NULL);
	CHECK(strstr(out, "First byte 0xab instead of 0xcc") != NULL);
	/* and at kfree (F): planted again, reported again, still freed */
	((volatile u8 *)p)[20] = 0x11;
	o.p = p;
	check_capture_stderr(do_kfree, &o, out, sizeof(out));
	CHECK(strstr(out, "): kmalloc Redzone overwritten\n") != NULL);
	CHECK(strstr(out, "Allocated in ") != NULL);
	CHECK(strstr(out, " age=") != NULL);
	CHECK_EQ(validate_report(), 0);
}

/* v6.12: ksize() (and krealloc in place) lets the caller use it all. */
static void test_ksize_disables_kmalloc_redzone(void)
{
	u8 *p = launder(kmalloc(18, GFP_KERNEL)), *q;

	CHECK_EQ(ksize(p), 32);
	memset(p, 0x42, 32);
	CHECK_EQ(validate_report(), 0);
	kfree(p);
	p = kmalloc(18, GFP_KERNEL);
	q = launder(krealloc(p, 30, GFP_KERNEL));
	CHECK(q == p);
	memset(q, 0x42, 30);
	CHECK_EQ(validate_report(), 0);
	kfree(q);
	CHECK_EQ(validate_report(), 0);
}

/* kzalloc zeroes the request; the rest stays kmalloc red zone */
static void test_kzalloc_keeps_redzone(void)
{
	u8 *p = launder(kzalloc(20, GFP_KERNEL));
	int zero = 1;

	for (int i = 0; i < 20; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	CHECK_EQ(p[20], SLUB_RED_ACTIVE);
	CHECK_EQ(validate_report(), 0);
	kfree(p);
}

/* slub_kunit test_leak_destroy */
static void test_leak_destroy(void)
{
	struct op o = { 0 };

	o.s = kmem_cache_create("TestSlub_leak_destroy", 64, 0,
				SLAB_STORE_USER | SLAB_RED_ZONE, NULL);
	CHECK(kmem_cache_alloc(o.s, GFP_KERNEL) != NULL);
	check_capture_stderr(do_destroy, &o, out, sizeof(out));
	CHECK(strstr(out, "BUG TestSlub_leak_destroy (") != NULL);
	CHECK(strstr(out, "Objects remaining in TestSlub_leak_destroy on __kmem_cache_shutdown()") != NULL);
	CHECK(strstr(out, "Allocated in ") != NULL);
}

static void test_double_free(void)
{
	struct kmem_cache *s = cache("TestSlub_double_free",
				     SLAB_CONSISTENCY_CHECKS | SLAB_POISON |
				     SLAB_STORE_USER);
	struct op o = { .s = s };
	void *keep = kmem_cache_alloc(s, GFP_KERNEL);

	o.p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, o.p);
	check_capture_stderr(do_free, &o, out, sizeof(out));
	CHECK(strstr(out, "BUG TestSlub_double_free (") != NULL);
	CHECK(strstr(out, "): Object already free\n") != NULL);
	CHECK(strstr(out, "Freed in ") != NULL);
	CHECK(strstr(out, "FIX TestSlub_double_free: Object at 0x") != NULL);
	CHECK(strstr(out, " not freed\n") != NULL);
	CHECK_EQ(validate_report(), 0);		/* the slab is intact */
	kmem_cache_free(s, keep);
	kmem_cache_destroy(s);
}

/* With F, an object written after free is caught when it is handed out. */
static void test_poison_at_alloc(void)
{
	struct kmem_cache *s = cache("TestSlub_poison_alloc",
				     SLAB_CONSISTENCY_CHECKS | SLAB_POISON);
	struct op o = { .s = s };
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	((volatile u8 *)p)[7] = 0;
	check_capture_stderr(do_alloc, &o, out, sizeof(out));	/* LIFO: p */
	CHECK(strstr(out, "): Poison overwritten\n") != NULL);
	CHECK(strstr(out, "FIX TestSlub_poison_alloc: Marking all objects used") != NULL);
	CHECK(o.p != NULL && o.p != p);		/* from another slab */
	kmem_cache_free(s, o.p);
	/* the slab marked full is kept, its objects reported as remaining */
	check_capture_stderr(do_destroy, &o, out, sizeof(out));
	CHECK(strstr(out, "Objects remaining in TestSlub_poison_alloc") != NULL);
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void use_after_free_then_validate(void *arg)
{
	struct op *o = arg;
	u8 *p = kmem_cache_alloc(o->s, GFP_KERNEL);

	kmem_cache_free(o->s, p);
	((volatile u8 *)p)[7] = 0;		/* the one bug */
	o->p = kmem_cache_alloc(o->s, GFP_KERNEL);	/* found here */
	o->ret = kheap_validate() + kheap_validate();
	o->ret += (int)validate_slab_cache(o->s) < 0;
}

/*
 * One use after free gives one report: the allocation that finds it marks
 * its slab full ("Marking all objects used"), and the slab's other free
 * objects, now counted as used, are not reported by later validations as
 * live objects with wrong red zones (v6.12 would report one more of them
 * at each validation; kheap gives them an allocated object's bytes).
 */
static void test_one_corruption_one_report(void)
{
	struct kmem_cache *s = cache("TestSlub_once", SLAB_CONSISTENCY_CHECKS |
				     SLAB_RED_ZONE | SLAB_POISON |
				     SLAB_STORE_USER);
	struct op o = { .s = s };

	check_capture_stderr(use_after_free_then_validate, &o, out, sizeof(out));
	CHECK_EQ(o.ret, 0);
	CHECK_EQ(count_of(out, "\nBUG ") + (strncmp(out, "BUG ", 4) == 0), 1);
	CHECK(strstr(out, "BUG TestSlub_once (Not tainted): Poison overwritten\n") ||
	      strstr(out, "BUG TestSlub_once (Tainted: G    B             ): Poison overwritten\n"));
	CHECK_EQ(count_of(out, "FIX TestSlub_once: "), 2);	/* restore, mark */
	CHECK(strstr(out, "Redzone overwritten") == NULL);
	kmem_cache_free(s, o.p);
	check_capture_stderr(do_destroy, &o, out, sizeof(out));	/* leaks: the
								   marked slab */
	CHECK(strstr(out, "Objects remaining in TestSlub_once") != NULL);
}

static void kmalloc_use_after_free_then_validate(void *arg)
{
	struct op *o = arg;
	void *objs[8];
	char *p;

	for (int i = 0; i < 8; i++)		/* a slab with free objects */
		objs[i] = kmalloc(64, GFP_KERNEL);
	for (int i = 0; i < 8; i++)
		kfree(objs[i]);
	p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	((volatile char *)p)[7] = 0;		/* the one bug */
	o->p = kmalloc(64, GFP_KERNEL);		/* found here */
	o->ret = kheap_validate() + kheap_validate();
}

/*
 * The same in a kmalloc cache (slab_debug=FZPU,kmalloc-*), which keeps
 * each object's requested size: the objects marked used get it whole.
 */
static void test_kmalloc_one_corruption_one_report(void)
{
	struct op o = { 0 };

	check_capture_stderr(kmalloc_use_after_free_then_validate, &o, out,
			     sizeof(out));
	CHECK_EQ(o.ret, 0);
	CHECK_EQ(count_of(out, "\nBUG ") + (strncmp(out, "BUG ", 4) == 0), 1);
	CHECK(strstr(out, "BUG kmalloc-64 (") != NULL);
	CHECK(strstr(out, "Redzone overwritten") == NULL);
	kfree(o.p);
}

/* With F, a right red zone overrun is caught at kmem_cache_free. */
static void test_redzone_at_free(void)
{
	struct kmem_cache *s = cache("TestSlub_RZ_at_free",
				     SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	struct op o = { .s = s };

	o.p = kmem_cache_alloc(s, GFP_KERNEL);
	((volatile u8 *)o.p)[64] = 0x33;
	check_capture_stderr(do_free, &o, out, sizeof(out));
	CHECK(strstr(out, "): Right Redzone overwritten\n") != NULL);
	CHECK(strstr(out, "FIX TestSlub_RZ_at_free: Object at 0x") != NULL);
	/* not freed: the object is still live (and now intact) */
	CHECK_EQ(validate_report(), 0);
	kmem_cache_free(s, o.p);
	kmem_cache_destroy(s);
}

/* test_meminit-style: the bytes of fresh and freed objects. */
static void test_poison_bytes(void)
{
	struct kmem_cache *s = kmem_cache_create("TestSlub_bytes", 40, 0,
						 SLAB_POISON | SLAB_RED_ZONE,
						 NULL);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	CHECK_EQ(p[0], POISON_FREE);
	CHECK_EQ(p[39], POISON_END);
	CHECK_EQ(p[-1], SLUB_RED_ACTIVE);
	CHECK_EQ(p[40], SLUB_RED_ACTIVE);
	memset(p, 0, 40);
	kmem_cache_free(s, p);
	CHECK_EQ(p[0], POISON_FREE);
	CHECK_EQ(p[38], POISON_FREE);
	CHECK_EQ(p[39], POISON_END);
	CHECK_EQ(p[-1], SLUB_RED_INACTIVE);
	CHECK_EQ(p[40], SLUB_RED_INACTIVE);
	kmem_cache_destroy(s);
}

static void clean_work(void *arg)
{
	struct kmem_cache *s = kmem_cache_create("TestSlub_clean", 100, 0,
						 SLAB_CONSISTENCY_CHECKS |
						 SLAB_RED_ZONE | SLAB_POISON |
						 SLAB_STORE_USER, NULL);
	void *v[300];

	(void)arg;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 300; i++) {
			v[i] = (i & 1) ? kmem_cache_alloc(s, GFP_KERNEL)
				       : kmalloc((size_t)i + 1, GFP_KERNEL);
			memset(v[i], i, (i & 1) ? 100 : (size_t)i + 1);
		}
		for (int i = 0; i < 300; i += 2)
			kfree(v[i]);
		for (int i = 1; i < 300; i += 2)
			kmem_cache_free(s, v[i]);
	}
	CHECK(kmem_cache_alloc_bulk(s, GFP_KERNEL, 50, v) == 50);
	kmem_cache_free_bulk(s, 50, v);
	CHECK_EQ(kheap_validate(), 0);
	kmem_cache_destroy(s);
}

/* A program without bugs gets no report at all. */
static void test_clean_program_no_report(void)
{
	unsigned long before = slub_debug_reports();

	check_capture_stderr(clean_work, NULL, out, sizeof(out));
	CHECK_EQ(slub_debug_reports(), before);
	CHECK(strstr(out, "BUG") == NULL);
	CHECK(strstr(out, "FIX") == NULL);
}

int main(void)
{
	CHECK_EQ(kheap_init("slab_debug=FZPU,kmalloc-*"), 0);
	RUN(test_clean_program_no_report);
	RUN(test_poison_bytes);
	RUN(test_clobber_zone);
	RUN(test_next_pointer);
	RUN(test_first_word);
	RUN(test_clobber_50th_byte);
	RUN(test_clobber_redzone_free);
	RUN(test_kmalloc_redzone_access);
	RUN(test_ksize_disables_kmalloc_redzone);
	RUN(test_kzalloc_keeps_redzone);
	RUN(test_leak_destroy);
	RUN(test_double_free);
	RUN(test_poison_at_alloc);
	RUN(test_one_corruption_one_report);
	RUN(test_kmalloc_one_corruption_one_report);
	RUN(test_redzone_at_free);
	return check_summary();
}
