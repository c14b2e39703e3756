/* A kernel project's own <linux/compiler.h>, with the kernel's forms of
 * the attribute macros (its __alloc_size adds __malloc). */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define __malloc	__attribute__((__malloc__))
#define __alloc_size(x, ...)	__attribute__((__alloc_size__(x, ## __VA_ARGS__))) __malloc
#define __must_check	__attribute__((__warn_unused_result__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#ifndef __always_inline	/* glibc's <sys/cdefs.h> has one, as tools/include knows */
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))
#endif
