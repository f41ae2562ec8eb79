/*
 * viz_pixels.h - reading the visualizer's offscreen pictures in the pixel
 * tests (test_viz_*.c): exact colours, whether a rectangle holds one, and
 * connected regions of one colour in the cluster area.
 */
#ifndef TESTS_VIZ_PIXELS_H
#define TESTS_VIZ_PIXELS_H

#include <stdbool.h>

#include "viz/viz_offscreen.h"

bool viz_rgb_same(struct viz_rgb a, struct viz_rgb b);
/* Whether any pixel of rectangle b has colour c. */
bool viz_any_pixel(const struct viz_offscreen *o, SDL_Rect b, struct viz_rgb c);
/* How many pixels of rectangle b have colour c. */
unsigned viz_count_pixels(const struct viz_offscreen *o, SDL_Rect b, struct viz_rgb c);
/* Connected regions (4-neighbours) of pixels of colour c inside the
 * cluster area. */
unsigned viz_count_regions(const struct viz_offscreen *o, struct viz_rgb c);

#define assert_color(o, x, y, want)                                                            \
    do {                                                                                       \
        struct viz_rgb got_ = viz_offscreen_pixel((o), (int)(x), (int)(y));                    \
        cr_assert(viz_rgb_same(got_, (want)), "pixel (%d,%d) is %u,%u,%u, want %u,%u,%u",      \
                  (int)(x), (int)(y), got_.r, got_.g, got_.b, (want).r, (want).g, (want).b);   \
    } while (0)

#endif
