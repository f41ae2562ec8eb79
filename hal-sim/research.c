/*
 * research.c - see research.h. The definitions of the figures, and why
 * they are measured this way, are in docs/metrics.md.
 */
#include "research.h"

#include <stdlib.h>
#include <string.h>

#include "core/param.h"
#include "research_stats.h"
#include "host/xalloc.h"

static void vec_push(struct research_vec *v, uint64_t x)
{
    if (v->len == v->cap) {
        v->cap = v->cap != 0 ? v->cap * 2 : 64;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->len++] = x;
}

/* A sorted copy of v (the caller frees), so summarising leaves r as it is. */
static uint64_t *vec_sorted(const struct research_vec *v)
{
    uint64_t *copy = xmalloc((v->len > 0 ? v->len : 1) * sizeof *copy);
    if (v->len > 0)
        memcpy(copy, v->v, v->len * sizeof *copy);
    stats_sort(copy, v->len);
    return copy;
}

void research_init(struct research *r, const struct scenario *scn)
{
    memset(r, 0, sizeof *r);
    r->node_count = scn->node_count;
    for (uint32_t i = 0; i < scn->node_count; i++) {
        r->total_mips += scn->nodes[i].cpu_mips;
        if (scn->nodes[i].cpu_mips > r->max_mips)
            r->max_mips = scn->nodes[i].cpu_mips;
    }
    size_t n = scn->node_count > 0 ? scn->node_count : 1;
    r->runq = xcalloc(n, sizeof *r->runq);
    r->up = xcalloc(n, sizeof *r->up);
    r->next_sample_ns = LOAD_SAMPLE_NS + LOAD_SAMPLE_NS / 2;
}

void research_free(struct research *r)
{
    free(r->response_ns.v);
    free(r->freeze_us.v);
    free(r->runq);
    free(r->up);
    memset(r, 0, sizeof *r);
}

/* ---- load samples --------------------------------------------------- */

/* Node `node` now counts with run-queue length q (live) or not at all. */
static void load_set(struct research *r, uint32_t node, bool up, uint32_t q)
{
    if (node >= r->node_count)
        return;
    if (r->up[node]) {
        uint64_t old = r->runq[node];
        r->live--;
        r->sum -= old;
        r->sum_sq -= old * old;
    }
    if (q > RESEARCH_MAX_RUNQ)
        q = RESEARCH_MAX_RUNQ;
    r->up[node] = up;
    r->runq[node] = up ? q : 0;
    if (up) {
        r->live++;
        r->sum += q;
        r->sum_sq += (uint64_t)q * q;
    }
}

void research_node_down(struct research *r, uint32_t node) { load_set(r, node, false, 0); }

void research_sample_until(struct research *r, uint64_t t_ns)
{
    while (r->next_sample_ns < t_ns) {
        /* An idle cluster has no imbalance to speak of: skipped. */
        if (r->sum > 0) {
            uint64_t cv = stats_cv_milli(r->live, r->sum, r->sum_sq);
            r->cv_sum += cv;
            if (cv > r->cv_max)
                r->cv_max = cv;
            r->samples++;
        }
        r->next_sample_ns += LOAD_SAMPLE_NS;
    }
}

/* ---- events --------------------------------------------------------- */

static void research_on_exit(struct research *r, uint64_t now_ns, const struct hal_trace_event *ev,
                    const struct sim_proc *p)
{
    r->last_exit_ns = now_ns;
    if (p == NULL || !p->job)
        return;
    r->jobs_finished++;
    vec_push(&r->response_ns, now_ns - p->spawn_ns);
    /* A job cannot finish sooner than its own instructions take on the
     * fastest node, counted from its arrival (kernels that report the
     * process's instructions in value64; 0 otherwise). */
    if (ev->value64 != 0 && r->max_mips != 0) {
        uint64_t alone_ns = stats_div_ceil(ev->value64 * 1000u, r->max_mips);
        uint64_t bound = p->spawn_ns - r->first_spawn_ns + alone_ns;
        if (bound > r->longest_job_ns)
            r->longest_job_ns = bound;
    }
}

