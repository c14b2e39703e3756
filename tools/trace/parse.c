// SPDX-License-Identifier: MIT
/*
 * tools/trace/parse.c - the kmem events of ftrace text, from any kernel
 * since the kmem tracepoints exist, into struct kheap_trace_event.
 *
 * A line is "COMM-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS", as
 * /sys/kernel/tracing/trace prints it (kernel/trace/trace_output.c); the
 * FLAGS column is optional (irq-info off, or `trace-cmd report`), so is a
 * "(TGID)" after the pid (record-tgid), and a comm may hold spaces and
 * dashes (the pid is the number after the last dash before "[CPU]").
 * Fields are key=value words; a word without '=' belongs to the value
 * before it (%pS of a module's symbol ends in " [module]").
 *
 * The layouts read, newest first (the release each comes from is in
 * docs/trace.md):
 *   kmalloc / kmem_cache_alloc: "call_site=%pS ptr=%p bytes_req=%zu
 *     bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s" (v6.12);
 *     without accounted=; without node= (before the *_node events were
 *     folded in); kmalloc_node / kmem_cache_alloc_node with node=;
 *     call_site=%lx (hex, before %pS);
 *   kfree "call_site=... ptr=%p"; kmem_cache_free with or without name=;
 *   mm_page_alloc "page=%p pfn=0x%lx order=%d migratetype=%d
 *     gfp_flags=%s", pfn=%lu (decimal) in older kernels; mm_page_free,
 *     mm_page_free_batched (with or without cold=), mm_page_free_direct
 *     and mm_pagevec_free of older kernels;
 *   kheap's own kheap_* events (tools/trace/text.c).
 * Pointers are hashed (%p), raw (no_hash_pointers) or "(null)"; only
 * equality matters.  GFP flags are names of any release, old ones
 * (__GFP_WAIT, GFP_TEMPORARY, __GFP_REPEAT, ...) mapped to v6.12 bits.
 *
 * What text does not say, the whole trace does, so the parser reads it
 * all before it delivers an event:
 *   - kmem_cache_alloc names no cache: the name= of the kmem_cache_free
 *     of the same pointer does; an object never freed takes the name most
 *     often freed with its (bytes_req, bytes_alloc), else "cache-<size>";
 *   - a page allocation that serves a slab or a large kmalloc is followed,
 *     on its CPU and thread, by that allocation's event: such runs of
 *     mm_page_alloc are marked KHEAP_TRACE_NESTED (replay skips them, as
 *     the slab allocation replayed takes its own pages).
 */
#define _GNU_SOURCE
#include "tools/trace/trace.h"
#include "tools/trace/map.h"
#include "internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS	16

struct field {
	const char *key, *val;
	size_t klen, vlen;
};

struct line {
	const char *comm;		/* COMM-PID */
	size_t comm_len;
	long pid;
	unsigned long cpu;
	uint64_t ts;			/* ns */
	const char *event;
	size_t event_len;
	struct field f[MAX_FIELDS];
	int nr_fields;
};

/* ---- GFP flags by name ---- */

/*
 * Names of older releases, as the v6.12 bits that mean the same (or none).
 * 3.x kernels' include/trace/events/gfpflags.h named single bits without
 * the leading "__" (GFP_ZERO, GFP_WAIT, ...) and printed 0 as GFP_NOWAIT;
 * later ones renamed or dropped bits (__GFP_WAIT became the reclaim bits,
 * __GFP_REPEAT __GFP_RETRY_MAYFAIL; __GFP_COLD, __GFP_NOTRACK,
 * __GFP_ATOMIC are gone).
 */
