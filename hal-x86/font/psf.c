/*
 * psf.c - see psf.h. Formats as the Linux kbd project documents them:
 *   PSF1: magic 36 04, mode byte (bit 0: 512 glyphs, bits 1-2: a unicode
 *         table follows), glyph height byte; glyphs 8 pixels wide from
 *         offset 4. Table: per glyph, 16-bit little-endian code points,
 *         FFFE before sequences, FFFF at the end.
 *   PSF2: magic 72 b5 4a 86, then 32-bit little-endian version,
 *         header size, flags (bit 0: unicode table), glyph count, bytes
 *         per glyph, height, width. Table: per glyph, UTF-8 code points,
 *         FE before sequences, FF at the end.
 */
#include "psf.h"

#include <stdarg.h>
#include <stdio.h>

#define PSF1_MODE_512 0x01u
#define PSF1_MODE_TABLE 0x06u /* HASTAB or HASSEQ */
#define PSF1_HEADER_BYTES 4u
#define PSF2_HEADER_BYTES 32u
#define PSF2_FLAG_TABLE 0x01u
#define PSF_MAX_SIDE 64u /* pixels; far above any console font */

static int fail(char *err, size_t err_bytes, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_bytes, fmt, ap);
    va_end(ap);
    return -1;
}

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Glyphs of `glyph_bytes` each start at `offset`; the table (if any)
 * follows them. Checks that the glyphs fit in `size`. */
static int place_glyphs(const uint8_t *data, size_t size, size_t offset, int has_table,
                        struct psf_font *f, char *err, size_t err_bytes)
{
    size_t glyph_area = (size_t)f->glyph_count * f->glyph_bytes;
    if (offset > size || glyph_area > size - offset)
        return fail(err, err_bytes, "truncated: %u glyphs of %u bytes need %zu bytes after the header, "
                    "the file has %zu", f->glyph_count, f->glyph_bytes, glyph_area,
                    offset > size ? (size_t)0 : size - offset);
    f->glyphs = data + offset;
    f->unicode = has_table ? data + offset + glyph_area : NULL;
    f->unicode_bytes = has_table ? size - offset - glyph_area : 0;
    return 0;
}

static int parse_psf1(const uint8_t *data, size_t size, struct psf_font *f, char *err, size_t err_bytes)
{
    if (size < PSF1_HEADER_BYTES)
        return fail(err, err_bytes, "truncated PSF1 header (%zu bytes)", size);
    uint8_t mode = data[2];
    f->version = 1;
    f->glyph_count = (mode & PSF1_MODE_512) ? 512u : 256u;
    f->width = 8;
    f->height = data[3];
    f->row_bytes = 1;
    f->glyph_bytes = f->height;
    if (f->height == 0 || f->height > PSF_MAX_SIDE)
        return fail(err, err_bytes, "PSF1 glyph height %u is out of range 1..%u", f->height, PSF_MAX_SIDE);
    return place_glyphs(data, size, PSF1_HEADER_BYTES, (mode & PSF1_MODE_TABLE) != 0, f, err, err_bytes);
}

static int parse_psf2(const uint8_t *data, size_t size, struct psf_font *f, char *err, size_t err_bytes)
{
    if (size < PSF2_HEADER_BYTES)
        return fail(err, err_bytes, "truncated PSF2 header (%zu bytes)", size);
    uint32_t version = read_le32(data + 4), header_bytes = read_le32(data + 8);
    uint32_t flags = read_le32(data + 12);
    f->version = 2;
    f->glyph_count = read_le32(data + 16);
    f->glyph_bytes = read_le32(data + 20);
    f->height = read_le32(data + 24);
    f->width = read_le32(data + 28);
    if (version != 0)
        return fail(err, err_bytes, "unknown PSF2 version %u", version);
    if (header_bytes < PSF2_HEADER_BYTES)
        return fail(err, err_bytes, "PSF2 header size %u is below %u", header_bytes, PSF2_HEADER_BYTES);
    if (f->width == 0 || f->width > PSF_MAX_SIDE || f->height == 0 || f->height > PSF_MAX_SIDE)
        return fail(err, err_bytes, "PSF2 glyph size %ux%u is out of range 1..%u", f->width, f->height,
                    PSF_MAX_SIDE);
    f->row_bytes = (f->width + 7u) / 8u;
    if (f->glyph_bytes != f->row_bytes * f->height)
        return fail(err, err_bytes, "PSF2 says %u bytes per glyph, but %ux%u glyphs take %u",
                    f->glyph_bytes, f->width, f->height, f->row_bytes * f->height);
    if (f->glyph_count == 0 || f->glyph_count > 65536u)
        return fail(err, err_bytes, "PSF2 glyph count %u is out of range 1..65536", f->glyph_count);
    return place_glyphs(data, size, header_bytes, (flags & PSF2_FLAG_TABLE) != 0, f, err, err_bytes);
}

