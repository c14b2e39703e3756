// SPDX-License-Identifier: MIT
/*
 * test_kmemleak - the leak scan: a planted leak is found and reported in
 * kmemleak's format, once; objects reachable from globals, from the stack
 * and through other objects are not; kmemleak_not_leak() and
 * kmemleak_ignore() silence an object; kmemleak_update_trace() moves an
 * object's backtrace to its caller; kmemleak_free() forgets a mark; caches
 * made and destroyed (SLAB's array caches) leave no marks; scan_at_exit
 * scans at exit.  Also run under SLAB (test_kmemleak_slab).
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_debug.h"
#include "check.h"

#include <linux/kmemleak.h>
#include <pthread.h>
#include <sys/wait.h>

static char out[65536];
static void *global_ref;
struct node { struct node *next; char pad[56]; };

struct scan { int ret; };

static void do_scan(void *arg)
{
	((struct scan *)arg)->ret = kheap_kmemleak_scan();
}

static int scan(void)
{
	struct scan s;


	check_capture_stderr(do_scan, &s, out, sizeof(out));
	return s.ret;
}

/* Allocate and drop the pointer in a frame that is then overwritten. */
static __attribute__((noinline)) unsigned long plant_leak(size_t size, char c)
{
	char *volatile p = kmalloc(size, GFP_KERNEL);
	unsigned long h = (unsigned long)p ^ 0x5555;	/* hidden from the scan */

	memset(p, c, size);
	p = NULL;		/* not even in this frame once it is dead */
	return h;
}

static void *plant_thread(void *arg)
{
	(void)arg;
	plant_leak(300, 'x');
	return NULL;
}

static __attribute__((noinline)) void clobber_stack(void)
{
	char buf[8192];

	memset(buf, 0, sizeof(buf));
	__asm__ volatile("" : : "r"(buf) : "memory");	/* keep the memset */
}

static void test_baseline_clean(void)
{
	/* kheap's own objects (caches, aliases) are all reachable */
	scan();
	CHECK_EQ(scan(), 0);
}

static void test_planted_leak_found(void)
{
	unsigned long h = plant_leak(100, 'L');
	char want[64];

	clobber_stack();
	CHECK_EQ(scan(), 1);
	snprintf(want, sizeof(want), "unreferenced object 0x%08lx (size 128):\n",
		 h ^ 0x5555);
	CHECK(strstr(out, want) != NULL);
	CHECK(strstr(out, "  comm \"") != NULL);
	CHECK(strstr(out, "  hex dump (first 32 bytes):\n") != NULL);
	CHECK(strstr(out, "    4c 4c 4c 4c") != NULL);
	CHECK(strstr(out, "LLLLLLLLLLLLLLLL") != NULL);
	CHECK(strstr(out, "  backtrace (crc ") != NULL);
	CHECK(strstr(out, "kmemleak: 1 new suspected memory leaks") != NULL);
	CHECK_EQ(scan(), 0);			/* reported once */
	kfree((void *)(h ^ 0x5555));
}

static void test_reachable_not_reported(void)
{
	struct node *head = NULL;

	global_ref = kmalloc(64, GFP_KERNEL);
	/* a chain reachable only through its head on the stack */
	for (int i = 0; i < 10; i++) {
		struct node *n = kmalloc(sizeof(*n), GFP_KERNEL);

		n->next = head;
		head = n;
	}
	/* and a pointer into the middle of an object counts */
	*(char **)global_ref = (char *)kmalloc(200, GFP_KERNEL) + 50;
	clobber_stack();
	CHECK_EQ(scan(), 0);
	CHECK(strstr(out, "unreferenced object") == NULL);
	while (head) {
		struct node *n = head->next;

		kfree(head);
		head = n;
	}
	kfree(*(char **)global_ref - 50);
	kfree(global_ref);
	global_ref = NULL;
}

