/* SPDX-License-Identifier: MIT */
/*
 * slab_internal.h - kheap's private half of the slab layer: the per-CPU
 * structures, sheaves, statistics items, debug tracks, free pointers, the
 * kmalloc size classes, and the prototypes of slab_common.c and slub.c that
 * have no kernel name.  The kernel keeps most of this static inside
 * mm/slub.c; kheap shares it between slub.c, slub_debug.c, slab_common.c,
 * kfence, kmemleak and the malloc shim; and struct slab_strategy,
 * through which slab_common.c reaches the slab allocator chosen at
 * start-up (SLUB, SLAB of slab.c or SLOB of slob.c).  mm/slab.h, which
 * kernel code may include, holds the kernel-shaped half; the design is
 * the essay at the top of slub.c (SLAB's and SLOB's at the top of theirs).
 */
#ifndef _KHEAP_SLAB_INTERNAL_H
#define _KHEAP_SLAB_INTERNAL_H

#include "internal.h"
#include "slab.h"

typedef unsigned __int128 u128;

/* On a node partial list (the kernel's slab_test_node_partial()). */
#define SL_partial	PG_workingset

/*
 * virt_to_slab - the slab an address belongs to, or NULL when it is not in
 * a slab page.  O(1): the struct page of the address, then its compound
 * head; nothing is searched.
 */
static inline struct slab *virt_to_slab(const void *addr)
{
	struct page *page;

	if (unlikely(!virt_addr_valid(addr) ||
		     !pfn_section_online(virt_to_pfn(addr))))
		return NULL;
	page = compound_head(virt_to_page(addr));
	if (!PageSlab(page))
		return NULL;
	return page_slab(page);
}

/* ---- statistics: the kernel's enum stat_item ---- */

enum stat_item {
	ALLOC_FASTPATH,		/* allocation from the CPU freelist */
	ALLOC_SLOWPATH,		/* allocation by getting a new CPU slab */
	FREE_FASTPATH,		/* free to the CPU slab */
	FREE_SLOWPATH,		/* freeing not to the CPU slab */
	FREE_FROZEN,		/* freeing to a frozen slab */
	FREE_ADD_PARTIAL,	/* freeing moves slab to the partial list */
	FREE_REMOVE_PARTIAL,	/* freeing removes the last object */
	ALLOC_FROM_PARTIAL,	/* CPU slab acquired from node partial list */
	ALLOC_SLAB,		/* CPU slab acquired from the page allocator */
	ALLOC_REFILL,		/* refill the CPU freelist from the slab's */
	ALLOC_NODE_MISMATCH,	/* switching CPU slab (never: one node) */
	FREE_SLAB,		/* slab freed to the page allocator */
	CPUSLAB_FLUSH,		/* abandoning of the CPU slab */
	DEACTIVATE_FULL,	/* CPU slab was full when deactivated */
	DEACTIVATE_EMPTY,	/* CPU slab was empty when deactivated */
	DEACTIVATE_TO_HEAD,	/* CPU slab put back at the partial head */
	DEACTIVATE_TO_TAIL,	/* CPU slab put back at the partial tail */
	DEACTIVATE_REMOTE_FREES,	/* slab had remote frees */
	DEACTIVATE_BYPASS,	/* implicit deactivation */
	ORDER_FALLBACK,		/* fell back to the minimum order */
	CMPXCHG_DOUBLE_CPU_FAIL,	/* the CPU (freelist, tid) CAS failed */
	CMPXCHG_DOUBLE_FAIL,	/* the slab (freelist, counters) CAS failed */
	CPU_PARTIAL_ALLOC,	/* used a CPU partial slab */
	CPU_PARTIAL_FREE,	/* refilled the CPU partial list on free */
	CPU_PARTIAL_NODE,	/* refilled CPU partial from node partial */
	CPU_PARTIAL_DRAIN,	/* drained the CPU partial list to the node */
	NR_SLUB_STAT_ITEMS
};

/* ---- per-CPU state ---- */

/*
 * Per-(cache, CPU) state.  freelist changes by a restartable sequence's
 * plain store (tid unchanged) or by one 16-byte CAS on (freelist, tid)
 * that moves tid by 2; slab and partial only under lock, and slab only
 * while the CPU is claimed (tid odd): see section 3 of slub.c's essay.
 */
