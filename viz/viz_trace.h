/*
 * viz_trace.h - one trace line (docs/trace.md) decoded into what the
 * visualizer needs: the event kind, its time, node, pids and numbers.
 * Checks every field the visualizer uses for presence and type; events
 * it does not draw are recognised and skipped, and unknown event names
 * are skipped too (a newer writer may add events without a new schema).
 */
#ifndef VIZ_TRACE_H
#define VIZ_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "viz_json.h"

enum viz_ev {
    VIZ_EV_START,
    VIZ_EV_BOOT,
    VIZ_EV_SPAWN,
    VIZ_EV_EXIT,
    VIZ_EV_FAULT,
    VIZ_EV_SEND,
    VIZ_EV_LOAD,
    VIZ_EV_CRASH,
    VIZ_EV_RESTART,
    VIZ_EV_PARTITION,
    VIZ_EV_HEAL,
    VIZ_EV_MIGRATE_START,
    VIZ_EV_MIGRATE_INSTALL,
    VIZ_EV_MIGRATE_DONE,
    VIZ_EV_MIGRATE_ABORT,
    VIZ_EV_BLOCK,
    VIZ_EV_WAKE,
    VIZ_EV_DELIVER,
    VIZ_EV_DROP,
    VIZ_EV_PAUSE,
    VIZ_EV_RESUME,
    VIZ_EV_PARTITION_ONE_WAY,
    VIZ_EV_KSEND,
    VIZ_EV_KRECV,
    VIZ_EV_END,
    VIZ_EV_OTHER,   /* a documented event the visualizer does not draw */
    VIZ_EV_UNKNOWN, /* an event name this reader does not know */
};

#define VIZ_NO_NODE UINT32_MAX

struct viz_pid {
    uint32_t node, local;
};

struct viz_line {
    uint64_t t_ns;
    enum viz_ev ev;
    uint32_t node;          /* VIZ_NO_NODE for world events */
    struct viz_pid pid;     /* "pid" */
    struct viz_pid other;   /* "parent" (spawn), "dst" (send), "src" (deliver, drop) */
    int64_t a, b, c;        /* per event, see viz_trace.c's table */
    uint64_t seed;          /* start */
    const struct viz_json_field *text;   /* scenario, program, reason */
    const struct viz_json_field *groups; /* partition */
    struct viz_json_obj obj; /* the parsed line the pointers refer to */
};

/* Decode `len` bytes (no newline). 0, or -1 with the reason in err. */
int viz_trace_decode(const char *s, size_t len, struct viz_line *out, char *err, size_t err_bytes);

/* "n<node>.<local>" -> pid; 0 or -1. */
int viz_pid_parse(const char *s, size_t len, struct viz_pid *out);

#endif
