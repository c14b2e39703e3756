// SPDX-License-Identifier: MIT
/*
 * vmstat.c - the /proc-style views of the page allocator, in the kernel's
 * formats (mm/vmstat.c, fs/proc/meminfo.c, mm/show_mem.c): buddyinfo,
 * pagetypeinfo, zoneinfo, meminfo, vmstat, and debugfs's
 * extfrag/unusable_index and extfrag/extfrag_index (whose arithmetic is
 * public, <kheap/extfrag.h>, for tools that judge other snapshots); the
 * kheap_proc_show() dispatcher that other layers register their views
 * with ("slabinfo" from slab_common.c, "vmallocinfo" from vmalloc.c); and
 * kheap_proc_write() for the views that accept writes, as /proc/slabinfo
 * does under SLAB.
 *
 * /proc/vmstat's counters are the ones kheap's code paths really keep:
 * pgalloc_<zone> and pgfree are counted where a page leaves or joins a
 * free list or a per-CPU list, under that list's lock (zone_page_events()),
 * the slow-path events (allocstall_<zone>, slabs_scanned) in
 * kheap_vm_events[] by atomic adds.
 *
 * Views read counters without stopping the allocator, as /proc does: each
 * line is consistent with itself, not with every other line.  Memory not yet
 * hot-added counts as free (MemFree, "pages free") but is not on any free
 * list, so buddyinfo shows only blocks that are really on the lists.
 *
 * Locks: views_lock guards the registry only, a leaf (docs/design.md); a
 * view is shown after it is dropped, taking its own layer's locks.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>

long kheap_node_stat[NR_VM_NODE_STAT_ITEMS];
unsigned long kheap_vm_events[NR_VM_EVENT_ITEMS];
long kheap_slab_pages_peak;

#define MAX_VIEWS 32
static struct {
	const char *name;
	proc_show_fn fn;
	proc_write_fn write;	/* NULL: read-only */
} views[MAX_VIEWS];
static int nr_views;
kh_lock_t views_lock = KH_LOCK_INIT;

/* Views named by a prefix and a rest ("slab/" "kmalloc-64/alloc_traces"). */
#define MAX_VIEW_DIRS 4
static struct {
	const char *prefix;
	proc_show_dir_fn fn;
} view_dirs[MAX_VIEW_DIRS];
static int nr_view_dirs;

void kheap_proc_register_dir(const char *prefix, proc_show_dir_fn fn)
{
	kh_lock(&views_lock);
	if (nr_view_dirs < MAX_VIEW_DIRS) {
		view_dirs[nr_view_dirs].prefix = prefix;
		view_dirs[nr_view_dirs].fn = fn;
		nr_view_dirs++;
	}
	kh_unlock(&views_lock);
}

/* A view @name shown by @fn and, unless @wfn is NULL, written by @wfn. */
void kheap_proc_register_rw(const char *name, proc_show_fn fn,
			    proc_write_fn wfn)
{
	kh_lock(&views_lock);
	for (int i = 0; i < nr_views; i++) {
		if (!strcmp(views[i].name, name)) {
			views[i].fn = fn;
			views[i].write = wfn;
			kh_unlock(&views_lock);
			return;
		}
	}
	if (nr_views < MAX_VIEWS) {
		views[nr_views].name = name;
		views[nr_views].fn = fn;
		views[nr_views].write = wfn;
		nr_views++;
	}
	kh_unlock(&views_lock);
}

void kheap_proc_register(const char *name, proc_show_fn fn)
{
	kheap_proc_register_rw(name, fn, NULL);
}

