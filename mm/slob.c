// SPDX-License-Identifier: MIT
/*
 * slob.c - the SLOB allocator ("simple list of blocks", Linux's mm/slob.c
 * until v6.3), in userspace; kheap runs it instead of SLUB with
 * slab_allocator=slob.  Every fact here is read from v6.3.8's mm/slob.c,
 * mm/slab.h and mm/slab_common.c.
 *
 * 1. The heap.  SLOB is a K&R-style first-fit heap on order-0 pages from
 *    the page allocator, for machines too small for per-CPU queues and
 *    per-size slabs.  Memory is counted in SLOB_UNITs of 2 bytes
 *    (slob_t, an s16: PAGE_SIZE fits in it).  Each page keeps a singly
 *    linked list of its free blocks in address order, inside the blocks:
 *
 *      free block of n > 1 units:  | s16 n | s16 next offset | ... |
 *      free block of 1 unit:       | s16 -(next offset) |
 *
 *    where "next offset" is the unit index of the next free block in the
 *    page; the last block's next points at the page's end.  An allocated
 *    block carries nothing: kmem_cache_alloc() objects know their size
 *    from their cache, kmalloc() blocks from a header (3.).
 *
 * 2. Pages and lists.  A page with free space is on one of three lists,
 *    by the size of the request that last found room there or of the
 *    block whose free made the page partially free: free_slob_small
 *    (< 256 bytes), free_slob_medium (< 1024) and free_slob_large.
 *    slob_alloc() walks the list for its size, skips pages with fewer free
 *    units than it needs, and tries slob_page_alloc() - first fit inside
 *    the page, splitting off a head fragment when the alignment asks for
 *    one and the tail when the block is larger - on the others.  After a
 *    success it rotates the list so that the next search starts at that
 *    page (next fit across pages, Knuth vol 1, 2.5).  With no room it
 *    takes a new page, a single free block of SLOB_UNITS(PAGE_SIZE).
 *    slob_free() puts a block back in address order, merging it with a
 *    free neighbour on either side; a page whose blocks are all free goes
 *    back to the page allocator at once, and a full page that gets a block
 *    back goes to the head of the list for that block's size.
 *
 * 3. kmalloc.  Requests below PAGE_SIZE - 8 (ARCH_KMALLOC_MINALIGN) are
 *    SLOB blocks of size + 8 whose first 8 bytes hold the size (an
 *    unsigned int): the caller gets the block + 8, aligned to 8, or to
 *    the size itself for a power of two.  ksize() reads the header
 *    (rounded up to a unit), kfree() frees size + 8.  Larger requests are
 *    pages from the page allocator (here: kheap's large kmalloc, so kfree
 *    tells them apart), never a slab.  There are no kmalloc caches: every
 *    kmalloc_caches[][] entry is slob_kmalloc_cache, a pseudo-cache that
 *    is on no list and owns nothing; it exists because kmalloc() and the
 *    malloc shim index that array before they allocate, and SLOB's pages
 *    point at it as their slab_cache so that kfree() and the shim can take
 *    a SLOB page for what it is.
 *
 * 4. Caches.  A cache is a size (rounded up to a unit; with
 *    SLAB_TYPESAFE_BY_RCU plus a struct slob_rcu at its end, through
 *    which kmem_cache_free() frees the block after a grace period) and an
 *    alignment: kmem_cache_alloc() is slob_alloc() of that size, or pages
 *    from a page up, and runs the constructor on every allocation.  Caches
 *    never merge, have no debug flags (v6.3 keeps only SLAB_CORE_FLAGS),
 *    and kmem_cache_shrink() and the shutdown in kmem_cache_destroy() do
 *    nothing: SLOB cannot tell whether objects remain.  There is no
 *    /proc/slabinfo (v6.3 builds it only for SLAB and SLUB), no KFENCE
 *    (its Kconfig needs SLAB or SLUB) and no failslab (SLOB's allocation
 *    paths do not call the hook).  kfree() of a kmem_cache_alloc() object
 *    is not allowed under SLOB, as in v6.3: the block has no header.
 *
 * 5. Locking: one lock, slob_lock, for every list and page; never held
 *    across a call into the page allocator.  Lock order: slab_mutex, then
 *    slob_lock.  Allocation cost: the lock, the walk of the list (pages
 *    with too few free units cost one load each), the walk of one page's
 *    free blocks; a free walks the page's free blocks to its place.
 *
 * 6. init_on_alloc= and init_on_free= reach SLOB only through the page
 *    allocator, as in v6.3, whose slob.c never asks slab_want_init_on_alloc()
 *    or slab_want_init_on_free() (SLAB's and SLUB's hooks): a new page is
 *    zeroed under init_on_alloc before it becomes one free block, a page
 *    whose blocks are all free again is zeroed under init_on_free when it
 *    goes back, and large kmalloc()'s pages are the page allocator's.  A
 *    block reused inside a page keeps what it held (but for the free-list
 *    words slob_free() wrote into it) unless __GFP_ZERO asks: that is the
 *    kernel's SLOB, kept as it was.
 *
 * Departures from v6.3, all for "bad input never corrupts the heap
 * silently": kfree() and kmem_cache_free() check that the block lies in
 * a SLOB page, that its kmalloc header gives a size that fits the page,
 * and that it overlaps no free block of the page (a double free, or a
 * wild pointer into a page) - each such free is reported and ignored,
 * where v6.3 would link the block in and corrupt its lists.  The walk
 * costs what slob_free()'s own search for the insertion point costs.
 * And kheap has one node, so no node matching in slob_alloc().
 */
