// SPDX-License-Identifier: MIT
/*
 * mm/kfence/core.c - KFENCE (mm/kfence/, v6.12), the sampling memory error
 * detector, in userspace.
 *
 * Off by default (kfence.sample_interval=0): kheap runs inside every program
 * under the malloc shim, so nothing here exists - no pool, no thread, no
 * signal handler - unless it is asked for.  When it is:
 *
 * 1. The pool.  (kfence.num_objects + 1) * 2 pages, reserved apart from the
 *    direct map, so virt_to_slab() never finds it:
 *
 *      | guard | guard | obj 0 | guard | obj 1 | guard | ... | obj N-1 | guard |
 *
 *    Object i lives in page 2 + 2i, alone, either at the start of the page
 *    or (rounded down to the cache's alignment) against its end, chosen at
 *    random; the rest of the page is canary bytes (0xaa ^ (addr & 7)).
 *    Guard pages and the pages of free objects are PROT_NONE (os_protect),
 *    so an out-of-bounds access past the page edge or any use after free
 *    faults at once; a write into the canary is found when the object is
 *    freed.
 *
 * 2. Sampling.  A helper thread opens the gate every sample_interval ms (the
 *    kernel's timer toggling kfence_allocation_key); the next slab
 *    allocation that sees it open takes it and is served from the pool.
 *    The fast path's cost is the one test of slab_alloc_hooks that
 *    failslab shares: a load and a predictable branch.
 *
 * 3. Faults.  A SIGSEGV handler (SA_SIGINFO | SA_ONSTACK; the initialising
 *    thread gets an alternate stack) looks at si_addr: outside the pool the
 *    fault goes to the handler that was there before (or the default
 *    action, so a real crash still crashes); inside, it prints the kernel's
 *    report (out-of-bounds or use-after-free, read or write from the page
 *    fault error code) with write(2) only, makes the page accessible and
 *    returns: the access is retried and the program goes on, as
 *    kfence_handle_page_fault() does.  Each object reports once per page.
 *
 * 4. Frees.  kfree()/kmem_cache_free()/ksize() reach kfence only when
 *    virt_to_slab() did not know the pointer (their slow path), so freeing
 *    costs nothing either.  A free checks the canaries ("memory
 *    corruption"), refuses pointers that are not a live object's start
 *    ("invalid free", which also catches double frees), zeroes the object
 *    under init_on_free, protects the page and queues the slot at the tail
 *    of the free list, so it is reused as late as possible.  Allocation
 *    zeroes every object (the kernel only under init_on_alloc), so no
 *    option changes what a new pool object holds.
 *
 * Limits: objects larger than a page and SLAB_SKIP_KFENCE caches are never
 * sampled; a fork()ed child has no sampling thread (its objects still work);
 * threads other than the initialising one get no alternate stack; under
 * slab_allocator=slob KFENCE stays off (the kernel's needs SLAB or SLUB;
 * under SLAB, slab.c's allocation path tests the same hook word).
 *
 * Locks: kfence_lock guards the free list and the object states; it is a
 * leaf (docs/design.md, "Lock order"), never held across a report, a
 * page protection change or a call into another layer.
 */
#include "internal.h"
#include "slab_internal.h"
#include "kfence.h"

#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define KFENCE_STACK_DEPTH	16
#define KFENCE_CANARY_PATTERN_U8(addr) ((u8)0xaa ^ (u8)((unsigned long)(addr) & 0x7))

unsigned int kfence_sample_interval;	/* ms; 0 = off */
unsigned int kfence_num_objects = 255;
bool kfence_deferrable;			/* accepted; no timer slack here */

int slab_alloc_hooks;			/* SLAB_HOOK_* */

enum kfence_object_state {
	KFENCE_OBJECT_UNUSED,
	KFENCE_OBJECT_ALLOCATED,
	KFENCE_OBJECT_FREED,
};

struct kfence_track {
	int pid;
	int cpu;
	u64 ts_nsec;
	int num_stack_entries;
	void *stack_entries[KFENCE_STACK_DEPTH];
};

