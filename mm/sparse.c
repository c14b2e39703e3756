// SPDX-License-Identifier: MIT
/*
 * sparse.c - kheap's "physical memory": the direct map, the struct page array
 * (vmemmap) and memory hot-add by sections.
 *
 * Design
 * ------
 * Physical memory is one virtual reservation of mem= bytes, PROT_NONE and
 * MAP_NORESERVE, aligned to a section: the direct map.  Frame n lives at
 * page_offset_base + n * PAGE_SIZE, so pfn <-> address is arithmetic.  A
 * second reservation holds one 64-byte struct page per frame (the vmemmap,
 * as SPARSEMEM_VMEMMAP lays it out), so pfn <-> struct page is arithmetic
 * too.  Neither costs memory until used.
 *
 * Memory is hot-added one section (128 MiB) at a time, as memory hotplug
 * onlines sections: memmap_commit_section() makes the section's frames and
 * its 2 MiB of struct pages readable and writable.  With
 * transparent_hugepage=1 it also asks for transparent huge pages behind the
 * frames, as the kernel maps its direct map with large pages - except for
 * the first section while it is the only one: touching one page of a
 * huge-page region faults in 2 MiB, which would cost a small process (the
 * slab layer's first few pages) far more than it uses; the first section
 * gets its advice when a second one is hot-added.  The option is off by
 * default, by measurement: where the host compacts or zeroes 2 MiB pages
 * synchronously, a huge-page fault stalls (bench/frag.c: 1.1 s of system time
 * with them, 0.25 s without, glibc 0.14-0.45 s), and the kernel's own
 * reason for large pages - a direct map set up once at boot - does not
 * carry over to memory faulted in while the program runs.  The page
 * allocator decides when: it hot-adds the next section of
 * a zone when the zone's free lists cannot serve a request, from any GFP
 * mode, before watermarks and reclaim come into play.
 *
 * Struct pages are initialised lazily, as DEFERRED_STRUCT_PAGE_INIT does: a
 * freshly committed struct page reads as all zeroes, which is a valid "not
 * free, not typed, no references" state, and the page allocator writes only
 * the struct pages of the blocks it puts on its lists.  An empty process thus
 * costs no memory for its memory map.
 *
 * Invariants
 *  - A committed section is never decommitted or made inaccessible again
 *    (docs/design.md: lockless slab readers may read stale words from it); free
 *    page reporting gives frames back with madvise, which keeps them readable.
 *  - committed[sec] is set (release) only after the section's frames and
 *    struct pages are accessible, so a reader that sees it set (acquire) may
 *    touch both.
 *  - One migrate type per pageblock (pageblock_order 9) in pageblock_mt[];
 *    hot-added pageblocks start MIGRATE_MOVABLE, as onlined memory does.
 *
 * Lock order: kheap_memmap.lock is a leaf lock, taken with a zone lock held
 * (docs/design.md, "Lock order").
 */
#include "internal.h"

#include <errno.h>
#include <string.h>

unsigned long page_offset_base;
unsigned long vmemmap_base;
unsigned long vmalloc_base;
unsigned long kheap_vmalloc_size;
unsigned long max_pfn;

struct kheap_memmap kheap_memmap = { .lock = KH_LOCK_INIT };

#define MEMMAP_MIN	(16UL << 20)	/* the smallest mem= (params.c) */

/* Reserve the direct map (aligned to @align) and its vmemmap; 0 or -ENOMEM. */
static int memmap_try(unsigned long mem, unsigned long align)
{
	unsigned long vmm = ALIGN((mem >> PAGE_SHIFT) * sizeof(struct page),
				  1UL << 21);
	void *dm = os_reserve(mem, align);
	void *vm = dm ? os_reserve(vmm, 1UL << 21) : NULL;

	if (!vm) {
		if (dm)
			os_release(dm, mem);
		return -ENOMEM;
	}
	page_offset_base = (unsigned long)dm;
	vmemmap_base = (unsigned long)vm;
	max_pfn = mem >> PAGE_SHIFT;
	return 0;
}

static void memmap_unreserve(void)
{
	os_release((void *)page_offset_base, max_pfn << PAGE_SHIFT);
	os_release((void *)vmemmap_base,
		   ALIGN(max_pfn * sizeof(struct page), 1UL << 21));
}

/* Set when the address space was too small for mem=: vmalloc_init() then
 * sizes its range from what was left. */
bool kheap_address_space_short;

/*
 * Reserve the direct map and the vmemmap for @mem bytes.  When the address
 * space is short (ulimit -v, RLIMIT_AS, Valgrind's cap, an overcommit
 * policy that refuses large reservations): give up the section alignment
 * (the buddy allocator needs only MAX_PAGE_ORDER blocks to be naturally
 * aligned), find the largest mem= that fits (bisection in MAX_PAGE_ORDER
 * blocks, at least MEMMAP_MIN) and take half of it, leaving the rest to
 * the vmalloc range and to the program itself.  Said once.
 */
