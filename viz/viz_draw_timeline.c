/*
 * viz_draw_timeline.c - the strip under the cluster: the load imbalance
 * over the view's stretch of time (the whole run unless zoomed; one
 * column per pixel, the largest value in its time range), marks for
 * moves, crashes and partitions, a time axis, and the scrubber at the
 * current time. When zoomed, an overview of the whole run in the title
 * row (viz_draw_overview.c).
 */
#include <stdio.h>

#include "viz_draw.h"
#include "viz_scene.h"
#include "viz_vec.h"

/* At 1280x800 (scaled with the picture, viz_px); the title and the time
 * labels rows are a line of small text each, plus these gaps. */
#define PAD 8
#define TOP_GAP 8
#define AXIS_GAP 4
#define MARK_ROW 6     /* moves */
#define LABEL_ROWS 3   /* fault mark labels stack this deep before skipping */

/* The graph's rectangle inside the timeline region. */
static SDL_Rect graph_rect(const struct viz_scene *s)
{
    const SDL_Rect *t = &s->timeline;
    int pad = viz_px(s, PAD), top = s->fonts.small.height + viz_px(s, TOP_GAP);
    int axis = s->fonts.small.height + viz_px(s, AXIS_GAP);
    return (SDL_Rect){t->x + pad, t->y + top, t->w - 2 * pad, t->h - top - axis - viz_px(s, MARK_ROW) - pad};
}

static float x_of(const SDL_Rect *g, struct viz_time_window w, uint64_t t)
{
    return (float)g->x + (float)viz_time_window_column(w, t, g->w);
}

static bool shown(struct viz_time_window w, uint64_t t)
{
    return t >= w.start_ns && t - w.start_ns <= w.span_ns;
}

static uint32_t max_imbalance(const struct viz_run *r)
{
    uint32_t m = 1000; /* the axis shows at least 0..1 */
    for (size_t i = 0; i < r->imbalance_count; i++)
        if (r->imbalance[i].value_milli > m)
            m = r->imbalance[i].value_milli;
    return m;
}

/* Each column plots the largest value in its time range; the points
 * before the window are skipped by a binary search, not read. */
static void draw_curve(SDL_Renderer *ren, const struct viz_scene *s, const SDL_Rect *g,
                       struct viz_time_window w)
{
    const struct viz_run *r = s->run;
    uint32_t top = max_imbalance(r);
    size_t i = 0; /* the first point at or after the window's start */
    if (w.start_ns > 0)
        VIZ_COUNT_UPTO(i, r->imbalance, r->imbalance_count, t_ns, w.start_ns - 1);
    uint32_t current = i > 0 ? r->imbalance[i - 1].value_milli : 0;
    for (int col = 0; col < g->w; col++) {
        uint64_t end = viz_time_window_at(w, col + 1, g->w);
        uint32_t peak = current;
        while (i < r->imbalance_count && r->imbalance[i].t_ns < end) {
            current = r->imbalance[i++].value_milli;
            if (current > peak)
                peak = current;
        }
        if (viz_time_window_at(w, col, g->w) > r->t_end_ns)
            break;
        float h = (float)peak / (float)top * (float)(g->h - 1);
        if (h >= 1)
            viz_fill_rect(ren, (float)(g->x + col), (float)(g->y + g->h) - h, 1, h, viz_graph);
    }
}
/* The mark's name (and node) in the first of the label rows at the top
 * of the plot where it does not run into the label before; none when
 * all rows are taken there (zoom in to see it). */
static void label_mark(SDL_Renderer *ren, const struct viz_scene *s, const SDL_Rect *g,
                       const struct viz_event *e, int x, int *label_right)
{
    char text[48];
    if (e->node != VIZ_NO_NODE)
        snprintf(text, sizeof text, "%s %u", viz_mark_label(e->kind), e->node);
    else
        snprintf(text, sizeof text, "%s", viz_mark_label(e->kind));
    const struct viz_font *f = &s->fonts.small;
    int tw = viz_text_width(f, text);
    if (x + tw > g->x + g->w)
        x = g->x + g->w - tw;
    for (int row = 0; row < LABEL_ROWS && (row + 1) * f->height <= g->h; row++) {
        if (x <= label_right[row] + 4)
            continue;
        viz_text_draw(ren, f, x, g->y + row * f->height, viz_mark_color(e->kind), text);
        label_right[row] = x + tw;
        return;
    }
}

/* Moves are stored in the order they started, so the visible ones are
 * found by a binary search. */
