// SPDX-License-Identifier: MIT
/*
 * test_asan_slab - under an ASan build of kheap, slab objects are poisoned
 * while free and kmalloc's slack past the request is poisoned until
 * ksize(): ASan itself reports a kheap-level use-after-free or overflow
 * (in a forked child, which ASan then ends).  In other configurations the
 * test only checks that nothing is reported and passes.
 */
#include "internal.h"
#include "check.h"

#include <sys/wait.h>

static volatile char sink;

static void *launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* Run @fn in a child; its stderr into @buf; returns its wait status. */
static int in_child(void (*fn)(void), char *buf, size_t len)
{
	int fds[2], status = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (got < len - 1 && (n = read(fds[0], buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return status;
}

static void kmalloc_uaf(void)
{
	char *p = launder(kmalloc(32, GFP_KERNEL));

	kfree(p);
	sink = p[3];
}

static void kmalloc_slack(void)
{
	char *p = launder(kmalloc(20, GFP_KERNEL));

	sink = p[24];		/* inside kmalloc-32, past the request */
}

static void cache_uaf(void)
{
	struct kmem_cache *s = kmem_cache_create("asan_test", 100, 0, 0, NULL);
	char *p = launder(kmem_cache_alloc(s, GFP_KERNEL));

	kmem_cache_free(s, p);
	p[10] = 1;		/* not the free pointer word (48..55) */
}

static void clean(void)
{
	char *p = launder(kmalloc(20, GFP_KERNEL));

	memset(p, 1, ksize(p));	/* ksize() hands over the whole object */
	kfree(p);
	p = kmalloc(32, GFP_KERNEL);
	memset(p, 2, 32);
	kfree(p);
}

static char out[16384];

/*
 * Run @fn in a child: under ASan it must die with ASan's use-after-poison
 * report (and @detail in it, if given); without ASan the same accesses are
 * harmless and the child exits 0.
 */
static void expect_poison_report(void (*fn)(void), const char *detail)
{
	int st = in_child(fn, out, sizeof(out));

#ifdef __SANITIZE_ADDRESS__
	CHECK(!(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	CHECK(strstr(out, "AddressSanitizer: use-after-poison") != NULL);
	if (detail)
		CHECK(strstr(out, detail) != NULL);
#else
	(void)detail;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
#endif
}

static void test_use_after_free(void)
{
	expect_poison_report(kmalloc_uaf, NULL);
}

static void test_kmalloc_slack(void)
{
	expect_poison_report(kmalloc_slack, NULL);
}

static void test_cache_use_after_free(void)
{
	expect_poison_report(cache_uaf, "WRITE of size 1");
}

static void test_clean_program(void)
{
	int st = in_child(clean, out, sizeof(out));

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strstr(out, "AddressSanitizer") == NULL);
}

int main(void)
{
	CHECK_EQ(kheap_init(NULL), 0);
	RUN(test_clean_program);
	RUN(test_use_after_free);
	RUN(test_kmalloc_slack);
	RUN(test_cache_use_after_free);
	return check_summary();
}
