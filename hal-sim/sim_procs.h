/*
 * sim_procs.h - where every process is, as the simulator learns it from
 * the kernels' trace events, followed as a state machine:
 *
 *   SPAWN on n                 -> RUNNING on n
 *   RUNNING on n, DONE from n  -> MOVING to the target (handed over there)
 *   RUNNING or MOVING, INSTALL on n -> RUNNING on n
 *   RUNNING or MOVING, EXIT    -> EXITED
 *   RUNNING on n or MOVING to n, crash of n -> LOST
 *
 * Every other event changes nothing: a MIGRATE_ABORT means the process
 * stays where it is, and EXITED and LOST are final, so no late event of
 * a move (an abort after the exit, an install after a crash) can bring a
 * process back. Scenario "migrate" events ask the node found here; the
 * research metrics read spawn times from here.
 *
 * A hash table keyed by pid (a pid names one process for the whole run:
 * sim.c stops the run as a kernel bug if a pid is spawned twice), never
 * shrunk: ended processes stay (as
 * EXITED or LOST) so that a repeating migrate can tell "gone" from "not
 * yet born". Nothing here depends on host addresses or iteration order.
 */
#ifndef SIM_PROCS_H
#define SIM_PROCS_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal_trace.h"

enum sim_proc_state {
    SIM_PROC_RUNNING, /* on `node` (possibly frozen, being moved) */
    SIM_PROC_MOVING,  /* handed over to `node`, not yet installed there */
    SIM_PROC_EXITED,  /* an EXIT was traced */
    SIM_PROC_LOST,    /* its node crashed under it */
};

struct sim_proc {
    uint32_t pid;      /* 0 (a kernel's pid, never a process): empty slot */
    uint32_t node;     /* where it runs now, or ran last */
    uint8_t state;     /* enum sim_proc_state */
    bool job;          /* started by the scenario (its parent is a kernel) */
    uint64_t spawn_ns; /* when SPAWN was traced */
};

struct sim_procs {
    struct sim_proc *slots;
    uint32_t cap;  /* a power of two, or 0 before the first insert */
    uint32_t used; /* processes ever seen */
    uint32_t *running_on; /* per node: processes RUNNING on or MOVING to it */
    uint32_t node_count;
};

void sim_procs_init(struct sim_procs *t, uint32_t node_count);
void sim_procs_free(struct sim_procs *t);

/* The record of `pid`, or NULL if no SPAWN of it was seen. */
struct sim_proc *sim_procs_find(const struct sim_procs *t, uint32_t pid);

/* Whether p is alive: RUNNING or MOVING. */
bool sim_proc_alive(const struct sim_proc *p);

/* Follow one kernel trace event from `node` at time now_ns; returns the
 * record of the process it is about (NULL for events that move nothing). */
struct sim_proc *sim_procs_observe(struct sim_procs *t, uint32_t node, uint64_t now_ns,
                                   const struct hal_trace_event *ev);

/* The node crashed: every process running there or moving to it is lost. */
void sim_procs_node_lost(struct sim_procs *t, uint32_t node);

#endif
