/* SPDX-License-Identifier: MIT */
/*
 * slab.h - private to the slab layer (mm/slab.h): struct slab overlaid on
 * struct page, struct kmem_cache and its per-CPU and per-node parts, the
 * statistics items, and the functions slab_common.c and slub.c share.
 * The design is the essay at the top of slub.c.
 */
#ifndef _KHEAP_SLAB_H
#define _KHEAP_SLAB_H

#include "internal.h"

#include <urcu/urcu-memb.h>	/* liburcu's memb flavour: urcu_memb_* names */

typedef unsigned __int128 u128;

/* ---- struct slab: the words of struct page while it is a slab ---- */

struct slab {
	unsigned long __page_flags;	/* page->flags: PG_head, SL_partial */
	struct kmem_cache *slab_cache;	/* owner; bit 0 clear (not a tail) */
	union {
		struct list_head slab_list;	/* node partial list */
		struct {			/* on a per-CPU partial list */
			struct slab *next;	/* next partial slab of the CPU */
			int slabs;		/* slabs from here to the end */
		};
		struct rcu_head rcu_head;	/* TYPESAFE_BY_RCU freeing */
	};
	/*
	 * freelist and counters form one 16-byte cmpxchg unit (the struct
	 * page array is page aligned and freelist is word 4).  No u128 member
	 * here: struct slab must keep 8-byte alignment, since list walks form
	 * a struct slab pointer from the list head (list_entry_is_head()).
	 */
	void *freelist;			/* first free object (remote frees
					   while frozen) */
	union {
		unsigned long counters;	/* the word below */
		struct {
			unsigned inuse:16;	/* objects handed out (to CPUs
						   or users) */
			unsigned objects:15;	/* objects in the slab */
			unsigned frozen:1;	/* a CPU's slab */
		};
	};
	unsigned int __page_type;	/* PGTY_slab << 24 */
	int __page_refcount;		/* 1, the buddy allocator's */
	unsigned long obj_exts;		/* unused: no memcg */
};

