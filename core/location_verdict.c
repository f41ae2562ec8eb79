/*
 * location_verdict.c - suspicions of loss (location_suspect_lost in
 * location.h), held until LOCATION_VERDICT_NS has passed and then judged
 * by the process's home against its location table.
 */
#include "bytes.h"
#include "ipc.h"
#include "kernel_priv.h"
#include "location.h"
#include "location_priv.h"
#include "proc.h"
#include "transport.h"

#define SUSPECT_MSG_BYTES 15u /* pid, parent, node, moves, kind */
#define SUSPECT_KIND_BELIEF 0u
#define SUSPECT_KIND_HANDOVER 1u

static uint32_t suspects_bytes(void)
{
    return LOCATION_MAX_SUSPECTS * (uint32_t)sizeof(struct location_suspect);
}

void location_suspects_destroy(struct kernel *k)
{
    struct location_table *t = k->location;
    if (t->suspects != NULL)
        kfree(k, t->suspects, suspects_bytes());
    t->suspects = NULL;
}

/* Whether the home (this node) finds the process lost. It came back
 * here: no. A handover: lost unless the table holds news of a later move
 * or the exit (the entry cleared). A belief: lost if the table believes
 * the same, or, the restarted node being this one, holds nothing (the
 * process was here then; an emigrant re-registered since). A home that
 * restarted otherwise knows only what re-registration told it: with no
 * entry it says nothing. The entry stays, so the pid's number is never
 * handed out again. */
static bool judged_lost(struct kernel *k, const struct location_suspect *s)
{
    if (proc_find(k, s->pid) != NULL)
        return false;
    const struct location_entry *e = location_find(k->location, s->pid);
    if (s->handover)
        return e != NULL && e->moves <= s->moves;
    return e != NULL ? e->node == s->node : s->node == k->node_id;
}

static void judge(struct kernel *k, const struct location_suspect *s)
{
    if (!judged_lost(k, s))
        return;
    if (s->handover) {
        struct hal_trace_event ev = {.type = HAL_TRACE_MIGRATE_LOST, .pid = s->pid, .value2 = s->node};
        ktrace(k, &ev);
    }
    /* A parent here learns where the child was lost; elsewhere, who said so. */
    struct proc *parent = proc_find(k, s->parent_pid);
    if (parent != NULL)
        proc_child_reported(k, parent, s->pid, ABI_STATUS_LOST, s->node);
    else
        proc_report_lost(k, s->pid, s->parent_pid);
}

/* Judge here when this node is the home, else ask the home. */
static void resolve(struct kernel *k, const struct location_suspect *s)
{
    uint16_t home = (uint16_t)ABI_PID_NODE(s->pid);
    if (home == k->node_id) {
        judge(k, s);
        return;
    }
    uint8_t msg[SUSPECT_MSG_BYTES];
    put_be32(msg, s->pid);
    put_be32(msg + 4, s->parent_pid);
    put_be16(msg + 8, s->node);
    put_be32(msg + 10, s->moves);
    msg[14] = s->handover ? SUSPECT_KIND_HANDOVER : SUSPECT_KIND_BELIEF;
    /* Refused (the home unreachable too), nobody can tell: nothing is said. */
    (void)transport_send(k, home, CLUSTER_MSG_SUSPECT_LOST, msg, SUSPECT_MSG_BYTES);
}

static struct location_suspect *earliest_due(struct location_table *t)
{
    struct location_suspect *first = NULL;
    for (uint32_t i = 0; i < LOCATION_MAX_SUSPECTS; i++)
        if (t->suspects[i].pid != 0 && (first == NULL || t->suspects[i].due_ns < first->due_ns))
            first = &t->suspects[i];
    return first;
}

void location_suspect_lost(struct kernel *k, uint32_t pid, uint32_t parent_pid, uint16_t node, uint32_t moves,
                           bool handover)
{
    struct location_table *t = k->location;
    struct location_suspect s = {pid, parent_pid, moves, node, handover, kernel_now(k) + LOCATION_VERDICT_NS};
    if (t->suspects == NULL && (t->suspects = kalloc(k, suspects_bytes())) != NULL)
        kmemset(t->suspects, 0, suspects_bytes());
    if (t->suspects == NULL) { /* no memory to wait: judge on what is known now */
        resolve(k, &s);
        return;
    }
    struct location_suspect *slot = NULL;
    for (uint32_t i = 0; i < LOCATION_MAX_SUSPECTS && slot == NULL; i++)
        if (t->suspects[i].pid == 0)
            slot = &t->suspects[i];
    if (slot == NULL) { /* all taken: the one due first is judged early */
        slot = earliest_due(t);
        resolve(k, slot);
    }
    *slot = s;
}

void location_on_timer(struct kernel *k)
{
    struct location_table *t = k->location;
    if (t->suspects == NULL)
        return;
    uint64_t now = kernel_now(k);
    for (uint32_t i = 0; i < LOCATION_MAX_SUSPECTS; i++) {
        struct location_suspect *s = &t->suspects[i];
        if (s->pid != 0 && s->due_ns <= now) {
            struct location_suspect due = *s;
            s->pid = 0; /* free before judging: a report may suspect anew */
            resolve(k, &due);
        }
    }
}

uint64_t location_next_deadline(const struct kernel *k)
{
    const struct location_table *t = k->location;
    uint64_t next = HAL_TIME_NEVER;
    for (uint32_t i = 0; t->suspects != NULL && i < LOCATION_MAX_SUSPECTS; i++)
        if (t->suspects[i].pid != 0 && t->suspects[i].due_ns < next)
            next = t->suspects[i].due_ns;
    return next;
}

void location_on_suspect_message(struct kernel *k, const uint8_t *payload, uint32_t len)
{
    uint32_t pid = len >= 4 ? get_be32(payload) : 0;
    if (!location_is_home_news(k, len, SUSPECT_MSG_BYTES, pid))
        return;
    if (payload[14] > SUSPECT_KIND_HANDOVER) {
        k->stats.frames_bad++;
        return;
    }
    struct location_suspect s = {.pid = pid,
                                 .parent_pid = get_be32(payload + 4),
                                 .node = get_be16(payload + 8),
                                 .moves = get_be32(payload + 10),
                                 .handover = payload[14] == SUSPECT_KIND_HANDOVER};
    judge(k, &s);
}
