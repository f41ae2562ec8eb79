/*
 * syscall.c - the system calls. Every argument is checked: a bad pointer
 * or length is answered with an error code in a0, never a fault of the
 * kernel. Calls that wait (recv, wait, sleep, remote send) fix their
 * deadline on first entry and are re-run when the process is woken.
 */
#include "syscall.h"

#include "bytes.h"
#include "console.h"
#include "ipc.h"
#include "kassert.h"
#include "kernel_priv.h"
#include "proc.h"
#include "stock_client.h"

static uint32_t arg(const struct proc *p, uint32_t i)
{
    return p->cpu.x[RV_A0 + i];
}

static uint64_t arg64(const struct proc *p, uint32_t i)
{
    return (uint64_t)arg(p, i) | ((uint64_t)arg(p, i + 1) << 32);
}

/* A buffer on a part of the stack never touched yet is mapped first, as
 * if the program had touched it (no memory: the copy then faults). */
static void prepare(struct kernel *k, struct proc *p, uint32_t va, uint32_t len)
{
    if (len != 0)
        (void)proc_grow_stack(k, p, va);
}

static void complete(struct proc *p, int32_t result)
{
    p->cpu.x[RV_A0] = (uint32_t)result;
    p->in_syscall = false;
    p->deadline_ns = HAL_TIME_NEVER;
}

/* On first entry of a waiting call, fix its deadline from the timeout. */
static void begin_wait(struct kernel *k, struct proc *p, uint64_t timeout_ns)
{
    if (p->in_syscall)
        return;
    p->in_syscall = true;
    uint64_t now = kernel_now(k);
    p->deadline_ns = timeout_ns >= HAL_TIME_NEVER - now ? HAL_TIME_NEVER : now + timeout_ns;
}

static bool deadline_passed(struct kernel *k, const struct proc *p)
{
    return p->deadline_ns != HAL_TIME_NEVER && kernel_now(k) >= p->deadline_ns;
}

void syscall_complete(struct proc *p, int32_t result)
{
    complete(p, result);
}

void syscall_begin_wait(struct kernel *k, struct proc *p, uint64_t timeout_ns)
{
    begin_wait(k, p, timeout_ns);
}

bool syscall_deadline_passed(struct kernel *k, const struct proc *p)
{
    return deadline_passed(k, p);
}

void syscall_prepare(struct kernel *k, struct proc *p, uint32_t va, uint32_t len)
{
    prepare(k, p, va, len);
}

static void sys_write(struct kernel *k, struct proc *p)
{
    uint32_t va = arg(p, 0), len = arg(p, 1);
    if (len > ABI_WRITE_MAX_BYTES) {
        complete(p, ERR_TOO_BIG);
        return;
    }
    if (len == 0) {
        complete(p, 0);
        return;
    }
    char *text = kalloc(k, len);
    if (text == NULL) {
        complete(p, ERR_NO_MEMORY);
        return;
    }
    prepare(k, p, va, len);
    int err = vm_copy_in(&p->vm, text, va, len);
    if (err == 0)
        console_write(k, p->pid, text, len);
    kfree(k, text, len);
    complete(p, err == 0 ? (int32_t)len : err);
}

static void sys_spawn(struct kernel *k, struct proc *p)
{
    uint32_t name_len = arg(p, 1), args_len = arg(p, 3);
    char name[ABI_PROGRAM_NAME_MAX];
    char args[ABI_ARGS_MAX_BYTES];
    if (name_len == 0 || name_len > ABI_PROGRAM_NAME_MAX || args_len > ABI_ARGS_MAX_BYTES) {
        complete(p, ERR_INVALID);
        return;
    }
    prepare(k, p, arg(p, 0), name_len);
    prepare(k, p, arg(p, 2), args_len);
    if (vm_copy_in(&p->vm, name, arg(p, 0), name_len) != 0 ||
        vm_copy_in(&p->vm, args, arg(p, 2), args_len) != 0) {
        complete(p, ERR_FAULT);
        return;
    }
    int64_t pid = proc_spawn(k, p->pid, name, name_len, args, args_len);
    complete(p, pid < 0 ? (int32_t)pid : (int32_t)(uint32_t)pid);
}

