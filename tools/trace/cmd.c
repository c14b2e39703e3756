// SPDX-License-Identifier: MIT
/*
 * tools/trace/cmd.c - `kheap trace`: record, text, replay, compare.
 *
 *   record   runs a program on the malloc shim with $KHEAP_TRACE set, so
 *            the shim in it records to a file (shim/malloc.c, 9.);
 *   text     prints a trace (kheap's binary, or ftrace text) as the
 *            kernel's ftrace text;
 *   replay   initialises this process's kheap with the options given and
 *            replays the trace on it (tools/trace/replay.c);
 *   compare  runs `kheap --cmdline OPTS trace replay --machine` once per
 *            option set, each in a process of its own (kheap initialises
 *            once per process), and writes the table and the HTML plots.
 */
#define _GNU_SOURCE
#include "tools/trace/trace.h"
#include "tools/trace/report.h"
#include "tools/tool.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kheap/kheap.h>

static const char trace_usage[] =
	"Usage: %s trace record [-o FILE] [--follow] [--cmdline \"OPTS\"] [--] PROG [ARGS...]\n"
	"       %s trace text [--nested] FILE\n"
	"       %s trace replay FILE [--cmdline \"OPTS\"] [--threads N] [--samples N]\n"
	"                           [--no-touch] [--machine]\n"
	"       %s trace compare FILE [--with \"OPTS\"]... [-o REPORT.html] [--text]\n"
	"                            [--runs N] [--samples N] [--quiet]\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: trace: ", prog);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fprintf(stderr, trace_usage, prog, prog, prog, prog);
	return 2;
}

static void print_problems(const char *path, const struct trace_input *in)
{
	for (unsigned int i = 0; i < in->nr_messages; i++)
		fprintf(stderr, "%s: %s: %s\n", prog, path, in->messages[i]);
	for (int i = 0; i < TIP_NR; i++)
		if (in->problems[i] && i != TIP_UNKNOWN_EVENT &&
		    i != TIP_INTERNAL_EVENT)
			fprintf(stderr, "%s: %s: %" PRIu64 " x %s\n", prog, path,
				in->problems[i],
				trace_problem_name((enum trace_input_problem)i));
	if (in->lost_events)
		fprintf(stderr, "%s: %s: the tracer lost %" PRIu64 " events\n",
			prog, path, in->lost_events);
	if (in->stop[0])
		fprintf(stderr, "%s: %s: %s\n", prog, path, in->stop);
}

static int read_error(const char *path, int err, const struct trace_input *in)
{
	if (err == -1 && in->stop[0])
		fprintf(stderr, "%s: trace: %s: %s\n", prog, path, in->stop);
	else
		fprintf(stderr, "%s: trace: %s: %s\n", prog, path,
			strerror(err < 0 ? -err : EINVAL));
	return 1;
}

/* ---- record ---- */

static int count_cb(void *arg, const struct kheap_trace_event *ev)
{
	(void)ev;
	(*(uint64_t *)arg)++;
	return 0;
}

/*
 * The events of the binary trace @path (chunk headers only), or -1; its
 * program's name in @comm (16 bytes) when @comm is not NULL.
 */
static long long count_events(const char *path, char *comm)
{
	struct stat st;
	long long n = -1;
	void *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (comm)
		snprintf(comm, 16, "?");
	if (fd < 0)
		return -1;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf != MAP_FAILED) {
			n = trace_count_binary(buf, (size_t)st.st_size);
			if (n >= 0 && comm)
				snprintf(comm, 16, "%.15s",
					 ((const struct kheap_trace_header *)buf)->comm);
			munmap(buf, (size_t)st.st_size);
		}
	}
	close(fd);
	return n;
}

/* --follow: the traces of the other processes, OUT.PID each. */
static void report_followed(const char *out, int main_pid)
{
	char *pattern;
	glob_t g;

	if (asprintf(&pattern, "%s.[0-9]*", out) < 0)
		return;
	if (!glob(pattern, 0, NULL, &g)) {
		for (size_t k = 0; k < g.gl_pathc; k++) {
			const char *p = g.gl_pathv[k] + strlen(out) + 1;
			long long n;

			if (atoi(p) == main_pid || strspn(p, "0123456789") != strlen(p))
				continue;
			char comm[16];

			n = count_events(g.gl_pathv[k], comm);
			fprintf(stderr, "%s: trace: %lld events of %s (pid %s) in %s\n",
				prog, n, comm, p, g.gl_pathv[k]);
		}
		globfree(&g);
	}
	free(pattern);
}