#include "internal.h"
#include "slab_internal.h"
#include "sanitizer.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

typedef s16 slobidx_t;			/* PAGE_SIZE <= 32767 * 2 */
typedef struct slob_block {
	slobidx_t units;		/* size if > 0; -next offset if < 0 */
} slob_t;

#define SLOB_UNIT		sizeof(slob_t)
#define SLOB_UNITS(size)	DIV_ROUND_UP(size, SLOB_UNIT)
#define SLOB_BREAK1		256
#define SLOB_BREAK2		1024
#define SLOB_MINALIGN		ARCH_KMALLOC_MINALIGN	/* arch_slab_minalign() too */

/* PG_slob_free (the kernel's alias of PG_private): on a free_slob list */
#define PG_slob_free		PG_private

/* struct slab as SLOB overlays it on struct page. */
struct slob_page {
	unsigned long __page_flags;	/* PG_slob_free */
	struct kmem_cache *slab_cache;	/* &slob_kmalloc_cache (kheap's) */
	struct list_head slab_list;	/* on a free_slob_* list */
	void *freelist;			/* first free block */
	long units;			/* free units in the page */
	unsigned int __page_type;	/* PGTY_slab << 24 */
	int __page_refcount;
	unsigned long __unused;
};

#define SLOB_MATCH(a, b)						\
	_Static_assert(__builtin_offsetof(struct slob_page, a) ==	\
		       __builtin_offsetof(struct slab, b), "slob_page " #a)
SLOB_MATCH(__page_flags, __page_flags);
SLOB_MATCH(slab_cache, slab_cache);
SLOB_MATCH(slab_list, slab_list);
SLOB_MATCH(__page_type, __page_type);
SLOB_MATCH(__page_refcount, __page_refcount);
#undef SLOB_MATCH

/* Tail of a SLAB_TYPESAFE_BY_RCU block: frees it after a grace period. */
struct slob_rcu {
	struct rcu_head head;
	int size;
};

static LIST_HEAD(free_slob_small);
static LIST_HEAD(free_slob_medium);
static LIST_HEAD(free_slob_large);
static kh_lock_t slob_lock = KH_LOCK_INIT;	/* every list and page */
static long slob_pages;			/* SLOB pages (validate) */

/* The kmalloc pseudo-cache of 3. (on no list; owns nothing). */
static struct kmem_cache slob_kmalloc_cache = {
	.name = "slob-kmalloc",
	.flags = SLAB_KMALLOC,
	.refcount = -1,
};

static inline struct slob_page *virt_to_slob(const void *x)
{
	struct slab *slab = virt_to_slab(x);

	if (!slab || slab->slab_cache != &slob_kmalloc_cache)
		return NULL;
	return (struct slob_page *)slab;
}

static inline slob_t *page_base(const void *s)
{
	return (slob_t *)((uintptr_t)s & PAGE_MASK);
}

static inline bool slob_page_free(const struct slob_page *sp)
{
	return (sp->__page_flags >> PG_slob_free) & 1;
}

static void set_slob_page_free(struct slob_page *sp, struct list_head *list)
{
	list_add(&sp->slab_list, list);
	sp->__page_flags |= 1UL << PG_slob_free;
}

static void clear_slob_page_free(struct slob_page *sp)
{
	list_del(&sp->slab_list);
	sp->__page_flags &= ~(1UL << PG_slob_free);
}

static struct list_head *slob_list_for(size_t size)
{
	if (size < SLOB_BREAK1)
		return &free_slob_small;
	if (size < SLOB_BREAK2)
		return &free_slob_medium;
	return &free_slob_large;
}

/* ---- free blocks ---- */

/* Encode a free block of @size units at @s whose successor is @next. */
static void set_slob(slob_t *s, slobidx_t size, slob_t *next)
{
	slobidx_t offset = (slobidx_t)(next - page_base(s));

	if (size > 1) {
		s[0].units = size;
		s[1].units = offset;
	} else {
		s[0].units = (slobidx_t)-offset;
	}
}

static slobidx_t slob_units(const slob_t *s)
{
	return s->units > 0 ? s->units : 1;
}

static slob_t *slob_next(const slob_t *s)
{
	slobidx_t next = s[0].units < 0 ? (slobidx_t)-s[0].units : s[1].units;

	return page_base(s) + next;
}

/* Is @s the last free block of its page (its next is the page's end)? */
static bool slob_last(const slob_t *s)
{
	return !((uintptr_t)slob_next(s) & ~PAGE_MASK);
}

/* ---- pages ---- */

static void *slob_new_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	if (!page)
		return NULL;
	mod_node_page_state(NR_SLAB_UNRECLAIMABLE, 1L << order);
	return page_address(page);
}