static void draw_marks(SDL_Renderer *ren, const struct viz_scene *s, const SDL_Rect *g,
                       struct viz_time_window w)
{
    const struct viz_run *r = s->run;
    float y = (float)(g->y + g->h + 2);
    size_t i = 0;
    if (w.start_ns > 0)
        VIZ_COUNT_UPTO(i, r->migs, r->mig_count, start_ns, w.start_ns - 1);
    for (; i < r->mig_count && shown(w, r->migs[i].start_ns); i++)
        viz_fill_rect(ren, x_of(g, w, r->migs[i].start_ns), y, 1, (float)viz_px(s, MARK_ROW) - 2,
                      r->migs[i].outcome == VIZ_MIG_ABORTED ? viz_abort_ring : viz_highlight);
    int label_right[LABEL_ROWS];
    for (int row = 0; row < LABEL_ROWS; row++)
        label_right[row] = INT32_MIN;
    for (size_t k = 0; k < r->marks.n; k++) {
        const struct viz_event *e = &r->events[r->marks.v[k]];
        if (!shown(w, e->t_ns))
            continue;
        struct viz_rgb c = viz_mark_color(e->kind);
        float x = x_of(g, w, e->t_ns);
        if (e->kind == VIZ_EV_CRASH)
            viz_fill_rect(ren, x - 1, (float)g->y, 3, (float)g->h, c);
        else
            viz_fill_rect(ren, x, (float)g->y, 1, (float)g->h, c);
        label_mark(ren, s, g, e, (int)x + 3, label_right);
    }
}

/* Ticks at a 1-2-5 step giving about eight labels, each with as many
 * decimals as the step needs. */
static void draw_axis(SDL_Renderer *ren, const struct viz_scene *s, const SDL_Rect *g,
                      struct viz_time_window w)
{
    uint64_t step = 1;
    static const uint64_t mult[] = {1, 2, 5};
    for (uint64_t base = 1; base < UINT64_MAX / 10; base *= 10) {
        for (int k = 0; k < 3; k++) {
            step = base * mult[k];
            if (w.span_ns / step <= 8)
                goto found;
        }
    }
found:;
    int y = g->y + g->h + viz_px(s, MARK_ROW);
    int last_right = -1000;
    uint64_t first = (w.start_ns + step - 1) / step * step;
    for (uint64_t t = first, n = 0; shown(w, t) && n <= 100; t += step, n++) {
        char label[32];
        viz_format_time_to(t, step, label, sizeof label);
        float x = x_of(g, w, t);
        viz_fill_rect(ren, x, (float)y, 1, 3, viz_text_dim);
        int tw = viz_text_width(&s->fonts.small, label);
        int lx = (int)x - tw / 2;
        if (lx < s->timeline.x + 2)
            lx = s->timeline.x + 2;
        if (lx > last_right + 6 && lx + tw < s->timeline.x + s->timeline.w) {
            viz_text_draw(ren, &s->fonts.small, lx, y + 3, viz_text_dim, label);
            last_right = lx + tw;
        }
    }
}

void viz_draw_timeline(SDL_Renderer *ren, struct viz_scene *s)
{
    const SDL_Rect *t = &s->timeline;
    viz_fill_rect(ren, (float)t->x, (float)t->y, (float)t->w, (float)t->h, viz_panel_bg);
    SDL_Rect g = graph_rect(s);
    if (g.w < 2 || g.h < 2)
        return;
    char title[160], now[32];
    uint32_t v = viz_run_imbalance_at(s->run, s->cur.t_ns);
    viz_format_time(s->cur.t_ns, now, sizeof now);
    snprintf(title, sizeof title,
             "load imbalance (CV of the live nodes' run queues): %u.%03u at %s   "
             "max %u.%03u", v / 1000, v % 1000, now, max_imbalance(s->run) / 1000,
             max_imbalance(s->run) % 1000);
    int title_w = viz_text_draw(ren, &s->fonts.small, t->x + viz_px(s, PAD), t->y + viz_px(s, 4),
                                viz_text_fg, title);
    viz_fill_rect(ren, (float)g.x, (float)g.y, (float)g.w, (float)g.h, viz_bg);
    struct viz_time_window w = viz_view_timeline_window(&s->view, s->run);
    draw_curve(ren, s, &g, w);
    draw_marks(ren, s, &g, w);
    draw_axis(ren, s, &g, w);
    if (viz_view_timeline_zoomed(&s->view, s->run))
        viz_draw_timeline_overview(ren, s, t->x + viz_px(s, PAD) + title_w);
    if (!shown(w, s->cur.t_ns))
        return; /* panned away from the cursor: the overview shows where it is */
    float x = x_of(&g, w, s->cur.t_ns);
    viz_fill_rect(ren, x, (float)g.y - 2, 1, (float)(g.h + viz_px(s, MARK_ROW) + 2), viz_cursor_line);
    viz_fill_rect(ren, x - 4, (float)g.y - 6, 9, 6, viz_cursor_line);
}

SDL_Rect viz_timeline_graph_rect(const struct viz_scene *s) { return graph_rect(s); }

int viz_timeline_column_at(const struct viz_scene *s, int x, int y)
{
    const SDL_Rect *t = &s->timeline;
    if (y < t->y || y >= t->y + t->h || x < t->x || x >= t->x + t->w)
        return -1;
    SDL_Rect g = graph_rect(s);
    return x < g.x ? 0 : x >= g.x + g.w ? g.w - 1 : x - g.x;
}

bool viz_timeline_time_at(const struct viz_scene *s, int x, int y, uint64_t *t_ns)
{
    int col = viz_timeline_column_at(s, x, y);
    if (col < 0)
        return false;
    *t_ns = viz_view_timeline_time_at_x(&s->view, s->run, col, graph_rect(s).w);
    if (*t_ns > s->run->t_end_ns)
        *t_ns = s->run->t_end_ns;
    return true;
}
