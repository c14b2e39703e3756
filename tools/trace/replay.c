// SPDX-License-Identifier: MIT
/*
 * tools/trace/replay.c - a recorded workload run again on this process's
 * kheap, under whatever options it was initialised with, and measured.
 *
 * 1. Events.  Each allocation event is made again with the recorded size
 *    and GFP flags (kmalloc, kmem_cache_alloc from a cache made like the
 *    recorded one, vmalloc, alloc_pages); each free finds the replayed
 *    block through a map from the recorded pointer (or pfn) to it.  A
 *    replay touches one byte in every page a block spans, as the program
 *    that asked for it would have written it, so RSS means something.
 *    What cannot be replayed is counted by reason (enum replay_skip): a
 *    free whose allocation came before the trace started, pages that a
 *    slab or vmalloc allocation took (KHEAP_TRACE_NESTED: the replayed
 *    allocation takes its own), an allocation that had failed, kernel
 *    v6.12's second kmalloc event for one large kmalloc (a duplicate of
 *    a live pointer), an allocation that fails now (the first is named in
 *    the report: mem= is too small for the workload under these options).
 *
 * 2. Caches.  A kmem_cache_alloc of a recorded kmalloc cache (SLAB_KMALLOC,
 *    or a kmalloc-* name in a text trace) is replayed as kmalloc of that
 *    size, so the replay's own size classes decide; any other cache is
 *    created on first use (or at its kheap_kmem_cache_create event) with
 *    the recorded name, object size, alignment and flags other than debug
 *    flags (slab_debug= of the replay decides those), and a constructor if
 *    it had one, so it merges, or not, as the original would under the
 *    replay's options.
 *
 * 3. Figures.  After every event: the bytes in slab pages (meminfo's Slab,
 *    large kmalloc included), in pages the trace allocated itself, in
 *    vmalloc areas, and the live bytes asked for and handed out, whose
 *    peaks are therefore exact.  At `samples` points spread over the trace:
 *    the same, plus RSS above the replay's start, slab bytes per cache
 *    (its slabs times their size, from the slabinfo counters), and
 *    unusable_index (mm/vmstat.c) at orders 3 and 9 over all zones.
 *
 * 4. Time.  Only the allocator calls are timed: the time-stamp counter is
 *    read around each (a few cycles), and the cycles are turned into ns by
 *    the ratio of the clock to the counter over the whole replay; reading
 *    the trace, the maps, touching the blocks and sampling are left out,
 *    so run_ns compares the allocators, not the reader.
 *
 * 5. Threads.  By default one thread replays every event in trace order
 *    (results repeat from run to run).  With threads > 1, the events of
 *    recorded CPU c are replayed by thread c % threads, pinned to CPU
 *    c % (this machine's CPUs), still one at a time in trace order (a turn
 *    counter passes from thread to thread), so a block allocated on one
 *    CPU and freed on another crosses CPUs as it did: SLUB's remote frees,
 *    the barn's sheaves moving between CPUs, per-CPU page lists filling on
 *    one CPU and draining on another.  The order is the trace's, so the
 *    counts and live bytes are the same as with one thread; slab memory
 *    may differ (other CPUs' slabs), and the time is noisier (a thread
 *    descheduled inside a call while the others wait counts in it).
 */
#define _GNU_SOURCE
#include "tools/trace/trace.h"
#include "tools/trace/map.h"
#include "slab_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <x86intrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_BATCH	16384

enum obj_kind { OBJ_KMALLOC = 1, OBJ_CACHE, OBJ_VMALLOC };

struct obj {
	void *p;			/* the replayed block */
	uint64_t req, alloc;		/* bytes asked for, handed out */
	uint32_t cache;			/* trace cache id (OBJ_CACHE) */
	uint16_t kc;			/* res->caches index + 1; 0: not slab */
	uint8_t kind;			/* enum obj_kind */
	bool slab;			/* a slab object: counts in live_slab_req */
};

struct block {
	struct page *page;		/* NULL: a nested block, not replayed */
	uint64_t left;			/* pages not yet freed */
	uint8_t order;
	bool split;			/* split_page() done */
};

struct rcache {
	struct kmem_cache *s;		/* NULL: not created (yet, or again) */
	bool kmalloc;			/* replayed as kmalloc(object_size) */
	uint64_t live;			/* objects of it alive in the replay */
};

