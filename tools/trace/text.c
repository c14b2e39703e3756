// SPDX-License-Identifier: MIT
/*
 * tools/trace/text.c - events as the kernel's ftrace text: what
 * /sys/kernel/tracing/trace shows with the kmem events enabled, line for
 * line (Linux v6.12: kernel/trace/trace_output.c's trace_print_context()
 * and include/trace/events/kmem.h's TP_printk formats).
 *
 *   "%16s-%-7d [%03d] %c%c%c%c%c %5lu.%06lu: %s: <fields>"
 *    comm-tid   [cpu] irq flags (all '.': a task context, preemption on)
 *                      timestamp in seconds (kheap's CLOCK_MONOTONIC)
 *
 * Pointers print as %p does with no_hash_pointers (16 hex digits), call
 * sites as %pS (the symbol the recorder resolved, or the address), GFP
 * flags as show_gfp_flags().  kheap has no memcg, so accounted= is false
 * and node= is -1 (NUMA_NO_NODE, what kmalloc passes).  Events the kernel
 * has no kmem tracepoint for print as kheap_* events in the same shape
 * (kheap_vmalloc, kheap_vfree, kheap_krealloc, kheap_kmem_cache_create,
 * kheap_kmem_cache_destroy), and parse.c reads them back.
 */
#define _GNU_SOURCE
#include "tools/trace/trace.h"
#include "internal.h"

#include <inttypes.h>

static void print_gfp(FILE *out, uint32_t gfp)
{
	char buf[512];

	/* show_gfp_flags() has no name for __GFP_NO_OBJ_EXT: leftover hex */
	if (gfp & __GFP_NO_OBJ_EXT) {
		uint32_t rest = gfp & ~(uint32_t)__GFP_NO_OBJ_EXT;

		if (rest) {
			kheap_format_gfp(buf, sizeof(buf), rest);
			fprintf(out, "%s|%#x", buf, (unsigned int)__GFP_NO_OBJ_EXT);
		} else {
			fprintf(out, "%#x", (unsigned int)__GFP_NO_OBJ_EXT);
		}
		return;
	}
	kheap_format_gfp(buf, sizeof(buf), gfp);
	fputs(buf, out);
}

static void print_site(FILE *out, const struct trace_input *in, uint64_t addr)
{
	const char *s = trace_symbol_of(in, addr);

	if (s)
		fputs(s, out);
	else
		fprintf(out, "0x%" PRIx64, addr);
}

static void print_page(FILE *out, const struct trace_input *in, uint64_t pfn)
{
	uint64_t page = pfn == ~0ULL ? 0 : in->memmap + pfn * in->page_struct_size;

	fprintf(out, "page=%016" PRIx64 " pfn=0x%" PRIx64, page,
		pfn == ~0ULL ? 0 : pfn);
}

static const char *cache_name(const struct trace_input *in, uint32_t id)
{
	const struct trace_cache *c = trace_cache_of(in, id);

	return c ? c->name : "?";
}

void trace_print_header(FILE *out, const struct trace_input *in)
{
	static const char space[] = "            ";

	fprintf(out, "# tracer: nop\n#\n");
	fprintf(out, "# entries-in-buffer/entries-written: %" PRIu64 "/%" PRIu64 "   #P:%u\n#\n",
		in->nr_events, in->nr_events, in->nr_cpus ? in->nr_cpus : 1);
	/* print_func_help_header_irq() without record-tgid (precision 2) */
	fprintf(out, "#                            %.*s  _-----=> irqs-off/BH-disabled\n", 2, space);
	fprintf(out, "#                            %.*s / _----=> need-resched\n", 2, space);
	fprintf(out, "#                            %.*s| / _---=> hardirq/softirq\n", 2, space);
	fprintf(out, "#                            %.*s|| / _--=> preempt-depth\n", 2, space);
	fprintf(out, "#                            %.*s||| / _-=> migrate-disable\n", 2, space);
	fprintf(out, "#                            %.*s|||| /     delay\n", 2, space);
	fprintf(out, "#           TASK-PID  %.*s CPU#  |||||  TIMESTAMP  FUNCTION\n", 2, "     TGID   ");
	fprintf(out, "#              | |    %.*s   |   |||||     |         |\n", 2, "       |    ");
}

