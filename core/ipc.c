/*
 * ipc.c - message passing. Local sends go straight into the destination's
 * mailbox; remote sends travel as CLUSTER_MSG_DELIVER over the reliable
 * transport to where the destination runs as far as this node knows
 * (location.h). A node that finds the process gone sends the message on
 * (at most FORWARD_MAX_HOPS times); the node that delivers it answers the
 * origin with CLUSTER_MSG_DELIVER_RESULT, naming itself, which completes
 * the sender's system call and corrects the sender's location cache.
 *
 * DELIVER: send id (4, 0 = no answer wanted), origin node (2), hops (1),
 *          kind (1), source pid (4), destination pid (4), bytes.
 *          kind MESSAGE: the bytes go into the mailbox; kind CHILD_EXIT:
 *          the bytes are a child pid and its status, for the child table.
 * RESULT:  send id (4), destination pid (4), status (4), delivering node (2),
 *          the process's move count there (4).
 */
#include "ipc.h"

#include "balance.h"
#include "bytes.h"
#include "kassert.h"
#include "console.h"
#include "exit_notice.h"
#include "kernel_priv.h"
#include "location.h"
#include "migrate.h"
#include "proc.h"
#include "stock_client.h"
#include "transport.h"

#define DELIVER_HEADER_BYTES 16u
#define RESULT_BYTES 18u
#define CHILD_EXIT_BYTES 8u /* child pid, status */

enum deliver_kind { KIND_MESSAGE, KIND_CHILD_EXIT };

/* A DELIVER message's header, decoded. */
struct deliver {
    uint32_t send_id;
    uint16_t origin;
    uint8_t hops;
    uint8_t kind;
    uint32_t src, dst;
};
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
    KASSERT(k, p->mailbox_len < MAILBOX_CAPACITY && p->mailbox_head < MAILBOX_CAPACITY);
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

uint32_t ipc_next_send_id(struct kernel *k)
{
    if (++k->next_send_id == 0)
        k->next_send_id = 1;
    return k->next_send_id;
}

static int send_deliver(struct kernel *k, uint16_t node, const struct deliver *d, const uint8_t *data,
                        uint32_t len)
{
    uint8_t payload[DELIVER_HEADER_BYTES + MSG_MAX_BYTES];
    put_be32(payload, d->send_id);
    put_be16(payload + 4, d->origin);
    payload[6] = d->hops;
    payload[7] = d->kind;
    put_be32(payload + 8, d->src);
    put_be32(payload + 12, d->dst);
    if (len > 0)
        kmemcpy(payload + DELIVER_HEADER_BYTES, data, len);
    return transport_send(k, node, CLUSTER_MSG_DELIVER, payload, DELIVER_HEADER_BYTES + len);
}

static void trace_send(struct kernel *k, uint32_t src, uint32_t dst, uint32_t len)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_SEND, .pid = src, .other_pid = dst, .value = (int32_t)len};
    ktrace(k, &ev);
    k->stats.msgs_sent++;
}

int ipc_send(struct kernel *k, struct proc *p, uint32_t dst, const uint8_t *data, uint32_t len)
{
    uint32_t src = p != NULL ? p->pid : ABI_KERNEL_PID(k->node_id);
    if (len > MSG_MAX_BYTES)
        return ERR_TOO_BIG;
    trace_send(k, src, dst, len);
    uint16_t node = location_lookup(k, dst);
    if (node == k->node_id)
        return ipc_deliver_local(k, src, dst, data, len);
    /* The kernel's own notes are fire and forget. */
    struct deliver d = {.send_id = p != NULL ? ipc_next_send_id(k) : 0,
                        .origin = k->node_id,
                        .kind = KIND_MESSAGE,
                        .src = src,
                        .dst = dst};
    int err = send_deliver(k, node, &d, data, len);
    if (err != 0 || p == NULL)
        return err;
    p->send_id = d.send_id;
    p->send_node = node;
    p->send_done = false;
    return IPC_PENDING;
}

