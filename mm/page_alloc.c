// SPDX-License-Identifier: MIT
/*
 * page_alloc.c - the buddy page allocator (mm/page_alloc.c of Linux v6.12).
 *
 * 1. Zones.  Physical memory (sparse.c) is split by pfn into ZONE_DMA (below
 *    16 MiB), ZONE_DMA32 (below 4 GiB) and ZONE_NORMAL.  A request may use its
 *    gfp_zone() and every zone below it, highest first (the zonelist).  Each
 *    zone has min/low/high watermarks computed as __setup_per_zone_wmarks()
 *    does from min_free_kbytes, and lowmem_reserve[] protecting lower zones
 *    from requests that could have used higher ones.
 *
 * 2. The buddy system.  Free memory is kept as blocks of 2^order pages,
 *    order 0..MAX_PAGE_ORDER (10), naturally aligned in pfn space.  The head
 *    struct page of a free block has page_type PGTY_buddy and its order in
 *    page->private, and sits on free_area[order].free_list[migratetype], the
 *    list of its pageblock's migrate type.  Allocation takes the smallest
 *    block that fits (__rmqueue_smallest) and splits off upper halves
 *    (expand); freeing merges with the buddy at pfn ^ (1 << order) while that
 *    buddy is free with the same order (__free_one_page).  Robson's bound
 *    applies: with blocks of at most 2^n pages, memory of M * (1 + n/2)
 *    pages suffices for any sequence whose live total never exceeds M.
 *
 * 3. Mobility grouping.  Each pageblock (order 9, 2 MiB) has a migrate type
 *    (UNMOVABLE, MOVABLE, RECLAIMABLE, HIGHATOMIC).  A request is served from
 *    its own type first; when that is empty, __rmqueue_fallback() takes from
 *    another type in fallbacks[] order, largest block first, and claims the
 *    whole pageblock when the block is large (order >= pageblock_order/2)
 *    or the request is unmovable/reclaimable and enough of the pageblock is
 *    free or alike.  Hot-added memory starts MOVABLE, as onlined memory does.
 *
 * 4. Per-CPU page lists (pcp).  Orders 0..3 and pageblock order (THP) are
 *    served from per-CPU lists (order_to_pindex()), refilled from and drained
 *    to the buddy lists in batches under the zone lock, with v6.12's
 *    auto-tuned high mark between high_min (low watermark / CPUs) and
 *    high_max (zone / 8 / CPUs).  "Per-CPU" is per CPU as os_cpu() reports it,
 *    not per thread.  The kernel disables preemption around a pcp; userspace
 *    cannot, so each pcp has a lock: the owner takes it with a trylock and
 *    falls back to the buddy lists if another thread (one that migrated, or
 *    a drain) holds it, exactly as the kernel's pcp_spin_trylock() does.
 *    Every refill raises a tuned high mark by a batch, so a CPU that both
 *    allocates and frees pages ends up holding up to high_max; the kernel
 *    lowers it again with decay_pcp_high() from the vmstat worker once a
 *    second (an eighth of the way to high_min, the excess drained).  kheap
 *    has no worker: every 64th free to a pcp looks at the clock, and the
 *    first one after PCP_DECAY_INTERVAL_NS decays every CPU's list of the
 *    zone (trylock; a busy list waits for the next pass).
 *
 * 5. Memory hot-add.  A zone starts with no memory online; when its lists
 *    cannot serve a request (after the fallback types), the next section of
 *    the zone is hot-added (memmap_commit_section) and its pages freed into
 *    the buddy lists in maximal aligned blocks.  As the kernel's
 *    online_pages() does, hot-adding adds the pages to the zone's
 *    present/managed pages and recomputes what depends on them
 *    (min_free_kbytes, watermarks, lowmem_reserve, the per-CPU lists'
 *    batch and high), so a small process keeps small reserves and lists.
 *    Memory not yet hot-added counts as free for watermarks and MemFree.
 *    Hot-add is allowed in every GFP mode; only when mem= is exhausted do
 *    watermarks and reclaim decide.
 *
 * 6. Slow path.  When the low watermark fails: retry at the min watermark
 *    (less min/2 for __GFP_HIGH, less a further quarter for non-blocking
 *    atomic requests); then, if the request may block, direct reclaim
 *    (vmscan.c: drain the pcp lists, run the shrinkers and slab shrinking)
 *    and retry while reclaim makes progress, at most MAX_RECLAIM_RETRIES
 *    times without progress.  __GFP_NORETRY gives up after one reclaim,
 *    costly orders (> 3) give up unless __GFP_RETRY_MAYFAIL, and
 *    __GFP_NOFAIL never gives up: it waits for another thread to free
 *    memory.  A failure without __GFP_NOWARN prints warn_alloc()'s report.
 *    There is no OOM killer: nothing in one process can be killed to free
 *    memory, so where the kernel would kill, kheap fails the allocation.
 *
 * 7. Free page reporting (mm/page_reporting.c).  When a block of
 *    page_reporting_order (9) or more goes on a free list, a reporting pass
 *    is scheduled PAGE_REPORTING_DELAY (2 s, page_reporting.delay_ms) later,
 *    so that memory freed and soon reused is not given back and faulted in
 *    again.  kheap has no worker thread: the pass runs from the first
 *    buddy-level free (never a per-CPU list hit) after it is due, or from
 *    kheap_page_reporting_flush().  Like the kernel's, it runs only while
 *    the zone is above its low watermark plus one batch, and works in
 *    batches of page_reporting.capacity (32) blocks: under the zone lock it
 *    isolates them, without the lock it gives their frames back to the OS
 *    (madvise), and under the lock again puts them back flagged PG_reported.
 *    Blocks of never-touched hot-added memory start out reported.
 *
 * 8. Checks on free.  As the kernel does with check_pages_enabled (on with
 *    init_on_alloc, the default of distribution kernels), a block is
 *    checked page by page before it goes back (free_range_ok()): aligned
 *    to its order, a compound head of that order, and no other page of a
 *    non-compound block live or free - pages on a per-CPU list carry
 *    kheap's PG_on_pcp for this, which the kernel's lack.  A bad free is
 *    reported as the kernel's "BUG: Bad page state" (rate-limited as
 *    bad_page() is) and ignored, so a wrong order never frees neighbours.
 *
 * 9. init_on_alloc / init_on_free (v6.12's post_alloc_hook() and
 *    free_pages_prepare()).  With init_on_free every block is zeroed as it
 *    is freed, so that no free page holds data (hot-added and reported
 *    memory read as zero anyway); an allocation then zeroes nothing, not
 *    even for __GFP_ZERO.  Otherwise a block is zeroed at allocation when
 *    want_init_on_alloc(gfp): init_on_alloc, or __GFP_ZERO.  vmalloc's
 *    frames (__GFP_FRAMES_ONLY) are never touched: their bytes are not
 *    the area's (vmalloc.c), and writing them would only cost RSS.
 *
 * 10. Page poisoning (page_poison=1, mm/page_poison.c).  A block being
 *    freed is filled with PAGE_POISON (0xaa) and each of its pages marked
 *    PG_poisoned; a marked page being allocated is checked first, and a
 *    byte that changed while it was free gives the kernel's
 *    "pagealloc: memory corruption" (or "single bit error") report with a
 *    hex dump of the damage.  Only marked pages are checked: memory never
 *    written (hot-added, or given back to the OS by free page reporting,
 *    which unmarks it) reads zero, not poison.  It takes precedence over
 *    init_on_alloc/init_on_free (mm_init.c).
 *
 * Lock order (outer to inner; the whole library's is in docs/design.md):
 *     pcp->lock  ->  zone->lock  ->  kheap_memmap.lock, online_update_lock
 * and nofail_lock alone.  page_alloc_fork_prepare() takes all pcp locks of
 * every zone, then every zone lock, the memmap and online_update locks,
 * then the NOFAIL wait lock.
 *
 * Tracepoints (kernel/trace/trace.h) where v6.12 has them: mm_page_alloc
 * after __alloc_pages() tried, mm_page_free in free_pages_prepare() once a
 * block is really freed; each one load and branch while no trace runs.
 *
 * Cost of the fast path (order 0, pcp hit): one watermark comparison on a
 * read-mostly zone counter, an uncontended trylock/unlock of the CPU's pcp,
 * a list unlink, and the struct page writes of prep_new_page().
 */
#include "internal.h"
#include "lib/fault-inject.h"
#include "kernel/trace/trace.h"

#include <errno.h>
#include <linux/poison.h>
#include <string.h>

struct zone kheap_zones[MAX_NR_ZONES];
unsigned long totalreserve_pages;
static unsigned int nr_pcp_cpus;

const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };
const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic",
};

static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

static const int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32 };

/* __GFP_NOFAIL waiters sleep here until pages are freed. */
static pthread_mutex_t nofail_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nofail_cond = PTHREAD_COND_INITIALIZER;
static int nofail_waiters;

/*
 * kheap's own page flag: the block is on a per-CPU list.  The kernel's
 * pcp pages look like allocated tail pages (refcount 0, no flags); kheap
 * marks them so that a free of a wrong order, whose range would take in a
 * neighbour sitting on a per-CPU list, is caught (free_page_is_bad()).
 */
#define PG_on_pcp	PG_owner_priv_1

/* FPI flags for __free_one_page() */
#define FPI_NONE	0
#define FPI_TO_TAIL	(1 << 1)
#define FPI_FRESH	(1 << 2)	/* never touched: counts as reported */

/* ------------------------------------------------------------------ */
/* zone counters                                                       */
/* ------------------------------------------------------------------ */

static inline void __mod_zone_page_state(struct zone *z,
					 enum zone_stat_item item, long delta)
{
	__atomic_store_n(&z->vm_stat[item], z->vm_stat[item] + delta,
			 __ATOMIC_RELAXED);
}

unsigned long zone_uncommitted_pages(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages -
	       READ_ONCE(z->online_end_pfn);
}

unsigned long zone_free_pages(const struct zone *z)
{
	return zone_page_state(z, NR_FREE_PAGES) + zone_uncommitted_pages(z);
}

unsigned long global_free_pages(void)
{
	unsigned long sum = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_free_pages(&kheap_zones[i]);
	return sum;
}

/* Pages on @zone's per-CPU lists; a racy sum unless the pcp locks are held. */
unsigned long zone_pcp_pages(const struct zone *zone)
{
	unsigned long sum = 0;

	if (!zone->pcp)
		return 0;
	for (unsigned int cpu = 0; cpu < nr_pcp_cpus; cpu++)
		sum += (unsigned long)max(READ_ONCE(zone->pcp[cpu].count), 0);
	return sum;
}

/*
 * zone_page_events - the zone's pgalloc_<zone> and pgfree counts: pages
 * handed out and freed, through the per-CPU lists or past them.  Each part
 * is written under the lock of its list (pcp->lock or zone->lock), so the
 * fast path pays one add to a line it already holds; the sum is racy.
 */
