/* SPDX-License-Identifier: MIT */
/*
 * tools/trace/report.h - comparing replays (report.c, compare.c).
 */
#ifndef _KHEAP_TOOLS_TRACE_REPORT_H
#define _KHEAP_TOOLS_TRACE_REPORT_H

#include "tools/trace/trace.h"

/* One option set of `kheap trace compare` and what its replay found. */
struct strategy {
	const char *cmdline;		/* its options ("" for the defaults) */
	const char *run;		/* what the replay gets: a global
					   --cmdline, then cmdline */
	struct replay_result res;
	bool ok;			/* the replay ran and reported */
};

/* Indexes of res->caches, the largest peak slab memory first. */
void compare_cache_order(const struct replay_result *res, size_t *order);

/* The side-by-side table, each figure also as a ratio to the first. */
void compare_table(FILE *out, const struct strategy *s, size_t n);

/* The table and the plots as one self-contained HTML page. */
void compare_html(FILE *out, const char *title, const char *common,
		  const struct trace_input *in, const struct strategy *s,
		  size_t n);

#endif /* _KHEAP_TOOLS_TRACE_REPORT_H */
