/*
 * viz_draw_overview.c - where a zoomed timeline is in the run, in the
 * timeline's title row: "61.00000 s - 61.00500 s of 120.000 s" and a
 * bar standing for the whole run with the visible stretch (at least two
 * pixels wide, however narrow) and the cursor marked. Drawn only when
 * zoomed, so the whole-run timeline looks as it always did.
 */
#include <stdio.h>

#include "viz_draw.h"
#include "viz_scene.h"

#define BAR_TOP 3       /* below the timeline's top */
#define BAR_H 7
#define BAR_W_MIN 40
#define BAR_W_MAX 300
#define GAP 8           /* between the title, the text and the bar */

SDL_Rect viz_timeline_overview_rect(const struct viz_scene *s)
{
    SDL_Rect g = viz_timeline_graph_rect(s);
    int w = g.w / 4 < BAR_W_MIN ? BAR_W_MIN : g.w / 4 > BAR_W_MAX ? BAR_W_MAX : g.w / 4;
    return (SDL_Rect){g.x + g.w - w, s->timeline.y + BAR_TOP, w, BAR_H};
}

/* The bar's x for time t_ns: the bar is the whole run. */
static float bar_x(const SDL_Rect *b, const struct viz_run *r, uint64_t t_ns)
{
    return (float)b->x + (float)viz_time_window_column(viz_time_window_whole(r), t_ns, b->w);
}

static void draw_range_text(SDL_Renderer *ren, const struct viz_scene *s, struct viz_time_window w,
                            int title_right, int bar_left)
{
    char from[40], to[40], end[32], text[128];
    uint64_t resolution = w.span_ns / 100 > 0 ? w.span_ns / 100 : 1;
    viz_format_time_to(w.start_ns, resolution, from, sizeof from);
    viz_format_time_to(w.start_ns + w.span_ns, resolution, to, sizeof to);
    viz_format_time(s->run->t_end_ns, end, sizeof end);
    snprintf(text, sizeof text, "showing %s - %s of %s", from, to, end);
    int x = bar_left - GAP - viz_text_width(&s->fonts.small, text);
    if (x >= title_right + 2 * GAP) /* a narrow window keeps only the bar */
        viz_text_draw(ren, &s->fonts.small, x, s->timeline.y + 4, viz_text_dim, text);
}

void viz_draw_timeline_overview(SDL_Renderer *ren, const struct viz_scene *s, int title_right)
{
    SDL_Rect b = viz_timeline_overview_rect(s);
    if (b.x <= title_right + GAP)
        return;
    struct viz_time_window w = viz_view_timeline_window(&s->view, s->run);
    draw_range_text(ren, s, w, title_right, b.x);
    viz_fill_rect(ren, (float)b.x, (float)b.y, (float)b.w, (float)b.h, viz_bg);
    float x0 = bar_x(&b, s->run, w.start_ns), x1 = bar_x(&b, s->run, w.start_ns + w.span_ns);
    if (x1 - x0 < 2) { /* however narrow, the stretch stays visible */
        x0 = x0 > (float)(b.x + b.w - 2) ? (float)(b.x + b.w - 2) : x0;
        x1 = x0 + 2;
    }
    viz_fill_rect(ren, x0, (float)b.y, x1 - x0, (float)b.h, viz_overview_window);
    viz_fill_rect(ren, bar_x(&b, s->run, s->cur.t_ns), (float)b.y - 1, 1, (float)b.h + 2,
                  viz_cursor_line);
}
