// SPDX-License-Identifier: MIT
/*
 * test_valgrind - the debug library announces slab objects to Valgrind:
 * `valgrind --leak-check=full` on a small kheap program reports a planted
 * kmalloc leak as "definitely lost" and a read of a freed object as an
 * invalid read inside a free'd block, as it does for malloc.  Skipped (and
 * passed) when valgrind is not installed or kheap is built with a
 * sanitizer (Valgrind cannot run those).
 */
#include "internal.h"
#include "check.h"

#include <sys/wait.h>

void *volatile test_valgrind_keep;	/* a root memcheck scans */

static int child(void)
{
	char *p, *volatile q;
	int r;

	kheap_init("mem=256M vmalloc=256M");
	test_valgrind_keep = kmalloc(40, GFP_KERNEL);	/* reachable */
	p = kmalloc(100, GFP_KERNEL);		/* leaked below */
	memset(p, 1, 100);
	p = NULL;
	q = kmalloc(128, GFP_KERNEL);
	memset(q, 2, 128);
	kfree(q);
	r = q[5];				/* use after free */
	return r == 0x7f ? 1 : 0;
}

static char out[1 << 16];

static void test_valgrind_sees_kheap_objects(void)
{
	char self[4096];
	int fds[2], status = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0);
	self[n > 0 ? n : 0] = 0;

	if (access("/usr/bin/valgrind", X_OK)) {
		SKIP("valgrind not installed");
		return;
	}
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		unsetenv("KHEAP_CMDLINE");
		execl("/usr/bin/valgrind", "valgrind", "--leak-check=full",
		      self, "--child", NULL);
		_exit(127);
	}
	close(fds[1]);
	while (got < sizeof(out) - 1 &&
	       (n = read(fds[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	CHECK(strstr(out, "Invalid read of size 1") != NULL);
	CHECK(strstr(out, "block of size 128") != NULL);
	/* the leak, as its size class (kmalloc-128) */
	CHECK(strstr(out, "128 bytes in 1 blocks are definitely lost") != NULL);
	CHECK(strstr(out, "__kmem_cache_alloc_kmalloc") != NULL);
	CHECK(strstr(out, "64 bytes in 1 blocks are definitely lost") == NULL);
	if (check_cur_failed)
		fprintf(stderr, "%s\n", out);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--child"))
		return child();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	fprintf(stderr, "sanitizer build: Valgrind cannot run it; skipped\n");
	return CHECK_SKIP_CODE;
#endif
	RUN(test_valgrind_sees_kheap_objects);
	return check_summary();
}
