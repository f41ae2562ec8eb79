/*
 * viz_draw_panel.c - the side panel: the legend (load colours, node
 * states, programs, moves, messages, links), then what is selected: a
 * node's processes and load history, or a process's travels. Without a
 * selection, the keys.
 */
#include <stdarg.h>
#include <stdio.h>

#include "viz_draw.h"
#include "viz_scene.h"

#define PAD 10
#define MAX_LIST 14      /* processes listed for a node */
#define MAX_MOVES 12     /* moves listed for a process */
#define HISTORY_H 50     /* the load history graph */

struct pen {
    SDL_Renderer *ren;
    const struct viz_scene *s;
    int x, y, bottom;
};

static void say(struct pen *p, const struct viz_font *f, struct viz_rgb c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(struct pen *p, const struct viz_font *f, struct viz_rgb c, const char *fmt, ...)
{
    if (p->y + f->height > p->bottom)
        return;
    char text[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    viz_text_draw(p->ren, f, p->x, p->y, c, text);
    p->y += f->height + 1;
}

/* A sample swatch (drawn in a box `u` pixels high, 1.5 u wide) then its
 * caption, on one row. */
static void swatch_row(struct pen *p, void (*draw)(SDL_Renderer *, float, float, float),
                       const char *caption)
{
    const struct viz_font *f = &p->s->fonts.small;
    float u = (float)f->height;
    draw(p->ren, (float)p->x, (float)p->y, u);
    viz_text_draw(p->ren, f, p->x + (int)(u * 2), p->y, viz_text_fg, caption);
    p->y += f->height + viz_px(p->s, 3);
}

static void sw_crashed(SDL_Renderer *ren, float x, float y, float u)
{
    viz_fill_rect(ren, x, y, u * 1.5f, u, viz_crashed_fill);
    viz_outline_rect(ren, x, y, u * 1.5f, u, 1, viz_crashed_border);
}

static void sw_lost(SDL_Renderer *ren, float x, float y, float u)
{
    sw_crashed(ren, x, y, u);
    viz_draw_cross(ren, x + u * 0.75f, y + u / 2, u * 0.7f, viz_lost);
}

static void sw_avg(SDL_Renderer *ren, float x, float y, float u)
{
    viz_fill_rect(ren, x + u * 0.5f, y + u / 2 - 1, u * 0.5f, 3, viz_load_avg);
}

static void sw_moving(SDL_Renderer *ren, float x, float y, float u)
{
    viz_fill_disc(ren, x + u * 0.75f, y + u / 2, u, viz_migration_ring);
    viz_fill_disc(ren, x + u * 0.75f, y + u / 2, u * 0.65f, viz_color_program(0));
}

static void sw_abort(SDL_Renderer *ren, float x, float y, float u)
{
    viz_fill_disc(ren, x + u * 0.75f, y + u / 2, u, viz_abort_ring);
    viz_fill_disc(ren, x + u * 0.75f, y + u / 2, u * 0.65f, viz_color_program(0));
}

static void sw_message(SDL_Renderer *ren, float x, float y, float u)
{
    viz_line(ren, x, y + u - 2, x + u, y + u / 2, viz_message, 110);
    viz_fill_disc(ren, x + u, y + u / 2, u * 0.6f, viz_message);
}

static void sw_kernel_message(SDL_Renderer *ren, float x, float y, float u)
{
    viz_line(ren, x, y + u - 2, x + u, y + u / 2, viz_kernel_message, 70);
    viz_fill_rect(ren, x + u * 0.7f, y + u / 4, u / 2, u / 2, viz_kernel_message);
}

static void sw_selected(SDL_Renderer *ren, float x, float y, float u)
{
    viz_outline_rect(ren, x, y, u * 1.5f, u, 2, viz_highlight);
}

static void sw_link(SDL_Renderer *ren, float x, float y, float u)
{
    viz_line(ren, x, y + u / 2, x + u * 1.5f, y + u / 2, viz_link, 255);
}

static void sw_cut(SDL_Renderer *ren, float x, float y, float u)
{
    viz_line(ren, x, y + u / 2, x + u * 0.5f, y + u / 2, viz_link_cut, 255);
    viz_line(ren, x + u, y + u / 2, x + u * 1.5f, y + u / 2, viz_link_cut, 255);
}

/* One swatch per run queue length, 0 to 8+: the box's colour with the
 * bar's in its lower half, the number under it. */
static void runq_scale(struct pen *p)
{
    const struct viz_font *f = &p->s->fonts.small;
    int steps = VIZ_LOAD_FULL_MILLI / 1000 + 1;
    int w = (p->s->panel.w - 2 * viz_px(p->s, PAD)) / steps, h = f->height;
    for (int q = 0; q < steps; q++) {
        float x = (float)(p->x + q * w);
        viz_fill_rect(p->ren, x, (float)p->y, (float)(w - 2), (float)h,
                      viz_color_box((uint32_t)q * 1000u));
        viz_fill_rect(p->ren, x, (float)(p->y + h / 2), (float)(w - 2), (float)(h - h / 2),
                      viz_color_runq((uint32_t)q));
        char label[8];
        snprintf(label, sizeof label, q + 1 == steps ? "%d+" : "%d", q);
        viz_text_draw(p->ren, f, (int)x, p->y + h + 1, viz_text_dim, label);
    }
    p->y += 2 * h + viz_px(p->s, 4);
}

/* The partition groups of the run (their outline colours), if any. */
static void group_rows(struct pen *p)
{
    const struct viz_run *r = p->s->run;
    uint32_t groups = 0;
    for (size_t i = 0; i < r->group_count; i++)
        if (r->groups[i] + 1 > groups)
            groups = r->groups[i] + 1;
    const struct viz_font *f = &p->s->fonts.small;
    for (uint32_t g = 0; g < groups && g < VIZ_LEGEND_GROUPS; g++) {
        float u = (float)f->height;
        viz_outline_rect(p->ren, (float)p->x, (float)p->y, u * 1.5f, u, 2, viz_color_group(g));
        char caption[48];
        snprintf(caption, sizeof caption, "partition group %u", g);
        viz_text_draw(p->ren, f, p->x + (int)(u * 2), p->y, viz_text_fg, caption);
        p->y += f->height + viz_px(p->s, 3);
    }
}

static void legend(struct pen *p)
{
    const struct viz_fonts *fo = &p->s->fonts;
    say(p, &fo->sans, viz_text_fg, "Legend");
    say(p, &fo->small, viz_text_dim, "node: run queue now");
    runq_scale(p);
    swatch_row(p, sw_avg, "1 s load average");
    swatch_row(p, sw_crashed, "crashed, not booted");
    swatch_row(p, sw_lost, "lost with its node");
    swatch_row(p, sw_moving, "process moving");
    swatch_row(p, sw_abort, "move that fails");
    swatch_row(p, sw_message, "message in flight");
    swatch_row(p, sw_kernel_message, "kernel message (load,");
    say(p, &fo->small, viz_text_fg, "  offer, accept, chunk...)");
    swatch_row(p, sw_link, "link");
    swatch_row(p, sw_cut, "link cut (partition)");
    swatch_row(p, sw_selected, "selected (click)");
    group_rows(p);
    const struct viz_run *r = p->s->run;
    for (size_t i = 0; i < r->program_count && i < VIZ_LEGEND_PROGRAMS; i++) {
        float u = (float)fo->small.height;
        viz_fill_disc(p->ren, (float)p->x + u * 0.75f, (float)p->y + u / 2, u * 0.7f,
                      viz_color_program((uint32_t)i));
        viz_text_draw(p->ren, &fo->small, p->x + (int)(u * 2), p->y, viz_text_fg, r->programs[i]);
        p->y += fo->small.height + viz_px(p->s, 3);
    }
    p->y += viz_px(p->s, 6);
}

/* The node's load over the whole run, with the current time marked. */
static void load_history(struct pen *p, uint32_t node)
{
    const struct viz_run *r = p->s->run;
    const struct viz_u32_vec *h = &r->node_loads[node];
    int w = p->s->panel.w - 2 * viz_px(p->s, PAD), hist_h = viz_px(p->s, HISTORY_H);
    if (p->y + hist_h > p->bottom)
        return;
    viz_fill_rect(p->ren, (float)p->x, (float)p->y, (float)w, (float)hist_h, viz_bg);
    uint32_t top = 1000;
    for (size_t i = 0; i < h->n; i++)
        if (r->events[h->v[i]].a > top)
            top = r->events[h->v[i]].a;
    uint64_t span = r->t_end_ns ? r->t_end_ns : 1;
    for (size_t i = 0; i < h->n; i++) {
        const struct viz_event *e = &r->events[h->v[i]];
        uint64_t until = i + 1 < h->n ? r->events[h->v[i + 1]].t_ns : r->t_end_ns;
        float x0 = (float)((double)e->t_ns / (double)span * (w - 1));
        float x1 = (float)((double)until / (double)span * (w - 1));
        float bh = (float)e->a / (float)top * (float)(hist_h - 2);
        if (bh >= 1)
            viz_fill_rect(p->ren, (float)p->x + x0, (float)(p->y + hist_h) - bh,
                          x1 - x0 < 1 ? 1 : x1 - x0, bh, viz_color_load(e->a));
    }
    float cx = (float)((double)p->s->cur.t_ns / (double)span * (w - 1));
    viz_fill_rect(p->ren, (float)p->x + cx, (float)p->y, 1, (float)hist_h, viz_cursor_line);
    p->y += hist_h + 4;
    say(p, &p->s->fonts.small, viz_text_dim, "load average history: 0 to %u.%u", top / 1000,
        top % 1000 / 100);
}

static void node_info(struct pen *p, uint32_t node)
{
    const struct viz_scene *s = p->s;
    const struct viz_state *st = &s->cur.st;
    const struct viz_fonts *fo = &s->fonts;
    say(p, &fo->sans, viz_highlight, "Node %u (%s)", node, st->up[node] ? "up" : "down");
    say(p, &fo->mono, viz_text_fg, "run queue %u", st->queue[node]);
    say(p, &fo->mono, viz_text_dim, "load avg %u.%03u (sample: queue %u)",
        st->load_milli[node] / 1000, st->load_milli[node] % 1000, st->runq[node]);
    load_history(p, node);
    unsigned listed = 0, here = 0;
    uint32_t n = st->proc_cap < s->run->proc_count ? st->proc_cap : (uint32_t)s->run->proc_count;
    for (uint32_t i = 0; i < n; i++)
        here += st->proc_node[i] == node && st->proc_mig[i] == VIZ_NO_MIG;
    say(p, &fo->mono, viz_text_fg, "%u processes here:", here);
    for (uint32_t i = 0; i < n && listed < MAX_LIST; i++) {
        if (st->proc_node[i] != node || st->proc_mig[i] != VIZ_NO_MIG)
            continue;
        const struct viz_proc *pr = &s->run->procs[i];
        say(p, &fo->mono, viz_color_program(pr->program), " n%u.%u %s", pr->pid.node,
            pr->pid.local, viz_run_program(s->run, pr));
        listed++;
    }
    if (here > listed)
        say(p, &fo->mono, viz_text_dim, " ... and %u more", here - listed);
}

static void proc_info(struct pen *p, uint32_t proc)
{
    const struct viz_scene *s = p->s;
    const struct viz_fonts *fo = &s->fonts;
    const struct viz_proc *pr = &s->run->procs[proc];
    char t[32];
    say(p, &fo->sans, viz_highlight, "Process n%u.%u (%s)", pr->pid.node, pr->pid.local,
        viz_run_program(s->run, pr));
    if (pr->home != VIZ_NO_NODE) {
        viz_format_time(pr->spawn_ns, t, sizeof t);
        say(p, &fo->mono, viz_text_fg, "%s  born on node %u", t, pr->home);
    }
    unsigned listed = 0;
    for (uint32_t m = pr->first_mig; m != VIZ_NO_MIG && listed < MAX_MOVES;
         m = s->run->migs[m].next_of_proc, listed++) {
        const struct viz_migration *mg = &s->run->migs[m];
        viz_format_time(mg->start_ns, t, sizeof t);
        bool past = mg->start_ns <= s->cur.t_ns;
        const char *how = mg->outcome == VIZ_MIG_INSTALLED ? "" :
                          mg->outcome == VIZ_MIG_ABORTED ? " aborted" : " pending";
        say(p, &fo->mono, past ? viz_text_fg : viz_text_dim, "%s  %u -> %u%s (%u us frozen)", t,
            mg->from, mg->to, how, mg->freeze_us);
    }
    if (pr->how != VIZ_ALIVE) {
        viz_format_time(pr->end_ns, t, sizeof t);
        static const char *const how[] = {"", "exited", "faulted", "lost in a crash"};
        say(p, &fo->mono, pr->end_ns <= s->cur.t_ns ? viz_text_fg : viz_text_dim,
            "%s  %s", t, how[pr->how]);
        if (pr->how == VIZ_EXITED)
            say(p, &fo->mono, viz_text_dim, "      status %lld", (long long)pr->status);
    }
}

static void keys(struct pen *p)
{
    const struct viz_font *f = &p->s->fonts.small;
    say(p, &p->s->fonts.sans, viz_text_fg, "Keys");
    static const char *const lines[] = {
        "space play/pause    . or -> step    , or <- back",
        "+/- speed 0.1x..1000x    Home/End start/end",
        "wheel zoom   drag pan   r reset view",
        "timeline: click seek  wheel zoom  right-drag pan",
        "click node/process: details   m messages",
        "l grid/ring layout   s save PNG   q/Esc quit",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        say(p, f, viz_text_dim, "%s", lines[i]);
}

void viz_draw_panel(SDL_Renderer *ren, struct viz_scene *s)
{
    const SDL_Rect *r = &s->panel;
    if (r->w <= 0)
        return;
    viz_fill_rect(ren, (float)r->x, (float)r->y, (float)r->w, (float)r->h, viz_panel_bg);
    SDL_RenderSetClipRect(ren, r);
    struct pen p = {ren, s, r->x + viz_px(s, PAD), r->y + viz_px(s, PAD), r->y + r->h - 4};
    legend(&p);
    if (s->view.sel_proc < s->run->proc_count)
        proc_info(&p, s->view.sel_proc);
    else if (s->view.sel_node < s->run->node_count)
        node_info(&p, s->view.sel_node);
    else
        keys(&p);
    SDL_RenderSetClipRect(ren, NULL);
}
