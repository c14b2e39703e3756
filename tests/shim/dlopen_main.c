// SPDX-License-Identifier: MIT
/*
 * dlopen_main.c - blocks cross the dlopen() boundary both ways: the object
 * allocates and the host frees, and the reverse, from a thread created
 * after the dlopen too; then dlclose.  Argument: the object's path.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *(*make)(size_t);
static void (*lfree)(void *);

static void *worker(void *arg)
{
	for (int i = 0; i < 10000; i++) {
		char *p = make((size_t)(i % 5000) + 1);

		if (!p || p[0] != 'L')
			return (void *)1;
		free(p);
		lfree(malloc((size_t)i + 1));
	}
	return arg;
}

int main(int argc, char **argv)
{
	void *h, *ret = (void *)1;
	const char *(*kept)(void);
	pthread_t t;

	if (argc < 2)
		return 2;
	h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	make = (char *(*)(size_t))dlsym(h, "lib_make");
	lfree = (void (*)(void *))dlsym(h, "lib_free");
	kept = (const char *(*)(void))dlsym(h, "lib_kept");
	if (!make || !lfree || !kept)
		return 1;
	if (strncmp(kept(), "allocated", 9))
		return 1;
	if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, &ret) || ret)
		return 1;
	if (worker(NULL))
		return 1;
	if (malloc_usable_size((void *)kept()) < strlen(kept()) + 1)
		return 1;
	dlclose(h);
	printf("dlopen: ok\n");
	return 0;
}
