/* viz_layout.c - see viz_layout.h. */
#include "viz_layout.h"

#include <math.h>
#include <stdlib.h>

#include "host/xalloc.h"

#define GAP_FRACTION 0.2f   /* of a grid cell, between boxes */
#define MIN_RING_BOX 8.0f   /* below this, the ring gets another lane */
#define MARGIN 12.0f

void viz_layout_init(struct viz_layout *l) { *l = (struct viz_layout){0}; }

void viz_layout_free(struct viz_layout *l)
{
    free(l->cx);
    free(l->cy);
    free(l->links);
    *l = (struct viz_layout){0};
}

/* The column count that gives the largest cells. */
static void grid(struct viz_layout *l, float w, float h)
{
    float best = 0;
    uint32_t best_cols = 1;
    for (uint32_t cols = 1; cols <= l->n; cols++) {
        uint32_t rows = (l->n + cols - 1) / cols;
        float cell = fminf(w / (float)cols, h / (float)rows);
        if (cell > best)
            best = cell, best_cols = cols;
    }
    uint32_t rows = (l->n + best_cols - 1) / best_cols;
    float x0 = MARGIN + (w - best * (float)best_cols) / 2, y0 = MARGIN + (h - best * (float)rows) / 2;
    l->cols = best_cols;
    l->box = best * (1 - GAP_FRACTION);
    for (uint32_t i = 0; i < l->n; i++) {
        l->cx[i] = x0 + best * ((float)(i % best_cols) + 0.5f);
        l->cy[i] = y0 + best * ((float)(i / best_cols) + 0.5f);
    }
}

/* Lanes from the outside in; node order runs clockwise from the top. */
static void ring(struct viz_layout *l, float w, float h)
{
    const float two_pi = 6.28318530718f;
    float r0 = fminf(w, h) / 2;
    uint32_t lanes = 1;
    float box = 0;
    for (; lanes < 64; lanes++) {
        uint32_t per = (l->n + lanes - 1) / lanes;
        box = fminf(two_pi * r0 * 0.7f / (float)per / 1.3f, r0 / (float)lanes * 0.5f);
        box = fminf(box, two_pi * (r0 - (float)(lanes - 1) * box * 1.6f) / (float)per * 0.7f);
        if (box >= MIN_RING_BOX || box * 1.6f * (float)(lanes + 1) > r0 * 0.8f)
            break;
    }
    box = fmaxf(box, 2.0f);
    uint32_t per = (l->n + lanes - 1) / lanes;
    float r_outer = r0 - box * 0.8f;
    l->box = box;
    l->cols = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t lane = i / per, k = i % per;
        uint32_t in_lane = lane + 1 < lanes ? per : l->n - lane * per;
        float r = r_outer - (float)lane * box * 1.6f;
        float a = two_pi * (float)k / (float)in_lane - two_pi / 4;
        l->cx[i] = MARGIN + w / 2 + r * cosf(a);
        l->cy[i] = MARGIN + h / 2 + r * sinf(a);
    }
}

/* Neighbours in the picture: ring order, or right and lower in the grid. */
static void make_links(struct viz_layout *l)
{
    l->link_count = 0;
    for (uint32_t i = 0; i < l->n && l->n > 1; i++) {
        uint32_t right = l->kind == VIZ_LAYOUT_RING ? (i + 1) % l->n : i + 1;
        bool has_right = l->kind == VIZ_LAYOUT_RING ? (l->n > 2 || i == 0)
                                                    : (i % l->cols + 1 < l->cols && right < l->n);
        if (has_right) {
            l->links[2 * l->link_count] = i;
            l->links[2 * l->link_count++ + 1] = right;
        }
        if (l->kind == VIZ_LAYOUT_GRID && i + l->cols < l->n) {
            l->links[2 * l->link_count] = i;
            l->links[2 * l->link_count++ + 1] = i + l->cols;
        }
    }
}

void viz_layout_compute(struct viz_layout *l, enum viz_layout_kind kind, uint32_t n, float w,
                        float h)
{
    if (l->n != n) {
        l->cx = xrealloc(l->cx, (n ? n : 1) * sizeof l->cx[0]);
        l->cy = xrealloc(l->cy, (n ? n : 1) * sizeof l->cy[0]);
        l->links = xrealloc(l->links, (n ? n : 1) * 4 * sizeof l->links[0]);
    }
    l->kind = kind;
    l->n = n;
    l->w = w;
    l->h = h;
    w = fmaxf(w - 2 * MARGIN, 1.0f);
    h = fmaxf(h - 2 * MARGIN, 1.0f);
    l->link_count = 0;
    if (n == 0)
        return;
    if (kind == VIZ_LAYOUT_RING)
        ring(l, w, h);
    else
        grid(l, w, h);
    make_links(l);
}

uint32_t viz_layout_hit(const struct viz_layout *l, float x, float y)
{
    float half = l->box / 2;
    for (uint32_t i = 0; i < l->n; i++)
        if (fabsf(x - l->cx[i]) <= half && fabsf(y - l->cy[i]) <= half)
            return i;
    return UINT32_MAX;
}

