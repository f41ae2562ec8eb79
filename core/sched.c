/*
 * sched.c - round-robin scheduling with instruction quanta, the
 * kernel_run entry point, and the load average.
 *
 * A process runs until its quantum is used, it blocks, yields or exits.
 * kernel_run never runs more instructions than its budget, and returns
 * early after a system call others can observe, so the platform stays in
 * control of time.
 */
#include "sched.h"

#include "kernel_priv.h"
#include "proc.h"
#include "syscall.h"

/* A node at rest (nothing runnable, load average zero) takes no load
 * samples: each would read zero again and change nothing. */
static bool load_at_rest(const struct kernel *k)
{
    return k->runq_len == 0 && k->load_avg == 0;
}

/* Move the sample grid past `now`, skipping the points missed. */
static void load_grid_pass(struct kernel *k, uint64_t now)
{
    if (now < k->next_load_sample_ns)
        return;
    uint64_t missed = (now - k->next_load_sample_ns) / LOAD_SAMPLE_NS;
    k->next_load_sample_ns += (missed + 1) * LOAD_SAMPLE_NS;
}

void sched_enqueue(struct kernel *k, struct proc *p)
{
    /* Leaving rest: the samples skipped until now all read zero, so the
     * first one taken is the next point of the grid. */
    if (load_at_rest(k))
        load_grid_pass(k, kernel_now(k));
    uint32_t tail = (k->runq_head + k->runq_len) % KERNEL_MAX_PROCS;
    k->runq[tail] = p->slot;
    k->runq_len++;
}

struct proc *sched_dequeue(struct kernel *k)
{
    if (k->runq_len == 0)
        return NULL;
    struct proc *p = k->procs[k->runq[k->runq_head]];
    k->runq_head = (k->runq_head + 1) % KERNEL_MAX_PROCS;
    k->runq_len--;
    return p;
}

void sched_remove(struct kernel *k, struct proc *p)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < k->runq_len; i++) {
        uint8_t slot = k->runq[(k->runq_head + i) % KERNEL_MAX_PROCS];
        if (slot != p->slot)
            k->runq[(k->runq_head + kept++) % KERNEL_MAX_PROCS] = slot;
    }
    k->runq_len = kept;
}

static uint32_t load_milli(uint32_t load)
{
    return (uint32_t)(((uint64_t)load * 1000u + LOAD_ONE / 2) >> LOAD_FSHIFT);
}

/* load = load * decay + runnable * (1 - decay), as Unix does, so the
 * average follows the run queue with a one-second time constant. */
uint64_t sched_next_sample_ns(const struct kernel *k)
{
    return load_at_rest(k) ? HAL_TIME_NEVER : k->next_load_sample_ns;
}

void sched_sample_load(struct kernel *k, uint64_t now)
{
    if (now < k->next_load_sample_ns)
        return;
    if (load_at_rest(k)) {
        load_grid_pass(k, now);
        return;
    }
    uint32_t runnable = k->runq_len;
    k->load_avg = (uint32_t)(((uint64_t)k->load_avg * LOAD_DECAY +
                              (uint64_t)runnable * LOAD_ONE * (LOAD_ONE - LOAD_DECAY)) >>
                             LOAD_FSHIFT);
    k->stats.load_milli = load_milli(k->load_avg);
    struct hal_trace_event ev = {.type = HAL_TRACE_LOAD,
                                 .value = (int32_t)k->stats.load_milli,
                                 .value2 = runnable,
                                 .other_pid = kernel_process_count(k)};
    ktrace(k, &ev);
    /* Samples stay on a fixed grid even when the node was busy past one. */
    load_grid_pass(k, now);
}

static void handle_stop(struct kernel *k, struct proc *p, const struct rv_result *r)
{
    switch (r->stop) {
    case RV_STOP_BUDGET: break;
    case RV_STOP_ECALL: syscall_handle(k, p); break;
    case RV_STOP_EBREAK: proc_fault(k, p, HAL_FAULT_BREAKPOINT, r->fault_addr); break;
    case RV_STOP_ILLEGAL: proc_fault(k, p, HAL_FAULT_ILLEGAL_INSTRUCTION, r->fault_addr); break;
    case RV_STOP_FETCH_FAULT: proc_fault(k, p, HAL_FAULT_FETCH, r->fault_addr); break;
    case RV_STOP_LOAD_FAULT: proc_fault_access(k, p, HAL_FAULT_LOAD, r->fault_addr); break;
    case RV_STOP_STORE_FAULT: proc_fault_access(k, p, HAL_FAULT_STORE, r->fault_addr); break;
    case RV_STOP_MISALIGNED: proc_fault(k, p, HAL_FAULT_MISALIGNED, r->fault_addr); break;
    }
}

/* System calls whose effects others can see (a message, output, a new or
 * ended process) are held over to the start of the next slice: the
 * platform then stamps them with the time the instructions before them
 * took, not with the time the slice began. */
static bool is_visible_call(uint32_t sysno)
{
    return sysno == SYS_EXIT || sysno == SYS_SEND || sysno == SYS_WRITE || sysno == SYS_SPAWN ||
           sysno == SYS_MIGRATE;
}

/* Run p for at most `quantum` instructions; returns how many ran and sets
 * *visible when it stopped at a visible system call, left pending. p may
 * have blocked or exited afterwards (then it must not be touched). */
static uint32_t run_quantum(struct kernel *k, struct proc *p, uint32_t quantum, bool *visible)
{
    uint32_t used = 0;
    uint8_t slot = p->slot;
    if (p->in_syscall || p->syscall_pending) {
        p->syscall_pending = false;
        syscall_handle(k, p);
        if (k->procs[slot] != p || p->state != PROC_RUNNABLE || p->frozen)
            return 0;
    }
    while (used < quantum) {
        struct rv_result r = rv_run(&p->cpu, &p->vm, quantum - used);
        used += r.executed;
        k->stats.insns_translated += r.translated;
        p->insns_total += r.executed;
        p->insns_window += r.executed;
        bool ecall = r.stop == RV_STOP_ECALL;
        bool yielded = ecall && p->cpu.x[RV_A7] == SYS_YIELD;
        *visible = ecall && is_visible_call(p->cpu.x[RV_A7]);
        if (*visible) {
            p->syscall_pending = true;
            break;
        }
        handle_stop(k, p, &r);
        /* A process that moved itself is frozen: it stops here. */
        if (k->procs[slot] != p || p->state != PROC_RUNNABLE || p->frozen || yielded)
            break;
    }
    return used;
}

uint64_t kernel_run(struct kernel *k, uint32_t budget_insns, uint32_t *used_insns)
{
    uint32_t used = 0;
    /* A sample due now reads the run queue before this slice takes from it. */
    sched_sample_load(k, kernel_now(k));
    while (used < budget_insns) {
        struct proc *p = sched_dequeue(k);
        if (p == NULL)
            break;
        uint32_t quantum = budget_insns - used;
        if (quantum > k->quantum_insns)
            quantum = k->quantum_insns;
        uint8_t slot = p->slot;
        bool visible = false;
        used += run_quantum(k, p, quantum, &visible);
        if (k->procs[slot] == p && p->state == PROC_RUNNABLE && !p->frozen)
            sched_enqueue(k, p);
        if (visible)
            break;
    }
    k->stats.insns += used;
    *used_insns = used;
    sched_sample_load(k, kernel_now(k));
    return kernel_next_deadline(k);
}
