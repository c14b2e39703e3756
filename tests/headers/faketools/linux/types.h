/* A project built on tools/include (the kernel's userspace test suites):
 * its <linux/types.h> guard has a trailing underscore; u64 is uint64_t
 * (unsigned long here), gfp_t an enum of a few GFP names, phys_addr_t 32
 * bits wide; it defines struct list_head and has no slab_flags_t. */
#ifndef _TOOLS_LINUX_TYPES_H_
#define _TOOLS_LINUX_TYPES_H_
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef enum {
	GFP_KERNEL,
	GFP_ATOMIC,
	__GFP_HIGHMEM,
	__GFP_HIGH
} gfp_t;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint16_t u16;
typedef int16_t s16;
typedef uint8_t u8;
typedef int8_t s8;
typedef u32 phys_addr_t;
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
