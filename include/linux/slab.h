/* SPDX-License-Identifier: MIT */
/*
 * linux/slab.h - the slab allocator's API with v6.12's names: object caches
 * (kmem_cache_*), struct kmem_cache_args, the SLAB_* flags with the kernel's
 * values, and kmem_cache_create() in both its classic five-argument form and
 * the 6.12 form taking a struct kmem_cache_args, chosen by _Generic as the
 * kernel does.
 *
 * struct kmem_cache is opaque here; kernel code that looks inside, as the
 * kernel's slab tests do, includes "../mm/slab.h" (mm/slab.h), as in a
 * kernel tree.
 * struct rcu_head, for SLAB_TYPESAFE_BY_RCU users, is liburcu's (memb
 * flavour, <urcu/urcu-memb.h>).
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <kheap/types.h>
#include <linux/gfp_types.h>

struct kmem_cache;

/*
 * Flags to pass to kmem_cache_create(), values as v6.12's enum
 * _slab_flag_bits gives them on a config with FAILSLAB, MEMCG_KMEM, KFENCE
 * and SLAB_OBJ_EXT and without DEBUG_OBJECTS and KASAN_GENERIC.
 */
#define SLAB_CONSISTENCY_CHECKS	((slab_flags_t)0x00000001U)	/* DEBUG: perform (expensive) checks on alloc/free */
#define SLAB_RED_ZONE		((slab_flags_t)0x00000002U)	/* DEBUG: red zone objects in a cache */
#define SLAB_POISON		((slab_flags_t)0x00000004U)	/* DEBUG: poison objects */
#define SLAB_KMALLOC		((slab_flags_t)0x00000008U)	/* a kmalloc cache */
#define SLAB_HWCACHE_ALIGN	((slab_flags_t)0x00000010U)	/* align objects on cache lines */
#define SLAB_CACHE_DMA		((slab_flags_t)0x00000020U)	/* use GFP_DMA memory */
#define SLAB_CACHE_DMA32	((slab_flags_t)0x00000040U)	/* use GFP_DMA32 memory */
#define SLAB_STORE_USER		((slab_flags_t)0x00000080U)	/* DEBUG: store the last owner */
#define SLAB_PANIC		((slab_flags_t)0x00000100U)	/* panic if kmem_cache_create() fails */
#define SLAB_TYPESAFE_BY_RCU	((slab_flags_t)0x00000200U)	/* defer freeing slabs to RCU */
#define SLAB_TRACE		((slab_flags_t)0x00000400U)	/* DEBUG: trace alloc/free */
#define SLAB_NOLEAKTRACE	((slab_flags_t)0x00000800U)	/* avoid kmemleak tracing */
#define SLAB_NO_MERGE		((slab_flags_t)0x00001000U)	/* prevent merging with compatible caches */
#define SLAB_FAILSLAB		((slab_flags_t)0x00002000U)	/* fault injection mark */
#define SLAB_ACCOUNT		((slab_flags_t)0x00004000U)	/* account to memcg */
#define SLAB_NO_USER_FLAGS	((slab_flags_t)0x00008000U)	/* ignore user specified debug flags */
#define SLAB_SKIP_KFENCE	((slab_flags_t)0x00010000U)	/* KFENCE never samples this cache */
#define SLAB_RECLAIM_ACCOUNT	((slab_flags_t)0x00020000U)	/* objects are reclaimable */
#define SLAB_TEMPORARY		SLAB_RECLAIM_ACCOUNT	/* objects are short-lived */
#define SLAB_NO_OBJ_EXT		((slab_flags_t)0x00100000U)	/* no object extension vector */

/* Special pointer for zero-sized allocations; kfree() accepts it. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/**
 * struct kmem_cache_args - less common arguments to kmem_cache_create()
 * @align: the required alignment for the objects (0: none beyond a word)
 * @useroffset: usercopy region offset
 * @usersize: usercopy region size (0: no usercopy region)
 * @freeptr_offset: custom offset for the free pointer in
 *	SLAB_TYPESAFE_BY_RCU caches; only used when @use_freeptr_offset is true
 * @use_freeptr_offset: whether @freeptr_offset is used
 * @ctor: a constructor, run once on every object when its slab is created
 */
struct kmem_cache_args {
	unsigned int align;
	unsigned int useroffset;
	unsigned int usersize;
	unsigned int freeptr_offset;
	bool use_freeptr_offset;
	void (*ctor)(void *);
};

