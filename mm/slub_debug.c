// SPDX-License-Identifier: MIT
/*
 * mm/slub_debug.c - SLUB's object debugging (mm/slub.c, CONFIG_SLUB_DEBUG,
 * v6.12), in userspace.
 *
 * 1. Which caches.  slab_debug= (alias slub_debug=) is the kernel's grammar:
 *    ';'-separated blocks "<letters>[,<cache>[,<cache>...]]", letters
 *    F (SLAB_CONSISTENCY_CHECKS), Z (SLAB_RED_ZONE), P (SLAB_POISON),
 *    U (SLAB_STORE_USER), T (SLAB_TRACE), A (SLAB_FAILSLAB), O (no debug
 *    metadata for caches whose order it would raise), '-' (none); a cache
 *    name ending in '*' is a prefix glob.  A block without a cache list sets
 *    the global flags; a block starting with ',' means F, Z, P, U for its
 *    caches; a bare "slab_debug" means F, Z, P, U everywhere.
 *    kmem_cache_flags() (slab_common.c) asks slub_debug_flags() for every
 *    cache created: the first block naming the cache wins, otherwise the
 *    global flags are ORed in.  The same flags passed to kmem_cache_create()
 *    act the same.
 *
 * 2. Where the bytes are (slub.c's calculate_sizes() lays them out):
 *
 *    [left red zone][object (object_size)][right red zone up to inuse]
 *    [free pointer, if outside][alloc track][free track][orig_size][padding]
 *
 *    free object:  red zones 0xbb, object 0x6b..0x6b 0xa5 (P), padding 0x5a
 *    live object:  red zones 0xcc, the caller's bytes; for a kmalloc cache
 *                  with U, bytes from the request (orig_size) up to
 *                  object_size are red zone too ("kmalloc Redzone")
 *    new slab:     all 0x5a (P) before the objects are initialised
 *
 * 3. When it is checked.  A debug cache never has a CPU slab: slub.c sends
 *    every allocation and free of it to the slow path, under the node's
 *    list_lock (the kernel's alloc_single_from_partial() and
 *    free_to_partial_list()), so the fast path of other caches pays nothing.
 *    With F, alloc_debug_processing() checks the object it hands out (still
 *    0xbb/0x6b?) and free_debug_processing() the object coming back (a valid
 *    object of this slab, not already free, red zones 0xcc).  Without F the
 *    bytes are only rewritten, and checked by a validation walk:
 *    validate_slab_cache() (the kernel's, slub.c) and kheap_validate().
 *    validate_slab() checks a slab, its freelist and counts (on_freelist:
 *    "Wrong number of objects", "Wrong object count"), then its objects in
 *    order, and stops at the first bad one: the rest waits for the next
 *    walk, as in v6.12.
 *
 * 4. What happens then.  A report in the kernel's words on stderr (BUG,
 *    the tracks, "Slab 0x..", "Object 0x..", hex dumps, a backtrace), then
 *    the FIX the kernel applies: damaged bytes restored (so each damaged
 *    range is reported once), a double free or an object that fails its
 *    check not freed ("Object at 0x.. not freed"), a slab whose object
 *    failed its check at allocation marked full ("Marking all objects
 *    used").  There kheap goes one step further than v6.12: the slab's
 *    other free objects get an allocated object's bytes, so later
 *    validations do not report each of them as a live object with wrong
 *    red zones; one corruption, one report.  The program goes on.
 *    Reports are written with write(2) (mm/debug.c) and never allocate;
 *    tracks capture their stack (backtrace()) before the list lock is
 *    taken.  A KUnit test may count the reports instead ("KUnit" below).
 *    The hooks run under the node's list_lock (docs/design.md, "Lock
 *    order"), which alloc_debug_processing() and free_debug_processing()
 *    assert in debug builds.
 */
#include "internal.h"
#include "slab_internal.h"
#include "slub_debug.h"

#include <ctype.h>
#include <errno.h>
#include <execinfo.h>
#include <string.h>
#include <linux/poison.h>

/* ------------------------------------------------------------------ */
/* slab_debug= (setup_slub_debug, parse_slub_debug_flags)              */
/* ------------------------------------------------------------------ */

slab_flags_t slub_debug;			/* global flags */
static char slub_debug_buf[512];		/* the option's value */
static const char *slub_debug_string;		/* blocks with cache lists */
static bool disable_higher_order_debug;		/* 'O' */
static bool slub_debug_given;			/* for the config printout */

/*
 * Parse one block at @str into @flags; @slabs gets its cache list (or NULL).
 * Returns the next block or NULL.  @init: report unknown letters.
 */
static const char *parse_slub_debug_flags(const char *str, slab_flags_t *flags,
					  const char **slabs, bool init)
{
	bool higher_order_disable = false;

	while (*str && *str == ';')
		str++;
	if (*str == ',') {
		*flags = DEBUG_DEFAULT_FLAGS;
		goto check_slabs;
	}
	*flags = 0;
	for (; *str && *str != ',' && *str != ';'; str++) {
		switch (tolower((unsigned char)*str)) {
		case '-': *flags = 0; break;
		case 'f': *flags |= SLAB_CONSISTENCY_CHECKS; break;
		case 'z': *flags |= SLAB_RED_ZONE; break;
		case 'p': *flags |= SLAB_POISON; break;
		case 'u': *flags |= SLAB_STORE_USER; break;
		case 't': *flags |= SLAB_TRACE; break;
		case 'a': *flags |= SLAB_FAILSLAB; break;
		case 'o': higher_order_disable = true; break;
		default:
			if (init)
				pr_err("slab_debug option '%c' unknown. skipped\n",
				       *str);
		}
	}
check_slabs:
	*slabs = (*str == ',') ? ++str : NULL;
	while (*str && *str != ';')
		str++;
	while (*str && *str == ';')
		str++;
	if (init && higher_order_disable)
		disable_higher_order_debug = true;
	return *str ? str : NULL;
}

