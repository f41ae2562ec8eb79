/*
 * proc.c - the process table: spawning a program, exiting, waking and
 * blocking, freezing for migration. Callers hold no references to a struct
 * proc across an exit: proc_exit frees it. A parent learns of a child's
 * exit through its child table, on whatever node either runs.
 */
#include "proc.h"

#include "bytes.h"
#include "kassert.h"
#include "elf.h"
#include "exit_notice.h"
#include "ipc.h"
#include "kernel_priv.h"
#include "location.h"
#include "migrate.h"
#include "rv32_xlat.h"
#include "sched.h"
#include "stock_client.h"

static int find_free_slot(const struct kernel *k)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++)
        if (k->procs[i] == NULL)
            return (int)i;
    return ERR_LIMIT;
}

/* Put p into its slot (p->slot, which find_free_slot found empty). */
static void proc_install(struct kernel *k, struct proc *p)
{
    KASSERT(k, p->slot < KERNEL_MAX_PROCS && k->procs[p->slot] == NULL && k->proc_count < KERNEL_MAX_PROCS);
    k->procs[p->slot] = p;
    k->proc_count++;
}

/* Whether `pid` (born here) may still name a process: one here (arriving
 * ones included) or an emigrant this node is home for. */
static bool pid_in_use(struct kernel *k, uint32_t pid)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++)
        if (k->procs[i] != NULL && k->procs[i]->pid == pid)
            return true;
    return location_is_home_of(k, pid);
}

void proc_restore_pid_counter(struct kernel *k)
{
    k->next_local_pid = (uint16_t)k->hal.nvram->read(k->hal.ctx, HAL_NVRAM_NEXT_PID);
}

/* Local numbers count up from where the node's last incarnation stopped
 * (kept in NVRAM) and wrap, skipping 0 (the kernel) and numbers still in
 * use, so a pid never names two processes. The counter is saved before
 * the pid is handed out. ERR_LIMIT when every number is taken. */
static int64_t allocate_pid(struct kernel *k)
{
    for (uint32_t tries = 0; tries < PID_LOCAL_NUMBERS; tries++) {
        if (++k->next_local_pid == 0)
            k->next_local_pid = 1;
        uint32_t pid = ABI_PID(k->node_id, k->next_local_pid);
        if (pid_in_use(k, pid))
            continue;
        if (k->hal.nvram != NULL)
            k->hal.nvram->write(k->hal.ctx, HAL_NVRAM_NEXT_PID, k->next_local_pid);
        return pid;
    }
    return ERR_LIMIT;
}

/* Check the argument block: at most ABI_ARGS_MAX_COUNT NUL-terminated
 * strings filling exactly args_len bytes. Returns the count or ERR_INVALID. */
static int count_args(const char *args, uint32_t args_len)
{
    if (args_len > ABI_ARGS_MAX_BYTES)
        return ERR_INVALID;
    if (args_len > 0 && args[args_len - 1] != '\0')
        return ERR_INVALID;
    int argc = 0;
    for (uint32_t i = 0; i < args_len; i++)
        if (args[i] == '\0')
            argc++;
    return argc > (int)ABI_ARGS_MAX_COUNT ? ERR_INVALID : argc;
}

/* Mapping from va up keeps the stack one run of pages, so an access that
 * straddles two of its pages, or a buffer a system call mapped deep in it,
 * never leaves a hole under the part in use. */
int proc_grow_stack(struct kernel *k, struct proc *p, uint32_t va)
{
    if (va < STACK_LIMIT || va >= ABI_USER_TOP)
        return 0;
    int mapped = 0;
    for (uint32_t page = va & ~(PAGE_SIZE - 1u); page < ABI_USER_TOP; page += PAGE_SIZE) {
        if (vm_page_perms(&p->vm, page >> PAGE_SHIFT) >= 0)
            continue;
        if (vm_map(&p->vm, k, page, PAGE_SIZE, VM_PERM_R | VM_PERM_W) != 0)
            return ERR_NO_MEMORY; /* pages mapped so far stay: they are the stack's */
        mapped++;
    }
    return mapped;
}

