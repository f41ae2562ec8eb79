/* test_viz_model.c - the visualizer's trace reader and replay model,
 * without SDL: what a trace says is where, seeking, and clear errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/viz_cursor.h"
#include "viz/viz_run.h"
#include "viz/viz_view.h"

static const char small_trace[] =
    "{\"t\":0,\"ev\":\"start\",\"scenario\":\"tiny\",\"seed\":7,\"nodes\":4,\"schema\":1}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"boot\",\"epoch\":1}\n"
    "{\"t\":0,\"node\":1,\"ev\":\"boot\",\"epoch\":2}\n"
    "{\"t\":0,\"node\":2,\"ev\":\"boot\",\"epoch\":3}\n"
    "{\"t\":0,\"node\":3,\"ev\":\"boot\",\"epoch\":4}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.1\",\"parent\":\"n0.0\",\"program\":\"worker\"}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.2\",\"parent\":\"n0.0\",\"program\":\"worker\"}\n"
    "{\"t\":100,\"node\":0,\"ev\":\"load\",\"load_milli\":2000,\"runq\":2,\"procs\":3}\n"
    "{\"t\":1000,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.2\",\"to\":3}\n"
    "{\"t\":1500,\"node\":0,\"ev\":\"console\",\"pid\":\"n0.1\",\"text\":\"hi \\\"you\\\"\\n\"}\n"
    "{\"t\":1900,\"node\":0,\"ev\":\"migrate_done\",\"pid\":\"n0.2\",\"to\":3,\"bytes\":9,\"freeze_us\":1}\n"
    "{\"t\":2000,\"node\":3,\"ev\":\"migrate_install\",\"pid\":\"n0.2\",\"from\":0}\n"
    "{\"t\":2500,\"node\":3,\"ev\":\"send\",\"pid\":\"n0.2\",\"dst\":\"n0.1\",\"bytes\":64}\n"
    "{\"t\":3000,\"node\":2,\"ev\":\"crash\"}\n"
    "{\"t\":3500,\"ev\":\"partition\",\"groups\":[0,0,1,1]}\n"
    "{\"t\":4000,\"ev\":\"heal\"}\n"
    "{\"t\":5000,\"node\":0,\"ev\":\"exit\",\"pid\":\"n0.1\",\"status\":0}\n"
    "{\"t\":6000,\"ev\":\"end\",\"reason\":\"duration\",\"events\":99}\n";

static void load_text(struct viz_run *r, const char *text)
{
    viz_run_init(r, "mem.jsonl");
    viz_run_feed(r, text, strlen(text));
    viz_run_feed_end(r);
}

Test(viz_model, reads_a_small_trace)
{
    struct viz_run r;
    load_text(&r, small_trace);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_str_eq(r.scenario, "tiny");
    cr_assert_eq(r.seed, 7);
    cr_assert_eq(r.node_count, 4);
    cr_assert(r.ended);
    cr_assert_str_eq(r.end_reason, "duration");
    cr_assert_eq(r.proc_count, 2);
    cr_assert_str_eq(viz_run_program(&r, &r.procs[0]), "worker");
    cr_assert_eq(r.mig_count, 1);
    const struct viz_migration *m = &r.migs[0];
    cr_assert_eq(m->from, 0);
    cr_assert_eq(m->to, 3);
    cr_assert_eq(m->start_ns, 1000);
    cr_assert_eq(m->end_ns, 2000);
    cr_assert_eq(m->outcome, VIZ_MIG_INSTALLED);
    cr_assert_eq(m->freeze_us, 1);
    cr_assert_eq(r.procs[0].how, VIZ_EXITED);
    cr_assert_eq(r.procs[0].end_ns, 5000);
    cr_assert_eq(r.node_loads[0].n, 1);
    viz_run_free(&r);
}

Test(viz_model, state_at_times)
{
    struct viz_run r;
    load_text(&r, small_trace);
    struct viz_cursor c;
    viz_cursor_init(&c, &r);
    viz_cursor_seek(&c, &r, 500);
    cr_assert_eq(c.st.proc_node[0], 0);
    cr_assert_eq(c.st.proc_node[1], 0);
    cr_assert_eq(c.st.load_milli[0], 2000);
    cr_assert_eq(c.st.proc_mig[1], VIZ_NO_MIG);
    viz_cursor_seek(&c, &r, 1500); /* in flight */
    cr_assert_eq(c.st.proc_mig[1], 0);
    cr_assert_float_eq(viz_migration_progress(&r.migs[0], 1500), 0.5, 1e-9);
    viz_cursor_seek(&c, &r, 2000); /* landed */
    cr_assert_eq(c.st.proc_mig[1], VIZ_NO_MIG);
    cr_assert_eq(c.st.proc_node[1], 3);
    viz_cursor_seek(&c, &r, 3200);
    cr_assert_eq(c.st.up[2], 0);
    cr_assert_eq(c.st.up[1], 1);
    viz_cursor_seek(&c, &r, 3600);
    cr_assert(viz_state_linked(&c.st, &r, 0, 1));
    cr_assert(!viz_state_linked(&c.st, &r, 0, 3));
    viz_cursor_seek(&c, &r, 4500);
    cr_assert(viz_state_linked(&c.st, &r, 0, 3));
    cr_assert(!viz_state_linked(&c.st, &r, 0, 2), "a crashed node is cut off");
    viz_cursor_seek(&c, &r, 6000);
    cr_assert_eq(c.st.proc_node[0], VIZ_NOWHERE);
    viz_cursor_seek(&c, &r, 0); /* back to the start */
    cr_assert_eq(c.st.proc_node[1], 0);
    cr_assert_eq(c.st.load_milli[0], 0);
    viz_cursor_free(&c);
    viz_run_free(&r);
}

