/* SPDX-License-Identifier: MIT */
/*
 * kheap/trace.h - recording every allocator event to a file, and that
 * file's format.
 *
 * kheap_trace_start(path) records the kmem events the kernel's tracepoints
 * report (include/trace/events/kmem.h in Linux v6.12: kmalloc, kfree,
 * kmem_cache_alloc, kmem_cache_free, mm_page_alloc, mm_page_free), plus the
 * calls the kernel has no kmem tracepoint for (vmalloc, vfree, an in-place
 * krealloc, kmem_cache_create, kmem_cache_destroy), until
 * kheap_trace_stop().  `kheap trace text FILE` prints a recording as the
 * kernel's ftrace text; `kheap trace replay` and `kheap trace compare` run
 * it again under other options.
 *
 * The file (all integers little-endian, as the host writes them):
 *
 *   struct kheap_trace_header                     once, at offset 0
 *   { struct kheap_trace_chunk, payload } ...     to the end of the file
 *
 * A chunk of events holds nr events of one stream in the order they were
 * recorded (timestamps never decrease within a stream's chunks); its cpu
 * field names the stream: in version 3 a recording thread's (another
 * thread may go on in it after the first exits, and the records name
 * their CPU), in versions 1 and 2 a CPU's.  Chunks of different streams
 * interleave in the file, so a reader merges them by timestamp.  A chunk
 * whose cpu is KHEAP_TRACE_META holds one metadata record (a cache, a
 * call site, a thread's name, a clock pair), written
 * before any event that refers to it is.  A file cut short (the program
 * was killed) is valid up to its last whole event.
 *
 * Events in versions 2 and 3 are packed (10 to 20 bytes for most, where
 * the struct kheap_trace_event readers unpack them into is 64), so a long
 * run writes less.  Each chunk starts from ts = first_ns, ptr = 0, tid = 0,
 * an unknown CPU, and each record is
 *
 *   u8      type | KHEAP_TRACE_R_* bits
 *   varint  ts - previous ts
 *   varint  tid                        if KHEAP_TRACE_R_TID
 *   varint  cpu                        if KHEAP_TRACE_R_CPU (version 3;
 *                                      a chunk's first record has it)
 *   varint  zigzag(ptr - previous ptr)
 *   varint  call site id (KHEAP_TRACE_META_SYMBOL's), or with
 *           KHEAP_TRACE_R_RAW_SITE the address itself,
 *                                      if KHEAP_TRACE_F_SITE
 *   varint  bytes_req, varint bytes_alloc   if KHEAP_TRACE_F_SIZES
 *   varint  gfp                        if KHEAP_TRACE_F_GFP
 *   varint  cache id                   if KHEAP_TRACE_F_CACHE
 *   u8      order                      if KHEAP_TRACE_F_ORDER
 *   s8      migratetype                if KHEAP_TRACE_F_MT
 *
 * with the fields of each type given by kheap_trace_fields(); a varint is
 * 7 bits a byte, low bits first, the top bit set on all but the last, and
 * zigzag(d) is (d << 1) ^ (d >> 63).  Version 2 (a CPU's chunks, no CPU
 * in the records) and version 1 (each event a struct kheap_trace_event as
 * is) are still read.
 */
#ifndef _KHEAP_TRACE_H
#define _KHEAP_TRACE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KHEAP_TRACE_MAGIC	"KHEAPTRC"	/* 8 bytes, no NUL */
#define KHEAP_TRACE_VERSION	3	/* versions 1 and 2 are read too */
#define KHEAP_TRACE_CHUNK_MAGIC	0x4b434854u	/* "THCK" */
#define KHEAP_TRACE_META	0xffffffffu	/* chunk cpu of a metadata record */

struct kheap_trace_header {
	char magic[8];			/* KHEAP_TRACE_MAGIC */
	uint32_t version;		/* KHEAP_TRACE_VERSION */
	uint32_t header_size;		/* sizeof(struct kheap_trace_header) */
	uint32_t event_size;		/* version 1: sizeof(struct
					   kheap_trace_event); 2: the longest
					   packed record */
	uint32_t page_shift;		/* 12 */
	uint32_t nr_cpus;		/* the machine's CPUs */
	int32_t pid;			/* the recorded process */
	uint64_t start_ns;		/* CLOCK_MONOTONIC at kheap_trace_start */
	uint64_t memmap;		/* address of the struct page of pfn 0 */
	char comm[16];			/* its name, NUL-padded */
	uint32_t page_struct_size;	/* sizeof(struct page): page = memmap +
					   pfn * page_struct_size */
	uint32_t clock;			/* KHEAP_TRACE_CLOCK_* of event ts */
};