/* params.c: "slab_debug" (val "") or "slab_debug=<blocks>". */
int slub_debug_parse(const char *val)
{
	slab_flags_t flags, global_flags = DEBUG_DEFAULT_FLAGS;
	bool global_changed = false, list_given = false;
	const char *str, *slabs;

	if (strlen(val) >= sizeof(slub_debug_buf))
		return -EINVAL;
	slub_debug_given = true;
	slub_debug_string = NULL;
	disable_higher_order_debug = false;
	strcpy(slub_debug_buf, val);
	str = slub_debug_buf;
	if (*str) {
		while (str) {
			str = parse_slub_debug_flags(str, &flags, &slabs, true);
			if (!slabs) {
				global_flags = flags;
				global_changed = true;
			} else {
				list_given = true;
			}
		}
		if (list_given) {
			if (!global_changed)
				global_flags = 0;	/* no SLUB_DEBUG_ON */
			slub_debug_string = slub_debug_buf;
		}
	}
	slub_debug = global_flags;
	return 0;
}

void slub_debug_show(char *buf, size_t len)
{
	if (!slub_debug_given)
		snprintf(buf, len, "(off)");
	else if (!slub_debug_buf[0])
		snprintf(buf, len, "FZPU");
	else
		snprintf(buf, len, "%s", slub_debug_buf);
}

bool slub_debug_disable_higher_order(void)
{
	return disable_higher_order_debug;
}

/* kmem_cache_flags(): the debug flags slab_debug= gives cache @name. */
slab_flags_t slub_debug_flags(slab_flags_t flags, const char *name)
{
	slab_flags_t local = slub_debug, block_flags;
	const char *next_block = slub_debug_string, *iter;
	size_t len = strlen(name);

	if (flags & SLAB_NO_USER_FLAGS)
		return flags;
	if (flags & SLAB_NOLEAKTRACE)
		local &= ~SLAB_STORE_USER;
	while (next_block) {
		next_block = parse_slub_debug_flags(next_block, &block_flags,
						    &iter, false);
		if (!iter)
			continue;
		const char *block_end = strchrnul(iter, ';');

		while (iter < block_end) {
			const char *end = strchrnul(iter, ',');
			const char *glob;
			size_t cmplen;

			if (end > block_end)
				end = block_end;
			glob = memchr(iter, '*', (size_t)(end - iter));
			cmplen = glob ? (size_t)(glob - iter)
				      : max(len, (size_t)(end - iter));
			if (!strncmp(name, iter, cmplen))
				return flags | block_flags;
			iter = end + 1;
		}
	}
	return flags | local;
}

/* ------------------------------------------------------------------ */
/* geometry (the rest is in slab_internal.h)                           */
/* ------------------------------------------------------------------ */

static inline unsigned int size_from_object(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RED_ZONE) ? s->size - s->red_left_pad : s->size;
}

static inline struct track *get_track(const struct kmem_cache *s, void *object,
				      enum track_item alloc)
{
	return (struct track *)((char *)object + get_info_end(s)) + alloc;
}

/* __ksize(): a ksize() caller may use the whole object from now on. */
void skip_orig_size_check(struct kmem_cache *s, const void *object)
{
	set_orig_size(s, (void *)object, s->object_size);
}

static unsigned long jiffies_now(void)
{
	return (unsigned long)(os_ns() / 1000000);	/* HZ = 1000 */
}

/* ------------------------------------------------------------------ */
/* tracks                                                              */
/* ------------------------------------------------------------------ */

/* Fill @t for the caller @addr; call with no kheap lock held. */
void slub_debug_capture_track(struct track *t, unsigned long addr)
{
	void *frames[TRACK_ADDRS + 3];
	int n = 0, skip = 0;

	/*
	 * backtrace()'s first call dlopen()s libgcc_s, which allocates: under
	 * the malloc shim that would be a tracked allocation capturing a track
	 * again, for ever.  Marked as dump_stack() marks it (mm/debug.c), the
	 * shim serves those allocations from its boot arena; a track taken
	 * inside backtrace() itself records no stack.
	 */
	if (!kheap_in_backtrace) {
		kheap_in_backtrace = 1;
		n = backtrace(frames, TRACK_ADDRS + 3);
		kheap_in_backtrace = 0;
	}

	/* drop kheap's own frames up to the caller's return address */
	for (int i = 0; i < n; i++)
		if ((unsigned long)frames[i] == addr) {
			skip = i;
			break;
		}
	t->nr = 0;
	for (int i = skip; i < n && t->nr < TRACK_ADDRS; i++)
		t->stack[t->nr++] = frames[i];
	t->addr = addr;
	t->cpu = (int)os_cpu();
	t->pid = os_tid();
	t->when = jiffies_now();
	t->handle = t->nr;
}

