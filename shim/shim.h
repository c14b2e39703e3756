/* SPDX-License-Identifier: MIT */
/*
 * shim/shim.h - what the malloc shim's two files share (libkheap-malloc.so
 * only; nothing in libkheap includes this).
 */
#ifndef _KHEAP_SHIM_H
#define _KHEAP_SHIM_H

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
