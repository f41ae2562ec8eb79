/* viz_text.c - see viz_text.h. */
#define _POSIX_C_SOURCE 200809L
#include "viz_text.h"

#include <SDL_ttf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "viz_param.h"

#define ATLAS_COLUMNS 16

static int glyph_index(unsigned char ch)
{
    return (ch >= VIZ_GLYPH_FIRST && ch < VIZ_GLYPH_FIRST + VIZ_GLYPH_COUNT) ? ch - VIZ_GLYPH_FIRST
                                                                            : '?' - VIZ_GLYPH_FIRST;
}

/* Render every glyph white into one surface, then make the texture. */
static int build_atlas(struct viz_font *f, TTF_Font *ttf, SDL_Renderer *ren)
{
    int cell_w = 0;
    f->height = TTF_FontHeight(ttf);
    for (int i = 0; i < VIZ_GLYPH_COUNT; i++) {
        int minx, maxx, miny, maxy, adv;
        if (TTF_GlyphMetrics(ttf, (Uint16)(VIZ_GLYPH_FIRST + i), &minx, &maxx, &miny, &maxy, &adv) < 0)
            adv = 0;
        f->advance[i] = adv;
        if (adv + 4 > cell_w)
            cell_w = adv + 4;
    }
    int rows = (VIZ_GLYPH_COUNT + ATLAS_COLUMNS - 1) / ATLAS_COLUMNS;
    SDL_Surface *atlas = SDL_CreateRGBSurfaceWithFormat(0, cell_w * ATLAS_COLUMNS,
                                                        f->height * rows, 32, SDL_PIXELFORMAT_ARGB8888);
    if (atlas == NULL)
        return -1;
    SDL_FillRect(atlas, NULL, SDL_MapRGBA(atlas->format, 255, 255, 255, 0));
    SDL_Color white = {255, 255, 255, 255};
    for (int i = 0; i < VIZ_GLYPH_COUNT; i++) {
        SDL_Rect cell = {(i % ATLAS_COLUMNS) * cell_w, (i / ATLAS_COLUMNS) * f->height,
                         cell_w, f->height};
        char s[2] = {(char)(VIZ_GLYPH_FIRST + i), 0};
        SDL_Surface *g = i == 0 ? NULL : TTF_RenderText_Blended(ttf, s, white);
        if (g != NULL) {
            SDL_SetSurfaceBlendMode(g, SDL_BLENDMODE_NONE);
            SDL_Rect dst = {cell.x, cell.y, g->w < cell_w ? g->w : cell_w, f->height};
            SDL_Rect src = {0, 0, dst.w, g->h < f->height ? g->h : f->height};
            dst.h = src.h;
            SDL_BlitSurface(g, &src, atlas, &dst);
            SDL_FreeSurface(g);
        }
        f->glyph[i] = (SDL_Rect){cell.x, cell.y, f->advance[i], f->height};
    }
    f->atlas = SDL_CreateTextureFromSurface(ren, atlas);
    SDL_FreeSurface(atlas);
    if (f->atlas == NULL)
        return -1;
    SDL_SetTextureBlendMode(f->atlas, SDL_BLENDMODE_BLEND);
    return 0;
}

static int open_one(struct viz_font *f, SDL_Renderer *ren, const char *path, int size, char *err,
                    size_t err_bytes)
{
    if (access(path, R_OK) != 0) {
        snprintf(err, err_bytes, "font %s is missing: install the Debian package "
                                 "fonts-dejavu-core (apt-get install fonts-dejavu-core)", path);
        return -1;
    }
    TTF_Font *ttf = TTF_OpenFont(path, size);
    if (ttf == NULL) {
        snprintf(err, err_bytes, "cannot open font %s: %s", path, TTF_GetError());
        return -1;
    }
    TTF_SetFontHinting(ttf, TTF_HINTING_LIGHT);
    int rc = build_atlas(f, ttf, ren);
    TTF_CloseFont(ttf);
    if (rc < 0)
        snprintf(err, err_bytes, "cannot build the glyphs of %s: %s", path, SDL_GetError());
    return rc;
}

static int scaled(int points, int pct) { return (points * pct + 50) / 100; }

int viz_fonts_open(struct viz_fonts *f, SDL_Renderer *ren, int scale_pct, char *err,
                   size_t err_bytes)
{
    memset(f, 0, sizeof *f);
    if (!TTF_WasInit() && TTF_Init() < 0) {
        snprintf(err, err_bytes, "SDL2_ttf: %s", TTF_GetError());
        return -1;
    }
    if (open_one(&f->sans, ren, VIZ_FONT_SANS, scaled(14, scale_pct), err, err_bytes) < 0 ||
        open_one(&f->mono, ren, VIZ_FONT_MONO, scaled(12, scale_pct), err, err_bytes) < 0 ||
        open_one(&f->small, ren, VIZ_FONT_MONO, scaled(9, scale_pct), err, err_bytes) < 0) {
        viz_fonts_close(f);
        return -1;
    }
    f->scale_pct = scale_pct;
    return 0;
}

void viz_fonts_close(struct viz_fonts *f)
{
    struct viz_font *all[] = {&f->sans, &f->mono, &f->small};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->atlas != NULL)
            SDL_DestroyTexture(all[i]->atlas);
    memset(f, 0, sizeof *f);
}

int viz_text_width(const struct viz_font *font, const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += font->advance[glyph_index((unsigned char)*s)];
    return w;
}

int viz_text_draw(SDL_Renderer *ren, const struct viz_font *font, int x, int y,
                  struct viz_rgb color, const char *s)
{
    SDL_SetTextureColorMod(font->atlas, color.r, color.g, color.b);
    int x0 = x;
    for (; *s; s++) {
        int g = glyph_index((unsigned char)*s);
        SDL_Rect dst = {x, y, font->glyph[g].w, font->glyph[g].h};
        if (dst.w > 0)
            SDL_RenderCopy(ren, font->atlas, &font->glyph[g], &dst);
        x += font->advance[g];
    }
    return x - x0;
}
