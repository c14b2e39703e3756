/* SPDX-License-Identifier: MIT */
/*
 * tools/trace/trace.h - reading, printing, replaying and comparing
 * allocator traces: the code behind `kheap trace` (tools/trace/cmd.c).
 *
 * Two inputs give one stream of struct kheap_trace_event (<kheap/trace.h>)
 * in time order:
 *   read.c   kheap's binary trace, chunks of every CPU merged by timestamp;
 *   parse.c  the kernel's ftrace text of the kmem events (v6.12's formats
 *            and older ones), and kheap's own text of the same events.
 * Both work on a buffer in memory (the mapped file), so a fuzzer can feed
 * them bytes, and both describe what they could not use (struct
 * trace_input's counters and first messages) rather than stop.
 *
 *   text.c    events as the kernel's ftrace text (`kheap trace text`);
 *   replay.c  events run again on this process's kheap, with figures
 *             sampled over time (`kheap trace replay`);
 *   report.c  several replays side by side: a table and a self-contained
 *             HTML page of SVG plots (`kheap trace compare`).
 */
#ifndef _KHEAP_TOOLS_TRACE_H
#define _KHEAP_TOOLS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <kheap/trace.h>

/* ---- what a reader learns besides the events ---- */

struct trace_cache {
	uint32_t id;			/* the number events carry */
	char name[64];
	uint32_t object_size;		/* 0: unknown (a text trace) */
	uint32_t size;			/* stride; 0: unknown */
	uint32_t align;
	uint32_t flags;			/* SLAB_* */
	bool has_ctor;
};

struct trace_symbol {
	uint64_t addr;
	char *text;			/* as %pS prints it */
};

struct trace_thread {
	int32_t tid;
	char comm[16];
};

/* Reasons an input line or record was not turned into an event. */
enum trace_input_problem {
	TIP_MALFORMED,		/* a line or record that does not parse */
	TIP_UNKNOWN_EVENT,	/* an event that is not a kmem event */
	TIP_INTERNAL_EVENT,	/* a page allocator internal (pcp drain, ...) */
	TIP_LOST,		/* "CPU:N [LOST n EVENTS]" */
	TIP_TRUNCATED,		/* the file ends inside a chunk */
	TIP_UNKNOWN_GFP,	/* a GFP flag name this kheap does not know */
	TIP_NR
};

#define TRACE_MESSAGES	8	/* first messages kept, with line or offset */

struct trace_input {
	/* header: binary traces; text gives what it can */
	bool binary;
	bool quiet;			/* problems not counted (lookahead) */
	unsigned int version;		/* of a binary trace */
	int32_t pid;
	char comm[16];
	uint64_t start_ns;		/* binary: kheap_trace_start; text: 1st ts */
	uint64_t memmap;		/* struct page of pfn 0 (binary) */
	uint32_t page_struct_size;
	uint32_t nr_cpus;
	uint32_t clock;			/* KHEAP_TRACE_CLOCK_*: what ts counts */
	struct trace_clock {		/* counter -> ns pairs, by counter */
		uint64_t tsc, ns;
	} *clocks;
	size_t nr_clocks;

	struct trace_cache *caches;	/* by id - 1 */
	size_t nr_caches;
	struct trace_symbol *syms;
	size_t nr_syms, syms_cap;
	uint64_t *site_ids;		/* version 2: call site id - 1 -> address */
	size_t nr_site_ids;
	struct trace_thread *threads;
	size_t nr_threads;

	uint64_t nr_events;		/* events delivered */
	uint64_t problems[TIP_NR];	/* per enum trace_input_problem */
	uint64_t lost_events;		/* sum of LOST counts */
	char *messages[TRACE_MESSAGES];	/* the first problems, in words */
	unsigned int nr_messages;
	char stop[256];			/* why reading stopped early, or "" */
};

/* Called for each event in time order; non-zero stops the reader. */
typedef int (*trace_event_fn)(void *arg, const struct kheap_trace_event *ev);

