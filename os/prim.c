// SPDX-License-Identifier: MIT
/*
 * os/prim.c - Linux implementations of the primitives in os/prim.h; read that
 * header's comment for the contract.  Nothing here allocates from the heap.
 */
#define _GNU_SOURCE
#include "prim.h"
#include "rseq.h"

#include <dirent.h>
#include <linux/membarrier.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102	/* Linux >= 6.13 */
#define MADV_GUARD_REMOVE	103
#endif

unsigned int os_ncpus_cached = 1;
ptrdiff_t os_rseq_cpu_offset;

void *os_reserve(size_t size, size_t align)
{
	size_t span = size + align;
	char *p = mmap(NULL, span, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uintptr_t start = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	size_t head = start - (uintptr_t)p;
	size_t tail = span - head - size;
	if (head)
		munmap(p, head);
	if (tail)
		munmap((char *)start + size, tail);
	return (void *)start;
}

int os_commit(void *addr, size_t size)
{
	if (mprotect(addr, size, PROT_READ | PROT_WRITE))
		return -errno;
	return 0;
}

void os_hugepage(void *addr, size_t size)
{
	(void)madvise(addr, size, MADV_HUGEPAGE);
}

int os_decommit(void *addr, size_t size)
{
	if (madvise(addr, size, MADV_DONTNEED))
		return -errno;
	return 0;
}

void os_release(void *addr, size_t size)
{
	munmap(addr, size);
}

static int guard_madvise_works = 1;	/* cleared on the first EINVAL */

int os_guard(void *addr, size_t size)
{
	if (__atomic_load_n(&guard_madvise_works, __ATOMIC_RELAXED)) {
		if (!madvise(addr, size, MADV_GUARD_INSTALL))
			return 0;
		if (errno == EINVAL)
			__atomic_store_n(&guard_madvise_works, 0,
					 __ATOMIC_RELAXED);
	}
	if (mprotect(addr, size, PROT_NONE))
		return -errno;
	return 0;
}

int os_unguard(void *addr, size_t size)
{
	if (__atomic_load_n(&guard_madvise_works, __ATOMIC_RELAXED) &&
	    !madvise(addr, size, MADV_GUARD_REMOVE)) {
		/* a range guarded with mprotect needs mprotect back too */
		return mprotect(addr, size, PROT_READ | PROT_WRITE) ? -errno : 0;
	}
	if (mprotect(addr, size, PROT_READ | PROT_WRITE))
		return -errno;
	return 0;
}

int os_map_fixed(void *addr, size_t size)
{
	void *p = mmap(addr, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		       -1, 0);
	return p == MAP_FAILED ? -errno : 0;
}

int os_reserve_fixed(void *addr, size_t size)
{
	void *p = mmap(addr, size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		       -1, 0);
	return p == MAP_FAILED ? -errno : 0;
}

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4	/* Linux >= 5.7 */
#endif

#define OS_PAGE_SIZE	4096UL	/* kheap's PAGE_SIZE (x86_64) */

size_t os_move_pages(void *from, void *to, size_t size, int *err)
{
	size_t half, moved;

	*err = 0;
	if (mremap(from, size, size,
		   MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
		   to) != MAP_FAILED)
		return size;
	*err = -errno;
	if (errno != EFAULT || size <= OS_PAGE_SIZE)
		return 0;
	/* the range spans mappings: each half on its own */
	half = (size / 2) & ~(OS_PAGE_SIZE - 1);
	if (!half)
		half = OS_PAGE_SIZE;
	moved = os_move_pages(from, to, half, err);
	if (moved < half)
		return moved;
	return half + os_move_pages((char *)from + half, (char *)to + half,
				    size - half, err);
}

/* ---- CPUs ---- */

int os_cpu_slow(void)
{
	int cpu = sched_getcpu();
	if (cpu < 0)
		cpu = 0;
	return (unsigned int)cpu < os_ncpus_cached ? cpu
						   : cpu % (int)os_ncpus_cached;
}

static int os_cpu_inited;

/*
 * Runs as an early constructor, and again from os_ncpus() if kheap is used
 * before constructors ran (a malloc shim called from another library's
 * constructor): the CPU count must be known before any per-CPU array is
 * sized.  Idempotent.
 */
__attribute__((constructor(101))) static void os_cpu_init(void)
{
	if (__atomic_load_n(&os_cpu_inited, __ATOMIC_ACQUIRE))
		return;
	long n = sysconf(_SC_NPROCESSORS_CONF);
	os_ncpus_cached = n > 0 ? (unsigned int)n : 1;
	if (&__rseq_size && &__rseq_offset && __rseq_size >= 8) {
		/* struct rseq: cpu_id_start (u32) then cpu_id (s32) */
		os_rseq_cpu_offset = __rseq_offset + 4;
	}
	__atomic_store_n(&os_cpu_inited, 1, __ATOMIC_RELEASE);
}

/* ---- restartable sequences (os/rseq.h) ---- */

ptrdiff_t os_rseq_offset;
static int os_rseq_state;		/* 0 unknown, 1 usable, -1 not */

static long os_membarrier(int cmd, unsigned int flags, int cpu)
{
	return syscall(__NR_membarrier, cmd, flags, cpu);
}

/*
 * os_rseq_usable - may per-CPU fast paths use restartable sequences?  Needs
 * glibc's registration of this thread (cpu_id >= 0) and the membarrier
 * command that restarts another CPU's sequences, for which the process
 * registers here, once (the registration costs an RCU grace period when
 * other threads exist already; a forked child inherits it with the mm,
 * exec drops it with the program).  Decided once.
 */
bool os_rseq_usable(void)
{
	int state = __atomic_load_n(&os_rseq_state, __ATOMIC_ACQUIRE);

	if (state)
		return state > 0;
	state = -1;
	os_cpu_init();
	if (KHEAP_HAVE_RSEQ && os_rseq_cpu_offset && __rseq_size >= 20) {
		int cpu = *(volatile int *)((char *)__builtin_thread_pointer() +
					    os_rseq_cpu_offset);
		long cmds = os_membarrier(MEMBARRIER_CMD_QUERY, 0, 0);

		if (cpu >= 0 && cmds > 0 &&
		    (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) &&
		    (cmds & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ) &&
		    !os_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ,
				   0, 0)) {
			os_rseq_offset = __rseq_offset;
			state = 1;
		}
	}
	__atomic_store_n(&os_rseq_state, state, __ATOMIC_RELEASE);
	return state > 0;
}