static void slob_free_pages(void *b, unsigned int order)
{
	mod_node_page_state(NR_SLAB_UNRECLAIMABLE, -(1L << order));
	__free_pages(virt_to_page(b), order);
}

/* A new SLOB page: one free block over all of it (slob_lock not held). */
static struct slob_page *slob_new_page(gfp_t gfp)
{
	slob_t *b = slob_new_pages(gfp & ~__GFP_ZERO, 0);
	struct slob_page *sp;

	if (!b)
		return NULL;
	sp = (struct slob_page *)virt_to_page(b);
	sp->slab_cache = &slob_kmalloc_cache;
	sp->units = SLOB_UNITS(PAGE_SIZE);
	sp->freelist = b;
	INIT_LIST_HEAD(&sp->slab_list);
	set_slob(b, SLOB_UNITS(PAGE_SIZE), b + SLOB_UNITS(PAGE_SIZE));
	/* the buddy allocator reads page_type of neighbours without our lock */
	WRITE_ONCE(sp->__page_type, (unsigned int)PGTY_slab << 24);
	return sp;
}

static void slob_release_page(struct slob_page *sp)
{
	void *b = page_address((struct page *)sp);

	sp->slab_cache = NULL;
	sp->freelist = NULL;
	sp->units = 0;
	sp->slab_list.next = sp->slab_list.prev = NULL;
	WRITE_ONCE(sp->__page_type, 0U);
	__atomic_fetch_sub(&slob_pages, 1, __ATOMIC_RELAXED);
	slob_free_pages(b, 0);
}

/* ---- the allocator proper ---- */

/*
 * slob_page_alloc - first fit in page @sp for @size bytes whose address
 * plus @align_offset is aligned to @align (slob_lock held).  *@removed
 * tells whether the page left its list (now full).
 */
