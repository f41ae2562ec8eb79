/*
 * sim.h - the simulated world: a scenario's nodes on one LAN, driven by
 * one event queue in simulated time.
 *
 * sim_open loads nothing itself: it takes a validated scenario, opens the
 * output files and boots every node at time 0 (node order). sim_run pops
 * events until a stop condition, sim_finish writes the metrics and closes
 * the files, sim_close frees the rest. Everything that happens is a function of the scenario and
 * the seed: same inputs, byte-identical trace.jsonl, net.pcap and
 * metrics.json.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "metrics.h"
#include "sim_pcaps.h"
#include "host/progress.h"
#include "research.h"
#include "scenario.h"
#include "sim_console.h"
#include "sim_net.h"
#include "sim_node.h"
#include "sim_pages.h"
#include "sim_procs.h"
#include "sim_queue.h"
#include "trace_out.h"

#define SIM_ERROR_BYTES 512u
/* A run without a duration ends once every process has exited AND the
 * network is quiet: no frame in flight, no message a transport still
 * waits to have acknowledged (the last console lines of a moved process
 * travel home that way). It waits at most this long for quiet: longer
 * than a transport takes to give up on a silent peer (protocol.md), so
 * whatever can still arrive has; a run that never quiets (a partition,
 * a load report that keeps retrying) ends then, not failed, and says so. */
#define SIM_DRAIN_MAX_NS 10000000000ull

struct sim_options {
    const char *out_dir; /* NULL: write no files */
    uint64_t seed;       /* the scenario's, or --seed */
    FILE *console_echo;  /* process output as it happens; NULL: quiet */
    FILE *diagnostics;   /* spawn failures and warnings; NULL: none */
    bool progress;       /* live progress line on stderr */
    bool trace_frame_loss; /* a "frame_lost" trace line per lost frame */
    /* Make every broadcast copy an event of its own and hand it to its
     * kernel, even one the kernel says it ignores: the slow reference the
     * tests hold the fast path to (sim_net_bcast.c). */
    bool every_copy_to_kernel;
    bool interpret;        /* no translated code (user/programs_xlat.h): same outputs, slower */
    /* The command that reruns this run ("nimbus run FILE --seed N
     * --set ..."), for the report of a failed KASSERT; NULL: the sim
     * makes one from the scenario's path and the seed. */
    const char *reproduce;
    /* Set (from a signal handler) to stop the run early; may be NULL. */
    const volatile sig_atomic_t *interrupt;
};

enum sim_end {
    SIM_END_NONE,
    SIM_END_DURATION,   /* the scenario's duration was reached */
    SIM_END_ALL_EXITED, /* every process exited, no events remain, then
                           the network went quiet (or SIM_DRAIN_MAX_NS passed) */
    SIM_END_MAX_TIME,   /* failed: max_time reached with work left */
    SIM_END_STUCK,      /* failed: processes left but nothing can happen */
    SIM_END_ERROR,      /* failed: a node could not boot, a kernel bug */
    SIM_END_INTERRUPTED, /* failed: stopped by the user */
    SIM_END_ASSERT,     /* failed: a kernel's KASSERT (sim_assert_failed) */
};

struct sim {
    const struct scenario *scn;
    struct sim_options opt;
    uint64_t now;
    struct sim_queue queue;
    struct sim_net net;
    struct sim_node *nodes;
    uint32_t node_count;
    uint64_t procs;            /* live processes on all nodes */
    uint32_t scn_events_left;  /* scenario events not yet handled */
    uint32_t scn_optional_left; /* of which migrates and repeating events */
    bool draining;             /* processes done: waiting for a quiet network */
    bool quiet;                /* the run ended with the network quiet */
    uint64_t drain_from_ns;    /* when draining began (the last exit) */
    uint64_t events;           /* events handled (stale ones not counted) */
    struct sim_event current;  /* the event being handled, for reports */
    bool handling;             /* false: booting the nodes, before any event */
    uint64_t spawn_failures;
    uint64_t migrate_failures; /* scenario migrate events refused */
    enum sim_end end;
    bool failed;
    bool outputs_closed; /* sim_finish has run */
    bool images_loaded;  /* every disk image was read: sim_finish writes them back */
    char error[SIM_ERROR_BYTES];
    struct trace_out trace;
    struct sim_pcaps pcaps;
    struct sim_console console;
    struct progress progress;
    struct sim_pages pages; /* host memory behind every node's pages */
    struct sim_procs ptable; /* where every process is, from the trace */
    struct research research;
};

/* 0, or -1 with a message in err (an output file could not be created,
 * a disk image could not be read: "<image path>: <problem>"). */
int sim_open(struct sim *s, const struct scenario *scn, const struct sim_options *opt,
             char *err, size_t err_bytes);
/* Run to the end. 0 when the run finished as the scenario asks; -1 when
 * it failed (s->error says why). */
int sim_run(struct sim *s);
/* Write the metrics files and close every output file, so that the
 * caller can report the run's outcome with its outputs. 0, or -1 with one
 * line in err per file that could not be written completely ("<path>:
 * cannot write: <reason>", lines joined by newlines). Disk images are
 * written back here (their durable contents). Later calls do
 * nothing and return 0. */
int sim_finish(struct sim *s, char *err, size_t err_bytes);
/* sim_finish if not done yet, and free everything. */
int sim_close(struct sim *s, char *err, size_t err_bytes);

const char *sim_end_name(enum sim_end e);
/* Fill a metrics row per node (rows: node_count entries) and the run. */
void sim_collect_metrics(const struct sim *s, struct metrics_node *rows, struct metrics_run *run);

/* Called by nodes (sim_node.c). */
void sim_schedule_wake(struct sim *s, struct sim_node *n);
/* Crash the live node `node` now (the trace's crash and disk_crash lines);
 * disk_request: the disk request its crash_at fell on, 0 for a scenario
 * crash event. */
void sim_crash_node(struct sim *s, uint32_t node, uint64_t disk_request);
/* A node's kernel traced `ev`: write it and follow it. */
void sim_kernel_event(struct sim *s, uint32_t node, const struct hal_trace_event *ev);
/* A kernel's KASSERT failed on `node`: report it on stderr (seed, node,
 * simulated time, the event being handled, a reproduce line), write an
 * "assert" and an "end" trace line, flush every output and exit with
 * status 2. Never returns: the kernel's state is corrupt. */
_Noreturn void sim_assert_failed(struct sim *s, uint32_t node, const struct hal_assert *a);
void sim_fail(struct sim *s, enum sim_end why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
