/*
 * sim_node.c - see sim_node.h. The HAL operations here are what a kernel
 * sees of the simulator; they never call back into any kernel.
 */
#include "sim_node.h"

#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_clock.h"
#include "user/programs.h"
#include "user/programs_xlat.h"

/* ---- the HAL -------------------------------------------------------- */

uint64_t sim_node_local_now(const struct sim_node *n) { return sim_clock_local_ns(n->drift_ppm, n->sim->now); }

static uint64_t node_now_ns(void *ctx) { return sim_node_local_now(ctx); }

static int node_send_frame(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct sim_node *n = ctx;
    return sim_net_send(&n->sim->net, n->id, frame, len, n->sim->now);
}

static void node_get_mac(void *ctx, uint8_t mac[6]) { sim_net_mac_of_node(((struct sim_node *)ctx)->id, mac); }

static uint32_t node_block_size(void *ctx)
{
    (void)ctx;
    return HAL_DISK_BLOCK_BYTES;
}

static uint64_t node_block_count(void *ctx) { return sim_disk_block_count(&((struct sim_node *)ctx)->disk); }

static int node_disk_submit(void *ctx, uint32_t request_id, enum hal_disk_op op, uint64_t first_block,
                            uint32_t count, void *buf)
{
    struct sim_node *n = ctx;
    struct sim_disk_request r = {request_id, op, first_block, count, buf};
    return sim_disk_submit(&n->disk, n->sim->now, &r);
}

static void node_console_write(void *ctx, uint32_t pid, const char *text, uint32_t len)
{
    struct sim_node *n = ctx;
    sim_console_write(&n->sim->console, &n->console, n->id, n->sim->now, pid, text, len);
}

static void *node_alloc_pages(void *ctx, uint32_t count)
{
    struct sim_node *n = ctx;
    if (count == 0 || count > n->page_limit - n->pages_in_use)
        return NULL;
    void *p = sim_pages_alloc(&n->sim->pages, count);
    if (p == NULL)
        return NULL;
    n->pages_in_use += count;
    if (n->pages_in_use > n->pages_peak)
        n->pages_peak = n->pages_in_use;
    return p;
}

static void node_free_pages(void *ctx, void *pages, uint32_t count)
{
    struct sim_node *n = ctx;
    if (pages == NULL)
        return;
    n->pages_in_use -= count < n->pages_in_use ? count : n->pages_in_use;
    sim_pages_free(&n->sim->pages, pages, count);
}

static uint32_t node_next_u32(void *ctx) { return rng_next_u32(&((struct sim_node *)ctx)->rng); }

static uint32_t node_nvram_read(void *ctx, uint32_t word) { return ((struct sim_node *)ctx)->nvram[word]; }

static void node_nvram_write(void *ctx, uint32_t word, uint32_t value)
{
    ((struct sim_node *)ctx)->nvram[word] = value;
}

static void node_trace(void *ctx, const struct hal_trace_event *ev)
{
    struct sim_node *n = ctx;
    struct sim *s = n->sim;
    sim_kernel_event(s, n->id, ev);
    /* A process that ended will not finish its line. */
    if (ev->type == HAL_TRACE_EXIT || ev->type == HAL_TRACE_FAULT)
        sim_console_flush_pid(&s->console, &n->console, n->id, ev->pid);
}

/* The scenario's own programs ("programs"), then the built-in ones. */
static int node_program_lookup(void *ctx, const char *name, uint32_t name_len,
                               const uint8_t **image, uint32_t *size)
{
    const struct sim_node *n = ctx;
    const struct scn_program *own = scenario_program_find(n->sim->scn, name, name_len);
    if (own != NULL) {
        *image = own->image;
        *size = own->size;
        return HAL_OK;
    }
    const struct user_program *p = user_program_find(name, name_len);
    if (p == NULL)
        return HAL_ERR_NOT_FOUND;
    *image = p->image;
    *size = p->size;
    return HAL_OK;
}

/* A built-in program's translation, unless the run interprets everything
 * or the scenario has a program of that name (the core checks the text
 * anyway). */