static int memmap_reserve(unsigned long mem)
{
	const unsigned long step = PAGE_SIZE << MAX_PAGE_ORDER;
	unsigned long want = mem, lo = MEMMAP_MIN, hi = mem;

	if (!memmap_try(mem, 1UL << SECTION_SIZE_BITS))
		return 0;
	kheap_address_space_short = true;
	if (memmap_try(lo, step))
		return -ENOMEM;		/* not even a minimal heap */
	memmap_unreserve();
	while (hi - lo > step) {	/* lo fits, hi does not */
		unsigned long mid = ((lo + hi) / 2) & ~(step - 1);

		if (mid <= lo)
			break;
		if (!memmap_try(mid, step)) {
			memmap_unreserve();
			lo = mid;
		} else {
			hi = mid;
		}
	}
	mem = max(MEMMAP_MIN, (lo / 2) & ~(step - 1));
	if (memmap_try(mem, step))
		return -ENOMEM;
	pr_warn("kheap: could not reserve %luM of address space; using mem=%luM\n",
		want >> 20, mem >> 20);
	return 0;
}

/**
 * memmap_init - reserve the address space of kheap's physical memory
 *
 * Sizes come from kheap_config.mem (the machine's RAM when 0).  Nothing is
 * committed here.  Return: 0 or -ENOMEM.
 */
int memmap_init(void)
{
	unsigned long mem = kheap_config.mem;
	unsigned long nsec, npb;
	u8 *meta;

	if (!mem)
		mem = os_ram_bytes() & ~((PAGE_SIZE << MAX_PAGE_ORDER) - 1);
	if (memmap_reserve(mem))
		return -ENOMEM;
	kheap_config.mem = max_pfn << PAGE_SHIFT;

	/* section bytes and pageblock types: small, committed up front */
	nsec = DIV_ROUND_UP(max_pfn, PAGES_PER_SECTION);
	npb = DIV_ROUND_UP(max_pfn, pageblock_nr_pages);
	size_t metasz = PAGE_ALIGN(nsec + npb);
	meta = os_reserve(metasz, PAGE_SIZE);
	if (!meta || os_commit(meta, metasz))
		return -ENOMEM;
	kheap_memmap.nr_sections = nsec;
	kheap_memmap.committed = meta;
	kheap_memmap.pageblock_mt = meta + nsec;
	return 0;
}

/**
 * memmap_commit_section - hot-add section @sec: make its frames and struct
 * pages accessible and mark its pageblocks MIGRATE_MOVABLE
 *
 * Idempotent and thread-safe.  Return: 0, or -ENOMEM if the OS refused (then
 * nothing changed).
 */
int memmap_commit_section(unsigned long sec)
{
	unsigned long start_pfn = section_nr_to_pfn(sec);
	unsigned long end_pfn = min(start_pfn + PAGES_PER_SECTION, max_pfn);
	int err = 0;

	if (sec >= kheap_memmap.nr_sections)
		return -EINVAL;
	kh_lock(&kheap_memmap.lock);
	if (kheap_memmap.committed[sec])
		goto out;

	void *frames = __va(PFN_PHYS(start_pfn));
	size_t fsize = (end_pfn - start_pfn) << PAGE_SHIFT;
	void *structs = pfn_to_page(start_pfn);
	size_t ssize = PAGE_ALIGN((end_pfn - start_pfn) * sizeof(struct page));

	err = os_commit(structs, ssize);
	if (!err)
		err = os_commit(frames, fsize);
	if (err) {
		pr_err("kheap: hot-adding memory section %lu failed (%d)\n",
		       sec, err);
		err = -ENOMEM;
		goto out;
	}
	if (kheap_config.thp && kheap_memmap.nr_committed > 0) {
		os_hugepage(frames, fsize);
		if (kheap_memmap.nr_committed == 1) {
			unsigned long f = section_nr_to_pfn(kheap_memmap.first_section);
			unsigned long fend = min(f + PAGES_PER_SECTION, max_pfn);

			os_hugepage(__va(PFN_PHYS(f)), (fend - f) << PAGE_SHIFT);
		}
	}
	if (kheap_memmap.nr_committed == 0)
		kheap_memmap.first_section = sec;
	memset(kheap_memmap.pageblock_mt + (start_pfn >> pageblock_order),
	       MIGRATE_MOVABLE,
	       DIV_ROUND_UP(end_pfn - start_pfn, pageblock_nr_pages));
	kheap_memmap.nr_committed++;
	__atomic_store_n(&kheap_memmap.committed[sec], 1, __ATOMIC_RELEASE);
out:
	kh_unlock(&kheap_memmap.lock);
	return err;
}