Test(viz_model, imbalance_is_the_cv_of_run_queues)
{
    struct viz_run r;
    load_text(&r, small_trace);
    /* the run queues counted at each change, not the load samples:
     * two spawns on node 0 at t 0: 2,0,0,0, mean 0.5, sd sqrt(0.75) -> cv 1.732 */
    cr_assert_eq(viz_run_imbalance_at(&r, 0), 1732);
    cr_assert_eq(viz_run_imbalance_at(&r, 50), 1732);
    /* n0.2 moving (on no run queue): 1,0,0,0 -> sqrt(3) */
    cr_assert_eq(viz_run_imbalance_at(&r, 1500), 1732);
    /* installed on node 3: 1,0,0,1 -> cv 1 */
    cr_assert_eq(viz_run_imbalance_at(&r, 2000), 1000);
    /* node 2 down: 1,0,1 -> cv sqrt(2)/2 */
    cr_assert_eq(viz_run_imbalance_at(&r, 3000), 707);
    /* n0.1 exited: 0,0,1 -> cv sqrt(2) */
    cr_assert_eq(viz_run_imbalance_at(&r, 5000), 1414);
    viz_run_free(&r);
}

/* A long synthetic trace: many loads and moves between 8 nodes. */
static char *long_trace(int moves)
{
    size_t cap = (size_t)moves * 400 + 4096, n = 0;
    char *t = malloc(cap);
    n += (size_t)sprintf(t + n, "{\"t\":0,\"ev\":\"start\",\"scenario\":\"long\",\"seed\":1,\"nodes\":8}\n");
    for (int i = 0; i < 8; i++)
        n += (size_t)sprintf(t + n, "{\"t\":0,\"node\":%d,\"ev\":\"boot\",\"epoch\":%d}\n", i, i + 1);
    for (int p = 1; p <= 16; p++)
        n += (size_t)sprintf(t + n, "{\"t\":0,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.%d\","
                                    "\"parent\":\"n0.0\",\"program\":\"w%d\"}\n", p, p % 3);
    int where[17] = {0};
    for (int i = 0; i < moves; i++) {
        int p = 1 + i % 16, to = (where[p] + 1 + i % 7) % 8;
        uint64_t t0 = 1000 + (uint64_t)i * 100;
        n += (size_t)sprintf(t + n, "{\"t\":%llu,\"node\":%d,\"ev\":\"load\",\"load_milli\":%d,"
                                    "\"runq\":%d,\"procs\":1}\n",
                             (unsigned long long)t0, i % 8, i % 5000, i % 9);
        n += (size_t)sprintf(t + n, "{\"t\":%llu,\"node\":%d,\"ev\":\"migrate_start\","
                                    "\"pid\":\"n0.%d\",\"to\":%d}\n",
                             (unsigned long long)t0, where[p], p, to);
        n += (size_t)sprintf(t + n, "{\"t\":%llu,\"node\":%d,\"ev\":\"migrate_install\","
                                    "\"pid\":\"n0.%d\",\"from\":%d}\n",
                             (unsigned long long)t0 + 50, to, p, where[p]);
        where[p] = to;
    }
    t[n] = '\0';
    return t;
}

