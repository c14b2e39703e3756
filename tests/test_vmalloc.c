// SPDX-License-Identifier: MIT
/*
 * test_vmalloc - vmalloc's behaviour, modelled on the kernel's
 * lib/test_vmalloc.c cases, plus kheap's userspace specifics (guard page
 * fault, vmallocinfo, meminfo, bad-input reports).  vmap_validate() runs
 * after every phase.  Sizes adapt to vm.max_map_count.
 */
#include "internal.h"
#include "check.h"

/* the tests pass sizes that overflow and index past what vrealloc returned */
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wstringop-overflow"

#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void validate(void)
{
	CHECK_EQ(vmap_validate(), 0);
}

/* VMAs this process has now (lines of /proc/self/maps). */
static unsigned long nr_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* How many areas a test may keep as separate VMAs: a quarter of what is left. */
static unsigned long vma_budget(void)
{
	unsigned long max = os_max_map_count(), now = nr_maps();

	return now < max ? (max - now) / 4 : 0;
}

static void fill(void *p, unsigned long size, unsigned char v)
{
	memset(p, v, size);
}

static bool holds(const void *p, unsigned long size, unsigned char v)
{
	const unsigned char *c = p;

	for (unsigned long i = 0; i < size; i += 97)
		if (c[i] != v)
			return false;
	return size == 0 || c[size - 1] == v;
}

/* Text of a /proc view. */
static char *view(const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	kheap_proc_show(name, f);
	fclose(f);
	return buf;
}

static long meminfo_kb(const char *field)
{
	char *text = view("meminfo"), *p = strstr(text, field);
	long v = -1;

	if (p)
		v = strtol(p + strlen(field), NULL, 10);
	free(text);
	return v;
}

/* ---- lib/test_vmalloc.c cases ---- */

static void fix_size_alloc_test(void)
{
	for (int i = 0; i < 20000; i++) {
		char *p = vmalloc(3 * PAGE_SIZE);

		CHECK(p != NULL);
		if (!p)
			return;
		*p = 1;
		p[3 * PAGE_SIZE - 1] = 2;
		vfree(p);
	}
	validate();
}

static void random_size_alloc_test(void)
{
	for (int i = 0; i < 5000; i++) {
		unsigned long n = rnd() % 100 + 1;
		unsigned char *p = vmalloc(n * PAGE_SIZE);

		CHECK(p != NULL);
		if (!p)
			return;
		CHECK(holds(p, n * PAGE_SIZE, 0));	/* fresh memory is zero */
		fill(p, n * PAGE_SIZE, (unsigned char)n);
		CHECK(holds(p, n * PAGE_SIZE, (unsigned char)n));
		vfree(p);
	}
	validate();
}

/*
 * Fill a stretch with 1-page areas, free every other one, purge, and
 * refill: lowest fit must put the new areas exactly into the holes, lowest
 * first.  Each hole is a VMA boundary once purged, so the count follows the
 * VMA budget.
 */
static void full_fit_alloc_test(void)
{
	unsigned long n = min(vma_budget(), 8192UL) & ~1UL;
	void **ptr = calloc(n, sizeof(void *));
	void **holes = calloc(n / 2, sizeof(void *));

	unsigned long maps0;

	CHECK(n >= 64);
	vm_unmap_aliases();
	maps0 = nr_maps();
	for (unsigned long i = 0; i < n; i++) {
		ptr[i] = vmalloc(PAGE_SIZE);
		CHECK(ptr[i] != NULL);
		if (!ptr[i])
			return;
		*(unsigned long *)ptr[i] = i;
	}
	for (unsigned long i = 1; i < n; i++)	/* area + guard, back to back */
		CHECK((char *)ptr[i] == (char *)ptr[i - 1] + 2 * PAGE_SIZE);
	/* guard pages create no VMA: back-to-back areas share one */
	CHECK(nr_maps() <= maps0 + 4);
	validate();
	for (unsigned long i = 0; i < n; i += 2) {
		holes[i / 2] = ptr[i];
		vfree(ptr[i]);
	}
	vm_unmap_aliases();
	validate();
	for (unsigned long i = 0; i < n / 2; i++) {
		void *p = vmalloc(PAGE_SIZE);

		CHECK_EQ((unsigned long)p, (unsigned long)holes[i]);
		CHECK_EQ(*(unsigned long *)p, 0);	/* fresh memory again */
		ptr[2 * i] = p;
	}
	for (unsigned long i = 1; i < n; i += 2)
		CHECK_EQ(*(unsigned long *)ptr[i], i);
	validate();
	for (unsigned long i = 0; i < n; i++)
		vfree(ptr[i]);
	validate();
	free(ptr);
	free(holes);
}

