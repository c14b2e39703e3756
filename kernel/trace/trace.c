// SPDX-License-Identifier: MIT
/*
 * kernel/trace/trace.c - the recorder behind kheap's kmem tracepoints: the
 * kernel's ring buffer and trace file, reduced to what a userspace
 * allocator can do without calling itself.
 *
 * 1. Streams.  Each recording thread appends its events to a stream of
 *    its own, without a lock or (but for the counter clock) an atomic
 *    instruction: a 128 KiB buffer
 *    of raw records (struct trace_raw: four words - time, pointer, call
 *    site, type/flags/CPU/tid - then the sizes and a word of GFP mask and
 *    cache or order, as the event's type has them; 32 to 56 bytes).  A
 *    thread takes a stream from the trace's free list at its first event
 *    and gives it back when it exits (a pthread key's destructor); the
 *    next thread goes on in the same buffer.  Stream 0 is shared, under a
 *    lock: it takes the events of threads that found no free stream (more
 *    than TRACE_STREAMS - 1 at once), of threads past their exit, and of
 *    the recorder's own calls while it hands a thread its stream.  As in
 *    the kernel's ring buffer, the thread only stores the fields; the
 *    packing (below) and the writing are the writer thread's.
 *
 *    The time is trace_clock='s (kernel/params.c; the kernel's names): by
 *    default ("local") the time-stamp counter where Linux's clocksource is
 *    "tsc" (only then is it constant and the same on every CPU),
 *    CLOCK_MONOTONIC otherwise; "uptime" reads no clock (a tick the
 *    writer thread keeps at CLOCK_MONOTONIC every millisecond), "counter"
 *    counts events in one counter for all threads (their exact order, at
 *    the price of an atomic instruction and a shared cache line).  The
 *    header says which clock; clock records pair it with CLOCK_MONOTONIC
 *    at the start (twice, 100 us apart), after every chunk and at the
 *    stop, and readers convert between them.  A stream's events are in
 *    time order; readers merge the streams by time, as the kernel's
 *    per-CPU ring buffers are merged (tools/trace/read.c says how ties of
 *    the uptime clock are merged).
 *
 * 2. Stopping without locks.  An owner marks its stream busy while it
 *    appends (a plain store, then a compiler barrier) and checks that the
 *    trace is still live before it touches the buffer.  kheap_trace_stop()
 *    marks the trace dead, puts a memory barrier into every running
 *    thread (os_barrier_all(), membarrier(2)) and waits until no stream
 *    is busy: every owner then either saw the trace dead or is seen busy.
 *    Where membarrier(2) is refused, owners use a real fence instead.
 *    Each trace has a new array of streams (a few KiB, never unmapped), so
 *    a thread still inside an event of an earlier trace only ever touches
 *    that trace's array.
 *
 * 3. Packing and streaming.  A full buffer goes to a queue and its stream
 *    takes an empty one from the pool.  One writer thread (started with
 *    the trace, joined at its stop) looks at the queue every millisecond
 *    - threads wake it sooner only when TRACE_WAKE_BUFS buffers wait,
 *    since a wake-up costs them a system call - and packs each queued
 *    buffer into chunks of the file (<kheap/trace.h>, version 3: a byte
 *    of type and flags, then varints of the differences from the record
 *    before, about 10 bytes an event), writes them (one write(2) each,
 *    under file_lock) with a clock record after each, and puts the buffer
 *    back in the pool.  The program's threads never wait for the disk
 *    unless the writer falls a whole pool behind, so memory stays at one
 *    buffer per stream plus TRACE_SPARE_BUFS and the writer's 64 KiB
 *    chunk however long the run.  kheap_trace_stop() queues every
 *    stream's remainder and lets the writer drain the queue.  Chunks of
 *    different streams interleave in the file.
 *
 * 4. Metadata.  Events name a cache by a number, a call site by a number
 *    and a thread by its tid; the first event of each in a trace writes a
 *    metadata chunk (the cache's name and geometry, the call site's
 *    address and %pS text, the thread's comm) straight to the file, before
 *    the event's buffer can be.  A cache carries its number in struct
 *    kmem_cache (trace_id, valid while trace_gen is this trace's); call
 *    sites are kept in an open-addressed table of TRACE_SYMS addresses,
 *    filled by compare-and-swap, and a site's number is its slot (a site
 *    that finds the table crowded is recorded by its address).
 *
 * 5. Lock order: tr.lock (start, stop) -> stream 0's lock -> meta_lock
 *    -> pool_lock -> file_lock.  The writer holds pool_lock or file_lock,
 *    never both.  All are innermost to every kheap lock: events are
 *    recorded with kheap locks held (a slab page allocated under a slab
 *    lock), and the recorder takes no kheap lock and never allocates.
 *    dladdr() (symbols) takes the loader's lock; it is called only for API
 *    events, which are recorded outside every kheap lock.
 *
 * 6. fork().  The child of a recording process does not record (it would
 *    write into the parent's file, and has no writer thread): its fork
 *    handler closes its copy of the file and turns tracing off.  A trace
 *    of its own starts, as every trace does, with all the buffers in the
 *    pool (trace_pool_reset()).
 *
 * Cost while tracing, in the recording thread: the event's fields, a
 * table probe for the call site, two thread-local loads (the stream, the
 * CPU), the clock and 32 to 56 bytes stored; every 128 KiB, a buffer
 * swapped through the pool.  The packing, the write(2) and the clock
 * records are the writer thread's.  bench/trace_overhead.py measures it
 * for each clock (docs/trace.md has the figures).
 */
#include "internal.h"
#include "slab.h"
#include "kfence/kfence.h"
#include "kernel/trace/trace.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <x86intrin.h>

