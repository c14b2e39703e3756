/* SPDX-License-Identifier: MIT */
/*
 * linux/slab.h - the slab allocator's API with v6.12's names: object caches
 * (kmem_cache_*), struct kmem_cache_args, the SLAB_* flags with the kernel's
 * values, and kmem_cache_create() in both its classic five-argument form and
 * the 6.12 form taking a struct kmem_cache_args, chosen by _Generic as the
 * kernel does.
 *
 * struct kmem_cache is opaque here (its fields are private to kheap's SLUB).
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

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags) __malloc;
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node) __malloc;
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
	struct kmem_cache_args kmem_args = { 0 };

	kmem_args.align = align;
	kmem_args.ctor = ctor;
	return __kmem_cache_create_args(name, size, &kmem_args, flags);
}

static inline struct kmem_cache *
__kmem_cache_default_args(const char *name, unsigned int size,
			  struct kmem_cache_args *args, slab_flags_t flags)
{
	struct kmem_cache_args kmem_default_args = { 0 };

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
	struct kmem_cache_args kmem_args = { 0 };

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

#endif /* _LINUX_SLAB_H */
