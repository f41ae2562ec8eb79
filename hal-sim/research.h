/*
 * research.h - the research figures of a run (docs/metrics.md,
 * "research"): makespan, response times of the scenario's jobs,
 * migrations and their freeze times, load imbalance over time, and a
 * lower bound on the makespan to compare with.
 *
 * Everything is learnt from the kernels' trace events as the simulator
 * stamps them, plus the nodes' instruction counters at the end; nothing
 * reads kernel memory. Integer arithmetic only (research_stats.h), so the
 * figures are byte-identical on every machine.
 */
#ifndef SIM_RESEARCH_H
#define SIM_RESEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal_trace.h"
#include "metrics.h"
#include "scenario.h"
#include "sim_procs.h"

/* Load imbalance is sampled at the middle of every load-sample period of
 * the kernels (core/param.h LOAD_SAMPLE_NS), from each live node's latest
 * LOAD event; run-queue lengths above this count as this. */
#define RESEARCH_MAX_RUNQ 65535u

struct research_vec {
    uint64_t *v;
    size_t len, cap;
};

struct research {
    uint32_t node_count;
    uint64_t total_mips, max_mips;
    /* jobs: processes the scenario spawned */
    uint64_t jobs, jobs_finished;
    bool any_job;
    uint64_t first_spawn_ns; /* of the first job */
    uint64_t last_exit_ns;   /* of any process */
    uint64_t longest_job_ns; /* arrival offset + its own work alone on the fastest node */
    struct research_vec response_ns, freeze_us;
    /* migration and balancing */
    uint64_t migrations, aborted, bytes_moved, balance_decisions;
    /* imbalance: each live node's latest run-queue length, and their sums */
    uint32_t *runq;
    uint8_t *up;
    uint64_t live, sum, sum_sq;
    uint64_t next_sample_ns;
    uint64_t cv_sum, cv_max, samples;
};

void research_init(struct research *r, const struct scenario *scn);
void research_free(struct research *r);

/* A kernel trace event from `node` at now_ns; p is the process it is
 * about as sim_procs_observe returned it (may be NULL). */
void research_observe(struct research *r, uint64_t now_ns, uint32_t node, const struct hal_trace_event *ev,
                      const struct sim_proc *p);

/* The node crashed: it leaves the load samples until it boots again. */
void research_node_down(struct research *r, uint32_t node);

/* Take every load sample due before t_ns. Cheap to call when none is. */
void research_sample_until(struct research *r, uint64_t t_ns);

static inline bool research_sample_due(const struct research *r, uint64_t t_ns)
{
    return t_ns > r->next_sample_ns;
}

/* The figures as of end_ns, given the instructions every node executed
 * and the messages forwarded, summed over nodes. */
void research_summarize(const struct research *r, uint64_t end_ns, uint64_t work_insns, uint64_t forwarded,
                        struct metrics_research *out);

#endif
