/*
 * ipc.c - message passing. Local sends go straight into the destination's
 * mailbox; remote sends travel as CLUSTER_MSG_DELIVER over the reliable
 * transport and the destination node answers with CLUSTER_MSG_DELIVER_RESULT,
 * which completes the sender's system call.
 */
#include "ipc.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "proc.h"
#include "transport.h"

#define DELIVER_HEADER_BYTES 12u /* send_id, src pid, dst pid */
#define RESULT_BYTES 12u         /* send_id, dst pid, status */
_Static_assert(DELIVER_HEADER_BYTES + MSG_MAX_BYTES <= CLUSTER_PAYLOAD_MAX, "a message fits one frame");

static void trace_drop(struct kernel *k, uint32_t src, uint32_t dst, uint32_t len, uint16_t reason)
{
    struct hal_trace_event ev = {
        .type = HAL_TRACE_DROP, .reason = reason, .pid = dst, .other_pid = src, .value = (int32_t)len};
    ktrace(k, &ev);
    k->stats.msgs_dropped++;
}

int ipc_deliver_local(struct kernel *k, uint32_t src, uint32_t dst, const uint8_t *data, uint32_t len)
{
    struct proc *p = proc_find(k, dst);
    if (p == NULL) {
        trace_drop(k, src, dst, len, HAL_DROP_NO_PROCESS);
        return ERR_NO_PROCESS;
    }
    if (p->mailbox_len == MAILBOX_CAPACITY) {
        trace_drop(k, src, dst, len, HAL_DROP_MAILBOX_FULL);
        return ERR_MAILBOX_FULL;
    }
    uint8_t *copy = NULL;
    if (len > 0 && (copy = kalloc(k, len)) == NULL)
        return ERR_NO_MEMORY;
    if (len > 0)
        kmemcpy(copy, data, len);
    struct message *m = &p->mailbox[(p->mailbox_head + p->mailbox_len) % MAILBOX_CAPACITY];
    *m = (struct message){.src_pid = src, .len = len, .data = copy};
    p->mailbox_len++;
    struct hal_trace_event ev = {
        .type = HAL_TRACE_DELIVER, .pid = dst, .other_pid = src, .value = (int32_t)len};
    ktrace(k, &ev);
    k->stats.msgs_delivered++;
    if (p->wait == WAIT_RECV)
        proc_wake(k, p);
    return 0;
}

static uint32_t next_send_id(struct kernel *k)
{
    if (++k->next_send_id == 0)
        k->next_send_id = 1;
    return k->next_send_id;
}

int ipc_send(struct kernel *k, struct proc *p, uint32_t dst, const uint8_t *data, uint32_t len)
{
    uint32_t src = p != NULL ? p->pid : ABI_KERNEL_PID(k->node_id);
    if (len > MSG_MAX_BYTES)
        return ERR_TOO_BIG;
    struct hal_trace_event ev = {.type = HAL_TRACE_SEND, .pid = src, .other_pid = dst, .value = (int32_t)len};
    ktrace(k, &ev);
    k->stats.msgs_sent++;
    uint16_t node = (uint16_t)ABI_PID_NODE(dst);
    if (node == k->node_id)
        return ipc_deliver_local(k, src, dst, data, len);

    uint8_t payload[DELIVER_HEADER_BYTES + MSG_MAX_BYTES];
    uint32_t send_id = next_send_id(k);
    put_be32(payload, send_id);
    put_be32(payload + 4, src);
    put_be32(payload + 8, dst);
    if (len > 0)
        kmemcpy(payload + DELIVER_HEADER_BYTES, data, len);
    int err = transport_send(k, node, CLUSTER_MSG_DELIVER, payload, DELIVER_HEADER_BYTES + len);
    if (err != 0)
        return err;
    if (p == NULL)
        return 0;
    p->send_id = send_id;
    p->send_node = node;
    p->send_done = false;
    return IPC_PENDING;
}

static void send_result(struct kernel *k, uint16_t node, uint32_t send_id, uint32_t dst, int32_t status)
{
    uint8_t result[RESULT_BYTES];
    put_be32(result, send_id);
    put_be32(result + 4, dst);
    put_be32(result + 8, (uint32_t)status);
    /* If even the answer cannot be queued the sender learns of it when
     * the session resets; nothing better can be done from here. */
    (void)transport_send(k, node, CLUSTER_MSG_DELIVER_RESULT, result, RESULT_BYTES);
}

static void on_deliver(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len)
{
    if (len < DELIVER_HEADER_BYTES || len - DELIVER_HEADER_BYTES > MSG_MAX_BYTES) {
        k->stats.frames_bad++;
        return;
    }
    uint32_t send_id = get_be32(payload), src = get_be32(payload + 4), dst = get_be32(payload + 8);
    int status = ipc_deliver_local(k, src, dst, payload + DELIVER_HEADER_BYTES, len - DELIVER_HEADER_BYTES);
    if (send_id != 0)
        send_result(k, src_node, send_id, dst, status);
}

/* The process blocked on remote send `send_id` to `node`, if any. */
static struct proc *find_sender(struct kernel *k, uint16_t node, uint32_t send_id)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p != NULL && p->state == PROC_BLOCKED && p->wait == WAIT_SEND && p->send_node == node &&
            p->send_id == send_id)
            return p;
    }
    return NULL;
}

static void finish_send(struct kernel *k, struct proc *p, int32_t status)
{
    p->send_result = status;
    p->send_done = true;
    proc_wake(k, p);
}

static void on_deliver_result(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len)
{
    int32_t status = len == RESULT_BYTES ? (int32_t)get_be32(payload + 8) : 1;
    if (status > 0 || status < ERR_MIN) {
        k->stats.frames_bad++;
        return;
    }
    struct proc *p = find_sender(k, src_node, get_be32(payload));
    if (p != NULL)
        finish_send(k, p, status);
}

void ipc_on_cluster_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                            uint32_t len)
{
    switch (type) {
    case CLUSTER_MSG_DELIVER: on_deliver(k, src_node, payload, len); break;
    case CLUSTER_MSG_DELIVER_RESULT: on_deliver_result(k, src_node, payload, len); break;
    default: k->stats.frames_bad++; break;
    }
}

void ipc_on_peer_reset(struct kernel *k, uint16_t node)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p == NULL || p->state != PROC_BLOCKED || p->wait != WAIT_SEND || p->send_node != node)
            continue;
        trace_drop(k, p->pid, ABI_PID(node, 0), 0, HAL_DROP_UNREACHABLE);
        finish_send(k, p, ERR_UNREACHABLE);
    }
}

void ipc_free_mailbox(struct kernel *k, struct proc *p)
{
    while (p->mailbox_len > 0) {
        struct message *m = &p->mailbox[p->mailbox_head];
        kfree(k, m->data, m->len);
        p->mailbox_head = (p->mailbox_head + 1) % MAILBOX_CAPACITY;
        p->mailbox_len--;
    }
}
