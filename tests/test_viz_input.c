/* test_viz_input.c - the window's keys and mouse, fed as SDL events to
 * a window-less app drawing offscreen: play/pause, step, speed, layout
 * and message toggles, selecting by clicking, seeking on the timeline,
 * panning by dragging, 's' saving a PNG, and zooming and panning the
 * timeline's time axis. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "viz/viz_app.h"
#include "viz/viz_offscreen.h"

static const char trace_text[] =
    "{\"t\":0,\"ev\":\"start\",\"scenario\":\"keys\",\"seed\":1,\"nodes\":4,\"schema\":1}\n"
    "{\"t\":0,\"node\":0,\"ev\":\"boot\",\"epoch\":1}\n"
    "{\"t\":0,\"node\":1,\"ev\":\"boot\",\"epoch\":2}\n"
    "{\"t\":0,\"node\":2,\"ev\":\"boot\",\"epoch\":3}\n"
    "{\"t\":0,\"node\":3,\"ev\":\"boot\",\"epoch\":4}\n"
    "{\"t\":0,\"node\":2,\"ev\":\"spawn\",\"pid\":\"n2.1\",\"parent\":\"n2.0\",\"program\":\"w\"}\n"
    "{\"t\":0,\"node\":3,\"ev\":\"spawn\",\"pid\":\"n3.1\",\"parent\":\"n3.0\",\"program\":\"w\"}\n"
    "{\"t\":0,\"node\":2,\"ev\":\"spawn\",\"pid\":\"n2.2\",\"parent\":\"n2.0\",\"program\":\"w\"}\n"
    "{\"t\":1000000,\"node\":1,\"ev\":\"load\",\"load_milli\":1000,\"runq\":1,\"procs\":1}\n"
    "{\"t\":2000000,\"ev\":\"end\",\"reason\":\"duration\",\"events\":11}\n";

static struct viz_run run;
static struct viz_offscreen off;
static struct viz_app app;
static struct viz_options opts;

static void setup(void)
{
    viz_run_init(&run, "keys.jsonl");
    viz_run_feed(&run, trace_text, strlen(trace_text));
    cr_assert_eq(viz_run_feed_end(&run), 0, "%s", run.error);
    char err[VIZ_ERROR_BYTES];
    cr_assert_eq(viz_offscreen_open(&off, &run, 1000, 700, err, sizeof err), 0, "%s", err);
    viz_options_init(&opts);
    memset(&app, 0, sizeof app);
    app.ren = off.ren;
    app.run = &run;
    app.opt = &opts;
    app.live_fd = -1;
    app.scene = off.scene; /* shares the fonts and layout; closed through off */
    app.scene.w = 1000, app.scene.h = 700;
}

static void teardown(void)
{
    off.scene = app.scene;
    viz_offscreen_close(&off);
    viz_run_free(&run);
}

static void key(SDL_Keycode k)
{
    SDL_Event e = {.type = SDL_KEYDOWN};
    e.key.keysym.sym = k;
    viz_input_handle(&app, &e);
}

static void mouse_button(Uint32 type, Uint8 button, int x, int y)
{
    SDL_Event e = {.type = type};
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x, e.motion.y = y;
    } else {
        e.button.button = button, e.button.x = x, e.button.y = y;
    }
    viz_input_handle(&app, &e);
}

static void mouse(Uint32 type, int x, int y) { mouse_button(type, SDL_BUTTON_LEFT, x, y); }

/* `steps` wheel steps (positive: away from the user, zoom in) with the
 * pointer at (x, y). */
static void wheel(int x, int y, int steps)
{
    SDL_Event e = {.type = SDL_MOUSEWHEEL};
    e.wheel.y = steps;
    e.wheel.mouseX = x, e.wheel.mouseY = y;
    viz_input_handle(&app, &e);
}

static void click(int x, int y)
{
    mouse(SDL_MOUSEBUTTONDOWN, x, y);
    mouse(SDL_MOUSEBUTTONUP, x, y);
}

TestSuite(viz_input, .init = setup, .fini = teardown);