struct kfence_metadata {
	struct list_head list;		/* on kfence_freelist while free */
	enum kfence_object_state state;
	unsigned long addr;		/* object start */
	size_t size;			/* object size */
	struct kmem_cache *cache;
	unsigned long unprotected_page;	/* guard page opened by an OOB access */
	struct kfence_track alloc_track;
	struct kfence_track free_track;
};

static char *pool;
static size_t pool_size;
static struct kfence_metadata *metadata;
static LIST_HEAD(kfence_freelist);
kh_lock_t kfence_lock = KH_LOCK_INIT;	/* freelist, states; a leaf */
static struct sigaction old_segv;
static u64 boot_ns;
static unsigned long allocations, frees, bugs;

bool is_kfence_address(const void *addr)
{
	return pool && (unsigned long)((const char *)addr - pool) < pool_size;
}

/* ---- write(2)-only formatting (safe in the signal handler) ---- */

struct kbuf {
	char b[2048];
	size_t n;
};

static void kput(struct kbuf *k, const char *s)
{
	while (*s && k->n < sizeof(k->b) - 1)
		k->b[k->n++] = *s++;
}

static void kput_ul(struct kbuf *k, unsigned long v, unsigned int base,
		    int width)
{
	char t[24];
	int i = 0;

	do {
		t[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i < width)
		t[i++] = '0';
	while (i)
		k->b[k->n < sizeof(k->b) - 1 ? k->n++ : k->n] = t[--i];
}

static void kput_hex(struct kbuf *k, unsigned long v)
{
	kput(k, "0x");
	kput_ul(k, v, 16, 16);
}

static void kflush(struct kbuf *k)
{
	os_write_err(k->b, k->n);
	k->n = 0;
}

/* %pS (sprint_symbol() writes without stdio: safe in the handler) */
static void kput_sym(struct kbuf *k, const void *addr)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, sizeof(sym), addr);
	kput(k, sym);
}

static void kput_stack(struct kbuf *k, void *const *frames, int n)
{
	for (int i = 0; i < n; i++) {
		kput(k, " ");
		kput_sym(k, frames[i]);
		kput(k, "\n");
		kflush(k);
	}
}

/* ---- metadata ---- */

static inline struct kfence_metadata *addr_to_metadata(unsigned long addr)
{
	long index;

	if (!is_kfence_address((void *)addr))
		return NULL;
	index = (long)((addr - (unsigned long)pool) / (PAGE_SIZE * 2)) - 1;
	if (index < 0 || index >= (long)kfence_num_objects)
		return NULL;
	return &metadata[index];
}

static inline unsigned long metadata_to_pageaddr(const struct kfence_metadata *meta)
{
	return (unsigned long)pool + (size_t)(meta - metadata + 1) * 2 * PAGE_SIZE;
}

static void capture_track(struct kfence_track *t, int skip)
{
	void *frames[KFENCE_STACK_DEPTH + 4];
	int n = backtrace(frames, KFENCE_STACK_DEPTH + 4);

	t->num_stack_entries = 0;
	for (int i = skip; i < n && t->num_stack_entries < KFENCE_STACK_DEPTH; i++)
		t->stack_entries[t->num_stack_entries++] = frames[i];
	t->pid = os_tid();
	t->cpu = (int)os_cpu();
	t->ts_nsec = os_ns() - boot_ns;
}

static void print_track(struct kbuf *k, const struct kfence_metadata *meta,
			bool show_alloc)
{
	const struct kfence_track *t = show_alloc ? &meta->alloc_track
						  : &meta->free_track;
	u64 ago = os_ns() - boot_ns - t->ts_nsec;

	kput(k, show_alloc ? "allocated" : "freed");
	kput(k, " by task ");
	kput_ul(k, (unsigned long)t->pid, 10, 1);
	kput(k, " on cpu ");
	kput_ul(k, (unsigned long)t->cpu, 10, 1);
	kput(k, " at ");
	kput_ul(k, (unsigned long)(t->ts_nsec / 1000000000), 10, 1);
	kput(k, ".");
	kput_ul(k, (unsigned long)(t->ts_nsec % 1000000000 / 1000), 10, 6);
	kput(k, "s (");
	kput_ul(k, (unsigned long)(ago / 1000000000), 10, 1);
	kput(k, ".");
	kput_ul(k, (unsigned long)(ago % 1000000000 / 1000), 10, 6);
	kput(k, "s ago):\n");
	kflush(k);
	kput_stack(k, t->stack_entries, t->num_stack_entries);
}