/* kmemleak: the alloc track of @object (its cache has SLAB_STORE_USER). */
const struct track *slub_debug_alloc_track(struct kmem_cache *s, void *object)
{
	const struct track *t = get_track(s, object, TRACK_ALLOC);

	return t->addr ? t : NULL;
}

void slub_debug_print_stack(const struct track *t, const char *indent)
{
	char sym[KSYM_SYMBOL_LEN];

	for (unsigned int i = 0; i < t->nr; i++) {
		sprint_symbol(sym, sizeof(sym), t->stack[i]);
		pr_err("%s%s\n", indent, sym);
	}
}

static void print_track(const char *s, const struct track *t,
			unsigned long pr_time)
{
	char sym[KSYM_SYMBOL_LEN];

	if (!t->addr)
		return;
	sprint_symbol(sym, sizeof(sym), (void *)t->addr);
	pr_err("%s in %s age=%lu cpu=%u pid=%d\n", s, sym, pr_time - t->when,
	       (unsigned int)t->cpu, t->pid);
	if (!t->nr) {
		pr_err("object allocation/free stack trace missing\n");
		return;
	}
	for (unsigned int i = 0; i < t->nr; i++) {
		sprint_symbol(sym, sizeof(sym), t->stack[i]);
		pr_err(" %s\n", sym);
	}
}

static void print_tracking(struct kmem_cache *s, void *object)
{
	unsigned long pr_time = jiffies_now();

	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC), pr_time);
	print_track("Freed", get_track(s, object, TRACK_FREE), pr_time);
}

/* ------------------------------------------------------------------ */
/* KUnit: reports counted by the running test (slab_add_kunit_errors)  */
/* ------------------------------------------------------------------ */

/*
 * A test program (lib/slub_kunit.c on a KUnit of its own) may count the
 * reports instead of reading them: if it defines kunit_get_current_test()
 * and kunit_find_named_resource() (and kunit_put_resource(), optional)
 * with KUnit's signatures, as real functions, and the current test holds
 * a resource named "slab_errors", each report below adds one to the int
 * that resource's data (its first member, as in KUnit's struct
 * kunit_resource) points at, and prints nothing.  The symbols are weak:
 * an ordinary program defines none and pays nothing, and kheap needs no
 * KUnit to link.
 */
struct kunit;
struct kunit_resource;
extern struct kunit *kunit_get_current_test(void)
	__attribute__((weak, visibility("default")));
extern struct kunit_resource *kunit_find_named_resource(struct kunit *test,
							const char *name)
	__attribute__((weak, visibility("default")));
extern void kunit_put_resource(struct kunit_resource *res)
	__attribute__((weak, visibility("default")));

/* The "slab_errors" counter of the running KUnit test, or NULL. */
static int *slab_kunit_errors(void)
{
	struct kunit_resource *res;
	struct kunit *test;
	int *errors;

	if (!kunit_get_current_test || !kunit_find_named_resource)
		return NULL;
	test = kunit_get_current_test();
	if (!test)
		return NULL;
	res = kunit_find_named_resource(test, "slab_errors");
	if (!res)
		return NULL;
	errors = *(int **)res;		/* res->data */
	if (kunit_put_resource)
		kunit_put_resource(res);
	return errors;
}

static unsigned long nr_reports;	/* BUG headers printed, and errors
					   counted by a KUnit test */

/* Count one error in the running KUnit test; false if there is none. */
bool slab_add_kunit_errors(void)
{
	int *errors = slab_kunit_errors();

	if (!errors)
		return false;
	__atomic_fetch_add(errors, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&nr_reports, 1, __ATOMIC_RELAXED);
	return true;
}

/* True while a KUnit test counts slab errors (mm/slab.h). */
bool slab_in_kunit_test(void)
{
	return slab_kunit_errors() != NULL;
}

/* ------------------------------------------------------------------ */
/* reports                                                             */
/* ------------------------------------------------------------------ */

static bool tainted_bad_page;	/* TAINT_BAD_PAGE after the first report */

unsigned long slub_debug_reports(void)
{
	return __atomic_load_n(&nr_reports, __ATOMIC_RELAXED);
}

/* print_hex_dump(KERN_ERR, prefix, DUMP_PREFIX_ADDRESS, 16, 1, ...) */
static inline void print_hex_dump(const char *prefix, const u8 *addr, size_t len)
{
	kheap_print_hex_dump(prefix, true, addr, len);
}

static void slab_bug(struct kmem_cache *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&nr_reports, 1, __ATOMIC_RELAXED);
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %s\n", s ? s->name : "<unknown>",
	       tainted_bad_page ? "Tainted: G    B             " : "Not tainted",
	       msg);
	pr_err("-----------------------------------------------------------------------------\n\n");
}

