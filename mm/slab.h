/* SPDX-License-Identifier: MIT */
/*
 * slab.h - the slab layer's header in the kernel's place (mm/slab.h, v6.12):
 * struct slab overlaid on struct page, struct kmem_cache with the kernel's
 * field names, the slab flag masks, the functions slab_common.c and
 * slub.c share under the kernel's names, and what the kernel's slab tests
 * (lib/slub_kunit.c) take from it: validate_slab_cache(),
 * slab_in_kunit_test(), <linux/kasan.h>.
 *
 * Kernel code reaches this file as "../mm/slab.h" from kheap's include/
 * directory, next to its own <linux/kernel.h>, <linux/list.h> and
 * <linux/compiler.h>: so it includes only kheap's public headers,
 * lib/lock.h (kh_-prefixed names) and liburcu, and defines no helper
 * macro a kernel project defines itself (min, ALIGN, READ_ONCE, pr_err,
 * bit helpers).  kheap's own private half of the slab layer (per-CPU
 * structures, free pointers, the kmalloc size classes, slub.c's
 * prototypes) is slab_internal.h.  The design is the essay at the top of
 * slub.c.
 */
#ifndef _KHEAP_MM_SLAB_H
#define _KHEAP_MM_SLAB_H

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/kasan.h>
#include <urcu/urcu-memb.h>	/* struct rcu_head: liburcu's memb flavour */
#include "../lib/lock.h"

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

#define __KHEAP_SLAB_MATCH(pg, sl)					\
	_Static_assert(__builtin_offsetof(struct page, pg) ==		\
		       __builtin_offsetof(struct slab, sl), "slab overlay " #sl)
__KHEAP_SLAB_MATCH(flags, __page_flags);
__KHEAP_SLAB_MATCH(compound_head, slab_cache);	/* bit 0 of it must stay 0 */
__KHEAP_SLAB_MATCH(index, freelist);
__KHEAP_SLAB_MATCH(private, counters);
__KHEAP_SLAB_MATCH(page_type, __page_type);
__KHEAP_SLAB_MATCH(_refcount, __page_refcount);
__KHEAP_SLAB_MATCH(memcg_data, obj_exts);
#undef __KHEAP_SLAB_MATCH
_Static_assert(__builtin_offsetof(struct slab, slab_list) ==
	       __builtin_offsetof(struct page, lru) + sizeof(void *),
	       "slab_list overlays lru.prev and mapping");
_Static_assert(sizeof(struct slab) <= sizeof(struct page), "struct slab size");
_Static_assert(__builtin_offsetof(struct slab, freelist) % 16 == 0,
	       "freelist+counters must be 16-byte aligned for cmpxchg16b");
_Static_assert(sizeof(struct rcu_head) <= 2 * sizeof(void *),
	       "rcu_head overlays slab_list");

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

/* ---- the cache ---- */

struct kmem_cache_cpu;
struct kmem_cache_alias;

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
	long peak_slabs;		/* kheap: most nr_slabs ever (atomic) */
	struct sheaf_barn barn;		/* sheaves no CPU holds (sheaf caches) */
};

/* Object counts and order of a slab, packed as the kernel does. */
struct kmem_cache_order_objects {
	unsigned int x;			/* order << OO_SHIFT | objects */
};

#define KMEM_CACHE_NAME_LEN	48

struct kmem_cache {
	slab_flags_t flags;		/* SLAB_* after kmem_cache_flags() */
	/*
	 * Objects per sheaf; 0: no sheaves.  Here, in the padding after
	 * flags, so that every field the sheaf hits read (this, size,
	 * reciprocal_size, random, slab_span, offset) is in the struct's
	 * first cache line (the struct is cache-line aligned: slab_init()).
	 */
	unsigned int sheaf_capacity;
	unsigned long min_partial;	/* empty slabs kept on the node */
	unsigned int size;		/* object size with metadata (stride) */
	unsigned long reciprocal_size;	/* 2^44 / size, rounded up: obj index */
	unsigned long random;		/* freelist hardening: secret XORed
					   into every free pointer */
	unsigned long slab_span;	/* PAGE_SIZE << oo_order(oo): a slab's
					   objects share one aligned span */
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
	 * slab_nr_cpus entries in the same allocation, right after this
	 * struct (slab_internal.h, KMEM_CACHE_CPU_OFFSET); a pointer rather
	 * than a flexible array so that struct kmem_cache keeps 8-byte
	 * alignment for list walks.
	 */
	struct kmem_cache_cpu *cpu_slab;
	unsigned int *random_seq;	/* CONFIG_SLAB_FREELIST_RANDOM: byte
					   offsets of the objects, shuffled */
	int random_seq_state;		/* 0 none yet, 1 being made, 2 made
					   (or failed: linear order) */
	bool sheaf_mapped;		/* its slabs are in the sheaf map (slub.c) */
	unsigned int trace_id;		/* its number in the trace being
					   recorded, valid while ... */
	unsigned int trace_gen;		/* ... this is that trace's
					   (kernel/trace/trace.c) */
};

