/*
 * metrics.h - the run's figures: metrics.json (per node and totals, with
 * the network's counters) and metrics.csv (one row per node). Every
 * metric is an integer; docs/metrics.md says what each one means. The
 * column set is the table below, so JSON, CSV and the docs agree.
 */
#ifndef SIM_METRICS_H
#define SIM_METRICS_H

#include <stdint.h>

/* One per-node metric; the order is the CSV column order. */
enum metric_id {
    M_NODE,
    M_CPU_MIPS,
    M_MEMORY_MIB,
    M_UP,
    M_BOOTS,
    M_CRASHES,
    M_PROCESSES,
    M_INSNS,
    M_CPU_BUSY_NS,
    M_SPAWNED,
    M_EXITED,
    M_FAULTED,
    M_MSGS_SENT,
    M_MSGS_DELIVERED,
    M_MSGS_DROPPED,
    M_FRAMES_TX,
    M_FRAMES_RX,
    M_BYTES_TX,
    M_BYTES_RX,
    M_FRAMES_BAD,
    M_RETRANSMITS,
    M_PEER_RESETS,
    M_PAGES_IN_USE,
    M_PAGES_PEAK,
    M_LOAD_MILLI,
    M_NET_TX_FRAMES,
    M_NET_TX_BYTES,
    M_NET_TX_BUSY,
    M_NET_RX_FRAMES,
    M_NET_RX_BYTES,
    M_NET_LOST,
    M_COUNT
};

/* How a metric adds up over nodes in "totals". */
enum metric_total { METRIC_TOTAL_NONE, METRIC_TOTAL_SUM, METRIC_TOTAL_MAX };

struct metric_field {
    const char *name;
    enum metric_total total;
};

extern const struct metric_field metric_fields[M_COUNT];

struct metrics_node {
    uint64_t v[M_COUNT];
};

/* Counters of the whole network (frames, not messages). */
struct metrics_net {
    uint64_t frames_sent, bytes_sent, frames_busy;
    uint64_t frames_delivered, bytes_delivered;
    uint64_t lost_loss, lost_partition, lost_down, lost_no_route;
};

struct metrics_run {
    const char *scenario;
    uint64_t seed;
    const char *end; /* why the run stopped */
    int failed;      /* 1 when the run failed */
    uint64_t sim_time_ns;
    uint64_t events;
    uint64_t spawn_failures;
    uint32_t node_count;
    const struct metrics_node *nodes; /* node_count rows */
    struct metrics_net net;
};

/* The totals row over every node. */
void metrics_totals(const struct metrics_run *r, struct metrics_node *out);

/* Write the files; 0, or -1 with errno set. */
int metrics_write_json(const struct metrics_run *r, const char *path);
int metrics_write_csv(const struct metrics_run *r, const char *path);

#endif