struct replay {
	const struct replay_opts *opts;
	struct replay_result *res;
	struct trace_input *in;
	struct u64_map objs;		/* recorded pointer -> pool index */
	struct obj *pool;
	size_t pool_n, pool_cap;
	size_t *free_slots;		/* reusable pool indexes */
	size_t nr_free_slots;
	struct u64_map blocks;		/* recorded head pfn + 1 -> block index */
	struct block *bpool;
	size_t bpool_n, bpool_cap;
	size_t *free_blocks;
	size_t nr_free_blocks;
	struct rcache *rcaches;		/* by trace cache id - 1 */
	size_t nr_rcaches;
	struct u64_map kcache;		/* struct kmem_cache * -> caches index + 1 */
	uint64_t live_req, live_alloc, live_slab_req, pages_bytes;
	uint64_t first_ts, total_events, sample_every, seen;
	unsigned long base_rss_kb;
	size_t samples_cap;
	uint64_t cycles;		/* time-stamp counter inside the calls */
	struct kheap_trace_event *batch;
	size_t nr_batch;
	/* threads > 1 */
	unsigned int nr_threads;
	pthread_barrier_t start, done;	/* a batch handed out, replayed */
	uint64_t turn;			/* the batch index replayed next */
	bool quit;			/* no more batches */
};

/* Run @call and add its time-stamp counter cycles to r->cycles. */
#define TIMED(r, call)	do {						\
		uint64_t __t0 = __rdtsc();				\
		call;							\
		(r)->cycles += __rdtsc() - __t0;			\
	} while (0)

static const char *const skip_names[RS_NR] = {
	[RS_NESTED] = "pages of another allocation (nested)",
	[RS_UNSEEN_FREE] = "free of an object allocated before the trace",
	[RS_UNSEEN_PAGES] = "free of pages allocated before the trace",
	[RS_NULL_FREE] = "free of NULL or ZERO_SIZE_PTR",
	[RS_FAILED_RECORDED] = "allocation that failed when recorded",
	[RS_DUPLICATE] = "second event for a live pointer",
	[RS_OUT_OF_MEMORY] = "allocation that failed in the replay",
	[RS_CACHE_BUSY] = "destroy of a cache that holds objects",
};

const char *replay_skip_name(enum replay_skip r)
{
	return r < RS_NR ? skip_names[r] : "?";
}

/* ---- bookkeeping ---- */

static size_t obj_new(struct replay *r)
{
	if (r->nr_free_slots)
		return r->free_slots[--r->nr_free_slots];
	if (r->pool_n == r->pool_cap) {
		size_t cap = r->pool_cap ? 2 * r->pool_cap : 4096;
		struct obj *p = realloc(r->pool, cap * sizeof(*p));
		size_t *f = realloc(r->free_slots, cap * sizeof(*f));

		if (!p || !f) {
			free(p == r->pool ? NULL : p);
			abort();	/* the tool's own memory: nothing to replay with */
		}
		r->pool = p;
		r->free_slots = f;
		r->pool_cap = cap;
	}
	return r->pool_n++;
}

static size_t block_new(struct replay *r)
{
	if (r->nr_free_blocks)
		return r->free_blocks[--r->nr_free_blocks];
	if (r->bpool_n == r->bpool_cap) {
		size_t cap = r->bpool_cap ? 2 * r->bpool_cap : 1024;
		struct block *p = realloc(r->bpool, cap * sizeof(*p));
		size_t *f = realloc(r->free_blocks, cap * sizeof(*f));

		if (!p || !f)
			abort();
		r->bpool = p;
		r->free_blocks = f;
		r->bpool_cap = cap;
	}
	return r->bpool_n++;
}

/* The index + 1 of kheap cache @s in res->caches (0 if there is no room). */
static uint16_t kcache_index(struct replay *r, struct kmem_cache *s)
{
	struct replay_result *res = r->res;
	uint64_t v;

	if (u64_map_get(&r->kcache, (uint64_t)(uintptr_t)s, &v))
		return (uint16_t)v;
	for (size_t i = 0; i < res->nr_caches; i++)
		if (!strcmp(res->caches[i].name, s->name)) {
			u64_map_put(&r->kcache, (uint64_t)(uintptr_t)s, i + 1);
			return (uint16_t)(i + 1);
		}
	if (res->nr_caches == REPLAY_MAX_CACHES)
		return 0;
	snprintf(res->caches[res->nr_caches].name,
		 sizeof(res->caches[0].name), "%s", s->name);
	res->nr_caches++;
	u64_map_put(&r->kcache, (uint64_t)(uintptr_t)s, res->nr_caches);
	return (uint16_t)res->nr_caches;
}