void trace_input_init(struct trace_input *in);
void trace_input_free(struct trace_input *in);
void trace_input_problem(struct trace_input *in, enum trace_input_problem p,
			 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *trace_problem_name(enum trace_input_problem p);
const struct trace_cache *trace_cache_of(const struct trace_input *in,
					 uint32_t id);
uint32_t trace_cache_intern(struct trace_input *in, const char *name,
			    size_t len);
const char *trace_symbol_of(const struct trace_input *in, uint64_t addr);
uint64_t trace_symbol_intern(struct trace_input *in, const char *text,
			     size_t len);
const char *trace_comm_of(const struct trace_input *in, int32_t tid);
void trace_thread_add(struct trace_input *in, int32_t tid, const char *comm);

/* ---- read.c: the binary format ---- */

bool trace_is_binary(const void *buf, size_t len);
/*
 * trace_read_binary - deliver the events of a binary trace in @buf, merged
 * by timestamp.  Return: 0, or the non-zero value @fn returned; -1 if the
 * header is not a kheap trace of this version (in->stop says why).
 */
int trace_read_binary(const void *buf, size_t len, struct trace_input *in,
		      trace_event_fn fn, void *arg);

/* The events of a binary trace, from its chunk headers; -1: not one. */
long long trace_count_binary(const void *buf, size_t len);

/* ---- parse.c: ftrace text ---- */

/*
 * trace_parse_text - deliver the kmem events of ftrace text in @buf (the
 * kernel's /sys/kernel/tracing/trace, `trace-cmd report`, or
 * `kheap trace text`), in their order.  Lines that are not kmem events are
 * counted in in->problems.  Return: 0 or the non-zero value @fn returned.
 */
int trace_parse_text(const char *buf, size_t len, struct trace_input *in,
		     trace_event_fn fn, void *arg);
/* GFP flags as show_gfp_flags() prints them, any release's names. */
bool trace_parse_gfp(struct trace_input *in, const char *s, size_t len,
		     uint32_t *gfp);

/* A whole file, mapped, whichever format it is. */
int trace_read_file(const char *path, struct trace_input *in,
		    trace_event_fn fn, void *arg);

/* ---- text.c: ftrace text ---- */

/* Print @ev as the kernel's trace file does; false if nothing to print. */
bool trace_print_event(FILE *out, const struct trace_input *in,
		       const struct kheap_trace_event *ev, bool nested);
void trace_print_header(FILE *out, const struct trace_input *in);

/* ---- replay.c: running a trace again on this process's kheap ---- */

enum replay_skip {
	RS_NESTED,		/* a page event inside another allocation */
	RS_UNSEEN_FREE,		/* free of an object allocated before the trace */
	RS_UNSEEN_PAGES,	/* free of pages allocated before the trace */
	RS_NULL_FREE,		/* kfree(NULL) or kfree(ZERO_SIZE_PTR) */
	RS_FAILED_RECORDED,	/* an allocation that had failed when recorded */
	RS_DUPLICATE,		/* an allocation of a pointer already live */
	RS_OUT_OF_MEMORY,	/* an allocation that failed in the replay */
	RS_CACHE_BUSY,		/* destroying a cache that holds objects */
	RS_NR
};

/* unusable_index is sampled at PAGE_ALLOC_COSTLY_ORDER and pageblock_order */
#define REPLAY_ORDERS	2
#define REPLAY_ORDER(i)	((i) ? 9u : 3u)
#define REPLAY_MAX_CACHES 256	/* kheap caches followed per replay */

struct replay_sample {
	uint64_t ts;			/* trace time: ns since its first event */
	uint64_t events;		/* events read so far */
	uint64_t slab, pages, vmalloc;	/* bytes in use */
	uint64_t rss;			/* resident bytes above the start's */
	uint64_t req, alloc;		/* live bytes asked for, handed out */
	uint64_t slab_req, slab_bytes;	/* of slab objects; slab pages' bytes */
	int unusable[REPLAY_ORDERS];	/* unusable_index, thousandths */
};

struct replay_cache {
	char name[64];			/* kheap's cache (merged caches: one) */
	uint64_t peak_bytes;		/* slab bytes, highest sample */
	uint64_t final_bytes;		/* at the end */
	uint64_t peak_objects;		/* live objects of the replay, highest */
	uint64_t objects;		/* live now */
};

struct replay_result {
	char cmdline[512];		/* the options of this replay */
	uint64_t events;		/* events read */
	uint64_t replayed;		/* calls made */
	uint64_t skipped[RS_NR];
	uint64_t run_ns;		/* time inside the replayed calls */
	uint64_t span_ns;		/* the trace's time span */
	/* exact peaks, checked after every event */
	uint64_t peak_total, peak_slab, peak_pages, peak_vmalloc;
	uint64_t peak_req, peak_alloc, peak_rss;
	uint64_t waste_at_peak;		/* alloc - req when alloc peaked */
	struct replay_sample final;
	char oom_event[256];		/* the first allocation out of memory */
	struct replay_sample *samples;
	size_t nr_samples;
	struct replay_cache caches[REPLAY_MAX_CACHES];
	size_t nr_caches;
	uint64_t *cache_bytes;		/* nr_samples x REPLAY_MAX_CACHES */
};

struct replay_opts {
	unsigned int samples;		/* points over time (200) */
	unsigned int threads;		/* 0, 1: one thread in trace order */
	bool touch;			/* write a byte per page of each block */
};

const char *replay_skip_name(enum replay_skip r);
/* Replay @path (kheap initialised by the caller); 0 or -errno. */
int trace_replay(const char *path, const struct replay_opts *opts,
		 struct replay_result *res, struct trace_input *in);
void replay_result_free(struct replay_result *res);
void replay_print(FILE *out, const struct replay_result *res,
		  const struct trace_input *in);
/* The result as lines of text for `compare` (and back). */
void replay_result_write(FILE *out, const struct replay_result *res);
int replay_result_read(FILE *in, struct replay_result *res);

#endif /* _KHEAP_TOOLS_TRACE_H */