void zone_page_events(const struct zone *zone, unsigned long *pgalloc,
		      unsigned long *pgfree)
{
	unsigned long a = READ_ONCE(zone->pgalloc), f = READ_ONCE(zone->pgfree);

	for (unsigned int cpu = 0; zone->pcp && cpu < nr_pcp_cpus; cpu++) {
		a += READ_ONCE(zone->pcp[cpu].pgalloc);
		f += READ_ONCE(zone->pcp[cpu].pgfree);
	}
	*pgalloc = a;
	*pgfree = f;
}

unsigned long global_pcp_pages(void)
{
	unsigned long sum = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_pcp_pages(&kheap_zones[i]);
	return sum;
}

unsigned long totalram_pages(void)
{
	kheap_ensure_init();
	return max_pfn;
}

unsigned long nr_free_pages(void)
{
	kheap_ensure_init();
	return global_free_pages();
}

/* ------------------------------------------------------------------ */
/* free lists                                                          */
/* ------------------------------------------------------------------ */

static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page->private;
}

/*
 * page_type is read without the zone lock by neighbours merging (they test
 * PageBuddy of a page another thread may own), so it is always written with
 * relaxed atomic stores; it only becomes or stops being PGTY_buddy under the
 * zone lock.
 */
static inline void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	__atomic_store_n(&page->page_type, (unsigned int)PGTY_buddy << 24,
			 __ATOMIC_RELAXED);
}

static inline void clear_buddy(struct page *page)
{
	__atomic_store_n(&page->page_type, 0, __ATOMIC_RELAXED);
	page->private = 0;
}

static inline void account_freepages(struct zone *zone, long nr, int mt)
{
	(void)mt;
	__mod_zone_page_state(zone, NR_FREE_PAGES, nr);
}

/*
 * After an allocation took pages off the free lists (zone->lock held): the
 * zone's high-water mark of pages in use (online, not on the free lists:
 * with users or on per-CPU lists) may rise.  One compare under a lock
 * already held, never on a per-CPU list hit; merges and free page
 * reporting move blocks off the lists too, but they are not allocations.
 */
static inline void note_zone_peak(struct zone *zone)
{
	unsigned long used = zone->online_end_pfn - zone->zone_start_pfn -
			     (unsigned long)zone->vm_stat[NR_FREE_PAGES] -
			     (unsigned long)zone->vm_stat[NR_ZONE_ISOLATED];

	if (used > zone->peak_used)
		WRITE_ONCE(zone->peak_used, used);
}

static inline void __add_to_free_list(struct page *page, struct zone *zone,
				      unsigned int order, int mt, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	if (tail)
		list_add_tail(&page->buddy_list, &area->free_list[mt]);
	else
		list_add(&page->buddy_list, &area->free_list[mt]);
	WRITE_ONCE(area->nr_free, area->nr_free + 1);
}

static inline void __del_page_from_free_list(struct page *page,
					     struct zone *zone,
					     unsigned int order)
{
	if (kheap_page_flag(page, PG_reported)) {
		page->flags &= ~(1UL << PG_reported);
		__mod_zone_page_state(zone, NR_ZONE_REPORTED, -(1L << order));
	}
	list_del(&page->buddy_list);
	clear_buddy(page);
	WRITE_ONCE(zone->free_area[order].nr_free,
		   zone->free_area[order].nr_free - 1);
}

static inline void del_page_from_free_list(struct page *page,
					   struct zone *zone,
					   unsigned int order, int mt)
{
	__del_page_from_free_list(page, zone, order);
	account_freepages(zone, -(1L << order), mt);
}

static inline bool free_area_empty(const struct free_area *area, int mt)
{
	return list_empty(&area->free_list[mt]);
}

/* The online pfn range of @zone; struct pages outside it must not be read. */
static inline bool zone_pfn_online(const struct zone *zone, unsigned long pfn)
{
	return pfn >= zone->zone_start_pfn && pfn < zone->online_end_pfn;
}

static inline bool page_is_buddy(const struct zone *zone, struct page *buddy,
				 unsigned long buddy_pfn, unsigned int order)
{
	if (!zone_pfn_online(zone, buddy_pfn))
		return false;
	return PageBuddy(buddy) && buddy_order(buddy) == order;
}

static void report_note_free(struct zone *zone, unsigned int order);
static void report_run_if_due(struct zone *zone);

/*
 * __free_one_page - put a block back and merge it with its buddies
 *
 * Called with zone->lock held.  Merges while the buddy of the same order is
 * free, up to MAX_PAGE_ORDER; a buddy whose pageblock type differs is
 * adopted into ours (both must be mergeable types), so that a later split
 * puts every sub-block on the right list.
 */
static void __free_one_page(struct page *page, unsigned long pfn,
			    struct zone *zone, unsigned int order, int mt,
			    int fpi_flags)
{
	lockdep_assert_held(&zone->lock);
	VM_BUG_ON(!zone_pfn_online(zone, pfn));
	VM_BUG_ON(pfn & ((1UL << order) - 1));

	bool fresh = fpi_flags & FPI_FRESH;

	account_freepages(zone, 1L << order, mt);
	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy = page + ((long)buddy_pfn - (long)pfn);
		int buddy_mt;

		if (!page_is_buddy(zone, buddy, buddy_pfn, order))
			break;
		buddy_mt = mt;
		if (order >= pageblock_order) {
			buddy_mt = get_pageblock_migratetype(buddy);
			if (buddy_mt != mt &&
			    (mt >= MIGRATE_PCPTYPES ||
			     buddy_mt >= MIGRATE_PCPTYPES))
				break;
		}
		if (!kheap_page_flag(buddy, PG_reported))
			fresh = false;
		__del_page_from_free_list(buddy, zone, order);
		if (buddy_mt != mt)
			set_pageblock_migratetype(buddy, mt);
		pfn &= buddy_pfn;	/* the lower of the two */
		page = pfn_to_page(pfn);
		order++;
	}
	set_buddy_order(page, order);
	/*
	 * To the tail if the caller asks, or if the block one order up is
	 * likely to merge soon (its buddy is free: the kernel's
	 * buddy_merge_likely()), to keep that memory out of use a while.
	 */
	bool to_tail = fpi_flags & FPI_TO_TAIL;
	if (!to_tail && order < MAX_PAGE_ORDER - 1) {
		unsigned long higher_pfn = pfn & ~((2UL << order) - 1);
		unsigned long higher_buddy = higher_pfn ^ (2UL << order);

		to_tail = page_is_buddy(zone, pfn_to_page(higher_buddy),
					higher_buddy, order + 1);
	}
	__add_to_free_list(page, zone, order, mt, to_tail);
	if (fresh) {
		page->flags |= 1UL << PG_reported;
		__mod_zone_page_state(zone, NR_ZONE_REPORTED, 1L << order);
	} else if (order >= kheap_config.page_reporting_order) {
		report_note_free(zone, order);
	}
}

/*
 * expand - split the block of order @high at @page down to order @low,
 * putting each upper half on the @mt free list.  Return: pages put back.
 */
static unsigned long expand(struct zone *zone, struct page *page,
			    unsigned int low, unsigned int high, int mt)
{
	unsigned long size = 1UL << high, nr_added = 0;

	while (high > low) {
		high--;
		size >>= 1;
		__add_to_free_list(&page[size], zone, high, mt, false);
		set_buddy_order(&page[size], high);
		nr_added += size;
	}
	return nr_added;
}

static void page_del_and_expand(struct zone *zone, struct page *page,
				unsigned int low, unsigned int high, int mt)
{
	long nr_pages = 1L << high;

	__del_page_from_free_list(page, zone, high);
	nr_pages -= (long)expand(zone, page, low, high, mt);
	account_freepages(zone, -nr_pages, mt);
	note_zone_peak(zone);
}

/* Take the smallest free block of type @mt that holds @order. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order,
				       int mt)
{
	for (unsigned int co = order; co < NR_PAGE_ORDERS; co++) {
		struct free_area *area = &zone->free_area[co];
		struct page *page = list_first_entry_or_null(&area->free_list[mt],
							     struct page,
							     buddy_list);
		if (!page)
			continue;
		page_del_and_expand(zone, page, order, co, mt);
		return page;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* migrate type fallback                                               */
/* ------------------------------------------------------------------ */

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	/* large blocks: claim the pageblock rather than fragment it */
	if (order >= pageblock_order / 2 ||
	    start_mt == MIGRATE_RECLAIMABLE || start_mt == MIGRATE_UNMOVABLE)
		return true;
	return false;
}

static int find_suitable_fallback(struct free_area *area, unsigned int order,
				  int mt, bool only_stealable, bool *can_steal)
{
	*can_steal = false;
	if (!area->nr_free)
		return -1;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int f = fallbacks[mt][i];

		if (free_area_empty(area, f))
			continue;
		if (can_steal_fallback(order, mt))
			*can_steal = true;
		if (!only_stealable || *can_steal)
			return f;
	}
	return -1;
}

/*
 * Move the free blocks of the pageblock holding @page from @old_mt to
 * @new_mt lists and count free and in-use pages; the pageblock type is set
 * when @commit.  Return: free pages in the pageblock.
 */
static unsigned long move_freepages_block(struct zone *zone, struct page *page,
					  int old_mt, int new_mt, bool commit)
{
	unsigned long start = page_to_pfn(page) & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages;
	unsigned long pfn = start, free = 0;

	if (start < zone->zone_start_pfn || end > zone->online_end_pfn)
		return 0;
	while (pfn < end) {
		struct page *p = pfn_to_page(pfn);

		if (!PageBuddy(p)) {
			pfn++;
			continue;
		}
		unsigned int order = buddy_order(p);
		if (commit) {
			list_move(&p->buddy_list,
				  &zone->free_area[order].free_list[new_mt]);
		}
		free += 1UL << order;
		pfn += 1UL << order;
	}
	(void)old_mt;
	if (commit)
		set_pageblock_migratetype(page, new_mt);
	return free;
}

/* Claim the pageblock(s) of a free block found on a fallback list. */
static struct page *steal_suitable_fallback(struct zone *zone,
					    struct page *page,
					    unsigned int current_order,
					    unsigned int order, int start_type,
					    bool whole_block)
{
	int block_type = get_pageblock_migratetype(page);

	if (block_type == MIGRATE_HIGHATOMIC)
		goto single_page;

	/* a whole free pageblock or more: change its type wholesale */
	if (current_order >= pageblock_order) {
		del_page_from_free_list(page, zone, current_order, block_type);
		for (unsigned long i = 0; i < (1UL << current_order);
		     i += pageblock_nr_pages)
			set_pageblock_migratetype(page + i, start_type);
		account_freepages(zone, (long)expand(zone, page, order,
						     current_order, start_type),
				  start_type);
		return page;
	}
	if (!whole_block)
		goto single_page;

	unsigned long free = move_freepages_block(zone, page, block_type,
						  start_type, false);
	unsigned long alike = 0;
	if (block_type == MIGRATE_MOVABLE && start_type != MIGRATE_MOVABLE)
		alike = pageblock_nr_pages - free;	/* no LRU: none movable */
	if (free + alike >= (1UL << (pageblock_order - 1))) {
		move_freepages_block(zone, page, block_type, start_type, true);
		return __rmqueue_smallest(zone, order, start_type);
	}
single_page:
	page_del_and_expand(zone, page, order, current_order, block_type);
	return page;
}

