/*
 * viz_draw_cluster.c - the cluster picture: links between neighbouring
 * nodes (cut by partitions, gone with crashed nodes), node boxes whose
 * colour and bar are the run queue now, with a tick at the 1 s load
 * average, a dot per process, dots travelling for moves, crosses for the
 * processes a crashed node took with it, messages in flight
 * (viz_draw_msgs.c), and the selection. Processes are placed in the same
 * order (process index) by drawing and by hit tests.
 */
#include <math.h>
#include <stdio.h>

#include "host/xalloc.h"
#include "viz_draw.h"
#include "viz_scene.h"

#define LABEL_MIN_BOX 26.0f /* node name drawn from this box size */
#define LOAD_LABEL_MIN_BOX 60.0f

/* Where dots go inside any box this frame (all boxes have one size). */
struct dot_grid {
    float box, pad, bar_w, label_h;
    float ox, oy;     /* first dot's centre, from the box's corner */
    float dot, step;
    uint32_t cols, capacity;
};

static void dot_grid(const struct viz_scene *s, struct dot_grid *g)
{
    g->box = s->layout.box * s->view.zoom;
    g->pad = fmaxf(1.0f, floorf(g->box * 0.06f));
    g->bar_w = fmaxf(2.0f, floorf(g->box * 0.16f));
    g->label_h = g->box >= LABEL_MIN_BOX ? (float)s->fonts.small.height : 0.0f;
    g->dot = fminf(fmaxf(floorf(g->box * 0.12f), 2.0f), 14.0f);
    g->step = g->dot + fmaxf(1.0f, floorf(g->dot / 3));
    float area_w = g->box - g->bar_w - 3 * g->pad, area_h = g->box - 2 * g->pad - g->label_h;
    g->cols = area_w >= g->dot ? (uint32_t)((area_w - g->dot) / g->step) + 1 : 0;
    uint32_t rows = area_h >= g->dot ? (uint32_t)((area_h - g->dot) / g->step) + 1 : 0;
    g->capacity = g->cols * rows;
    g->ox = g->bar_w + 2 * g->pad + g->dot / 2;
    g->oy = g->pad + g->label_h + g->dot / 2;
}

SDL_FRect viz_cluster_node_rect(const struct viz_scene *s, uint32_t node)
{
    float b = s->layout.box * s->view.zoom;
    float cx = (float)s->cluster.x + s->layout.cx[node] * s->view.zoom + s->view.pan_x;
    float cy = (float)s->cluster.y + s->layout.cy[node] * s->view.zoom + s->view.pan_y;
    return (SDL_FRect){cx - b / 2, cy - b / 2, b, b};
}

void viz_cluster_node_center(const struct viz_scene *s, uint32_t node, float *x, float *y)
{
    SDL_FRect r = viz_cluster_node_rect(s, node);
    *x = r.x + r.w / 2;
    *y = r.y + r.h / 2;
}

static bool on_screen(const struct viz_scene *s, SDL_FRect r)
{
    return r.x + r.w >= (float)s->cluster.x && r.y + r.h >= (float)s->cluster.y &&
           r.x <= (float)(s->cluster.x + s->cluster.w) && r.y <= (float)(s->cluster.y + s->cluster.h);
}

static bool proc_sits(const struct viz_state *st, uint32_t p)
{
    return p < st->proc_cap && st->proc_node[p] != VIZ_NOWHERE && st->proc_mig[p] == VIZ_NO_MIG;
}

/* A move's dot: out and home again for a move that is refused. */
static void moving_pos(const struct viz_scene *s, const struct viz_migration *m, float *x, float *y)
{
    double f = viz_migration_progress(m, s->cur.t_ns);
    if (m->outcome == VIZ_MIG_ABORTED)
        f = f < 0.5 ? f * 0.5 : (1.0 - f) * 0.5;
    float x0, y0, x1, y1;
    viz_cluster_node_center(s, m->from, &x0, &y0);
    viz_cluster_node_center(s, m->to, &x1, &y1);
    *x = x0 + (x1 - x0) * (float)f;
    *y = y0 + (y1 - y0) * (float)f;
}

static void slot_pos(const struct viz_scene *s, const struct dot_grid *g, uint32_t node,
                     uint32_t slot, float *x, float *y)
{
    SDL_FRect r = viz_cluster_node_rect(s, node);
    *x = r.x + g->ox + (float)(slot % g->cols) * g->step;
    *y = r.y + g->oy + (float)(slot / g->cols) * g->step;
}

