// SPDX-License-Identifier: MIT
/*
 * test_slab_debug_option - the slab_debug= / slub_debug= grammar of v6.12
 * (setup_slub_debug, parse_slub_debug_flags, kmem_cache_flags): letters,
 * '-', ';'-separated blocks, cache lists with '*' globs, a leading ','
 * for the default flags, a bare option, unknown letters skipped with the
 * kernel's message, SLAB_NO_USER_FLAGS and SLAB_NOLEAKTRACE; then 'O' and
 * 'T' at work on real caches.
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_debug.h"
#include "check.h"

#define FZPU	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
		 SLAB_STORE_USER)

static char out[16384];

static void opt(const char *cmdline)
{
	CHECK_EQ(kheap_parse_cmdline(cmdline, "test"), 0);
}

static void test_global_letters(void)
{
	opt("slab_debug=FZ");
	CHECK_EQ(slub_debug_flags(0, "anything"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	opt("slub_debug=pUtA");			/* alias, any case */
	CHECK_EQ(slub_debug_flags(0, "x"), SLAB_POISON | SLAB_STORE_USER |
					   SLAB_TRACE | SLAB_FAILSLAB);
	opt("slab_debug=FZ-P");			/* '-' clears what came before */
	CHECK_EQ(slub_debug_flags(0, "x"), SLAB_POISON);
	opt("slab_debug");			/* bare: the defaults */
	CHECK_EQ(slub_debug_flags(0, "x"), FZPU);
	opt("slab_debug=");
	CHECK_EQ(slub_debug_flags(0, "x"), FZPU);
	opt("slab_debug=-");
	CHECK_EQ(slub_debug_flags(0, "x"), 0);
}

static void test_cache_lists_and_globs(void)
{
	opt("slab_debug=FZ,kmalloc-*,dentry;P,inode_cache;,buffer_head");
	CHECK_EQ(slub_debug_flags(0, "kmalloc-64"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	CHECK_EQ(slub_debug_flags(0, "kmalloc-rcl-8k"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	CHECK_EQ(slub_debug_flags(0, "dentry"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	CHECK_EQ(slub_debug_flags(0, "dentry2"), 0);	/* no glob: exact */
	CHECK_EQ(slub_debug_flags(0, "dent"), 0);
	CHECK_EQ(slub_debug_flags(0, "inode_cache"), SLAB_POISON);
	CHECK_EQ(slub_debug_flags(0, "buffer_head"), FZPU);	/* ",list" */
	CHECK_EQ(slub_debug_flags(0, "other"), 0);	/* only lists: no global */
	/* a global block beside the lists */
	opt("slab_debug=U;Z,foo");
	CHECK_EQ(slub_debug_flags(0, "foo"), SLAB_RED_ZONE);	/* first match wins */
	CHECK_EQ(slub_debug_flags(0, "bar"), SLAB_STORE_USER);
	CHECK_EQ(slub_debug_flags(SLAB_HWCACHE_ALIGN, "bar"),
		 SLAB_HWCACHE_ALIGN | SLAB_STORE_USER);
}

static void test_flag_exceptions(void)
{
	opt("slab_debug=FZPU");
	CHECK_EQ(slub_debug_flags(SLAB_NO_USER_FLAGS, "x"), SLAB_NO_USER_FLAGS);
	CHECK_EQ(slub_debug_flags(SLAB_NOLEAKTRACE, "x"),
		 SLAB_NOLEAKTRACE | (FZPU & ~SLAB_STORE_USER));
}

static void parse_bad(void *arg)
{
	(void)arg;
	kheap_parse_cmdline("slab_debug=FQZ", "test");
}

static void test_unknown_letter(void)
{
	check_capture_stderr(parse_bad, NULL, out, sizeof(out));
	CHECK(strstr(out, "slab_debug option 'Q' unknown. skipped\n") != NULL);
	CHECK_EQ(slub_debug_flags(0, "x"), SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
}

static void test_O_drops_metadata_when_order_grows(void)
{
	struct kmem_cache *a, *b;

	opt("slab_debug=FZPUO,o_test_*");
	a = kmem_cache_create("o_test_big", 4096, 0, 0, NULL);	/* order grows */
	b = kmem_cache_create("o_test_small", 64, 0, 0, NULL);
	CHECK(!(a->flags & (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)));
	CHECK(a->flags & SLAB_CONSISTENCY_CHECKS);
	CHECK((b->flags & FZPU) == FZPU);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	opt("slab_debug=-");
}

static void trace_work(void *arg)
{
	struct kmem_cache *s = arg;
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
}

static void test_T_traces(void)
{
	struct kmem_cache *s = kmem_cache_create("trace_test", 32, 0,
						 SLAB_TRACE, NULL);

	check_capture_stderr(trace_work, s, out, sizeof(out));
	CHECK(strstr(out, "TRACE trace_test alloc 0x") != NULL);
	CHECK(strstr(out, "TRACE trace_test free 0x") != NULL);
	CHECK(strstr(out, " inuse=") != NULL);
	CHECK(strstr(out, "Object ") != NULL);
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init(NULL), 0);
	RUN(test_global_letters);
	RUN(test_cache_lists_and_globs);
	RUN(test_flag_exceptions);
	RUN(test_unknown_letter);
	RUN(test_O_drops_metadata_when_order_grows);
	RUN(test_T_traces);
	return check_summary();
}
