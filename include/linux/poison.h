/* SPDX-License-Identifier: MIT */
/*
 * linux/poison.h - the byte and pointer values the kernel writes into memory
 * it does not want used, so that a stray access is recognisable in a dump.
 * Values as in the kernel's include/linux/poison.h.
 */
#ifndef _LINUX_POISON_H
#define _LINUX_POISON_H

/* Non-canonical on x86-64, as the kernel's CONFIG_ILLEGAL_POINTER_VALUE. */
#define POISON_POINTER_DELTA	0xdead000000000000UL

/* list_del() leaves these in the entry's next and prev (a list.h the
 * program brings may have defined them already). */
#ifndef LIST_POISON1
#define LIST_POISON1	((void *)(0x100 + POISON_POINTER_DELTA))
#define LIST_POISON2	((void *)(0x122 + POISON_POINTER_DELTA))
#endif

/* Page poisoning (page_poison=1). */
#define PAGE_POISON	0xaa

/* SLUB red zones: the bytes around an object. */
#define SLUB_RED_INACTIVE	0xbb	/* the object is free */
#define SLUB_RED_ACTIVE		0xcc	/* the object is allocated */

/* SLAB_POISON: the bytes of a free object. */
#define POISON_INUSE	0x5a	/* padding, and a new slab before use */
#define POISON_FREE	0x6b	/* every byte of a free object but the last */
#define POISON_END	0xa5	/* the last byte of a free object */

/* Freed init memory (free_initmem). */
#define POISON_FREE_INITMEM	0xcc

#endif /* _LINUX_POISON_H */
