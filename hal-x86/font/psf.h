/*
 * psf.h - PC Screen Font files (PSF1 and PSF2, as the Linux console and
 * Debian's console-setup ship them), parsed from bytes in memory.
 *
 * Every offset and length is checked against the buffer: a truncated or
 * corrupt file gets an error message, never a read past its end.
 */
#ifndef HAL_X86_FONT_PSF_H
#define HAL_X86_FONT_PSF_H

#include <stddef.h>
#include <stdint.h>

struct psf_font {
    int version;              /* 1 or 2 */
    uint32_t glyph_count;
    uint32_t width, height;   /* pixels */
    uint32_t row_bytes;       /* bytes per glyph row: (width + 7) / 8 */
    uint32_t glyph_bytes;     /* bytes per glyph */
    const uint8_t *glyphs;    /* glyph_count * glyph_bytes, rows top first,
                                 leftmost pixel in the high bit */
    const uint8_t *unicode;   /* the unicode table, or NULL */
    size_t unicode_bytes;
};

/* 0, or -1 with the reason in `err`. `f` points into `data`. */
int psf_parse(const uint8_t *data, size_t size, struct psf_font *f, char *err, size_t err_bytes);

/* The glyph the unicode table gives code point `cp`, or -1 when the table
 * has none (or the font has no table). Multi-code-point sequences are
 * skipped. A malformed table ends the search with -1. */
long psf_glyph_for(const struct psf_font *f, uint32_t cp);

#endif
