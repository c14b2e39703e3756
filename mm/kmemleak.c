// SPDX-License-Identifier: MIT
/*
 * mm/kmemleak.c - a kmemleak-style leak scan (the kernel's mm/kmemleak.c, v6.12),
 * on request: kheap_kmemleak_scan(), and at exit with
 * kmemleak.scan_at_exit=1.
 *
 * The kernel's kmemleak records every allocation in its own object tree as
 * it happens.  kheap needs no such hook (so allocation pays nothing): the
 * allocated objects are read from the slabs themselves at scan time.  The
 * struct page array is walked for slab pages; a slab's allocated objects
 * are those SLUB does not count as free anywhere (fill_free_map(): its
 * freelist, a CPU's freelist, the sheaves).  Walking pages in pfn order
 * gives the objects sorted by address, so a pointer is looked up by binary
 * search.
 *
 * Then mm/kmemleak.c's colouring: every object starts white (count 0,
 * min_count 1); the roots - the writable segments of every loaded object
 * (dl_iterate_phdr: .data, .bss, kheap's own globals among them, but not
 * kmemleak's tables of marks and reports, scan_root()), the
 * calling thread's stack, its registers (getcontext) - are scanned word by
 * word; a word pointing into an object counts one reference, and an object
 * reaching min_count turns grey and is queued to be scanned in turn.
 * kmemleak_not_leak() makes an object grey for good (min_count 0: scanned,
 * never reported); kmemleak_ignore() makes it black (neither).  What stays
 * white is reported in kmemleak's format.  Objects are reported once
 * (OBJECT_REPORTED), so a second scan prints only new leaks.
 *
 * Under SLAB the allocator says which objects are in use
 * (slab_ops->for_each_used: neither free in the slab nor in an array) and
 * keeps one caller word per object of a SLAB_STORE_USER cache, which is
 * the report's backtrace (slab_ops->obj_caller).
 *
 * Limits, said plainly: only slab objects (kmalloc up to 8 KiB and cache
 * objects), not large kmalloc or vmalloc areas; not under SLOB (a block
 * does not say which cache it is of: the scan says so and finds nothing);
 * marks and reports are kept by address, so an object allocated where a
 * marked or reported one was freed inherits them unless kmemleak_free()
 * forgot them (there is no free hook to call it); other threads' stacks are
 * not roots (a pointer held only there makes its object look leaked), and
 * the scan assumes other threads are not allocating from or freeing to the
 * caches meanwhile (the result is then approximate, never a crash: slab
 * pages stay mapped).  The backtrace and pid come from the object's
 * slub_debug alloc track when its cache has one (slab_debug=U), and the
 * 5-second minimum age is not applied (there is no allocation time
 * without a track).
 *
 * Locks (docs/design.md, "Lock order"): a scan holds slab_mutex, then
 * kmemleak_lock (which also guards the marks and the reported list); SLUB
 * takes each cache's CPU and barn locks inside, in fill_free_map().
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_debug.h"
#include "slub_fast.h"
#include "kmemleak.h"

#include <link.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <ucontext.h>
#include <linux/kmemleak.h>

#define KMEMLEAK_GREY	0
#define KMEMLEAK_BLACK	-1
#define MAX_MARKS	4096

bool kmemleak_scan_at_exit;

struct kmemleak_object {
	unsigned long pointer;
	unsigned int size;
	int count;
	int min_count;
	bool queued;
	bool no_scan;			/* kmemleak_no_scan() */
	struct kmem_cache *cache;
};

/* objects marked by kmemleak_not_leak / kmemleak_ignore (min_count) */
static struct {
	const void *ptr;
	int min_count;
	bool no_scan;
} marks[MAX_MARKS];
static unsigned int nr_marks;
/* objects already reported (OBJECT_REPORTED) */
static const void *reported[MAX_MARKS];
static unsigned int nr_reported;
kh_lock_t kmemleak_lock = KH_LOCK_INIT;

static struct kmemleak_object *objs;	/* scratch, sorted by pointer */
static size_t nr_objs, max_objs;
static unsigned int *grey;		/* indices into objs */
static size_t nr_grey;

/* @ptr's min_count (unless @no_scan) or its no_scan (if @no_scan). */
static void mark_object(const void *ptr, int min_count, bool no_scan)
{
	kh_lock(&kmemleak_lock);
	for (unsigned int i = 0; i < nr_marks; i++)
		if (marks[i].ptr == ptr) {
			if (no_scan)
				marks[i].no_scan = true;
			else
				marks[i].min_count = min_count;
			goto out;
		}
	if (nr_marks < MAX_MARKS) {
		marks[nr_marks].ptr = ptr;
		marks[nr_marks].no_scan = no_scan;
		marks[nr_marks++].min_count = min_count;
	} else {
		pr_warn("kmemleak: more than %d marked objects; %p not marked\n",
			MAX_MARKS, ptr);
	}
out:
	kh_unlock(&kmemleak_lock);
}

