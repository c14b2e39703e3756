/* SPDX-License-Identifier: MIT */
/*
 * shim/shim.h - what the malloc shim's two files share, with the tool
 * (where a process publishes its views) and with the fuzzing target (the
 * entry points' names).  Nothing in libkheap includes this.
 */
#ifndef _KHEAP_SHIM_H
#define _KHEAP_SHIM_H

#ifdef KHEAP_SHIM_FUZZ
/*
 * ---- malloc.c built with KHEAP_SHIM_FUZZ: its entry points under the
 * names tests/fuzz/fuzz_malloc.c calls (SHIM_ENTRY) ----
 */
#include <malloc.h>
#include <stddef.h>
void *fuzz_shim_malloc(size_t size);
void fuzz_shim_free(void *p);
void *fuzz_shim_calloc(size_t n, size_t size);
void *fuzz_shim_realloc(void *p, size_t size);
void *fuzz_shim_reallocarray(void *p, size_t n, size_t size);
int fuzz_shim_posix_memalign(void **res, size_t align, size_t size);
void *fuzz_shim_aligned_alloc(size_t align, size_t size);
void *fuzz_shim_memalign(size_t align, size_t size);
void *fuzz_shim_valloc(size_t size);
void *fuzz_shim_pvalloc(size_t size);
size_t fuzz_shim_malloc_usable_size(void *p);
int fuzz_shim_malloc_trim(size_t pad);
struct mallinfo2 fuzz_shim_mallinfo2(void);
struct mallinfo fuzz_shim_mallinfo(void);
#endif

/* ---- publish.c: serving the views to `kheap VIEW --pid PID` ---- */
/* Start the publisher thread (kheap.publish=1); idempotent, 0 or -errno. */
int shim_publish_start(void);
/* Remove the socket if this process created it (called at exit). */
void shim_publish_stop(void);

/*
 * Where process @pid of user @uid serves its views: $XDG_RUNTIME_DIR (a 0700
 * directory of the user's, by the XDG spec) when @xdg is set and absolute,
 * else the 0700 directory /tmp/kheap-UID.  @dir gets the directory, @path
 * the socket; false if they do not fit.  Shared with tools/kheap.c.
 */
#include <stdio.h>
#include <stdbool.h>

/* The longest view name a client may request ("slab/CACHE/alloc_traces"). */
#define KHEAP_VIEW_NAME_MAX	200

static inline bool kheap_socket_path(char *dir, char *path, size_t len,
				     const char *xdg, unsigned int uid, int pid)
{
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(dir, len, "%s", xdg);
	else
		n = snprintf(dir, len, "/tmp/kheap-%u", uid);
	if (n < 0 || (size_t)n >= len)
		return false;
	n = snprintf(path, len, "%s/kheap-%d.sock", dir, pid);
	return n > 0 && (size_t)n < len && n < 108;	/* sun_path */
}

#endif /* _KHEAP_SHIM_H */