/* A byte in each page of the block, as the program's writes would be. */
static void touch(const struct replay *r, void *p, uint64_t len)
{
	if (!r->opts->touch || !p || p == ZERO_SIZE_PTR)
		return;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		((volatile char *)p)[off] = 1;
	if (len)
		((volatile char *)p)[len - 1] = 1;
}

static void oom(struct replay *r, const struct kheap_trace_event *ev,
		const char *what)
{
	r->res->skipped[RS_OUT_OF_MEMORY]++;
	if (r->res->oom_event[0])
		return;
	if (ev->type == KHEAP_TRACE_MM_PAGE_ALLOC)
		snprintf(r->res->oom_event, sizeof(r->res->oom_event),
			 "event %" PRIu64 " (at %.6f s): %s of order %u",
			 r->seen, (double)(ev->ts - r->first_ts) / 1e9, what,
			 ev->order);
	else
		snprintf(r->res->oom_event, sizeof(r->res->oom_event),
			 "event %" PRIu64 " (at %.6f s): %s of %" PRIu64 " bytes",
			 r->seen, (double)(ev->ts - r->first_ts) / 1e9, what,
			 ev->bytes_req);
}

/* GFP bits a slab allocation may not carry (the kernel's GFP_SLAB_BUG_MASK). */
static gfp_t slab_gfp(uint32_t gfp)
{
	return ((gfp_t)gfp & __GFP_BITS_MASK & ~(__GFP_DMA32 | __GFP_HIGHMEM)) |
	       __GFP_NOWARN;
}

static bool is_kmalloc_name(const char *name)
{
	return !strncmp(name, "kmalloc-", 8) || !strncmp(name, "dma-kmalloc-", 12);
}

static void replay_ctor(void *obj)
{
	(void)obj;	/* only there so the cache merges as the original */
}

static struct rcache *rcache_get(struct replay *r, uint32_t id, uint64_t req)
{
	const struct trace_cache *tc = trace_cache_of(r->in, id);
	struct rcache *rc;

	if (!tc)
		return NULL;
	if (id > r->nr_rcaches) {
		struct rcache *p = realloc(r->rcaches, id * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + r->nr_rcaches, 0, (id - r->nr_rcaches) * sizeof(*p));
		r->rcaches = p;
		r->nr_rcaches = id;
	}
	rc = &r->rcaches[id - 1];
	if (rc->s || rc->kmalloc)
		return rc;
	if ((tc->flags & SLAB_KMALLOC) || is_kmalloc_name(tc->name)) {
		rc->kmalloc = true;
		return rc;
	}
	{
		unsigned int size = tc->object_size ? tc->object_size : (unsigned int)req;
		unsigned int align = tc->align & (tc->align - 1) ? 0 : tc->align;
		slab_flags_t flags = (slab_flags_t)tc->flags & SLAB_FLAGS_PERMITTED &
				     ~(SLAB_DEBUG_FLAGS | SLAB_KMALLOC | SLAB_PANIC);

		if (!size)
			size = 8;
		rc->s = kmem_cache_create(tc->name, size, align, flags,
					  tc->has_ctor ? replay_ctor : NULL);
	}
	return rc->s ? rc : NULL;
}

/* ---- the events ---- */

static void add_obj(struct replay *r, const struct kheap_trace_event *ev,
		    void *p, enum obj_kind kind, uint32_t cache, uint64_t alloc)
{
	size_t i = obj_new(r);
	struct obj *o = &r->pool[i];
	struct slab *slab;

	o->p = p;
	o->req = ev->bytes_req;
	o->alloc = alloc;
	o->cache = cache;
	o->kind = (uint8_t)kind;
	o->kc = 0;
	o->slab = false;
	if (kind != OBJ_VMALLOC && p != ZERO_SIZE_PTR &&
	    (slab = virt_to_slab(p))) {
		o->slab = true;
		o->kc = kcache_index(r, slab->slab_cache);
		r->live_slab_req += o->req;
		if (o->kc) {
			struct replay_cache *c = &r->res->caches[o->kc - 1];

			if (++c->objects > c->peak_objects)
				c->peak_objects = c->objects;
		}
	}
	r->live_req += o->req;
	r->live_alloc += alloc;
	u64_map_put(&r->objs, ev->ptr, i);
}

