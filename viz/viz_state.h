/*
 * viz_state.h - the cluster as the trace says it is after some prefix of
 * its events: which nodes are up, their load, where every process is and
 * which are in flight between nodes, the partition. Applying the stored
 * events in order is the only way it changes; no SDL here.
 */
#ifndef VIZ_STATE_H
#define VIZ_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct viz_run;

#define VIZ_NOWHERE UINT32_MAX   /* proc_node: not alive */
#define VIZ_NO_MIG UINT32_MAX    /* proc_mig: not moving */
#define VIZ_NO_GROUPS UINT32_MAX /* groups: no partition */
/* As metrics.md: larger run queues count as this (keeps the sums exact). */
#define VIZ_RUNQ_CAP 65535u

/*
 * Two figures per node. `queue` is the run queue now: the processes on
 * the node that are neither blocked (block .. wake) nor moving
 * (migrate_start .. migrate_install or migrate_abort), counted at every
 * event. `load_milli` and `runq` are the node's latest `load` sample:
 * the kernel's one-second load average and its run queue, every 100 ms.
 */
struct viz_state {
    size_t next;        /* events [0, next) are applied */
    uint32_t node_count;
    uint32_t proc_cap;  /* entries in the proc arrays */
    uint8_t *up;
    uint32_t *load_milli, *runq; /* the latest sample; runq capped at VIZ_RUNQ_CAP */
    uint32_t *queue;     /* the run queue now, capped at VIZ_RUNQ_CAP */
    uint64_t *down_ns;   /* when the node last crashed (0: never) */
    uint32_t *proc_node; /* a node, or VIZ_NOWHERE */
    uint32_t *proc_mig;  /* the move in flight, or VIZ_NO_MIG */
    uint8_t *proc_blocked; /* waiting in a system call */
    uint32_t groups;     /* offset in run->groups, or VIZ_NO_GROUPS */
    /* the live nodes' run queues (queue), for the imbalance */
    uint32_t up_count;
    uint64_t runq_sum;
    uint64_t runq_sumsq;
};

void viz_state_init(struct viz_state *s, uint32_t node_count);
void viz_state_free(struct viz_state *s);
/* Make dst an exact copy of src (dst initialised or zeroed). */
void viz_state_copy(struct viz_state *dst, const struct viz_state *src);
/* Apply run->events[s->next] and advance. */
void viz_state_apply(struct viz_state *s, const struct viz_run *run);
/* Bytes a copy of this state takes. */
size_t viz_state_bytes(const struct viz_state *s);
/* Coefficient of variation of the live nodes' run queues, thousandths
 * (the definition of metrics.md's imbalance); 0 when nothing runs. */
uint32_t viz_state_imbalance_milli(const struct viz_state *s);
/* Whether nodes a and b can reach each other (same partition group). */
bool viz_state_linked(const struct viz_state *s, const struct viz_run *run, uint32_t a, uint32_t b);

#endif