#ifdef __cplusplus
extern "C" {
#endif

struct kmem_cache *__kmem_cache_create_args(const char *name,
					    unsigned int object_size,
					    struct kmem_cache_args *args,
					    slab_flags_t flags);

void kmem_cache_destroy(struct kmem_cache *s);
int kmem_cache_shrink(struct kmem_cache *s);

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags) __kh_malloc;
/* kmem_cache_alloc() on behalf of a list_lru (the kernel charges @lru's
 * memcg; without memcg and list_lru, as kheap is, it is kmem_cache_alloc()) */
struct list_lru;
void *kmem_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru,
			   gfp_t flags) __kh_malloc;
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node) __kh_malloc;
void kmem_cache_free(struct kmem_cache *s, void *objp);
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size,
			  void **p);
void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p);

unsigned int kmem_cache_size(struct kmem_cache *s);
const char *kmem_cache_name(struct kmem_cache *s);

#ifdef __cplusplus
}
#endif

static inline struct kmem_cache *
__kmem_cache_create(const char *name, unsigned int size, unsigned int align,
		    slab_flags_t flags, void (*ctor)(void *))
{
	struct kmem_cache_args kmem_args = KHEAP_ZERO_INIT;

	kmem_args.align = align;
	kmem_args.ctor = ctor;
	return __kmem_cache_create_args(name, size, &kmem_args, flags);
}

static inline struct kmem_cache *
__kmem_cache_default_args(const char *name, unsigned int size,
			  struct kmem_cache_args *args, slab_flags_t flags)
{
	struct kmem_cache_args kmem_default_args = KHEAP_ZERO_INIT;

	if (args)	/* a non-NULL void * is a caller bug */
		return NULL;
	return __kmem_cache_create_args(name, size, &kmem_default_args, flags);
}

/**
 * kmem_cache_create_usercopy - create a cache with a region suitable for
 * copying to userspace
 */
static inline struct kmem_cache *
kmem_cache_create_usercopy(const char *name, unsigned int size,
			   unsigned int align, slab_flags_t flags,
			   unsigned int useroffset, unsigned int usersize,
			   void (*ctor)(void *))
{
	struct kmem_cache_args kmem_args = KHEAP_ZERO_INIT;

	kmem_args.align = align;
	kmem_args.ctor = ctor;
	kmem_args.useroffset = useroffset;
	kmem_args.usersize = usersize;
	return __kmem_cache_create_args(name, size, &kmem_args, flags);
}

#ifndef __cplusplus
/**
 * kmem_cache_create - create a kmem cache
 *
 * Either kmem_cache_create(name, size, align, flags, ctor) or
 * kmem_cache_create(name, size, &args, flags), as in v6.12.
 * Return: the cache, or NULL on failure (reported on stderr).
 */
#define kmem_cache_create(__name, __object_size, __args, ...)		\
	_Generic((__args),						\
		struct kmem_cache_args *: __kmem_cache_create_args,	\
		void *: __kmem_cache_default_args,			\
		default: __kmem_cache_create)(__name, __object_size, __args, __VA_ARGS__)

#define KMEM_CACHE(__struct, __flags)					\
	__kmem_cache_create_args(#__struct, sizeof(struct __struct),	\
			&(struct kmem_cache_args) {			\
				.align	= __alignof__(struct __struct),	\
			}, (__flags))

#define KMEM_CACHE_USERCOPY(__struct, __flags, __field)			\
	__kmem_cache_create_args(#__struct, sizeof(struct __struct),	\
			&(struct kmem_cache_args) {			\
				.align	= __alignof__(struct __struct),	\
				.useroffset = __builtin_offsetof(struct __struct, __field), \
				.usersize = sizeof(((struct __struct *)0)->__field), \
			}, (__flags))
#else
static inline struct kmem_cache *
kmem_cache_create(const char *name, unsigned int size,
		  struct kmem_cache_args *args, slab_flags_t flags)
{
	return __kmem_cache_create_args(name, size, args, flags);
}
static inline struct kmem_cache *
kmem_cache_create(const char *name, unsigned int size, unsigned int align,
		  slab_flags_t flags, void (*ctor)(void *))
{
	return __kmem_cache_create(name, size, align, flags, ctor);
}
#define KMEM_CACHE(__struct, __flags)					\
	__kmem_cache_create(#__struct, sizeof(struct __struct),		\
			    alignof(struct __struct), (__flags), NULL)