static void assert_same_state(const struct viz_state *a, const struct viz_state *b, uint32_t procs)
{
    cr_assert_eq(a->next, b->next);
    cr_assert_eq(memcmp(a->up, b->up, a->node_count), 0);
    cr_assert_eq(memcmp(a->load_milli, b->load_milli, a->node_count * 4), 0);
    cr_assert_eq(memcmp(a->runq, b->runq, a->node_count * 4), 0);
    for (uint32_t p = 0; p < procs; p++) {
        cr_assert_eq(a->proc_node[p], b->proc_node[p], "proc %u", p);
        cr_assert_eq(a->proc_mig[p], b->proc_mig[p], "proc %u", p);
    }
    cr_assert_eq(a->runq_sum, b->runq_sum);
    cr_assert_eq(a->runq_sumsq, b->runq_sumsq);
}

Test(viz_model, seeking_anywhere_matches_replaying_from_the_start)
{
    char *text = long_trace(20000);
    struct viz_run r;
    load_text(&r, text);
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_gt(r.ckpt_count, 3, "checkpoints were taken");
    struct viz_cursor c;
    viz_cursor_init(&c, &r);
    uint64_t times[] = {1500000, 20000, 999999, 1000049, 1000050, 0, 2001000, 5, 1500000};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        viz_cursor_seek(&c, &r, times[i]);
        struct viz_cursor fresh;
        viz_cursor_init(&fresh, &r);
        size_t target = viz_run_events_until(&r, times[i]);
        while (fresh.st.next < target)
            viz_state_apply(&fresh.st, &r);
        /* grow the fresh state's proc arrays to compare every process */
        assert_same_state(&c.st, &fresh.st, fresh.st.proc_cap < c.st.proc_cap ? fresh.st.proc_cap
                                                                             : c.st.proc_cap);
        viz_cursor_free(&fresh);
    }
    viz_cursor_free(&c);
    viz_run_free(&r);
    free(text);
}

/* The error a one-line change to the small trace gives. */
static void expect_error(const char *text, const char *needle)
{
    struct viz_run r;
    load_text(&r, text);
    cr_assert(r.failed, "accepted a bad trace (wanted: %s)", needle);
    cr_assert_not_null(strstr(r.error, needle), "error '%s' does not say '%s'", r.error, needle);
    viz_run_free(&r);
}

#define START "{\"t\":0,\"ev\":\"start\",\"scenario\":\"x\",\"seed\":1,\"nodes\":2}\n"