static const struct rv_xlat_program *node_program_translation(void *ctx, const char *name, uint32_t name_len)
{
    const struct sim_node *n = ctx;
    if (n->sim->opt.interpret || scenario_program_find(n->sim->scn, name, name_len) != NULL)
        return NULL;
    return user_program_xlat_find(name, name_len);
}

/* The node's kernel broke an invariant: the whole run stops (never returns). */
static void node_assert_failed(void *ctx, const struct hal_assert *a)
{
    struct sim_node *n = ctx;
    sim_assert_failed(n->sim, n->id, a);
}

static const struct hal_clock_ops node_clock_ops = {.now_ns = node_now_ns};
static const struct hal_net_ops node_net_ops = {.send_frame = node_send_frame, .get_mac = node_get_mac};
static const struct hal_disk_ops node_disk_ops = {
    .block_size = node_block_size, .block_count = node_block_count, .submit = node_disk_submit};
static const struct hal_console_ops node_console_ops = {.write = node_console_write};
static const struct hal_mem_ops node_mem_ops = {.alloc_pages = node_alloc_pages,
                                                .free_pages = node_free_pages};
static const struct hal_random_ops node_random_ops = {.next_u32 = node_next_u32};
static const struct hal_trace_ops node_trace_ops = {.event = node_trace};
static const struct hal_program_ops node_program_ops = {.lookup = node_program_lookup,
                                                        .translation = node_program_translation};
static const struct hal_nvram_ops node_nvram_ops = {.read = node_nvram_read, .write = node_nvram_write};
static const struct hal_panic_ops node_panic_ops = {.assert_failed = node_assert_failed};

/* ---- life and death ------------------------------------------------- */

void sim_node_init(struct sim_node *n, struct sim *sim, uint32_t id)
{
    memset(n, 0, sizeof *n);
    n->sim = sim;
    n->id = id;
    const struct scn_node *cfg = &sim->scn->nodes[id];
    n->cpu_mips = cfg->cpu_mips ? cfg->cpu_mips : 1;
    uint64_t pages = (uint64_t)cfg->memory_mib * (1024u * 1024u / HAL_PAGE_SIZE);
    n->page_limit = pages > UINT32_MAX ? UINT32_MAX : (uint32_t)pages;
    n->wake_at_ns = n->queued_wake_ns = HAL_TIME_NEVER;
    n->drift_ppm = cfg->clock_drift_ppm;
    rng_init(&n->rng, sim->opt.seed, RNG_PURPOSE_NODE, id);
    sim_disk_init(&n->disk, cfg->disk, id, sim->opt.seed, &sim->queue);
}

/* After any entry point: recount processes and requeue the wake-up. */
static void node_after_entry(struct sim_node *n)
{
    struct sim *s = n->sim;
    uint32_t procs = kernel_process_count(n->k);
    s->procs = s->procs - n->procs + procs;
    n->procs = procs;
    uint32_t acts_epoch = kernel_frame_acts_epoch(n->k);
    if (acts_epoch != n->acts_epoch) {
        n->acts_epoch = acts_epoch;
        sim_net_recheck(&s->net, n->id);
    }
    sim_schedule_wake(s, n);
}

uint32_t sim_node_next_epoch(struct sim_node *n)
{
    uint32_t epoch;
    do
        epoch = rng_next_u32(&n->rng);
    while (epoch == 0);
    return epoch;
}

void sim_node_hal(struct sim_node *n, struct hal *hal)
{
    *hal = (struct hal){
        .ctx = n,
        .clock = &node_clock_ops,
        .net = &node_net_ops,
        .disk = &node_disk_ops,
        .console = &node_console_ops,
        .mem = &node_mem_ops,
        .random = &node_random_ops,
        .trace = &node_trace_ops,
        .programs = &node_program_ops,
        .nvram = &node_nvram_ops,
        .panic = &node_panic_ops,
    };
}

