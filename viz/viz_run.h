/*
 * viz_run.h - a run as read from its trace: the stored events, the
 * processes and moves they name, and indexes for drawing (per-node load
 * history, the imbalance over time, checkpoints for seeking).
 *
 * Lines come in through viz_run_add_line (the file reader and the live
 * stream both use it) and are checked as they come: the first bad one
 * stops the run with "source:line: reason" in run->error. A run that has
 * failed takes no more lines.
 */
#ifndef VIZ_RUN_H
#define VIZ_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "viz_msgs.h"
#include "viz_param.h"
#include "viz_pidmap.h"
#include "viz_state.h"
#include "viz_trace.h"

/* One stored event: only the kinds that change the picture. */
struct viz_event {
    uint64_t t_ns;
    uint32_t node; /* VIZ_NO_NODE for world events */
    uint32_t proc; /* VIZ_NO_PROC if none */
    uint32_t a;    /* LOAD load_milli; MIGRATE_* the move; SEND the destination
                      process; PARTITION the offset in groups */
    uint32_t b;    /* LOAD run queue */
    uint8_t kind;  /* enum viz_ev */
};

enum viz_end_how { VIZ_ALIVE, VIZ_EXITED, VIZ_FAULTED, VIZ_LOST };

struct viz_proc {
    struct viz_pid pid;
    uint32_t program;   /* index in run->programs */
    uint32_t home;      /* node it was spawned on, VIZ_NO_NODE if never seen */
    uint32_t end_node;  /* where it ended (exit, fault, lost in a crash) */
    uint64_t spawn_ns, end_ns; /* end_ns: UINT64_MAX while it lives */
    int64_t status;
    uint8_t how;        /* enum viz_end_how */
    uint32_t first_mig, last_mig, open_mig; /* moves, oldest first */
};

enum viz_mig_outcome { VIZ_MIG_PENDING, VIZ_MIG_INSTALLED, VIZ_MIG_ABORTED };

struct viz_migration {
    uint32_t proc, from, to;
    uint64_t start_ns, end_ns; /* end_ns: UINT64_MAX while pending */
    uint32_t freeze_us;
    uint8_t outcome;           /* enum viz_mig_outcome */
    uint32_t next_of_proc;     /* the process's next move, or VIZ_NO_MIG */
};

struct viz_point {
    uint64_t t_ns;
    uint32_t value_milli;
};

struct viz_u32_vec {
    uint32_t *v;
    size_t n, cap;
};

struct viz_run {
    char source[VIZ_NAME_BYTES * 2]; /* file name for messages */
    char scenario[VIZ_NAME_BYTES];
    uint64_t seed;
    uint32_t schema;
    uint32_t node_count;
    bool started, ended, failed;
    char end_reason[VIZ_NAME_BYTES];
    char error[VIZ_ERROR_BYTES];
    uint64_t lines;      /* lines read */
    uint64_t t_end_ns;   /* time of the last line */

    struct viz_event *events;
    size_t event_count, event_cap;
    struct viz_proc *procs;
    size_t proc_count, proc_cap;
    struct viz_pidmap pidmap;
    struct viz_migration *migs;
    size_t mig_count, mig_cap;
    uint32_t *groups; /* partition lines' groups, node_count each */
    size_t group_count, group_cap;
    char (*programs)[VIZ_NAME_BYTES];
    size_t program_count, program_cap;
    struct viz_u32_vec *node_loads; /* per node: indices of its LOAD events */
    struct viz_u32_vec marks;       /* indices of the fault events the timeline marks:
                                       crash, restart, pause, resume, partitions, heal */
    struct viz_msgs msgs;           /* every send, paired with its delivery */
    struct viz_msgs kmsgs;          /* every kernel message (ksend, krecv) */
    struct viz_point *imbalance;    /* step function, one point per change */
    size_t imbalance_count, imbalance_cap;

    struct viz_state head; /* after every stored event */
    struct viz_state *ckpts; /* copies of head, oldest first */
    size_t ckpt_count, ckpt_cap;
    size_t ckpt_interval;

    /* the line splitter's carry-over for streamed input */
    char *partial;
    size_t partial_len, partial_cap;
};

/* `source` names the input in messages ("runs/x/trace.jsonl"). */
void viz_run_init(struct viz_run *r, const char *source);
void viz_run_free(struct viz_run *r);
/* One line without its newline. 0, or -1 (run->error set). */
int viz_run_add_line(struct viz_run *r, const char *line, size_t len);

/* Bytes of a stream, cut into lines; a line cut at the end of `data`
 * waits for the next call. 0 or -1 (run->error set). */
int viz_run_feed(struct viz_run *r, const char *data, size_t len);
/* The stream ended: take a last line without a newline. 0 or -1. */
int viz_run_feed_end(struct viz_run *r);
/* Read a run: `path` is a run directory (its trace.jsonl is read) or a
 * trace file. 0 or -1 (run->error says why: unreadable, malformed). */
int viz_run_load(struct viz_run *r, const char *path);

/* Index of the first event later than t_ns (events [0, i) are at or
 * before t_ns). */
size_t viz_run_events_until(const struct viz_run *r, uint64_t t_ns);
/* The last checkpoint at or before event index `next`. */
const struct viz_state *viz_run_checkpoint_before(const struct viz_run *r, size_t next);
/* The imbalance (thousandths) at time t_ns. */
uint32_t viz_run_imbalance_at(const struct viz_run *r, uint64_t t_ns);
/* Whether a stored event kind is a timeline mark, and its label. */
bool viz_run_is_mark(uint8_t kind);
const char *viz_mark_label(uint8_t kind);
/* A process's program name. */
const char *viz_run_program(const struct viz_run *r, const struct viz_proc *p);

#endif