Test(viz_model, bad_traces_get_file_line_and_reason)
{
    expect_error("", "empty trace");
    expect_error("{\"t\":0,\"node\":0,\"ev\":\"boot\",\"epoch\":1}\n", "mem.jsonl:1: the first line must be");
    expect_error(START "{\"t\":0,\"node\":0,\"ev\":\"boot\"\n", "mem.jsonl:2: column 28: expected ','");
    expect_error(START "{\"t\":5,\"node\":0,\"ev\":\"boot\"}\n{\"t\":4,\"node\":0,\"ev\":\"boot\"}\n",
                 "mem.jsonl:3: time goes back");
    expect_error(START "{\"t\":5,\"node\":2,\"ev\":\"boot\"}\n", "mem.jsonl:2: node 2 is not a node");
    expect_error(START "{\"t\":5,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.1\",\"program\":\"w\"}\n",
                 "field \"parent\" is missing");
    expect_error(START "{\"t\":5,\"node\":0,\"ev\":\"exit\",\"pid\":\"x0.1\",\"status\":0}\n",
                 "is not a pid");
    expect_error(START "{\"t\":5,\"node\":0,\"ev\":\"exit\",\"pid\":\"n9.1\",\"status\":0}\n",
                 "names node 9");
    expect_error(START "{\"t\":5.5,\"node\":0,\"ev\":\"boot\"}\n",
                 "mem.jsonl:2: \"t\" must be a non-negative integer, got a number with a fraction or exponent");
    expect_error(START "{\"t\":5,\"ev\":\"partition\",\"groups\":[0]}\n", "1 entries for 2 nodes");
    expect_error(START "{\"t\":5,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":7}\n",
                 "\"to\" 7 is not a node");
    expect_error(START "{\"t\":5,\"ev\":\"end\",\"reason\":\"x\",\"events\":1}\n"
                       "{\"t\":6,\"node\":0,\"ev\":\"boot\"}\n", "after the \"end\" line");
    expect_error(START "\n", "mem.jsonl:2: empty line");
    expect_error(START "{\"t\":1,\"node\":0,\"ev\":\"console\",\"text\":\"a\tb\"}\n", "control character");
    expect_error(START "{\"t\":1,\"ev\":\"x\",\"s\":\"\\q\"}\n", "unknown escape");
    expect_error(START "[1]\n", "must be a JSON object");
    expect_error(START "{\"t\":1,\"ev\":\"heal\"} x\n", "text after the end");
    expect_error(START "{\"t\":99999999999999999999,\"ev\":\"heal\"}\n",
                 "mem.jsonl:2: \"t\" must be a non-negative integer, got an integer too large for 64 bits");
}

Test(viz_model, newer_schema_is_refused_clearly)
{
    expect_error("{\"t\":0,\"ev\":\"start\",\"scenario\":\"x\",\"seed\":1,\"nodes\":2,\"schema\":2}\n",
                 "mem.jsonl:1: trace schema 2 is newer than this visualizer reads (1)");
}

Test(viz_model, unknown_events_and_fields_are_skipped)
{
    struct viz_run r;
    load_text(&r, START "{\"t\":1,\"node\":0,\"ev\":\"teleport\",\"to\":[1,2]}\n"
                        "{\"t\":2,\"node\":0,\"ev\":\"boot\",\"epoch\":1,\"extra\":\"x\"}");
    cr_assert(!r.failed, "%s", r.error);
    cr_assert_eq(r.event_count, 1, "the boot (read without a final newline)");
    viz_run_free(&r);
}

/* docs/trace.md: readers skip fields they do not know, whatever their
 * well-formed JSON value; a known field still needs its own type. */
