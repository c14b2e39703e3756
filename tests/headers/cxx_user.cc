// A C++17 program using kheap's kernel API: the declarations are extern "C",
// kmem_cache_create's two forms and KMEM_CACHE have C++ overloads/forms.
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mempool.h>
#include <linux/vmalloc.h>
#include <linux/overflow.h>
#include <kheap/kheap.h>
#include <cstring>

#include <urcu/urcu-memb.h>

struct widget {
	int id;
	char name[20];
	struct rcu_head rcu;
};

int main()
{
	struct kmem_cache *a = kmem_cache_create("cxx_a", 48, 8, SLAB_HWCACHE_ALIGN, nullptr);
	struct kmem_cache_args args = {};
	args.align = 16;
	struct kmem_cache *b = kmem_cache_create("cxx_b", 40, &args, 0);
	struct kmem_cache *c = KMEM_CACHE(widget, 0);
	if (!a || !b || !c)
		return 1;
	auto *w = static_cast<widget *>(kmem_cache_zalloc(c, GFP_KERNEL));
	std::strcpy(w->name, "cxx");
	kmem_cache_free(c, w);
	auto *r = static_cast<widget *>(kzalloc(sizeof(widget), GFP_KERNEL));
	kfree_rcu(r, rcu);
	kvfree_rcu_barrier();
	void *p = kmalloc(100, GFP_KERNEL);
	void *q = kvmalloc(array_size(1000, 1000), GFP_KERNEL);
	mempool_t *pool = mempool_create_kmalloc_pool(2, 64);
	void *e = mempool_alloc(pool, GFP_KERNEL);
	struct page *pg = alloc_pages(GFP_KERNEL, 1);
	set_page_private(pg, 42);
	if (!p || !q || !e || !pg || page_private(pg) != 42)
		return 2;
	set_page_private(pg, 0);
	__free_pages(pg, 1);
	mempool_free(e, pool);
	mempool_destroy(pool);
	kvfree(q);
	kfree(p);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	kmem_cache_destroy(c);
	return kheap_validate() ? 3 : 0;
}
