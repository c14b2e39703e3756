// SPDX-License-Identifier: MIT
/*
 * shim/publish.c - serving a process's /proc-style views to
 * `kheap slabinfo --pid PID` (and the other views).
 *
 * Only on request: with kheap.publish=1 (which `kheap run` sets) the shim's
 * constructor starts ONE thread; without it there is no thread and no
 * socket (DESIGN.md: quiet in every process).
 *
 * Where: a Unix stream socket $XDG_RUNTIME_DIR/kheap-PID.sock, or
 * /tmp/kheap-UID/kheap-PID.sock when XDG_RUNTIME_DIR is unset.  Security:
 * the directory must be the user's own with mode 0700 (XDG_RUNTIME_DIR is
 * by its specification; the /tmp fallback is created so and checked with
 * lstat, and an existing one with another owner or a looser mode is refused
 * rather than trusted); the socket itself is 0600; every connection's peer
 * uid is checked with SO_PEERCRED and one from another user is closed
 * unanswered.
 *
 * Protocol: the client writes a view name (any name kheap_proc_show()
 * knows: "slabinfo", "vmstat", "kernel/slab", "slab/CACHE/alloc_traces",
 * ...; at most KHEAP_VIEW_NAME_MAX bytes) and a newline; the reply is the
 * view's text, then the server closes the connection.  An unknown name
 * gets "kheap: unknown view\n".  One request at a time.
 *
 * Memory: the view is printed into a 4 MiB buffer taken with malloc (that
 * is, from kheap's vmalloc: only the pages written cost RSS) through an
 * unbuffered fmemopen stream, so printing never allocates while a view
 * holds a kheap lock.
 *
 * Cleaning up: the process that created the socket removes it at exit; one
 * that ends by _exit() (dash does) or a signal cannot, so each publisher
 * thread first removes the sockets of pids that no longer exist.
 *
 * fork(): the child does not inherit the thread and does not publish (its
 * pid differs and nothing serves kheap-CHILDPID.sock); only the process that
 * created the socket removes it at exit.  A child that execs a program
 * inherits KHEAP_CMDLINE, so the new program publishes under its own pid.
 */
#include "internal.h"
#include "shim/shim.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_BUF_SIZE	(4UL << 20)

static int listen_fd = -1;
static int publisher_pid;
static char sock_path[256];

static void serve_one(int fd)
{
	char req[KHEAP_VIEW_NAME_MAX + 2];
	long n = os_read(fd, req, sizeof(req) - 1);
	int err = -ENOENT;
	char *buf;
	FILE *f;

	if (n <= 0)
		return;
	req[n] = 0;
	req[strcspn(req, "\r\n")] = 0;
	buf = malloc(VIEW_BUF_SIZE);
	if (!buf)
		return;
	f = fmemopen(buf, VIEW_BUF_SIZE, "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		err = kheap_proc_show(req, f);
		long len = ftell(f);

		fclose(f);
		if (!err && len > 0)
			os_write_all(fd, buf, (size_t)min(len, (long)VIEW_BUF_SIZE - 1));
	}
	if (err == -ENOENT)
		os_write_all(fd, "kheap: unknown view\n", 20);
	free(buf);
}

static char sock_dir[200];

static void *publisher(void *arg)
{
	unsigned int me = os_getuid();

	/* processes that ended by _exit() (dash does) or a signal could not
	 * remove their sockets: sweep those of dead pids, off the start path */
	os_remove_stale(sock_dir, "kheap-", ".sock");

	for (;;) {
		unsigned int uid;
		int fd = os_unix_accept(listen_fd, &uid);

		if (fd < 0) {
			if (fd == -EBADF || fd == -EINVAL)
				return NULL;
			continue;
		}
		if (uid == me)
			serve_one(fd);
		os_close(fd);
	}
	return arg;
}

int shim_publish_start(void)
{
	char *dir = sock_dir;
	pthread_t thr;
	pthread_attr_t attr;
	int err;

	if (listen_fd >= 0)
		return 0;
	if (!kheap_socket_path(dir, sock_path, sizeof(sock_dir),
			       getenv("XDG_RUNTIME_DIR"), os_getuid(),
			       os_getpid()))
		return -ENAMETOOLONG;
	err = os_private_dir(dir);
	if (!err)
		err = listen_fd = os_unix_listen(sock_path);
	if (err < 0) {
		pr_err("kheap: kheap.publish: cannot serve views at %s (%s)\n",
		       sock_path, strerror(-err));
		listen_fd = -1;
		return err;
	}
	publisher_pid = os_getpid();
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	err = pthread_create(&thr, &attr, publisher, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		os_close(listen_fd);
		os_unlink(sock_path);
		listen_fd = -1;
		return -err;
	}
	return 0;
}

void shim_publish_stop(void)
{
	if (listen_fd >= 0 && publisher_pid == os_getpid())
		os_unlink(sock_path);
}
