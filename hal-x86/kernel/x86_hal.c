/* x86_hal.c - see x86_hal.h. */
#include "x86_hal.h"

#include "ata.h"
#include "clock.h"
#include "cmos_nvram.h"
#include "console_lines.h"
#include "core/abi.h"
#include "e1000.h"
#include "entropy.h"
#include "kprint.h"
#include "kstring.h"
#include "pages.h"
#include "panic.h"
#include "node_programs.h"
#include "user/programs_xlat.h"

#define DISK_QUEUE 16u

/* A request the core submitted, waiting or (the oldest) running. */
struct disk_request {
    uint32_t request_id;
    enum hal_disk_op op;
    uint64_t first_block;
    uint32_t count;
    void *buf;
};

struct x86_node {
    uint16_t id;
    bool nic, disk;
    bool interpret;                        /* no translations */
    struct disk_request queue[DISK_QUEUE]; /* oldest first; queue[0] runs */
    uint32_t queued;
    bool running; /* queue[0] went to the driver */
    struct x86_activity activity;
};

static struct x86_node node;

/* ---- clock, network, disk ------------------------------------------- */

static uint64_t hal_now_ns(void *ctx)
{
    (void)ctx;
    return clock_now_ns();
}

static int hal_send_frame(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct x86_node *n = ctx;
    if (frame == NULL || len < 14 || len > HAL_NET_MAX_FRAME)
        return HAL_ERR_INVALID;
    if (!n->nic)
        return HAL_ERR_BUSY; /* dropped: there is no wire */
    int rc = e1000_send(frame, len);
    return rc == 0 ? HAL_OK : rc == -1 ? HAL_ERR_BUSY : HAL_ERR_INVALID;
}

static void hal_get_mac(void *ctx, uint8_t mac[6])
{
    struct x86_node *n = ctx;
    for (int i = 0; i < 6; i++)
        mac[i] = 0;
    if (n->nic)
        e1000_mac(mac);
}

static uint32_t hal_block_size(void *ctx)
{
    (void)ctx;
    return ATA_SECTOR_BYTES;
}

static uint64_t hal_block_count(void *ctx)
{
    struct x86_node *n = ctx;
    return n->disk ? ata_sector_count() : 0;
}

/* Hand the oldest request to the driver. One the driver refuses (it
 * never should: submit checked it) completes with an error. */
static void disk_start_next(struct x86_node *n)
{
    if (n->running || n->queued == 0)
        return;
    struct disk_request *r = &n->queue[0];
    static const enum ata_op ops[] = {
        [HAL_DISK_READ] = ATA_READ,
        [HAL_DISK_WRITE] = ATA_WRITE,
        [HAL_DISK_WRITE_FUA] = ATA_WRITE_FUA,
        [HAL_DISK_FLUSH] = ATA_FLUSH,
    };
    n->running = ata_start(r->first_block, r->count, r->buf, ops[r->op]) == 0;
}

static bool disk_request_valid(uint64_t blocks, enum hal_disk_op op, uint64_t first_block, uint32_t count,
                               const void *buf)
{
    if (blocks == 0)
        return false;
    if (op == HAL_DISK_FLUSH)
        return count == 0;
    if (op != HAL_DISK_READ && op != HAL_DISK_WRITE && op != HAL_DISK_WRITE_FUA)
        return false;
    return count != 0 && buf != NULL && first_block < blocks && count <= blocks - first_block;
}

static int hal_disk_submit(void *ctx, uint32_t request_id, enum hal_disk_op op, uint64_t first_block,
                           uint32_t count, void *buf)
{
    struct x86_node *n = ctx;
    if (!disk_request_valid(hal_block_count(ctx), op, first_block, count, buf))
        return HAL_ERR_INVALID;
    if (n->queued == DISK_QUEUE)
        return HAL_ERR_BUSY;
    n->queue[n->queued++] = (struct disk_request){request_id, op, first_block, count, buf};
    disk_start_next(n);
    return HAL_OK;
}

void x86_hal_deliver_disk_to(x86_disk_done_fn done, void *done_ctx)
{
    /* At most a queue's worth per call: the core may submit more from
     * inside its completion, and PIO requests end at once. */
    for (uint32_t i = 0; i < DISK_QUEUE && node.queued > 0; i++) {
        int rc = node.running ? ata_poll() : -1;
        if (rc == ATA_BUSY)
            return;
        uint32_t request_id = node.queue[0].request_id;
        node.running = false;
        node.queued--;
        for (uint32_t j = 0; j < node.queued; j++)
            node.queue[j] = node.queue[j + 1];
        disk_start_next(&node); /* the drive works while the core takes the news */
        done(done_ctx, request_id, rc == 0 ? HAL_OK : HAL_ERR_IO);
    }
}

