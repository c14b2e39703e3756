// SPDX-License-Identifier: MIT
/*
 * tools/view.c - getting a view's text, from this process's own kheap or
 * from a process that publishes its views (`--pid PID`), for every command
 * that prints or reads views (the view commands, slabinfo's reports, top,
 * the demo).
 *
 * A program started by `kheap run` has kheap.publish=1, so the shim in it
 * serves its views on a Unix socket (shim/publish.c:
 * $XDG_RUNTIME_DIR/kheap-PID.sock or /tmp/kheap-UID/kheap-PID.sock, 0700
 * directory, 0600 socket, peer uid checked).  The client connects, writes
 * the view name and a newline, and reads the reply until the server closes.
 * It waits at most $KHEAP_VIEW_TIMEOUT seconds (default 10) to connect and
 * for each read, and says so rather than hang on a stalled process.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <kheap/kheap.h>
#include "shim/shim.h"
#include "tools/tool.h"

int tool_option_value(const char *cmd, int argc, char **argv, int *i,
		      const char *name, const char **value)
{
	size_t len = strlen(name);

	if (!strcmp(argv[*i], name)) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "%s: %s: option '%s' needs a value\n",
				prog, cmd, name);
			return 2;
		}
		*value = argv[++*i];
		return 1;
	}
	if (!strncmp(argv[*i], name, len) && argv[*i][len] == '=') {
		*value = argv[*i] + len + 1;
		return 1;
	}
	return 0;
}

int tool_parse_pid(const char *cmd, const char *arg, int *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v <= 0 || v > INT_MAX) {
		fprintf(stderr, "%s: %s: bad PID '%s' (--pid takes a process id)\n",
			prog, cmd, arg);
		return 2;
	}
	if (kill((pid_t)v, 0) && errno == ESRCH) {
		fprintf(stderr, "%s: %s: --pid %ld: no such process\n", prog, cmd, v);
		return 2;
	}
	if (kill((pid_t)v, 0) && errno == EPERM) {
		fprintf(stderr, "%s: %s: --pid %ld: the process belongs to another user (views are served to their owner only)\n",
			prog, cmd, v);
		return 2;
	}
	*pid = (int)v;
	return 0;
}

/* The directories where a process of this user may serve its views. */
static int socket_dirs(const char *dirs[2], char *tmp, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n = 0;

	if (xdg && xdg[0] == '/')
		dirs[n++] = xdg;
	snprintf(tmp, len, "/tmp/kheap-%u", (unsigned int)getuid());
	dirs[n++] = tmp;
	return n;
}

/* Seconds a view request may wait: $KHEAP_VIEW_TIMEOUT, default 10. */
static int view_timeout(void)
{
	const char *e = getenv("KHEAP_VIEW_TIMEOUT");
	long v = e ? strtol(e, NULL, 10) : 0;

	return v > 0 && v < 3600 ? (int)v : 10;
}

/*
 * A connected socket to @pid's publisher with @view requested, or -errno
 * (-ETIMEDOUT: it did not accept in time).  Connecting and reading time
 * out after view_timeout() seconds.
 */
