/*
 * metrics.c - see metrics.h. Formatting is ours (integers, fixed key
 * order), so the files are byte-identical for the same run.
 */
#include "metrics.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "host/build_info.h"
#include "host/text_buf.h"

const struct metric_field metric_fields[M_COUNT] = {
    [M_NODE] = {"node", METRIC_TOTAL_NONE},
    [M_CPU_MIPS] = {"cpu_mips", METRIC_TOTAL_SUM},
    [M_MEMORY_MIB] = {"memory_mib", METRIC_TOTAL_SUM},
    [M_UP] = {"up", METRIC_TOTAL_SUM},
    [M_BOOTS] = {"boots", METRIC_TOTAL_SUM},
    [M_CRASHES] = {"crashes", METRIC_TOTAL_SUM},
    [M_PROCESSES] = {"processes", METRIC_TOTAL_SUM},
    [M_INSNS] = {"insns", METRIC_TOTAL_SUM},
    [M_CPU_BUSY_NS] = {"cpu_busy_ns", METRIC_TOTAL_SUM},
    [M_SPAWNED] = {"spawned", METRIC_TOTAL_SUM},
    [M_EXITED] = {"exited", METRIC_TOTAL_SUM},
    [M_FAULTED] = {"faulted", METRIC_TOTAL_SUM},
    [M_MSGS_SENT] = {"msgs_sent", METRIC_TOTAL_SUM},
    [M_MSGS_DELIVERED] = {"msgs_delivered", METRIC_TOTAL_SUM},
    [M_MSGS_DROPPED] = {"msgs_dropped", METRIC_TOTAL_SUM},
    [M_FRAMES_TX] = {"frames_tx", METRIC_TOTAL_SUM},
    [M_FRAMES_RX] = {"frames_rx", METRIC_TOTAL_SUM},
    [M_BYTES_TX] = {"bytes_tx", METRIC_TOTAL_SUM},
    [M_BYTES_RX] = {"bytes_rx", METRIC_TOTAL_SUM},
    [M_FRAMES_BAD] = {"frames_bad", METRIC_TOTAL_SUM},
    [M_RETRANSMITS] = {"retransmits", METRIC_TOTAL_SUM},
    [M_PEER_RESETS] = {"peer_resets", METRIC_TOTAL_SUM},
    [M_PAGES_IN_USE] = {"pages_in_use", METRIC_TOTAL_SUM},
    [M_PAGES_PEAK] = {"pages_peak", METRIC_TOTAL_MAX},
    [M_LOAD_MILLI] = {"load_milli", METRIC_TOTAL_MAX},
    [M_NET_TX_FRAMES] = {"net_tx_frames", METRIC_TOTAL_SUM},
    [M_NET_TX_BYTES] = {"net_tx_bytes", METRIC_TOTAL_SUM},
    [M_NET_TX_BUSY] = {"net_tx_busy", METRIC_TOTAL_SUM},
    [M_NET_RX_FRAMES] = {"net_rx_frames", METRIC_TOTAL_SUM},
    [M_NET_RX_BYTES] = {"net_rx_bytes", METRIC_TOTAL_SUM},
    [M_NET_LOST] = {"net_lost", METRIC_TOTAL_SUM},
    [M_MIGRATIONS_OUT] = {"migrations_out", METRIC_TOTAL_SUM},
    [M_MIGRATIONS_IN] = {"migrations_in", METRIC_TOTAL_SUM},
    [M_MIGRATIONS_ABORTED] = {"migrations_aborted", METRIC_TOTAL_SUM},
    [M_MIGRATION_BYTES] = {"migration_bytes", METRIC_TOTAL_SUM},
    [M_FORWARDED] = {"forwarded", METRIC_TOTAL_SUM},
    [M_DISK_READS] = {"disk_reads", METRIC_TOTAL_SUM},
    [M_DISK_WRITES] = {"disk_writes", METRIC_TOTAL_SUM},
    [M_DISK_FLUSHES] = {"disk_flushes", METRIC_TOTAL_SUM},
    [M_DISK_READ_BYTES] = {"disk_read_bytes", METRIC_TOTAL_SUM},
    [M_DISK_WRITE_BYTES] = {"disk_write_bytes", METRIC_TOTAL_SUM},
    [M_DISK_BUSY_NS] = {"disk_busy_ns", METRIC_TOTAL_SUM},
    [M_DISK_REQUESTS] = {"disk_requests", METRIC_TOTAL_SUM},
    [M_DISK_CRASHED_AT] = {"disk_crashed_at", METRIC_TOTAL_NONE},
};

