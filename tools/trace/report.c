// SPDX-License-Identifier: MIT
/*
 * tools/trace/report.c - what replays found, in words and in pictures.
 *
 *   replay_print()            one replay, for a person;
 *   replay_result_write/read  one replay as lines of "key values", which
 *                             `kheap trace compare` reads back from each
 *                             replay it runs in a process of its own;
 *   compare_table()           several replays side by side, each figure
 *                             also as a ratio to the first column's;
 *   compare_html()            the same table and plots over trace time as
 *                             inline SVG in one HTML file that needs
 *                             nothing else to open (no script, no font,
 *                             no network): memory in use, RSS, slab memory
 *                             of the busiest caches, slab utilisation and
 *                             unusable_index, one line per strategy.
 */
#define _GNU_SOURCE
#include "tools/trace/trace.h"
#include "tools/trace/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers for people ---- */

static const char *bytes_str(char *buf, size_t len, double b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (fabs(b) >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", b);
	else
		snprintf(buf, len, "%.1f %s", b, unit[u]);
	return buf;
}

static const char *time_str(char *buf, size_t len, double ns)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.2f s", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else
		snprintf(buf, len, "%.0f ns", ns);
	return buf;
}

static double permille(uint64_t part, uint64_t whole)
{
	return whole ? 1000.0 * (double)part / (double)whole : 0;
}

/* ---- one replay ---- */

void replay_print(FILE *out, const struct replay_result *res,
		  const struct trace_input *in)
{
	char a[32], b[32], c[32];
	const struct replay_sample *f = &res->final;
	uint64_t ftotal = f->slab + f->pages + f->vmalloc;
	uint64_t calls = res->replayed ? res->replayed : 1;
	int lowest_util = 1000;

	for (size_t i = 0; i < res->nr_samples; i++) {
		const struct replay_sample *s = &res->samples[i];
		int u = (int)permille(s->slab_req, s->slab_bytes);

		if (s->slab_bytes && u < lowest_util)
			lowest_util = u;
	}
	fprintf(out, "replayed %" PRIu64 " events (%s of trace time) of %s%s%s, options \"%s\"\n",
		res->events, time_str(a, sizeof(a), (double)res->span_ns),
		in->binary ? "a kheap trace of " : "a text trace",
		in->binary ? in->comm : "", in->binary ? "" : "",
		res->cmdline);
	fprintf(out, "run time: %s in %" PRIu64 " allocator calls (%.0f ns per call)\n",
		time_str(a, sizeof(a), (double)res->run_ns), res->replayed,
		(double)res->run_ns / (double)calls);
	fprintf(out, "\n%-26s %12s %12s\n", "memory", "peak", "final");
	fprintf(out, "%-26s %12s %12s\n", "  in use (slab+pages+vm)",
		bytes_str(a, sizeof(a), (double)res->peak_total),
		bytes_str(b, sizeof(b), (double)ftotal));
	fprintf(out, "%-26s %12s %12s\n", "  slab (meminfo Slab)",
		bytes_str(a, sizeof(a), (double)res->peak_slab),
		bytes_str(b, sizeof(b), (double)f->slab));
	fprintf(out, "%-26s %12s %12s\n", "  pages (alloc_pages)",
		bytes_str(a, sizeof(a), (double)res->peak_pages),
		bytes_str(b, sizeof(b), (double)f->pages));
	fprintf(out, "%-26s %12s %12s\n", "  vmalloc",
		bytes_str(a, sizeof(a), (double)res->peak_vmalloc),
		bytes_str(b, sizeof(b), (double)f->vmalloc));
	fprintf(out, "%-26s %12s %12s\n", "  RSS above start (sampled)",
		bytes_str(a, sizeof(a), (double)res->peak_rss),
		bytes_str(b, sizeof(b), (double)f->rss));
	fprintf(out, "%-26s %12s %12s\n", "live bytes requested",
		bytes_str(a, sizeof(a), (double)res->peak_req),
		bytes_str(b, sizeof(b), (double)f->req));
	fprintf(out, "%-26s %12s %12s\n", "live bytes allocated",
		bytes_str(a, sizeof(a), (double)res->peak_alloc),
		bytes_str(b, sizeof(b), (double)f->alloc));
	fprintf(out, "internal fragmentation (allocated - requested): %s at the peak (%.1f%% of allocated), %s at the end\n",
		bytes_str(a, sizeof(a), (double)res->waste_at_peak),
		permille(res->waste_at_peak, res->peak_alloc) / 10,
		bytes_str(b, sizeof(b), (double)(f->alloc - f->req)));
	if (f->slab_bytes)
		fprintf(out, "slab utilisation (requested bytes in slab objects / slab pages): %.1f%% at the end, %.1f%% at the lowest sample\n",
			permille(f->slab_req, f->slab_bytes) / 10,
			res->nr_samples ? lowest_util / 10.0 : 0);
	else
		fprintf(out, "slab utilisation: n/a (no slab pages counted per cache)\n");
	for (int i = 0; i < REPLAY_ORDERS; i++) {
		int hi = 0;

		for (size_t k = 0; k < res->nr_samples; k++)
			if (res->samples[k].unusable[i] > hi)
				hi = res->samples[k].unusable[i];
		fprintf(out, "unusable_index, order %u: %d.%03d at the end, %d.%03d at the highest sample\n",
			REPLAY_ORDER(i), f->unusable[i] / 1000,
			f->unusable[i] % 1000, hi / 1000, hi % 1000);
	}
	if (res->nr_caches) {
		size_t order[REPLAY_MAX_CACHES];

		fprintf(out, "\n%-28s %12s %12s %13s\n", "cache (kheap's)",
			"peak slab", "final slab", "peak objects");
		compare_cache_order(res, order);
		for (size_t k = 0; k < res->nr_caches && k < 20; k++) {
			const struct replay_cache *rc = &res->caches[order[k]];

			if (!rc->peak_bytes)
				break;
			fprintf(out, "%-28.28s %12s %12s %13" PRIu64 "\n", rc->name,
				bytes_str(a, sizeof(a), (double)rc->peak_bytes),
				bytes_str(b, sizeof(b), (double)rc->final_bytes),
				rc->peak_objects);
		}
	}
	fprintf(out, "\nevents not replayed:\n");
	for (int i = 0; i < RS_NR; i++)
		if (res->skipped[i])
			fprintf(out, "  %10" PRIu64 "  %s\n", res->skipped[i],
				replay_skip_name((enum replay_skip)i));
	for (int i = 0; i < TIP_NR; i++)
		if (in->problems[i])
			fprintf(out, "  %10" PRIu64 "  input lines: %s\n",
				in->problems[i],
				trace_problem_name((enum trace_input_problem)i));
	if (res->oom_event[0])
		fprintf(out, "first allocation out of memory: %s\n", res->oom_event);
	(void)c;
}

