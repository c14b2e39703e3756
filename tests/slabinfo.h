/* SPDX-License-Identifier: MIT */
/*
 * slabinfo.h - test helper: read one cache's line of kheap's /proc/slabinfo
 * view (version 2.1 format) into numbers, SLAB's tunables included.
 */
#ifndef KHEAP_TEST_SLABINFO_H
#define KHEAP_TEST_SLABINFO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kheap/kheap.h>

struct slabinfo_line {
	unsigned long active_objs, num_objs;
	unsigned int objsize, objperslab, pagesperslab;
	unsigned long active_slabs, num_slabs;
	unsigned int limit, batchcount, shared;	/* tunables (SLAB's; 0 on SLUB) */
	unsigned long shared_avail;		/* slabdata's sharedavail */
};

/* Fill @out from the line of cache @name; false if it is not listed. */
static inline bool slabinfo_get(const char *name, struct slabinfo_line *out)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found = false;

	kheap_proc_show("slabinfo", f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char n[64];

		if (sscanf(line, "%63s %lu %lu %u %u %u : tunables %u %u %u : slabdata %lu %lu %lu",
			   n, &out->active_objs, &out->num_objs, &out->objsize,
			   &out->objperslab, &out->pagesperslab, &out->limit,
			   &out->batchcount, &out->shared, &out->active_slabs,
			   &out->num_slabs, &out->shared_avail) == 12 &&
		    !strcmp(n, name)) {
			found = true;
			break;
		}
	}
	free(buf);
	return found;
}

#endif