/**
 * kmemleak_not_leak - never report @ptr as a leak (it is still scanned)
 */
void kmemleak_not_leak(const void *ptr)
{
	if (ptr)
		mark_object(ptr, KMEMLEAK_GREY, false);
}

/**
 * kmemleak_ignore - neither report nor scan @ptr
 */
void kmemleak_ignore(const void *ptr)
{
	if (ptr)
		mark_object(ptr, KMEMLEAK_BLACK, false);
}

/**
 * kmemleak_free - @ptr is being freed: forget its marks and its report
 *
 * The kernel's allocators call it from their free hooks; kheap's scan has
 * none, so marks and reports are kept by address until this is called
 * (SLAB calls it for its array caches, which it marks no-scan).
 */
void kmemleak_free(const void *ptr)
{
	if (!ptr)
		return;
	kh_lock(&kmemleak_lock);
	for (unsigned int i = 0; i < nr_marks; i++)
		if (marks[i].ptr == ptr) {
			marks[i] = marks[--nr_marks];
			break;
		}
	for (unsigned int i = 0; i < nr_reported; i++)
		if (reported[i] == ptr) {
			reported[i] = reported[--nr_reported];
			break;
		}
	kh_unlock(&kmemleak_lock);
}

/**
 * kmemleak_no_scan - do not scan @ptr for pointers; it may still leak
 *
 * For objects that keep stale pointers to objects they no longer own, as
 * SLAB's array caches do (v6.6's alloc_arraycache() calls it too).
 */
void kmemleak_no_scan(const void *ptr)
{
	if (ptr)
		mark_object(ptr, 1, true);
}

/**
 * kmemleak_update_trace - a report of @ptr gives the caller's backtrace
 * (v6.12: for objects handed out from a pool, as radix-tree preloads are)
 *
 * kheap's reports take the backtrace from the object's slub_debug alloc
 * track, so this rewrites that track when the cache keeps one
 * (SLAB_STORE_USER; under SLAB, the caller word its debug layout keeps);
 * for any other object it does nothing.
 */
void kmemleak_update_trace(const void *ptr)
{
	struct slab *slab = ptr ? virt_to_slab(ptr) : NULL;
	struct kmem_cache *s;
	struct track t;

	if (!slab)
		return;
	s = slab->slab_cache;
	if (slab_alt) {
		if (slab_ops->set_obj_caller)
			slab_ops->set_obj_caller(s, ptr, _RET_IP_);
		return;
	}
	if (!(s->flags & SLAB_STORE_USER) || !object_start_ok(s, slab, ptr))
		return;
	slub_debug_capture_track(&t, _RET_IP_);
	set_track(s, (void *)ptr, TRACK_ALLOC, &t);
}

/* @o's marks, by its pointer: its min_count and whether it is scanned. */
static void apply_marks(struct kmemleak_object *o)
{
	o->min_count = 1;
	o->no_scan = false;
	for (unsigned int i = 0; i < nr_marks; i++)
		if (marks[i].ptr == (const void *)o->pointer) {
			o->min_count = marks[i].min_count;
			o->no_scan = marks[i].no_scan;
			return;
		}
}

static bool was_reported(const void *ptr)
{
	for (unsigned int i = 0; i < nr_reported; i++)
		if (reported[i] == ptr)
			return true;
	return false;
}

/* ---- collecting the allocated objects ---- */

static bool grow_scratch(void)
{
	size_t n = max_objs ? max_objs * 2 : 65536;
	size_t bytes = PAGE_ALIGN(n * (sizeof(*objs) + sizeof(*grey)));
	char *mem = os_reserve(bytes, PAGE_SIZE);

	if (!mem || os_commit(mem, bytes))
		return false;
	if (objs) {
		memcpy(mem, objs, nr_objs * sizeof(*objs));
		os_release(objs, PAGE_ALIGN(max_objs * (sizeof(*objs) + sizeof(*grey))));
	}
	objs = (struct kmemleak_object *)mem;
	grey = (unsigned int *)(mem + n * sizeof(*objs));
	max_objs = n;
	return true;
}

/* @p, an object of @s in use, into the scratch list. */
static void collect_object(struct kmem_cache *s, void *p)
{
	struct kmemleak_object *o;

	if (nr_objs == max_objs && !grow_scratch())
		return;
	o = &objs[nr_objs++];
	o->pointer = (unsigned long)p;
	o->size = s->object_size;
	o->count = 0;
	o->queued = false;
	o->cache = s;
	apply_marks(o);
}

/*
 * The allocated objects of @slab: SLUB says which are free anywhere; SLAB
 * walks its own (slab_ops->for_each_used).
 */