Test(viz_model, unknown_fields_of_every_json_type_are_skipped)
{
    static const char *const values[] = {
        "{\"a\":{\"b\":[1,\"c\",null]},\"d\":{}}", "[\"x\",\"y\"]", "[[1,2],[3]]", "1.5", "-2e-3", "1E+9",
        "true", "false", "null", "99999999999999999999", "[1.5]", "{}", "[]",
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, START "{\"t\":2,\"node\":0,\"ev\":\"boot\",\"epoch\":1,\"future\":%s}\n",
                 values[i]);
        struct viz_run r;
        load_text(&r, text);
        cr_expect(!r.failed, "\"future\":%s refused: %s", values[i], r.error);
        cr_expect_eq(r.event_count, 1, "\"future\":%s", values[i]);
        viz_run_free(&r);
    }
    expect_error(START "{\"t\":2,\"node\":0,\"ev\":\"exit\",\"pid\":\"n0.1\",\"status\":1.5}\n",
                 "mem.jsonl:2: \"exit\" event: field \"status\" has the wrong type (should be an integer, "
                 "got a number with a fraction or exponent)");
    expect_error(START "{\"t\":2,\"ev\":\"heal\",\"x\":{\"a\":1,}}\n", "mem.jsonl:2: column 31: expected a field name in quotes");
    expect_error(START "{\"t\":2,\"ev\":\"heal\",\"x\":[1,]}\n", "mem.jsonl:2: column 27: expected a JSON value");
    expect_error(START "{\"t\":2,\"ev\":\"heal\",\"x\":tru}\n", "mem.jsonl:2: column 24: expected a JSON value");
    expect_error(START "{\"t\":2,\"ev\":\"heal\",\"x\":1.}\n", "mem.jsonl:2: column 26: expected digits after '.'");
    char deep[256];
    snprintf(deep, sizeof deep, START "{\"t\":2,\"ev\":\"heal\",\"x\":%.*s}\n", 64,
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    expect_error(deep, "mem.jsonl:2: column 87: nested deeper than 64 levels");
}

Test(viz_model, streamed_in_pieces_is_the_same_as_whole)
{
    struct viz_run a, b;
    load_text(&a, small_trace);
    viz_run_init(&b, "mem.jsonl");
    for (size_t i = 0; small_trace[i]; i++)
        cr_assert_eq(viz_run_feed(&b, &small_trace[i], 1), 0, "%s", b.error);
    cr_assert_eq(viz_run_feed_end(&b), 0);
    cr_assert_eq(a.event_count, b.event_count);
    cr_assert_eq(memcmp(a.events, b.events, a.event_count * sizeof a.events[0]), 0);
    viz_run_free(&a);
    viz_run_free(&b);
}

Test(viz_model, unreadable_inputs)
{
    struct viz_run r;
    viz_run_init(&r, "");
    cr_assert_eq(viz_run_load(&r, "/nonexistent/run"), -1);
    cr_assert_not_null(strstr(r.error, "/nonexistent/run: No such file"), "%s", r.error);
    viz_run_free(&r);
    viz_run_init(&r, "");
    cr_assert_eq(viz_run_load(&r, "/"), -1);
    cr_assert_not_null(strstr(r.error, "no trace.jsonl"), "%s", r.error);
    viz_run_free(&r);
}

Test(viz_model, json_strings_unescape)
{
    char out[32];
    const char raw[] = "a\\\"b\\\\c\\n\\u0041\\u00e9";
    size_t n = viz_json_unescape(raw, sizeof raw - 1, out, sizeof out);
    cr_assert_eq(n, 8);
    cr_assert_eq(memcmp(out, "a\"b\\c\nA\xe9", 8), 0);
    struct viz_pid p;
    cr_assert_eq(viz_pid_parse("n12.345", 7, &p), 0);
    cr_assert_eq(p.node, 12);
    cr_assert_eq(p.local, 345);
    cr_assert_eq(viz_pid_parse("n12.", 4, &p), -1);
    cr_assert_eq(viz_pid_parse("n.1", 3, &p), -1);
    cr_assert_eq(viz_pid_parse("n1.1x", 5, &p), -1);
    cr_assert_eq(viz_pid_parse("n99999999999.1", 14, &p), -1);
}