struct kmem_cache_cpu {
	union {
		struct {
			void **freelist;	/* next object of slab to hand out */
			unsigned long tid;	/* odd: claimed by a lock holder;
						   +2 per CAS fast-path op, +1
						   per claim and per release;
						   rseq paths leave it */
		};
		u128 freelist_tid;
	};
	struct slab *slab;		/* the CPU slab (frozen), or NULL */
	struct slab *partial;		/* per-CPU partial slabs (not frozen) */
	struct slab_sheaf *main;	/* sheaf the fast paths use (rseq) */
	struct slab_sheaf *spare;	/* swapped in when main is empty/full */
	/*
	 * main's object count while the CPU is not claimed: the fast paths'
	 * rseq commit word, next to main so that a pop reads both from one
	 * line and the object at once (main->size would be one dependent
	 * load more).  0 without a main sheaf.  A claim copies it into
	 * main->size, the release back (cpu_claim(), cpu_release()), so the
	 * slow paths, which run claimed, see sheaf sizes only.
	 */
	unsigned int main_size;
	kh_lock_t lock;			/* guards slab, partial; any thread */
#ifdef CONFIG_SLUB_STATS
	unsigned long stat[NR_SLUB_STAT_ITEMS];	/* per-CPU event counts */
#endif
} __cacheline_aligned;

/*
 * A sheaf: an array of free objects of one cache, per CPU (the kernel's
 * struct slab_sheaf, 6.18+).  The objects count as allocated for their
 * slabs; the fast paths pop and push them in restartable sequences.
 */
struct slab_sheaf {
	unsigned int size;		/* objects held (a CPU's main sheaf:
					   c->main_size while unclaimed) */
	unsigned int capacity;		/* room in objects[] */
	struct list_head barn_list;	/* on the barn's full or empty list */
	struct kmem_cache_cpu *main_of;	/* the CPU slot whose main sheaf it
					   is, set at cpu_release(); NULL */
	void *objects[];
};

/* The objects @sh holds now, for readers that do not claim its CPU. */
static inline unsigned int sheaf_count(const struct slab_sheaf *sh)
{
	const struct kmem_cache_cpu *c = READ_ONCE(sh->main_of);

	return c ? READ_ONCE(c->main_size) : READ_ONCE(sh->size);
}

struct kmem_cache_alias {
	struct kmem_cache_alias *next;	/* next alias of the same cache */
	char name[48];			/* the name it was created with */
};

#define KMEM_CACHE_CPU_OFFSET	ALIGN(sizeof(struct kmem_cache), L1_CACHE_BYTES)

#define OO_SHIFT		16
#define OO_MASK			((1U << OO_SHIFT) - 1)
#define MAX_OBJS_PER_PAGE	32767	/* since slab.objects is u15 */

static inline unsigned int oo_order(struct kmem_cache_order_objects x)
{
	return x.x >> OO_SHIFT;
}

static inline unsigned int oo_objects(struct kmem_cache_order_objects x)
{
	return x.x & OO_MASK;
}

/*
 * The debug tracking record (struct track), two per object with
 * SLAB_STORE_USER: the kernel keeps a stack depot handle, kheap the first
 * TRACK_ADDRS return addresses themselves (handle = how many).
 */
#define TRACK_ADDRS	8
struct track {
	unsigned long addr;		/* caller */
	unsigned int handle;		/* frames in stack[] */
	int cpu;			/* CPU of the operation */
	int pid;			/* thread id */
	unsigned int nr;		/* frames in stack[] */
	unsigned long when;		/* jiffies (ms) */
	void *stack[TRACK_ADDRS];	/* backtrace from the caller */
};

enum track_item { TRACK_ALLOC, TRACK_FREE };

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

/*
 * Free pointers (CONFIG_SLAB_FREELIST_HARDENED, mm/slub.c of v6.12): with
 * slab_freelist_hardened a free pointer is stored as
 *	ptr ^ s->random ^ swab(address where it is stored)
 * so an overwritten one decodes to garbage rather than to an address of the
 * attacker's choosing, and a copied one is useless elsewhere.  Without it
 * the pointer is stored as it is.  Both get and set are the kernel's:
 * nothing is checked here (slub.c checks where a decoded pointer is used).
 */
extern bool slab_freelist_hardened;	/* chosen once at init */

static inline unsigned long freelist_ptr_key(const struct kmem_cache *s,
					     unsigned long ptr_addr)
{
	return s->random ^ __builtin_bswap64(ptr_addr);
}