static int trace_record(int argc, char **argv, const char *cmdline)
{
	const char *out = "kheap.trace", *opts = NULL;
	char *all = NULL, pid[32], main_path[PATH_MAX];
	bool follow = false;
	long long n;
	int i, status;
	pid_t child;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--cmdline") && i + 1 < argc)
			opts = argv[++i];
		else if (!strcmp(argv[i], "--follow"))
			follow = true;
		else if (argv[i][0] == '-')
			return usage_error("record: unknown option '%s'", argv[i]);
		else
			break;
	}
	if (i >= argc)
		return usage_error("record: no program given%s", "");
	if (asprintf(&all, "%s%s%s", cmdline ? cmdline : "",
		     cmdline && opts ? " " : "", opts ? opts : "") < 0)
		return 1;
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		setenv("KHEAP_TRACE", out, 1);
		setenv("KHEAP_TRACE_PID", follow ? "*" : pid, 1);
		if (shim_environment(*all ? all : NULL, ""))
			_exit(126);
		execvp(argv[i], argv + i);
		fprintf(stderr, "%s: trace record: %s: %s\n", prog, argv[i],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	free(all);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	snprintf(main_path, sizeof(main_path), follow ? "%s.%d" : "%s", out,
		 (int)child);
	n = count_events(main_path, NULL);
	if (n >= 0)
		fprintf(stderr, "%s: trace: %lld events of %s (pid %d) in %s\n",
			prog, n, argv[i], (int)child, main_path);
	else
		fprintf(stderr, "%s: trace: %s holds no trace (the program did not run on the shim?)\n",
			prog, main_path);
	if (follow)
		report_followed(out, (int)child);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* ---- text ---- */

struct text_ctx {
	FILE *out;
	struct trace_input *in;
	bool nested;
	uint64_t printable;
};

static int text_count(void *arg, const struct kheap_trace_event *ev)
{
	struct text_ctx *t = arg;

	if (t->nested || !(ev->flags & KHEAP_TRACE_NESTED))
		t->printable++;
	return 0;
}

static int text_print(void *arg, const struct kheap_trace_event *ev)
{
	struct text_ctx *t = arg;

	trace_print_event(t->out, t->in, ev, t->nested);
	return 0;
}

static int trace_text(int argc, char **argv)
{
	struct text_ctx t = { .out = stdout };
	struct trace_input in;
	const char *path = NULL;
	uint64_t total;
	int err;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--nested"))
			t.nested = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("text: unknown option '%s'", argv[i]);
		else if (!path)
			path = argv[i];
		else
			return usage_error("text: unexpected argument '%s'", argv[i]);
	}
	if (!path)
		return usage_error("text: no trace file given%s", "");
	/* first pass: the entry count of the header */
	trace_input_init(&in);
	t.in = &in;
	err = trace_read_file(path, &in, text_count, &t);
	if (err) {
		err = read_error(path, err, &in);
		trace_input_free(&in);
		return err;
	}
	total = t.printable;
	in.nr_events = total;
	trace_print_header(stdout, &in);
	/* second pass: the lines (its problems are the first pass's again) */
	trace_input_free(&in);
	trace_input_init(&in);
	err = trace_read_file(path, &in, text_print, &t);
	print_problems(path, &in);
	trace_input_free(&in);
	return err ? 1 : 0;
}

/* ---- replay ---- */

