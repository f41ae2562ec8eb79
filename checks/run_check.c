/*
 * run_check.c - see run_check.h. One pass over the trace: each line is
 * parsed, and the events that say where a process is (spawn, the
 * migrate_* lines, exit, crash) move it through a small state machine;
 * the events a process makes (send, fault, exit) and receives (deliver)
 * are checked against it. A fault is followed by its process's exit
 * line (status -128), which ends it.
 */
#define _POSIX_C_SOURCE 200809L
#include "run_check.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "durability.h"
#include "key_map.h"

/* The one failed send that may have been delivered anyway (docs/trace.md:
 * send_result's message is the error's name). */
#define MESSAGE_OUTCOME_UNKNOWN "outcome unknown"

enum proc_state {
    PROC_ALIVE = 1, /* runs on `node` */
    PROC_MOVING,    /* runs (or is frozen) on `node`, a move to `to` started */
    PROC_IN_FLIGHT, /* handed over by `node`; runs on `to` once installed */
    PROC_ENDED,     /* exited or faulted */
    PROC_LOST,      /* its node crashed */
};

struct proc_rec {
    uint8_t state;
    uint16_t node, to;
    uint32_t to_crashes;             /* how often `to` had crashed when the move started */
    uint64_t spawn_line, since_line; /* spawned; last changed state or place */
};

struct node_rec {
    bool down; /* crashed and not restarted */
    uint32_t crashes;
};

struct pair_rec {
    uint64_t sent, delivered;
    uint64_t unknown; /* sends that failed "outcome unknown" undelivered: may still arrive */
};

/* A process's latest send (a send blocks, so there is one at a time). */
struct send_rec {
    bool open; /* traced, not returned yet */
    uint32_t dst, bytes, delivered;
    uint64_t line;
};

struct checker {
    const char *name;
    FILE *report;
    struct key_map procs; /* pid -> struct proc_rec */
    struct key_map pairs; /* src << 32 | dst -> struct pair_rec */
    struct key_map sends; /* src -> struct send_rec */
    struct key_map nodes; /* node -> struct node_rec */
    struct durability stores;
    struct run_check_result *r;
    uint64_t line;
};

static const char *const state_words[] = {
    [PROC_ALIVE] = "running", [PROC_MOVING] = "moving", [PROC_IN_FLIGHT] = "handed over",
    [PROC_ENDED] = "ended",   [PROC_LOST] = "lost",
};

__attribute__((format(printf, 2, 3))) static void violation(struct checker *c, const char *fmt, ...)
{
    if (c->r->violations++ >= RUN_CHECK_MAX_SHOWN)
        return;
    fprintf(c->report, "%s:%llu: ", c->name, (unsigned long long)c->line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->report, fmt, ap);
    va_end(ap);
    fputc('\n', c->report);
}

/* "n<node>.<local>" -> pid; false when the text is no pid. */
static bool parse_pid(const cJSON *item, uint32_t *pid)
{
    unsigned node, local;
    char end;
    if (!cJSON_IsString(item) || sscanf(item->valuestring, "n%u.%u%c", &node, &local, &end) != 2 ||
        node > 0xFFFFu || local > 0xFFFFu)
        return false;
    *pid = node << 16 | local;
    return true;
}

static bool get_uint(const cJSON *line, const char *key, uint32_t max, uint32_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(line, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max)
        return false;
    *out = (uint32_t)v->valuedouble;
    return true;
}

static bool get_int(const cJSON *line, const char *key, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(line, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < INT32_MIN || v->valuedouble > 0)
        return false;
    *out = (int)v->valuedouble;
    return true;
}

static const char *pid_text(uint32_t pid, char buf[16])
{
    snprintf(buf, 16, "n%u.%u", pid >> 16, pid & 0xFFFFu);
    return buf;
}

static struct proc_rec *proc_of(struct checker *c, uint32_t pid) { return key_map_get(&c->procs, pid, false, NULL); }

static struct node_rec *node_of(struct checker *c, uint32_t node) { return key_map_get(&c->nodes, node, true, NULL); }

static void on_spawn(struct checker *c, uint32_t node, uint32_t pid)
{
    char p[16];
    bool created;
    struct proc_rec *r = key_map_get(&c->procs, pid, true, &created);
    if (!created) {
        violation(c, "pid %s spawned again (first spawned at line %llu)", pid_text(pid, p),
                  (unsigned long long)r->spawn_line);
        return;
    }
    c->r->processes++;
    *r = (struct proc_rec){.state = PROC_ALIVE, .node = (uint16_t)node, .spawn_line = c->line,
                           .since_line = c->line};
    if (pid >> 16 != node)
        violation(c, "pid %s spawned on node %u: its pid names node %u", pid_text(pid, p), node, pid >> 16);
}

