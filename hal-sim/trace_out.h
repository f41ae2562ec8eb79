/*
 * trace_out.h - the event trace: JSON Lines, one object per line, the
 * visualizer's input. The schema is docs/trace.md; every line starts with
 * "t" (simulated ns) and, for node events, "node", then "ev" and the
 * event's fields in a fixed order. Numbers are integers; text is escaped
 * the same way on every machine. Lines are written in simulation order.
 */
#ifndef SIM_TRACE_OUT_H
#define SIM_TRACE_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hal/hal_panic.h"
#include "hal/hal_trace.h"
#include "host/text_buf.h"

/* The trace format's version, in the start line's "schema" field. Raise
 * it when an existing event's fields or meaning change (docs/trace.md);
 * readers refuse a newer one. */
#define TRACE_SCHEMA_VERSION 1

struct trace_out {
    FILE *f;          /* NULL: the trace is discarded */
    struct text_buf buf;
    uint64_t lines;
    int write_errno;  /* 0, or why the first write failed */
    int tee_fd;       /* -1, or where every line is also written (trace_out_tee) */
};

/* Write to `path` (created or truncated); 0, or -1 with errno set. A NULL
 * path discards the trace. */
int trace_out_open(struct trace_out *t, const char *path);
/* Also write every line to `fd` (the live visualizer's pipe), in small
 * blocks so that it sees them soon after they happen. The file's bytes
 * do not change. A failed write (the viewer was closed) ends the tee and
 * does not fail the run; the caller closes fd after trace_out_close. */
void trace_out_tee(struct trace_out *t, int fd);
/* Flush and close; 0, or -1 with errno set to why the first write failed. */
int trace_out_close(struct trace_out *t);

const char *trace_fault_name(uint32_t reason);
const char *trace_drop_name(uint32_t reason);
const char *trace_kernel_event_name(uint32_t type);

void trace_out_start(struct trace_out *t, const char *scenario, uint64_t seed, uint32_t nodes);
void trace_out_kernel(struct trace_out *t, uint64_t t_ns, uint32_t node,
                      const struct hal_trace_event *ev);
/* disk_request: the disk request its crash_at fell on (0: a scenario event). */
void trace_out_crash(struct trace_out *t, uint64_t t_ns, uint32_t node, uint64_t disk_request);
/* What a crash did to the node's disk (docs/trace.md, "disk_crash"). */
void trace_out_disk_crash(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t lost, uint32_t kept,
                          bool torn, uint32_t in_flight_sectors);
void trace_out_restart(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t epoch);
void trace_out_partition(struct trace_out *t, uint64_t t_ns, const uint32_t *group_of_node,
                         uint32_t nodes);
void trace_out_heal(struct trace_out *t, uint64_t t_ns);
/* side_of_node: enum scn_side per node; the line lists "from" and "to". */
void trace_out_partition_one_way(struct trace_out *t, uint64_t t_ns, const uint32_t *side_of_node,
                                 uint32_t nodes);
void trace_out_pause(struct trace_out *t, uint64_t t_ns, uint32_t node, uint64_t until_ns);
/* `frames`: how many its NIC held and hands over now. */
void trace_out_resume(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t frames);
void trace_out_frame_lost(struct trace_out *t, uint64_t t_ns, uint32_t src, uint32_t dst,
                          const char *reason, uint32_t bytes);
void trace_out_spawn_failed(struct trace_out *t, uint64_t t_ns, uint32_t node,
                            const char *program, int error);
/* A scenario migrate event the kernel refused (or whose process is not
 * running anywhere): `node` is where it was asked. */
void trace_out_migrate_failed(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t pid,
                              uint32_t to, int error);
/* A scenario event for a node that cannot take it (for example a spawn on
 * a crashed node). */
void trace_out_ignored(struct trace_out *t, uint64_t t_ns, uint32_t node, const char *event,
                       const char *why);
/* A kernel's KASSERT failed (hal_panic.h): the run stops here. */
void trace_out_assert(struct trace_out *t, uint64_t t_ns, uint32_t node, const struct hal_assert *a);
void trace_out_end(struct trace_out *t, uint64_t t_ns, const char *reason, uint64_t events);

#endif