static const struct {
	const char *name;
	uint32_t mask;
} legacy_gfp[] = {
	{ "GFP_HIGH", __GFP_HIGH },
	{ "GFP_WAIT", __GFP_RECLAIM },
	{ "GFP_IO", __GFP_IO },
	{ "GFP_FS", __GFP_FS },
	{ "GFP_COLD", 0 },
	{ "GFP_NOWARN", __GFP_NOWARN },
	{ "GFP_REPEAT", __GFP_RETRY_MAYFAIL },
	{ "GFP_NOFAIL", __GFP_NOFAIL },
	{ "GFP_NORETRY", __GFP_NORETRY },
	{ "GFP_COMP", __GFP_COMP },
	{ "GFP_ZERO", __GFP_ZERO },
	{ "GFP_NOMEMALLOC", __GFP_NOMEMALLOC },
	{ "GFP_HARDWALL", __GFP_HARDWALL },
	{ "GFP_THISNODE", __GFP_THISNODE },
	{ "GFP_RECLAIMABLE", __GFP_RECLAIMABLE },
	{ "GFP_MOVABLE", __GFP_MOVABLE },
	{ "GFP_NOTRACK", 0 },
	{ "GFP_NO_KSWAPD", 0 },
	{ "GFP_OTHER_NODE", 0 },
	{ "__GFP_WAIT", __GFP_RECLAIM },
	{ "GFP_TEMPORARY", GFP_KERNEL | __GFP_RECLAIMABLE },
	{ "__GFP_REPEAT", __GFP_RETRY_MAYFAIL },
	{ "GFP_IOFS", __GFP_IO | __GFP_FS },
	{ "__GFP_ATOMIC", 0 },
	{ "__GFP_COLD", 0 },
	{ "__GFP_NOTRACK", 0 },
	{ "__GFP_NOTRACK_FALSE_POSITIVE", 0 },
	{ "__GFP_OTHER_NODE", 0 },
	{ "__GFP_NOACCOUNT", 0 },
	{ "__GFP_NO_KSWAPD", 0 },
	{ "__GFP_NOLOCKDEP", 0 },
	{ "__GFP_SKIP_ZERO", 0 },
	{ "__GFP_SKIP_KASAN", 0 },
	{ "__GFP_SKIP_KASAN_POISON", 0 },
	{ "__GFP_SKIP_KASAN_UNPOISON", 0 },
	{ "__GFP_UNUSED", 0 },
};

bool trace_parse_gfp(struct trace_input *in, const char *s, size_t len,
		     uint32_t *gfp)
{
	const char *end = s + len;

	*gfp = 0;
	if (len == 4 && !memcmp(s, "none", 4))
		return true;
	while (s < end) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		size_t n = (size_t)((bar ? bar : end) - s);
		gfp_t mask;
		bool known = false;

		if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			char num[24], *e;
			unsigned long v;

			if (n >= sizeof(num))	/* the line may end here: copy */
				return false;
			memcpy(num, s, n);
			num[n] = 0;
			v = strtoul(num, &e, 16);
			if (e != num + n)
				return false;
			*gfp |= (uint32_t)(v & __GFP_BITS_MASK);
			known = true;
		} else if (kheap_gfp_by_name(s, n, &mask)) {
			*gfp |= mask;
			known = true;
		} else {
			for (size_t i = 0; i < sizeof(legacy_gfp) / sizeof(legacy_gfp[0]); i++)
				if (strlen(legacy_gfp[i].name) == n &&
				    !memcmp(legacy_gfp[i].name, s, n)) {
					*gfp |= legacy_gfp[i].mask;
					known = true;
				}
		}
		if (!known)
			trace_input_problem(in, TIP_UNKNOWN_GFP,
					    "GFP flag %.*s is unknown; ignored",
					    (int)n, s);
		s += n + 1;
	}
	return true;
}

/* ---- one line ---- */

