// SPDX-License-Identifier: MIT
/*
 * kernel/trace/trace.c - the recorder behind kheap's kmem tracepoints: the
 * kernel's ring buffer and trace file, reduced to what a userspace
 * allocator can do without calling itself.
 *
 * 1. Buffers.  kheap_trace_start() maps TRACE_BUFS_PER_CPU buffers of
 *    256 KiB per CPU with os_reserve()/os_commit() (never with the
 *    allocator being traced, so recording cannot recurse) and keeps them
 *    for later traces.  A buffer is a struct kheap_trace_chunk header
 *    followed by packed records (<kheap/trace.h>, version 2: a byte of type
 *    and flags, then varints of the differences from the record before,
 *    about 10 to 20 bytes where the unpacked event is 64).  An event goes
 *    to the buffer of the CPU os_cpu() names, under that buffer's lock
 *    (uncontended unless two threads share the CPU), with its timestamp
 *    read under the lock, so the events of one buffer are in time order.
 *    The time is the time-stamp counter (cheaper to read than the vDSO's
 *    clock_gettime()) where Linux's clocksource is "tsc" (only then is it
 *    constant and the same on every CPU), CLOCK_MONOTONIC otherwise (the
 *    header says which); clock records pair it with
 *    CLOCK_MONOTONIC at the start (twice, 100 us apart), after every chunk
 *    and at the stop, and readers convert between them.
 *
 * 2. Streaming.  A full buffer goes to a queue and its CPU takes an empty
 *    one from the pool; one writer thread (started with the trace, joined
 *    at its stop) writes queued buffers to the file, each as one chunk
 *    (one write(2) under file_lock), and puts them back in the pool.  The
 *    program's threads never wait for the disk unless the writer falls a
 *    whole pool behind, so memory stays at TRACE_BUFS_PER_CPU buffers per
 *    CPU however long the run.  kheap_trace_stop() queues every buffer's
 *    remainder and lets the writer drain the queue.  Chunks of different
 *    CPUs interleave in the file; a reader merges them by timestamp (the
 *    format is in <kheap/trace.h>).
 *
 * 3. Metadata.  Events name a cache by a number, a call site by a number
 *    and a thread by its tid; the first event of each in a trace writes a
 *    metadata chunk (the cache's name and geometry, the call site's
 *    address and %pS text, the thread's comm) straight to the file, before
 *    the event's buffer can be.  A cache carries its number in struct
 *    kmem_cache (trace_id, valid while trace_gen is this trace's); call
 *    sites are kept in an open-addressed table of TRACE_SYMS addresses,
 *    filled by compare-and-swap, and a site's number is its slot (a site
 *    that finds the table crowded is recorded by its address).
 *
 * 4. Lock order: tr.lock (start, stop) -> a CPU buffer's lock -> meta_lock
 *    -> pool_lock -> file_lock.  The writer holds pool_lock or file_lock,
 *    never both.  All four are innermost to every kheap lock: events are
 *    recorded with kheap locks held (a slab page allocated under a slab
 *    lock), and the recorder takes no kheap lock and never allocates.
 *    dladdr() (symbols) takes the loader's lock; it is called only for API
 *    events, which are recorded outside every kheap lock.
 *
 * 5. fork().  The child of a recording process does not record (it would
 *    write into the parent's file, and has no writer thread): its fork
 *    handler closes its copy of the file, empties the buffers and queue
 *    and turns tracing off.
 *
 * Cost while tracing: the event's fields, a table probe for the call site,
 * os_cpu(), a lock round trip, rdtsc and packing 10 to 20 bytes; every
 * 256 KiB of a CPU's records, a buffer swapped through the pool (the
 * writer thread does the write(2) and a clock record).
 */
#include "internal.h"
#include "slab.h"
#include "kfence/kfence.h"
#include "kernel/trace/trace.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <x86intrin.h>

#define TRACE_BUF_BYTES		(256UL << 10)
#define TRACE_BUF_DATA		(TRACE_BUF_BYTES - sizeof(struct kheap_trace_chunk))
#define TRACE_SYMS		16384		/* call sites per trace */
#define TRACE_SYM_PROBES	32
#define TRACE_META_MAX		512		/* bytes of a metadata chunk */
#define TRACE_BUFS_PER_CPU	8		/* the pool, per CPU */

_Static_assert(sizeof(struct kheap_trace_event) == 64, "64-byte events");
/* the longest record: type, 5 varints of 64 bits, 3 of 32, order, mt */
_Static_assert(KHEAP_TRACE_R_MAX >= 1 + 5 * 10 + 3 * 5 + 2, "R_MAX");
_Static_assert(KHEAP_TRACE_NR_TYPES <= KHEAP_TRACE_R_TYPE + 1, "4-bit types");
_Static_assert(sizeof(struct kheap_trace_chunk) == 32, "32-byte chunk header");

