/* viz_offscreen.c - see viz_offscreen.h. */
#include "viz_offscreen.h"

#include <SDL_image.h>
#include <stdio.h>
#include <string.h>

int viz_offscreen_open(struct viz_offscreen *o, const struct viz_run *r, int w, int h, char *err,
                       size_t err_bytes)
{
    memset(o, 0, sizeof *o);
    o->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (o->surface != NULL)
        o->ren = SDL_CreateSoftwareRenderer(o->surface);
    if (o->ren == NULL) {
        snprintf(err, err_bytes, "cannot draw offscreen: %s", SDL_GetError());
        viz_offscreen_close(o);
        return -1;
    }
    viz_scene_init(&o->scene, r, w, h, false);
    if (viz_fonts_open(&o->scene.fonts, o->ren, o->scene.ui_pct, err, err_bytes) < 0) {
        viz_offscreen_close(o);
        return -1;
    }
    return 0;
}

void viz_offscreen_draw(struct viz_offscreen *o)
{
    viz_frame_draw(o->ren, &o->scene);
    SDL_RenderPresent(o->ren);
}

struct viz_rgb viz_offscreen_pixel(const struct viz_offscreen *o, int x, int y)
{
    struct viz_rgb c = {0, 0, 0};
    if (x < 0 || y < 0 || x >= o->surface->w || y >= o->surface->h)
        return c;
    const uint8_t *row = (const uint8_t *)o->surface->pixels + (size_t)y * (size_t)o->surface->pitch;
    uint32_t px;
    memcpy(&px, row + (size_t)x * 4, 4);
    SDL_GetRGB(px, o->surface->format, &c.r, &c.g, &c.b);
    return c;
}

int viz_save_png(SDL_Surface *surface, const char *path, char *err, size_t err_bytes)
{
    if (IMG_SavePNG(surface, path) != 0) {
        snprintf(err, err_bytes, "cannot write %s: %s", path, IMG_GetError());
        return -1;
    }
    return 0;
}

void viz_offscreen_close(struct viz_offscreen *o)
{
    viz_fonts_close(&o->scene.fonts);
    if (o->scene.run != NULL)
        viz_scene_free(&o->scene);
    if (o->ren != NULL)
        SDL_DestroyRenderer(o->ren);
    if (o->surface != NULL)
        SDL_FreeSurface(o->surface);
    memset(o, 0, sizeof *o);
}
