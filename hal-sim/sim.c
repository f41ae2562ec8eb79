/*
 * sim.c - see sim.h. The main loop pops the earliest event, sets the
 * clock to its time and hands it to its owner: a node (wake-up), the LAN
 * (frames) or the scenario (spawn, crash, restart, partition, heal,
 * migrate). After every kernel entry point the node requeues its one
 * wake-up. Every kernel trace event passes through sim_kernel_event: it
 * is written, and followed by the process table (sim_procs.h: where each
 * process runs, for migrate events) and the research figures
 * (research.h).
 */
#include "sim.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/abi.h"
#include "core/names.h"
#include "host/units.h"
#include "host/xalloc.h"
#include "sim_disk_image.h"
#include "sim_clock.h"

#define SIM_PATH_BYTES 4096u

const char *sim_end_name(enum sim_end e)
{
    switch (e) {
    case SIM_END_DURATION: return "duration";
    case SIM_END_ALL_EXITED: return "all_exited";
    case SIM_END_MAX_TIME: return "max_time";
    case SIM_END_STUCK: return "stuck";
    case SIM_END_ERROR: return "error";
    case SIM_END_INTERRUPTED: return "interrupted";
    case SIM_END_ASSERT: return "assert";
    default: return "none";
    }
}

void sim_fail(struct sim *s, enum sim_end why, const char *fmt, ...)
{
    if (s->failed)
        return; /* the first failure is the one to report */
    s->failed = true;
    s->end = why;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
}

void sim_schedule_wake(struct sim *s, struct sim_node *n)
{
    if (!n->up || n->paused_until_ns != 0)
        return; /* a resume reschedules */
    /* The kernel's deadline is on its own clock. */
    uint64_t t = sim_clock_sim_ns(n->drift_ppm, kernel_next_deadline(n->k));
    if (t != HAL_TIME_NEVER) {
        if (t < n->busy_until_ns)
            t = n->busy_until_ns;
        if (t < s->now)
            t = s->now;
    }
    n->wake_at_ns = t;
    /* A wake-up already queued for t or sooner comes out first and queues
     * the later one (sim_node_wake): a deadline moving later, as a
     * retransmission timer does at every acknowledgement, costs no entry. */
    if (t >= n->queued_wake_ns)
        return;
    n->wake_gen++;
    n->queued_wake_ns = t;
    struct sim_event ev = {.time_ns = t, .arg = n->wake_gen, .node = n->id, .kind = SIM_EV_WAKE};
    sim_queue_push(&s->queue, &ev);
}

void sim_kernel_event(struct sim *s, uint32_t node, const struct hal_trace_event *ev)
{
    trace_out_kernel(&s->trace, s->now, node, ev);
    /* A pid names one process for the whole run; the table relies on it. */
    if (ev->type == HAL_TRACE_SPAWN && sim_procs_find(&s->ptable, ev->pid) != NULL)
        sim_fail(s, SIM_END_ERROR, "node %u: kernel bug: pid n%u.%u spawned a second time", node,
                 ABI_PID_NODE(ev->pid), ABI_PID_LOCAL(ev->pid));
    struct sim_proc *p = sim_procs_observe(&s->ptable, node, s->now, ev);
    /* Handed over to a node that has crashed meanwhile: lost with it. */
    if (ev->type == HAL_TRACE_MIGRATE_DONE && ev->value2 < s->node_count && !s->nodes[ev->value2].up)
        sim_procs_node_lost(&s->ptable, ev->value2);
    research_observe(&s->research, s->now, node, ev, p);
}

/* ---- the LAN's view of the world ------------------------------------ */

static bool hook_node_up(void *ctx, uint32_t node) { return ((struct sim *)ctx)->nodes[node].up; }

static void hook_deliver(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len)
{
    sim_node_frame(&((struct sim *)ctx)->nodes[node], frame, len);
}

static void hook_wire(void *ctx, uint32_t src, const uint8_t *frame, uint32_t len)
{
    struct sim *s = ctx;
    sim_pcaps_frame(&s->pcaps, sim_net_capture_of_node(&s->net, src), s->now, frame, len);
}

static void hook_router_wire(void *ctx, uint32_t capture, const uint8_t *frame, uint32_t len)
{
    struct sim *s = ctx;
    sim_pcaps_frame(&s->pcaps, capture, s->now, frame, len);
}

static bool hook_ignores(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len)
{
    return sim_node_ignores(&((struct sim *)ctx)->nodes[node], frame, len);
}