Test(viz_input, playback_keys)
{
    struct viz_view *v = &app.scene.view;
    key(SDLK_SPACE);
    cr_assert(v->playing);
    key(SDLK_SPACE);
    cr_assert(!v->playing);
    key(SDLK_PERIOD);
    cr_assert_eq(v->t_ns, 1000000);
    key(SDLK_RIGHT);
    cr_assert_eq(v->t_ns, 2000000);
    key(SDLK_LEFT);
    cr_assert_eq(v->t_ns, 1000000);
    key(SDLK_HOME);
    cr_assert_eq(v->t_ns, 0);
    key(SDLK_END);
    cr_assert_eq(v->t_ns, 2000000);
    key(SDLK_PLUS);
    cr_assert_float_eq(v->speed, 2.0, 1e-9);
    key(SDLK_MINUS);
    key(SDLK_MINUS);
    cr_assert_float_eq(v->speed, 0.5, 1e-9);
    cr_assert(v->show_messages, "messages in flight are shown by default");
    key(SDLK_m);
    cr_assert(!v->show_messages);
    key(SDLK_l);
    cr_assert_eq(v->layout, VIZ_LAYOUT_RING);
    cr_assert_eq(app.scene.layout.kind, VIZ_LAYOUT_RING);
    cr_assert(!app.quit);
    key(SDLK_q);
    cr_assert(app.quit);
}

Test(viz_input, click_selects_and_timeline_seeks)
{
    viz_frame_draw(app.ren, &app.scene);
    SDL_FRect b = viz_cluster_node_rect(&app.scene, 1);
    click((int)(b.x + b.w - 3), (int)(b.y + b.h - 3));
    cr_assert_eq(app.scene.view.sel_node, 1);
    float x, y, d;
    cr_assert(viz_cluster_proc_pos(&app.scene, 0, &x, &y, &d));
    click((int)x, (int)y);
    cr_assert_eq(app.scene.view.sel_proc, 0, "clicked the process on node 2");
    cr_assert_eq(app.scene.view.sel_node, UINT32_MAX);
    /* each dot selects its own process, also the second one on a node */
    for (uint32_t p = 0; p < 3; p++) {
        cr_assert(viz_cluster_proc_pos(&app.scene, p, &x, &y, &d));
        click((int)x, (int)y);
        cr_assert_eq(app.scene.view.sel_proc, p, "clicked process %u", p);
    }
    click(app.scene.cluster.x + 2, app.scene.cluster.y + 2);
    cr_assert_eq(app.scene.view.sel_proc, VIZ_NO_PROC, "empty space clears");
    /* the timeline's middle is the run's middle */
    const SDL_Rect *t = &app.scene.timeline;
    click(t->x + t->w / 2, t->y + t->h / 2);
    cr_assert(app.scene.view.t_ns > 900000 && app.scene.view.t_ns < 1100000, "t %llu",
              (unsigned long long)app.scene.view.t_ns);
}

Test(viz_input, drag_pans_and_s_saves)
{
    mouse(SDL_MOUSEBUTTONDOWN, 100, 200);
    mouse(SDL_MOUSEMOTION, 130, 190);
    mouse(SDL_MOUSEBUTTONUP, 130, 190);
    cr_assert_float_eq(app.scene.view.pan_x, 30, 1e-6);
    cr_assert_float_eq(app.scene.view.pan_y, -10, 1e-6);
    cr_assert_eq(app.scene.view.sel_node, UINT32_MAX, "a drag is not a click");
    key(SDLK_r);
    cr_assert_float_eq(app.scene.view.pan_x, 0, 1e-6);
    viz_frame_draw(app.ren, &app.scene);
    const char *name = "nimbus-viz-keys-0.png";
    unlink(name);
    key(SDLK_s);
    cr_assert_eq(access(name, R_OK), 0, "'s' wrote %s", name);
    unlink(name);
}

/* ---- the timeline's time axis ---------------------------------------- */

static SDL_Rect graph(void) { return viz_timeline_graph_rect(&app.scene); }

static struct viz_time_window window(void)
{
    return viz_view_timeline_window(&app.scene.view, &run);
}

