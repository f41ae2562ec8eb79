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
    PROC_RUNNABLE, /* on the run queue (unless frozen) */
    PROC_BLOCKED,  /* in a system call, waiting for `wait` */
};

enum proc_wait {
    WAIT_NONE,
    WAIT_RECV,  /* a message in the mailbox */
    WAIT_CHILD, /* a child to exit */
    WAIT_SLEEP, /* time only */
    WAIT_SEND,  /* the result of a send to another node */
    WAIT_STOCK, /* Stockholder's answer (stock_client.c) */
};

/* An open Stockholder handle: where the file is served, and where the
 * process is in it. The server keeps nothing per open. */
struct stock_handle {
    bool used;
    uint8_t type;  /* ABI_TYPE_FILE or ABI_TYPE_DIR */
    uint8_t flags; /* ABI_O_APPEND matters after open */
    uint16_t node;
    uint64_t ino;
    uint64_t pos;
};

struct message {
    uint32_t src_pid;
    uint32_t len;
    uint8_t *data; /* kalloc'd, len bytes (NULL when len is 0) */
};

/* A child as its parent sees it, wherever the child runs: the status
 * arrives with a CHILD_EXIT message when it exits on another node. */
struct child {
    uint32_t pid;
    int32_t status;
    bool exited;
    uint16_t lost_on;    /* status ABI_STATUS_LOST: the `on` of its child_lost trace */
    uint32_t home_epoch; /* its home's boot epoch at its birth, or when last suspected (liveness.c) */
};

struct proc {
    uint32_t pid;
    uint32_t parent_pid;
    uint8_t slot;
    enum proc_state state;
    enum proc_wait wait;
    bool in_syscall;      /* blocked in (or resuming) the call in a7 */
    bool syscall_pending; /* stopped at the call in a7, to run next slice */
    uint64_t deadline_ns; /* of the blocked call; HAL_TIME_NEVER if none */
    struct rv_cpu cpu;
    struct vm vm;
    struct message mailbox[MAILBOX_CAPACITY]; /* a ring */
    uint32_t mailbox_head, mailbox_len;
    uint32_t send_id;     /* WAIT_SEND: which remote send */
    uint16_t send_node;   /* WAIT_SEND: to which node */
    int32_t send_result;  /* WAIT_SEND: filled in when the result arrives */
    bool send_done;
    uint32_t stock_call;   /* WAIT_STOCK: the call's id (0: none) */
    uint16_t stock_node;   /* ...and the node serving it */
    uint8_t stock_handle;  /* SYS_OPEN: the handle it fills */
    bool stock_done;       /* the answer is in stock_result */
    int32_t stock_result;
    uint8_t *stock_reply;     /* a reply from another node being assembled, kalloc'd */
    uint32_t stock_reply_len; /* ...its total bytes */
    uint32_t stock_reply_got; /* ...and how many arrived */
    struct stock_handle files[ABI_MAX_FILES];
    struct child children[PROC_MAX_CHILDREN];
    uint32_t child_count;
    bool pinned;             /* never migrates */
    bool frozen;             /* being migrated: not scheduled, mailbox open */
    bool arriving;           /* migrated here, not yet handed over: frozen and
                                not found by pid (migrate_target.c) */
    uint64_t resident_since_ns; /* spawn or arrival on this node */
    uint64_t insns_total;    /* instructions run, on every node */
    uint32_t moves;          /* finished migrations: orders location news */
    uint64_t insns_window;   /* run since the balancer last looked */
    char name[ABI_PROGRAM_NAME_MAX + 1];
};

/* Exit status of a process killed by a fault. */
#define PROC_STATUS_FAULT (-128)

/* At boot, on a platform with NVRAM: continue the local numbers where the
 * node's last incarnation stopped (HAL_NVRAM_NEXT_PID), so no pid it
 * handed out is handed out again while its process may live on elsewhere. */