static void hook_ignored(void *ctx, uint32_t node, int sign, uint32_t len)
{
    sim_node_count_ignored(&((struct sim *)ctx)->nodes[node], sign, len);
}

static void hook_lost(void *ctx, uint32_t src, uint32_t dst, enum sim_loss_reason why, uint32_t len)
{
    struct sim *s = ctx;
    if (s->opt.trace_frame_loss)
        trace_out_frame_lost(&s->trace, s->now, src, dst, sim_loss_name(why), len);
}

/* ---- opening and closing -------------------------------------------- */

static void out_path(char *buf, const struct sim *s, const char *file)
{
    snprintf(buf, SIM_PATH_BYTES, "%s/%s", s->opt.out_dir, file);
}

/* "<path>: cannot create: <errno's reason>"; -1. */
static int sim_fail_create(char *err, size_t err_bytes, const char *path)
{
    snprintf(err, err_bytes, "%s: cannot create: %s", path, strerror(errno));
    return -1;
}

/* Node `node`'s image path into buf; false when it has none. */
static bool sim_image_path(const struct sim *s, uint32_t node, char *buf, char *err, size_t err_bytes)
{
    const struct scn_disk *cfg = s->nodes[node].disk.cfg;
    if (cfg == NULL || cfg->image == NULL)
        return false;
    if (sim_disk_image_path(cfg, node, buf, SIM_PATH_BYTES) < 0) {
        snprintf(err, err_bytes, "%s: node %u: the image path is too long", s->scn->path, node);
        buf[0] = '\0';
    }
    return true;
}

/* Every node's disk image; 0, or -1 with the first problem in err. */
static int sim_load_images(struct sim *s, char *err, size_t err_bytes)
{
    char path[SIM_PATH_BYTES];
    for (uint32_t i = 0; i < s->node_count; i++) {
        if (!sim_image_path(s, i, path, err, err_bytes))
            continue;
        if (path[0] == '\0' || sim_disk_image_load(&s->nodes[i].disk, path, err, err_bytes) < 0)
            return -1;
    }
    s->images_loaded = true;
    return 0;
}

/* Write back every node's durable disk contents; failures noted in err. */
static int sim_save_images(struct sim *s, char *err, size_t err_bytes)
{
    int rc = 0;
    char path[SIM_PATH_BYTES], why[SIM_PATH_BYTES + 128];
    for (uint32_t i = 0; s->images_loaded && i < s->node_count; i++) {
        if (!sim_image_path(s, i, path, why, sizeof why))
            continue;
        if (path[0] == '\0' || sim_disk_image_save(&s->nodes[i].disk, path, why, sizeof why) < 0) {
            size_t used = err_bytes > 0 ? strlen(err) : 0;
            if (used + 1 < err_bytes)
                snprintf(err + used, err_bytes - used, "%s%s", used != 0 ? "\n" : "", why);
            rc = -1;
        }
    }
    return rc;
}

int sim_open(struct sim *s, const struct scenario *scn, const struct sim_options *opt,
             char *err, size_t err_bytes)
{
    memset(s, 0, sizeof *s);
    s->scn = scn;
    s->opt = *opt;
    s->node_count = scn->node_count;
    sim_queue_init(&s->queue);
    sim_pages_init(&s->pages);

    const char *trace_path = NULL, *console_path = NULL;
    char tp[SIM_PATH_BYTES], pp[SIM_PATH_BYTES], cp[SIM_PATH_BYTES];
    if (opt->out_dir != NULL) {
        out_path(tp, s, "trace.jsonl");
        out_path(cp, s, "console.log");
        trace_path = tp, console_path = cp;
    }
    if (trace_out_open(&s->trace, trace_path) < 0)
        return sim_fail_create(err, err_bytes, trace_path);
    if (sim_pcaps_open(&s->pcaps, opt->out_dir, &scn->topology, pp, sizeof pp) < 0) {
        sim_fail_create(err, err_bytes, pp);
        trace_out_close(&s->trace);
        return -1;
    }
    if (sim_console_open(&s->console, console_path, opt->console_echo) < 0) {
        sim_fail_create(err, err_bytes, console_path);
        trace_out_close(&s->trace);
        (void)sim_pcaps_close(&s->pcaps, pp, sizeof pp);
        return -1;
    }

    struct sim_net_hooks hooks = {.ctx = s, .node_up = hook_node_up, .deliver = hook_deliver,
                                  .wire = hook_wire, .router_wire = hook_router_wire, .lost = hook_lost,
                                  .ignores = hook_ignores, .ignored = hook_ignored};
    sim_net_init(&s->net, scn, opt->seed, &s->queue, &hooks);
    sim_procs_init(&s->ptable, scn->node_count);
    research_init(&s->research, scn);
    s->nodes = xcalloc(s->node_count, sizeof s->nodes[0]);
    for (uint32_t i = 0; i < s->node_count; i++)
        sim_node_init(&s->nodes[i], s, i);
    progress_init(&s->progress, opt->progress, scn->duration_ns);
    s->console.progress = &s->progress;
    if (sim_load_images(s, err, err_bytes) < 0) {
        trace_out_close(&s->trace);
        (void)sim_pcaps_close(&s->pcaps, pp, sizeof pp);
        sim_console_close(&s->console);
        s->outputs_closed = true; /* nothing to write: the run never began */
        sim_close(s, NULL, 0);
        return -1;
    }
    trace_out_start(&s->trace, scn->name, opt->seed, scn->node_count);
    return 0;
}