bool viz_cluster_proc_pos(struct viz_scene *s, uint32_t proc, float *x, float *y, float *size)
{
    const struct viz_state *st = &s->cur.st;
    struct dot_grid g;
    dot_grid(s, &g);
    if (proc >= st->proc_cap || st->proc_node[proc] == VIZ_NOWHERE)
        return false;
    if (st->proc_mig[proc] != VIZ_NO_MIG) {
        moving_pos(s, &s->run->migs[st->proc_mig[proc]], x, y);
        *size = g.dot + 3;
        return true;
    }
    uint32_t node = st->proc_node[proc], slot = 0;
    for (uint32_t p = 0; p < proc; p++)
        if (proc_sits(st, p) && st->proc_node[p] == node)
            slot++;
    if (slot >= g.capacity)
        return false;
    slot_pos(s, &g, node, slot, x, y);
    *size = g.dot;
    return true;
}

static void draw_links(SDL_Renderer *ren, const struct viz_scene *s)
{
    const struct viz_layout *l = &s->layout;
    for (uint32_t k = 0; k < l->link_count; k++) {
        uint32_t a = l->links[2 * k], b = l->links[2 * k + 1];
        if (!s->cur.st.up[a] || !s->cur.st.up[b])
            continue; /* a crashed node has no links */
        float x0, y0, x1, y1;
        viz_cluster_node_center(s, a, &x0, &y0);
        viz_cluster_node_center(s, b, &x1, &y1);
        if (viz_state_linked(&s->cur.st, s->run, a, b)) {
            viz_line(ren, x0, y0, x1, y1, viz_link, 255);
            continue;
        }
        /* cut: red, with a gap in the middle (boxes hide the ends) */
        float dx = (x1 - x0) * 0.45f, dy = (y1 - y0) * 0.45f;
        viz_line(ren, x0, y0, x0 + dx, y0 + dy, viz_link_cut, 255);
        viz_line(ren, x1 - dx, y1 - dy, x1, y1, viz_link_cut, 255);
    }
}

/* Height in the bar's track for a value in thousandths, full at 8. */
static float bar_height(float track, uint32_t milli)
{
    uint32_t m = milli > VIZ_LOAD_FULL_MILLI ? VIZ_LOAD_FULL_MILLI : milli;
    float h = roundf(track * (float)m / (float)VIZ_LOAD_FULL_MILLI);
    return milli > 0 && h < 1 ? 1 : h;
}

static void draw_node(SDL_Renderer *ren, const struct viz_scene *s, const struct dot_grid *g,
                      uint32_t node)
{
    SDL_FRect r = viz_cluster_node_rect(s, node);
    const struct viz_state *st = &s->cur.st;
    if (!st->up[node]) {
        viz_fill_rect(ren, r.x, r.y, r.w, r.h, viz_crashed_fill);
        if (r.w >= 4)
            viz_outline_rect(ren, r.x, r.y, r.w, r.h, 1, viz_crashed_border);
        return;
    }
    uint32_t q = st->queue[node];
    viz_fill_rect(ren, r.x, r.y, r.w, r.h, viz_color_box(q * 1000u));
    float track = r.h - 2 * g->pad, bottom = r.y + g->pad + track;
    float bar = bar_height(track, q * 1000u);
    if (bar > 0)
        viz_fill_rect(ren, r.x + g->pad, bottom - bar, g->bar_w, bar, viz_color_runq(q));
    if (r.w >= LABEL_MIN_BOX) {
        float avg = bar_height(track, st->load_milli[node]), tick = fmaxf(2.0f, floorf(g->pad));
        viz_fill_rect(ren, r.x + g->pad, fmaxf(r.y + g->pad, bottom - avg - tick / 2), g->bar_w,
                      tick, viz_load_avg);
    }
    struct viz_rgb border = viz_node_border;
    if (st->groups != VIZ_NO_GROUPS)
        border = viz_color_group(s->run->groups[st->groups + node]);
    if (r.w >= 4)
        viz_outline_rect(ren, r.x, r.y, r.w, r.h, st->groups != VIZ_NO_GROUPS ? 2 : 1, border);
}