uint16_t ipc_send_child_exit(struct kernel *k, uint32_t parent, uint32_t child, int32_t status,
                             uint32_t send_id)
{
    uint8_t body[CHILD_EXIT_BYTES];
    put_be32(body, child);
    put_be32(body + 4, (uint32_t)status);
    struct deliver d = {
        .send_id = send_id, .origin = k->node_id, .kind = KIND_CHILD_EXIT, .src = child, .dst = parent};
    uint16_t node = location_lookup(k, parent);
    /* Not even queued: exit_notice.c tries again. */
    (void)send_deliver(k, node, &d, body, CHILD_EXIT_BYTES);
    return node;
}

static void finish_send(struct kernel *k, struct proc *p, int32_t status)
{
    p->send_result = status;
    p->send_done = true;
    proc_wake(k, p);
}

/* The process blocked on remote send `send_id`, if any. */
static struct proc *find_sender(struct kernel *k, uint32_t send_id)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p != NULL && p->state == PROC_BLOCKED && p->wait == WAIT_SEND && p->send_id == send_id)
            return p;
    }
    return NULL;
}

/* The answer to one of this node's sends: complete it, and remember where
 * the destination turned out to be. */
static void apply_result(struct kernel *k, uint32_t send_id, uint32_t dst, int32_t status, uint16_t where,
                         uint32_t moves)
{
    if (status != ERR_NO_PROCESS && where != k->node_id)
        location_learn(k, dst, where, moves);
    if (exit_notice_on_result(k, send_id, status))
        return;
    struct proc *p = find_sender(k, send_id);
    if (p != NULL)
        finish_send(k, p, status);
}

static void answer(struct kernel *k, const struct deliver *d, int32_t status)
{
    if (d->send_id == 0)
        return;
    const struct proc *p = proc_find(k, d->dst);
    uint32_t moves = p != NULL ? p->moves : 0;
    if (d->origin == k->node_id) {
        apply_result(k, d->send_id, d->dst, status, k->node_id, moves);
        return;
    }
    uint8_t result[RESULT_BYTES];
    put_be32(result, d->send_id);
    put_be32(result + 4, d->dst);
    put_be32(result + 8, (uint32_t)status);
    put_be16(result + 12, k->node_id);
    put_be32(result + 14, moves);
    /* If even the answer cannot be queued the sender's wait times out;
     * nothing better can be done from here. */
    (void)transport_send(k, d->origin, CLUSTER_MSG_DELIVER_RESULT, result, RESULT_BYTES);
}

static int deliver_here(struct kernel *k, const struct deliver *d, const uint8_t *data, uint32_t len)
{
    if (d->kind == KIND_MESSAGE)
        return ipc_deliver_local(k, d->src, d->dst, data, len);
    struct proc *parent = proc_find(k, d->dst);
    if (parent != NULL && len == CHILD_EXIT_BYTES)
        proc_child_reported(k, parent, get_be32(data), (int32_t)get_be32(data + 4), d->origin);
    return parent != NULL ? 0 : ERR_NO_PROCESS;
}

static void trace_forward(struct kernel *k, const struct deliver *d, uint16_t next)
{
    struct hal_trace_event ev = {
        .type = HAL_TRACE_FORWARD, .pid = d->dst, .other_pid = d->src, .value2 = next};
    ktrace(k, &ev);
    k->stats.forwarded++;
}

static void on_deliver(struct kernel *k, const uint8_t *payload, uint32_t len)
{
    if (len < DELIVER_HEADER_BYTES || len - DELIVER_HEADER_BYTES > MSG_MAX_BYTES ||
        payload[7] > KIND_CHILD_EXIT) {
        k->stats.frames_bad++;
        return;
    }
    struct deliver d = {get_be32(payload), get_be16(payload + 4), payload[6],
                        payload[7],        get_be32(payload + 8), get_be32(payload + 12)};
    const uint8_t *data = payload + DELIVER_HEADER_BYTES;
    uint32_t data_len = len - DELIVER_HEADER_BYTES;
    uint16_t next = location_lookup(k, d.dst);
    if (next != k->node_id && d.hops < FORWARD_MAX_HOPS) {
        d.hops++;
        trace_forward(k, &d, next);
        if (send_deliver(k, next, &d, data, data_len) == 0)
            return;
        answer(k, &d, ERR_BUSY);
        return;
    }
    answer(k, &d, deliver_here(k, &d, data, data_len));
}