static void *slob_page_alloc(struct slob_page *sp, size_t size,
			     unsigned int align, unsigned int align_offset,
			     bool *removed)
{
	slob_t *prev, *cur, *aligned = NULL;
	long delta = 0, units = (long)SLOB_UNITS(size);

	*removed = false;
	for (prev = NULL, cur = sp->freelist; ; prev = cur, cur = slob_next(cur)) {
		slobidx_t avail = slob_units(cur);

		if (align) {
			aligned = (slob_t *)(ALIGN((uintptr_t)cur + align_offset,
						   (uintptr_t)align) - align_offset);
			delta = aligned - cur;
		}
		if (avail >= units + delta) {		/* room enough? */
			slob_t *next;

			if (delta) {	/* split off a head fragment to align */
				next = slob_next(cur);
				set_slob(aligned, (slobidx_t)(avail - delta), next);
				set_slob(cur, (slobidx_t)delta, aligned);
				prev = cur;
				cur = aligned;
				avail = slob_units(cur);
			}
			next = slob_next(cur);
			if (avail == units) {		/* exact fit: unlink */
				if (prev)
					set_slob(prev, slob_units(prev), next);
				else
					sp->freelist = next;
			} else {			/* the tail stays free */
				if (prev)
					set_slob(prev, slob_units(prev), cur + units);
				else
					sp->freelist = cur + units;
				set_slob(cur + units, (slobidx_t)(avail - units), next);
			}
			sp->units -= units;
			if (!sp->units) {
				clear_slob_page_free(sp);
				*removed = true;
			}
			return cur;
		}
		if (slob_last(cur))
			return NULL;
	}
}

/* slob_alloc - @size bytes, aligned as slob_page_alloc() says. */
static void *slob_alloc(size_t size, gfp_t gfp, unsigned int align,
			unsigned int align_offset)
{
	struct list_head *slob_list = slob_list_for(size);
	struct slob_page *sp;
	slob_t *b = NULL;
	bool removed;

	kh_lock(&slob_lock);
	list_for_each_entry(sp, slob_list, slab_list) {
		if (sp->units < (long)SLOB_UNITS(size))
			continue;
		b = slob_page_alloc(sp, size, align, align_offset, &removed);
		if (!b)
			continue;
		/* next fit: rotate the list so that the next search starts
		 * at this page (list_rotate_to_front(): the pages before it
		 * move to the end, in their order) */
		if (!removed && slob_list->next != &sp->slab_list)
			list_move_tail(slob_list, &sp->slab_list);
		break;
	}
	kh_unlock(&slob_lock);
	if (!b) {
		sp = slob_new_page(gfp);
		if (!sp)
			return NULL;
		__atomic_fetch_add(&slob_pages, 1, __ATOMIC_RELAXED);
		kh_lock(&slob_lock);
		set_slob_page_free(sp, slob_list);
		b = slob_page_alloc(sp, size, align, align_offset, &removed);
		kh_unlock(&slob_lock);
		BUG_ON(!b);
	}
	if (unlikely(gfp & __GFP_ZERO))
		memset(b, 0, size);
	return b;
}

/*
 * slob_block_ok - may [@b, @b + @units) of @sp be freed?  It must lie in
 * the page and overlap none of its free blocks (slob_lock held).
 */
static bool slob_block_ok(struct slob_page *sp, slob_t *b, long units)
{
	slob_t *base = page_base(b), *cur;

	if (units <= 0 || b + units > base + SLOB_UNITS(PAGE_SIZE))
		return false;
	if (!slob_page_free(sp))
		return true;		/* full: no free block to overlap */
	for (cur = sp->freelist; ; cur = slob_next(cur)) {
		if (cur < b + units && b < cur + slob_units(cur))
			return false;
		if (cur >= b + units || slob_last(cur))
			return true;
	}
}

static __noinline __cold void slob_bad_free(const char *fn, const void *x,
					    const char *why)
{
	pr_err("%s(): invalid pointer %p (%s)\n", fn, x, why);
	dump_stack();
	kheap_check_panic_on_warn("SLOB");
}

