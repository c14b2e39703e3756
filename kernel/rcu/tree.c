// SPDX-License-Identifier: MIT
/*
 * tree.c - kfree_rcu() and kvfree_rcu(): the batching part of the kernel's
 * kernel/rcu/tree.c (v6.12, kvfree_call_rcu).  The grace periods themselves
 * are liburcu's (memb flavour); this file only queues objects and frees
 * them once a grace period has passed.
 *
 * kvfree_call_rcu() queues the object on this CPU's batch (a
 * page of pointers, KVFREE_BULK_MAX_ENTR of them); a full batch, or one
 * older than KFREE_DRAIN_JIFFIES (5 s) when the next object comes, is
 * handed to liburcu's call_rcu() (memb flavour), whose callback frees
 * every object with kfree_bulk()/kvfree after the grace period.  When no
 * page can be had for a batch, an object with an rcu_head is queued with
 * call_rcu() alone, and a headless one (kfree_rcu_mightsleep) waits for a
 * grace period (synchronize_rcu) and is freed at once, as the kernel
 * does.  kvfree_rcu_barrier() submits every batch and waits for them
 * (rcu_barrier); a shrinker submits batches under memory pressure.
 * kheap starts no thread of its own for this; liburcu's call_rcu thread
 * exists once kfree_rcu is first used.
 *
 * Lock order (docs/design.md): a CPU's batch lock is taken by
 * kvfree_call_rcu() and by the shrinker (under shrinker_rwsem); under it,
 * krc_submit() allocates with GFP_NOWAIT (slab and page allocator locks, no
 * reclaim).  The frees after a grace period run in liburcu's call_rcu
 * thread, without it.
 */
#include "internal.h"
#include "slab_internal.h"

#include <errno.h>

/* ------------------------------------------------------------------ */
/* kfree_rcu (kernel/rcu/tree.c's kvfree_call_rcu)                     */
/* ------------------------------------------------------------------ */

#define KFREE_DRAIN_NS		(5ULL * 1000000000ULL)	/* KFREE_DRAIN_JIFFIES */

/* A batch: one page of object pointers, handed to call_rcu() whole. */
struct kvfree_rcu_bulk_data {
	struct rcu_head rcu;		/* liburcu's, for the whole batch */
	unsigned long nr_records;	/* records used */
	void *records[];		/* objects to kvfree */
};

#define KVFREE_BULK_MAX_ENTR \
	((PAGE_SIZE - sizeof(struct kvfree_rcu_bulk_data)) / sizeof(void *))

/*
 * When no batch page can be had, an object's own rcu_head queues it: its
 * two words become (next, object), as the kernel stores the object pointer
 * in head->func.
 */
struct kvfree_head {
	struct kvfree_head *next;	/* next queued head of this CPU */
	void *ptr;			/* the object to free */
};
_Static_assert(sizeof(struct rcu_head) >= sizeof(struct kvfree_head),
	       "an rcu_head holds (next, object)");

/* A chain of such heads, handed to call_rcu() together. */
struct kvfree_head_batch {
	struct rcu_head rcu;
	struct kvfree_head *list;
};

struct kfree_rcu_cpu {
	kh_lock_t lock;				/* guards the rest; a leaf */
	struct kvfree_rcu_bulk_data *bulk;	/* the batch being filled */
	struct kvfree_head *head;		/* heads queued without a batch */
	unsigned long long first_ns;		/* when the oldest came */
	long nr;				/* objects queued here */
} __cacheline_aligned;

static struct kfree_rcu_cpu *krc;
static unsigned int krc_nr;
static long krc_queued;			/* objects queued, all CPUs */

static void kvfree_bulk_records(void **p, unsigned long nr)
{
	unsigned long i, j = 0;

	/* vmalloc'd objects go to vfree; the rest to kfree_bulk in one go */
	for (i = 0; i < nr; i++) {
		if (is_vmalloc_addr(p[i]))
			vfree(p[i]);
		else
			p[j++] = p[i];
	}
	kfree_bulk(j, p);
}

static void kvfree_rcu_bulk_cb(struct rcu_head *h)
{
	struct kvfree_rcu_bulk_data *bd =
		container_of(h, struct kvfree_rcu_bulk_data, rcu);

	kvfree_bulk_records(bd->records, bd->nr_records);
	free_page((unsigned long)bd);
}

static void kvfree_rcu_head_cb(struct rcu_head *h)
{
	struct kvfree_head_batch *hb =
		container_of(h, struct kvfree_head_batch, rcu);
	struct kvfree_head *kh = hb->list;

	while (kh) {
		struct kvfree_head *next = kh->next;

		kvfree(kh->ptr);
		kh = next;
	}
	kfree(hb);
}

/*
 * Hand this CPU's queued objects to call_rcu().  Called with krcp->lock
 * held; allocates only with GFP_NOWAIT.  Return: objects submitted.
 */
