// SPDX-License-Identifier: MIT
/*
 * test_slab_merge - find_mergeable(): two compatible caches share one
 * kmem_cache that answers to both names (slab_aliases view), and each
 * name's destroy drops one reference; caches with a ctor, with
 * SLAB_TYPESAFE_BY_RCU, debug flags or SLAB_NO_MERGE, with different
 * reclaim flags or a usercopy region never merge; the slab_nomerge option
 * turns merging off.
 */
#include "internal.h"
#include "slab_internal.h"
#include "check.h"
#include "slabinfo.h"

#include <sys/wait.h>

static void ctor(void *p)
{
	memset(p, 0, 8);
}

static bool alias_listed(const char *alias, const char *cache)
{
	char *buf = NULL, want[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found;

	kheap_proc_show("slab_aliases", f);
	fclose(f);
	snprintf(want, sizeof(want), "%-20s -> %s\n", alias, cache);
	found = buf && strstr(buf, want);
	free(buf);
	return found;
}

static void test_compatible_caches_merge(void)
{
	/* 88 bytes: no cache of that size exists yet (kmalloc-96 is 8 too
	 * big to merge with); vmap_area, 72 bytes, would take a 72 */
	struct kmem_cache *a = kmem_cache_create("merge_a", 88, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("merge_b", 84, 0, 0, NULL);
	struct slabinfo_line li;
	void *p;

	CHECK(a != NULL);
	CHECK(a == b);				/* 84 rounds to 88 */
	CHECK_EQ(a->refcount, 2);
	CHECK(!strcmp(kmem_cache_name(b), "merge_a"));
	CHECK(alias_listed("merge_b", "merge_a"));
	CHECK(!slabinfo_get("merge_b", &li));	/* one line, the first name */
	p = kmem_cache_alloc(b, GFP_KERNEL);
	kmem_cache_free(a, p);			/* same cache: fine */
	kmem_cache_destroy(b);
	CHECK(slabinfo_get("merge_a", &li));	/* still there for merge_a */
	CHECK_EQ(a->refcount, 1);
	kmem_cache_destroy(a);
	CHECK(!slabinfo_get("merge_a", &li));
}

static void test_incompatible_caches_never_merge(void)
{
	static const slab_flags_t never[] = {
		SLAB_TYPESAFE_BY_RCU, SLAB_NO_MERGE, SLAB_RED_ZONE, SLAB_POISON,
		SLAB_STORE_USER, SLAB_TRACE,
	};
	struct kmem_cache *base = kmem_cache_create("merge_base", 136, 0, 0, NULL);
	struct kmem_cache *c;

	CHECK(base != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(never); i++) {
		c = kmem_cache_create("merge_never", 136, 0, never[i], NULL);
		CHECK(c && c != base);
		kmem_cache_destroy(c);
	}
	c = kmem_cache_create("merge_ctor", 136, 0, 0, ctor);
	CHECK(c && c != base);
	/* and nothing merges into a constructed cache */
	CHECK(kmem_cache_create("merge_into_ctor", 136, 0, 0, NULL) == base);
	kmem_cache_destroy(base);	/* the alias above */
	kmem_cache_destroy(c);
	c = kmem_cache_create("merge_reclaim", 136, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	CHECK(c && c != base);
	kmem_cache_destroy(c);
	c = kmem_cache_create_usercopy("merge_usercopy", 136, 0, 0, 8, 16, NULL);
	CHECK(c && c != base);
	kmem_cache_destroy(c);
	c = kmem_cache_create("merge_bigger", 152, 0, 0, NULL);
	CHECK(c && c != base);		/* more than a word larger */
	kmem_cache_destroy(c);
	kmem_cache_destroy(base);
}

static void test_slab_nomerge_option(void)
{
	struct kmem_cache *a, *b;

	CHECK_EQ(kheap_parse_cmdline("slab_nomerge", "test"), 0);
	a = kmem_cache_create("nomerge_a", 264, 0, 0, NULL);
	b = kmem_cache_create("nomerge_b", 264, 0, 0, NULL);
	CHECK(a && b && a != b);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	CHECK_EQ(kheap_parse_cmdline("slub_merge", "test"), 0);
	a = kmem_cache_create("merge_again_a", 264, 0, 0, NULL);
	b = kmem_cache_create("merge_again_b", 264, 0, 0, NULL);
	CHECK(a && a == b);
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
}

/* A forked child can use, create and destroy caches at once. */
static void test_fork_child_uses_caches(void)
{
	struct kmem_cache *s = kmem_cache_create("forked", 48, 0, SLAB_NO_MERGE, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	pid_t pid = fork();
	int status = -1;

	if (pid == 0) {
		struct kmem_cache *c = kmem_cache_create("child", 80, 0, 0, NULL);
		void *q = kmem_cache_alloc(s, GFP_KERNEL);
		void *r = kmem_cache_alloc(c, GFP_KERNEL);

		kmem_cache_free(s, p);
		kmem_cache_free(s, q);
		kmem_cache_free(c, r);
		kmem_cache_destroy(c);
		_exit(slab_validate() == 0 && q && r ? 0 : 1);
	}
	CHECK(pid > 0);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=256M"), 0);
	RUN(test_compatible_caches_merge);
	RUN(test_incompatible_caches_never_merge);
	RUN(test_slab_nomerge_option);
	RUN(test_fork_child_uses_caches);
	CHECK_EQ(slab_validate(), 0);
	return check_summary();
}
