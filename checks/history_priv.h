/*
 * history_priv.h - the history checker's state, shared by its two files:
 *
 *   history.c           reads the trace line by line: actions' lives, and
 *                       the reads, writes and installs as they come
 *   history_versions.c  at the end: each object's version order, the
 *                       read anomalies, the serialization graph's edges
 */
#ifndef CHECKS_HISTORY_PRIV_H
#define CHECKS_HISTORY_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dep_graph.h"
#include "history.h"
#include "intern.h"

#define NONE UINT32_MAX

enum action_state { ACTION_UNSEEN, ACTION_RUNNING, ACTION_COMMITTED, ACTION_ABORTED };

struct action {
    enum action_state state;
    uint32_t parent, root; /* NONE / itself for a top-level action */
    uint32_t running_children;
};

/* A version of an object: the writer's wseq-th write of it. */
struct version {
    uint32_t writer, wseq; /* writer NONE: the object's first version */
};

struct access {
    uint32_t action, object;
    struct version v; /* what was read; for a write, writer == action */
    uint64_t line;
};

struct install {
    uint32_t object, node;
    struct version v;
    uint64_t line;
};

struct history {
    const char *name;
    FILE *report;
    struct history_result *r;
    uint64_t line;
    struct intern action_ids, object_names;
    struct action *actions;
    uint32_t action_capacity;
    struct access *reads, *writes;
    size_t read_count, write_count, read_capacity, write_capacity;
    struct install *installs;
    size_t install_count, install_capacity;
    struct dep_graph graph;
};

/* A finding on `line` (0: none), counted as an anomaly or a violation. */
void history_report(struct history *h, uint64_t line, bool anomaly, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether the action and every action between it and its top-level one
 * are still running or committed (none aborted). */
bool history_effective(const struct history *h, uint32_t action);

/* The end of the trace: versions, read anomalies, graph and cycles. */
void history_analyse(struct history *h);

#endif