/* ---- one replay as text, and back ---- */

#define SAMPLE_FMT "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 \
	" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %d"
#define SAMPLE_ARGS(s) (s)->ts, (s)->events, (s)->slab, (s)->pages, \
	(s)->vmalloc, (s)->rss, (s)->req, (s)->alloc, (s)->slab_req, \
	(s)->slab_bytes, (s)->unusable[0], (s)->unusable[1]
#define SAMPLE_SCAN "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 \
	" %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %d %d"
#define SAMPLE_PTRS(s) &(s)->ts, &(s)->events, &(s)->slab, &(s)->pages, \
	&(s)->vmalloc, &(s)->rss, &(s)->req, &(s)->alloc, &(s)->slab_req, \
	&(s)->slab_bytes, &(s)->unusable[0], &(s)->unusable[1]

void replay_result_write(FILE *out, const struct replay_result *res)
{
	fprintf(out, "kheap-replay 1\n");
	fprintf(out, "cmdline %s\n", res->cmdline);
	fprintf(out, "counts %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		res->events, res->replayed, res->run_ns, res->span_ns);
	for (int i = 0; i < RS_NR; i++)
		fprintf(out, "skip %d %" PRIu64 "\n", i, res->skipped[i]);
	fprintf(out, "peak %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		" %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", res->peak_total,
		res->peak_slab, res->peak_pages, res->peak_vmalloc,
		res->peak_req, res->peak_alloc, res->peak_rss,
		res->waste_at_peak);
	fprintf(out, "final " SAMPLE_FMT "\n", SAMPLE_ARGS(&res->final));
	if (res->oom_event[0])
		fprintf(out, "oom %s\n", res->oom_event);
	for (size_t i = 0; i < res->nr_samples; i++)
		fprintf(out, "sample " SAMPLE_FMT "\n", SAMPLE_ARGS(&res->samples[i]));
	for (size_t k = 0; k < res->nr_caches; k++) {
		const struct replay_cache *c = &res->caches[k];

		fprintf(out, "cache %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n",
			c->peak_bytes, c->final_bytes, c->peak_objects, c->name);
	}
	for (size_t i = 0; i < res->nr_samples; i++)
		for (size_t k = 0; k < res->nr_caches; k++)
			if (res->cache_bytes[i * REPLAY_MAX_CACHES + k])
				fprintf(out, "cachebytes %zu %zu %" PRIu64 "\n", i, k,
					res->cache_bytes[i * REPLAY_MAX_CACHES + k]);
	fprintf(out, "end\n");
}

static char *rest_of(char *line, const char *key)
{
	size_t n = strlen(key);
	char *nl;

	if (strncmp(line, key, n) || line[n] != ' ')
		return NULL;
	nl = strchr(line, '\n');
	if (nl)
		*nl = 0;
	return line + n + 1;
}

int replay_result_read(FILE *in, struct replay_result *res)
{
	char line[1024], *v;
	size_t cap = 0;
	bool ended = false;

	memset(res, 0, sizeof(*res));
	if (!fgets(line, sizeof(line), in) || strcmp(line, "kheap-replay 1\n"))
		return -1;
	while (fgets(line, sizeof(line), in)) {
		if (!strcmp(line, "end\n")) {
			ended = true;
			break;
		}
		if ((v = rest_of(line, "cmdline"))) {
			snprintf(res->cmdline, sizeof(res->cmdline), "%.511s", v);
		} else if ((v = rest_of(line, "counts"))) {
			sscanf(v, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			       &res->events, &res->replayed, &res->run_ns,
			       &res->span_ns);
		} else if ((v = rest_of(line, "skip"))) {
			int i;
			uint64_t n;

			if (sscanf(v, "%d %" SCNu64, &i, &n) == 2 && i >= 0 && i < RS_NR)
				res->skipped[i] = n;
		} else if ((v = rest_of(line, "peak"))) {
			sscanf(v, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			       " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			       &res->peak_total, &res->peak_slab, &res->peak_pages,
			       &res->peak_vmalloc, &res->peak_req,
			       &res->peak_alloc, &res->peak_rss,
			       &res->waste_at_peak);
		} else if ((v = rest_of(line, "final"))) {
			sscanf(v, SAMPLE_SCAN, SAMPLE_PTRS(&res->final));
		} else if ((v = rest_of(line, "oom"))) {
			snprintf(res->oom_event, sizeof(res->oom_event), "%.255s", v);
		} else if ((v = rest_of(line, "sample"))) {
			if (res->nr_samples == cap) {
				size_t ncap = cap ? 2 * cap : 256;
				struct replay_sample *s = realloc(res->samples,
								  ncap * sizeof(*s));
				uint64_t *cb = realloc(res->cache_bytes, ncap *
						       REPLAY_MAX_CACHES * sizeof(*cb));

				if (!s || !cb) {
					free(s);
					return -1;
				}
				memset(cb + cap * REPLAY_MAX_CACHES, 0,
				       (ncap - cap) * REPLAY_MAX_CACHES * sizeof(*cb));
				res->samples = s;
				res->cache_bytes = cb;
				cap = ncap;
			}
			if (sscanf(v, SAMPLE_SCAN,
				   SAMPLE_PTRS(&res->samples[res->nr_samples])) == 12)
				res->nr_samples++;
		} else if ((v = rest_of(line, "cache"))) {
			struct replay_cache *c = &res->caches[res->nr_caches];
			int off = 0;

			if (res->nr_caches < REPLAY_MAX_CACHES &&
			    sscanf(v, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %n",
				   &c->peak_bytes, &c->final_bytes,
				   &c->peak_objects, &off) == 3 && off) {
				snprintf(c->name, sizeof(c->name), "%s", v + off);
				res->nr_caches++;
			}
		} else if ((v = rest_of(line, "cachebytes"))) {
			size_t i, k;
			uint64_t n;

			if (sscanf(v, "%zu %zu %" SCNu64, &i, &k, &n) == 3 &&
			    i < res->nr_samples && k < REPLAY_MAX_CACHES)
				res->cache_bytes[i * REPLAY_MAX_CACHES + k] = n;
		}
	}
	return ended ? 0 : -1;
}

/* Indexes of res->caches, largest peak slab memory first. */
static const struct replay_result *sort_res;

static int by_peak(const void *a, const void *b)
{
	uint64_t x = sort_res->caches[*(const size_t *)a].peak_bytes;
	uint64_t y = sort_res->caches[*(const size_t *)b].peak_bytes;

	return x < y ? 1 : x > y ? -1 : 0;
}

void compare_cache_order(const struct replay_result *res, size_t *order)
{
	for (size_t k = 0; k < res->nr_caches; k++)
		order[k] = k;
	sort_res = res;
	qsort(order, res->nr_caches, sizeof(*order), by_peak);
}
