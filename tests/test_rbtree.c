// SPDX-License-Identifier: MIT
/*
 * test_rbtree - property test of lib/rbtree.c: random inserts and erases
 * against a reference bitmap, checking after every step the red-black rules
 * (rb_validate), in-order = sorted order, rb_prev/rb_next agreement, and an
 * augmented value (subtree maximum of a per-node weight) at every node.
 */
#include "internal.h"
#include "check.h"

#include <stdint.h>

#define N 2048

struct item {
	struct rb_node rb;
	unsigned long key;
	unsigned long weight;
	unsigned long subtree_max;	/* augmented: max weight below */
};

static struct item items[N];
static bool present[N];
static uint64_t rs = 88172645463325252ULL;

static uint64_t rnd(void)
{
	return (uint64_t)check_xorshift(&rs);
}

static unsigned long node_max(const struct rb_node *n)
{
	return n ? rb_entry(n, struct item, rb)->subtree_max : 0;
}

static unsigned long compute(const struct item *it)
{
	return max(it->weight, max(node_max(it->rb.rb_left), node_max(it->rb.rb_right)));
}

static void cb_propagate(struct rb_node *n, struct rb_node *stop)
{
	for (; n != stop; n = rb_parent(n))
		rb_entry(n, struct item, rb)->subtree_max = compute(rb_entry(n, struct item, rb));
}

static void cb_copy(struct rb_node *old, struct rb_node *new_node)
{
	rb_entry(new_node, struct item, rb)->subtree_max =
		rb_entry(old, struct item, rb)->subtree_max;
}

static void cb_rotate(struct rb_node *old, struct rb_node *new_node)
{
	cb_copy(old, new_node);
	rb_entry(old, struct item, rb)->subtree_max = compute(rb_entry(old, struct item, rb));
}

static const struct rb_augment_callbacks cb = { cb_propagate, cb_copy, cb_rotate };

static void insert(struct rb_root *root, struct item *it, bool augment)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < rb_entry(parent, struct item, rb)->key ?
			&parent->rb_left : &parent->rb_right;
	}
	it->subtree_max = it->weight;
	rb_link_node(&it->rb, parent, link);
	if (augment)
		rb_insert_augmented(&it->rb, root, &cb);
	else
		rb_insert_color(&it->rb, root);
}

static int check_tree(struct rb_root *root, bool augment)
{
	int bad = 0;
	unsigned long k = 0, count = 0;
	struct rb_node *prev = NULL;

	if (rb_validate(root) < 0)
		bad++;
	for (struct rb_node *n = rb_first(root); n; prev = n, n = rb_next(n)) {
		struct item *it = rb_entry(n, struct item, rb);

		while (k < N && !present[k])
			k++;
		if (it->key != k++)
			bad++;
		if (rb_prev(n) != prev)
			bad++;
		if (augment && it->subtree_max != compute(it))
			bad++;
		count++;
	}
	while (k < N && !present[k])
		k++;
	if (k != N || rb_last(root) != prev)
		bad++;
	return bad;
}

static void run(bool augment)
{
	struct rb_root root = RB_ROOT;
	int bad = 0;

	memset(present, 0, sizeof(present));
	for (unsigned long i = 0; i < N; i++) {
		items[i].key = i;
		items[i].weight = rnd() % 100000;
	}
	for (int step = 0; step < 20000; step++) {
		unsigned long k = rnd() % N;

		if (present[k]) {
			if (augment)
				rb_erase_augmented(&items[k].rb, &root, &cb);
			else
				rb_erase(&items[k].rb, &root);
			present[k] = false;
		} else {
			insert(&root, &items[k], augment);
			present[k] = true;
		}
		/* full check often while small, then every 64 steps */
		if (step < 2000 || step % 64 == 0)
			bad += check_tree(&root, augment);
	}
	/* drain in a random order */
	{
		static unsigned long order[N];

		for (unsigned long i = 0; i < N; i++)
			order[i] = i;
		for (unsigned long i = N - 1; i > 0; i--) {
			unsigned long j = rnd() % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (unsigned long i = 0; i < N; i++) {
			unsigned long k = order[i];

			if (!present[k])
				continue;
			if (augment)
				rb_erase_augmented(&items[k].rb, &root, &cb);
			else
				rb_erase(&items[k].rb, &root);
			present[k] = false;
			bad += check_tree(&root, augment);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(RB_EMPTY_ROOT(&root));
}

static void plain_tree_random_ops(void)
{
	run(false);
}

static void augmented_tree_random_ops(void)
{
	run(true);
}

int main(void)
{
	RUN(plain_tree_random_ops);
	RUN(augmented_tree_random_ops);
	return check_summary();
}