const struct research_field research_fields[R_COUNT] = {
    [R_MAKESPAN_NS] = {"makespan_ns", NULL, "makespan_ns"},
    [R_JOBS] = {"jobs", NULL, "jobs"},
    [R_JOBS_FINISHED] = {"jobs_finished", NULL, "jobs_finished"},
    [R_RESPONSE_MEAN_NS] = {"response_mean_ns", "response_ns", "mean"},
    [R_RESPONSE_P50_NS] = {"response_p50_ns", "response_ns", "p50"},
    [R_RESPONSE_P95_NS] = {"response_p95_ns", "response_ns", "p95"},
    [R_RESPONSE_P99_NS] = {"response_p99_ns", "response_ns", "p99"},
    [R_RESPONSE_MAX_NS] = {"response_max_ns", "response_ns", "max"},
    [R_MIGRATIONS] = {"migrations", NULL, "migrations"},
    [R_MIGRATIONS_ABORTED] = {"migrations_aborted", NULL, "migrations_aborted"},
    [R_BYTES_MOVED] = {"bytes_moved", NULL, "bytes_moved"},
    [R_FREEZE_MIN_US] = {"freeze_min_us", "freeze_us", "min"},
    [R_FREEZE_MEDIAN_US] = {"freeze_median_us", "freeze_us", "median"},
    [R_FREEZE_MAX_US] = {"freeze_max_us", "freeze_us", "max"},
    [R_BALANCE_DECISIONS] = {"balance_decisions", NULL, "balance_decisions"},
    [R_FORWARDED] = {"forwarded", NULL, "forwarded"},
    [R_IMBALANCE_MEAN_CV_MILLI] = {"imbalance_mean_cv_milli", "imbalance", "mean_cv_milli"},
    [R_IMBALANCE_MAX_CV_MILLI] = {"imbalance_max_cv_milli", "imbalance", "max_cv_milli"},
    [R_IMBALANCE_SAMPLES] = {"imbalance_samples", "imbalance", "samples"},
    [R_WORK_INSNS] = {"work_insns", NULL, "work_insns"},
    [R_WORK_BOUND_NS] = {"work_bound_ns", NULL, "work_bound_ns"},
    [R_LONGEST_JOB_NS] = {"longest_job_ns", NULL, "longest_job_ns"},
    [R_LOWER_BOUND_NS] = {"lower_bound_ns", NULL, "lower_bound_ns"},
    [R_MAKESPAN_OVER_BOUND_MILLI] = {"makespan_over_bound_milli", NULL, "makespan_over_bound_milli"},
};

void metrics_totals(const struct metrics_run *r, struct metrics_node *out)
{
    memset(out, 0, sizeof *out);
    for (uint32_t n = 0; n < r->node_count; n++) {
        for (int m = 0; m < M_COUNT; m++) {
            uint64_t v = r->nodes[n].v[m];
            if (metric_fields[m].total == METRIC_TOTAL_SUM)
                out->v[m] += v;
            else if (metric_fields[m].total == METRIC_TOTAL_MAX && v > out->v[m])
                out->v[m] = v;
        }
    }
}

static void json_key(struct text_buf *b, const char *indent, const char *key)
{
    text_buf_puts(b, indent);
    text_buf_json_str(b, key, strlen(key));
    text_buf_put(b, ": ", 2);
}

