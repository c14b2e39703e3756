// SPDX-License-Identifier: MIT
/*
 * tools/demo.c - `kheap demo` (what `make demo` runs): a narrated walk
 * through the buddy allocator, SLUB, vmalloc and a real program on kheap's
 * malloc, with the /proc views between the steps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kheap/kheap.h>
#include "tools/tool.h"

/* ---- chapters 1 to 3: the allocators in this process ---- */

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
	    "Each CPU allocates from its own free objects: a per-CPU array (a sheaf)\n"
	    "or freelist changed in restartable sequences, with no atomic instruction,\n"
	    "or where rseq is missing the kernel's 16-byte compare-and-swap on\n"
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

int cmd_demo(const struct command *c, int argc, char **argv,
	     const char *cmdline)
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
