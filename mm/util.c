// SPDX-License-Identifier: MIT
/*
 * util.c - the helpers of the kernel's mm/util.c (v6.12): the kstrdup family,
 * kmemdup, kasprintf, and kvmalloc / kvfree / kvrealloc.
 *
 * kvmalloc tries kmalloc first (adding __GFP_NOWARN and, unless
 * __GFP_RETRY_MAYFAIL, __GFP_NORETRY above a page, and never
 * __GFP_NOFAIL) and falls back to vmalloc for blocking requests larger
 * than a page; kvfree frees either.
 */
#include "internal.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* strings (mm/util.c)                                                 */
/* ------------------------------------------------------------------ */

char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	buf = kmalloc(len, gfp);
	if (buf)
		memcpy(buf, s, len);
	return buf;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	buf = kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *buf;

	if (!s)
		return NULL;
	buf = kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

struct rodata_query {
	unsigned long addr;
	bool found;
};

static int rodata_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct rodata_query *q = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		unsigned long start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && !(ph->p_flags & PF_W) &&
		    q->addr >= start && q->addr < start + ph->p_memsz) {
			q->found = true;
			return 1;
		}
	}
	return 0;
}

/*
 * The kernel's is_kernel_rodata(): true if @addr lies in a read-only
 * segment of the program or a loaded library (string literals).
 */
static bool is_kernel_rodata(unsigned long addr)
{
	struct rodata_query q = { addr, false };

	dl_iterate_phdr(rodata_cb, &q);
	return q.found;
}

/**
 * kstrdup_const - kstrdup(), except that a string in read-only data (a
 * literal) is returned as it is; free the result with kfree_const()
 */
const char *kstrdup_const(const char *s, gfp_t gfp)
{
	if (s && is_kernel_rodata((unsigned long)s))
		return s;
	return kstrdup(s, gfp);
}

/**
 * kfree_const - free what kstrdup_const() returned: a kmalloc copy is
 * freed, read-only data is left alone
 */
void kfree_const(const void *x)
{
	if (!is_kernel_rodata((unsigned long)x))
		kfree(x);
}

char *kvasprintf(gfp_t gfp, const char *fmt, va_list ap)
{
	unsigned int first, second;
	va_list aq;
	char *p;

	va_copy(aq, ap);
	first = (unsigned int)vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = kmalloc(first + 1, gfp);
	if (!p)
		return NULL;
	second = (unsigned int)vsnprintf(p, first + 1, fmt, ap);
	if (first != second)
		pr_warn("WARNING: different return values (%u and %u) from vsnprintf(\"%s\", ...)\n",
			first, second, fmt);
	return p;
}

const char *kvasprintf_const(gfp_t gfp, const char *fmt, va_list ap)
{
	/* a format without conversions is its own result */
	if (!strchr(fmt, '%'))
		return kstrdup_const(fmt, gfp);
	if (!strcmp(fmt, "%s")) {
		va_list aq;
		const char *s;

		va_copy(aq, ap);
		s = va_arg(aq, const char *);
		va_end(aq);
		return kstrdup_const(s, gfp);
	}
	return kvasprintf(gfp, fmt, ap);
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kvasprintf(gfp, fmt, ap);
	va_end(ap);
	return p;
}

/* ------------------------------------------------------------------ */
/* kvmalloc (mm/util.c)                                                */
/* ------------------------------------------------------------------ */

static gfp_t kmalloc_gfp_adjust(gfp_t flags, size_t size)
{
	if (size > PAGE_SIZE) {
		flags |= __GFP_NOWARN;
		if (!(flags & __GFP_RETRY_MAYFAIL))
			flags |= __GFP_NORETRY;
		/* the vmalloc fallback implements __GFP_NOFAIL */
		flags &= ~__GFP_NOFAIL;
	}
	return flags;
}

/**
 * kvmalloc_node - kmalloc, falling back to vmalloc for larger requests
 *
 * Only requests that may block (GFP_KERNEL) and are larger than a page fall
 * back to vmalloc.  Free with kvfree().
 */
void *kvmalloc_node(size_t size, gfp_t flags, int node)
{
	void *ret = kmalloc_node(size, kmalloc_gfp_adjust(flags, size), node);

	if (ret || size <= PAGE_SIZE)
		return ret;
	if (!gfpflags_allow_blocking(flags))
		return NULL;
	if (unlikely(size > INT_MAX)) {
		if (!(flags & __GFP_NOWARN)) {
			pr_warn("WARNING: kvmalloc_node: size %zu > INT_MAX\n",
				size);
			dump_stack();
		}
		return NULL;
	}
	return __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END, flags,
				    PAGE_KERNEL, VM_ALLOW_HUGE_VMAP, node,
				    __builtin_return_address(0));
}

void kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}

void kvfree_sensitive(const void *addr, size_t len)
{
	if (likely(!ZERO_OR_NULL_PTR(addr))) {
		memzero_explicit((void *)addr, len);
		kvfree(addr);
	}
}

/**
 * kvrealloc - krealloc() for kvmalloc() memory (v6.12's three-argument form)
 */
void *kvrealloc(const void *p, size_t size, gfp_t flags)
{
	void *n;

	if (is_vmalloc_addr(p))
		return vrealloc(p, size, flags);
	n = krealloc(p, size, kmalloc_gfp_adjust(flags, size));
	if (!n) {
		n = kvmalloc(size, flags);
		if (!n)
			return NULL;
		if (p) {
			memcpy(n, p, ksize(p));
			kfree(p);
		}
	}
	return n;
}