static void drop_obj(struct replay *r, size_t i)
{
	struct obj *o = &r->pool[i];

	r->live_req -= o->req;
	r->live_alloc -= o->alloc;
	if (o->slab)
		r->live_slab_req -= o->req;
	if (o->kc)
		r->res->caches[o->kc - 1].objects--;
	r->free_slots[r->nr_free_slots++] = i;
}

static void replay_alloc(struct replay *r, const struct kheap_trace_event *ev)
{
	struct rcache *rc = NULL;
	uint64_t alloc;
	void *p;

	if (!ev->ptr) {
		r->res->skipped[RS_FAILED_RECORDED]++;
		return;
	}
	if (u64_map_get(&r->objs, ev->ptr, &alloc)) {
		r->res->skipped[RS_DUPLICATE]++;
		return;
	}
	switch (ev->type) {
	case KHEAP_TRACE_KMALLOC:
		TIMED(r, p = kmalloc(ev->bytes_req, slab_gfp(ev->gfp)));
		alloc = ksize(p);
		break;
	case KHEAP_TRACE_KMEM_CACHE_ALLOC:
		rc = rcache_get(r, ev->cache, ev->bytes_req);
		if (rc && rc->kmalloc) {
			TIMED(r, p = kmalloc(ev->bytes_req, slab_gfp(ev->gfp)));
			alloc = ksize(p);
		} else if (rc) {
			TIMED(r, p = kmem_cache_alloc(rc->s, slab_gfp(ev->gfp)));
			alloc = p ? rc->s->size : 0;
		} else {
			p = NULL;
			alloc = 0;
		}
		break;
	default:	/* KHEAP_TRACE_VMALLOC */
		TIMED(r, p = __vmalloc(ev->bytes_req ? ev->bytes_req : 1,
				       ((gfp_t)ev->gfp & __GFP_BITS_MASK) |
				       __GFP_NOWARN));
		alloc = PAGE_ALIGN(ev->bytes_req);
		break;
	}
	r->res->replayed++;
	if (!p) {
		oom(r, ev, ev->type == KHEAP_TRACE_VMALLOC ? "vmalloc" :
			   ev->type == KHEAP_TRACE_KMALLOC ? "kmalloc" :
			   "kmem_cache_alloc");
		return;
	}
	touch(r, p, ev->bytes_req);
	if (rc && !rc->kmalloc)
		rc->live++;
	add_obj(r, ev, p, ev->type == KHEAP_TRACE_VMALLOC ? OBJ_VMALLOC :
		rc && !rc->kmalloc ? OBJ_CACHE : OBJ_KMALLOC, ev->cache, alloc);
}

static void replay_free(struct replay *r, const struct kheap_trace_event *ev)
{
	uint64_t i;
	struct obj *o;

	if (ev->ptr == 0 || ev->ptr == (uint64_t)(uintptr_t)ZERO_SIZE_PTR) {
		r->res->skipped[RS_NULL_FREE]++;
		return;
	}
	if (!u64_map_take(&r->objs, ev->ptr, &i)) {
		r->res->skipped[RS_UNSEEN_FREE]++;
		return;
	}
	o = &r->pool[i];
	r->res->replayed++;
	if (o->kind == OBJ_VMALLOC) {
		TIMED(r, vfree(o->p));
	} else if (o->kind == OBJ_CACHE) {
		struct rcache *rc = &r->rcaches[o->cache - 1];

		TIMED(r, kmem_cache_free(rc->s, o->p));
		rc->live--;
	} else {
		TIMED(r, kfree(o->p));
	}
	drop_obj(r, i);
}