static bool is_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "12345.678901" (seconds) or "123456789" (a counter clock): ns. */
static bool parse_timestamp(const char *s, size_t n, uint64_t *ns)
{
	const char *dot = memchr(s, '.', n);
	uint64_t secs = 0, frac = 0;
	size_t fd;

	if (!dot)
		dot = s + n;
	if (!is_digits(s, (size_t)(dot - s)) || dot - s > 12)
		return false;
	for (const char *p = s; p < dot; p++)
		secs = secs * 10 + (uint64_t)(*p - '0');
	if (dot == s + n) {
		*ns = secs;
		return true;
	}
	fd = (size_t)(s + n - dot - 1);
	if (!is_digits(dot + 1, fd) || fd > 9)
		return false;
	for (size_t i = 0; i < 9; i++)
		frac = frac * 10 + (i < fd ? (uint64_t)(dot[1 + i] - '0') : 0);
	*ns = secs * 1000000000ULL + frac;
	return true;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *word_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* The context "COMM-PID [CPU] FLAGS TS: EVENT:"; false if not one. */
static bool parse_context(const char *s, size_t len, struct line *l)
{
	const char *end = s + len, *p, *open = NULL, *close = NULL, *w;
	const char *dash;

	/* "[CPU]" preceded by a blank, after a "-PID" */
	for (p = s; p < end; p++) {
		const char *q;

		if (*p != '[' || p == s || (p[-1] != ' ' && p[-1] != '\t'))
			continue;
		for (q = p + 1; q < end && isdigit((unsigned char)*q); q++)
			;
		if (q > p + 1 && q < end && *q == ']') {
			open = p;
			close = q;
			break;
		}
	}
	if (!open)
		return false;
	l->cpu = strtoul(open + 1, NULL, 10);
	/* COMM-PID, maybe "(TGID)" after it */
	w = open;
	while (w > s && (w[-1] == ' ' || w[-1] == '\t'))
		w--;
	if (w > s && w[-1] == ')') {
		const char *o = w - 1;

		while (o > s && *o != '(')
			o--;
		w = o;
		while (w > s && (w[-1] == ' ' || w[-1] == '\t'))
			w--;
	}
	dash = w;
	while (dash > s && isdigit((unsigned char)dash[-1]))
		dash--;
	if (dash == w || dash == s || dash[-1] != '-')
		return false;
	l->pid = strtol(dash, NULL, 10);
	p = skip_spaces(s, end);
	l->comm = p;
	l->comm_len = (size_t)(dash - 1 - p);
	/* optional FLAGS, then "TS:" */
	p = skip_spaces(close + 1, end);
	w = word_end(p, end);
	if (w == p)
		return false;
	if (w[-1] != ':' || !parse_timestamp(p, (size_t)(w - p - 1), &l->ts)) {
		p = skip_spaces(w, end);	/* that was the flags column */
		w = word_end(p, end);
		if (w == p || w[-1] != ':' ||
		    !parse_timestamp(p, (size_t)(w - p - 1), &l->ts))
			return false;
	}
	/* "EVENT:" */
	p = skip_spaces(w, end);
	w = word_end(p, end);
	if (w - p < 2 || w[-1] != ':')
		return false;
	l->event = p;
	l->event_len = (size_t)(w - p - 1);
	/* fields */
	l->nr_fields = 0;
	for (p = skip_spaces(w, end); p < end; p = skip_spaces(w, end)) {
		const char *eq;

		w = word_end(p, end);
		eq = memchr(p, '=', (size_t)(w - p));
		if (!eq) {	/* " [module]" after a %pS: part of the value */
			if (l->nr_fields)
				l->f[l->nr_fields - 1].vlen = (size_t)(w - l->f[l->nr_fields - 1].val);
			continue;
		}
		if (l->nr_fields == MAX_FIELDS)
			break;
		l->f[l->nr_fields].key = p;
		l->f[l->nr_fields].klen = (size_t)(eq - p);
		l->f[l->nr_fields].val = eq + 1;
		l->f[l->nr_fields].vlen = (size_t)(w - eq - 1);
		l->nr_fields++;
	}
	return true;
}

static const struct field *field(const struct line *l, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < l->nr_fields; i++)
		if (l->f[i].klen == n && !memcmp(l->f[i].key, key, n))
			return &l->f[i];
	return NULL;
}

static bool parse_u64(const struct field *f, int base, uint64_t *v)
{
	char buf[32], *e;
	const char *s;
	size_t n;

	if (!f || !f->vlen || f->vlen >= sizeof(buf))
		return false;
	s = f->val;
	n = f->vlen;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
		base = 16;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	if (buf[0] == '-' || buf[0] == '+')
		return false;
	*v = strtoull(buf, &e, base);
	return e == buf + n;
}