/* Lay out argv at the top of the stack: the strings at the top, then the
 * pointer array below them, sp 16-aligned under that. Only the pages
 * this touches are mapped now; the rest come as the stack grows. */
static int setup_stack(struct kernel *k, struct proc *p, const char *args, uint32_t args_len, int argc)
{
    uint32_t strings = (ABI_USER_TOP - args_len) & ~3u;
    uint32_t argv = (strings - 4u * ((uint32_t)argc + 1u)) & ~15u;
    if (proc_grow_stack(k, p, argv) < 0)
        return ERR_NO_MEMORY;
    uint8_t vec[4 * (ABI_ARGS_MAX_COUNT + 1)];
    uint32_t at = strings;
    for (int i = 0; i < argc; i++) {
        put_le32(vec + 4 * i, at);
        at += kstrnlen(args + (at - strings), args_len - (at - strings)) + 1;
    }
    put_le32(vec + 4 * argc, 0);
    if (vm_copy_out(&p->vm, strings, args, args_len) != 0 ||
        vm_copy_out(&p->vm, argv, vec, 4u * ((uint32_t)argc + 1u)) != 0)
        return ERR_NO_MEMORY;
    p->cpu.x[RV_SP] = argv;
    p->cpu.x[RV_A0] = (uint32_t)argc;
    p->cpu.x[RV_A1] = argv;
    return 0;
}

static int load_program(struct kernel *k, struct proc *p, const char *name, uint32_t name_len)
{
    const uint8_t *image;
    uint32_t size;
    if (k->hal.programs->lookup(k->hal.ctx, name, name_len, &image, &size) != HAL_OK)
        return ERR_NOT_FOUND;
    int err = vm_init(&p->vm, k);
    if (err == 0)
        err = elf_load(&p->vm, k, image, size, &p->cpu.pc);
    if (err == 0)
        rv_xlat_attach(k, &p->vm, name, name_len);
    return err;
}

static void trace_spawn(struct kernel *k, const struct proc *p, uint32_t name_len)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_SPAWN,
                                 .pid = p->pid,
                                 .other_pid = p->parent_pid,
                                 .text = p->name,
                                 .text_len = name_len};
    ktrace(k, &ev);
}

/* Record a new child in its parent's table (when the parent is a process
 * here). ERR_LIMIT when the table is full. */
static int add_child(struct kernel *k, uint32_t parent_pid, uint32_t child_pid)
{
    struct proc *parent = proc_find(k, parent_pid);
    if (parent == NULL)
        return 0;
    if (parent->child_count == PROC_MAX_CHILDREN)
        return ERR_LIMIT;
    parent->children[parent->child_count++] = (struct child){.pid = child_pid, .home_epoch = k->epoch};
    return 0;
}

static void free_new_proc(struct kernel *k, struct proc *p)
{
    vm_destroy(&p->vm, k);
    kfree(k, p, sizeof *p);
}

int64_t proc_spawn(struct kernel *k, uint32_t parent_pid, const char *name, uint32_t name_len,
                   const char *args, uint32_t args_len)
{
    if (name_len == 0 || name_len > ABI_PROGRAM_NAME_MAX)
        return ERR_INVALID;
    int argc = count_args(args, args_len);
    if (argc < 0)
        return argc;
    int slot = find_free_slot(k);
    if (slot < 0)
        return slot;
    struct proc *p = kalloc(k, sizeof *p);
    if (p == NULL)
        return ERR_NO_MEMORY;
    int err = load_program(k, p, name, name_len);
    if (err == 0)
        err = setup_stack(k, p, args, args_len, argc);
    int64_t pid = err == 0 ? allocate_pid(k) : 0;
    if (pid < 0)
        err = (int)pid;
    if (err == 0)
        err = add_child(k, parent_pid, (uint32_t)pid);
    if (err != 0) {
        free_new_proc(k, p);
        return err;
    }
    p->slot = (uint8_t)slot;
    p->pid = (uint32_t)pid;
    p->parent_pid = parent_pid;
    p->deadline_ns = HAL_TIME_NEVER;
    p->resident_since_ns = kernel_now(k);
    kmemcpy(p->name, name, name_len);
    proc_install(k, p);
    k->stats.spawned++;
    trace_spawn(k, p, name_len);
    p->state = PROC_RUNNABLE;
    sched_enqueue(k, p);
    return p->pid;
}

