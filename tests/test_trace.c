// SPDX-License-Identifier: MIT
/*
 * test_trace - the trace recorder (kernel/trace/trace.c) and the binary
 * reader and ftrace text printer (tools/trace/): what is recorded is what
 * was called, in the kernel's tracepoint semantics, and it reads back
 * the same, as binary and as text.
 */
#define _GNU_SOURCE
#include "check.h"
#include "tools/trace/trace.h"
#include "internal.h"
#include "slab.h"

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kheap/kheap.h>
#include <kheap/trace.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct events {
	struct kheap_trace_event ev[4096];
	size_t n;
};

static int collect(void *arg, const struct kheap_trace_event *ev)
{
	struct events *e = arg;

	if (e->n < sizeof(e->ev) / sizeof(e->ev[0]))
		e->ev[e->n++] = *ev;
	return 0;
}

static char path[64];

/* The first event of @type at or after *@i, skipping nested ones. */
static const struct kheap_trace_event *next_of(const struct events *e,
					       size_t *i, unsigned int type)
{
	for (; *i < e->n; (*i)++)
		if (e->ev[*i].type == type &&
		    !(e->ev[*i].flags & KHEAP_TRACE_NESTED))
			return &e->ev[(*i)++];
	return NULL;
}

/* Not static: exported (-rdynamic), so the recorder can name it. */
void traced_work(void **kept, struct kmem_cache **cache_out);
void traced_work(void **kept, struct kmem_cache **cache_out)
{
	struct kmem_cache *s;
	struct page *page;
	void *a, *b, *c, *v;

	a = kmalloc(100, GFP_KERNEL);
	b = kmalloc(20000, GFP_KERNEL | __GFP_ZERO);	/* large kmalloc */
	s = kmem_cache_create("trace_test_obj", 200, 0, SLAB_NO_MERGE, NULL);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	page = alloc_pages(GFP_KERNEL, 2);
	v = vmalloc(3 * PAGE_SIZE + 10);
	a = krealloc(a, 120, GFP_KERNEL);	/* fits kmalloc-128: in place */
	kfree(b);
	kmem_cache_free(s, c);
	__free_pages(page, 2);
	vfree(v);
	kfree(NULL);
	kept[0] = a;
	*cache_out = s;
}