static void test_not_leak_and_ignore(void)
{
	unsigned long a = plant_leak(64, 'a'), b = plant_leak(64, 'b');

	kmemleak_not_leak((void *)(a ^ 0x5555));
	kmemleak_ignore((void *)(b ^ 0x5555));
	clobber_stack();
	CHECK_EQ(scan(), 0);
	kfree((void *)(a ^ 0x5555));
	kfree((void *)(b ^ 0x5555));
}

static struct kmem_cache *pool_cache;

static __attribute__((noinline)) void *pool_fill(void)
{
	void *obj = kmem_cache_alloc(pool_cache, GFP_KERNEL);

	__asm__ volatile("" : : : "memory");	/* not a tail call */
	return obj;
}

static __attribute__((noinline)) void hand_out(void *obj)
{
	kmemleak_update_trace(obj);
	__asm__ volatile("" : : : "memory");	/* not a tail call */
}

/* The allocation caller a report of @obj gives is in @fn: SLUB's alloc
 * track, or under SLAB the caller word of its SLAB_STORE_USER layout. */
static bool track_in(void *obj, void *fn)
{
	unsigned long start = (unsigned long)fn, addr;

	if (slab_alt) {
		addr = slab_ops->obj_caller(pool_cache, obj);
	} else {
		const struct track *t = slub_debug_alloc_track(pool_cache, obj);

		addr = t ? t->addr : 0;
	}
	return addr > start && addr < start + 256;
}

/*
 * An object preallocated in one place and handed out in another (the
 * radix tree's preloads): the alloc track, which kheap's leak reports
 * print, becomes the hand-out's.
 */
static void test_update_trace(void)
{
	void *obj;

	pool_cache = kmem_cache_create("kmemleak_pool", 64, 0,
				       SLAB_STORE_USER, NULL);
	obj = pool_fill();
	CHECK(track_in(obj, (void *)pool_fill));
	hand_out(obj);
	CHECK(track_in(obj, (void *)hand_out));
	kmemleak_update_trace(NULL);			/* ignored */
	kmemleak_update_trace((char *)obj + 1);		/* not an object: ignored */
	CHECK(track_in(obj, (void *)hand_out));
	kmem_cache_free(pool_cache, obj);
	kmem_cache_destroy(pool_cache);
}

/* A leaked object of a SLAB_STORE_USER cache, allocated here. */
static __attribute__((noinline)) unsigned long plant_cache_leak(struct kmem_cache *c)
{
	char *volatile p = kmem_cache_alloc(c, GFP_KERNEL);
	unsigned long h = (unsigned long)p ^ 0x5555;

	memset(p, 'T', 64);
	p = NULL;
	__asm__ volatile("" : : : "memory");	/* not a tail call */
	return h;
}

/*
 * Where the cache keeps its callers, the report's backtrace is the
 * allocation's: SLUB's alloc track, SLAB's caller word (one frame).
 */
static void test_store_user_backtrace(void)
{
	struct kmem_cache *c = kmem_cache_create("kmemleak_track", 64, 0,
						 SLAB_STORE_USER, NULL);
	unsigned long h = plant_cache_leak(c);
	char want[96], *bt;

	clobber_stack();
	CHECK_EQ(scan(), 1);
	snprintf(want, sizeof(want), "unreferenced object 0x%08lx (size 64):\n",
		 h ^ 0x5555);
	CHECK(strstr(out, want) != NULL);
	bt = strstr(out, "  backtrace (crc ");
	CHECK(bt != NULL);
	CHECK(bt && strncmp(bt, "  backtrace (crc 0)", 19) != 0);
	bt = bt ? strchr(bt, '\n') : NULL;
	/* the first frame is in plant_cache_leak(), as %pS names it */
	CHECK(bt && !strncmp(bt + 1, "    ", 4));
	if (bt) {
		char sym[KSYM_SYMBOL_LEN], *plus;
		unsigned long fn_off, off;

		sprint_symbol(sym, sizeof(sym), (void *)plant_cache_leak);
		plus = strchr(sym, '+');
		CHECK(plus != NULL);
		if (plus) {
			fn_off = strtoul(plus + 1, NULL, 16);
			*plus = '\0';
			bt += 5;	/* "\n    " */
			CHECK(!strncmp(bt, sym, strlen(sym)) &&
			      bt[strlen(sym)] == '+');
			off = strtoul(bt + strlen(sym) + 1, NULL, 16);
			CHECK(off > fn_off && off < fn_off + 256);
		}
	}
	kmem_cache_free(c, (void *)(h ^ 0x5555));
	kmem_cache_destroy(c);
}