static void kernel_disk_done(void *ctx, uint32_t request_id, int status)
{
    kernel_on_disk_done(ctx, request_id, status);
}

void x86_hal_deliver_disk(struct kernel *k)
{
    x86_hal_deliver_disk_to(kernel_disk_done, k);
}

/* ---- console, memory, randomness, programs -------------------------- */

static void hal_console_write(void *ctx, uint32_t pid, const char *text, uint32_t len)
{
    struct x86_node *n = ctx;
    console_lines_write(n->id, clock_now_ns(), pid, text, len);
}

static void *hal_alloc_pages(void *ctx, uint32_t count)
{
    (void)ctx;
    return pages_alloc(count);
}

static void hal_free_pages(void *ctx, void *pages, uint32_t count)
{
    (void)ctx;
    if (pages != NULL)
        pages_free(pages, count);
}

static uint32_t hal_next_u32(void *ctx)
{
    (void)ctx;
    return entropy_u32();
}

static int hal_program_lookup(void *ctx, const char *name, uint32_t name_len, const uint8_t **image,
                              uint32_t *size)
{
    (void)ctx;
    const struct user_program *p = node_program_find(name, name_len);
    if (p == NULL)
        return HAL_ERR_NOT_FOUND;
    *image = p->image;
    *size = p->size;
    return HAL_OK;
}

/* A built-in program's translation (user/programs_xlat.h), unless the node
 * interprets everything; the core uses it only for a process whose text
 * matches it. A boot module never has a built-in program's name
 * (node_programs.h). */
static const struct rv_xlat_program *hal_program_translation(void *ctx, const char *name, uint32_t name_len)
{
    const struct x86_node *n = ctx;
    return n->interpret ? NULL : user_program_xlat_find(name, name_len);
}

/* ---- the trace: notices and counters -------------------------------- */

static const char *const fault_names[HAL_FAULT_COUNT] = {
    [HAL_FAULT_ILLEGAL_INSTRUCTION] = "illegal instruction",
    [HAL_FAULT_BREAKPOINT] = "breakpoint",
    [HAL_FAULT_FETCH] = "bad fetch",
    [HAL_FAULT_LOAD] = "bad load",
    [HAL_FAULT_STORE] = "bad store",
    [HAL_FAULT_MISALIGNED] = "misaligned access",
    [HAL_FAULT_STACK_OVERFLOW] = "stack overflow",
    [HAL_FAULT_NO_MEMORY] = "out of memory",
};

#define PID_FMT "n%u.%u"
#define PID_ARGS(pid) (unsigned)ABI_PID_NODE(pid), (unsigned)ABI_PID_LOCAL(pid)

/* The event's text as a C string (program names are short). */
static const char *event_text(const struct hal_trace_event *ev, char *buf, uint32_t cap)
{
    uint32_t n = ev->text != NULL && ev->text_len < cap ? ev->text_len : 0;
    memcpy(buf, ev->text != NULL ? ev->text : "", n);
    buf[n] = '\0';
    return buf;
}

static void notice_exit(struct x86_node *n, const struct hal_trace_event *ev)
{
    console_lines_flush(n->id, ev->pid); /* a process that ended will not finish its line */
    n->activity.exited++;
    if (ev->value != 0)
        n->activity.failed++;
    kprintf("cumulonimbus: " PID_FMT " exited with status %d\n", PID_ARGS(ev->pid), ev->value);
}