static inline unsigned long freelist_ptr_encode(const struct kmem_cache *s,
						void *ptr,
						unsigned long ptr_addr)
{
	if (slab_freelist_hardened)
		return (unsigned long)ptr ^ freelist_ptr_key(s, ptr_addr);
	return (unsigned long)ptr;
}

static inline void *freelist_ptr_decode(const struct kmem_cache *s,
					unsigned long v, unsigned long ptr_addr)
{
	if (slab_freelist_hardened)
		return (void *)(v ^ freelist_ptr_key(s, ptr_addr));
	return (void *)v;
}

static inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	unsigned long ptr_addr = (unsigned long)object + s->offset;

	return freelist_ptr_decode(s, *(unsigned long *)ptr_addr, ptr_addr);
}

static inline void set_freepointer(const struct kmem_cache *s, void *object,
				   void *fp)
{
	unsigned long ptr_addr = (unsigned long)object + s->offset;

	*(unsigned long *)ptr_addr = freelist_ptr_encode(s, fp, ptr_addr);
}

/*
 * freeptr_in_span - a cheap test that a decoded free pointer @fp, the
 * successor of @object, can be an object of the same slab: NULL, or in the
 * same aligned span of slab_span bytes (slabs are naturally aligned buddy
 * blocks).  Garbage decodes outside it but with a chance of about
 * slab_span / 2^64; the fast paths use this, the slow paths the exact test.
 */
static inline bool freeptr_in_span(const struct kmem_cache *s,
				   const void *object, const void *fp)
{
	return !fp || ((unsigned long)fp ^ (unsigned long)object) < s->slab_span;
}

/* An object's first byte, past its left red zone (slab_debug=Z). */
static inline void *fixup_red_left(const struct kmem_cache *s, void *p)
{
	return (char *)p + s->red_left_pad;
}

/* Every object of the slab at @__addr (char *) holding @__objects. */
#define for_each_object(__p, __s, __addr, __objects)			\
	for (__p = fixup_red_left(__s, __addr);				\
	     __p < (__addr) + (size_t)(__objects) * (__s)->size;	\
	     __p += (__s)->size)

/*
 * The index of object @obj in the slab at @addr (the kernel's
 * __obj_to_index(); the left red zone is shorter than an object, so the
 * division finds the object's slot either way).
 */
static inline unsigned int __obj_to_index(const struct kmem_cache *s,
					  const void *addr, const void *obj)
{
	return (unsigned int)(((const char *)obj - (const char *)addr) / s->size);
}

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return unlikely(s->flags & SLAB_DEBUG_FLAGS);
}

/* ---- the object's metadata (slub.c's essay, "Object layout") ---- */

/* The free pointer is after the object rather than inside it. */
static inline bool freeptr_outside_object(const struct kmem_cache *s)
{
	return s->offset >= s->inuse;
}

/* Where the tracks start: after the right red zone and a free pointer
 * placed outside the object. */
static inline unsigned int get_info_end(const struct kmem_cache *s)
{
	return freeptr_outside_object(s) ? s->inuse + (unsigned int)sizeof(void *)
					 : s->inuse;
}

/* A kmalloc cache with SLAB_STORE_USER keeps each request's size. */
static inline bool slub_debug_orig_size(const struct kmem_cache *s)
{
	return (s->flags & SLAB_STORE_USER) && (s->flags & SLAB_KMALLOC);
}

static inline unsigned int *orig_size_ptr(const struct kmem_cache *s,
					  void *object)
{
	return (unsigned int *)((char *)object + get_info_end(s) +
				2 * sizeof(struct track));
}

/* The size kmalloc was asked for (object_size when it is not kept). */
static inline unsigned int get_orig_size(const struct kmem_cache *s,
					 void *object)
{
	if (!slub_debug_orig_size(s))
		return s->object_size;
	return *orig_size_ptr(s, object);
}

static inline void set_orig_size(const struct kmem_cache *s, void *object,
				 unsigned int orig_size)
{
	if (slub_debug_orig_size(s))
		*orig_size_ptr(s, object) = orig_size;
}

/*
 * init_on_free's part of slab_free_hook() (v6.12): zero a freed object of
 * @s - the @orig_size bytes it was asked for, and its metadata after the
 * free pointer up to the next object's left red zone - leaving the red
 * zones as they are; the kept orig_size is written back.  The caller has
 * checked slab_want_init_on_free(s).
 */