static struct page *__rmqueue_fallback(struct zone *zone, unsigned int order,
				       int start_mt)
{
	struct free_area *area;
	int current_order, fallback_mt;
	bool can_steal;

	/* largest block first, to keep types apart in whole pageblocks */
	for (current_order = MAX_PAGE_ORDER; current_order >= (int)order;
	     current_order--) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order,
						     start_mt, false, &can_steal);
		if (fallback_mt == -1)
			continue;
		/* movable requests take small blocks rather than split large */
		if (!can_steal && start_mt == MIGRATE_MOVABLE &&
		    current_order > (int)order)
			goto find_smallest;
		goto do_steal;
	}
	return NULL;

find_smallest:
	for (current_order = order; current_order < NR_PAGE_ORDERS;
	     current_order++) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order,
						     start_mt, false, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (current_order == NR_PAGE_ORDERS)
		return NULL;
do_steal: ;
	struct page *page = list_first_entry(&area->free_list[fallback_mt],
					     struct page, buddy_list);
	return steal_suitable_fallback(zone, page, current_order, order,
				       start_mt, can_steal);
}

/* ------------------------------------------------------------------ */
/* the highatomic reserve                                              */
/* ------------------------------------------------------------------ */

/*
 * reserve_highatomic_pageblock - after a successful high-order atomic
 * allocation, set its pageblock aside as MIGRATE_HIGHATOMIC so that later
 * high-order atomic requests find free blocks there; at most ~1% of the zone
 * (none if 1% is below a pageblock), as the kernel's.
 */
static void reserve_highatomic_pageblock(struct page *page, unsigned int order,
					 struct zone *zone)
{
	unsigned long max_managed;
	int mt;

	unsigned long managed = READ_ONCE(zone->managed_pages);

	if (managed / 100 < pageblock_nr_pages)
		return;
	max_managed = ALIGN(managed / 100, pageblock_nr_pages);
	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed)
		return;
	kh_lock(&zone->lock);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out;
	mt = get_pageblock_migratetype(page);
	if (mt >= MIGRATE_PCPTYPES)	/* only mergeable types */
		goto out;
	if (order < pageblock_order) {
		move_freepages_block(zone, page, mt, MIGRATE_HIGHATOMIC, true);
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + pageblock_nr_pages);
	} else {
		for (unsigned long i = 0; i < (1UL << order); i += pageblock_nr_pages)
			set_pageblock_migratetype(page + i, MIGRATE_HIGHATOMIC);
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + (1UL << order));
	}
out:
	kh_unlock(&zone->lock);
}

/*
 * unreserve_highatomic_pageblock - give one highatomic pageblock back to
 * @mt when memory is short; with @force even the last one.  Return: true if
 * a pageblock was released.
 */
static bool unreserve_highatomic_pageblock(int highest_zoneidx, int mt,
					   bool force)
{
	for (int zi = highest_zoneidx; zi >= 0; zi--) {
		struct zone *zone = &kheap_zones[zi];

		if (!populated_zone(zone) ||
		    (!force && READ_ONCE(zone->nr_reserved_highatomic) <=
				       pageblock_nr_pages))
			continue;
		kh_lock(&zone->lock);
		for (unsigned int order = 0; order < NR_PAGE_ORDERS; order++) {
			struct page *page = list_first_entry_or_null(
				&zone->free_area[order].free_list[MIGRATE_HIGHATOMIC],
				struct page, buddy_list);
			unsigned long size;

			if (!page)
				continue;
			size = max(pageblock_nr_pages, 1UL << order);
			size = min(size, zone->nr_reserved_highatomic);
			WRITE_ONCE(zone->nr_reserved_highatomic,
				   zone->nr_reserved_highatomic - size);
			if (order < pageblock_order) {
				move_freepages_block(zone, page, MIGRATE_HIGHATOMIC,
						     mt, true);
			} else {
				list_move(&page->buddy_list,
					  &zone->free_area[order].free_list[mt]);
				for (unsigned long i = 0; i < (1UL << order);
				     i += pageblock_nr_pages)
					set_pageblock_migratetype(page + i, mt);
			}
			kh_unlock(&zone->lock);
			return true;
		}
		kh_unlock(&zone->lock);
	}
	return false;
}

static int zone_grow(struct zone *zone);
static void online_update(void);

/*
 * __rmqueue - one block of @order and type @mt from the buddy lists: own
 * type, then fallback types, then hot-add the zone's next section and try
 * again.  Called with zone->lock held.
 */
static struct page *__rmqueue(struct zone *zone, unsigned int order, int mt)
{
	struct page *page;

	lockdep_assert_held(&zone->lock);

	do {
		page = __rmqueue_smallest(zone, order, mt);
		if (!page)
			page = __rmqueue_fallback(zone, order, mt);
	} while (!page && zone_grow(zone) == 0);
	return page;
}

/* ------------------------------------------------------------------ */
/* memory hot-add                                                      */
/* ------------------------------------------------------------------ */

/* Free [start, end) into the buddy lists in maximal aligned blocks. */
static void __free_pfn_range(struct zone *zone, unsigned long start,
			     unsigned long end)
{
	while (start < end) {
		unsigned int order = MAX_PAGE_ORDER;

		while (order && ((start & ((1UL << order) - 1)) ||
				 start + (1UL << order) > end))
			order--;
		struct page *page = pfn_to_page(start);
		__free_one_page(page, start, zone, order,
				get_pageblock_migratetype(page),
				FPI_TO_TAIL | FPI_FRESH);
		start += 1UL << order;
	}
}

/*
 * zone_grow - hot-add the next section (or the part of it in @zone) and put
 * its pages on the free lists.  Called with zone->lock held.
 * Return: 0, or -ENOMEM when the zone is fully online or the OS refused.
 */
static int zone_grow(struct zone *zone)
{
	unsigned long start = zone->online_end_pfn;
	unsigned long zend = zone->zone_start_pfn + zone->spanned_pages;

	lockdep_assert_held(&zone->lock);

	if (start >= zend)
		return -ENOMEM;
	unsigned long sec = pfn_to_section_nr(start);
	unsigned long end = min(zend, section_nr_to_pfn(sec + 1));
	if (memmap_commit_section(sec))
		return -ENOMEM;
	WRITE_ONCE(zone->online_end_pfn, end);
	__free_pfn_range(zone, start, end);
	online_update();
	return 0;
}

/* ------------------------------------------------------------------ */
/* per-CPU page lists                                                  */
/* ------------------------------------------------------------------ */

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order;
}

static inline unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (mt == MIGRATE_MOVABLE);
	return MIGRATE_PCPTYPES * order + (unsigned int)mt;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return pageblock_order;
	return pindex / MIGRATE_PCPTYPES;
}

static inline struct per_cpu_pages *this_cpu_pcp(struct zone *zone)
{
	return &zone->pcp[os_cpu()];
}

/*
 * free_pcppages_bulk - give @count pages from @pcp back to the buddy lists,
 * round-robin over the lists from @pindex.  Called with pcp->lock held.
 */
static void free_pcppages_bulk(struct zone *zone, int count,
			       struct per_cpu_pages *pcp, int pindex)
{
	lockdep_assert_held(&pcp->lock);
	count = min(pcp->count, count);
	if (count <= 0)
		return;
	pindex--;
	kh_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		do {
			if (++pindex > NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));
		order = pindex_to_order((unsigned int)pindex);
		do {
			struct page *page = list_last_entry(list, struct page,
							    pcp_list);
			unsigned long pfn = page_to_pfn(page);

			list_del(&page->pcp_list);
			page->flags &= ~(1UL << PG_on_pcp);
			count -= 1 << order;
			WRITE_ONCE(pcp->count, pcp->count - (1 << order));
			__free_one_page(page, pfn, zone, order,
					get_pageblock_migratetype(page),
					FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	kh_unlock(&zone->lock);
	report_run_if_due(zone);
}

static int nr_pcp_high(struct per_cpu_pages *pcp, int batch, bool free_high)
{
	int high_min = READ_ONCE(pcp->high_min), high_max = READ_ONCE(pcp->high_max);
	int high = clamp(pcp->high, high_min, high_max);

	WRITE_ONCE(pcp->high, high);
	if (!high)
		return 0;
	if (free_high) {
		WRITE_ONCE(pcp->high, max(high - (batch << CONFIG_PCP_BATCH_SCALE_MAX),
					  high_min));
		return 0;
	}
	if (high_min == high_max)
		return high;
	if (pcp->count >= high) {
		int need = pcp->free_count + batch;

		if (pcp->high < need)
			WRITE_ONCE(pcp->high, clamp(need, high_min, high_max));
	}
	return high;
}

static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high,
		       bool free_high)
{
	if (free_high)
		return min(pcp->count, batch << CONFIG_PCP_BATCH_SCALE_MAX);
	if (high < batch)
		return 1;
	return clamp((int)pcp->free_count, batch, high - batch);
}

static int nr_pcp_alloc(struct per_cpu_pages *pcp, unsigned int order)
{
	int base_batch = READ_ONCE(pcp->batch), batch, high, max_nr;
	int high_min = READ_ONCE(pcp->high_min), high_max = READ_ONCE(pcp->high_max);

	high = clamp(pcp->high, high_min, high_max);
	WRITE_ONCE(pcp->high, high);
	if (high < base_batch)
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (high_min != high_max) {
		high = min(high + batch, high_max);
		WRITE_ONCE(pcp->high, high);
	}
	if (!order) {
		max_nr = max(high - pcp->count - base_batch, base_batch);
		if (batch <= max_nr &&
		    pcp->alloc_factor < CONFIG_PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

/* vmstat_update()'s period (sysctl_stat_interval = HZ) */
#define PCP_DECAY_INTERVAL_NS	1000000000ULL

/*
 * decay_pcp_high - lower a tuned high mark by an eighth, towards high_min
 * and never below count - 32 batches, and drain what lies above it, as
 * v6.12's decay_pcp_high() does each second.  Called with pcp->lock held.
 */
static void decay_pcp_high(struct zone *zone, struct per_cpu_pages *pcp)
{
	int high_min = READ_ONCE(pcp->high_min), batch = READ_ONCE(pcp->batch);

	lockdep_assert_held(&pcp->lock);

	if (pcp->high > high_min)
		WRITE_ONCE(pcp->high,
			   max(max(pcp->count - (batch << CONFIG_PCP_BATCH_SCALE_MAX),
				   pcp->high - (pcp->high >> 3)), high_min));
	if (pcp->count > pcp->high)
		free_pcppages_bulk(zone, pcp->count - pcp->high, pcp, 0);
}

/*
 * pcp_decay_tick - count a free to @pcp (lock held); true when the zone's
 * decay pass is due, for the caller to run after unlocking.  Frees only:
 * a list that holds pages it does not need is one that gets freed to.
 */
static inline bool pcp_decay_tick(struct zone *zone, struct per_cpu_pages *pcp)
{
	lockdep_assert_held(&pcp->lock);
	if (likely(++pcp->decay_tick & 63))
		return false;
	return os_ns() >= __atomic_load_n(&zone->pcp_decay_ns, __ATOMIC_RELAXED);
}

/* The vmstat worker's pass over every CPU's list of @zone (no pcp held). */
static __noinline __cold void pcp_decay_zone(struct zone *zone)
{
	unsigned long long due = __atomic_load_n(&zone->pcp_decay_ns,
						 __ATOMIC_RELAXED);
	unsigned long long now = os_ns();

	/* one thread runs a pass; the others see the next due time */
	if (now < due ||
	    !__atomic_compare_exchange_n(&zone->pcp_decay_ns, &due,
					 now + PCP_DECAY_INTERVAL_NS, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	for (unsigned int cpu = 0; cpu < nr_pcp_cpus; cpu++) {
		struct per_cpu_pages *pcp = &zone->pcp[cpu];

		if (!kh_trylock(&pcp->lock))
			continue;
		decay_pcp_high(zone, pcp);
		kh_unlock(&pcp->lock);
	}
}

/* Put @page on this CPU's list; drain a batch when above high. */
static void free_unref_page_commit(struct zone *zone,
				   struct per_cpu_pages *pcp,
				   struct page *page, int mt,
				   unsigned int order)
{
	int high, batch = READ_ONCE(pcp->batch);
	unsigned int pindex = order_to_pindex(mt, order);
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	page->flags |= 1UL << PG_on_pcp;
	list_add(&page->pcp_list, &pcp->lists[pindex]);
	WRITE_ONCE(pcp->count, pcp->count + (1 << order));
	WRITE_ONCE(pcp->pgfree, pcp->pgfree + (1UL << order));

	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) ||
			     pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else if (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << CONFIG_PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = nr_pcp_high(pcp, batch, free_high);
	if (pcp->count >= high)
		free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high,
						     free_high),
				   pcp, (int)pindex);
}

/*
 * rmqueue_bulk - move @count blocks of @order from the buddy lists to
 * @list.  Return: blocks moved.
 */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count,
			struct list_head *list, int mt,
			unsigned int alloc_flags)
{
	int i;

	kh_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, mt);

		if (!page)
			break;
		page->flags |= 1UL << PG_on_pcp;
		list_add_tail(&page->pcp_list, list);
	}
	kh_unlock(&zone->lock);
	return i;
}

/* A block from @pcp's list (pcp->lock held), refilled from the buddy. */
static struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order,
				      int mt, unsigned int alloc_flags,
				      struct per_cpu_pages *pcp)
{
	struct list_head *list = &pcp->lists[order_to_pindex(mt, order)];
	struct page *page;