/* %p: hashed or raw hex, "(null)" and "(nil)" as 0. */
static bool parse_ptr(const struct field *f, uint64_t *v)
{
	if (f && ((f->vlen == 6 && !memcmp(f->val, "(null)", 6)) ||
		  (f->vlen == 5 && !memcmp(f->val, "(nil)", 5)))) {
		*v = 0;
		return true;
	}
	return parse_u64(f, 16, v);
}

/* %pS ("sym+0x1c/0x40 [mod]"), or %lx / 0x%lx of older kernels. */
static uint64_t parse_call_site(struct trace_input *in, const struct field *f)
{
	uint64_t v;

	if (!f || !f->vlen)
		return 0;
	if (parse_u64(f, 16, &v))
		return v;
	return trace_symbol_intern(in, f->val, f->vlen);
}

enum line_kind { LK_API, LK_PAGE_ALLOC, LK_PAGE_FREE, LK_PAGE_FREE0,
		 LK_INTERNAL };

#define NEED_PTR	0x1	/* ptr= */
#define NEED_SIZES	0x2	/* bytes_req= bytes_alloc= */
#define NEED_NAME	0x4	/* name= */

static const struct {
	const char *name;
	enum line_kind kind;
	uint8_t type;		/* enum kheap_trace_type */
	uint8_t need;		/* NEED_* */
} events[] = {
	{ "kmalloc", LK_API, KHEAP_TRACE_KMALLOC, NEED_PTR | NEED_SIZES },
	{ "kmalloc_node", LK_API, KHEAP_TRACE_KMALLOC, NEED_PTR | NEED_SIZES },
	{ "kmem_cache_alloc", LK_API, KHEAP_TRACE_KMEM_CACHE_ALLOC,
	  NEED_PTR | NEED_SIZES },
	{ "kmem_cache_alloc_node", LK_API, KHEAP_TRACE_KMEM_CACHE_ALLOC,
	  NEED_PTR | NEED_SIZES },
	{ "kfree", LK_API, KHEAP_TRACE_KFREE, NEED_PTR },
	{ "kmem_cache_free", LK_API, KHEAP_TRACE_KMEM_CACHE_FREE, NEED_PTR },
	{ "mm_page_alloc", LK_PAGE_ALLOC, KHEAP_TRACE_MM_PAGE_ALLOC, 0 },
	{ "mm_page_free", LK_PAGE_FREE, KHEAP_TRACE_MM_PAGE_FREE, 0 },
	{ "mm_page_free_direct", LK_PAGE_FREE, KHEAP_TRACE_MM_PAGE_FREE, 0 },
	{ "mm_page_free_batched", LK_PAGE_FREE0, KHEAP_TRACE_MM_PAGE_FREE, 0 },
	{ "mm_pagevec_free", LK_PAGE_FREE0, KHEAP_TRACE_MM_PAGE_FREE, 0 },
	{ "kheap_vmalloc", LK_API, KHEAP_TRACE_VMALLOC, NEED_PTR | NEED_SIZES },
	{ "kheap_vfree", LK_API, KHEAP_TRACE_VFREE, NEED_PTR },
	{ "kheap_krealloc", LK_API, KHEAP_TRACE_KREALLOC, NEED_PTR | NEED_SIZES },
	{ "kheap_kmem_cache_create", LK_API, KHEAP_TRACE_CACHE_CREATE, NEED_NAME },
	{ "kheap_kmem_cache_destroy", LK_API, KHEAP_TRACE_CACHE_DESTROY, NEED_NAME },
	{ "mm_page_alloc_zone_locked", LK_INTERNAL, 0, 0 },
	{ "mm_page_pcpu_drain", LK_INTERNAL, 0, 0 },
	{ "mm_page_alloc_extfrag", LK_INTERNAL, 0, 0 },
	{ "mm_alloc_contig_migrate_range_info", LK_INTERNAL, 0, 0 },
	{ "rss_stat", LK_INTERNAL, 0, 0 },
	{ "mm_lru_insertion", LK_INTERNAL, 0, 0 },
	{ "mm_lru_activate", LK_INTERNAL, 0, 0 },
};