static void draw_label(SDL_Renderer *ren, const struct viz_scene *s, const struct dot_grid *g,
                       uint32_t node)
{
    SDL_FRect r = viz_cluster_node_rect(s, node);
    char text[32];
    snprintf(text, sizeof text, "%u", node);
    int x = (int)(r.x + g->bar_w + 2 * g->pad);
    viz_text_draw(ren, &s->fonts.small, x, (int)(r.y + g->pad), viz_text_fg, text);
    if (r.w < LOAD_LABEL_MIN_BOX || !s->cur.st.up[node])
        return;
    /* the run queue now, and the load average when there is room */
    uint32_t load = s->cur.st.load_milli[node];
    int room = (int)(r.w - g->bar_w - 3 * g->pad) - viz_text_width(&s->fonts.small, text) -
               viz_text_width(&s->fonts.small, " ");
    snprintf(text, sizeof text, "q%u avg%u.%u", s->cur.st.queue[node], load / 1000,
             load % 1000 / 100);
    if (viz_text_width(&s->fonts.small, text) > room)
        snprintf(text, sizeof text, "q%u", s->cur.st.queue[node]);
    int w = viz_text_width(&s->fonts.small, text);
    viz_text_draw(ren, &s->fonts.small, (int)(r.x + r.w - g->pad) - w, (int)(r.y + g->pad),
                  viz_text_fg, text);
}

/* A cross in the slot of each process a crashed node took with it, as
 * long as the node stays down. */
static void draw_lost(SDL_Renderer *ren, struct viz_scene *s, const struct dot_grid *g, uint32_t n)
{
    const struct viz_state *st = &s->cur.st;
    for (uint32_t p = 0; p < n; p++) {
        const struct viz_proc *pr = &s->run->procs[p];
        if (pr->how != VIZ_LOST || pr->end_node >= st->node_count || st->up[pr->end_node] ||
            pr->end_ns != st->down_ns[pr->end_node] || pr->end_ns > s->cur.t_ns)
            continue;
        uint32_t slot = s->slots[pr->end_node]++;
        float x, y;
        if (g->capacity == 0 && slot == 0)
            viz_cluster_node_center(s, pr->end_node, &x, &y);
        else if (slot < g->capacity)
            slot_pos(s, g, pr->end_node, slot, &x, &y);
        else
            continue;
        viz_draw_cross(ren, x, y, fmaxf(g->dot, 4.0f), viz_lost);
    }
}

static void grow_slots(struct viz_scene *s)
{
    if (s->slots_n < s->run->node_count) {
        s->slots = xrealloc(s->slots, s->run->node_count * sizeof s->slots[0]);
        s->slots_n = s->run->node_count;
    }
    for (uint32_t i = 0; i < s->slots_n; i++)
        s->slots[i] = 0;
}

static void draw_procs(SDL_Renderer *ren, struct viz_scene *s, const struct dot_grid *g)
{
    const struct viz_state *st = &s->cur.st;
    grow_slots(s);
    uint32_t n = st->proc_cap < s->run->proc_count ? st->proc_cap : (uint32_t)s->run->proc_count;
    for (uint32_t p = 0; p < n; p++) {
        if (!proc_sits(st, p))
            continue;
        uint32_t node = st->proc_node[p], slot = s->slots[node]++;
        float x, y;
        if (g->capacity == 0 && slot == 0) {
            /* too small for a dot each: one dot says "busy" */
            viz_cluster_node_center(s, node, &x, &y);
        } else if (slot < g->capacity) {
            slot_pos(s, g, node, slot, &x, &y);
        } else {
            continue;
        }
        viz_fill_disc(ren, x, y, g->dot, viz_color_program(s->run->procs[p].program));
    }
    draw_lost(ren, s, g, n);
    /* moves on top: a ringed dot on its way */
    for (uint32_t p = 0; p < n; p++) {
        if (st->proc_node[p] == VIZ_NOWHERE || st->proc_mig[p] == VIZ_NO_MIG)
            continue;
        const struct viz_migration *m = &s->run->migs[st->proc_mig[p]];
        float x, y, d = fmaxf(g->dot + 3, 5.0f);
        moving_pos(s, m, &x, &y);
        float x0, y0;
        viz_cluster_node_center(s, m->from, &x0, &y0);
        viz_line(ren, x0, y0, x, y, viz_migration_ring, 90);
        viz_fill_disc(ren, x, y, d + 2,
                      m->outcome == VIZ_MIG_ABORTED ? viz_abort_ring : viz_migration_ring);
        viz_fill_disc(ren, x, y, d - 1, viz_color_program(s->run->procs[p].program));
    }
}

