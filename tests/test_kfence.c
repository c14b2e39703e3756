// SPDX-License-Identifier: MIT
/*
 * test_kfence - KFENCE, modelled on the kernel's mm/kfence/kfence_test.c:
 * out-of-bounds reads and writes left and right, use-after-free, invalid
 * free, double free, memory corruption (canary), each reported in the
 * kernel's words on stderr with the process going on; a SIGSEGV outside the
 * pool still kills (forked child); KFENCE off by default installs nothing.
 */
#include "internal.h"
#include "slab_internal.h"
#include "kfence/kfence.h"
#include "check.h"

#include <signal.h>
#include <sys/wait.h>

static char out[65536];

enum policy { LEFT, RIGHT };

static struct kmem_cache *test_cache;

/* Allocate until KFENCE serves us an object placed as @pol asks. */
static char *test_alloc(size_t size, enum policy pol)
{
	unsigned long long deadline = os_ns() + 10000000000ULL;

	while (os_ns() < deadline) {
		char *p = kmalloc(size, GFP_KERNEL);

		if (is_kfence_address(p)) {
			bool left = ((unsigned long)p & (PAGE_SIZE - 1)) == 0;

			if (left == (pol == LEFT))
				return p;
		}
		kfree(p);
		usleep(200);
	}
	return NULL;
}

static volatile char sink;

struct op {
	char *p;
	long off;
	int what;
};

static void access_op(void *arg)
{
	struct op *o = arg;

	switch (o->what) {
	case 0: sink = o->p[o->off]; break;		/* read */
	case 1: o->p[o->off] = 42; break;		/* write */
	case 2: kfree(o->p); break;
	}
}

static void run(char *p, long off, int what)
{
	struct op o = { p, off, what };

	check_capture_stderr(access_op, &o, out, sizeof(out));
}

static void test_out_of_bounds_read_left(void)
{
	char *p = test_alloc(32, LEFT);

	CHECK(p != NULL);
	run(p, -1, 0);
	CHECK(strstr(out, "BUG: KFENCE: out-of-bounds read in ") != NULL);
	CHECK(strstr(out, "(1B left of kfence-#") != NULL);
	CHECK(strstr(out, ", size=32, cache=kmalloc-32\n") != NULL);
	CHECK(strstr(out, "allocated by task ") != NULL);
	kfree(p);
}

static void test_out_of_bounds_read_right(void)
{
	char *p = test_alloc(32, RIGHT);

	CHECK(p != NULL);
	run(p, 32, 0);
	CHECK(strstr(out, "BUG: KFENCE: out-of-bounds read in ") != NULL);
	CHECK(strstr(out, "Out-of-bounds read at 0x") != NULL);
	CHECK(strstr(out, "(1B right of kfence-#") != NULL);
	kfree(p);
}

static void test_out_of_bounds_write_right(void)
{
	char *p = test_alloc(64, RIGHT);

	CHECK(p != NULL);
	run(p, 64, 1);
	CHECK(strstr(out, "BUG: KFENCE: out-of-bounds write in ") != NULL);
	CHECK(strstr(out, "(1B right of kfence-#") != NULL);
	kfree(p);
}

static void test_out_of_bounds_write_left(void)
{
	char *p = test_alloc(64, LEFT);

	CHECK(p != NULL);
	run(p, -3, 1);
	CHECK(strstr(out, "BUG: KFENCE: out-of-bounds write in ") != NULL);
	CHECK(strstr(out, "(3B left of kfence-#") != NULL);
	kfree(p);
}

/*
 * A use-after-free read is reported, the page opened and the read goes on:
 * it sees the freed data, unless init_on_free zeroed it at kfree() (as
 * v6.12's kfence_guarded_free() does).
 */
static void use_after_free_read(bool init_on_free)
{
	char *p = test_alloc(32, RIGHT);

	CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0xaa, 32);
	kfree(p);
	run(p, 5, 0);
	CHECK(strstr(out, "BUG: KFENCE: use-after-free read in ") != NULL);
	CHECK(strstr(out, "Use-after-free read at 0x") != NULL);
	CHECK(strstr(out, "freed by task ") != NULL);
	CHECK_EQ((unsigned char)sink, init_on_free ? 0 : 0xaa);
}

static void test_use_after_free_read(void)
{
	use_after_free_read(false);
}

static void test_use_after_free_read_zeroed(void)
{
	use_after_free_read(true);
}

