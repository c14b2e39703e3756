// SPDX-License-Identifier: MIT
/*
 * kheap - the command-line tool: the narrated demo, running a program on
 * kheap's malloc (`kheap run`), the /proc-style views of this process or of
 * a process running under the shim (`--pid`), slabinfo's reports, `kheap
 * top`, and the option table.
 *
 * Exit codes: 0 success, 1 the operation failed, 2 bad usage; `kheap run`
 * passes the program's own exit status through (126/127 when it cannot be
 * executed, as env(1) does).
 *
 * The command table below drives usage, `kheap help CMD` and dispatch;
 * each command's handler lives with its kind: the views and `--pid` in
 * tools/view.c, the demo in tools/demo.c, slabinfo's reports in
 * tools/slabinfo.c, top in tools/top.c; `run` is here.  A view of another process comes
 * from its shim's publisher (kheap.publish=1, which `kheap run` sets).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kheap/kheap.h>
#include "shim/shim.h"
#include "tools/tool.h"

const char *prog = "kheap";

static command_fn cmd_run, cmd_view, cmd_config, cmd_help;

/* Options after `--` or the program name belong to the program (run). */
#define CMD_OWN_ARGS	0x1
/* The handler applies --cmdline itself (or passes it on): main() does not
 * initialise kheap with it. */
#define CMD_NO_INIT	0x2
/* -h and --help reach the handler, which prints its full option list. */
#define CMD_OWN_HELP	0x4

