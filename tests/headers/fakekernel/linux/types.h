/* A kernel project's own <linux/types.h>, as in the kernel tree: it defines
 * the same integer types as kheap and struct list_head. */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
#define _UAPI_LINUX_TYPES_H
#include <stdbool.h>
#include <stddef.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
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
#endif