#endif

/**
 * kmem_cache_zalloc - allocate a zeroed object from a cache
 */
static inline void *kmem_cache_zalloc(struct kmem_cache *k, gfp_t flags)
{
	return kmem_cache_alloc(k, flags | __GFP_ZERO);
}

/* ------------------------------------------------------------------ */
/* the kmalloc family (mm/slab_common.c, mm/util.c, kernel/rcu/tree.c) */
/* ------------------------------------------------------------------ */

#include <stdarg.h>
#include <kheap/page.h>
#include <linux/gfp.h>

#ifndef ARCH_KMALLOC_MINALIGN
#define ARCH_KMALLOC_MINALIGN	__alignof__(unsigned long long)
#endif
#define ARCH_SLAB_MINALIGN	__alignof__(unsigned long long)
#define KMALLOC_MIN_SIZE	(1 << KMALLOC_SHIFT_LOW)
#define KMALLOC_SHIFT_LOW	3
#define KMALLOC_SHIFT_HIGH	(PAGE_SHIFT + 1)		/* 8 KiB */
#define KMALLOC_SHIFT_MAX	(MAX_PAGE_ORDER + PAGE_SHIFT)	/* 4 MiB */
#define KMALLOC_MAX_SIZE	(1UL << KMALLOC_SHIFT_MAX)
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_ORDER	(KMALLOC_SHIFT_MAX - PAGE_SHIFT)

/*
 * As a kernel without memcg but with CONFIG_RANDOM_KMALLOC_CACHES: 15 more
 * copies of the normal caches (kmalloc-rnd-01-64 ...), which kheap creates
 * and uses only with the option random_kmalloc_caches=1 (their rows of
 * kmalloc_caches[] are NULL otherwise).
 */
#define RANDOM_KMALLOC_CACHES_NR	15	/* # of cache copies */
enum kmalloc_cache_type {
	KMALLOC_NORMAL = 0,
	KMALLOC_CGROUP = KMALLOC_NORMAL,
	KMALLOC_RANDOM_START = KMALLOC_NORMAL,
	KMALLOC_RANDOM_END = KMALLOC_RANDOM_START + RANDOM_KMALLOC_CACHES_NR,
	KMALLOC_RECLAIM,
	KMALLOC_DMA,
	NR_KMALLOC_TYPES
};

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kmem_cache *kmem_buckets[KMALLOC_SHIFT_HIGH + 1];
extern kmem_buckets kmalloc_caches[NR_KMALLOC_TYPES];

void *kmalloc(size_t size, gfp_t flags) __kh_malloc __kh_alloc_size(1);
void *kmalloc_node(size_t size, gfp_t flags, int node) __kh_malloc __kh_alloc_size(1);
/* kmalloc() from the kmalloc cache @s for a request of @size bytes (what
 * kmalloc() does once it picked the cache; slab tests call it directly) */
void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t flags, size_t size)
	__kh_malloc __kh_alloc_size(3);
void *__kmalloc_large(size_t size, gfp_t flags) __kh_malloc __kh_alloc_size(1);
void *__kmalloc_large_node(size_t size, gfp_t flags, int node) __kh_malloc __kh_alloc_size(1);
void *krealloc(const void *objp, size_t new_size, gfp_t flags) __kh_must_check __kh_alloc_size(2);
void kfree(const void *objp);
void kfree_sensitive(const void *objp);
size_t ksize(const void *objp);
size_t __ksize(const void *objp);
size_t kmalloc_size_roundup(size_t size);
void kfree_bulk(size_t size, void **p);

void *kvmalloc_node(size_t size, gfp_t flags, int node) __kh_malloc __kh_alloc_size(1);
void *kvrealloc(const void *p, size_t size, gfp_t flags) __kh_must_check __kh_alloc_size(2);
void kvfree(const void *addr);
void kvfree_sensitive(const void *addr, size_t len);

#ifdef __cplusplus
}
#endif

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kzalloc_node(size_t size, gfp_t flags, int node)
{
	return kmalloc_node(size, flags | __GFP_ZERO, node);
}

/* n * size, or NULL when it overflows (check_mul_overflow). */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kmalloc_array_node(size_t n, size_t size, gfp_t flags,
				       int node)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc_node(bytes, flags, node);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void *kcalloc_node(size_t n, size_t size, gfp_t flags, int node)
{
	return kmalloc_array_node(n, size, flags | __GFP_ZERO, node);
}

