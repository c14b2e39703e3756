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

static const char *prog = "kheap";

/* One row per command: the table drives usage, `help CMD` and dispatch. */
struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;	/* the text of `kheap help NAME` */
};

static const struct command commands[] = {
	{ "demo", "", "narrated walk through the allocators",
	  "The buddy allocator, SLUB, vmalloc and a real program on kheap's\n"
	  "malloc, with the /proc views between the steps (what `make demo` runs).\n" },
	{ "run", "[--cmdline \"OPTS\"] [--stats] [--] PROG [ARGS...]",
	  "run PROG with kheap as its malloc (libkheap-malloc.so preloaded)",
	  "Runs PROG with LD_PRELOAD=libkheap-malloc.so, found beside this kheap\n"
	  "binary or in the install prefix's library directory.  The program\n"
	  "publishes its views (kheap.publish=1), so `kheap VIEW --pid PID`\n"
	  "can read them while it runs.  The exit status is PROG's own (126 or\n"
	  "127 if it cannot be executed).\n"
	  "  --cmdline \"OPTS\"  kheap options for PROG (added to $KHEAP_CMDLINE)\n"
	  "  --stats           print meminfo, slabinfo, buddyinfo and vmallocinfo\n"
	  "                    to stderr when PROG exits (kheap.stats=1)\n" },
	{ "slabinfo", "[--pid PID]", "print /proc/slabinfo", NULL },
	{ "buddyinfo", "[--pid PID]", "print /proc/buddyinfo", NULL },
	{ "pagetypeinfo", "[--pid PID]", "print /proc/pagetypeinfo", NULL },
	{ "zoneinfo", "[--pid PID]", "print /proc/zoneinfo", NULL },
	{ "vmallocinfo", "[--pid PID]", "print /proc/vmallocinfo", NULL },
	{ "meminfo", "[--pid PID]", "print /proc/meminfo", NULL },
	{ "config", "", "print the options in force", NULL },
	{ "options", "", "print the option table (markdown)", NULL },
	{ "help", "[COMMAND]", "general help, or a command's", NULL },
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

/* ---- demo ---- */

static void show(const char *view)
{
	printf("\n$ cat /proc/%s\n", view);
	fflush(stdout);
	kheap_proc_show(view, stdout);
	fflush(stdout);
}

static void say(const char *text)
{
	printf("\n%s\n", text);
}

static int demo_buddy(void)
{
	struct page *pages[4];

	say("== 1. The buddy page allocator ==\n"
	    "kheap's \"physical memory\" is one address-space reservation split into\n"
	    "4 KiB page frames, with one 64-byte struct page per frame.  Free memory\n"
	    "is kept in blocks of 2^order pages (order 0..10, 4 KiB..4 MiB), one\n"
	    "free list per order, as /proc/buddyinfo shows (columns = orders 0..10).\n"
	    "Nothing is online yet: memory is hot-added one 128 MiB section at a time\n"
	    "when a zone needs it.");
	show("buddyinfo");

	say("Allocate one page (order 0, GFP_KERNEL).  The highest zone (DMA32: with\n"
	    "mem=1G there is no memory above 4 GiB for ZONE_NORMAL) hot-adds its first\n"
	    "section, as blocks of order 10.  One of them is split in halves down to\n"
	    "order 0 (expand), and the per-CPU list takes a batch of order-0 pages\n"
	    "for later allocations, so only the larger leftovers show here.");
	pages[0] = alloc_pages(GFP_KERNEL, 0);
	if (!pages[0])
		return 1;
	printf("  alloc_pages(GFP_KERNEL, 0) -> pfn %#lx at %p\n",
	       page_to_pfn(pages[0]), page_address(pages[0]));
	show("buddyinfo");

	say("Allocate an order-3 block (8 pages, 32 KiB) and an order-9 block (2 MiB):");
	pages[1] = alloc_pages(GFP_KERNEL, 3);
	pages[2] = alloc_pages(GFP_KERNEL | __GFP_COMP, 9);
	if (!pages[1] || !pages[2])
		return 1;
	printf("  alloc_pages(GFP_KERNEL, 3) -> pfn %#lx\n", page_to_pfn(pages[1]));
	printf("  alloc_pages(GFP_KERNEL|__GFP_COMP, 9) -> pfn %#lx, compound_order %u\n",
	       page_to_pfn(pages[2]), compound_order(pages[2]));
	show("buddyinfo");

	say("Free them again.  Each freed block merges with its buddy (the block at\n"
	    "pfn ^ (1 << order)) while the buddy is free, climbing back to order 10.\n"
	    "drain_all_pages() empties the per-CPU lists so the merge is complete.");
	__free_pages(pages[2], 9);
	__free_pages(pages[1], 3);
	__free_pages(pages[0], 0);
	drain_all_pages(NULL);
	show("buddyinfo");

	say("A 2 MiB pageblock has a migrate type; an unmovable request takes a whole\n"
	    "pageblock from the movable ones rather than mixing types in it:");
	pages[3] = alloc_pages(GFP_KERNEL, 0);
	show("pagetypeinfo");
	__free_pages(pages[3], 0);
	drain_all_pages(NULL);

	say("Watermarks, free memory (memory not yet hot-added counts as free):");
	show("meminfo");
	return 0;
}

/* Print only the lines of a view that start with @prefix. */
static void show_lines(const char *view, const char *prefix)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	kheap_proc_show(view, f);
	fclose(f);
	printf("\n$ grep %s /proc/%s\n", prefix, view);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, prefix, strlen(prefix)))
			printf("%s\n", line);
	free(buf);
	fflush(stdout);
}