int kheap_proc_show(const char *name, FILE *out)
{
	proc_show_dir_fn dir_fn = NULL;
	const char *rest = NULL;
	proc_show_fn fn = NULL;

	kheap_ensure_init();
	if (!name || !out)
		return -EINVAL;
	kh_lock(&views_lock);
	for (int i = 0; i < nr_views; i++)
		if (!strcmp(views[i].name, name))
			fn = views[i].fn;
	for (int i = 0; !fn && i < nr_view_dirs; i++) {
		size_t len = strlen(view_dirs[i].prefix);

		if (!strncmp(name, view_dirs[i].prefix, len)) {
			dir_fn = view_dirs[i].fn;
			rest = name + len;
		}
	}
	kh_unlock(&views_lock);
	if (fn)
		return fn(out);
	if (dir_fn)
		return dir_fn(rest, out);
	return -ENOENT;
}

/**
 * kheap_proc_write - write to a view, as writing to its /proc file does
 */
long kheap_proc_write(const char *name, const char *buf, size_t count)
{
	proc_write_fn wfn = NULL;
	bool found = false;

	kheap_ensure_init();
	if (!name || !buf)
		return -EINVAL;
	kh_lock(&views_lock);
	for (int i = 0; i < nr_views; i++) {
		if (!strcmp(views[i].name, name)) {
			found = true;
			wfn = views[i].write;
		}
	}
	kh_unlock(&views_lock);
	if (!found)
		return -ENOENT;
	if (!wfn)
		return -EACCES;		/* a 0400 file */
	return wfn(buf, count);
}

/* ---- /proc/buddyinfo ---- */

static int buddyinfo_show(FILE *out)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];

		if (!populated_zone(z))
			continue;
		fprintf(out, "Node %d, zone %8s ", 0, z->name);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			fprintf(out, "%6lu ", READ_ONCE(z->free_area[o].nr_free));
		fputc('\n', out);
	}
	return 0;
}

/* ---- /proc/pagetypeinfo ---- */

static int pagetypeinfo_show(FILE *out)
{
	fprintf(out, "Page block order: %d\n", pageblock_order);
	fprintf(out, "Pages per block:  %lu\n", pageblock_nr_pages);
	fputc('\n', out);
	fprintf(out, "%-43s ", "Free pages count per migrate type at order");
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		fprintf(out, "%6d ", o);
	fputc('\n', out);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];

		if (!populated_zone(z))
			continue;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			fprintf(out, "Node %4d, zone %8s, type %12s ", 0, z->name,
				migratetype_names[mt]);
			kh_lock(&z->lock);
			for (int o = 0; o < NR_PAGE_ORDERS; o++) {
				unsigned long n = 0;
				struct list_head *pos;
				bool overflow = false;

				list_for_each(pos, &z->free_area[o].free_list[mt]) {
					if (++n >= 100000) {
						overflow = true;
						break;
					}
				}
				fprintf(out, "%s%6lu ", overflow ? ">" : "", n);
			}
			kh_unlock(&z->lock);
			fputc('\n', out);
		}
	}
	fprintf(out, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(out, "%12s ", migratetype_names[mt]);
	fputc('\n', out);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];
		unsigned long count[MIGRATE_TYPES] = { 0 };

		if (!populated_zone(z))
			continue;
		unsigned long end = READ_ONCE(z->online_end_pfn);
		for (unsigned long pfn = ALIGN(z->zone_start_pfn, pageblock_nr_pages);
		     pfn < end; pfn += pageblock_nr_pages) {
			int mt = get_pageblock_migratetype(pfn_to_page(pfn));
			if (mt < MIGRATE_TYPES)
				count[mt]++;
		}
		fprintf(out, "Node %d, zone %8s ", 0, z->name);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			fprintf(out, "%12lu ", count[mt]);
		fputc('\n', out);
	}
	return 0;
}

/* ---- /proc/zoneinfo ---- */