#define TRACE_BUF_BYTES		(64UL << 10)	/* a chunk the writer packs */
#define TRACE_BUF_DATA		(TRACE_BUF_BYTES - sizeof(struct kheap_trace_chunk))
#define TRACE_RAW_BYTES		(128UL << 10)	/* a stream's buffer */
#define TRACE_RAW_DATA		(TRACE_RAW_BYTES - sizeof(struct kheap_trace_chunk))
#define TRACE_SYMS		16384		/* call sites per trace */
#define TRACE_SYM_PROBES	32
#define TRACE_META_MAX		512		/* bytes of a metadata chunk */
#define TRACE_STREAMS		128		/* per trace; 0 is the shared one */
#define TRACE_SPARE_BUFS	16		/* buffers beyond one per stream */
#define TRACE_NR_BUFS		(TRACE_STREAMS + TRACE_SPARE_BUFS)
#define TRACE_WAKE_BUFS		(TRACE_SPARE_BUFS / 2)

_Static_assert(sizeof(struct kheap_trace_event) == 64, "64-byte events");
/* the longest record: type, 5 varints of 64 bits, 4 of 32, order, mt */
_Static_assert(KHEAP_TRACE_R_MAX >= 1 + 5 * 10 + 4 * 5 + 2, "R_MAX");
_Static_assert(KHEAP_TRACE_NR_TYPES <= KHEAP_TRACE_R_TYPE + 1, "4-bit types");
_Static_assert(sizeof(struct kheap_trace_chunk) == 32, "32-byte chunk header");

struct trace_stream {
	unsigned int busy;		/* its owner is appending */
	unsigned int gen;		/* the trace it records */
	unsigned int id;		/* its chunks' cpu field; 0: shared */
	unsigned int n;			/* raw records in the buffer */
	unsigned int pos;		/* their bytes */
	struct kheap_trace_chunk *chunk;	/* the buffer: header, records */
	struct trace_stream *next_free;	/* on tr.free_streams */
	kh_lock_t lock;			/* stream 0 only */
} __cacheline_aligned;

/*
 * An event as its thread appends it (see 1. in the essay above): four
 * words, then bytes_req and bytes_alloc if its type has sizes, then one
 * word if it has a GFP mask, a cache or an order: gfp | cache << 32, or
 * gfp | order << 32 | migratetype << 40.  Never written to the file.
 */
struct trace_raw {
	uint64_t ts;
	uint64_t ptr;
	uint64_t site;			/* call site id, or its address */
	uint8_t type;
	uint8_t flags;			/* KHEAP_TRACE_NESTED, TRACE_RAW_ADDR */
	uint16_t cpu;
	int32_t tid;
	uint64_t more[];
};

#define TRACE_RAW_ADDR		0x80	/* site is an address, not an id */
#define TRACE_RAW_MAX		(sizeof(struct trace_raw) + 3 * sizeof(uint64_t))
#define TRACE_F_WORD	(KHEAP_TRACE_F_GFP | KHEAP_TRACE_F_CACHE | \
			 KHEAP_TRACE_F_ORDER | KHEAP_TRACE_F_MT)

_Static_assert(sizeof(struct trace_raw) == 32, "32-byte raw records");
_Static_assert(!(KHEAP_TRACE_NESTED & TRACE_RAW_ADDR), "raw flags");

/* The writer's packing of one stream's buffer into chunks of the file. */
struct trace_packer {
	struct kheap_trace_chunk *chunk;	/* TRACE_BUF_BYTES */
	unsigned int id;		/* the stream */
	unsigned int n;			/* records packed in the chunk */
	unsigned int pos;		/* their bytes */
	int32_t prev_tid;		/* the record before's tid, CPU, ... */
	uint32_t prev_cpu;
	uint64_t prev_ts, prev_ptr;	/* ... time and pointer */
	uint64_t first_ts;		/* the chunk's first record's time */
};

static struct {
	kh_lock_t lock;			/* start and stop */
	kh_lock_t meta_lock;		/* cache numbers */
	kh_lock_t file_lock;		/* writes to fd */
	int fd;				/* the file; -1 when not recording */
	unsigned int gen;		/* trace number, from 1 */
	unsigned int live_gen;		/* gen while recording, 0 otherwise */
	bool fence;			/* no os_barrier_all(): owners fence */
	unsigned int next_cache_id;	/* last cache number given */
	int error;			/* first write error, -errno */
	unsigned long lost;		/* events of failed writes */
	unsigned int nr_cpus;
	struct trace_stream *streams;	/* this trace's TRACE_STREAMS */
	struct trace_stream *free_streams; /* under pool_lock */
	pthread_key_t key;		/* a thread's stream, for its exit */
	bool key_made;
	uint64_t *syms;			/* TRACE_SYMS call sites */
	/* the pool and the writer's queue, under pool_lock */
	pthread_mutex_t pool_lock;
	pthread_cond_t work;		/* the queue has a buffer, or stopping */
	pthread_cond_t freed;		/* the pool has a buffer */
	struct kheap_trace_chunk **pool; /* empty buffers: pool[0..nr_pool) */
	unsigned int nr_pool;
	struct kheap_trace_chunk **queue; /* full ones, a ring of TRACE_NR_BUFS */
	unsigned int q_head, q_len;
	char *bufs;			/* TRACE_NR_BUFS of TRACE_RAW_BYTES */
	struct trace_packer packer;	/* the writer's */
	bool stopping;			/* the writer drains and ends */
	bool writer_running;
	pthread_t writer;
} tr = {
	.lock = KH_LOCK_INIT,
	.meta_lock = KH_LOCK_INIT,
	.file_lock = KH_LOCK_INIT,
	.fd = -1,
	.pool_lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.freed = PTHREAD_COND_INITIALIZER,
};

