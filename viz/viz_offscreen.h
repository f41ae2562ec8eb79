/*
 * viz_offscreen.h - drawing a run without a window: SDL's software
 * renderer into a memory surface. Screenshots use it, and so do the
 * pixel tests (they read o->surface). Needs no video driver.
 */
#ifndef VIZ_OFFSCREEN_H
#define VIZ_OFFSCREEN_H

#include <SDL.h>

#include "viz_scene.h"

struct viz_offscreen {
    SDL_Surface *surface; /* ARGB8888 */
    SDL_Renderer *ren;
    struct viz_scene scene;
};

/* 0, or -1 with a message (SDL error, missing font). */
int viz_offscreen_open(struct viz_offscreen *o, const struct viz_run *r, int w, int h, char *err,
                       size_t err_bytes);
void viz_offscreen_draw(struct viz_offscreen *o);
/* The pixel at (x, y) as r, g, b. */
struct viz_rgb viz_offscreen_pixel(const struct viz_offscreen *o, int x, int y);
/* Write a PNG of the surface (SDL2_image). 0 or -1 with a message. */
int viz_save_png(SDL_Surface *surface, const char *path, char *err, size_t err_bytes);
void viz_offscreen_close(struct viz_offscreen *o);

#endif
