/*
 * run_check.c - see run_check.h. One pass over the trace: each line is
 * parsed, and the events that say where a process is (spawn, the
 * migrate_* lines, exit, crash) move it through a small state machine
 * (run_places.c); the events a process makes (send, fault, exit) and
 * receives (deliver) are checked against it. A fault is followed by its process's exit
 * line (status -128), which ends it.
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "run_check_priv.h"

/* The one failed send that may have been delivered anyway (docs/trace.md:
 * send_result's message is the error's name). */
#define MESSAGE_OUTCOME_UNKNOWN "outcome unknown"

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

void run_check_violation(struct checker *c, const char *fmt, ...)
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

const char *run_check_pid_text(uint32_t pid, char buf[16])
{
    snprintf(buf, 16, "n%u.%u", pid >> 16, pid & 0xFFFFu);
    return buf;
}

struct node_rec *run_check_node(struct checker *c, uint32_t node)
{
    return key_map_get(&c->nodes, node, true, NULL);
}

static struct pair_rec *pair_of(struct checker *c, uint32_t src, uint32_t dst)
{
    return key_map_get(&c->pairs, (uint64_t)src << 32 | dst, true, NULL);
}

static void on_send(struct checker *c, uint32_t node, uint32_t pid, uint32_t dst, uint32_t bytes)
{
    c->r->messages_sent++;
    places_acting(c, node, pid, "sent");
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
        run_check_violation(
            c, "pid %s's send of %u bytes to %s (line %llu) returned 0 but was never delivered",
            run_check_pid_text(pid, p), s->bytes, run_check_pid_text(s->dst, d), (unsigned long long)s->line);
    else if (error == 0 && s->delivered - 1u > pr->unknown)
        run_check_violation(
            c, "pid %s's send of %u bytes to %s (line %llu) returned 0 but was delivered %u times",
            run_check_pid_text(pid, p), s->bytes, run_check_pid_text(s->dst, d), (unsigned long long)s->line,
            s->delivered);
    else if (error == 0)
        pr->unknown -= s->delivered - 1u; /* the others were late copies of unknown outcome */
    else if (unknown && s->delivered == 0)
        pr->unknown++;
}

static void on_deliver(struct checker *c, uint32_t node, uint32_t pid, uint32_t src, uint32_t bytes)
{
    char p[16], s[16];
    c->r->messages_delivered++;
    if (!places_holds(c, pid, node))
        run_check_violation(c, "a message for pid %s was delivered on node %u, where it does not run",
                            run_check_pid_text(pid, p), node);
    if ((src & 0xFFFFu) == 0)
        return; /* kernels' own messages are not traced as sends */
    struct pair_rec *pr = pair_of(c, src, pid);
    if (++pr->delivered > pr->sent)
        run_check_violation(c, "pid %s has been delivered %llu messages from %s, which sent only %llu",
                            run_check_pid_text(pid, p), (unsigned long long)pr->delivered,
                            run_check_pid_text(src, s), (unsigned long long)pr->sent);
    match_delivery(c, pid, src, bytes);
}

/* A node's store reported a commit durable, or mounted one. */
static void on_store(struct checker *c, const char *ev, uint32_t node, const cJSON *line)
{
    uint32_t seq, formatted = 0;
    if (!get_uint(line, "seq", UINT32_MAX, &seq)) {
        run_check_violation(c, "node %u: %s without a commit sequence", node, ev);
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
        run_check_violation(c, "%s", why);
}

static void check_line(struct checker *c, const cJSON *line)
{
    const cJSON *ev_item = cJSON_GetObjectItemCaseSensitive(line, "ev");
    if (!cJSON_IsString(ev_item)) {
        run_check_violation(c, "a line without \"ev\"");
        return;
    }
    const char *ev = ev_item->valuestring;
    uint32_t node = 0, pid = 0, other = 0, bytes = 0;
    int error = 0;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(line, "t");
    if (cJSON_IsNumber(t) && t->valuedouble >= 0)
        c->t = (uint64_t)t->valuedouble;
    bool has_node = get_uint(line, "node", 0xFFFFu, &node);
    (void)get_uint(line, "bytes", UINT32_MAX, &bytes);
    bool has_pid = parse_pid(cJSON_GetObjectItemCaseSensitive(line, "pid"), &pid);
    if (strcmp(ev, "end") == 0) {
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(line, "reason");
        snprintf(c->r->end, sizeof c->r->end, "%s", cJSON_IsString(reason) ? reason->valuestring : "?");
        places_at_end(c, strcmp(c->r->end, "all_exited") == 0);
    } else if (strcmp(ev, "assert") == 0) {
        const cJSON *expr = cJSON_GetObjectItemCaseSensitive(line, "expr");
        run_check_violation(c, "node %u: a KASSERT failed: %s", node,
                            cJSON_IsString(expr) ? expr->valuestring : "?");
    } else if (strcmp(ev, "crash") == 0 && has_node) {
        places_crash(c, node);
        run_check_node(c, node)->down = true;
        run_check_node(c, node)->crashes++;
    } else if (strcmp(ev, "restart") == 0 && has_node) {
        run_check_node(c, node)->down = false;
    } else if ((strcmp(ev, "store_commit") == 0 || strcmp(ev, "store_mount") == 0) && has_node) {
        on_store(c, ev, node, line);
    } else if (!has_node || !has_pid || (pid & 0xFFFFu) == 0) {
        return; /* an event of the world, or of a kernel */
    } else if (strcmp(ev, "spawn") == 0) {
        places_spawn(c, node, pid,
                     parse_pid(cJSON_GetObjectItemCaseSensitive(line, "parent"), &other) ? other : 0);
    } else if (strcmp(ev, "exit") == 0) {
        places_end(c, node, pid);
    } else if (strcmp(ev, "fault") == 0) {
        places_acting(c, node, pid, "faulted"); /* its exit line follows: that is its end */
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
        places_move(c, ev, node, pid, other);
    } else if (strcmp(ev, "migrate_install") == 0 || strcmp(ev, "migrate_drop") == 0) {
        places_move(c, ev, node, pid, 0);
    } else if (strcmp(ev, "child_lost") == 0 &&
               parse_pid(cJSON_GetObjectItemCaseSensitive(line, "parent"), &other)) {
        places_child_lost(c, node, pid, other);
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
            run_check_violation(&c, "not a JSON object");
        cJSON_Delete(line);
    }
    int rc = ferror(trace) ? -1 : 0;
    if (rc < 0)
        fprintf(report, "%s: read error after line %llu\n", name, (unsigned long long)c.line);
    else if (out->end[0] == '\0')
        run_check_violation(&c, "no \"end\" line: the run did not finish");
    out->lines = c.line;
    free(text);
    key_map_free(&c.procs);
    key_map_free(&c.pairs);
    key_map_free(&c.sends);
    key_map_free(&c.nodes);
    durability_free(&c.stores);
    return rc;
}