static int connect_view(const char *view, int pid)
{
	const char *xdgs[] = { getenv("XDG_RUNTIME_DIR"), NULL };
	int last_err = ENOENT;

	for (size_t i = 0; i < 2; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char dir[200], path[200];
		int fd;

		if (i == 0 && !xdgs[0])
			continue;
		if (!kheap_socket_path(dir, path, sizeof(dir), xdgs[i], getuid(), pid))
			continue;
		if (strlen(path) >= sizeof(sa.sun_path))
			continue;
		memcpy(sa.sun_path, path, strlen(path) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		{
			struct timeval tv = { .tv_sec = view_timeout() };

			/* SO_SNDTIMEO also bounds connect() on a full backlog */
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			char req[KHEAP_VIEW_NAME_MAX + 2];
			int n = snprintf(req, sizeof(req), "%s\n", view);

			if (n >= (int)sizeof(req) || write(fd, req, (size_t)n) != n) {
				close(fd);
				return -EIO;
			}
			shutdown(fd, SHUT_WR);
			return fd;
		}
		last_err = errno == EAGAIN || errno == EINPROGRESS ? ETIMEDOUT : errno;
		close(fd);
		if (last_err == ETIMEDOUT)
			break;
	}
	return -last_err;
}

/* Read @fd to its end into a malloc'd NUL-terminated buffer; NULL with
 * errno ETIMEDOUT if a read timed out. */
static char *read_all(int fd, size_t *lenp)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				errno = ETIMEDOUT;
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

int tool_fetch_view(const char *cmd, const char *view, int pid, char **text,
		    bool quiet)
{
	char *buf = NULL;
	size_t len = 0;
	int fd, err;

	if (!pid) {
		FILE *f = open_memstream(&buf, &len);

		if (!f)
			return 1;
		err = kheap_proc_show(view, f);
		fclose(f);
		if (err) {
			free(buf);
			if (!quiet)
				fprintf(stderr, "%s: %s: view %s: %s\n", prog,
					cmd, view, strerror(-err));
			return 1;
		}
		*text = buf;
		return 0;
	}
	fd = connect_view(view, pid);
	if (fd < 0) {
		if (quiet)
			return 1;
		if (kill(pid, 0) && errno == ESRCH)
			fprintf(stderr, "%s: %s: process %d has exited\n", prog,
				cmd, pid);
		else if (fd == -ETIMEDOUT)
			fprintf(stderr, "%s: %s: process %d did not accept the request within %d s (its view publisher is busy or stalled; KHEAP_VIEW_TIMEOUT sets the limit)\n",
				prog, cmd, pid, view_timeout());
		else if (fd == -ENOENT || fd == -ECONNREFUSED)
			fprintf(stderr, "%s: %s: process %d does not publish its views (start it with `kheap run`, which sets kheap.publish=1)\n",
				prog, cmd, pid);
		else
			fprintf(stderr, "%s: %s: process %d: %s\n", prog, cmd,
				pid, strerror(-fd));
		return 1;
	}
	buf = read_all(fd, &len);
	close(fd);
	if (!buf && errno == ETIMEDOUT) {
		if (!quiet)
			fprintf(stderr, "%s: %s: process %d did not answer within %d s (its view publisher is busy or stalled; KHEAP_VIEW_TIMEOUT sets the limit)\n",
				prog, cmd, pid, view_timeout());
		return 1;
	}
	/* an empty reply is an empty view, unless the process has gone */
	if (!buf || (!len && kill(pid, 0) && errno == ESRCH) ||
	    !strcmp(buf, "kheap: unknown view\n")) {
		if (!quiet) {
			if (buf && len)
				fprintf(stderr, "%s: %s: process %d has no view %s (an older kheap?)\n",
					prog, cmd, pid, view);
			else
				fprintf(stderr, "%s: %s: process %d has exited\n",
					prog, cmd, pid);
		}
		free(buf);
		return 1;
	}
	*text = buf;
	return 0;
}

const char *tool_slab_allocator(void)
{
	static const char *const names[] = { "slub", "slab", "slob" };
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *found = "slub";

	if (!f)
		return found;
	kheap_print_config(f);
	fclose(f);
	p = buf ? strstr(buf, "\nslab_allocator=") : NULL;
	for (size_t i = 0; p && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(p + 16, names[i], 4))
			found = names[i];
	free(buf);
	return found;
}

int tool_fetch_slab_view(const char *cmd, const char *view, int pid,
			 char **text, bool quiet)
{
	char who[32] = "this heap", *probe;

	if (!tool_fetch_view(cmd, view, pid, text, true))
		return 0;
	/* every strategy has "slab_aliases": no answer, the usual reasons */
	if (tool_fetch_view(cmd, "slab_aliases", pid, &probe, true))
		return tool_fetch_view(cmd, view, pid, text, quiet);
	free(probe);
	if (quiet)
		return 1;
	if (pid)
		snprintf(who, sizeof(who), "process %d", pid);
	if (!strcmp(view, "slabinfo"))
		fprintf(stderr, "%s: %s: %s runs SLOB (slab_allocator=slob), which has no slabinfo, as the kernel's had none (mm/slob.c of v6.3)\n",
			prog, cmd, who);
	else
		fprintf(stderr, "%s: %s: %s has no %s view (SLUB's /sys/kernel/slab, which tools/mm/slabinfo reads): it runs SLAB or SLOB (slab_allocator=); under SLAB, plain `kheap slabinfo` prints /proc/slabinfo\n",
			prog, cmd, who, view);
	return 1;
}

int tool_list_publishers(int *pids, int max)
{
	const char *dirs[2];
	char tmp[64];
	int nd = socket_dirs(dirs, tmp, sizeof(tmp)), n = 0;

	for (int i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			char *end;
			long pid;
			bool dup = false;

			if (strncmp(e->d_name, "kheap-", 6))
				continue;
			pid = strtol(e->d_name + 6, &end, 10);
			if (strcmp(end, ".sock") || pid <= 0 || pid > INT_MAX ||
			    (kill((pid_t)pid, 0) && errno == ESRCH) ||
			    pid == getpid())
				continue;
			for (int j = 0; j < n; j++)
				dup |= pids[j] == pid;
			if (!dup && n < max)
				pids[n++] = (int)pid;
		}
		closedir(d);
	}
	return n;
}

void tool_comm(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	buf[0] = 0;
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

void tool_note_own_view(const char *cmd)
{
	int pids[16], n = tool_list_publishers(pids, 16);

	if (!n) {
		fprintf(stderr, "%s: %s: this is a fresh kheap heap inside the kheap command itself (no process publishes its views; start one with `kheap run -- PROG`, then use --pid PID)\n",
			prog, cmd);
		return;
	}
	fprintf(stderr, "%s: %s: this is a fresh kheap heap inside the kheap command itself; processes publishing their views (use --pid PID):",
		prog, cmd);
	for (int i = 0; i < n; i++) {
		char comm[32];

		tool_comm(pids[i], comm, sizeof(comm));
		fprintf(stderr, " %d (%s)", pids[i], comm[0] ? comm : "?");
	}
	fputc('\n', stderr);
}