void sim_collect_metrics(const struct sim *s, struct metrics_node *rows, struct metrics_run *run)
{
    for (uint32_t i = 0; i < s->node_count; i++) {
        const struct sim_node *n = &s->nodes[i];
        const struct sim_net_counters *c = &s->net.ports[i].c;
        struct kernel_stats k;
        sim_node_stats(n, &k);
        uint64_t *v = rows[i].v;
        memset(v, 0, sizeof rows[i].v);
        v[M_NODE] = i;
        v[M_CPU_MIPS] = s->scn->nodes[i].cpu_mips;
        v[M_MEMORY_MIB] = s->scn->nodes[i].memory_mib;
        v[M_UP] = n->up;
        v[M_BOOTS] = n->boots;
        v[M_CRASHES] = n->crashes;
        v[M_PROCESSES] = n->procs;
        v[M_INSNS] = k.insns;
        v[M_CPU_BUSY_NS] = n->cpu_busy_ns;
        v[M_SPAWNED] = k.spawned;
        v[M_EXITED] = k.exited;
        v[M_FAULTED] = k.faulted;
        v[M_MSGS_SENT] = k.msgs_sent;
        v[M_MSGS_DELIVERED] = k.msgs_delivered;
        v[M_MSGS_DROPPED] = k.msgs_dropped;
        v[M_FRAMES_TX] = k.frames_tx;
        v[M_FRAMES_RX] = k.frames_rx;
        v[M_BYTES_TX] = k.bytes_tx;
        v[M_BYTES_RX] = k.bytes_rx;
        v[M_FRAMES_BAD] = k.frames_bad;
        v[M_RETRANSMITS] = k.retransmits;
        v[M_PEER_RESETS] = k.peer_resets;
        v[M_PAGES_IN_USE] = n->pages_in_use;
        v[M_PAGES_PEAK] = n->pages_peak;
        v[M_LOAD_MILLI] = n->k != NULL ? k.load_milli : 0;
        v[M_NET_TX_FRAMES] = c->tx_frames;
        v[M_NET_TX_BYTES] = c->tx_bytes;
        v[M_NET_TX_BUSY] = c->tx_busy;
        v[M_NET_RX_FRAMES] = c->rx_frames;
        v[M_NET_RX_BYTES] = c->rx_bytes;
        for (int r = 0; r < SIM_LOSS_COUNT; r++)
            v[M_NET_LOST] += c->lost[r];
        v[M_MIGRATIONS_OUT] = k.migrations_out;
        v[M_MIGRATIONS_IN] = k.migrations_in;
        v[M_MIGRATIONS_ABORTED] = k.migrations_aborted;
        v[M_MIGRATION_BYTES] = k.migration_bytes;
        v[M_FORWARDED] = k.forwarded;
        const struct sim_disk_counters *d = &n->disk.c;
        v[M_DISK_READS] = d->reads;
        v[M_DISK_WRITES] = d->writes;
        v[M_DISK_FLUSHES] = d->flushes;
        v[M_DISK_READ_BYTES] = d->read_bytes;
        v[M_DISK_WRITE_BYTES] = d->write_bytes;
        v[M_DISK_BUSY_NS] = d->busy_ns;
        v[M_DISK_REQUESTS] = d->requests;
        v[M_DISK_CRASHED_AT] = d->crashed_at;
    }
    const struct sim_net_counters *t = &s->net.total;
    *run = (struct metrics_run){
        .scenario = s->scn->name,
        .scenario_sha256 = s->scn->sha256,
        .seed = s->opt.seed,
        .balancer = balance_policy_name(s->scn->balance.policy),
        .migration = migrate_mode_name(s->scn->migrate_mode),
        .end = sim_end_name(s->end),
        .failed = s->failed,
        .sim_time_ns = s->now,
        .drain_ns = s->draining ? s->now - s->drain_from_ns : 0,
        .quiet = s->end == SIM_END_ALL_EXITED && s->quiet,
        .events = s->events,
        .spawn_failures = s->spawn_failures,
        .migrate_failures = s->migrate_failures,
        .node_count = s->node_count,
        .nodes = rows,
        .net = {
            .frames_sent = t->tx_frames,
            .bytes_sent = t->tx_bytes,
            .frames_busy = t->tx_busy,
            .frames_delivered = t->rx_frames,
            .bytes_delivered = t->rx_bytes,
            .lost_loss = t->lost[SIM_LOSS_RANDOM],
            .lost_partition = t->lost[SIM_LOSS_PARTITION],
            .lost_down = t->lost[SIM_LOSS_DOWN],
            .lost_no_route = t->lost[SIM_LOSS_NO_ROUTE],
            .lost_ring_full = t->lost[SIM_LOSS_RING_FULL],
            .frames_duplicated = t->duplicated,
            .frames_corrupted = t->corrupted,
        },
    };
    struct metrics_node totals;
    metrics_totals(run, &totals);
    research_summarize(&s->research, s->now, totals.v[M_INSNS], totals.v[M_FORWARDED], &run->research);
}

