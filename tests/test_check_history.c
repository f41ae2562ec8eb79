/*
 * test_check_history.c - the history checker (checks/history.h): each
 * anomaly of Adya's list and each violation in a small hand-made history
 * is named with its cause, and a serializable history has none.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/history.h"

/* Events of one line each; actions and objects are plain names. */
#define BEGIN(a) "{\"ev\":\"action_begin\",\"action\":\"" a "\"}\n"
#define NESTED(a, parent) "{\"ev\":\"action_begin\",\"action\":\"" a "\",\"parent\":\"" parent "\"}\n"
#define WRITE(a, obj, k) "{\"ev\":\"action_write\",\"action\":\"" a "\",\"object\":\"" obj "\",\"wseq\":" #k "}\n"
#define READ_FIRST(a, obj) "{\"ev\":\"action_read\",\"action\":\"" a "\",\"object\":\"" obj "\"}\n"
#define READ(a, obj, writer, k)                                                                                 \
    "{\"ev\":\"action_read\",\"action\":\"" a "\",\"object\":\"" obj "\",\"writer\":\"" writer "\",\"wseq\":" #k \
    "}\n"
#define COMMIT(a) "{\"ev\":\"action_commit\",\"action\":\"" a "\"}\n"
#define ABORT(a) "{\"ev\":\"action_abort\",\"action\":\"" a "\"}\n"
#define INSTALL(node, obj, writer, k)                                                                            \
    "{\"ev\":\"object_install\",\"node\":" #node ",\"object\":\"" obj "\",\"writer\":\"" writer "\",\"wseq\":" #k \
    "}\n"

/* Check `trace`; the report's text in *report (caller frees). */
static struct history_result check(const char *trace, char **report)
{
    FILE *in = fmemopen((void *)trace, strlen(trace), "r");
    size_t len;
    FILE *out = open_memstream(report, &len);
    struct history_result r;
    cr_assert_eq(history_check_trace(in, "h.jsonl", out, &r), 0);
    fclose(in);
    fclose(out);
    return r;
}

/* Exactly one finding, an anomaly or not, reading `line`. */
static void expect_one(const char *trace, bool anomaly, const char *line)
{
    char *report;
    struct history_result r = check(trace, &report);
    cr_expect_eq(r.anomalies, anomaly ? 1u : 0u, "anomalies: %llu in:\n%s", (unsigned long long)r.anomalies, report);
    cr_expect_eq(r.violations, anomaly ? 0u : 1u, "violations: %llu in:\n%s", (unsigned long long)r.violations,
                 report);
    cr_expect(strstr(report, line) != NULL, "expected \"%s\" in:\n%s", line, report);
    free(report);
}

Test(check_history, a_serial_history_with_nested_actions_is_clean)
{
    char *report;
    struct history_result r = check(
        BEGIN("t1") WRITE("t1", "acct/alice", 1) WRITE("t1", "acct/alice", 2) COMMIT("t1")
        INSTALL(0, "acct/alice", "t1", 2)
        BEGIN("t2") READ("t2", "acct/alice", "t1", 2) NESTED("n2", "t2") WRITE("n2", "acct/bob", 1) ABORT("n2")
        NESTED("m2", "t2") WRITE("m2", "acct/carol", 1) READ("m2", "acct/carol", "m2", 1) COMMIT("m2")
        READ("t2", "acct/carol", "m2", 1) WRITE("t2", "acct/alice", 1) COMMIT("t2")
        INSTALL(0, "acct/alice", "t2", 1) INSTALL(1, "acct/carol", "m2", 1)
        BEGIN("t3") READ_FIRST("t3", "acct/bob") ABORT("t3"),
        &report);
    cr_expect_eq(r.anomalies + r.violations, 0, "%s", report);
    cr_expect_eq(r.actions, 3);
    cr_expect_eq(r.committed, 2);
    cr_expect_eq(r.aborted, 1);
    cr_expect_eq(r.objects, 3);
    free(report);
}

Test(check_history, a_write_cycle_is_g0)
{
    expect_one(BEGIN("t1") BEGIN("t2") WRITE("t1", "x", 1) WRITE("t2", "x", 1) WRITE("t2", "y", 1)
                   WRITE("t1", "y", 1) COMMIT("t1") COMMIT("t2") INSTALL(0, "x", "t1", 1) INSTALL(0, "x", "t2", 1)
                       INSTALL(1, "y", "t2", 1) INSTALL(1, "y", "t1", 1),
               true, "h.jsonl: G0 (write cycle): t1 -ww x-> t2 -ww y-> t1");
}