static void print_object(struct kbuf *k, const struct kfence_metadata *meta)
{
	kput(k, "kfence-#");
	kput_ul(k, (unsigned long)(meta - metadata), 10, 1);
	kput(k, ": ");
	kput_hex(k, meta->addr);
	kput(k, "-");
	kput_hex(k, meta->addr + meta->size - 1);
	kput(k, ", size=");
	kput_ul(k, meta->size, 10, 1);
	kput(k, ", cache=");
	kput(k, meta->cache && meta->cache->name ? meta->cache->name
						 : "<destroyed>");
	kput(k, "\n\n");
	print_track(k, meta, true);
	if (meta->state == KFENCE_OBJECT_FREED) {
		kput(k, "\n");
		print_track(k, meta, false);
	}
}

enum kfence_error_type {
	KFENCE_ERROR_OOB,
	KFENCE_ERROR_UAF,
	KFENCE_ERROR_CORRUPTION,
	KFENCE_ERROR_INVALID_FREE,
};

/*
 * kfence_report_error - the kernel's report, with write(2) only.
 * @frames/@n: the stack of the bad access or call, innermost first.
 */
static void kfence_report_error(unsigned long address, bool is_write,
				void *const *frames, int n,
				const struct kfence_metadata *meta,
				enum kfence_error_type type)
{
	const char *rw = is_write ? "write" : "read";
	struct kbuf k;
	long index = meta ? (long)(meta - metadata) : -1;

	k.n = 0;
	__atomic_fetch_add(&bugs, 1, __ATOMIC_RELAXED);
	kput(&k, "==================================================================\n");
	switch (type) {
	case KFENCE_ERROR_OOB:
		kput(&k, "BUG: KFENCE: out-of-bounds ");
		kput(&k, rw);
		break;
	case KFENCE_ERROR_UAF:
		kput(&k, "BUG: KFENCE: use-after-free ");
		kput(&k, rw);
		break;
	case KFENCE_ERROR_CORRUPTION:
		kput(&k, "BUG: KFENCE: memory corruption");
		break;
	case KFENCE_ERROR_INVALID_FREE:
		kput(&k, "BUG: KFENCE: invalid free");
		break;
	}
	kput(&k, " in ");
	if (n > 0)
		kput_sym(&k, frames[0]);
	kput(&k, "\n\n");
	switch (type) {
	case KFENCE_ERROR_OOB: {
		bool left = address < meta->addr;

		kput(&k, "Out-of-bounds ");
		kput(&k, rw);
		kput(&k, " at ");
		kput_hex(&k, address);
		kput(&k, " (");
		kput_ul(&k, left ? meta->addr - address
				 : address - (meta->addr + meta->size) + 1, 10, 1);
		kput(&k, left ? "B left of kfence-#" : "B right of kfence-#");
		kput_ul(&k, (unsigned long)index, 10, 1);
		kput(&k, "):\n");
		break;
	}
	case KFENCE_ERROR_UAF:
		kput(&k, "Use-after-free ");
		kput(&k, rw);
		kput(&k, " at ");
		kput_hex(&k, address);
		kput(&k, " (in kfence-#");
		kput_ul(&k, (unsigned long)index, 10, 1);
		kput(&k, "):\n");
		break;
	case KFENCE_ERROR_CORRUPTION: {
		const u8 *cur = (const u8 *)address, *end;
		unsigned long page_end = (address & ~(PAGE_SIZE - 1)) + PAGE_SIZE;

		end = (const u8 *)(address < meta->addr ?
				   min(address + 16, meta->addr) :
				   min(address + 16, page_end));
		kput(&k, "Corrupted memory at ");
		kput_hex(&k, address);
		kput(&k, " [");
		for (; cur < end; cur++) {
			if (*cur == KFENCE_CANARY_PATTERN_U8(cur)) {
				kput(&k, " .");
			} else {
				kput(&k, " 0x");
				kput_ul(&k, *cur, 16, 2);
			}
		}
		kput(&k, " ] (in kfence-#");
		kput_ul(&k, (unsigned long)index, 10, 1);
		kput(&k, "):\n");
		break;
	}
	case KFENCE_ERROR_INVALID_FREE:
		kput(&k, "Invalid free of ");
		kput_hex(&k, address);
		kput(&k, " (in kfence-#");
		kput_ul(&k, (unsigned long)index, 10, 1);
		kput(&k, "):\n");
		break;
	}
	kflush(&k);
	kput_stack(&k, frames, n);
	if (meta) {
		kput(&k, "\n");
		print_object(&k, meta);
	}
	kput(&k, "\nCPU: ");
	kput_ul(&k, os_cpu(), 10, 1);
	kput(&k, " PID: ");
	kput_ul(&k, (unsigned long)os_tid(), 10, 1);
	kput(&k, " Comm: ");
	kput(&k, kheap_comm());
	kput(&k, "\n==================================================================\n");
	kflush(&k);
}