/* Output file `file` failed with errno `why`: one more line in err. */
static void sim_note_output_failure(const struct sim *s, const char *file, int why, char *err,
                                    size_t err_bytes)
{
    char path[SIM_PATH_BYTES];
    out_path(path, s, file);
    size_t used = err_bytes > 0 ? strlen(err) : 0; /* sim_finish terminated it */
    if (used + 1 < err_bytes)
        snprintf(err + used, err_bytes - used, "%s%s: cannot write: %s", used != 0 ? "\n" : "", path,
                 strerror(why));
}

/* The metrics files; each failure noted. 0, or -1. */
static int sim_write_metrics(struct sim *s, char *err, size_t err_bytes)
{
    static const struct {
        const char *file;
        int (*write)(const struct metrics_run *r, const char *path);
    } files[] = {
        {"metrics.json", metrics_write_json},
        {"metrics.csv", metrics_write_csv},
        {"research.csv", metrics_write_research_csv},
    };
    struct metrics_node *rows = xcalloc(s->node_count, sizeof rows[0]);
    struct metrics_run run;
    sim_collect_metrics(s, rows, &run);
    int rc = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[SIM_PATH_BYTES];
        out_path(path, s, files[i].file);
        if (files[i].write(&run, path) < 0) {
            sim_note_output_failure(s, files[i].file, errno, err, err_bytes);
            rc = -1;
        }
    }
    free(rows);
    return rc;
}

int sim_finish(struct sim *s, char *err, size_t err_bytes)
{
    if (err_bytes > 0)
        err[0] = '\0';
    if (s->outputs_closed)
        return 0;
    s->outputs_closed = true;
    int rc = s->opt.out_dir != NULL ? sim_write_metrics(s, err, err_bytes) : 0;
    if (sim_save_images(s, err, err_bytes) < 0)
        rc = -1;
    if (trace_out_close(&s->trace) < 0) {
        sim_note_output_failure(s, "trace.jsonl", errno, err, err_bytes);
        rc = -1;
    }
    char pcap_name[64];
    if (sim_pcaps_close(&s->pcaps, pcap_name, sizeof pcap_name) < 0) {
        sim_note_output_failure(s, pcap_name, errno, err, err_bytes);
        rc = -1;
    }
    if (sim_console_close(&s->console) < 0) {
        sim_note_output_failure(s, "console.log", errno, err, err_bytes);
        rc = -1;
    }
    return rc;
}

int sim_close(struct sim *s, char *err, size_t err_bytes)
{
    int rc = sim_finish(s, err, err_bytes);
    for (uint32_t i = 0; i < s->node_count; i++)
        sim_node_free(&s->nodes[i]);
    struct sim_event ev;
    while (sim_queue_pop(&s->queue, &ev))
        sim_net_discard(&s->net, &ev);
    free(s->nodes);
    s->nodes = NULL;
    sim_pages_destroy(&s->pages);
    sim_procs_free(&s->ptable);
    research_free(&s->research);
    sim_net_free(&s->net);
    sim_queue_free(&s->queue);
    return rc;
}

/* ---- scenario events ------------------------------------------------ */

/* Whether `node` can take a spawn or a migrate now; if not, an
 * "ignored" trace line says why. */