bool trace_print_event(FILE *out, const struct trace_input *in,
		       const struct kheap_trace_event *ev, bool nested)
{
	static const char *const names[KHEAP_TRACE_NR_TYPES] = {
		[KHEAP_TRACE_KMALLOC] = "kmalloc",
		[KHEAP_TRACE_KFREE] = "kfree",
		[KHEAP_TRACE_KMEM_CACHE_ALLOC] = "kmem_cache_alloc",
		[KHEAP_TRACE_KMEM_CACHE_FREE] = "kmem_cache_free",
		[KHEAP_TRACE_MM_PAGE_ALLOC] = "mm_page_alloc",
		[KHEAP_TRACE_MM_PAGE_FREE] = "mm_page_free",
		[KHEAP_TRACE_VMALLOC] = "kheap_vmalloc",
		[KHEAP_TRACE_VFREE] = "kheap_vfree",
		[KHEAP_TRACE_KREALLOC] = "kheap_krealloc",
		[KHEAP_TRACE_CACHE_CREATE] = "kheap_kmem_cache_create",
		[KHEAP_TRACE_CACHE_DESTROY] = "kheap_kmem_cache_destroy",
	};
	uint64_t us = ev->ts / 1000;

	if (!ev->type || ev->type >= KHEAP_TRACE_NR_TYPES)
		return false;
	if ((ev->flags & KHEAP_TRACE_NESTED) && !nested)
		return false;
	fprintf(out, "%16.16s-%-7d [%03u] ..... %5" PRIu64 ".%06" PRIu64 ": %s: ",
		trace_comm_of(in, ev->tid), ev->tid, ev->cpu, us / 1000000,
		us % 1000000, names[ev->type]);
	if (ev->type != KHEAP_TRACE_MM_PAGE_ALLOC &&
	    ev->type != KHEAP_TRACE_MM_PAGE_FREE) {
		fputs("call_site=", out);
		print_site(out, in, ev->call_site);
	}
	switch (ev->type) {
	case KHEAP_TRACE_KMALLOC:
	case KHEAP_TRACE_KMEM_CACHE_ALLOC:
	case KHEAP_TRACE_VMALLOC:
	case KHEAP_TRACE_KREALLOC:
		fprintf(out, " ptr=%016" PRIx64 " bytes_req=%" PRIu64
			" bytes_alloc=%" PRIu64, ev->ptr, ev->bytes_req,
			ev->bytes_alloc);
		if (ev->type != KHEAP_TRACE_KREALLOC) {
			fputs(" gfp_flags=", out);
			print_gfp(out, ev->gfp);
		}
		if (ev->type == KHEAP_TRACE_KMALLOC ||
		    ev->type == KHEAP_TRACE_KMEM_CACHE_ALLOC)
			fputs(" node=-1 accounted=false", out);
		break;
	case KHEAP_TRACE_KFREE:
	case KHEAP_TRACE_VFREE:
		fprintf(out, " ptr=%016" PRIx64, ev->ptr);
		break;
	case KHEAP_TRACE_KMEM_CACHE_FREE:
		fprintf(out, " ptr=%016" PRIx64 " name=%s", ev->ptr,
			cache_name(in, ev->cache));
		break;
	case KHEAP_TRACE_MM_PAGE_ALLOC:
		print_page(out, in, ev->ptr);
		fprintf(out, " order=%u migratetype=%d gfp_flags=", ev->order,
			ev->migratetype);
		print_gfp(out, ev->gfp);
		break;
	case KHEAP_TRACE_MM_PAGE_FREE:
		print_page(out, in, ev->ptr);
		fprintf(out, " order=%u", ev->order);
		break;
	case KHEAP_TRACE_CACHE_CREATE: {
		const struct trace_cache *c = trace_cache_of(in, ev->cache);

		fprintf(out, " name=%s object_size=%u size=%u align=%u flags=%#x ctor=%d",
			c ? c->name : "?", c ? c->object_size : 0,
			c ? c->size : 0, c ? c->align : 0, c ? c->flags : 0,
			c ? c->has_ctor : 0);
		break;
	}
	case KHEAP_TRACE_CACHE_DESTROY:
		fprintf(out, " name=%s", cache_name(in, ev->cache));
		break;
	}
	fputc('\n', out);
	return true;
}