/* The process `pid` as it does something on `node`; NULL (after a
 * violation) when it is not running there. `what`: "sent", "ended"... */
static struct proc_rec *acting(struct checker *c, uint32_t node, uint32_t pid, const char *what)
{
    char p[16];
    struct proc_rec *r = proc_of(c, pid);
    if (r == NULL) {
        violation(c, "pid %s %s but was never spawned", pid_text(pid, p), what);
        return NULL;
    }
    if (r->state != PROC_ALIVE && r->state != PROC_MOVING) {
        violation(c, "pid %s %s on node %u after it was %s (line %llu)", pid_text(pid, p), what, node,
                  state_words[r->state], (unsigned long long)r->since_line);
        return NULL;
    }
    if (r->node != node) {
        violation(c, "pid %s %s on node %u but runs on node %u (since line %llu)", pid_text(pid, p), what, node,
                  r->node, (unsigned long long)r->since_line);
        return NULL;
    }
    return r;
}

static void set_state(struct checker *c, struct proc_rec *r, enum proc_state state)
{
    r->state = (uint8_t)state;
    r->since_line = c->line;
}

static void on_end(struct checker *c, uint32_t node, uint32_t pid)
{
    struct proc_rec *r = acting(c, node, pid, "ended");
    if (r != NULL)
        set_state(c, r, PROC_ENDED);
}

static struct pair_rec *pair_of(struct checker *c, uint32_t src, uint32_t dst)
{
    return key_map_get(&c->pairs, (uint64_t)src << 32 | dst, true, NULL);
}

static void on_send(struct checker *c, uint32_t node, uint32_t pid, uint32_t dst, uint32_t bytes)
{
    c->r->messages_sent++;
    acting(c, node, pid, "sent");
    pair_of(c, pid, dst)->sent++;
    struct send_rec *s = key_map_get(&c->sends, pid, true, NULL);
    *s = (struct send_rec){.open = true, .dst = dst, .bytes = bytes, .line = c->line};
}

/* A delivery belongs to its sender's open send when it matches it;
 * otherwise to an earlier send whose outcome was unknown. */
static void match_delivery(struct checker *c, uint32_t dst, uint32_t src, uint32_t bytes)
{
    struct send_rec *s = key_map_get(&c->sends, src, false, NULL);
    struct pair_rec *pr = pair_of(c, src, dst);
    if (s != NULL && s->open && s->dst == dst && s->bytes == bytes)
        s->delivered++;
    else if (pr->unknown > 0)
        pr->unknown--;
}

/* A send returned `error`: one that returned 0 was delivered exactly once
 * (before it returned: a remote send returns on the receiver's answer). */
static void on_send_result(struct checker *c, uint32_t pid, int error, bool unknown)
{
    char p[16], d[16];
    struct send_rec *s = key_map_get(&c->sends, pid, false, NULL);
    if (s == NULL || !s->open)
        return;
    s->open = false;
    struct pair_rec *pr = pair_of(c, pid, s->dst);
    if (error == 0 && s->delivered == 0)
        violation(c, "pid %s's send of %u bytes to %s (line %llu) returned 0 but was never delivered",
                  pid_text(pid, p), s->bytes, pid_text(s->dst, d), (unsigned long long)s->line);
    else if (error == 0 && s->delivered - 1u > pr->unknown)
        violation(c, "pid %s's send of %u bytes to %s (line %llu) returned 0 but was delivered %u times",
                  pid_text(pid, p), s->bytes, pid_text(s->dst, d), (unsigned long long)s->line, s->delivered);
    else if (error == 0)
        pr->unknown -= s->delivered - 1u; /* the others were late copies of unknown outcome */
    else if (unknown && s->delivered == 0)
        pr->unknown++;
}

static void on_deliver(struct checker *c, uint32_t node, uint32_t pid, uint32_t src, uint32_t bytes)
{
    char p[16], s[16];
    c->r->messages_delivered++;
    struct proc_rec *r = proc_of(c, pid);
    bool here = r != NULL && (((r->state == PROC_ALIVE || r->state == PROC_MOVING) && r->node == node) ||
                              (r->state == PROC_IN_FLIGHT && r->to == node));
    if (!here)
        violation(c, "a message for pid %s was delivered on node %u, where it does not run", pid_text(pid, p),
                  node);
    if ((src & 0xFFFFu) == 0)
        return; /* kernels' own messages are not traced as sends */
    struct pair_rec *pr = pair_of(c, src, pid);
    if (++pr->delivered > pr->sent)
        violation(c, "pid %s has been delivered %llu messages from %s, which sent only %llu", pid_text(pid, p),
                  (unsigned long long)pr->delivered, pid_text(src, s), (unsigned long long)pr->sent);
    match_delivery(c, pid, src, bytes);
}

