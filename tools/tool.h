/* SPDX-License-Identifier: MIT */
/*
 * tools/tool.h - what the files of the kheap command share: the program
 * name for messages, the shim's environment for programs it starts, and
 * one entry point per command file (tools/kheap.c holds the command table
 * that calls them).
 */
#ifndef _KHEAP_TOOL_H
#define _KHEAP_TOOL_H

#include <stdio.h>

extern const char *prog;		/* "kheap", for messages */

/*
 * Put the shim in this process's environment for the program exec'd next:
 * LD_PRELOAD gets libkheap-malloc.so first, KHEAP_CMDLINE gets @cmdline and
 * @extra appended.  0, or -1 after a message on stderr.
 */
int shim_environment(const char *cmdline, const char *extra);

/* ---- demo.c: the narrated demo ---- */
int cmd_demo(int argc, char **argv, const char *cmdline);

#endif /* _KHEAP_TOOL_H */
