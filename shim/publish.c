// SPDX-License-Identifier: MIT
/*
 * shim/publish.c - serving a process's /proc-style views to
 * `kheap slabinfo --pid PID` (and the other views).
 *
 * Only on request: with kheap.publish=1 (which `kheap run` sets) the shim's
 * constructor starts ONE thread; without it there is no thread and no
 * socket (docs/design.md: quiet in every process).
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
 * gets "kheap: unknown view\n".  "slabinfo TEXT" first writes TEXT to
 * the view, as writing to /proc/slabinfo does (SLAB's "cache limit
 * batchcount shared", kheap_proc_write()), then replies with the view; a
 * refused write gets "kheap: slabinfo: <error>\n" instead.
 *
 * No client can stall or silence the publisher: the one thread polls the
 * listening socket and up to MAX_PENDING connections at once, all
 * non-blocking; a client has REQUEST_MS to send its request line (an idle
 * one is closed then, and when more than MAX_PENDING wait the oldest is
 * closed first), the reply is sent within REPLY_MS with MSG_NOSIGNAL (a
 * client that left gets EPIPE, not a SIGPIPE that would kill the program;
 * one that does not read is dropped), and a request longer than a view
 * name is refused.  An accept() that fails (out of descriptors) waits a
 * little and goes on; only a closed listening socket ends the thread.
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

#define MAX_PENDING	16	/* connections waiting for their request */
#define REQUEST_MS	2000	/* time a client has to send its request */
#define REPLY_MS	5000	/* time a client has to take its reply */

static int listen_fd = -1;
static int publisher_pid;
static char sock_path[256];

/* A connection whose request line is still coming. */
struct pending {
	int fd;
	size_t len;			/* bytes of req[] received */
	uint64_t deadline_ns;		/* closed unanswered after this */
	char req[KHEAP_VIEW_NAME_MAX + 2];
};

/* Print view @req into a buffer and send it (or "unknown view"). */
static void serve_one(int fd, char *req)
{
	int err = -ENOENT;
	char *buf, *text;
	FILE *f;

	req[strcspn(req, "\r\n")] = 0;
	text = strchr(req, ' ');
	if (text && (*text = 0, !strcmp(req, "slabinfo"))) {
		long werr = kheap_proc_write(req, text + 1, strlen(text + 1));

		if (werr < 0) {
			char msg[128];
			int len = snprintf(msg, sizeof(msg), "kheap: %s: %s\n",
					   req, strerror((int)-werr));

			os_send_all(fd, msg, (size_t)len, REPLY_MS);
			return;
		}
	}
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
			os_send_all(fd, buf, (size_t)min(len, (long)VIEW_BUF_SIZE - 1),
				    REPLY_MS);
	}
	if (err == -ENOENT)
		os_send_all(fd, "kheap: unknown view\n", 20, REPLY_MS);
	free(buf);
}

/*
 * Read what @p's client sent; true when the connection is done with
 * (answered, closed by the client, too long a request): close it then.
 */
static bool pending_read(struct pending *p)
{
	long n = os_recv(p->fd, p->req + p->len, sizeof(p->req) - 1 - p->len);

	if (n == -EAGAIN)
		return false;
	if (n < 0)
		return true;
	p->len += (size_t)n;
	p->req[p->len] = 0;
	if (memchr(p->req, '\n', p->len) || (n == 0 && p->len)) {
		serve_one(p->fd, p->req);
		return true;
	}
	/* the peer closed without a request, or sent more than a name */
	return n == 0 || p->len == sizeof(p->req) - 1;
}

static char sock_dir[200];

static void *publisher(void *arg)
{
	struct pending pending[MAX_PENDING];
	unsigned int me = os_getuid();
	int nr = 0;

	/* processes that ended by _exit() (dash does) or a signal could not
	 * remove their sockets: sweep those of dead pids, off the start path */
	os_remove_stale(sock_dir, "kheap-", ".sock");

	for (;;) {
		int fds[1 + MAX_PENDING], timeout = -1, r;
		bool ready[1 + MAX_PENDING];
		uint64_t now = os_ns();

		fds[0] = listen_fd;
		for (int i = 0; i < nr; i++) {
			uint64_t left = pending[i].deadline_ns > now ?
					pending[i].deadline_ns - now : 0;

			fds[1 + i] = pending[i].fd;
			if (timeout < 0 || left / 1000000 + 1 < (uint64_t)timeout)
				timeout = (int)(left / 1000000) + 1;
		}
		r = os_poll_in(fds, 1 + nr, ready, timeout);
		if (r < 0)
			return NULL;
		now = os_ns();
		for (int i = nr - 1; i >= 0; i--) {
			if ((ready[1 + i] && pending_read(&pending[i])) ||
			    (!ready[1 + i] && now >= pending[i].deadline_ns)) {
				os_close(pending[i].fd);
				pending[i] = pending[--nr];
			}
		}
		if (!ready[0])
			continue;
		for (;;) {
			unsigned int uid;
			int fd = os_unix_accept(listen_fd, &uid);

			if (fd == -EAGAIN)
				break;
			if (fd == -EBADF || fd == -EINVAL)
				return arg;	/* the socket is gone */
			if (fd < 0) {		/* EMFILE and the like: later */
				os_poll_in(NULL, 0, NULL, 100);
				break;
			}
			if (uid != me) {
				os_close(fd);
				continue;
			}
			if (nr == MAX_PENDING) {	/* the oldest goes */
				os_close(pending[0].fd);
				memmove(pending, pending + 1,
					--nr * sizeof(pending[0]));
			}
			pending[nr].fd = fd;
			pending[nr].len = 0;
			pending[nr].deadline_ns = now + REQUEST_MS * 1000000ULL;
			nr++;
		}
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
