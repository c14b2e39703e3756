// SPDX-License-Identifier: MIT
/*
 * test_options - the kernel-style command line: sizes, bools, numbers,
 * unknown options (warned, ignored), bad values (reported, default kept,
 * -EINVAL), $KHEAP_CMDLINE, kheap_init() once, kheap_print_config().
 */
#include "internal.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_memparse_suffixes(void)
{
	char *end;

	CHECK_EQ(kheap_memparse("4096", &end), 4096);
	CHECK_EQ(*end, 0);
	CHECK_EQ(kheap_memparse("64K", NULL), 64 << 10);
	CHECK_EQ(kheap_memparse("2M", NULL), 2 << 20);
	CHECK_EQ(kheap_memparse("3g", NULL), 3ULL << 30);
	CHECK_EQ(kheap_memparse("1T", NULL), 1ULL << 40);
	CHECK_EQ(kheap_memparse("0x1000", NULL), 4096);
}

struct parse_case {
	const char *cmdline;
	int ret;
};

static void parse_quietly(void *arg)
{
	struct parse_case *c = arg;
	c->ret = kheap_parse_cmdline(c->cmdline, "test");
}

static void test_values_and_errors(void)
{
	char buf[4096];
	struct parse_case c;
	struct kheap_config saved = kheap_config;

	c.cmdline = "mem=2G watermark_scale_factor=100 transparent_hugepage=off";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, 0);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(kheap_config.mem, 2UL << 30);
	CHECK_EQ(kheap_config.watermark_scale_factor, 100);
	CHECK_EQ(kheap_config.thp, false);

	/* a bare bool means true; quotes group a value */
	c.cmdline = "  transparent_hugepage \t page_reporting.capacity=\"7\"  ";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, 0);
	CHECK_EQ(kheap_config.thp, true);
	CHECK_EQ(kheap_config.page_reporting_capacity, 7);

	/* bad values: reported with the option and the value, default kept */
	c.cmdline = "mem=lots watermark_scale_factor=-3 transparent_hugepage=maybe";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, -EINVAL);
	CHECK(strstr(buf, "bad value \"lots\" for option mem") != NULL);
	CHECK(strstr(buf, "bad value \"-3\" for option watermark_scale_factor") != NULL);
	CHECK(strstr(buf, "bad value \"maybe\" for option transparent_hugepage") != NULL);
	CHECK_EQ(kheap_config.mem, 2UL << 30);
	CHECK_EQ(kheap_config.watermark_scale_factor, 100);

	/* out of range: mem below 16M, order above MAX_PAGE_ORDER */
	c.cmdline = "mem=1M page_reporting.page_reporting_order=11";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, -EINVAL);
	CHECK_EQ(kheap_config.mem, 2UL << 30);

	/* unknown options warn and are ignored: not an error */
	c.cmdline = "no_such_option=1 alsonot";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, 0);
	CHECK(strstr(buf, "unknown option \"no_such_option\"") != NULL);
	CHECK(strstr(buf, "unknown option \"alsonot\"") != NULL);
	kheap_config = saved;
}

static void test_slab_allocator_choice(void)
{
	char buf[4096];
	struct parse_case c;
	struct kheap_config saved = kheap_config;

	CHECK_EQ(kheap_config.slab_allocator, SLAB_ALLOCATOR_SLUB);	/* default */
	c.cmdline = "slab_allocator=slab";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, 0);
	CHECK_EQ(kheap_config.slab_allocator, SLAB_ALLOCATOR_SLAB);
	c.cmdline = "slab_allocator=slob";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(kheap_config.slab_allocator, SLAB_ALLOCATOR_SLOB);
	/* anything else is refused and the value in force kept */
	c.cmdline = "slab_allocator=slqb";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, -EINVAL);
	CHECK(strstr(buf, "bad value \"slqb\" for option slab_allocator") != NULL);
	CHECK_EQ(kheap_config.slab_allocator, SLAB_ALLOCATOR_SLOB);
	/* slab_max_order= says it was given (SLAB's default depends on it) */
	CHECK(!kheap_config.slab_max_order_set);
	c.cmdline = "slub_max_order=2";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, 0);
	CHECK(kheap_config.slab_max_order_set);
	CHECK_EQ(kheap_config.slab_max_order, 2);
	c.cmdline = "slab_max_order=11";
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, -EINVAL);
	CHECK_EQ(kheap_config.slab_max_order, 2);
	kheap_config = saved;
}

static int child_init(const char *cmdline)
{
	return kheap_init(cmdline);
}

/* Run @fn in a child; return its exit code (the child's own kheap). */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(fn());
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int bad_value_child(void)
{
	int fd = open("/dev/null", O_WRONLY);
	dup2(fd, 2);
	int ret = child_init("mem=12Q");
	/* still usable, with the default (machine RAM) */
	struct page *p = alloc_page(GFP_KERNEL);
	return ret == -EINVAL && p && max_pfn > (16UL << 20) >> PAGE_SHIFT ? 0 : 1;
}

static int env_child(void)
{
	setenv("KHEAP_CMDLINE", "mem=96M", 1);
	/* no kheap_init(): the first allocation initialises from the env */
	struct page *p = alloc_page(GFP_KERNEL);
	if (!p || max_pfn != (96UL << 20) >> PAGE_SHIFT)
		return 1;
	return kheap_init("mem=32M") == -EBUSY ? 0 : 2;
}

/* A report longer than the printk buffer is cut with "...", and keeps
 * its newline (the next message starts on a line of its own). */
static void test_long_message_keeps_newline(void)
{
	static char cmdline[1500], buf[4096];
	struct parse_case c;
	struct kheap_config saved = kheap_config;
	size_t len;

	memcpy(cmdline, "mem=", 4);
	memset(cmdline + 4, '9', sizeof(cmdline) - 5);
	c.cmdline = cmdline;
	check_capture_stderr(parse_quietly, &c, buf, sizeof(buf));
	CHECK_EQ(c.ret, -EINVAL);
	len = strlen(buf);
	CHECK(len > 1000 && len < 1100);
	CHECK(len >= 4 && !strcmp(buf + len - 4, "...\n"));
	kheap_config = saved;
}

static void test_kheap_init_results(void)
{
	CHECK_EQ(in_child(bad_value_child), 0);
	CHECK_EQ(in_child(env_child), 0);
}

static void test_init_applies_options(void)
{
	CHECK_EQ(kheap_init("mem=128M min_free_kbytes=2048"), 0);
	CHECK_EQ(max_pfn, (128UL << 20) >> PAGE_SHIFT);
	unsigned long sum = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += kheap_zones[z]._watermark[WMARK_MIN];
	/* 2048 kB = 512 pages, split by zone size (rounding down) */
	CHECK(sum <= 512 && sum >= 510);
	CHECK_EQ(kheap_init(NULL), -EBUSY);
}

static void test_print_config(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	kheap_print_config(f);
	fclose(f);
	CHECK(strstr(text, "mem=128M\t# ") != NULL);
	CHECK(strstr(text, "min_free_kbytes=2048\t# ") != NULL);
	CHECK(strstr(text, "watermark_scale_factor=10\t# ") != NULL);
	CHECK(strstr(text, "page_reporting.enabled=1") != NULL);
	CHECK(strstr(text, "slab_allocator=slub\t# ") != NULL);
	free(text);
}

int main(void)
{
	RUN(test_memparse_suffixes);
	RUN(test_values_and_errors);
	RUN(test_long_message_keeps_newline);
	RUN(test_slab_allocator_choice);
	RUN(test_kheap_init_results);
	RUN(test_init_applies_options);
	RUN(test_print_config);
	return check_summary();
}