int kheap_trace_on;
__thread int kheap_trace_depth;
static __thread unsigned int thread_gen;	/* trace this thread was named in */
static __thread int thread_tid;
static __thread struct trace_stream *thread_stream;	/* of trace ... */
static __thread unsigned int thread_stream_gen;		/* ... this one */
static __thread bool thread_exited;	/* gave its stream back at exit */
static __thread bool thread_taking;	/* inside stream_get() */

static inline uint8_t *stream_data(struct trace_stream *c)
{
	return (uint8_t *)(c->chunk + 1);
}

static inline uint8_t *packer_data(struct trace_packer *k)
{
	return (uint8_t *)(k->chunk + 1);
}

/* ---- writing ---- */

/* Write @len bytes under file_lock; the first failure is kept. */
static int trace_write(const void *buf, size_t len)
{
	int err = -EBADF;

	kh_lock(&tr.file_lock);
	if (tr.fd >= 0)
		err = os_write_all(tr.fd, buf, len);
	if (err && !tr.error)
		tr.error = err;
	kh_unlock(&tr.file_lock);
	return err;
}

static void trace_write_clock(void);

/* Close the trace file; the first write error of the trace, or 0. */
static int trace_close_file(void)
{
	int err;

	kh_lock(&tr.file_lock);
	os_close(tr.fd);
	tr.fd = -1;
	err = tr.error;
	kh_unlock(&tr.file_lock);
	return err;
}

/* An empty buffer from the pool, waiting for the writer; under pool_lock. */
static struct kheap_trace_chunk *pool_take(void)
{
	while (!tr.nr_pool)
		pthread_cond_wait(&tr.freed, &tr.pool_lock);
	return tr.pool[--tr.nr_pool];
}

/*
 * Queue @c's records for the writer (under pool_lock); @c keeps no
 * buffer.
 */
static void stream_queue(struct trace_stream *c)
{
	c->chunk->cpu = c->id;
	c->chunk->size = c->pos;
	c->chunk->nr = c->n;
	tr.queue[(tr.q_head + tr.q_len++) % TRACE_NR_BUFS] = c->chunk;
	/* the writer looks every millisecond; wake it only if it falls behind */
	if (tr.q_len >= TRACE_WAKE_BUFS)
		pthread_cond_signal(&tr.work);
	c->chunk = NULL;
	c->n = 0;
	c->pos = 0;
}

/* A full buffer to the writer and an empty one for @c (its owner's). */
static void stream_flush(struct trace_stream *c)
{
	pthread_mutex_lock(&tr.pool_lock);
	stream_queue(c);
	c->chunk = pool_take();
	pthread_mutex_unlock(&tr.pool_lock);
}

static void trace_pack_buffer(const struct kheap_trace_chunk *raw);
static void writer_wait(void);
static void trace_tick(void);

/*
 * The writer thread: queued buffers packed into the file, and back to the
 * pool.
 */
static void *trace_writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tr.pool_lock);
	for (;;) {
		struct kheap_trace_chunk *ch;

		while (!tr.q_len && !tr.stopping)
			writer_wait();
		if (!tr.q_len)
			break;
		ch = tr.queue[tr.q_head];
		tr.q_head = (tr.q_head + 1) % TRACE_NR_BUFS;
		tr.q_len--;
		pthread_mutex_unlock(&tr.pool_lock);
		trace_pack_buffer(ch);
		trace_tick();
		pthread_mutex_lock(&tr.pool_lock);
		tr.pool[tr.nr_pool++] = ch;
		pthread_cond_signal(&tr.freed);
	}
	pthread_mutex_unlock(&tr.pool_lock);
	return NULL;
}

/* One metadata record as its own chunk: @rec is @len bytes, @text follows. */
static void trace_write_meta(struct kheap_trace_meta *rec, size_t len,
			     const char *text)
{
	char buf[TRACE_META_MAX];
	struct kheap_trace_chunk *ch = (struct kheap_trace_chunk *)buf;
	size_t tlen = strnlen(text, TRACE_META_MAX - sizeof(*ch) - len - 8);
	size_t total = ALIGN(len + tlen + 1, 8);

	memset(buf, 0, sizeof(*ch) + total);
	rec->len = (uint16_t)total;
	memcpy(buf + sizeof(*ch), rec, len);
	memcpy(buf + sizeof(*ch) + len, text, tlen);
	ch->magic = KHEAP_TRACE_CHUNK_MAGIC;
	ch->cpu = KHEAP_TRACE_META;
	ch->size = (uint32_t)total;
	ch->nr = 1;
	trace_write(buf, sizeof(*ch) + total);
}

/*
 * An event's time, by this trace's trace_clock= (enum kheap_trace_clock):
 * by default the time-stamp counter where Linux itself trusts it (its
 * clocksource is "tsc": constant rate, the same on every CPU, so the
 * streams merge in true order), CLOCK_MONOTONIC otherwise.  "uptime"
 * reads no clock: the writer thread keeps trace_ticks at CLOCK_MONOTONIC
 * every millisecond (writer_wait()).  "counter" counts events, one
 * counter for all threads.
 */
static unsigned int trace_mode;
static uint64_t trace_ticks;		/* uptime: the writer's tick */
static uint64_t trace_counter;		/* counter: the last event's */

static inline uint64_t trace_clock(void)
{
	if (likely(trace_mode == TRACE_CLOCK_X86_TSC))
		return __rdtsc();
	switch (trace_mode) {
	case TRACE_CLOCK_UPTIME:
		return __atomic_load_n(&trace_ticks, __ATOMIC_RELAXED);
	case TRACE_CLOCK_COUNTER:
		return __atomic_add_fetch(&trace_counter, 1, __ATOMIC_RELAXED);
	default:
		return os_ns();
	}
}