void research_observe(struct research *r, uint64_t now_ns, uint32_t node, const struct hal_trace_event *ev,
                      const struct sim_proc *p)
{
    switch (ev->type) {
    case HAL_TRACE_BOOT: load_set(r, node, true, 0); break;
    case HAL_TRACE_LOAD: load_set(r, node, true, ev->value2); break;
    case HAL_TRACE_SPAWN:
        if (p != NULL && p->job) {
            if (!r->any_job)
                r->first_spawn_ns = now_ns;
            r->any_job = true;
            r->jobs++;
        }
        break;
    case HAL_TRACE_EXIT: research_on_exit(r, now_ns, ev, p); break;
    case HAL_TRACE_MIGRATE_DONE:
        r->migrations++;
        r->bytes_moved += ev->value64;
        vec_push(&r->freeze_us, ev->value > 0 ? (uint64_t)ev->value : 0);
        break;
    case HAL_TRACE_MIGRATE_ABORT: r->aborted++; break;
    case HAL_TRACE_BALANCE: r->balance_decisions++; break;
    default: break;
    }
}

/* ---- the figures ---------------------------------------------------- */

static void summarize_lower_bound(const struct research *r, uint64_t work_insns, uint64_t makespan,
                                  uint64_t *v)
{
    v[R_WORK_INSNS] = work_insns;
    v[R_WORK_BOUND_NS] = r->total_mips != 0 ? stats_div_ceil(work_insns * 1000u, r->total_mips) : 0;
    v[R_LONGEST_JOB_NS] = r->longest_job_ns;
    uint64_t bound = v[R_WORK_BOUND_NS] > r->longest_job_ns ? v[R_WORK_BOUND_NS] : r->longest_job_ns;
    v[R_LOWER_BOUND_NS] = bound;
    v[R_MAKESPAN_OVER_BOUND_MILLI] = bound != 0 ? makespan * 1000u / bound : 0;
}

void research_summarize(const struct research *r, uint64_t end_ns, uint64_t work_insns, uint64_t forwarded,
                        struct metrics_research *out)
{
    uint64_t *v = out->v;
    memset(out, 0, sizeof *out);
    if (r->any_job) {
        /* Unfinished jobs make it run to the end: a bound from below. */
        uint64_t last = r->jobs_finished < r->jobs ? end_ns : r->last_exit_ns;
        v[R_MAKESPAN_NS] = last > r->first_spawn_ns ? last - r->first_spawn_ns : 0;
    }
    v[R_JOBS] = r->jobs;
    v[R_JOBS_FINISHED] = r->jobs_finished;
    uint64_t *resp = vec_sorted(&r->response_ns);
    size_t n = r->response_ns.len;
    v[R_RESPONSE_MEAN_NS] = stats_mean(resp, n);
    v[R_RESPONSE_P50_NS] = stats_percentile(resp, n, 50);
    v[R_RESPONSE_P95_NS] = stats_percentile(resp, n, 95);
    v[R_RESPONSE_P99_NS] = stats_percentile(resp, n, 99);
    v[R_RESPONSE_MAX_NS] = stats_percentile(resp, n, 100);
    free(resp);
    v[R_MIGRATIONS] = r->migrations;
    v[R_MIGRATIONS_ABORTED] = r->aborted;
    v[R_BYTES_MOVED] = r->bytes_moved;
    uint64_t *freeze = vec_sorted(&r->freeze_us);
    n = r->freeze_us.len;
    v[R_FREEZE_MIN_US] = stats_percentile(freeze, n, 0);
    v[R_FREEZE_MEDIAN_US] = stats_percentile(freeze, n, 50);
    v[R_FREEZE_MAX_US] = stats_percentile(freeze, n, 100);
    free(freeze);
    v[R_BALANCE_DECISIONS] = r->balance_decisions;
    v[R_FORWARDED] = forwarded;
    v[R_IMBALANCE_MEAN_CV_MILLI] = r->samples != 0 ? r->cv_sum / r->samples : 0;
    v[R_IMBALANCE_MAX_CV_MILLI] = r->cv_max;
    v[R_IMBALANCE_SAMPLES] = r->samples;
    summarize_lower_bound(r, work_insns, v[R_MAKESPAN_NS], v);
}