static void slab_fix(struct kmem_cache *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void slab_fix(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (slab_add_kunit_errors())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("FIX %s: %s\n", s->name, msg);
}

static void add_taint(void)
{
	tainted_bad_page = true;
}

void slub_debug_print_slab_info(const struct slab *slab)
{
	pr_err("Slab 0x%016lx objects=%u used=%u fp=0x%016lx flags=%#lx(%s)\n",
	       (unsigned long)slab, slab->objects, slab->inuse,
	       (unsigned long)slab->freelist, slab->__page_flags,
	       PageHead(slab_page(slab)) ? "slab|head" : "slab");
}

static void print_trailer(struct kmem_cache *s, struct slab *slab, u8 *p)
{
	u8 *addr = slab_address(slab);
	unsigned int off;

	print_tracking(s, p);
	slub_debug_print_slab_info(slab);
	pr_err("Object 0x%016lx @offset=%tu fp=0x%016lx\n\n", (unsigned long)p,
	       p - addr, (unsigned long)get_freepointer(s, p));
	if (s->flags & SLAB_RED_ZONE)
		print_hex_dump("Redzone  ", p - s->red_left_pad, s->red_left_pad);
	else if (p > addr + 16)
		print_hex_dump("Bytes b4 ", p - 16, 16);
	print_hex_dump("Object   ", p, min(s->object_size, (unsigned int)PAGE_SIZE));
	if (s->flags & SLAB_RED_ZONE)
		print_hex_dump("Redzone  ", p + s->object_size,
			       s->inuse - s->object_size);
	off = get_info_end(s);
	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	if (slub_debug_orig_size(s))
		off += sizeof(unsigned int);
	if (off != size_from_object(s))
		print_hex_dump("Padding  ", p + off, size_from_object(s) - off);
	dump_stack();
}

static void object_err(struct kmem_cache *s, struct slab *slab, u8 *object,
		       const char *reason)
{
	if (slab_add_kunit_errors())
		return;
	slab_bug(s, "%s", reason);
	print_trailer(s, slab, object);
	add_taint();
}

/*
 * slab_report_freechain_corrupt - the kernel's freelist_corrupted() report,
 * for the free pointer of @object (hardened freelists check every cache,
 * not only those with slab_debug=F); the caller cuts the list there.
 */
void slab_report_freechain_corrupt(struct kmem_cache *s, struct slab *slab,
				   void *object)
{
	object_err(s, slab, object, "Freechain corrupt");
	slab_fix(s, "Isolate corrupted freechain");
	kheap_check_panic_on_warn("SLUB");
}

/*
 * slab_report_already_free - the double free report of slab_debug=F
 * (free_consistency_checks(), free_debug_processing()), for any cache the
 * double free check covers; the caller ignores the free.
 */
void slab_report_already_free(struct kmem_cache *s, struct slab *slab,
			      void *object)
{
	object_err(s, slab, object, "Object already free");
	slab_fix(s, "Object at 0x%016lx not freed", (unsigned long)object);
	kheap_check_panic_on_warn("SLUB");
}

/*
 * slab_err - a report about @slab as a whole (the kernel's): BUG header,
 * the slab's words, a backtrace.  Also slub.c's validation reports.
 */
void slab_err(struct kmem_cache *s, struct slab *slab, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (slab_add_kunit_errors())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	slab_bug(s, "%s", msg);
	slub_debug_print_slab_info(slab);
	dump_stack();
	add_taint();
}

/* ------------------------------------------------------------------ */
/* writing and checking the bytes                                      */
/* ------------------------------------------------------------------ */

/* init_object: red zones and poison for a free or a live object. */
static void init_object(struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;
	unsigned int poison_size = s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - s->red_left_pad, val, s->red_left_pad);
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE)
			poison_size = get_orig_size(s, object);
	}
	if (s->flags & __OBJECT_POISON) {
		memset(p, POISON_FREE, poison_size - 1);
		p[poison_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + poison_size, val, s->inuse - poison_size);
}

/* restore_bytes: the FIX for damaged bytes, then the repair itself. */
static void restore_bytes(struct kmem_cache *s, const char *message, u8 data,
			  u8 *from, u8 *to)
{
	slab_fix(s, "Restoring %s 0x%016lx-0x%016lx=0x%x", message,
		 (unsigned long)from, (unsigned long)(to - 1), data);
	memset(from, data, (size_t)(to - from));
}

/*
 * check_bytes_and_report - are the @bytes at @start all @value?  If not,
 * report the damaged range once ("<what> overwritten") and restore it, so
 * the next walk finds these bytes intact.  Returns 1 if they were intact.
 */
static int check_bytes_and_report(struct kmem_cache *s, struct slab *slab,
				  u8 *object, const char *what, u8 *start,
				  u8 value, unsigned int bytes)
{
	u8 *addr = slab_address(slab), *fault, *end;

	(void)object;
	fault = (u8 *)memchr_inv(start, value, bytes);
	if (!fault)
		return 1;
	end = start + bytes;
	while (end > fault && end[-1] == value)
		end--;
	if (!slab_add_kunit_errors()) {
		slab_bug(s, "%s overwritten", what);
		pr_err("0x%016lx-0x%016lx @offset=%tu. First byte 0x%x instead of 0x%x\n",
		       (unsigned long)fault, (unsigned long)(end - 1),
		       fault - addr, fault[0], value);
	}
	restore_bytes(s, what, value, fault, end);
	return 0;
}

static int check_pad_bytes(struct kmem_cache *s, struct slab *slab, u8 *p)
{
	unsigned int off = get_info_end(s);

	if (s->flags & SLAB_STORE_USER) {
		off += 2 * sizeof(struct track);
		if (s->flags & SLAB_KMALLOC)
			off += sizeof(unsigned int);
	}
	if (size_from_object(s) == off)
		return 1;
	return check_bytes_and_report(s, slab, p, "Object padding", p + off,
				      POISON_INUSE, size_from_object(s) - off);
}