/* The header's KHEAP_TRACE_CLOCK_* of this trace's clock. */
static uint32_t trace_clock_id(void)
{
	switch (trace_mode) {
	case TRACE_CLOCK_X86_TSC:
		return KHEAP_TRACE_CLOCK_TSC;
	case TRACE_CLOCK_UPTIME:
		return KHEAP_TRACE_CLOCK_UPTIME;
	case TRACE_CLOCK_COUNTER:
		return KHEAP_TRACE_CLOCK_COUNTER;
	default:
		return KHEAP_TRACE_CLOCK_NS;
	}
}

/* A clock record: the counter and CLOCK_MONOTONIC, read together. */
static void trace_write_clock(void)
{
	struct kheap_trace_meta_clock m = {
		.m = { .type = KHEAP_TRACE_META_CLOCK },
	};

	m.tsc = trace_clock();
	m.ns = os_ns();
	trace_write_meta(&m.m, sizeof(m), "");
}

/* uptime: the tick, now */
static void trace_tick(void)
{
	if (trace_mode == TRACE_CLOCK_UPTIME)
		__atomic_store_n(&trace_ticks, os_ns(), __ATOMIC_RELAXED);
}

/*
 * The writer's wait for work (under pool_lock): a millisecond at most,
 * then the tick moves on.  Threads queueing a buffer wake it only when
 * TRACE_WAKE_BUFS wait (a wake-up costs them a system call).
 */
static void writer_wait(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&tr.work, &tr.pool_lock, &ts);
	trace_tick();
}

/* ---- metadata: threads, call sites, caches ---- */

static int trace_thread(void)
{
	unsigned int gen = READ_ONCE(tr.gen);

	if (unlikely(thread_gen != gen)) {
		struct kheap_trace_meta_thread m = {
			.m = { .type = KHEAP_TRACE_META_THREAD },
		};
		char name[16];

		thread_tid = os_tid();
		os_thread_name(name);
		m.m.id = (uint32_t)thread_tid;
		trace_write_meta(&m.m, sizeof(m), name);
		thread_gen = gen;
	}
	return thread_tid;
}

/*
 * The id of call site @addr in this trace (its slot in the table + 1),
 * announced by a symbol record the first time; 0 when the table is too
 * crowded around it (the record then carries the address itself).
 */
static uint32_t trace_symbol(uint64_t addr)
{
	unsigned int i = (unsigned int)((addr * 0x9E3779B97F4A7C15ULL) >> 40);

	if (!addr)
		return 0;
	for (int probe = 0; probe < TRACE_SYM_PROBES; probe++, i++) {
		uint64_t *slot = &tr.syms[i & (TRACE_SYMS - 1)];
		uint32_t id = (i & (TRACE_SYMS - 1)) + 1;
		uint64_t v = __atomic_load_n(slot, __ATOMIC_RELAXED);

		if (v == addr)
			return id;
		if (!v && __atomic_compare_exchange_n(slot, &v, addr, false,
						      __ATOMIC_RELAXED,
						      __ATOMIC_RELAXED)) {
			struct kheap_trace_meta_symbol m = {
				.m = { .type = KHEAP_TRACE_META_SYMBOL, .id = id },
				.addr = addr,
			};
			char text[256];

			sprint_symbol(text, sizeof(text), (const void *)(uintptr_t)addr);
			trace_write_meta(&m.m, sizeof(m), text);
			return id;
		}
		if (v == addr)
			return id;
	}
	return 0;
}

static uint32_t trace_cache_id(struct kmem_cache *s)
{
	unsigned int gen = READ_ONCE(tr.gen);

	if (__atomic_load_n(&s->trace_gen, __ATOMIC_ACQUIRE) == gen)
		return s->trace_id;
	kh_lock(&tr.meta_lock);
	if (s->trace_gen != gen) {
		struct kheap_trace_meta_cache m = {
			.m = { .type = KHEAP_TRACE_META_CACHE,
			       .id = ++tr.next_cache_id },
			.object_size = s->object_size,
			.size = s->size,
			.align = s->align,
			.flags = (uint32_t)s->flags,
			.has_ctor = s->ctor != NULL,
		};

		trace_write_meta(&m.m, sizeof(m), s->name);
		s->trace_id = m.m.id;
		__atomic_store_n(&s->trace_gen, gen, __ATOMIC_RELEASE);
	}
	kh_unlock(&tr.meta_lock);
	return s->trace_id;
}

/* ---- recording ---- */

/* @v as a varint at @p (<kheap/trace.h>); the byte after it. */
static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)v | 0x80;
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/*
 * Pack @ev (stamped @ts, on @cpu) after the record before it in the
 * writer's chunk @c, as <kheap/trace.h> lays out version 3; @site is the
 * call site's id, or 0 for its address.  With KHEAP_TRACE_R_MAX bytes free.
 */
