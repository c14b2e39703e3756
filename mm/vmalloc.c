// SPDX-License-Identifier: MIT
/*
 * vmalloc.c - virtually contiguous areas from scattered pages (mm/vmalloc.c
 * of Linux v6.12).
 *
 * 1. The range.  vmalloc_init() reserves its own stretch of address space,
 *    VMALLOC_START..VMALLOC_END (option vmalloc=, default four times mem=,
 *    halved until the reservation succeeds), PROT_NONE and MAP_NORESERVE,
 *    apart from the direct map.  Every byte of it is, at any time, in
 *    exactly one of five states:
 *      free    - in the free tree, PROT_NONE;
 *      busy    - in the busy tree: an area someone owns (vmalloc or
 *                get_vm_area);
 *      pooled  - a freed vmalloc area in the pool (7.), its bytes kept for
 *                a later area of a similar size;
 *      lazy    - freed, waiting in the lazy tree for the next purge; still
 *                mapped as it was;
 *      flight  - taken out of one tree and not yet put in the next by the
 *                thread that holds it (counted in vmap_inflight).
 *    vmap_validate() checks that the five add up to the whole range.  An
 *    area is built (pages, mapping) while in flight and enters the busy
 *    tree complete, so readers of the busy tree never see a half-made
 *    vm_struct and VM_UNINITIALIZED is never set.
 *
 * 2. The two trees.  Free space is kept as the kernel keeps it: struct
 *    vmap_area nodes in a red-black tree sorted by address (lib/rbtree.c),
 *    plus an address-sorted list, augmented with subtree_max_size, the size
 *    of the largest free block in the node's subtree.  Adjacent free blocks
 *    are always merged, so every free block is maximal.  Busy areas live in
 *    a second tree, keyed by va_start, where find_vm_area() and vfree() look
 *    them up in O(log n).  A third, non-augmented tree with the same merge
 *    rule holds lazily freed ranges.  One tree implementation serves all
 *    three.
 *
 * 3. Lowest-fit search (find_vmap_lowest_match).  From the root, go left
 *    while the left subtree holds a block of at least `length` bytes (size,
 *    or size + align - 1 when the alignment exceeds a page, so that any
 *    block of that length fits whatever its start); otherwise try this
 *    node, then the right subtree if it can hold the request; if neither,
 *    climb back to the first ancestor whose right subtree can, moving the
 *    lower bound past that ancestor.  The result is the lowest-addressed
 *    block that fits, found in O(log n) (the climb back only happens for
 *    requests with a start bound or a large alignment).  The chosen block
 *    is clipped: it goes entirely (FL), loses its left or right end (LE,
 *    RE: a key-preserving shrink, then subtree_max_size is propagated up),
 *    or is split in two (NE), which needs a new node - preallocated before
 *    the lock is taken, as the kernel's ne_fit_preload() does.
 *
 * 4. Mapping, and what userspace changes.  The kernel maps the frames it
 *    takes into the vmalloc range with page tables.  Userspace cannot alias
 *    private pages, so (docs/design.md) the bytes of an area are fresh private
 *    anonymous memory: os_map_fixed() replaces the area's PROT_NONE range
 *    with zero-filled read-write memory (fork-safe: a child gets a copy).
 *    The nr_pages order-0 frames are still taken from the buddy allocator
 *    one by one (alloc_pages_bulk_array), so vmalloc succeeds when no
 *    contiguous block exists, and they are accounted: buddyinfo shows them
 *    gone, NR_VMALLOC (meminfo's VmallocUsed) counts them, and
 *    vmalloc_to_page() returns them.  But page_address(vmalloc_to_page(p))
 *    is NOT p's bytes: the frame is never touched (frames are taken without
 *    __GFP_ZERO, so they cost no RSS).  Memory read through the kernel API
 *    is always zero-filled, so vzalloc() and init_on_alloc cost nothing
 *    extra when the pages are fresh (and a memset when they come from the
 *    pool, 7.).  With init_on_free, vfree() gives the area's bytes back to
 *    the OS at once (os_decommit(): they read zero) and never pools them.
 *    vmap()/vm_map_ram() are absent.
 *
 * 5. Guard pages.  An area's size includes one guard page at its end unless
 *    VM_NO_GUARD.  The whole area is mapped read-write and the guard page is
 *    turned into a guard region with MADV_GUARD_INSTALL (os_guard()), which
 *    creates no VMA: adjacent live areas merge into one VMA, and the number
 *    of VMAs grows with the number of holes, not of areas - vm.max_map_count
 *    (65530) stays far away.  Where the running kernel lacks
 *    MADV_GUARD_INSTALL, os_guard() falls back to mprotect (two more VMAs).
 *    Touching a guard page raises SIGSEGV, which kills the program as any
 *    wild access would.
 *
 * 6. vfree and the lazy purge.  vfree() unlinks the area from the busy tree,
 *    gives its frames back to the buddy allocator at once and lowers
 *    NR_VMALLOC at once.  Only the address range waits: an area of 64 KiB
 *    or more goes to the pool (7.) first; anything else, and whatever
 *    leaves the pool, goes to the lazy tree (merged with its neighbours),
 *    and vmap_lazy_nr counts its pages.
 *    When that count exceeds lazy_max_pages() - 32 MiB times fls(CPUs), as
 *    the kernel computes it - the freeing thread purges, as the kernel's
 *    drain_vmap_work does in a worker (kheap starts no threads): it takes
 *    the whole lazy tree, replaces each merged range with a fresh PROT_NONE
 *    reservation (os_reserve_fixed(): one syscall per contiguous run, which
 *    drops the pages and any guard markers) and merges the ranges back into
 *    the free tree.  An allocation that finds no space purges and retries
 *    once; vm_unmap_aliases() purges on demand.  Until the purge a freed
 *    range stays mapped (its bytes cost RSS, up to lazy_max_pages in all);
 *    the kernel, by contrast, clears the page tables at once and defers only
 *    the TLB flush.
 *
 * 7. The pool: reuse of freed areas' bytes.  Mapping an area costs little;
 *    faulting its pages in costs a page fault and a cleared page per 4 KiB
 *    (5 ms for 16 MiB here), and a program that frees a 16 MiB buffer and
 *    allocates another pays that every time.  The kernel keeps purged
 *    vmap_areas of up to 1 MiB in per-node pools by size for reuse of the
 *    address range (node_pool_add_va()/node_alloc(), mm/vmalloc.c of
 *    v6.12); kheap keeps freed areas with their bytes, where the cost is:
 *      - vfree() of a VM_ALLOC area with a guard page, at least
 *        VMAP_POOL_MIN (64 KiB) of data and at most the bound puts it in
 *        vmap_pool_list, newest first, stamped with the time;
 *      - a new area of 64 KiB or more takes the pooled area of the most
 *        similar size (the smallest holding all its bytes, else the
 *        largest; within a factor of two either way) and moves its pages
 *        into the new range with os_move_pages() (mremap with
 *        MREMAP_DONTUNMAP: page tables move, no byte is copied, nothing
 *        faults; the old range stays mapped and reads zero), maps the rest
 *        fresh, and gives the donor's unused bytes back (madvise).  The
 *        donor's range then goes to the lazy tree.  Reused bytes are
 *        cleared for the kernel API (its memory always reads zero) and
 *        for __GFP_ZERO or init_on_alloc; the malloc shim's
 *        vmalloc_nozero() keeps them otherwise;
 *      - bounds: at most VMAP_POOL_NR (16) areas and lazy_max_pages() of
 *        bytes (32 MiB per log2 of the CPUs: glibc's heap keeps up to
 *        64 MiB of freed memory at its top, M_TRIM_THRESHOLD's limit); the
 *        oldest are evicted beyond them, and any area freed longer than
 *        page_reporting.delay_ms (2 s) ago is evicted at the next pool
 *        visit, as free page reporting gives buddy blocks back; evicted
 *        areas' bytes go back to the OS (madvise) and their ranges to the
 *        lazy tree.  vm_unmap_aliases() (and malloc_trim()) empties it;
 *      - vmallocinfo lists pooled areas as "unpurged vm_area", which they
 *        are; their frames were returned at vfree(), so VmallocUsed and
 *        buddyinfo do not count them.
 *    vmalloc_move() uses the same page move to resize an area: vrealloc()
 *    grows by moving the old pages into the new area where the kernel
 *    copies, and the shim's realloc() grows and shrinks that way.  Where
 *    mremap cannot move (Linux < 5.7, or a donor range that spans two
 *    mappings), the new area gets fresh pages and vmalloc_move() copies.
 *
 * 8. Bookkeeping memory, as in the kernel: vmap_area nodes come from their
 *    own slab cache (KMEM_CACHE(vmap_area, SLAB_PANIC)), vm_structs from
 *    kzalloc(), and page arrays from kmalloc() up to a page and from a
 *    nested vmalloc above (shown as "vpages" in vmallocinfo and, as in the
 *    kernel, counted in VmallocUsed).  The very first free block is static
 *    (nothing can be allocated before initialisation ends) and is never
 *    given back to the cache.
 *
 * Lock order (outer to inner; the whole library's is in docs/design.md):
 *     vmap_purge_lock -> vmap_pool_lock -> purge_vmap_area_lock
 *       -> free_vmap_area_lock -> vmap_area_lock
 *       -> (slab and page allocator locks)
 * No path holds two of the middle four except validation and fork, which
 * take them all in this order.  vmap_area nodes are freed to their slab
 * cache under free_vmap_area_lock; nothing in the slab or page allocator
 * calls back into vmalloc with its own locks held.  vmallocinfo formats one line at a time under
 * vmap_area_lock and prints it unlocked (printing may allocate).
 *
 * Costs: vmalloc = two or three slab allocations, an O(log n) search and clip
 * under free_vmap_area_lock, nr_pages buddy allocations, one mmap and one
 * madvise, an O(log n) insert under vmap_area_lock; with a pooled donor
 * also one mremap and one madvise, and no page faults for the bytes it
 * brings.  vfree = an O(log n) lookup, nr_pages buddy frees, and a pool
 * insert (a list walk of at most 16) or an O(log n) merge into the lazy
 * tree; every lazy_max_pages freed pages, one purge.
 *
 * Tracepoints (kernel/trace/trace.h; v6.12 has no vmalloc event in kmem):
 * kheap_vmalloc for every vmalloc variant (the frames, page array and
 * vm_struct nested inside it), kheap_vfree for vfree and for the area
 * vmalloc_move() leaves; one load and branch while no trace runs.
 */