/* The index in p's child table of an exited child matching `want` (0:
 * any), or -1; *any_child says whether any child matches at all. */
static int find_exited_child(const struct proc *p, uint32_t want, bool *any_child)
{
    *any_child = false;
    for (uint32_t i = 0; i < p->child_count; i++) {
        if (want != 0 && p->children[i].pid != want)
            continue;
        *any_child = true;
        if (p->children[i].exited)
            return (int)i;
    }
    return -1;
}

/* Hand over an exited child's status; the table keeps spawn order. */
static int32_t collect_child(struct proc *p, uint32_t index, uint32_t status_va)
{
    struct child c = p->children[index];
    uint8_t status[4];
    put_le32(status, (uint32_t)c.status);
    if (status_va != 0)
        vm_copy_out(&p->vm, status_va, status, 4);
    p->child_count--;
    kmemmove(&p->children[index], &p->children[index + 1], (p->child_count - index) * sizeof c);
    return (int32_t)c.pid;
}

static void sys_wait(struct kernel *k, struct proc *p)
{
    uint32_t want = arg(p, 0), status_va = arg(p, 1);
    if (status_va != 0)
        prepare(k, p, status_va, 4);
    if (status_va != 0 && vm_check(&p->vm, status_va, 4, VM_PERM_W) != 0) {
        complete(p, ERR_FAULT);
        return;
    }
    begin_wait(k, p, arg64(p, 2));
    bool any_child;
    int index = find_exited_child(p, want, &any_child);
    if (index >= 0)
        complete(p, collect_child(p, (uint32_t)index, status_va));
    else if (!any_child)
        complete(p, ERR_NO_CHILD);
    else if (deadline_passed(k, p))
        complete(p, ERR_TIMEOUT);
    else
        proc_block(k, p, WAIT_CHILD);
}

/* A send traced as SEND returns: SEND_RESULT says what it returned, so a
 * reader of the trace can hold every successful send to its delivery. */
static void complete_send(struct kernel *k, struct proc *p, int32_t result)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_SEND_RESULT,
                                 .pid = p->pid,
                                 .other_pid = arg(p, 0),
                                 .value = result,
                                 .value2 = arg(p, 2)};
    ktrace(k, &ev);
    complete(p, result);
}

static void sys_send(struct kernel *k, struct proc *p)
{
    if (p->in_syscall) { /* resumed: woken by the answer, a reset or the deadline */
        if (p->send_done)
            complete_send(k, p, p->send_result);
        else if (deadline_passed(k, p))
            complete_send(k, p, ERR_OUTCOME_UNKNOWN); /* delivered, perhaps, but no answer */
        else
            proc_block(k, p, WAIT_SEND);
        return;
    }
    uint32_t dst = arg(p, 0), va = arg(p, 1), len = arg(p, 2);
    uint8_t data[MSG_MAX_BYTES];
    if (len > MSG_MAX_BYTES) {
        complete(p, ERR_TOO_BIG);
        return;
    }
    prepare(k, p, va, len);
    if (vm_copy_in(&p->vm, data, va, len) != 0) {
        complete(p, ERR_FAULT);
        return;
    }
    int r = ipc_send(k, p, dst, data, len);
    if (r != IPC_PENDING) {
        complete_send(k, p, r);
        return;
    }
    /* The transport notices a peer that stops acknowledging, but not one
     * that acknowledged the message and died before answering: bound the
     * wait for the answer. */
    begin_wait(k, p, IPC_ANSWER_TIMEOUT_NS);
    proc_block(k, p, WAIT_SEND);
}