/* slob_free - give back @size bytes at @block, an allocated block of @sp. */
static void slob_free(const char *fn, void *block, size_t size)
{
	slob_t *prev, *next, *b = block;
	struct slob_page *sp = virt_to_slob(block);
	long units = (long)SLOB_UNITS(size);

	if (unlikely(!sp)) {
		slob_bad_free(fn, block, "not in a SLOB page");
		return;
	}
	kh_lock(&slob_lock);
	if (unlikely(!slob_block_ok(sp, b, units))) {
		kh_unlock(&slob_lock);
		slob_bad_free(fn, block, "double free, or not a block SLOB handed out");
		return;
	}
	if (sp->units + units == (long)SLOB_UNITS(PAGE_SIZE)) {
		/* the page is all free: straight back to the page allocator */
		if (slob_page_free(sp))
			clear_slob_page_free(sp);
		kh_unlock(&slob_lock);
		slob_release_page(sp);
		return;
	}
	if (!slob_page_free(sp)) {
		/* a full page becomes partially free: this block alone */
		sp->units = units;
		sp->freelist = b;
		set_slob(b, (slobidx_t)units, page_base(b) + SLOB_UNITS(PAGE_SIZE));
		set_slob_page_free(sp, slob_list_for(size));
		goto out;
	}
	/* a partially free page: insert in address order, merging */
	sp->units += units;
	if (b < (slob_t *)sp->freelist) {
		if (b + units == sp->freelist) {
			units += slob_units(sp->freelist);
			sp->freelist = slob_next(sp->freelist);
		}
		set_slob(b, (slobidx_t)units, sp->freelist);
		sp->freelist = b;
	} else {
		prev = sp->freelist;
		next = slob_next(prev);
		while (b > next) {
			prev = next;
			next = slob_next(prev);
		}
		if (!slob_last(prev) && b + units == next) {
			units += slob_units(next);
			set_slob(b, (slobidx_t)units, slob_next(next));
		} else {
			set_slob(b, (slobidx_t)units, next);
		}
		if (prev + slob_units(prev) == b) {
			units = slob_units(b) + slob_units(prev);
			set_slob(prev, (slobidx_t)units, slob_next(b));
		} else {
			set_slob(prev, slob_units(prev), b);
		}
	}
out:
	kh_unlock(&slob_lock);
}

/* ---- kmalloc ---- */

/* __do_kmalloc_node(): a block with a size header, or pages. */
static void *slob_kmalloc(size_t size, gfp_t gfp)
{
	unsigned int *m;

	if (size < PAGE_SIZE - SLOB_MINALIGN) {
		unsigned int align = SLOB_MINALIGN;

		/* natural alignment for power-of-two sizes */
		if (size && !(size & (size - 1)))
			align = max(align, (unsigned int)size);
		if (!size)
			return ZERO_SIZE_PTR;
		m = slob_alloc(size + SLOB_MINALIGN, gfp, align, SLOB_MINALIGN);
		if (!m)
			return NULL;
		*m = (unsigned int)size;
		return (char *)m + SLOB_MINALIGN;
	}
	return __kmalloc_large(size, gfp);
}

/* The header of the kmalloc block at @block, or NULL if it cannot be one. */
static unsigned int *kmalloc_header(const void *block)
{
	if (!IS_ALIGNED((uintptr_t)block, SLOB_MINALIGN) ||
	    ((uintptr_t)block & ~PAGE_MASK) < SLOB_MINALIGN)
		return NULL;
	return (unsigned int *)((char *)block - SLOB_MINALIGN);
}

/* Why @m cannot be the header of a kmalloc block: free already, or never. */
static __noinline __cold void slob_bad_header(const void *block, unsigned int *m)
{
	struct slob_page *sp = virt_to_slob(m);
	bool freed = false;

	if (sp) {
		kh_lock(&slob_lock);
		freed = !slob_block_ok(sp, (slob_t *)m,
				       SLOB_UNITS(SLOB_MINALIGN));
		kh_unlock(&slob_lock);
	}
	slob_bad_free("kfree", block, freed ? "double free, or not a block SLOB handed out"
					    : "no kmalloc header: not a kmalloc block of SLOB's");
}