#include "internal.h"
#include "kernel/trace/trace.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define GFP_RECLAIM_MASK (__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | \
			  __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | \
			  __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC)

/* ------------------------------------------------------------------ */
/* state                                                               */
/* ------------------------------------------------------------------ */

static struct rb_root free_vmap_area_root = RB_ROOT;
static struct list_head free_vmap_area_list = LIST_HEAD_INIT(free_vmap_area_list);
static kh_lock_t free_vmap_area_lock = KH_LOCK_INIT;

static struct rb_root vmap_area_root = RB_ROOT;		/* busy */
static kh_lock_t vmap_area_lock = KH_LOCK_INIT;

static struct rb_root purge_vmap_area_root = RB_ROOT;	/* lazy */
static struct list_head purge_vmap_area_list = LIST_HEAD_INIT(purge_vmap_area_list);
static kh_lock_t purge_vmap_area_lock = KH_LOCK_INIT;

static kh_lock_t vmap_purge_lock = KH_LOCK_INIT;	/* one purge at a time */

/* freed areas that keep their bytes for reuse (see 7.), newest first */
static struct list_head vmap_pool_list = LIST_HEAD_INIT(vmap_pool_list);
static kh_lock_t vmap_pool_lock = KH_LOCK_INIT;
static unsigned long vmap_pool_bytes;	/* range bytes of pooled areas */
static unsigned int vmap_pool_nr;	/* pooled areas */
static bool vmap_move_works = true;	/* cleared if mremap lacks DONTUNMAP */

static long vmap_lazy_nr;		/* pages in the lazy tree (atomic) */
static long vmap_inflight;		/* bytes in flight (atomic; see 1.) */
static unsigned long lazy_max;		/* lazy_max_pages(), fixed at init */
static bool vmalloc_ready;

/* ------------------------------------------------------------------ */
/* bookkeeping memory                                                  */
/* ------------------------------------------------------------------ */

static struct kmem_cache *vmap_area_cachep;
static struct vmap_area initial_free_va;

static inline struct vmap_area *va_alloc(gfp_t gfp)
{
	return kmem_cache_zalloc(vmap_area_cachep, gfp & GFP_RECLAIM_MASK);
}

static inline void va_free(struct vmap_area *va)
{
	if (va != &initial_free_va)
		kmem_cache_free(vmap_area_cachep, va);
}

/* ------------------------------------------------------------------ */
/* kernel-style warnings                                               */
/* ------------------------------------------------------------------ */

/* WARN(1, fmt, ...): the message, where, a backtrace; then go on. */
static __noinline __cold __printf(2, 3)
void vmalloc_warn(const char *func, const char *fmt, ...)
{
	va_list ap;

	pr_warn("------------[ cut here ]------------\n");
	va_start(ap, fmt);
	kheap_vprintk(fmt, ap);
	va_end(ap);
	pr_warn("WARNING: CPU: %u PID: %d at mm/vmalloc.c %s\n", os_cpu(),
		(int)getpid(), func);
	dump_stack();
	pr_warn("---[ end trace 0000000000000000 ]---\n");
}

static unsigned long long vmalloc_warn_last;

/* warn_alloc(gfp, NULL, fmt, ...) as __vmalloc_node_range() calls it. */
static __noinline __cold __printf(2, 3)
void vmalloc_warn_alloc(gfp_t gfp, const char *fmt, ...)
{
	char names[256], msg[256];
	va_list ap;

	if ((gfp & __GFP_NOWARN) ||
	    !kheap_ratelimit(&vmalloc_warn_last, 10ULL * 1000000000ULL))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kheap_format_gfp(names, sizeof(names), gfp);
	pr_warn("%s: %s, mode:%#x(%s), nodemask=(null)\n", kheap_comm(), msg,
		gfp, names);
	dump_stack();
	show_free_areas(stderr);
}

/* ------------------------------------------------------------------ */
/* the augmented free tree                                             */
/* ------------------------------------------------------------------ */

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static inline unsigned long get_subtree_max_size(const struct rb_node *node)
{
	return node ? rb_entry(node, struct vmap_area, rb_node)->subtree_max_size : 0;
}

static inline unsigned long compute_subtree_max_size(const struct vmap_area *va)
{
	unsigned long m = va_size(va);

	m = max(m, get_subtree_max_size(va->rb_node.rb_left));
	return max(m, get_subtree_max_size(va->rb_node.rb_right));
}

static void free_va_propagate(struct rb_node *node, struct rb_node *stop)
{
	while (node != stop) {
		struct vmap_area *va = rb_entry(node, struct vmap_area, rb_node);

		va->subtree_max_size = compute_subtree_max_size(va);
		node = rb_parent(node);
	}
}

static void free_va_copy(struct rb_node *old, struct rb_node *new_node)
{
	rb_entry(new_node, struct vmap_area, rb_node)->subtree_max_size =
		rb_entry(old, struct vmap_area, rb_node)->subtree_max_size;
}

static void free_va_rotate(struct rb_node *old, struct rb_node *new_node)
{
	struct vmap_area *o = rb_entry(old, struct vmap_area, rb_node);

	free_va_copy(old, new_node);
	o->subtree_max_size = compute_subtree_max_size(o);
}

static const struct rb_augment_callbacks free_vmap_area_rb_augment_cb = {
	.propagate = free_va_propagate,
	.copy = free_va_copy,
	.rotate = free_va_rotate,
};

/* A node's size changed in place: refresh it and its ancestors. */
static inline void augment_tree_propagate_from(struct vmap_area *va)
{
	free_va_propagate(&va->rb_node, NULL);
}

/*
 * find_va_links - the leaf slot where @va belongs in @root, its parent, and
 * the list position it goes before (@next; the head at the end).  NULL if
 * @va overlaps a node already there (a kheap bug: reported).
 */
static struct rb_node **find_va_links(struct vmap_area *va, struct rb_root *root,
				      struct list_head *head,
				      struct rb_node **parent,
				      struct list_head **next)
{
	struct rb_node **link = &root->rb_node;
	struct list_head *succ = head;

	*parent = NULL;
	while (*link) {
		struct vmap_area *t = rb_entry(*link, struct vmap_area, rb_node);

		*parent = *link;
		if (va->va_end <= t->va_start) {
			succ = head ? &t->list : NULL;
			link = &(*link)->rb_left;
		} else if (va->va_start >= t->va_end) {
			link = &(*link)->rb_right;
		} else {
			pr_err("vmalloc: overlapping area 0x%lx-0x%lx with 0x%lx-0x%lx\n",
			       va->va_start, va->va_end, t->va_start, t->va_end);
			dump_stack();
			return NULL;
		}
	}
	if (next)
		*next = succ;
	return link;
}

static void unlink_va(struct vmap_area *va, struct rb_root *root, bool augment)
{
	if (augment)
		rb_erase_augmented(&va->rb_node, root, &free_vmap_area_rb_augment_cb);
	else
		rb_erase(&va->rb_node, root);
	RB_CLEAR_NODE(&va->rb_node);
	list_del_init(&va->list);
}

/*
 * merge_or_add_vmap_area - put the free range @va into @root/@head, merging
 * it with the blocks that end where it starts and start where it ends.
 * Returns the node that now holds the range (@va may have been freed).
 */
static struct vmap_area *merge_or_add_vmap_area(struct vmap_area *va,
						struct rb_root *root,
						struct list_head *head,
						bool augment)
{
	struct rb_node *parent, **link;
	struct list_head *next;
	struct vmap_area *sibling;
	bool merged = false;

	link = find_va_links(va, root, head, &parent, &next);
	if (!link)
		return NULL;
	/* the block after it */
	if (next != head) {
		sibling = list_entry(next, struct vmap_area, list);
		if (sibling->va_start == va->va_end) {
			sibling->va_start = va->va_start;
			va_free(va);
			va = sibling;
			merged = true;
		}
	}
	/* the block before it */
	if (next->prev != head) {
		sibling = list_entry(next->prev, struct vmap_area, list);
		if (sibling->va_end == va->va_start) {
			if (merged)
				unlink_va(va, root, augment);
			sibling->va_end = va->va_end;
			va_free(va);
			va = sibling;
			merged = true;
		}
	}
	if (!merged) {
		if (augment)
			va->subtree_max_size = va_size(va);
		rb_link_node(&va->rb_node, parent, link);
		if (augment)
			rb_insert_augmented(&va->rb_node, root,
					    &free_vmap_area_rb_augment_cb);
		else
			rb_insert_color(&va->rb_node, root);
		list_add_tail(&va->list, next);
	} else if (augment) {
		augment_tree_propagate_from(va);
	}
	return va;
}

