/* test_viz_input.c - the window's keys and mouse, fed as SDL events to
 * a window-less app drawing offscreen: play/pause, step, speed, layout
 * and message toggles, selecting by clicking, seeking on the timeline,
 * panning by dragging, and 's' saving a PNG. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "viz_app.h"
#include "viz_offscreen.h"

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

static void mouse(Uint32 type, int x, int y)
{
    SDL_Event e = {.type = type};
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x, e.motion.y = y;
    } else {
        e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
    }
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
    key(SDLK_m);
    cr_assert(v->show_messages);
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