struct proc *proc_find(struct kernel *k, uint32_t pid)
{
    if (ABI_PID_LOCAL(pid) == 0)
        return NULL;
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p != NULL && p->pid == pid && !p->arriving)
            return p;
    }
    return NULL;
}

/* Unhook p from the node and free it and everything it holds. */
static void release(struct kernel *k, struct proc *p)
{
    if (p->state == PROC_RUNNABLE && !p->frozen)
        sched_remove(k, p);
    ipc_free_mailbox(k, p);
    stock_client_forget(k, p);
    vm_destroy(&p->vm, k);
    KASSERT(k, p->slot < KERNEL_MAX_PROCS && k->procs[p->slot] == p && k->proc_count > 0);
    k->procs[p->slot] = NULL;
    k->proc_count--;
    kfree(k, p, sizeof *p);
}

void proc_trace_child_lost(struct kernel *k, const struct proc *p, uint32_t i)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_CHILD_LOST,
                                 .pid = p->children[i].pid,
                                 .other_pid = p->pid,
                                 .value2 = p->children[i].lost_on};
    ktrace(k, &ev);
}

void proc_child_reported(struct kernel *k, struct proc *p, uint32_t child, int32_t status, uint16_t on)
{
    for (uint32_t i = 0; i < p->child_count; i++) {
        if (p->children[i].pid == child && !p->children[i].exited) {
            p->children[i].exited = true;
            p->children[i].status = status;
            p->children[i].lost_on = on;
            /* Traced where the parent will know it: after the image of a
             * move was taken, on the target (told again when it is done). */
            if (status == ABI_STATUS_LOST && !migrate_image_taken(k, p->pid))
                proc_trace_child_lost(k, p, i);
            if (p->wait == WAIT_CHILD)
                proc_wake(k, p);
            return;
        }
    }
}

void proc_on_node_lost(struct kernel *k, uint16_t node, bool restarted)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p == NULL || p->arriving)
            continue;
        for (uint32_t c = 0; c < p->child_count; c++) {
            uint32_t child = p->children[c].pid;
            if (p->children[c].exited || location_lookup(k, child) != node)
                continue;
            location_suspect_lost(k, child, p->pid, node, 0,
                                  restarted ? LOCATION_RESTARTED : LOCATION_SILENT);
        }
    }
}

/* Tell the parent, wherever it runs now; a parent that is gone (or the
 * kernel) needs no word. */
static void notify_parent(struct kernel *k, uint32_t child, uint32_t parent_pid, int32_t status)
{
    if (ABI_PID_LOCAL(parent_pid) == 0)
        return;
    struct proc *parent = proc_find(k, parent_pid);
    if (parent != NULL) {
        proc_child_reported(k, parent, child, status, k->node_id);
        return;
    }
    exit_notice_send(k, parent_pid, child, status);
}

void proc_report_lost(struct kernel *k, uint32_t pid, uint32_t parent_pid)
{
    notify_parent(k, pid, parent_pid, ABI_STATUS_LOST);
}