/* Could [ALIGN(max(va_start, vstart)), +size) fit inside @va? */
static inline bool is_within_this_va(const struct vmap_area *va,
				     unsigned long size, unsigned long align,
				     unsigned long vstart)
{
	unsigned long nva_start_addr;

	if (va->va_start > vstart)
		nva_start_addr = ALIGN(va->va_start, align);
	else
		nva_start_addr = ALIGN(vstart, align);
	/* overflow from a big size or alignment */
	if (nva_start_addr + size < nva_start_addr || nva_start_addr < vstart)
		return false;
	return nva_start_addr + size <= va->va_end;
}

/*
 * find_vmap_lowest_match - the lowest free block at or above @vstart that
 * fits @size at @align (see the essay, 3.).  Caller holds the free lock.
 */
static struct vmap_area *find_vmap_lowest_match(struct rb_root *root,
						unsigned long size,
						unsigned long align,
						unsigned long vstart,
						bool adjust_search_size)
{
	struct rb_node *node = root->rb_node;
	unsigned long length = adjust_search_size ? size + align - 1 : size;
	struct vmap_area *va;

	lockdep_assert_held(&free_vmap_area_lock);

	while (node) {
		va = rb_entry(node, struct vmap_area, rb_node);
		if (get_subtree_max_size(node->rb_left) >= length &&
		    vstart < va->va_start) {
			node = node->rb_left;
			continue;
		}
		if (is_within_this_va(va, size, align, vstart))
			return va;
		if (get_subtree_max_size(node->rb_right) >= length) {
			node = node->rb_right;
			continue;
		}
		/*
		 * Climb back to the first right subtree that can hold the
		 * request; move vstart past its parent so that the subtree
		 * just searched is not entered again.
		 */
		while ((node = rb_parent(node))) {
			va = rb_entry(node, struct vmap_area, rb_node);
			if (is_within_this_va(va, size, align, vstart))
				return va;
			if (get_subtree_max_size(node->rb_right) >= length &&
			    vstart <= va->va_start) {
				vstart = va->va_start + 1;
				node = node->rb_right;
				break;
			}
		}
	}
	return NULL;
}

enum fit_type { NOTHING_FIT, FL_FIT_TYPE, LE_FIT_TYPE, RE_FIT_TYPE, NE_FIT_TYPE };

static enum fit_type classify_va_fit_type(const struct vmap_area *va,
					  unsigned long nva_start_addr,
					  unsigned long size)
{
	if (nva_start_addr < va->va_start ||
	    nva_start_addr + size > va->va_end)
		return NOTHING_FIT;
	if (va->va_start == nva_start_addr)
		return va->va_end == nva_start_addr + size ? FL_FIT_TYPE
							  : LE_FIT_TYPE;
	if (va->va_end == nva_start_addr + size)
		return RE_FIT_TYPE;
	return NE_FIT_TYPE;
}

/*
 * va_clip - cut [@nva_start_addr, +@size) out of the free block @va.  An NE
 * split takes the preallocated *@spare.  Returns 0 or -1 (nothing fits).
 */
static int va_clip(struct vmap_area *va, unsigned long nva_start_addr,
		   unsigned long size, struct vmap_area **spare)
{
	struct vmap_area *lva = NULL;

	switch (classify_va_fit_type(va, nva_start_addr, size)) {
	case FL_FIT_TYPE:
		unlink_va(va, &free_vmap_area_root, true);
		va_free(va);
		return 0;
	case LE_FIT_TYPE:
		va->va_start += size;
		break;
	case RE_FIT_TYPE:
		va->va_end = nva_start_addr;
		break;
	case NE_FIT_TYPE:
		if (!*spare)
			return -1;
		lva = *spare;
		*spare = NULL;
		lva->va_start = va->va_start;
		lva->va_end = nva_start_addr;
		va->va_start = nva_start_addr + size;
		break;
	default:
		return -1;
	}
	augment_tree_propagate_from(va);
	if (lva)
		merge_or_add_vmap_area(lva, &free_vmap_area_root,
				       &free_vmap_area_list, true);
	return 0;
}

/* Returns the start of the new range, or 0 if none fits. */
static unsigned long __alloc_vmap_area(unsigned long size, unsigned long align,
				       unsigned long vstart, unsigned long vend,
				       struct vmap_area **spare)
{
	bool adjust_search_size = true;
	unsigned long nva_start_addr;
	struct vmap_area *va;

	if (align <= PAGE_SIZE || vend - vstart == size)
		adjust_search_size = false;
	va = find_vmap_lowest_match(&free_vmap_area_root, size, align, vstart,
				    adjust_search_size);
	if (!va)
		return 0;
	nva_start_addr = va->va_start > vstart ? ALIGN(va->va_start, align)
					       : ALIGN(vstart, align);
	if (nva_start_addr + size > vend)
		return 0;
	if (va_clip(va, nva_start_addr, size, spare))
		return 0;
	return nva_start_addr;
}

/* ------------------------------------------------------------------ */
/* the busy tree                                                       */
/* ------------------------------------------------------------------ */

static void insert_busy_va(struct vmap_area *va)
{
	struct rb_node *parent;
	struct rb_node **link = find_va_links(va, &vmap_area_root, NULL,
					      &parent, NULL);

	VM_BUG_ON(!link);
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_color(&va->rb_node, &vmap_area_root);
}

/* The busy area containing @addr.  Caller holds vmap_area_lock. */
static struct vmap_area *__find_vmap_area(unsigned long addr)
{
	struct rb_node *n = vmap_area_root.rb_node;

	lockdep_assert_held(&vmap_area_lock);

