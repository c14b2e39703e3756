/* SPDX-License-Identifier: MIT */
/*
 * tools/tool.h - what the files of the kheap command share: the program
 * name for messages, the shim's environment for programs it starts, and
 * one entry point per command file (tools/kheap.c holds the command table
 * that calls them).
 */
#ifndef _KHEAP_TOOL_H
#define _KHEAP_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

extern const char *prog;		/* "kheap", for messages */

/*
 * A command's handler gets its table row, argv from the command's name on
 * and the global --cmdline (NULL if none); it returns the exit status.
 */
struct command;
typedef int command_fn(const struct command *c, int argc, char **argv,
		       const char *cmdline);

/* One row per command (tools/kheap.c): drives usage, help and dispatch. */
struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;	/* the text of `kheap help NAME` */
	command_fn *fn;
	int flags;		/* CMD_* */
	const char *view;	/* the view a view command prints */
};

/*
 * Put the shim in this process's environment for the program exec'd next:
 * LD_PRELOAD gets libkheap-malloc.so first, KHEAP_CMDLINE gets @cmdline and
 * @extra appended.  0, or -1 after a message on stderr.
 */
int shim_environment(const char *cmdline, const char *extra);

/* ---- view.c: a view's text, from this process or from --pid PID ---- */
/* Check a --pid argument of command @cmd: 0 and *@pid, or 2 after a
 * one-line message (not a number, no such process, another user's). */
int tool_parse_pid(const char *cmd, const char *arg, int *pid);
/*
 * argv[*@i] is option @name ("--pid VALUE" or "--pid=VALUE"): 1 and
 * *@value (*@i moved past it); 0 if it is another argument; 2 after a
 * message naming @cmd when the value is missing.
 */
int tool_option_value(const char *cmd, int argc, char **argv, int *i,
		      const char *name, const char **value);

/*
 * View @view of process @pid (0: this process's own kheap) as a malloc'd
 * NUL-terminated string in *@text.  0, or 1 after a message naming @cmd
 * (none with @quiet): the process exited, does not publish, or lacks it.
 */
int tool_fetch_view(const char *cmd, const char *view, int pid, char **text,
		    bool quiet);

/* This process's slab allocator, as slab_allocator= chose: "slub", ... */
const char *tool_slab_allocator(void);

/*
 * tool_fetch_view() for a view the slab allocator in force may lack:
 * "slabinfo" (none under SLOB) or SLUB's "kernel/slab" (none under SLAB
 * or SLOB).  When the heap answers but lacks @view, the message says it
 * is the allocator, not the process.
 */
int tool_fetch_slab_view(const char *cmd, const char *view, int pid,
			 char **text, bool quiet);
/* Live processes of this user that publish their views: up to @max pids. */
int tool_list_publishers(int *pids, int max);
/* /proc/PID/comm, or "" */
void tool_comm(int pid, char *buf, size_t len);
/* On stderr: a view without --pid shows this command's own fresh heap;
 * name the processes that publish theirs. */
void tool_note_own_view(const char *cmd);

/* ---- slabinfo.c: /proc/slabinfo and tools/mm/slabinfo's reports ---- */
command_fn cmd_slabinfo;

/* ---- top.c: kheap top ---- */
command_fn cmd_top;

/* ---- demo.c: the narrated demo ---- */
command_fn cmd_demo;

/* ---- trace/cmd.c: kheap trace record|text|replay|compare ---- */
command_fn cmd_trace;
/* the demo's chapter on trace compare, with the shipped trace */
int demo_trace_compare(void);

#endif /* _KHEAP_TOOL_H */