#define SLAB_MATCH(pg, sl)						\
	_Static_assert(__builtin_offsetof(struct page, pg) ==		\
		       __builtin_offsetof(struct slab, sl), "slab overlay " #sl)
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(compound_head, slab_cache);	/* bit 0 of it must stay 0 */
SLAB_MATCH(index, freelist);
SLAB_MATCH(private, counters);
SLAB_MATCH(page_type, __page_type);
SLAB_MATCH(_refcount, __page_refcount);
SLAB_MATCH(memcg_data, obj_exts);
#undef SLAB_MATCH
_Static_assert(__builtin_offsetof(struct slab, slab_list) ==
	       __builtin_offsetof(struct page, lru) + sizeof(void *),
	       "slab_list overlays lru.prev and mapping");
_Static_assert(sizeof(struct slab) <= sizeof(struct page), "struct slab size");
_Static_assert(__builtin_offsetof(struct slab, freelist) % 16 == 0,
	       "freelist+counters must be 16-byte aligned for cmpxchg16b");
_Static_assert(sizeof(struct rcu_head) <= 2 * sizeof(void *),
	       "rcu_head overlays slab_list");

/* On a node partial list (the kernel's slab_test_node_partial()). */
#define SL_partial	PG_workingset

#define slab_page(s)	((struct page *)(s))
#define page_slab(p)	((struct slab *)(p))

static inline void *slab_address(const struct slab *slab)
{
	return page_address((const struct page *)slab);
}

static inline unsigned int slab_order(const struct slab *slab)
{
	return compound_order((const struct page *)slab);
}

static inline size_t slab_size(const struct slab *slab)
{
	return PAGE_SIZE << slab_order(slab);
}

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

/* ---- the cache ---- */

/*
 * Per-(cache, CPU) state.  (freelist, tid) change only by 16-byte CAS;
 * slab and partial only under lock, and slab only while the pair is claimed
 * (tid odd): see "Per-CPU state" in slub.c.
 */
struct kmem_cache_cpu {
	union {
		struct {
			void **freelist;	/* next object of slab to hand out */
			unsigned long tid;	/* bumped by 2 at every change;
						   odd: claimed by a lock holder */
		};
		u128 freelist_tid;
	};
	struct slab *slab;		/* the CPU slab (frozen), or NULL */
	struct slab *partial;		/* per-CPU partial slabs (not frozen) */
	struct slab_sheaf *main;	/* sheaf the fast paths use (rseq) */
	struct slab_sheaf *spare;	/* swapped in when main is empty/full */
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
	unsigned int size;		/* objects held; the rseq commit word */
	unsigned int capacity;		/* room in objects[] */
	struct list_head barn_list;	/* on the barn's full or empty list */
	void *objects[];
};

/*
 * The barn (the kernel's struct node_barn): the node's store of sheaves
 * that no CPU holds, full ones and empty ones, so a CPU that frees more
 * than it allocates hands whole sheaves of objects to one that allocates
 * more than it frees, without touching their slabs.
 */
struct sheaf_barn {
	kh_lock_t lock;			/* innermost slab lock: after c->lock */
	struct list_head full;		/* sheaves with capacity objects */
	struct list_head empty;		/* sheaves with none */
	unsigned int nr_full, nr_empty;
};

/* The one node's state (kheap has one NUMA node). */
struct kmem_cache_node {
	kh_lock_t list_lock;		/* guards partial, nr_partial */
	unsigned long nr_partial;	/* slabs on partial */
	struct list_head partial;	/* slabs with free objects, not frozen */
	struct list_head full;		/* debug caches: slabs without free
					   objects (for validate, shutdown) */
	long nr_slabs;			/* slabs of the cache (atomic) */
	long total_objects;		/* objects in those slabs (atomic) */
	struct sheaf_barn barn;		/* sheaves no CPU holds (sheaf caches) */
};

/* Object counts and order of a slab, packed as the kernel does. */
struct kmem_cache_order_objects {
	unsigned int x;			/* order << OO_SHIFT | objects */
};

struct kmem_cache_alias {
	struct kmem_cache_alias *next;	/* next alias of the same cache */
	char name[48];			/* the name it was created with */
};

#define KMEM_CACHE_NAME_LEN	48

struct kmem_cache {
	slab_flags_t flags;		/* SLAB_* after kmem_cache_flags() */
	unsigned long min_partial;	/* empty slabs kept on the node */
	unsigned int size;		/* object size with metadata (stride) */
	unsigned long reciprocal_size;	/* 2^44 / size, rounded up: obj index */
	unsigned int object_size;	/* the caller's object size */
	unsigned int offset;		/* free pointer offset in the object */
	unsigned int cpu_partial;	/* objects kept on CPU partial lists */
	unsigned int cpu_partial_slabs;	/* ... as a number of slabs */
	struct kmem_cache_order_objects oo;	/* preferred order, objects */
	struct kmem_cache_order_objects min;	/* fallback order, objects */
	gfp_t allocflags;		/* __GFP_COMP and zone/reclaim flags */
	int refcount;			/* 1 + aliases; 0 after failed destroy */
	void (*ctor)(void *);		/* constructor, run per new object */
	unsigned int inuse;		/* object + right red zone: metadata
					   (free pointer, tracks) starts here */
	unsigned int align;		/* object alignment */
	unsigned int red_left_pad;	/* left red zone before each object */
	unsigned int useroffset;	/* usercopy region offset */
	unsigned int usersize;		/* usercopy region size */
	const char *name;		/* points at name_buf */
	struct list_head list;		/* slab_caches, under slab_mutex */
	struct kmem_cache_alias *aliases;	/* names merged into this one */
	struct kmem_cache_node node;	/* the node's partial list */
	char name_buf[KMEM_CACHE_NAME_LEN];	/* copy of the name */
	/*
	 * os_ncpus() entries in the same allocation, right after this struct
	 * (at KMEM_CACHE_CPU_OFFSET); a pointer rather than a flexible array
	 * so that struct kmem_cache keeps 8-byte alignment for list walks.
	 */
	struct kmem_cache_cpu *cpu_slab;
	unsigned int sheaf_capacity;	/* objects per sheaf; 0: no sheaves */
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

/* Flags that make a cache a debug cache (their checks: the debug issue). */
#define SLAB_DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | \
				 SLAB_TRACE | SLAB_CONSISTENCY_CHECKS)
#define SLAB_NEVER_MERGE	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | \
				 SLAB_TRACE | SLAB_TYPESAFE_BY_RCU | \
				 SLAB_NOLEAKTRACE | SLAB_FAILSLAB | SLAB_NO_MERGE)
#define SLAB_MERGE_SAME		(SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | \
				 SLAB_CACHE_DMA32 | SLAB_ACCOUNT)
