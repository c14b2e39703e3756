// SPDX-License-Identifier: MIT
/*
 * test_slab_redzone - SLAB's own debugging (CONFIG_DEBUG_SLAB's, v6.6) with
 * slab_allocator=slab: red zone words around each object, RED_ACTIVE while
 * it is allocated and RED_INACTIVE while free; POISON_FREE in a free object
 * checked when it is handed out again, POISON_INUSE in a new one; the last
 * user's address.  Each finding is reported in the kernel's words and has
 * a defined outcome: an overrun's red zone is restored and the free done,
 * a double free is not done, a written free object is repoisoned.  The
 * slab_debug= option gives SLAB caches the same flags.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"

#include <linux/poison.h>

#define LAUNDER(p) ({ __typeof__(p) __p = (p); __asm__("" : "+r"(__p)); __p; })

static struct kmem_cache *dbg;

static void overrun_and_free(void *arg)
{
	unsigned char *p = LAUNDER((unsigned char *)arg);

	p[40] = 'x';			/* one byte into the right red zone */
	kmem_cache_free(dbg, p);
}

static void free_twice(void *arg)
{
	kmem_cache_free(dbg, arg);
	kmem_cache_free(dbg, arg);
}

static void write_after_free(void *arg)
{
	unsigned char *p = LAUNDER((unsigned char *)arg);
	void *again;

	kmem_cache_free(dbg, p);
	p[3] = 0;			/* into the poisoned free object */
	again = kmem_cache_alloc(dbg, GFP_KERNEL);	/* LIFO: the same */
	CHECK(again == p);
	kmem_cache_free(dbg, again);
}

static void test_layout_and_poison(void)
{
	unsigned char *p = kmem_cache_alloc(dbg, GFP_KERNEL);

	/* red zone word, 40 bytes, red zone word, last user */
	CHECK_EQ(dbg->size, 8 + 40 + 8 + 8);
	CHECK_EQ(((unsigned long)p & 63) % 8, 0);
	/* a new object is POISON_INUSE but for POISON_END at its end */
	CHECK_EQ(p[0], POISON_INUSE);
	CHECK_EQ(p[38], POISON_INUSE);
	CHECK_EQ(p[39], POISON_END);
	kmem_cache_free(dbg, p);
	/* a freed one is POISON_FREE (it stays in the array, untouched) */
	CHECK_EQ(p[0], POISON_FREE);
	CHECK_EQ(p[39], POISON_END);
}

static void test_overrun_reported_and_repaired(void)
{
	char buf[8192];
	void *p = kmem_cache_alloc(dbg, GFP_KERNEL);

	check_capture_stderr(overrun_and_free, p, buf, sizeof(buf));
	CHECK(strstr(buf, "slab error in verify_redzone_free(): cache `dbg': memory outside object was overwritten") != NULL);
	CHECK(strstr(buf, "redzone 1:0xd84156c5635688c0, redzone 2:0xd84156c563568878") != NULL);
	CHECK(strstr(buf, "Call Trace:") != NULL);
	CHECK_EQ(slab_validate(), 0);	/* restored, and freed */
}

static void test_double_free_refused(void)
{
	char buf[8192];
	void *p = kmem_cache_alloc(dbg, GFP_KERNEL), *q, *r;

	check_capture_stderr(free_twice, p, buf, sizeof(buf));
	CHECK(strstr(buf, "slab error in verify_redzone_free(): cache `dbg': double free detected") != NULL);
	CHECK_EQ(slab_validate(), 0);
	/* freed once only: two allocations, two objects */
	q = kmem_cache_alloc(dbg, GFP_KERNEL);
	r = kmem_cache_alloc(dbg, GFP_KERNEL);
	CHECK(q != r);
	kmem_cache_free(dbg, q);
	kmem_cache_free(dbg, r);
}

static void test_write_after_free_found(void)
{
	char buf[16384];
	void *p = kmem_cache_alloc(dbg, GFP_KERNEL);

	check_capture_stderr(write_after_free, p, buf, sizeof(buf));
	CHECK(strstr(buf, "Slab corruption (Not tainted): dbg start=") != NULL);
	CHECK(strstr(buf, ", len=40") != NULL);
	CHECK(strstr(buf, "000: 6b 6b 6b 00 6b") != NULL);
	CHECK(strstr(buf, "Last user: (") != NULL);	/* SLAB_STORE_USER */
	CHECK_EQ(slab_validate(), 0);
}

static void test_slab_debug_option(void)
{
	/* slab_debug=ZPU,slabdbg* (see main) reaches SLAB caches too */
	struct kmem_cache *s = kmem_cache_create("slabdbg_opt", 40, 0, 0, NULL);
	struct kmem_cache *t = kmem_cache_create("other_opt", 40, 0, SLAB_NO_MERGE, NULL);

	CHECK((s->flags & (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)) ==
	      (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER));
	CHECK_EQ(s->size, 64);
	CHECK_EQ(t->size, 40);
	kmem_cache_destroy(s);
	kmem_cache_destroy(t);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M slab_allocator=slab slab_debug=ZPU,slabdbg*"), 0);
	dbg = kmem_cache_create("dbg", 40, 0,
				SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER, NULL);
	RUN(test_layout_and_poison);
	RUN(test_overrun_reported_and_repaired);
	RUN(test_double_free_refused);
	RUN(test_write_after_free_found);
	RUN(test_slab_debug_option);
	CHECK_EQ(kmem_cache_shrink(dbg), 0);
	kmem_cache_destroy(dbg);
	CHECK_EQ(slab_validate(), 0);
	return check_summary();
}
