// SPDX-License-Identifier: MIT
/*
 * tools/trace/compare.c - `kheap trace compare`'s table and HTML report.
 *
 * The table has one column per option set and one row per figure; each
 * figure after the first column also shows its ratio to the first (the
 * first set is the baseline: put the defaults first).  The HTML page has
 * the same table and one SVG plot per figure over trace time, one line
 * per option set, drawn here (polylines, axes with round ticks, a legend)
 * so the page needs nothing to open: no script, no style sheet, no font
 * file, no network.  Each plot is an <svg class="plot"> with a data-title,
 * each line a <polyline class="series"> with a data-label, so a test (or
 * a person with a text editor) can find them.  An option set with no value
 * for a plot (SLOB has no slabinfo, so no slab utilisation) has no line
 * in it, and its legend entry says "(n/a)", as the table does.
 */
#define _GNU_SOURCE
#include "tools/trace/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};
#define NR_COLORS	(sizeof(palette) / sizeof(palette[0]))

static const char *label(const struct strategy *s)
{
	return s->cmdline[0] ? s->cmdline : "(defaults)";
}

/* ---- figures ---- */

enum unit { U_BYTES, U_NS, U_PERMILLE, U_COUNT };

struct figure {
	const char *name;
	enum unit unit;
	double (*get)(const struct replay_result *r);
};

static double f_run(const struct replay_result *r) { return (double)r->run_ns; }
static double f_peak_total(const struct replay_result *r) { return (double)r->peak_total; }
static double f_final_total(const struct replay_result *r)
{
	return (double)(r->final.slab + r->final.pages + r->final.vmalloc);
}
static double f_peak_slab(const struct replay_result *r) { return (double)r->peak_slab; }
static double f_peak_rss(const struct replay_result *r) { return (double)r->peak_rss; }
static double f_peak_req(const struct replay_result *r) { return (double)r->peak_req; }
static double f_peak_alloc(const struct replay_result *r) { return (double)r->peak_alloc; }
static double f_waste(const struct replay_result *r) { return (double)r->waste_at_peak; }
/* NAN: an allocator without slabinfo (the figure is not known) */
static double f_util(const struct replay_result *r)
{
	return r->final.slab_bytes ?
		1000.0 * (double)r->final.slab_req / (double)r->final.slab_bytes : NAN;
}
static double f_unusable3(const struct replay_result *r) { return r->final.unusable[0]; }
static double f_unusable9(const struct replay_result *r) { return r->final.unusable[1]; }
static double f_caches(const struct replay_result *r)
{
	double n = 0;

	for (size_t k = 0; k < r->nr_caches; k++)
		n += r->caches[k].peak_bytes != 0;
	return n;
}
static double f_oom(const struct replay_result *r) { return (double)r->skipped[RS_OUT_OF_MEMORY]; }

static const struct figure figures[] = {
	{ "run time (replayed calls)", U_NS, f_run },
	{ "peak memory in use", U_BYTES, f_peak_total },
	{ "final memory in use", U_BYTES, f_final_total },
	{ "peak slab (meminfo Slab)", U_BYTES, f_peak_slab },
	{ "peak RSS above start", U_BYTES, f_peak_rss },
	{ "peak bytes requested", U_BYTES, f_peak_req },
	{ "peak bytes allocated", U_BYTES, f_peak_alloc },
	{ "internal fragmentation at peak", U_BYTES, f_waste },
	{ "slab utilisation at end", U_PERMILLE, f_util },
	{ "unusable_index order 3 at end", U_PERMILLE, f_unusable3 },
	{ "unusable_index order 9 at end", U_PERMILLE, f_unusable9 },
	{ "caches holding slabs", U_COUNT, f_caches },
	{ "allocations out of memory", U_COUNT, f_oom },
};

static void format_value(char *buf, size_t len, enum unit u, double v)
{
	switch (u) {
	case U_BYTES:
		if (v >= 1 << 30)
			snprintf(buf, len, "%.2f GiB", v / (1 << 30));
		else if (v >= 1 << 20)
			snprintf(buf, len, "%.2f MiB", v / (1 << 20));
		else if (v >= 1 << 10)
			snprintf(buf, len, "%.1f KiB", v / (1 << 10));
		else
			snprintf(buf, len, "%.0f B", v);
		break;
	case U_NS:
		snprintf(buf, len, "%.2f ms", v / 1e6);
		break;
	case U_PERMILLE:
		snprintf(buf, len, "%.3f", v / 1000);
		break;
	case U_COUNT:
		snprintf(buf, len, "%.0f", v);
		break;
	}
}