	while (n) {
		struct vmap_area *va = rb_entry(n, struct vmap_area, rb_node);

		if (addr < va->va_start)
			n = n->rb_left;
		else if (addr >= va->va_end)
			n = n->rb_right;
		else
			return va;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* lazy freeing and the purge                                          */
/* ------------------------------------------------------------------ */

/* 32 MiB of pages per log2 of the CPUs, as the kernel's lazy_max_pages(). */
static unsigned long lazy_max_pages(void)
{
	return (unsigned long)fls(os_ncpus()) * (32UL * 1024 * 1024 / PAGE_SIZE);
}

/*
 * free_vmap_area_noflush - move an in-flight range to the lazy tree.
 * Returns true when enough is waiting that the caller should purge.
 */
static bool free_vmap_area_noflush(struct vmap_area *va)
{
	unsigned long nr = va_size(va) >> PAGE_SHIFT;
	long nr_lazy;

	va->vm = NULL;
	kh_lock(&purge_vmap_area_lock);
	__atomic_fetch_sub(&vmap_inflight, (long)va_size(va), __ATOMIC_RELAXED);
	nr_lazy = __atomic_add_fetch(&vmap_lazy_nr, (long)nr, __ATOMIC_RELAXED);
	merge_or_add_vmap_area(va, &purge_vmap_area_root, &purge_vmap_area_list,
			       false);
	kh_unlock(&purge_vmap_area_lock);
	return (unsigned long)nr_lazy > lazy_max;
}

/*
 * __purge_vmap_area_lazy - unmap every lazily freed range and give it back
 * to the free tree.  Caller holds vmap_purge_lock.  Returns true if
 * anything was purged.
 */
static bool __purge_vmap_area_lazy(void)
{
	struct list_head local = LIST_HEAD_INIT(local);
	struct vmap_area *va, *n;
	long nr = 0;

	lockdep_assert_held(&vmap_purge_lock);

	kh_lock(&purge_vmap_area_lock);
	if (list_empty(&purge_vmap_area_list)) {
		kh_unlock(&purge_vmap_area_lock);
		return false;
	}
	/* take the whole (merged, sorted) list; the tree starts afresh */
	list_add(&local, &purge_vmap_area_list);
	list_del_init(&purge_vmap_area_list);
	purge_vmap_area_root = RB_ROOT;
	kh_unlock(&purge_vmap_area_lock);

	list_for_each_entry(va, &local, list) {
		int err = os_reserve_fixed((void *)va->va_start, va_size(va));

		if (err)
			pr_err("vmalloc: cannot unmap 0x%lx-0x%lx (%d)\n",
			       va->va_start, va->va_end, err);
		nr += (long)(va_size(va) >> PAGE_SHIFT);
	}

	kh_lock(&free_vmap_area_lock);
	list_for_each_entry_safe(va, n, &local, list) {
		list_del_init(&va->list);
		merge_or_add_vmap_area(va, &free_vmap_area_root,
				       &free_vmap_area_list, true);
	}
	__atomic_fetch_sub(&vmap_lazy_nr, nr, __ATOMIC_RELAXED);
	kh_unlock(&free_vmap_area_lock);
	return true;
}

static void purge_vmap_area_lazy(void)
{
	kh_lock(&vmap_purge_lock);
	__purge_vmap_area_lazy();
	kh_unlock(&vmap_purge_lock);
}

/* From vfree(): purge unless another thread already is. */
static void try_purge_vmap_area_lazy(void)
{
	if (kh_trylock(&vmap_purge_lock)) {
		__purge_vmap_area_lazy();
		kh_unlock(&vmap_purge_lock);
	}
}

static void vmap_pool_flush(void);

/**
 * vm_unmap_aliases - purge every lazily freed vmalloc range now
 *
 * In the kernel this flushes lazy TLB entries; in kheap it gives the bytes
 * of every pooled area back, replaces every freed range with PROT_NONE and
 * returns it to the free tree.
 */
void vm_unmap_aliases(void)
{
	if (!READ_ONCE(vmalloc_ready))
		return;
	vmap_pool_flush();
	purge_vmap_area_lazy();
}

/* ------------------------------------------------------------------ */
/* the pool: freed areas that keep their bytes                         */
/* ------------------------------------------------------------------ */

#define VMAP_POOL_MIN	(16 * PAGE_SIZE)	/* smaller areas fault in cheaply */
#define VMAP_POOL_NR	16			/* areas at most */

/* The pool's byte bound: lazy_max_pages(), 32 MiB per log2 of the CPUs. */
static inline unsigned long vmap_pool_max(void)
{
	return lazy_max << PAGE_SHIFT;
}

/* Bytes of a pooled area that may hold data (pooled areas have a guard). */
static inline unsigned long pool_data_size(const struct vmap_area *va)
{
	return va_size(va) - PAGE_SIZE;
}

/* Is a vmalloc'ed area worth keeping once freed? */
static bool vmap_pool_wants(const struct vm_struct *vm)
{
	return (vm->flags & VM_ALLOC) && !(vm->flags & VM_NO_GUARD) &&
	       get_vm_area_size(vm) >= VMAP_POOL_MIN &&
	       vm->size <= vmap_pool_max();
}

/*
 * __vmap_pool_evict - take pooled areas that must go out of the pool into
 * @out (in flight): all of them if @all, else the oldest beyond the bounds
 * and those freed longer than page_reporting.delay_ms ago.  Caller holds
 * vmap_pool_lock.
 */
static void __vmap_pool_evict(struct list_head *out, bool all)
{
	unsigned long long old = os_ns() -
		kheap_config.page_reporting_delay_ms * 1000000ULL;

	lockdep_assert_held(&vmap_pool_lock);

	while (!list_empty(&vmap_pool_list)) {
		struct vmap_area *va = list_last_entry(&vmap_pool_list,
						       struct vmap_area, list);

		if (!all && vmap_pool_bytes <= vmap_pool_max() &&
		    vmap_pool_nr <= VMAP_POOL_NR && va->pooled_ns > old)
			break;
		list_move(&va->list, out);
		vmap_pool_bytes -= va_size(va);
		vmap_pool_nr--;
		__atomic_fetch_add(&vmap_inflight, (long)va_size(va),
				   __ATOMIC_RELAXED);
	}
}

/*
 * A pooled area done with (evicted, or a donor whose first @moved bytes
 * went to a new area): the rest of its bytes back to the OS, its range to
 * the lazy tree.  No lock held.  Returns true if the caller should purge.
 */
static bool vmap_pool_done(struct vmap_area *va, unsigned long moved)
{
	if (pool_data_size(va) > moved)
		os_decommit((char *)va->va_start + moved,
			    pool_data_size(va) - moved);
	return free_vmap_area_noflush(va);
}

static void vmap_pool_release(struct list_head *evicted)
{
	struct vmap_area *va, *n;
	bool purge = false;

	list_for_each_entry_safe(va, n, evicted, list) {
		list_del_init(&va->list);
		purge |= vmap_pool_done(va, 0);
	}
	if (purge)
		try_purge_vmap_area_lazy();
}

/*
 * vmap_pool_add - keep a freed area's bytes (the area is in flight, its
 * frames already given back).  Evicts what the bounds and the age no longer
 * allow.
 */
static void vmap_pool_add(struct vmap_area *va)
{
	struct list_head evicted = LIST_HEAD_INIT(evicted);

	va->pooled_ns = os_ns();
	kh_lock(&vmap_pool_lock);
	list_add(&va->list, &vmap_pool_list);
	vmap_pool_bytes += va_size(va);
	vmap_pool_nr++;
	__atomic_fetch_sub(&vmap_inflight, (long)va_size(va), __ATOMIC_RELAXED);
	__vmap_pool_evict(&evicted, false);
	kh_unlock(&vmap_pool_lock);
	vmap_pool_release(&evicted);
}

/*
 * vmap_pool_take - the pooled area whose bytes suit a new area of
 * @data_size bytes best: the smallest that holds them all, else the
 * largest; either way of a similar size (within a factor of two), so a
 * small area never eats a big one's bytes.  It leaves the pool in flight.
 * NULL if none suits.
 */
static struct vmap_area *vmap_pool_take(unsigned long data_size)
{
	struct list_head evicted = LIST_HEAD_INIT(evicted);
	struct vmap_area *va, *fit = NULL, *big = NULL;

	if (list_empty(&vmap_pool_list))	/* racy peek: a hint */
		return NULL;
	kh_lock(&vmap_pool_lock);
	__vmap_pool_evict(&evicted, false);
	list_for_each_entry(va, &vmap_pool_list, list) {
		unsigned long have = pool_data_size(va);

		if (have / 2 > data_size || have < data_size / 2)
			continue;
		if (have >= data_size && (!fit || have < pool_data_size(fit)))
			fit = va;
		if (!big || have > pool_data_size(big))
			big = va;
	}
	va = fit ? fit : big;
	if (va) {
		list_del_init(&va->list);
		vmap_pool_bytes -= va_size(va);
		vmap_pool_nr--;
		__atomic_fetch_add(&vmap_inflight, (long)va_size(va),
				   __ATOMIC_RELAXED);
	}
	kh_unlock(&vmap_pool_lock);
	vmap_pool_release(&evicted);
	return va;
}

/* Give every pooled area's bytes back (vm_unmap_aliases, malloc_trim). */
static void vmap_pool_flush(void)
{
	struct list_head evicted = LIST_HEAD_INIT(evicted);

	kh_lock(&vmap_pool_lock);
	__vmap_pool_evict(&evicted, true);
	kh_unlock(&vmap_pool_lock);
	vmap_pool_release(&evicted);
}

/* ------------------------------------------------------------------ */
/* areas                                                               */
/* ------------------------------------------------------------------ */

/*
 * alloc_vmap_area - take @size bytes at @align from [@vstart, @vend) out of
 * the free tree; the range is then in flight.  Purges and retries once when
 * nothing fits.
 */
static struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
					 unsigned long vstart, unsigned long vend,
					 gfp_t gfp)
{
	struct vmap_area *va, *spare;
	unsigned long addr;
	bool purged = false;

	va = va_alloc(gfp);
	if (!va)
		return NULL;
retry:
	spare = va_alloc(gfp);		/* ne_fit_preload() */
	kh_lock(&free_vmap_area_lock);
	addr = __alloc_vmap_area(size, align, vstart, vend, &spare);
	if (addr)
		__atomic_fetch_add(&vmap_inflight, (long)size, __ATOMIC_RELAXED);
	kh_unlock(&free_vmap_area_lock);
	if (spare)
		va_free(spare);
	if (!addr) {
		if (!purged) {
			purge_vmap_area_lazy();
			purged = true;
			goto retry;
		}
		/* v6.12's words (alloc_vmap_area() in mm/vmalloc.c) */
		if (!(gfp & __GFP_NOWARN))
			pr_warn("vmalloc_node_range for size %lu failed: Address range restricted to %#lx - %#lx\n",
				size, vstart, vend);
		va_free(va);
		return NULL;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	return va;
}

/* Make an in-flight area busy: findable, listed in vmallocinfo. */
static void insert_vmap_area(struct vmap_area *va, struct vm_struct *vm)
{
	va->vm = vm;
	kh_lock(&vmap_area_lock);
	insert_busy_va(va);
	__atomic_fetch_sub(&vmap_inflight, (long)va_size(va), __ATOMIC_RELAXED);
	kh_unlock(&vmap_area_lock);
}

/*
 * __get_vm_area_node - a vm_struct and an in-flight range for @size bytes
 * (plus the guard page unless VM_NO_GUARD).  NULL on failure.
 */
static struct vm_struct *__get_vm_area_node(unsigned long size,
					    unsigned long align,
					    unsigned long flags,
					    unsigned long start,
					    unsigned long end, gfp_t gfp,
					    const void *caller,
					    struct vmap_area **vap)
{
	struct vm_struct *area;
	struct vmap_area *va;

	size = PAGE_ALIGN(size);
	if (unlikely(!size))
		return NULL;
	area = kzalloc(sizeof(*area), gfp & GFP_RECLAIM_MASK);
	if (unlikely(!area))
		return NULL;
	if (!(flags & VM_NO_GUARD))
		size += PAGE_SIZE;
	va = alloc_vmap_area(size, max(align, PAGE_SIZE), start, end, gfp);
	if (!va) {
		kfree(area);
		return NULL;
	}
	area->flags = flags;
	area->addr = (void *)va->va_start;
	area->size = size;
	area->caller = caller;
	*vap = va;
	return area;
}

static bool vmalloc_range_ok(unsigned long start, unsigned long end,
			     unsigned long align)
{
	return start >= VMALLOC_START && end <= VMALLOC_END && start < end &&
	       is_power_of_2(align);
}

/**
 * get_vm_area_caller - reserve an area of the vmalloc range, unmapped
 * @size: bytes (rounded up to pages; a guard page is added unless
 *        VM_NO_GUARD)
 * @flags: VM_* flags
 * @caller: shown in vmallocinfo
 *
 * The area stays PROT_NONE: kheap cannot map existing pages into it.
 * Return: the area, or NULL.  Free with free_vm_area().
 */
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags,
				     const void *caller)
{
	struct vmap_area *va;
	struct vm_struct *area;

	kheap_ensure_init();
	area = __get_vm_area_node(size, 1, flags & ~VM_ALLOC, VMALLOC_START,
				  VMALLOC_END, GFP_KERNEL, caller, &va);
	if (area)
		insert_vmap_area(va, area);
	return area;
}

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return get_vm_area_caller(size, flags, __builtin_return_address(0));
}

/**
 * find_vm_area - the area containing @addr
 *
 * Return: its vm_struct, or NULL if @addr is in no busy area.
 */
struct vm_struct *find_vm_area(const void *addr)
{
	struct vmap_area *va;

	if (!is_vmalloc_addr(addr))
		return NULL;
	kh_lock(&vmap_area_lock);
	va = __find_vmap_area((unsigned long)addr);
	kh_unlock(&vmap_area_lock);
	return va ? va->vm : NULL;
}