/* ---- allocation ---- */

static void *sampler(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec ts = {
			.tv_sec = kfence_sample_interval / 1000,
			.tv_nsec = (long)(kfence_sample_interval % 1000) * 1000000L,
		};

		nanosleep(&ts, NULL);
		__atomic_fetch_or(&slab_alloc_hooks, SLAB_HOOK_KFENCE,
				  __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * __kfence_alloc - serve this allocation of @s from the pool if a slot is
 * free and the object fits a page; NULL to let SLUB serve it.
 */
void *__kfence_alloc(struct kmem_cache *s, size_t size, gfp_t flags)
{
	struct kfence_metadata *meta = NULL;
	unsigned long page;
	size_t align;
	u8 *p;

	__atomic_fetch_and(&slab_alloc_hooks, ~SLAB_HOOK_KFENCE,
			   __ATOMIC_RELAXED);
	if (size > PAGE_SIZE || (s->flags & SLAB_SKIP_KFENCE) || !pool)
		return NULL;
	kh_lock(&kfence_lock);
	if (!list_empty(&kfence_freelist)) {
		meta = list_first_entry(&kfence_freelist, struct kfence_metadata,
					list);
		list_del_init(&meta->list);
	}
	kh_unlock(&kfence_lock);
	if (!meta)
		return NULL;
	page = metadata_to_pageaddr(meta);
	if (os_commit((void *)page, PAGE_SIZE)) {
		kh_lock(&kfence_lock);
		list_add_tail(&meta->list, &kfence_freelist);
		kh_unlock(&kfence_lock);
		return NULL;
	}
	meta->addr = page;
	align = s->align ? s->align : sizeof(void *);
	if (os_random() & 1)		/* against the right guard page */
		meta->addr = (page + PAGE_SIZE - size) & ~(align - 1);
	meta->size = size;
	meta->cache = s;
	capture_track(&meta->alloc_track, 4);
	/* canaries on the whole page, then the object itself */
	for (p = (u8 *)page; p < (u8 *)page + PAGE_SIZE; p++)
		*p = KFENCE_CANARY_PATTERN_U8(p);
	p = (u8 *)meta->addr;
	memset(p, 0, size);
	(void)flags;			/* zeroed either way */
	if (s->ctor)
		s->ctor(p);
	__atomic_store_n(&meta->state, KFENCE_OBJECT_ALLOCATED,
			 __ATOMIC_RELEASE);
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
	return p;
}

static void check_canaries(struct kfence_metadata *meta, void *const *frames,
			   int n)
{
	unsigned long page = metadata_to_pageaddr(meta);
	const u8 *p;

	for (p = (const u8 *)page; p < (const u8 *)meta->addr; p++)
		if (*p != KFENCE_CANARY_PATTERN_U8(p)) {
			kfence_report_error((unsigned long)p, true, frames, n,
					    meta, KFENCE_ERROR_CORRUPTION);
			break;
		}
	for (p = (const u8 *)meta->addr + meta->size;
	     p < (const u8 *)page + PAGE_SIZE; p++)
		if (*p != KFENCE_CANARY_PATTERN_U8(p)) {
			kfence_report_error((unsigned long)p, true, frames, n,
					    meta, KFENCE_ERROR_CORRUPTION);
			break;
		}
}

/*
 * __kfence_free - free @addr if it is in the pool: true if it was (the
 * caller does nothing more), reported if it is not a live object.
 */
bool __kfence_free(void *addr)
{
	struct kfence_metadata *meta = addr_to_metadata((unsigned long)addr);
	void *frames[KFENCE_STACK_DEPTH];
	int n;

	if (!is_kfence_address(addr))
		return false;
	n = backtrace(frames, KFENCE_STACK_DEPTH);
	kh_lock(&kfence_lock);
	if (!meta || meta->state != KFENCE_OBJECT_ALLOCATED ||
	    meta->addr != (unsigned long)addr) {
		kh_unlock(&kfence_lock);
		kfence_report_error((unsigned long)addr, false,
				    frames + 2, n > 2 ? n - 2 : 0, meta,
				    KFENCE_ERROR_INVALID_FREE);
		return true;
	}
	meta->state = KFENCE_OBJECT_FREED;
	kh_unlock(&kfence_lock);
	check_canaries(meta, frames + 2, n > 2 ? n - 2 : 0);
	capture_track(&meta->free_track, 3);
	/*
	 * init_on_free, as v6.12's kfence_guarded_free(): the page is about
	 * to be protected, but a use-after-free that is caught unprotects it
	 * and the access then goes on, so the data must not be there.
	 */
	if (meta->cache && slab_want_init_on_free(meta->cache))
		memset(addr, 0, meta->size);
	if (meta->unprotected_page) {	/* close the guard page again */
		memset((void *)meta->unprotected_page, 0, PAGE_SIZE);
		os_protect((void *)meta->unprotected_page, PAGE_SIZE);
		meta->unprotected_page = 0;
	}
	os_protect((void *)metadata_to_pageaddr(meta), PAGE_SIZE);
	kh_lock(&kfence_lock);
	list_add_tail(&meta->list, &kfence_freelist);
	kh_unlock(&kfence_lock);
	__atomic_fetch_add(&frees, 1, __ATOMIC_RELAXED);
	return true;
}

/*
 * kfence_shutdown_cache - @s is being destroyed: its pool objects (live
 * ones are the caller's leak; they stay valid to kfree()) forget it, so a
 * later report names the cache "<destroyed>".
 */
void kfence_shutdown_cache(struct kmem_cache *s)
{
	if (!pool)
		return;
	kh_lock(&kfence_lock);
	for (unsigned int i = 0; i < kfence_num_objects; i++)
		if (metadata[i].cache == s)
			metadata[i].cache = NULL;
	kh_unlock(&kfence_lock);
}

/* ksize() of a pool object: its size. */
size_t kfence_ksize(const void *addr)
{
	struct kfence_metadata *meta = addr_to_metadata((unsigned long)addr);

	return meta && meta->state == KFENCE_OBJECT_ALLOCATED ? meta->size : 0;
}

struct kmem_cache *kfence_cache(const void *addr)
{
	struct kfence_metadata *meta = addr_to_metadata((unsigned long)addr);

	return meta ? meta->cache : NULL;
}

/* ---- the fault handler ---- */

static void chain_segv(int sig, siginfo_t *info, void *uc)
{
	if (old_segv.sa_flags & SA_SIGINFO) {
		if (old_segv.sa_sigaction) {
			old_segv.sa_sigaction(sig, info, uc);
			return;
		}
	} else if (old_segv.sa_handler != SIG_DFL &&
		   old_segv.sa_handler != SIG_IGN) {
		old_segv.sa_handler(sig);
		return;
	}
	/* default action: let the faulting access run again and die */
	{
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		os_sigaction(SIGSEGV, &dfl, NULL);
	}
}

/*
 * kfence_handle_page_fault - the access at @addr faulted in the pool:
 * report it, make the page accessible, and let the access run again.
 */
static void kfence_handle_page_fault(unsigned long addr, bool is_write,
				     unsigned long pc)
{
	struct kfence_metadata *meta = addr_to_metadata(addr), *to_report = NULL;
	enum kfence_error_type type;
	void *frames[KFENCE_STACK_DEPTH + 8];
	int n = backtrace(frames, KFENCE_STACK_DEPTH + 8), skip = 0;
	unsigned long page = addr & ~(PAGE_SIZE - 1);
	long index = (long)((addr - (unsigned long)pool) / PAGE_SIZE);

	for (int i = 0; i < n; i++)
		if ((unsigned long)frames[i] == pc) {
			skip = i;
			break;
		}
	if (index % 2) {		/* a guard page: the nearest object */
		struct kfence_metadata *l = addr_to_metadata(page - PAGE_SIZE);
		struct kfence_metadata *r = addr_to_metadata(page + PAGE_SIZE);
		unsigned long dl = ~0UL, dr = ~0UL;

		if (l && l->state == KFENCE_OBJECT_ALLOCATED)
			dl = addr - (l->addr + l->size);
		if (r && r->state == KFENCE_OBJECT_ALLOCATED)
			dr = r->addr - addr;
		to_report = dl <= dr ? (dl != ~0UL ? l : NULL) : r;
		type = KFENCE_ERROR_OOB;
	} else {
		to_report = meta;
		type = KFENCE_ERROR_UAF;
	}
	if (to_report && type == KFENCE_ERROR_OOB)
		to_report->unprotected_page = page;
	if (to_report)
		kfence_report_error(addr, is_write, frames + skip, n - skip,
				    to_report, type);
	else
		kfence_report_error(addr, is_write, frames + skip, n - skip,
				    meta, KFENCE_ERROR_UAF);
	os_commit((void *)page, PAGE_SIZE);	/* let the access proceed */
}

static void kfence_segv(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned long addr = (unsigned long)info->si_addr, pc = 0;
	bool is_write = false;

	if (!is_kfence_address((void *)addr)) {
		chain_segv(sig, info, ucv);
		return;
	}
#if defined(__x86_64__)
	is_write = uc->uc_mcontext.gregs[REG_ERR] & 2;
	pc = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	pc = uc->uc_mcontext.pc;
	(void)uc;
#else
	(void)uc;
#endif
	kfence_handle_page_fault(addr, is_write, pc);
}

/* ---- set-up ---- */

static int kfence_init(void)
{
	struct sigaction sa;
	size_t meta_size;
	pthread_t t;
	void *warm[2];

	if (!kfence_sample_interval)
		return 0;
	if (slab_ops == &strategy_slob) {	/* the kernel's needs SLAB or SLUB */
		pr_info("kfence: not available under slab_allocator=slob; KFENCE stays off\n");
		return 0;
	}
	boot_ns = os_ns();
	backtrace(warm, 2);	/* load the unwinder before any signal */
	pool_size = ((size_t)kfence_num_objects + 1) * 2 * PAGE_SIZE;
	pool = os_reserve(pool_size, PAGE_SIZE);
	meta_size = PAGE_ALIGN(kfence_num_objects * sizeof(*metadata));
	metadata = os_reserve(meta_size, PAGE_SIZE);
	if (!pool || !metadata || os_commit(metadata, meta_size)) {
		pr_err("kfence: cannot reserve the pool; KFENCE stays off\n");
		pool = NULL;
		return 0;
	}
	for (unsigned int i = 0; i < kfence_num_objects; i++) {
		metadata[i].state = KFENCE_OBJECT_UNUSED;
		list_add_tail(&metadata[i].list, &kfence_freelist);
	}
	os_sigaltstack();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = kfence_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;	/* a fault in here kills */
	sigemptyset(&sa.sa_mask);
	os_sigaction(SIGSEGV, &sa, &old_segv);
	if (pthread_create(&t, NULL, sampler, NULL) == 0)
		pthread_detach(t);
	pr_info("kfence: initialized - using %zu bytes for %u objects at %p-%p\n",
		pool_size, kfence_num_objects, (void *)pool,
		(void *)(pool + pool_size));
	return 0;
}

void kfence_stats(unsigned long *allocs, unsigned long *freed,
		  unsigned long *nbugs)
{
	*allocs = __atomic_load_n(&allocations, __ATOMIC_RELAXED);
	*freed = __atomic_load_n(&frees, __ATOMIC_RELAXED);
	*nbugs = __atomic_load_n(&bugs, __ATOMIC_RELAXED);
}

const struct kheap_layer kfence_layer = {
	.name = "kfence",
	.init = kfence_init,
};
