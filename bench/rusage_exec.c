/* SPDX-License-Identifier: MIT */
/*
 * rusage-exec - run a benchmark program and report its peak RSS.
 *
 *   rusage-exec PRELOAD PROGRAM [ARG...]
 *
 * Runs PROGRAM with LD_PRELOAD=PRELOAD ("-": no preload; any LD_PRELOAD in
 * the environment is removed), waits for it with wait4() and appends
 *     RUSAGE maxrss <kB>
 *     RUSAGE cpu <s>
 * to standard output, after everything the program printed there (cpu is
 * user + system time of the program and the children it waited for: on a
 * shared machine the wall time of a multi-threaded program measures its
 * share of the cores as much as the program).  Exits
 * with the program's exit status, or 128 + the signal that killed it.
 *
 * Why not let the driver wait4() its child directly: Linux carries a
 * process's peak RSS across execve() (the old address space's high-water
 * mark is folded into the new image's ru_maxrss), so a program started by
 * the Python driver would report at least the interpreter's ~15 MB.  This
 * launcher is a small C process that starts without the allocator under
 * test, so the program's ru_maxrss is its own plus at most the launcher's
 * few hundred kB -- the same trick as /usr/bin/time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s PRELOAD|- PROGRAM [ARG...]\n", argv[0]);
		return 2;
	}
	unsetenv("LD_PRELOAD");
	pid = fork();
	if (pid < 0) {
		perror("rusage-exec: fork");
		return 2;
	}
	if (pid == 0) {
		if (strcmp(argv[1], "-") != 0)
			setenv("LD_PRELOAD", argv[1], 1);
		execv(argv[2], argv + 2);
		perror("rusage-exec: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("rusage-exec: wait4");
		return 2;
	}
	printf("RUSAGE maxrss %ld\n", ru.ru_maxrss);
	printf("RUSAGE cpu %.6f\n",
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6);
	fflush(stdout);
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "rusage-exec: %s killed by signal %d\n", argv[2],
			WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
