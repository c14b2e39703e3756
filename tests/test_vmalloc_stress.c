// SPDX-License-Identifier: MIT
/*
 * test_vmalloc_stress - four threads allocate, check, resize and free
 * vmalloc areas at once (the kernel's test_vmalloc runs its cases on
 * several CPUs), while a fifth walks vmallocinfo and runs vmap_validate().
 * Every area carries a pattern of its owner, so any overlap or lost write
 * shows; an eighth of the areas are big enough to pass through the pool
 * of freed areas, whose bytes move into new areas and into vrealloc'ed
 * ones.  Built for TSan too (label stress).
 */
#include "internal.h"
#include "check.h"

#include <pthread.h>
#include <stdint.h>

enum { THREADS = 4, LIVE = 48, ITERS = 10000 };

static int stop;
static int thread_errors;

struct slot {
	unsigned char *p;
	unsigned long size;
	unsigned char tag;
};

static uint64_t next_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Mostly small areas; one in eight big enough for the pool (64 KiB+). */
static unsigned long area_size(uint64_t *rs)
{
	if (next_rnd(rs) % 8 == 0)
		return (next_rnd(rs) % 64 + 64) * 1024;
	return (next_rnd(rs) % 24 + 1) * 1024;
}

static bool slot_ok(const struct slot *s)
{
	for (unsigned long i = 0; i < s->size; i += 509)
		if (s->p[i] != s->tag)
			return false;
	return s->p[s->size - 1] == s->tag;
}

static void *worker(void *arg)
{
	uint64_t rs = 0x1234567ULL * (uintptr_t)arg + 1;
	struct slot slots[LIVE] = { { 0 } };
	int errors = 0;

	for (int it = 0; it < ITERS; it++) {
		struct slot *s = &slots[next_rnd(&rs) % LIVE];
		unsigned int op = (unsigned int)(next_rnd(&rs) % 8);

		if (s->p && !slot_ok(s))
			errors++;
		if (op < 5 || !s->p) {
			vfree(s->p);
			s->size = area_size(&rs);
			if (op == 4) {
				/* the malloc shim's kind: reused bytes stay */
				s->p = vmalloc_nozero(s->size, 1, GFP_KERNEL, NULL);
			} else {
				s->p = (op & 1) ? vzalloc(s->size) : vmalloc(s->size);
				if (s->p && (s->p[0] != 0 || s->p[s->size - 1] != 0))
					errors++;	/* reads zero, pooled bytes or not */
			}
			if (!s->p) {
				errors++;
				continue;
			}
		} else if (op < 7) {
			unsigned long size = area_size(&rs) + 1024;
			unsigned char *q = vrealloc(s->p, size, GFP_KERNEL);

			if (!q) {
				errors++;
				continue;
			}
			s->p = q;
			/* the old bytes came along (moved or copied) */
			if (s->p[0] != s->tag ||
			    s->p[min(size, s->size) - 1] != s->tag)
				errors++;
			s->size = size;
		} else {
			struct page *page = vmalloc_to_page(s->p + s->size / 2);

			if (!page || page_ref_count(page) != 1)
				errors++;
			if (find_vm_area(s->p)->addr != s->p)
				errors++;
		}
		s->tag = (unsigned char)(next_rnd(&rs) | 1);
		memset(s->p, s->tag, s->size);
	}
	for (int i = 0; i < LIVE; i++) {
		if (slots[i].p && !slot_ok(&slots[i]))
			errors++;
		vfree(slots[i].p);
	}
	__atomic_fetch_add(&thread_errors, errors, __ATOMIC_RELAXED);
	return NULL;
}

static void *observer(void *arg)
{
	FILE *devnull = fopen("/dev/null", "w");
	int errors = 0;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		kheap_proc_show("vmallocinfo", devnull);
		kheap_proc_show("meminfo", devnull);
		errors += vmap_validate();
		vm_unmap_aliases();
	}
	fclose(devnull);
	__atomic_fetch_add(&thread_errors, errors, __ATOMIC_RELAXED);
	return NULL;
}

static void four_thread_stress(void)
{
	pthread_t t[THREADS], obs;
	unsigned long used0 = vmalloc_nr_pages();

	CHECK_EQ(pthread_create(&obs, NULL, observer, NULL), 0);
	for (long i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, (void *)(i + 1)), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(obs, NULL);
	CHECK_EQ(thread_errors, 0);
	CHECK_EQ(vmalloc_nr_pages(), used0);	/* every frame given back */
	CHECK_EQ(vmap_validate(), 0);
	vm_unmap_aliases();
	CHECK_EQ(vmap_validate(), 0);
}

int main(void)
{
	CHECK_EQ(kheap_init("mem=1G"), 0);
	RUN(four_thread_stress);
	CHECK_EQ(kheap_validate(), 0);
	return check_summary();
}