int psf_parse(const uint8_t *data, size_t size, struct psf_font *f, char *err, size_t err_bytes)
{
    if (size == 0)
        return fail(err, err_bytes, "empty file");
    if (size >= 2 && data[0] == 0x36 && data[1] == 0x04)
        return parse_psf1(data, size, f, err, err_bytes);
    if (size >= 4 && data[0] == 0x72 && data[1] == 0xb5 && data[2] == 0x4a && data[3] == 0x86)
        return parse_psf2(data, size, f, err, err_bytes);
    return fail(err, err_bytes, "not a PSF font (no PSF1 or PSF2 magic; is it still gzip-compressed?)");
}

/* The table's entries, one at a time, for both versions. */
struct table_reader {
    const struct psf_font *f;
    size_t at;
};

enum entry_kind { ENTRY_CODE_POINT, ENTRY_SEQUENCES, ENTRY_END, ENTRY_BAD };

/* One UTF-8 code point (PSF2); ENTRY_BAD when malformed or cut off. */
static enum entry_kind read_utf8(struct table_reader *r, uint32_t *cp)
{
    const uint8_t *p = r->f->unicode;
    size_t left = r->f->unicode_bytes - r->at;
    uint8_t lead = p[r->at];
    size_t len = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > left)
        return ENTRY_BAD;
    uint32_t v = len == 1 ? lead : lead & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        uint8_t c = p[r->at + i];
        if ((c & 0xC0) != 0x80)
            return ENTRY_BAD;
        v = v << 6 | (c & 0x3Fu);
    }
    r->at += len;
    *cp = v;
    return ENTRY_CODE_POINT;
}

static enum entry_kind read_entry(struct table_reader *r, uint32_t *cp)
{
    const uint8_t *p = r->f->unicode;
    if (r->at >= r->f->unicode_bytes)
        return ENTRY_BAD;
    if (r->f->version == 1) {
        if (r->f->unicode_bytes - r->at < 2)
            return ENTRY_BAD;
        uint32_t v = (uint32_t)p[r->at] | (uint32_t)p[r->at + 1] << 8;
        r->at += 2;
        *cp = v;
        return v == 0xFFFF ? ENTRY_END : v == 0xFFFE ? ENTRY_SEQUENCES : ENTRY_CODE_POINT;
    }
    if (p[r->at] == 0xFF || p[r->at] == 0xFE)
        return p[r->at++] == 0xFF ? ENTRY_END : ENTRY_SEQUENCES;
    return read_utf8(r, cp);
}

long psf_glyph_for(const struct psf_font *f, uint32_t cp)
{
    if (f->unicode == NULL)
        return -1;
    struct table_reader r = {f, 0};
    for (uint32_t glyph = 0; glyph < f->glyph_count; glyph++) {
        int in_sequences = 0;
        for (;;) {
            uint32_t v = 0;
            enum entry_kind kind = read_entry(&r, &v);
            if (kind == ENTRY_BAD)
                return -1;
            if (kind == ENTRY_END)
                break;
            if (kind == ENTRY_SEQUENCES)
                in_sequences = 1;
            else if (!in_sequences && v == cp)
                return (long)glyph;
        }
    }
    return -1;
}