/*
 * os_rseq_fence_cpu - restart every restartable sequence running on @cpu
 * now; when it returns, no sequence there that started before the call can
 * still commit.  A syscall and an IPI: for rare paths only.  Falls back to
 * all CPUs if @cpu is not one the kernel takes.  Returns 0, or -errno if
 * even that failed (not expected once os_rseq_usable() said yes).
 */
int os_rseq_fence_cpu(unsigned int cpu)
{
	if (!os_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ,
			   MEMBARRIER_CMD_FLAG_CPU, (int)cpu))
		return 0;
	if (!os_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0))
		return 0;
	return -errno;
}

/*
 * os_barrier_usable - can os_barrier_all() put a full memory barrier in
 * every running thread of the process?  Registers for the private
 * expedited membarrier command once (an RCU grace period when threads
 * exist already); false where the kernel or a seccomp filter refuses it.
 */
bool os_barrier_usable(void)
{
	static int state;	/* 0 unknown, 1 usable, -1 not */
	int st = __atomic_load_n(&state, __ATOMIC_ACQUIRE);

	if (!st) {
		long cmds = os_membarrier(MEMBARRIER_CMD_QUERY, 0, 0);

		st = cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
		     !os_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
				    0, 0) ? 1 : -1;
		__atomic_store_n(&state, st, __ATOMIC_RELEASE);
	}
	return st > 0;
}

int os_barrier_all(void)
{
	return os_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) ? -errno : 0;
}

void os_yield(void)
{
	sched_yield();
}

unsigned int os_ncpus(void)
{
	os_cpu_init();
	return os_ncpus_cached;
}

unsigned long os_ram_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psz = sysconf(_SC_PAGESIZE);
	if (pages <= 0 || psz <= 0)
		return 1UL << 30;
	return (unsigned long)pages * (unsigned long)psz;
}

uint64_t os_random(void)
{
	uint64_t v;
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	v = os_ns() ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)&v;
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return v;
}

uint64_t os_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Read a small /proc file into @buf without allocating; returns its length. */
static ssize_t read_small_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