static void on_deliver_result(struct kernel *k, const uint8_t *payload, uint32_t len)
{
    int32_t status = len == RESULT_BYTES ? (int32_t)get_be32(payload + 8) : 1;
    if (status > 0 || status < ERR_MIN) {
        k->stats.frames_bad++;
        return;
    }
    apply_result(k, get_be32(payload), get_be32(payload + 4), status, get_be16(payload + 12),
                 get_be32(payload + 14));
}

void ipc_on_cluster_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                            uint32_t len)
{
    if (type >= CLUSTER_MSG_MIGRATE_FIRST && type <= CLUSTER_MSG_MIGRATE_LAST)
        migrate_on_message(k, src_node, type, payload, len);
    else if (type >= CLUSTER_MSG_BALANCE_FIRST && type <= CLUSTER_MSG_BALANCE_LAST)
        balance_on_message(k, src_node, type, payload, len);
    else if (type == CLUSTER_MSG_DELIVER)
        on_deliver(k, payload, len);
    else if (type == CLUSTER_MSG_DELIVER_RESULT)
        on_deliver_result(k, payload, len);
    else if (type == CLUSTER_MSG_CONSOLE)
        console_on_message(k, payload, len);
    else if (type == CLUSTER_MSG_LOCATION)
        location_on_message(k, src_node, payload, len);
    else if (type == CLUSTER_MSG_WHEREIS)
        location_on_whereis(k, src_node, payload, len);
    else if (type == CLUSTER_MSG_WHERE)
        location_on_where(k, src_node, payload, len);
    else if (type == CLUSTER_MSG_STOCK_REQ || type == CLUSTER_MSG_STOCK_REPLY)
        stock_client_on_message(k, src_node, type, payload, len);
    else if (type == CLUSTER_MSG_PROBE && len == 0)
        return; /* the transport's acknowledgement was the answer */
    else
        k->stats.frames_bad++;
}

/* What a peer's restart or silence means here: sends waiting on it fail
 * with "outcome unknown" (their message may have reached the node before
 * it fell silent or restarted, and only the lost answer says so),
 * children believed there are lost, moves to or from it end, and the
 * node, as a home, is told again where its emigrants here are. */
void ipc_on_peer_reset(struct kernel *k, uint16_t node, bool restarted)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        struct proc *p = k->procs[i];
        if (p == NULL || p->state != PROC_BLOCKED || p->wait != WAIT_SEND || p->send_node != node)
            continue;
        trace_drop(k, p->pid, ABI_PID(node, 0), 0, HAL_DROP_UNREACHABLE);
        finish_send(k, p, ERR_OUTCOME_UNKNOWN);
    }
    stock_client_on_peer_reset(k, node);
    exit_notice_on_peer_reset(k, node);
    migrate_on_peer_reset(k, node, restarted);
    proc_on_node_lost(k, node, restarted);
    location_on_node_lost(k, node, restarted);
    location_on_home_reset(k, node);
}

/* Whatever else a peer gives up is sent again, or its sender was told
 * (ipc_on_peer_reset); only a move's target waits here on what the
 * source sends next. */
void ipc_on_peer_abandoned(struct kernel *k, uint16_t node)
{
    migrate_on_peer_abandoned(k, node);
}

void ipc_free_mailbox(struct kernel *k, struct proc *p)
{
    KASSERT(k, p->mailbox_len <= MAILBOX_CAPACITY && p->mailbox_head < MAILBOX_CAPACITY);
    while (p->mailbox_len > 0) {
        struct message *m = &p->mailbox[p->mailbox_head];
        kfree(k, m->data, m->len);
        p->mailbox_head = (p->mailbox_head + 1) % MAILBOX_CAPACITY;
        p->mailbox_len--;
    }
}
