/*
 * shell.h - the command line on the serial console:
 *   help                     the commands
 *   ps                       processes on this node
 *   peers                    the peers heard from, with their loads
 *   load                     this node's load and counters
 *   spawn PROG [ARG...]      start a program
 *   migrate PID NODE         move a process (PID as n<node>.<local>)
 *   programs                 the programs in the image and the boot modules
 * Output goes to the kernel console (kprint.h). Every command's output
 * ends with the prompt "nimbus> " on a new line.
 */
#ifndef HAL_X86_SHELL_H
#define HAL_X86_SHELL_H

#include "core/kernel.h"
#include "node_config.h"

void shell_init(struct kernel *k, const struct node_config *cfg);

/* One byte typed on the console (echoed; Enter runs the line; Backspace
 * and DEL edit it; other control bytes are ignored). */
void shell_input(char c);

/* The prompt shares the console with other output (process lines, kernel
 * notices), and lines the tests and the launcher parse must start at the
 * beginning of a line. So:
 *
 * shell_before_output: kputs_n (kprint.c) calls it before writing. If the
 * prompt is on the console's last line, it ends that line first. Harmless
 * before shell_init and while the shell itself prints.
 *
 * shell_poll: the main loop calls it on every pass. Once the console has
 * been quiet for SHELL_PROMPT_QUIET_NS, it shows the prompt (and whatever
 * was typed) again; so the first prompt appears after the boot messages. */
#define SHELL_PROMPT_QUIET_NS 500000000ull

void shell_before_output(void);
void shell_poll(uint64_t now_ns);

#endif
