/*
 * hal_trace.h - the kernel's event trace.
 *
 * The core reports what happens on a node as typed events; the platform
 * stamps each with its time and node and writes it out (the simulator as
 * JSON Lines, see docs/trace.md; x86 on the serial port). `event` copies
 * what it needs (including `text`) before returning and cannot fail.
 *
 * Field use per type (unused fields are 0):
 *   BOOT       value = boot epoch
 *   SPAWN      pid, other_pid = parent, text = program name
 *   EXIT       pid, value = exit status, value64 = instructions it ran (on
 *              every node it ran on)
 *   FAULT      pid, reason = enum hal_trace_fault, value = pc, value2 = address
 *   SEND       pid = sender, other_pid = destination, value = bytes
 *   DELIVER    pid = receiver, other_pid = sender, value = bytes
 *   DROP       pid = destination, other_pid = sender, reason = enum
 *              hal_trace_drop, value = bytes
 *   LOAD       value = load average in thousandths, value2 = run-queue length,
 *              other_pid = number of processes
 *   CONSOLE    pid, text = what the process wrote
 *   RETRANSMIT value = sequence number, value2 = peer node
 *   PEER_RESET value2 = peer node (its session was reset: restart or timeout)
 *   MIGRATE_START  pid, value2 = target node: the process is frozen (stop
 *              and copy) or its pages start to copy (pre-copy)
 *   MIGRATE_ROUND  pid, value2 = target node, value = round number,
 *              value64 = bytes sent in this pre-copy round
 *   MIGRATE_INSTALL pid, value2 = source node: the image is installed and
 *              the process runs here now (reported by the target)
 *   MIGRATE_DONE pid, value2 = target node, value64 = total bytes sent,
 *              reason = 0, and value = freeze time in microseconds (the
 *              source, once the target confirmed)
 *   MIGRATE_ABORT pid, value2 = target node, value = the error: the
 *              process stays and runs on here
 *   FORWARD    pid = destination, other_pid = sender, value2 = next node:
 *              a message for a process that is not here was sent on
 *   BALANCE    pid = the process chosen, value2 = target node (or 0xFFFF for
 *              an offer to the network), value = local load in thousandths,
 *              reason = enum hal_balance_policy
 *   CHILD_LOST pid = the child, other_pid = its parent (here), value2 = the
 *              node it was believed on, which restarted or was declared
 *              dead: the parent's wait reports ABI_STATUS_LOST
 *   MIGRATE_DROP pid, value2 = source node: on the target, a copy that
 *              was installed and held for HANDOVER DONE was dropped because
 *              the source restarted or was declared dead. If the source had
 *              handed the process over (MIGRATE_DONE there) it is lost;
 *              otherwise the source's abort thaws it there.
 *   MIGRATE_LOST pid, value2 = target node: on the process's home, the
 *              target of a move restarted before it acknowledged HANDOVER
 *              DONE and the home knows of no later move or exit: the
 *              process ran nowhere afterwards, it is lost, and its parent
 *              is told
 *   SEND_RESULT pid = sender, other_pid = destination, value2 = bytes,
 *              value = what the send system call returned (0 or a
 *              negative enum abi_error): traced when the call returns, so
 *              after the DELIVER of a send that returned 0
 *   STORE_MOUNT Stockholder is up: value64 = commit sequence mounted,
 *              value = blocks read, value2 = microseconds the mount took,
 *              reason = 1 when the disk was blank and was formatted first
 *   STORE_COMMIT value64 = commit sequence, value = blocks written (the
 *              superblock included), value2 = requests that waited for it,
 *              other_pid = microseconds it took
 *   STORE_ERROR reason = enum hal_store_error, value = the abi_error,
 *              value64 = the block concerned (0 when none)
 *   BLOCK      pid, reason = enum hal_trace_wait: the process left the
 *              run queue to wait in a system call
 *   WAKE       pid: the wait ended; the process is runnable again (on the
 *              run queue unless it is frozen for a move)
 *   KSEND      value2 = peer node, value = sequence number, text = the
 *              message type's name: a kernel message of the cluster
 *              protocol (not a user message's DELIVER, not the transport's
 *              own) left for the first time
 *   KRECV      value2 = peer node, value = sequence number, text = type
 *              name: such a message arrived in order and is handed up
 */