/*
 * unlink_vm_area - take the area starting exactly at @addr out of the busy
 * tree.  Returns its vmap_area, now in flight (va->vm still set), or NULL.
 */
static struct vmap_area *unlink_vm_area(const void *addr)
{
	unsigned long a = (unsigned long)addr;
	struct vmap_area *va;

	if (!is_vmalloc_addr(addr) || !READ_ONCE(vmalloc_ready))
		return NULL;
	kh_lock(&vmap_area_lock);
	va = __find_vmap_area(a);
	if (va && va->va_start == a && va->vm) {
		rb_erase(&va->rb_node, &vmap_area_root);
		RB_CLEAR_NODE(&va->rb_node);
		__atomic_fetch_add(&vmap_inflight, (long)va_size(va),
				   __ATOMIC_RELAXED);
	} else {
		va = NULL;
	}
	kh_unlock(&vmap_area_lock);
	return va;
}

/*
 * __remove_vm_area - unlink the area starting exactly at @addr from the busy
 * tree and queue its range for the lazy purge.  Returns the vm_struct (now
 * the caller's) or NULL; *@purge says whether the caller should purge.
 */
static struct vm_struct *__remove_vm_area(const void *addr, bool *purge)
{
	struct vmap_area *va = unlink_vm_area(addr);
	struct vm_struct *vm = va ? va->vm : NULL;

	*purge = va && free_vmap_area_noflush(va);
	return vm;
}

/**
 * remove_vm_area - take the area starting at @addr out of the vmalloc range
 *
 * Its range is freed (lazily purged); its pages, if any, are not.
 * Return: the vm_struct, now the caller's, or NULL.
 */
struct vm_struct *remove_vm_area(const void *addr)
{
	bool purge;
	struct vm_struct *vm;

	if (unlikely(!PAGE_ALIGNED(addr))) {
		vmalloc_warn(__func__, "Trying to vfree() bad address (%p)\n", addr);
		return NULL;
	}
	vm = __remove_vm_area(addr, &purge);
	if (purge)
		try_purge_vmap_area_lazy();
	return vm;
}

/**
 * free_vm_area - release an area from get_vm_area()
 */
void free_vm_area(struct vm_struct *area)
{
	struct vm_struct *ret;

	if (!area)
		return;
	ret = remove_vm_area(area->addr);
	if (ret != area) {
		vmalloc_warn(__func__, "Trying to free_vm_area() nonexistent vm area (%p)\n",
			     area->addr);
		return;
	}
	kfree(area);
}

/* ------------------------------------------------------------------ */
/* page arrays and pages                                               */
/* ------------------------------------------------------------------ */

static void *vmalloc_page_array(unsigned long size, gfp_t gfp,
				const void *caller);

static struct page **vm_pages_array_alloc(unsigned int nr, gfp_t gfp,
					  const void *caller)
{
	size_t bytes = (size_t)nr * sizeof(struct page *);
	gfp_t nested = (gfp & GFP_RECLAIM_MASK) | __GFP_NOWARN;

	/* __vmalloc_area_node(): kmalloc up to a page, vmalloc above */
	if (bytes <= PAGE_SIZE)
		return kmalloc(bytes, nested | __GFP_ZERO);
	/* vmalloc memory reads as zero */
	return vmalloc_page_array(bytes, nested, caller);
}

static void vm_pages_array_free(struct page **pages)
{
	if (!pages)
		return;
	if (is_vmalloc_addr(pages))
		vfree(pages);
	else
		kfree(pages);
}

static void vm_free_pages(struct vm_struct *vm)
{
	/* one per-CPU list lock for the lot, not one per page */
	release_pages(vm->pages, (int)vm->nr_pages);
	if (vm->nr_pages)
		mod_node_page_state(NR_VMALLOC, -(long)vm->nr_pages);
	vm_pages_array_free(vm->pages);
	vm->pages = NULL;
	vm->nr_pages = 0;
}

/*
 * vm_area_alloc_pages - fill @pages with @nr order-0 frames: bulk first,
 * then one at a time with the caller's flags.  Frames are never zeroed,
 * not even by init_on_alloc/init_on_free (__GFP_FRAMES_ONLY): their bytes
 * are not the area's (see the essay, 4.).
 */
static unsigned int vm_area_alloc_pages(gfp_t gfp, unsigned int nr,
					struct page **pages)
{
	unsigned long got;

	gfp &= ~(__GFP_ZERO | __GFP_COMP);
	gfp |= __GFP_FRAMES_ONLY;
	got = alloc_pages_bulk_array(gfp | __GFP_NOWARN, nr, pages);
	while (got < nr) {
		pages[got] = alloc_pages(gfp | __GFP_NOWARN, 0);
		if (!pages[got])
			break;
		got++;
	}
	return (unsigned int)got;
}

/*
 * Where the first bytes of a new area may come from instead of fresh pages:
 * a pooled area (vmalloc) or the area being resized (vmalloc_move).
 */
struct vm_donor {
	void *addr;		/* NULL: fresh pages only */
	unsigned long size;	/* its bytes that may hold data */
	unsigned long moved;	/* out: bytes moved into the new area */
};

/*
 * vm_map_area - map @area read-write, its first bytes moved from @donor's
 * pages where there is one (os_move_pages: no copy, no fault), the rest
 * fresh, then the guard page.  A failed move (mremap without
 * MREMAP_DONTUNMAP, or a donor range split across mappings) just maps
 * fresh pages, and if the mapping fails after a move the pages go back to
 * the donor: donor->moved says what happened.
 */
static int vm_map_area(struct vm_struct *area, struct vm_donor *donor)
{
	unsigned long data_size = get_vm_area_size(area);
	unsigned long n = 0;
	int err = 0;

	if (donor && donor->addr && READ_ONCE(vmap_move_works)) {
		n = min(donor->size, data_size);
		err = os_move_pages(donor->addr, area->addr, n);
		if (err == -EINVAL)
			WRITE_ONCE(vmap_move_works, false);
		if (err)
			n = 0;
	}
	if (n < area->size)
		err = os_map_fixed((char *)area->addr + n, area->size - n);
	if (!err && !(area->flags & VM_NO_GUARD))
		err = os_guard((char *)area->addr + data_size, PAGE_SIZE);
	if (err && n && os_move_pages(area->addr, donor->addr, n))
		n = 0;		/* cannot happen: the way back was just used */
	if (donor)
		donor->moved = err ? 0 : n;
	return err;
}

/* Pages, the mapping, the guard page: what __vmalloc_area_node() does. */
static int __vmalloc_area_node(struct vm_struct *area, gfp_t gfp,
			       struct vm_donor *donor)
{
	unsigned long data_size = get_vm_area_size(area);
	unsigned int nr = (unsigned int)(data_size >> PAGE_SHIFT);
	int err;

	area->pages = vm_pages_array_alloc(nr, gfp, area->caller);
	if (!area->pages) {
		vmalloc_warn_alloc(gfp, "vmalloc error: size %lu, failed to allocated page array size %lu",
				   data_size, (unsigned long)nr * sizeof(struct page *));
		return -ENOMEM;
	}
	area->nr_pages = vm_area_alloc_pages(gfp, nr, area->pages);
	mod_node_page_state(NR_VMALLOC, (long)area->nr_pages);
	if (area->nr_pages != nr) {
		vmalloc_warn_alloc(gfp, "vmalloc error: size %lu, page order %u, failed to allocate pages",
				   data_size, 0U);
		return -ENOMEM;
	}
	err = vm_map_area(area, donor);
	if (err) {
		vmalloc_warn_alloc(gfp, "vmalloc error: size %lu, failed to map pages",
				   data_size);
		return -ENOMEM;
	}
	return 0;
}

/* Undo a half-built area: pages back, range to the lazy tree. */
static void vmalloc_abort(struct vm_struct *area, struct vmap_area *va)
{
	vm_free_pages(area);
	if (free_vmap_area_noflush(va))
		try_purge_vmap_area_lazy();
	kfree(area);
}

/*
 * vmalloc_node_range - the allocation behind every vmalloc entry point.
 * With @donor the new area's first bytes are moved from it (vmalloc_move);
 * without, from a pooled area of a similar size if one is kept, whose
 * bytes are then cleared when @zero (the kernel API: kheap's vmalloc memory
 * always reads zero) and left as they are otherwise (the malloc shim).
 */
static void *do_vmalloc_node_range(unsigned long size, unsigned long align,
				   unsigned long start, unsigned long end,
				   gfp_t gfp, unsigned long vm_flags,
				   const void *caller, struct vm_donor *donor,
				   bool zero)
{
	static bool warned_zero;
	unsigned long real_size = size;
	struct vm_struct *area;
	struct vmap_area *va, *pooled = NULL;
	struct vm_donor from_pool = { 0 };
	bool purge = false;
	int err;

	kheap_ensure_init();
	if (unlikely(!size)) {
		/* WARN_ON_ONCE(!size) */
		if (!__atomic_exchange_n(&warned_zero, true, __ATOMIC_RELAXED))
			vmalloc_warn("__vmalloc_node_range_noprof", "vmalloc: zero size\n");
		return NULL;
	}
	if (unlikely(!vmalloc_range_ok(start, end, align))) {
		vmalloc_warn("__vmalloc_node_range_noprof",
			     "vmalloc: bad range 0x%lx-0x%lx or alignment %#lx\n",
			     start, end, align);
		return NULL;
	}
	if (PAGE_ALIGN(size) < size ||
	    (size >> PAGE_SHIFT) > totalram_pages()) {
		vmalloc_warn_alloc(gfp, "vmalloc error: size %lu, exceeds total pages",
				   real_size);
		return NULL;
	}
	area = __get_vm_area_node(real_size, align, VM_ALLOC | vm_flags, start,
				  end, gfp, caller, &va);
	if (!area) {
		vmalloc_warn_alloc(gfp, "vmalloc error: size %lu, vm_struct allocation failed",
				   real_size);
		return NULL;
	}
	if (!donor && get_vm_area_size(area) >= VMAP_POOL_MIN &&
	    (pooled = vmap_pool_take(get_vm_area_size(area)))) {
		from_pool.addr = (void *)pooled->va_start;
		from_pool.size = pool_data_size(pooled);
		donor = &from_pool;
	}
	err = __vmalloc_area_node(area, gfp, donor);
	if (pooled)
		purge = vmap_pool_done(pooled, from_pool.moved);
	if (purge)
		try_purge_vmap_area_lazy();
	if (err) {
		vmalloc_abort(area, va);
		return NULL;
	}
	if (from_pool.moved && (zero || want_init_on_alloc(gfp)))
		memset(area->addr, 0, from_pool.moved);
	insert_vmap_area(va, area);
	return area->addr;
}

