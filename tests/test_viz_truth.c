/* test_viz_truth.c - the visualizer shows what happened, on real runs
 * (docs/viz.md, "What you see"): hotspot-16's busy nodes drawn busy at
 * 240 ms, ring-64's token visible and moving on, a crashed node's lost
 * processes marked, every colour in the cluster explained by the legend
 * at 1920x1080 and at 640x400, and --export-csv's rows against the trace.
 * Expected colours are literals (docs/viz.md's scale), and who runs where
 * is counted from the trace text here, not by the visualizer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_util.h"
#include "viz/viz_export.h"
#include "viz/viz_offscreen.h"
#include "viz/viz_run.h"
#include "viz_pixels.h"

/* Run a scenario into `out` (relative to the test's directory), with
 * `options` ("" for none). */
static void run_scenario(const char *scenario, const char *options, const char *out)
{
    char args[1024];
    snprintf(args, sizeof args, "run %s/%s %s --out %s --quiet --no-progress", NIMBUS_SOURCE_DIR, scenario,
             options, out);
    cr_assert_eq(run_nimbus(args), 0, "nimbus %s", args);
}

static void load_run(struct viz_run *r, const char *dir)
{
    viz_run_init(r, dir);
    cr_assert_eq(viz_run_load(r, dir), 0, "%s", r->error);
}

static void open_at(struct viz_offscreen *o, const struct viz_run *r, int w, int h, uint64_t t_ns)
{
    char err[VIZ_ERROR_BYTES];
    cr_assert_eq(viz_offscreen_open(o, r, w, h, err, sizeof err), 0, "%s", err);
    viz_view_seek(&o->scene.view, r, t_ns);
    viz_offscreen_draw(o);
}

/* The number in `"key":N` or the pid's node in `"key":"nN.` of a line. */
static long field_num(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (p == NULL)
        return -1;
    p += strlen(pat);
    if (*p == '"')
        p += 2; /* "n */
    return strtol(p, NULL, 10);
}

/* Runnable processes per node at t_ns, counted from the trace's process
 * lines (for runs without block lines: hotspot-16's workers never wait).
 * Moving processes (migrate_start .. migrate_install) count nowhere. */
static void count_runnable(const char *dir, uint64_t t_ns, int *per_node, int nodes)
{
    char path[512];
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    char *text = read_file(path, NULL);
    cr_assert_not_null(text);
    memset(per_node, 0, sizeof(int) * (size_t)nodes);
    for (char *l = strtok(text, "\n"); l != NULL; l = strtok(NULL, "\n")) {
        if ((uint64_t)field_num(l, "t") > t_ns)
            break;
        cr_assert_null(strstr(l, "\"ev\":\"block\""), "this count ignores blocking");
        long node = field_num(l, "node");
        if (strstr(l, "\"ev\":\"spawn\"") || strstr(l, "\"ev\":\"migrate_install\""))
            per_node[node]++;
        else if (strstr(l, "\"ev\":\"exit\"") || strstr(l, "\"ev\":\"migrate_start\""))
            per_node[node]--;
    }
    free(text);
}

/* Whether most of node n's box (the part clear of label, bar and dots,
 * though messages may cross it) has colour c. */
static bool box_is(const struct viz_offscreen *o, uint32_t n, struct viz_rgb c)
{
    SDL_FRect b = viz_cluster_node_rect(&o->scene, n);
    SDL_Rect lower_right = {(int)(b.x + b.w / 2), (int)(b.y + b.h / 2), (int)(b.w / 2) - 2,
                            (int)(b.h / 2) - 2};
    return viz_count_pixels(o, lower_right, c) * 2 > (unsigned)(lower_right.w * lower_right.h);
}