static void json_u64(struct text_buf *b, const char *indent, const char *key, uint64_t v, int last)
{
    json_key(b, indent, key);
    text_buf_u64(b, v);
    text_buf_puts(b, last ? "\n" : ",\n");
}

static void json_str(struct text_buf *b, const char *indent, const char *key, const char *v)
{
    json_key(b, indent, key);
    text_buf_json_str(b, v, strlen(v));
    text_buf_puts(b, ",\n");
}

/* A node row on one line: {"node": 0, "cpu_mips": 1000, ...} */
static void json_row(struct text_buf *b, const struct metrics_node *row, int skip_node)
{
    text_buf_putc(b, '{');
    int first = 1;
    for (int m = 0; m < M_COUNT; m++) {
        if (skip_node && metric_fields[m].total == METRIC_TOTAL_NONE)
            continue;
        if (!first)
            text_buf_put(b, ", ", 2);
        first = 0;
        text_buf_json_str(b, metric_fields[m].name, strlen(metric_fields[m].name));
        text_buf_put(b, ": ", 2);
        text_buf_u64(b, row->v[m]);
    }
    text_buf_putc(b, '}');
}

static bool same_group(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* "research": {...}, grouping consecutive fields of one group into an
 * object of their own ("response_ns": {"mean": ..., "p50": ...}). */
static void json_research(struct text_buf *b, const struct metrics_research *r)
{
    json_key(b, "  ", "research");
    text_buf_puts(b, "{\n");
    for (int i = 0; i < R_COUNT; i++) {
        const struct research_field *f = &research_fields[i];
        const char *next_group = i + 1 < R_COUNT ? research_fields[i + 1].group : NULL;
        bool opens = i == 0 || !same_group(research_fields[i - 1].group, f->group);
        bool closes = !same_group(next_group, f->group);
        if (f->group == NULL) {
            json_u64(b, "    ", f->key, r->v[i], i + 1 == R_COUNT);
            continue;
        }
        if (opens) {
            json_key(b, "    ", f->group);
            text_buf_putc(b, '{');
        } else {
            text_buf_put(b, ", ", 2);
        }
        text_buf_json_str(b, f->key, strlen(f->key));
        text_buf_put(b, ": ", 2);
        text_buf_u64(b, r->v[i]);
        if (closes)
            text_buf_puts(b, i + 1 == R_COUNT ? "}\n" : "},\n");
    }
    text_buf_puts(b, "  },\n");
}

/* 0, or -1 with errno set to the first failure's reason. */
static int write_file(struct text_buf *b, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    int rc = text_buf_flush(b, f), why = errno;
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        why = errno;
    }
    errno = why;
    return rc;
}