static void on_move(struct checker *c, const char *ev, uint32_t node, uint32_t pid, uint32_t other)
{
    char p[16];
    if (strcmp(ev, "migrate_start") == 0) {
        struct proc_rec *r = acting(c, node, pid, "started a move");
        if (r != NULL) {
            set_state(c, r, PROC_MOVING);
            r->to = (uint16_t)other;
            r->to_crashes = node_of(c, other)->crashes;
        }
        return;
    }
    struct proc_rec *r = proc_of(c, pid);
    if (strcmp(ev, "migrate_drop") == 0) {
        /* Lost if it was handed over to here; else the source thaws it. */
        if (r != NULL && r->state == PROC_IN_FLIGHT && r->to == node)
            set_state(c, r, PROC_LOST);
        return;
    }
    if (strcmp(ev, "migrate_lost") == 0) {
        /* Its home's verdict: handed over to `other`, which restarted before running it. */
        if (r != NULL && r->state == PROC_IN_FLIGHT && r->to == other)
            set_state(c, r, PROC_LOST);
        else if (r == NULL || r->state != PROC_LOST)
            violation(c, "pid %s reported lost on node %u by node %u, but it is %s on node %u (since line %llu)",
                      pid_text(pid, p), other, node, r != NULL ? state_words[r->state] : "unknown",
                      r != NULL ? r->node : 0u, r != NULL ? (unsigned long long)r->since_line : 0ull);
        return;
    }
    if (strcmp(ev, "migrate_install") == 0) {
        if (r == NULL || r->state != PROC_IN_FLIGHT || r->to != node) {
            violation(c, "pid %s installed on node %u without a completed move there", pid_text(pid, p), node);
            return;
        }
        set_state(c, r, PROC_ALIVE);
        r->node = (uint16_t)node;
        return;
    }
    bool ended = r != NULL && (r->state == PROC_ENDED || r->state == PROC_LOST);
    if (strcmp(ev, "migrate_abort") == 0 && ended)
        return; /* it ended while moving: the abort changes nothing */
    if (r == NULL || r->state != PROC_MOVING || r->node != node) {
        violation(c, "%s of pid %s on node %u, which was not moving it", ev, pid_text(pid, p), node);
        return;
    }
    bool done = strcmp(ev, "migrate_done") == 0;
    set_state(c, r, done ? PROC_IN_FLIGHT : PROC_ALIVE);
    /* Handed over to a node that crashed meanwhile: lost with it. */
    if (done && node_of(c, r->to)->down)
        set_state(c, r, PROC_LOST);
}

/* Everything on the crashed node is lost, and so is what was handed over to it. */
static void on_crash(struct checker *c, uint32_t node)
{
    uint64_t pid;
    for (size_t i = 0; i < c->procs.capacity; i++) {
        struct proc_rec *r = key_map_slot(&c->procs, i, &pid);
        if (r == NULL)
            continue;
        bool there = ((r->state == PROC_ALIVE || r->state == PROC_MOVING) && r->node == node) ||
                     (r->state == PROC_IN_FLIGHT && r->to == node);
        if (there)
            set_state(c, r, PROC_LOST);
    }
}

/* A node's store reported a commit durable, or mounted one. */
static void on_store(struct checker *c, const char *ev, uint32_t node, const cJSON *line)
{
    uint32_t seq, formatted = 0;
    if (!get_uint(line, "seq", UINT32_MAX, &seq)) {
        violation(c, "node %u: %s without a commit sequence", node, ev);
        return;
    }
    char why[160];
    bool kept;
    if (strcmp(ev, "store_commit") == 0) {
        kept = durability_commit(&c->stores, node, seq, why, sizeof why);
    } else {
        (void)get_uint(line, "formatted", 1, &formatted);
        kept = durability_mount(&c->stores, node, seq, formatted != 0, why, sizeof why);
    }
    if (!kept)
        violation(c, "%s", why);
}

/* At an end with every process exited, none may be left running. */
/* Handed over to a target that restarted since the move started and
 * never installed: the copy died with the incarnation that held it (a
 * move can also start over with the new one, which then installs it). */
static bool lost_with_a_restart(struct checker *c, const struct proc_rec *r)
{
    return r->state == PROC_IN_FLIGHT && node_of(c, r->to)->crashes != r->to_crashes;
}

static void all_exited(struct checker *c)
{
    char p[16];
    uint64_t pid;
    for (size_t i = 0; i < c->procs.capacity; i++) {
        struct proc_rec *r = key_map_slot(&c->procs, i, &pid);
        if (r != NULL && r->state != PROC_ENDED && r->state != PROC_LOST && !lost_with_a_restart(c, r))
            violation(c, "the run ended with every process exited, but pid %s is %s (since line %llu)",
                      pid_text((uint32_t)pid, p), state_words[r->state], (unsigned long long)r->since_line);
    }
}

