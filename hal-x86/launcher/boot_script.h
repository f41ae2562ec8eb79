/*
 * boot_script.h - what a `nimbus boot` run waits for and types: the
 * --exec commands, the --expect texts, --until-idle. Pure: it is fed the
 * nodes' console lines and says what to send and when the run is done.
 *
 * The --exec commands go out one at a time, in the order given: the first
 * once every node has been ready for BOOT_LAN_SETTLE_MS, each next one once
 * the previous command has been answered. A command is answered when its
 * echo has come back (a line that is the command, after any prompt) and
 * then the shell's prompt.
 *
 * --until-idle waits for the nodes that have work: those given --run
 * programs and those where a process started or arrived. A node that
 * never had a process never becomes idle (exit=idle needs one to have
 * run), and is not waited for.
 */
#ifndef HAL_X86_HOST_BOOT_SCRIPT_H
#define HAL_X86_HOST_BOOT_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "boot_args.h"
#include "boot_notice.h"

/* QEMU's e1000 holds every frame it receives for the first second after
 * the driver turns the receiver on (hal-x86/kernel/e1000.c), which comes
 * just before the ready line. A command typed sooner, like a migration,
 * would wait that second out on the LAN and measure QEMU, not the node. */
#define BOOT_LAN_SETTLE_MS 1000u

enum boot_exec_wait {
    BOOT_EXEC_NONE,   /* nothing outstanding: the next command may go */
    BOOT_EXEC_ECHO,   /* sent; waiting for its echo */
    BOOT_EXEC_PROMPT, /* echoed; waiting for the prompt after its output */
};

struct boot_script_node {
    bool ready, idle, panicked;
    uint64_t ready_ms; /* when the ready line came */
    bool busy; /* it has had processes: --run, or a started/arrived notice */
    int32_t idle_status;
};

struct boot_script {
    const struct boot_options *opt;
    struct boot_script_node node[BOOT_MAX_NODES];
    uint32_t next_exec; /* index into opt->execs of the next to send */
    enum boot_exec_wait wait;
    bool expect_met[BOOT_MAX_EXPECTS];
};

void boot_script_init(struct boot_script *s, const struct boot_options *o);

/* Node `node`'s current console line, received at now_ms: the whole line
 * once `complete` (its newline came), else the part received so far (the
 * prompt has no newline). Fills `notice` for complete lines and returns
 * its kind. */
enum boot_notice_kind boot_script_line(struct boot_script *s, uint32_t node, const char *line, bool complete,
                                       uint64_t now_ms, struct boot_notice *notice);

/* The --exec command to type at now_ms (it is then counted as sent), or
 * NULL. */
const struct boot_node_text *boot_script_next_exec(struct boot_script *s, uint64_t now_ms);

/* Milliseconds from now_ms until the next --exec may go if it only waits
 * for the LAN to settle, or -1 when it waits for something else. */
int64_t boot_script_exec_wait_ms(const struct boot_script *s, uint64_t now_ms);

/* True when the run has an end of its own: --expect or --until-idle. */
bool boot_script_has_goal(const struct boot_script *s);

/* True when it has one and everything it waits for has happened. */
bool boot_script_done(const struct boot_script *s);

/* What has not happened yet, one "  - ..." line each. */
void boot_script_print_unmet(const struct boot_script *s, FILE *f);

#endif
