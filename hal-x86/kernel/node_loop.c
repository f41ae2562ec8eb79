/*
 * node_loop.c - see node_loop.h.
 *
 * Interrupt handlers only acknowledge their devices; this loop does the
 * work. Before it halts it checks, with interrupts off, that no interrupt
 * came since the pass began and that no deadline is due, and then enables
 * interrupts and halts in one step (cpu_wait_for_interrupt), so a wake-up
 * can never slip in between. The PIT tick ends every halt within
 * 1/CLOCK_TICK_HZ s, which is how the core's deadlines are met.
 */
#include "node_loop.h"

#include "clock.h"
#include "cpu.h"
#include "debug_exit.h"
#include "e1000.h"
#include "kprint.h"
#include "pic.h"
#include "serial.h"
#include "shell.h"
#include "status.h"
#include "x86_hal.h"

struct loop {
    struct kernel *k;
    const struct node_config *cfg;
    bool nic;
    uint32_t boot_failures;
    uint64_t next_status_ns;
    uint64_t idle_since_ns; /* HAL_TIME_NEVER while not idle */
};

static uint8_t rx_frame[HAL_NET_MAX_FRAME];

static void take_input(struct loop *l)
{
    int c;
    while ((c = serial_read_char()) >= 0)
        shell_input((char)c);
    for (uint32_t i = 0; l->nic && i < NODE_RX_BURST; i++) {
        uint32_t len = e1000_receive(rx_frame, sizeof rx_frame);
        if (len == 0)
            break;
        kernel_on_frame(l->k, rx_frame, len);
    }
    x86_hal_deliver_disk(l->k);
}

static void run_kernel(struct loop *l)
{
    if (kernel_next_deadline(l->k) <= clock_now_ns())
        kernel_on_timer(l->k);
    uint32_t used = 0;
    kernel_run(l->k, NODE_RUN_BUDGET_INSNS, &used);
}

/* exit=idle: once processes have run and none is left, and that has
 * lasted NODE_IDLE_GRACE_NS (acknowledgements and console text still
 * flow), end with 0 if every one exited 0, else 1. */
static void exit_if_idle(struct loop *l, uint64_t now)
{
    const struct x86_activity *a = x86_hal_activity();
    if ((a->started == 0 && l->boot_failures == 0) || kernel_process_count(l->k) != 0) {
        l->idle_since_ns = HAL_TIME_NEVER;
        return;
    }
    if (l->idle_since_ns == HAL_TIME_NEVER)
        l->idle_since_ns = now;
    if (now - l->idle_since_ns < NODE_IDLE_GRACE_NS)
        return;
    uint8_t status = a->failed == 0 && l->boot_failures == 0 ? 0 : 1;
    kprintf("cumulonimbus: node %u idle: every process exited (status %u)\n", l->cfg->node_id, status);
    debug_exit(status);
    kprintf("cumulonimbus: no isa-debug-exit device; halting\n");
    cpu_halt_forever();
}

static void sleep_unless_busy(struct loop *l, uint64_t interrupts_before)
{
    cpu_disable_interrupts();
    if (pic_interrupt_count() == interrupts_before && kernel_next_deadline(l->k) > clock_now_ns())
        cpu_wait_for_interrupt();
    else
        cpu_enable_interrupts();
}

void node_loop_run(struct kernel *k, const struct node_config *cfg, bool nic, uint32_t boot_failures)
{
    struct loop l = {
        .k = k, .cfg = cfg, .nic = nic, .boot_failures = boot_failures, .idle_since_ns = HAL_TIME_NEVER};
    cpu_enable_interrupts();
    for (;;) {
        uint64_t interrupts_before = pic_interrupt_count();
        take_input(&l);
        run_kernel(&l);
        uint64_t now = clock_now_ns();
        if (now >= l.next_status_ns) {
            status_refresh(k, cfg, now);
            l.next_status_ns = now + STATUS_REFRESH_NS;
        }
        shell_poll(now);
        if (cfg->exit_when_idle)
            exit_if_idle(&l, now);
        sleep_unless_busy(&l, interrupts_before);
    }
}