	lockdep_assert_held(&pcp->lock);

	if (list_empty(list)) {
		int batch = nr_pcp_alloc(pcp, order);
		int got = rmqueue_bulk(zone, order, batch, list, mt,
				       alloc_flags);
		WRITE_ONCE(pcp->count, pcp->count + (got << order));
		if (!got)
			return NULL;
	}
	page = list_first_entry(list, struct page, pcp_list);
	list_del(&page->pcp_list);
	page->flags &= ~(1UL << PG_on_pcp);
	WRITE_ONCE(pcp->count, pcp->count - (1 << order));
	WRITE_ONCE(pcp->pgalloc, pcp->pgalloc + (1UL << order));
	return page;
}

static struct page *rmqueue_pcplist(struct zone *zone, unsigned int order,
				    int mt, unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp = this_cpu_pcp(zone);
	struct page *page;

	if (!kh_trylock(&pcp->lock))
		return NULL;	/* held by a migrated thread or a drain */
	pcp->free_count >>= 1;
	page = __rmqueue_pcplist(zone, order, mt, alloc_flags, pcp);
	kh_unlock(&pcp->lock);
	return page;
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order,
				  int mt, unsigned int alloc_flags)
{
	struct page *page = NULL;

	kh_lock(&zone->lock);
	if (alloc_flags & ALLOC_HIGHATOMIC)
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	if (!page)
		page = __rmqueue(zone, order, mt);
	/* atomic and OOM requests may take the reserve as a last resort */
	if (!page && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	if (page)
		WRITE_ONCE(zone->pgalloc, zone->pgalloc + (1UL << order));
	kh_unlock(&zone->lock);
	return page;
}

static struct page *rmqueue(struct zone *zone, unsigned int order, int mt,
			    unsigned int alloc_flags)
{
	struct page *page = NULL;

	if (likely(pcp_allowed_order(order)))
		page = rmqueue_pcplist(zone, order, mt, alloc_flags);
	if (!page)
		page = rmqueue_buddy(zone, order, mt, alloc_flags);
	return page;
}

/* ------------------------------------------------------------------ */
/* watermarks                                                          */
/* ------------------------------------------------------------------ */

static bool __zone_watermark_ok(struct zone *z, unsigned int order,
				unsigned long mark, int highest_zoneidx,
				unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;

	free_pages -= (1L << order) - 1;
	if (!(alloc_flags & ALLOC_RESERVES))
		free_pages -= (long)READ_ONCE(z->nr_reserved_highatomic);
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;
	/* memory not yet hot-added comes as MAX_PAGE_ORDER blocks */
	if (zone_uncommitted_pages(z) >= (1UL << order))
		return true;
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!free_area_empty(area, mt))
				return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !free_area_empty(area, MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

static bool zone_watermark_ok(struct zone *z, unsigned int order,
			      unsigned long mark, int highest_zoneidx,
			      unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx,
				   alloc_flags, (long)zone_free_pages(z));
}

/* ------------------------------------------------------------------ */
/* new pages                                                           */
/* ------------------------------------------------------------------ */

static void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order;

	page->flags |= 1UL << PG_head;
	for (unsigned long i = 1; i < nr; i++) {
		struct page *p = page + i;

		p->flags = 0;
		p->compound_head = (unsigned long)page + 1;
		p->_refcount = 0;
	}
	page[1].flags = (page[1].flags & ~0xffUL) | order;
}

/* ------------------------------------------------------------------ */
/* page poisoning (mm/page_poison.c, page_poison=)                     */
/* ------------------------------------------------------------------ */

/*
 * A free page kheap filled with PAGE_POISON.  The kernel poisons every free
 * page (boot memory goes through the free path too); kheap's hot-added and
 * reported memory is never written and reads zero, so the pages that hold
 * poison are marked, and only those are checked.
 */
#define PG_poisoned	PG_referenced

bool page_poisoning;		/* page_poison=1, fixed at initialisation */

/* kernel_poison_pages(): fill @n pages being freed, and mark them. */
static void kernel_poison_pages(struct page *page, unsigned long n)
{
	memset(page_address(page), PAGE_POISON, n << PAGE_SHIFT);
	for (unsigned long i = 0; i < n; i++)
		page[i].flags |= 1UL << PG_poisoned;
}

static bool single_bit_flip(unsigned char a, unsigned char b)
{
	unsigned char error = a ^ b;

	return error && !(error & (error - 1));
}

/* Ten reports in five seconds, as the kernel's ratelimit state. */
static bool poison_ratelimit(void)
{
	static unsigned long long begin;
	static int printed;
	unsigned long long now = os_ns();

	if (now - __atomic_load_n(&begin, __ATOMIC_RELAXED) > 5000000000ULL) {
		__atomic_store_n(&begin, now, __ATOMIC_RELAXED);
		__atomic_store_n(&printed, 0, __ATOMIC_RELAXED);
	}
	return __atomic_fetch_add(&printed, 1, __ATOMIC_RELAXED) < 10;
}

/* check_poison_mem(): a poisoned page about to be handed out. */
static __noinline __cold void check_poison_mem(struct page *page)
{
	unsigned char *mem = page_address(page), *start, *end;

	start = memchr_inv(mem, PAGE_POISON, PAGE_SIZE);
	if (!start)
		return;
	for (end = mem + PAGE_SIZE - 1; end > start; end--)
		if (*end != PAGE_POISON)
			break;
	if (!poison_ratelimit())
		return;
	if (start == end && single_bit_flip(*start, PAGE_POISON))
		pr_err("pagealloc: single bit error\n");
	else
		pr_err("pagealloc: memory corruption\n");
	kheap_print_hex_dump("", true, start, (size_t)(end - start + 1));
	dump_stack();
	pr_err("page: refcount:%d mapcount:0 mapping:%p index:%#lx pfn:%#lx\n",
	       page_ref_count(page), page->mapping, page->index,
	       page_to_pfn(page));
	pr_err("flags: %#lx page_type: %#x\n", page->flags, page->page_type);
	pr_err("page dumped because: pagealloc: corrupted page details\n");
}

/* kernel_unpoison_pages(): check the marked pages of a block, unmark. */
static void kernel_unpoison_pages(struct page *page, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		if (!(page[i].flags & (1UL << PG_poisoned)))
			continue;
		page[i].flags &= ~(1UL << PG_poisoned);
		check_poison_mem(page + i);
	}
}

/* Reported memory reads zero: it holds no poison any more. */
static void unmark_poisoned(struct page *page, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		page[i].flags &= ~(1UL << PG_poisoned);
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	page->flags &= ~((1UL << PG_head) | (1UL << PG_reported));
	page->mapping = NULL;
	page->index = 0;
	page->private = 0;
	page->memcg_data = 0;
	__atomic_store_n(&page->_refcount, 1, __ATOMIC_RELAXED);
	if (unlikely(page_poisoning))
		kernel_unpoison_pages(page, 1UL << order);
	if (unlikely(gfp & __GFP_FRAMES_ONLY))
		page->flags |= 1UL << PG_frames_only;
	else if (!want_init_on_free() && want_init_on_alloc(gfp))
		memset(page_address(page), 0, PAGE_SIZE << order);
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
}

/*
 * get_page_from_freelist - try each zone of the zonelist, highest first,
 * whose watermark @alloc_flags allows.
 */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags,
					   int highest_zoneidx, int mt)
{
	for (int zi = highest_zoneidx; zi >= 0; zi--) {
		struct zone *zone = &kheap_zones[zi];
		struct page *page;

		if (!populated_zone(zone))
			continue;
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			unsigned long mark = wmark_pages(zone,
						alloc_flags & ALLOC_WMARK_MASK);
			if (!zone_watermark_ok(zone, order, mark,
					       highest_zoneidx, alloc_flags))
				continue;
		}
		page = rmqueue(zone, order, mt, alloc_flags);
		if (page) {
			prep_new_page(page, order, gfp);
			if (unlikely(order && (alloc_flags & ALLOC_HIGHATOMIC)))
				reserve_highatomic_pageblock(page, order, zone);
			return page;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* slow path                                                           */
/* ------------------------------------------------------------------ */

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	alloc_flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			alloc_flags |= ALLOC_NON_BLOCK;
			if (order > 0 && (alloc_flags & ALLOC_MIN_RESERVE))
				alloc_flags |= ALLOC_HIGHATOMIC;
		}
		if (alloc_flags & ALLOC_MIN_RESERVE)
			alloc_flags &= ~ALLOC_CPUSET;
	}
	return alloc_flags;
}

