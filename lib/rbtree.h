/* SPDX-License-Identifier: MIT */
/*
 * lib/rbtree.h - kheap's one red-black tree, with the kernel's API names
 * (include/linux/rbtree.h, rbtree_augmented.h) and augmented-tree support.
 *
 * The tree is intrusive: a struct rb_node lives inside the user's structure
 * and rb_entry() gets back to it.  The caller searches and links
 * (rb_link_node at the leaf slot its search found), then calls
 * rb_insert_color() to rebalance; rb_erase() unlinks and rebalances.  Both
 * are O(log n) with at most two (insert) or three (erase) rotations.
 *
 * Parent pointer and colour share one word (__rb_parent_color): nodes are
 * at least 4-byte aligned, so bit 0 holds the colour (0 red, 1 black).
 *
 * Augmented trees keep a per-node value computed from the node and its two
 * subtrees (vmalloc's subtree_max_size: the largest free block below).  The
 * user supplies struct rb_augment_callbacks:
 *   propagate(node, stop)  recompute node, then its ancestors, up to (not
 *                          including) stop; stop == NULL means the root;
 *   copy(old, new)         new takes over old's position: copy the value;
 *   rotate(old, new)       new rotated above old: new gets old's value
 *                          (same subtree), old is recomputed.
 * Contract kept here: rb_insert_augmented() expects the new leaf's own value
 * set, makes every ancestor correct with propagate() before rebalancing, and
 * rebalancing keeps values correct through rotate(); rb_erase_augmented()
 * likewise propagates from the lowest changed node before rebalancing.  So
 * every value is correct when either returns.  Neither stops early, which
 * keeps the contract simple at O(log n) extra recomputations.
 */
#ifndef _KHEAP_LIB_RBTREE_H
#define _KHEAP_LIB_RBTREE_H

#include <stddef.h>
#include <stdbool.h>

struct rb_node {
	unsigned long __rb_parent_color;	/* parent | colour (bit 0) */
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_RED		0
#define RB_BLACK	1
#define RB_ROOT		(struct rb_root) { NULL }

#define rb_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define rb_entry_safe(ptr, type, member) \
	({ __typeof__(ptr) ____p = (ptr); ____p ? rb_entry(____p, type, member) : NULL; })

static inline struct rb_node *rb_parent(const struct rb_node *n)
{
	return (struct rb_node *)(n->__rb_parent_color & ~3UL);
}

static inline int rb_color(const struct rb_node *n)
{
	return (int)(n->__rb_parent_color & 1);
}

static inline bool rb_is_red(const struct rb_node *n)
{
	return n && rb_color(n) == RB_RED;
}

static inline bool rb_is_black(const struct rb_node *n)
{
	return !n || rb_color(n) == RB_BLACK;
}

#define RB_EMPTY_ROOT(root)	((root)->rb_node == NULL)
/* A node not in any tree points to itself (RB_CLEAR_NODE). */
#define RB_EMPTY_NODE(node)	((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node)	((node)->__rb_parent_color = (unsigned long)(node))

/* Link @node as a red leaf at *@rb_link below @parent (found by a search). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;	/* red */
	node->rb_left = node->rb_right = NULL;
	*rb_link = node;
}

struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new_node);
	void (*rotate)(struct rb_node *old, struct rb_node *new_node);
};

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * rb_validate - check the red-black properties of @root: parent links,
 * no red node with a red child, equal black height on every path.
 * Return: the black height, or -1 if a property is broken.
 */
int rb_validate(const struct rb_root *root);

#endif /* _KHEAP_LIB_RBTREE_H */