static void format_cell(char *buf, size_t len, const struct figure *f,
			const struct strategy *s, const struct strategy *base)
{
	char v[32];
	double x, b;

	if (!s->ok) {
		snprintf(buf, len, "(failed)");
		return;
	}
	x = f->get(&s->res);
	if (isnan(x)) {
		snprintf(buf, len, "n/a");
		return;
	}
	format_value(v, sizeof(v), f->unit, x);
	if (s == base || !base->ok) {
		snprintf(buf, len, "%s", v);
		return;
	}
	b = f->get(&base->res);
	if (b > 0 && !isnan(b))
		snprintf(buf, len, "%s (%.2fx)", v, x / b);
	else
		snprintf(buf, len, "%s", v);
}

void compare_table(FILE *out, const struct strategy *s, size_t n)
{
	char cell[64];
	int w = 24;		/* a column: the widest label, 24 at least */

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(label(&s[i])) > w)
			w = (int)strlen(label(&s[i]));
	fprintf(out, "%-32s", "");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %-*s", w, label(&s[i]));
	fputc('\n', out);
	for (size_t f = 0; f < sizeof(figures) / sizeof(figures[0]); f++) {
		fprintf(out, "%-32s", figures[f].name);
		for (size_t i = 0; i < n; i++) {
			format_cell(cell, sizeof(cell), &figures[f], &s[i], &s[0]);
			fprintf(out, " %-*s", w, cell);
		}
		fputc('\n', out);
	}
	fprintf(out, "(ratios are to the first column; trace time %.3f s, %" PRIu64 " events)\n",
		n && s[0].ok ? (double)s[0].res.span_ns / 1e9 : 0.0,
		n && s[0].ok ? s[0].res.events : 0);
}

/* ---- HTML ---- */

static void html_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