/* The slab tail after the last object: 0x5a with SLAB_POISON. */
static int slab_pad_check(struct kmem_cache *s, struct slab *slab)
{
	u8 *start = slab_address(slab), *fault, *end, *pad;
	size_t length = slab_size(slab), remainder;

	if (!(s->flags & SLAB_POISON))
		return 1;
	remainder = length % s->size;
	if (!remainder)
		return 1;
	end = start + length;
	pad = end - remainder;
	fault = (u8 *)memchr_inv(pad, POISON_INUSE, remainder);
	if (!fault)
		return 1;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	slab_err(s, slab, "Padding overwritten. 0x%016lx-0x%016lx @offset=%tu",
		 (unsigned long)fault, (unsigned long)(end - 1), fault - start);
	print_hex_dump("Padding ", pad, remainder);
	restore_bytes(s, "slab padding", POISON_INUSE, fault, end);
	return 0;
}

static bool check_valid_pointer(struct kmem_cache *s, struct slab *slab,
				void *object)
{
	u8 *base;

	if (!object)
		return true;
	base = slab_address(slab);
	object = (u8 *)object - s->red_left_pad;
	if ((u8 *)object < base ||
	    (u8 *)object >= base + (size_t)slab->objects * s->size ||
	    ((u8 *)object - base) % s->size)
		return false;
	return true;
}

static int check_object(struct kmem_cache *s, struct slab *slab, void *object,
			u8 val)
{
	u8 *p = object, *endobject = p + s->object_size;
	int ret = 1;

	if (s->flags & SLAB_RED_ZONE) {
		if (!check_bytes_and_report(s, slab, object, "Left Redzone",
					    p - s->red_left_pad, val,
					    s->red_left_pad))
			ret = 0;
		if (!check_bytes_and_report(s, slab, object, "Right Redzone",
					    endobject, val,
					    s->inuse - s->object_size))
			ret = 0;
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
			unsigned int orig_size = get_orig_size(s, object);

			if (s->object_size > orig_size &&
			    !check_bytes_and_report(s, slab, object,
						    "kmalloc Redzone",
						    p + orig_size, val,
						    s->object_size - orig_size))
				ret = 0;
		}
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		if (!check_bytes_and_report(s, slab, p, "Alignment padding",
					    endobject, POISON_INUSE,
					    s->inuse - s->object_size))
			ret = 0;
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON)) {
			if (!check_bytes_and_report(s, slab, p, "Poison", p,
						    POISON_FREE,
						    s->object_size - 1))
				ret = 0;
			if (!check_bytes_and_report(s, slab, p, "End Poison",
						    p + s->object_size - 1,
						    POISON_END, 1))
				ret = 0;
		}
		if (!check_pad_bytes(s, slab, p))
			ret = 0;
	}
	/* the free pointer of a live object may be the caller's bytes */
	if ((freeptr_outside_object(s) || val != SLUB_RED_ACTIVE) &&
	    !check_valid_pointer(s, slab, get_freepointer(s, p))) {
		object_err(s, slab, p, "Freepointer corrupt");
		set_freepointer(s, p, NULL);	/* loses the rest of the chain */
		ret = 0;
	}
	if (!ret && !slab_in_kunit_test()) {
		print_trailer(s, slab, object);
		add_taint();
	}
	return ret;
}

/* Objects a slab of @slab's order holds (order_objects(), capped). */
static unsigned int slab_max_objects(struct kmem_cache *s, struct slab *slab)
{
	return (unsigned int)min(slab_size(slab) / s->size,
				 (size_t)MAX_OBJS_PER_PAGE);
}

static int check_slab(struct kmem_cache *s, struct slab *slab)
{
	unsigned int maxobj = slab_max_objects(s, slab);

	if (!PageSlab(slab_page(slab))) {
		slab_err(s, slab, "Not a valid slab page");
		return 0;
	}
	if (slab->objects > maxobj) {
		slab_err(s, slab, "objects %u > max %u", slab->objects, maxobj);
		return 0;
	}
	if (slab->inuse > slab->objects) {
		slab_err(s, slab, "inuse %u > max %u", slab->inuse,
			 slab->objects);
		return 0;
	}
	slab_pad_check(s, slab);
	return 1;
}

/*
 * on_freelist - is @search on @slab's freelist?  (NULL: just walk it and
 * repair the counts.)  A corrupt link ends the list there; a wrong object
 * count or in-use count is reported and corrected.
 */
static int on_freelist(struct kmem_cache *s, struct slab *slab, void *search)
{
	void *fp = slab->freelist, *object = NULL;
	int nr = 0, max_objects;

	while (fp && nr <= (int)slab->objects) {
		if (fp == search)
			return 1;
		if (!check_valid_pointer(s, slab, fp)) {
			if (object) {
				object_err(s, slab, object, "Freechain corrupt");
				set_freepointer(s, object, NULL);
			} else {
				slab_err(s, slab, "Freepointer corrupt");
				slab->freelist = NULL;
				slab->inuse = slab->objects;
				slab_fix(s, "Freelist cleared");
				return 0;
			}
			break;
		}
		object = fp;
		fp = get_freepointer(s, object);
		nr++;
	}
	if (nr > (int)slab->objects) {
		slab_err(s, slab, "Freelist cycle detected");
		slab->freelist = NULL;
		slab->inuse = slab->objects;
		slab_fix(s, "Freelist cleared");
		return 0;
	}
	max_objects = (int)slab_max_objects(s, slab);
	if ((int)slab->objects != max_objects) {
		slab_err(s, slab, "Wrong number of objects. Found %d but should be %d",
			 slab->objects, max_objects);
		slab->objects = (unsigned int)max_objects;
		slab_fix(s, "Number of objects adjusted");
	}
	if ((int)slab->inuse != (int)slab->objects - nr) {
		slab_err(s, slab, "Wrong object count. Counter is %d but counted were %d",
			 slab->inuse, (int)slab->objects - nr);
		slab->inuse = slab->objects - (unsigned int)nr;
		slab_fix(s, "Object count adjusted");
	}
	return search == NULL;
}

