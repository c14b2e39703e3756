// SPDX-License-Identifier: MIT
/*
 * tools/trace/read.c - kheap's binary trace (<kheap/trace.h>) read from a
 * buffer, and what every reader keeps besides the events (caches, call
 * site symbols, thread names, problems met).
 *
 * Reading is two passes over the buffer.  The first walks the chunk
 * headers: metadata chunks are taken in at once, event chunks are
 * indexed per stream (a recording thread's in version 3, a CPU's in
 * versions 1 and 2), in file order.  The second merges the streams' chunk
 * lists by timestamp (each stream's events are already in time order),
 * one cursor per stream, so memory is the index, not the events.  With
 * a set of the live pointers the merge also keeps each object's events
 * in an order that can have happened: the uptime clock stamps a
 * millisecond's events alike, and tie_break() orders its ties; the other
 * clocks agree across CPUs only to a fraction of a microsecond, and an
 * event that cannot happen yet waits for a stream's event stamped within
 * MERGE_WINDOW_NS of it that can (window_pick()).
 *
 * Bad input is described, never trusted: a header of another format or
 * version stops the reader with a message; a chunk whose magic is wrong
 * ends the walk there (the offset is reported); a chunk cut short by the
 * end of the file gives the whole events it holds; an event of an
 * unknown type is counted and skipped.
 */
#define _GNU_SOURCE
#include "tools/trace/map.h"
#include "tools/trace/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the input's tables ---- */

void trace_input_init(struct trace_input *in)
{
	memset(in, 0, sizeof(*in));
	in->page_struct_size = 64;
}

void trace_input_free(struct trace_input *in)
{
	for (size_t i = 0; i < in->nr_syms; i++)
		free(in->syms[i].text);
	for (unsigned int i = 0; i < in->nr_messages; i++)
		free(in->messages[i]);
	free(in->syms);
	free(in->site_ids);
	free(in->clocks);
	free(in->caches);
	free(in->threads);
	trace_input_init(in);
}

static const char *const problem_names[TIP_NR] = {
	[TIP_MALFORMED] = "malformed",
	[TIP_UNKNOWN_EVENT] = "not a kmem event",
	[TIP_INTERNAL_EVENT] = "page allocator internal event",
	[TIP_LOST] = "lost-events marker",
	[TIP_TRUNCATED] = "truncated",
	[TIP_UNKNOWN_GFP] = "unknown GFP flag",
};

const char *trace_problem_name(enum trace_input_problem p)
{
	return p < TIP_NR ? problem_names[p] : "?";
}

void trace_input_problem(struct trace_input *in, enum trace_input_problem p,
			 const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (in->quiet)
		return;
	in->problems[p]++;
	if (in->nr_messages >= TRACE_MESSAGES)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) >= 0)
		in->messages[in->nr_messages++] = msg;
	va_end(ap);
}

const struct trace_cache *trace_cache_of(const struct trace_input *in,
					 uint32_t id)
{
	if (!id || id > in->nr_caches || !in->caches[id - 1].id)
		return NULL;
	return &in->caches[id - 1];
}

static struct trace_cache *cache_slot(struct trace_input *in, uint32_t id)
{
	if (!id || id > (1u << 20))
		return NULL;
	if (id > in->nr_caches) {
		struct trace_cache *c = realloc(in->caches, id * sizeof(*c));

		if (!c)
			return NULL;
		memset(c + in->nr_caches, 0,
		       (id - in->nr_caches) * sizeof(*c));
		in->caches = c;
		in->nr_caches = id;
	}
	return &in->caches[id - 1];
}

/* The id of the cache called @name (a text trace names caches, no ids). */
uint32_t trace_cache_intern(struct trace_input *in, const char *name,
			    size_t len)
{
	struct trace_cache *c;

	if (len >= sizeof(c->name))
		len = sizeof(c->name) - 1;
	for (size_t i = 0; i < in->nr_caches; i++)
		if (in->caches[i].id && !strncmp(in->caches[i].name, name, len) &&
		    !in->caches[i].name[len])
			return in->caches[i].id;
	c = cache_slot(in, (uint32_t)in->nr_caches + 1);
	if (!c)
		return 0;
	c->id = (uint32_t)in->nr_caches;
	memcpy(c->name, name, len);
	c->name[len] = 0;
	return c->id;
}