static unsigned long long warn_alloc_last;

static void warn_alloc(gfp_t gfp, unsigned int order)
{
	char names[256];

	if ((gfp & __GFP_NOWARN) ||
	    !kheap_ratelimit(&warn_alloc_last, 10ULL * 1000000000ULL))
		return;
	kheap_format_gfp(names, sizeof(names), gfp);
	pr_warn("%s: page allocation failure: order:%u, mode:%#x(%s), nodemask=(null)\n",
		kheap_comm(), order, gfp, names);
	dump_stack();
	show_free_areas(stderr);
}

/*
 * should_reclaim_retry - as the kernel's: give up after MAX_RECLAIM_RETRIES
 * rounds without progress, or when even all reclaimable memory could not
 * meet the min watermark.
 */
static bool should_reclaim_retry(unsigned int order, int highest_zoneidx,
				 int mt, unsigned int alloc_flags, bool progress,
				 int *no_progress_loops)
{
	if (progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES) {
		/* before giving up, exhaust the highatomic reserve */
		return unreserve_highatomic_pageblock(highest_zoneidx, mt, true);
	}
	for (int zi = highest_zoneidx; zi >= 0; zi--) {
		struct zone *zone = &kheap_zones[zi];

		if (!populated_zone(zone))
			continue;
		if (__zone_watermark_ok(zone, order, wmark_pages(zone, WMARK_MIN),
					highest_zoneidx, alloc_flags,
					(long)zone_free_pages(zone) +
					(long)zone_pcp_pages(zone)))
			return progress;
	}
	return false;
}

/* Sleep until some thread frees pages, or 100 ms pass. */
static void wait_for_free_pages(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&nofail_lock);
	__atomic_fetch_add(&nofail_waiters, 1, __ATOMIC_SEQ_CST);
	pthread_cond_timedwait(&nofail_cond, &nofail_lock, &ts);
	__atomic_fetch_sub(&nofail_waiters, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&nofail_lock);
}

void page_alloc_wake_waiters(void)
{
	pthread_mutex_lock(&nofail_lock);
	pthread_cond_broadcast(&nofail_cond);
	pthread_mutex_unlock(&nofail_lock);
}

static inline void wake_nofail_waiters(void)
{
	if (unlikely(__atomic_load_n(&nofail_waiters, __ATOMIC_RELAXED)))
		page_alloc_wake_waiters();
}

static __noinline __cold struct page *
__alloc_pages_slowpath(gfp_t gfp, unsigned int order, int highest_zoneidx,
		       int mt)
{
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	int no_progress_loops = 0;
	struct page *page;

retry:
	page = get_page_from_freelist(gfp, order, alloc_flags,
				      highest_zoneidx, mt);
	if (page)
		return page;
	if (!can_direct_reclaim)
		goto nopage;

	/* direct reclaim: pcp lists, shrinkers, slab caches */
	count_vm_events(ALLOCSTALL_DMA + highest_zoneidx, 1);
	unsigned long progress = try_to_free_pages(gfp, order);
	page = get_page_from_freelist(gfp, order, alloc_flags,
				      highest_zoneidx, mt);
	if (!page && unreserve_highatomic_pageblock(highest_zoneidx, mt, false))
		page = get_page_from_freelist(gfp, order, alloc_flags,
					      highest_zoneidx, mt);
	if (page)
		return page;

	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly_order && !(gfp & __GFP_RETRY_MAYFAIL))
		goto nopage;
	if (should_reclaim_retry(order, highest_zoneidx, mt, alloc_flags,
				 progress != 0, &no_progress_loops))
		goto retry;
	/*
	 * Here the kernel would invoke the OOM killer.  In one process there
	 * is nothing to kill, so the request fails (or, with __GFP_NOFAIL,
	 * waits for memory below).
	 */
nopage:
	if (gfp & __GFP_NOFAIL) {
		/* __GFP_NOFAIL may dip into the reserves, as the kernel's */
		page = get_page_from_freelist(gfp, order,
					      ALLOC_MIN_RESERVE | ALLOC_WMARK_MIN,
					      highest_zoneidx, mt);
		if (page)
			return page;
		wait_for_free_pages();
		no_progress_loops = 0;
		goto retry;
	}
	warn_alloc(gfp, order);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* allocation API                                                      */
/* ------------------------------------------------------------------ */

/* __alloc_pages() after the order check and fault injection. */
static struct page *__alloc_pages_noprep(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	int highest_zoneidx = gfp_zone(gfp);
	int mt = gfp_migratetype(gfp);
	struct page *page;

	if (unlikely(mt >= MIGRATE_PCPTYPES))
		mt = MIGRATE_MOVABLE;	/* both mobility bits: kernel warns */
	page = get_page_from_freelist(gfp, order, alloc_flags, highest_zoneidx,
				      mt);
	if (likely(page))
		return page;
	return __alloc_pages_slowpath(gfp, order, highest_zoneidx, mt);
}

/* The kernel's prepare_alloc_pages(): checks made once per request. */
static bool prepare_alloc_pages(gfp_t *gfp, unsigned int order)
{
	if (unlikely(order > MAX_PAGE_ORDER)) {
		static int warned;	/* WARN_ON_ONCE_GFP(), as the kernel's */

		if (!(*gfp & __GFP_NOWARN) &&
		    !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED)) {
			pr_warn("WARNING: %s: alloc_pages order %u > MAX_PAGE_ORDER (%d)\n",
				kheap_comm(), order, MAX_PAGE_ORDER);
			dump_stack();
		}
		return false;
	}
	kheap_ensure_init();
	*gfp &= __GFP_BITS_MASK | __GFP_FRAMES_ONLY;
	return !should_fail_alloc_page(*gfp, order);
}

/**
 * __alloc_pages - allocate 2^@order contiguous pages
 * @gfp: GFP flags; zone, mobility, reclaim and action modifiers apply
 * @order: 0..MAX_PAGE_ORDER
 * @preferred_nid: ignored (one node)
 * @nodemask: ignored
 *
 * Return: the first page, with a reference count of 1, or NULL.
 */
struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid,
			   void *nodemask)
{
	struct page *page;

	(void)preferred_nid;
	(void)nodemask;
	if (unlikely(!prepare_alloc_pages(&gfp, order)))
		return NULL;
	page = __alloc_pages_noprep(gfp, order);
	trace_mm_page_alloc(page, order, gfp, gfp_migratetype(gfp));
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return __alloc_pages(gfp, order, 0, NULL);
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	return __alloc_pages(gfp, order, nid, NULL);
}

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page = alloc_pages(gfp_mask & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

/*
 * alloc_pages_bulk_pcp - the kernel's __alloc_pages_bulk() fast path: the
 * first zone whose low watermark stays met after all @nr_pages, and its
 * per-CPU list under one lock for the lot.  Fills entries from @n on;
 * returns how far the array is filled.  Anything left goes page by page.
 */
static unsigned long alloc_pages_bulk_pcp(gfp_t gfp, unsigned long nr_pages,
					  struct page **page_array,
					  unsigned long n)
{
	int highest_zoneidx = gfp_zone(gfp), mt = gfp_migratetype(gfp);
	struct per_cpu_pages *pcp;
	struct zone *zone = NULL;

	if (unlikely(mt >= MIGRATE_PCPTYPES))
		mt = MIGRATE_MOVABLE;
	for (int zi = highest_zoneidx; zi >= 0; zi--) {
		struct zone *z = &kheap_zones[zi];

		if (populated_zone(z) &&
		    zone_watermark_ok(z, 0, wmark_pages(z, WMARK_LOW) + nr_pages,
				      highest_zoneidx, ALLOC_WMARK_LOW)) {
			zone = z;
			break;
		}
	}
	if (!zone)
		return n;
	pcp = this_cpu_pcp(zone);
	if (!kh_trylock(&pcp->lock))
		return n;
	for (; n < nr_pages; n++) {
		struct page *page;

		if (page_array[n])
			continue;
		page = __rmqueue_pcplist(zone, 0, mt, ALLOC_WMARK_LOW, pcp);
		if (!page)
			break;
		prep_new_page(page, 0, gfp);
		page_array[n] = page;
	}
	kh_unlock(&pcp->lock);
	return n;
}

/**
 * alloc_pages_bulk_array - fill the NULL entries of @page_array with order-0
 * pages.  As the kernel's, the request is prepared (and may be failed by
 * fault injection) once, not once per page, and served from one zone's
 * per-CPU list under one lock while it can be.
 * Return: the number of entries that hold a page afterwards (counting from
 * the start of the array, up to the first that could not be filled).
 */
unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages,
				     struct page **page_array)
{
	unsigned long n = 0;

