// SPDX-License-Identifier: MIT
/*
 * kheap - the command-line tool: the narrated demo, running a program on
 * kheap's malloc (`kheap run`), the /proc-style views of this process or of
 * a process running under the shim (`--pid`), and the option table.
 *
 * Exit codes: 0 success, 1 the operation failed, 2 bad usage; `kheap run`
 * passes the program's own exit status through (126/127 when it cannot be
 * executed, as env(1) does).
 *
 * Views of another process: a program started by `kheap run` has
 * kheap.publish=1, so the shim in it serves its views on a Unix socket
 * (shim/publish.c: $XDG_RUNTIME_DIR/kheap-PID.sock or
 * /tmp/kheap-UID/kheap-PID.sock, 0700 directory, 0600 socket, peer uid
 * checked).  `kheap slabinfo --pid PID` connects, writes the view name and
 * prints the reply.
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

/*
 * A command's handler gets argv from the command's name on and the global
 * --cmdline (NULL if none); it returns the exit status.
 */
typedef int (*command_fn)(int argc, char **argv, const char *cmdline);

static int cmd_run(int argc, char **argv, const char *cmdline);
static int cmd_view(int argc, char **argv, const char *cmdline);
static int cmd_config(int argc, char **argv, const char *cmdline);
static int cmd_help(int argc, char **argv, const char *cmdline);

/* One row per command: the table drives usage, `help CMD` and dispatch. */
struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;	/* the text of `kheap help NAME` */
	command_fn fn;
	int flags;		/* CMD_* */
};

/* Options after `--` or the program name belong to the program (run). */
#define CMD_OWN_ARGS	0x1
/* The handler applies --cmdline itself (or passes it on): main() does not
 * initialise kheap with it. */
#define CMD_NO_INIT	0x2

static const struct command commands[] = {
	{ "demo", "", "narrated walk through the allocators",
	  "The buddy allocator, SLUB, vmalloc and a real program on kheap's\n"
	  "malloc, with the /proc views between the steps (what `make demo` runs).\n",
	  cmd_demo, CMD_NO_INIT },
	{ "run", "[--cmdline \"OPTS\"] [--stats] [--] PROG [ARGS...]",
	  "run PROG with kheap as its malloc (libkheap-malloc.so preloaded)",
	  "Runs PROG with LD_PRELOAD=libkheap-malloc.so, found beside this kheap\n"
	  "binary or in the install prefix's library directory.  The program\n"
	  "publishes its views (kheap.publish=1), so `kheap VIEW --pid PID`\n"
	  "can read them while it runs.  The exit status is PROG's own (126 or\n"
	  "127 if it cannot be executed).\n"
	  "  --cmdline \"OPTS\"  kheap options for PROG (added to $KHEAP_CMDLINE)\n"
	  "  --stats           print meminfo, slabinfo, buddyinfo and vmallocinfo\n"
	  "                    to stderr when PROG exits (kheap.stats=1)\n",
	  cmd_run, CMD_OWN_ARGS | CMD_NO_INIT },
	{ "slabinfo", "[--pid PID]", "print /proc/slabinfo", NULL, cmd_view, 0 },
	{ "buddyinfo", "[--pid PID]", "print /proc/buddyinfo", NULL, cmd_view, 0 },
	{ "pagetypeinfo", "[--pid PID]", "print /proc/pagetypeinfo", NULL,
	  cmd_view, 0 },
	{ "zoneinfo", "[--pid PID]", "print /proc/zoneinfo", NULL, cmd_view, 0 },
	{ "vmallocinfo", "[--pid PID]", "print /proc/vmallocinfo", NULL,
	  cmd_view, 0 },
	{ "meminfo", "[--pid PID]", "print /proc/meminfo", NULL, cmd_view, 0 },
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

static int cmd_run(int argc, char **argv, const char *cmdline)
{
	const char *run_cmdline = NULL;
	int stats = 0, i;
	char *opts = NULL;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--cmdline") && i + 1 < argc)
			run_cmdline = argv[++i];
		else if (!strcmp(argv[i], "--stats"))
			stats = 1;
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
	if (shim_environment(*opts ? opts : NULL,
			     stats ? "kheap.publish=1 kheap.stats=1"
				   : "kheap.publish=1"))
		return 1;
	free(opts);
	execvp(argv[i], argv + i);
	fprintf(stderr, "%s: run: %s: %s\n", prog, argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* ---- views of another process (--pid) ---- */

static int connect_view(const char *view, int pid)
{
	const char *xdgs[] = { getenv("XDG_RUNTIME_DIR"), NULL };
	int last_err = ENOENT;

	for (size_t i = 0; i < 2; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char dir[200], path[200];
		int fd;

		if (i == 0 && !xdgs[0])
			continue;
		if (!kheap_socket_path(dir, path, sizeof(dir), xdgs[i], getuid(), pid))
			continue;
		if (strlen(path) >= sizeof(sa.sun_path))
			continue;
		memcpy(sa.sun_path, path, strlen(path) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			char req[64];
			int n = snprintf(req, sizeof(req), "%s\n", view);

			if (write(fd, req, (size_t)n) != n) {
				close(fd);
				return -EIO;
			}
			shutdown(fd, SHUT_WR);
			return fd;
		}
		last_err = errno;
		close(fd);
	}
	return -last_err;
}

static int show_pid_view(const char *view, const char *pidstr)
{
	char *end, buf[65536];
	long pid = strtol(pidstr, &end, 10);
	ssize_t n;
	int fd;

	if (*end || pid <= 0 || pid > INT_MAX) {
		fprintf(stderr, "%s: %s: bad PID '%s'\n", prog, view, pidstr);
		return 2;
	}
	fd = connect_view(view, (int)pid);
	if (fd < 0) {
		if (fd == -ENOENT || fd == -ECONNREFUSED)
			fprintf(stderr, "%s: %s: process %ld does not publish its views (start it with `kheap run`, which sets kheap.publish=1)\n",
				prog, view, pid);
		else
			fprintf(stderr, "%s: %s: process %ld: %s\n", prog, view,
				pid, strerror(-fd));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0 ? 1 : 0;
}

static int cmd_view(int argc, char **argv, const char *cmdline)
{
	const char *view = argv[0], *pid = NULL;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pid") && i + 1 < argc)
			pid = argv[++i];
		else if (!strncmp(argv[i], "--pid=", 6))
			pid = argv[i] + 6;
		else {
			fprintf(stderr, "%s: %s: unexpected argument '%s'\n", prog,
				view, argv[i]);
			command_usage(find_command(view), stderr);
			return 2;
		}
	}
	if (pid)
		return show_pid_view(view, pid);
	err = kheap_proc_show(view, stdout);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", prog, view, strerror(-err));
		return 1;
	}
	return 0;
}

static int cmd_config(int argc, char **argv, const char *cmdline)
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

static int cmd_help(int argc, char **argv, const char *cmdline)
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
		if (!strcmp(argv[i], "--cmdline") && i + 1 < argc) {
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
	if (c->fn != cmd_help && wants_help(c, argc, argv)) {
		command_usage(c, stdout);
		return 0;
	}
	if (!(c->flags & CMD_NO_INIT) && cmdline &&
	    kheap_init(cmdline) == -EINVAL)
		return 2;
	return c->fn(argc, argv, cmdline);
}