/* Traced: the frames, page array and vm_struct are nested in the event. */
static __noinline __cold void *vmalloc_traced(unsigned long size,
					      unsigned long align,
					      unsigned long start,
					      unsigned long end, gfp_t gfp,
					      unsigned long vm_flags,
					      const void *caller,
					      struct vm_donor *donor, bool zero)
{
	void *p;

	trace_nest_begin();
	p = do_vmalloc_node_range(size, align, start, end, gfp, vm_flags,
				  caller, donor, zero);
	trace_nest_end();
	__trace_vmalloc((unsigned long)caller, p, size, PAGE_ALIGN(size), gfp);
	return p;
}

static void *vmalloc_node_range(unsigned long size, unsigned long align,
				unsigned long start, unsigned long end,
				gfp_t gfp, unsigned long vm_flags,
				const void *caller, struct vm_donor *donor,
				bool zero)
{
	if (trace_enabled())
		return vmalloc_traced(size, align, start, end, gfp, vm_flags,
				      caller, donor, zero);
	return do_vmalloc_node_range(size, align, start, end, gfp, vm_flags,
				     caller, donor, zero);
}

/*
 * Page arrays bigger than 4 MiB live in a vmalloc area of their own (the
 * kernel's __vmalloc_node for arrays); its pages count in VmallocUsed, as
 * the kernel counts them.
 */
static void *vmalloc_page_array(unsigned long size, gfp_t gfp,
				const void *caller)
{
	return vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END, gfp, 0,
				  caller, NULL, true);
}

/* ------------------------------------------------------------------ */
/* the API                                                             */
/* ------------------------------------------------------------------ */

/**
 * __vmalloc_node_range - allocate virtually contiguous memory
 * @size:	bytes (rounded up to pages)
 * @align:	alignment of the start (a power of two; at least a page)
 * @start:	lowest address of the range to allocate from
 * @end:	end of that range (both within VMALLOC_START..VMALLOC_END)
 * @gfp_mask:	flags for the frames and the bookkeeping
 * @prot:	ignored: areas are always read-write
 * @vm_flags:	additional VM_* flags (VM_NO_GUARD, VM_USERMAP, ...)
 * @node:	ignored (one node)
 * @caller:	shown in vmallocinfo
 *
 * Return: the address, or NULL (with a warning unless __GFP_NOWARN).
 */
void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   unsigned long start, unsigned long end,
			   gfp_t gfp_mask, pgprot_t prot,
			   unsigned long vm_flags, int node, const void *caller)
{
	(void)prot;
	(void)node;
	return vmalloc_node_range(size, align, start, end, gfp_mask, vm_flags,
				  caller, NULL, true);
}

void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask,
		     int node, const void *caller)
{
	kheap_ensure_init();
	return __vmalloc_node_range(size, align, VMALLOC_START, VMALLOC_END,
				    gfp_mask, PAGE_KERNEL, 0, node, caller);
}

#define VMALLOC_CALL(size, align, gfp, flags)				\
	({								\
		kheap_ensure_init();					\
		__vmalloc_node_range((size), (align), VMALLOC_START,	\
				     VMALLOC_END, (gfp), PAGE_KERNEL, (flags), \
				     NUMA_NO_NODE,			\
				     __builtin_return_address(0));	\
	})

void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return VMALLOC_CALL(size, 1, gfp_mask, 0);
}

/**
 * vmalloc - allocate virtually contiguous memory
 * @size: bytes
 *
 * The pages come from the buddy allocator one by one; the memory reads as
 * zero (kheap's areas are fresh anonymous memory).  Return: the address or
 * NULL; vmalloc(0) warns and returns NULL.
 */
void *vmalloc(unsigned long size)
{
	return VMALLOC_CALL(size, 1, GFP_KERNEL, 0);
}

void *vzalloc(unsigned long size)
{
	return VMALLOC_CALL(size, 1, GFP_KERNEL | __GFP_ZERO, 0);
}

void *vmalloc_node(unsigned long size, int node)
{
	(void)node;
	return VMALLOC_CALL(size, 1, GFP_KERNEL, 0);
}

void *vzalloc_node(unsigned long size, int node)
{
	(void)node;
	return VMALLOC_CALL(size, 1, GFP_KERNEL | __GFP_ZERO, 0);
}

/* Zeroed and SHMLBA-aligned, for remapping to user space (VM_USERMAP). */
void *vmalloc_user(unsigned long size)
{
	return VMALLOC_CALL(size, SHMLBA, GFP_KERNEL | __GFP_ZERO, VM_USERMAP);
}

/* Frames from ZONE_DMA32 (below 4 GiB of kheap's physical memory). */
void *vmalloc_32(unsigned long size)
{
	return VMALLOC_CALL(size, 1, GFP_KERNEL | GFP_DMA32, 0);
}

/*
 * vmalloc_huge - as vmalloc, allowing huge mappings.  kheap maps anonymous
 * memory and takes order-0 frames either way; the flag is recorded.
 */
void *vmalloc_huge(unsigned long size, gfp_t gfp_mask)
{
	return VMALLOC_CALL(size, 1, gfp_mask, VM_ALLOW_HUGE_VMAP);
}

void *__vmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return VMALLOC_CALL(bytes, 1, flags, 0);
}

void *vmalloc_array(size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return VMALLOC_CALL(bytes, 1, GFP_KERNEL, 0);
}

void *vcalloc(size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return VMALLOC_CALL(bytes, 1, GFP_KERNEL | __GFP_ZERO, 0);
}

/*
 * vmalloc_nozero - __vmalloc_node() for the malloc shim: an area made from a
 * pooled area's bytes is not cleared unless @gfp has __GFP_ZERO (malloc
 * does not promise zeroed memory; calloc asks for it).
 */
void *vmalloc_nozero(unsigned long size, unsigned long align, gfp_t gfp,
		     const void *caller)
{
	kheap_ensure_init();
	return vmalloc_node_range(size, align, VMALLOC_START, VMALLOC_END, gfp,
				  0, caller, NULL, false);
}

static void __vfree(const void *addr, bool emptied);

/*
 * vmalloc_move - a new area of @size bytes holding the first bytes of the
 * area at @p (as many as both have), which is then freed.  The bytes move
 * with their pages (os_move_pages: the page tables change, no byte is
 * copied, no page faults in again); where that fails they are copied.  The
 * new area's bytes past the old ones read zero.  Returns the new area, or
 * NULL with @p untouched.  @p must be the start of a vmalloc'ed area.
 */
void *vmalloc_move(const void *p, unsigned long size, gfp_t gfp,
		   const void *caller)
{
	struct vm_struct *vm = find_vm_area(p);
	struct vm_donor d = { 0 };
	unsigned long keep;
	void *n;

	if (unlikely(!vm || vm->addr != p || !(vm->flags & VM_ALLOC))) {
		vmalloc_warn(__func__, "Trying to vrealloc() nonexistent vm area (%p)\n",
			     p);
		return NULL;
	}
	d.addr = (void *)p;
	d.size = get_vm_area_size(vm);
	keep = min(d.size, (unsigned long)PAGE_ALIGN(size));
	d.size = keep;
	n = vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END, gfp, 0,
			       caller, &d, false);
	if (!n)
		return NULL;
	/* the old area's vfree event, as vrealloc()'s free would have */
	if (trace_enabled())
		__trace_vfree((unsigned long)caller, p);
	trace_nest_begin();
	if (!d.moved) {
		memcpy(n, p, min(keep, (unsigned long)size));
		__vfree(p, false);
	} else {
		/* what did not move (a shrink's tail) goes back to the OS now */
		if (get_vm_area_size(vm) > keep)
			os_decommit((char *)p + keep, get_vm_area_size(vm) - keep);
		__vfree(p, true);
	}
	trace_nest_end();
	return n;
}

/**
 * vrealloc - resize a vmalloc area, as v6.12 does
 * @p: NULL or an area from vmalloc; @size: new size; @flags: GFP flags
 *
 * size 0 frees @p and returns NULL.  A size that fits the area keeps it in
 * place (with __GFP_ZERO or init_on_alloc the tail is zeroed); a larger
 * one makes a new area holding the old contents and frees the old area.
 * Where the kernel copies, kheap moves the old pages into the new area
 * (vmalloc_move()).
 */
void *vrealloc(const void *p, size_t size, gfp_t flags)
{
	struct vm_struct *vm = NULL;
	size_t old_size = 0;

	if (!size) {
		vfree(p);
		return NULL;
	}
	if (p) {
		vm = find_vm_area(p);
		if (unlikely(!vm)) {
			vmalloc_warn(__func__, "Trying to vrealloc() nonexistent vm area (%p)\n",
				     p);
			return NULL;
		}
		old_size = get_vm_area_size(vm);
	}
	if (size <= old_size) {
		if (want_init_on_alloc(flags))	/* zero the spare bytes */
			memset((char *)p + size, 0, old_size - size);
		return (void *)p;
	}
	if (p)
		return vmalloc_move(p, size, flags, __builtin_return_address(0));
	return VMALLOC_CALL(size, 1, flags, 0);
}

