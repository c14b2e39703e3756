// SPDX-License-Identifier: MIT
/*
 * A small piece of kernel-style code, compiled against kheap's headers only
 * (<linux/slab.h>, <linux/gfp.h>, <linux/vmalloc.h>, <linux/string.h>) with
 * -Wall -Wextra -Werror, written the way kernel code is.
 */
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <errno.h>

struct foo {
	int id;
	char *name;
	unsigned long *table;
	size_t nr;
	void *buffer;
};

static struct foo *foo_create(int id, const char *name, size_t nr)
{
	struct foo *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->id = id;
	f->name = kstrdup(name, GFP_KERNEL);
	if (!f->name)
		goto err_free;
	f->table = kcalloc(nr, sizeof(*f->table), GFP_KERNEL);
	if (!f->table)
		goto err_name;
	f->nr = nr;
	f->buffer = vzalloc(1 << 20);
	if (!f->buffer)
		goto err_table;
	return f;

err_table:
	kfree(f->table);
err_name:
	kfree(f->name);
err_free:
	kfree(f);
	return NULL;
}

static void foo_destroy(struct foo *f)
{
	if (!f)
		return;
	vfree(f->buffer);
	kfree(f->table);
	kfree(f->name);
	kfree(f);
}

static int foo_grow(struct foo *f, size_t nr)
{
	unsigned long *t = krealloc_array(f->table, nr, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	f->table = t;
	f->nr = nr;
	return 0;
}

int main(void)
{
	struct foo *f = foo_create(1, "foo0", 16);
	char *label;
	int ret;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < f->nr; i++)
		f->table[i] = i * i;
	ret = foo_grow(f, 1000);
	if (ret)
		return 1;
	if (f->table[15] != 225)
		return 2;
	label = kasprintf(GFP_KERNEL, "%s:%d", f->name, f->id);
	if (!label || strcmp(label, "foo0:1"))
		return 3;
	kfree(label);
	foo_destroy(f);
	return 0;
}