unsigned long os_rss_kb(void)
{
	char buf[128];
	if (read_small_file("/proc/self/statm", buf, sizeof(buf)) <= 0)
		return 0;
	char *p = strchr(buf, ' ');
	if (!p)
		return 0;
	return strtoul(p + 1, NULL, 10) * (unsigned long)(sysconf(_SC_PAGESIZE) / 1024);
}

unsigned long os_rss_peak_kb(void)
{
	char buf[2048];
	char *p;

	if (read_small_file("/proc/self/status", buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\nVmHWM:");
	return p ? strtoul(p + 7, NULL, 10) : 0;
}

unsigned long os_max_map_count(void)
{
	char buf[32];
	if (read_small_file("/proc/sys/vm/max_map_count", buf, sizeof(buf)) <= 0)
		return 65530;
	unsigned long v = strtoul(buf, NULL, 10);
	return v ? v : 65530;
}

int os_protect(void *addr, size_t size)
{
	return mprotect(addr, size, PROT_NONE) ? -errno : 0;
}

int os_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return sigaction(sig, act, old) ? -errno : 0;
}

int os_sigaltstack(void)
{
	stack_t cur, ss;

	if (!sigaltstack(NULL, &cur) && !(cur.ss_flags & SS_DISABLE))
		return 0;
	ss.ss_size = 64 << 10;
	ss.ss_sp = mmap(NULL, ss.ss_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED)
		return -errno;
	ss.ss_flags = 0;
	return sigaltstack(&ss, NULL) ? -errno : 0;
}

int os_tid(void)
{
	return (int)syscall(SYS_gettid);
}

void os_write_err(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(2, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* ---- the view publisher's door (see prim.h) ---- */

int os_private_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	if (lstat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077))
		return -EPERM;
	return 0;
}

int os_unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	/* the directory is 0700 already; fchmod before bind narrows the file */
	fchmod(fd, 0600);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
	    listen(fd, 8)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int os_unix_accept(int fd, unsigned int *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int c;

	do
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	while (c < 0 && errno == EINTR);
	if (c < 0)
		return -errno;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		int err = -errno;

		close(c);
		return err;
	}
	*uid = cred.uid;
	return c;
}

int os_poll_in(const int *fds, int n, bool *ready, int timeout_ms)
{
	struct pollfd pfd[n > 0 ? n : 1];
	int r;

	for (int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	do
		r = poll(pfd, (nfds_t)n, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (int i = 0; i < n; i++)
		ready[i] = pfd[i].revents != 0;
	return r;
}

long os_recv(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (long)n;
}

int os_send_all(int fd, const void *buf, size_t len, int timeout_ms)
{
	uint64_t deadline = os_ns() + (uint64_t)timeout_ms * 1000000;
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n >= 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		uint64_t now = os_ns();
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };

		if (now >= deadline)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1) < 0 &&
		    errno != EINTR)
			return -errno;
	}
	return 0;
}

void os_unlink(const char *path)
{
	unlink(path);
}

void os_close(int fd)
{
	close(fd);
}

unsigned int os_getuid(void)
{
	return getuid();
}

int os_getpid(void)
{
	return getpid();
}

bool os_tsc_is_clock(void)
{
	char buf[64];
	ssize_t n = read_small_file("/sys/devices/system/clocksource/clocksource0/current_clocksource",
				    buf, sizeof(buf) - 1);

	return n >= 3 && !strncmp(buf, "tsc", 3) && (n == 3 || buf[3] == '\n');
}

int os_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int os_create_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	return fd < 0 ? -errno : fd;
}

void os_thread_name(char name[16])
{
	memset(name, 0, 16);
	if (prctl(PR_GET_NAME, name, 0, 0, 0))
		name[0] = 0;
	name[15] = 0;
}

int os_dup_cloexec(int fd)
{
	int n = fcntl(fd, F_DUPFD_CLOEXEC, 64);

	return n < 0 ? -errno : n;
}

void os_remove_stale(const char *dir, const char *prefix, const char *suffix)
{
	size_t plen = strlen(prefix), slen = strlen(suffix);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *end, path[512];
		long pid;

		if (len <= plen + slen || strncmp(e->d_name, prefix, plen) ||
		    strcmp(e->d_name + len - slen, suffix))
			continue;
		pid = strtol(e->d_name + plen, &end, 10);
		if (end != e->d_name + len - slen || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
		    (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
}
