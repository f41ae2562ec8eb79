/*
 * kernel.c - a node's life: creation and boot, the platform's entry points
 * for frames and timers, and the questions a platform asks (deadline,
 * counters). The run loop is in sched.c.
 */
#include "kernel_priv.h"

#include "balance.h"
#include "bytes.h"
#include "exit_notice.h"
#include "liveness.h"
#include "location.h"
#include "migrate.h"
#include "net.h"
#include "proc.h"
#include "sched.h"
#include "stock.h"
#include "transport.h"

#define KERNEL_STRUCT_PAGES ((sizeof(struct kernel) + PAGE_SIZE - 1) / PAGE_SIZE)
/* The kernel's page past its struct starts the heap (kalloc_init). */
#define KERNEL_STRUCT_BYTES \
    ((sizeof(struct kernel) + (1u << KALLOC_MIN_SHIFT) - 1u) & ~(size_t)((1u << KALLOC_MIN_SHIFT) - 1u))

static void trace_boot(struct kernel *k)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_BOOT, .value = (int32_t)k->epoch};
    ktrace(k, &ev);
}

static uint64_t or_default(uint64_t value, uint64_t fallback)
{
    return value != 0 ? value : fallback;
}

/* The balancer's settings with every unset field at its default. */
static struct balance_config balance_defaults(const struct balance_config *c)
{
    struct balance_config d = *c;
    d.threshold_milli = (uint32_t)or_default(c->threshold_milli, BALANCE_THRESHOLD_MILLI);
    d.hysteresis_milli = (uint32_t)or_default(c->hysteresis_milli, BALANCE_HYSTERESIS_MILLI);
    d.margin_milli = (uint32_t)or_default(c->margin_milli, BALANCE_MARGIN_MILLI);
    d.period_ns = or_default(c->period_ns, BALANCE_PERIOD_NS);
    d.min_residency_ns = or_default(c->min_residency_ns, BALANCE_MIN_RESIDENCY_NS);
    d.exchange_period_ns = or_default(c->exchange_period_ns, LOAD_EXCHANGE_PERIOD_NS);
    d.exchange_fanout = (uint32_t)or_default(c->exchange_fanout, LOAD_EXCHANGE_FANOUT);
    return d;
}

static int init_servers(struct kernel *k)
{
    int err = netstack_init(k);
    if (err == 0)
        err = transport_init(k);
    if (err == 0)
        err = location_init(k);
    if (err == 0)
        err = balance_init(k);
    if (err == 0)
        err = stock_init(k);
    return err;
}

/* Continue from the earlier incarnations' NVRAM words: the pid counter,
 * and the boot count, which is returned (0 on a first boot). */
static uint32_t count_boot(struct kernel *k)
{
    if (k->hal.nvram == NULL)
        return 0;
    proc_restore_pid_counter(k);
    uint32_t boots = k->hal.nvram->read(k->hal.ctx, HAL_NVRAM_BOOTS);
    k->hal.nvram->write(k->hal.ctx, HAL_NVRAM_BOOTS, boots + 1);
    return boots;
}

struct kernel *kernel_create(const struct hal *hal, const struct kernel_config *cfg)
{
    struct kernel *k = hal->mem->alloc_pages(hal->ctx, KERNEL_STRUCT_PAGES);
    if (k == NULL)
        return NULL;
    k->hal = *hal;
    kalloc_init(k, (uint8_t *)k + KERNEL_STRUCT_BYTES, (uint32_t)(KERNEL_STRUCT_PAGES * PAGE_SIZE - KERNEL_STRUCT_BYTES));
    k->node_id = cfg->node_id;
    k->rack_nodes = cfg->rack_nodes;
    k->ipv4 = cfg->ipv4 != 0 ? cfg->ipv4 : net_rack_node_ipv4(cfg->node_id, cfg->rack_nodes);
    k->epoch = cfg->epoch != 0 ? cfg->epoch : 1;
    k->quantum_insns = cfg->quantum_insns != 0 ? cfg->quantum_insns : DEFAULT_QUANTUM_INSNS;
    k->node_count = cfg->node_count != 0 ? cfg->node_count : (uint16_t)(cfg->node_id + 1);
    k->migrate_mode = cfg->migrate_mode;
    k->balance_cfg = balance_defaults(&cfg->balance);
    k->kv_configured = cfg->kv_configured;
    k->kv_backend = cfg->kv_backend;
    k->disk_reserved = cfg->disk_reserved;
    k->service_only = cfg->service_only;
    hal->net->get_mac(hal->ctx, k->mac);
    k->next_load_sample_ns = kernel_now(k) + LOAD_SAMPLE_NS;
    liveness_init(k);
    if (init_servers(k) != 0) {
        kernel_destroy(k);
        return NULL;
    }
    trace_boot(k);
    if (count_boot(k) > 0)
        transport_on_restart(k);
    return k;
}

