/* test_viz_render.c - the visualizer's pictures, checked pixel by pixel
 * in an offscreen surface (SDL's software renderer, no window): how many
 * node boxes, a node's colour at a known load, a moving process between
 * two nodes, a crashed node greyed, a cut link, identical screenshots,
 * the zoomed timeline's axis and overview bar. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/viz_draw.h"
#include "viz/viz_offscreen.h"
#include "viz/viz_run.h"
#include "viz_pixels.h"

#define W 1000
#define H 700

static char trace[1 << 16];

/* A trace of `nodes` booted nodes, then `extra` lines. */
static void make_trace(struct viz_run *r, unsigned nodes, const char *extra)
{
    size_t n = (size_t)snprintf(trace, sizeof trace,
                                "{\"t\":0,\"ev\":\"start\",\"scenario\":\"pix\",\"seed\":1,"
                                "\"nodes\":%u,\"schema\":1}\n", nodes);
    for (unsigned i = 0; i < nodes; i++)
        n += (size_t)snprintf(trace + n, sizeof trace - n,
                              "{\"t\":0,\"node\":%u,\"ev\":\"boot\",\"epoch\":%u}\n", i, i + 1);
    snprintf(trace + n, sizeof trace - n, "%s", extra);
    viz_run_init(r, "pix.jsonl");
    viz_run_feed(r, trace, strlen(trace));
    viz_run_feed_end(r);
    cr_assert(!r->failed, "%s", r->error);
}

static void open_at(struct viz_offscreen *o, const struct viz_run *r, uint64_t t_ns)
{
    char err[VIZ_ERROR_BYTES];
    cr_assert_eq(viz_offscreen_open(o, r, W, H, err, sizeof err), 0, "%s", err);
    o->scene.view.layout = VIZ_LAYOUT_GRID;
    viz_scene_regions(&o->scene, W, H);
    viz_view_seek(&o->scene.view, r, t_ns);
    viz_offscreen_draw(o);
}

Test(viz_render, one_box_per_node)
{
    unsigned sizes[] = {4, 16, 64};
    for (size_t i = 0; i < 3; i++) {
        struct viz_run r;
        make_trace(&r, sizes[i], "");
        struct viz_offscreen o;
        open_at(&o, &r, 0);
        cr_assert_eq(viz_count_regions(&o, viz_node_border), sizes[i], "%u nodes", sizes[i]);
        viz_offscreen_close(&o);
        viz_run_free(&r);
    }
}

/* A point inside node n's box clear of its label, bar and dots. */
static void box_inner(const struct viz_offscreen *o, uint32_t n, float *x, float *y)
{
    SDL_FRect b = viz_cluster_node_rect(&o->scene, n);
    *x = b.x + b.w - 4;
    *y = b.y + b.h - 4;
}

/* n spawn lines of runnable workers on `node` at t, pids from `first`. */
static size_t spawn_lines(char *out, size_t cap, unsigned node, unsigned first, unsigned n, unsigned t)
{
    size_t len = 0;
    for (unsigned i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len,
                                "{\"t\":%u,\"node\":%u,\"ev\":\"spawn\",\"pid\":\"n%u.%u\","
                                "\"parent\":\"n%u.0\",\"program\":\"worker\"}\n",
                                t, node, node, first + i, node);
    return len;
}

/* The expected colours are literals from docs/viz.md's scale (blue idle,
 * green 1, yellow 2, orange 4, red 8, mixed linearly in between; the box
 * at 2/5 of the bar's brightness), not computed by the code under test.
 * The colour is the run queue now: node 1 has 2 runnable processes, node
 * 2 nine, node 3 four of which one blocks (one more blocks and wakes):
 * three; the load samples (the 1 s average) only move the magenta tick. */
