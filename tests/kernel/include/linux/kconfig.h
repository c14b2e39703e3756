/* SPDX-License-Identifier: MIT */
/*
 * IS_ENABLED() and friends for the kernel's test files: an option counts
 * as set when the build defines it to 1 (-DCONFIG_FOO=1), as a module
 * when CONFIG_FOO_MODULE is.  A set option pastes into a name that
 * expands to an extra argument, which moves the 1 into second place.
 */
#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

#define __kt_set_1			0,
#define __kt_second(first, second, ...) second
#define __kt_pick(set_or_junk)		__kt_second(set_or_junk 1, 0, 0)
#define __kt_paste(val)			__kt_pick(__kt_set_##val)
#define __kt_is_set(option)		__kt_paste(option)

#define IS_BUILTIN(option)	__kt_is_set(option)
#define IS_MODULE(option)	__kt_is_set(option##_MODULE)
#define IS_ENABLED(option)	(IS_BUILTIN(option) || IS_MODULE(option))

#endif /* _LINUX_KCONFIG_H */
