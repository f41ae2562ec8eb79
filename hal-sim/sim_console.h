/*
 * sim_console.h - the run's console sink: what processes write, cut into
 * lines and stamped with the simulated time each line began,
 *   [   12.345678 ms] n0.1: text
 * written to console.log and, unless the run is quiet, to stdout.
 *
 * Text arrives in pieces (a process may write half a line); each node
 * keeps the unfinished line of each of its processes until a newline,
 * the process's end, the node's crash or the end of the run.
 */
#ifndef SIM_CONSOLE_H
#define SIM_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "host/progress.h"
#include "host/text_buf.h"

/* An unfinished line longer than this is written out as it is. */
#define SIM_CONSOLE_LINE_MAX 4096u

struct sim_console_pending {
    uint32_t pid;
    uint64_t t_ns;
    struct text_buf text;
};

/* Per node: the unfinished lines, usually none. */
struct sim_console_node {
    struct sim_console_pending *items;
    uint32_t count, cap;
};

struct sim_console {
    FILE *log;  /* NULL: no console.log */
    FILE *echo; /* NULL: quiet */
    struct progress *progress; /* cleared before echoing; may be NULL */
    struct text_buf line;
    uint64_t lines;
    int write_errno; /* 0, or why the first write to the log failed */
};

/* Open `log_path` (NULL: none) and echo lines to `echo` (NULL: none).
 * 0, or -1 with errno set. */
int sim_console_open(struct sim_console *c, const char *log_path, FILE *echo);
/* 0, or -1 with errno set to why the first write to the log failed. */
int sim_console_close(struct sim_console *c);

/* Node `node`, process `pid` (0: the kernel) wrote `len` bytes at t_ns. */
void sim_console_write(struct sim_console *c, struct sim_console_node *cn, uint32_t node,
                       uint64_t t_ns, uint32_t pid, const char *text, uint32_t len);
/* Write out pid's unfinished line, if any. */
void sim_console_flush_pid(struct sim_console *c, struct sim_console_node *cn, uint32_t node,
                           uint32_t pid);
/* Write out every unfinished line of the node and free its state. */
void sim_console_flush_node(struct sim_console *c, struct sim_console_node *cn, uint32_t node);

/* "[   12.345678 ms]" for t_ns into buf (at least 40 bytes). */
void sim_console_format_time(uint64_t t_ns, char *buf, size_t bytes);

#endif