static void slob_kfree(struct slab *slab, void *block, unsigned long caller)
{
	unsigned int *m = kmalloc_header(block);

	(void)slab;
	(void)caller;
	if (unlikely(!m || *m == 0 || *m >= PAGE_SIZE - SLOB_MINALIGN)) {
		slob_bad_header(block, m ? m : block);
		return;
	}
	slob_free("kfree", m, *m + SLOB_MINALIGN);
}

static size_t slob_ksize(struct slab *slab, const void *block)
{
	unsigned int *m = kmalloc_header(block);

	(void)slab;
	if (unlikely(!m || *m == 0 || *m >= PAGE_SIZE - SLOB_MINALIGN)) {
		pr_warn("WARNING: ksize(%p): not a kmalloc object\n", block);
		dump_stack();
		return 0;
	}
	return SLOB_UNITS(*m) * SLOB_UNIT;
}

/*
 * What v6.3's __do_kmalloc_node() gives the kmalloc tracepoint as
 * bytes_alloc: the block with its header (size + minalign), or the pages.
 */
static size_t slob_kmalloc_bytes_alloc(size_t size)
{
	if (size < PAGE_SIZE - SLOB_MINALIGN)
		return size + SLOB_MINALIGN;
	return PAGE_SIZE << get_order(size);
}

/* v6.3: ALIGN(size, ARCH_KMALLOC_MINALIGN), 0 and SIZE_MAX as they are. */
static size_t slob_kmalloc_size_roundup(size_t size)
{
	if (unlikely(size == 0))
		return 0;
	if (unlikely(size == SIZE_MAX))
		return SIZE_MAX;
	return ALIGN(size, (size_t)ARCH_KMALLOC_MINALIGN);
}

/* ---- caches ---- */

static size_t slob_cache_struct_size(void)
{
	return sizeof(struct kmem_cache);
}

static int slob_kmem_cache_create(struct kmem_cache *c, const char *name,
				  unsigned int size,
				  struct kmem_cache_args *args,
				  slab_flags_t flags)
{
	snprintf(c->name_buf, sizeof(c->name_buf), "%s", name);
	c->name = c->name_buf;
	c->object_size = size;
	c->ctor = args->ctor;
	c->align = args->align;
	c->useroffset = args->useroffset;
	c->usersize = args->usersize;
	c->size = size;
	if (flags & SLAB_TYPESAFE_BY_RCU)	/* room for the rcu footer */
		c->size += sizeof(struct slob_rcu);
	c->size = (unsigned int)(SLOB_UNITS(c->size) * SLOB_UNIT);
	c->flags = flags & ~(SLAB_DEBUG_FLAGS | SLAB_FAILSLAB);	/* CACHE_CREATE_MASK */
	return 0;
}

static void *slob_alloc_node(struct kmem_cache *c, gfp_t flags)
{
	void *b;

	if (c->size < PAGE_SIZE)
		b = slob_alloc(c->size, flags, c->align, 0);
	else
		b = slob_new_pages(flags, get_order(c->size));
	if (b && c->ctor)
		c->ctor(b);
	return b;
}

static void *slob_kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp,
				   unsigned int orig_size, unsigned long caller)
{
	(void)caller;
	if (c == &slob_kmalloc_cache)
		return slob_kmalloc(orig_size, gfp);
	return slob_alloc_node(c, gfp);
}

static void slob_cache_free_block(void *b, size_t size)
{
	if (size < PAGE_SIZE) {
		slob_free("kmem_cache_free", b, size);
	} else if (!virt_addr_valid(b) || !PAGE_ALIGNED((uintptr_t)b) ||
		   virt_to_slab(b)) {
		slob_bad_free("kmem_cache_free", b, "not the pages of a large object");
	} else {
		slob_free_pages(b, get_order(size));
	}
}

static void kmem_rcu_free(struct rcu_head *head)
{
	struct slob_rcu *slob_rcu = (struct slob_rcu *)head;
	void *b = (char *)slob_rcu - (slob_rcu->size - sizeof(struct slob_rcu));

	slob_cache_free_block(b, (size_t)slob_rcu->size);
}