Test(viz_model, playback_speed_steps_and_seeking)
{
    struct viz_run r;
    load_text(&r, small_trace);
    struct viz_view v;
    viz_view_init(&v, &r, false);
    cr_assert_eq(v.layout, VIZ_LAYOUT_GRID);
    for (int i = 0; i < 20; i++)
        viz_view_speed_step(&v, -1);
    cr_assert_float_eq(v.speed, VIZ_SPEED_MIN, 1e-12);
    for (int i = 0; i < 30; i++)
        viz_view_speed_step(&v, +1);
    cr_assert_float_eq(v.speed, VIZ_SPEED_MAX, 1e-12);
    viz_view_speed_step(&v, -1);
    cr_assert_float_eq(v.speed, 500, 1e-12);
    viz_view_step(&v, &r, +1);
    cr_assert_eq(v.t_ns, 100, "the next thing after 0 is the load at 100");
    viz_view_step(&v, &r, +1);
    cr_assert_eq(v.t_ns, 1000);
    viz_view_step(&v, &r, -1);
    cr_assert_eq(v.t_ns, 100);
    v.speed = 1e-6; /* 1 us of run per wall second */
    viz_view_toggle_play(&v, &r);
    viz_view_tick(&v, &r, 0.5);
    cr_assert_eq(v.t_ns, 600);
    viz_view_tick(&v, &r, 1e6);
    cr_assert_eq(v.t_ns, 6000, "clamped at the end");
    cr_assert(!v.playing, "stops at the end");
    viz_view_seek(&v, &r, 99999);
    cr_assert_eq(v.t_ns, 6000);
    viz_view_home(&v);
    cr_assert_eq(v.t_ns, 0);
    viz_run_free(&r);
}

Test(viz_model, reads_what_nimbus_writes)
{
    /* the start line the simulator writes carries the schema we read */
    cr_assert_eq(system(NIMBUS_BINARY_DIR "/nimbus run " NIMBUS_SOURCE_DIR
                        "/scenarios/hello.json --out viz-model-hello --quiet --no-progress"
                        " > /dev/null"), 0);
    struct viz_run r;
    viz_run_init(&r, "");
    cr_assert_eq(viz_run_load(&r, "viz-model-hello"), 0, "%s", r.error);
    cr_assert_eq(r.schema, VIZ_SCHEMA_VERSION);
    cr_assert(r.ended);
    cr_assert_str_eq(r.scenario, "hello");
    viz_run_free(&r);
}

/* The run queue the visualizer counts from process events (spawn, block,
 * wake, moves, exit) is the kernel's own: at every `load` line, whose
 * `runq` the kernel sampled at that instant, they agree, on every node.
 * The first simulated second of each run is enough (ten samples a node,
 * moves and exits among them), and keeps the sanitizer build quick. */
static void assert_queue_matches_samples(const char *scenario, const char *out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, NIMBUS_BINARY_DIR "/nimbus run " NIMBUS_SOURCE_DIR
             "/scenarios/%s.json --set duration=1s --out %s --quiet --no-progress > /dev/null", scenario, out);
    cr_assert_eq(system(cmd), 0);
    struct viz_run r;
    viz_run_init(&r, "");
    cr_assert_eq(viz_run_load(&r, out), 0, "%s", r.error);
    struct viz_state st;
    viz_state_init(&st, r.node_count);
    unsigned samples = 0, busy = 0;
    while (st.next < r.event_count) {
        const struct viz_event *e = &r.events[st.next];
        viz_state_apply(&st, &r);
        if (e->kind != VIZ_EV_LOAD)
            continue;
        cr_assert_eq(st.queue[e->node], e->b, "%s: node %u at t %llu: counted %u, sampled %u",
                     scenario, e->node, (unsigned long long)e->t_ns, st.queue[e->node], e->b);
        samples++;
        busy += e->b > 0;
    }
    cr_assert_gt(busy, 0, "%s: no sample saw a process running", scenario);
    cr_assert_gt(samples, 10);
    viz_state_free(&st);
    viz_run_free(&r);
}

Test(viz_model, counted_run_queue_is_the_sampled_one)
{
    assert_queue_matches_samples("hotspot-16", "viz-model-hotspot");
    assert_queue_matches_samples("churn-32", "viz-model-churn");
}