	while (n < nr_pages && page_array[n])
		n++;
	if (n == nr_pages || !prepare_alloc_pages(&gfp, 0))
		return n;
	if (nr_pages - n > 1)
		n = alloc_pages_bulk_pcp(gfp, nr_pages, page_array, n);
	for (unsigned long i = n; i < nr_pages; i++) {
		if (!page_array[i]) {
			page_array[i] = __alloc_pages_noprep(gfp | __GFP_NOWARN, 0);
			if (!page_array[i])
				break;
		}
		n++;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* freeing                                                             */
/* ------------------------------------------------------------------ */

/*
 * bad_page - the kernel's report of a page in a state it must not be freed
 * in, rate-limited as the kernel does (a burst of 60, then quiet for the
 * rest of that minute).  The page is left as it is: its block is not freed.
 */
static __noinline __cold void bad_page(struct page *page, const char *reason)
{
	static unsigned long long resume_ns;
	static unsigned long nr_shown, nr_unshown;
	unsigned long long now = os_ns();

	if (__atomic_load_n(&nr_shown, __ATOMIC_RELAXED) >= 60) {
		if (now < __atomic_load_n(&resume_ns, __ATOMIC_RELAXED)) {
			__atomic_fetch_add(&nr_unshown, 1, __ATOMIC_RELAXED);
			return;
		}
		if (nr_unshown) {
			pr_err("BUG: Bad page state: %lu messages suppressed\n",
			       nr_unshown);
			nr_unshown = 0;
		}
		nr_shown = 0;
	}
	if (__atomic_fetch_add(&nr_shown, 1, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&resume_ns, now + 60000000000ULL,
				 __ATOMIC_RELAXED);
	pr_err("BUG: Bad page state in process %s  pfn:%05lx\n", kheap_comm(),
	       page_to_pfn(page));
	pr_err("page: refcount:%d mapcount:0 mapping:%p index:%#lx pfn:%#lx\n",
	       page_ref_count(page), page->mapping, page->index,
	       page_to_pfn(page));
	pr_err("flags: %#lx page_type: %#x\n", page->flags, page->page_type);
	pr_err("page dumped because: %s\n", reason);
	dump_stack();
	kheap_check_panic_on_warn("Bad page state");
}

/* True if @page can be a page kheap handed out (not free, in range). */
static bool page_in_memmap(const struct page *page)
{
	unsigned long pfn;

	if ((unsigned long)page < vmemmap_base ||
	    ((unsigned long)page - vmemmap_base) % sizeof(struct page))
		return false;
	pfn = page_to_pfn(page);
	return pfn < max_pfn && pfn_section_online(pfn);
}

/* The kernel's PAGE_FLAGS_CHECK_AT_FREE (include/linux/page-flags.h, v6.12). */
#define PAGE_FLAGS_CHECK_AT_FREE					\
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_private |		\
	 1UL << PG_private_2 | 1UL << PG_writeback | 1UL << PG_reserved | \
	 1UL << PG_active | 1UL << PG_unevictable)

/*
 * page_bad_reason - why @page, inside a non-compound block being freed
 * (not its first page), is not free to go: v6.12's page_bad_reason() for
 * PAGE_FLAGS_CHECK_AT_FREE (a typed page, PageBuddy or PageSlab, counts as
 * a mapcount, as in the kernel), plus kheap's pages of another compound
 * block or on a per-CPU list.  NULL when it is fine.  The page may be
 * another thread's: a racy read, good enough to catch a wrong order.
 */
static const char *page_bad_reason(const struct page *page)
{
	unsigned long flags = READ_ONCE(page->flags);

	if (flags & (1UL << PG_on_pcp))
		return "page is already free (on a per-CPU list)";
	if (READ_ONCE(page->page_type))
		return PageBuddy(page) ? "page is already free (PageBuddy)"
				       : "nonzero mapcount";
	if (READ_ONCE(page->mapping))
		return "non-NULL mapping";
	if (__atomic_load_n(&page->_refcount, __ATOMIC_RELAXED))
		return "nonzero _refcount";
	if (flags & PAGE_FLAGS_CHECK_AT_FREE)
		return "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	if ((flags & (1UL << PG_head)) || (READ_ONCE(page->compound_head) & 1))
		return "part of a compound page";
	return NULL;
}

/*
 * free_range_ok - may @page go back as a block of @order?  The kernel's
 * checks of free_pages_prepare() with check_pages_enabled (init_on_alloc,
 * on in distribution kernels), which look at every page of the block: the
 * block is aligned to its order; a compound head has this order and tails
 * that point at it; every other page of a non-compound block is neither
 * live nor free (page_bad_reason()), so a free with a larger order than
 * was allocated, whose range takes in neighbours, is caught.  Each bad page
 * is reported; false if there was any.
 */
static bool free_range_ok(struct page *page, unsigned int order)
{
	int bad = 0;

	/* the kernel's VM_BUG_ON_PAGE() in __free_one_page(), reported */
	if (unlikely(page_to_pfn(page) & ((1UL << order) - 1))) {
		bad_page(page, "block not aligned to its order");
		return false;
	}
	if (PageHead(page)) {
		if (unlikely(compound_order(page) != order)) {
			bad_page(page, "compound order mismatch");
			return false;
		}
		for (unsigned long i = 1; i < (1UL << order); i++) {
			if (unlikely(page[i].compound_head !=
				     (unsigned long)page + 1)) {
				bad_page(page + i, "PageTail not set");
				bad++;
			}
		}
		return !bad;
	}
	for (unsigned long i = 1; i < (1UL << order); i++) {
		const char *why = page_bad_reason(page + i);

		if (unlikely(why)) {
			bad_page(page + i, why);
			bad++;
		}
	}
	return !bad;
}

/*
 * free_pages_prepare - check and clean a block being freed; false if it is
 * in a bad state (reported, and then not freed: leaking is safer than
 * corrupting the free lists).
 */
static bool free_pages_prepare(struct page *page, unsigned int order)
{
	if (unlikely(PageBuddy(page) || PageTail(page) ||
		     page->page_type || page->mapping)) {
		bad_page(page, PageBuddy(page) ? "page is already free (PageBuddy)"
					       : "non-NULL mapping or page type");
		return false;
	}
	if (unlikely(order) && unlikely(!free_range_ok(page, order)))
		return false;
	if (PageHead(page)) {
		for (unsigned long i = 1; i < (1UL << order); i++) {
			page[i].compound_head = 0;
			page[i].flags = 0;
		}
	}
	trace_mm_page_free(page, order);
	if (!(page->flags & (1UL << PG_frames_only))) {
		if (unlikely(page_poisoning))
			kernel_poison_pages(page, 1UL << order);
		else if (want_init_on_free())
			memset(page_address(page), 0, PAGE_SIZE << order);
	}
	page->flags &= ~((1UL << PG_head) | (1UL << PG_private) |
			 (1UL << PG_reported) | (1UL << PG_frames_only));
	page->private = 0;
	page->index = 0;
	return true;
}

static void free_one_page(struct zone *zone, struct page *page,
			  unsigned long pfn, unsigned int order, int fpi)
{
	kh_lock(&zone->lock);
	__free_one_page(page, pfn, zone, order,
			get_pageblock_migratetype(page), fpi);
	WRITE_ONCE(zone->pgfree, zone->pgfree + (1UL << order));
	kh_unlock(&zone->lock);
	wake_nofail_waiters();
	report_run_if_due(zone);
}

/* The per-CPU list a freed block of @page's pageblock goes on. */
static inline int pcp_migratetype(struct page *page)
{
	int mt = get_pageblock_migratetype(page);

	return unlikely(mt > MIGRATE_RECLAIMABLE) ? MIGRATE_MOVABLE : mt;
}

static void free_unref_page(struct page *page, unsigned int order, int fpi)
{
	struct zone *zone = page_zone(page);
	unsigned long pfn = page_to_pfn(page);
	int mt;

	if (!free_pages_prepare(page, order))
		return;
	if (!pcp_allowed_order(order) || (fpi & FPI_TO_TAIL)) {
		free_one_page(zone, page, pfn, order, fpi);
		return;
	}
	mt = pcp_migratetype(page);
	struct per_cpu_pages *pcp = this_cpu_pcp(zone);
	if (kh_trylock(&pcp->lock)) {
		bool decay;

		free_unref_page_commit(zone, pcp, page, mt, order);
		decay = pcp_decay_tick(zone, pcp);
		kh_unlock(&pcp->lock);
		wake_nofail_waiters();
		if (unlikely(decay))
			pcp_decay_zone(zone);
	} else {
		free_one_page(zone, page, pfn, order, FPI_NONE);
	}
}

/* Validate a page pointer from a caller; false (and a report) if bad. */
static bool free_page_ok(struct page *page, const char *fn)
{
	if (unlikely(!page_in_memmap(page))) {
		pr_err("%s: invalid page pointer %p (not a kheap page)\n", fn,
		       (void *)page);
		dump_stack();
		return false;
	}
	if (unlikely(page_ref_count(page) <= 0)) {
		bad_page(page, PageBuddy(page) ? "double free (page is already free)"
					       : "freeing a page with a zero _refcount");
		return false;
	}
	return true;
}

/**
 * __free_pages - drop a reference to a block of 2^@order pages
 * @page: the first page, as alloc_pages() returned it
 * @order: the order it was allocated with
 *
 * The last reference frees the block.  For a non-compound block whose head
 * is still referenced (get_page() on the first page), the other pages are
 * freed now and the first page when its last reference goes, as the
 * kernel's __free_pages() does.  A call that would free pages it does not
 * own (a wrong order, a misaligned block, a tail page, a free page) is
 * reported as "Bad page state" and ignored: nothing is freed and the
 * reference stays.
 */
void __free_pages(struct page *page, unsigned int order)
{
	if (unlikely(!page))
		return;
	if (unlikely(!free_page_ok(page, "__free_pages")))
		return;
	if (unlikely(order > MAX_PAGE_ORDER)) {
		bad_page(page, "freeing with an order above MAX_PAGE_ORDER");
		return;
	}
	/* a wrong order is caught before the reference goes: ignored */
	if (unlikely(order || PageHead(page)) &&
	    unlikely(!free_range_ok(page, order)))
		return;
	bool head = PageHead(page);
	if (put_page_testzero(page)) {
		free_unref_page(page, order, FPI_NONE);
	} else if (!head) {
		while (order-- > 0)
			free_unref_page(page + (1UL << order), order, FPI_NONE);
	}
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (unlikely(!virt_addr_valid((void *)addr) ||
		     !PAGE_ALIGNED(addr))) {
		pr_err("free_pages: invalid address %#lx (not a page kheap allocated)\n",
		       addr);
		dump_stack();
		return;
	}
	__free_pages(virt_to_page((void *)addr), order);
}

void put_page(struct page *page)
{
	struct page *head;

	if (unlikely(!page_in_memmap(page))) {
		free_page_ok(page, "put_page");
		return;
	}
	head = compound_head(page);
	if (unlikely(!free_page_ok(head, "put_page")))
		return;
	if (put_page_testzero(head))
		free_unref_page(head, compound_order(head), FPI_NONE);
}

/**
 * release_pages - put_page() on each of @nr pages (NULL entries skipped),
 * freeing those whose last reference goes as the kernel's
 * free_unref_folios() does: onto the per-CPU list under one lock while the
 * pages are of one zone, instead of a lock round trip per page.
 */
void release_pages(struct page **pages, int nr)
{
	struct per_cpu_pages *pcp = NULL;
	struct zone *locked = NULL;

	for (int i = 0; i < nr; i++) {
		struct page *page = pages[i], *head;
		unsigned int order;
		struct zone *zone;
		int mt;

		if (!page)
			continue;
		if (unlikely(!page_in_memmap(page))) {
			free_page_ok(page, "release_pages");
			continue;
		}
		head = compound_head(page);
		if (unlikely(!free_page_ok(head, "release_pages")) ||
		    !put_page_testzero(head))
			continue;
		order = compound_order(head);
		if (!free_pages_prepare(head, order))
			continue;
		zone = page_zone(head);
		if (zone != locked || !pcp_allowed_order(order)) {
			if (pcp)
				kh_unlock(&pcp->lock);
			pcp = NULL;
			locked = NULL;
			if (pcp_allowed_order(order)) {
				pcp = this_cpu_pcp(zone);
				if (kh_trylock(&pcp->lock))
					locked = zone;
				else
					pcp = NULL;
			}
			if (!pcp) {
				free_one_page(zone, head, page_to_pfn(head),
					      order, FPI_NONE);
				continue;
			}
		}
		mt = pcp_migratetype(head);
		free_unref_page_commit(zone, pcp, head, mt, order);
	}
	if (pcp) {
		bool decay = pcp_decay_tick(locked, pcp);

		kh_unlock(&pcp->lock);
		if (unlikely(decay))
			pcp_decay_zone(locked);
	}
	wake_nofail_waiters();
}

/**
 * split_page - make each page of a non-compound block of 2^@order pages
 * separately freeable (each gets a reference count of 1), as the kernel's
 */
void split_page(struct page *page, unsigned int order)
{
	if (unlikely(PageCompound(page))) {
		pr_warn("WARNING: split_page: page %#lx is compound\n",
			page_to_pfn(page));
		return;
	}
	for (unsigned long i = 1; i < (1UL << order); i++)
		__atomic_store_n(&page[i]._refcount, 1, __ATOMIC_RELAXED);
}

static void *make_alloc_exact(unsigned long addr, unsigned int order,
			      size_t size)
{
	if (addr) {
		unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE);
		struct page *page = virt_to_page((void *)addr);
		struct page *last = page + (1UL << order);

		split_page(page, order);
		/* the unused tail goes straight back to the buddy lists */
		for (page += nr; page < last; page++) {
			if (put_page_testzero(page))
				free_unref_page(page, 0, FPI_TO_TAIL);
		}
	}
	return (void *)addr;
}

/**
 * alloc_pages_exact - allocate exactly PAGE_ALIGN(@size) bytes of pages
 *
 * The block is of order get_order(@size); the pages beyond the size go back
 * to the buddy lists at once.  Free with free_pages_exact().
 */
void *alloc_pages_exact(size_t size, gfp_t gfp_mask)
{
	unsigned int order = (unsigned int)get_order(size);
	unsigned long addr;

	if (!size || order > MAX_PAGE_ORDER) {
		if (!(gfp_mask & __GFP_NOWARN))
			pr_warn("WARNING: alloc_pages_exact: bad size %zu\n",
				size);
		return NULL;
	}
	gfp_mask &= ~__GFP_COMP;
	addr = __get_free_pages(gfp_mask, order);
	return make_alloc_exact(addr, order, size);
}

void *alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp_mask)
{
	(void)nid;
	return alloc_pages_exact(size, gfp_mask);
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt;
	unsigned long end = addr + PAGE_ALIGN(size);

	while (addr < end) {
		free_page(addr);
		addr += PAGE_SIZE;
	}
}