static void slob_kmem_cache_free(struct kmem_cache *c, void *b,
				 unsigned long caller)
{
	(void)caller;
	if (unlikely(!b))
		return;
	if (unlikely(!c)) {
		slab_report_bad_free("kmem_cache_free", b, NULL, NULL);
		return;
	}
	if (unlikely(c->flags & SLAB_TYPESAFE_BY_RCU)) {
		struct slob_rcu *slob_rcu;

		slob_rcu = (struct slob_rcu *)((char *)b + c->size -
					       sizeof(struct slob_rcu));
		slob_rcu->size = (int)c->size;
		urcu_memb_call_rcu(&slob_rcu->head, kmem_rcu_free);
	} else {
		slob_cache_free_block(b, c->size);
	}
}

static int slob_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t nr,
			   void **p)
{
	for (size_t i = 0; i < nr; i++) {
		p[i] = slob_kmem_cache_alloc(s, flags, s->object_size, 0);
		if (!p[i]) {
			for (size_t j = 0; j < i; j++)
				slob_kmem_cache_free(s, p[j], 0);
			memset(p, 0, nr * sizeof(void *));
			return 0;
		}
	}
	return (int)nr;
}

static void slob_free_bulk(struct kmem_cache *s, size_t nr, void **p)
{
	for (size_t i = 0; i < nr; i++) {
		if (s)
			slob_kmem_cache_free(s, p[i], 0);
		else
			kfree(p[i]);
	}
}

/* v6.3: no way to check for remaining objects; nothing to shrink. */
static int slob_kmem_cache_shutdown(struct kmem_cache *c)
{
	(void)c;
	return 0;
}

static int slob_kmem_cache_shrink(struct kmem_cache *c)
{
	(void)c;
	return 0;
}

static void slob_kmem_cache_release(struct kmem_cache *c)
{
	(void)c;
}

static struct kmem_cache *slob_kmem_cache_alias(const char *name,
						unsigned int size,
						unsigned int align,
						slab_flags_t flags,
						void (*ctor)(void *))
{
	(void)name; (void)size; (void)align; (void)flags; (void)ctor;
	return NULL;			/* SLOB never merges */
}

/* No slabinfo: only the slab shrinker asks, and SLOB has nothing for it. */
static void slob_get_slabinfo(struct kmem_cache *c, struct slabinfo *sinfo)
{
	(void)c;
	memset(sinfo, 0, sizeof(*sinfo));
}

/* ---- validation and fork ---- */

/* One page on @list: flagged, its free blocks ordered and summing up. */
static int check_slob_page(struct slob_page *sp, struct list_head *list,
			   const char *name)
{
	slob_t *base = page_address((struct page *)sp), *cur;
	long units = 0, n = 0;

	if (!slob_page_free(sp) || sp->slab_cache != &slob_kmalloc_cache ||
	    sp->units <= 0 || sp->units >= (long)SLOB_UNITS(PAGE_SIZE)) {
		pr_err("slob_validate: page %p on %s: flag %d, %ld free units\n",
		       (void *)sp, name, slob_page_free(sp), sp->units);
		return 1;
	}
	for (cur = sp->freelist; ; cur = slob_next(cur)) {
		slob_t *next = slob_next(cur);

		if (cur < base || cur + slob_units(cur) > base + SLOB_UNITS(PAGE_SIZE) ||
		    (!slob_last(cur) && next <= cur + slob_units(cur) - 1) ||
		    ++n > (long)SLOB_UNITS(PAGE_SIZE)) {
			pr_err("slob_validate: page %p on %s: bad free block %p\n",
			       (void *)sp, name, (void *)cur);
			return 1;
		}
		units += slob_units(cur);
		if (slob_last(cur))
			break;
	}
	if (units != sp->units) {
		pr_err("slob_validate: page %p on %s: blocks hold %ld units, the page says %ld\n",
		       (void *)sp, name, units, sp->units);
		return 1;
	}
	(void)list;
	return 0;
}