static int zoneinfo_show(FILE *out)
{
	bool first = true;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];

		fprintf(out, "Node %d, zone %8s", 0, z->name);
		if (first && populated_zone(z)) {
			fprintf(out, "\n  per-node stats");
			fprintf(out, "\n      %-12s %lu", "nr_slab_reclaimable",
				node_page_state(NR_SLAB_RECLAIMABLE));
			fprintf(out, "\n      %-12s %lu", "nr_slab_unreclaimable",
				node_page_state(NR_SLAB_UNRECLAIMABLE));
			fprintf(out, "\n      %-12s %lu", "nr_kernel_misc_reclaimable",
				node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
			first = false;
		}
		fprintf(out,
			"\n  pages free     %lu"
			"\n        boost    %lu"
			"\n        min      %lu"
			"\n        low      %lu"
			"\n        high     %lu"
			"\n        promo    %lu"
			"\n        spanned  %lu"
			"\n        present  %lu"
			"\n        managed  %lu"
			"\n        cma      %lu",
			zone_free_pages(z), z->watermark_boost,
			z->_watermark[WMARK_MIN], z->_watermark[WMARK_LOW],
			z->_watermark[WMARK_HIGH], z->_watermark[WMARK_PROMO],
			z->spanned_pages, z->present_pages, z->managed_pages,
			0UL);
		fprintf(out, "\n        protection: (%ld", z->lowmem_reserve[0]);
		for (int j = 1; j < MAX_NR_ZONES; j++)
			fprintf(out, ", %ld", z->lowmem_reserve[j]);
		fputc(')', out);
		if (!populated_zone(z)) {
			fputc('\n', out);
			continue;
		}
		fprintf(out, "\n      %-12s %lu", "nr_free_pages",
			zone_page_state(z, NR_FREE_PAGES));
		fprintf(out, "\n      %-12s %lu", "nr_zone_reported",
			zone_page_state(z, NR_ZONE_REPORTED));
		fprintf(out, "\n      %-12s %lu", "nr_reported_total",
			READ_ONCE(z->reported_total));
		fprintf(out, "\n      %-12s %lu", "nr_zone_offline",
			zone_uncommitted_pages(z));
		fprintf(out, "\n      %-12s %lu", "allocstall",
			vm_event(ALLOCSTALL_DMA + zi));
		fprintf(out, "\n  pagesets");
		for (unsigned int c = 0; c < os_ncpus(); c++) {
			struct per_cpu_pages *p = &z->pcp[c];

			fprintf(out,
				"\n    cpu: %u"
				"\n              count:    %i"
				"\n              high:     %i"
				"\n              batch:    %i"
				"\n              high_min: %i"
				"\n              high_max: %i",
				c, READ_ONCE(p->count), READ_ONCE(p->high),
				p->batch, p->high_min, p->high_max);
		}
		fprintf(out, "\n  node_unreclaimable:  %u"
			     "\n  start_pfn:           %lu\n",
			0U, z->zone_start_pfn);
	}
	return 0;
}

/* ---- /proc/meminfo ---- */

static void show_val_kb(FILE *out, const char *s, unsigned long pages)
{
	fprintf(out, "%-16s%8lu kB\n", s, K(pages));
}

