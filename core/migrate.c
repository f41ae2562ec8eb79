/*
 * migrate.c - the Dispatcher's entry points (migrate.h): its messages go
 * to the source or the target side of their move, ABORT and CANCEL end
 * one, and timers pump the moves under way and fail the stalled ones
 * (a target holding an installed copy watches its source instead).
 * The protocol is described in migrate_priv.h and docs/protocol.md.
 */
#include "migrate.h"
#include "migrate_priv.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "liveness.h"
#include "location.h"
#include "proc.h"
#include "transport.h"

void migrate_send_abort(struct kernel *k, uint16_t node, uint8_t type, uint32_t id, uint32_t pid, int err)
{
    uint8_t msg[ABORT_BYTES];
    put_be32(msg, id);
    put_be32(msg + 4, pid);
    put_be32(msg + 8, (uint32_t)err);
    /* Best effort: a peer that misses it gives up at its stall deadline. */
    (void)transport_send(k, node, type, msg, ABORT_BYTES);
}

static void on_installed(struct kernel *k, uint16_t node, const uint8_t *msg, uint32_t len)
{
    struct move_out *m = len == INSTALLED_BYTES ? migrate_out_find(k, node, get_be32(msg)) : NULL;
    if (len != INSTALLED_BYTES)
        k->stats.frames_bad++;
    if (m != NULL)
        migrate_out_on_installed(k, m, get_be32(msg + 4));
    /* An answer to a move that already failed here finds nothing: that
     * can only follow a stall of MIGRATE_STALL_NS (docs/protocol.md). */
}

static int abort_error(const uint8_t *msg, uint32_t len)
{
    int32_t err = len == ABORT_BYTES ? (int32_t)get_be32(msg + 8) : 0;
    return err < 0 && err >= ERR_MIN ? err : 0;
}

static void on_abort(struct kernel *k, uint16_t node, uint8_t type, const uint8_t *msg, uint32_t len)
{
    int err = abort_error(msg, len);
    if (err == 0) {
        k->stats.frames_bad++;
        return;
    }
    if (type == MSG_ABORT) {
        struct move_out *m = migrate_out_find(k, node, get_be32(msg));
        if (m != NULL)
            migrate_out_abort(k, m, err, false);
        return;
    }
    struct move_in *m = migrate_in_find(k, node, get_be32(msg));
    if (m != NULL)
        migrate_in_drop(k, m);
}

void migrate_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                        uint32_t len)
{
    if (migrate_state_get(k) == NULL || len < 4) {
        k->stats.frames_bad++;
        return;
    }
    switch (type) {
    case MSG_BEGIN: migrate_in_on_begin(k, src_node, payload, len); break;
    case MSG_PAGE:
    case MSG_IMAGE:
    case MSG_CHUNK:
    case MSG_HANDOVER: migrate_in_on_data(k, src_node, type, payload, len); break;
    case MSG_INSTALLED: on_installed(k, src_node, payload, len); break;
    case MSG_ABORT:
    case MSG_CANCEL: on_abort(k, src_node, type, payload, len); break;
    default: k->stats.frames_bad++; break;
    }
}

/* ---- handovers not yet acknowledged ---- */

void migrate_handed_add(struct kernel *k, const struct proc *p, uint16_t target)
{
    struct migrate_state *ms = k->migrate;
    uint32_t at = 0;
    while (at < MIGRATE_MAX_HANDED && ms->handed[at].pid != 0)
        at++;
    if (at == MIGRATE_MAX_HANDED) /* all waiting (rare: an ack takes a round trip): reuse in turn */
        at = ms->handed_oldest++ % MIGRATE_MAX_HANDED;
    ms->handed[at] = (struct handed){.pid = p->pid,
                                     .parent_pid = p->parent_pid,
                                     .moves = p->moves + 1u,
                                     .target = target,
                                     .done_seq = transport_last_seq(k, target)};
}

static void handed_confirm(struct kernel *k)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_HANDED; i++) {
        struct handed *h = &k->migrate->handed[i];
        if (h->pid != 0 && transport_acked(k, h->target, h->done_seq))
            h->pid = 0;
    }
}

/* The target reset before it acknowledged HANDOVER DONE. Restarted, it
 * may never have run the process (even if INSTALLED came from it: that
 * may be its previous incarnation's answer, read late after a pause
 * here), or it ran it and the process moved on or exited, only its
 * acknowledgement lost on the way: the process's home judges. Declared
 * unreachable, it may have read DONE before the SKIP that gives DONE up
 * (a paused target reads what its NIC held), and runs the process, or
 * drops its copy on the SKIP: the process is followed to it, which
 * answers. */
