/*
 * kernel_priv.h - the per-node kernel state, shared by the core's modules.
 * Platforms use kernel.h instead.
 */
#ifndef CORE_KERNEL_PRIV_H
#define CORE_KERNEL_PRIV_H

#include "kalloc.h"
#include "kernel.h"
#include "param.h"

struct proc;
struct netstack;
struct transport;
struct location_table;
struct migrate_state;
struct exit_notices;
struct balance_state;
struct stock;

struct kernel {
    struct hal hal;
    uint16_t node_id;
    uint8_t mac[6];
    uint32_t ipv4;
    uint16_t rack_nodes; /* kernel_config.rack_nodes */
    uint32_t epoch;
    uint32_t quantum_insns;
    uint16_t node_count;
    uint8_t migrate_mode;
    bool kv_configured;  /* the cluster has a key-value back end... */
    uint16_t kv_backend; /* ...on this node */
    bool disk_reserved;  /* the platform keeps the disk: no Stockholder */
    bool service_only;   /* takes no processes from other nodes */
    struct balance_config balance_cfg; /* defaults filled in */

    struct kalloc heap;
    struct proc *procs[KERNEL_MAX_PROCS]; /* slot table; NULL = free */
    uint32_t proc_count;                  /* slots in use */
    uint16_t next_local_pid;

    /* Run queue: a ring of slot numbers, round robin. */
    uint8_t runq[KERNEL_MAX_PROCS];
    uint32_t runq_head, runq_len;

    uint32_t load_avg;     /* fixed point, LOAD_FSHIFT fraction bits */
    uint32_t next_send_id; /* names remote sends awaiting a result */
    uint64_t next_load_sample_ns;
    uint64_t next_probe_ns; /* liveness.c */

    struct netstack *net;
    struct transport *transport;
    struct location_table *location;
    struct migrate_state *migrate;
    struct exit_notices *exit_notices; /* made on first use */
    struct balance_state *balance;
    struct stock *stock; /* NULL: no disk, no Stockholder */
    struct kernel_stats stats;
};

static inline uint64_t kernel_now(const struct kernel *k)
{
    return k->hal.clock->now_ns(k->hal.ctx);
}

/* Uniform in [0, n) from the top bits of the HAL's generator (the low bits
 * of simple generators are the weakest). n > 0. */
static inline uint32_t kernel_random_below(struct kernel *k, uint32_t n)
{
    uint32_t r = k->hal.random->next_u32(k->hal.ctx);
    return (uint32_t)(((uint64_t)r * n) >> 32);
}

/* Report one trace event (see hal_trace.h for the fields of each type). */
static inline void ktrace(struct kernel *k, const struct hal_trace_event *ev)
{
    k->hal.trace->event(k->hal.ctx, ev);
}

#endif