#define MISSING(what)	do { missing = what; goto malformed; } while (0)

/* Whether the @len bytes at @s (not NUL-terminated) start with @lit. */
static bool starts(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && !memcmp(s, lit, n);
}

/*
 * parse_line - one line into @ev.  Return: 1 an event, 0 a line with no
 * event (a comment, an event that is not the allocator's), -1 malformed
 * (counted, with the line number in the first messages).
 */
static int parse_line(struct trace_input *in, const char *s, size_t len,
		      unsigned long lineno, struct kheap_trace_event *ev)
{
	struct line l;
	const char *missing = NULL;
	const struct field *f;
	size_t e;
	uint64_t v;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (!len || *s == '#')
		return 0;
	if (starts(s, len, "CPU:") || starts(s, len, "CPU ")) {
		const char *lost = memmem(s, len, "[LOST ", 6);

		if (lost) {
			uint64_t n = 0;

			/* the line is not NUL-terminated: digits up to its end */
			for (const char *d = lost + 6; d < s + len &&
			     isdigit((unsigned char)*d) && n < (1ULL << 56); d++)
				n = n * 10 + (uint64_t)(*d - '0');
			in->lost_events += n;
			trace_input_problem(in, TIP_LOST, "line %lu: %.*s",
					    lineno, (int)len, s);
		}
		return 0;
	}
	if (starts(s, len, "cpus=") || starts(s, len, "version"))
		return 0;	/* `trace-cmd report` header */
	if (!parse_context(s, len, &l)) {
		trace_input_problem(in, TIP_MALFORMED,
				    "line %lu: not an ftrace event line: %.*s",
				    lineno, (int)(len < 60 ? len : 60), s);
		return -1;
	}
	for (e = 0; e < sizeof(events) / sizeof(events[0]); e++)
		if (strlen(events[e].name) == l.event_len &&
		    !memcmp(events[e].name, l.event, l.event_len))
			break;
	if (e == sizeof(events) / sizeof(events[0])) {
		trace_input_problem(in, TIP_UNKNOWN_EVENT,
				    "line %lu: event %.*s is not a kmem event",
				    lineno, (int)l.event_len, l.event);
		return 0;
	}
	if (events[e].kind == LK_INTERNAL) {
		in->problems[TIP_INTERNAL_EVENT]++;
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	ev->ts = l.ts;
	ev->cpu = (uint16_t)l.cpu;
	ev->tid = (int32_t)l.pid;
	if (l.comm_len) {
		char comm[16];

		snprintf(comm, sizeof(comm), "%.*s", (int)l.comm_len, l.comm);
		if (strcmp(trace_comm_of(in, ev->tid), comm))
			trace_thread_add(in, ev->tid, comm);
	}
	if (l.cpu + 1 > in->nr_cpus && l.cpu < 65536)
		in->nr_cpus = (uint32_t)l.cpu + 1;
	ev->type = events[e].type;
	if (events[e].kind == LK_API)
		ev->call_site = parse_call_site(in, field(&l, "call_site"));
	if ((events[e].need & NEED_PTR) && !parse_ptr(field(&l, "ptr"), &ev->ptr))
		MISSING("ptr");
	if ((events[e].need & NEED_SIZES) &&
	    !parse_u64(field(&l, "bytes_req"), 10, &ev->bytes_req))
		MISSING("bytes_req");
	if ((events[e].need & NEED_SIZES) &&
	    !parse_u64(field(&l, "bytes_alloc"), 10, &ev->bytes_alloc))
		MISSING("bytes_alloc");
	if ((f = field(&l, "gfp_flags")) &&
	    !trace_parse_gfp(in, f->val, f->vlen, &ev->gfp))
		MISSING("gfp_flags");
	f = field(&l, "name");
	if ((events[e].need & NEED_NAME) && (!f || !f->vlen))
		MISSING("name");
	if (f && f->vlen && events[e].kind == LK_API)
		ev->cache = trace_cache_intern(in, f->val, f->vlen);
	switch (events[e].kind) {
	case LK_PAGE_ALLOC:
	case LK_PAGE_FREE:
	case LK_PAGE_FREE0: {
		const struct field *pfn = field(&l, "pfn"), *page = field(&l, "page");
		uint64_t pg = 1;

		/* pfn=0x%lx since ~5.14, pfn=%lu before */
		if (!pfn || !parse_u64(pfn, 10, &ev->ptr))
			MISSING("pfn");
		if (page && !parse_ptr(page, &pg))
			MISSING("page");
		if (events[e].kind != LK_PAGE_FREE0) {
			if (!parse_u64(field(&l, "order"), 10, &v) || v > 63)
				MISSING("order");
			ev->order = (uint8_t)v;
		}
		if (events[e].kind == LK_PAGE_ALLOC) {
			const struct field *mt = field(&l, "migratetype");
			char buf[8] = "";

			if (!pg)		/* page=NULL: the allocation failed */
				ev->ptr = ~0ULL;
			if (mt && mt->vlen < sizeof(buf)) {
				memcpy(buf, mt->val, mt->vlen);
				ev->migratetype = (int8_t)atoi(buf);
			}
		}
		break;
	}
	case LK_API:
		if (ev->type == KHEAP_TRACE_CACHE_CREATE && ev->cache) {
			struct trace_cache *c = &in->caches[ev->cache - 1];

			if (parse_u64(field(&l, "object_size"), 10, &v))
				c->object_size = (uint32_t)v;
			if (parse_u64(field(&l, "size"), 10, &v))
				c->size = (uint32_t)v;
			if (parse_u64(field(&l, "align"), 10, &v))
				c->align = (uint32_t)v;
			if (parse_u64(field(&l, "flags"), 16, &v))
				c->flags = (uint32_t)v;
			if (parse_u64(field(&l, "ctor"), 10, &v))
				c->has_ctor = v != 0;
			ev->bytes_req = c->object_size;
			ev->bytes_alloc = c->size;
		}
		break;
	case LK_INTERNAL:
		return 0;
	}
	return 1;
malformed:
	trace_input_problem(in, TIP_MALFORMED, "line %lu: %.*s without a valid %s=",
			    lineno, (int)l.event_len, l.event, missing);
	return -1;
}

/* ---- the whole text ---- */

struct event_vec {
	struct kheap_trace_event *ev;
	size_t n, cap;
};

static int vec_push(struct event_vec *v, const struct kheap_trace_event *ev)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 4096;
		struct kheap_trace_event *p = realloc(v->ev, cap * sizeof(*p));

		if (!p)
			return -1;
		v->ev = p;
		v->cap = cap;
	}
	v->ev[v->n++] = *ev;
	return 0;
}