static void handed_on_peer_reset(struct kernel *k, uint16_t node, bool restarted)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_HANDED; i++) {
        struct handed *h = &k->migrate->handed[i];
        if (h->pid == 0 || h->target != node)
            continue;
        location_suspect_lost(k, h->pid, h->parent_pid, node, h->moves,
                              restarted ? LOCATION_HANDOVER : LOCATION_SILENT);
        h->pid = 0;
    }
}

static bool stalled(uint64_t progress_ns, uint64_t now)
{
    return now >= progress_ns && now - progress_ns >= MIGRATE_STALL_NS;
}

void migrate_on_timer(struct kernel *k)
{
    if (k->migrate == NULL)
        return;
    uint64_t now = kernel_now(k);
    handed_confirm(k);
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++) {
        struct move_out *m = &k->migrate->out[i];
        if (m->id != 0 && stalled(m->progress_ns, now))
            migrate_out_abort(k, m, ERR_TIMEOUT, true);
        else if (m->id != 0)
            migrate_out_pump(k, m);
    }
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++) {
        struct move_in *m = &k->migrate->in[i];
        if (m->id == 0 || !stalled(m->progress_ns, now))
            continue;
        if (m->held == NULL) {
            migrate_in_abort(k, m, ERR_TIMEOUT);
            continue;
        }
        /* A held copy waits for the source's word, DONE or CANCEL, however
         * long: the source may have handed it over, and DONE may be on its
         * way after a pause or a partition. Silence alone proves nothing;
         * the probe has the transport declare a silent source unreachable,
         * and that reset gives the copy up (migrate_on_peer_reset). */
        liveness_probe(k, m->source);
        m->progress_ns = now;
    }
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t migrate_next_deadline(const struct kernel *k)
{
    uint64_t next = HAL_TIME_NEVER;
    if (k->migrate == NULL)
        return next;
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++) {
        const struct move_out *m = &k->migrate->out[i];
        if (m->id != 0)
            next = earliest(next, earliest(m->retry_ns, m->progress_ns + MIGRATE_STALL_NS));
    }
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++) {
        const struct move_in *m = &k->migrate->in[i];
        if (m->id != 0)
            next = earliest(next, m->progress_ns + MIGRATE_STALL_NS);
    }
    return next;
}

/* Give up every move from `source`. A restarted source lost its copy, if
 * it kept one: then the process ran nowhere afterwards, and its parent is
 * told. */
static void give_up_moves_from(struct kernel *k, uint16_t source, bool restarted)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++) {
        struct move_in *m = &k->migrate->in[i];
        if (m->id == 0 || m->source != source)
            continue;
        bool lost = m->held != NULL && restarted;
        uint32_t pid = m->pid, parent = lost ? m->held->parent_pid : 0;
        migrate_in_give_up(k, m);
        if (lost)
            proc_report_lost(k, pid, parent);
    }
}

void migrate_on_peer_reset(struct kernel *k, uint16_t node, bool restarted)
{
    if (k->migrate == NULL)
        return;
    handed_on_peer_reset(k, node, restarted);
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++) {
        struct move_out *m = &k->migrate->out[i];
        if (m->id != 0 && m->target == node)
            migrate_out_abort(k, m, ERR_UNREACHABLE, false);
    }
    give_up_moves_from(k, node, restarted);
}

/* The source gave its moves to here up when it gave the messages up (it
 * thawed the process, or, after DONE, follows it): a held copy must go,
 * or it would wait for a DONE that never comes. */
void migrate_on_peer_abandoned(struct kernel *k, uint16_t node)
{
    if (k->migrate != NULL)
        give_up_moves_from(k, node, false);
}

/* Made when the node first takes part in a move, kept until it stops
 * (move ids must not start over), so a node that never moves a process
 * holds none. */
struct migrate_state *migrate_state_get(struct kernel *k)
{
    if (k->migrate == NULL)
        k->migrate = kalloc(k, sizeof *k->migrate);
    return k->migrate;
}

void migrate_destroy(struct kernel *k)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++)
        migrate_out_release(k, &k->migrate->out[i]);
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++)
        migrate_in_release(k, &k->migrate->in[i]);
    kfree(k, k->migrate, sizeof *k->migrate);
    k->migrate = NULL;
}