static bool scenario_node_ready(struct sim *s, uint32_t node, const char *event)
{
    const struct sim_node *n = &s->nodes[node];
    if (n->up && n->paused_until_ns == 0)
        return true;
    trace_out_ignored(&s->trace, s->now, node, event, n->up ? "node is paused" : "node is down");
    return false;
}

static void scenario_spawn(struct sim *s, const struct scn_event *e, uint32_t node)
{
    struct sim_node *n = &s->nodes[node];
    if (!scenario_node_ready(s, node, "spawn"))
        return;
    int64_t rc = sim_node_spawn(n, e->program, (const char *const *)e->argv, e->argc);
    if (rc >= 0) {
        if (e->pinned)
            sim_node_pin(n, (uint32_t)rc);
        return;
    }
    s->spawn_failures++;
    if (s->opt.diagnostics != NULL)
        fprintf(s->opt.diagnostics, "%s: events[%u]: spawn \"%s\" on node %u failed: %s\n",
                s->scn->path, e->index, e->program, node, abi_error_name((int)rc));
    trace_out_spawn_failed(&s->trace, s->now, node, e->program, (int)rc);
}

void sim_crash_node(struct sim *s, uint32_t node, uint64_t disk_request)
{
    struct sim_node *n = &s->nodes[node];
    trace_out_crash(&s->trace, s->now, node, disk_request);
    struct sim_disk_crash_report disk = sim_node_crash(n);
    if (n->disk.cfg != NULL)
        trace_out_disk_crash(&s->trace, s->now, node, disk.lost, disk.kept, disk.torn,
                             disk.torn_sectors_written);
    sim_procs_node_lost(&s->ptable, node);
    research_node_down(&s->research, node);
}

static void scenario_crash(struct sim *s, uint32_t node)
{
    if (!s->nodes[node].up) {
        trace_out_ignored(&s->trace, s->now, node, "crash", "node is down");
        return;
    }
    sim_crash_node(s, node, 0);
}

static void scenario_restart(struct sim *s, uint32_t node)
{
    struct sim_node *n = &s->nodes[node];
    if (n->up) {
        trace_out_ignored(&s->trace, s->now, node, "restart", "node is up");
        return;
    }
    uint32_t epoch = sim_node_next_epoch(n);
    trace_out_restart(&s->trace, s->now, node, epoch);
    if (!sim_node_boot(n, epoch))
        sim_fail(s, SIM_END_ERROR, "node %u: the kernel could not boot in %u MiB of memory",
                 node, s->scn->nodes[node].memory_mib);
}

/* Ask the kernel where process e->pid runs now to move it. Returns false
 * when the process has ended, so a repeating migrate stops. */
static bool scenario_migrate(struct sim *s, const struct scn_event *e)
{
    const struct sim_proc *p = sim_procs_find(&s->ptable, e->pid);
    bool running = p != NULL && sim_proc_alive(p);
    uint32_t node = p != NULL ? p->node : ABI_PID_NODE(e->pid);
    uint32_t to = e->to_next ? (node + 1) % s->node_count : e->to_node;
    int rc = ERR_NO_PROCESS;
    if (running && node < s->node_count && s->nodes[node].up) {
        if (!scenario_node_ready(s, node, "migrate"))
            return true;
        rc = sim_node_migrate(&s->nodes[node], e->pid, to);
    }
    if (rc < 0) {
        s->migrate_failures++;
        trace_out_migrate_failed(&s->trace, s->now, node, e->pid, to, rc);
    }
    return p == NULL || running;
}

/* Whether an event still to come does not hold a run whose processes
 * have all exited (sim_work_left): a migrate, or a repeating event. */
static bool scenario_event_optional(const struct scn_event *e)
{
    return e->kind == SCN_MIGRATE || e->count > 1;
}

/* Queue the next repetition of a repeating event, if any is left. */
static void scenario_repeat(struct sim *s, uint32_t index, uint32_t done)
{
    const struct scn_event *e = &s->scn->events[index];
    uint32_t count = e->count != 0 ? e->count : 1;
    if (done >= count || e->every_ns > UINT64_MAX - s->now) {
        s->scn_events_left--;
        s->scn_optional_left -= scenario_event_optional(e);
        return;
    }
    struct sim_event ev = {.time_ns = s->now + e->every_ns, .arg = (uint64_t)done << 32 | index,
                           .kind = SIM_EV_SCENARIO};
    sim_queue_push(&s->queue, &ev);
}