static void replay_krealloc(struct replay *r, const struct kheap_trace_event *ev)
{
	enum obj_kind kind;
	uint32_t cache;
	uint64_t i;
	struct obj *o;
	void *q;

	if (!u64_map_get(&r->objs, ev->ptr, &i)) {
		r->res->skipped[RS_UNSEEN_FREE]++;
		return;
	}
	o = &r->pool[i];
	kind = o->kind;
	cache = o->cache;
	r->res->replayed++;
	if (o->kind == OBJ_VMALLOC)
		TIMED(r, q = vrealloc(o->p, ev->bytes_req, GFP_KERNEL | __GFP_NOWARN));
	else if (o->kind == OBJ_KMALLOC)
		TIMED(r, q = krealloc(o->p, ev->bytes_req, GFP_KERNEL | __GFP_NOWARN));
	else
		q = ev->bytes_req <= o->alloc ? o->p : NULL;	/* a cache object */
	if (!q) {
		oom(r, ev, "krealloc");
		return;
	}
	u64_map_take(&r->objs, ev->ptr, &i);
	drop_obj(r, (size_t)i);
	touch(r, q, ev->bytes_req);
	add_obj(r, ev, q, kind, cache,
		kind == OBJ_VMALLOC ? PAGE_ALIGN(ev->bytes_req) : ksize(q));
}

/* The block holding recorded pfn @pfn: its index, and its head pfn. */
static bool find_block(struct replay *r, uint64_t pfn, uint64_t *idx,
		       uint64_t *head)
{
	if (u64_map_get(&r->blocks, pfn + 1, idx)) {
		*head = pfn;
		return true;
	}
	for (unsigned int k = 1; k <= MAX_PAGE_ORDER; k++) {
		uint64_t h = pfn & ~((1ULL << k) - 1);

		if (u64_map_get(&r->blocks, h + 1, idx) &&
		    r->bpool[*idx].order >= k) {
			*head = h;
			return true;
		}
	}
	return false;
}

static void replay_pages_alloc(struct replay *r, const struct kheap_trace_event *ev)
{
	struct block *b;
	struct page *page = NULL;
	size_t i;

	if (ev->ptr == ~0ULL) {
		r->res->skipped[RS_FAILED_RECORDED]++;
		return;
	}
	if (ev->order > MAX_PAGE_ORDER) {
		r->res->skipped[RS_FAILED_RECORDED]++;
		return;
	}
	if (!(ev->flags & KHEAP_TRACE_NESTED)) {
		TIMED(r, page = alloc_pages(((gfp_t)ev->gfp & __GFP_BITS_MASK &
					     ~__GFP_NOFAIL) | __GFP_NOWARN,
					    ev->order));
		r->res->replayed++;
		if (!page) {
			oom(r, ev, "alloc_pages");
			return;
		}
		touch(r, page_address(page), PAGE_SIZE << ev->order);
		r->pages_bytes += PAGE_SIZE << ev->order;
	} else {
		r->res->skipped[RS_NESTED]++;
	}
	i = block_new(r);
	b = &r->bpool[i];
	b->page = page;
	b->order = ev->order;
	b->left = 1ULL << ev->order;
	b->split = false;
	u64_map_put(&r->blocks, ev->ptr + 1, i);
}

static void replay_pages_free(struct replay *r, const struct kheap_trace_event *ev)
{
	uint64_t idx, head, off, nr = 1ULL << ev->order;
	struct block *b;

	if (!find_block(r, ev->ptr, &idx, &head)) {
		r->res->skipped[ev->flags & KHEAP_TRACE_NESTED ? RS_NESTED
							       : RS_UNSEEN_PAGES]++;
		return;
	}
	b = &r->bpool[idx];
	off = ev->ptr - head;
	if (!b->page) {
		r->res->skipped[RS_NESTED]++;
	} else if (!off && ev->order == b->order && !b->split) {
		TIMED(r, __free_pages(b->page, b->order));
		r->res->replayed++;
		r->pages_bytes -= PAGE_SIZE << b->order;
	} else {
		/* part of a block (alloc_pages_exact's tail, split blocks) */
		if (!b->split && !PageCompound(b->page)) {
			split_page(b->page, b->order);
			b->split = true;
		}
		if (!b->split || off + nr > (1ULL << b->order)) {
			r->res->skipped[RS_UNSEEN_PAGES]++;
			return;
		}
		TIMED(r, __free_pages(b->page + off, ev->order));
		r->res->replayed++;
		r->pages_bytes -= PAGE_SIZE * nr;
	}
	b->left = b->left > nr ? b->left - nr : 0;
	if (!b->left) {
		u64_map_take(&r->blocks, head + 1, &idx);
		r->free_blocks[r->nr_free_blocks++] = (size_t)idx;
	}
}

