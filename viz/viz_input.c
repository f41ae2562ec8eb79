/*
 * viz_input.c - keys and mouse (docs/viz.md): playback keys, zoom with
 * the wheel, pan by dragging the cluster, seek by clicking or dragging
 * the timeline, zoom the timeline's time axis with the wheel over it and
 * pan it by dragging with the right button, select by clicking a node or
 * a process.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "viz_app.h"

#define CLICK_SLOP 4 /* pixels a click may move and still be a click */
#define WHEEL_ZOOM 1.2f
#define TIMELINE_WHEEL_ZOOM 2.0 /* a wheel step halves or doubles the time shown */

static void on_key(struct viz_app *a, SDL_Keycode key)
{
    struct viz_view *v = &a->scene.view;
    const struct viz_run *r = a->run;
    switch (key) {
    case SDLK_SPACE: viz_view_toggle_play(v, r); break;
    case SDLK_PERIOD:
    case SDLK_RIGHT: viz_view_step(v, r, +1); break;
    case SDLK_COMMA:
    case SDLK_LEFT: viz_view_step(v, r, -1); break;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS: viz_view_speed_step(v, +1); break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS: viz_view_speed_step(v, -1); break;
    case SDLK_HOME: viz_view_home(v); break;
    case SDLK_END: viz_view_end(v, r); break;
    case SDLK_m: v->show_messages = !v->show_messages; break;
    case SDLK_l:
        v->layout = v->layout == VIZ_LAYOUT_GRID ? VIZ_LAYOUT_RING : VIZ_LAYOUT_GRID;
        viz_scene_regions(&a->scene, a->scene.w, a->scene.h);
        break;
    case SDLK_r:
        viz_view_reset_camera(v);
        viz_view_timeline_reset(v);
        break;
    case SDLK_s: {
        char path[VIZ_NAME_BYTES + 64];
        snprintf(path, sizeof path, "nimbus-viz-%s-%llu.png", r->scenario,
                 (unsigned long long)v->t_ns);
        if (viz_app_save(a, path) == 0)
            fprintf(stderr, "nimbus viz: saved %s\n", path);
        break;
    }
    case SDLK_q:
    case SDLK_ESCAPE: a->quit = true; break;
    default: break;
    }
}

static void on_click(struct viz_app *a, int x, int y)
{
    struct viz_scene *s = &a->scene;
    uint32_t p = viz_cluster_proc_at(s, x, y);
    s->view.sel_proc = p;
    s->view.sel_node = p == VIZ_NO_PROC ? viz_cluster_node_at(s, x, y) : UINT32_MAX;
}

/* The right button pans the timeline when pressed over it. */
static void on_right_down(struct viz_app *a, const SDL_MouseButtonEvent *b)
{
    if (a->drag == VIZ_DRAG_NONE && viz_timeline_column_at(&a->scene, b->x, b->y) >= 0) {
        a->drag = VIZ_DRAG_TIMELINE;
        a->last_x = b->x;
        a->last_y = b->y;
    }
}

static void on_button_down(struct viz_app *a, const SDL_MouseButtonEvent *b)
{
    if (b->button == SDL_BUTTON_RIGHT)
        on_right_down(a, b);
    if (b->button != SDL_BUTTON_LEFT || a->drag == VIZ_DRAG_TIMELINE)
        return;
    uint64_t t;
    a->down_x = a->last_x = b->x;
    a->down_y = a->last_y = b->y;
    a->moved = false;
    if (viz_timeline_time_at(&a->scene, b->x, b->y, &t)) {
        a->drag = VIZ_DRAG_SCRUB;
        viz_view_seek(&a->scene.view, a->run, t);
    } else {
        a->drag = VIZ_DRAG_PAN;
    }
}

static void on_motion(struct viz_app *a, const SDL_MouseMotionEvent *m)
{
    if (abs(m->x - a->down_x) > CLICK_SLOP || abs(m->y - a->down_y) > CLICK_SLOP)
        a->moved = true;
    uint64_t t;
    if (a->drag == VIZ_DRAG_SCRUB) {
        if (viz_timeline_time_at(&a->scene, m->x, a->scene.timeline.y + 1, &t))
            viz_view_seek(&a->scene.view, a->run, t);
    } else if (a->drag == VIZ_DRAG_PAN && a->moved) {
        a->scene.view.pan_x += (float)(m->x - a->last_x);
        a->scene.view.pan_y += (float)(m->y - a->last_y);
    } else if (a->drag == VIZ_DRAG_TIMELINE) {
        viz_view_timeline_pan(&a->scene.view, a->run, m->x - a->last_x,
                              viz_timeline_graph_rect(&a->scene).w);
    }
    a->last_x = m->x;
    a->last_y = m->y;
}

static void on_button_up(struct viz_app *a, const SDL_MouseButtonEvent *b)
{
    if (b->button == SDL_BUTTON_RIGHT && a->drag == VIZ_DRAG_TIMELINE)
        a->drag = VIZ_DRAG_NONE;
    if (b->button != SDL_BUTTON_LEFT || a->drag == VIZ_DRAG_TIMELINE)
        return;
    if (a->drag == VIZ_DRAG_PAN && !a->moved)
        on_click(a, b->x, b->y);
    a->drag = VIZ_DRAG_NONE;
}

/* Where the pointer was when the wheel turned. */
static void wheel_pointer(const SDL_MouseWheelEvent *w, int *x, int *y)
{
#if SDL_VERSION_ATLEAST(2, 26, 0)
    *x = w->mouseX;
    *y = w->mouseY;
#else
    (void)w;
    SDL_GetMouseState(x, y);
#endif
}

static void on_wheel(struct viz_app *a, const SDL_MouseWheelEvent *w)
{
    int x, y;
    wheel_pointer(w, &x, &y);
    const SDL_Rect *c = &a->scene.cluster;
    int col = viz_timeline_column_at(&a->scene, x, y);
    if (w->y == 0)
        return;
    if (col >= 0) {
        viz_view_timeline_zoom_at(&a->scene.view, a->run, pow(TIMELINE_WHEEL_ZOOM, w->y), col,
                                  viz_timeline_graph_rect(&a->scene).w);
        return;
    }
    if (x < c->x || y < c->y || x >= c->x + c->w || y >= c->y + c->h)
        return;
    float f = w->y > 0 ? WHEEL_ZOOM : 1 / WHEEL_ZOOM;
    viz_view_zoom_at(&a->scene.view, f, (float)(x - c->x), (float)(y - c->y));
}

void viz_input_handle(struct viz_app *a, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT: a->quit = true; break;
    case SDL_KEYDOWN: on_key(a, e->key.keysym.sym); break;
    case SDL_MOUSEBUTTONDOWN: on_button_down(a, &e->button); break;
    case SDL_MOUSEBUTTONUP: on_button_up(a, &e->button); break;
    case SDL_MOUSEMOTION: on_motion(a, &e->motion); break;
    case SDL_MOUSEWHEEL: on_wheel(a, &e->wheel); break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            int w, h;
            SDL_GetRendererOutputSize(a->ren, &w, &h);
            viz_scene_regions(&a->scene, w, h);
        }
        break;
    default: break;
    }
}