static void trace_pack(struct trace_packer *c,
		       const struct kheap_trace_event *ev, uint32_t site,
		       uint32_t cpu, uint64_t ts)
{
	unsigned int f = kheap_trace_fields(ev->type);
	uint8_t *p = packer_data(c) + c->pos, *start = p;
	int64_t d = (int64_t)(ev->ptr - c->prev_ptr);

	if (!c->n) {			/* a chunk starts from its first time */
		c->first_ts = c->prev_ts = ts;
		c->prev_ptr = 0;
		c->prev_tid = 0;
		c->prev_cpu = ~0u;
		d = (int64_t)ev->ptr;
	}
	*p++ = (uint8_t)(ev->type |
			 (ev->flags & KHEAP_TRACE_NESTED ? KHEAP_TRACE_R_NESTED : 0) |
			 (ev->tid != c->prev_tid ? KHEAP_TRACE_R_TID : 0) |
			 ((f & KHEAP_TRACE_F_SITE) && !site && ev->call_site ?
			  KHEAP_TRACE_R_RAW_SITE : 0) |
			 (cpu != c->prev_cpu ? KHEAP_TRACE_R_CPU : 0));
	p = put_varint(p, ts - c->prev_ts);
	if (ev->tid != c->prev_tid)
		p = put_varint(p, (uint32_t)ev->tid);
	if (cpu != c->prev_cpu)
		p = put_varint(p, cpu);
	p = put_varint(p, ((uint64_t)d << 1) ^ (uint64_t)(d >> 63));
	if (f & KHEAP_TRACE_F_SITE)
		p = put_varint(p, site || !ev->call_site ? site : ev->call_site);
	if (f & KHEAP_TRACE_F_SIZES) {
		p = put_varint(p, ev->bytes_req);
		p = put_varint(p, ev->bytes_alloc);
	}
	if (f & KHEAP_TRACE_F_GFP)
		p = put_varint(p, ev->gfp);
	if (f & KHEAP_TRACE_F_CACHE)
		p = put_varint(p, ev->cache);
	if (f & KHEAP_TRACE_F_ORDER)
		*p++ = ev->order;
	if (f & KHEAP_TRACE_F_MT)
		*p++ = (uint8_t)ev->migratetype;
	c->prev_ts = ts;
	c->prev_ptr = ev->ptr;
	c->prev_tid = ev->tid;
	c->prev_cpu = cpu;
	c->pos += (unsigned int)(p - start);
	c->n++;
}

/* The writer's chunk to the file, and a clock record after it. */
static void packer_write(struct trace_packer *k)
{
	struct kheap_trace_chunk *ch = k->chunk;

	ch->magic = KHEAP_TRACE_CHUNK_MAGIC;
	ch->cpu = k->id;
	ch->size = k->pos;
	ch->nr = k->n;
	ch->first_ns = k->first_ts;
	ch->last_ns = k->prev_ts;
	if (trace_write(ch, sizeof(*ch) + k->pos))
		__atomic_fetch_add(&tr.lost, k->n, __ATOMIC_RELAXED);
	trace_write_clock();
	k->n = 0;
	k->pos = 0;
}

/*
 * The writer: a stream's buffer of raw records, packed into chunks of that
 * stream (each starting from its own first record, so readers need no
 * other chunk to unpack it).
 */
static void trace_pack_buffer(const struct kheap_trace_chunk *raw)
{
	const uint8_t *p = (const uint8_t *)(raw + 1), *end = p + raw->size;
	struct trace_packer *k = &tr.packer;

	k->id = raw->cpu;
	k->n = 0;
	k->pos = 0;
	while (p < end) {
		const struct trace_raw *r = (const struct trace_raw *)p;
		unsigned int f = kheap_trace_fields(r->type);
		const uint64_t *m = r->more;
		bool addr = r->flags & TRACE_RAW_ADDR;
		struct kheap_trace_event ev = {
			.type = r->type,
			.flags = r->flags & KHEAP_TRACE_NESTED,
			.ptr = r->ptr,
			.tid = r->tid,
			.call_site = addr ? r->site : 0,
		};

		if (f & KHEAP_TRACE_F_SIZES) {
			ev.bytes_req = *m++;
			ev.bytes_alloc = *m++;
		}
		if (f & TRACE_F_WORD) {
			uint64_t w = *m++;

			ev.gfp = (uint32_t)w;
			if (f & KHEAP_TRACE_F_CACHE)
				ev.cache = (uint32_t)(w >> 32);
			ev.order = (uint8_t)(w >> 32);
			ev.migratetype = (int8_t)(w >> 40);
		}
		if (k->pos > TRACE_BUF_DATA - KHEAP_TRACE_R_MAX)
			packer_write(k);
		trace_pack(k, &ev, addr ? 0 : (uint32_t)r->site, r->cpu, r->ts);
		p = (const uint8_t *)m;
	}
	if (k->n)
		packer_write(k);
}

/* An event's fields on their way into a raw record. */
struct trace_rec {
	uint64_t ptr;
	uint64_t site;			/* call site id, or its address */
	uint64_t req, alloc;		/* if the type has sizes */
	uint64_t word;			/* struct trace_raw's last word */
	uint8_t type;
	uint8_t flags;			/* KHEAP_TRACE_NESTED, TRACE_RAW_ADDR */
};

/*
 * Append @e (stamped @ts, by @tid on @cpu) to @c's buffer as a raw record.
 * By @c's owner (or under stream 0's lock), with TRACE_RAW_MAX bytes free.
 */
static __always_inline void trace_append(struct trace_stream *c,
					 const struct trace_rec *e,
					 int32_t tid, uint32_t cpu, uint64_t ts)
{
	unsigned int f = kheap_trace_fields(e->type);
	struct trace_raw *r = (struct trace_raw *)(stream_data(c) + c->pos);
	uint64_t *m = r->more;

	r->ts = ts;
	r->ptr = e->ptr;
	r->site = e->site;
	r->type = e->type;
	r->flags = e->flags;
	r->cpu = (uint16_t)cpu;
	r->tid = tid;
	if (f & KHEAP_TRACE_F_SIZES) {
		*m++ = e->req;
		*m++ = e->alloc;
	}
	if (f & TRACE_F_WORD)
		*m++ = e->word;
	c->pos += (unsigned int)((uint8_t *)m - (uint8_t *)r);
	c->n++;
}

/* A thread's exit (its pthread key's destructor): its stream goes back. */
static void stream_put(void *arg)
{
	struct trace_stream *c = arg;

	thread_exited = true;
	thread_stream = NULL;
	pthread_mutex_lock(&tr.pool_lock);
	if (c && c->id && c->gen == READ_ONCE(tr.live_gen)) {
		c->next_free = tr.free_streams;
		tr.free_streams = c;
	}
	pthread_mutex_unlock(&tr.pool_lock);
}