static void replay_cache_event(struct replay *r, const struct kheap_trace_event *ev)
{
	struct rcache *rc;

	if (ev->type == KHEAP_TRACE_CACHE_CREATE) {
		rcache_get(r, ev->cache, ev->bytes_req);
		r->res->replayed++;
		return;
	}
	if (!ev->cache || ev->cache > r->nr_rcaches)
		return;
	rc = &r->rcaches[ev->cache - 1];
	if (!rc->s)
		return;
	if (rc->live) {
		r->res->skipped[RS_CACHE_BUSY]++;
		return;
	}
	TIMED(r, kmem_cache_destroy(rc->s));
	rc->s = NULL;
	r->res->replayed++;
}

static void replay_event(struct replay *r, const struct kheap_trace_event *ev)
{
	switch (ev->type) {
	case KHEAP_TRACE_KMALLOC:
	case KHEAP_TRACE_KMEM_CACHE_ALLOC:
	case KHEAP_TRACE_VMALLOC:
		replay_alloc(r, ev);
		break;
	case KHEAP_TRACE_KFREE:
	case KHEAP_TRACE_KMEM_CACHE_FREE:
	case KHEAP_TRACE_VFREE:
		replay_free(r, ev);
		break;
	case KHEAP_TRACE_KREALLOC:
		replay_krealloc(r, ev);
		break;
	case KHEAP_TRACE_MM_PAGE_ALLOC:
		replay_pages_alloc(r, ev);
		break;
	case KHEAP_TRACE_MM_PAGE_FREE:
		replay_pages_free(r, ev);
		break;
	case KHEAP_TRACE_CACHE_CREATE:
	case KHEAP_TRACE_CACHE_DESTROY:
		replay_cache_event(r, ev);
		break;
	}
}

/* ---- figures ---- */

static uint64_t slab_bytes_now(void)
{
	return (node_page_state(NR_SLAB_RECLAIMABLE) +
		node_page_state(NR_SLAB_UNRECLAIMABLE)) << PAGE_SHIFT;
}

static void peaks(struct replay *r)
{
	struct replay_result *res = r->res;
	uint64_t slab = slab_bytes_now();
	uint64_t vm = node_page_state(NR_VMALLOC) << PAGE_SHIFT;
	uint64_t total = slab + vm + r->pages_bytes;

	if (total > res->peak_total)
		res->peak_total = total;
	if (slab > res->peak_slab)
		res->peak_slab = slab;
	if (vm > res->peak_vmalloc)
		res->peak_vmalloc = vm;
	if (r->pages_bytes > res->peak_pages)
		res->peak_pages = r->pages_bytes;
	if (r->live_req > res->peak_req)
		res->peak_req = r->live_req;
	if (r->live_alloc > res->peak_alloc) {
		res->peak_alloc = r->live_alloc;
		res->waste_at_peak = r->live_alloc - r->live_req;
	}
}

static void unusable_now(int *out)
{
	unsigned long nr_free[NR_PAGE_ORDERS] = { 0 };

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &kheap_zones[zi];

		if (!populated_zone(z))
			continue;
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			nr_free[o] += READ_ONCE(z->free_area[o].nr_free);
	}
	for (int i = 0; i < REPLAY_ORDERS; i++) {
		struct kheap_contig_page_info info;

		kheap_fill_contig_page_info(nr_free, NR_PAGE_ORDERS,
					    REPLAY_ORDER(i), &info);
		out[i] = kheap_unusable_free_index(REPLAY_ORDER(i), &info);
	}
}

/*
 * @c's slab counts, as /proc/slabinfo has them, from the slab allocator in
 * force (slab_allocator=): SLOB's are all 0, as it has no slabinfo.
 */
static void cache_slabinfo(struct kmem_cache *c, struct slabinfo *si)
{
	memset(si, 0, sizeof(*si));
	slab_ops->get_slabinfo(c, si);
}