/* ------------------------------------------------------------------ */
/* draining                                                            */
/* ------------------------------------------------------------------ */

static void drain_pcp(struct zone *zone, struct per_cpu_pages *pcp)
{
	kh_lock(&pcp->lock);
	if (pcp->count)
		free_pcppages_bulk(zone, pcp->count, pcp, 0);
	kh_unlock(&pcp->lock);
}

/**
 * drain_all_pages - give every CPU's per-CPU pages back to the buddy lists
 * @zone: the zone to drain (a struct zone *), or NULL for all zones
 */
void drain_all_pages(void *zone)
{
	if (!READ_ONCE(kheap_initialized))
		return;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];

		if (zone && zone != z)
			continue;
		if (!populated_zone(z))
			continue;
		for (unsigned int cpu = 0; cpu < nr_pcp_cpus; cpu++)
			drain_pcp(z, &z->pcp[cpu]);
	}
	wake_nofail_waiters();
}

/* ------------------------------------------------------------------ */
/* free page reporting                                                 */
/* ------------------------------------------------------------------ */

/*
 * A block of reporting order or more went on a free list (zone locked):
 * schedule a pass, unless one is already due (page_reporting_notify_free).
 */
static void report_note_free(struct zone *zone, unsigned int order)
{
	(void)order;
	if (!zone->report_due_ns && kheap_config.page_reporting)
		WRITE_ONCE(zone->report_due_ns,
			   os_ns() + kheap_config.page_reporting_delay_ms * 1000000ULL);
}

/*
 * page_reporting_cycle - report every unreported free block of reporting
 * order or more in @zone: isolate it under the lock, madvise it without the
 * lock, put it back flagged PG_reported.  Return: pages reported.
 */
static unsigned long page_reporting_cycle(struct zone *zone)
{
	unsigned long reported = 0;

	kh_lock(&zone->lock);
	if (zone->reporting) {
		kh_unlock(&zone->lock);
		return 0;
	}
	zone->reporting = true;
	WRITE_ONCE(zone->report_due_ns, 0);
	for (unsigned int order = kheap_config.page_reporting_order;
	     order < NR_PAGE_ORDERS; order++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *list =
				&zone->free_area[order].free_list[mt];
			struct page *batch[64];
			int cap = (int)min((unsigned int)ARRAY_SIZE(batch),
					   kheap_config.page_reporting_capacity);
			int n;
again:
			n = 0;
			/* as the kernel's: only while the zone is well above
			 * its low watermark */
			if (zone_free_pages(zone) < wmark_pages(zone, WMARK_LOW) +
			    ((unsigned long)cap << order))
				continue;
			struct page *page, *next;
			list_for_each_entry_safe(page, next, list, buddy_list) {
				if (kheap_page_flag(page, PG_reported))
					continue;
				del_page_from_free_list(page, zone, order, mt);
				__mod_zone_page_state(zone, NR_ZONE_ISOLATED,
						      1L << order);
				batch[n++] = page;
				if (n == cap)
					break;
			}
			if (!n)
				continue;
			kh_unlock(&zone->lock);
			for (int i = 0; i < n; i++) {
				os_decommit(page_address(batch[i]),
					    PAGE_SIZE << order);
				if (page_poisoning)
					unmark_poisoned(batch[i], 1UL << order);
			}
			kh_lock(&zone->lock);
			for (int i = 0; i < n; i++) {
				struct page *p = batch[i];

				__mod_zone_page_state(zone, NR_ZONE_ISOLATED,
						      -(1L << order));
				/* back at the tail, flagged as reported */
				account_freepages(zone, 1L << order, mt);
				set_buddy_order(p, order);
				__add_to_free_list(p, zone, order, mt, true);
				p->flags |= 1UL << PG_reported;
				__mod_zone_page_state(zone, NR_ZONE_REPORTED,
						      1L << order);
				reported += 1UL << order;
			}
			WRITE_ONCE(zone->reported_total,
				   zone->reported_total + ((unsigned long)n << order));
			if (n == cap)
				goto again;
		}
	}
	zone->reporting = false;
	kh_unlock(&zone->lock);
	return reported;
}

/* After a buddy-level free: run the scheduled pass if it is due. */
static void report_run_if_due(struct zone *zone)
{
	unsigned long long due = READ_ONCE(zone->report_due_ns);

	if (likely(!due) || os_ns() < due)
		return;
	page_reporting_cycle(zone);
}

unsigned long kheap_page_reporting_flush(void)
{
	unsigned long n = 0;

	if (!READ_ONCE(kheap_initialized))
		return 0;
	drain_all_pages(NULL);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (populated_zone(&kheap_zones[zi]))
			n += page_reporting_cycle(&kheap_zones[zi]);
	return n;
}

/* ------------------------------------------------------------------ */
/* initialisation: zones, watermarks, pcp                              */
/* ------------------------------------------------------------------ */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static unsigned int min_free_kbytes;

static void calculate_min_free_kbytes(void)
{
	unsigned long lowmem_pages = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		lowmem_pages += kheap_zones[i].managed_pages;
	unsigned long v = int_sqrt(K(lowmem_pages) * 16);

	if (kheap_config.min_free_kbytes)
		min_free_kbytes = kheap_config.min_free_kbytes;
	else
		min_free_kbytes = (unsigned int)clamp(v, 128UL, 262144UL);
}

static void setup_per_zone_wmarks(void)
{
	unsigned long pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		lowmem_pages += kheap_zones[i].managed_pages;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &kheap_zones[i];
		unsigned long tmp;

		if (!lowmem_pages)
			break;
		tmp = (unsigned long)((unsigned long long)pages_min *
				      z->managed_pages / lowmem_pages);
		WRITE_ONCE(z->_watermark[WMARK_MIN], tmp);
		tmp = max(tmp >> 2,
			  (unsigned long)((unsigned long long)z->managed_pages *
					  kheap_config.watermark_scale_factor /
					  10000));
		WRITE_ONCE(z->_watermark[WMARK_LOW], z->_watermark[WMARK_MIN] + tmp);
		WRITE_ONCE(z->_watermark[WMARK_HIGH], z->_watermark[WMARK_LOW] + tmp);
		WRITE_ONCE(z->_watermark[WMARK_PROMO], z->_watermark[WMARK_HIGH] + tmp);
	}
}

static void setup_per_zone_lowmem_reserve(void)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &kheap_zones[i];
		int ratio = sysctl_lowmem_reserve_ratio[i];
		bool clear = !ratio || !z->managed_pages;
		unsigned long acc = 0;

		WRITE_ONCE(z->lowmem_reserve[i], 0);
		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			acc += kheap_zones[j].managed_pages;
			WRITE_ONCE(z->lowmem_reserve[j],
				   clear ? 0 : (long)(acc / (unsigned long)ratio));
		}
	}
	unsigned long total = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &kheap_zones[i];
		long m = 0;

		for (int j = i; j < MAX_NR_ZONES; j++)
			m = max(m, z->lowmem_reserve[j]);
		m += (long)z->_watermark[WMARK_HIGH];
		if (m > (long)z->managed_pages)
			m = (long)z->managed_pages;
		total += (unsigned long)m;
	}
	WRITE_ONCE(totalreserve_pages, total);
}

static int zone_batchsize(struct zone *zone)
{
	int batch = (int)min(zone->managed_pages >> 12,
			     (256UL << 10) / PAGE_SIZE);

	if (batch <= 1)
		return 1;
	batch = (int)rounddown_pow_of_two((unsigned long)(batch + batch / 2)) - 1;
	return batch;
}

static int zone_highsize(struct zone *zone, int batch, unsigned int fraction)
{
	unsigned long total = fraction ? zone->managed_pages / fraction
				       : wmark_pages(zone, WMARK_LOW);
	unsigned long high = total / nr_pcp_cpus;

	return (int)max(high, (unsigned long)batch << 2);
}

/*
 * zone_set_pageset_high_and_batch - size the zone's per-CPU lists from its
 * managed pages and low watermark (zone_batchsize, zone_highsize), and
 * publish the values to every CPU's list, as the kernel's
 * zone_pcp_update() does: with WRITE_ONCE, without the pcp locks (the
 * lists' owners read them with READ_ONCE).
 */