bool sim_node_boot(struct sim_node *n, uint32_t epoch)
{
    struct hal hal;
    sim_node_hal(n, &hal);
    const struct scenario *scn = n->sim->scn;
    struct kernel_config cfg = {
        .node_id = (uint16_t)n->id,
        .node_count = (uint16_t)scn->node_count,
        .epoch = epoch,
        .migrate_mode = scn->migrate_mode,
        .balance = scn->balance,
        .kv_configured = scn->kv_configured,
        .kv_backend = scn->kv_backend,
        .rack_nodes = (uint16_t)scn->topology.nodes_per_rack,
    };
    _Static_assert(SCN_MAX_NODES <= UINT16_MAX, "node numbers fit the kernel's 16 bits");
    n->epoch = epoch;
    n->busy_until_ns = n->sim->now;
    n->busy_rem = 0;
    n->empty_slices = 0;
    n->k = kernel_create(&hal, &cfg);
    if (n->k == NULL)
        return false;
    n->up = true;
    n->boots++;
    node_after_entry(n);
    return true;
}

static void stats_add(struct kernel_stats *sum, const struct kernel_stats *k)
{
    sum->insns += k->insns;
    sum->spawned += k->spawned;
    sum->exited += k->exited;
    sum->faulted += k->faulted;
    sum->msgs_sent += k->msgs_sent;
    sum->msgs_delivered += k->msgs_delivered;
    sum->msgs_dropped += k->msgs_dropped;
    sum->frames_tx += k->frames_tx;
    sum->frames_rx += k->frames_rx;
    sum->bytes_tx += k->bytes_tx;
    sum->bytes_rx += k->bytes_rx;
    sum->frames_bad += k->frames_bad;
    sum->retransmits += k->retransmits;
    sum->peer_resets += k->peer_resets;
    sum->migrations_out += k->migrations_out;
    sum->migrations_in += k->migrations_in;
    sum->migrations_aborted += k->migrations_aborted;
    sum->migration_bytes += k->migration_bytes;
    sum->forwarded += k->forwarded;
    sum->pages_in_use = k->pages_in_use;
    if (k->pages_peak > sum->pages_peak)
        sum->pages_peak = k->pages_peak;
    sum->load_milli = k->load_milli;
}

void sim_node_stats(const struct sim_node *n, struct kernel_stats *out)
{
    *out = n->past;
    out->pages_in_use = 0;
    out->load_milli = 0;
    if (n->k != NULL)
        stats_add(out, kernel_stats(n->k));
    out->frames_rx += n->ignored_rx_frames;
    out->bytes_rx += n->ignored_rx_bytes;
}

struct sim_disk_crash_report sim_node_crash(struct sim_node *n)
{
    struct sim *s = n->sim;
    sim_console_flush_node(&s->console, &n->console, n->id);
    /* Before the kernel goes: the write in service still reads its buffer. */
    struct sim_disk_crash_report disk = sim_disk_crash(&n->disk, s->now);
    stats_add(&n->past, kernel_stats(n->k));
    kernel_destroy(n->k);
    n->k = NULL;
    n->up = false;
    n->crashes++;
    s->procs -= n->procs;
    n->procs = 0;
    n->paused_until_ns = 0; /* a crash ends a pause; its resume is stale */
    n->pause_gen++;
    sim_net_drop_held(&s->net, n->id);
    n->wake_gen++; /* forget the queued wake-up */
    n->wake_at_ns = n->queued_wake_ns = HAL_TIME_NEVER;
    if (n->pages_in_use != 0 && s->opt.diagnostics != NULL)
        fprintf(s->opt.diagnostics, "nimbus: warning: node %u: kernel_destroy left %u pages allocated\n",
                n->id, n->pages_in_use);
    return disk;
}

bool sim_node_disk_done(struct sim_node *n, uint64_t gen)
{
    uint32_t id;
    int status;
    if (!n->up)
        return false;
    switch (sim_disk_complete(&n->disk, n->sim->now, gen, &id, &status)) {
    case SIM_DISK_STALE: return false;
    case SIM_DISK_CRASH: sim_crash_node(n->sim, n->id, n->disk.c.crashed_at); return true;
    case SIM_DISK_COMPLETED: break;
    }
    kernel_on_disk_done(n->k, id, status);
    node_after_entry(n);
    return true;
}

/* ---- events --------------------------------------------------------- */