static unsigned long si_mem_available(void)
{
	unsigned long wmark_low = 0;
	long available, reclaimable;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		wmark_low += wmark_pages(&kheap_zones[zi], WMARK_LOW);
	available = (long)global_free_pages() - (long)totalreserve_pages;
	reclaimable = (long)(node_page_state(NR_SLAB_RECLAIMABLE) +
			     node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	reclaimable -= min(reclaimable / 2, (long)wmark_low);
	available += reclaimable;
	return available < 0 ? 0 : (unsigned long)available;
}

static int meminfo_show(FILE *out)
{
	unsigned long total = max_pfn, free = global_free_pages();
	unsigned long sreclaimable = node_page_state(NR_SLAB_RECLAIMABLE);
	unsigned long sunreclaim = node_page_state(NR_SLAB_UNRECLAIMABLE);
	unsigned long reported = 0;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		reported += zone_page_state(&kheap_zones[zi], NR_ZONE_REPORTED) +
			    zone_uncommitted_pages(&kheap_zones[zi]);

	show_val_kb(out, "MemTotal:", total);
	show_val_kb(out, "MemFree:", free);
	show_val_kb(out, "MemAvailable:", si_mem_available());
	show_val_kb(out, "Buffers:", 0);
	show_val_kb(out, "Cached:", 0);
	show_val_kb(out, "SwapCached:", 0);
	show_val_kb(out, "Active:", 0);
	show_val_kb(out, "Inactive:", 0);
	show_val_kb(out, "Active(anon):", 0);
	show_val_kb(out, "Inactive(anon):", 0);
	show_val_kb(out, "Active(file):", 0);
	show_val_kb(out, "Inactive(file):", 0);
	show_val_kb(out, "Unevictable:", 0);
	show_val_kb(out, "Mlocked:", 0);
	show_val_kb(out, "SwapTotal:", 0);
	show_val_kb(out, "SwapFree:", 0);
	show_val_kb(out, "Dirty:", 0);
	show_val_kb(out, "Writeback:", 0);
	show_val_kb(out, "AnonPages:", 0);
	show_val_kb(out, "Mapped:", 0);
	show_val_kb(out, "Shmem:", 0);
	show_val_kb(out, "KReclaimable:",
		    sreclaimable + node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb(out, "Slab:", sreclaimable + sunreclaim);
	show_val_kb(out, "SReclaimable:", sreclaimable);
	show_val_kb(out, "SUnreclaim:", sunreclaim);
	fprintf(out, "KernelStack:    %8lu kB\n", 0UL);
	show_val_kb(out, "PageTables:", 0);
	show_val_kb(out, "SecPageTables:", 0);
	show_val_kb(out, "NFS_Unstable:", 0);
	show_val_kb(out, "Bounce:", 0);
	show_val_kb(out, "WritebackTmp:", 0);
	show_val_kb(out, "CommitLimit:", total / 2);
	show_val_kb(out, "Committed_AS:", total - free);
	fprintf(out, "%-16s%8lu kB\n", "VmallocTotal:", kheap_vmalloc_size >> 10);
	show_val_kb(out, "VmallocUsed:", node_page_state(NR_VMALLOC));
	show_val_kb(out, "VmallocChunk:", 0);
	fprintf(out, "%-16s%8lu kB\n", "Percpu:", node_page_state(NR_PERCPU_B) >> 10);
	/* kheap's own line: free memory the OS holds no frames for */
	show_val_kb(out, "FreeReported:", reported);
	return 0;
}

/* ---- /proc/vmstat ---- */

/* The kernel's TEXTS_FOR_ZONES() suffixes of kheap's zones. */
static const char *const zone_suffix[MAX_NR_ZONES] = { "dma", "dma32", "normal" };

/*
 * vmstat_show - /proc/vmstat, "name value" lines in vmstat_text[]'s order
 * (zone items, node items, events), holding only the counters kheap's code
 * paths maintain: a kernel counter of something kheap does not have (the
 * LRU lists, swap, compaction, NUMA, THP) is left out rather than shown as
 * a 0 that nothing updates.  nr_free_pages counts the pages on the free
 * lists (zoneinfo's nr_free_pages), not memory that is not hot-added yet;
 * nr_slab_* are in pages, as the kernel prints them.
 */
static int vmstat_show(FILE *out)
{
	unsigned long free = 0, pgfree = 0;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		free += zone_page_state(&kheap_zones[zi], NR_FREE_PAGES);
	fprintf(out, "nr_free_pages %lu\n", free);
	fprintf(out, "nr_slab_reclaimable %lu\n",
		node_page_state(NR_SLAB_RECLAIMABLE));
	fprintf(out, "nr_slab_unreclaimable %lu\n",
		node_page_state(NR_SLAB_UNRECLAIMABLE));
	fprintf(out, "nr_kernel_misc_reclaimable %lu\n",
		node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		unsigned long a, f;

		zone_page_events(&kheap_zones[zi], &a, &f);
		fprintf(out, "pgalloc_%s %lu\n", zone_suffix[zi], a);
		pgfree += f;
	}
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		fprintf(out, "allocstall_%s %lu\n", zone_suffix[zi],
			vm_event(ALLOCSTALL_DMA + zi));
	fprintf(out, "pgfree %lu\n", pgfree);
	fprintf(out, "slabs_scanned %lu\n", vm_event(SLABS_SCANNED));
	return 0;
}

/* ---- high-water marks (kheap's own view, for kheap.stats) ---- */

static void print_peak_line(FILE *out, const char *what, unsigned long peak_kb,
			    unsigned long now_kb)
{
	fprintf(out, "%-22s %10lu kB  (now %lu kB)\n", what, peak_kb, now_kb);
}

/*
 * "peaks": the most memory the process ever had in slabs, in pages out of
 * the buddy allocator and resident (the kernel's VmHWM), and each cache's
 * own high-water mark (slab_peaks_show(), slab_common.c).
 */
static int peaks_show(FILE *out)
{
	unsigned long used = 0, peak = 0;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];

		if (!populated_zone(z))
			continue;
		used += z->spanned_pages - zone_free_pages(z) -
			zone_page_state(z, NR_ZONE_ISOLATED);
		peak += READ_ONCE(z->peak_used);
	}
	print_peak_line(out, "Slab:", K((unsigned long)READ_ONCE(kheap_slab_pages_peak)),
			K(node_page_state(NR_SLAB_RECLAIMABLE) +
			  node_page_state(NR_SLAB_UNRECLAIMABLE)));
	print_peak_line(out, "Pages in use:", K(peak), K(used));
	print_peak_line(out, "RSS (VmHWM):", os_rss_peak_kb(), os_rss_kb());
	return slab_peaks_show(out);
}

