/*
 * viz_draw_timeline.c - the strip under the cluster: the load imbalance
 * over the whole run (one column per pixel, the largest value in its
 * time range), marks for moves, crashes and partitions, a time axis,
 * and the scrubber at the current time.
 */
#include <stdio.h>

#include "viz_draw.h"
#include "viz_scene.h"

#define PAD 8
#define TOP_TEXT 18    /* title row */
#define AXIS_TEXT 14   /* time labels row */
#define MARK_ROW 6     /* moves and crashes */

/* The graph's rectangle inside the timeline region. */
static SDL_Rect graph_rect(const struct viz_scene *s)
{
    const SDL_Rect *t = &s->timeline;
    return (SDL_Rect){t->x + PAD, t->y + TOP_TEXT, t->w - 2 * PAD,
                      t->h - TOP_TEXT - AXIS_TEXT - MARK_ROW - PAD};
}

static uint64_t span_ns(const struct viz_scene *s)
{
    return s->run->t_end_ns > 0 ? s->run->t_end_ns : 1;
}

static float x_of(const SDL_Rect *g, uint64_t span, uint64_t t)
{
    return (float)g->x + (float)((double)t / (double)span * (g->w - 1));
}

static uint64_t t_of_column(uint64_t span, int col, int width)
{
    return (uint64_t)((double)span * col / (width > 1 ? width - 1 : 1));
}

static uint32_t max_imbalance(const struct viz_run *r)
{
    uint32_t m = 1000; /* the axis shows at least 0..1 */
    for (size_t i = 0; i < r->imbalance_count; i++)
        if (r->imbalance[i].value_milli > m)
            m = r->imbalance[i].value_milli;
    return m;
}

static void draw_curve(SDL_Renderer *ren, const struct viz_scene *s, const SDL_Rect *g)
{
    const struct viz_run *r = s->run;
    uint64_t span = span_ns(s);
    uint32_t top = max_imbalance(r);
    size_t i = 0;
    uint32_t current = 0;
    for (int col = 0; col < g->w; col++) {
        uint64_t end = t_of_column(span, col + 1, g->w);
        uint32_t peak = current;
        while (i < r->imbalance_count && r->imbalance[i].t_ns < end) {
            current = r->imbalance[i++].value_milli;
            if (current > peak)
                peak = current;
        }
        if (t_of_column(span, col, g->w) > r->t_end_ns)
            break;
        float h = (float)peak / (float)top * (float)(g->h - 1);
        if (h >= 1)
            viz_fill_rect(ren, (float)(g->x + col), (float)(g->y + g->h) - h, 1, h, viz_graph);
    }
}

static void draw_marks(SDL_Renderer *ren, const struct viz_scene *s, const SDL_Rect *g)
{
    const struct viz_run *r = s->run;
    uint64_t span = span_ns(s);
    float y = (float)(g->y + g->h + 2);
    for (size_t i = 0; i < r->mig_count; i++)
        viz_fill_rect(ren, x_of(g, span, r->migs[i].start_ns), y, 1, MARK_ROW - 2,
                      r->migs[i].outcome == VIZ_MIG_ABORTED ? viz_abort_ring : viz_highlight);
    for (size_t i = 0; i < r->marks.n; i++) {
        const struct viz_event *e = &r->events[r->marks.v[i]];
        if (e->kind == VIZ_EV_CRASH)
            viz_fill_rect(ren, x_of(g, span, e->t_ns) - 1, (float)g->y, 3, (float)g->h,
                          viz_crashed_border);
        else if (e->kind == VIZ_EV_PARTITION || e->kind == VIZ_EV_HEAL)
            viz_fill_rect(ren, x_of(g, span, e->t_ns), (float)g->y, 1, (float)g->h,
                          e->kind == VIZ_EV_PARTITION ? viz_link_cut : viz_link);
    }
}

/* Ticks at a 1-2-5 step giving about eight labels. */
static void draw_axis(SDL_Renderer *ren, const struct viz_scene *s, const SDL_Rect *g)
{
    uint64_t span = span_ns(s), step = 1;
    static const uint64_t mult[] = {1, 2, 5};
    for (uint64_t base = 1; base < UINT64_MAX / 10; base *= 10) {
        for (int k = 0; k < 3; k++) {
            step = base * mult[k];
            if (span / step <= 8)
                goto found;
        }
    }
found:;
    int y = g->y + g->h + MARK_ROW;
    int last_right = -1000;
    for (uint64_t t = 0; t <= span && t / step <= 100; t += step) {
        char label[32];
        viz_format_time(t, label, sizeof label);
        float x = x_of(g, span, t);
        viz_fill_rect(ren, x, (float)y, 1, 3, viz_text_dim);
        int w = viz_text_width(&s->fonts.small, label);
        int lx = (int)x - w / 2;
        if (lx < s->timeline.x + 2)
            lx = s->timeline.x + 2;
        if (lx > last_right + 6 && lx + w < s->timeline.x + s->timeline.w) {
            viz_text_draw(ren, &s->fonts.small, lx, y + 3, viz_text_dim, label);
            last_right = lx + w;
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
    viz_text_draw(ren, &s->fonts.small, t->x + PAD, t->y + 4, viz_text_fg, title);
    viz_fill_rect(ren, (float)g.x, (float)g.y, (float)g.w, (float)g.h, viz_bg);
    draw_curve(ren, s, &g);
    draw_marks(ren, s, &g);
    draw_axis(ren, s, &g);
    /* the scrubber */
    float x = x_of(&g, span_ns(s), s->cur.t_ns);
    viz_fill_rect(ren, x, (float)g.y - 2, 1, (float)g.h + MARK_ROW + 2, viz_cursor_line);
    viz_fill_rect(ren, x - 4, (float)g.y - 6, 9, 6, viz_cursor_line);
}

bool viz_timeline_time_at(const struct viz_scene *s, int x, int y, uint64_t *t_ns)
{
    const SDL_Rect *t = &s->timeline;
    if (y < t->y || y >= t->y + t->h || x < t->x || x >= t->x + t->w)
        return false;
    SDL_Rect g = graph_rect(s);
    int col = x < g.x ? 0 : x >= g.x + g.w ? g.w - 1 : x - g.x;
    *t_ns = t_of_column(span_ns(s), col, g.w);
    if (*t_ns > s->run->t_end_ns)
        *t_ns = s->run->t_end_ns;
    return true;
}