static inline __kh_must_check void *krealloc_array(void *p, size_t new_n,
						size_t new_size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(new_n, new_size, &bytes))
		return NULL;
	return krealloc(p, bytes, flags);
}

static inline void *kvmalloc(size_t size, gfp_t flags)
{
	return kvmalloc_node(size, flags, NUMA_NO_NODE);
}

static inline void *kvzalloc(size_t size, gfp_t flags)
{
	return kvmalloc(size, flags | __GFP_ZERO);
}

static inline void *kvzalloc_node(size_t size, gfp_t flags, int node)
{
	return kvmalloc_node(size, flags | __GFP_ZERO, node);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc(bytes, flags);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	return kvmalloc_array(n, size, flags | __GFP_ZERO);
}

/*
 * alloc_hooks() wraps an allocation for memory allocation profiling
 * (<linux/alloc_tag.h>, which the kernel's slab.h includes); without
 * CONFIG_MEM_ALLOC_PROFILING it is the allocation itself.
 */
#ifndef alloc_hooks
#define alloc_hooks(_do_alloc)	(_do_alloc)
#endif

/*
 * kmalloc_track_caller(size, flags) is kmalloc() for a helper that
 * allocates on its caller's behalf (as kstrdup() does): the kmalloc
 * tracepoint and slub_debug's alloc track name the helper's caller.
 */
void *__kmalloc_node_track_caller(size_t size, gfp_t flags, int node,
				  unsigned long caller) __kh_malloc __kh_alloc_size(1);
#define kmalloc_track_caller(size, flags)				\
	__kmalloc_node_track_caller(size, flags, NUMA_NO_NODE,		\
		(unsigned long)__builtin_return_address(0))
#define kmalloc_node_track_caller(size, flags, node)			\
	__kmalloc_node_track_caller(size, flags, node,			\
		(unsigned long)__builtin_return_address(0))

/*
 * kfree_rcu(ptr, rhf) frees @ptr after an RCU grace period; @rhf is the
 * name of its struct rcu_head member (liburcu's struct rcu_head, from
 * <urcu/urcu-memb.h>: kheap's grace periods are liburcu's memb flavour, so
 * readers use urcu_memb_read_lock()/unlock()).  kfree_rcu_mightsleep(ptr)
 * needs no rcu_head: it may wait for a grace period when memory is short.
 * Objects are queued per CPU and freed in bulk after a grace period;
 * kvfree_rcu_barrier() waits until every object queued so far is freed.
 * The kernel keeps these in <linux/rcupdate.h>; kheap ships only mm headers.
 */
struct rcu_head;
/*
 * The kernel's slab.h brings rcu_read_lock() and friends with it (through
 * percpu-refcount.h); kheap's brings the project's <linux/rcupdate.h> when
 * there is one, and defines none of those names itself.
 */
#if __has_include(<linux/rcupdate.h>)
#include <linux/rcupdate.h>
#endif
#ifdef __cplusplus
extern "C" {
#endif
void kvfree_call_rcu(struct rcu_head *head, void *ptr);
void kvfree_rcu_barrier(void);
#ifdef __cplusplus
}
#endif

#define kvfree_rcu_arg_2(ptr, rhf)					\
do {									\
	__typeof__(ptr) ___p = (ptr);					\
									\
	if (___p) {							\
		KHEAP_STATIC_ASSERT(__builtin_offsetof(__typeof__(*(ptr)), rhf) < 4096, \
			       "rcu_head too far into the object");	\
		kvfree_call_rcu((struct rcu_head *)&((___p)->rhf), (void *)(___p)); \
	}								\
} while (0)

#define kvfree_rcu_arg_1(ptr)						\
do {									\
	__typeof__(ptr) ___p = (ptr);					\
									\
	if (___p)							\
		kvfree_call_rcu(NULL, (void *)(___p));			\
} while (0)

#define kfree_rcu(ptr, rhf)		kvfree_rcu_arg_2(ptr, rhf)
#define kvfree_rcu(ptr, rhf)		kvfree_rcu_arg_2(ptr, rhf)
#define kfree_rcu_mightsleep(ptr)	kvfree_rcu_arg_1(ptr)
#define kvfree_rcu_mightsleep(ptr)	kvfree_rcu_arg_1(ptr)

#include <linux/string.h>

#endif /* _LINUX_SLAB_H */