/* ---- flag masks (mm/slab.h, mm/slub.c) ---- */

/* Flags that make a cache a debug cache. */
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
#define DEBUG_DEFAULT_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)
#define DEBUG_METADATA_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* True if @s has any of the debug @flags (a subset of SLAB_DEBUG_FLAGS). */
static inline bool kmem_cache_debug_flags(const struct kmem_cache *s,
					  slab_flags_t flags)
{
	return __builtin_expect(!!(s->flags & flags), 0);
}

/* ---- init_on_alloc / init_on_free for slab objects (v6.12) ---- */

/*
 * slab_want_init_on_alloc - zero a new object of @c allocated with @flags?
 * With init_on_alloc, every object but those of a cache with a
 * constructor (its state survives) or with SLAB_TYPESAFE_BY_RCU or
 * SLAB_POISON (__GFP_ZERO only); without, __GFP_ZERO alone decides.
 */
static inline bool slab_want_init_on_alloc(gfp_t flags, struct kmem_cache *c)
{
	if (want_init_on_alloc(0)) {
		if (c->ctor)
			return false;
		if (c->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON))
			return !!(flags & __GFP_ZERO);
		return true;
	}
	return !!(flags & __GFP_ZERO);
}

/* slab_want_init_on_free - zero a freed object of @c?  (the same caches) */
static inline bool slab_want_init_on_free(struct kmem_cache *c)
{
	if (want_init_on_free())
		return !(c->ctor ||
			 (c->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)));
	return false;
}

/* ---- what slab_common.c and slub.c share (the kernel's names) ---- */

struct slabinfo {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned long shared_avail;	/* SLAB: objects in the shared arrays */
	unsigned int limit;		/* SLAB's tunables; 0 under SLUB */
	unsigned int batchcount;
	unsigned int shared;
	unsigned int objects_per_slab;
	unsigned int cache_order;
};

extern kh_lock_t slab_mutex;		/* the cache list, create, destroy */
extern struct list_head slab_caches;	/* every cache, newest first */
extern struct kmem_cache *kmem_cache;	/* the cache of struct kmem_cache */

unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
				 unsigned int size);
int slab_unmergeable(struct kmem_cache *s);
struct kmem_cache *find_mergeable(unsigned int size, unsigned int align,
				  slab_flags_t flags, const char *name,
				  void (*ctor)(void *));
struct kmem_cache *__kmem_cache_alias(const char *name, unsigned int size,
				      unsigned int align, slab_flags_t flags,
				      void (*ctor)(void *));
int do_kmem_cache_create(struct kmem_cache *s, const char *name,
			 unsigned int size, struct kmem_cache_args *args,
			 slab_flags_t flags);
int __kmem_cache_shutdown(struct kmem_cache *s);
void __kmem_cache_release(struct kmem_cache *s);
int __kmem_cache_shrink(struct kmem_cache *s);
void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo);
struct kmem_cache *create_kmalloc_cache(const char *name, unsigned int size,
					slab_flags_t flags);

#pragma GCC visibility push(default)
/**
 * validate_slab_cache - check every slab of @s and each of its objects,
 * after flushing the CPUs' slabs, as /sys/kernel/slab/<cache>/validate
 * does (slub.c)
 *
 * Return: the number of slabs checked, or a negative errno (-EOPNOTSUPP
 * under SLAB and SLOB, which have no such file).
 */
long validate_slab_cache(struct kmem_cache *s);

/* True while a KUnit test counts slab errors instead of reading reports
 * (slub_debug.c: the test defines kunit_get_current_test()). */
bool slab_in_kunit_test(void);
#pragma GCC visibility pop

#endif /* _KHEAP_MM_SLAB_H */