Test(viz_render, node_colour_follows_its_run_queue)
{
    struct viz_run r;
    char extra[8192];
    size_t n = spawn_lines(extra, sizeof extra, 1, 1, 2, 10);
    n += spawn_lines(extra + n, sizeof extra - n, 2, 1, 9, 10);
    n += spawn_lines(extra + n, sizeof extra - n, 3, 1, 4, 10);
    snprintf(extra + n, sizeof extra - n, "%s",
             "{\"t\":10,\"node\":3,\"ev\":\"block\",\"pid\":\"n3.2\",\"wait\":\"recv\"}\n"
             "{\"t\":10,\"node\":3,\"ev\":\"block\",\"pid\":\"n3.3\",\"wait\":\"recv\"}\n"
             "{\"t\":10,\"node\":3,\"ev\":\"wake\",\"pid\":\"n3.3\"}\n"
             "{\"t\":10,\"node\":1,\"ev\":\"load\",\"load_milli\":4000,\"runq\":2,\"procs\":2}\n"
             "{\"t\":10,\"node\":0,\"ev\":\"load\",\"load_milli\":9000,\"runq\":0,\"procs\":0}\n");
    make_trace(&r, 4, extra);
    struct viz_offscreen o;
    open_at(&o, &r, 10);
    const struct viz_rgb idle_box = {19, 44, 75}, yellow_box = {92, 84, 32}, red_box = {86, 16, 16},
                         between_box = {94, 70, 26}; /* 3: halfway from yellow to orange */
    const struct viz_rgb yellow = {230, 210, 80}, red = {215, 40, 40}, between = {237, 175, 65};
    const struct viz_rgb tick = {255, 80, 200};
    const struct {
        uint32_t node;
        struct viz_rgb box, low_left; /* low_left: in the bar, if any */
    } want[] = {{0, idle_box, idle_box}, {1, yellow_box, yellow}, {2, red_box, red}, {3, between_box, between}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        float x, y;
        box_inner(&o, want[i].node, &x, &y);
        assert_color(&o, x, y, want[i].box);
        /* the bar: bottom left of the box, in the run queue's colour (none at 0) */
        SDL_FRect b = viz_cluster_node_rect(&o.scene, want[i].node);
        assert_color(&o, b.x + b.w * 0.1f, b.y + b.h * 0.85f, want[i].low_left);
    }
    /* full at 8: the bar reaches the top of the box */
    SDL_FRect b = viz_cluster_node_rect(&o.scene, 2);
    assert_color(&o, b.x + b.w * 0.1f, b.y + b.h * 0.2f, red);
    /* the load average's tick: half way up node 1's bar (4 of 8), at the
     * top of idle node 0's (9: past full), which has no bar */
    SDL_FRect b1 = viz_cluster_node_rect(&o.scene, 1), b0 = viz_cluster_node_rect(&o.scene, 0);
    SDL_Rect mid1 = {(int)(b1.x + b1.w * 0.1f), (int)(b1.y + b1.h / 2) - 3, 1, 7};
    cr_assert(viz_any_pixel(&o, mid1, tick), "no load average tick half way up node 1");
    SDL_Rect top0 = {(int)(b0.x + b0.w * 0.1f), (int)b0.y, 1, (int)(b0.h * 0.15f)};
    cr_assert(viz_any_pixel(&o, top0, tick), "no load average tick at the top of node 0");
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

static const char move_lines[] =
    "{\"t\":0,\"node\":0,\"ev\":\"spawn\",\"pid\":\"n0.1\",\"parent\":\"n0.0\",\"program\":\"worker\"}\n"
    "{\"t\":1000,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":3}\n"
    "{\"t\":3000,\"node\":3,\"ev\":\"migrate_install\",\"pid\":\"n0.1\",\"from\":0}\n"
    "{\"t\":4000,\"node\":1,\"ev\":\"crash\"}\n"
    "{\"t\":5000,\"ev\":\"partition\",\"groups\":[0,0,1,1]}\n";