/* What an event's ts counts. */
#define KHEAP_TRACE_CLOCK_NS	0	/* CLOCK_MONOTONIC nanoseconds */
#define KHEAP_TRACE_CLOCK_TSC	1	/* x86 time-stamp counter cycles; the
					   KHEAP_TRACE_META_CLOCK records pair
					   them with CLOCK_MONOTONIC, and a
					   reader converts by interpolation */
#define KHEAP_TRACE_CLOCK_COUNTER 2	/* events counted across threads,
					   converted as TSC cycles are */
#define KHEAP_TRACE_CLOCK_UPTIME 3	/* CLOCK_MONOTONIC ns at a 1 ms tick */

struct kheap_trace_chunk {
	uint32_t magic;			/* KHEAP_TRACE_CHUNK_MAGIC */
	uint32_t cpu;			/* the stream (version 3) or the CPU
					   (1, 2), or KHEAP_TRACE_META */
	uint32_t size;			/* payload bytes after this header */
	uint32_t nr;			/* records in the payload */
	uint64_t first_ns, last_ns;	/* timestamps of its first, last event */
};

enum kheap_trace_type {
	KHEAP_TRACE_KMALLOC = 1,	/* ptr, bytes_req, bytes_alloc, gfp */
	KHEAP_TRACE_KFREE,		/* ptr (NULL and ZERO_SIZE_PTR too) */
	KHEAP_TRACE_KMEM_CACHE_ALLOC,	/* ptr, cache, bytes_req/alloc, gfp */
	KHEAP_TRACE_KMEM_CACHE_FREE,	/* ptr, cache */
	KHEAP_TRACE_MM_PAGE_ALLOC,	/* pfn, order, gfp, migratetype */
	KHEAP_TRACE_MM_PAGE_FREE,	/* pfn, order */
	KHEAP_TRACE_VMALLOC,		/* ptr, bytes_req, bytes_alloc (pages), gfp */
	KHEAP_TRACE_VFREE,		/* ptr */
	KHEAP_TRACE_KREALLOC,		/* in place: ptr, bytes_req, bytes_alloc */
	KHEAP_TRACE_CACHE_CREATE,	/* cache (ptr: its struct) */
	KHEAP_TRACE_CACHE_DESTROY,	/* cache */
	KHEAP_TRACE_NR_TYPES
};