/*
 * kmemleak_free() forgets a freed object's marks and report: a new object
 * at its address is judged afresh.  (kheap keeps both by address.)
 */
/*
 * plant_leak() a frame further down: at -O0 (the ASan build) its spilled
 * temporaries would otherwise sit where scan()'s frame, at the same depth,
 * leaves slots unwritten - a stale copy of the pointer on the stack.
 */
static __attribute__((noinline)) unsigned long plant_leak_deep(size_t size, char c)
{
	volatile char pad[512];
	unsigned long h;

	pad[0] = 0;
	h = plant_leak(size, c);
	__asm__ volatile("" : : : "memory");
	return h + (unsigned long)pad[0];
}

/* A marked leak, scanned, then freed with kmemleak_free(), a frame down. */
static __attribute__((noinline)) unsigned long mark_and_free_deep(void)
{
	volatile char pad[1024];
	unsigned long h;

	pad[0] = 0;
	h = plant_leak(100, 'F');
	kmemleak_not_leak((void *)(h ^ 0x5555));
	clobber_stack();
	CHECK_EQ(scan(), 0);
	kmemleak_free((void *)(h ^ 0x5555));
	kfree((void *)(h ^ 0x5555));
	__asm__ volatile("" : : : "memory");
	return h + (unsigned long)pad[0];
}

static void test_free_forgets_marks(void)
{
	unsigned long h = mark_and_free_deep(), h2;	/* hidden pointers */

	h2 = plant_leak_deep(100, 'G');	/* LIFO: most likely the same object */
	clobber_stack();
	CHECK_EQ(scan(), 1);		/* not silenced by the old mark */
	CHECK(strstr(out, "GGGGGGGGGGGGGGGG") != NULL);
	if (h2 != h)
		fprintf(stderr, "  (the new object is elsewhere: the mark was not put to the test)\n");
	kmemleak_free((void *)(h2 ^ 0x5555));
	kfree((void *)(h2 ^ 0x5555));
}

/* Caches made and destroyed leave no marks behind (SLAB's arrays). */
static void do_many_caches(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2500; i++) {
		struct kmem_cache *c = kmem_cache_create("kmemleak_churn", 64, 0,
							 SLAB_NO_MERGE, NULL);

		kmem_cache_free(c, kmem_cache_alloc(c, GFP_KERNEL));
		kmem_cache_destroy(c);
	}
}

static void test_caches_leave_no_marks(void)
{
	check_capture_stderr(do_many_caches, NULL, out, sizeof(out));
	CHECK(strstr(out, "marked objects") == NULL);
	CHECK_EQ(scan(), 0);
}

static void test_scan_at_exit(void)
{
	char buf[4096];
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		execl("/proc/self/exe", "test_kmemleak", "--child", NULL);
		_exit(3);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	CHECK(strstr(buf, "unreferenced object 0x") != NULL);
	CHECK(strstr(buf, "(size 512):") != NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--child")) {
		pthread_t t;

		kheap_init("kmemleak.scan_at_exit=1");
		/* planted by a thread that is gone: no stack of ours holds it */
		pthread_create(&t, NULL, plant_thread, NULL);
		pthread_join(t, NULL);
		return 0;
	}
	CHECK_EQ(kheap_init(NULL), 0);
	RUN(test_baseline_clean);
	/* first: marks and reports are kept by address (mm/kmemleak.c) */
	RUN(test_store_user_backtrace);
	RUN(test_planted_leak_found);
	RUN(test_reachable_not_reported);
	RUN(test_not_leak_and_ignore);
	RUN(test_update_trace);
	RUN(test_free_forgets_marks);
	RUN(test_caches_leave_no_marks);
	RUN(test_scan_at_exit);
	return check_summary();
}