void proc_exit(struct kernel *k, struct proc *p, int32_t status)
{
    migrate_on_exit(k, p->pid); /* its move ends first: the trace reads in order */
    struct hal_trace_event ev = {.type = HAL_TRACE_EXIT, .pid = p->pid, .value = status, .value64 = p->insns_total};
    ktrace(k, &ev);
    k->stats.exited++;
    notify_parent(k, p->pid, p->parent_pid, status);
    if (ABI_PID_NODE(p->pid) != k->node_id)
        location_on_exit(k, p->pid);
    release(k, p);
}

void proc_fault(struct kernel *k, struct proc *p, uint16_t kind, uint32_t addr)
{
    struct hal_trace_event ev = {
        .type = HAL_TRACE_FAULT, .reason = kind, .pid = p->pid, .value = (int32_t)p->cpu.pc, .value2 = addr};
    ktrace(k, &ev);
    k->stats.faulted++;
    proc_exit(k, p, PROC_STATUS_FAULT);
}

void proc_fault_access(struct kernel *k, struct proc *p, uint16_t kind, uint32_t addr)
{
    int grown = proc_grow_stack(k, p, addr);
    if (grown > 0)
        return;
    if (grown == ERR_NO_MEMORY)
        kind = HAL_FAULT_NO_MEMORY;
    else if (addr >= STACK_GUARD_BASE && addr < STACK_LIMIT)
        kind = HAL_FAULT_STACK_OVERFLOW;
    proc_fault(k, p, kind, addr);
}

void proc_discard(struct kernel *k, struct proc *p)
{
    release(k, p);
}

int proc_adopt(struct kernel *k, struct proc *p)
{
    int slot = find_free_slot(k);
    if (slot < 0)
        return slot;
    p->slot = (uint8_t)slot;
    p->frozen = false;
    p->resident_since_ns = kernel_now(k);
    proc_install(k, p);
    if (p->state == PROC_RUNNABLE)
        sched_enqueue(k, p);
    return 0;
}

void proc_freeze(struct kernel *k, struct proc *p)
{
    if (p->frozen)
        return;
    if (p->state == PROC_RUNNABLE)
        sched_remove(k, p);
    p->frozen = true;
}

void proc_thaw(struct kernel *k, struct proc *p)
{
    if (!p->frozen)
        return;
    p->frozen = false;
    if (p->state == PROC_RUNNABLE)
        sched_enqueue(k, p);
}

/* BLOCK and WAKE let a trace reader follow every node's run queue
 * exactly (the visualizer draws it), between the load samples. */
static void trace_block(struct kernel *k, const struct proc *p, enum proc_wait wait)
{
    static const uint16_t reasons[] = {
        [WAIT_RECV] = HAL_WAIT_RECV, [WAIT_CHILD] = HAL_WAIT_CHILD, [WAIT_SLEEP] = HAL_WAIT_SLEEP,
        [WAIT_SEND] = HAL_WAIT_SEND, [WAIT_STOCK] = HAL_WAIT_STORE,
    };
    KASSERT(k, wait != WAIT_NONE && (uint32_t)wait < sizeof reasons / sizeof reasons[0]);
    struct hal_trace_event ev = {.type = HAL_TRACE_BLOCK, .pid = p->pid, .reason = reasons[wait]};
    ktrace(k, &ev);
}

void proc_block(struct kernel *k, struct proc *p, enum proc_wait wait)
{
    if (p->state != PROC_BLOCKED)
        trace_block(k, p, wait);
    p->state = PROC_BLOCKED;
    p->wait = wait;
}

void proc_wake(struct kernel *k, struct proc *p)
{
    if (p->state != PROC_BLOCKED)
        return;
    struct hal_trace_event ev = {.type = HAL_TRACE_WAKE, .pid = p->pid};
    ktrace(k, &ev);
    p->state = PROC_RUNNABLE;
    p->wait = WAIT_NONE;
    if (!p->frozen) /* a frozen process is queued when it thaws */
        sched_enqueue(k, p);
}

void proc_destroy_all(struct kernel *k)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++)
        if (k->procs[i] != NULL)
            release(k, k->procs[i]);
    k->runq_len = 0;
}