static void test_record_and_read_back(void)
{
	struct events *e = calloc(1, sizeof(*e));
	struct trace_input in;
	struct kmem_cache *s;
	void *kept[1];
	unsigned int stride;
	const struct kheap_trace_event *ev;
	const struct trace_cache *tc;
	size_t i = 0;

	CHECK_EQ(kheap_trace_start(path), 0);
	CHECK_EQ(kheap_trace_start(path), -EBUSY);
	traced_work(kept, &s);
	CHECK_EQ(kheap_trace_stop(), 0);
	CHECK_EQ(kheap_trace_stop(), -ENOENT);
	stride = s->size;
	kfree(kept[0]);
	kmem_cache_destroy(s);

	trace_input_init(&in);
	CHECK_EQ(trace_read_file(path, &in, collect, e), 0);
	CHECK(in.binary);
	CHECK_EQ(in.pid, getpid());
	CHECK_EQ(in.nr_messages, 0);

	ev = next_of(e, &i, KHEAP_TRACE_KMALLOC);
	CHECK(ev && ev->bytes_req == 100 && ev->bytes_alloc == 128 &&
	      ev->gfp == GFP_KERNEL);
	CHECK(ev && ev->tid == os_tid());
	/* the call site is this file's function, as %pS names it */
	CHECK(ev && trace_symbol_of(&in, ev->call_site) &&
	      !strncmp(trace_symbol_of(&in, ev->call_site), "traced_work+0x", 14));
	CHECK(ev && ev->ptr == (uint64_t)(uintptr_t)kept[0]);
	ev = next_of(e, &i, KHEAP_TRACE_KMALLOC);
	CHECK(ev && ev->bytes_req == 20000 && ev->bytes_alloc == 32768 &&
	      ev->gfp == (GFP_KERNEL | __GFP_ZERO));
	ev = next_of(e, &i, KHEAP_TRACE_CACHE_CREATE);
	CHECK(ev && (tc = trace_cache_of(&in, ev->cache)) &&
	      !strcmp(tc->name, "trace_test_obj") && tc->object_size == 200);
	ev = next_of(e, &i, KHEAP_TRACE_KMEM_CACHE_ALLOC);
	CHECK(ev && (tc = trace_cache_of(&in, ev->cache)) &&
	      !strcmp(tc->name, "trace_test_obj") && ev->bytes_req == 200 &&
	      ev->bytes_alloc == stride);
	ev = next_of(e, &i, KHEAP_TRACE_MM_PAGE_ALLOC);
	CHECK(ev && ev->order == 2 && ev->gfp == GFP_KERNEL &&
	      ev->migratetype == MIGRATE_UNMOVABLE);
	ev = next_of(e, &i, KHEAP_TRACE_VMALLOC);
	CHECK(ev && ev->bytes_req == 3 * PAGE_SIZE + 10 &&
	      ev->bytes_alloc == 4 * PAGE_SIZE);
	ev = next_of(e, &i, KHEAP_TRACE_KREALLOC);
	CHECK(ev && ev->bytes_req == 120 && ev->bytes_alloc == 128 &&
	      ev->ptr == (uint64_t)(uintptr_t)kept[0]);
	CHECK(next_of(e, &i, KHEAP_TRACE_KFREE) != NULL);
	CHECK(next_of(e, &i, KHEAP_TRACE_KMEM_CACHE_FREE) != NULL);
	ev = next_of(e, &i, KHEAP_TRACE_MM_PAGE_FREE);
	CHECK(ev && ev->order == 2);
	CHECK(next_of(e, &i, KHEAP_TRACE_VFREE) != NULL);
	ev = next_of(e, &i, KHEAP_TRACE_KFREE);	/* kfree(NULL) is traced too */
	CHECK(ev && ev->ptr == 0);

	/* the large kmalloc's block and vmalloc's frames are nested */
	{
		bool nested_large = false;

		for (size_t k = 0; k < e->n; k++)
			if (e->ev[k].type == KHEAP_TRACE_MM_PAGE_ALLOC &&
			    e->ev[k].order == 3 &&
			    (e->ev[k].flags & KHEAP_TRACE_NESTED))
				nested_large = true;
		CHECK(nested_large);
	}
	/* time order, and no API event nested */
	for (size_t k = 1; k < e->n; k++)
		CHECK(e->ev[k].ts >= e->ev[k - 1].ts);
	for (size_t k = 0; k < e->n; k++)
		CHECK(!(e->ev[k].flags & KHEAP_TRACE_NESTED) ||
		      e->ev[k].type == KHEAP_TRACE_MM_PAGE_ALLOC ||
		      e->ev[k].type == KHEAP_TRACE_MM_PAGE_FREE);
	trace_input_free(&in);
	free(e);
	CHECK_EQ(kheap_validate(), 0);
}

/* ---- the kernel's text ---- */

static char *print_one(struct trace_input *in, const struct kheap_trace_event *ev,
		       bool nested)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	trace_print_event(f, in, ev, nested);
	fclose(f);
	return buf;
}