static void long_busy_list_alloc_test(void)
{
	unsigned long n = 15000;
	void **ptr = calloc(n, sizeof(void *));

	for (unsigned long i = 0; i < n; i++) {
		ptr[i] = vmalloc(PAGE_SIZE);
		CHECK(ptr[i] != NULL);
		if (!ptr[i])
			return;
	}
	validate();
	for (int i = 0; i < 20000; i++) {
		char *p = vmalloc(PAGE_SIZE);

		CHECK(p != NULL);
		if (p) {
			*p = 1;
			vfree(p);
		}
	}
	CHECK(find_vm_area(ptr[n / 2]) != NULL);
	CHECK(find_vm_area((char *)ptr[n / 2] + 100)->addr == ptr[n / 2]);
	for (unsigned long i = 0; i < n; i++)
		vfree(ptr[i]);
	validate();
	free(ptr);
}

/* __vmalloc_node with every alignment from 1 byte to 1 MiB. */
static void align_shift_alloc_test(void)
{
	for (int shift = 0; shift <= 20; shift++) {
		unsigned long align = 1UL << shift;
		char *p = __vmalloc_node(PAGE_SIZE, align, GFP_KERNEL | __GFP_ZERO,
					 NUMA_NO_NODE, __builtin_return_address(0));

		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK(IS_ALIGNED((unsigned long)p, max(align, PAGE_SIZE)));
		CHECK(holds(p, PAGE_SIZE, 0));
		vfree(p);
	}
	validate();
}

/* Many areas at each large alignment, interleaved with odd-sized ones. */
static void align_alloc_test(void)
{
	void *ptr[64], *odd[64];

	for (int shift = 13; shift <= 20; shift++) {
		unsigned long align = 1UL << shift;

		for (int i = 0; i < 64; i++) {
			unsigned long size = (rnd() % 7 + 1) * PAGE_SIZE;

			odd[i] = vmalloc(rnd() % (3 * PAGE_SIZE) + 1);
			ptr[i] = __vmalloc_node(size, align, GFP_KERNEL,
						NUMA_NO_NODE, NULL);
			CHECK(ptr[i] && odd[i]);
			CHECK(IS_ALIGNED((unsigned long)ptr[i], align));
			if (ptr[i])
				memset(ptr[i], 0x5a, size);
		}
		validate();
		for (int i = 0; i < 64; i++) {
			vfree(ptr[i]);
			vfree(odd[i]);
		}
	}
	/* fix_align_alloc_test: 5 pages at THREAD_ALIGN << 1 (32 KiB) */
	for (int i = 0; i < 2000; i++) {
		void *p = __vmalloc_node(5 * PAGE_SIZE, (4 * PAGE_SIZE) << 1,
					 GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE, NULL);

		CHECK(p && IS_ALIGNED((unsigned long)p, 8 * PAGE_SIZE));
		vfree(p);
	}
	validate();
}

/*
 * pcpu-style patterns: per-"CPU" groups of equal areas allocated together,
 * freed in reverse and interleaved orders, while a long-lived set keeps
 * its contents (the shapes pcpu_get_vm_areas and per-CPU chunks produce).
 */
static void pcpu_alloc_test(void)
{
	enum { CPUS = 8, ROUNDS = 200, LIVE = 64 };
	unsigned char *live[LIVE];
	unsigned long live_size[LIVE];

	for (int i = 0; i < LIVE; i++) {
		live_size[i] = (rnd() % 16 + 1) * PAGE_SIZE;
		live[i] = vmalloc(live_size[i]);
		CHECK(live[i] != NULL);
		fill(live[i], live_size[i], (unsigned char)(i + 1));
	}
	for (int r = 0; r < ROUNDS; r++) {
		void *chunk[CPUS];
		unsigned long size = (rnd() % 8 + 1) * PAGE_SIZE;

		for (int c = 0; c < CPUS; c++) {
			chunk[c] = vzalloc(size);
			CHECK(chunk[c] != NULL);
			fill(chunk[c], size, (unsigned char)c);
		}
		for (int c = 0; c < CPUS; c++)
			CHECK(holds(chunk[c], size, (unsigned char)c));
		if (r & 1) {
			for (int c = CPUS - 1; c >= 0; c--)
				vfree(chunk[c]);
		} else {
			for (int c = 0; c < CPUS; c += 2)
				vfree(chunk[c]);
			for (int c = 1; c < CPUS; c += 2)
				vfree(chunk[c]);
		}
		if (r % 50 == 0) {
			int i = (int)(rnd() % LIVE);

			vfree(live[i]);
			live_size[i] = (rnd() % 16 + 1) * PAGE_SIZE;
			live[i] = vmalloc(live_size[i]);
			fill(live[i], live_size[i], (unsigned char)(i + 1));
			validate();
		}
	}
	for (int i = 0; i < LIVE; i++) {
		CHECK(holds(live[i], live_size[i], (unsigned char)(i + 1)));
		vfree(live[i]);
	}
	validate();
}