static struct trace_symbol *symbol_find(const struct trace_input *in,
					uint64_t addr)
{
	/* sorted by addr once reading is done; linear before */
	size_t lo = 0, hi = in->nr_syms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (in->syms[mid].addr == addr)
			return &in->syms[mid];
		if (in->syms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void symbol_add(struct trace_input *in, uint64_t addr, const char *text,
		       size_t len)
{
	size_t i;

	if (symbol_find(in, addr))
		return;
	if (in->nr_syms == in->syms_cap) {
		size_t cap = in->syms_cap ? 2 * in->syms_cap : 256;
		struct trace_symbol *s = realloc(in->syms, cap * sizeof(*s));

		if (!s)
			return;
		in->syms = s;
		in->syms_cap = cap;
	}
	/* keep the array sorted: symbols arrive in any order */
	for (i = in->nr_syms; i > 0 && in->syms[i - 1].addr > addr; i--)
		in->syms[i] = in->syms[i - 1];
	in->syms[i].addr = addr;
	in->syms[i].text = strndup(text, len);
	in->nr_syms++;
}

const char *trace_symbol_of(const struct trace_input *in, uint64_t addr)
{
	struct trace_symbol *s = symbol_find(in, addr);

	return s ? s->text : NULL;
}

/*
 * A text trace's symbolic call site gets a made-up address with the top
 * bit set (no real one has it), so events keep a number like any other.
 */
uint64_t trace_symbol_intern(struct trace_input *in, const char *text,
			     size_t len)
{
	for (size_t i = 0; i < in->nr_syms; i++)
		if (!strncmp(in->syms[i].text, text, len) && !in->syms[i].text[len])
			return in->syms[i].addr;
	uint64_t addr = (1ULL << 63) | (in->nr_syms + 1);

	symbol_add(in, addr, text, len);
	return addr;
}

void trace_thread_add(struct trace_input *in, int32_t tid, const char *comm)
{
	struct trace_thread *t;

	for (size_t i = 0; i < in->nr_threads; i++)
		if (in->threads[i].tid == tid) {
			snprintf(in->threads[i].comm, sizeof(t->comm), "%s", comm);
			return;
		}
	t = realloc(in->threads, (in->nr_threads + 1) * sizeof(*t));
	if (!t)
		return;
	in->threads = t;
	t = &in->threads[in->nr_threads++];
	t->tid = tid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

const char *trace_comm_of(const struct trace_input *in, int32_t tid)
{
	for (size_t i = 0; i < in->nr_threads; i++)
		if (in->threads[i].tid == tid)
			return in->threads[i].comm;
	return in->comm[0] ? in->comm : "<...>";
}

/* ---- the binary format ---- */

bool trace_is_binary(const void *buf, size_t len)
{
	return len >= 8 && !memcmp(buf, KHEAP_TRACE_MAGIC, 8);
}

static bool read_header(const unsigned char *buf, size_t len,
			struct trace_input *in, size_t *off)
{
	struct kheap_trace_header h;

	if (len < sizeof(h)) {
		snprintf(in->stop, sizeof(in->stop),
			 "%zu bytes: too short for a kheap trace header (%zu)",
			 len, sizeof(h));
		return false;
	}
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, KHEAP_TRACE_MAGIC, 8)) {
		snprintf(in->stop, sizeof(in->stop), "not a kheap trace (no %.8s magic)",
			 KHEAP_TRACE_MAGIC);
		return false;
	}
	if (h.version < 1 || h.version > KHEAP_TRACE_VERSION) {
		snprintf(in->stop, sizeof(in->stop),
			 "kheap trace format version %u; this kheap reads versions 1 to %u",
			 h.version, KHEAP_TRACE_VERSION);
		return false;
	}
	if (h.header_size < sizeof(h) || h.header_size > len ||
	    h.event_size != (h.version == 1 ? sizeof(struct kheap_trace_event)
					     : KHEAP_TRACE_R_MAX)) {
		snprintf(in->stop, sizeof(in->stop),
			 "bad header: header_size %u, event_size %u",
			 h.header_size, h.event_size);
		return false;
	}
	in->binary = true;
	in->version = h.version;
	in->pid = h.pid;
	memcpy(in->comm, h.comm, sizeof(in->comm));
	in->comm[sizeof(in->comm) - 1] = 0;
	in->start_ns = h.start_ns;
	in->memmap = h.memmap;
	in->page_struct_size = h.page_struct_size ? h.page_struct_size : 64;
	in->nr_cpus = h.nr_cpus;
	in->clock = h.clock;
	*off = h.header_size;
	return true;
}

static void read_meta(const unsigned char *p, size_t size, size_t off,
		      struct trace_input *in)
{
	const unsigned char *p0 = p;
	struct kheap_trace_meta m;

	if (size < sizeof(m)) {
		trace_input_problem(in, TIP_MALFORMED,
				    "offset %zu: metadata chunk of %zu bytes", off, size);
		return;
	}
	memcpy(&m, p, sizeof(m));
	if (m.len < sizeof(m) || m.len > size) {
		trace_input_problem(in, TIP_MALFORMED,
				    "offset %zu: metadata record of length %u in %zu bytes",
				    off, m.len, size);
		return;
	}
	switch (m.type) {
	case KHEAP_TRACE_META_CACHE: {
		struct kheap_trace_meta_cache c;
		struct trace_cache *tc;

		if (m.len <= sizeof(c))
			break;
		memcpy(&c, p, sizeof(c));
		tc = cache_slot(in, m.id);
		if (!tc)
			break;
		tc->id = m.id;
		snprintf(tc->name, sizeof(tc->name), "%.*s",
			 (int)strnlen((const char *)p + sizeof(c), m.len - sizeof(c)),
			 (const char *)p + sizeof(c));
		tc->object_size = c.object_size;
		tc->size = c.size;
		tc->align = c.align;
		tc->flags = c.flags;
		tc->has_ctor = c.has_ctor;
		return;
	}
	case KHEAP_TRACE_META_SYMBOL: {
		struct kheap_trace_meta_symbol s;
		const char *text = (const char *)p + sizeof(s);

		if (m.len <= sizeof(s))
			break;
		memcpy(&s, p, sizeof(s));
		symbol_add(in, s.addr, text, strnlen(text, m.len - sizeof(s)));
		if (m.id && m.id <= (1u << 20)) {	/* version 2's site ids */
			if (m.id > in->nr_site_ids) {
				uint64_t *ids = realloc(in->site_ids,
							m.id * sizeof(*ids));

				if (!ids)
					return;
				memset(ids + in->nr_site_ids, 0,
				       (m.id - in->nr_site_ids) * sizeof(*ids));
				in->site_ids = ids;
				in->nr_site_ids = m.id;
			}
			in->site_ids[m.id - 1] = s.addr;
		}
		return;
	}
	case KHEAP_TRACE_META_CLOCK: {
		struct kheap_trace_meta_clock c;
		struct trace_clock *clk;
		size_t i;

		if (m.len < sizeof(c))
			break;
		memcpy(&c, p0, sizeof(c));
		clk = realloc(in->clocks, (in->nr_clocks + 1) * sizeof(*clk));
		if (!clk)
			return;
		in->clocks = clk;
		/* kept sorted by the counter (they come nearly in order) */
		for (i = in->nr_clocks; i > 0 && clk[i - 1].tsc > c.tsc; i--)
			clk[i] = clk[i - 1];
		clk[i].tsc = c.tsc;
		clk[i].ns = c.ns;
		in->nr_clocks++;
		return;
	}
	case KHEAP_TRACE_META_THREAD: {
		char comm[16] = "";
		size_t n = m.len - sizeof(m);

		memcpy(comm, p + sizeof(m), n < 15 ? n : 15);
		trace_thread_add(in, (int32_t)m.id, comm);
		return;
	}
	default:
		break;
	}
	trace_input_problem(in, TIP_MALFORMED,
			    "offset %zu: metadata record of unknown type %u or size %u",
			    off, m.type, m.len);
}

/*
 * An event's time in ns: the counter converted by the clock records around
 * it (the first two, or the last two, beyond them).  Without two records
 * the counter is taken as ns, which keeps the order.
 */
static uint64_t trace_time_ns(const struct trace_input *in, uint64_t ts)
{
	const struct trace_clock *c = in->clocks;
	size_t lo = 0, hi = in->nr_clocks;
	double t;

	if ((in->clock != KHEAP_TRACE_CLOCK_TSC &&
	     in->clock != KHEAP_TRACE_CLOCK_COUNTER) || in->nr_clocks < 2)
		return ts;
	while (hi - lo > 1) {		/* the last record at or before ts */
		size_t mid = (lo + hi) / 2;

		if (c[mid].tsc <= ts)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == in->nr_clocks - 1)
		lo--;
	while (lo > 0 && c[lo + 1].tsc == c[lo].tsc)
		lo--;
	if (c[lo + 1].tsc == c[lo].tsc)
		return c[lo].ns;
	t = (double)c[lo].ns + (double)(int64_t)(ts - c[lo].tsc) *
			       (double)(int64_t)(c[lo + 1].ns - c[lo].ns) /
			       (double)(c[lo + 1].tsc - c[lo].tsc);
	/* a damaged file's clock records may run backwards or far away */
	if (!(t > 0))
		return 0;
	return t < 0x1p64 ? (uint64_t)t : UINT64_MAX;
}

struct chunk_ref {
	size_t off;			/* of its first record */
	size_t bytes;			/* of records in the file */
	uint32_t nr;			/* records it says it has */
	uint32_t cpu;			/* version 3: its stream */
	uint64_t first;			/* versions 2, 3: its time base */
	bool cut;			/* the file ends inside it */
};

struct stream_cursor {
	size_t *chunks;			/* indexes into the chunk list */
	size_t nr_chunks, cap;
	size_t pos;			/* current chunk (index into chunks) */
	uint32_t ev;			/* records decoded from it */
	size_t at;			/* versions 2, 3: byte offset in it */
	uint64_t ts, ptr;		/* versions 2, 3: the record before's */
	int32_t tid;
	uint32_t cpu;			/* version 3: the record before's */
	bool have;			/* next holds its next event */
	uint64_t tick_ts;		/* uptime: the tick being merged, */
	size_t tick_taken;		/* this stream's events of it taken */
	size_t tick_len;		/* and in all */
	struct kheap_trace_event next;
};

static int index_chunk(struct stream_cursor **streams, size_t *nr_streams,
		       uint32_t stream, size_t idx)
{
	struct stream_cursor *c;

	if (stream >= *nr_streams) {
		size_t n = (size_t)stream + 1;

		c = realloc(*streams, n * sizeof(*c));
		if (!c)
			return -1;
		memset(c + *nr_streams, 0, (n - *nr_streams) * sizeof(*c));
		*streams = c;
		*nr_streams = n;
	}
	c = &(*streams)[stream];
	if (c->nr_chunks == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		size_t *p = realloc(c->chunks, cap * sizeof(*p));

		if (!p)
			return -1;
		c->chunks = p;
		c->cap = cap;
	}
	c->chunks[c->nr_chunks++] = idx;
	return 0;
}

static bool get_varint(const unsigned char **p, const unsigned char *end,
		       uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned int shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;

		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

/* Version 2: the site a record names by id, as the symbol records say. */
static uint64_t site_of(const struct trace_input *in, uint64_t id)
{
	return id && id <= in->nr_site_ids ? in->site_ids[id - 1] : 0;
}

/* What a chunk's cpu field names: a CPU, or in version 3 a stream. */
static const char *chunk_unit(const struct trace_input *in)
{
	return in->version >= 3 ? "stream" : "cpu";
}

/*
 * Unpack the record at @cur's place in version-2 or -3 chunk @r into
 * cur->next.
 * Return: true, or false at the chunk's end or at a record that does not
 * unpack (said, unless the file was cut inside it; the chunk's rest is
 * not read: the records after it cannot be found).
 */
static bool unpack(const unsigned char *buf, const struct chunk_ref *r,
		   struct stream_cursor *cur, struct trace_input *in)
{
	const unsigned char *start = buf + r->off + cur->at, *p = start;
	const unsigned char *end = buf + r->off + r->bytes;
	struct kheap_trace_event *e = &cur->next;
	uint64_t v;
	unsigned int f, type;
	uint8_t hdr;

	if (cur->ev >= r->nr || p >= end)
		return false;
	if (!cur->at) {
		cur->ts = r->first;
		cur->ptr = 0;
		cur->tid = 0;
		cur->cpu = 0;
	}
	memset(e, 0, sizeof(*e));
	hdr = *p++;
	type = hdr & KHEAP_TRACE_R_TYPE;
	f = kheap_trace_fields(type);
	if (!f) {
		trace_input_problem(in, TIP_MALFORMED,
				    "offset %zu: a record of unknown type %u; the rest of its chunk (%s %u) is not read",
				    (size_t)(start - buf), type, chunk_unit(in), r->cpu);
		return false;
	}
	e->type = (uint8_t)type;
	e->flags = hdr & KHEAP_TRACE_R_NESTED ? KHEAP_TRACE_NESTED : 0;
	if (!get_varint(&p, end, &v))
		goto short_;
	cur->ts += v;
	if (hdr & KHEAP_TRACE_R_TID) {
		if (!get_varint(&p, end, &v))
			goto short_;
		cur->tid = (int32_t)v;
	}
	if (in->version >= 3 && (hdr & KHEAP_TRACE_R_CPU)) {
		if (!get_varint(&p, end, &v))
			goto short_;
		cur->cpu = v < 65536 ? (uint32_t)v : 65535;
	}
	e->cpu = (uint16_t)(in->version >= 3 ? cur->cpu : r->cpu);
	if (!get_varint(&p, end, &v))
		goto short_;
	cur->ptr += (uint64_t)((int64_t)(v >> 1) ^ -(int64_t)(v & 1));
	e->ts = cur->ts;
	e->tid = cur->tid;
	e->ptr = cur->ptr;
	if (f & KHEAP_TRACE_F_SITE) {
		if (!get_varint(&p, end, &v))
			goto short_;
		e->call_site = hdr & KHEAP_TRACE_R_RAW_SITE ? v : site_of(in, v);
	}
	if (f & KHEAP_TRACE_F_SIZES) {
		if (!get_varint(&p, end, &e->bytes_req) ||
		    !get_varint(&p, end, &e->bytes_alloc))
			goto short_;
	}
	if (f & KHEAP_TRACE_F_GFP) {
		if (!get_varint(&p, end, &v))
			goto short_;
		e->gfp = (uint32_t)v;
	}
	if (f & KHEAP_TRACE_F_CACHE) {
		if (!get_varint(&p, end, &v))
			goto short_;
		e->cache = (uint32_t)v;
	}
	if (f & (KHEAP_TRACE_F_ORDER | KHEAP_TRACE_F_MT)) {
		if (end - p < ((f & KHEAP_TRACE_F_MT) ? 2 : 1))
			goto short_;
		e->order = *p++;
		if (f & KHEAP_TRACE_F_MT)
			e->migratetype = (int8_t)*p++;
	}
	cur->at += (size_t)(p - start);
	cur->ev++;
	return true;
short_:
	/* cut by the file's end: said already (TIP_TRUNCATED) */
	if (!r->cut)
		trace_input_problem(in, TIP_MALFORMED,
				    "offset %zu: a record of %s %u runs past its chunk; the rest of it is not read",
				    (size_t)(start - buf), chunk_unit(in), r->cpu);
	return false;
}

/* The next event of @cur's stream into cur->next; false when it has none. */
static bool cursor_next(const unsigned char *buf, struct chunk_ref *refs,
			struct stream_cursor *cur, struct trace_input *in,
			unsigned int version)
{
	while (cur->pos < cur->nr_chunks) {
		struct chunk_ref *r = &refs[cur->chunks[cur->pos]];

		if (version == 1) {
			if (cur->ev < r->nr &&
			    (size_t)(cur->ev + 1) * sizeof(cur->next) <= r->bytes) {
				memcpy(&cur->next, buf + r->off +
				       (size_t)cur->ev * sizeof(cur->next),
				       sizeof(cur->next));
				cur->ev++;
				return true;
			}
		} else if (unpack(buf, r, cur, in)) {
			return true;
		}
		cur->pos++;
		cur->ev = 0;
		cur->at = 0;
	}
	return false;
}

/*
 * Streams merged by time may disagree about objects handed between
 * threads: the uptime clock stamps a millisecond's events alike, and the
 * other clocks agree across CPUs only to a fraction of a microsecond.  So
 * the merge keeps the set of live pointers (@live) and prefers an event
 * that can happen now: an allocation of a pointer that is not live, a
 * free or krealloc of one that is, anything else.  That is the order the
 * program itself must have had wherever one thread handed a pointer to
 * another.
 */
enum ev_kind { EV_OTHER, EV_ALLOC, EV_FREE, EV_RESIZE };

static enum ev_kind event_kind(const struct kheap_trace_event *ev)
{
	if (ev->flags & KHEAP_TRACE_NESTED)
		return EV_OTHER;
	switch (ev->type) {
	case KHEAP_TRACE_KMALLOC:
	case KHEAP_TRACE_KMEM_CACHE_ALLOC:
	case KHEAP_TRACE_VMALLOC:
		return EV_ALLOC;
	case KHEAP_TRACE_KFREE:
	case KHEAP_TRACE_KMEM_CACHE_FREE:
	case KHEAP_TRACE_VFREE:
		return EV_FREE;
	case KHEAP_TRACE_KREALLOC:
		return EV_RESIZE;
	default:
		return EV_OTHER;
	}
}

static bool event_ready(const struct u64_map *live,
			const struct kheap_trace_event *ev)
{
	uint64_t v;

	switch (event_kind(ev)) {
	case EV_ALLOC:
		return !ev->ptr || !u64_map_get(live, ev->ptr, &v);
	case EV_FREE:
	case EV_RESIZE:
		return ev->ptr <= 16 || u64_map_get(live, ev->ptr, &v);
	default:
		return true;
	}
}

static int event_track(struct u64_map *live, const struct kheap_trace_event *ev)
{
	uint64_t v;

	if (!ev->ptr)
		return 0;
	switch (event_kind(ev)) {
	case EV_ALLOC:
		return u64_map_put(live, ev->ptr, 1);
	case EV_FREE:
		u64_map_take(live, ev->ptr, &v);
		return 0;
	default:
		return 0;
	}
}

#define TICK_LOOKAHEAD	(1u << 20)	/* events of a tick counted */

/* uptime: @cur's events in the tick of its next one (a copy reads ahead). */
static size_t tick_len(const unsigned char *buf, struct chunk_ref *refs,
		       const struct stream_cursor *cur, struct trace_input *in,
		       unsigned int version)
{
	struct stream_cursor look = *cur;
	bool quiet = in->quiet;
	size_t n = 1;

	in->quiet = true;
	while (n < TICK_LOOKAHEAD &&
	       cursor_next(buf, refs, &look, in, version) &&
	       look.next.ts == cur->next.ts)
		n += !(look.next.flags & KHEAP_TRACE_NESTED);
	in->quiet = quiet;
	return n;
}

/*
 * The stream to take the next event from, when the streams' next events
 * may tie (the uptime clock).  Of the streams whose next event is in the
 * earliest tick, @best's: those whose event can happen now, if any can
 * (else all), and of them the one furthest back in its own stream's share
 * of the tick - a stream that gave 10 of its 40 events of the tick is a
 * quarter through it, taken as a quarter through the millisecond: the
 * threads ran side by side.  Nested events do not count; streams level
 * to an event go by turns (not the one taken @last).
 */
static size_t tie_break(const unsigned char *buf, struct chunk_ref *refs,
			struct stream_cursor *streams, size_t nr_streams,
			size_t best, size_t last, const struct u64_map *live,
			struct trace_input *in, unsigned int version)
{
	uint64_t ts = streams[best].next.ts;
	size_t pick = SIZE_MAX, pick_len = 1;
	double pick_at = 0;
	bool pick_ready = false;

	for (size_t c = best; c < nr_streams; c++) {
		struct stream_cursor *s = &streams[c];
		double at;
		bool ready;

		if (!s->have || s->next.ts != ts)
			continue;
		if (s->tick_ts != ts || !s->tick_len) {
			s->tick_ts = ts;
			s->tick_taken = 0;
			s->tick_len = tick_len(buf, refs, s, in, version);
		}
		at = (s->tick_taken + 0.5) / (double)s->tick_len;
		ready = event_ready(live, &s->next);
		if (pick == SIZE_MAX || (ready && !pick_ready) ||
		    (ready == pick_ready &&
		     (fabs(at - pick_at) *
		      (double)(s->tick_len > pick_len ? s->tick_len : pick_len) < 1 ?
		      pick == last : at < pick_at))) {
			pick = c;
			pick_at = at;
			pick_len = s->tick_len;
			pick_ready = ready;
		}
	}
	return pick;
}

#define MERGE_WINDOW_NS	5000	/* streams' clocks may disagree this much */

/*
 * How far apart, in @in's ts units, two streams' events may be stamped
 * and still have happened in either order: the time-stamp counters of two
 * CPUs (and the reads of one, which the CPU may reorder against the
 * memory accesses around them) agree only to a fraction of a microsecond,
 * less than a thread takes to hand an object to another.  0 where the
 * order is exact (the counter clock) or cannot be told.
 */
static uint64_t merge_window(const struct trace_input *in)
{
	const struct trace_clock *c = in->clocks;
	size_t n = in->nr_clocks;

	switch (in->clock) {
	case KHEAP_TRACE_CLOCK_NS:
		return MERGE_WINDOW_NS;
	case KHEAP_TRACE_CLOCK_TSC:
		if (n < 2 || c[n - 1].ns <= c[0].ns || c[n - 1].tsc <= c[0].tsc)
			return 0;
		return (uint64_t)((double)(c[n - 1].tsc - c[0].tsc) /
				  (double)(c[n - 1].ns - c[0].ns) * MERGE_WINDOW_NS);
	default:
		return 0;
	}
}

/*
 * Of the streams whose next event is stamped within @window of @best's
 * (the earliest), the earliest one whose event can happen now; @best when
 * @best's can, or none can.
 */
static size_t window_pick(struct stream_cursor *streams, size_t nr_streams,
			  size_t best, uint64_t window,
			  const struct u64_map *live)
{
	uint64_t ts = streams[best].next.ts;
	size_t pick = SIZE_MAX;

	if (event_ready(live, &streams[best].next))
		return best;
	for (size_t c = 0; c < nr_streams; c++) {
		const struct stream_cursor *s = &streams[c];

		if (!s->have || c == best || s->next.ts - ts > window)
			continue;
		if (event_ready(live, &s->next) &&
		    (pick == SIZE_MAX || s->next.ts < streams[pick].next.ts))
			pick = c;
	}
	return pick == SIZE_MAX ? best : pick;
}

static int merge_events(const unsigned char *buf, struct chunk_ref *refs,
			struct stream_cursor *streams, size_t nr_streams,
			struct trace_input *in, unsigned int version,
			trace_event_fn fn, void *arg)
{
	bool ties = in->clock == KHEAP_TRACE_CLOCK_UPTIME && nr_streams > 1;
	uint64_t window = nr_streams > 1 && !ties ? merge_window(in) : 0;
	struct u64_map live = { 0 };
	size_t last = SIZE_MAX;
	int ret = 0;

	for (size_t c = 0; c < nr_streams; c++)
		streams[c].have = cursor_next(buf, refs, &streams[c], in, version);
	for (;;) {
		struct kheap_trace_event ev;
		size_t best = SIZE_MAX;

		for (size_t c = 0; c < nr_streams; c++)
			if (streams[c].have &&
			    (best == SIZE_MAX || streams[c].next.ts < streams[best].next.ts))
				best = c;
		if (best == SIZE_MAX)
			break;
		if (ties) {
			best = tie_break(buf, refs, streams, nr_streams, best,
					 last, &live, in, version);
			if (!(streams[best].next.flags & KHEAP_TRACE_NESTED)) {
				streams[best].tick_taken++;
				last = best;
			}
		} else if (window) {
			best = window_pick(streams, nr_streams, best, window, &live);
		}
		ev = streams[best].next;
		if ((ties || window) && event_track(&live, &ev)) {
			ret = -ENOMEM;
			break;
		}
		streams[best].have = cursor_next(buf, refs, &streams[best], in, version);
		ev.ts = trace_time_ns(in, ev.ts);
		if (!ev.type || ev.type >= KHEAP_TRACE_NR_TYPES) {
			trace_input_problem(in, TIP_MALFORMED,
					    "%s %zu: event of unknown type %u",
					    chunk_unit(in), best, ev.type);
			continue;
		}
		in->nr_events++;
		ret = fn(arg, &ev);
		if (ret)
			break;
	}
	u64_map_free(&live);
	return ret;
}

int trace_read_binary(const void *vbuf, size_t len, struct trace_input *in,
		      trace_event_fn fn, void *arg)
{
	const unsigned char *buf = vbuf;
	struct chunk_ref *refs = NULL;
	struct stream_cursor *streams = NULL;
	size_t nr_refs = 0, cap = 0, nr_streams = 0, off;
	unsigned int version;
	int ret = 0;

	if (!read_header(buf, len, in, &off))
		return -1;
	version = in->version;
	while (off < len) {
		struct kheap_trace_chunk ch;
		size_t avail;

		if (len - off < sizeof(ch)) {
			trace_input_problem(in, TIP_TRUNCATED,
					    "offset %zu: %zu bytes left, not a whole chunk header",
					    off, len - off);
			break;
		}
		memcpy(&ch, buf + off, sizeof(ch));
		if (ch.magic != KHEAP_TRACE_CHUNK_MAGIC) {
			trace_input_problem(in, TIP_MALFORMED,
					    "offset %zu: no chunk here (magic %#x); the %zu bytes from here are not read",
					    off, ch.magic, len - off);
			break;
		}
		avail = len - off - sizeof(ch);
		if (ch.cpu == KHEAP_TRACE_META) {
			if (ch.size > avail) {
				trace_input_problem(in, TIP_TRUNCATED,
						    "offset %zu: metadata chunk cut short",
						    off);
				break;
			}
			read_meta(buf + off + sizeof(ch), ch.size, off, in);
			off += sizeof(ch) + ch.size;
			continue;
		}
		if ((version == 1 &&
		     ch.size != (uint64_t)ch.nr * sizeof(struct kheap_trace_event)) ||
		    ch.cpu >= 65536) {
			trace_input_problem(in, TIP_MALFORMED,
					    "offset %zu: chunk of %s %u with %u events in %u bytes; the rest is not read",
					    off, chunk_unit(in), ch.cpu, ch.nr, ch.size);
			break;
		}
		if (nr_refs == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct chunk_ref *r = realloc(refs, ncap * sizeof(*r));

			if (!r) {
				ret = -ENOMEM;
				goto out;
			}
			refs = r;
			cap = ncap;
		}
		refs[nr_refs].off = off + sizeof(ch);
		refs[nr_refs].cpu = ch.cpu;
		refs[nr_refs].nr = ch.nr;
		refs[nr_refs].first = ch.first_ns;
		refs[nr_refs].bytes = ch.size <= avail ? ch.size : avail;
		refs[nr_refs].cut = ch.size > avail;
		if (ch.size > avail)
			trace_input_problem(in, TIP_TRUNCATED,
					    "offset %zu: the file ends inside a chunk of %s %u (%zu of %u bytes kept)",
					    off, chunk_unit(in), ch.cpu, avail, ch.size);
		if (index_chunk(&streams, &nr_streams, ch.cpu, nr_refs)) {
			ret = -ENOMEM;
			goto out;
		}
		nr_refs++;
		if (ch.size > avail)
			break;
		off += sizeof(ch) + ch.size;
	}
	ret = merge_events(buf, refs, streams, nr_streams, in, version, fn, arg);
out:
	for (size_t c = 0; c < nr_streams; c++)
		free(streams[c].chunks);
	free(streams);
	free(refs);
	return ret;
}

/*
 * trace_count_binary - the events a binary trace holds, from its chunk
 * headers alone (no merge): what `kheap trace record` reports.  -1 if it
 * is not a kheap trace of this version.
 */
long long trace_count_binary(const void *vbuf, size_t len)
{
	const unsigned char *buf = vbuf;
	struct trace_input in;
	long long n = 0;
	size_t off;

	trace_input_init(&in);
	if (!read_header(buf, len, &in, &off))
		return -1;
	while (len - off >= sizeof(struct kheap_trace_chunk)) {
		struct kheap_trace_chunk ch;

		memcpy(&ch, buf + off, sizeof(ch));
		if (ch.magic != KHEAP_TRACE_CHUNK_MAGIC ||
		    ch.size > len - off - sizeof(ch))
			break;
		if (ch.cpu != KHEAP_TRACE_META)
			n += ch.nr;
		off += sizeof(ch) + ch.size;
	}
	return n;
}

/* ---- files ---- */

int trace_read_file(const char *path, struct trace_input *in,
		    trace_event_fn fn, void *arg)
{
	struct stat st;
	void *buf = NULL;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (st.st_size) {
		buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf == MAP_FAILED) {
			ret = -errno;
			close(fd);
			return ret;
		}
	}
	close(fd);
	if (trace_is_binary(buf, (size_t)st.st_size))
		ret = trace_read_binary(buf, (size_t)st.st_size, in, fn, arg);
	else
		ret = trace_parse_text(buf, (size_t)st.st_size, in, fn, arg);
	if (buf)
		munmap(buf, (size_t)st.st_size);
	return ret;
}