static void trace(struct kmem_cache *s, struct slab *slab, void *object,
		  int alloc)
{
	if (!(s->flags & SLAB_TRACE))
		return;
	pr_info("TRACE %s %s 0x%016lx inuse=%d fp=0x%016lx\n", s->name,
		alloc ? "alloc" : "free", (unsigned long)object, slab->inuse,
		(unsigned long)slab->freelist);
	if (!alloc)
		print_hex_dump("Object ", object, s->object_size);
	dump_stack();
}

/* ------------------------------------------------------------------ */
/* the hooks slub.c calls (n->list_lock held unless said otherwise)    */
/* ------------------------------------------------------------------ */

/* A new slab, before its objects are chained: poison and red zones. */
void setup_slab_debug(struct kmem_cache *s, struct slab *slab)
{
	char *start = slab_address(slab), *p;

	if (s->flags & SLAB_POISON)
		memset(start, POISON_INUSE, slab_size(slab));
	for_each_object(p, s, start, slab->objects) {
		if (s->flags & (SLAB_STORE_USER | SLAB_RED_ZONE | __OBJECT_POISON))
			init_object(s, p, SLUB_RED_INACTIVE);
		if (s->flags & SLAB_STORE_USER)
			memset(get_track(s, p, TRACK_ALLOC), 0,
			       2 * sizeof(struct track));
	}
}

/*
 * mark_objects_used - after a failed check, nothing more is taken from
 * @slab (the kernel's "Marking all objects used").  kheap also gives the
 * objects still on its freelist the bytes of an allocated object, as far
 * as the freelist can be trusted, so that a later validation does not
 * report every one of them as a damaged live object: one corruption, one
 * report.  They stay allocated for good (leaked, as in the kernel).
 */
static void mark_objects_used(struct kmem_cache *s, struct slab *slab)
{
	void *fp = slab->freelist;

	for (unsigned int n = 0; fp && n < slab->objects &&
				 check_valid_pointer(s, slab, fp); n++) {
		void *next = get_freepointer(s, fp);

		set_orig_size(s, fp, s->object_size);	/* all of it in use */
		if (s->flags & (SLAB_RED_ZONE | __OBJECT_POISON))
			init_object(s, fp, SLUB_RED_ACTIVE);
		fp = next;
	}
	slab->inuse = slab->objects;
	slab->freelist = NULL;
}

/*
 * alloc_debug_processing - @object is about to be handed out from @slab.
 * Returns false (slab marked full: nothing more is taken from it) if the
 * checks failed.
 */
bool alloc_debug_processing(struct kmem_cache *s, struct slab *slab,
			    void *object, unsigned int orig_size)
{
	lockdep_assert_held(&s->node.list_lock);
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_slab(s, slab))
			goto bad;
		if (!check_valid_pointer(s, slab, object)) {
			object_err(s, slab, object, "Freelist Pointer check fails");
			goto bad;
		}
		if (!check_object(s, slab, object, SLUB_RED_INACTIVE))
			goto bad;
	}
	trace(s, slab, object, 1);
	set_orig_size(s, object, orig_size);
	init_object(s, object, SLUB_RED_ACTIVE);
	return true;
bad:
	slab_fix(s, "Marking all objects used");
	mark_objects_used(s, slab);
	return false;
}

void set_track(struct kmem_cache *s, void *object, enum track_item alloc,
	       const struct track *t)
{
	*get_track(s, object, alloc) = *t;
}

/*
 * free_debug_processing - @object comes back to @slab; false if it must not
 * be freed (reported).  @t: the free track, captured by the caller.
 */
bool free_debug_processing(struct kmem_cache *s, struct slab *slab,
			   void *object, const struct track *t)
{
	lockdep_assert_held(&s->node.list_lock);
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_valid_pointer(s, slab, object)) {
			slab_err(s, slab, "Invalid object pointer 0x%016lx",
				 (unsigned long)object);
			goto fail;
		}
		if (on_freelist(s, slab, object)) {
			object_err(s, slab, object, "Object already free");
			goto fail;
		}
		if (!check_object(s, slab, object, SLUB_RED_ACTIVE))
			goto fail;
		if (unlikely(s != slab->slab_cache)) {
			slab_err(s, slab, "Attempt to free object(0x%016lx) outside of slab",
				 (unsigned long)object);
			goto fail;
		}
	}
	/* init_on_free, once the checks passed: a double free is not zeroed */
	if (unlikely(slab_want_init_on_free(s)))
		slab_init_on_free(s, object);
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, t);
	trace(s, slab, object, 0);
	init_object(s, object, SLUB_RED_INACTIVE);
	return true;
fail:
	slab_fix(s, "Object at 0x%016lx not freed", (unsigned long)object);
	return false;
}