/* Run one slice and mark the CPU busy for the time it took. */
static void node_run_slice(struct sim_node *n)
{
    struct sim *s = n->sim;
    uint32_t used = 0;
    kernel_run(n->k, SIM_SLICE_INSNS, &used);
    uint64_t work = (uint64_t)used * 1000u + n->busy_rem;
    uint64_t busy_ns = work / n->cpu_mips;
    n->busy_rem = work % n->cpu_mips;
    n->busy_until_ns = s->now + busy_ns;
    n->cpu_busy_ns += busy_ns;
    if (used != 0) {
        n->empty_slices = 0;
    } else if (busy_ns == 0 && kernel_next_deadline(n->k) <= sim_node_local_now(n) &&
               ++n->empty_slices >= SIM_MAX_EMPTY_SLICES) {
        sim_fail(s, SIM_END_ERROR,
                 "node %u: the kernel reports runnable work but ran no instructions "
                 "in %u slices in a row",
                 n->id, SIM_MAX_EMPTY_SLICES);
    }
}

bool sim_node_wake(struct sim_node *n, uint64_t gen)
{
    if (!n->up || gen != n->wake_gen || n->paused_until_ns != 0)
        return false; /* cancelled (a paused node's resume reschedules) */
    n->queued_wake_ns = HAL_TIME_NEVER;
    if (n->wake_at_ns > n->sim->now) {
        sim_schedule_wake(n->sim, n); /* the deadline moved later: queue it */
        return false;
    }
    n->wake_at_ns = HAL_TIME_NEVER;
    kernel_on_timer(n->k);
    if (kernel_next_deadline(n->k) <= sim_node_local_now(n) && n->busy_until_ns <= n->sim->now)
        node_run_slice(n);
    node_after_entry(n);
    return true;
}

void sim_node_pause(struct sim_node *n, uint64_t until_ns)
{
    if (n->paused_until_ns == 0)
        sim_net_hold(&n->sim->net, n->id);
    n->paused_until_ns = until_ns;
    n->pause_gen++;
    n->wake_gen++; /* nothing runs until the resume */
    n->wake_at_ns = n->queued_wake_ns = HAL_TIME_NEVER;
}

void sim_node_resume(struct sim_node *n)
{
    n->paused_until_ns = 0;
    sim_net_release(&n->sim->net, n->id);
    node_after_entry(n);
}

bool sim_node_ignores(const struct sim_node *n, const uint8_t *frame, uint32_t len)
{
    bool group = len > 0 && (frame[0] & 1u) != 0;
    return group && !n->sim->opt.every_copy_to_kernel && !kernel_frame_acts(n->k, frame, len);
}

void sim_node_count_ignored(struct sim_node *n, int sign, uint32_t len)
{
    n->ignored_rx_frames += (uint64_t)(int64_t)sign;
    n->ignored_rx_bytes += (uint64_t)((int64_t)sign * len);
}

void sim_node_frame(struct sim_node *n, const uint8_t *frame, uint32_t len)
{
    /* A broadcast the kernel ignores (on a big LAN, nearly every ARP
     * request) is counted here instead: the kernel would only have
     * counted it, so its state, deadline and process count stay as they
     * are and there is no wake-up to move. */
    if (sim_node_ignores(n, frame, len)) {
        sim_node_count_ignored(n, 1, len);
        return;
    }
    kernel_on_frame(n->k, frame, len);
    node_after_entry(n);
}

int64_t sim_node_spawn(struct sim_node *n, const char *program, const char *const *argv,
                       uint32_t argc)
{
    int64_t rc = kernel_spawn(n->k, program, argv, argc);
    node_after_entry(n);
    return rc;
}

int sim_node_migrate(struct sim_node *n, uint32_t pid, uint32_t target)
{
    int rc = kernel_migrate(n->k, pid, (uint16_t)target);
    node_after_entry(n);
    return rc;
}

int sim_node_pin(struct sim_node *n, uint32_t pid)
{
    int rc = kernel_pin(n->k, pid, true);
    node_after_entry(n);
    return rc;
}

void sim_node_free(struct sim_node *n)
{
    if (n->k != NULL) {
        kernel_destroy(n->k);
        n->k = NULL;
    }
    sim_console_flush_node(&n->sim->console, &n->console, n->id);
    sim_disk_free(&n->disk);
}