/* Print the slabinfo header lines and the line of cache @name only. */
static void show_slabinfo_of(const char *name, unsigned int geo[3])
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, nlen = strlen(name);
	FILE *f = open_memstream(&buf, &len);
	int n = 0;

	if (!f)
		return;
	kheap_proc_show("slabinfo", f);
	fclose(f);
	printf("\n$ grep -e '^slabinfo' -e '^# name' -e '^%s ' /proc/slabinfo\n", name);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (n++ < 2 || (!strncmp(line, name, nlen) && line[nlen] == ' ')) {
			puts(line);
			if (geo && n > 2)
				sscanf(line + nlen, "%*s %*s %u %u %u", &geo[0],
				       &geo[1], &geo[2]);
		}
	}
	free(buf);
	fflush(stdout);
}

static int demo_slab(void)
{
	static void *objs[200];
	struct kmem_cache *s;
	unsigned int geo[3] = { 0, 0, 0 };
	int i;

	say("== 2. The slab allocator (SLUB) ==\n"
	    "Objects of one size come from a cache (kmem_cache_create).  Its slabs are\n"
	    "compound pages from the buddy allocator, cut into objects; a free object\n"
	    "holds the pointer to the next free one, so there is no per-object header.\n"
	    "Each CPU allocates from its own slab with one 16-byte compare-and-swap on\n"
	    "(freelist, tid); kheap keeps that state per CPU, not per thread.");
	s = kmem_cache_create("demo_obj", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!s)
		return 1;
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	if (!objs[0])
		return 1;
	show_slabinfo_of("demo_obj", geo);
	printf("\n  kmem_cache_create(\"demo_obj\", 200, 0, SLAB_HWCACHE_ALIGN, NULL):\n"
	       "  object size %u, stride %u (cache-line aligned), %u objects per slab,\n"
	       "  slab order %d (%u page%s), as calculate_order() picks: the smallest\n"
	       "  order that holds enough objects and wastes at most 1/16 of the slab.\n",
	       kmem_cache_size(s), geo[0], geo[1],
	       geo[2] ? __builtin_ctz(geo[2]) : 0, geo[2], geo[2] == 1 ? "" : "s");
	printf("  kmem_cache_alloc(demo_obj) -> %p; the first slab is now this CPU's.\n",
	       objs[0]);

	say("Allocate 199 more: the CPU's slab runs out and new slabs are taken from\n"
	    "the buddy allocator (active_objs counts every object a CPU holds):");
	for (i = 1; i < 200; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	show_slabinfo_of("demo_obj", NULL);

	say("Free every other object: full slabs become partial and go to this CPU's\n"
	    "partial list.  As the kernel's, slabinfo counts the objects of CPU slabs\n"
	    "and CPU partial lists as active; only node partial slabs show free ones.\n"
	    "Then free the rest: empty slabs beyond min_partial go back to the buddy\n"
	    "allocator, the others wait on the partial lists.");
	for (i = 0; i < 200; i += 2)
		kmem_cache_free(s, objs[i]);
	show_slabinfo_of("demo_obj", NULL);
	for (i = 1; i < 200; i += 2)
		kmem_cache_free(s, objs[i]);
	show_slabinfo_of("demo_obj", NULL);

	say("kmem_cache_shrink() flushes every CPU's slab and frees all empty slabs\n"
	    "(it returns 0: nothing is left); kmem_cache_destroy() removes the cache.");
	printf("  kmem_cache_shrink(demo_obj) = %d\n", kmem_cache_shrink(s));
	show_slabinfo_of("demo_obj", NULL);
	kmem_cache_destroy(s);
	return 0;
}

/* Not static: exported (ENABLE_EXPORTS) so vmallocinfo can name the caller. */
int demo_vmalloc(void);
int demo_vmalloc(void)
{
	struct page *pages[16];
	char *buf;

	say("== 3. vmalloc: virtually contiguous, physically scattered ==\n"
	    "vmalloc hands out addresses from its own range (VMALLOC_START..END)\n"
	    "and takes order-0 frames from the buddy allocator one by one, so it\n"
	    "works when no contiguous block is left.  Take 16 pages and give every\n"
	    "other one back, leaving single-page holes:");
	for (int i = 0; i < 16; i++)
		if (!(pages[i] = alloc_pages(GFP_KERNEL, 0)))
			return 1;
	for (int i = 0; i < 16; i += 2)
		__free_pages(pages[i], 0);

	buf = vmalloc(6 * PAGE_SIZE);
	if (!buf)
		return 1;
	memset(buf, 'k', 6 * PAGE_SIZE);
	printf("  vmalloc(6 * PAGE_SIZE) -> %p (one address range)\n", (void *)buf);
	for (int i = 0; i < 6; i++)
		printf("    page %d at %p -> pfn %#lx\n", i, (void *)(buf + i * PAGE_SIZE),
		       vmalloc_to_pfn(buf + i * PAGE_SIZE));
	say("The frames are accounted, not aliased: userspace cannot map one page\n"
	    "at two addresses, so the bytes at the vmalloc address are fresh\n"
	    "private memory and page_address(vmalloc_to_page(p)) is not p.  The\n"
	    "area ends in a guard page (vmallocinfo's size includes it); touching\n"
	    "it is a segmentation fault.");
	show("vmallocinfo");
	show_lines("meminfo", "Vmalloc");

	say("vfree gives the frames back and lowers VmallocUsed at once; the\n"
	    "address range waits (\"unpurged vm_area\") until lazy_max_pages of\n"
	    "freed ranges pile up or vm_unmap_aliases() purges them:");
	vfree(buf);
	show("vmallocinfo");
	show_lines("meminfo", "Vmalloc");
	vm_unmap_aliases();
	for (int i = 1; i < 16; i += 2)
		__free_pages(pages[i], 0);
	return 0;
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

/*
 * Put the shim in this process's environment for the program exec'd next:
 * LD_PRELOAD gets the shim first, KHEAP_CMDLINE gets @extra appended.
 */
static int shim_environment(const char *cmdline, const char *extra)
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

static int cmd_view(const char *view, int argc, char **argv)
{
	const char *pid = NULL;
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

/* ---- demo, section 4: a real program on the shim ---- */

struct cache_line {
	char text[256];
	unsigned long active;
};

static int by_active(const void *a, const void *b)
{
	const struct cache_line *x = a, *y = b;

	return x->active < y->active ? 1 : x->active > y->active ? -1 : 0;
}

/* Print the slabinfo header and its @top busiest caches from @text. */
static void print_top_slabinfo(char *text, int top, int pid)
{
	char mark[64];

	snprintf(mark, sizeof(mark), "(pid %d) <==", pid);
	struct cache_line lines[128];
	int n = 0, in = pid == 0;	/* 0: @text is one slabinfo */
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "==> kheap ", 10)) {
			in = strstr(l, " slabinfo of ") && strstr(l, mark);
			continue;
		}
		if (!in)
			continue;
		if (l[0] == 's' || l[0] == '#') {
			if (l[0] == '#')
				printf("%.*s\n", 94, l);
			continue;
		}
		if (n < 128) {
			snprintf(lines[n].text, sizeof(lines[n].text), "%s", l);
			sscanf(l, "%*s %lu", &lines[n].active);
			n++;
		}
	}
	qsort(lines, (size_t)n, sizeof(lines[0]), by_active);
	for (int i = 0; i < n && i < top && lines[i].active; i++)
		printf("%.*s\n", 94, lines[i].text);
}