/*
 * The stream this thread records trace @gen into: a free one, or the
 * shared stream 0 when none is free, when the thread is past its exit or
 * when the recorder's own work (the pthread key's setting may allocate)
 * records an event.  NULL when @gen is not being recorded.
 */
static __noinline struct trace_stream *stream_get(unsigned int gen)
{
	struct trace_stream *c = NULL;

	pthread_mutex_lock(&tr.pool_lock);
	if (gen && READ_ONCE(tr.live_gen) == gen) {
		c = &tr.streams[0];
		if (!thread_exited && !thread_taking && tr.free_streams) {
			c = tr.free_streams;
			tr.free_streams = c->next_free;
			if (!c->chunk)
				c->chunk = pool_take();
		}
	}
	pthread_mutex_unlock(&tr.pool_lock);
	if (!c || !c->id)
		return c;
	thread_taking = true;
	trace_nest_begin();	/* an allocation in here is not the program's */
	pthread_setspecific(tr.key, c);
	trace_nest_end();
	thread_taking = false;
	thread_stream = c;
	thread_stream_gen = gen;
	return c;
}

/* Append @e to @c, stamped now, after swapping a full buffer. */
static __always_inline void stream_append(struct trace_stream *c,
					  const struct trace_rec *e, int32_t tid)
{
	if (unlikely(c->pos > TRACE_RAW_DATA - TRACE_RAW_MAX))
		stream_flush(c);
	trace_append(c, e, tid, os_cpu(), trace_clock());
}

/* Stream 0, under its lock. */
static __noinline void trace_emit_shared(struct trace_stream *c,
					 const struct trace_rec *e, int32_t tid)
{
	kh_lock(&c->lock);
	if (c->gen == READ_ONCE(tr.live_gen))
		stream_append(c, e, tid);
	kh_unlock(&c->lock);
}

/* Fill in who, and append @ev to this thread's stream, stamped now. */
static __always_inline void trace_emit(struct trace_rec *e)
{
	/* acquire: the trace's set-up (tr.fence, the streams) is seen */
	unsigned int gen = __atomic_load_n(&tr.live_gen, __ATOMIC_ACQUIRE);
	struct trace_stream *c = thread_stream;
	int32_t tid = trace_thread();

	if (kheap_trace_depth)
		e->flags |= KHEAP_TRACE_NESTED;
	if (unlikely(!c || thread_stream_gen != gen)) {
		c = stream_get(gen);
		if (!c)
			return;
	}
	if (unlikely(!c->id)) {
		trace_emit_shared(c, e, tid);
		return;
	}
	/* busy, then the liveness test: see 2. in the essay above */
	WRITE_ONCE(c->busy, 1);
	if (unlikely(READ_ONCE(tr.fence)))
		smp_mb();
	else
		__asm__ __volatile__("" ::: "memory");
	if (likely(READ_ONCE(tr.live_gen) == c->gen))
		stream_append(c, e, tid);
	__atomic_store_n(&c->busy, 0, __ATOMIC_RELEASE);
}

/*
 * An API event: recorded only outside other traced calls.  Inlined into
 * each __trace_*() below, so that its type's fields are known there.
 */
static __always_inline void trace_call(unsigned int type,
				       unsigned long call_site,
				       const void *ptr, size_t req,
				       size_t alloc, unsigned int gfp,
				       struct kmem_cache *s)
{
	struct trace_rec e = {
		.type = (uint8_t)type,
		.ptr = (uint64_t)(unsigned long)ptr,
		.req = req,
		.alloc = alloc,
		.word = gfp,
	};
	uint32_t site;

	if (kheap_trace_depth)
		return;
	site = trace_symbol(call_site);
	e.site = site ? site : call_site;
	if (!site && call_site)
		e.flags = TRACE_RAW_ADDR;
	if (s)
		e.word |= (uint64_t)trace_cache_id(s) << 32;
	trace_emit(&e);
}

void __trace_kmalloc(unsigned long call_site, const void *ptr,
		     size_t bytes_req, size_t bytes_alloc, unsigned int gfp)
{
	trace_call(KHEAP_TRACE_KMALLOC, call_site, ptr, bytes_req, bytes_alloc,
		   gfp, NULL);
}

void __trace_kfree(unsigned long call_site, const void *ptr)
{
	trace_call(KHEAP_TRACE_KFREE, call_site, ptr, 0, 0, 0, NULL);
}

void __trace_kmem_cache_alloc(unsigned long call_site, const void *ptr,
			      struct kmem_cache *s, unsigned int gfp)
{
	trace_call(KHEAP_TRACE_KMEM_CACHE_ALLOC, call_site, ptr,
		   s->object_size, s->size, gfp, s);
}

void __trace_kmem_cache_free(unsigned long call_site, const void *ptr,
			     struct kmem_cache *s)
{
	trace_call(KHEAP_TRACE_KMEM_CACHE_FREE, call_site, ptr, 0, 0, 0, s);
}

void __trace_vmalloc(unsigned long call_site, const void *ptr,
		     size_t bytes_req, size_t bytes_alloc, unsigned int gfp)
{
	trace_call(KHEAP_TRACE_VMALLOC, call_site, ptr, bytes_req, bytes_alloc,
		   gfp, NULL);
}

void __trace_vfree(unsigned long call_site, const void *ptr)
{
	trace_call(KHEAP_TRACE_VFREE, call_site, ptr, 0, 0, 0, NULL);
}