/*
 * __fill_map - set the bit of every object on @slab's freelist in @obj_map
 * (the kernel's), a map of OBJ_MAP_BITS bits.  The walk stops at a link
 * that is not an object of the slab and after slab->objects links, so a
 * damaged freelist cannot take it astray.  SLUB's one free-object map:
 * validation, the shutdown report, alloc/free traces and (through
 * fill_free_map() in slub.c) kmemleak all read it.
 */
void __fill_map(unsigned long *obj_map, struct kmem_cache *s,
		struct slab *slab)
{
	char *addr = slab_address(slab);
	unsigned int n = 0;

	bitmap_zero(obj_map, slab->objects);
	for (void *p = slab->freelist; p && n++ < slab->objects &&
				       check_valid_pointer(s, slab, p);
	     p = get_freepointer(s, p))
		__set_bit(__obj_to_index(s, addr, p), obj_map);
}

/*
 * validate_slab - the kernel's validate_slab(): the slab, its freelist and
 * its objects (free ones 0xbb/0x6b, live ones 0xcc), stopping at the first
 * bad object: its damage is reported and repaired, the rest of the slab is
 * left for the next walk.  Returns the number of reports (and errors a
 * KUnit test counted).  n->list_lock held.
 */
int validate_slab(struct kmem_cache *s, struct slab *slab)
{
	lockdep_assert_held(&s->node.list_lock);
	DECLARE_BITMAP(obj_map, OBJ_MAP_BITS);
	unsigned long before = slub_debug_reports();
	char *addr = slab_address(slab), *p;

	if (!check_slab(s, slab) || !on_freelist(s, slab, NULL))
		return (int)(slub_debug_reports() - before);
	__fill_map(obj_map, s, slab);
	for_each_object(p, s, addr, slab->objects) {
		u8 val = test_bit(__obj_to_index(s, addr, p), obj_map) ?
			 SLUB_RED_INACTIVE : SLUB_RED_ACTIVE;

		if (!check_object(s, slab, p, val))
			break;
	}
	return (int)(slub_debug_reports() - before);
}

/*
 * list_slab_objects - @slab still holds objects at cache shutdown (the
 * kernel's): one report for the slab, then each live object with its
 * tracks.  A KUnit test counts the report and each object.
 */
void list_slab_objects(struct kmem_cache *s, struct slab *slab,
		       const char *text)
{
	DECLARE_BITMAP(obj_map, OBJ_MAP_BITS);
	char *addr = slab_address(slab), *p;

	slab_err(s, slab, text, s->name);
	__fill_map(obj_map, s, slab);
	for_each_object(p, s, addr, slab->objects) {
		if (test_bit(__obj_to_index(s, addr, p), obj_map))
			continue;
		if (slab_add_kunit_errors())
			continue;
		pr_err("Object 0x%016lx @offset=%tu\n", (unsigned long)p,
		       p - addr);
		print_tracking(s, p);
	}
}

/* ------------------------------------------------------------------ */
/* debugfs slab/<cache>/alloc_traces and free_traces                   */
/* ------------------------------------------------------------------ */

#define TRACE_CPU_BITS	1024
#define TRACE_MAX_LOCATIONS	16384

/* One call site (the kernel's struct location). */
struct location {
	unsigned long count;
	unsigned long addr;		/* caller */
	unsigned long handle;		/* the whole stack, hashed */
	const struct track *first;	/* a track with this stack */
	unsigned long waste;		/* object_size - requested size */
	unsigned long long sum_time;
	long min_time, max_time;
	long min_pid, max_pid;
	unsigned long cpus[TRACE_CPU_BITS / 64];
};

static unsigned long track_handle(const struct track *t)
{
	unsigned long h = t->nr;

	for (unsigned int i = 0; i < t->nr && i < TRACK_ADDRS; i++)
		h = (h ^ (unsigned long)t->stack[i]) * 0x100000001b3UL;
	return h;
}

/*
 * add_location - count @t in @loc[0..*nr), kept sorted by (addr, handle,
 * waste) as the kernel's add_location() keeps it; a new call site is
 * inserted while there is room.
 */
static void add_location(struct location *loc, unsigned long *nr,
			 unsigned long max, const struct track *t,
			 unsigned long waste, unsigned long now)
{
	unsigned long handle = track_handle(t), lo = 0, hi = *nr;
	long age = (long)(now - t->when);
	struct location *l;

	while (lo < hi) {
		unsigned long mid = (lo + hi) / 2;

		l = &loc[mid];
		if (l->addr == t->addr && l->handle == handle &&
		    l->waste == waste) {
			l->count++;
			if (t->when) {
				l->sum_time += (unsigned long long)age;
				l->min_time = min(l->min_time, age);
				l->max_time = max(l->max_time, age);
				l->min_pid = min(l->min_pid, (long)t->pid);
				l->max_pid = max(l->max_pid, (long)t->pid);
				if (t->cpu >= 0 && t->cpu < TRACE_CPU_BITS)
					l->cpus[t->cpu / 64] |= 1UL << (t->cpu % 64);
			}
			return;
		}
		if (t->addr < l->addr ||
		    (t->addr == l->addr && handle < l->handle) ||
		    (t->addr == l->addr && handle == l->handle &&
		     waste < l->waste))
			hi = mid;
		else
			lo = mid + 1;
	}
	if (*nr >= max)
		return;
	memmove(&loc[lo + 1], &loc[lo], (*nr - lo) * sizeof(*loc));
	(*nr)++;
	l = &loc[lo];
	memset(l, 0, sizeof(*l));
	l->count = 1;
	l->addr = t->addr;
	l->handle = handle;
	l->first = t;
	l->waste = waste;
	l->sum_time = (unsigned long long)age;
	l->min_time = l->max_time = age;
	l->min_pid = l->max_pid = t->pid;
	if (t->cpu >= 0 && t->cpu < TRACE_CPU_BITS)
		l->cpus[t->cpu / 64] |= 1UL << (t->cpu % 64);
}

