/*
 * viz_draw.h - small drawing helpers over SDL's renderer shared by the
 * parts of a frame: colours, filled and outlined rectangles, discs,
 * lines with alpha, and formatted times.
 */
#ifndef VIZ_DRAW_H
#define VIZ_DRAW_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "viz_color.h"

void viz_set_color(SDL_Renderer *ren, struct viz_rgb c, uint8_t alpha);
void viz_fill_rect(SDL_Renderer *ren, float x, float y, float w, float h, struct viz_rgb c);
void viz_outline_rect(SDL_Renderer *ren, float x, float y, float w, float h, float width,
                      struct viz_rgb c);
/* A filled disc of diameter d centred on (x, y). */
void viz_fill_disc(SDL_Renderer *ren, float x, float y, float d, struct viz_rgb c);
/* A cross (two strokes two pixels wide) of size d centred on (x, y). */
void viz_draw_cross(SDL_Renderer *ren, float x, float y, float d, struct viz_rgb c);
void viz_line(SDL_Renderer *ren, float x0, float y0, float x1, float y1, struct viz_rgb c,
              uint8_t alpha);

/* "1.250 s", "300.000 ms", "15.000 us": ns in a readable unit with three
 * decimals (or exact ns below 1 us). */
void viz_format_time(uint64_t ns, char *buf, size_t bytes);
/* The same with enough decimals (more than three when needed) that a
 * change of `resolution_ns` shows: 61.0002000 s next to 61.0004000 s. */
void viz_format_time_to(uint64_t ns, uint64_t resolution_ns, char *buf, size_t bytes);

#endif
