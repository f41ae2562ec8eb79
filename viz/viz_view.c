/* viz_view.c - see viz_view.h. */
#include "viz_view.h"

#include <math.h>
#include <string.h>

#include "viz_param.h"

#define ZOOM_MIN 0.25f
#define ZOOM_MAX 64.0f

static bool starts_with_ring(const char *s) { return strncmp(s, "ring", 4) == 0; }

enum viz_layout_kind viz_view_default_layout(const struct viz_run *r)
{
    if (starts_with_ring(r->scenario))
        return VIZ_LAYOUT_RING;
    for (size_t i = 0; i < r->program_count; i++)
        if (starts_with_ring(r->programs[i]))
            return VIZ_LAYOUT_RING;
    return VIZ_LAYOUT_GRID;
}

void viz_view_reset_camera(struct viz_view *v)
{
    v->zoom = 1;
    v->pan_x = v->pan_y = 0;
}

void viz_view_init(struct viz_view *v, const struct viz_run *r, bool live)
{
    memset(v, 0, sizeof *v);
    v->speed = 1.0;
    v->show_messages = true;
    v->live = v->follow = live;
    v->layout = viz_view_default_layout(r);
    v->sel_node = UINT32_MAX;
    v->sel_proc = VIZ_NO_PROC;
    viz_view_reset_camera(v);
}

void viz_view_tick(struct viz_view *v, const struct viz_run *r, double wall_s)
{
    if (v->follow) {
        v->t_ns = r->t_end_ns;
        v->follow = !r->ended; /* a finished run stays paused at its end */
        viz_view_timeline_reveal(v, r);
        return;
    }
    if (!v->playing)
        return;
    double adv = wall_s * v->speed * 1e9 + v->carry_ns;
    uint64_t whole = adv >= 1.8e19 ? UINT64_MAX / 2 : (uint64_t)adv;
    v->carry_ns = adv - (double)whole;
    v->t_ns = v->t_ns + whole > r->t_end_ns || v->t_ns + whole < v->t_ns ? r->t_end_ns
                                                                         : v->t_ns + whole;
    if (v->t_ns >= r->t_end_ns) {
        /* at the end of a finished run stop; a live one keeps following */
        v->playing = false;
        v->follow = v->live && !r->ended;
    }
    viz_view_timeline_reveal(v, r);
}

void viz_view_seek(struct viz_view *v, const struct viz_run *r, uint64_t t_ns)
{
    v->t_ns = t_ns > r->t_end_ns ? r->t_end_ns : t_ns;
    v->follow = false;
    v->carry_ns = 0;
    viz_view_timeline_reveal(v, r);
}

void viz_view_home(struct viz_view *v)
{
    v->t_ns = 0;
    v->follow = false;
    v->playing = false;
    v->tl_start_ns = 0; /* what revealing time 0 gives, without the run */
}

void viz_view_end(struct viz_view *v, const struct viz_run *r)
{
    v->t_ns = r->t_end_ns;
    v->playing = false;
    v->follow = v->live && !r->ended;
    viz_view_timeline_reveal(v, r);
}

void viz_view_step(struct viz_view *v, const struct viz_run *r, int dir)
{
    v->playing = v->follow = false;
    size_t i = viz_run_events_until(r, v->t_ns); /* first event after t */
    if (dir > 0) {
        v->t_ns = i < r->event_count ? r->events[i].t_ns : r->t_end_ns;
    } else {
        /* the latest event strictly before t */
        size_t j = viz_run_events_until(r, v->t_ns ? v->t_ns - 1 : 0);
        v->t_ns = (j > 0 && v->t_ns > 0) ? r->events[j - 1].t_ns : 0;
    }
    viz_view_timeline_reveal(v, r);
}

void viz_view_toggle_play(struct viz_view *v, const struct viz_run *r)
{
    if (v->follow) {
        v->follow = false;
        v->playing = false;
        return;
    }
    v->playing = !v->playing;
    if (v->playing && v->t_ns >= r->t_end_ns && !v->live) {
        v->t_ns = 0; /* play again from the start */
        viz_view_timeline_reveal(v, r);
    }
}

static const double speed_steps[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
#define SPEED_STEPS (sizeof speed_steps / sizeof speed_steps[0])
/* spans VIZ_SPEED_MIN..VIZ_SPEED_MAX (test_viz_model checks the ends) */

void viz_view_speed_step(struct viz_view *v, int dir)
{
    size_t i = 0;
    while (i + 1 < SPEED_STEPS && speed_steps[i] < v->speed * 0.999)
        i++;
    if (dir > 0 && i + 1 < SPEED_STEPS)
        i++;
    else if (dir < 0 && i > 0)
        i--;
    v->speed = speed_steps[i];
}

void viz_view_zoom_at(struct viz_view *v, float factor, float sx, float sy)
{
    float z = fminf(fmaxf(v->zoom * factor, ZOOM_MIN), ZOOM_MAX);
    /* the world point under (sx, sy) stays there */
    float wx = (sx - v->pan_x) / v->zoom, wy = (sy - v->pan_y) / v->zoom;
    v->zoom = z;
    v->pan_x = sx - wx * z;
    v->pan_y = sy - wy * z;
}

uint64_t viz_view_message_window_ns(const struct viz_view *v)
{
    double w = v->speed * 0.1 * 1e9;
    return w < 1000 ? 1000 : (uint64_t)w;
}