/* Every live object of @slab (n->list_lock held): its @which track. */
static void process_slab(struct kmem_cache *s, struct slab *slab,
			 enum track_item which, struct location *loc,
			 unsigned long *nr, unsigned long max, unsigned long now)
{
	lockdep_assert_held(&s->node.list_lock);
	DECLARE_BITMAP(map, OBJ_MAP_BITS);
	char *addr = slab_address(slab), *p;

	__fill_map(map, s, slab);	/* stops where a freelist is corrupt */
	for_each_object(p, s, addr, slab->objects) {
		if (test_bit(__obj_to_index(s, addr, p), map))
			continue;
		add_location(loc, nr, max, get_track(s, p, which),
			     which == TRACK_ALLOC ? s->object_size - get_orig_size(s, p)
						  : 0, now);
	}
}

static int by_count(const void *a, const void *b)
{
	const struct location *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* "%*pbl": the CPUs as ranges, "0-3,6". */
static void print_cpu_list(FILE *out, const unsigned long *cpus)
{
	bool first = true;

	for (int c = 0; c < TRACE_CPU_BITS; c++) {
		int e = c;

		if (!(cpus[c / 64] & (1UL << (c % 64))))
			continue;
		while (e + 1 < TRACE_CPU_BITS &&
		       (cpus[(e + 1) / 64] & (1UL << ((e + 1) % 64))))
			e++;
		fprintf(out, first ? "%d" : ",%d", c);
		if (e > c)
			fprintf(out, "-%d", e);
		first = false;
		c = e;
	}
}

/**
 * slub_debug_show_traces - debugfs's slab/<cache>/alloc_traces (@alloc)
 * or free_traces of a SLAB_STORE_USER cache, in the kernel's format
 * (slab_debugfs_show(), v6.12): one entry per call site and stack, most
 * objects first, "count caller [waste=total/each] age=min/avg/max
 * pid=min-max cpus=list" and the stack; "No data" when there is none.
 * Only live objects count: for free_traces, where each one was last freed
 * before its current life.  Ages are in jiffies (ms here).  At most
 * TRACE_MAX_LOCATIONS call sites; called with slab_mutex held.
 * Return: 0, or -ENOMEM.
 */
int slub_debug_show_traces(struct kmem_cache *s, bool alloc, FILE *out)
{
	struct kmem_cache_node *n = &s->node;
	unsigned long max = min((unsigned long)READ_ONCE(n->total_objects) + 1,
				(unsigned long)TRACE_MAX_LOCATIONS);
	enum track_item which = alloc ? TRACK_ALLOC : TRACK_FREE;
	unsigned long nr = 0, now = jiffies_now();
	struct location *loc;
	struct slab *slab;
	char sym[KSYM_SYMBOL_LEN];

	lockdep_assert_held(&slab_mutex);

	loc = kvmalloc_array(max, sizeof(*loc), GFP_KERNEL);
	if (!loc)
		return -ENOMEM;
	kh_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list)
		process_slab(s, slab, which, loc, &nr, max, now);
	list_for_each_entry(slab, &n->full, slab_list)
		process_slab(s, slab, which, loc, &nr, max, now);
	qsort(loc, nr, sizeof(*loc), by_count);
	for (unsigned long i = 0; i < nr; i++) {
		struct location *l = &loc[i];
		bool any_cpu = false;

		fprintf(out, "%7lu ", l->count);
		if (l->addr) {
			sprint_symbol(sym, sizeof(sym), (void *)l->addr);
			fputs(sym, out);
		} else {
			fputs("<not-available>", out);
		}
		if (l->waste)
			fprintf(out, " waste=%lu/%lu", l->count * l->waste,
				l->waste);
		if (l->sum_time != (unsigned long long)l->min_time)
			fprintf(out, " age=%ld/%llu/%ld", l->min_time,
				l->sum_time / l->count, l->max_time);
		else
			fprintf(out, " age=%ld", l->min_time);
		if (l->min_pid != l->max_pid)
			fprintf(out, " pid=%ld-%ld", l->min_pid, l->max_pid);
		else
			fprintf(out, " pid=%ld", l->min_pid);
		for (int w = 0; w < TRACE_CPU_BITS / 64; w++)
			any_cpu |= l->cpus[w] != 0;
		if (os_ncpus() > 1 && any_cpu) {
			fputs(" cpus=", out);
			print_cpu_list(out, l->cpus);
		}
		if (l->first->nr) {
			fputc('\n', out);
			for (unsigned int f = 0; f < l->first->nr; f++) {
				sprint_symbol(sym, sizeof(sym), l->first->stack[f]);
				fprintf(out, "        %s\n", sym);
			}
		}
		fputc('\n', out);
	}
	if (!nr)
		fputs("No data\n", out);
	kh_unlock(&n->list_lock);
	kvfree(loc);
	return 0;
}