static int demo_real_program(void)
{
	/* the program asks `kheap slabinfo --pid` about itself while its data
	 * is alive (at exit it would have freed it) */
	static const char script[] =
		"import json, os, subprocess, sys\n"
		"d = {str(i): [i, str(i) * 3] for i in range(20000)}\n"
		"print('python3: a dict of', len(d), 'entries,', len(json.dumps(d)), 'bytes of JSON')\n"
		"sys.stdout.flush()\n"
		"r = subprocess.run([sys.argv[1], 'slabinfo', '--pid', str(os.getpid())],\n"
		"                   capture_output=True, text=True)\n"
		"sys.stderr.write(r.stdout)\n";
	char self[PATH_MAX];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *argv_py[] = { "/usr/bin/python3", "-c", (char *)script, self, NULL };
	char *argv_ls[] = { "/bin/ls", "-l", "/", NULL };
	int python = sl > 0 && access("/usr/bin/python3", X_OK) == 0;
	char **argv = python ? argv_py : argv_ls;
	char *out = NULL;
	size_t len = 0, cap = 0;
	int pfd[2], status;
	pid_t pid;

	self[sl > 0 ? sl : 0] = 0;
	say("== 4. A real program on kheap ==\n"
	    "libkheap-malloc.so is malloc, free, realloc, posix_memalign, ... on\n"
	    "kmalloc (up to 8 KiB from the kmalloc caches, then compound pages up to\n"
	    "4 MiB) and vmalloc (beyond).  `kheap run -- PROG` preloads it and lets\n"
	    "`kheap slabinfo --pid PID` read the program's views while it runs.\n"
	    "Here python3 (PYTHONMALLOC=malloc: its objects come from malloc, not\n"
	    "from its own arenas) builds a dict and asks for its own slabinfo; the\n"
	    "busiest caches:");
	fflush(stdout);
	if (pipe(pfd))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		setenv("PYTHONMALLOC", "malloc", 1);
		if (shim_environment(NULL, python ? "kheap.publish=1"
						  : "kheap.stats=1"))
			_exit(3);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		if (len + 4096 >= cap) {
			char *n = realloc(out, cap = cap ? 2 * cap : 65536);

			if (!n)
				break;
			out = n;
		}
		ssize_t r = read(pfd[0], out + len, cap - len - 1);

		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("  (the program failed: %s)\n",
		       WIFEXITED(status) && WEXITSTATUS(status) == 3
		       ? "libkheap-malloc.so not built" : "see its output");
		free(out);
		return 0;
	}
	if (out) {
		out[len] = 0;
		print_top_slabinfo(out, 8, python ? 0 : (int)pid);
	}
	free(out);
	say("Try it on your own programs: `build/kheap run --stats -- PROG`, or\n"
	    "`build/kheap run -- PROG &` and then `build/kheap slabinfo --pid $!`.");
	return 0;
}

