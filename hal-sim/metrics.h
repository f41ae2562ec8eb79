/*
 * metrics.h - the run's figures: metrics.json (per node and totals, with
 * the network's counters and the research figures), metrics.csv (one row
 * per node) and research.csv (the research figures as one row). Every
 * metric is an integer; docs/metrics.md says what each one means. The
 * column sets are the tables below, so JSON, CSV and the docs agree.
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
    M_MIGRATIONS_OUT,
    M_MIGRATIONS_IN,
    M_MIGRATIONS_ABORTED,
    M_MIGRATION_BYTES,
    M_FORWARDED,
    M_DISK_READS,
    M_DISK_WRITES,
    M_DISK_FLUSHES,
    M_DISK_READ_BYTES,
    M_DISK_WRITE_BYTES,
    M_DISK_BUSY_NS,
    M_DISK_REQUESTS,
    M_DISK_CRASHED_AT,
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
    uint64_t lost_loss, lost_partition, lost_down, lost_no_route, lost_ring_full;
    uint64_t frames_duplicated, frames_corrupted;
};

/* One research figure (hal-sim/research.c computes them); the order is
 * research.csv's column order and metrics.json's "research" key order. */
enum research_id {
    R_MAKESPAN_NS,
    R_JOBS,
    R_JOBS_FINISHED,
    R_RESPONSE_MEAN_NS,
    R_RESPONSE_P50_NS,
    R_RESPONSE_P95_NS,
    R_RESPONSE_P99_NS,
    R_RESPONSE_MAX_NS,
    R_MIGRATIONS,
    R_MIGRATIONS_ABORTED,
    R_BYTES_MOVED,
    R_FREEZE_MIN_US,
    R_FREEZE_MEDIAN_US,
    R_FREEZE_MAX_US,
    R_BALANCE_DECISIONS,
    R_FORWARDED,
    R_IMBALANCE_MEAN_CV_MILLI,
    R_IMBALANCE_MAX_CV_MILLI,
    R_IMBALANCE_SAMPLES,
    R_WORK_INSNS,
    R_WORK_BOUND_NS,
    R_LONGEST_JOB_NS,
    R_LOWER_BOUND_NS,
    R_MAKESPAN_OVER_BOUND_MILLI,
    R_COUNT
};

/* In metrics.json a research figure is "research"."<key>", or
 * "research"."<group>"."<key>" when group is not NULL; in research.csv
 * its column is `column`. */
struct research_field {
    const char *column;
    const char *group;
    const char *key;
};

extern const struct research_field research_fields[R_COUNT];

struct metrics_research {
    uint64_t v[R_COUNT];
};

struct metrics_run {
    const char *scenario;
    const char *scenario_sha256; /* of the scenario text checked (scenario.h) */
    uint64_t seed;
    const char *balancer;  /* the balancer policy's name ("none", "offer", ...) */
    const char *migration; /* the migration mode's name */
    const char *end; /* why the run stopped */
    int failed;      /* 1 when the run failed */
    uint64_t sim_time_ns;
    uint64_t drain_ns; /* all_exited: from the last exit to the end */
    int quiet;         /* all_exited: 1 when it ended with the network quiet */
    uint64_t events;
    uint64_t spawn_failures;
    uint64_t migrate_failures; /* scenario migrate events the kernel refused */
    uint32_t node_count;
    const struct metrics_node *nodes; /* node_count rows */
    struct metrics_net net;
    struct metrics_research research;
};

/* The totals row over every node. */
void metrics_totals(const struct metrics_run *r, struct metrics_node *out);

/* Write the files; 0, or -1 with errno set. */
int metrics_write_json(const struct metrics_run *r, const char *path);
int metrics_write_csv(const struct metrics_run *r, const char *path);
int metrics_write_research_csv(const struct metrics_run *r, const char *path);

#endif