static const struct command commands[] = {
	{ "demo", "[--step] [buddy] [slab] [vmalloc] [program] [compare]",
	  "narrated walk through the allocators",
	  "The buddy allocator, SLUB (the order a new slab hands out its\n"
	  "objects, sheaves, CPU and node partial slabs, min_partial, shrink),\n"
	  "vmalloc and a real program on kheap's malloc, with the views\n"
	  "between the steps, then a recorded trace replayed under three\n"
	  "option sets (what `make demo` runs).  Name\n"
	  "chapters to run only those; --step waits for Enter between steps;\n"
	  "--cmdline options apply (after the demo's mem=1G).\n",
	  cmd_demo, CMD_NO_INIT },
	{ "run", "[--cmdline \"OPTS\"] [--stats [-z]] [--follow-children] [--] PROG [ARGS...]",
	  "run PROG with kheap as its malloc (libkheap-malloc.so preloaded)",
	  "Runs PROG with LD_PRELOAD=libkheap-malloc.so, found beside this kheap\n"
	  "binary or in the install prefix's library directory.  The program\n"
	  "publishes its views (kheap.publish=1), so `kheap VIEW --pid PID`\n"
	  "can read them while it runs.  The exit status is PROG's own (126 or\n"
	  "127 if it cannot be executed).\n"
	  "  --cmdline \"OPTS\"  kheap options for PROG (added to $KHEAP_CMDLINE)\n"
	  "  --stats           print the peaks (slab memory, pages in use, RSS,\n"
	  "                    the busiest caches at their peak), meminfo,\n"
	  "                    slabinfo, buddyinfo and vmallocinfo to stderr\n"
	  "                    when PROG exits (kheap.stats=1)\n"
	  "  -z                with --stats, list caches without slabs too\n"
	  "  --follow-children stats and views for every process PROG starts\n"
	  "                    too (by default only PROG's own, kheap.pid=PID;\n"
	  "                    an exec keeps the pid, so a wrapper script that\n"
	  "                    execs the real program is followed)\n",
	  cmd_run, CMD_OWN_ARGS | CMD_NO_INIT },
	{ "slabinfo", "[--pid PID] [--tune TEXT] [-aBehilLPrStTUz] [-N K] [CACHE-REGEX]",
	  "print /proc/slabinfo, or tools/mm/slabinfo's reports; SLAB: tune a cache",
	  "Without options: /proc/slabinfo.  With options, the reports of the\n"
	  "kernel's tools/mm/slabinfo: -l the cache list, -T totals, -S/-L/-P\n"
	  "sort by size/loss/partial slabs, -a aliases, -r a report per cache,\n"
	  "-t alloc/free call sites (slab_debug=U), -z/-e with/only empty caches\n"
	  "(`kheap slabinfo -h` lists them all).  Under SLAB (slab_allocator=slab)\n"
	  "--tune \"CACHE LIMIT BATCHCOUNT SHARED\" first retunes a cache's queues,\n"
	  "as writing to /proc/slabinfo does.\n",
	  cmd_slabinfo, CMD_OWN_HELP, "slabinfo" },
	{ "buddyinfo", "[--pid PID]", "print /proc/buddyinfo", NULL, cmd_view, 0,
	  "buddyinfo" },
	{ "pagetypeinfo", "[--pid PID]", "print /proc/pagetypeinfo", NULL,
	  cmd_view, 0, "pagetypeinfo" },
	{ "zoneinfo", "[--pid PID]", "print /proc/zoneinfo", NULL, cmd_view, 0,
	  "zoneinfo" },
	{ "vmallocinfo", "[--pid PID]", "print /proc/vmallocinfo", NULL,
	  cmd_view, 0, "vmallocinfo" },
	{ "meminfo", "[--pid PID]", "print /proc/meminfo", NULL, cmd_view, 0,
	  "meminfo" },
	{ "vmstat", "[--pid PID]", "print /proc/vmstat (the counters kheap keeps)",
	  NULL, cmd_view, 0, "vmstat" },
	{ "unusable_index", "[--pid PID]",
	  "print debugfs extfrag/unusable_index per zone and order", NULL,
	  cmd_view, 0, "extfrag/unusable_index" },
	{ "extfrag_index", "[--pid PID]",
	  "print debugfs extfrag/extfrag_index per zone and order", NULL,
	  cmd_view, 0, "extfrag/extfrag_index" },
	{ "top", "[--pid PID] [-b] [-n COUNT] [-d SECONDS] [-s KEY] [-z]",
	  "slabtop for kheap: caches, free blocks, pcp lists, RSS, vmstat, live",
	  "The kernel's slabtop for a process started by `kheap run` (--pid) or\n"
	  "for a workload this command runs on its own kheap; beside it the\n"
	  "buddy allocator's free blocks per zone and order with their change,\n"
	  "the per-CPU page lists, RSS and the vmstat counters.  -b prints plain\n"
	  "text (-n COUNT times, every -d SECONDS) for scripts; interactively the\n"
	  "keys a b c l v n o p s u sort, z shows empty caches, q quits\n"
	  "(`kheap top -h` has the details).\n",
	  cmd_top, CMD_OWN_HELP, NULL },
	{ "view", "NAME [--pid PID]", "print any view by its name",
	  "NAME is one of kheap_proc_show()'s views: the /proc files above,\n"
	  "kernel/slab (the /sys/kernel/slab files of every cache, one line\n"
	  "each), slab/CACHE/alloc_traces and slab/CACHE/free_traces (debugfs;\n"
	  "caches with slab_debug=U), slab_aliases, extfrag/unusable_index,\n"
	  "extfrag/extfrag_index, slub_stats (CONFIG_SLUB_STATS builds);\n"
	  "under slab_allocator=slab, slab_arrays (each cache's per-CPU and\n"
	  "shared arrays and slab lists) and slab_stats (CONFIG_SLUB_STATS);\n"
	  "under slab_allocator=slob, slob_pages (the pages with free space\n"
	  "and their free blocks).\n",
	  cmd_view, 0, NULL },
	{ "trace", "record|text|replay|compare ...",
	  "record a program's allocations, print, replay and compare them",
	  "  trace record [-o FILE] [--follow] [--cmdline \"OPTS\"] [--] PROG [ARGS...]\n"
	  "      run PROG on the malloc shim, recording every allocator event\n"
	  "      to FILE (default kheap.trace; the program's own exit status);\n"
	  "      --follow records the programs it runs too, each to FILE.PID\n"
	  "  trace text [--nested] FILE\n"
	  "      print a trace as the kernel's ftrace text of the kmem events;\n"
	  "      --nested adds the page allocations made inside other calls\n"
	  "  trace replay FILE [--cmdline \"OPTS\"] [--threads N] [--samples N]\n"
	  "               [--no-touch]\n"
	  "      replay a trace (kheap's, or ftrace text of a Linux machine) on\n"
	  "      kheap with OPTS: time, peak and final memory, fragmentation;\n"
	  "      --threads N replays recorded CPU c on thread c % N, in order\n"
	  "  trace compare FILE [--with \"OPTS\"]... [-o REPORT.html] [--text]\n"
	  "                [--runs N] [--samples N] [--quiet]\n"
	  "      replay under each option set (a built-in list without --with)\n"
	  "      and print the table side by side; -o writes it with plots\n",
	  cmd_trace, CMD_OWN_ARGS | CMD_NO_INIT },
	{ "config", "", "print the options in force", NULL, cmd_config, 0 },
	{ "options", "", "print the option table (markdown)", NULL, cmd_config, 0 },
	{ "help", "[COMMAND]", "general help, or a command's", NULL, cmd_help,
	  CMD_NO_INIT },
};

