// SPDX-License-Identifier: MIT
/*
 * fuzz_trace - libFuzzer target: the two trace readers of `kheap trace`
 * (tools/trace/read.c: kheap's binary trace, versions 1 and 2;
 * tools/trace/parse.c: the kernel's ftrace text of the kmem events in
 * every layout it accepts) and the ftrace printer behind them
 * (tools/trace/text.c).
 *
 * The input is the file's bytes.  Text input goes to trace_parse_text();
 * input that starts with a binary header goes to trace_count_binary() and
 * trace_read_binary() too.  Neither may crash, read out of bounds or loop;
 * what they report must hold together: every event they deliver has a
 * known type (printed to /dev/null in the kernel's format, which looks up
 * its cache and call site), they count exactly the events delivered, keep
 * at most TRACE_MESSAGES messages, and stop when the callback asks them
 * to, returning what it returned (every third input stops after a few
 * events).
 *
 * Seeds: tests/fuzz/corpus/fuzz_trace (a small binary trace of `sort`, a
 * version 1 trace cut short, kheap's ftrace text of it, a Linux 6.18 trace
 * and lines of older kernels' layouts).
 */
#include "tools/trace/trace.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_trace: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static FILE *devnull;

struct run {
	struct trace_input *in;
	uint64_t events;
	uint64_t stop_after;		/* 0: read to the end */
};

static int on_event(void *arg, const struct kheap_trace_event *ev)
{
	struct run *r = arg;

	CHECK(ev->type >= KHEAP_TRACE_KMALLOC && ev->type < KHEAP_TRACE_NR_TYPES);
	trace_print_event(devnull, r->in, ev, true);
	r->events++;
	if (r->stop_after && r->events == r->stop_after)
		return 7;
	return 0;
}

/* One reader's run over @data; @binary picks which. */
static void read_once(const uint8_t *data, size_t size, bool binary,
		      uint64_t stop_after)
{
	struct trace_input in;
	struct run r = { .in = &in, .stop_after = stop_after };
	int ret;

	trace_input_init(&in);
	if (binary)
		ret = trace_read_binary(data, size, &in, on_event, &r);
	else
		ret = trace_parse_text((const char *)data, size, &in, on_event, &r);
	if (ret == 7)
		CHECK(stop_after && r.events == stop_after);
	else
		CHECK(ret == 0 || (ret == -1 && in.stop[0]));
	CHECK(in.nr_events == r.events);
	CHECK(in.nr_messages <= TRACE_MESSAGES);
	if (!binary)
		trace_print_header(devnull, &in);
	trace_input_free(&in);
}

/* libFuzzer's entry points */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	devnull = fopen("/dev/null", "w");
	CHECK(devnull);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long runs;
	uint64_t stop_after = ++runs % 3 ? 0 : 1 + runs % 5;

	read_once(data, size, false, stop_after);
	if (trace_is_binary(data, size)) {
		long long n = trace_count_binary(data, size);

		CHECK(n >= -1);
		read_once(data, size, true, stop_after);
	}
	return 0;
}