static int trace_replay_cmd(int argc, char **argv, const char *cmdline)
{
	struct replay_opts opts = { .samples = 200, .touch = true };
	struct replay_result res = { 0 };
	struct trace_input in;
	const char *path = NULL, *opt = NULL;
	bool machine = false;
	char *all = NULL;
	int err;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--cmdline") && i + 1 < argc)
			opt = argv[++i];
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			opts.threads = (unsigned int)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--samples") && i + 1 < argc)
			opts.samples = (unsigned int)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--no-touch"))
			opts.touch = false;
		else if (!strcmp(argv[i], "--machine"))
			machine = true;
		else if (argv[i][0] == '-')
			return usage_error("replay: unknown option '%s'", argv[i]);
		else if (!path)
			path = argv[i];
		else
			return usage_error("replay: unexpected argument '%s'", argv[i]);
	}
	if (!path)
		return usage_error("replay: no trace file given%s", "");
	if (asprintf(&all, "%s%s%s", cmdline ? cmdline : "",
		     cmdline && opt ? " " : "", opt ? opt : "") < 0)
		return 1;
	snprintf(res.cmdline, sizeof(res.cmdline), "%s", all);
	/*
	 * One thread on one CPU, from before kheap's own start-up: kheap's
	 * state is per CPU, so a replay that migrated would spread the same
	 * events over other CPUs' slabs and differ from run to run.
	 */
	if (opts.threads <= 1) {
		cpu_set_t set;
		int cpu = sched_getcpu();

		CPU_ZERO(&set);
		CPU_SET(cpu < 0 ? 0 : cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	err = kheap_init(*all ? all : NULL);
	free(all);
	if (err == -EINVAL)
		return 2;
	if (err && err != -EBUSY) {
		fprintf(stderr, "%s: trace replay: kheap_init: %s\n", prog,
			strerror(-err));
		return 1;
	}
	trace_input_init(&in);
	err = trace_replay(path, &opts, &res, &in);
	if (err) {
		err = read_error(path, err, &in);
	} else {
		if (machine)
			replay_result_write(stdout, &res);
		else
			replay_print(stdout, &res, &in);
		print_problems(path, &in);
	}
	replay_result_free(&res);
	trace_input_free(&in);
	return err;
}

/* ---- compare ---- */

/* Run one replay in a process of its own and read its result. */
static bool replay_child(const char *path, struct strategy *s,
			 unsigned int samples)
{
	char exe[PATH_MAX], nsamples[16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int pfd[2], status;
	pid_t child;
	FILE *f;
	bool ok;

	if (n <= 0 || pipe(pfd))
		return false;
	exe[n] = 0;
	snprintf(nsamples, sizeof(nsamples), "%u", samples);
	child = fork();
	if (child < 0)
		return false;
	if (child == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(exe, "kheap", "--cmdline", s->run, "trace", "replay",
		      path, "--machine", "--samples", nsamples, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	ok = f && replay_result_read(f, &s->res) == 0;
	if (f)
		fclose(f);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (the rounds that failed count as 0). */
static uint64_t median(uint64_t *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), by_value);
	return v[n / 2];
}

static int trace_compare(int argc, char **argv, const char *cmdline)
{
	static const char *const builtin[] = {
		"", "slab_nomerge", "slab_max_order=0", "slab_min_objects=64",
		"kheap.sheaves=0", "percpu_pagelist_high_fraction=8",
		"slab_allocator=slab", "slab_allocator=slob",
	};
	struct strategy *s = NULL;
	const char *path = NULL, *out = NULL;
	unsigned int samples = 200, runs = 3;
	const char *runs_arg = "";
	bool quiet = false;
	uint64_t *times;
	size_t n = 0;
	bool text = false;
	struct trace_input in;
	int err = 0;

	s = calloc((size_t)argc + 8, sizeof(*s));
	if (!s)
		return 1;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--with") && i + 1 < argc)
			s[n++].cmdline = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--text"))
			text = true;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!strcmp(argv[i], "--samples") && i + 1 < argc)
			samples = (unsigned int)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			runs_arg = argv[++i];
			runs = (unsigned int)strtoul(runs_arg, NULL, 10);
		}
		else if (argv[i][0] == '-') {
			free(s);
			return usage_error("compare: unknown option '%s'", argv[i]);
		} else if (!path)
			path = argv[i];
		else {
			free(s);
			return usage_error("compare: unexpected argument '%s'", argv[i]);
		}
	}
	if (!path) {
		free(s);
		return usage_error("compare: no trace file given%s", "");
	}
	if (!runs || runs > 99) {
		free(s);
		return usage_error("compare: --runs wants 1 to 99, not '%s'", runs_arg);
	}
	if (!n) {
		for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
			s[n++].cmdline = builtin[i];
	}
	/* a global --cmdline goes in front of every set */
	for (size_t i = 0; i < n; i++) {
		char *c;

		s[i].run = s[i].cmdline;
		if (cmdline && asprintf(&c, "%s%s%s", cmdline,
					*s[i].cmdline ? " " : "", s[i].cmdline) >= 0)
			s[i].run = c;
	}
	trace_input_init(&in);
	{
		uint64_t cnt = 0;

		err = trace_read_file(path, &in, count_cb, &cnt);
		if (err) {
			err = read_error(path, err, &in);
			goto out;
		}
	}
	/*
	 * @runs rounds, each replaying every set once in an order that
	 * rotates from round to round (a shared machine's slow moments hit
	 * all sets alike); figures from the first round (the replay is
	 * deterministic: one thread, one CPU), run time the median.
	 */
	times = calloc(n * runs, sizeof(*times));
	if (!times) {
		err = 1;
		goto out;
	}
	for (unsigned int r = 0; r < runs; r++) {
		for (size_t k = 0; k < n; k++) {
			size_t i = (k + r) % n;
			struct strategy t = { .cmdline = s[i].cmdline,
					      .run = s[i].run };

			if (r && !s[i].ok)
				continue;
			if (!quiet)
				fprintf(stderr, "%s: trace compare: run %u of %u: \"%s\"\n",
					prog, r + 1, runs, s[i].cmdline);
			if (!replay_child(path, r ? &t : &s[i], samples)) {
				fprintf(stderr, "%s: trace compare: the replay with \"%s\" failed\n",
					prog, s[i].cmdline);
				replay_result_free(&t.res);
				continue;
			}
			if (!r)
				s[i].ok = true;
			times[i * runs + r] = r ? t.res.run_ns : s[i].res.run_ns;
			replay_result_free(&t.res);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (s[i].ok)
			s[i].res.run_ns = median(times + i * runs, runs);
	free(times);
	if (text || !out) {
		if (cmdline)
			printf("options of every replay: %s\n", cmdline);
		compare_table(stdout, s, n);
	}
	if (out) {
		FILE *f = fopen(out, "w");

		if (!f) {
			fprintf(stderr, "%s: trace compare: %s: %s\n", prog, out,
				strerror(errno));
			err = 1;
		} else {
			compare_html(f, path, cmdline, &in, s, n);
			if (fclose(f)) {
				err = 1;
			} else if (!text) {
				fprintf(stderr, "%s: trace compare: report in %s\n",
					prog, out);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!s[i].ok)
			err = 1;
out:
	for (size_t i = 0; i < n; i++) {
		if (s[i].run != s[i].cmdline)
			free((char *)s[i].run);
		replay_result_free(&s[i].res);
	}
	free(s);
	trace_input_free(&in);
	return err;
}

/* ---- the demo's chapter ---- */

/* The shipped trace: beside the build (docs/gallery), or installed. */
static bool gallery_trace(char *path, size_t len)
{
	static const char *const rel[] = {
		"/../docs/gallery/python3-json.trace",
		"/../share/kheap/python3-json.trace",
	};
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return false;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = 0;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, len, "%s%s", exe, rel[i]);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

/*
 * demo_trace_compare - the demo's last chapter: the shipped trace replayed
 * under three option sets, each in a process of its own, and the table.
 * Return: 0 (a missing trace is said, not an error).
 */
int demo_trace_compare(void)
{
	char path[PATH_MAX + 64], exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int status;
	pid_t pid;

	printf("\n== 5. One workload, many strategies ==\n"
	       "`kheap trace record -- PROG` records every allocator event of a\n"
	       "program; `kheap trace compare` replays the same events under other\n"
	       "options, each in a fresh process, and sets the figures side by side\n"
	       "(ratios to the first column): memory at the peak and at the end,\n"
	       "bytes asked for and handed out (their difference is internal\n"
	       "fragmentation), slab utilisation, the buddy allocator's\n"
	       "unusable_index.  Here python3 builds a dict of lists, dumps it as\n"
	       "JSON and drops it (docs/gallery/python3-json.trace), replayed with\n"
	       "the defaults, without per-CPU sheaves, and with order-0 slabs:\n\n");
	fflush(stdout);
	if (n <= 0 || !gallery_trace(path, sizeof(path))) {
		printf("  (the shipped trace docs/gallery/python3-json.trace is not here)\n");
		return 0;
	}
	exe[n] = 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		execl(exe, "kheap", "--cmdline", "mem=1G", "trace", "compare", path,
		      "--with", "", "--with", "kheap.sheaves=0", "--with",
		      "slab_max_order=0", "--runs", "1", "--text", "--quiet",
		      (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	printf("\n`kheap trace compare FILE -o report.html` adds plots over time, one\n"
	       "line per option set; `kheap trace replay` replays ftrace text of a\n"
	       "real Linux machine too (docs/trace.md).\n");
	return 0;
}

int cmd_trace(const struct command *c, int argc, char **argv,
	      const char *cmdline)
{
	(void)c;
	if (argc < 2)
		return usage_error("no subcommand given%s", "");
	if (!strcmp(argv[1], "record"))
		return trace_record(argc, argv, cmdline);
	if (!strcmp(argv[1], "text")) {
		if (cmdline)
			kheap_init(cmdline);
		return trace_text(argc, argv);
	}
	if (!strcmp(argv[1], "replay"))
		return trace_replay_cmd(argc, argv, cmdline);
	if (!strcmp(argv[1], "compare"))
		return trace_compare(argc, argv, cmdline);
	return usage_error("unknown subcommand '%s'", argv[1]);
}
