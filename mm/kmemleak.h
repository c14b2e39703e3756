/* SPDX-License-Identifier: MIT */
/*
 * mm/kmemleak.h - the leak scan (mm/kmemleak.c); the public calls
 * are kheap_kmemleak_scan() (kheap/kheap.h) and <linux/kmemleak.h>.
 */
#ifndef _KHEAP_DEBUG_KMEMLEAK_H
#define _KHEAP_DEBUG_KMEMLEAK_H

#include <stdbool.h>
#include "lib/lock.h"

extern bool kmemleak_scan_at_exit;		/* option */
extern kh_lock_t kmemleak_lock;			/* marks, reports, a scan */
extern const struct kheap_layer kmemleak_layer;	/* init: atexit scan */

#endif /* _KHEAP_DEBUG_KMEMLEAK_H */
