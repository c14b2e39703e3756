/* SPDX-License-Identifier: MIT */
/*
 * os/prim.h - the only door from kheap to the operating system.
 *
 * Nothing else in kheap calls mmap, munmap, mprotect, madvise, getrandom,
 * sched_getcpu, sysconf or reads /proc; they are called here, and this comment
 * is the contract the layers above rely on.
 *
 *  - os_reserve(size, align): reserves @size bytes of address space aligned
 *    to @align (a power of two >= page size), PROT_NONE, private, anonymous,
 *    MAP_NORESERVE; nothing is committed and nothing is readable.  NULL on
 *    failure (errno kept).  The range is never shared, so fork() gives the
 *    child a private copy of whatever is committed.
 *  - os_commit(addr, size): makes a reserved, page-aligned range readable
 *    and writable.  Pages read as zero until written and cost RSS only once
 *    touched.  Once committed a range stays readable for the life of the
 *    process (docs/design.md: lockless readers may read stale words from it).
 *    Returns 0 or -errno.
 *  - os_hugepage(addr, size): advises the kernel to back the range with
 *    transparent huge pages where it allows it; failure is ignored.
 *  - os_decommit(addr, size): gives the pages of a committed range back to
 *    the OS (MADV_DONTNEED); the range stays readable and reads as zero
 *    afterwards.  Returns 0 or -errno.  Slow (a syscall and TLB work): never
 *    on a fast path.
 *  - os_release(addr, size): unmaps a reserved range entirely.  Only used for
 *    trimming reservations at start-up and for ranges never handed out.
 *  - os_guard(addr, size) / os_unguard(addr, size): make a page range fault
 *    on any access and make it accessible again (MADV_GUARD_INSTALL where
 *    the running kernel has it, mprotect otherwise; the first creates no
 *    VMA).  Return 0 or -errno.
 *  - os_map_fixed(addr, size): replaces a reserved range with fresh,
 *    zero-filled, private read-write memory (for vmalloc areas).  Adjacent
 *    ranges mapped this way may merge into one VMA.  Returns 0 or -errno.
 *  - os_move_pages(from, to, size, &err): moves the pages of the
 *    page-aligned range @from (private anonymous memory kheap mapped, in
 *    one mapping or several) to @to, replacing whatever kheap had mapped
 *    there, without copying a byte: mremap(MREMAP_FIXED |
 *    MREMAP_DONTUNMAP), Linux >= 5.7, one call per mapping the range
 *    spans (found by halving it when mremap answers EFAULT).  @from stays
 *    mapped read-write and reads as zero where pages left (no hole opens in
 *    kheap's ranges).  Returns how many bytes from the start moved (all of
 *    @size, or less with *@err = -errno; -EINVAL means never: mremap has no
 *    MREMAP_DONTUNMAP).  Its cost grows with the page tables, not the
 *    bytes.
 *  - os_reserve_fixed(addr, size): the reverse: replaces a page-aligned
 *    range (whatever is mapped there, guard markers included) with a fresh
 *    PROT_NONE MAP_NORESERVE reservation, so its pages go back to the OS at
 *    once and any access faults.  The address range stays kheap's.  Returns
 *    0 or -errno.  A syscall: never on a fast path (vmalloc's lazy purge).
 *  - os_ncpus(): the number of possible CPUs (>= 1), stable for the process.
 *  - os_cpu(): the CPU the caller runs on now, in [0, os_ncpus()); a hint
 *    that may be stale the moment it is returned.  Reads glibc's registered
 *    rseq area (one load) and falls back to sched_getcpu().
 *  - os_ram_bytes(): the machine's physical memory in bytes.
 *  - os_random(): 64 random bits (getrandom, with a fallback that never
 *    fails).
 *  - os_ns(): a monotonic clock in nanoseconds.
 *  - os_rss_kb(): the process's resident set size in KiB, from
 *    /proc/self/statm, or 0 if it cannot be read.
 *  - os_rss_peak_kb(): its high-water mark (VmHWM of /proc/self/status)
 *    in KiB, or 0 if it cannot be read.
 *  - os_max_map_count(): vm.max_map_count, or 65530 if it cannot be read.
 *  - os_write_err(buf, len): write(2) to stderr, retrying short writes; safe
 *    in signal handlers and never allocates.
 *
 * The malloc shim's view publisher (shim/publish.c) talks to other
 * processes of the same user through these; none of them allocates:
 *  - os_private_dir(path): makes sure @path is a directory owned by this
 *    user with mode 0700 (created if missing).  0 or -errno (-EPERM if it
 *    exists with another owner or a looser mode: never trust it).
 *  - os_unix_listen(path): a listening, close-on-exec, non-blocking
 *    AF_UNIX stream socket bound at @path (an old socket file there is
 *    replaced), mode 0600.  The file descriptor or -errno.
 *  - os_unix_accept(fd, &uid): accepts one connection (retrying EINTR) and
 *    returns its descriptor, non-blocking, with the peer's uid from
 *    SO_PEERCRED, or -errno (-EAGAIN: none waiting).
 *  - os_poll_in(fds, n, ready, timeout_ms): waits until one of @fds is
 *    readable (or hung up), at most @timeout_ms (-1: no limit); ready[i]
 *    tells which.  The number ready (0 on timeout) or -errno.
 *  - os_recv(fd, buf, len): what is there to read now, without waiting:
 *    the byte count (0: the peer closed), or -errno (-EAGAIN: nothing yet).
 *  - os_send_all(fd, buf, len, timeout_ms): sends everything within
 *    @timeout_ms, never raising SIGPIPE (MSG_NOSIGNAL): 0, -ETIMEDOUT for a
 *    peer that does not read, or -errno (-EPIPE: it went away).
 *  - os_unlink(path): removes a file; errors ignored.
 *  - os_remove_stale(dir, prefix, suffix): removes every DIR/PREFIX<pid>SUFFIX
 *    whose process no longer exists (kill(pid, 0) fails with ESRCH): the
 *    sockets of processes that ended by _exit() or a signal.  Allocates
 *    (opendir): never call it from inside the allocator.
 *  - os_close(fd): close(2).
 *  - os_getuid(), os_getpid(): the real user id, the process id.
 *  - os_dup_cloexec(fd): a close-on-exec duplicate of @fd numbered >= 64
 *    (out of the way of programs that close or reuse low descriptors), or
 *    -errno.
 *  - os_protect(addr, size): mprotect(PROT_NONE) on committed pages; their
 *    contents are kept, any access faults (SIGSEGV) until os_commit() makes
 *    them accessible again.  Only for ranges no lockless reader touches
 *    (KFENCE's pool).  Returns 0 or -errno.
 *  - os_sigaction(sig, act, old): sigaction(2) as is; 0 or -errno.
 *  - os_sigaltstack(): gives the calling thread an alternate signal stack
 *    (64 KiB, mmap'd, never freed) unless it has one; 0 or -errno.  A
 *    handler installed with SA_ONSTACK then runs there, even when the fault
 *    is a stack overflow.
 *  - os_tid(): the calling thread's id (gettid(2)); the "pid" of slub_debug
 *    tracks, as the kernel's current->pid is a thread's.
 *
 * The trace recorder (kernel/trace/trace.c) writes its file through these;
 * neither allocates:
 *  - os_create_file(path): opens @path for writing, created (mode 0644)
 *    or truncated, close-on-exec.  The descriptor or -errno.
 *  - os_write_all(fd, buf, len): write(2) everything, retrying short
 *    writes and EINTR; 0 or -errno.
 *  - os_tsc_is_clock(): true if Linux keeps time with the time-stamp
 *    counter (its clocksource is "tsc"), which it does only when the
 *    counter runs at a constant rate and agrees across CPUs.
 *  - os_thread_name(name): the calling thread's name (prctl PR_GET_NAME,
 *    the kernel's comm), NUL-terminated in 16 bytes; "" if unknown.
 *  - os_barrier_usable(): true if os_barrier_all() works here (the
 *    process registers for membarrier(2)'s private expedited command the
 *    first time it is asked).
 *  - os_barrier_all(): a full memory barrier in every thread of the
 *    process running now (membarrier(2), an IPI per CPU): what a thread
 *    stored before a compiler barrier is seen by the caller afterwards,
 *    or that thread sees what the caller stored before.  0 or -errno.
 *  - os_yield(): sched_yield(2).
 */