/* event flags */
#define KHEAP_TRACE_NESTED	0x01	/* a page event inside another call
					   (a new slab, large kmalloc's block,
					   vmalloc's frames): not replayed */

/* version 2: the bits beside the type in a record's first byte */
#define KHEAP_TRACE_R_TYPE	0x0f	/* enum kheap_trace_type */
#define KHEAP_TRACE_R_NESTED	0x10	/* KHEAP_TRACE_NESTED */
#define KHEAP_TRACE_R_TID	0x20	/* a tid follows (another thread) */
#define KHEAP_TRACE_R_RAW_SITE	0x40	/* the call site is an address */
#define KHEAP_TRACE_R_CPU	0x80	/* version 3: a CPU follows (another
					   CPU than the record before's) */
#define KHEAP_TRACE_R_MAX	80	/* bytes a record takes at most */

/* version 2: the fields a record of each type has */
#define KHEAP_TRACE_F_SITE	0x01
#define KHEAP_TRACE_F_SIZES	0x02
#define KHEAP_TRACE_F_GFP	0x04
#define KHEAP_TRACE_F_CACHE	0x08
#define KHEAP_TRACE_F_ORDER	0x10
#define KHEAP_TRACE_F_MT	0x20

static inline unsigned int kheap_trace_fields(unsigned int type)
{
	switch (type) {
	case KHEAP_TRACE_KMALLOC:
	case KHEAP_TRACE_VMALLOC:
		return KHEAP_TRACE_F_SITE | KHEAP_TRACE_F_SIZES | KHEAP_TRACE_F_GFP;
	case KHEAP_TRACE_KMEM_CACHE_ALLOC:
		return KHEAP_TRACE_F_SITE | KHEAP_TRACE_F_SIZES |
		       KHEAP_TRACE_F_GFP | KHEAP_TRACE_F_CACHE;
	case KHEAP_TRACE_KREALLOC:
		return KHEAP_TRACE_F_SITE | KHEAP_TRACE_F_SIZES;
	case KHEAP_TRACE_KFREE:
	case KHEAP_TRACE_VFREE:
		return KHEAP_TRACE_F_SITE;
	case KHEAP_TRACE_KMEM_CACHE_FREE:
	case KHEAP_TRACE_CACHE_DESTROY:
		return KHEAP_TRACE_F_SITE | KHEAP_TRACE_F_CACHE;
	case KHEAP_TRACE_CACHE_CREATE:
		return KHEAP_TRACE_F_SITE | KHEAP_TRACE_F_SIZES |
		       KHEAP_TRACE_F_CACHE;
	case KHEAP_TRACE_MM_PAGE_ALLOC:
		return KHEAP_TRACE_F_GFP | KHEAP_TRACE_F_ORDER | KHEAP_TRACE_F_MT;
	case KHEAP_TRACE_MM_PAGE_FREE:
		return KHEAP_TRACE_F_ORDER;
	default:
		return 0;
	}
}

struct kheap_trace_event {		/* 64 bytes: version 1 on disk */
	uint64_t ts;			/* header.clock's time */
	uint64_t ptr;			/* the object; page events: the pfn */
	uint64_t call_site;		/* the caller's return address */
	uint64_t bytes_req;		/* bytes asked for */
	uint64_t bytes_alloc;		/* bytes handed out */
	uint32_t gfp;			/* gfp_t */
	int32_t tid;			/* the thread */
	uint32_t cache;			/* cache id (KHEAP_TRACE_META_CACHE), or 0 */
	uint16_t cpu;			/* the CPU */
	uint8_t type;			/* enum kheap_trace_type */
	uint8_t flags;			/* KHEAP_TRACE_NESTED */
	uint8_t order;			/* page events */
	int8_t migratetype;		/* mm_page_alloc */
	uint8_t pad[6];
};

/* metadata record types */
enum kheap_trace_meta_type {
	KHEAP_TRACE_META_CACHE = 1,	/* struct kheap_trace_meta_cache */
	KHEAP_TRACE_META_SYMBOL,	/* struct kheap_trace_meta_symbol */
	KHEAP_TRACE_META_THREAD,	/* struct kheap_trace_meta_thread */
	KHEAP_TRACE_META_CLOCK,		/* struct kheap_trace_meta_clock */
};

struct kheap_trace_meta {		/* the first 8 bytes of every record */
	uint16_t type;			/* enum kheap_trace_meta_type */
	uint16_t len;			/* bytes of the record, this included */
	uint32_t id;			/* cache id, or tid */
};

struct kheap_trace_meta_cache {		/* followed by the NUL-ended name */
	struct kheap_trace_meta m;	/* id: the id events carry */
	uint32_t object_size;		/* kmem_cache_create()'s size */
	uint32_t size;			/* the stride, metadata included */
	uint32_t align;			/* alignment */
	uint32_t flags;			/* SLAB_* flags of the cache */
	uint32_t has_ctor;		/* 1: created with a constructor */
	uint32_t pad;
};

struct kheap_trace_meta_symbol {	/* followed by the NUL-ended text */
	struct kheap_trace_meta m;	/* id: what version 2 events carry */
	uint64_t addr;			/* a call site */
};

struct kheap_trace_meta_thread {	/* followed by the NUL-ended name */
	struct kheap_trace_meta m;	/* id: the tid */
};

struct kheap_trace_meta_clock {		/* a clock pair; no text after it */
	struct kheap_trace_meta m;	/* id: 0 */
	uint64_t tsc;			/* the time-stamp counter ... */
	uint64_t ns;			/* ... and CLOCK_MONOTONIC, read together */
};

/**
 * kheap_trace_start - record allocator events to the file @path
 * @path: created or truncated; written as events accumulate
 *
 * Each recording thread appends its events' fields to a 128 KiB buffer
 * of its own, without a lock (buffers made with mmap, not with the
 * allocator being traced; past 127 threads at once the rest share one
 * under a lock), which a writer thread packs and writes to @path as it
 * fills, so memory stays bounded however long the run.  The events are
 * stamped by the trace_clock= option's clock (kheap_init() or
 * $KHEAP_CMDLINE).  Tracing costs nothing but one predictable branch per
 * entry point while it is off.
 *
 * Return: 0, -EBUSY if a trace is being recorded, or a negative errno from
 * creating the file.
 */
int kheap_trace_start(const char *path);

/**
 * kheap_trace_stop - write what the buffers hold and close the file
 *
 * Return: 0, -ENOENT if no trace was being recorded, or a negative errno
 * from writing (the events lost are those of the failed write).
 */
int kheap_trace_stop(void);

#ifdef __cplusplus
}
#endif

#endif /* _KHEAP_TRACE_H */
