// SPDX-License-Identifier: MIT
/*
 * mm/debug.c - messages in the kernel's shape.
 *
 * kheap reports on stderr what the kernel would print to its log: allocation
 * failures (warn_alloc), bad frees, slub_debug findings.  Everything here
 * formats into a buffer on the stack and writes it with one write(2), so it
 * never allocates, never takes a kheap lock and is safe to call with any
 * kheap lock held.  The GFP name table is data, ordered as the kernel's
 * __def_gfpflag_names (composite masks first, first match wins).
 */
#include "internal.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void kheap_vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {	/* cut: say so, keep the newline */
		size_t len = strlen(fmt);

		n = sizeof(buf) - 1;
		memcpy(buf + n - 4, len && fmt[len - 1] == '\n' ? "...\n" : "....", 4);
	}
	os_write_err(buf, (size_t)n);
}

/**
 * kheap_check_panic_on_warn - the kernel's check_panic_on_warn(): after a
 * report of heap corruption or misuse, with panic_on_warn=1 the process
 * aborts (as glibc does on heap corruption) instead of going on.
 */
void kheap_check_panic_on_warn(const char *origin)
{
	if (!kheap_config.panic_on_warn)
		return;
	kheap_printk("Kernel panic - not syncing: %s: panic_on_warn set ...\n",
		     origin);
	abort();
}

void kheap_printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kheap_vprintk(fmt, ap);
	va_end(ap);
}

/*
 * Set while this thread is inside backtrace().  Its first call dlopen()s
 * libgcc_s, which allocates: under the malloc shim that must not re-enter
 * kheap, since a report may be printed with a kheap lock held, so the shim
 * serves this thread from its boot arena meanwhile (shim/malloc.c).
 * Also a recursion guard.
 */
__thread int kheap_in_backtrace;

void kheap_dump_stack(void)
{
	void *frames[32];
	int n;

	if (kheap_in_backtrace)
		return;
	kheap_in_backtrace = 1;
	n = backtrace(frames, 32);
	kheap_printk("Call Trace:\n");
	/* skip kheap_dump_stack itself */
	if (n > 1)
		backtrace_symbols_fd(frames + 1, n - 1, 2);
	kheap_in_backtrace = 0;
}

__attribute__((noreturn, cold))
void kheap_bug(const char *file, int line, const char *cond)
{
	kheap_printk("kernel BUG at %s:%d!\nkheap: assertion failed: %s\n",
		     file, line, cond);
	kheap_dump_stack();
	abort();
}

int kheap_warn_on(const char *file, int line, const char *cond)
{
	kheap_printk("WARNING: at %s:%d: %s\n", file, line, cond);
	kheap_dump_stack();
	return 1;
}

const char *kheap_comm(void)
{
	extern char *program_invocation_short_name;

	return program_invocation_short_name ? program_invocation_short_name
					     : "kheap";
}