Test(check_history, reading_an_aborted_write_is_g1a)
{
    expect_one(BEGIN("t1") WRITE("t1", "x", 1) BEGIN("t2") READ("t2", "x", "t1", 1) ABORT("t1") COMMIT("t2"),
               true, "h.jsonl:4: G1a (aborted read): t2 read x as written by t1, which aborted");
}

Test(check_history, reading_a_write_of_ones_own_aborted_nested_action_is_g1a)
{
    expect_one(BEGIN("t1") NESTED("n1", "t1") WRITE("n1", "x", 1) ABORT("n1") READ("t1", "x", "n1", 1)
                   COMMIT("t1"),
               true, "h.jsonl:5: G1a (aborted read): t1 read x as written by n1, which aborted");
}

Test(check_history, reading_a_write_that_never_committed_is_g1a)
{
    expect_one(BEGIN("t1") WRITE("t1", "x", 1) BEGIN("t2") READ("t2", "x", "t1", 1) COMMIT("t2"), true,
               "h.jsonl:4: G1a (aborted read): t2 read x as written by t1, which never committed");
}

Test(check_history, reading_an_overwritten_version_is_g1b)
{
    expect_one(BEGIN("t1") WRITE("t1", "x", 1) BEGIN("t2") READ("t2", "x", "t1", 1) WRITE("t1", "x", 2)
                   COMMIT("t1") COMMIT("t2") INSTALL(0, "x", "t1", 2),
               true,
               "h.jsonl:4: G1b (intermediate read): t2 read x as written by t1 (write 1), not t1's last write of "
               "it (t1, write 2)");
}

Test(check_history, each_reading_the_others_write_is_g1c)
{
    expect_one(BEGIN("t1") BEGIN("t2") WRITE("t1", "x", 1) WRITE("t2", "y", 1) READ("t1", "y", "t2", 1)
                   READ("t2", "x", "t1", 1) COMMIT("t1") COMMIT("t2") INSTALL(0, "x", "t1", 1)
                       INSTALL(0, "y", "t2", 1),
               true, "h.jsonl: G1c (circular information flow): t2 -wr y-> t1 -wr x-> t2");
}

/* Write skew: each read both first versions and wrote one of them. */
Test(check_history, write_skew_is_g2)
{
    expect_one(BEGIN("t1") BEGIN("t2") READ_FIRST("t1", "x") READ_FIRST("t1", "y") READ_FIRST("t2", "x")
                   READ_FIRST("t2", "y") WRITE("t1", "x", 1) WRITE("t2", "y", 1) COMMIT("t1") COMMIT("t2")
                       INSTALL(0, "x", "t1", 1) INSTALL(0, "y", "t2", 1),
               true, "h.jsonl: G2 (anti-dependency cycle): t1 -rw y-> t2 -rw x-> t1");
}

/* Found by fuzz_check_history: a read of a committed action's version of
 * an object it never wrote. */
Test(check_history, a_read_of_a_version_its_writer_never_wrote_is_named)
{
    expect_one(BEGIN("t1") WRITE("t1", "y", 1) COMMIT("t1") INSTALL(0, "y", "t1", 1) BEGIN("t2")
                   READ("t2", "x", "t1", 1) COMMIT("t2"),
               false, "h.jsonl:6: t2 read x as written by t1, which never wrote it");
}

Test(check_history, an_installed_write_of_an_aborted_nested_action_is_named)
{
    expect_one(BEGIN("t1") NESTED("n1", "t1") WRITE("n1", "x", 1) ABORT("n1") COMMIT("t1") INSTALL(2, "x", "n1", 1),
               false, "h.jsonl:6: node 2 installed x as written by n1 (write 1), which aborted");
}

Test(check_history, an_installed_intermediate_write_is_named)
{
    expect_one(BEGIN("t1") WRITE("t1", "x", 1) WRITE("t1", "x", 2) COMMIT("t1") INSTALL(0, "x", "t1", 1)
                   INSTALL(0, "x", "t1", 2),
               false,
               "h.jsonl:5: node 0 installed x as written by t1 (write 1), which is not its last write of it");
}

Test(check_history, a_committed_write_no_node_installed_is_lost)
{
    expect_one(BEGIN("t1") WRITE("t1", "x", 1) COMMIT("t1"), false,
               "h.jsonl:2: t1 committed a write of x that no node installed");
}

Test(check_history, replicas_that_install_in_different_orders_are_named)
{
    expect_one(BEGIN("t1") WRITE("t1", "x", 1) COMMIT("t1") BEGIN("t2") WRITE("t2", "x", 1) COMMIT("t2")
                   INSTALL(0, "x", "t1", 1) INSTALL(0, "x", "t2", 1) INSTALL(1, "x", "t2", 1),
               false, "h.jsonl:9: replicas of x disagree: node 1 installed t2's version as version 1, another node t1's");
}