static void scenario_partition(struct sim *s, const struct scn_event *e)
{
    if (e->one_way) {
        sim_net_partition_one_way(&s->net, e->group_of_node);
        trace_out_partition_one_way(&s->trace, s->now, e->group_of_node, s->node_count);
        return;
    }
    sim_net_partition(&s->net, e->group_of_node);
    trace_out_partition(&s->trace, s->now, e->group_of_node, s->node_count);
}

/* The node stands still for pause_ns; a paused node's pause ends at the
 * later of the two ends. */
static void scenario_pause(struct sim *s, uint32_t node, uint64_t pause_ns)
{
    struct sim_node *n = &s->nodes[node];
    if (!n->up) {
        trace_out_ignored(&s->trace, s->now, node, "pause", "node is down");
        return;
    }
    uint64_t until = pause_ns > UINT64_MAX - s->now ? UINT64_MAX : s->now + pause_ns;
    if (until < n->paused_until_ns)
        until = n->paused_until_ns;
    sim_node_pause(n, until);
    trace_out_pause(&s->trace, s->now, node, until);
    struct sim_event ev = {.time_ns = until, .arg = n->pause_gen, .node = node, .kind = SIM_EV_RESUME};
    sim_queue_push(&s->queue, &ev);
}

static void sim_resume(struct sim *s, const struct sim_event *ev)
{
    struct sim_node *n = &s->nodes[ev->node];
    if (n->paused_until_ns == 0 || ev->arg != n->pause_gen)
        return; /* crashed meanwhile, or paused again for longer */
    /* Said before what the held frames make the kernel do. */
    trace_out_resume(&s->trace, s->now, ev->node, s->net.ports[ev->node].held_count);
    sim_node_resume(n);
}

/* A scenario event: arg holds its index in scn->events (low 32 bits) and
 * how many times it happened before (high 32 bits, for repeats). */
static void scenario_event(struct sim *s, uint64_t arg)
{
    uint32_t index = (uint32_t)arg, done = (uint32_t)(arg >> 32) + 1;
    const struct scn_event *e = &s->scn->events[index];
    uint32_t first = e->node, last = e->node;
    if (e->all_nodes) {
        first = 0;
        last = s->node_count - 1;
    }
    switch (e->kind) {
    case SCN_SPAWN:
        for (uint32_t i = first; i <= last && i < s->node_count; i++)
            scenario_spawn(s, e, i);
        break;
    case SCN_CRASH:
        for (uint32_t i = first; i <= last && i < s->node_count; i++)
            scenario_crash(s, i);
        break;
    case SCN_RESTART:
        for (uint32_t i = first; i <= last && i < s->node_count; i++)
            scenario_restart(s, i);
        break;
    case SCN_PARTITION:
        scenario_partition(s, e);
        break;
    case SCN_PAUSE:
        for (uint32_t i = first; i <= last && i < s->node_count; i++)
            scenario_pause(s, i, e->pause_ns);
        break;
    case SCN_HEAL:
        sim_net_heal(&s->net);
        trace_out_heal(&s->trace, s->now);
        break;
    case SCN_MIGRATE:
        if (!scenario_migrate(s, e))
            done = UINT32_MAX; /* the process is gone: no more repetitions */
        break;
    }
    scenario_repeat(s, index, done);
}

/* ---- the main loop -------------------------------------------------- */

static bool sim_boot_all(struct sim *s)
{
    for (uint32_t i = 0; i < s->node_count; i++) {
        if (!sim_node_boot(&s->nodes[i], sim_node_next_epoch(&s->nodes[i]))) {
            sim_fail(s, SIM_END_ERROR, "node %u: the kernel could not boot in %u MiB of memory",
                     i, s->scn->nodes[i].memory_mib);
            return false;
        }
    }
    /* A spawn with a "count" is that many events in a row, exactly as
     * if the file listed it that many times. */
    s->scn_events_left = 0;
    for (uint32_t i = 0; i < s->scn->event_count; i++) {
        const struct scn_event *e = &s->scn->events[i];
        uint32_t copies = e->kind == SCN_SPAWN && e->copies > 1 ? e->copies : 1;
        struct sim_event ev = {.time_ns = e->at_ns, .arg = i, .kind = SIM_EV_SCENARIO};
        for (uint32_t c = 0; c < copies; c++)
            sim_queue_push(&s->queue, &ev);
        s->scn_optional_left += scenario_event_optional(e);
        s->scn_events_left += copies;
    }
    return true;
}

