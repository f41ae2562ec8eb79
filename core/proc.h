/*
 * proc.h - processes: the process table of a node, spawning, exiting and
 * the states a process moves through.
 *
 * A process is plain data: CPU registers, an address space, a mailbox and
 * links to its parent. A process blocked in a system call keeps the call's
 * arguments in its registers; when it is woken the kernel runs the call
 * again (syscall_resume), which then completes or blocks once more. Its
 * deadline is fixed when the call first blocks.
 */
#ifndef CORE_PROC_H
#define CORE_PROC_H

#include "param.h"
#include "rv32.h"
#include "vm.h"

struct kernel;

enum proc_state {
    PROC_RUNNABLE, /* on the run queue */
    PROC_BLOCKED,  /* in a system call, waiting for `wait` */
    PROC_ZOMBIE,   /* exited; its parent has not collected the status */
};

enum proc_wait {
    WAIT_NONE,
    WAIT_RECV,  /* a message in the mailbox */
    WAIT_CHILD, /* a child to exit */
    WAIT_SLEEP, /* time only */
    WAIT_SEND,  /* the result of a send to another node */
};

struct message {
    uint32_t src_pid;
    uint32_t len;
    uint8_t *data; /* kalloc'd, len bytes (NULL when len is 0) */
};

struct proc {
    uint32_t pid;
    uint32_t parent_pid;
    uint8_t slot;
    enum proc_state state;
    enum proc_wait wait;
    bool in_syscall;      /* blocked in (or resuming) the call in a7 */
    uint64_t deadline_ns; /* of the blocked call; HAL_TIME_NEVER if none */
    struct rv_cpu cpu;
    struct vm vm;
    struct message mailbox[MAILBOX_CAPACITY]; /* a ring */
    uint32_t mailbox_head, mailbox_len;
    uint32_t send_id;     /* WAIT_SEND: which remote send */
    uint16_t send_node;   /* WAIT_SEND: to which node */
    int32_t send_result;  /* WAIT_SEND: filled in when the result arrives */
    bool send_done;
    int32_t exit_status;
    char name[ABI_PROGRAM_NAME_MAX + 1];
};

/* Exit status of a process killed by a fault. */
#define PROC_STATUS_FAULT (-128)

/* Create a process running program `name` with the argument block `args`
 * (`args_len` bytes: each argument ends with a NUL). Returns the pid or a
 * negative error; nothing is left behind on error. */
int64_t proc_spawn(struct kernel *k, uint32_t parent_pid, const char *name, uint32_t name_len,
                   const char *args, uint32_t args_len);

/* The process ends with `status`: it is traced, its memory freed, its
 * parent (if waiting) woken and its children orphaned. */
void proc_exit(struct kernel *k, struct proc *p, int32_t status);

/* End a process because of a fault (traced as a FAULT, then exit). */
void proc_fault(struct kernel *k, struct proc *p, uint16_t kind, uint32_t addr);

/* The live (non-zombie) process `pid` on this node, or NULL. */
struct proc *proc_find(struct kernel *k, uint32_t pid);

/* Free a zombie's slot once its status has been collected. */
void proc_reap(struct kernel *k, struct proc *p);

/* Block p in its current system call until `wait` is satisfied or the
 * deadline passes; make it runnable again. */
void proc_block(struct kernel *k, struct proc *p, enum proc_wait wait);
void proc_wake(struct kernel *k, struct proc *p);

/* Free every process (the node is going away). */
void proc_destroy_all(struct kernel *k);

#endif