static uint64_t time_under(int x)
{
    uint64_t t = UINT64_MAX;
    cr_assert(viz_timeline_time_at(&app.scene, x, graph().y + 10, &t));
    return t;
}

static void assert_near(uint64_t got, uint64_t want, uint64_t tolerance, const char *what)
{
    uint64_t d = got > want ? got - want : want - got;
    cr_assert_leq(d, tolerance, "%s: %llu, want %llu +- %llu", what, (unsigned long long)got,
                  (unsigned long long)want, (unsigned long long)tolerance);
}

Test(viz_input, wheel_over_the_timeline_zooms_around_the_pointer)
{
    SDL_Rect g = graph();
    int x = g.x + g.w / 4, y = g.y + 10;
    uint64_t before = time_under(x), full = window().span_ns;
    cr_assert_eq(full, 2000000);
    float cluster_zoom = app.scene.view.zoom;
    wheel(x, y, 1);
    cr_assert(viz_view_timeline_zoomed(&app.scene.view, &run));
    assert_near(window().span_ns, full / 2, 1, "one step halves the span");
    assert_near(time_under(x), before, window().span_ns / (uint64_t)g.w + 1, "time under x");
    wheel(x, y, 3);
    assert_near(window().span_ns, full / 16, 1, "three more steps");
    assert_near(time_under(x), before, window().span_ns / (uint64_t)g.w + 1, "time under x");
    cr_assert_float_eq(app.scene.view.zoom, cluster_zoom, 1e-9, "the cluster did not zoom");
    wheel(x, y, 40);
    cr_assert_eq(window().span_ns, VIZ_TIMELINE_MIN_SPAN_NS, "no narrower than the minimum");
    assert_near(time_under(x), before, 2, "time under x at the narrowest");
    wheel(x, y, -40);
    cr_assert(!viz_view_timeline_zoomed(&app.scene.view, &run), "no wider than the run");
    cr_assert_eq(window().start_ns, 0);
    cr_assert_eq(window().span_ns, full);
}

Test(viz_input, click_in_the_zoomed_timeline_seeks_on_its_axis)
{
    SDL_Rect g = graph();
    wheel(g.x + g.w - 1, g.y + 10, 2); /* the last quarter: 1.5 ms .. 2 ms */
    struct viz_time_window w = window();
    cr_assert_eq(w.start_ns, 1500000);
    cr_assert_eq(w.span_ns, 500000);
    click(g.x + (g.w - 1) / 2, g.y + 10);
    assert_near(app.scene.view.t_ns, 1750000, w.span_ns / (uint64_t)g.w + 1, "middle");
    /* dragging seeks along the zoomed axis too, and does not move it */
    mouse(SDL_MOUSEBUTTONDOWN, g.x, g.y + 10);
    cr_assert_eq(app.scene.view.t_ns, 1500000);
    mouse(SDL_MOUSEMOTION, g.x + (g.w - 1) / 4, g.y + 10);
    mouse(SDL_MOUSEBUTTONUP, g.x + (g.w - 1) / 4, g.y + 10);
    assert_near(app.scene.view.t_ns, 1625000, w.span_ns / (uint64_t)g.w + 1, "a quarter");
    cr_assert_eq(window().start_ns, w.start_ns);
}

