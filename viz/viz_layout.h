/*
 * viz_layout.h - where each node's box goes, in "world" units (pixels at
 * zoom 1 of the cluster area): a grid, or a ring (several concentric
 * lanes when one circle would make the boxes too small), readable from a
 * handful of nodes to thousands. Also which pairs are drawn as links
 * (layout neighbours) and which node is under a point. No SDL.
 */
#ifndef VIZ_LAYOUT_H
#define VIZ_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

enum viz_layout_kind { VIZ_LAYOUT_GRID, VIZ_LAYOUT_RING };

struct viz_layout {
    enum viz_layout_kind kind;
    uint32_t n;
    float w, h;   /* the area laid out */
    float box;    /* side of every node's square */
    float *cx, *cy; /* box centres */
    uint32_t cols; /* grid: columns */
    uint32_t *links; /* link k joins nodes links[2k] and links[2k+1] */
    uint32_t link_count;
};

void viz_layout_init(struct viz_layout *l);
void viz_layout_free(struct viz_layout *l);
/* Lay out n nodes in a w x h area. */
void viz_layout_compute(struct viz_layout *l, enum viz_layout_kind kind, uint32_t n, float w,
                        float h);
/* The node whose box holds (x, y), or UINT32_MAX. */
uint32_t viz_layout_hit(const struct viz_layout *l, float x, float y);

#endif
