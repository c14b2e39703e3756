/* SPDX-License-Identifier: MIT */
/*
 * views.h - test helper: a view's text (kheap_proc_show()) as a malloc'd
 * string, checked to exist.  Include after check.h.
 */
#ifndef KHEAP_TEST_VIEWS_H
#define KHEAP_TEST_VIEWS_H

#include <stdio.h>
#include <stdlib.h>
#include <kheap/kheap.h>

/* The text of view @name; free() it.  A missing view fails the test. */
static inline char *view(const char *name)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK_EQ(kheap_proc_show(name, f), 0);
	fclose(f);
	return text;
}

#endif /* KHEAP_TEST_VIEWS_H */
