/* Kernel code that brings its own types.h/kernel.h/list.h, then kheap's mm
 * headers: both sets coexist, and struct page's lru is the project's
 * struct list_head. */
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mempool.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/shrinker.h>

struct item {
	u64 key;
	struct list_head node;
	size_t n;
	u32 data[];
};

int main(void)
{
	LIST_HEAD(pages);
	struct page *page = alloc_page(GFP_KERNEL);
	struct item *it = kzalloc(struct_size(it, data, 10), GFP_KERNEL);

	if (!page || !it)
		return 1;
	list_add(&page->lru, &pages);	/* the project's list_add on kheap's page */
	list_add(&it->node, &pages);
	u32 keys[4] = { 1, 2, 3, 4 };

	it->n = ARRAY_SIZE(keys) + 6;
	if (likely(ksize(it) >= sizeof(*it) + 10 * sizeof(u32)))
		kfree(it);
	__free_page(page);
	return 0;
}