static void sim_dispatch(struct sim *s, const struct sim_event *ev)
{
    s->current = *ev;
    s->handling = true;
    switch (ev->kind) {
    case SIM_EV_WAKE:
        if (sim_node_wake(&s->nodes[ev->node], ev->arg))
            s->events++;
        return;
    case SIM_EV_DISK:
        if (sim_node_disk_done(&s->nodes[ev->node], ev->arg))
            s->events++;
        return;
    case SIM_EV_SCENARIO:
        scenario_event(s, ev->arg);
        break;
    case SIM_EV_NET_TX:
    case SIM_EV_NET_FANOUT:
    case SIM_EV_NET_DELIVER:
    case SIM_EV_NET_BCAST:
    case SIM_EV_NET_HOP:
        sim_net_handle(&s->net, ev);
        break;
    case SIM_EV_RESUME:
        sim_resume(s, ev);
        break;
    default:
        break;
    }
    s->events++;
}

/* ---- a failed KASSERT ---------------------------------------------- */

/* The event being handled, in words: "event 812: frame delivery to node 2". */
static void sim_describe_current(const struct sim *s, char *buf, size_t bytes)
{
    static const char *const kinds[] = {
        [SIM_EV_WAKE] = "wake-up (timer or CPU slice) of node",
        [SIM_EV_SCENARIO] = "scenario event",
        [SIM_EV_NET_TX] = "frame leaving the NIC of node",
        [SIM_EV_NET_FANOUT] = "broadcast frame reaching the switch from node",
        [SIM_EV_NET_DELIVER] = "frame delivery to node",
        [SIM_EV_NET_BCAST] = "last ignored broadcast copy arriving",
        [SIM_EV_DISK] = "disk completion on node",
        [SIM_EV_RESUME] = "end of the pause of node",
        [SIM_EV_TEST] = "test event",
    };
    const struct sim_event *e = &s->current;
    if (!s->handling)
        snprintf(buf, bytes, "booting the nodes at the start of the run");
    else if (e->kind == SIM_EV_SCENARIO)
        snprintf(buf, bytes, "event %llu: scenario event %u (its index in \"events\")",
                 (unsigned long long)s->events, (unsigned)(uint32_t)e->arg);
    else if (e->kind < sizeof kinds / sizeof kinds[0] && kinds[e->kind] != NULL)
        snprintf(buf, bytes, "event %llu: %s %u", (unsigned long long)s->events, kinds[e->kind], e->node);
    else
        snprintf(buf, bytes, "event %llu: kind %u", (unsigned long long)s->events, e->kind);
}

void sim_assert_failed(struct sim *s, uint32_t node, const struct hal_assert *a)
{
    char at[32], what[160], reproduce[SIM_PATH_BYTES + 64];
    units_format_duration(s->now, at, sizeof at);
    sim_describe_current(s, what, sizeof what);
    if (s->opt.reproduce != NULL)
        snprintf(reproduce, sizeof reproduce, "%s", s->opt.reproduce);
    else
        snprintf(reproduce, sizeof reproduce, "nimbus run %s --seed %llu", s->scn->path,
                 (unsigned long long)s->opt.seed);
    fflush(stdout);
    fprintf(stderr, "nimbus run: KASSERT failed on node %u at %s:%u: %s%s%s\n", node, a->file,
            (unsigned)a->line, a->expr, a->msg != NULL ? ": " : "", a->msg != NULL ? a->msg : "");
    fprintf(stderr, "nimbus run:   seed %llu, simulated time %s (%llu ns), while handling %s\n",
            (unsigned long long)s->opt.seed, at, (unsigned long long)s->now, what);
    fprintf(stderr, "nimbus run: reproduce with: %s\n", reproduce);
    fflush(stderr);
    sim_fail(s, SIM_END_ASSERT, "KASSERT failed on node %u at %s:%u: %s", node, a->file, (unsigned)a->line,
             a->expr);
    trace_out_assert(&s->trace, s->now, node, a);
    for (uint32_t i = 0; i < s->node_count; i++)
        sim_console_flush_node(&s->console, &s->nodes[i].console, i);
    trace_out_end(&s->trace, s->now, sim_end_name(s->end), s->events);
    char err[SIM_ERROR_BYTES];
    if (sim_finish(s, err, sizeof err) < 0)
        fprintf(stderr, "nimbus run: %s\n", err);
    fflush(NULL);
    exit(2); /* CLI_EXIT_FAILED, SWEEP_CHILD_RUN_FAILED */
}

/* Fail a run that cannot finish, naming the first node with processes
 * left: for SIM_END_MAX_TIME `what` is the limit, else why it is stuck. */
