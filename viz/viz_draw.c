/* viz_draw.c - see viz_draw.h. */
#include "viz_draw.h"

#include <math.h>
#include <stdio.h>

void viz_set_color(SDL_Renderer *ren, struct viz_rgb c, uint8_t alpha)
{
    SDL_SetRenderDrawBlendMode(ren, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ren, c.r, c.g, c.b, alpha);
}

void viz_fill_rect(SDL_Renderer *ren, float x, float y, float w, float h, struct viz_rgb c)
{
    viz_set_color(ren, c, 255);
    SDL_Rect r = {(int)lroundf(x), (int)lroundf(y), (int)lroundf(w), (int)lroundf(h)};
    if (r.w < 1)
        r.w = 1;
    if (r.h < 1)
        r.h = 1;
    SDL_RenderFillRect(ren, &r);
}

void viz_outline_rect(SDL_Renderer *ren, float x, float y, float w, float h, float width,
                      struct viz_rgb c)
{
    viz_fill_rect(ren, x, y, w, width, c);
    viz_fill_rect(ren, x, y + h - width, w, width, c);
    viz_fill_rect(ren, x, y, width, h, c);
    viz_fill_rect(ren, x + w - width, y, width, h, c);
}

void viz_fill_disc(SDL_Renderer *ren, float x, float y, float d, struct viz_rgb c)
{
    if (d < 4.5f) {
        viz_fill_rect(ren, x - d / 2, y - d / 2, d, d, c);
        return;
    }
    viz_set_color(ren, c, 255);
    int n = (int)lroundf(d);
    float r = d / 2;
    SDL_Rect rows[64];
    int count = 0;
    for (int i = 0; i < n && count < 64; i++) {
        float dy = (float)i + 0.5f - r;
        float half = sqrtf(fmaxf(r * r - dy * dy, 0.0f));
        rows[count++] = (SDL_Rect){(int)lroundf(x - half), (int)lroundf(y - r) + i,
                                   (int)lroundf(2 * half), 1};
    }
    SDL_RenderFillRects(ren, rows, count);
}

void viz_line(SDL_Renderer *ren, float x0, float y0, float x1, float y1, struct viz_rgb c,
              uint8_t alpha)
{
    viz_set_color(ren, c, alpha);
    SDL_RenderDrawLine(ren, (int)lroundf(x0), (int)lroundf(y0), (int)lroundf(x1), (int)lroundf(y1));
}

void viz_draw_cross(SDL_Renderer *ren, float x, float y, float d, struct viz_rgb c)
{
    float h = d / 2;
    for (int k = 0; k < 2; k++) {
        viz_line(ren, x - h + (float)k, y - h, x + h + (float)k, y + h, c, 255);
        viz_line(ren, x - h + (float)k, y + h, x + h + (float)k, y - h, c, 255);
    }
}

void viz_format_time(uint64_t ns, char *buf, size_t bytes)
{
    viz_format_time_to(ns, UINT64_MAX, buf, bytes);
}

void viz_format_time_to(uint64_t ns, uint64_t resolution_ns, char *buf, size_t bytes)
{
    static const struct {
        uint64_t div;
        const char *unit;
    } units[] = {{1000000000u, "s"}, {1000000u, "ms"}, {1000u, "us"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ns >= units[i].div) {
            /* digits: three, then one more while the last is coarser than the resolution */
            uint64_t digit_ns = units[i].div / 1000;
            int digits = 3;
            while (digit_ns > resolution_ns && digit_ns > 1 && digits < 9) {
                digit_ns /= 10;
                digits++;
            }
            snprintf(buf, bytes, "%llu.%0*llu %s", (unsigned long long)(ns / units[i].div),
                     digits, (unsigned long long)(ns % units[i].div / digit_ns), units[i].unit);
            return;
        }
    }
    snprintf(buf, bytes, "%llu ns", (unsigned long long)ns);
}