static void test_text_is_the_kernels(void)
{
	struct trace_input in;
	struct kheap_trace_event ev = {
		.ts = 5125123456789ULL, .tid = 1234, .cpu = 1,
		.type = KHEAP_TRACE_KMALLOC, .ptr = 0xffff888012345678ULL,
		.bytes_req = 100, .bytes_alloc = 128,
		.gfp = GFP_KERNEL | __GFP_ZERO,
	};
	char *line;

	trace_input_init(&in);
	snprintf(in.comm, sizeof(in.comm), "test");
	ev.call_site = trace_symbol_intern(&in, "foo+0x1c/0x40", 13);
	line = print_one(&in, &ev, false);
	CHECK(line && !strcmp(line,
		"            test-1234    [001] .....  5125.123456: kmalloc: call_site=foo+0x1c/0x40 ptr=ffff888012345678 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false\n"));
	free(line);

	ev.type = KHEAP_TRACE_KFREE;
	line = print_one(&in, &ev, false);
	CHECK(line && !strcmp(line,
		"            test-1234    [001] .....  5125.123456: kfree: call_site=foo+0x1c/0x40 ptr=ffff888012345678\n"));
	free(line);

	ev.type = KHEAP_TRACE_KMEM_CACHE_FREE;
	ev.cache = trace_cache_intern(&in, "dentry", 6);
	line = print_one(&in, &ev, false);
	CHECK(line && !strcmp(line,
		"            test-1234    [001] .....  5125.123456: kmem_cache_free: call_site=foo+0x1c/0x40 ptr=ffff888012345678 name=dentry\n"));
	free(line);

	/* pages: page=%p is the struct page (memmap + pfn * 64) */
	in.memmap = 0xffffea0000000000ULL;
	ev.type = KHEAP_TRACE_MM_PAGE_ALLOC;
	ev.ptr = 0x1234;
	ev.order = 3;
	ev.migratetype = 1;
	ev.gfp = GFP_HIGHUSER_MOVABLE;
	line = print_one(&in, &ev, false);
	CHECK(line && !strcmp(line,
		"            test-1234    [001] .....  5125.123456: mm_page_alloc: page=ffffea0000048d00 pfn=0x1234 order=3 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE\n"));
	free(line);
	ev.ptr = ~0ULL;			/* failed: page NULL, pfn 0 */
	ev.gfp = GFP_NOWAIT;
	line = print_one(&in, &ev, false);
	CHECK(line && !strcmp(line,
		"            test-1234    [001] .....  5125.123456: mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 migratetype=1 gfp_flags=GFP_NOWAIT\n"));
	free(line);
	ev.type = KHEAP_TRACE_MM_PAGE_FREE;
	ev.ptr = 0x1234;
	ev.order = 0;
	line = print_one(&in, &ev, false);
	CHECK(line && !strcmp(line,
		"            test-1234    [001] .....  5125.123456: mm_page_free: page=ffffea0000048d00 pfn=0x1234 order=0\n"));
	free(line);
	/* nested events print only when asked for */
	ev.flags = KHEAP_TRACE_NESTED;
	line = print_one(&in, &ev, false);
	CHECK(line && !*line);
	free(line);
	line = print_one(&in, &ev, true);
	CHECK(line && strstr(line, "mm_page_free: "));
	free(line);
	/* gfp 0 prints "none" (show_gfp_flags) */
	ev.flags = 0;
	ev.type = KHEAP_TRACE_KMALLOC;
	ev.gfp = 0;
	line = print_one(&in, &ev, false);
	CHECK(line && strstr(line, " gfp_flags=none node=-1 "));
	free(line);
	trace_input_free(&in);
}

/* The text of a recording parses back to the same events. */
static void test_text_round_trip(void)
{
	struct events *bin = calloc(1, sizeof(*bin)), *txt = calloc(1, sizeof(*txt));
	struct trace_input in, in2;
	char *buf = NULL;
	size_t len = 0, k = 0;
	FILE *f;

	trace_input_init(&in);
	CHECK_EQ(trace_read_file(path, &in, collect, bin), 0);
	f = open_memstream(&buf, &len);
	trace_print_header(f, &in);
	for (size_t i = 0; i < bin->n; i++)
		trace_print_event(f, &in, &bin->ev[i], false);
	fclose(f);
	trace_input_init(&in2);
	CHECK_EQ(trace_parse_text(buf, len, &in2, collect, txt), 0);
	CHECK_EQ(in2.nr_messages, 0);
	for (size_t i = 0; i < bin->n; i++) {
		const struct kheap_trace_event *b = &bin->ev[i], *t;

		if (b->flags & KHEAP_TRACE_NESTED)
			continue;
		if (k >= txt->n) {
			CHECK(k < txt->n);
			break;
		}
		t = &txt->ev[k++];
		CHECK_EQ(t->type, b->type);
		if (b->type != KHEAP_TRACE_CACHE_CREATE &&
		    b->type != KHEAP_TRACE_CACHE_DESTROY)	/* no ptr= */
			CHECK_EQ(t->ptr, b->ptr);
		CHECK_EQ(t->bytes_req, b->bytes_req);
		CHECK_EQ(t->gfp, b->gfp);
		CHECK_EQ(t->order, b->order);
		CHECK_EQ(t->tid, b->tid);
		CHECK_EQ(t->ts / 1000, b->ts / 1000);	/* text has microseconds */
		if (b->cache)
			CHECK(!strcmp(trace_cache_of(&in2, t->cache)->name,
				      trace_cache_of(&in, b->cache)->name));
	}
	CHECK_EQ(k, txt->n);
	free(buf);
	trace_input_free(&in);
	trace_input_free(&in2);
	free(bin);
	free(txt);
}