static void take_sample(struct replay *r, struct replay_sample *s, uint64_t ts,
			uint64_t *cache_bytes)
{
	struct kmem_cache *c;
	unsigned long rss = os_rss_kb();

	memset(s, 0, sizeof(*s));
	s->ts = ts >= r->first_ts ? ts - r->first_ts : 0;
	s->events = r->seen;
	s->slab = slab_bytes_now();
	s->vmalloc = node_page_state(NR_VMALLOC) << PAGE_SHIFT;
	s->pages = r->pages_bytes;
	s->rss = rss > r->base_rss_kb ? (uint64_t)(rss - r->base_rss_kb) << 10 : 0;
	s->req = r->live_req;
	s->alloc = r->live_alloc;
	s->slab_req = r->live_slab_req;
	if (s->rss > r->res->peak_rss)
		r->res->peak_rss = s->rss;
	unusable_now(s->unusable);
	kh_lock(&slab_mutex);
	list_for_each_entry(c, &slab_caches, list) {
		struct slabinfo si;
		uint64_t bytes;
		uint16_t k;

		cache_slabinfo(c, &si);
		bytes = (uint64_t)si.num_slabs * (PAGE_SIZE << si.cache_order);
		if (!bytes)
			continue;
		s->slab_bytes += bytes;
		k = kcache_index(r, c);
		if (!k)
			continue;
		if (cache_bytes)
			cache_bytes[k - 1] = bytes;
		if (bytes > r->res->caches[k - 1].peak_bytes)
			r->res->caches[k - 1].peak_bytes = bytes;
	}
	kh_unlock(&slab_mutex);
}

static void sample(struct replay *r, uint64_t ts)
{
	struct replay_result *res = r->res;

	if (res->nr_samples == r->samples_cap) {
		size_t cap = r->samples_cap ? 2 * r->samples_cap : 256;
		struct replay_sample *s = realloc(res->samples, cap * sizeof(*s));
		uint64_t *cb = realloc(res->cache_bytes,
				       cap * REPLAY_MAX_CACHES * sizeof(*cb));

		if (!s || !cb)
			abort();
		res->samples = s;
		res->cache_bytes = cb;
		r->samples_cap = cap;
	}
	memset(res->cache_bytes + res->nr_samples * REPLAY_MAX_CACHES, 0,
	       REPLAY_MAX_CACHES * sizeof(uint64_t));
	take_sample(r, &res->samples[res->nr_samples], ts,
		    res->cache_bytes + res->nr_samples * REPLAY_MAX_CACHES);
	res->nr_samples++;
}

/* ---- driving ---- */

/* Event @i of the batch, and what follows it after every event. */
static void replay_one(struct replay *r, size_t i)
{
	const struct kheap_trace_event *ev = &r->batch[i];

	r->seen++;
	replay_event(r, ev);
	peaks(r);
	if (r->seen % r->sample_every == 0)
		sample(r, ev->ts);
}

struct replay_thread {
	struct replay *r;
	unsigned int id;
	pthread_t t;
};

/* A replay thread: its CPUs' events of each batch, each at its turn. */
static void *replay_worker(void *arg)
{
	struct replay_thread *w = arg;
	struct replay *r = w->r;
	unsigned int ncpus = os_ncpus();
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->id % ncpus, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	for (;;) {
		pthread_barrier_wait(&r->start);
		if (__atomic_load_n(&r->quit, __ATOMIC_ACQUIRE))
			return NULL;
		for (size_t i = 0; i < r->nr_batch; i++) {
			unsigned int spins = 0;

			if (r->batch[i].cpu % r->nr_threads != w->id)
				continue;
			while (__atomic_load_n(&r->turn, __ATOMIC_ACQUIRE) != i)
				if (++spins > 64)
					sched_yield();
			replay_one(r, i);
			__atomic_store_n(&r->turn, i + 1, __ATOMIC_RELEASE);
		}
		pthread_barrier_wait(&r->done);
	}
}

static void run_batch(struct replay *r)
{
	if (r->nr_threads > 1) {
		__atomic_store_n(&r->turn, 0, __ATOMIC_RELEASE);
		pthread_barrier_wait(&r->start);
		pthread_barrier_wait(&r->done);
	} else {
		for (size_t i = 0; i < r->nr_batch; i++)
			replay_one(r, i);
	}
	if (r->nr_batch)
		r->res->span_ns = r->batch[r->nr_batch - 1].ts - r->first_ts;
	r->nr_batch = 0;
}