static void sim_fail_left(struct sim *s, enum sim_end why, const char *what)
{
    uint32_t node = 0;
    while (node + 1 < s->node_count && s->nodes[node].procs == 0)
        node++;
    char at[32];
    units_format_duration(s->now, at, sizeof at);
    if (why == SIM_END_MAX_TIME)
        sim_fail(s, why, "not finished by max_time (%s): %llu processes still alive "
                 "(%u on node %u, the first); raise max_time or look at trace.jsonl",
                 what, (unsigned long long)s->procs, s->nodes[node].procs, node);
    else
        sim_fail(s, why, "stuck at %s: %llu processes alive (%u on node %u, the first) "
                 "but %s", at, (unsigned long long)s->procs, s->nodes[node].procs, node, what);
}

/* Whether processes may still do anything: one is alive, or a scenario
 * event other than a migrate or a repeating one is to come. A migrate
 * names a process: with none alive and no spawn to come, it could only
 * fail; a flapping partition or a pause that keeps coming back would
 * hold the run for nothing. */
static bool sim_work_left(const struct sim *s)
{
    return s->procs != 0 || s->scn_events_left > s->scn_optional_left;
}

/* Messages the live kernels still wait to have acknowledged. */
static uint64_t sim_unacked(const struct sim *s)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < s->node_count; i++)
        if (s->nodes[i].up)
            n += kernel_unacked_messages(s->nodes[i].k);
    return n;
}

/* Every process has exited: end once nothing is in flight on the wire or
 * in a transport, or at SIM_DRAIN_MAX_NS (max_time if sooner) without. */
static bool sim_drained(struct sim *s, const struct sim_event *next)
{
    if (!s->draining) {
        s->draining = true;
        s->drain_from_ns = s->now;
    }
    s->quiet = s->net.events_queued == 0 && s->net.held == 0 && sim_unacked(s) == 0;
    uint64_t limit = s->drain_from_ns + SIM_DRAIN_MAX_NS;
    if (limit > s->scn->max_time_ns)
        limit = s->scn->max_time_ns;
    if (!s->quiet && next != NULL && next->time_ns <= limit)
        return false;
    if (!s->quiet && next != NULL)
        s->now = limit;
    s->end = SIM_END_ALL_EXITED;
    return true;
}

/* Decide whether the run is over before the next event; true to stop. */
static bool sim_should_stop(struct sim *s, const struct sim_event *next)
{
    const struct scenario *scn = s->scn;
    if (s->failed)
        return true;
    if (s->opt.interrupt != NULL && *s->opt.interrupt) {
        sim_fail(s, SIM_END_INTERRUPTED, "interrupted at %llu ns of simulated time",
                 (unsigned long long)s->now);
        return true;
    }
    if (scn->duration_ns == 0 && !sim_work_left(s))
        return sim_drained(s, next);
    if (scn->duration_ns != 0 && (next == NULL || next->time_ns > scn->duration_ns)) {
        s->now = scn->duration_ns;
        s->end = SIM_END_DURATION;
        return true;
    }
    if (next == NULL) {
        sim_fail_left(s, SIM_END_STUCK, "nothing more can happen");
        return true;
    }
    if (scn->duration_ns == 0 && next->time_ns > scn->max_time_ns) {
        char limit[32];
        units_format_duration(scn->max_time_ns, limit, sizeof limit);
        s->now = scn->max_time_ns;
        sim_fail_left(s, SIM_END_MAX_TIME, limit);
        return true;
    }
    return false;
}

int sim_run(struct sim *s)
{
    s->now = 0;
    sim_boot_all(s);
    for (;;) {
        const struct sim_event *next = sim_queue_peek(&s->queue);
        if (sim_should_stop(s, next))
            break;
        struct sim_event ev;
        sim_queue_pop(&s->queue, &ev);
        if (research_sample_due(&s->research, ev.time_ns))
            research_sample_until(&s->research, ev.time_ns);
        s->now = ev.time_ns;
        sim_dispatch(s, &ev);
        progress_update(&s->progress, s->now, s->events);
    }
    progress_done(&s->progress);
    /* A failed run stopped right after the event that failed; any other
     * end handled every event up to s->now. */
    bool cut = s->end == SIM_END_ERROR || s->end == SIM_END_INTERRUPTED;
    sim_net_stop(&s->net, s->now, cut ? s->queue.popped_seq : UINT64_MAX);
    research_sample_until(&s->research, s->now + 1);
    for (uint32_t i = 0; i < s->node_count; i++)
        sim_console_flush_node(&s->console, &s->nodes[i].console, i);
    trace_out_end(&s->trace, s->now, sim_end_name(s->end), s->events);
    return s->failed ? -1 : 0;
}
