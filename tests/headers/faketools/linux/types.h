/* A project built on tools/include (the kernel's userspace test suites):
 * its <linux/types.h> guard has a trailing underscore, and it defines
 * struct list_head and hlist_head. */
#ifndef _TOOLS_LINUX_TYPES_H_
#define _TOOLS_LINUX_TYPES_H_
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef long long s64;
typedef int s32;
typedef short s16;
typedef signed char s8;
typedef unsigned int gfp_t;
struct list_head {
	struct list_head *next, *prev;
};
struct hlist_head {
	struct hlist_node *first;
};
struct hlist_node {
	struct hlist_node *next, **pprev;
};
#endif /* _TOOLS_LINUX_TYPES_H_ */