/* The three lists, by name, in slob_list_for()'s order. */
static const struct {
	struct list_head *list;
	const char *name;
} slob_lists[] = {
	{ &free_slob_small, "free_slob_small" },
	{ &free_slob_medium, "free_slob_medium" },
	{ &free_slob_large, "free_slob_large" },
};

/* Every page on the three lists; once per validation (the first cache). */
static int slob_validate(struct kmem_cache *c)
{
	struct slob_page *sp;
	int errors = 0;

	if (c != kmem_cache)
		return 0;
	kh_lock(&slob_lock);
	for (unsigned int i = 0; i < ARRAY_SIZE(slob_lists); i++)
		list_for_each_entry(sp, slob_lists[i].list, slab_list)
			errors += check_slob_page(sp, slob_lists[i].list, slob_lists[i].name);
	kh_unlock(&slob_lock);
	return errors;
}

/*
 * "slob_pages" (kheap's view; v6.3 has none): SLOB's page count, then
 * every page with free space, list by list in list order (the next
 * search's order), each with its free units in bytes and its free blocks
 * as offset+length in bytes, in address order.
 */
static int slob_pages_show(FILE *out)
{
	struct slob_page *sp;

	kh_lock(&slob_lock);
	fprintf(out, "slob_pages %ld\n", __atomic_load_n(&slob_pages, __ATOMIC_RELAXED));
	for (unsigned int i = 0; i < ARRAY_SIZE(slob_lists); i++) {
		list_for_each_entry(sp, slob_lists[i].list, slab_list) {
			slob_t *base = page_address((struct page *)sp), *cur;
			const char *sep = "";
			long n = 0;

			fprintf(out, "%s %p free=%ld blocks=", slob_lists[i].name,
				(void *)base, sp->units * (long)SLOB_UNIT);
			for (cur = sp->freelist; ++n <= (long)SLOB_UNITS(PAGE_SIZE);
			     cur = slob_next(cur)) {
				fprintf(out, "%s%ld+%ld", sep,
					(long)((cur - base) * (long)SLOB_UNIT),
					(long)slob_units(cur) * (long)SLOB_UNIT);
				sep = ",";
				if (slob_last(cur))
					break;
			}
			fputc('\n', out);
		}
	}
	kh_unlock(&slob_lock);
	return 0;
}

/* fork: slob_lock with the first cache's turn (slab_mutex is held). */
static void slob_lock_cache(struct kmem_cache *c)
{
	if (c == kmem_cache)
		kh_lock(&slob_lock);
}

static void slob_unlock_cache(struct kmem_cache *c)
{
	if (c == kmem_cache)
		kh_unlock(&slob_lock);
}

static void slob_reinit_cache(struct kmem_cache *c)
{
	if (c == kmem_cache)
		kh_lock_reinit(&slob_lock);
}

static void slob_init(void)
{
}

static void slob_init_late(void)
{
	kheap_proc_register("slob_pages", slob_pages_show);
}

const struct slab_strategy strategy_slob = {
	.name = "slob",
	.cache_struct_size = slob_cache_struct_size,
	.init = slob_init,
	.init_late = slob_init_late,
	.create = slob_kmem_cache_create,
	.alias = slob_kmem_cache_alias,
	.shutdown = slob_kmem_cache_shutdown,
	.shrink = slob_kmem_cache_shrink,
	.release = slob_kmem_cache_release,
	.get_slabinfo = slob_get_slabinfo,
	.validate = slob_validate,
	.lock_cache = slob_lock_cache,
	.unlock_cache = slob_unlock_cache,
	.reinit_cache = slob_reinit_cache,
	.alloc = slob_kmem_cache_alloc,
	.free = slob_kmem_cache_free,
	.kfree = slob_kfree,
	.alloc_bulk = slob_alloc_bulk,
	.free_bulk = slob_free_bulk,
	.ksize = slob_ksize,
	.kmalloc_shift_low = 0,			/* no kmalloc caches */
	.kmalloc_size_roundup = slob_kmalloc_size_roundup,
	.kmalloc_pseudo = &slob_kmalloc_cache,
	.kmalloc_bytes_alloc = slob_kmalloc_bytes_alloc,
	.has_slabinfo = false,
};