/* The most frequent name freed with each (bytes_req, bytes_alloc). */
struct size_name {
	uint64_t req, alloc;
	uint32_t cache;
	uint64_t count;
};

static void resolve_caches(struct trace_input *in, struct event_vec *v)
{
	struct u64_map live = { 0 };
	struct size_name *sn = NULL;
	size_t nr_sn = 0;

	for (size_t i = 0; i < v->n; i++) {
		struct kheap_trace_event *e = &v->ev[i];
		uint64_t a;

		if (e->type == KHEAP_TRACE_KMEM_CACHE_ALLOC && e->ptr && !e->cache)
			u64_map_put(&live, e->ptr, i);
		else if ((e->type == KHEAP_TRACE_KMEM_CACHE_FREE ||
			  e->type == KHEAP_TRACE_KFREE) &&
			 u64_map_take(&live, e->ptr, &a) && e->cache) {
			struct kheap_trace_event *al = &v->ev[a];
			size_t k;

			al->cache = e->cache;
			for (k = 0; k < nr_sn; k++)
				if (sn[k].req == al->bytes_req &&
				    sn[k].alloc == al->bytes_alloc &&
				    sn[k].cache == e->cache)
					break;
			if (k == nr_sn) {
				struct size_name *p = realloc(sn, (nr_sn + 1) * sizeof(*p));

				if (!p)
					continue;
				sn = p;
				sn[nr_sn++] = (struct size_name){ al->bytes_req,
					al->bytes_alloc, e->cache, 0 };
			}
			sn[k].count++;
		}
	}
	/* objects never freed: the usual name of their size, or a new one */
	for (size_t i = 0; i < v->n; i++) {
		struct kheap_trace_event *e = &v->ev[i];
		uint64_t best = 0;

		if (e->type != KHEAP_TRACE_KMEM_CACHE_ALLOC || e->cache)
			continue;
		for (size_t k = 0; k < nr_sn; k++)
			if (sn[k].req == e->bytes_req &&
			    sn[k].alloc == e->bytes_alloc && sn[k].count > best) {
				best = sn[k].count;
				e->cache = sn[k].cache;
			}
		if (!e->cache) {
			char name[32];
			int n = snprintf(name, sizeof(name), "cache-%" PRIu64,
					 e->bytes_req);

			e->cache = trace_cache_intern(in, name, (size_t)n);
		}
	}
	/* geometry the text did not give: from the allocations */
	for (size_t i = 0; i < v->n; i++) {
		struct kheap_trace_event *e = &v->ev[i];
		struct trace_cache *c;

		if (e->type != KHEAP_TRACE_KMEM_CACHE_ALLOC || !e->cache)
			continue;
		c = &in->caches[e->cache - 1];
		if (!c->object_size)
			c->object_size = (uint32_t)e->bytes_req;
		if (!c->size)
			c->size = (uint32_t)e->bytes_alloc;
	}
	free(sn);
	u64_map_free(&live);
}

