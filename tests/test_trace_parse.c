// SPDX-License-Identifier: MIT
/*
 * test_trace_parse - the trace readers on every layout they accept and on
 * input they must refuse: the kernel's ftrace text of the kmem events in
 * v6.12's formats and older ones (tools/trace/parse.c), and kheap's binary
 * format cut short or corrupted (tools/trace/read.c).  Bad input gives a
 * message with the line or offset and the rest is read; nothing crashes
 * (the ASan build checks the last part).
 */
#define _GNU_SOURCE
#include "check.h"
#include "tools/trace/trace.h"
#include "internal.h"

#include <linux/gfp.h>
#include <linux/slab.h>
#include <kheap/kheap.h>
#include <kheap/trace.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct events {
	struct kheap_trace_event ev[2048];
	size_t n;
};

static int collect(void *arg, const struct kheap_trace_event *ev)
{
	struct events *e = arg;

	if (e->n < sizeof(e->ev) / sizeof(e->ev[0]))
		e->ev[e->n++] = *ev;
	return 0;
}

static struct events ev;
static struct trace_input in;

/* Parse @text into the globals ev and in (freshly). */
static int parse(const char *text)
{
	trace_input_free(&in);
	trace_input_init(&in);
	memset(&ev, 0, sizeof(ev));
	return trace_parse_text(text, strlen(text), &in, collect, &ev);
}

static bool has_message(const char *needle)
{
	for (unsigned int i = 0; i < in.nr_messages; i++)
		if (strstr(in.messages[i], needle))
			return true;
	return false;
}

static const char *site(uint64_t addr)
{
	const char *s = trace_symbol_of(&in, addr);

	return s ? s : "";
}

