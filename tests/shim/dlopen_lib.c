// SPDX-License-Identifier: MIT
/* dlopen_lib.c - a shared object that allocates and frees for its host. */
#include <stdlib.h>
#include <string.h>

/* what dlopen_main.c looks up with dlsym() */
char *lib_make(size_t n);
void lib_free(void *p);
const char *lib_kept(void);

static char *kept;

__attribute__((constructor)) static void lib_init(void)
{
	kept = strdup("allocated in the constructor of a dlopen()ed object");
}

char *lib_make(size_t n)
{
	char *p = malloc(n);

	if (p)
		memset(p, 'L', n);
	return p;
}

void lib_free(void *p)
{
	free(p);
}

const char *lib_kept(void)
{
	return kept;
}