/* The selected process: where it has been up to now, and a ring. */
static void draw_selected_proc(SDL_Renderer *ren, struct viz_scene *s)
{
    uint32_t p = s->view.sel_proc;
    if (p == VIZ_NO_PROC || p >= s->run->proc_count)
        return;
    const struct viz_proc *proc = &s->run->procs[p];
    if (proc->home != VIZ_NO_NODE && proc->spawn_ns <= s->cur.t_ns) {
        uint32_t at = proc->home;
        for (uint32_t m = proc->first_mig; m != VIZ_NO_MIG; m = s->run->migs[m].next_of_proc) {
            const struct viz_migration *mg = &s->run->migs[m];
            if (mg->outcome != VIZ_MIG_INSTALLED || mg->end_ns > s->cur.t_ns)
                continue;
            float x0, y0, x1, y1;
            viz_cluster_node_center(s, at, &x0, &y0);
            viz_cluster_node_center(s, mg->to, &x1, &y1);
            viz_line(ren, x0, y0, x1, y1, viz_highlight, 220);
            at = mg->to;
        }
    }
    float x, y, d;
    if (viz_cluster_proc_pos(s, p, &x, &y, &d))
        viz_outline_rect(ren, x - d / 2 - 2, y - d / 2 - 2, d + 4, d + 4, 1, viz_highlight);
}

void viz_draw_cluster(SDL_Renderer *ren, struct viz_scene *s)
{
    SDL_RenderSetClipRect(ren, &s->cluster);
    viz_fill_rect(ren, (float)s->cluster.x, (float)s->cluster.y, (float)s->cluster.w,
                  (float)s->cluster.h, viz_bg);
    struct dot_grid g;
    dot_grid(s, &g);
    draw_links(ren, s);
    for (uint32_t i = 0; i < s->run->node_count; i++) {
        if (!on_screen(s, viz_cluster_node_rect(s, i)))
            continue;
        draw_node(ren, s, &g, i);
        if (g.box >= LABEL_MIN_BOX)
            draw_label(ren, s, &g, i);
    }
    draw_procs(ren, s, &g);
    if (s->view.show_messages) /* on top: a short hop is mostly over the boxes */
        viz_draw_messages(ren, s);
    draw_selected_proc(ren, s);
    if (s->view.sel_node < s->run->node_count) {
        SDL_FRect r = viz_cluster_node_rect(s, s->view.sel_node);
        viz_outline_rect(ren, r.x - 3, r.y - 3, r.w + 6, r.h + 6, 2, viz_highlight);
    }
    SDL_RenderSetClipRect(ren, NULL);
}

uint32_t viz_cluster_node_at(const struct viz_scene *s, int x, int y)
{
    if (x < s->cluster.x || y < s->cluster.y || x >= s->cluster.x + s->cluster.w ||
        y >= s->cluster.y + s->cluster.h)
        return UINT32_MAX;
    float wx = ((float)(x - s->cluster.x) - s->view.pan_x) / s->view.zoom;
    float wy = ((float)(y - s->cluster.y) - s->view.pan_y) / s->view.zoom;
    return viz_layout_hit(&s->layout, wx, wy);
}

/* One pass placing every dot as draw_procs does (not viz_cluster_proc_pos
 * for each process, which would count the slots anew each time). */
uint32_t viz_cluster_proc_at(struct viz_scene *s, int x, int y)
{
    const struct viz_state *st = &s->cur.st;
    struct dot_grid g;
    dot_grid(s, &g);
    grow_slots(s);
    uint32_t n = st->proc_cap < s->run->proc_count ? st->proc_cap : (uint32_t)s->run->proc_count;
    for (uint32_t p = 0; p < n; p++) {
        float px, py, d;
        if (proc_sits(st, p)) {
            uint32_t node = st->proc_node[p], slot = s->slots[node]++;
            if (slot >= g.capacity)
                continue;
            slot_pos(s, &g, node, slot, &px, &py);
            d = g.dot;
        } else if (st->proc_node[p] != VIZ_NOWHERE) {
            moving_pos(s, &s->run->migs[st->proc_mig[p]], &px, &py);
            d = g.dot + 3;
        } else {
            continue;
        }
        float half = d / 2 + 1;
        if (fabsf((float)x - px) <= half && fabsf((float)y - py) <= half)
            return p;
    }
    return VIZ_NO_PROC;
}