static inline void slab_init_on_free(struct kmem_cache *s, void *x)
{
	unsigned int inuse = get_info_end(s), orig_size = get_orig_size(s, x);
	unsigned int rsize = (s->flags & SLAB_RED_ZONE) ? s->red_left_pad : 0;

	memset(x, 0, orig_size);
	if (s->size > inuse + rsize)		/* metadata, padding */
		memset((char *)x + inuse, 0, s->size - inuse - rsize);
	set_orig_size(s, x, orig_size);
}

/* ---- slab_common.c ---- */
extern unsigned int slab_nr_cpus;	/* os_ncpus(), fixed at init */
void slub_init_fastpath(void);		/* rseq or cmpxchg16b, once */
unsigned long kmem_cache_shrink_all(void);	/* every cache */
extern struct kmem_cache *sheaf_cache;	/* slab_sheaf: sheaves' memory */
size_t slub_sheaf_size(void);
bool slub_uses_rseq(void);
size_t kmem_cache_struct_size(void);
int slabinfo_show(FILE *out);
void slab_report_double_free(struct kmem_cache *s, const void *x);
u32 get_random_u32_below(u32 ceil);	/* the kernel's name; not a secret */
void freelist_randomize(unsigned int *list, unsigned int count);
void slab_report_bad_free(const char *fn, const void *x,
			  struct kmem_cache *s, struct kmem_cache *cachep);

/* ---- slab_common.c: the kmalloc size classes, inline (kmalloc() and the malloc shim) ---- */
extern u8 kmalloc_size_index[24];	/* set once at init (SLAB: from 32) */

/* The cache index of a request of 1..KMALLOC_MAX_CACHE_SIZE bytes. */
static inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_size_index[(size - 1) / 8];
	return fls_long(size - 1);
}

extern bool random_kmalloc_caches;	/* CONFIG_RANDOM_KMALLOC_CACHES */
extern unsigned long random_kmalloc_seed;

/*
 * Which array of caches (v6.12's kmalloc_type()): KMALLOC_NORMAL unless
 * reclaimable or DMA; with random_kmalloc_caches, one of the 16 normal
 * copies, chosen by hash_64(caller ^ random_kmalloc_seed, 4) (the golden
 * ratio multiply of include/linux/hash.h), so objects of different call
 * sites rarely share slabs.  Cost: one predictable branch when off; a
 * multiply and a shift when on.
 */
