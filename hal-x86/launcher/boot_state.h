/*
 * boot_state.h - the state of one `nimbus boot` run, shared by its parts:
 * boot_setup.c (sockets, outputs, starting the QEMUs), boot_input.c (what
 * the user types) and boot_run.c (the loop and the end), and nimbus's own
 * messages between the consoles' lines.
 */
#ifndef HAL_X86_HOST_BOOT_STATE_H
#define HAL_X86_HOST_BOOT_STATE_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "boot_args.h"
#include "boot_console.h"
#include "boot_kvd.h"
#include "boot_lan.h"
#include "boot_proc.h"
#include "boot_run.h"
#include "boot_script.h"

#define BOOT_RUNNING (-1) /* outcome while the run goes on */
#define BOOT_COMMANDS_FILE "qemu-commands.txt"

struct boot_node {
    struct boot_console console;
    char log_path[PATH_MAX], pcap_path[PATH_MAX], qemu_log_path[PATH_MAX], disk_path[PATH_MAX];
    char serial_sock[PATH_MAX], lan_sock[PATH_MAX], node_sock[PATH_MAX];
    uint64_t started_ms;
    bool ended; /* its QEMU exited after the node said it was idle */
};

struct boot_state {
    const struct boot_setup *setup;
    const struct boot_options *opt;
    char temp_dir[PATH_MAX];
    struct boot_node node[BOOT_MAX_NODES];
    struct boot_proc proc[BOOT_MAX_NODES];
    struct boot_lan lan;
    struct boot_kvd kvd; /* --kvd */
    struct boot_script script;
    sigset_t wait_mask; /* the mask outside nimbus's critical part; children get it */
    int outcome;        /* enum boot_exit, or BOOT_RUNNING */
    uint64_t begin_ms;
    bool stdin_open;
    char typed[BOOT_LINE_BYTES];
    size_t typed_len;
};

/* A line from nimbus itself on stdout, between the consoles' lines. */
void boot_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A problem, on stderr (stdout flushed first, to keep the order). */
void boot_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The run ends with `outcome` (enum boot_exit) unless it already ends. */
void boot_fail(struct boot_state *st, int outcome);

/* Make the socket directory, open the consoles, the disks and the LAN.
 * 0, or -1 after saying why. */
int boot_prepare(struct boot_state *st);
/* Write qemu-commands.txt and start every node's QEMU. 0, or -1. */
int boot_start_nodes(struct boot_state *st);

/* Whether nimbus may read its stdin: not a terminal it does not own. */
bool boot_input_usable(void);
/* stdin is readable: pass each typed line "<node>: command" on. */
void boot_input_read(struct boot_state *st);

#endif