int metrics_write_json(const struct metrics_run *r, const char *path)
{
    struct text_buf b = {0};
    struct metrics_node totals;
    metrics_totals(r, &totals);
    const char *in = "  ", *in2 = "    ";
    text_buf_puts(&b, "{\n");
    json_str(&b, in, "scenario", r->scenario);
    /* Provenance: what ran and which nimbus ran it. Not the build type:
     * -O2 and -O0 builds must write identical files (build_info.h). */
    json_str(&b, in, "scenario_sha256", r->scenario_sha256);
    json_str(&b, in, "nimbus", build_info_version());
    json_str(&b, in, "commit", build_info_commit());
    json_u64(&b, in, "seed", r->seed, 0);
    json_str(&b, in, "balancer", r->balancer);
    json_str(&b, in, "migration", r->migration);
    json_str(&b, in, "end", r->end);
    json_u64(&b, in, "failed", (uint64_t)r->failed, 0);
    json_u64(&b, in, "sim_time_ns", r->sim_time_ns, 0);
    json_u64(&b, in, "drain_ns", r->drain_ns, 0);
    json_u64(&b, in, "quiet", (uint64_t)r->quiet, 0);
    json_u64(&b, in, "events", r->events, 0);
    json_u64(&b, in, "nodes", r->node_count, 0);
    json_u64(&b, in, "spawn_failures", r->spawn_failures, 0);
    json_u64(&b, in, "migrate_failures", r->migrate_failures, 0);
    json_key(&b, in, "net");
    text_buf_puts(&b, "{\n");
    json_u64(&b, in2, "frames_sent", r->net.frames_sent, 0);
    json_u64(&b, in2, "bytes_sent", r->net.bytes_sent, 0);
    json_u64(&b, in2, "frames_busy", r->net.frames_busy, 0);
    json_u64(&b, in2, "frames_delivered", r->net.frames_delivered, 0);
    json_u64(&b, in2, "bytes_delivered", r->net.bytes_delivered, 0);
    json_u64(&b, in2, "lost_loss", r->net.lost_loss, 0);
    json_u64(&b, in2, "lost_partition", r->net.lost_partition, 0);
    json_u64(&b, in2, "lost_down", r->net.lost_down, 0);
    json_u64(&b, in2, "lost_no_route", r->net.lost_no_route, 0);
    json_u64(&b, in2, "lost_ring_full", r->net.lost_ring_full, 0);
    json_u64(&b, in2, "frames_duplicated", r->net.frames_duplicated, 0);
    json_u64(&b, in2, "frames_corrupted", r->net.frames_corrupted, 1);
    text_buf_puts(&b, "  },\n");
    json_research(&b, &r->research);
    json_key(&b, in, "totals");
    json_row(&b, &totals, 1);
    text_buf_puts(&b, ",\n");
    json_key(&b, in, "per_node");
    text_buf_puts(&b, "[\n");
    for (uint32_t n = 0; n < r->node_count; n++) {
        text_buf_puts(&b, in2);
        json_row(&b, &r->nodes[n], 0);
        text_buf_puts(&b, n + 1 < r->node_count ? ",\n" : "\n");
    }
    text_buf_puts(&b, "  ]\n}\n");
    int rc = write_file(&b, path);
    text_buf_free(&b);
    return rc;
}

int metrics_write_csv(const struct metrics_run *r, const char *path)
{
    struct text_buf b = {0};
    for (int m = 0; m < M_COUNT; m++) {
        if (m != 0)
            text_buf_putc(&b, ',');
        text_buf_puts(&b, metric_fields[m].name);
    }
    text_buf_putc(&b, '\n');
    for (uint32_t n = 0; n < r->node_count; n++) {
        for (int m = 0; m < M_COUNT; m++) {
            if (m != 0)
                text_buf_putc(&b, ',');
            text_buf_u64(&b, r->nodes[n].v[m]);
        }
        text_buf_putc(&b, '\n');
    }
    int rc = write_file(&b, path);
    text_buf_free(&b);
    return rc;
}

/* A header and one row: the run's identity, then every research figure. */
int metrics_write_research_csv(const struct metrics_run *r, const char *path)
{
    struct text_buf b = {0};
    text_buf_puts(&b, "scenario,seed,balancer,migration");
    for (int i = 0; i < R_COUNT; i++) {
        text_buf_putc(&b, ',');
        text_buf_puts(&b, research_fields[i].column);
    }
    text_buf_putc(&b, '\n');
    text_buf_puts(&b, r->scenario);
    text_buf_putc(&b, ',');
    text_buf_u64(&b, r->seed);
    text_buf_putc(&b, ',');
    text_buf_puts(&b, r->balancer);
    text_buf_putc(&b, ',');
    text_buf_puts(&b, r->migration);
    for (int i = 0; i < R_COUNT; i++) {
        text_buf_putc(&b, ',');
        text_buf_u64(&b, r->research.v[i]);
    }
    text_buf_putc(&b, '\n');
    int rc = write_file(&b, path);
    text_buf_free(&b);
    return rc;
}