Test(check_history, a_replica_that_catches_up_late_agrees)
{
    char *report;
    struct history_result r =
        check(BEGIN("t1") WRITE("t1", "x", 1) COMMIT("t1") INSTALL(0, "x", "t1", 1) BEGIN("t2") WRITE("t2", "x", 1)
                  COMMIT("t2") INSTALL(0, "x", "t2", 1) INSTALL(1, "x", "t1", 1) INSTALL(1, "x", "t2", 1),
              &report);
    cr_expect_eq(r.anomalies + r.violations, 0, "%s", report);
    free(report);
}

Test(check_history, an_action_that_ends_twice_is_named)
{
    expect_one(BEGIN("t1") COMMIT("t1") ABORT("t1"), false, "h.jsonl:3: action_abort of action t1 after it committed");
}

Test(check_history, a_commit_with_a_nested_action_running_is_named)
{
    expect_one(BEGIN("t1") NESTED("n1", "t1") COMMIT("t1") ABORT("n1") ABORT("t1"), false,
               "h.jsonl:3: action t1 committed with 1 nested action still running");
}

Test(check_history, events_of_actions_never_begun_or_inside_ended_ones_are_named)
{
    expect_one(WRITE("t9", "x", 1), false, "h.jsonl:1: action_write of action t9, which never began");
    expect_one(BEGIN("t1") ABORT("t1") NESTED("n1", "t1"), false,
               "h.jsonl:3: action n1 began inside t1, which is not running");
}

Test(check_history, malformed_lines_are_named)
{
    expect_one("{\"ev\":\"action_write\",\"object\":\"x\"}\n", false, "h.jsonl:1: action_write without an action");
    expect_one(BEGIN("t1") "{\"ev\":\"action_write\",\"action\":\"t1\",\"object\":\"x\",\"wseq\":0}\n", false,
               "h.jsonl:2: action_write without a wseq from 1");
    expect_one("not json\n", false, "h.jsonl:1: not a JSON object");
}

/* ---- against an oracle: random histories -------------------------------- */

/* Four actions over three objects, their reads and writes interleaved at
 * random; a read sees an installed version (mostly the newest, sometimes
 * an older one or the first), and an action installs its writes when it
 * commits. Nothing aborts and no version is intermediate, so the history
 * is clean exactly when some serial order of the actions explains it. */
#define RH_ACTIONS 4
#define RH_OBJECTS 3
#define RH_OPS 3

struct rh_op {
    int action, object;
    bool write;
    int read_from; /* the action whose version was read, -1: the first version */
};

struct rh_history {
    struct rh_op ops[RH_ACTIONS * RH_OPS];
    int op_count;
    int installed[RH_OBJECTS][RH_ACTIONS]; /* each object's writers in install order */
    int installed_count[RH_OBJECTS];
};

static unsigned rh_next(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 16;
}