static const char view_help[] =
	"Without --pid: the view of a fresh kheap in this process (after\n"
	"--cmdline options).  With --pid PID: the view of process PID, which\n"
	"must run under the shim with kheap.publish=1 (as `kheap run` starts\n"
	"programs) and belong to the same user.\n";

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--cmdline \"OPTIONS\"] COMMAND [ARGS]\n"
		"\n"
		"The Linux kernel's heap (buddy allocator, SLUB, kmalloc, vmalloc) in\n"
		"userspace.  Commands:\n", prog);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  --cmdline \"...\"      kernel-style options, e.g. \"mem=256M\"\n"
		"                       (also read from $KHEAP_CMDLINE)\n"
		"  -h, --help           this text\n"
		"  -V, --version        print the version\n"
		"\n"
		"`%s help COMMAND` or `%s COMMAND --help` describes a command.\n"
		"Exit status: 0 success, 1 failure, 2 bad usage; `run` passes the\n"
		"program's status through.\n", prog, prog);
}

static void command_usage(const struct command *c, FILE *out)
{
	fprintf(out, "Usage: %s %s %s\n\n%s.\n", prog, c->name, c->args,
		c->summary);
	if (c->help)
		fprintf(out, "\n%s", c->help);
	else if (!strcmp(c->args, "[--pid PID]"))
		fprintf(out, "\n%s", view_help);
}

/* ---- finding the shim, running a program on it ---- */

/* libkheap-malloc.so beside this binary (build/) or in ../LIBDIR (install). */
static int find_shim(char *buf, size_t len)
{
	static const char *const rel[] = {
		"/libkheap-malloc.so", "/../" KHEAP_LIBDIR "/libkheap-malloc.so",
		"/../lib/libkheap-malloc.so",
	};
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = 0;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char path[PATH_MAX + 64];

		snprintf(path, sizeof(path), "%s%s", exe, rel[i]);
		if (access(path, R_OK) == 0 && realpath(path, buf) &&
		    strlen(buf) < len)
			return 0;
	}
	return -1;
}

/* (tool.h) */
int shim_environment(const char *cmdline, const char *extra)
{
	char shim[PATH_MAX];
	const char *old;
	char *v;

	if (find_shim(shim, sizeof(shim))) {
		fprintf(stderr, "%s: libkheap-malloc.so not found beside %s or in ../%s (build it with `make`)\n",
			prog, "the kheap binary", KHEAP_LIBDIR);
		return -1;
	}
	old = getenv("LD_PRELOAD");
	if (asprintf(&v, "%s%s%s", shim, old && *old ? ":" : "",
		     old ? old : "") < 0)
		return -1;
	setenv("LD_PRELOAD", v, 1);
	free(v);
	old = getenv("KHEAP_CMDLINE");
	if (asprintf(&v, "%s%s%s%s%s", old ? old : "", old && *old ? " " : "",
		     cmdline ? cmdline : "", cmdline ? " " : "", extra) < 0)
		return -1;
	setenv("KHEAP_CMDLINE", v, 1);
	free(v);
	return 0;
}

