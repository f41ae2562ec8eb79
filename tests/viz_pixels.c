/* viz_pixels.c - see viz_pixels.h. */
#include "viz_pixels.h"

#include <stdlib.h>

bool viz_rgb_same(struct viz_rgb a, struct viz_rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

unsigned viz_count_pixels(const struct viz_offscreen *o, SDL_Rect b, struct viz_rgb c)
{
    unsigned n = 0;
    for (int y = b.y; y < b.y + b.h; y++)
        for (int x = b.x; x < b.x + b.w; x++)
            n += viz_rgb_same(viz_offscreen_pixel(o, x, y), c);
    return n;
}

bool viz_any_pixel(const struct viz_offscreen *o, SDL_Rect b, struct viz_rgb c)
{
    return viz_count_pixels(o, b, c) > 0;
}

unsigned viz_count_regions(const struct viz_offscreen *o, struct viz_rgb c)
{
    const SDL_Rect *a = &o->scene.cluster;
    int w = o->surface->w, h = o->surface->h;
    unsigned char *seen = calloc((size_t)w * (size_t)h, 1);
    int *stack = malloc(sizeof(int) * 4 * (size_t)w * (size_t)h);
    unsigned regions = 0;
    for (int y = a->y; y < a->y + a->h; y++)
        for (int x = a->x; x < a->x + a->w; x++) {
            if (seen[y * w + x] || !viz_rgb_same(viz_offscreen_pixel(o, x, y), c))
                continue;
            regions++;
            size_t top = 0;
            stack[top++] = y * w + x;
            seen[y * w + x] = 1;
            while (top > 0) {
                int p = stack[--top], px = p % w, py = p / w;
                static const int d[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
                for (int k = 0; k < 4; k++) {
                    int nx = px + d[k][0], ny = py + d[k][1];
                    if (nx < a->x || ny < a->y || nx >= a->x + a->w || ny >= a->y + a->h ||
                        seen[ny * w + nx] || !viz_rgb_same(viz_offscreen_pixel(o, nx, ny), c))
                        continue;
                    seen[ny * w + nx] = 1;
                    stack[top++] = ny * w + nx;
                }
            }
        }
    free(stack);
    free(seen);
    return regions;
}