void __trace_krealloc(unsigned long call_site, const void *ptr,
		      size_t bytes_req, size_t bytes_alloc)
{
	trace_call(KHEAP_TRACE_KREALLOC, call_site, ptr, bytes_req,
		   bytes_alloc, 0, NULL);
}

void __trace_kmem_cache_create(unsigned long call_site, struct kmem_cache *s)
{
	if (s)
		trace_call(KHEAP_TRACE_CACHE_CREATE, call_site, s,
			   s->object_size, s->size, 0, s);
}

void __trace_kmem_cache_destroy(unsigned long call_site, struct kmem_cache *s)
{
	if (s)
		trace_call(KHEAP_TRACE_CACHE_DESTROY, call_site, s, 0, 0, 0, s);
}

/* Page events: at any depth, marked nested inside another call. */
void __trace_mm_page_alloc(struct page *page, unsigned int order,
			   unsigned int gfp, int migratetype)
{
	struct trace_rec e = {
		.type = KHEAP_TRACE_MM_PAGE_ALLOC,
		.ptr = page ? page_to_pfn(page) : ~0ULL,
		.word = gfp | (uint64_t)(order & 0xff) << 32 |
			(uint64_t)(uint8_t)migratetype << 40,
	};

	trace_emit(&e);
}

void __trace_mm_page_free(struct page *page, unsigned int order)
{
	struct trace_rec e = {
		.type = KHEAP_TRACE_MM_PAGE_FREE,
		.ptr = page_to_pfn(page),
		.word = (uint64_t)(order & 0xff) << 32,
	};

	trace_emit(&e);
}

/* ---- start, stop ---- */

/*
 * Every buffer goes to the pool; the queue is empty.  At a trace's start
 * (and in a forked child's first one) no stream holds a buffer anyone
 * still writes: the last trace's stop saw its appenders out.
 */
static void trace_pool_reset(void)
{
	tr.nr_pool = 0;
	tr.q_head = tr.q_len = 0;
	for (unsigned int i = 0; i < TRACE_NR_BUFS; i++)
		tr.pool[tr.nr_pool++] = (struct kheap_trace_chunk *)
			(tr.bufs + (size_t)i * TRACE_RAW_BYTES);
}

/*
 * The call site table, the pool's and queue's arrays and TRACE_NR_BUFS
 * buffers, in one mapping made once (never with the allocator being
 * traced), and the pthread key that gives a thread's stream back.
 */
static int trace_buffers(void)
{
	size_t meta = ALIGN(2 * TRACE_NR_BUFS * sizeof(void *), PAGE_SIZE);
	size_t syms = TRACE_SYMS * sizeof(uint64_t);
	size_t total = meta + syms + TRACE_BUF_BYTES +
		       TRACE_NR_BUFS * TRACE_RAW_BYTES;
	char *base;

	if (tr.bufs)
		return 0;
	if (!tr.key_made) {
		int err = pthread_key_create(&tr.key, stream_put);

		if (err)
			return -err;
		tr.key_made = true;
	}
	base = os_reserve(total, PAGE_SIZE);
	if (!base)
		return -ENOMEM;
	if (os_commit(base, total)) {
		os_release(base, total);
		return -ENOMEM;
	}
	tr.pool = (struct kheap_trace_chunk **)base;
	tr.queue = tr.pool + TRACE_NR_BUFS;
	tr.syms = (uint64_t *)(base + meta);
	tr.packer.chunk = (struct kheap_trace_chunk *)(base + meta + syms);
	tr.bufs = base + meta + syms + TRACE_BUF_BYTES;
	return 0;
}

/*
 * A new array of streams for trace @gen, all free but the shared stream 0,
 * which holds a buffer.  The array of the trace before stays mapped: a
 * thread still inside an event of it reads only that array.
 */
static int trace_streams(unsigned int gen)
{
	size_t size = ALIGN(TRACE_STREAMS * sizeof(struct trace_stream),
			    PAGE_SIZE);
	struct trace_stream *v = os_reserve(size, PAGE_SIZE);

	if (!v)
		return -ENOMEM;
	if (os_commit(v, size)) {
		os_release(v, size);
		return -ENOMEM;
	}
	tr.free_streams = NULL;
	for (unsigned int i = TRACE_STREAMS; i-- > 0;) {
		v[i].id = i;
		v[i].gen = gen;
		if (i) {
			v[i].next_free = tr.free_streams;
			tr.free_streams = &v[i];
		}
	}
	kh_lock_init(&v[0].lock);
	v[0].chunk = tr.pool[--tr.nr_pool];
	tr.streams = v;
	return 0;
}

/*
 * Stop recording into this trace's streams: after this no owner appends
 * (see 2. in the essay above), and every buffer a stream holds is queued
 * for the writer or back in the pool.
 */
static void trace_streams_close(void)
{
	struct trace_stream *v = tr.streams;

	WRITE_ONCE(tr.live_gen, 0);
	if (tr.fence || os_barrier_all())
		smp_mb();
	for (unsigned int i = 1; i < TRACE_STREAMS; i++)
		while (__atomic_load_n(&v[i].busy, __ATOMIC_ACQUIRE))
			os_yield();
	kh_lock(&v[0].lock);		/* its appenders test live_gen under it */
	kh_unlock(&v[0].lock);
	pthread_mutex_lock(&tr.pool_lock);
	for (unsigned int i = 0; i < TRACE_STREAMS; i++) {
		if (!v[i].chunk)
			continue;
		if (v[i].n) {
			stream_queue(&v[i]);
		} else {
			tr.pool[tr.nr_pool++] = v[i].chunk;
			v[i].chunk = NULL;
		}
	}
	tr.free_streams = NULL;
	pthread_mutex_unlock(&tr.pool_lock);
}