/* ---- the rest of the API ---- */

static void vrealloc_test(void)
{
	unsigned char *p = vrealloc(NULL, 3000, GFP_KERNEL), *q;

	CHECK(p != NULL);
	for (int i = 0; i < 3000; i++)
		p[i] = (unsigned char)(i * 7);
	/* growth: a new area, contents kept */
	q = vrealloc(p, 5 * PAGE_SIZE + 10, GFP_KERNEL);
	CHECK(q != NULL && q != p);
	for (int i = 0; i < 3000; i++)
		CHECK(q[i] == (unsigned char)(i * 7));
	CHECK(find_vm_area(p) == NULL);
	for (unsigned long i = 3000; i < 5 * PAGE_SIZE + 10; i++)
		q[i] = 0xee;
	/* shrink: in place, contents kept; __GFP_ZERO clears the tail */
	p = vrealloc(q, 1000, GFP_KERNEL);
	CHECK(p == q);
	for (int i = 0; i < 1000; i++)
		CHECK(p[i] == (unsigned char)(i * 7));
	CHECK(p[3000] == 0xee);
	p = vrealloc(q, 2000, GFP_KERNEL | __GFP_ZERO);
	CHECK(p == q && p[1999] == (unsigned char)(1999 * 7) && p[2000] == 0 &&
	      p[6 * PAGE_SIZE - 1] == 0);
	/* within the rounded-up size: still in place */
	CHECK(vrealloc(p, 6 * PAGE_SIZE, GFP_KERNEL) == p);
	CHECK(vrealloc(p, 0, GFP_KERNEL) == NULL);	/* frees */
	CHECK(find_vm_area(p) == NULL);
	validate();
}

/* A forked child writes one byte past the end and must die of SIGSEGV. */
static void guard_page_test(void)
{
	unsigned long size = 3 * PAGE_SIZE;
	char *p = vmalloc(size);
	int status = 0;
	pid_t pid;

	CHECK(p != NULL);
	p[size - 1] = 1;			/* the last byte is fine */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL);	/* past any sanitizer handler */
		signal(SIGBUS, SIG_DFL);
		((volatile char *)p)[size] = 1;	/* the guard page */
		_exit(0);
	}
	CHECK(pid > 0);
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	CHECK_EQ(get_vm_area_size(find_vm_area(p)), size);
	CHECK_EQ(find_vm_area(p)->size, size + PAGE_SIZE);
	vfree(p);
	validate();
}

static void vmalloc_to_page_test(void)
{
	enum { N = 37 };
	char *p = vmalloc(N * PAGE_SIZE);
	struct page *pages[N];
	unsigned long used = vmalloc_nr_pages();

	CHECK(p != NULL);
	CHECK(is_vmalloc_addr(p) && is_vmalloc_addr(p + N * PAGE_SIZE - 1));
	CHECK(!is_vmalloc_addr(pages));
	for (int i = 0; i < N; i++) {
		pages[i] = vmalloc_to_page(p + i * PAGE_SIZE + 123);
		CHECK(pages[i] != NULL);
		CHECK(vmalloc_to_page(p + i * PAGE_SIZE) == pages[i]);
		CHECK(find_vm_area(p)->pages[i] == pages[i]);
		CHECK_EQ(vmalloc_to_pfn(p + i * PAGE_SIZE), page_to_pfn(pages[i]));
		CHECK(pfn_valid(page_to_pfn(pages[i])));
		CHECK(pfn_to_page(page_to_pfn(pages[i])) == pages[i]);
		CHECK_EQ(page_ref_count(pages[i]), 1);
		CHECK(!PageBuddy(pages[i]));
		for (int j = 0; j < i; j++)
			CHECK(pages[j] != pages[i]);
	}
	/* the frames are accounted, not aliased: writing p leaves them alone */
	CHECK(page_address(pages[0]) != (void *)p);
	CHECK(vmalloc_to_page(p + N * PAGE_SIZE) == NULL);	/* guard */
	CHECK(vmalloc_to_page(pages) == NULL);			/* not vmalloc */
	CHECK_EQ(find_vm_area(p)->nr_pages, N);
	vfree(p);
	CHECK_EQ(vmalloc_nr_pages(), used - N);
	for (int i = 0; i < N; i++)
		CHECK_EQ(page_ref_count(pages[i]), 0);	/* back in the allocator */
	validate();
}