/*
 * __vfree - vfree(), where @emptied says the area's bytes have already been
 * moved away or given back, so it is not worth pooling.
 */
static void __vfree(const void *addr, bool emptied)
{
	struct vmap_area *va;
	struct vm_struct *vm;

	if (!addr)
		return;
	if (unlikely(!PAGE_ALIGNED(addr))) {
		vmalloc_warn("vfree", "Trying to vfree() bad address (%p)\n", addr);
		return;
	}
	va = unlink_vm_area(addr);
	if (unlikely(!va)) {
		vmalloc_warn("vfree", "Trying to vfree() nonexistent vm area (%p)\n",
			     addr);
		return;
	}
	vm = va->vm;
	vm_free_pages(vm);
	/* init_on_free: no byte of the area stays, pooled or waiting */
	if (want_init_on_free() && !emptied)
		os_decommit(vm->addr, get_vm_area_size(vm));
	if (!emptied && !want_init_on_free() && vmap_pool_wants(vm))
		vmap_pool_add(va);
	else if (free_vmap_area_noflush(va))
		try_purge_vmap_area_lazy();
	kfree(vm);
}

/**
 * vfree - release memory from vmalloc
 * @addr: the start of an area, or NULL
 *
 * The frames go back to the buddy allocator and VmallocUsed drops at once;
 * the range is purged lazily, and an area of 64 KiB or more first waits in
 * the pool, bytes and all, for a new area of a similar size.  An address
 * that is not the start of an area gets the kernel's warning and nothing is
 * freed.
 */
void vfree(const void *addr)
{
	if (trace_enabled() && addr) {
		__trace_vfree((unsigned long)__builtin_return_address(0),
			      addr);
		trace_nest_begin();
		__vfree(addr, false);
		trace_nest_end();
		return;
	}
	__vfree(addr, false);
}

/* The kernel defers to a workqueue; kheap's vfree may be called anywhere. */
void vfree_atomic(const void *addr)
{
	vfree(addr);
}

bool is_vmalloc_addr(const void *x)
{
	unsigned long addr = (unsigned long)x;

	return addr >= VMALLOC_START && addr < VMALLOC_END;
}

/**
 * vmalloc_to_page - the frame accounted to the page at @addr
 *
 * NB: the frame's bytes are not @addr's (see <linux/vmalloc.h>).
 * Return: the page, or NULL outside a vmalloc'ed page.
 */
struct page *vmalloc_to_page(const void *addr)
{
	struct vmap_area *va;
	struct page *page = NULL;

	if (!is_vmalloc_addr(addr))
		return NULL;
	kh_lock(&vmap_area_lock);
	va = __find_vmap_area((unsigned long)addr);
	if (va && va->vm && va->vm->pages) {
		unsigned long idx = ((unsigned long)addr - va->va_start) >> PAGE_SHIFT;

		if (idx < va->vm->nr_pages)
			page = va->vm->pages[idx];
	}
	kh_unlock(&vmap_area_lock);
	return page;
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);

	return page ? page_to_pfn(page) : 0;
}

unsigned long vmalloc_nr_pages(void)
{
	return node_page_state(NR_VMALLOC);
}

/* ------------------------------------------------------------------ */
/* /proc/vmallocinfo                                                   */
/* ------------------------------------------------------------------ */

struct vmallocinfo_line {
	unsigned long start, end, flags, size;
	unsigned int nr_pages;
	const void *caller;
	bool vpages, found;
};

/* Copy out the first busy area at or after @from (under the lock). */
static void vmallocinfo_next(unsigned long from, struct vmallocinfo_line *l)
{
	struct rb_node *n, *best = NULL;

	l->found = false;
	kh_lock(&vmap_area_lock);
	n = vmap_area_root.rb_node;
	while (n) {
		struct vmap_area *va = rb_entry(n, struct vmap_area, rb_node);

		if (va->va_start >= from) {
			best = n;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	if (best) {
		struct vmap_area *va = rb_entry(best, struct vmap_area, rb_node);
		struct vm_struct *v = va->vm;

		l->found = true;
		l->start = (unsigned long)v->addr;
		l->end = va->va_end;
		l->size = v->size;
		l->flags = v->flags;
		l->nr_pages = v->nr_pages;
		l->caller = v->caller;
		l->vpages = is_vmalloc_addr(v->pages);
	}
	kh_unlock(&vmap_area_lock);
}

/* vmallocinfo's flag words, in vmalloc_info_show()'s order */
static const struct {
	unsigned long flag;
	const char *name;
} vm_flag_names[] = {
	{ VM_IOREMAP,		"ioremap" },
	{ VM_SPARSE,		"sparse" },
	{ VM_ALLOC,		"vmalloc" },
	{ VM_MAP,		"vmap" },
	{ VM_USERMAP,		"user" },
	{ VM_DMA_COHERENT,	"dma-coherent" },
};

/*
 * One "unpurged vm_area" line per area of @head in address order (@sorted:
 * the list is), each copied out under @lock and printed without it.
 */
static void show_unpurged(FILE *out, kh_lock_t *lock, struct list_head *head,
			  bool sorted)
{
	unsigned long from = 0;

	for (;;) {
		struct vmap_area *va;
		unsigned long s = 0, e = 0;

		kh_lock(lock);
		list_for_each_entry(va, head, list) {
			if (va->va_start >= from && (!e || va->va_start < s)) {
				s = va->va_start;
				e = va->va_end;
				if (sorted)
					break;
			}
		}
		kh_unlock(lock);
		if (!e)
			break;
		fprintf(out, "0x%016lx-0x%016lx %7ld unpurged vm_area\n", s, e,
			(long)(e - s));
		from = e;
	}
}

static int vmallocinfo_show(FILE *out)
{
	struct vmallocinfo_line l;
	unsigned long from = 0;
	char caller[KSYM_SYMBOL_LEN];

	for (;;) {
		vmallocinfo_next(from, &l);
		if (!l.found)
			break;
		from = l.end;
		fprintf(out, "0x%016lx-0x%016lx %7ld", l.start, l.start + l.size,
			(long)l.size);
		if (l.caller) {
			sprint_symbol(caller, sizeof(caller), l.caller);
			fprintf(out, " %s", caller);
		}
		if (l.nr_pages)
			fprintf(out, " pages=%d", (int)l.nr_pages);
		for (size_t f = 0; f < ARRAY_SIZE(vm_flag_names); f++)
			if (l.flags & vm_flag_names[f].flag)
				fprintf(out, " %s", vm_flag_names[f].name);
		if (l.vpages)
			fputs(" vpages", out);
		/* show_numa_info() on a CONFIG_NUMA kernel: one node */
		if (l.nr_pages)
			fprintf(out, " N0=%u", l.nr_pages);
		fputc('\n', out);
	}

	/* show_purge_info(): the lazily freed ranges, one line per run, and
	 * the pooled areas, freed and unpurged too */
	show_unpurged(out, &purge_vmap_area_lock, &purge_vmap_area_list, true);
	show_unpurged(out, &vmap_pool_lock, &vmap_pool_list, false);
	return 0;
}

/* ------------------------------------------------------------------ */
/* validation                                                          */
/* ------------------------------------------------------------------ */

/* Walk one tree: order, bounds, list agreement; returns bytes covered. */
static unsigned long validate_tree(const char *name, struct rb_root *root,
				   struct list_head *head, bool augment,
				   bool busy, struct validator *v)
{
	unsigned long total = 0, prev_end = 0;
	struct list_head *l = head ? head->next : NULL;

	VALIDATE(v, rb_validate(root) >= 0, "%s tree breaks the red-black rules\n", name);
	for (struct rb_node *n = rb_first(root); n; n = rb_next(n)) {
		struct vmap_area *va = rb_entry(n, struct vmap_area, rb_node);

		VALIDATE(v, va->va_start < va->va_end &&
			 PAGE_ALIGNED(va->va_start) && PAGE_ALIGNED(va->va_end),
			 "%s area 0x%lx-0x%lx malformed\n", name, va->va_start,
			 va->va_end);
		VALIDATE(v, va->va_start >= VMALLOC_START && va->va_end <= VMALLOC_END,
			 "%s area 0x%lx-0x%lx outside the range\n", name,
			 va->va_start, va->va_end);
		/* free and lazy blocks are maximal: never adjacent */
		VALIDATE(v, busy ? va->va_start >= prev_end : va->va_start > prev_end ||
			 prev_end == 0,
			 "%s area 0x%lx-0x%lx overlaps or touches the previous one (end 0x%lx)\n",
			 name, va->va_start, va->va_end, prev_end);
		if (augment)
			VALIDATE(v, va->subtree_max_size == compute_subtree_max_size(va),
				 "free area 0x%lx-0x%lx subtree_max_size %lu, should be %lu\n",
				 va->va_start, va->va_end, va->subtree_max_size,
				 compute_subtree_max_size(va));
		if (head) {
			VALIDATE(v, l == &va->list, "%s list out of step with the tree at 0x%lx\n",
				 name, va->va_start);
			l = va->list.next;
		}
		if (busy) {
			struct vm_struct *vm = va->vm;

			VALIDATE(v, vm && vm->addr == (void *)va->va_start &&
				 vm->size == va_size(va),
				 "busy area 0x%lx-0x%lx has a bad vm_struct\n",
				 va->va_start, va->va_end);
			if (vm) {
				VALIDATE(v, (unsigned long)vm->nr_pages << PAGE_SHIFT <=
					 get_vm_area_size(vm),
					 "busy area 0x%lx: %u pages do not fit\n",
					 va->va_start, vm->nr_pages);
				for (unsigned int i = 0; i < vm->nr_pages; i++)
					VALIDATE(v, vm->pages[i] &&
						 page_ref_count(vm->pages[i]) > 0 &&
						 !PageBuddy(vm->pages[i]),
						 "busy area 0x%lx: page %u is not allocated\n",
						 va->va_start, i);
			}
		}
		prev_end = va->va_end;
		total += va_size(va);
	}
	if (head)
		VALIDATE(v, l == head, "%s list longer than the tree\n", name);
	return total;
}

/* Is some area of @root overlapping [start, end)? */
static bool tree_overlaps(struct rb_root *root, unsigned long start,
			  unsigned long end)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct vmap_area *va = rb_entry(n, struct vmap_area, rb_node);

		if (va->va_end <= start)
			n = n->rb_right;
		else if (va->va_start >= end)
			n = n->rb_left;
		else
			return true;
	}
	return false;
}