static void test_init_on_free(void)
{
	/* a child starts kheap with init_on_free=1 */
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		execl("/proc/self/exe", "test_kfence", "--child-init-on-free", NULL);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_invalid_addr_free(void)
{
	char *p = test_alloc(32, LEFT);

	CHECK(p != NULL);
	run(p + 1, 0, 2);
	CHECK(strstr(out, "BUG: KFENCE: invalid free in ") != NULL);
	CHECK(strstr(out, "Invalid free of 0x") != NULL);
	kfree(p);
}

static void test_double_free(void)
{
	char *p = test_alloc(32, LEFT);

	CHECK(p != NULL);
	kfree(p);
	run(p, 0, 2);
	CHECK(strstr(out, "BUG: KFENCE: invalid free in ") != NULL);
}

static void test_corruption(void)
{
	char *p = test_alloc(32, LEFT);

	CHECK(p != NULL);
	p[32] = 0x2a;			/* in the canary, not the guard page */
	run(p, 0, 2);
	CHECK(strstr(out, "BUG: KFENCE: memory corruption in ") != NULL);
	CHECK(strstr(out, "Corrupted memory at 0x") != NULL);
	CHECK(strstr(out, "[ 0x2a . . .") != NULL);
}

static void test_cache_objects(void)
{
	unsigned long long deadline = os_ns() + 10000000000ULL;
	char *p = NULL;

	test_cache = kmem_cache_create("test_kfence", 100, 0, 0, NULL);
	while (os_ns() < deadline && !p) {
		char *q = kmem_cache_alloc(test_cache, GFP_KERNEL | __GFP_ZERO);

		if (is_kfence_address(q))
			p = q;
		else
			kmem_cache_free(test_cache, q);
		usleep(200);
	}
	CHECK(p != NULL);
	CHECK(p && p[0] == 0 && p[99] == 0);
	CHECK_EQ(ksize(p), 100);
	kmem_cache_free(test_cache, p);
	kmem_cache_destroy(test_cache);
	run(p, 0, 0);			/* after its cache is gone */
	CHECK(strstr(out, "BUG: KFENCE: use-after-free read in ") != NULL);
	CHECK(strstr(out, ", size=100, cache=<destroyed>\n") != NULL);
}

static void test_foreign_segv_kills(void)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		volatile int *bad = (volatile int *)16;

		__asm__("" : "+r"(bad));
		*bad = 1;			/* not KFENCE's: must still crash */
		_exit(0);
	}
	CHECK(pid > 0);
	waitpid(pid, &status, 0);
#ifdef __SANITIZE_ADDRESS__
	/*
	 * The previous handler is ASan's: it reports, then aborts
	 * (abort_on_error=1, as `make test` runs it) or exits with its
	 * exitcode, 1 (its default, as a bare ctest runs it).
	 */
	CHECK((WIFSIGNALED(status) &&
	       (WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGABRT)) ||
	      (WIFEXITED(status) && WEXITSTATUS(status) == 1));
#else
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
#endif
}

static void test_off_by_default(void)
{
	/* a child starts kheap without kfence: no handler is installed */
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		execl("/proc/self/exe", "test_kfence", "--child-default", NULL);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--child-default")) {
		struct sigaction before, after;
		void *p;

		unsetenv("KHEAP_CMDLINE");
		sigaction(SIGSEGV, NULL, &before);
		kheap_init(NULL);
		p = kmalloc(10, GFP_KERNEL);
		kfree(p);
		sigaction(SIGSEGV, NULL, &after);
		return before.sa_handler == after.sa_handler &&
		       before.sa_flags == after.sa_flags &&
		       kfence_sample_interval == 0 && !slab_alloc_hooks ? 0 : 1;
	}
	if (argc > 1 && !strcmp(argv[1], "--child-init-on-free")) {
		CHECK_EQ(kheap_init("kfence.sample_interval=1 kfence.num_objects=32 init_on_free=1"), 0);
		RUN(test_use_after_free_read_zeroed);
		return check_summary();
	}
	CHECK_EQ(kheap_init("kfence.sample_interval=1 kfence.num_objects=32"), 0);
	RUN(test_out_of_bounds_read_left);
	RUN(test_out_of_bounds_read_right);
	RUN(test_out_of_bounds_write_left);
	RUN(test_out_of_bounds_write_right);
	RUN(test_use_after_free_read);
	RUN(test_invalid_addr_free);
	RUN(test_double_free);
	RUN(test_corruption);
	RUN(test_cache_objects);
	RUN(test_foreign_segv_kills);
	RUN(test_off_by_default);
	RUN(test_init_on_free);
	return check_summary();
}