/*
 * A run of mm_page_alloc events that ends, on the same CPU and thread, in
 * a slab or vmalloc allocation was that allocation's pages.
 */
static void mark_nested_pages(struct event_vec *v)
{
	size_t *next = NULL;	/* per CPU: the last event index seen */
	size_t nr_cpus = 0;

	for (size_t i = v->n; i-- > 0;) {
		struct kheap_trace_event *e = &v->ev[i];
		size_t j;

		if (e->cpu >= nr_cpus) {
			size_t n = (size_t)e->cpu + 1;
			size_t *p = realloc(next, n * sizeof(*p));

			if (!p)
				break;
			for (size_t k = nr_cpus; k < n; k++)
				p[k] = SIZE_MAX;
			next = p;
			nr_cpus = n;
		}
		j = next[e->cpu];
		next[e->cpu] = i;
		if (e->type != KHEAP_TRACE_MM_PAGE_ALLOC || j == SIZE_MAX ||
		    v->ev[j].tid != e->tid)
			continue;
		switch (v->ev[j].type) {
		case KHEAP_TRACE_KMALLOC:
		case KHEAP_TRACE_KMEM_CACHE_ALLOC:
		case KHEAP_TRACE_VMALLOC:
			e->flags |= KHEAP_TRACE_NESTED;
			break;
		case KHEAP_TRACE_MM_PAGE_ALLOC:
			e->flags |= v->ev[j].flags & KHEAP_TRACE_NESTED;
			break;
		}
	}
	free(next);
}

int trace_parse_text(const char *buf, size_t len, struct trace_input *in,
		     trace_event_fn fn, void *arg)
{
	struct event_vec v = { 0 };
	const char *p = buf, *end = buf + len;
	unsigned long lineno = 0;
	int ret = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		struct kheap_trace_event ev;

		lineno++;
		if (memchr(p, 0, n)) {
			trace_input_problem(in, TIP_MALFORMED,
					    "line %lu: a NUL byte: not text", lineno);
		} else if (parse_line(in, p, n, lineno, &ev) > 0 &&
			   vec_push(&v, &ev)) {
			ret = -1;
			snprintf(in->stop, sizeof(in->stop),
				 "line %lu: out of memory", lineno);
			break;
		}
		p += n + 1;
	}
	resolve_caches(in, &v);
	mark_nested_pages(&v);
	if (v.n && !in->start_ns)
		in->start_ns = v.ev[0].ts;
	for (size_t i = 0; !ret && i < v.n; i++) {
		in->nr_events++;
		ret = fn(arg, &v.ev[i]);
	}
	free(v.ev);
	return ret;
}
