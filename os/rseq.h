/* SPDX-License-Identifier: MIT */
/*
 * os/rseq.h - restartable sequences (rseq) for per-CPU fast paths, on the
 * rseq area glibc (>= 2.35) registers for every thread.
 *
 * A restartable sequence is a short run of instructions that reads per-CPU
 * state and ends in one committing store.  The kernel guarantees that the
 * sequence either runs start to commit without the thread being preempted,
 * migrated or signalled, or does not commit at all: if any of those happens
 * while the instruction pointer is inside [start, commit), the thread
 * resumes at the sequence's abort label instead.  So "read the CPU id, read
 * this CPU's freelist, store the next pointer" needs no atomic instruction:
 * nothing else runs on that CPU in the meantime.
 *
 * What the kernel needs (Documentation of the rseq ABI, include/uapi/
 * linux/rseq.h):
 *  - a descriptor, struct rseq_cs { u32 version, flags; u64 start_ip,
 *    post_commit_offset, abort_ip }, 32-byte aligned; its address is
 *    stored in the thread's struct rseq (at offset 8, rseq_cs) before the
 *    sequence starts;
 *  - the 4 bytes before abort_ip must be the signature the thread
 *    registered with: glibc's RSEQ_SIG, 0x53053053 on x86.  They are
 *    emitted as the operand of a "ud1" so that falling into them traps;
 *  - the thread's struct rseq is at thread pointer + __rseq_offset: cpu_id
 *    (s32) at offset 4, -1 when rseq is not registered.
 *
 * Other CPUs are excluded by the users of this header, not by the kernel:
 * a thread that must change another CPU's state first makes every fast
 * path bail (a flag the sequences read), then calls os_rseq_fence_cpu(),
 * which restarts any sequence that is running on that CPU now
 * (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ)); after it returns no
 * sequence that read the old flag can still commit.  A thread that runs on
 * the CPU it changes needs no fence: os_rseq_store_on_cpu() commits its
 * store in a sequence, so any other thread's sequence on that CPU was
 * preempted by it and restarts.
 *
 * The sequences are "asm volatile goto": GCC 12 does not make an asm goto
 * with outputs implicitly volatile, and drops one whose outputs are unused
 * (a store-only sequence) without it.
 *
 * Availability: os_rseq_usable() is false without glibc's registration
 * (glibc < 2.35, GLIBC_TUNABLES=glibc.pthread.rseq=0, Valgrind), without
 * the membarrier command (Linux < 5.10, seccomp) and in TSan builds: TSan
 * does not see inside the assembly, so an object handed from one thread
 * to another through a per-CPU list would look like a data race to it.
 * ASan builds use them: the sequences touch only kheap's per-CPU
 * structures, sheaves and free pointers, which stay unpoisoned.  Callers
 * keep their compare-and-swap paths for the rest.
 */
#ifndef _KHEAP_OS_RSEQ_H
#define _KHEAP_OS_RSEQ_H

#include "prim.h"

#include <stdbool.h>
#include <stddef.h>

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define KHEAP_HAVE_RSEQ	1
#else
#define KHEAP_HAVE_RSEQ	0
#endif

#define KH_RSEQ_SIG		0x53053053	/* glibc's, on x86 */
#define KH_RSEQ_CPU_ID		4		/* offsetof(struct rseq, cpu_id) */
#define KH_RSEQ_CS		8		/* offsetof(struct rseq, rseq_cs) */

extern ptrdiff_t os_rseq_offset;	/* __rseq_offset once usable */

bool os_rseq_usable(void);
int os_rseq_fence_cpu(unsigned int cpu);

/*
 * Assembly pieces of one sequence.  Numeric labels: 1 start, 2 commit
 * (the end, just after the committing store), 3 descriptor, 4 abort.
 * KH_RSEQ_ENTER(rs, tmp) names the asm operands holding __rseq_offset and
 * a scratch register.  KH_RSEQ_ABORT(lbl) jumps to C label lbl (one of the
 * asm goto labels) on abort.
 */
#define KH_RSEQ_STR_(x)		#x
#define KH_RSEQ_STR(x)		KH_RSEQ_STR_(x)

#define KH_RSEQ_ENTER(rs, tmp)						\
	".pushsection __rseq_cs, \"aw\"\n\t"				\
	".balign 32\n"							\
	"3:\n\t"							\
	".long 0, 0\n\t"						\
	".quad 1f, 2f - 1f, 4f\n\t"					\
	".popsection\n\t"						\
	"leaq 3b(%%rip), %[" #tmp "]\n\t"				\
	"movq %[" #tmp "], %%fs:" KH_RSEQ_STR(KH_RSEQ_CS)		\
		"(%[" #rs "])\n"					\
	"1:\n\t"

/* the current CPU id into the 32-bit view of operand @reg */
#define KH_RSEQ_LOAD_CPU(rs, reg)					\
	"movl %%fs:" KH_RSEQ_STR(KH_RSEQ_CPU_ID) "(%[" #rs "]), %k[" #reg "]\n\t"

#define KH_RSEQ_ABORT(lbl)						\
	".pushsection __rseq_failure, \"ax\"\n\t"			\
	".byte 0x0f, 0xb9, 0x3d\n\t"					\
	".long " KH_RSEQ_STR(KH_RSEQ_SIG) "\n"				\
	"4:\n\t"							\
	"jmp %l[" #lbl "]\n\t"						\
	".popsection\n\t"

#if KHEAP_HAVE_RSEQ
/*
 * os_rseq_store_on_cpu - *@p = @v, committed in a restartable sequence that
 * runs on CPU @cpu.  Returns false, storing nothing, when the caller runs
 * on another CPU (the caller then stores and fences with
 * os_rseq_fence_cpu()).
 */
static __always_inline bool os_rseq_store_on_cpu(unsigned long *p,
						 unsigned long v,
						 unsigned int cpu)
{
	unsigned long tmp;

retry:
	asm volatile goto(KH_RSEQ_ENTER(rs, tmp)
		 KH_RSEQ_LOAD_CPU(rs, tmp)
		 "cmpl %k[cpu], %k[tmp]\n\t"
		 "jne %l[other]\n\t"
		 "movq %[v], (%[p])\n"
		 "2:\n\t"
		 KH_RSEQ_ABORT(abort)
		 : [tmp] "=&r"(tmp)
		 : [rs] "r"(os_rseq_offset), [cpu] "r"(cpu), [p] "r"(p),
		   [v] "r"(v)
		 : "memory", "cc"
		 : other, abort);
	return true;
abort:
	goto retry;
other:
	return false;
}
#endif

#endif /* _KHEAP_OS_RSEQ_H */