static int32_t take_message(struct kernel *k, struct proc *p, uint32_t buf_va, uint32_t cap, uint32_t from_va)
{
    KASSERT(k, p->mailbox_len > 0 && p->mailbox_head < MAILBOX_CAPACITY);
    struct message *m = &p->mailbox[p->mailbox_head];
    if (m->len > cap)
        return ERR_TOO_BIG;
    uint8_t from[4];
    put_le32(from, m->src_pid);
    if (vm_copy_out(&p->vm, buf_va, m->data, m->len) != 0 ||
        (from_va != 0 && vm_copy_out(&p->vm, from_va, from, 4) != 0))
        return ERR_FAULT;
    int32_t len = (int32_t)m->len;
    kfree(k, m->data, m->len);
    m->data = NULL;
    p->mailbox_head = (p->mailbox_head + 1) % MAILBOX_CAPACITY;
    p->mailbox_len--;
    return len;
}

static void sys_recv(struct kernel *k, struct proc *p)
{
    uint32_t buf_va = arg(p, 0), cap = arg(p, 1), from_va = arg(p, 2);
    prepare(k, p, buf_va, cap);
    if (from_va != 0)
        prepare(k, p, from_va, 4);
    if ((cap > 0 && vm_check(&p->vm, buf_va, cap, VM_PERM_W) != 0) ||
        (from_va != 0 && vm_check(&p->vm, from_va, 4, VM_PERM_W) != 0)) {
        complete(p, ERR_FAULT);
        return;
    }
    begin_wait(k, p, arg64(p, 3));
    if (p->mailbox_len > 0) {
        complete(p, take_message(k, p, buf_va, cap, from_va));
        return;
    }
    if (deadline_passed(k, p)) {
        complete(p, ERR_TIMEOUT);
        return;
    }
    proc_block(k, p, WAIT_RECV);
}

static void sys_sleep(struct kernel *k, struct proc *p)
{
    begin_wait(k, p, arg64(p, 0));
    if (deadline_passed(k, p)) {
        complete(p, 0);
        return;
    }
    proc_block(k, p, WAIT_SLEEP);
}

static void sys_time(struct kernel *k, struct proc *p)
{
    uint64_t now = kernel_now(k);
    complete(p, (int32_t)(uint32_t)now);
    p->cpu.x[RV_A1] = (uint32_t)(now >> 32);
}

/* The status a program asked to exit with; ABI_STATUS_LOST is the
 * kernel's alone, so a parent can always tell a lost child. */
static int32_t exit_status(const struct proc *p)
{
    int32_t status = (int32_t)arg(p, 0);
    return status == ABI_STATUS_LOST ? ABI_STATUS_LOST + 1 : status;
}

/* The caller may move itself (pid 0) or another process on this node;
 * the move happens after this call returns. */
static void sys_migrate(struct kernel *k, struct proc *p)
{
    uint32_t pid = arg(p, 0) != 0 ? arg(p, 0) : p->pid;
    uint32_t target = arg(p, 1);
    complete(p, target > 0xFFFFu ? ERR_INVALID : kernel_migrate(k, pid, (uint16_t)target));
}

void syscall_handle(struct kernel *k, struct proc *p)
{
    switch (p->cpu.x[RV_A7]) {
    case SYS_EXIT: proc_exit(k, p, exit_status(p)); break;
    case SYS_GETPID: complete(p, (int32_t)p->pid); break;
    case SYS_GETNODE: complete(p, k->node_id); break;
    case SYS_SPAWN: sys_spawn(k, p); break;
    case SYS_WAIT: sys_wait(k, p); break;
    case SYS_SEND: sys_send(k, p); break;
    case SYS_RECV: sys_recv(k, p); break;
    case SYS_SLEEP: sys_sleep(k, p); break;
    case SYS_TIME: sys_time(k, p); break;
    case SYS_YIELD: complete(p, 0); break;
    case SYS_WRITE: sys_write(k, p); break;
    case SYS_MIGRATE: sys_migrate(k, p); break;
    case SYS_PIN: complete(p, kernel_pin(k, p->pid, arg(p, 0) != 0)); break;
    default:
        if (p->cpu.x[RV_A7] >= SYS_OPEN && p->cpu.x[RV_A7] <= SYS_KV_SCAN)
            syscall_stock(k, p);
        else
            complete(p, ERR_NOSYS);
        break;
    }
}
