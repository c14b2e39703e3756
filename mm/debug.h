/* SPDX-License-Identifier: MIT */
/*
 * debug.h - graded assertions, as the kernel's CONFIG_DEBUG_VM.
 *
 * CONFIG_DEBUG_VM is set in test builds (libkheap-debug.a, the sanitizer
 * builds) and clear in the release libraries; VM_BUG_ON and friends compile
 * to nothing without it.  A failed assertion is a bug in kheap, never the
 * caller's: it prints the condition and a backtrace and aborts.  Bad input
 * from callers is never handled with these (see kheap_report_*()).
 */
#ifndef _KHEAP_DEBUG_H
#define _KHEAP_DEBUG_H

#ifndef CONFIG_DEBUG_VM
#define CONFIG_DEBUG_VM 0
#endif

void kheap_bug(const char *file, int line, const char *cond)
	__attribute__((noreturn, cold));

#define BUG()	kheap_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond)							\
	do {								\
		if (__builtin_expect(!!(cond), 0))			\
			kheap_bug(__FILE__, __LINE__, #cond);		\
	} while (0)

#if CONFIG_DEBUG_VM
#define VM_BUG_ON(cond)		BUG_ON(cond)
#define VM_WARN_ON(cond)	((void)((cond) && kheap_warn_on(__FILE__, __LINE__, #cond)))
#else
#define VM_BUG_ON(cond)		((void)sizeof(!!(cond)))
#define VM_WARN_ON(cond)	((void)sizeof(!!(cond)))
#endif
#define VM_BUG_ON_PAGE(cond, page)	VM_BUG_ON(cond)
/*
 * lockdep_assert_held - the calling thread holds the kh_lock_t @l (a
 * function documented as "called with X held" says so in code); nothing
 * in release builds, where kh_lock_t records no holder (lib/lock.h).
 */
#define lockdep_assert_held(l)	VM_BUG_ON(!kh_lock_held(l))

int kheap_warn_on(const char *file, int line, const char *cond) __attribute__((cold));

#endif /* _KHEAP_DEBUG_H */
