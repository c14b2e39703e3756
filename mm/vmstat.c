// SPDX-License-Identifier: MIT
/*
 * vmstat.c - the /proc-style views of the page allocator, in the kernel's
 * formats (mm/vmstat.c, fs/proc/meminfo.c, mm/show_mem.c), and the
 * kheap_proc_show() dispatcher that other layers register their views with
 * ("slabinfo" from slab_common.c, "vmallocinfo" from vmalloc.c).
 *
 * Views read counters without stopping the allocator, as /proc does: each
 * line is consistent with itself, not with every other line.  Memory not yet
 * hot-added counts as free (MemFree, "pages free") but is not on any free
 * list, so buddyinfo shows only blocks that are really on the lists.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>

long kheap_node_stat[NR_VM_NODE_STAT_ITEMS];

#define MAX_VIEWS 16
static struct {
	const char *name;
	proc_show_fn fn;
} views[MAX_VIEWS];
static int nr_views;
static kh_lock_t views_lock = KH_LOCK_INIT;

void kheap_proc_register(const char *name, proc_show_fn fn)
{
	kh_lock(&views_lock);
	for (int i = 0; i < nr_views; i++) {
		if (!strcmp(views[i].name, name)) {
			views[i].fn = fn;
			kh_unlock(&views_lock);
			return;
		}
	}
	if (nr_views < MAX_VIEWS) {
		views[nr_views].name = name;
		views[nr_views].fn = fn;
		nr_views++;
	}
	kh_unlock(&views_lock);
}

int kheap_proc_show(const char *name, FILE *out)
{
	proc_show_fn fn = NULL;

	kheap_ensure_init();
	if (!name || !out)
		return -EINVAL;
	kh_lock(&views_lock);
	for (int i = 0; i < nr_views; i++)
		if (!strcmp(views[i].name, name))
			fn = views[i].fn;
	kh_unlock(&views_lock);
	if (!fn)
		return -ENOENT;
	return fn(out);
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
		fprintf(out, "\n      %-12s %llu", "allocstall", z->alloc_stall);
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
}