struct trace_cpu {
	kh_lock_t lock;			/* appending, flushing */
	unsigned int n;			/* records in the buffer */
	unsigned int pos;		/* their bytes */
	int32_t prev_tid;		/* the record before's tid, ... */
	uint64_t prev_ts, prev_ptr;	/* ... time and pointer */
	uint64_t first_ts;		/* the chunk's first record's time */
	bool open;			/* accepting events of this trace */
	struct kheap_trace_chunk *chunk;	/* the buffer: header, events */
} __cacheline_aligned;

static struct {
	kh_lock_t lock;			/* start and stop */
	kh_lock_t meta_lock;		/* cache numbers */
	kh_lock_t file_lock;		/* writes to fd */
	int fd;				/* the file; -1 when not recording */
	unsigned int gen;		/* trace number, from 1 */
	unsigned int next_cache_id;	/* last cache number given */
	int error;			/* first write error, -errno */
	unsigned long lost;		/* events of failed writes */
	unsigned int nr_cpus;
	struct trace_cpu *cpus;		/* nr_cpus entries */
	uint64_t *syms;			/* TRACE_SYMS call sites */
	/* the pool and the writer's queue, under pool_lock */
	pthread_mutex_t pool_lock;
	pthread_cond_t work;		/* the queue has a buffer, or stopping */
	pthread_cond_t freed;		/* the pool has a buffer */
	struct kheap_trace_chunk **pool; /* empty buffers: pool[0..nr_pool) */
	unsigned int nr_pool;
	struct kheap_trace_chunk **queue; /* full ones, a ring of nr_bufs */
	unsigned int q_head, q_len, nr_bufs;
	char *bufs;			/* nr_bufs buffers, TRACE_BUF_BYTES each */
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

static inline uint8_t *cpu_data(struct trace_cpu *c)
{
	return (uint8_t *)(c->chunk + 1);
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

/*
 * Queue @c's events for the writer as one chunk and give @c an empty
 * buffer from the pool, waiting for the writer if the pool is empty;
 * under c->lock.
 */
static void trace_flush_cpu(struct trace_cpu *c, unsigned int cpu)
{
	if (!c->n)
		return;
	c->chunk->magic = KHEAP_TRACE_CHUNK_MAGIC;
	c->chunk->cpu = cpu;
	c->chunk->size = c->pos;
	c->chunk->nr = c->n;
	c->chunk->first_ns = c->first_ts;
	c->chunk->last_ns = c->prev_ts;
	pthread_mutex_lock(&tr.pool_lock);
	tr.queue[(tr.q_head + tr.q_len++) % tr.nr_bufs] = c->chunk;
	pthread_cond_signal(&tr.work);
	while (!tr.nr_pool)
		pthread_cond_wait(&tr.freed, &tr.pool_lock);
	c->chunk = tr.pool[--tr.nr_pool];
	pthread_mutex_unlock(&tr.pool_lock);
	c->n = 0;
	c->pos = 0;
}

/* The writer thread: queued buffers to the file, and back to the pool. */
static void *trace_writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tr.pool_lock);
	for (;;) {
		struct kheap_trace_chunk *ch;

		while (!tr.q_len && !tr.stopping)
			pthread_cond_wait(&tr.work, &tr.pool_lock);
		if (!tr.q_len)
			break;
		ch = tr.queue[tr.q_head];
		tr.q_head = (tr.q_head + 1) % tr.nr_bufs;
		tr.q_len--;
		pthread_mutex_unlock(&tr.pool_lock);
		if (trace_write(ch, sizeof(*ch) + ch->size))
			__atomic_fetch_add(&tr.lost, ch->nr, __ATOMIC_RELAXED);
		trace_write_clock();
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
 * An event's time: the time-stamp counter where Linux itself trusts it
 * (its clocksource is "tsc": constant rate, the same on every CPU, so
 * the CPUs' buffers merge in true order), CLOCK_MONOTONIC otherwise.
 */
static bool trace_tsc;

static inline uint64_t trace_clock(void)
{
	return likely(trace_tsc) ? __rdtsc() : os_ns();
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

/* Fill in who and when, and append @ev to this CPU's buffer. */
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
 * Pack @ev (stamped @ts) after the record before it in @c's buffer, as
 * <kheap/trace.h> lays out version 2; @site is the call site's id, or 0
 * for its address.  Under c->lock, with KHEAP_TRACE_R_MAX bytes free.
 */
static void trace_pack(struct trace_cpu *c, const struct kheap_trace_event *ev,
		       uint32_t site, uint64_t ts)
{
	unsigned int f = kheap_trace_fields(ev->type);
	uint8_t *p = cpu_data(c) + c->pos, *start = p;
	int64_t d = (int64_t)(ev->ptr - c->prev_ptr);

	if (!c->n) {			/* a chunk starts from its first time */
		c->first_ts = c->prev_ts = ts;
		c->prev_ptr = 0;
		c->prev_tid = 0;
		d = (int64_t)ev->ptr;
	}
	*p++ = (uint8_t)(ev->type |
			 (ev->flags & KHEAP_TRACE_NESTED ? KHEAP_TRACE_R_NESTED : 0) |
			 (ev->tid != c->prev_tid ? KHEAP_TRACE_R_TID : 0) |
			 ((f & KHEAP_TRACE_F_SITE) && !site && ev->call_site ?
			  KHEAP_TRACE_R_RAW_SITE : 0));
	p = put_varint(p, ts - c->prev_ts);
	if (ev->tid != c->prev_tid)
		p = put_varint(p, (uint32_t)ev->tid);
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
	c->pos += (unsigned int)(p - start);
	c->n++;
}

/* Fill in who, and append @ev to this CPU's buffer, stamped now. */
static void trace_emit(struct kheap_trace_event *ev, uint32_t site)
{
	struct trace_cpu *c;
	unsigned int cpu;

	ev->tid = trace_thread();
	if (kheap_trace_depth)
		ev->flags |= KHEAP_TRACE_NESTED;
	cpu = os_cpu();
	c = &tr.cpus[cpu];
	kh_lock(&c->lock);
	if (likely(c->open)) {
		if (c->pos > TRACE_BUF_DATA - KHEAP_TRACE_R_MAX)
			trace_flush_cpu(c, cpu);
		trace_pack(c, ev, site, trace_clock());
	}
	kh_unlock(&c->lock);
}

/* An API event: recorded only outside other traced calls. */
static void trace_call(unsigned int type, unsigned long call_site,
		       const void *ptr, size_t req, size_t alloc,
		       unsigned int gfp, struct kmem_cache *s)
{
	struct kheap_trace_event ev = {
		.type = (uint8_t)type,
		.ptr = (uint64_t)(unsigned long)ptr,
		.call_site = call_site,
		.bytes_req = req,
		.bytes_alloc = alloc,
		.gfp = gfp,
	};

	uint32_t site;

	if (kheap_trace_depth)
		return;
	site = trace_symbol(call_site);
	if (s)
		ev.cache = trace_cache_id(s);
	trace_emit(&ev, site);
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
	struct kheap_trace_event ev = {
		.type = KHEAP_TRACE_MM_PAGE_ALLOC,
		.ptr = page ? page_to_pfn(page) : ~0ULL,
		.gfp = gfp,
		.order = (uint8_t)order,
		.migratetype = (int8_t)migratetype,
	};

	trace_emit(&ev, 0);
}

void __trace_mm_page_free(struct page *page, unsigned int order)
{
	struct kheap_trace_event ev = {
		.type = KHEAP_TRACE_MM_PAGE_FREE,
		.ptr = page_to_pfn(page),
		.order = (uint8_t)order,
	};

	trace_emit(&ev, 0);
}

/* ---- start, stop ---- */

/* Every buffer no CPU holds goes to the pool; the queue is empty. */
static void trace_pool_reset(void)
{
	tr.nr_pool = 0;
	tr.q_head = tr.q_len = 0;
	for (unsigned int i = 0; i < tr.nr_bufs; i++) {
		struct kheap_trace_chunk *b = (struct kheap_trace_chunk *)
			(tr.bufs + (size_t)i * TRACE_BUF_BYTES);
		bool held = false;

		for (unsigned int c = 0; c < tr.nr_cpus; c++)
			held |= tr.cpus[c].chunk == b;
		if (!held)
			tr.pool[tr.nr_pool++] = b;
	}
}

/*
 * The per-CPU structures, the call site table, the pool's and queue's
 * arrays and TRACE_BUFS_PER_CPU buffers per CPU, in one mapping made once
 * (never with the allocator being traced).
 */
static int trace_buffers(void)
{
	unsigned int nr_bufs = tr.nr_cpus * TRACE_BUFS_PER_CPU;
	size_t meta = ALIGN(tr.nr_cpus * sizeof(struct trace_cpu) +
			    2 * nr_bufs * sizeof(void *), PAGE_SIZE);
	size_t syms = TRACE_SYMS * sizeof(uint64_t);
	size_t total = meta + syms + nr_bufs * TRACE_BUF_BYTES;
	char *base, *bufs;

	if (tr.cpus)
		return 0;
	base = os_reserve(total, PAGE_SIZE);
	if (!base)
		return -ENOMEM;
	if (os_commit(base, total)) {
		os_release(base, total);
		return -ENOMEM;
	}
	tr.cpus = (struct trace_cpu *)base;
	tr.pool = (struct kheap_trace_chunk **)
		(base + tr.nr_cpus * sizeof(struct trace_cpu));
	tr.queue = tr.pool + nr_bufs;
	tr.syms = (uint64_t *)(base + meta);
	bufs = base + meta + syms;
	tr.bufs = bufs;
	tr.nr_bufs = nr_bufs;
	for (unsigned int i = 0; i < tr.nr_cpus; i++) {
		kh_lock_init(&tr.cpus[i].lock);
		tr.cpus[i].chunk = (struct kheap_trace_chunk *)
			(bufs + (size_t)i * TRACE_BUF_BYTES);
	}
	trace_pool_reset();
	return 0;
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
	trace_tsc = os_tsc_is_clock();
	h.clock = trace_tsc ? KHEAP_TRACE_CLOCK_TSC : KHEAP_TRACE_CLOCK_NS;
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
	/* two clock records 100 us apart: the counter's rate from the start */
	trace_write_clock();
	for (uint64_t t0 = os_ns(); os_ns() - t0 < 100000;)
		;
	trace_write_clock();
	tr.stopping = false;
	err = -pthread_create(&tr.writer, NULL, trace_writer, NULL);
	if (err) {
		kh_lock(&tr.file_lock);
		os_close(tr.fd);
		tr.fd = -1;
		kh_unlock(&tr.file_lock);
		goto out;
	}
	tr.writer_running = true;
	for (unsigned int i = 0; i < tr.nr_cpus; i++) {
		kh_lock(&tr.cpus[i].lock);
		tr.cpus[i].n = 0;
		tr.cpus[i].pos = 0;
		tr.cpus[i].open = true;
		kh_unlock(&tr.cpus[i].lock);
	}
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
	/* a recorder that saw tracing on still finds its buffer closed */
	for (unsigned int i = 0; i < tr.nr_cpus; i++) {
		struct trace_cpu *c = &tr.cpus[i];

		kh_lock(&c->lock);
		trace_flush_cpu(c, i);
		c->open = false;
		kh_unlock(&c->lock);
	}
	pthread_mutex_lock(&tr.pool_lock);
	tr.stopping = true;
	pthread_cond_signal(&tr.work);
	pthread_mutex_unlock(&tr.pool_lock);
	pthread_join(tr.writer, NULL);
	tr.writer_running = false;
	trace_write_clock();
	kh_lock(&tr.file_lock);
	os_close(tr.fd);
	tr.fd = -1;
	err = tr.error;
	kh_unlock(&tr.file_lock);
	/* the buffers stay mapped for the next trace, their pages given back */
	os_decommit(tr.bufs, (size_t)tr.nr_bufs * TRACE_BUF_BYTES);
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
	for (unsigned int i = 0; tr.cpus && i < tr.nr_cpus; i++)
		kh_lock(&tr.cpus[i].lock);
	kh_lock(&tr.meta_lock);
	pthread_mutex_lock(&tr.pool_lock);
	kh_lock(&tr.file_lock);
}

void trace_fork_parent(void)
{
	kh_unlock(&tr.file_lock);
	pthread_mutex_unlock(&tr.pool_lock);
	kh_unlock(&tr.meta_lock);
	for (unsigned int i = 0; tr.cpus && i < tr.nr_cpus; i++)
		kh_unlock(&tr.cpus[i].lock);
	kh_unlock(&tr.lock);
}

void trace_fork_child(void)
{
	kh_lock_reinit(&tr.lock);
	kh_lock_reinit(&tr.meta_lock);
	kh_lock_reinit(&tr.file_lock);
	pthread_mutex_init(&tr.pool_lock, NULL);
	pthread_cond_init(&tr.work, NULL);
	pthread_cond_init(&tr.freed, NULL);
	tr.writer_running = false;	/* it stayed in the parent */
	for (unsigned int i = 0; tr.cpus && i < tr.nr_cpus; i++) {
		kh_lock_reinit(&tr.cpus[i].lock);
		tr.cpus[i].n = 0;
		tr.cpus[i].pos = 0;
		tr.cpus[i].open = false;
	}
	if (tr.cpus)
		trace_pool_reset();
	if (tr.fd >= 0) {
		set_tracing(false);
		os_close(tr.fd);
		tr.fd = -1;
	}
	thread_gen = 0;
}
