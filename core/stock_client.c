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

_Static_assert(STOCK_REQ_MAX_BYTES / STOCK_PIECE_MAX_BYTES + 1u <= STOCK_QUEUE_CAP, "a whole request can be queued");

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
    struct stock_origin call = {.node = k->node_id, .pid = p->pid, .call_id = p->stock_call};
    struct stock_bytes m = {.part = {req, NULL}, .len = {len, 0}};
    return stock_send_pieces(k, node, CLUSTER_MSG_STOCK_REQ, &call, &m);
}

static uint32_t pieces_of(uint32_t len)
{
    return (len + STOCK_PIECE_MAX_BYTES - 1u) / STOCK_PIECE_MAX_BYTES;
}

/* Bytes [offset, offset + n) of head followed by body, into out. */
static void copy_range(uint8_t *out, const struct stock_bytes *m, uint32_t offset, uint32_t n)
{
    for (uint32_t i = 0; i < 2 && n > 0; i++) {
        if (offset >= m->len[i]) {
            offset -= m->len[i];
            continue;
        }
        uint32_t take = m->len[i] - offset < n ? m->len[i] - offset : n;
        kmemcpy(out, m->part[i] + offset, take);
        out += take;
        n -= take;
        offset = 0;
    }
}

int stock_send_pieces(struct kernel *k, uint16_t node, uint8_t type, const struct stock_origin *call,
                      const struct stock_bytes *m)
{
    uint32_t len = m->len[0] + m->len[1];
    /* All pieces or none: a request is never left half sent by a full queue. */
    if (transport_queued(k, node) + pieces_of(len) > STOCK_QUEUE_CAP)
        return ERR_BUSY;
    uint8_t msg[CLUSTER_PAYLOAD_MAX];
    put_le32(msg, call->call_id);
    put_le32(msg + 4, call->pid);
    put_le32(msg + 8, len);
    for (uint32_t offset = 0; offset < len;) {
        uint32_t n = len - offset < STOCK_PIECE_MAX_BYTES ? len - offset : STOCK_PIECE_MAX_BYTES;
        put_le32(msg + 12, offset);
        copy_range(msg + STOCK_MSG_HEADER_BYTES, m, offset, n);
        int err = transport_send(k, node, type, msg, STOCK_MSG_HEADER_BYTES + n);
        if (err != 0)
            return err;
        offset += n;
    }
    return 0;
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
    stock_client_forget(k, p); /* after the copy out: data may be the assembled reply */
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
    uint8_t head[STOCK_REPLY_HEADER_BYTES];
    put_le32(head, (uint32_t)result);
    put_le64(head + 4, value);
    struct stock_bytes m = {.part = {head, data}, .len = {STOCK_REPLY_HEADER_BYTES, len}};
    /* If the answer cannot be queued whole the caller's wait times out. */
    (void)stock_send_pieces(k, to->node, CLUSTER_MSG_STOCK_REPLY, to, &m);
}

void stock_client_forget(struct kernel *k, struct proc *p)
{
    if (p->stock_reply != NULL)
        kfree(k, p->stock_reply, p->stock_reply_len);
    p->stock_reply = NULL;
    p->stock_reply_len = p->stock_reply_got = 0;
}

/* Add a piece to p's reply: the whole reply once it is complete, else NULL. */
static const uint8_t *reply_add(struct kernel *k, struct proc *p, const struct stock_piece *pc)
{
    if (pc->offset == 0) {
        stock_client_forget(k, p);
        p->stock_reply = kalloc(k, pc->total);
        if (p->stock_reply == NULL) {
            finish_call(k, p, ERR_OUTCOME_UNKNOWN, 0, NULL, 0); /* it ran; its answer is lost */
            return NULL;
        }
        p->stock_reply_len = pc->total;
    }
    if (p->stock_reply == NULL || pc->total != p->stock_reply_len || pc->offset != p->stock_reply_got) {
        k->stats.frames_bad++;
        return NULL;
    }
    kmemcpy(p->stock_reply + pc->offset, pc->bytes, pc->len);
    p->stock_reply_got += pc->len;
    return p->stock_reply_got == p->stock_reply_len ? p->stock_reply : NULL;
}

static void on_reply_piece(struct kernel *k, const struct stock_piece *pc)
{
    if (pc->total < STOCK_REPLY_HEADER_BYTES || pc->total > STOCK_REPLY_MAX_BYTES) {
        k->stats.frames_bad++;
        return;
    }
    struct proc *p = find_caller(k, pc->from.pid, pc->from.call_id);
    if (p == NULL || p->stock_node != pc->from.node)
        return;
    const uint8_t *whole = pc->offset == 0 && pc->len == pc->total ? pc->bytes : reply_add(k, p, pc);
    if (whole == NULL)
        return;
    if ((int32_t)get_le32(whole) < ERR_MIN) {
        k->stats.frames_bad++;
        stock_client_forget(k, p);
        return;
    }
    finish_call(k, p, (int32_t)get_le32(whole), get_le64(whole + 4), whole + STOCK_REPLY_HEADER_BYTES,
                pc->total - STOCK_REPLY_HEADER_BYTES);
}

void stock_client_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                             uint32_t len)
{
    if (len <= STOCK_MSG_HEADER_BYTES) {
        k->stats.frames_bad++;
        return;
    }
    struct stock_piece pc = {.from = {.node = src_node, .pid = get_le32(payload + 4), .call_id = get_le32(payload)},
                             .total = get_le32(payload + 8),
                             .offset = get_le32(payload + 12),
                             .len = len - STOCK_MSG_HEADER_BYTES,
                             .bytes = payload + STOCK_MSG_HEADER_BYTES};
    if (pc.offset > pc.total || pc.len > pc.total - pc.offset) {
        k->stats.frames_bad++;
        return;
    }
    if (type == CLUSTER_MSG_STOCK_REQ)
        stock_on_piece(k, &pc);
    else
        on_reply_piece(k, &pc);
}

void stock_client_on_peer_reset(struct kernel *k, uint16_t node)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p != NULL && p->in_syscall && p->stock_call != 0 && !p->stock_done && p->stock_node == node)
            finish_call(k, p, ERR_OUTCOME_UNKNOWN, 0, NULL, 0);
    }
    stock_drop_assembling(k, node);
}