static void set_tracing(bool on)
{
	__atomic_store_n(&kheap_trace_on, on, __ATOMIC_RELEASE);
	/* the shim's inline slab fast path steps aside while tracing */
	if (on)
		__atomic_fetch_or(&slab_alloc_hooks, SLAB_HOOK_TRACE,
				  __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&slab_alloc_hooks, ~SLAB_HOOK_TRACE,
				   __ATOMIC_RELAXED);
	/* and its inline frees, through the sheaf map (mm/slub.c) */
	slab_sheaf_map_pause(on);
}

int kheap_trace_start(const char *path)
{
	struct kheap_trace_header h = {
		.version = KHEAP_TRACE_VERSION,
		.header_size = sizeof(h),
		.event_size = KHEAP_TRACE_R_MAX,
		.page_shift = PAGE_SHIFT,
		.page_struct_size = sizeof(struct page),
	};
	int fd, err;

	kheap_ensure_init();
	kh_lock(&tr.lock);
	if (tr.fd >= 0) {
		kh_unlock(&tr.lock);
		return -EBUSY;
	}
	tr.nr_cpus = os_ncpus();
	err = trace_buffers();
	if (err)
		goto out;
	fd = os_create_file(path);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	memcpy(h.magic, KHEAP_TRACE_MAGIC, sizeof(h.magic));
	trace_mode = kheap_config.trace_clock;
	if (trace_mode == TRACE_CLOCK_LOCAL)
		trace_mode = os_tsc_is_clock() ? TRACE_CLOCK_X86_TSC :
						 TRACE_CLOCK_MONO;
	trace_tick();
	h.clock = trace_clock_id();
	h.nr_cpus = tr.nr_cpus;
	h.pid = os_getpid();
	h.start_ns = os_ns();
	h.memmap = vmemmap_base;
	strncpy(h.comm, kheap_comm(), sizeof(h.comm) - 1);
	err = os_write_all(fd, &h, sizeof(h));
	if (err) {
		os_close(fd);
		goto out;
	}
	/* a recorder of the last trace may still probe it: word by word */
	for (unsigned int i = 0; i < TRACE_SYMS; i++)
		__atomic_store_n(&tr.syms[i], 0, __ATOMIC_RELAXED);
	kh_lock(&tr.file_lock);
	tr.fd = fd;
	tr.error = 0;
	tr.lost = 0;
	tr.next_cache_id = 0;
	WRITE_ONCE(tr.gen, tr.gen + 1);
	kh_unlock(&tr.file_lock);
	pthread_mutex_lock(&tr.pool_lock);
	trace_pool_reset();	/* also what a failed start left with stream 0 */
	err = trace_streams(tr.gen);
	pthread_mutex_unlock(&tr.pool_lock);
	if (err) {
		trace_close_file();
		goto out;
	}
	/* two clock records 100 us apart: the counter's rate from the start */
	trace_write_clock();
	for (uint64_t t0 = os_ns(); os_ns() - t0 < 100000;)
		;
	trace_write_clock();
	tr.stopping = false;
	err = -pthread_create(&tr.writer, NULL, trace_writer, NULL);
	if (err) {
		trace_close_file();
		goto out;
	}
	tr.writer_running = true;
	/* owners fence only where membarrier(2) cannot do it for them */
	WRITE_ONCE(tr.fence, !os_barrier_usable());
	__atomic_store_n(&tr.live_gen, tr.gen, __ATOMIC_RELEASE);
	set_tracing(true);
out:
	kh_unlock(&tr.lock);
	return err;
}

int kheap_trace_stop(void)
{
	int err;

	kh_lock(&tr.lock);
	if (tr.fd < 0) {
		kh_unlock(&tr.lock);
		return -ENOENT;
	}
	set_tracing(false);
	/* a recorder that saw tracing on still finds the trace dead */
	trace_streams_close();
	pthread_mutex_lock(&tr.pool_lock);
	tr.stopping = true;
	pthread_cond_signal(&tr.work);
	pthread_mutex_unlock(&tr.pool_lock);
	pthread_join(tr.writer, NULL);
	tr.writer_running = false;
	trace_write_clock();
	err = trace_close_file();
	/* the buffers stay mapped for the next trace, their pages given back */
	os_decommit(tr.packer.chunk, TRACE_BUF_BYTES +
		    (size_t)TRACE_NR_BUFS * TRACE_RAW_BYTES);
	kh_unlock(&tr.lock);
	if (tr.lost)
		pr_warn("kheap: trace: %lu events lost (%s)\n", tr.lost,
			strerror(-err));
	return err;
}

/* ---- fork ---- */

void trace_fork_prepare(void)
{
	kh_lock(&tr.lock);
	kh_lock(&tr.meta_lock);
	pthread_mutex_lock(&tr.pool_lock);
	kh_lock(&tr.file_lock);
}

void trace_fork_parent(void)
{
	kh_unlock(&tr.file_lock);
	pthread_mutex_unlock(&tr.pool_lock);
	kh_unlock(&tr.meta_lock);
	kh_unlock(&tr.lock);
}

/* The child records nothing; the streams of the parent's trace are left. */
void trace_fork_child(void)
{
	kh_lock_reinit(&tr.lock);
	kh_lock_reinit(&tr.meta_lock);
	kh_lock_reinit(&tr.file_lock);
	pthread_mutex_init(&tr.pool_lock, NULL);
	pthread_cond_init(&tr.work, NULL);
	pthread_cond_init(&tr.freed, NULL);
	tr.writer_running = false;	/* it stayed in the parent */
	WRITE_ONCE(tr.live_gen, 0);
	tr.free_streams = NULL;	/* a trace of its own resets the pool */
	if (tr.fd >= 0) {
		set_tracing(false);
		trace_close_file();
	}
	thread_gen = 0;
	thread_stream = NULL;
}
