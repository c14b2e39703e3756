/* SPDX-License-Identifier: MIT */
/*
 * RCU for the kernel's test files on kheap: liburcu's memb flavour, the one
 * kheap's grace periods (kfree_rcu, SLAB_TYPESAFE_BY_RCU) use.  A thread
 * that reads must be registered (module_main.c registers the main thread).
 */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H

#include <urcu/urcu-memb.h>

#define rcu_read_lock()		urcu_memb_read_lock()
#define rcu_read_unlock()	urcu_memb_read_unlock()
#define synchronize_rcu()	urcu_memb_synchronize_rcu()
#define rcu_barrier()		urcu_memb_barrier()

#endif /* _LINUX_RCUPDATE_H */