/* ---- threads, fork ---- */

static int stop_threads;
static unsigned long worker_pairs;	/* kmalloc/kfree pairs done, all threads */

static void *worker(void *arg)
{
	unsigned long n = 0;

	(void)arg;
	while (!__atomic_load_n(&stop_threads, __ATOMIC_RELAXED) || n < 20000) {
		void *p = kmalloc(16 + n % 300, GFP_KERNEL);

		kfree(p);
		n++;
		__atomic_fetch_add(&worker_pairs, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Wait until the workers have done @n more pairs (a loaded machine may not
 * run them for a while), or 10 s. */
static void wait_for_pairs(unsigned long n)
{
	unsigned long start = __atomic_load_n(&worker_pairs, __ATOMIC_RELAXED);

	for (int i = 0; i < 10000; i++) {
		if (__atomic_load_n(&worker_pairs, __ATOMIC_RELAXED) - start >= n)
			return;
		usleep(1000);
	}
}

/* Every recorded kmalloc of a thread is followed by its kfree. */
struct pairs {
	struct u { int32_t tid; uint64_t ptr; } open[64];
	size_t nopen;
	unsigned long allocs, frees, bad;
};

static int check_pairs(void *arg, const struct kheap_trace_event *ev)
{
	struct pairs *p = arg;

	if (ev->type == KHEAP_TRACE_KMALLOC) {
		p->allocs++;
		if (p->nopen < 64)
			p->open[p->nopen++] = (struct u){ ev->tid, ev->ptr };
	} else if (ev->type == KHEAP_TRACE_KFREE) {
		size_t i;

		p->frees++;
		for (i = 0; i < p->nopen; i++)
			if (p->open[i].tid == ev->tid && p->open[i].ptr == ev->ptr)
				break;
		if (i == p->nopen) {
			p->bad++;
			return 0;
		}
		p->open[i] = p->open[--p->nopen];
	}
	return 0;
}

static void test_threads_start_stop(void)
{
	pthread_t t[3];

	stop_threads = 0;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int round = 0; round < 3; round++) {
		struct pairs *p = calloc(1, sizeof(*p));
		struct trace_input in;

		CHECK_EQ(kheap_trace_start(path), 0);
		wait_for_pairs(1000);
		CHECK_EQ(kheap_trace_stop(), 0);
		trace_input_init(&in);
		CHECK_EQ(trace_read_file(path, &in, check_pairs, p), 0);
		CHECK_EQ(in.nr_messages, 0);
		CHECK(p->allocs > 0);
		/* per thread, at most one free whose allocation came before
		 * the start, one allocation whose free came after the stop */
		CHECK(p->bad <= 3);
		CHECK(p->nopen <= 3);
		CHECK_EQ(p->allocs - p->nopen, p->frees - p->bad);
		trace_input_free(&in);
		free(p);
	}
	__atomic_store_n(&stop_threads, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}

/*
 * Streams (kernel/trace/trace.c, 1.): each recording thread has its own,
 * given back at its exit; past TRACE_STREAMS - 1 threads at once the rest
 * share stream 0.  Every thread's events are all there, in its order, and
 * exited threads' streams are taken again.
 */
#define BURST_THREADS	160	/* alive at once: more than the streams */
#define BURST_PAIRS	50

static pthread_barrier_t burst_barrier;

static void *burst(void *arg)
{
	bool wait = arg != NULL;

	if (wait)
		pthread_barrier_wait(&burst_barrier);
	for (int i = 0; i < BURST_PAIRS; i++)
		kfree(kmalloc(8 + (size_t)i, GFP_KERNEL));
	if (wait)
		pthread_barrier_wait(&burst_barrier);
	return NULL;
}

struct per_tid {
	int32_t tid[2 * BURST_THREADS + 8];
	unsigned int allocs[2 * BURST_THREADS + 8];
	unsigned int nr, bad, cpu_bad;
	uint64_t open_ptr[2 * BURST_THREADS + 8];
	unsigned int ncpus;
};

static int count_per_tid(void *arg, const struct kheap_trace_event *ev)
{
	struct per_tid *t = arg;
	unsigned int i;

	if (ev->flags & KHEAP_TRACE_NESTED)
		return 0;
	if (ev->cpu >= t->ncpus)
		t->cpu_bad++;
	for (i = 0; i < t->nr && t->tid[i] != ev->tid; i++)
		;
	if (i == t->nr) {
		if (t->nr == sizeof(t->tid) / sizeof(t->tid[0]))
			return 0;
		t->tid[t->nr++] = ev->tid;
	}
	/* a thread's kmalloc is followed by its kfree of the same pointer */
	if (ev->type == KHEAP_TRACE_KMALLOC) {
		t->bad += t->open_ptr[i] != 0;
		t->open_ptr[i] = ev->ptr;
		t->allocs[i]++;
	} else if (ev->type == KHEAP_TRACE_KFREE) {
		t->bad += t->open_ptr[i] != ev->ptr;
		t->open_ptr[i] = 0;
	}
	return 0;
}

/* The largest stream number of the file's event chunks; whether stream 0
 * (the shared one) has any in *@shared. */
static unsigned int max_stream(const char *file, bool *shared)
{
	FILE *f = fopen(file, "rb");
	struct kheap_trace_header h;
	struct kheap_trace_chunk ch;
	unsigned int max = 0;

	*shared = false;
	CHECK(f && fread(&h, sizeof(h), 1, f) == 1);
	CHECK_EQ(h.version, KHEAP_TRACE_VERSION);
	fseek(f, h.header_size, SEEK_SET);
	while (fread(&ch, sizeof(ch), 1, f) == 1) {
		if (ch.cpu != KHEAP_TRACE_META && ch.cpu > max)
			max = ch.cpu;
		*shared |= ch.cpu == 0;
		fseek(f, ch.size, SEEK_CUR);
	}
	fclose(f);
	return max;
}

static void test_streams(void)
{
	pthread_t t[BURST_THREADS];
	struct per_tid *pt = calloc(1, sizeof(*pt));
	struct trace_input in;
	bool shared;

	pt->ncpus = os_ncpus();
	/* one after another: each exiting thread's stream is taken again */
	CHECK_EQ(kheap_trace_start(path), 0);
	for (int i = 0; i < 40; i++) {
		pthread_create(&t[0], NULL, burst, NULL);
		pthread_join(t[0], NULL);
	}
	CHECK_EQ(kheap_trace_stop(), 0);
	trace_input_init(&in);
	CHECK_EQ(trace_read_file(path, &in, count_per_tid, pt), 0);
	CHECK_EQ(in.nr_messages, 0);
	CHECK_EQ(pt->nr, 40);
	for (unsigned int i = 0; i < pt->nr; i++)
		CHECK_EQ(pt->allocs[i], BURST_PAIRS);
	CHECK_EQ(pt->bad, 0);
	CHECK_EQ(pt->cpu_bad, 0);
	CHECK_EQ(max_stream(path, &shared), 1);
	CHECK(!shared);
	trace_input_free(&in);

	/* all at once: more threads than streams, the rest share stream 0 */
	memset(pt, 0, sizeof(*pt));
	pt->ncpus = os_ncpus();
	pthread_barrier_init(&burst_barrier, NULL, BURST_THREADS);
	CHECK_EQ(kheap_trace_start(path), 0);
	for (int i = 0; i < BURST_THREADS; i++)
		pthread_create(&t[i], NULL, burst, (void *)1);
	for (int i = 0; i < BURST_THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(kheap_trace_stop(), 0);
	pthread_barrier_destroy(&burst_barrier);
	trace_input_init(&in);
	CHECK_EQ(trace_read_file(path, &in, count_per_tid, pt), 0);
	CHECK_EQ(in.nr_messages, 0);
	CHECK_EQ(pt->nr, BURST_THREADS);
	for (unsigned int i = 0; i < pt->nr; i++)
		CHECK_EQ(pt->allocs[i], BURST_PAIRS);
	CHECK_EQ(pt->bad, 0);
	CHECK_EQ(pt->cpu_bad, 0);
	CHECK(max_stream(path, &shared) > 1);
	CHECK(shared);
	trace_input_free(&in);
	free(pt);
}

static void test_fork_child_does_not_record(void)
{
	struct events *e = calloc(1, sizeof(*e));
	struct trace_input in;
	int status;
	pid_t pid;

	CHECK_EQ(kheap_trace_start(path), 0);
	kfree(kmalloc(1, GFP_KERNEL));
	pid = fork();
	if (pid == 0) {
		char own[80];

		for (int i = 0; i < 1000; i++)
			kfree(kmalloc(64, GFP_KERNEL));
		if (kheap_trace_stop() != -ENOENT)
			_exit(3);
#ifdef __SANITIZE_THREAD__
		_exit(0);	/* TSan dies on a thread started after this fork */
#endif
		/* the child may record a trace of its own */
		snprintf(own, sizeof(own), "%s.child", path);
		if (kheap_trace_start(own))
			_exit(4);
		for (int i = 0; i < 100; i++)
			kfree(kmalloc(32, GFP_KERNEL));
		_exit(kheap_trace_stop() ? 5 : 0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#ifndef __SANITIZE_THREAD__
	{
		struct events *c = calloc(1, sizeof(*c));
		char own[80];

		snprintf(own, sizeof(own), "%s.child", path);
		trace_input_init(&in);
		CHECK_EQ(trace_read_file(own, &in, collect, c), 0);
		CHECK_EQ(in.nr_messages, 0);
		CHECK(c->n >= 200);
		for (size_t i = 0; i < c->n; i++)
			CHECK(c->ev[i].tid == pid);
		trace_input_free(&in);
		unlink(own);
		free(c);
	}
#endif
	kfree(kmalloc(2, GFP_KERNEL));
	CHECK_EQ(kheap_trace_stop(), 0);
	trace_input_init(&in);
	CHECK_EQ(trace_read_file(path, &in, collect, e), 0);
	for (size_t i = 0; i < e->n; i++)
		CHECK(e->ev[i].tid != pid);
	CHECK(e->n >= 4 && e->n < 100);
	trace_input_free(&in);
	free(e);
}

/*
 * A long recording streams: the process grows by its buffers (the
 * thread's 128 KiB one, the 16 spare of the pool and the writer's 64 KiB
 * chunk), not by the events, which are far more than that in memory.
 */
static void test_memory_bounded(void)
{
	unsigned long before, after, limit;
	struct stat st;
	int n = 300000;

	CHECK_EQ(kheap_trace_start(path), 0);
	kfree(kmalloc(100, GFP_KERNEL));
	before = os_rss_kb();
	for (int i = 0; i < n; i++)
		kfree(kmalloc(16 + (size_t)(i & 255), GFP_KERNEL));
	after = os_rss_kb();
	CHECK_EQ(kheap_trace_stop(), 0);
	limit = (1 + 16) * 128 + 64 + 6 * 1024;	/* KiB */
	CHECK(after < before + limit);
	/* the events went to the file: 2n of them, at least 6 bytes each */
	CHECK(stat(path, &st) == 0 && st.st_size > 12L * n);
	/* and they were many more than the limit, unpacked in memory */
	CHECK((unsigned long)n * 2 * sizeof(struct kheap_trace_event) / 1024 > limit);
}

/*
 * trace_clock= (kernel/params.c): each clock's traces say which in their
 * header, and two threads handing objects to each other read back in an
 * order where no object is freed before it is allocated or allocated while
 * live - with "uptime" too, where their events of a millisecond tie.
 */
#define PING_ROUNDS	3000

static void *volatile ping_slot;	/* the object being handed over */
static unsigned int ping_turn;		/* odd: the second thread's turn */

static void ping_wait(unsigned int want)
{
	while (__atomic_load_n(&ping_turn, __ATOMIC_ACQUIRE) != want)
		;
}

/* Free what the other thread handed over, then hand over one of ours. */
static void *ping_side(void *arg)
{
	unsigned int side = (unsigned int)(uintptr_t)arg;

	for (unsigned int i = side; i < 2 * PING_ROUNDS; i += 2) {
		ping_wait(i);
		kfree(ping_slot);
		ping_slot = kmalloc(24 + i % 40, GFP_KERNEL);
		__atomic_store_n(&ping_turn, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

struct order {
	struct u64_live { uint64_t ptr; } live[8];
	size_t nlive;
	unsigned long allocs, frees, early_free, live_alloc;
};

static int check_order(void *arg, const struct kheap_trace_event *ev)
{
	struct order *o = arg;
	size_t i;

	if (ev->flags & KHEAP_TRACE_NESTED || !ev->ptr || ev->ptr == 16)
		return 0;
	if (ev->type != KHEAP_TRACE_KMALLOC && ev->type != KHEAP_TRACE_KFREE)
		return 0;
	for (i = 0; i < o->nlive; i++)
		if (o->live[i].ptr == ev->ptr)
			break;
	if (ev->type == KHEAP_TRACE_KMALLOC) {
		o->allocs++;
		if (i < o->nlive)
			o->live_alloc++;
		else if (o->nlive < 8)
			o->live[o->nlive++].ptr = ev->ptr;
	} else {
		o->frees++;
		if (i == o->nlive)
			o->early_free++;
		else
			o->live[i] = o->live[--o->nlive];
	}
	return 0;
}

static void test_clocks(void)
{
	static const struct {
		unsigned int mode;
		uint32_t header;
	} clocks[] = {
		{ TRACE_CLOCK_X86_TSC, KHEAP_TRACE_CLOCK_TSC },
		{ TRACE_CLOCK_MONO, KHEAP_TRACE_CLOCK_NS },
		{ TRACE_CLOCK_UPTIME, KHEAP_TRACE_CLOCK_UPTIME },
		{ TRACE_CLOCK_COUNTER, KHEAP_TRACE_CLOCK_COUNTER },
	};
	unsigned int saved = kheap_config.trace_clock;

	for (size_t k = 0; k < sizeof(clocks) / sizeof(clocks[0]); k++) {
		struct order *o = calloc(1, sizeof(*o));
		struct trace_input in;
		pthread_t t[2];

		kheap_config.trace_clock = clocks[k].mode;
		ping_slot = NULL;
		ping_turn = 0;
		CHECK_EQ(kheap_trace_start(path), 0);
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, ping_side, (void *)(uintptr_t)i);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		kfree(ping_slot);
		CHECK_EQ(kheap_trace_stop(), 0);
		trace_input_init(&in);
		CHECK_EQ(trace_read_file(path, &in, check_order, o), 0);
		CHECK_EQ(in.nr_messages, 0);
		CHECK_EQ(in.clock, clocks[k].header);
		CHECK_EQ(o->allocs, 2 * PING_ROUNDS);
		CHECK_EQ(o->frees, 2 * PING_ROUNDS);
		CHECK_EQ(o->early_free, 0);
		CHECK_EQ(o->live_alloc, 0);
		CHECK_EQ(o->nlive, 0);
		if (o->early_free || o->live_alloc)
			fprintf(stderr, "trace_clock=%s: %lu frees before their allocation, %lu allocations of a live pointer\n",
				trace_clock_names[clocks[k].mode], o->early_free,
				o->live_alloc);
		trace_input_free(&in);
		free(o);
	}
	kheap_config.trace_clock = saved;
}

static void test_bad_path(void)
{
	CHECK_EQ(kheap_trace_start("/nonexistent-dir/x.trace"), -ENOENT);
	CHECK_EQ(kheap_trace_stop(), -ENOENT);
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/kheap-test-trace-%d", (int)getpid());
	kheap_init("mem=256M");
	RUN(test_record_and_read_back);
	RUN(test_text_is_the_kernels);
	RUN(test_text_round_trip);
	RUN(test_threads_start_stop);
	RUN(test_streams);
	RUN(test_clocks);
	RUN(test_fork_child_does_not_record);
	RUN(test_memory_bounded);
	RUN(test_bad_path);
	unlink(path);
	return check_summary();
}
