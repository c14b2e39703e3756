// SPDX-License-Identifier: MIT
/*
 * test_rlimit_as - kheap starts under a small address space limit
 * (RLIMIT_AS, what `ulimit -v` sets), each case in a child process:
 *
 * - at 100000 KiB: kheap_init() succeeds, says once that it shrank mem=,
 *   and every layer works (10 MB of kmalloc, a cache, pages, a 6 MiB
 *   vmalloc), the heap validates;
 * - at 300000 KiB: the same with a larger mem=;
 * - with too little for even a minimal heap: kheap_init() fails with
 *   -ENOMEM and the process goes on (it is the malloc shim that aborts).
 * Skipped under ASan, whose shadow memory needs terabytes of address space.
 */
#include "internal.h"
#include "check.h"

#include <errno.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <sys/resource.h>
#include <sys/wait.h>

static char out[8192];

/* Run @fn in a child limited to @kib KiB of address space; its exit code. */
static int limited(int (*fn)(void), unsigned long kib)
{
	char path[] = "/tmp/kheap-rlimit-XXXXXX";
	int fd = mkstemp(path), status;
	pid_t pid;
	ssize_t n;

	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { kib << 10, kib << 10 };

		dup2(fd, 2);
		if (setrlimit(RLIMIT_AS, &rl))
			_exit(99);
		_exit(fn());
	}
	waitpid(pid, &status, 0);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int count(const char *what)
{
	int n = 0;

	for (const char *p = out; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static int use_every_layer(void)
{
	static void *objs[10000];
	struct kmem_cache *c;
	struct page *pg;
	void *v, *o;
	int err = kheap_init(NULL);

	if (err)
		return 10;
	for (int i = 0; i < 10000; i++)
		if (!(objs[i] = kmalloc(1000, GFP_KERNEL)))
			return 11;
	c = kmem_cache_create("rlimit", 200, 0, 0, NULL);
	o = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	pg = alloc_pages(GFP_KERNEL, 3);
	v = vmalloc(6 << 20);
	if (!o || !pg || !v)
		return 12;
	memset(v, 7, 6 << 20);
	vfree(v);
	__free_pages(pg, 3);
	kmem_cache_free(c, o);
	kmem_cache_destroy(c);
	for (int i = 0; i < 10000; i++)
		kfree(objs[i]);
	return kheap_validate() ? 13 : 0;
}

static int init_only(void)
{
	return kheap_init(NULL) == -ENOMEM ? 0 : 20;
}

static void test_starts_at_100000k(void)
{
	CHECK_EQ(limited(use_every_layer, 100000), 0);
	CHECK_EQ(count("kheap: could not reserve "), 1);
	CHECK_EQ(count("; using mem="), 1);
}

static void test_starts_at_300000k(void)
{
	CHECK_EQ(limited(use_every_layer, 300000), 0);
	CHECK_EQ(count("; using mem="), 1);
}

static void test_fails_cleanly_without_room(void)
{
	CHECK_EQ(limited(init_only, 20000), 0);
	CHECK(strstr(out, "initialisation failed (-12)") != NULL);
}

int main(void)
{
#ifdef __SANITIZE_ADDRESS__
	fprintf(stderr, "test_rlimit_as: skipped under ASan\n");
	return check_summary();
#endif
	RUN(test_starts_at_100000k);
	RUN(test_starts_at_300000k);
	RUN(test_fails_cleanly_without_room);
	return check_summary();
}