static void check_line(struct checker *c, const cJSON *line)
{
    const cJSON *ev_item = cJSON_GetObjectItemCaseSensitive(line, "ev");
    if (!cJSON_IsString(ev_item)) {
        violation(c, "a line without \"ev\"");
        return;
    }
    const char *ev = ev_item->valuestring;
    uint32_t node = 0, pid = 0, other = 0, bytes = 0;
    int error = 0;
    bool has_node = get_uint(line, "node", 0xFFFFu, &node);
    (void)get_uint(line, "bytes", UINT32_MAX, &bytes);
    bool has_pid = parse_pid(cJSON_GetObjectItemCaseSensitive(line, "pid"), &pid);
    if (strcmp(ev, "end") == 0) {
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(line, "reason");
        snprintf(c->r->end, sizeof c->r->end, "%s", cJSON_IsString(reason) ? reason->valuestring : "?");
        if (strcmp(c->r->end, "all_exited") == 0)
            all_exited(c);
    } else if (strcmp(ev, "assert") == 0) {
        const cJSON *expr = cJSON_GetObjectItemCaseSensitive(line, "expr");
        violation(c, "node %u: a KASSERT failed: %s", node, cJSON_IsString(expr) ? expr->valuestring : "?");
    } else if (strcmp(ev, "crash") == 0 && has_node) {
        on_crash(c, node);
        node_of(c, node)->down = true;
        node_of(c, node)->crashes++;
    } else if (strcmp(ev, "restart") == 0 && has_node) {
        node_of(c, node)->down = false;
    } else if ((strcmp(ev, "store_commit") == 0 || strcmp(ev, "store_mount") == 0) && has_node) {
        on_store(c, ev, node, line);
    } else if (!has_node || !has_pid || (pid & 0xFFFFu) == 0) {
        return; /* an event of the world, or of a kernel */
    } else if (strcmp(ev, "spawn") == 0) {
        on_spawn(c, node, pid);
    } else if (strcmp(ev, "exit") == 0) {
        on_end(c, node, pid);
    } else if (strcmp(ev, "fault") == 0) {
        acting(c, node, pid, "faulted"); /* its exit line follows: that is its end */
    } else if (strcmp(ev, "send") == 0 && parse_pid(cJSON_GetObjectItemCaseSensitive(line, "dst"), &other)) {
        on_send(c, node, pid, other, bytes);
    } else if (strcmp(ev, "send_result") == 0 && get_int(line, "error", &error)) {
        const cJSON *message = cJSON_GetObjectItemCaseSensitive(line, "message");
        on_send_result(c, pid, error,
                       cJSON_IsString(message) && strcmp(message->valuestring, MESSAGE_OUTCOME_UNKNOWN) == 0);
    } else if (strcmp(ev, "deliver") == 0 && parse_pid(cJSON_GetObjectItemCaseSensitive(line, "src"), &other)) {
        on_deliver(c, node, pid, other, bytes);
    } else if ((strcmp(ev, "migrate_start") == 0 || strcmp(ev, "migrate_done") == 0 ||
                strcmp(ev, "migrate_abort") == 0 || strcmp(ev, "migrate_lost") == 0) &&
               get_uint(line, "to", 0xFFFFu, &other)) {
        on_move(c, ev, node, pid, other);
    } else if (strcmp(ev, "migrate_install") == 0 || strcmp(ev, "migrate_drop") == 0) {
        on_move(c, ev, node, pid, 0);
    }
}

int run_check_trace(FILE *trace, const char *name, FILE *report, struct run_check_result *out)
{
    struct checker c = {.name = name, .report = report, .r = out};
    memset(out, 0, sizeof *out);
    key_map_init(&c.procs, sizeof(struct proc_rec));
    key_map_init(&c.pairs, sizeof(struct pair_rec));
    key_map_init(&c.sends, sizeof(struct send_rec));
    key_map_init(&c.nodes, sizeof(struct node_rec));
    durability_init(&c.stores);
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&text, &cap, trace)) > 0) {
        c.line++;
        cJSON *line = cJSON_ParseWithLength(text, (size_t)len);
        if (cJSON_IsObject(line))
            check_line(&c, line);
        else
            violation(&c, "not a JSON object");
        cJSON_Delete(line);
    }
    int rc = ferror(trace) ? -1 : 0;
    if (rc < 0)
        fprintf(report, "%s: read error after line %llu\n", name, (unsigned long long)c.line);
    else if (out->end[0] == '\0')
        violation(&c, "no \"end\" line: the run did not finish");
    out->lines = c.line;
    free(text);
    key_map_free(&c.procs);
    key_map_free(&c.pairs);
    key_map_free(&c.sends);
    key_map_free(&c.nodes);
    durability_free(&c.stores);
    return rc;
}