static void test_v612_kmalloc(void)
{
	CHECK_EQ(parse("           <...>-1234    [000] ..... 12345.678901: kmalloc: call_site=alloc_pipe_info+0x5a/0x180 ptr=00000000a1b2c3d4 bytes_req=640 bytes_alloc=1024 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO node=-1 accounted=true\n"), 0);
	CHECK_EQ(ev.n, 1);
	CHECK_EQ(ev.ev[0].type, KHEAP_TRACE_KMALLOC);
	CHECK_EQ(ev.ev[0].ptr, 0xa1b2c3d4);
	CHECK_EQ(ev.ev[0].bytes_req, 640);
	CHECK_EQ(ev.ev[0].bytes_alloc, 1024);
	CHECK_EQ(ev.ev[0].gfp, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	CHECK_EQ(ev.ev[0].cpu, 0);
	CHECK_EQ(ev.ev[0].tid, 1234);
	CHECK_EQ(ev.ev[0].ts, 12345678901000ULL);
	CHECK(!strcmp(site(ev.ev[0].call_site), "alloc_pipe_info+0x5a/0x180"));
	CHECK(!strcmp(trace_comm_of(&in, 1234), "<...>"));
	CHECK_EQ(in.nr_messages, 0);
}

/* ≈v6.0: no node= on kmem_cache_alloc; a flags column with preempt depth */
static void test_without_node(void)
{
	CHECK_EQ(parse("            bash-4242    [001] d..1. 100.000001: kmem_cache_alloc: call_site=getname_flags+0x4b/0x1b0 ptr=ffff8881036a0000 bytes_req=4096 bytes_alloc=4096 gfp_flags=GFP_KERNEL accounted=false\n"
		       "            bash-4242    [001] d..1. 100.000002: kmem_cache_free: call_site=putname+0x4d/0x60 ptr=ffff8881036a0000 name=names_cache\n"), 0);
	CHECK_EQ(ev.n, 2);
	CHECK_EQ(ev.ev[0].type, KHEAP_TRACE_KMEM_CACHE_ALLOC);
	CHECK_EQ(ev.ev[0].ptr, 0xffff8881036a0000ULL);
	CHECK_EQ(ev.ev[0].gfp, GFP_KERNEL);
	/* the alloc learns its cache from the free of the same pointer */
	CHECK(ev.ev[0].cache && ev.ev[0].cache == ev.ev[1].cache);
	CHECK(!strcmp(trace_cache_of(&in, ev.ev[0].cache)->name, "names_cache"));
	CHECK_EQ(trace_cache_of(&in, ev.ev[0].cache)->object_size, 4096);
}

/* ≤ v5.3: call_site=%lx, the *_node events, no accounted= */
static void test_old_hex_call_site(void)
{
	CHECK_EQ(parse(" kworker/u8:2-123   [003] .... 500.123456: kmalloc_node: call_site=ffffffff8123abcd ptr=ffff88003a4b8000 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1\n"
		       " kworker/u8:2-123   [003] .... 500.123457: kmem_cache_alloc_node: call_site=ffffffff8123abce ptr=ffff88003a4b9000 bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL node=0\n"
		       " kworker/u8:2-123   [003] .... 500.123458: kmem_cache_free: call_site=ffffffff81234567 ptr=ffff88003a4b9000\n"), 0);
	CHECK_EQ(ev.n, 3);
	CHECK_EQ(ev.ev[0].type, KHEAP_TRACE_KMALLOC);
	CHECK_EQ(ev.ev[0].call_site, 0xffffffff8123abcdULL);
	CHECK_EQ(ev.ev[1].type, KHEAP_TRACE_KMEM_CACHE_ALLOC);
	CHECK_EQ(ev.ev[2].type, KHEAP_TRACE_KMEM_CACHE_FREE);
	CHECK_EQ(ev.ev[2].cache, 0);	/* no name= before ~4.x */
	/* never named: a cache of its size */
	CHECK(!strcmp(trace_cache_of(&in, ev.ev[1].cache)->name, "cache-192"));
	CHECK(!strcmp(trace_comm_of(&in, 123), "kworker/u8:2"));
}

static void test_null_and_module_symbols(void)
{
	CHECK_EQ(parse("              sh-99      [000] .... 10.000000: kfree: call_site=ffffffff81111111 ptr=(null)\n"
		       "     kworker/0:1H-kblockd-77  [001] ..... 11.000000: kmem_cache_free: call_site=xfs_inode_free+0x1c/0x90 [xfs] ptr=ffff888100001000 name=xfs_inode\n"
		       "     Web Content-4321 [001] ..... 12.000000: kfree: call_site=kvfree+0x2b/0x40 ptr=0000000000000000\n"), 0);
	CHECK_EQ(ev.n, 3);
	CHECK_EQ(ev.ev[0].ptr, 0);
	CHECK(!strcmp(site(ev.ev[1].call_site), "xfs_inode_free+0x1c/0x90 [xfs]"));
	CHECK(!strcmp(trace_cache_of(&in, ev.ev[1].cache)->name, "xfs_inode"));
	CHECK_EQ(ev.ev[1].tid, 77);
	CHECK(!strcmp(trace_comm_of(&in, 77), "kworker/0:1H-kb"));	/* 15 chars */
	CHECK_EQ(ev.ev[2].tid, 4321);
	CHECK(!strcmp(trace_comm_of(&in, 4321), "Web Content"));
	CHECK_EQ(ev.ev[2].ptr, 0);
}

static void test_page_events(void)
{
	CHECK_EQ(parse("  a-1 [000] ..... 1.000001: mm_page_alloc: page=00000000deadbeef pfn=0x12345 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO\n"
		       "  a-1 [000] ..... 1.000002: mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 migratetype=0 gfp_flags=GFP_NOWAIT\n"
		       "  a-1 [000] ..... 1.000003: mm_page_free: page=00000000deadbeef pfn=0x12345 order=0\n"
		       /* ≤ 5.13: pfn=%lu, page=(null), __GFP_COLD; batched with cold= */
		       "  a-1 [000] .... 1.000004: mm_page_alloc: page=ffffea0000d1e0c0 pfn=3440643 order=2 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COLD\n"
		       "  a-1 [000] .... 1.000005: mm_page_alloc: page=(null) pfn=0 order=9 migratetype=2 gfp_flags=GFP_TRANSHUGE\n"
		       "  a-1 [000] .... 1.000006: mm_page_free_batched: page=ffffea0000d1e0c0 pfn=3440643 order=0 cold=0\n"), 0);
	CHECK_EQ(ev.n, 6);
	CHECK_EQ(ev.ev[0].type, KHEAP_TRACE_MM_PAGE_ALLOC);
	CHECK_EQ(ev.ev[0].ptr, 0x12345);
	CHECK_EQ(ev.ev[0].migratetype, 1);
	CHECK_EQ(ev.ev[0].gfp, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
	CHECK_EQ(ev.ev[1].ptr, ~0ULL);		/* failed */
	CHECK_EQ(ev.ev[1].order, 3);
	CHECK_EQ(ev.ev[2].type, KHEAP_TRACE_MM_PAGE_FREE);
	CHECK_EQ(ev.ev[3].ptr, 3440643);	/* decimal */
	CHECK_EQ(ev.ev[3].gfp, GFP_KERNEL);	/* __GFP_COLD means nothing now */
	CHECK_EQ(ev.ev[4].ptr, ~0ULL);
	CHECK_EQ(ev.ev[4].gfp, GFP_TRANSHUGE);
	CHECK_EQ(ev.ev[5].type, KHEAP_TRACE_MM_PAGE_FREE);
	CHECK_EQ(ev.ev[5].order, 0);
	CHECK_EQ(in.nr_messages, 0);
}

/* `trace-cmd report` (no flags column, wide gaps) and record-tgid */
static void test_trace_cmd_and_tgid(void)
{
	CHECK_EQ(parse("cpus=2\n"
		       "            bash-1234  [002]  5125.123456: kmalloc:              call_site=load_elf_phdrs+0x4c/0xa0 ptr=0xffff888100a00000 bytes_req=504 bytes_alloc=512 gfp_flags=GFP_KERNEL\n"
		       "            bash-1234    (   1234) [002] ..... 5125.123457: kfree: call_site=load_elf_binary+0x2f/0x1500 ptr=ffff888100a00000\n"), 0);
	CHECK_EQ(ev.n, 2);
	CHECK_EQ(ev.ev[0].ptr, 0xffff888100a00000ULL);
	CHECK_EQ(ev.ev[0].cpu, 2);
	CHECK_EQ(ev.ev[1].type, KHEAP_TRACE_KFREE);
	CHECK_EQ(ev.ev[1].tid, 1234);
	CHECK_EQ(in.nr_messages, 0);
}

static void test_gfp_names_of_any_release(void)
{
	uint32_t gfp;

	trace_input_free(&in);
	trace_input_init(&in);
	CHECK(trace_parse_gfp(&in, "GFP_KERNEL|__GFP_REPEAT|__GFP_NOTRACK", 37, &gfp));
	CHECK_EQ(gfp, GFP_KERNEL | __GFP_RETRY_MAYFAIL);
	CHECK(trace_parse_gfp(&in, "__GFP_WAIT|__GFP_IO|__GFP_FS", 28, &gfp));
	CHECK_EQ(gfp, GFP_KERNEL);
	CHECK(trace_parse_gfp(&in, "GFP_TEMPORARY", 13, &gfp));
	CHECK_EQ(gfp, GFP_KERNEL | __GFP_RECLAIMABLE);
	CHECK(trace_parse_gfp(&in, "GFP_ATOMIC|__GFP_ATOMIC", 23, &gfp));
	CHECK_EQ(gfp, GFP_ATOMIC);
	/* 3.x: single bits without "__" */
	CHECK(trace_parse_gfp(&in, "GFP_KERNEL|GFP_ZERO|GFP_NOTRACK", 31, &gfp));
	CHECK_EQ(gfp, GFP_KERNEL | __GFP_ZERO);
	CHECK(trace_parse_gfp(&in, "GFP_WAIT|GFP_IO|GFP_HARDWALL|GFP_THISNODE", 41, &gfp));
	CHECK_EQ(gfp, __GFP_RECLAIM | __GFP_IO | __GFP_HARDWALL | __GFP_THISNODE);
	CHECK(trace_parse_gfp(&in, "none", 4, &gfp));
	CHECK_EQ(gfp, 0);
	CHECK(trace_parse_gfp(&in, "GFP_KERNEL|0x1000000", 20, &gfp));
	CHECK_EQ(gfp, GFP_KERNEL | 0x1000000);
	CHECK_EQ(in.problems[TIP_UNKNOWN_GFP], 0);
	CHECK(trace_parse_gfp(&in, "GFP_KERNEL|__GFP_MADE_UP", 24, &gfp));
	CHECK_EQ(gfp, GFP_KERNEL);
	CHECK_EQ(in.problems[TIP_UNKNOWN_GFP], 1);
	CHECK(has_message("__GFP_MADE_UP"));
	CHECK(!trace_parse_gfp(&in, "0xzz", 4, &gfp));
}

static void test_what_is_not_an_allocation(void)
{
	CHECK_EQ(parse("# tracer: nop\n#\n"
		       "CPU:1 [LOST 123 EVENTS]\n"
		       "  a-1 [000] ..... 1.0: sched_switch: prev_comm=a prev_pid=1\n"
		       "  a-1 [000] ..... 1.1: mm_page_pcpu_drain: page=0000000012345678 pfn=0x100 order=0 migratetype=1\n"
		       "  a-1 [000] ..... 1.2: kfree: call_site=x+0x1/0x2 ptr=0000000000001000\n"), 0);
	CHECK_EQ(ev.n, 1);
	CHECK_EQ(in.lost_events, 123);
	CHECK_EQ(in.problems[TIP_LOST], 1);
	CHECK_EQ(in.problems[TIP_UNKNOWN_EVENT], 1);
	CHECK_EQ(in.problems[TIP_INTERNAL_EVENT], 1);
	CHECK_EQ(in.problems[TIP_MALFORMED], 0);
}

static void test_malformed_lines(void)
{
	static const char text[] =
		"  a-1 [000] ..... 1.000001: kmalloc: call_site=x ptr=0000000000001000 bytes_alloc=64 gfp_flags=GFP_KERNEL\n"
		"hello world\n"
		"  a-1 [000] ..... 1.000002: kmalloc: call_site=x ptr=zz bytes_req=1 bytes_alloc=8 gfp_flags=GFP_KERNEL\n"
		"  a-1 [000] ..... notatime: kfree: ptr=0000000000001000\n"
		"  a-1 [000] ..... 1.000003: mm_page_alloc: page=00000000deadbeef order=0\n"
		"  a-1 [000] ..... 1.000004: mm_page_free: page=00000000deadbeef pfn=0x10 order=-1\n"
		"  a-1 [000] ..... 1.000005: kmalloc: call_site=x ptr=0000000000002000 bytes_req=-5 bytes_alloc=8 gfp_flags=GFP_KERNEL\n"
		"  a-1 [000] ..... 1.000006: kfree: call_site=x ptr=0000000000003000\n";

	CHECK_EQ(parse(text), 0);
	CHECK_EQ(ev.n, 1);			/* only the last line */
	CHECK_EQ(in.problems[TIP_MALFORMED], 7);
	CHECK(has_message("line 1: kmalloc without a valid bytes_req="));
	CHECK(has_message("line 2: not an ftrace event line"));
	CHECK(has_message("line 3: kmalloc without a valid ptr="));
	CHECK(has_message("line 5: mm_page_alloc without a valid pfn="));
	CHECK(has_message("line 6: mm_page_free without a valid order="));
	/* a NUL byte: not text */
	{
		char bad[] = "  a-1 [000] ..... 1.0: kfree: call_site=x ptr=1\0junk\n"
			     "  a-1 [000] ..... 1.1: kfree: call_site=x ptr=2\n";

		trace_input_free(&in);
		trace_input_init(&in);
		memset(&ev, 0, sizeof(ev));
		CHECK_EQ(trace_parse_text(bad, sizeof(bad) - 1, &in, collect, &ev), 0);
		CHECK_EQ(ev.n, 1);
		CHECK(has_message("line 1: a NUL byte"));
	}
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(ev.n, 0);
}

/* A run of mm_page_alloc that ends in a slab allocation on its CPU and
 * thread was that allocation's pages: nested, not replayed. */
static void test_nested_pages(void)
{
	CHECK_EQ(parse("  a-10 [000] ..... 1.000001: mm_page_alloc: page=0000000000000001 pfn=0x100 order=1 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP\n"
		       "  b-11 [001] ..... 1.000002: mm_page_alloc: page=0000000000000002 pfn=0x200 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE\n"
		       "  a-10 [000] ..... 1.000003: kmem_cache_alloc: call_site=x ptr=0000000000009000 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL\n"
		       "  b-11 [001] ..... 1.000004: kfree: call_site=y ptr=0000000000008000\n"), 0);
	CHECK_EQ(ev.n, 4);
	CHECK(ev.ev[0].flags & KHEAP_TRACE_NESTED);
	CHECK(!(ev.ev[1].flags & KHEAP_TRACE_NESTED));
}

/* ---- the binary format, cut and corrupted ---- */

static char *bin;
static size_t bin_len;

static void make_binary(void)
{
	char path[64];
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "/tmp/kheap-test-trace-parse-%d", (int)getpid());
	CHECK_EQ(kheap_trace_start(path), 0);
	for (int i = 0; i < 300; i++)
		kfree(kmalloc(8 + (size_t)i, GFP_KERNEL));
	{
		struct kmem_cache *s = kmem_cache_create("parse_obj", 48, 0, 0, NULL);

		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
		kmem_cache_destroy(s);
	}
	CHECK_EQ(kheap_trace_stop(), 0);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	bin = malloc((size_t)len);
	bin_len = fread(bin, 1, (size_t)len, f);
	fclose(f);
	unlink(path);
}

static int read_bin(const char *buf, size_t len)
{
	trace_input_free(&in);
	trace_input_init(&in);
	memset(&ev, 0, sizeof(ev));
	return trace_read_binary(buf, len, &in, collect, &ev);
}

static void test_binary_whole(void)
{
	CHECK_EQ(read_bin(bin, bin_len), 0);
	CHECK(ev.n >= 600);
	CHECK_EQ(in.nr_messages, 0);
}

static void test_binary_cut_anywhere(void)
{
	size_t full;

	read_bin(bin, bin_len);
	full = ev.n;
	for (size_t cut = 0; cut < bin_len; cut += 1 + cut / 16) {
		char *copy = malloc(cut ? cut : 1);
		int ret;

		memcpy(copy, bin, cut);
		ret = read_bin(copy, cut);
		if (cut < sizeof(struct kheap_trace_header)) {
			CHECK_EQ(ret, -1);
			CHECK(strstr(in.stop, "too short"));
		} else {
			CHECK_EQ(ret, 0);
			CHECK(ev.n <= full);
			/* cut inside a chunk: said, with the offset */
			if (ev.n < full && cut > sizeof(struct kheap_trace_header) + 32)
				CHECK(in.problems[TIP_TRUNCATED] &&
				      (has_message("offset") || has_message("bytes left")));
		}
		free(copy);
	}
}

static void test_binary_wrong_version_and_magic(void)
{
	char *copy = malloc(bin_len);
	struct kheap_trace_header h;

	memcpy(copy, bin, bin_len);
	memcpy(&h, copy, sizeof(h));
	h.version = 4;
	memcpy(copy, &h, sizeof(h));
	CHECK_EQ(read_bin(copy, bin_len), -1);
	CHECK(strstr(in.stop, "version 4; this kheap reads versions 1 to 3"));
	CHECK_EQ(ev.n, 0);
	memcpy(copy, bin, bin_len);
	copy[0] = 'X';
	CHECK(!trace_is_binary(copy, bin_len));
	CHECK_EQ(read_bin(copy, bin_len), -1);
	CHECK(strstr(in.stop, "not a kheap trace"));
	free(copy);
}

static void test_binary_bad_chunk(void)
{
	char *copy = malloc(bin_len);
	size_t off = ((struct kheap_trace_header *)bin)->header_size;
	size_t full, n = 0;

	read_bin(bin, bin_len);
	full = ev.n;
	/* walk to the third chunk and break its magic */
	memcpy(copy, bin, bin_len);
	while (off + sizeof(struct kheap_trace_chunk) <= bin_len && n < 2) {
		struct kheap_trace_chunk ch;

		memcpy(&ch, copy + off, sizeof(ch));
		off += sizeof(ch) + ch.size;
		n++;
	}
	if (off + 4 <= bin_len) {
		char msg[64];

		memset(copy + off, 0xee, 4);
		CHECK_EQ(read_bin(copy, bin_len), 0);
		snprintf(msg, sizeof(msg), "offset %zu: no chunk here", off);
		CHECK(has_message(msg));
		CHECK(ev.n < full);
	}
	/* a record of an unknown type in the first event chunk: said, with
	 * its offset; the rest of that chunk cannot be found */
	memcpy(copy, bin, bin_len);
	off = ((struct kheap_trace_header *)bin)->header_size;
	for (;;) {
		struct kheap_trace_chunk ch;

		memcpy(&ch, copy + off, sizeof(ch));
		if (ch.cpu != KHEAP_TRACE_META) {
			char msg[80];

			copy[off + sizeof(ch)] |= KHEAP_TRACE_R_TYPE;	/* type 15 */
			CHECK_EQ(read_bin(copy, bin_len), 0);
			CHECK(ev.n < full);
			snprintf(msg, sizeof(msg), "offset %zu: a record of unknown type 15",
				 off + sizeof(ch));
			CHECK(has_message(msg));
			break;
		}
		off += sizeof(ch) + ch.size;
	}
	free(copy);
}

/* Random damage anywhere: read without a crash (ASan watches). */
static void test_random_damage(void)
{
	uint64_t rnd = 0x853c49e6748fea9bULL;
	char *copy = malloc(bin_len);
	char text[] =
		"  a-1 [000] ..... 1.000001: kmalloc: call_site=x+0x1/0x2 ptr=0000000000001000 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL node=-1 accounted=false\n"
		"  a-1 [000] ..... 1.000002: mm_page_alloc: page=0000000000000001 pfn=0x100 order=1 migratetype=0 gfp_flags=GFP_KERNEL\n"
		"  a-1 [000] ..... 1.000003: kmem_cache_free: call_site=y ptr=0000000000001000 name=foo\n";

	for (int i = 0; i < 2000; i++) {
		size_t len = bin_len;

		memcpy(copy, bin, bin_len);
		for (int k = 0; k < 4; k++)
			copy[check_xorshift(&rnd) % bin_len] = (char)check_xorshift(&rnd);
		if (i % 3 == 0)
			len = sizeof(struct kheap_trace_header) +
			      check_xorshift(&rnd) % (bin_len - sizeof(struct kheap_trace_header));
		read_bin(copy, len);
	}
	for (int i = 0; i < 2000; i++) {
		char t[sizeof(text)];
		size_t len = sizeof(text) - 1;

		memcpy(t, text, sizeof(text));
		for (int k = 0; k < 3; k++)
			t[check_xorshift(&rnd) % len] = " =|x0:-[]\n\t"[check_xorshift(&rnd) % 11];
		len = check_xorshift(&rnd) % (len + 1);
		trace_input_free(&in);
		trace_input_init(&in);
		memset(&ev, 0, sizeof(ev));
		trace_parse_text(t, len, &in, collect, &ev);
	}
	free(copy);
	CHECK(1);	/* surviving is the check */
}

int main(void)
{
	kheap_init("mem=128M");
	trace_input_init(&in);
	RUN(test_v612_kmalloc);
	RUN(test_without_node);
	RUN(test_old_hex_call_site);
	RUN(test_null_and_module_symbols);
	RUN(test_page_events);
	RUN(test_trace_cmd_and_tgid);
	RUN(test_gfp_names_of_any_release);
	RUN(test_what_is_not_an_allocation);
	RUN(test_malformed_lines);
	RUN(test_nested_pages);
	make_binary();
	RUN(test_binary_whole);
	RUN(test_binary_cut_anywhere);
	RUN(test_binary_wrong_version_and_magic);
	RUN(test_binary_bad_chunk);
	RUN(test_random_damage);
	trace_input_free(&in);
	free(bin);
	return check_summary();
}