/* A round step of about @span / 5: 1, 2 or 5 times a power of ten. */
static double nice_step(double span)
{
	double raw = span / 5, mag, f;

	if (raw <= 0)
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

struct plot {
	const char *title;
	const char *ylabel;
	enum unit unit;
	/* the value of sample @i of strategy @s (false: no value) */
	bool (*get)(const struct strategy *s, size_t i, const void *arg,
		    double *v);
	const void *arg;
};

#define W	720
#define H	300
#define ML	80
#define MR	20
#define MT	44
#define MB	44

static void svg_plot(FILE *out, const struct plot *p, const struct strategy *s,
		     size_t n)
{
	double xmax = 0, ymax = 0, div = 1, xstep, ystep;
	const char *unit = "";
	bool known[n];		/* strategy k has a value in this plot */

	for (size_t k = 0; k < n; k++) {
		known[k] = false;
		if (!s[k].ok)
			continue;
		for (size_t i = 0; i < s[k].res.nr_samples; i++) {
			double v;

			if (!p->get(&s[k], i, p->arg, &v))
				continue;
			known[k] = true;
			if (v > ymax)
				ymax = v;
			if ((double)s[k].res.samples[i].ts / 1e9 > xmax)
				xmax = (double)s[k].res.samples[i].ts / 1e9;
		}
	}
	if (p->unit == U_BYTES) {
		div = ymax >= 1 << 30 ? 1 << 30 : ymax >= 1 << 20 ? 1 << 20 :
		      ymax >= 1 << 10 ? 1 << 10 : 1;
		unit = div == 1 << 30 ? "GiB" : div == 1 << 20 ? "MiB" :
		       div == 1 << 10 ? "KiB" : "bytes";
	} else if (p->unit == U_PERMILLE) {
		div = 1000;
	}
	ymax /= div;
	if (ymax <= 0)
		ymax = 1;
	if (xmax <= 0)
		xmax = 1;
	ystep = nice_step(ymax);
	ymax = ceil(ymax / ystep) * ystep;
	xstep = nice_step(xmax);
	xmax = ceil(xmax / xstep) * xstep;

	fprintf(out, "<svg class=\"plot\" data-title=\"");
	html_escape(out, p->title);
	fprintf(out, "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n",
		W, H + 18 * (int)((n + 2) / 3), W, H + 18 * (int)((n + 2) / 3));
	fprintf(out, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">", ML);
	html_escape(out, p->title);
	fprintf(out, "</text>\n");
	/* axes and grid */
	fprintf(out, "<g class=\"axes\" stroke=\"#999\" stroke-width=\"1\">\n");
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", ML, MT, ML, H - MB);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", ML, H - MB, W - MR, H - MB);
	fprintf(out, "</g>\n<g class=\"ticks\">\n");
	for (double y = 0; y <= ymax + ystep / 2; y += ystep) {
		double py = H - MB - (y / ymax) * (H - MT - MB);

		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
			ML + 1, py, W - MR, py);
		fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
			ML - 6, py + 4, y);
	}
	for (double x = 0; x <= xmax + xstep / 2; x += xstep) {
		double px = ML + (x / xmax) * (W - ML - MR);

		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
			px, H - MB + 16, x);
	}
	fprintf(out, "</g>\n");
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">trace time (s)</text>\n",
		(ML + W - MR) / 2, H - 8);
	/* the y axis's label above it, level: every renderer shows it */
	fprintf(out, "<text class=\"ylabel\" x=\"4\" y=\"%d\">", MT - 12);
	html_escape(out, p->ylabel);
	if (*unit)
		fprintf(out, " (%s)", unit);
	fprintf(out, "</text>\n");
	/* one line per strategy that has values here */
	for (size_t k = 0; k < n; k++) {
		const char *color = palette[k % NR_COLORS];
		size_t pts = 0;

		if (!known[k])
			continue;
		fprintf(out, "<polyline class=\"series\" data-label=\"");
		html_escape(out, label(&s[k]));
		fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"", color);
		for (size_t i = 0; i < s[k].res.nr_samples; i++) {
			double v, x = (double)s[k].res.samples[i].ts / 1e9;

			if (!p->get(&s[k], i, p->arg, &v))
				continue;
			fprintf(out, "%s%.1f,%.1f", pts++ ? " " : "",
				ML + (x / xmax) * (W - ML - MR),
				H - MB - (v / div / ymax) * (H - MT - MB));
		}
		fprintf(out, "\"><title>");
		html_escape(out, label(&s[k]));
		fprintf(out, "</title></polyline>\n");
	}
	/* legend, three to a row */
	for (size_t k = 0; k < n; k++) {
		int lx = ML + (int)(k % 3) * 210, ly = H + 4 + 18 * (int)(k / 3);

		fprintf(out, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>",
			lx, ly, palette[k % NR_COLORS]);
		fprintf(out, "<text x=\"%d\" y=\"%d\">", lx + 20, ly + 6);
		html_escape(out, label(&s[k]));
		if (!s[k].ok)
			fputs(" (failed)", out);
		else if (!known[k])
			fputs(" (n/a)", out);
		fprintf(out, "</text></g>\n");
	}
	fprintf(out, "</svg>\n");
}

static bool g_total(const struct strategy *s, size_t i, const void *a, double *v)
{
	const struct replay_sample *x = &s->res.samples[i];

	(void)a;
	*v = (double)(x->slab + x->pages + x->vmalloc);
	return true;
}

static bool g_rss(const struct strategy *s, size_t i, const void *a, double *v)
{
	(void)a;
	*v = (double)s->res.samples[i].rss;
	return true;
}

static bool g_waste(const struct strategy *s, size_t i, const void *a, double *v)
{
	const struct replay_sample *x = &s->res.samples[i];

	(void)a;
	*v = (double)(x->alloc - x->req);
	return true;
}

static bool g_util(const struct strategy *s, size_t i, const void *a, double *v)
{
	const struct replay_sample *x = &s->res.samples[i];

	(void)a;
	if (!x->slab_bytes)
		return false;
	*v = 1000.0 * (double)x->slab_req / (double)x->slab_bytes;
	return true;
}

static bool g_unusable(const struct strategy *s, size_t i, const void *a, double *v)
{
	*v = s->res.samples[i].unusable[*(const int *)a];
	return true;
}

static bool g_cache(const struct strategy *s, size_t i, const void *a, double *v)
{
	const char *name = a;

	for (size_t k = 0; k < s->res.nr_caches; k++)
		if (!strcmp(s->res.caches[k].name, name)) {
			*v = (double)s->res.cache_bytes[i * REPLAY_MAX_CACHES + k];
			return true;
		}
	*v = 0;
	return true;
}