static void collect_slab(struct kmem_cache *s, struct slab *slab)
{
	static DECLARE_BITMAP(map, OBJ_MAP_BITS);	/* kmemleak_lock */
	char *addr = slab_address(slab), *p;

	if (slab_alt) {
		slab_ops->for_each_used(s, slab, collect_object);
		return;
	}
	fill_free_map(map, s, slab);
	for_each_object(p, s, addr, slab->objects)
		if (!test_bit(__obj_to_index(s, addr, p), map))
			collect_object(s, p);
}

static void collect_objects(void)
{
	nr_objs = 0;
	for (unsigned long pfn = 0; pfn < max_pfn;) {
		struct page *page;

		if (!pfn_section_online(pfn)) {
			pfn = section_nr_to_pfn(pfn_to_section_nr(pfn) + 1);
			continue;
		}
		page = pfn_to_page(pfn);
		if (PageSlab(page) && !PageTail(page)) {
			struct slab *slab = page_slab(page);
			struct kmem_cache *s = READ_ONCE(slab->slab_cache);

			if (s)
				collect_slab(s, slab);
			pfn += 1UL << compound_order(page);
		} else {
			pfn++;
		}
	}
}

/* ---- colouring ---- */

static struct kmemleak_object *lookup_object(unsigned long ptr)
{
	size_t lo = 0, hi = nr_objs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		struct kmemleak_object *o = &objs[mid];

		if (ptr < o->pointer)
			hi = mid;
		else if (ptr >= o->pointer + o->size)
			lo = mid + 1;
		else
			return o;
	}
	return NULL;
}

static bool color_gray(const struct kmemleak_object *o)
{
	return o->min_count != KMEMLEAK_BLACK && o->count >= o->min_count;
}

static bool color_white(const struct kmemleak_object *o)
{
	return o->count != KMEMLEAK_BLACK && o->count < o->min_count;
}

static void queue_grey(struct kmemleak_object *o)
{
	if (!o->queued && color_gray(o)) {
		o->queued = true;
		grey[nr_grey++] = (unsigned int)(o - objs);
	}
}

__attribute__((no_sanitize_address))
static void scan_block(const void *start, const void *end,
		       const struct kmemleak_object *self)
{
	const unsigned long *p = (const unsigned long *)ALIGN((unsigned long)start,
							      sizeof(long));

	for (; (const char *)(p + 1) <= (const char *)end; p++) {
		unsigned long v = *(const volatile unsigned long *)p;
		struct kmemleak_object *o;

		if (!v || !(o = lookup_object(v)) || o == self)
			continue;
		if (o->min_count == KMEMLEAK_BLACK)
			continue;
		o->count++;
		queue_grey(o);
	}
}

/*
 * A root segment, but for kmemleak's own tables (marks[], reported[]):
 * they name objects without referencing them, as the kernel's kmemleak
 * keeps its metadata out of what it scans.
 */
static void scan_root(const char *start, const char *end)
{
	struct { const char *lo, *hi; } skip[2] = {
		{ (const char *)marks, (const char *)(marks + MAX_MARKS) },
		{ (const char *)reported, (const char *)(reported + MAX_MARKS) },
	};

	if (skip[1].lo < skip[0].lo) {
		const char *lo = skip[0].lo, *hi = skip[0].hi;

		skip[0] = skip[1];
		skip[1].lo = lo;
		skip[1].hi = hi;
	}
	for (int i = 0; i < 2; i++) {
		if (skip[i].hi <= start || skip[i].lo >= end)
			continue;
		if (start < skip[i].lo)
			scan_block(start, skip[i].lo, NULL);
		start = skip[i].hi;
	}
	if (start < end)
		scan_block(start, end, NULL);
}

static int scan_phdr(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *start;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		start = (const char *)(info->dlpi_addr + ph->p_vaddr);
		scan_root(start, start + ph->p_memsz);
	}
	return 0;
}

/* The top of the calling thread's stack (pthread_getattr_np may malloc:
 * called before any lock is taken). */
static char *stack_top(void)
{
	pthread_attr_t attr;
	void *stack_addr;
	size_t stack_size;

	if (pthread_getattr_np(pthread_self(), &attr))
		return NULL;
	pthread_attr_getstack(&attr, &stack_addr, &stack_size);
	pthread_attr_destroy(&attr);
	return (char *)stack_addr + stack_size;
}



/*
 * Where to stop scanning @o: its end, except for a sheaf, whose slots
 * past its size still hold objects popped from it (now allocated, or free
 * again): only the live part counts, or a sheaf would keep a leaked
 * object it once held looking referenced.
 */