Test(viz_render, a_moving_process_travels_between_its_nodes)
{
    struct viz_run r;
    make_trace(&r, 4, move_lines);
    struct viz_offscreen o;
    open_at(&o, &r, 2000); /* half way */
    SDL_FRect a = viz_cluster_node_rect(&o.scene, 0), b = viz_cluster_node_rect(&o.scene, 3);
    float mx = (a.x + a.w / 2 + b.x + b.w / 2) / 2, my = (a.y + a.h / 2 + b.y + b.h / 2) / 2;
    assert_color(&o, mx, my, viz_color_program(0));
    float px, py, d;
    cr_assert(viz_cluster_proc_pos(&o.scene, 0, &px, &py, &d));
    cr_assert_float_eq(px, mx, 1.0);
    cr_assert_float_eq(py, my, 1.0);
    /* a quarter of the way at t = 1500 */
    viz_view_seek(&o.scene.view, &r, 1500);
    viz_offscreen_draw(&o);
    float qx = a.x + a.w / 2 + (b.x - a.x) / 4, qy = a.y + a.h / 2 + (b.y - a.y) / 4;
    assert_color(&o, qx, qy, viz_color_program(0));
    assert_color(&o, mx, my, viz_bg); /* no longer at the middle: nothing else there */
    /* landed: a dot inside node 3, none travelling */
    viz_view_seek(&o.scene.view, &r, 3000);
    viz_offscreen_draw(&o);
    cr_assert(viz_cluster_proc_pos(&o.scene, 0, &px, &py, &d));
    cr_assert(px > b.x && px < b.x + b.w && py > b.y && py < b.y + b.h);
    assert_color(&o, px, py, viz_color_program(0));
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

Test(viz_render, crashed_node_is_grey_and_partition_cuts_links)
{
    struct viz_run r;
    make_trace(&r, 4, move_lines);
    struct viz_offscreen o;
    open_at(&o, &r, 3999);
    float x, y;
    box_inner(&o, 1, &x, &y);
    assert_color(&o, x, y, viz_color_box(0));
    viz_view_seek(&o.scene.view, &r, 4000);
    viz_offscreen_draw(&o);
    assert_color(&o, x, y, viz_crashed_fill);
    cr_assert_eq(viz_count_regions(&o, viz_node_border), 3, "a crashed node loses its border colour");
    /* nodes 0 and 2 (one above the other in a 2x2 grid) in groups 0 and 1:
     * their link is cut in the middle; 2-3 (same group) is whole */
    viz_view_seek(&o.scene.view, &r, 5000);
    viz_offscreen_draw(&o);
    SDL_FRect n0 = viz_cluster_node_rect(&o.scene, 0), n2 = viz_cluster_node_rect(&o.scene, 2);
    float lx = n0.x + n0.w / 2, gap_top = n0.y + n0.h, gap_bottom = n2.y;
    assert_color(&o, lx, gap_top + 1, viz_link_cut);
    assert_color(&o, lx, (gap_top + gap_bottom) / 2, viz_bg);
    SDL_FRect n3 = viz_cluster_node_rect(&o.scene, 3);
    assert_color(&o, (n2.x + n2.w + n3.x) / 2, n2.y + n2.h / 2, viz_link);
    assert_color(&o, n0.x + 1, n0.y + n0.h / 2, viz_color_group(0));
    assert_color(&o, n3.x + 1, n3.y + n3.h / 2, viz_color_group(1));
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

Test(viz_render, the_same_time_gives_the_same_pixels)
{
    struct viz_run r;
    make_trace(&r, 4, move_lines);
    struct viz_offscreen a, b;
    open_at(&a, &r, 2500);
    open_at(&b, &r, 0);
    viz_view_seek(&b.scene.view, &r, 4500); /* get there another way */
    viz_offscreen_draw(&b);
    viz_view_seek(&b.scene.view, &r, 2500);
    viz_offscreen_draw(&b);
    cr_assert_eq(memcmp(a.surface->pixels, b.surface->pixels, (size_t)a.surface->pitch * H), 0);
    viz_offscreen_close(&a);
    viz_offscreen_close(&b);
    viz_run_free(&r);
}

Test(viz_render, layouts_fit_the_area_from_4_to_1000_nodes)
{
    unsigned sizes[] = {4, 64, 1000};
    for (int kind = 0; kind < 2; kind++)
        for (size_t i = 0; i < 3; i++) {
            struct viz_layout l;
            viz_layout_init(&l);
            viz_layout_compute(&l, (enum viz_layout_kind)kind, sizes[i], 900, 600);
            cr_assert_geq(l.box, sizes[i] == 4 ? 40.0f : sizes[i] == 64 ? 12.0f : 2.0f);
            for (uint32_t n = 0; n < sizes[i]; n++) {
                cr_assert(l.cx[n] - l.box / 2 >= 0 && l.cx[n] + l.box / 2 <= 900, "node %u", n);
                cr_assert(l.cy[n] - l.box / 2 >= 0 && l.cy[n] + l.box / 2 <= 600, "node %u", n);
                cr_assert_eq(viz_layout_hit(&l, l.cx[n], l.cy[n]), n);
            }
            viz_layout_free(&l);
        }
}

Test(viz_render, zoomed_timeline_shows_its_stretch_and_an_overview)
{
    struct viz_run r;
    make_trace(&r, 4, move_lines); /* a 5 us run */
    struct viz_offscreen o;
    open_at(&o, &r, 500);
    SDL_Rect bar = viz_timeline_overview_rect(&o.scene), g = viz_timeline_graph_rect(&o.scene);
    cr_assert(!viz_any_pixel(&o, bar, viz_overview_window), "no overview when not zoomed");
    assert_color(&o, bar.x + bar.w / 2, bar.y + bar.h / 2, viz_panel_bg);
    /* the scrubber at 500 ns of 5000 (a column that may fall half way
     * between two pixels) */
    float col = 500.0f / 5000.0f * (float)(g.w - 1);
    cr_assert(viz_any_pixel(&o, (SDL_Rect){g.x + (int)col - 1, g.y + g.h / 2, 3, 1}, viz_cursor_line));

    viz_view_timeline_zoom_at(&o.scene.view, &r, 4, 0, g.w); /* 0 .. 1250 ns */
    viz_offscreen_draw(&o);
    struct viz_time_window w = viz_view_timeline_window(&o.scene.view, &r);
    cr_assert_eq(w.start_ns, 0);
    cr_assert_eq(w.span_ns, 1250);
    assert_color(&o, bar.x + bar.w * 0.12f, bar.y + bar.h / 2, viz_overview_window);
    assert_color(&o, bar.x + bar.w * 0.6f, bar.y + bar.h / 2, viz_bg);
    col = 500.0f / 1250.0f * (float)(g.w - 1);
    assert_color(&o, g.x + col, g.y + g.h / 2, viz_cursor_line);
    cr_assert(!viz_any_pixel(&o, (SDL_Rect){g.x + (int)(500.0f / 5000.0f * (float)(g.w - 1)) - 1,
                                        g.y + g.h / 2, 3, 1}, viz_cursor_line));

    /* panned to the end: the marker follows; the cursor is off the plot */
    viz_view_timeline_pan(&o.scene.view, &r, -1e6, g.w);
    viz_offscreen_draw(&o);
    assert_color(&o, bar.x + bar.w * 0.12f, bar.y + bar.h / 2, viz_bg);
    assert_color(&o, bar.x + bar.w * 0.9f, bar.y + bar.h / 2, viz_overview_window);
    SDL_Rect plot = {g.x, g.y + 1, g.w, g.h - 2};
    cr_assert(!viz_any_pixel(&o, plot, viz_cursor_line), "no scrubber outside the window");
    viz_offscreen_close(&o);
    viz_run_free(&r);
}

Test(viz_render, time_labels_have_the_decimals_their_step_needs)
{
    char a[40], b[40];
    viz_format_time_to(61000200000ull, 200, a, sizeof a);
    cr_assert_str_eq(a, "61.0002000 s");
    viz_format_time_to(61000200000ull, 1, a, sizeof a);
    cr_assert_str_eq(a, "61.000200000 s");
    viz_format_time_to(1500000, 0, a, sizeof a);
    cr_assert_str_eq(a, "1.500000 ms");
    viz_format_time_to(999, 1, a, sizeof a);
    cr_assert_str_eq(a, "999 ns");
    /* a coarse resolution keeps the usual three decimals */
    for (uint64_t t = 1; t < 200000000000ull; t = t * 7 + 3) {
        viz_format_time_to(t, t / 8 + 1, a, sizeof a);
        viz_format_time(t, b, sizeof b);
        cr_assert_str_eq(a, b);
    }
}