static void trace_notice(struct x86_node *n, const struct hal_trace_event *ev)
{
    char name[ABI_PROGRAM_NAME_MAX + 1];
    switch (ev->type) {
    case HAL_TRACE_SPAWN:
        n->activity.started++;
        kprintf("cumulonimbus: " PID_FMT " started %s (parent " PID_FMT ")\n", PID_ARGS(ev->pid),
                event_text(ev, name, sizeof name), PID_ARGS(ev->other_pid));
        break;
    case HAL_TRACE_EXIT: notice_exit(n, ev); break;
    case HAL_TRACE_FAULT:
        console_lines_flush(n->id, ev->pid);
        kprintf("cumulonimbus: " PID_FMT " faulted: %s at pc 0x%08x, address 0x%08x\n", PID_ARGS(ev->pid),
                ev->reason < HAL_FAULT_COUNT ? fault_names[ev->reason] : "fault", (unsigned)ev->value,
                (unsigned)ev->value2);
        break;
    case HAL_TRACE_MIGRATE_START:
        kprintf("cumulonimbus: migrating " PID_FMT " to node %u\n", PID_ARGS(ev->pid), ev->value2);
        break;
    case HAL_TRACE_MIGRATE_DONE:
        kprintf("cumulonimbus: migrated " PID_FMT " to node %u (%llu bytes, freeze %d us)\n",
                PID_ARGS(ev->pid), ev->value2, (unsigned long long)ev->value64, ev->value);
        break;
    case HAL_TRACE_MIGRATE_INSTALL:
        n->activity.started++;
        kprintf("cumulonimbus: " PID_FMT " arrived from node %u\n", PID_ARGS(ev->pid), ev->value2);
        break;
    case HAL_TRACE_MIGRATE_ABORT:
        kprintf("cumulonimbus: migration of " PID_FMT " to node %u aborted: %s\n", PID_ARGS(ev->pid),
                ev->value2, abi_error_name(ev->value));
        break;
    case HAL_TRACE_PEER_RESET: kprintf("cumulonimbus: session with node %u reset\n", ev->value2); break;
    default: break; /* counted only: printing every message would drown the console */
    }
}

static void hal_trace_event(void *ctx, const struct hal_trace_event *ev)
{
    struct x86_node *n = ctx;
    if (ev->type < HAL_TRACE_TYPE_COUNT)
        n->activity.events[ev->type]++;
    trace_notice(n, ev);
}

/* A KASSERT failed: the kernel's state is corrupt, so the node stops
 * here, on the panic screen and serial port (panic never returns). */
static void hal_assert_failed(void *ctx, const struct hal_assert *a)
{
    (void)ctx;
    panic("KASSERT failed on node %u at %s:%u: %s%s%s", (unsigned)a->node, a->file, (unsigned)a->line,
          a->expr, a->msg != NULL ? ": " : "", a->msg != NULL ? a->msg : "");
}

/* The pid counter and the boot count live in CMOS (cmos_nvram.h). */
static uint32_t hal_nvram_read(void *ctx, uint32_t word)
{
    (void)ctx;
    return cmos_nvram_read(word);
}

static void hal_nvram_write(void *ctx, uint32_t word, uint32_t value)
{
    (void)ctx;
    cmos_nvram_write(word, value);
}

/* ---- the table ------------------------------------------------------ */

static const struct hal_clock_ops clock_ops = {.now_ns = hal_now_ns};
static const struct hal_net_ops net_ops = {.send_frame = hal_send_frame, .get_mac = hal_get_mac};
static const struct hal_disk_ops disk_ops = {
    .block_size = hal_block_size, .block_count = hal_block_count, .submit = hal_disk_submit};
static const struct hal_console_ops console_ops = {.write = hal_console_write};
static const struct hal_mem_ops mem_ops = {.alloc_pages = hal_alloc_pages, .free_pages = hal_free_pages};
static const struct hal_random_ops random_ops = {.next_u32 = hal_next_u32};
static const struct hal_trace_ops trace_ops = {.event = hal_trace_event};
static const struct hal_program_ops program_ops = {.lookup = hal_program_lookup,
                                                   .translation = hal_program_translation};
static const struct hal_panic_ops panic_ops = {.assert_failed = hal_assert_failed};
static const struct hal_nvram_ops nvram_ops = {.read = hal_nvram_read, .write = hal_nvram_write};

void x86_hal_init(struct hal *hal, const struct node_config *cfg, bool nic, bool disk)
{
    node.id = cfg->node_id;
    node.interpret = cfg->interpret;
    node.nic = nic;
    node.disk = disk;
    x86_hal_get(hal);
}

void x86_hal_get(struct hal *hal)
{
    *hal = (struct hal){
        .ctx = &node,
        .clock = &clock_ops,
        .net = &net_ops,
        .disk = &disk_ops,
        .console = &console_ops,
        .mem = &mem_ops,
        .random = &random_ops,
        .trace = &trace_ops,
        .programs = &program_ops,
        .panic = &panic_ops,
        .nvram = &nvram_ops,
    };
}

const struct x86_activity *x86_hal_activity(void)
{
    return &node.activity;
}