Test(viz_input, right_drag_pans_the_timeline_within_the_run)
{
    SDL_Rect g = graph();
    int mid = g.x + g.w / 2, y = g.y + 10;
    wheel(mid, y, 3); /* 250 us around 1 ms */
    struct viz_time_window w = window();
    cr_assert_eq(w.span_ns, 250000);
    uint64_t t = app.scene.view.t_ns;
    mouse_button(SDL_MOUSEBUTTONDOWN, SDL_BUTTON_RIGHT, mid, y);
    mouse_button(SDL_MOUSEMOTION, 0, mid + 100, y);
    mouse_button(SDL_MOUSEBUTTONUP, SDL_BUTTON_RIGHT, mid + 100, y);
    uint64_t moved = (uint64_t)(100.0 * (double)w.span_ns / (double)(g.w - 1));
    assert_near(window().start_ns, w.start_ns - moved, 2, "dragged right shows earlier times");
    cr_assert_eq(window().span_ns, w.span_ns, "panning keeps the span");
    cr_assert_eq(app.scene.view.t_ns, t, "panning does not seek");
    cr_assert_float_eq(app.scene.view.pan_x, 0, 1e-9, "nor pan the cluster");
    mouse_button(SDL_MOUSEBUTTONDOWN, SDL_BUTTON_RIGHT, mid, y);
    mouse_button(SDL_MOUSEMOTION, 0, mid + 5000, y);
    cr_assert_eq(window().start_ns, 0, "clamped to the run's start");
    mouse_button(SDL_MOUSEMOTION, 0, mid - 5000, y);
    mouse_button(SDL_MOUSEBUTTONUP, SDL_BUTTON_RIGHT, mid - 5000, y);
    cr_assert_eq(window().start_ns + window().span_ns, run.t_end_ns, "clamped to its end");
    cr_assert_eq(app.drag, VIZ_DRAG_NONE);
    /* dragging back moves at once: the overshoot was not kept */
    mouse_button(SDL_MOUSEBUTTONDOWN, SDL_BUTTON_RIGHT, mid, y);
    mouse_button(SDL_MOUSEMOTION, 0, mid + 100, y);
    mouse_button(SDL_MOUSEBUTTONUP, SDL_BUTTON_RIGHT, mid + 100, y);
    assert_near(window().start_ns, run.t_end_ns - w.span_ns - moved, 2, "dragged back");
    /* a right drag over the cluster does nothing */
    uint64_t start = window().start_ns;
    mouse_button(SDL_MOUSEBUTTONDOWN, SDL_BUTTON_RIGHT, 100, 200);
    mouse_button(SDL_MOUSEMOTION, 0, 300, 200);
    mouse_button(SDL_MOUSEBUTTONUP, SDL_BUTTON_RIGHT, 300, 200);
    cr_assert_eq(window().start_ns, start);
    cr_assert_float_eq(app.scene.view.pan_x, 0, 1e-9);
}

static bool cursor_shown(void)
{
    struct viz_time_window w = window();
    uint64_t t = app.scene.view.t_ns;
    return t >= w.start_ns && t <= w.start_ns + w.span_ns;
}

Test(viz_input, stepping_or_playing_past_the_edge_scrolls_the_timeline)
{
    SDL_Rect g = graph();
    wheel(g.x, g.y + 10, 3); /* 0 .. 250 us */
    cr_assert_eq(window().start_ns, 0);
    key(SDLK_RIGHT); /* to 1 ms */
    cr_assert_eq(app.scene.view.t_ns, 1000000);
    cr_assert(cursor_shown());
    cr_assert_eq(window().start_ns, 1000000 - 25000, "a tenth in from the left edge");
    key(SDLK_END);
    cr_assert(cursor_shown());
    key(SDLK_LEFT); /* back to 1 ms: a tenth in from the right edge */
    cr_assert_eq(window().start_ns + window().span_ns, 1000000 + 25000);
    key(SDLK_HOME);
    cr_assert_eq(window().start_ns, 0);
    key(SDLK_SPACE);
    viz_view_tick(&app.scene.view, &run, 0.0003); /* 300 us at 1x */
    cr_assert(cursor_shown(), "playing scrolls");
    cr_assert_eq(window().span_ns, 250000, "and keeps the span");
}

Test(viz_input, r_shows_the_whole_run_again)
{
    SDL_Rect g = graph();
    wheel(g.x + g.w / 3, g.y + 10, 5);
    wheel(app.scene.cluster.x + 50, app.scene.cluster.y + 50, 2);
    cr_assert(viz_view_timeline_zoomed(&app.scene.view, &run));
    key(SDLK_r);
    cr_assert(!viz_view_timeline_zoomed(&app.scene.view, &run));
    cr_assert_eq(window().start_ns, 0);
    cr_assert_eq(window().span_ns, run.t_end_ns);
    cr_assert_float_eq(app.scene.view.zoom, 1, 1e-9, "and the cluster's zoom");
}