void kernel_destroy(struct kernel *k)
{
    if (k == NULL)
        return;
    proc_destroy_all(k);
    stock_destroy(k);
    if (k->balance != NULL)
        balance_destroy(k);
    if (k->migrate != NULL)
        migrate_destroy(k);
    if (k->location != NULL)
        location_destroy(k);
    exit_notice_destroy(k);
    if (k->transport != NULL)
        transport_destroy(k);
    if (k->net != NULL)
        netstack_destroy(k);
    kalloc_release_all(k);
    struct hal hal = k->hal;
    hal.mem->free_pages(hal.ctx, k, KERNEL_STRUCT_PAGES);
}

void kernel_on_frame(struct kernel *k, const uint8_t *frame, uint32_t len)
{
    /* Acknowledgements may have opened the transport's window; nothing
     * else a frame brings can move a migration on. */
    if (netstack_on_frame(k, frame, len))
        migrate_on_timer(k);
}

bool kernel_frame_acts(const struct kernel *k, const uint8_t *frame, uint32_t len)
{
    return netstack_frame_acts(k, frame, len);
}

uint32_t kernel_frame_acts_epoch(const struct kernel *k)
{
    return netstack_frame_acts_epoch(k);
}

/* Wake every process whose wait has timed out; its call then completes.
 * The scan stops once every process was seen (a woken one stays). */
static void wake_expired(struct kernel *k, uint64_t now)
{
    for (uint32_t i = 0, seen = 0; seen < k->proc_count && i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p == NULL)
            continue;
        seen++;
        if (p->state == PROC_BLOCKED && p->deadline_ns <= now)
            proc_wake(k, p);
    }
}

void kernel_on_timer(struct kernel *k)
{
    uint64_t now = kernel_now(k);
    wake_expired(k, now);
    transport_on_timer(k);
    migrate_on_timer(k);
    location_on_timer(k);
    balance_on_timer(k);
    liveness_on_timer(k);
    exit_notice_on_timer(k);
    stock_on_timer(k);
    sched_sample_load(k, now);
}

void kernel_on_disk_done(struct kernel *k, uint32_t request_id, int status)
{
    stock_on_disk_done(k, request_id, status);
}

uint64_t kernel_next_deadline(const struct kernel *k)
{
    if (k->runq_len > 0)
        return kernel_now(k);
    uint64_t next = sched_next_sample_ns(k);
    /* Platforms ask after every frame: stop once every process was seen. */
    for (uint32_t i = 0, seen = 0; seen < k->proc_count; i++) {
        const struct proc *p = k->procs[i];
        if (p == NULL)
            continue;
        seen++;
        if (p->state == PROC_BLOCKED && p->deadline_ns < next)
            next = p->deadline_ns;
    }
    uint64_t servers[] = {transport_next_deadline(k),  migrate_next_deadline(k),  location_next_deadline(k),
                          balance_next_deadline(k),    liveness_next_deadline(k), stock_next_deadline(k),
                          exit_notice_next_deadline(k)};
    for (uint32_t i = 0; i < sizeof servers / sizeof *servers; i++)
        next = servers[i] < next ? servers[i] : next;
    return next;
}

int kernel_migrate(struct kernel *k, uint32_t pid, uint16_t target)
{
    struct proc *p = proc_find(k, pid);
    if (p == NULL)
        return ERR_NO_PROCESS;
    if (p->pinned)
        return ERR_PINNED;
    if (target == k->node_id || target >= k->node_count)
        return ERR_INVALID;
    return migrate_start(k, p, target);
}

int kernel_pin(struct kernel *k, uint32_t pid, bool pinned)
{
    struct proc *p = proc_find(k, pid);
    if (p == NULL)
        return ERR_NO_PROCESS;
    p->pinned = pinned;
    return 0;
}

int64_t kernel_spawn(struct kernel *k, const char *name, const char *const *argv, uint32_t argc)
{
    char args[ABI_ARGS_MAX_BYTES];
    uint32_t len = 0;
    if (argc > ABI_ARGS_MAX_COUNT)
        return ERR_INVALID;
    for (uint32_t i = 0; i < argc; i++) {
        uint32_t n = kstrnlen(argv[i], ABI_ARGS_MAX_BYTES) + 1;
        if (n > ABI_ARGS_MAX_BYTES - len)
            return ERR_INVALID;
        kmemcpy(args + len, argv[i], n - 1);
        args[len + n - 1] = '\0';
        len += n;
    }
    uint32_t name_len = kstrnlen(name, ABI_PROGRAM_NAME_MAX + 1);
    return proc_spawn(k, ABI_KERNEL_PID(k->node_id), name, name_len, args, len);
}

uint16_t kernel_node_id(const struct kernel *k)
{
    return k->node_id;
}

uint32_t kernel_process_count(const struct kernel *k)
{
    return k->proc_count;
}

const struct kernel_stats *kernel_stats(const struct kernel *k)
{
    return &k->stats;
}
