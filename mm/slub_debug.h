/* SPDX-License-Identifier: MIT */
/*
 * mm/slub_debug.h - SLUB object debugging (mm/slub_debug.c): the
 * slab_debug= option, and the hooks slub.c calls for caches with debug
 * flags.  Caches without them never reach any of these (slub.c tests
 * kmem_cache_debug() on its slow paths only).
 */
#ifndef _KHEAP_DEBUG_SLUB_DEBUG_H
#define _KHEAP_DEBUG_SLUB_DEBUG_H

struct kmem_cache;
struct slab;
struct track;
enum track_item;

/* the global flags slab_debug= set (mempool.c poisons pools by them) */
extern slab_flags_t slub_debug;

/* params.c */
int slub_debug_parse(const char *val);
void slub_debug_show(char *buf, size_t len);

/* slab_common.c: kmem_cache_flags() */
slab_flags_t slub_debug_flags(slab_flags_t flags, const char *name);
bool slub_debug_disable_higher_order(void);

/* slub.c, with n->list_lock held */
void setup_slab_debug(struct kmem_cache *s, struct slab *slab);
bool alloc_debug_processing(struct kmem_cache *s, struct slab *slab,
			    void *object, unsigned int orig_size);
bool free_debug_processing(struct kmem_cache *s, struct slab *slab,
			   void *object, const struct track *t);
void set_track(struct kmem_cache *s, void *object, enum track_item alloc,
	       const struct track *t);
int validate_slab(struct kmem_cache *s, struct slab *slab);
void list_slab_objects(struct kmem_cache *s, struct slab *slab,
		       const char *text);
void slub_debug_print_slab_info(const struct slab *slab);

/* reports: a slab's (BUG header, slab words, backtrace); KUnit counting */
void slab_err(struct kmem_cache *s, struct slab *slab, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool slab_add_kunit_errors(void);

/* slub.c, with no lock held (backtrace() may allocate the first time) */
void slub_debug_capture_track(struct track *t, unsigned long addr);

/* slab_common.c: __ksize() lets the caller use the whole object */
void skip_orig_size_check(struct kmem_cache *s, const void *object);

/* kmemleak */
const struct track *slub_debug_alloc_track(struct kmem_cache *s, void *object);
void slub_debug_print_stack(const struct track *t, const char *indent);

/* slub.c: a corrupted free pointer found by freelist hardening (any cache) */
void slab_report_freechain_corrupt(struct kmem_cache *s, struct slab *slab,
				   void *object);

/* slab_common.c, shim: a double free found by the double free check */
void slab_report_already_free(struct kmem_cache *s, struct slab *slab,
			      void *object);

/* reports printed, and errors counted by KUnit tests, so far (tests) */
unsigned long slub_debug_reports(void);

#endif /* _KHEAP_DEBUG_SLUB_DEBUG_H */
