/*
 * stock_client.c - a process's Stockholder call on its way: sent to the
 * local service or to another node's, and its answer brought back to the
 * waiting process (stock_client.h).
 */
#include "stock_client.h"

#include "ipc.h"
#include "kernel_priv.h"
#include "proc.h"
#include "transport.h"

/* The largest remote requests: a rename's two paths, a put's key and value. */
_Static_assert(STOCK_MSG_HEADER_BYTES + STOCK_REQ_HEADER_BYTES + 2u * ABI_PATH_MAX <= CLUSTER_PAYLOAD_MAX,
               "two paths fit one message");
_Static_assert(STOCK_MSG_HEADER_BYTES + STOCK_REQ_HEADER_BYTES + ABI_KV_KEY_MAX + STOCK_REMOTE_DATA_MAX <=
                   CLUSTER_PAYLOAD_MAX,
               "a key and a value fit one message");

static uint32_t next_call_id(struct kernel *k)
{
    if (++k->next_send_id == 0)
        k->next_send_id = 1;
    return k->next_send_id;
}

int stock_client_call(struct kernel *k, struct proc *p, uint16_t node, const uint8_t *req, uint32_t len)
{
    p->stock_call = next_call_id(k);
    p->stock_node = node;
    p->stock_done = false;
    if (node == k->node_id) {
        struct stock_origin origin = {.node = node, .pid = p->pid, .call_id = p->stock_call};
        stock_submit(k, &origin, req, len);
        return 0;
    }
    if (STOCK_MSG_HEADER_BYTES + len > CLUSTER_PAYLOAD_MAX)
        return ERR_TOO_BIG;
    uint8_t msg[CLUSTER_PAYLOAD_MAX];
    put_le32(msg, p->stock_call);
    put_le32(msg + 4, p->pid);
    kmemcpy(msg + STOCK_MSG_HEADER_BYTES, req, len);
    return transport_send(k, node, CLUSTER_MSG_STOCK_REQ, msg, STOCK_MSG_HEADER_BYTES + len);
}

/* The process waiting for call `call_id`, if it still is. */
static struct proc *find_caller(struct kernel *k, uint32_t pid, uint32_t call_id)
{
    struct proc *p = proc_find(k, pid);
    if (p == NULL || !p->in_syscall || p->stock_done || p->stock_call != call_id)
        return NULL;
    return p;
}

static void finish_call(struct kernel *k, struct proc *p, int32_t result, uint64_t value, const uint8_t *data,
                        uint32_t len)
{
    p->stock_result = syscall_stock_finish(k, p, result, value, data, len);
    p->stock_done = true;
    p->stock_call = 0;
    if (p->state == PROC_BLOCKED && p->wait == WAIT_STOCK)
        proc_wake(k, p);
}

void stock_reply_send(struct kernel *k, const struct stock_origin *to, int32_t result, uint64_t value,
                      const uint8_t *data, uint32_t len)
{
    if (to->node == k->node_id) {
        struct proc *p = find_caller(k, to->pid, to->call_id);
        if (p != NULL)
            finish_call(k, p, result, value, data, len);
        return;
    }
    uint8_t msg[CLUSTER_PAYLOAD_MAX];
    if (STOCK_MSG_HEADER_BYTES + STOCK_REPLY_HEADER_BYTES + len > CLUSTER_PAYLOAD_MAX) {
        result = ERR_TOO_BIG; /* the caller asked for no more than fits: only a bad request gets here */
        len = 0;
    }
    put_le32(msg, to->call_id);
    put_le32(msg + 4, to->pid);
    put_le32(msg + 8, (uint32_t)result);
    put_le64(msg + 12, value);
    if (len > 0)
        kmemcpy(msg + STOCK_MSG_HEADER_BYTES + STOCK_REPLY_HEADER_BYTES, data, len);
    /* If the answer cannot even be queued the caller's wait times out. */
    (void)transport_send(k, to->node, CLUSTER_MSG_STOCK_REPLY, msg,
                         STOCK_MSG_HEADER_BYTES + STOCK_REPLY_HEADER_BYTES + len);
}

void stock_client_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                             uint32_t len)
{
    if (len < STOCK_MSG_HEADER_BYTES) {
        k->stats.frames_bad++;
        return;
    }
    uint32_t call_id = get_le32(payload), pid = get_le32(payload + 4);
    const uint8_t *body = payload + STOCK_MSG_HEADER_BYTES;
    uint32_t body_len = len - STOCK_MSG_HEADER_BYTES;
    if (type == CLUSTER_MSG_STOCK_REQ) {
        struct stock_origin origin = {.node = src_node, .pid = pid, .call_id = call_id};
        stock_submit(k, &origin, body, body_len);
        return;
    }
    if (body_len < STOCK_REPLY_HEADER_BYTES || (int32_t)get_le32(body) < ERR_MIN) {
        k->stats.frames_bad++;
        return;
    }
    struct proc *p = find_caller(k, pid, call_id);
    if (p != NULL && p->stock_node == src_node)
        finish_call(k, p, (int32_t)get_le32(body), get_le64(body + 4), body + STOCK_REPLY_HEADER_BYTES,
                    body_len - STOCK_REPLY_HEADER_BYTES);
}

void stock_client_on_peer_reset(struct kernel *k, uint16_t node)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p != NULL && p->in_syscall && p->stock_call != 0 && !p->stock_done && p->stock_node == node)
            finish_call(k, p, ERR_OUTCOME_UNKNOWN, 0, NULL, 0);
    }
}
