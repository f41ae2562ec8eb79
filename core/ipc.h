/*
 * ipc.h - messages between processes: bounded mailboxes, delivery on the
 * local node, and delivery to other nodes over the cluster protocol.
 *
 * A send completes when the message is in the destination's mailbox (or
 * failed): locally at once, remotely when the destination node answers
 * (the sender blocks in WAIT_SEND meanwhile). If the destination node
 * restarts, stops answering, or sends no answer within IPC_ANSWER_TIMEOUT_NS,
 * the send fails with ERR_OUTCOME_UNKNOWN: the message may or may not have
 * arrived, and sending it again may deliver it twice.
 */
#ifndef CORE_IPC_H
#define CORE_IPC_H

#include <stdint.h>

struct kernel;
struct proc;

/* Kernel message types of the cluster protocol (docs/protocol.md). */
enum cluster_msg_type {
    CLUSTER_MSG_DELIVER = 16,        /* see ipc.c */
    CLUSTER_MSG_DELIVER_RESULT = 17, /* see ipc.c */
    CLUSTER_MSG_WHEREIS = 18,        /* pid: "where is it?" (location_verdict.c) */
    CLUSTER_MSG_CONSOLE = 19,        /* pid, text: output for the home console */
    CLUSTER_MSG_LOCATION = 20,       /* pid, node (0xFFFF: exited), move count: for its home */
    CLUSTER_MSG_PROBE = 21,          /* empty: "are you there?" (liveness.c); its ack answers */
    CLUSTER_MSG_MIGRATE_FIRST = 24,  /* 24..31: migrate*.c */
    CLUSTER_MSG_MIGRATE_LAST = 31,
    CLUSTER_MSG_BALANCE_FIRST = 32,  /* 32..39: balance.c and loadinfo.c */
    CLUSTER_MSG_BALANCE_LAST = 39,
    CLUSTER_MSG_WHERE = 40, /* pid, node (0xFFFF: not known), move count, parent: WHEREIS's answer */
};

/* ipc_send's result when the sender must wait for a remote answer. */
#define IPC_PENDING 1

/* Send from process `p` (or from the kernel when p is NULL) to `dst`.
 * 0, IPC_PENDING (p now blocks in WAIT_SEND) or a negative error. */
int ipc_send(struct kernel *k, struct proc *p, uint32_t dst, const uint8_t *data, uint32_t len);

/* Send `parent`, wherever it runs, word that `child` exited with
 * `status` (answered when send_id is not 0); the node it went to.
 * exit_notice.h keeps it until it arrives. */
uint16_t ipc_send_child_exit(struct kernel *k, uint32_t parent, uint32_t child, int32_t status,
                             uint32_t send_id);
/* A fresh send id (never 0). */
uint32_t ipc_next_send_id(struct kernel *k);

/* Put a message into a local process's mailbox. 0, ERR_NO_PROCESS,
 * ERR_MAILBOX_FULL or ERR_NO_MEMORY; traced either way. */
int ipc_deliver_local(struct kernel *k, uint32_t src, uint32_t dst, const uint8_t *data, uint32_t len);

/* Drop every message still in p's mailbox. */
void ipc_free_mailbox(struct kernel *k, struct proc *p);

#endif
