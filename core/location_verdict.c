/*
 * location_verdict.c - suspicions of loss (location_suspect_lost in
 * location.h). A suspicion waits LOCATION_VERDICT_NS, so that news of a
 * later move or the exit has reached the process's home, then follows
 * the process: it asks the home where it is (WHEREIS), then the node the
 * answer names, and so on. A node that says "here" clears it; one that
 * knows nothing of the process, or no answer within LOCATION_QUERY_NS
 * from a node the chase led to, makes it lost. The node asked is the
 * authority: a node that was only silent for a while (paused, cut off)
 * answers "here" and nothing is lost.
 */
#include "bytes.h"
#include "ipc.h"
#include "kernel_priv.h"
#include "location.h"
#include "location_priv.h"
#include "proc.h"
#include "transport.h"

#define WHEREIS_BYTES 4u /* pid */
#define WHERE_BYTES 14u  /* pid, node (LOCATION_NOWHERE: not known there), move count, parent */
#define LOCATION_NOWHERE 0xFFFFu
#define LOCATION_MAX_HOPS 8u /* nodes a chase asks after the home */

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

/* Lost: a handover's loss is traced here, and the parent told. */
static void report_lost(struct kernel *k, const struct location_suspect *s)
{
    if (s->why == LOCATION_HANDOVER) {
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

/* What this node knows of pid: here (with its move count and parent),
 * where it went (a forwarding entry, or as its home an entry with the
 * parent), or LOCATION_NOWHERE. */
static uint16_t where_is(struct kernel *k, uint32_t pid, uint32_t *moves, uint32_t *parent_pid)
{
    const struct proc *p = proc_find(k, pid);
    if (p != NULL) {
        *moves = p->moves;
        *parent_pid = p->parent_pid;
        return k->node_id;
    }
    const struct location_entry *e = location_find(k->location, pid);
    if (e == NULL || !e->authoritative) {
        *moves = *parent_pid = 0;
        return LOCATION_NOWHERE;
    }
    *moves = e->moves;
    *parent_pid = e->parent_pid;
    return e->node;
}

struct where_answer {
    uint16_t node; /* LOCATION_NOWHERE: not known there */
    uint32_t moves, parent_pid;
};

static void on_answer(struct kernel *k, struct location_suspect *s, uint16_t from, struct where_answer a);

/* Ask `node` where s's process is (this node: answered at once). */
static void ask(struct kernel *k, struct location_suspect *s, uint16_t node)
{
    s->asking = node;
    s->due_ns = kernel_now(k) + LOCATION_QUERY_NS;
    if (node == k->node_id) {
        struct where_answer a;
        a.node = where_is(k, s->pid, &a.moves, &a.parent_pid);
        on_answer(k, s, node, a);
        return;
    }
    uint8_t msg[WHEREIS_BYTES];
    put_be32(msg, s->pid);
    /* Not even queued: no answer will come, as from a silent node. */
    (void)transport_send(k, node, CLUSTER_MSG_WHEREIS, msg, WHEREIS_BYTES);
}

static void settle(struct kernel *k, struct location_suspect *s, bool lost)
{
    struct location_suspect done = *s;
    s->pid = 0; /* free before reporting: a report may suspect anew */
    if (lost)
        report_lost(k, &done);
}

/* `from` said where s's process is. From its home: a handover is lost
 * unless the home heard of a later move (or the exit: no entry); a
 * belief is followed to the node the home names, or, the home knowing
 * nothing, lost when the suspected node is the home itself, else asked of
 * the suspected node (a home that restarted knows only what
 * re-registration told it, and a process on a node that is gone was
 * re-registered by nobody). From any other node: "here" clears, "not
 * known" loses, a forwarding entry is followed. A node that suspects a
 * process it only forwarded learns its parent from the home's answer. */
static void on_answer(struct kernel *k, struct location_suspect *s, uint16_t from, struct where_answer a)
{
    uint16_t home = (uint16_t)ABI_PID_NODE(s->pid), where = a.node;
    if (s->parent_pid == 0)
        s->parent_pid = a.parent_pid;
    if (where == from) {
        settle(k, s, false);
    } else if (from == home && where == LOCATION_NOWHERE &&
               (s->why == LOCATION_HANDOVER || s->node == home)) {
        settle(k, s, s->why != LOCATION_HANDOVER);
    } else if (from == home && where == LOCATION_NOWHERE) {
        ask(k, s, s->node);
    } else if (from == home && s->why == LOCATION_HANDOVER && a.moves <= s->moves) {
        settle(k, s, true);
    } else if (where == LOCATION_NOWHERE || where >= k->node_count) {
        settle(k, s, true);
    } else if (s->hops < LOCATION_MAX_HOPS) {
        s->hops++;
        ask(k, s, where);
    } else {
        settle(k, s, false); /* chasing a process that keeps moving: it runs */
    }
}

/* No answer in time. The home silent, a node suspected for its own
 * silence is asked itself (a restarted one cannot tell whether the
 * process left before: nobody can, and nothing is said); any other node
 * silent, the process is lost with it. */
static void on_silence(struct kernel *k, struct location_suspect *s)
{
    uint16_t home = (uint16_t)ABI_PID_NODE(s->pid);
    if (s->asking == home && s->node != home && s->why == LOCATION_SILENT)
        ask(k, s, s->node);
    else
        settle(k, s, s->asking != home || s->node == home);
}

static struct location_suspect *earliest_due(struct location_table *t)
{
    struct location_suspect *first = NULL;
    for (uint32_t i = 0; i < LOCATION_MAX_SUSPECTS; i++)
        if (t->suspects[i].pid != 0 && (first == NULL || t->suspects[i].due_ns < first->due_ns))
            first = &t->suspects[i];
    return first;
}

static struct location_suspect *suspect_of(struct location_table *t, uint32_t pid)
{
    for (uint32_t i = 0; t->suspects != NULL && i < LOCATION_MAX_SUSPECTS; i++)
        if (t->suspects[i].pid == pid)
            return &t->suspects[i];
    return NULL;
}

static void start_chase(struct kernel *k, struct location_suspect *s)
{
    s->hops = 0;
    ask(k, s, (uint16_t)ABI_PID_NODE(s->pid));
}

void location_suspect_lost(struct kernel *k, uint32_t pid, uint32_t parent_pid, uint16_t node, uint32_t moves,
                           enum location_suspicion why)
{
    struct location_table *t = k->location;
    if (suspect_of(t, pid) != NULL)
        return; /* already followed */
    if (t->suspects == NULL)
        t->suspects = kalloc(k, suspects_bytes());
    if (t->suspects == NULL) /* no memory to follow it: nobody can tell */
        return;
    struct location_suspect *slot = suspect_of(t, 0);
    if (slot == NULL) { /* all taken: the one due first goes on early */
        slot = earliest_due(t);
        if (slot->asking == LOCATION_NOT_ASKING)
            start_chase(k, slot);
        else
            on_silence(k, slot);
        if (slot->pid != 0)
            return; /* still followed: this one is not */
    }
    *slot = (struct location_suspect){.pid = pid,
                                      .parent_pid = parent_pid,
                                      .moves = moves,
                                      .node = node,
                                      .why = (uint8_t)why,
                                      .asking = LOCATION_NOT_ASKING,
                                      .due_ns = kernel_now(k) + LOCATION_VERDICT_NS};
}

void location_on_node_lost(struct kernel *k, uint16_t node, bool restarted)
{
    struct location_table *t = k->location;
    for (uint32_t i = 0; i < t->capacity; i++) {
        const struct location_entry *e = &t->slots[i];
        if (e->pid == 0 || e->node != node)
            continue;
        if (e->parent_pid != 0) /* born here */
            location_suspect_lost(k, e->pid, e->parent_pid, node, 0,
                                  restarted ? LOCATION_RESTARTED : LOCATION_SILENT);
        else if (restarted && e->authoritative && ABI_PID_NODE(e->pid) != k->node_id) /* forwarded */
            location_suspect_lost(k, e->pid, 0, node, 0, LOCATION_RESTARTED);
    }
}

void location_on_timer(struct kernel *k)
{
    struct location_table *t = k->location;
    if (t->suspects == NULL)
        return;
    uint64_t now = kernel_now(k);
    for (uint32_t i = 0; i < LOCATION_MAX_SUSPECTS; i++) {
        struct location_suspect *s = &t->suspects[i];
        if (s->pid == 0 || s->due_ns > now)
            continue;
        if (s->asking == LOCATION_NOT_ASKING)
            start_chase(k, s);
        else
            on_silence(k, s);
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

void location_on_whereis(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len)
{
    if (len != WHEREIS_BYTES || ABI_PID_LOCAL(get_be32(payload)) == 0) {
        k->stats.frames_bad++;
        return;
    }
    uint32_t pid = get_be32(payload), moves, parent_pid;
    uint16_t where = where_is(k, pid, &moves, &parent_pid);
    uint8_t msg[WHERE_BYTES];
    put_be32(msg, pid);
    put_be16(msg + 4, where);
    put_be32(msg + 6, moves);
    put_be32(msg + 10, parent_pid);
    /* Lost, the asker hears nothing and takes this node for silent. */
    (void)transport_send(k, src_node, CLUSTER_MSG_WHERE, msg, WHERE_BYTES);
}

void location_on_where(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len)
{
    if (len != WHERE_BYTES) {
        k->stats.frames_bad++;
        return;
    }
    struct location_suspect *s = suspect_of(k->location, get_be32(payload));
    if (s == NULL || s->pid == 0 || s->asking != src_node)
        return; /* an answer that came after the verdict */
    struct where_answer a = {
        .node = get_be16(payload + 4), .moves = get_be32(payload + 6), .parent_pid = get_be32(payload + 10)};
    on_answer(k, s, src_node, a);
}