static int collect(void *arg, const struct kheap_trace_event *ev)
{
	struct replay *r = arg;

	if (!r->first_ts)
		r->first_ts = ev->ts ? ev->ts : 1;
	r->batch[r->nr_batch++] = *ev;
	if (r->nr_batch == REPLAY_BATCH)
		run_batch(r);
	return 0;
}

static int count_event(void *arg, const struct kheap_trace_event *ev)
{
	(void)ev;
	(*(uint64_t *)arg)++;
	return 0;
}

static int trace_replay_threads(struct replay *r, const char *path);

int trace_replay(const char *path, const struct replay_opts *opts,
		 struct replay_result *res, struct trace_input *in)
{
	struct replay r = { .opts = opts, .res = res, .in = in };
	struct trace_input scratch;
	uint64_t total = 0, t0, c0, c1;
	int err;

	/* pass 1: how many events, to spread the samples */
	trace_input_init(&scratch);
	err = trace_read_file(path, &scratch, count_event, &total);
	trace_input_free(&scratch);
	if (err < 0)
		return err == -1 ? -EINVAL : err;
	r.total_events = total;
	r.nr_threads = opts->threads > 1 ? opts->threads : 1;
	r.sample_every = total / (opts->samples ? opts->samples : 200);
	if (!r.sample_every)
		r.sample_every = 1;
	r.batch = malloc(REPLAY_BATCH * sizeof(*r.batch));
	if (!r.batch)
		return -ENOMEM;
	r.base_rss_kb = os_rss_kb();
	t0 = os_ns();
	c0 = __rdtsc();
	if (opts->threads > 1)
		err = trace_replay_threads(&r, path);
	else
		err = trace_read_file(path, in, collect, &r);
	if (err >= 0) {
		run_batch(&r);
		/* the counter's cycles as ns, by the clock over the same span */
		c1 = __rdtsc();
		if (c1 > c0)
			res->run_ns = (uint64_t)((double)r.cycles *
						 (double)(os_ns() - t0) /
						 (double)(c1 - c0));
		res->events = r.seen;
		take_sample(&r, &res->final, r.first_ts + res->span_ns, NULL);
		/* final slab bytes per cache */
		{
			struct kmem_cache *c;

			kh_lock(&slab_mutex);
			list_for_each_entry(c, &slab_caches, list) {
				struct slabinfo si;
				uint16_t k;

				cache_slabinfo(c, &si);
				k = kcache_index(&r, c);
				if (k)
					res->caches[k - 1].final_bytes +=
						(uint64_t)si.num_slabs *
						(PAGE_SIZE << si.cache_order);
			}
			kh_unlock(&slab_mutex);
		}
		err = 0;
	}
	u64_map_free(&r.objs);
	u64_map_free(&r.blocks);
	u64_map_free(&r.kcache);
	free(r.pool);
	free(r.free_slots);
	free(r.bpool);
	free(r.free_blocks);
	free(r.rcaches);
	free(r.batch);
	return err == -1 ? -EINVAL : err;
}

static int trace_replay_threads(struct replay *r, const char *path)
{
	struct replay_thread *w = calloc(r->nr_threads, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	pthread_barrier_init(&r->start, NULL, r->nr_threads + 1);
	pthread_barrier_init(&r->done, NULL, r->nr_threads + 1);
	for (unsigned int i = 0; i < r->nr_threads; i++) {
		w[i].r = r;
		w[i].id = i;
		err = pthread_create(&w[i].t, NULL, replay_worker, &w[i]);
		if (err)	/* those started wait at the barrier: the tool ends */
			return -err;
	}
	err = trace_read_file(path, r->in, collect, r);
	run_batch(r);			/* what is left */
	__atomic_store_n(&r->quit, true, __ATOMIC_RELEASE);
	pthread_barrier_wait(&r->start);
	for (unsigned int i = 0; i < r->nr_threads; i++)
		pthread_join(w[i].t, NULL);
	pthread_barrier_destroy(&r->start);
	pthread_barrier_destroy(&r->done);
	r->nr_threads = 1;		/* run_batch() is serial again */
	free(w);
	return err;
}

void replay_result_free(struct replay_result *res)
{
	free(res->samples);
	free(res->cache_bytes);
	memset(res, 0, sizeof(*res));
}