Test(viz_truth, hotspot_busy_nodes_are_drawn_busy_at_240ms)
{
    const char *dir = "viz-truth-hotspot";
    /* The run up to a little past the frame: the same first 240 ms. */
    run_scenario("scenarios/hotspot-16.json", "--set duration=300ms", dir);
    int runnable[16];
    count_runnable(dir, 240000000, runnable, 16);
    /* box colours by run queue, docs/viz.md: 2/5 of the scale's colour */
    const struct viz_rgb box[] = {{19, 44, 75}, {32, 72, 40}, {92, 84, 32}};
    const struct viz_rgb box4 = {98, 56, 20};
    struct viz_run r;
    load_run(&r, dir);
    struct viz_offscreen o;
    open_at(&o, &r, 1280, 800, 240000000);
    int busy = 0;
    for (uint32_t n = 1; n < 16; n++) {
        cr_assert(runnable[n] >= 0 && runnable[n] <= 2, "node %u runs %d", n, runnable[n]);
        cr_assert(box_is(&o, n, box[runnable[n]]), "node %u, running %d, not drawn so", n,
                  runnable[n]);
        busy += runnable[n] > 0;
    }
    /* most of node 0's 32 jobs have left: 13 nodes run some, two wait
     * for theirs (in flight); node 0 keeps four */
    cr_assert_geq(busy, 13, "only %d busy nodes at 240 ms", busy);
    cr_assert_eq(runnable[0], 4);
    cr_assert(box_is(&o, 0, box4));
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

/* Where the first two hops of the token are: their send and delivery
 * times, from the trace. */
static void token_hops(const char *dir, uint64_t send[2], uint64_t deliver[2])
{
    char path[512];
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    char *text = read_file(path, NULL);
    cr_assert_not_null(text);
    int sends = 0, delivers = 0;
    for (char *l = strtok(text, "\n"); l != NULL && (sends < 2 || delivers < 2); l = strtok(NULL, "\n")) {
        if (strstr(l, "\"ev\":\"send\"") && sends < 2)
            send[sends++] = (uint64_t)field_num(l, "t");
        else if (strstr(l, "\"ev\":\"deliver\"") && delivers < 2)
            deliver[delivers++] = (uint64_t)field_num(l, "t");
    }
    free(text);
    cr_assert_eq(sends, 2);
    cr_assert_eq(delivers, 2);
}

static void midpoint(const struct viz_offscreen *o, uint32_t a, uint32_t b, float f, int *x, int *y)
{
    float xa, ya, xb, yb;
    viz_cluster_node_center(&o->scene, a, &xa, &ya);
    viz_cluster_node_center(&o->scene, b, &xb, &yb);
    *x = (int)(xa + (xb - xa) * f);
    *y = (int)(yb * f + ya * (1 - f));
}

Test(viz_truth, ring_token_is_visible_and_moves_on)
{
    const char *dir = "viz-truth-ring";
    run_scenario("scenarios/ring-64.json", "", dir);
    uint64_t send[2], deliver[2];
    token_hops(dir, send, deliver);
    struct viz_run r;
    load_run(&r, dir);
    struct viz_offscreen o;
    const struct viz_rgb message = {140, 200, 255};
    /* half way through hop 1 (node 0 to 1): the token is half way there */
    open_at(&o, &r, 1280, 800, (send[0] + deliver[0]) / 2);
    int x01, y01, x12, y12;
    midpoint(&o, 0, 1, 0.5f, &x01, &y01);
    midpoint(&o, 1, 2, 0.5f, &x12, &y12);
    SDL_Rect at01 = {x01 - 1, y01 - 1, 3, 3}, at12 = {x12 - 1, y12 - 1, 3, 3};
    cr_assert(viz_any_pixel(&o, at01, message), "no token between nodes 0 and 1");
    cr_assert(!viz_any_pixel(&o, at12, message), "a token between nodes 1 and 2 already");
    cr_assert_eq(viz_count_regions(&o, message), 1, "one token, one dot");
    /* the next frame in hop 2 (node 1 to 2): it has moved on */
    viz_view_seek(&o.scene.view, &r, (send[1] + deliver[1]) / 2);
    viz_offscreen_draw(&o);
    cr_assert(viz_any_pixel(&o, at12, message), "no token between nodes 1 and 2");
    cr_assert(!viz_any_pixel(&o, at01, message), "the token stayed between nodes 0 and 1");
    cr_assert_eq(viz_count_regions(&o, message), 1);
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

Test(viz_truth, lost_processes_are_marked_while_their_node_is_down)
{
    const char *dir = "viz-truth-faults";
    run_scenario("tests/scenarios/viz-faults.json", "", dir);
    const struct viz_rgb lost = {255, 120, 40};
    struct viz_run r;
    load_run(&r, dir);
    struct viz_offscreen o;
    open_at(&o, &r, 1280, 800, 19000000); /* before the crash at 20 ms */
    cr_assert_eq(viz_count_regions(&o, lost), 0);
    viz_view_seek(&o.scene.view, &r, 45000000); /* node 2 down with its two workers */
    viz_offscreen_draw(&o);
    SDL_FRect b = viz_cluster_node_rect(&o.scene, 2);
    SDL_Rect box = {(int)b.x, (int)b.y, (int)b.w, (int)b.h};
    cr_assert_eq(viz_count_regions(&o, lost), 2, "one cross per lost process");
    cr_assert_eq(viz_count_pixels(&o, box, lost), viz_count_pixels(&o, o.scene.cluster, lost),
                 "the crosses are in node 2's box");
    viz_view_seek(&o.scene.view, &r, 75000000); /* restarted at 70 ms: a new node */
    viz_offscreen_draw(&o);
    cr_assert_eq(viz_count_regions(&o, lost), 0);
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

/* Colours of the 2x2 blocks of one colour in rectangle a (lines and
 * text edges are thinner), without the background and the text's. */
static size_t solid_colours(const struct viz_offscreen *o, SDL_Rect a, struct viz_rgb *out, size_t cap)
{
    const struct viz_rgb skip[] = {{22, 25, 31}, {230, 232, 236}, {150, 156, 168}};
    size_t n = 0;
    for (int y = a.y; y + 1 < a.y + a.h; y++)
        for (int x = a.x; x + 1 < a.x + a.w; x++) {
            struct viz_rgb c = viz_offscreen_pixel(o, x, y);
            if (!viz_rgb_same(c, viz_offscreen_pixel(o, x + 1, y)) ||
                !viz_rgb_same(c, viz_offscreen_pixel(o, x, y + 1)) ||
                !viz_rgb_same(c, viz_offscreen_pixel(o, x + 1, y + 1)))
                continue;
            bool known = false;
            for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
                known |= viz_rgb_same(c, skip[i]);
            for (size_t i = 0; i < n; i++)
                known |= viz_rgb_same(c, out[i]);
            if (!known && n < cap)
                out[n++] = c;
        }
    return n;
}

/* Every colour the cluster shows is in the legend (the side panel). */
static void assert_legend_explains(const struct viz_offscreen *o, const char *what)
{
    struct viz_rgb used[64];
    size_t n = solid_colours(o, o->scene.cluster, used, 64);
    cr_assert_gt(n, 2, "%s: a picture with colours", what);
    for (size_t i = 0; i < n; i++)
        cr_assert(viz_any_pixel(o, o->scene.panel, used[i]),
                  "%s: colour %u,%u,%u is drawn but not in the legend", what, used[i].r, used[i].g,
                  used[i].b);
}

/* A trace with a move that succeeds and one that fails, in flight. */
static const char moves_trace[] =
    "{\"t\":0,\"ev\":\"start\",\"scenario\":\"moves\",\"seed\":1,\"nodes\":4,\"schema\":1}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"boot\",\"epoch\":1}\n{\"t\":0,\"node\":1,\"ev\":\"boot\",\"epoch\":2}\n"
    "{\"t\":0,\"node\":2,\"ev\":\"boot\",\"epoch\":3}\n{\"t\":0,\"node\":3,\"ev\":\"boot\",\"epoch\":4}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.1\",\"parent\":\"n0.0\",\"program\":\"worker\"}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.2\",\"parent\":\"n0.0\",\"program\":\"pingpong\"}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.3\",\"parent\":\"n0.0\",\"program\":\"ring\"}\n"
    "{\"t\":1000,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":3}\n"
    "{\"t\":1000,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.2\",\"to\":1}\n"
    "{\"t\":1000,\"node\":0,\"ev\":\"send\",\"pid\":\"n0.3\",\"dst\":\"n0.2\",\"bytes\":8}\n"
    "{\"t\":1000,\"node\":0,\"ev\":\"ksend\",\"to\":2,\"type\":\"offer\",\"seq\":7}\n"
    "{\"t\":1000,\"node\":0,\"ev\":\"ksend\",\"to\":1,\"type\":\"load\",\"seq\":3}\n"
    "{\"t\":3000,\"node\":3,\"ev\":\"migrate_install\",\"pid\":\"n0.1\",\"from\":0}\n"
    "{\"t\":3000,\"node\":0,\"ev\":\"migrate_abort\",\"pid\":\"n0.2\",\"to\":1,\"error\":-10,"
    "\"message\":\"node unreachable\"}\n"
    "{\"t\":3000,\"node\":0,\"ev\":\"deliver\",\"pid\":\"n0.2\",\"src\":\"n0.3\",\"bytes\":8}\n"
    "{\"t\":3000,\"node\":2,\"ev\":\"krecv\",\"from\":0,\"type\":\"offer\",\"seq\":7}\n"
    "{\"t\":5000,\"node\":1,\"ev\":\"krecv\",\"from\":0,\"type\":\"load\",\"seq\":3}\n";

static void load_moves(struct viz_run *r)
{
    viz_run_init(r, "moves.jsonl");
    viz_run_feed(r, moves_trace, strlen(moves_trace));
    viz_run_feed_end(r);
    cr_assert(!r->failed, "%s", r->error);
}

Test(viz_truth, the_legend_explains_every_colour_drawn)
{
    const char *dir = "viz-truth-legend";
    run_scenario("tests/scenarios/viz-faults.json", "", dir);
    struct viz_run r;
    load_run(&r, dir);
    const int sizes[][2] = {{1920, 1080}, {1280, 800}, {640, 400}};
    for (size_t i = 0; i < 3; i++) {
        struct viz_offscreen o;
        /* partitioned, node 2 down with its lost workers */
        open_at(&o, &r, sizes[i][0], sizes[i][1], 35000000);
        char what[64];
        snprintf(what, sizeof what, "viz-faults at 35 ms, %dx%d", sizes[i][0], sizes[i][1]);
        assert_legend_explains(&o, what);
        viz_offscreen_close(&o);
    }
    viz_run_free(&r);
    load_moves(&r);
    struct viz_offscreen o;
    open_at(&o, &r, 1280, 800, 2000);
    assert_legend_explains(&o, "moves half way");
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

Test(viz_truth, text_scales_with_the_picture)
{
    struct viz_run r;
    load_moves(&r);
    struct viz_offscreen big, small;
    open_at(&big, &r, 1920, 1080, 0);
    open_at(&small, &r, 640, 400, 0);
    /* 1920x1080: 1.35 times the 1280x800 sizes; 640x400: the 85 % floor */
    cr_assert_eq(big.scene.ui_pct, 135);
    cr_assert_eq(small.scene.ui_pct, 85);
    cr_assert_gt(big.scene.fonts.small.height, small.scene.fonts.small.height + 3);
    cr_assert_gt(small.scene.panel.w, 0, "a narrow picture keeps its legend");
    viz_offscreen_close(&big);
    viz_offscreen_close(&small);
    viz_run_free(&r);
}

/* What --export-csv should say, from the trace alone: viz-faults has
 * no moves and no blocking, so a node's run queue is its spawns minus
 * its exits, emptied by a crash. One row per node and time it changed. */
static size_t expected_rows(const char *dir, char *out, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    char *text = read_file(path, NULL);
    cr_assert_not_null(text);
    int up[4] = {0}, q[4] = {0}, shown_up[4] = {-1, -1, -1, -1}, shown_q[4] = {-1, -1, -1, -1};
    long t_prev = -1;
    size_t n = 0;
    for (char *l = strtok(text, "\n");; l = strtok(NULL, "\n")) {
        long t = l != NULL ? field_num(l, "t") : -2;
        if (t != t_prev && t_prev >= 0) /* all lines of t_prev are in */
            for (int k = 0; k < 4; k++)
                if (up[k] != shown_up[k] || q[k] != shown_q[k]) {
                    n += (size_t)snprintf(out + n, cap - n, "%ld,%d,%d,%d,0,\n", t_prev, k, up[k], q[k]);
                    shown_up[k] = up[k], shown_q[k] = q[k];
                }
        if (l == NULL)
            break;
        t_prev = t;
        cr_assert_null(strstr(l, "\"ev\":\"block\""));
        cr_assert_null(strstr(l, "\"ev\":\"load\""), "no load samples in this short run");
        long node = field_num(l, "node");
        if (strstr(l, "\"ev\":\"boot\""))
            up[node] = 1;
        else if (strstr(l, "\"ev\":\"crash\""))
            up[node] = 0, q[node] = 0;
        else if (strstr(l, "\"ev\":\"spawn\""))
            q[node]++;
        else if (strstr(l, "\"ev\":\"exit\""))
            q[node]--;
    }
    free(text);
    return n;
}

Test(viz_truth, export_csv_is_the_trace_series)
{
    const char *dir = "viz-truth-csv";
    run_scenario("tests/scenarios/viz-faults.json", "", dir);
    cr_assert_eq(run_nimbus("viz viz-truth-csv --export-csv viz-truth-csv/series.csv"), 0);
    char *csv = read_file("viz-truth-csv/series.csv", NULL);
    cr_assert_not_null(csv);
    const char *header = "t_ns,node,up,run_queue,load_avg_milli,imbalance_milli\n";
    cr_assert_eq(strncmp(csv, header, strlen(header)), 0, "header: %.60s", csv);
    /* each row as the trace says, up to its last column (the imbalance) */
    char want[4096];
    expected_rows(dir, want, sizeof want);
    char got[4096];
    size_t n = 0;
    for (char *row = strtok(csv + strlen(header), "\n"); row != NULL; row = strtok(NULL, "\n")) {
        char *last_comma = strrchr(row, ',');
        n += (size_t)snprintf(got + n, sizeof got - n, "%.*s,\n", (int)(last_comma - row), row);
    }
    cr_assert_str_eq(got, want);
    free(csv);
    /* the imbalance column: nodes 0,1,3 with one worker, 2 with two:
     * cv 0.346; after the crash the live three have one each: 0 */
    csv = read_file("viz-truth-csv/series.csv", NULL);
    cr_assert_not_null(strstr(csv, "\n0,2,1,2,0,346\n"));
    cr_assert_not_null(strstr(csv, "\n20000000,2,0,0,0,0\n"));
    free(csv);
    cr_assert_eq(run_nimbus("viz viz-truth-csv --export-csv no/such/dir/x.csv"), 2);
}

/* Kernel messages fly from their ksend to their krecv (paired by nodes
 * and sequence number), as amber squares distinct from user messages. */
Test(viz_truth, kernel_messages_fly_from_ksend_to_krecv)
{
    const struct viz_rgb kernel = {255, 180, 60}, message = {140, 200, 255};
    struct viz_run r;
    load_moves(&r);
    struct viz_offscreen o;
    open_at(&o, &r, 1280, 800, 2000);
    /* the offer (1 to 3 us) half way from node 0 to 2, the load report
     * (1 to 5 us) a quarter of the way to node 1 */
    int x, y;
    midpoint(&o, 0, 2, 0.5f, &x, &y);
    cr_assert(viz_any_pixel(&o, (SDL_Rect){x - 1, y - 1, 3, 3}, kernel), "no offer half way");
    midpoint(&o, 0, 1, 0.25f, &x, &y);
    cr_assert(viz_any_pixel(&o, (SDL_Rect){x - 1, y - 1, 3, 3}, kernel), "no load report a quarter of the way");
    cr_assert_eq(viz_count_regions(&o, kernel), 2, "two kernel messages in flight");
    cr_assert_eq(viz_count_pixels(&o, o.scene.cluster, message), 0, "the only user message is within node 0");
    viz_view_seek(&o.scene.view, &r, 3000); /* the offer arrived; the report is half way */
    viz_offscreen_draw(&o);
    cr_assert_eq(viz_count_regions(&o, kernel), 1);
    cr_assert(!viz_any_pixel(&o, (SDL_Rect){x - 1, y - 1, 3, 3}, kernel), "the report stayed put");
    midpoint(&o, 0, 1, 0.5f, &x, &y);
    cr_assert(viz_any_pixel(&o, (SDL_Rect){x - 1, y - 1, 3, 3}, kernel), "no load report half way");
    viz_offscreen_close(&o);
    viz_run_free(&r);
}