void proc_restore_pid_counter(struct kernel *k);

/* Create a process running program `name` with the argument block `args`
 * (`args_len` bytes: each argument ends with a NUL). Returns the pid or a
 * negative error; nothing is left behind on error. */
int64_t proc_spawn(struct kernel *k, uint32_t parent_pid, const char *name, uint32_t name_len,
                   const char *args, uint32_t args_len);

/* The process ends with `status`: it is traced, its parent told (on
 * whichever node it is) and the process freed. */
void proc_exit(struct kernel *k, struct proc *p, int32_t status);

/* End a process because of a fault (traced as a FAULT, then exit). */
void proc_fault(struct kernel *k, struct proc *p, uint16_t kind, uint32_t addr);

/* A load or store (kind HAL_FAULT_LOAD or _STORE) faulted at addr. If addr
 * lies in the stack under its mapped part, the stack grows there and the
 * access, which did not retire, runs again when p next runs. Otherwise p
 * ends with a FAULT: a stack overflow when addr is in the guard gap under
 * STACK_LIMIT, out of memory when the node had no page for the stack,
 * else `kind`. */
void proc_fault_access(struct kernel *k, struct proc *p, uint16_t kind, uint32_t addr);

/* The process `pid` if it is on this node now (frozen ones included,
 * arriving ones not), or NULL. */
struct proc *proc_find(struct kernel *k, uint32_t pid);

/* Block p in its current system call until `wait` is satisfied or the
 * deadline passes; make it runnable again. */
void proc_block(struct kernel *k, struct proc *p, enum proc_wait wait);
void proc_wake(struct kernel *k, struct proc *p);

/* Free every process (the node is going away). */
void proc_destroy_all(struct kernel *k);

/* Stop scheduling p without losing its state (runnable or blocked), and
 * resume it. Messages still reach a frozen process's mailbox. */
void proc_freeze(struct kernel *k, struct proc *p);
void proc_thaw(struct kernel *k, struct proc *p);

/* Migration's two ends. proc_adopt gives a decoded process (kalloc'd,
 * with its own address space) a slot here and schedules it if runnable;
 * ERR_LIMIT if the table is full. proc_discard frees a process that now
 * lives elsewhere, silently (no exit, no notices). */
int proc_adopt(struct kernel *k, struct proc *p);
void proc_discard(struct kernel *k, struct proc *p);

/* The stack (param.h) is mapped as it is used, as one run of pages down
 * from ABI_USER_TOP: map every page from va's down to the top that is not
 * mapped yet, after a fault at va or before a system call uses a buffer
 * there. Returns the pages mapped (0 when va is outside the stack or all
 * are mapped) or ERR_NO_MEMORY. */
int proc_grow_stack(struct kernel *k, struct proc *p, uint32_t va);

/* Word about a child reached its parent p (here): its exit status, or
 * ABI_STATUS_LOST, news from node `on` that it was lost (traced as
 * CHILD_LOST). Only the first word about a child counts: an exit that
 * comes after it was reported lost is ignored. */
void proc_child_reported(struct kernel *k, struct proc *p, uint32_t child, int32_t status, uint16_t on);
/* Trace CHILD_LOST for p's child i (status ABI_STATUS_LOST). */
void proc_trace_child_lost(struct kernel *k, const struct proc *p, uint32_t i);

/* Process `pid` ran nowhere after a move this node took part in was cut
 * short by a crash: tell its parent, wherever it runs, that it is lost. */
void proc_report_lost(struct kernel *k, uint32_t pid, uint32_t parent_pid);

/* Node `node` restarted or was declared dead: every child of a process
 * here that this node believes runs there (location_lookup) may be lost.
 * The belief may be stale (news of a later move still on its way to the
 * child's home), and a silent node may come back: each is suspected
 * (location_suspect_lost) and followed later. */
void proc_on_node_lost(struct kernel *k, uint16_t node, bool restarted);

#endif