/* A non-static function, so that vmallocinfo can name it. */
void *vmallocinfo_caller(unsigned long size);
__attribute__((noinline)) void *vmallocinfo_caller(unsigned long size)
{
	void *p = vmalloc(size);

	__asm__ volatile("" ::: "memory");
	return p;
}

static void vmallocinfo_test(void)
{
	char *p = vmallocinfo_caller(5 * PAGE_SIZE + 1), *text, *line;
	unsigned long start = 0, end = 0;
	long size = 0;
	int pages = 0, n;
	char caller[256], kind[32];
	struct vm_struct *area;

	vm_unmap_aliases();
	text = view("vmallocinfo");
	snprintf(caller, sizeof(caller), "0x%016lx-", (unsigned long)p);
	line = strstr(text, caller);
	CHECK(line != NULL);
	if (line) {
		n = sscanf(line, "0x%lx-0x%lx %ld %255s pages=%d %31s", &start,
			   &end, &size, caller, &pages, kind);
		CHECK_EQ(n, 6);
		CHECK_EQ(start, (unsigned long)p);
		CHECK_EQ(end - start, 7 * PAGE_SIZE);	/* guard page included */
		CHECK_EQ(size, 7 * PAGE_SIZE);
		CHECK(strncmp(caller, "vmallocinfo_caller+0x", 21) == 0);
		CHECK_EQ(pages, 6);
		CHECK(strcmp(kind, "vmalloc") == 0);
		CHECK(strncmp(strchr(line, '\n') - 5, " N0=6", 5) == 0);
	}
	CHECK(strstr(text, "unpurged vm_area") == NULL);
	free(text);

	/* a freed area waits for the purge, shown as the kernel shows it */
	vfree(p);
	text = view("vmallocinfo");
	snprintf(caller, sizeof(caller), "0x%016lx-0x%016lx   28672 unpurged vm_area\n",
		 (unsigned long)p, (unsigned long)p + 7 * PAGE_SIZE);
	CHECK(strstr(text, caller) != NULL);
	free(text);
	vm_unmap_aliases();
	text = view("vmallocinfo");
	CHECK(strstr(text, "unpurged") == NULL);
	free(text);

	/* get_vm_area: an unmapped area, no pages */
	area = get_vm_area(3 * PAGE_SIZE, VM_IOREMAP);
	CHECK(area != NULL);
	text = view("vmallocinfo");
	snprintf(caller, sizeof(caller), "0x%016lx-0x%016lx   16384 ",
		 (unsigned long)area->addr, (unsigned long)area->addr + 4 * PAGE_SIZE);
	line = strstr(text, caller);
	CHECK(line && strstr(line, " ioremap\n") && !strstr(line, "pages="));
	free(text);
	free_vm_area(area);
	validate();
}

static void meminfo_test(void)
{
	long used0 = meminfo_kb("VmallocUsed:");
	void *p;

	CHECK_EQ(meminfo_kb("VmallocTotal:"), (long)(kheap_vmalloc_size >> 10));
	CHECK_EQ(meminfo_kb("VmallocChunk:"), 0);
	p = vmalloc(100 * PAGE_SIZE);
	CHECK_EQ(meminfo_kb("VmallocUsed:"), used0 + 400);
	vfree(p);	/* frames back at once, before any purge */
	CHECK_EQ(meminfo_kb("VmallocUsed:"), used0);
	validate();
}

/* Freed ranges wait until lazy_max_pages (32 MiB * fls(CPUs)) pile up. */
static void lazy_purge_test(void)
{
	unsigned int cpus = os_ncpus();
	unsigned long lazy_max = (32 - __builtin_clz(cpus)) * (32UL << 20);
	unsigned long chunk = 1UL << 20, n = lazy_max / chunk + 8;
	char *text;

	vm_unmap_aliases();
	for (unsigned long i = 0; i < n; i++) {
		void *p = vmalloc(chunk - PAGE_SIZE);	/* 1 MiB with the guard */

		CHECK(p != NULL);
		vfree(p);
		if (i == 0) {
			text = view("vmallocinfo");
			CHECK(strstr(text, "unpurged vm_area") != NULL);
			free(text);
		}
		validate();
	}
	/* a purge ran on the way: less than the threshold is waiting */
	{
		unsigned long waiting = 0, s, e;
		char *l;

		text = view("vmallocinfo");
		for (l = text; (l = strstr(l, "0x")); l = strchr(l, '\n')) {
			if (sscanf(l, "0x%lx-0x%lx", &s, &e) == 2 &&
			    strstr(l, "unpurged") < strchr(l, '\n') &&
			    strstr(l, "unpurged"))
				waiting += e - s;
			if (!strchr(l, '\n'))
				break;
		}
		free(text);
		CHECK(waiting <= lazy_max);
	}
}