static long krc_submit(struct kfree_rcu_cpu *krcp)
{
	long n = 0;

	lockdep_assert_held(&krcp->lock);

	if (krcp->bulk && krcp->bulk->nr_records) {
		n += (long)krcp->bulk->nr_records;
		urcu_memb_call_rcu(&krcp->bulk->rcu, kvfree_rcu_bulk_cb);
		krcp->bulk = NULL;
	}
	if (krcp->head) {
		struct kvfree_head_batch *hb =
			kmalloc(sizeof(*hb), GFP_NOWAIT | __GFP_NOWARN);

		if (hb) {
			long m = 0;

			for (struct kvfree_head *kh = krcp->head; kh; kh = kh->next)
				m++;
			hb->list = krcp->head;
			krcp->head = NULL;
			urcu_memb_call_rcu(&hb->rcu, kvfree_rcu_head_cb);
			n += m;
		}
	}
	krcp->nr -= n;
	__atomic_fetch_sub(&krc_queued, n, __ATOMIC_RELAXED);
	if (!krcp->nr)
		krcp->first_ns = 0;
	return n;
}

/* Put @ptr in this CPU's batch; false if no batch page could be had. */
static bool add_ptr_to_bulk(struct kfree_rcu_cpu *krcp, void *ptr)
{
	struct kvfree_rcu_bulk_data *bd = krcp->bulk;

	if (bd && bd->nr_records == KVFREE_BULK_MAX_ENTR) {
		krc_submit(krcp);
		bd = NULL;
	}
	if (!bd) {
		bd = (void *)__get_free_page(GFP_NOWAIT | __GFP_NOWARN);
		if (!bd)
			return false;
		bd->nr_records = 0;
		krcp->bulk = bd;
	}
	bd->records[bd->nr_records++] = ptr;
	return true;
}

/**
 * kvfree_call_rcu - free @ptr after an RCU grace period (kfree_rcu())
 * @head: the rcu_head inside the object, or NULL for kfree_rcu_mightsleep()
 * @ptr: the object (kmalloc'd or vmalloc'd)
 */
void kvfree_call_rcu(struct rcu_head *head, void *ptr)
{
	struct kfree_rcu_cpu *krcp;
	unsigned long long now = os_ns();
	bool queued;

	if (!ptr)
		return;
	kheap_ensure_init();
	krcp = &krc[os_cpu() % krc_nr];
	kh_lock(&krcp->lock);
	queued = add_ptr_to_bulk(krcp, ptr);
	if (!queued && head) {
		struct kvfree_head *kh = (struct kvfree_head *)head;

		kh->ptr = ptr;
		kh->next = krcp->head;
		krcp->head = kh;
		queued = true;
	}
	if (queued) {
		if (!krcp->nr++)
			krcp->first_ns = now;
		__atomic_fetch_add(&krc_queued, 1, __ATOMIC_RELAXED);
		/* the kernel's monitor work drains after KFREE_DRAIN_JIFFIES */
		if (now - krcp->first_ns >= KFREE_DRAIN_NS)
			krc_submit(krcp);
	}
	kh_unlock(&krcp->lock);
	if (!queued) {
		/* headless, and no memory for a batch: wait, then free */
		urcu_memb_synchronize_rcu();
		kvfree(ptr);
	}
}

/**
 * kvfree_rcu_barrier - wait until every object queued with kfree_rcu() so
 * far has been freed (the kernel's kvfree_rcu_barrier(), an rcu_barrier()
 * that also flushes the per-CPU batches)
 */
void kvfree_rcu_barrier(void)
{
	if (!READ_ONCE(kheap_initialized))
		return;
	for (unsigned int c = 0; c < krc_nr; c++) {
		kh_lock(&krc[c].lock);
		krc_submit(&krc[c]);
		kh_unlock(&krc[c].lock);
	}
	urcu_memb_barrier();
}

static unsigned long kfree_rcu_shrink_count(struct shrinker *s,
					    struct shrink_control *sc)
{
	long n = __atomic_load_n(&krc_queued, __ATOMIC_RELAXED);

	(void)s;
	(void)sc;
	return n > 0 ? (unsigned long)n : SHRINK_EMPTY;
}

static unsigned long kfree_rcu_shrink_scan(struct shrinker *s,
					   struct shrink_control *sc)
{
	unsigned long freed = 0;

	(void)s;
	for (unsigned int c = 0; c < krc_nr && freed < sc->nr_to_scan; c++) {
		kh_lock(&krc[c].lock);
		freed += (unsigned long)krc_submit(&krc[c]);
		kh_unlock(&krc[c].lock);
	}
	return freed ? freed : SHRINK_STOP;
}

static int kfree_rcu_init(void)
{
	struct shrinker *sh;

	krc_nr = os_ncpus();
	krc = kcalloc(krc_nr, sizeof(*krc), GFP_KERNEL);
	if (!krc)
		return -ENOMEM;
	mod_node_page_state(NR_PERCPU_B, (long)(krc_nr * sizeof(*krc)));
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_lock_init(&krc[c].lock);
	sh = shrinker_alloc(0, "rcu-kfree");
	if (sh) {
		sh->count_objects = kfree_rcu_shrink_count;
		sh->scan_objects = kfree_rcu_shrink_scan;
		shrinker_register(sh);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* the layer                                                           */
/* ------------------------------------------------------------------ */

void kfree_rcu_fork_prepare(void)
{
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_lock(&krc[c].lock);
}

void kfree_rcu_fork_parent(void)
{
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_unlock(&krc[c].lock);
}

void kfree_rcu_fork_child(void)
{
	for (unsigned int c = 0; c < krc_nr; c++)
		kh_lock_reinit(&krc[c].lock);
}

const struct kheap_layer kfree_rcu_layer = {
	.name = "kfree_rcu",
	.init = kfree_rcu_init,
};
