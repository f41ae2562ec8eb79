/*
 * viz_scene.c - see viz_scene.h: the frame's regions and the whole
 * frame (header, cluster, panel, timeline). Nothing here reads the host
 * clock, so the same scene gives the same pixels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz_draw.h"
#include "viz_scene.h"

/* At 1280x800 (scaled with the picture, viz_px) */
#define HEADER_H 30
#define TIMELINE_H 130
#define PANEL_W 310
#define PANEL_NARROW_W 200 /* in a narrow picture, keeping the legend */
#define PANEL_NARROW_BELOW 900

void viz_scene_init(struct viz_scene *s, const struct viz_run *run, int w, int h, bool live)
{
    memset(s, 0, sizeof *s);
    s->run = run;
    viz_cursor_init(&s->cur, run);
    viz_view_init(&s->view, run, live);
    viz_layout_init(&s->layout);
    viz_scene_regions(s, w, h);
}

void viz_scene_free(struct viz_scene *s)
{
    viz_cursor_free(&s->cur);
    viz_layout_free(&s->layout);
    free(s->slots);
    s->slots = NULL;
}

int viz_px(const struct viz_scene *s, int n) { return (n * s->ui_pct + 50) / 100; }

static int ui_pct(int w, int h)
{
    int pct = w * 100 / VIZ_DEFAULT_WIDTH;
    if (h * 100 / VIZ_DEFAULT_HEIGHT < pct)
        pct = h * 100 / VIZ_DEFAULT_HEIGHT;
    return pct < VIZ_UI_MIN_PCT ? VIZ_UI_MIN_PCT : pct > VIZ_UI_MAX_PCT ? VIZ_UI_MAX_PCT : pct;
}

void viz_scene_regions(struct viz_scene *s, int w, int h)
{
    s->w = w;
    s->h = h;
    s->ui_pct = ui_pct(w, h);
    /* the legend always has room: a narrower panel, never none */
    int panel_w = viz_px(s, w >= PANEL_NARROW_BELOW ? PANEL_W : PANEL_NARROW_W);
    int header_h = viz_px(s, HEADER_H), timeline_h = viz_px(s, TIMELINE_H);
    if (timeline_h > h / 3)
        timeline_h = h / 3;
    s->header = (SDL_Rect){0, 0, w, header_h};
    s->timeline = (SDL_Rect){0, h - timeline_h, w, timeline_h};
    s->panel = (SDL_Rect){w - panel_w, header_h, panel_w, h - header_h - timeline_h};
    s->cluster = (SDL_Rect){0, header_h, w - panel_w, h - header_h - timeline_h};
    /* a live run learns its node count from its first line */
    if (s->cur.st.node_count != s->run->node_count) {
        viz_cursor_free(&s->cur);
        viz_cursor_init(&s->cur, s->run);
    }
    viz_layout_compute(&s->layout, s->view.layout, s->run->node_count, (float)s->cluster.w,
                       (float)s->cluster.h);
}

void viz_scene_sync(struct viz_scene *s)
{
    if (s->cur.st.node_count != s->run->node_count || s->layout.n != s->run->node_count)
        viz_scene_regions(s, s->w, s->h);
    viz_cursor_seek(&s->cur, s->run, s->view.t_ns);
}

static const char *play_state(const struct viz_view *v, const struct viz_run *r)
{
    if (v->follow)
        return "live";
    if (v->playing)
        return "playing";
    return v->live && !r->ended ? "paused (End: back to live)" : "paused";
}

static void draw_header(SDL_Renderer *ren, const struct viz_scene *s)
{
    const struct viz_run *r = s->run;
    const struct viz_view *v = &s->view;
    viz_fill_rect(ren, 0, 0, (float)s->w, (float)s->header.h, viz_panel_bg);
    char now[32], end[32], text[256], speed[16];
    viz_format_time(s->cur.t_ns, now, sizeof now);
    viz_format_time(r->t_end_ns, end, sizeof end);
    if (v->speed < 1)
        snprintf(speed, sizeof speed, "%.1fx", v->speed);
    else
        snprintf(speed, sizeof speed, "%.0fx", v->speed);
    snprintf(text, sizeof text, "%s   seed %llu   %u nodes   t %s / %s%s", r->scenario,
             (unsigned long long)r->seed, r->node_count, now, end,
             r->ended ? "" : " (running)");
    int pad = viz_px(s, 10), y = (s->header.h - s->fonts.sans.height) / 2;
    int x = pad + viz_text_draw(ren, &s->fonts.sans, pad, y, viz_text_fg, text);
    snprintf(text, sizeof text, "   %s  %s   %s layout   messages %s%s%s", speed,
             play_state(v, r), v->layout == VIZ_LAYOUT_RING ? "ring" : "grid",
             v->show_messages ? "on" : "off", s->notice[0] ? "   " : "", s->notice);
    viz_text_draw(ren, &s->fonts.mono, x, (s->header.h - s->fonts.mono.height) / 2, viz_text_dim,
                  text);
}

/* After a resize: text at the new scale (the old fonts stay if the new
 * ones cannot be made, which only a missing font file would cause and
 * opening the first ones would have reported). */
static void fit_fonts(SDL_Renderer *ren, struct viz_scene *s)
{
    if (s->fonts.scale_pct == s->ui_pct)
        return;
    struct viz_fonts fresh;
    char err[VIZ_ERROR_BYTES];
    if (viz_fonts_open(&fresh, ren, s->ui_pct, err, sizeof err) < 0)
        return;
    viz_fonts_close(&s->fonts);
    s->fonts = fresh;
}

void viz_frame_draw(SDL_Renderer *ren, struct viz_scene *s)
{
    viz_scene_sync(s);
    fit_fonts(ren, s);
    viz_set_color(ren, viz_bg, 255);
    SDL_RenderClear(ren);
    viz_draw_cluster(ren, s);
    viz_draw_panel(ren, s);
    viz_draw_timeline(ren, s);
    draw_header(ren, s);
}