static int cmd_demo(void)
{
	int err = kheap_init("mem=1G");

	if (err && err != -EBUSY && err != -EINVAL)
		return 1;
	printf("kheap %s demo: the Linux kernel's heap, in userspace (mem=1G)\n",
	       KHEAP_VERSION);
	if (demo_buddy() || demo_slab() || demo_vmalloc())
		return 1;
	return demo_real_program();
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
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
	if (!strcmp(c->name, "help")) {
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
	if (strcmp(c->name, "run") ? wants_help(argc, argv)
				   : argc > 1 && (!strcmp(argv[1], "-h") ||
						  !strcmp(argv[1], "--help"))) {
		command_usage(c, stdout);
		return 0;
	}
	if (!strcmp(c->name, "run"))
		return cmd_run(argc, argv, cmdline);
	if (!strcmp(c->name, "demo"))
		return cmd_demo();
	if (cmdline && kheap_init(cmdline) == -EINVAL)
		return 2;
	if (!strcmp(c->name, "options") || !strcmp(c->name, "config")) {
		if (argc > 1) {
			fprintf(stderr, "%s: %s: unexpected argument '%s'\n", prog,
				c->name, argv[1]);
			return 2;
		}
		if (c->name[0] == 'o')
			kheap_print_options(stdout);
		else
			kheap_print_config(stdout);
		return 0;
	}
	return cmd_view(c->name, argc, argv);
}