static inline enum kmalloc_cache_type kmalloc_type(gfp_t flags,
						   unsigned long caller)
{
	if (likely(!(flags & (__GFP_RECLAIMABLE | __GFP_DMA)))) {
		if (unlikely(random_kmalloc_caches))
			return KMALLOC_RANDOM_START +
			       (((caller ^ random_kmalloc_seed) *
				 0x61C8864680B583EBull) >> (64 - 4));
		return KMALLOC_NORMAL;
	}
	return (flags & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_RECLAIM;
}

/* The cache for a request of 1..KMALLOC_MAX_CACHE_SIZE bytes by @caller. */
static inline struct kmem_cache *kmalloc_slab(size_t size, gfp_t flags,
					      unsigned long caller)
{
	return kmalloc_caches[kmalloc_type(flags, caller)][kmalloc_index(size)];
}

/* The malloc shim's cache for 1..KMALLOC_MAX_CACHE_SIZE bytes by @caller:
 * one load from malloc_size_cache[] (kheap.malloc_fine's classes or
 * kmalloc's), or with random_kmalloc_caches kmalloc's own choice, so
 * malloc's call sites are spread over the copies as kmalloc's are. */
extern struct kmem_cache *malloc_size_cache[KMALLOC_MAX_CACHE_SIZE / 8];

static inline struct kmem_cache *malloc_slab(size_t size, unsigned long caller)
{
	if (unlikely(random_kmalloc_caches))
		return kmalloc_slab(size, GFP_KERNEL, caller);
	return malloc_size_cache[(size - 1) >> 3];
}

/*
 * The sheaf map (slub.c, "the sheaf map"): per page frame, the address of
 * the cache of the slab it belongs to or'ed with the slab's order, when
 * that cache has sheaves (and is mapped: s->sheaf_mapped), else 0.
 * slab_sheaf_map_pfns is its number of entries: max_pfn, or 0 without a
 * map or while a trace is recorded (slab_sheaf_map_pause()), so one
 * compare tells whether a free may take the map's inline path;
 * slab_sheaf_map_size is the number of entries whether paused or not
 * (traced frees, which test for tracing, use it).
 */
#define SHEAF_MAP_ORDER_MASK	15UL	/* caches are 64-byte aligned */
extern unsigned long *slab_sheaf_map;
extern unsigned long slab_sheaf_map_pfns;
extern unsigned long slab_sheaf_map_size;

/* ---- slub.c ---- */
/*
 * Where a cache's slabs and objects are now (the numbers behind the
 * kernel's /sys/kernel/slab/<cache>/ files, plus kheap's sheaves); see
 * slub_cache_attrs().
 */
struct slab_attrs {
	unsigned long slabs;		/* slabs of the cache */
	unsigned long total_objects;	/* objects in them */
	unsigned long objects;		/* not free on node partial slabs:
					   slabinfo's active_objs */
	unsigned long partial;		/* node partial slabs */
	unsigned long objects_partial;	/* objects in use on them */
	unsigned long cpu_slab;		/* CPU slabs (one per CPU at most) */
	unsigned long cpu_partial_slabs;	/* slabs on CPU partial lists */
	unsigned long cpu_freelist;	/* free objects on CPU freelists */
	unsigned long cpu_slab_free;	/* ... on CPU slabs' own freelists
					   (frees from other CPUs) */
	unsigned long cpu_partial_free;	/* ... on CPU partial slabs */
	unsigned long sheaf_objects;	/* free objects in CPU sheaves */
	unsigned long barn_full;	/* full sheaves in the barn */
	unsigned long barn_empty;	/* empty sheaves in the barn */
};
void slub_cache_attrs(struct kmem_cache *s, struct slab_attrs *a);
int slub_debug_show_traces(struct kmem_cache *s, bool alloc, FILE *out);
void kfree_slab_object(struct slab *slab, void *x, unsigned long addr);
/* CONFIG_SLAB_FREELIST_RANDOM for the caches made before kmalloc's */
void init_freelist_randomization(void);
/* free @x (checked, marked free) when this CPU's sheaf push failed */
void sheaf_free_slow(struct kmem_cache *s, void *x);
unsigned int calculate_order(unsigned int size);
int slub_validate_cache(struct kmem_cache *s);
void slub_init_bootstrap(void);
void slub_lock_cache(struct kmem_cache *s);	/* fork: every lock of @s */
void slub_unlock_cache(struct kmem_cache *s);
void slub_reinit_cache(struct kmem_cache *s);
unsigned long slub_stat(struct kmem_cache *s, enum stat_item si);
void *__kmem_cache_alloc_kmalloc(struct kmem_cache *s, gfp_t gfpflags,
				 size_t orig_size, unsigned long caller);
void __kmem_cache_free(struct kmem_cache *s, void *x, unsigned long addr);
/*
 * Which objects of a slab are free: bit i of a map of OBJ_MAP_BITS bits
 * (4 KiB: callers keep it on their stack) set for object i.  __fill_map()
 * (slub_debug.c, the kernel's) counts the slab's own freelist;
 * fill_free_map() (slub.c) also what SLUB holds elsewhere - a CPU
 * freelist when @slab is a CPU slab, the CPUs' sheaves, the barn - taking
 * c->lock and the barn lock itself (kmemleak's view: free means not the
 * program's).
 */
#define OBJ_MAP_BITS	MAX_OBJS_PER_PAGE
void __fill_map(unsigned long *map, struct kmem_cache *s, struct slab *slab);
void fill_free_map(unsigned long *map, struct kmem_cache *s, struct slab *slab);

/* ---- the slab strategy (slab_common.c; slab.c, slob.c) ---- */

/*
 * struct slab_strategy - what the strategy-independent code asks of a slab
 * allocator: the kernel's per-allocator functions (__kmem_cache_create(),
 * __kmem_cache_shutdown(), get_slabinfo(), slabinfo_write(), ...), which a
 * kernel build links once and kheap picks at initialisation from
 * slab_allocator= (slab_ops).  The entry points (alloc .. ksize) are those
 * of mm/slab.c and mm/slob.c; SLUB's are slub.c's own exported functions,
 * which first test slab_alt (one load and a predictable branch) and hand
 * over to these when the strategy is not SLUB.
 */
struct slab_strategy {
	const char *name;		/* "slub", "slab", "slob" */
	size_t (*cache_struct_size)(void);	/* bytes of a struct kmem_cache */
	void (*init)(void);		/* before the first cache */
	void (*init_late)(void);	/* once the kmalloc caches exist */
	int (*create)(struct kmem_cache *s, const char *name, unsigned int size,
		      struct kmem_cache_args *args, slab_flags_t flags);
	struct kmem_cache *(*alias)(const char *name, unsigned int size,
				    unsigned int align, slab_flags_t flags,
				    void (*ctor)(void *));
	int (*shutdown)(struct kmem_cache *s);	/* 1: objects remain */
	int (*shrink)(struct kmem_cache *s);
	void (*release)(struct kmem_cache *s);
	void (*get_slabinfo)(struct kmem_cache *s, struct slabinfo *sinfo);
	/* writable /proc/slabinfo (SLAB's tunables); NULL: read-only */
	long (*slabinfo_write)(const char *buf, size_t count);
	int (*validate)(struct kmem_cache *s);
	void (*lock_cache)(struct kmem_cache *s);	/* fork */
	void (*unlock_cache)(struct kmem_cache *s);
	void (*reinit_cache)(struct kmem_cache *s);
	/* entry points (NULL for SLUB) */
	void *(*alloc)(struct kmem_cache *s, gfp_t gfp, unsigned int orig_size,
		       unsigned long caller);
	void (*free)(struct kmem_cache *s, void *x, unsigned long caller);
	void (*kfree)(struct slab *slab, void *x, unsigned long caller);
	int (*alloc_bulk)(struct kmem_cache *s, gfp_t gfp, size_t size,
			  void **p);
	void (*free_bulk)(struct kmem_cache *s, size_t size, void **p);
	size_t (*ksize)(struct slab *slab, const void *x);
	/* kmalloc: the smallest cache is 1 << kmalloc_shift_low bytes (0: no
	 * kmalloc caches, SLOB); kmalloc_flags are ARCH_KMALLOC_FLAGS */
	unsigned int kmalloc_shift_low;
	slab_flags_t kmalloc_flags;
	size_t (*kmalloc_size_roundup)(size_t size);	/* NULL: the class */
	struct kmem_cache *kmalloc_pseudo;	/* SLOB: every kmalloc_caches[][] */
	/* the kmalloc tracepoint's bytes_alloc for a request of @size bytes
	 * (SLOB's: its block with the size header); NULL: the cache's size */
	size_t (*kmalloc_bytes_alloc)(size_t size);
	bool has_slabinfo;		/* SLOB has no /proc/slabinfo */
	/*
	 * kmemleak: @fn(s, object) for each object of @slab in use - free
	 * neither in the slab nor in an array; NULL: SLUB's, whose free map
	 * kmemleak.c reads itself, or none (SLOB: no scan)
	 */
	void (*for_each_used)(struct kmem_cache *s, struct slab *slab,
			      void (*fn)(struct kmem_cache *s, void *object));
	/*
	 * kmemleak: the caller a SLAB_STORE_USER cache keeps for object @x
	 * (0: none, or not an object of @s), and setting it; NULL: SLUB's
	 * alloc tracks (slub_debug.c)
	 */
	unsigned long (*obj_caller)(struct kmem_cache *s, const void *x);
	void (*set_obj_caller)(struct kmem_cache *s, const void *x,
			       unsigned long caller);
};

extern const struct slab_strategy *slab_ops;	/* chosen at init */
extern bool slab_alt;		/* slab_ops is not SLUB: entry points hand over */

/* The selection hook of slub.c's entry points: one load, one branch. */
#define slab_handover()		unlikely(slab_alt)
extern const struct slab_strategy strategy_slub;	/* slab_common.c */
extern const struct slab_strategy strategy_slab;	/* slab.c */
extern const struct slab_strategy strategy_slob;	/* slob.c */

/* slab.c, for tests: cache_reap() of a CPU now; every node's reap due */
bool slab_reap_cpu(unsigned int cpu);
void slab_reap_expire(void);

/* slab_common.c, for slab.c and slob.c */
bool slab_alloc_hook(struct kmem_cache *s, gfp_t gfp, unsigned int orig_size,
		     void **objp);	/* failslab, KFENCE; slub.c and slab.c */
bool slab_mutex_held(void);	/* by this thread */
void slab_mutex_lock(void);
bool slab_mutex_trylock(void);
void slab_mutex_unlock(void);

#endif /* _KHEAP_SLAB_INTERNAL_H */