static void zone_set_pageset_high_and_batch(struct zone *zone)
{
	unsigned int frac = kheap_config.percpu_pagelist_high_fraction;
	int batch = zone_batchsize(zone), high_min, high_max;

	if (frac) {
		high_min = high_max = zone_highsize(zone, batch, frac);
	} else {
		high_min = zone_highsize(zone, batch, 0);
		high_max = zone_highsize(zone, batch, 8);
	}
	zone->pageset_batch = batch;
	zone->pageset_high_min = high_min;
	zone->pageset_high_max = high_max;
	for (unsigned int cpu = 0; cpu < nr_pcp_cpus; cpu++) {
		struct per_cpu_pages *p = &zone->pcp[cpu];

		WRITE_ONCE(p->batch, batch);
		WRITE_ONCE(p->high_min, high_min);
		WRITE_ONCE(p->high_max, high_max);
	}
}

static int zone_pcp_init(struct zone *zone)
{
	size_t sz = ALIGN(nr_pcp_cpus * sizeof(struct per_cpu_pages),
			  (size_t)PAGE_SIZE);
	struct per_cpu_pages *pcp = os_reserve(sz, PAGE_SIZE);

	if (!pcp || os_commit(pcp, sz))
		return -ENOMEM;
	mod_node_page_state(NR_PERCPU_B, (long)sz);
	zone->pcp = pcp;
	for (unsigned int cpu = 0; cpu < nr_pcp_cpus; cpu++) {
		struct per_cpu_pages *p = &pcp[cpu];

		kh_lock_init(&p->lock);
		for (int i = 0; i < NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&p->lists[i]);
	}
	zone_set_pageset_high_and_batch(zone);
	for (unsigned int cpu = 0; cpu < nr_pcp_cpus; cpu++)
		pcp[cpu].high = pcp[cpu].high_min;
	return 0;
}

/* Serialises online_update(): a leaf lock, taken under a zone lock. */
static kh_lock_t online_update_lock = KH_LOCK_INIT;

/*
 * online_update - memory was hot-added: recompute what depends on managed
 * pages, as the kernel's online_pages() does (init_per_zone_wmark_min():
 * min_free_kbytes, watermarks, lowmem_reserve; zone_pcp_update()).  So a
 * small process has small watermarks and per-CPU lists, and they grow with
 * the memory it brings online.  Called with a zone lock held.
 */
static void online_update(void)
{
	kh_lock(&online_update_lock);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &kheap_zones[i];
		unsigned long online = READ_ONCE(z->online_end_pfn) - z->zone_start_pfn;

		WRITE_ONCE(z->present_pages, online);
		WRITE_ONCE(z->managed_pages, online);
	}
	calculate_min_free_kbytes();
	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (kheap_zones[i].pcp)
			zone_set_pageset_high_and_batch(&kheap_zones[i]);
	kh_unlock(&online_update_lock);
}

/**
 * page_alloc_init - set up the zones over [0, max_pfn), their watermarks
 * and per-CPU page lists.  No memory is hot-added here.
 */
int page_alloc_init(void)
{
	const unsigned long bounds[MAX_NR_ZONES + 1] = {
		0, MAX_DMA_PFN, MAX_DMA32_PFN, ~0UL
	};

	nr_pcp_cpus = os_ncpus();
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &kheap_zones[i];
		unsigned long start = min(bounds[i], max_pfn);
		unsigned long end = min(bounds[i + 1], max_pfn);

		kh_lock_init(&z->lock);
		z->name = zone_names[i];
		z->idx = i;
		z->zone_start_pfn = start;
		z->spanned_pages = end - start;
		z->present_pages = 0;	/* grows as memory is hot-added */
		z->managed_pages = 0;
		z->online_end_pfn = start;
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			for (int t = 0; t < MIGRATE_TYPES; t++)
				INIT_LIST_HEAD(&z->free_area[o].free_list[t]);
	}
	calculate_min_free_kbytes();
	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (populated_zone(&kheap_zones[i]) &&
		    zone_pcp_init(&kheap_zones[i]))
			return -ENOMEM;
	return 0;
}

/* ------------------------------------------------------------------ */
/* fork                                                                */
/* ------------------------------------------------------------------ */

void page_alloc_fork_prepare(void)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (kheap_zones[zi].pcp)
			for (unsigned int c = 0; c < nr_pcp_cpus; c++)
				kh_lock(&kheap_zones[zi].pcp[c].lock);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		kh_lock(&kheap_zones[zi].lock);
	kh_lock(&kheap_memmap.lock);
	kh_lock(&online_update_lock);
	pthread_mutex_lock(&nofail_lock);
}

void page_alloc_fork_parent(void)
{
	pthread_mutex_unlock(&nofail_lock);
	kh_unlock(&online_update_lock);
	kh_unlock(&kheap_memmap.lock);
	for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--)
		kh_unlock(&kheap_zones[zi].lock);
	for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--)
		if (kheap_zones[zi].pcp)
			for (unsigned int c = 0; c < nr_pcp_cpus; c++)
				kh_unlock(&kheap_zones[zi].pcp[c].lock);
}

void page_alloc_fork_child(void)
{
	pthread_mutex_init(&nofail_lock, NULL);
	pthread_cond_init(&nofail_cond, NULL);
	nofail_waiters = 0;
	kh_lock_reinit(&online_update_lock);
	kh_lock_reinit(&kheap_memmap.lock);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		kh_lock_reinit(&kheap_zones[zi].lock);
		kheap_zones[zi].reporting = false;
		if (kheap_zones[zi].pcp)
			for (unsigned int c = 0; c < nr_pcp_cpus; c++)
				kh_lock_reinit(&kheap_zones[zi].pcp[c].lock);
	}
}

/* ------------------------------------------------------------------ */
/* validation                                                          */
/* ------------------------------------------------------------------ */

/*
 * page_alloc_validate - check every invariant of the buddy allocator.
 *
 * Walks each zone under its lock (and every pcp lock): each free block is
 * PageBuddy with its list's order, naturally aligned, online, on the list of
 * its pageblock's type, and not overlapping another free block; two free
 * buddies of the same order never coexist (they would have merged) unless
 * their pageblock types forbid it; nr_free and NR_FREE_PAGES match the
 * lists; pcp counts match their lists; reported pages are counted.
 * Return: the number of problems found (each printed).
 */
int page_alloc_validate(void)
{
	struct validator v = { "page_alloc_validate" };

	if (!READ_ONCE(kheap_initialized))
		return 0;
	page_alloc_fork_prepare();	/* every pcp and zone lock, in order */
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];
		unsigned long free = 0, pcp_pages = 0, reported = 0;

		if (!populated_zone(z))
			continue;
		VALIDATE(&v, z->online_end_pfn >= z->zone_start_pfn &&
			 z->online_end_pfn <= z->zone_start_pfn + z->spanned_pages,
			 "zone %s online end %lu out of range\n", z->name,
			 z->online_end_pfn);
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long n = 0;

			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				struct page *p;

				list_for_each_entry(p, &z->free_area[o].free_list[mt],
						    buddy_list) {
					unsigned long pfn = page_to_pfn(p);

					n++;
					free += 1UL << o;
					VALIDATE(&v, PageBuddy(p) && buddy_order(p) == o,
						 "pfn %#lx on order-%u list is not a buddy of that order\n",
						 pfn, o);
					VALIDATE(&v, !(pfn & ((1UL << o) - 1)),
						 "pfn %#lx misaligned for order %u\n", pfn, o);
					VALIDATE(&v, zone_pfn_online(z, pfn) &&
						 pfn + (1UL << o) <= z->online_end_pfn,
						 "free block %#lx beyond online memory\n", pfn);
					VALIDATE(&v, get_pageblock_migratetype(p) == mt,
						 "pfn %#lx on %s list in a %s pageblock\n",
						 pfn, migratetype_names[mt],
						 migratetype_names[get_pageblock_migratetype(p)]);
					if (kheap_page_flag(p, PG_reported))
						reported += 1UL << o;
					/* interior pages must not be buddy heads */
					for (unsigned long i = 1; i < (1UL << o); i++)
						VALIDATE(&v, !PageBuddy(p + i),
							 "free block %#lx order %u contains buddy head %#lx\n",
							 pfn, o, pfn + i);
					if (o < MAX_PAGE_ORDER) {
						unsigned long bpfn = pfn ^ (1UL << o);
						struct page *b = pfn_to_page(bpfn);

						VALIDATE(&v, !page_is_buddy(z, b, bpfn, o) ||
							 (o >= pageblock_order &&
							  get_pageblock_migratetype(b) != mt),
							 "free buddies %#lx and %#lx of order %u not merged\n",
							 pfn, bpfn, o);
					}
				}
			}
			VALIDATE(&v, n == z->free_area[o].nr_free,
				 "zone %s order %u: nr_free %lu but %lu on lists\n",
				 z->name, o, z->free_area[o].nr_free, n);
		}
		VALIDATE(&v, free == zone_page_state(z, NR_FREE_PAGES),
			 "zone %s: NR_FREE_PAGES %lu but %lu on lists\n",
			 z->name, zone_page_state(z, NR_FREE_PAGES), free);
		VALIDATE(&v, reported == zone_page_state(z, NR_ZONE_REPORTED),
			 "zone %s: %lu reported pages counted, %lu flagged\n",
			 z->name, zone_page_state(z, NR_ZONE_REPORTED), reported);
		for (unsigned int c = 0; c < nr_pcp_cpus; c++) {
			struct per_cpu_pages *pcp = &z->pcp[c];
			long cnt = 0;

			for (unsigned int i = 0; i < NR_PCP_LISTS; i++) {
				struct page *p;

				list_for_each_entry(p, &pcp->lists[i], pcp_list) {
					cnt += 1L << pindex_to_order(i);
					VALIDATE(&v, !PageBuddy(p),
						 "pcp page %#lx is marked buddy\n",
						 page_to_pfn(p));
					VALIDATE(&v, kheap_page_flag(p, PG_on_pcp),
						 "pcp page %#lx is not marked PG_on_pcp\n",
						 page_to_pfn(p));
				}
			}
			VALIDATE(&v, cnt == pcp->count,
				 "zone %s cpu %u: pcp count %d but %ld listed\n",
				 z->name, c, pcp->count, cnt);
			pcp_pages += (unsigned long)cnt;
		}
		unsigned long highatomic = 0;
		for (unsigned long pfn = ALIGN(z->zone_start_pfn, pageblock_nr_pages);
		     pfn < z->online_end_pfn; pfn += pageblock_nr_pages)
			if (get_pageblock_migratetype(pfn_to_page(pfn)) ==
			    MIGRATE_HIGHATOMIC)
				highatomic += pageblock_nr_pages;
		VALIDATE(&v, highatomic == z->nr_reserved_highatomic,
			 "zone %s: nr_reserved_highatomic %lu but %lu pages in HighAtomic pageblocks\n",
			 z->name, z->nr_reserved_highatomic, highatomic);
		unsigned long online = z->online_end_pfn - z->zone_start_pfn;
		VALIDATE(&v, free + pcp_pages + zone_page_state(z, NR_ZONE_ISOLATED) <= online,
			 "zone %s: free %lu + pcp %lu > online %lu\n",
			 z->name, free, pcp_pages, online);
	}
	page_alloc_fork_parent();
	return v.errors;
}