/*
 * The pool: bounds, counts, pooled areas well formed (a guard page and at
 * least VMAP_POOL_MIN of data) and in no tree and not in each other.
 * Returns the bytes it holds.  Caller holds every vmalloc lock.
 */
static unsigned long validate_pool(struct validator *v)
{
	unsigned long bytes = 0;
	unsigned int nr = 0;
	struct vmap_area *va, *other;

	lockdep_assert_held(&vmap_pool_lock);

	list_for_each_entry(va, &vmap_pool_list, list) {
		VALIDATE(v, PAGE_ALIGNED(va->va_start) && PAGE_ALIGNED(va->va_end) &&
			 va->va_start >= VMALLOC_START && va->va_end <= VMALLOC_END &&
			 pool_data_size(va) >= VMAP_POOL_MIN &&
			 va->va_end > va->va_start,
			 "pooled area 0x%lx-0x%lx malformed\n", va->va_start,
			 va->va_end);
		VALIDATE(v, !tree_overlaps(&free_vmap_area_root, va->va_start, va->va_end) &&
			 !tree_overlaps(&vmap_area_root, va->va_start, va->va_end) &&
			 !tree_overlaps(&purge_vmap_area_root, va->va_start, va->va_end),
			 "pooled area 0x%lx-0x%lx is also in a tree\n",
			 va->va_start, va->va_end);
		list_for_each_entry(other, &vmap_pool_list, list)
			VALIDATE(v, other == va || other->va_end <= va->va_start ||
				 other->va_start >= va->va_end,
				 "pooled areas 0x%lx and 0x%lx overlap\n",
				 va->va_start, other->va_start);
		bytes += va_size(va);
		nr++;
	}
	VALIDATE(v, bytes == vmap_pool_bytes && nr == vmap_pool_nr,
		 "pool holds %u areas of %lu bytes, counted %u of %lu\n", nr,
		 bytes, vmap_pool_nr, vmap_pool_bytes);
	VALIDATE(v, nr <= VMAP_POOL_NR && bytes <= vmap_pool_max(),
		 "pool over its bounds: %u areas, %lu bytes\n", nr, bytes);
	return bytes;
}

/*
 * vmap_validate - check every invariant of the vmalloc layer: the three
 * trees (red-black rules, order, maximal free blocks, subtree_max_size,
 * lists), busy areas' vm_structs and pages, no range in two trees, the
 * pool, the lazy count, and that free + busy + lazy + pooled + in flight
 * cover the whole range.  Returns the number of problems found (each
 * reported).
 */
int vmap_validate(void)
{
	struct validator validator = { "vmap_validate" }, *v = &validator;
	unsigned long fr, bz, lz, pl;
	long inflight, lazy_nr;

	if (!READ_ONCE(vmalloc_ready))
		return 0;
	kh_lock(&vmap_purge_lock);
	kh_lock(&vmap_pool_lock);
	kh_lock(&purge_vmap_area_lock);
	kh_lock(&free_vmap_area_lock);
	kh_lock(&vmap_area_lock);

	pl = validate_pool(v);
	fr = validate_tree("free", &free_vmap_area_root, &free_vmap_area_list,
			   true, false, v);
	bz = validate_tree("busy", &vmap_area_root, NULL, false, true, v);
	lz = validate_tree("lazy", &purge_vmap_area_root, &purge_vmap_area_list,
			   false, false, v);
	inflight = __atomic_load_n(&vmap_inflight, __ATOMIC_RELAXED);
	lazy_nr = __atomic_load_n(&vmap_lazy_nr, __ATOMIC_RELAXED);
	VALIDATE(v, (unsigned long)lazy_nr == lz >> PAGE_SHIFT,
		 "vmap_lazy_nr %ld, lazy tree holds %lu pages\n", lazy_nr,
		 lz >> PAGE_SHIFT);
	VALIDATE(v, inflight >= 0 && fr + bz + lz + pl + (unsigned long)inflight ==
		 kheap_vmalloc_size,
		 "free %lu + busy %lu + lazy %lu + pooled %lu + in flight %ld != range %lu\n",
		 fr, bz, lz, pl, inflight, kheap_vmalloc_size);

	/* no range in two trees: merge-walk the three sorted sequences */
	{
		struct rb_node *n[3] = { rb_first(&free_vmap_area_root),
					 rb_first(&vmap_area_root),
					 rb_first(&purge_vmap_area_root) };
		unsigned long prev_end = 0;

		for (;;) {
			int k = -1;

			for (int i = 0; i < 3; i++)
				if (n[i] && (k < 0 ||
				    rb_entry(n[i], struct vmap_area, rb_node)->va_start <
				    rb_entry(n[k], struct vmap_area, rb_node)->va_start))
					k = i;
			if (k < 0)
				break;
			struct vmap_area *va = rb_entry(n[k], struct vmap_area, rb_node);

			VALIDATE(v, va->va_start >= prev_end,
				 "area 0x%lx-0x%lx is in two trees\n", va->va_start,
				 va->va_end);
			prev_end = va->va_end;
			n[k] = rb_next(n[k]);
		}
	}

	kh_unlock(&vmap_area_lock);
	kh_unlock(&free_vmap_area_lock);
	kh_unlock(&purge_vmap_area_lock);
	kh_unlock(&vmap_pool_lock);
	kh_unlock(&vmap_purge_lock);
	return v->errors;
}

/* ------------------------------------------------------------------ */
/* init and fork                                                       */
/* ------------------------------------------------------------------ */

/**
 * vmalloc_init - reserve the vmalloc range and put it all in the free tree
 *
 * The size is vmalloc= (default four times mem=, or half of it when the
 * address space was too small for mem=: then the direct map, where every
 * block up to 4 MiB lives, matters more), halved down to 16 MiB (4 MiB
 * when the address space is short) while the reservation fails (saying so
 * once): under a small address space limit kheap starts with small ranges
 * rather than not at all.
 */

int vmalloc_init(void)
{
	unsigned long want = kheap_config.vmalloc_size;
	unsigned long size;
	struct vmap_area *va;
	void *base = NULL;

	unsigned long min_size = kheap_address_space_short ? 4UL << 20
							    : 16UL << 20;

	if (!want)
		want = kheap_address_space_short ? kheap_config.mem / 2
						 : 4 * kheap_config.mem;
	want = ALIGN(want, 1UL << 21);
	for (size = want; size >= min_size; size = ALIGN(size / 2, 1UL << 21)) {
		base = os_reserve(size, 1UL << 21);
		if (base)
			break;
	}
	if (!base)
		return -ENOMEM;
	if (size != want)
		pr_warn("kheap: could not reserve %luM for vmalloc; using vmalloc=%luM\n",
			want >> 20, size >> 20);
	vmalloc_base = (unsigned long)base;
	kheap_vmalloc_size = size;
	kheap_config.vmalloc_size = size;
	lazy_max = lazy_max_pages();

	vmap_area_cachep = KMEM_CACHE(vmap_area, SLAB_PANIC);
	/* the first free block is static; va_free() never frees it */
	va = &initial_free_va;
	va->va_start = VMALLOC_START;
	va->va_end = VMALLOC_END;
	kh_lock(&free_vmap_area_lock);
	merge_or_add_vmap_area(va, &free_vmap_area_root, &free_vmap_area_list, true);
	kh_unlock(&free_vmap_area_lock);
	kheap_proc_register("vmallocinfo", vmallocinfo_show);
	__atomic_store_n(&vmalloc_ready, true, __ATOMIC_RELEASE);
	return 0;
}

void vmalloc_fork_prepare(void)
{
	kh_lock(&vmap_purge_lock);
	kh_lock(&vmap_pool_lock);
	kh_lock(&purge_vmap_area_lock);
	kh_lock(&free_vmap_area_lock);
	kh_lock(&vmap_area_lock);
}

void vmalloc_fork_parent(void)
{
	kh_unlock(&vmap_area_lock);
	kh_unlock(&free_vmap_area_lock);
	kh_unlock(&purge_vmap_area_lock);
	kh_unlock(&vmap_pool_lock);
	kh_unlock(&vmap_purge_lock);
}

/* The child owns private copies of every area; only the locks are reset. */
void vmalloc_fork_child(void)
{
	kh_lock_reinit(&vmap_area_lock);
	kh_lock_reinit(&free_vmap_area_lock);
	kh_lock_reinit(&purge_vmap_area_lock);
	kh_lock_reinit(&vmap_pool_lock);
	kh_lock_reinit(&vmap_purge_lock);
}

const struct kheap_layer vmalloc_layer = {
	.name = "vmalloc",
	.init = vmalloc_init,
	.validate = vmap_validate,
};
