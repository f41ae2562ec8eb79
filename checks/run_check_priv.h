/*
 * run_check_priv.h - what the parts of the run check share: the checker's
 * state while it reads a trace, and the process records that
 * run_places.c moves through their states.
 */
#ifndef CHECKS_RUN_CHECK_PRIV_H
#define CHECKS_RUN_CHECK_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "durability.h"
#include "key_map.h"
#include "run_check.h"

/* How long a parent still running may go without being told of a child
 * lost with a node (child_lost): a node that stays down is declared dead
 * within about 8 s, the child is followed 12.5 s later
 * (LOCATION_VERDICT_NS) and a silent node given 6.25 s to answer
 * (LOCATION_QUERY_NS); a clock 50% slow stretches that by half. */
#define RUN_CHECK_CHILD_LOST_NOTICE_NS 45000000000ull

enum proc_state {
    PROC_ALIVE = 1, /* runs on `node` */
    PROC_MOVING,    /* runs (or is frozen) on `node`, a move to `to` started */
    PROC_IN_FLIGHT, /* handed over by `node`; runs on `to` once installed */
    PROC_ENDED,     /* exited or faulted on `node` */
    PROC_LOST,      /* its node crashed */
};

struct proc_rec {
    uint8_t state;
    bool parent_told; /* its parent was told it was lost (child_lost) */
    uint16_t node, to;
    uint32_t parent;                 /* n<node>.0 for a process the scenario started */
    uint32_t crashes;                /* IN_FLIGHT: how often `to` had crashed when the move
                                      * started; ENDED: how often `node` had at the end */
    uint64_t spawn_line, since_line; /* spawned; last changed state or place */
    uint64_t since_t;                /* simulated time of since_line, ns */
};

struct node_rec {
    bool down; /* crashed and not restarted */
    uint32_t crashes;
};

struct checker {
    const char *name;
    FILE *report;
    struct key_map procs; /* pid -> struct proc_rec */
    struct key_map pairs; /* src << 32 | dst -> struct pair_rec */
    struct key_map sends; /* src -> struct send_rec */
    struct key_map nodes; /* node -> struct node_rec */
    struct durability stores;
    struct run_check_result *r;
    uint64_t line, t; /* the line being read and its time */
};

__attribute__((format(printf, 2, 3))) void run_check_violation(struct checker *c, const char *fmt, ...);
const char *run_check_pid_text(uint32_t pid, char buf[16]);
struct node_rec *run_check_node(struct checker *c, uint32_t node);

/* run_places.c: where each process is, from the events that say so. */
void places_spawn(struct checker *c, uint32_t node, uint32_t pid, uint32_t parent);
/* The process `pid` as it does something on `node`; NULL (after a
 * violation) when it is not running there. `what`: "sent", "ended"... */
struct proc_rec *places_acting(struct checker *c, uint32_t node, uint32_t pid, const char *what);
/* Whether `node` holds `pid`: it runs there, or was handed over to it. */
bool places_holds(struct checker *c, uint32_t pid, uint32_t node);
void places_end(struct checker *c, uint32_t node, uint32_t pid);
/* migrate_start, _done, _abort, _lost (other: `to`), _install, _drop. */
void places_move(struct checker *c, const char *ev, uint32_t node, uint32_t pid, uint32_t other);
void places_crash(struct checker *c, uint32_t node);
/* child_lost on `node`: `parent` was told `pid` was lost. */
void places_child_lost(struct checker *c, uint32_t node, uint32_t pid, uint32_t parent);
/* The run ended (reason `why`): every process ended or was lost, when
 * all exited; and each parent still running was told of its lost children. */
void places_at_end(struct checker *c, bool all_exited);

#endif