static const void *scan_end(const struct kmemleak_object *o)
{
	if (o->cache == sheaf_cache) {
		const struct slab_sheaf *sh = (const void *)o->pointer;
		size_t live = offsetof(struct slab_sheaf, objects) +
			      min(sheaf_count(sh), sh->capacity) * sizeof(void *);

		return (const char *)o->pointer + min(live, (size_t)o->size);
	}
	return (const char *)o->pointer + o->size;
}

/* ---- the report ---- */

static u32 crc32_frames(void *const *f, unsigned int n)
{
	u32 crc = ~0U;
	const u8 *b = (const u8 *)f;

	for (size_t i = 0; i < n * sizeof(void *); i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

static void print_unreferenced(const struct kmemleak_object *o)
{
	const u8 *p = (const u8 *)o->pointer;
	size_t len = min((size_t)o->size, (size_t)32);
	const struct track *t = NULL;
	void *frame[1] = { NULL };
	unsigned long caller = 0;
	char sym[KSYM_SYMBOL_LEN];

	if (!slab_alt && (o->cache->flags & SLAB_STORE_USER))
		t = slub_debug_alloc_track(o->cache, (void *)o->pointer);
	if (slab_alt && slab_ops->obj_caller)	/* SLAB: one caller word */
		caller = slab_ops->obj_caller(o->cache, (void *)o->pointer);
	if (caller) {
		frame[0] = (void *)caller;
		sprint_symbol(sym, sizeof(sym), frame[0]);
	}
	pr_err("unreferenced object 0x%08lx (size %u):\n", o->pointer, o->size);
	pr_err("  comm \"%s\", pid %d, jiffies %lu\n", kheap_comm(),
	       t ? t->pid : os_tid(), t ? t->when : 0UL);
	pr_err("  hex dump (first %zu bytes):\n", len);
	kheap_print_hex_dump("    ", false, p, len);
	pr_err("  backtrace (crc %x):\n",
	       t ? crc32_frames(t->stack, t->nr) :
	       caller ? crc32_frames(frame, 1) : 0U);
	if (t)
		slub_debug_print_stack(t, "    ");
	else if (caller)
		pr_err("    %s\n", sym);
}

/**
 * kheap_kmemleak_scan - find slab objects no pointer reaches
 *
 * Prints each newly found one in kmemleak's format on stderr, then
 * "kmemleak: N new suspected memory leaks".
 * Return: the number of new suspected leaks.
 */
/* Under SLOB: said once, nothing scanned. */
static __cold void kmemleak_unavailable(void)
{
	static int said;

	if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		pr_warn("kmemleak: not available under slab_allocator=%s: its blocks do not say which cache they are of\n",
			slab_ops->name);
}

__attribute__((noinline)) int kheap_kmemleak_scan(void)
{
	/*
	 * The caller's registers and stack, taken before the scan's own work
	 * leaves object addresses in registers and dead stack slots: the
	 * stack is scanned from our caller's frame up.
	 */
	char *bottom = (char *)__builtin_frame_address(0) + 2 * sizeof(void *);
	ucontext_t uc;
	int leaks = 0;
	char *top;

	getcontext(&uc);
	kheap_ensure_init();
	if (slab_alt && !slab_ops->for_each_used) {	/* SLOB */
		kmemleak_unavailable();
		return 0;
	}
	top = stack_top();
	kh_lock(&slab_mutex);
	kh_lock(&kmemleak_lock);
	collect_objects();
	nr_grey = 0;
	dl_iterate_phdr(scan_phdr, NULL);
	scan_block(&uc, &uc + 1, NULL);
	if (top)
		scan_block(bottom, top, NULL);
	/* not_leak objects are grey from the start */
	for (size_t i = 0; i < nr_objs; i++)
		queue_grey(&objs[i]);
	for (size_t i = 0; i < nr_grey; i++) {
		struct kmemleak_object *o = &objs[grey[i]];

		if (!o->no_scan)
			scan_block((void *)o->pointer, scan_end(o), o);
	}
	for (size_t i = 0; i < nr_objs; i++) {
		struct kmemleak_object *o = &objs[i];

		if (!color_white(o) || was_reported((void *)o->pointer))
			continue;
		if (nr_reported < MAX_MARKS)
			reported[nr_reported++] = (void *)o->pointer;
		print_unreferenced(o);
		leaks++;
	}
	kh_unlock(&kmemleak_lock);
	kh_unlock(&slab_mutex);
	if (leaks)
		pr_info("kmemleak: %d new suspected memory leaks\n", leaks);
	return leaks;
}

static void scan_at_exit(void)
{
	kheap_kmemleak_scan();
}

static int kmemleak_init(void)
{
	if (kmemleak_scan_at_exit)
		atexit(scan_at_exit);
	return 0;
}

const struct kheap_layer kmemleak_layer = {
	.name = "kmemleak",
	.init = kmemleak_init,
};