static void rh_generate(unsigned seed, struct rh_history *h, char *trace, size_t bytes)
{
    unsigned st = seed;
    struct rh_op plan[RH_ACTIONS][RH_OPS];
    int planned[RH_ACTIONS], done[RH_ACTIONS] = {0};
    memset(h, 0, sizeof *h);
    size_t n = 0;
    for (int a = 0; a < RH_ACTIONS; a++) {
        bool wrote[RH_OBJECTS] = {false};
        planned[a] = 1 + (int)(rh_next(&st) % RH_OPS);
        for (int i = 0; i < planned[a]; i++) {
            int o = (int)(rh_next(&st) % RH_OBJECTS);
            bool w = wrote[o] || rh_next(&st) % 2 == 0; /* no reads of its own writes: a rewrite */
            wrote[o] |= w;
            plan[a][i] = (struct rh_op){.action = a, .object = o, .write = w};
        }
        n += (size_t)snprintf(trace + n, bytes - n, "{\"ev\":\"action_begin\",\"action\":\"t%d\"}\n", a);
    }
    for (int left = RH_ACTIONS; left > 0;) {
        int a = (int)(rh_next(&st) % RH_ACTIONS);
        if (done[a] > planned[a])
            continue;
        if (done[a] == planned[a]) { /* commit: install each object it wrote */
            n += (size_t)snprintf(trace + n, bytes - n, "{\"ev\":\"action_commit\",\"action\":\"t%d\"}\n", a);
            bool installed[RH_OBJECTS] = {false};
            for (int i = 0; i < planned[a]; i++) {
                int o = plan[a][i].object;
                if (!plan[a][i].write || installed[o])
                    continue;
                installed[o] = true;
                h->installed[o][h->installed_count[o]++] = a;
            }
            for (int o = 0; o < RH_OBJECTS; o++) {
                int wseq = 0; /* its last write of o */
                for (int i = 0; i < planned[a]; i++)
                    wseq += plan[a][i].write && plan[a][i].object == o;
                if (installed[o])
                    n += (size_t)snprintf(trace + n, bytes - n,
                                          "{\"ev\":\"object_install\",\"node\":0,\"object\":\"x%d\",\"writer\":\"t%d\","
                                          "\"wseq\":%d}\n", o, a, wseq);
            }
            done[a]++;
            left--;
            continue;
        }
        struct rh_op op = plan[a][done[a]++];
        if (op.write) {
            int wseq = 0;
            for (int i = 0; i < done[a]; i++)
                wseq += plan[a][i].write && plan[a][i].object == op.object;
            n += (size_t)snprintf(trace + n, bytes - n,
                                  "{\"ev\":\"action_write\",\"action\":\"t%d\",\"object\":\"x%d\",\"wseq\":%d}\n", a,
                                  op.object, wseq);
        } else {
            int count = h->installed_count[op.object];
            int pick = count == 0 || rh_next(&st) % 4 == 0 ? (int)(rh_next(&st) % (unsigned)(count + 1)) - 1
                                                            : count - 1;
            op.read_from = pick < 0 ? -1 : h->installed[op.object][pick];
            if (op.read_from < 0) {
                n += (size_t)snprintf(trace + n, bytes - n,
                                      "{\"ev\":\"action_read\",\"action\":\"t%d\",\"object\":\"x%d\"}\n", a, op.object);
            } else {
                int wseq = 0;
                for (int i = 0; i < planned[op.read_from]; i++)
                    wseq += plan[op.read_from][i].write && plan[op.read_from][i].object == op.object;
                n += (size_t)snprintf(trace + n, bytes - n,
                                      "{\"ev\":\"action_read\",\"action\":\"t%d\",\"object\":\"x%d\",\"writer\":\"t%d\","
                                      "\"wseq\":%d}\n", a, op.object, op.read_from, wseq);
            }
        }
        h->ops[h->op_count++] = op;
    }
}

/* Whether running the actions one after another in `order` reads what
 * the history read and installs each object's versions in its order. */
static bool rh_serial_explains(const struct rh_history *h, const int *order)
{
    int position[RH_ACTIONS];
    for (int i = 0; i < RH_ACTIONS; i++)
        position[order[i]] = i;
    for (int o = 0; o < RH_OBJECTS; o++)
        for (int i = 1; i < h->installed_count[o]; i++)
            if (position[h->installed[o][i - 1]] > position[h->installed[o][i]])
                return false;
    for (int i = 0; i < h->op_count; i++) {
        const struct rh_op *r = &h->ops[i];
        if (r->write)
            continue;
        int latest = -1; /* the last writer of the object before the reader, serially */
        for (int j = 0; j < h->installed_count[r->object]; j++) {
            int w = h->installed[r->object][j];
            if (position[w] < position[r->action] && (latest < 0 || position[w] > position[latest]))
                latest = w;
        }
        if (latest != r->read_from)
            return false;
    }
    return true;
}

static bool rh_serializable(const struct rh_history *h)
{
    int order[RH_ACTIONS] = {0, 1, 2, 3};
    for (;;) { /* every permutation, in lexicographic order */
        if (rh_serial_explains(h, order))
            return true;
        int i = RH_ACTIONS - 2;
        while (i >= 0 && order[i] > order[i + 1])
            i--;
        if (i < 0)
            return false;
        int j = RH_ACTIONS - 1;
        while (order[j] < order[i])
            j--;
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
        for (int a = i + 1, b = RH_ACTIONS - 1; a < b; a++, b--)
            t = order[a], order[a] = order[b], order[b] = t;
    }
}

Test(check_history, agrees_with_trying_every_serial_order_on_random_histories)
{
    int clean = 0, anomalous = 0;
    for (unsigned seed = 1; seed <= 2000; seed++) {
        struct rh_history h;
        char trace[8192], *report;
        rh_generate(seed, &h, trace, sizeof trace);
        struct history_result r = check(trace, &report);
        cr_assert_eq(r.violations, 0, "seed %u:\n%s\n%s", seed, trace, report);
        bool serializable = rh_serializable(&h);
        cr_assert_eq(r.anomalies == 0, serializable, "seed %u: %s by the checker, %s by the oracle:\n%s\n%s", seed,
                     r.anomalies == 0 ? "serializable" : "not serializable",
                     serializable ? "serializable" : "not serializable", trace, report);
        clean += serializable;
        anomalous += !serializable;
        free(report);
    }
    cr_log_info("%d serializable histories, %d not", clean, anomalous);
    cr_expect_gt(clean, 200, "the generator makes serializable histories too");
    cr_expect_gt(anomalous, 200, "and anomalous ones");
}
