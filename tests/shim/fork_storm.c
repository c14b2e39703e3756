// SPDX-License-Identifier: MIT
/*
 * fork_storm.c - 50 forks while other threads allocate and free; each
 * child allocates at once (small, large and vmalloc sizes, and a thread of
 * its own) and exits 0.  Run under LD_PRELOAD=libkheap-malloc.so.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.h"

#define THREADS	3
#define FORKS	50

static volatile int stop;

static void *churn(void *arg)
{
	void *slot[256] = { 0 };
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!stop) {
		int i = rand_r(&seed) % 256;
		size_t sz = (size_t)1 << (rand_r(&seed) % 18);

		free(slot[i]);
		slot[i] = malloc(sz);
		if (slot[i])
			memset(slot[i], i, sz < 64 ? sz : 64);
	}
	for (int i = 0; i < 256; i++)
		free(slot[i]);
	return NULL;
}

static void *child_thread(void *arg)
{
	for (int i = 0; i < 1000; i++)
		free(malloc((size_t)i * 13 + 1));
	return arg;
}

static int child(void)
{
	pthread_t t;
	void *v[1000];

	for (int i = 0; i < 1000; i++) {
		v[i] = malloc((size_t)(i % 64) * 100 + 1);
		if (!v[i])
			return 1;
	}
	void *big = malloc(6 << 20), *large = malloc(100000);
	if (!big || !large)
		return 2;
	memset(big, 1, 6 << 20);
	free(big);
	free(large);
	for (int i = 0; i < 1000; i++)
		free(v[i]);
	if (pthread_create(&t, NULL, child_thread, NULL) || pthread_join(t, NULL))
		return 3;
	return malloc_usable_size(malloc(100)) == shim_usable(100) ? 0 : 4;
}

int main(void)
{
	pthread_t t[THREADS];
	int bad = 0;

	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, churn, (void *)(uintptr_t)(i + 1));
	for (int f = 0; f < FORKS; f++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			_exit(child());
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "child %d failed: status %#x\n", f, status);
			bad++;
		}
	}
	stop = 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("fork_storm: %d forks, %d failed\n", FORKS, bad);
	return bad != 0;
}