#ifndef HAL_TRACE_H
#define HAL_TRACE_H

#include "hal_types.h"

enum hal_trace_type {
    HAL_TRACE_BOOT,
    HAL_TRACE_SPAWN,
    HAL_TRACE_EXIT,
    HAL_TRACE_FAULT,
    HAL_TRACE_SEND,
    HAL_TRACE_DELIVER,
    HAL_TRACE_DROP,
    HAL_TRACE_LOAD,
    HAL_TRACE_CONSOLE,
    HAL_TRACE_RETRANSMIT,
    HAL_TRACE_PEER_RESET,
    HAL_TRACE_MIGRATE_START,
    HAL_TRACE_MIGRATE_ROUND,
    HAL_TRACE_MIGRATE_INSTALL,
    HAL_TRACE_MIGRATE_DONE,
    HAL_TRACE_MIGRATE_ABORT,
    HAL_TRACE_FORWARD,
    HAL_TRACE_BALANCE,
    HAL_TRACE_CHILD_LOST,
    HAL_TRACE_MIGRATE_DROP,
    HAL_TRACE_SEND_RESULT,
    HAL_TRACE_STORE_MOUNT,
    HAL_TRACE_STORE_COMMIT,
    HAL_TRACE_STORE_ERROR,
    HAL_TRACE_BLOCK,
    HAL_TRACE_WAKE,
    HAL_TRACE_KSEND,
    HAL_TRACE_KRECV,
    HAL_TRACE_MIGRATE_LOST,
    HAL_TRACE_TYPE_COUNT
};

enum hal_trace_fault {
    HAL_FAULT_ILLEGAL_INSTRUCTION,
    HAL_FAULT_BREAKPOINT,
    HAL_FAULT_FETCH,
    HAL_FAULT_LOAD,
    HAL_FAULT_STORE,
    HAL_FAULT_MISALIGNED,
    HAL_FAULT_STACK_OVERFLOW, /* a load or store under the stack's limit, in its guard gap */
    HAL_FAULT_NO_MEMORY,      /* the node had no page to grow the stack into */
    HAL_FAULT_COUNT
};

enum hal_trace_drop {
    HAL_DROP_MAILBOX_FULL,  /* destination mailbox was full */
    HAL_DROP_NO_PROCESS,    /* no such destination process */
    HAL_DROP_UNREACHABLE,   /* destination node did not answer */
    HAL_DROP_BAD_FRAME,     /* a received frame failed validation */
    HAL_DROP_COUNT
};

enum hal_store_error {
    HAL_STORE_ERR_MOUNT,  /* the store stays down (damaged superblocks, a read error) */
    HAL_STORE_ERR_READ,   /* a block could not be read, or failed its checks */
    HAL_STORE_ERR_COMMIT, /* a commit failed: the store is read-only */
    HAL_STORE_ERR_COUNT
};

enum hal_trace_wait {
    HAL_WAIT_RECV,  /* a message */
    HAL_WAIT_CHILD, /* a child to exit */
    HAL_WAIT_SLEEP, /* time */
    HAL_WAIT_SEND,  /* the answer to a send to another node */
    HAL_WAIT_STORE, /* Stockholder's answer */
    HAL_WAIT_COUNT
};

enum hal_balance_policy {
    HAL_BALANCE_NONE,
    HAL_BALANCE_RANDOM,
    HAL_BALANCE_OFFER,
    HAL_BALANCE_TWO_CHOICES,
    HAL_BALANCE_MOSIX,
    HAL_BALANCE_COUNT
};

struct hal_trace_event {
    uint16_t type;   /* enum hal_trace_type */
    uint16_t reason; /* enum hal_trace_fault or hal_trace_drop */
    uint32_t pid;
    uint32_t other_pid;
    int32_t value;
    uint32_t value2;
    uint64_t value64;
    const char *text; /* not NUL-terminated; may be NULL when text_len is 0 */
    uint32_t text_len;
};

struct hal_trace_ops {
    void (*event)(void *ctx, const struct hal_trace_event *ev);
};

#endif
