/*
 * viz_text.h - text drawn from a glyph atlas: each printable ASCII glyph
 * of a TrueType font is rendered once (SDL2_ttf) into one texture, then
 * a string is one texture copy per character. Fast enough for a label
 * on each of a thousand nodes, and the same pixels on every frame.
 * Other bytes are drawn as '?'.
 */
#ifndef VIZ_TEXT_H
#define VIZ_TEXT_H

#include <SDL.h>

#include "viz_color.h"

#define VIZ_GLYPH_FIRST 32
#define VIZ_GLYPH_COUNT 95

struct viz_font {
    SDL_Texture *atlas;
    SDL_Rect glyph[VIZ_GLYPH_COUNT];
    int advance[VIZ_GLYPH_COUNT];
    int height;
};

struct viz_fonts {
    struct viz_font sans, mono, small;
    int scale_pct; /* the sizes, in percent of the 1280x800 ones */
};

/* Open the DejaVu fonts (fonts-dejavu-core) at scale_pct percent of
 * their sizes in a 1280x800 picture, and build their atlases for this
 * renderer. 0, or -1 with a message in err naming the missing file and
 * the package. */
int viz_fonts_open(struct viz_fonts *f, SDL_Renderer *ren, int scale_pct, char *err,
                   size_t err_bytes);
void viz_fonts_close(struct viz_fonts *f);

/* Draw at (x, y) (top left); returns the width drawn. */
int viz_text_draw(SDL_Renderer *ren, const struct viz_font *font, int x, int y,
                  struct viz_rgb color, const char *s);
int viz_text_width(const struct viz_font *font, const char *s);

#endif
