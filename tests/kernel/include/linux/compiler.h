/* SPDX-License-Identifier: MIT */
/*
 * A kernel project's <linux/compiler.h>, as much of it as the kernel's own
 * test files need to build on kheap (see run_kernel_tests.sh).
 */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define __maybe_unused	__attribute__((__unused__))
#ifndef __always_inline		/* glibc's <sys/cdefs.h> may have it */
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define noinline	__attribute__((__noinline__))

/* Make @var opaque to the optimiser (no bounds reasoning through it). */
#define OPTIMIZER_HIDE_VAR(var)	__asm__("" : "=r"(var) : "0"(var))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#endif /* _LINUX_COMPILER_H */