static int cmd_run(const struct command *c, int argc, char **argv,
		   const char *cmdline)
{
	const char *run_cmdline = NULL;
	bool stats = false, empty = false, children = false;
	char *opts = NULL, extra[160];
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if ((r = tool_option_value(c->name, argc, argv, &i, "--cmdline",
					   &run_cmdline))) {
			if (r == 2)
				return 2;
		} else if (!strcmp(argv[i], "--stats"))
			stats = true;
		else if (!strcmp(argv[i], "-z"))
			empty = true;
		else if (!strcmp(argv[i], "--follow-children"))
			children = true;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "%s: run: unknown option '%s'\n", prog, argv[i]);
			command_usage(find_command("run"), stderr);
			return 2;
		} else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "%s: run: no program given\n", prog);
		command_usage(find_command("run"), stderr);
		return 2;
	}
	if (asprintf(&opts, "%s%s%s", cmdline ? cmdline : "",
		     cmdline && run_cmdline ? " " : "",
		     run_cmdline ? run_cmdline : "") < 0)
		return 1;
	/* exec keeps the pid: this is the program's pid, not its children's */
	snprintf(extra, sizeof(extra), "kheap.publish=1%s%s kheap.pid=%d",
		 stats ? " kheap.stats=1" : "", empty ? " kheap.stats_empty=1" : "",
		 children ? 0 : (int)getpid());
	if (shim_environment(*opts ? opts : NULL, extra))
		return 1;
	free(opts);
	execvp(argv[i], argv + i);
	fprintf(stderr, "%s: run: %s: %s\n", prog, argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* ---- the view commands ---- */

static int cmd_view(const struct command *c, int argc, char **argv,
		    const char *cmdline)
{
	const char *pidarg = NULL, *view = c->view;
	char *text;
	int pid = 0, r;

	for (int i = 1; i < argc; i++) {
		r = tool_option_value(c->name, argc, argv, &i, "--pid", &pidarg);
		if (r == 2)
			return 2;
		if (!r && !view && argv[i][0] != '-') {
			view = argv[i];		/* `kheap view NAME` */
			continue;
		}
		if (!r) {
			fprintf(stderr, "%s: %s: unexpected argument '%s'\n", prog,
				c->name, argv[i]);
			command_usage(c, stderr);
			return 2;
		}
	}
	if (!view) {
		fprintf(stderr, "%s: %s: which view? (see `%s help view`)\n",
			prog, c->name, prog);
		return 2;
	}
	if (pidarg && (r = tool_parse_pid(c->name, pidarg, &pid)))
		return r;
	if (!pid)
		tool_note_own_view(c->name);
	if (tool_fetch_view(c->name, view, pid, &text, false))
		return 1;
	fputs(text, stdout);
	free(text);
	return 0;
}

static int cmd_config(const struct command *c, int argc, char **argv,
		      const char *cmdline)
{
	if (argc > 1) {
		fprintf(stderr, "%s: %s: unexpected argument '%s'\n", prog,
			argv[0], argv[1]);
		return 2;
	}
	if (!strcmp(argv[0], "options"))
		kheap_print_options(stdout);
	else
		kheap_print_config(stdout);
	return 0;
}

static int cmd_help(const struct command *cmd, int argc, char **argv,
		    const char *cmdline)
{
	const struct command *c;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "%s: help: unknown command '%s'\n", prog, argv[1]);
		return 2;
	}
	command_usage(c, stdout);
	return 0;
}

/* -h or --help among a command's own arguments (before `--`). */
static int wants_help(const struct command *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
		if ((c->flags & CMD_OWN_ARGS))
			return 0;	/* run: only right after the name */
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmdline = NULL;
	const struct command *c;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("kheap %s\n", KHEAP_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--cmdline")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: option '--cmdline' needs a value\n",
					prog);
				return 2;
			}
			cmdline = argv[++i];
			continue;
		}
		fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[i]);
		usage(stderr);
		return 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	argc -= i;
	argv += i;
	c = find_command(argv[0]);
	if (!c) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[0]);
		usage(stderr);
		return 2;
	}
	if (c->fn != cmd_help && !(c->flags & CMD_OWN_HELP) &&
	    wants_help(c, argc, argv)) {
		command_usage(c, stdout);
		return 0;
	}
	if (!(c->flags & CMD_NO_INIT) && cmdline &&
	    kheap_init(cmdline) == -EINVAL)
		return 2;
	return c->fn(c, argc, argv, cmdline);
}
