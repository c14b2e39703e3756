/* SPDX-License-Identifier: MIT */
/*
 * tools/trace/map.h - a map from a recorded pointer (or pfn) to a number,
 * for the trace parser and the replay: open addressing with linear
 * probing, twice as many slots as keys, backward-shift deletion (no
 * tombstones, so a long replay does not slow down).  Key 0 marks an empty
 * slot: callers never store key 0 (a NULL pointer is never live).
 */
#ifndef _KHEAP_TOOLS_TRACE_MAP_H
#define _KHEAP_TOOLS_TRACE_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct u64_map {
	uint64_t *key;
	uint64_t *val;
	size_t cap, n;			/* cap: a power of two, or 0 */
};

static inline size_t u64_map_slot(const struct u64_map *m, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 17) & (m->cap - 1);

	while (m->key[i] && m->key[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static inline bool u64_map_get(const struct u64_map *m, uint64_t key,
			       uint64_t *val)
{
	size_t i;

	if (!m->cap || !key)
		return false;
	i = u64_map_slot(m, key);
	if (!m->key[i])
		return false;
	*val = m->val[i];
	return true;
}

/* Insert or replace; -1 when out of memory. */
static inline int u64_map_put(struct u64_map *m, uint64_t key, uint64_t val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct u64_map old = *m;

		m->cap = old.cap ? 2 * old.cap : 1024;
		m->key = calloc(m->cap, sizeof(*m->key));
		m->val = calloc(m->cap, sizeof(*m->val));
		if (!m->key || !m->val) {
			free(m->key);
			free(m->val);
			*m = old;
			return -1;
		}
		m->n = 0;
		for (size_t j = 0; j < old.cap; j++)
			if (old.key[j])
				u64_map_put(m, old.key[j], old.val[j]);
		free(old.key);
		free(old.val);
	}
	i = u64_map_slot(m, key);
	if (!m->key[i])
		m->n++;
	m->key[i] = key;
	m->val[i] = val;
	return 0;
}

/* Remove @key; true (and its value in *val) if it was there. */
static inline bool u64_map_take(struct u64_map *m, uint64_t key, uint64_t *val)
{
	size_t i, j;

	if (!m->cap || !key)
		return false;
	i = u64_map_slot(m, key);
	if (!m->key[i])
		return false;
	*val = m->val[i];
	m->key[i] = 0;
	m->n--;
	/* move back each key of the cluster after it that may now be lost */
	for (j = (i + 1) & (m->cap - 1); m->key[j]; j = (j + 1) & (m->cap - 1)) {
		size_t home = (size_t)((m->key[j] * 0x9E3779B97F4A7C15ULL) >> 17) &
			      (m->cap - 1);

		/* j's key stays unless the hole i lies between home and j */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			m->key[i] = m->key[j];
			m->val[i] = m->val[j];
			m->key[j] = 0;
			i = j;
		}
	}
	return true;
}

static inline void u64_map_free(struct u64_map *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

#endif /* _KHEAP_TOOLS_TRACE_MAP_H */