bool kheap_ratelimit(unsigned long long *last_ns, unsigned long long interval)
{
	unsigned long long now = os_ns();
	unsigned long long last = __atomic_load_n(last_ns, __ATOMIC_RELAXED);

	if (last && now - last < interval)
		return false;
	return __atomic_compare_exchange_n(last_ns, &last, now ? now : 1, false,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* ---- %pGg: GFP flags by name ---- */

struct gfp_name {
	gfp_t mask;
	const char *name;
};

/* v6.12 __def_gfpflag_names order: composites first, first match wins. */
static const struct gfp_name gfp_names[] = {
	{ GFP_TRANSHUGE,	"GFP_TRANSHUGE" },
	{ GFP_TRANSHUGE_LIGHT,	"GFP_TRANSHUGE_LIGHT" },
	{ GFP_HIGHUSER_MOVABLE,	"GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER,		"GFP_HIGHUSER" },
	{ GFP_USER,		"GFP_USER" },
	{ GFP_KERNEL_ACCOUNT,	"GFP_KERNEL_ACCOUNT" },
	{ GFP_KERNEL,		"GFP_KERNEL" },
	{ GFP_NOFS,		"GFP_NOFS" },
	{ GFP_ATOMIC,		"GFP_ATOMIC" },
	{ GFP_NOIO,		"GFP_NOIO" },
	{ GFP_NOWAIT,		"GFP_NOWAIT" },
	{ GFP_DMA,		"GFP_DMA" },
	{ __GFP_HIGHMEM,	"__GFP_HIGHMEM" },
	{ GFP_DMA32,		"GFP_DMA32" },
	{ __GFP_HIGH,		"__GFP_HIGH" },
	{ __GFP_IO,		"__GFP_IO" },
	{ __GFP_FS,		"__GFP_FS" },
	{ __GFP_NOWARN,		"__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL,	"__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL,		"__GFP_NOFAIL" },
	{ __GFP_NORETRY,	"__GFP_NORETRY" },
	{ __GFP_COMP,		"__GFP_COMP" },
	{ __GFP_ZERO,		"__GFP_ZERO" },
	{ __GFP_NOMEMALLOC,	"__GFP_NOMEMALLOC" },
	{ __GFP_MEMALLOC,	"__GFP_MEMALLOC" },
	{ __GFP_HARDWALL,	"__GFP_HARDWALL" },
	{ __GFP_THISNODE,	"__GFP_THISNODE" },
	{ __GFP_RECLAIMABLE,	"__GFP_RECLAIMABLE" },
	{ __GFP_MOVABLE,	"__GFP_MOVABLE" },
	{ __GFP_ACCOUNT,	"__GFP_ACCOUNT" },
	{ __GFP_WRITE,		"__GFP_WRITE" },
	{ __GFP_RECLAIM,	"__GFP_RECLAIM" },
	{ __GFP_DIRECT_RECLAIM,	"__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM,	"__GFP_KSWAPD_RECLAIM" },
	{ __GFP_ZEROTAGS,	"__GFP_ZEROTAGS" },
	{ __GFP_NO_OBJ_EXT,	"__GFP_NO_OBJ_EXT" },
};

/*
 * kheap_gfp_by_name - the mask of a name kheap_format_gfp() prints
 * ("GFP_KERNEL", "__GFP_ZERO", ...); false for a name it does not know.
 */
bool kheap_gfp_by_name(const char *name, size_t len, gfp_t *mask)
{
	for (size_t i = 0; i < ARRAY_SIZE(gfp_names); i++) {
		if (gfp_names[i].mask && strlen(gfp_names[i].name) == len &&
		    !memcmp(gfp_names[i].name, name, len)) {
			*mask = gfp_names[i].mask;
			return true;
		}
	}
	return false;
}

/*
 * kheap_format_gfp - write @gfp as the kernel's %pGg does: names joined with
 * '|', composites first, any unnamed bits last in hex, "none" for 0.
 */
int kheap_format_gfp(char *buf, size_t len, gfp_t gfp)
{
	size_t pos = 0;
	bool first = true;

	buf[0] = 0;
	if (!gfp)
		return snprintf(buf, len, "none");
	for (size_t i = 0; i < ARRAY_SIZE(gfp_names) && gfp; i++) {
		gfp_t m = gfp_names[i].mask;
		if (!m || (gfp & m) != m)
			continue;
		gfp &= ~m;
		pos += (size_t)snprintf(buf + pos, pos < len ? len - pos : 0,
					"%s%s", first ? "" : "|",
					gfp_names[i].name);
		first = false;
	}
	if (gfp)
		pos += (size_t)snprintf(buf + pos, pos < len ? len - pos : 0,
					"%s%#x", first ? "" : "|", gfp);
	return (int)pos;
}

/**
 * kheap_print_hex_dump - the kernel's print_hex_dump() with rowsize 16,
 * groupsize 1 and the ASCII column: lines of up to 16 bytes, each prefixed
 * with @prefix and, when @with_address, the address
 * (DUMP_PREFIX_ADDRESS; DUMP_PREFIX_NONE otherwise).  It reads the bytes
 * as they are, free objects that ASan builds keep poisoned included.
 */
__attribute__((no_sanitize("address")))
void kheap_print_hex_dump(const char *prefix, bool with_address,
			  const void *buf, size_t len)
{
	const u8 *addr = buf;

	for (size_t off = 0; off < len; off += 16) {
		char line[128];
		size_t n = min(len - off, (size_t)16), lx = 0;

		for (size_t j = 0; j < n; j++)
			lx += (size_t)snprintf(line + lx, sizeof(line) - lx,
					       j ? " %02x" : "%02x", addr[off + j]);
		while (lx < 49)
			line[lx++] = ' ';
		for (size_t j = 0; j < n; j++) {
			u8 c = addr[off + j];

			line[lx++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		line[lx] = 0;
		if (with_address)
			pr_err("%s%016lx: %s\n", prefix,
			       (unsigned long)(addr + off), line);
		else
			pr_err("%s%s\n", prefix, line);
	}
}

/* ---- %pS: code addresses by symbol ---- */

/* Append @s to @buf (length @len, position *@pos), truncating; no stdio. */
static void sym_put(char *buf, size_t len, size_t *pos, const char *s)
{
	while (*s && *pos + 1 < len)
		buf[(*pos)++] = *s++;
}

static void sym_put_hex(char *buf, size_t len, size_t *pos, unsigned long v)
{
	char t[2 + 16 + 1];
	int i = (int)sizeof(t) - 1;

	t[i] = 0;
	do {
		t[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	t[--i] = 'x';
	t[--i] = '0';
	sym_put(buf, len, pos, t + i);
}

/**
 * sprint_symbol - @addr as the kernel's %pS prints it (kernel/kallsyms.c,
 * v6.12): "symbol+0xoff/0xsize"; "object+0xoff" (the file's base name,
 * the program's name for the main program) when the dynamic symbol table
 * has no symbol there (a static function, a stripped program); else the
 * bare address "0x...".
 *
 * Symbols come from dladdr1(), so only exported ones are named: a program
 * links with -rdynamic (CMake's ENABLE_EXPORTS) to have its own.  No
 * stdio, no allocation, no lock: KFENCE calls it from its SIGSEGV handler.
 * Return: the length written (at most @len - 1; the text is truncated).
 */
size_t sprint_symbol(char *buf, size_t len, const void *addr)
{
	const ElfW(Sym) *sym = NULL;
	size_t pos = 0;
	Dl_info info;

	if (!len)
		return 0;
	if (addr && dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT)) {
		if (info.dli_sname && info.dli_saddr) {
			sym_put(buf, len, &pos, info.dli_sname);
			sym_put(buf, len, &pos, "+");
			sym_put_hex(buf, len, &pos, (unsigned long)addr -
						    (unsigned long)info.dli_saddr);
			if (sym && sym->st_size) {
				sym_put(buf, len, &pos, "/");
				sym_put_hex(buf, len, &pos, sym->st_size);
			}
			buf[pos] = 0;
			return pos;
		}
		if (info.dli_fname && info.dli_fbase) {
			/* the loader names the main program "" */
			const char *name = *info.dli_fname ? info.dli_fname
							   : kheap_comm();
			const char *base = strrchr(name, '/');

			sym_put(buf, len, &pos, base ? base + 1 : name);
			sym_put(buf, len, &pos, "+");
			sym_put_hex(buf, len, &pos, (unsigned long)addr -
						    (unsigned long)info.dli_fbase);
			buf[pos] = 0;
			return pos;
		}
	}
	sym_put_hex(buf, len, &pos, (unsigned long)addr);
	buf[pos] = 0;
	return pos;
}

/* ---- the validate walkers' reports ---- */

/**
 * validator_report - one broken invariant found by a *_validate() walker:
 * print "<walker>: <message>" on stderr, count it in @v and tell
 * @v->counted if set.  Called through VALIDATE() (internal.h), with
 * whatever locks the walker holds.
 */
void validator_report(struct validator *v, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->errors++;
	kheap_printk("%s: %s", v->name, msg);
	if (v->counted)
		v->counted();
}