#ifndef _KHEAP_OS_PRIM_H
#define _KHEAP_OS_PRIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *os_reserve(size_t size, size_t align);
int os_commit(void *addr, size_t size);
void os_hugepage(void *addr, size_t size);
int os_decommit(void *addr, size_t size);
void os_release(void *addr, size_t size);
int os_guard(void *addr, size_t size);
int os_unguard(void *addr, size_t size);
int os_map_fixed(void *addr, size_t size);
int os_reserve_fixed(void *addr, size_t size);
size_t os_move_pages(void *from, void *to, size_t size, int *err);

unsigned int os_ncpus(void);
unsigned long os_ram_bytes(void);
uint64_t os_random(void);
uint64_t os_ns(void);
unsigned long os_rss_kb(void);
unsigned long os_rss_peak_kb(void);
unsigned long os_max_map_count(void);
void os_write_err(const char *buf, size_t len);
int os_tid(void);
int os_protect(void *addr, size_t size);
struct sigaction;
int os_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int os_sigaltstack(void);

int os_private_dir(const char *path);
int os_unix_listen(const char *path);
int os_unix_accept(int fd, unsigned int *uid);
int os_poll_in(const int *fds, int n, bool *ready, int timeout_ms);
long os_recv(int fd, void *buf, size_t len);
int os_send_all(int fd, const void *buf, size_t len, int timeout_ms);
void os_unlink(const char *path);
void os_remove_stale(const char *dir, const char *prefix, const char *suffix);
void os_close(int fd);
unsigned int os_getuid(void);
int os_getpid(void);
int os_dup_cloexec(int fd);
int os_create_file(const char *path);
int os_write_all(int fd, const void *buf, size_t len);
bool os_tsc_is_clock(void);
void os_thread_name(char name[16]);
bool os_barrier_usable(void);
int os_barrier_all(void);
void os_yield(void);

/* glibc's rseq registration (glibc >= 2.35); see os_cpu(). */
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));
int os_cpu_slow(void);
extern ptrdiff_t os_rseq_cpu_offset;	/* from the thread pointer, or 0 */

/*
 * os_cpu - the current CPU: one load from the rseq area glibc registered for
 * this thread (cpu_id, kept current by the kernel at every migration);
 * sched_getcpu() where rseq is unavailable.
 */
static inline unsigned int os_cpu(void)
{
	extern unsigned int os_ncpus_cached;

	if (__builtin_expect(os_rseq_cpu_offset != 0, 1)) {
		int cpu = *(volatile int *)((char *)__builtin_thread_pointer() +
					    os_rseq_cpu_offset);
		if (__builtin_expect((unsigned int)cpu < os_ncpus_cached, 1))
			return (unsigned int)cpu;
	}
	return (unsigned int)os_cpu_slow();
}

#endif /* _KHEAP_OS_PRIM_H */