/* The caches with the most slab memory at their peak, over all sets. */
static size_t top_caches(const struct strategy *s, size_t n, const char **names,
			 size_t max)
{
	size_t nr = 0;

	while (nr < max) {
		const char *best = NULL;
		uint64_t bytes = 0;

		for (size_t k = 0; k < n; k++) {
			for (size_t c = 0; s[k].ok && c < s[k].res.nr_caches; c++) {
				const struct replay_cache *rc = &s[k].res.caches[c];
				bool taken = false;

				for (size_t j = 0; j < nr; j++)
					taken |= !strcmp(names[j], rc->name);
				if (!taken && rc->peak_bytes > bytes) {
					bytes = rc->peak_bytes;
					best = rc->name;
				}
			}
		}
		if (!best)
			break;
		names[nr++] = best;
	}
	return nr;
}

void compare_html(FILE *out, const char *title, const char *common,
		  const struct trace_input *in, const struct strategy *s,
		  size_t n)
{
	static const int order3 = 0, order9 = 1;
	const char *caches[4];
	size_t nc = top_caches(s, n, caches, 4);
	char cell[64];

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>kheap trace compare: ");
	html_escape(out, title);
	fprintf(out, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
		"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
		"th:first-child,td:first-child{text-align:left}svg{display:block;margin:1.5em 0}</style>\n"
		"</head><body>\n<h1>kheap trace compare</h1>\n<p>Trace <code>");
	html_escape(out, title);
	fprintf(out, "</code> (%s", in->binary ? "recorded by kheap from " : "ftrace text");
	if (in->binary)
		html_escape(out, in->comm);
	fprintf(out, ", %" PRIu64 " events, %.3f s of trace time), replayed once per option set; ratios are to the first column.</p>\n",
		n && s[0].ok ? s[0].res.events : 0,
		n && s[0].ok ? (double)s[0].res.span_ns / 1e9 : 0.0);
	if (common) {
		fprintf(out, "<p>Options of every replay: <code>");
		html_escape(out, common);
		fprintf(out, "</code>.</p>\n");
	}
	fprintf(out, "<table class=\"figures\">\n<tr><th></th>");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "<th>");
		html_escape(out, label(&s[i]));
		fprintf(out, "</th>");
	}
	fprintf(out, "</tr>\n");
	for (size_t f = 0; f < sizeof(figures) / sizeof(figures[0]); f++) {
		fprintf(out, "<tr><td>%s</td>", figures[f].name);
		for (size_t i = 0; i < n; i++) {
			format_cell(cell, sizeof(cell), &figures[f], &s[i], &s[0]);
			fprintf(out, "<td>");
			html_escape(out, cell);
			fprintf(out, "</td>");
		}
		fprintf(out, "</tr>\n");
	}
	fprintf(out, "</table>\n");
	for (size_t i = 0; i < n; i++)
		if (s[i].ok && s[i].res.oom_event[0]) {
			fprintf(out, "<p>");
			html_escape(out, label(&s[i]));
			fprintf(out, ": first allocation out of memory: ");
			html_escape(out, s[i].res.oom_event);
			fprintf(out, "</p>\n");
		}
	{
		const struct plot plots[] = {
			{ "Memory in use (slab + pages + vmalloc)", "memory", U_BYTES, g_total, NULL },
			{ "Resident set above the replay's start", "RSS", U_BYTES, g_rss, NULL },
			{ "Internal fragmentation (allocated - requested)", "bytes", U_BYTES, g_waste, NULL },
			{ "Slab utilisation (requested bytes / slab pages)", "fraction", U_PERMILLE, g_util, NULL },
			{ "Buddy fragmentation: unusable_index, order 3", "index", U_PERMILLE, g_unusable, &order3 },
			{ "Buddy fragmentation: unusable_index, order 9", "index", U_PERMILLE, g_unusable, &order9 },
		};

		for (size_t p = 0; p < sizeof(plots) / sizeof(plots[0]); p++)
			svg_plot(out, &plots[p], s, n);
	}
	for (size_t c = 0; c < nc; c++) {
		char t[128];
		struct plot p = { t, "slab memory", U_BYTES, g_cache, caches[c] };

		snprintf(t, sizeof(t), "Slab memory of cache %s", caches[c]);
		svg_plot(out, &p, s, n);
	}
	fprintf(out, "</body></html>\n");
}