#define SLAB_CORE_FLAGS		(SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | \
				 SLAB_CACHE_DMA32 | SLAB_PANIC | \
				 SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT | \
				 SLAB_NO_USER_FLAGS | SLAB_KMALLOC | \
				 SLAB_NO_MERGE | SLAB_RECLAIM_ACCOUNT | \
				 SLAB_NOLEAKTRACE | SLAB_FAILSLAB | \
				 SLAB_SKIP_KFENCE | SLAB_NO_OBJ_EXT)
#define SLAB_FLAGS_PERMITTED	(SLAB_CORE_FLAGS | SLAB_DEBUG_FLAGS)
#define __OBJECT_POISON		((slab_flags_t)0x00040000U)
#define __CMPXCHG_DOUBLE	((slab_flags_t)0x00080000U)
#define SLAB_NO_CMPXCHG		(SLAB_CONSISTENCY_CHECKS | SLAB_STORE_USER | \
				 SLAB_TRACE)

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

#define DEBUG_DEFAULT_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)
#define DEBUG_METADATA_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

static inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	return *(void **)((char *)object + s->offset);
}

static inline void set_freepointer(const struct kmem_cache *s, void *object,
				   void *fp)
{
	*(void **)((char *)object + s->offset) = fp;
}

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return unlikely(s->flags & SLAB_DEBUG_FLAGS);
}

/* ---- slab_common.c ---- */
extern kh_lock_t slab_mutex;		/* the cache list, create, destroy */
extern struct list_head slab_caches;	/* every cache, creation order */
extern struct kmem_cache *kmem_cache;	/* the cache of struct kmem_cache */
extern unsigned int slab_nr_cpus;	/* os_ncpus(), fixed at init */
void slub_init_fastpath(void);		/* rseq or cmpxchg16b, once */
void __kmem_cache_release(struct kmem_cache *s);	/* its sheaves */
unsigned long kmem_cache_shrink_all(void);	/* every cache */
extern struct kmem_cache *sheaf_cache;	/* slab_sheaf: sheaves' memory */
size_t slub_sheaf_size(void);
bool slub_uses_rseq(void);
unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
				 unsigned int size);
int slab_unmergeable(struct kmem_cache *s);
struct kmem_cache *find_mergeable(unsigned int size, unsigned int align,
				  slab_flags_t flags, const char *name,
				  void (*ctor)(void *));
size_t kmem_cache_struct_size(void);
struct kmem_cache *create_kmalloc_cache(const char *name, unsigned int size,
					slab_flags_t flags);
int slabinfo_show(FILE *out);
void slab_report_double_free(struct kmem_cache *s, const void *x);
void slab_report_bad_free(const char *fn, const void *x,
			  struct kmem_cache *s, struct kmem_cache *cachep);

/* ---- slab_common.c: the kmalloc size classes, inline (kmalloc() and the malloc shim) ---- */
extern const u8 kmalloc_size_index[24];

static inline unsigned int fls_long(unsigned long x)
{
	return x ? 64 - (unsigned int)__builtin_clzl(x) : 0;
}

/* The cache index of a request of 1..KMALLOC_MAX_CACHE_SIZE bytes. */
static inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_size_index[(size - 1) / 8];
	return fls_long(size - 1);
}

/* Which array of caches: KMALLOC_NORMAL unless reclaimable or DMA. */
static inline enum kmalloc_cache_type kmalloc_type(gfp_t flags)
{
	if (likely(!(flags & (__GFP_RECLAIMABLE | __GFP_DMA))))
		return KMALLOC_NORMAL;
	return (flags & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_RECLAIM;
}

/* The cache for a request of 1..KMALLOC_MAX_CACHE_SIZE bytes. */
static inline struct kmem_cache *kmalloc_slab(size_t size, gfp_t flags)
{
	return kmalloc_caches[kmalloc_type(flags)][kmalloc_index(size)];
}

/* ---- slub.c ---- */
struct slabinfo {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned int objects_per_slab;
	unsigned int cache_order;
};
void kfree_slab_object(struct slab *slab, void *x, unsigned long addr);
int do_kmem_cache_create(struct kmem_cache *s, const char *name,
			 unsigned int size, struct kmem_cache_args *args,
			 slab_flags_t flags);
struct kmem_cache *__kmem_cache_alias(const char *name, unsigned int size,
				      unsigned int align, slab_flags_t flags,
				      void (*ctor)(void *));
int __kmem_cache_shutdown(struct kmem_cache *s);
int __kmem_cache_shrink(struct kmem_cache *s);
void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo);
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

#endif /* _KHEAP_SLAB_H */