static void capture_vfree(void *arg)
{
	vfree(arg);
}

static void capture_vmalloc0(void *arg)
{
	*(void **)arg = vmalloc(0);
}

static void bad_input_test(void)
{
	char *p = vmalloc(4 * PAGE_SIZE), buf[8192];
	int on_stack;
	void *zero = (void *)1;

	p[0] = 'x';
	check_capture_stderr(capture_vfree, p + PAGE_SIZE, buf, sizeof(buf));
	CHECK(strstr(buf, "Trying to vfree() nonexistent vm area (") != NULL);
	CHECK(strstr(buf, "Call Trace:") != NULL);
	CHECK(find_vm_area(p) != NULL && p[0] == 'x');	/* nothing freed */
	p[4 * PAGE_SIZE - 1] = 'y';

	check_capture_stderr(capture_vfree, &on_stack, buf, sizeof(buf));
	CHECK(strstr(buf, "Trying to vfree() ") != NULL);
	check_capture_stderr(capture_vfree, (void *)0x1000, buf, sizeof(buf));
	CHECK(strstr(buf, "Trying to vfree() nonexistent vm area") != NULL);
	vfree(NULL);				/* silently nothing */

	vfree(p);
	check_capture_stderr(capture_vfree, p, buf, sizeof(buf));	/* double */
	CHECK(strstr(buf, "Trying to vfree() nonexistent vm area") != NULL);

	check_capture_stderr(capture_vmalloc0, &zero, buf, sizeof(buf));
	CHECK(zero == NULL);
	CHECK(strstr(buf, "WARNING:") != NULL);

	CHECK(vmalloc_array(SIZE_MAX / 2, 3) == NULL);
	CHECK(vcalloc(1UL << 40, 1UL << 40) == NULL);
	CHECK(__vmalloc_array(SIZE_MAX, 2, GFP_KERNEL) == NULL);
	p = vcalloc(100, 100);
	CHECK(p && holds(p, 10000, 0));
	vfree(p);
	p = vmalloc_array(3, PAGE_SIZE);
	CHECK(p && find_vm_area(p)->nr_pages == 3);
	vfree(p);
	validate();
}

static void api_variants_test(void)
{
	void *p[6];

	p[0] = vzalloc(10000);
	p[1] = vmalloc_user(10000);
	p[2] = vmalloc_32(10000);
	p[3] = vmalloc_huge(3 << 20, GFP_KERNEL);
	p[4] = vmalloc_node(5000, 0);
	p[5] = vzalloc_node(5000, NUMA_NO_NODE);
	for (int i = 0; i < 6; i++)
		CHECK(p[i] && holds(p[i], 5000, 0));
	CHECK(find_vm_area(p[1])->flags & VM_USERMAP);
	CHECK(find_vm_area(p[3])->flags & VM_ALLOW_HUGE_VMAP);
	for (unsigned int i = 0; i < find_vm_area(p[2])->nr_pages; i++)
		CHECK(page_to_pfn(find_vm_area(p[2])->pages[i]) < (4UL << 30) >> PAGE_SHIFT);
	for (int i = 0; i < 6; i++)
		vfree(p[i]);
	/* VM_NO_GUARD: no guard page in the size */
	p[0] = __vmalloc_node_range(PAGE_SIZE, 1, VMALLOC_START, VMALLOC_END,
				    GFP_KERNEL, PAGE_KERNEL, VM_NO_GUARD, NUMA_NO_NODE, NULL);
	CHECK(p[0] && find_vm_area(p[0])->size == PAGE_SIZE);
	vfree_atomic(p[0]);
	validate();
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=1G"), 0);
	RUN(fix_size_alloc_test);
	RUN(random_size_alloc_test);
	RUN(full_fit_alloc_test);
	RUN(long_busy_list_alloc_test);
	RUN(align_shift_alloc_test);
	RUN(align_alloc_test);
	RUN(pcpu_alloc_test);
	RUN(vrealloc_test);
	RUN(guard_page_test);
	RUN(vmalloc_to_page_test);
	RUN(vmallocinfo_test);
	RUN(meminfo_test);
	RUN(lazy_purge_test);
	RUN(bad_input_test);
	RUN(api_variants_test);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