/* ---- debugfs extfrag/: unusable_index and extfrag_index ---- */

void kheap_fill_contig_page_info(const unsigned long *nr_free,
				 unsigned int nr_orders,
				 unsigned int suitable_order,
				 struct kheap_contig_page_info *info)
{
	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (unsigned int order = 0; order < nr_orders; order++) {
		unsigned long blocks = nr_free[order];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				blocks << (order - suitable_order);
	}
}

int kheap_unusable_free_index(unsigned int order,
			      const struct kheap_contig_page_info *info)
{
	if (info->free_pages == 0)	/* no free memory: all unusable */
		return 1000;
	return (int)((info->free_pages - (info->free_blocks_suitable << order)) *
		     1000ULL / info->free_pages);
}

int kheap_fragmentation_index(unsigned int order,
			      const struct kheap_contig_page_info *info)
{
	unsigned long requested = 1UL << order;

	if (order > MAX_PAGE_ORDER || !info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)	/* the request would succeed */
		return -1000;
	return (int)(1000 - (1000 + info->free_pages * 1000ULL / requested) /
			    info->free_blocks_total);
}

/* One line per populated zone, one index per order, as mm/vmstat.c. */
static void extfrag_print(FILE *out, bool fragmentation)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];
		unsigned long nr_free[NR_PAGE_ORDERS];

		if (!populated_zone(z))
			continue;
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			nr_free[o] = READ_ONCE(z->free_area[o].nr_free);
		fprintf(out, "Node %d, zone %8s ", 0, z->name);
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
			struct kheap_contig_page_info info;
			int index;

			kheap_fill_contig_page_info(nr_free, NR_PAGE_ORDERS, o,
						    &info);
			if (fragmentation) {
				index = kheap_fragmentation_index(o, &info);
				fprintf(out, "%2d.%03d ", index / 1000,
					index % 1000);
			} else {
				index = kheap_unusable_free_index(o, &info);
				fprintf(out, "%d.%03d ", index / 1000,
					index % 1000);
			}
		}
		fputc('\n', out);
	}
}

static int unusable_index_show(FILE *out)
{
	extfrag_print(out, false);
	return 0;
}

static int extfrag_index_show(FILE *out)
{
	extfrag_print(out, true);
	return 0;
}

/* ---- show_free_areas (warn_alloc's Mem-Info) ---- */

