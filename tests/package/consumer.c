// SPDX-License-Identifier: MIT
/*
 * consumer.c - a program built against an installed kheap (make install,
 * or the unpacked .debs) and nothing else: each layer once, a view, the
 * validators.  Exits 0 when all of it worked.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kheap/kheap.h>

#include <stdio.h>
#include <string.h>

struct item {
	int id;
	char name[20];
};

int main(void)
{
	struct kmem_cache *cache;
	struct item *it;
	struct page *page;
	char *s, *v;

	if (kheap_init("mem=256M"))
		return 1;
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	if (!page || ((char *)page_address(page))[4 * PAGE_SIZE - 1])
		return 2;
	__free_pages(page, 2);
	cache = KMEM_CACHE(item, SLAB_HWCACHE_ALIGN);
	it = cache ? kmem_cache_zalloc(cache, GFP_KERNEL) : NULL;
	if (!it || it->id)
		return 3;
	kmem_cache_free(cache, it);
	kmem_cache_destroy(cache);
	s = kstrdup("installed", GFP_KERNEL);
	if (!s || ksize(s) != 16)
		return 4;
	kfree(s);
	v = vmalloc(1 << 20);
	if (!v)
		return 5;
	memset(v, 1, 1 << 20);
	vfree(v);
	if (kheap_proc_show("buddyinfo", stdout) || kheap_validate())
		return 6;
	return 0;
}