static const char mt_letters[MIGRATE_TYPES] = { 'U', 'M', 'E', 'H' };

void show_free_areas(FILE *out)
{
	unsigned long free_pcp = global_pcp_pages();

	fprintf(out, "Mem-Info:\n");
	fprintf(out, "active_anon:0 inactive_anon:0 isolated_anon:0\n"
		     " active_file:0 inactive_file:0 isolated_file:0\n"
		     " unevictable:0 dirty:0 writeback:0\n"
		     " slab_reclaimable:%lu slab_unreclaimable:%lu\n"
		     " mapped:0 shmem:0 pagetables:0\n"
		     " sec_pagetables:0 bounce:0\n"
		     " kernel_misc_reclaimable:%lu\n"
		     " free:%lu free_pcp:%lu free_cma:0\n",
		node_page_state(NR_SLAB_RECLAIMABLE),
		node_page_state(NR_SLAB_UNRECLAIMABLE),
		node_page_state(NR_KERNEL_MISC_RECLAIMABLE),
		global_free_pages(), free_pcp);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];

		if (!populated_zone(z))
			continue;
		fprintf(out, "%s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB "
			"reserved_highatomic:%luKB active_anon:0kB inactive_anon:0kB "
			"active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB "
			"present:%lukB managed:%lukB mlocked:0kB bounce:0kB free_pcp:%lukB "
			"local_pcp:%ukB free_cma:0kB\n",
			z->name, K(zone_free_pages(z)), K(z->watermark_boost),
			K(z->_watermark[WMARK_MIN]), K(z->_watermark[WMARK_LOW]),
			K(z->_watermark[WMARK_HIGH]), K(z->nr_reserved_highatomic),
			K(z->present_pages), K(z->managed_pages),
			K(zone_pcp_pages(z)),
			(unsigned int)K((unsigned long)max(READ_ONCE(z->pcp[os_cpu()].count), 0)));
		fprintf(out, "lowmem_reserve[]:");
		for (int j = 0; j < MAX_NR_ZONES; j++)
			fprintf(out, " %ld", z->lowmem_reserve[j]);
		fprintf(out, "\n");
	}
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];
		unsigned long nr[NR_PAGE_ORDERS], total = 0;
		u8 types[NR_PAGE_ORDERS];

		if (!populated_zone(z))
			continue;
		fprintf(out, "%s: ", z->name);
		kh_lock(&z->lock);
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			nr[o] = z->free_area[o].nr_free;
			total += nr[o] << o;
			types[o] = 0;
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				if (!list_empty(&z->free_area[o].free_list[mt]))
					types[o] |= 1 << mt;
		}
		kh_unlock(&z->lock);
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			fprintf(out, "%lu*%lukB ", nr[o], K(1UL << o));
			if (nr[o]) {
				char tmp[MIGRATE_TYPES + 1];
				int j = 0;

				for (int mt = 0; mt < MIGRATE_TYPES; mt++)
					if (types[o] & (1 << mt))
						tmp[j++] = mt_letters[mt];
				tmp[j] = 0;
				fprintf(out, "(%s) ", tmp);
			}
		}
		fprintf(out, "= %lukB\n", K(total));
	}
	fprintf(out, "0 total pagecache pages\n");
	fprintf(out, "%lu pages RAM\n", max_pfn);
	fprintf(out, "0 pages HighMem/MovableOnly\n");
	fprintf(out, "0 pages reserved\n");
}

void proc_init(void)
{
	kheap_proc_register("buddyinfo", buddyinfo_show);
	kheap_proc_register("pagetypeinfo", pagetypeinfo_show);
	kheap_proc_register("zoneinfo", zoneinfo_show);
	kheap_proc_register("meminfo", meminfo_show);
	kheap_proc_register("vmstat", vmstat_show);
	kheap_proc_register("peaks", peaks_show);
	kheap_proc_register("extfrag/unusable_index", unusable_index_show);
	kheap_proc_register("extfrag/extfrag_index", extfrag_index_show);
}
