/* test_fbcon.c - the x86 screen's drawing, on the host: glyphs drawn into
 * a memory buffer laid out like a framebuffer (fbcon), the cell grid that
 * scrolls the console under a fixed status panel (textcon), the font the
 * build converted, and the PSF parser that converted it. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hal-x86/font/psf.h"
#include "hal-x86/kernel/fbcon.h"
#include "hal-x86/kernel/font.h"
#include "hal-x86/kernel/textcon.h"

#define SENTINEL 0xDEADBEEFu
#define ATTR_TEXT 0x1Eu /* yellow on blue */

/* A framebuffer of width x height pixels whose rows carry `pad_pixels`
 * pixels of padding, every pixel set to SENTINEL. */
struct membuf {
    uint32_t *pixels;
    uint32_t stride; /* pixels per row, padding included */
    struct fbcon fb;
};

static void membuf_open(struct membuf *m, uint32_t width, uint32_t height, uint32_t pad_pixels)
{
    m->stride = width + pad_pixels;
    m->pixels = malloc((size_t)m->stride * height * 4u);
    cr_assert_not_null(m->pixels);
    for (size_t i = 0; i < (size_t)m->stride * height; i++)
        m->pixels[i] = SENTINEL;
    cr_assert_eq(fbcon_init(&m->fb, m->pixels, m->stride * 4u, width, height, 32), 0);
}

static uint32_t pixel(const struct membuf *m, uint32_t x, uint32_t y)
{
    return m->pixels[(size_t)y * m->stride + x];
}

/* Whether cell (col, row) shows byte `ch` in colours `attr`, pixel by pixel. */
static bool cell_shows(const struct membuf *m, uint32_t col, uint32_t row, uint8_t ch, uint8_t attr)
{
    for (uint32_t y = 0; y < FONT_HEIGHT; y++)
        for (uint32_t x = 0; x < FONT_WIDTH; x++) {
            bool on = font_glyphs[ch][y] & (0x80u >> x);
            uint32_t want = fbcon_palette[on ? attr & 15u : attr >> 4];
            if (pixel(m, col * FONT_WIDTH + x, row * FONT_HEIGHT + y) != want)
                return false;
        }
    return true;
}

static uint32_t count_sentinels(const struct membuf *m, uint32_t height)
{
    uint32_t n = 0;
    for (size_t i = 0; i < (size_t)m->stride * height; i++)
        n += m->pixels[i] == SENTINEL;
    return n;
}

Test(fbcon, glyph_drawn_at_its_cell_and_nowhere_else)
{
    struct membuf m;
    membuf_open(&m, 64, 48, 5);
    cr_assert_eq(m.fb.cols, 8);
    cr_assert_eq(m.fb.rows, 3);
    fbcon_draw_cell(&m.fb, 2, 1, 'A', ATTR_TEXT);
    cr_assert(cell_shows(&m, 2, 1, 'A', ATTR_TEXT));
    cr_assert_eq(count_sentinels(&m, 48), m.stride * 48 - FONT_WIDTH * FONT_HEIGHT);
    /* 'A' has both colours in it: foreground and background were both used. */
    bool fg = false, bg = false;
    for (uint32_t y = 16; y < 32; y++)
        for (uint32_t x = 16; x < 24; x++) {
            fg |= pixel(&m, x, y) == fbcon_palette[0xE];
            bg |= pixel(&m, x, y) == fbcon_palette[0x1];
        }
    cr_assert(fg && bg);
    free(m.pixels);
}

Test(fbcon, clipped_at_the_edges)
{
    /* 21 x 40 pixels: two whole cells across, two down; the rest is never
     * touched, and neither is the padding at the end of each row. */
    struct membuf m;
    membuf_open(&m, 21, 40, 3);
    cr_assert_eq(m.fb.cols, 2);
    cr_assert_eq(m.fb.rows, 2);
    fbcon_draw_cell(&m.fb, 2, 0, 'X', ATTR_TEXT);
    fbcon_draw_cell(&m.fb, 0, 2, 'X', ATTR_TEXT);
    fbcon_draw_cell(&m.fb, 1000, 1000, 'X', ATTR_TEXT);
    cr_assert_eq(count_sentinels(&m, 40), m.stride * 40, "a cell outside the grid drew pixels");
    fbcon_draw_cell(&m.fb, 1, 1, 0xDB, 0x0F); /* a full block: every pixel foreground */
    for (uint32_t y = 0; y < 40; y++)
        for (uint32_t x = 0; x < m.stride; x++) {
            bool inside = x >= 8 && x < 16 && y >= 16 && y < 32;
            cr_assert_eq(pixel(&m, x, y), inside ? fbcon_palette[0xF] : SENTINEL, "pixel %u,%u", x, y);
        }
    free(m.pixels);
}

Test(fbcon, unusable_descriptions_refused)
{
    uint32_t pixels[64 * 32];
    struct fbcon fb;
    cr_assert_eq(fbcon_init(&fb, pixels, 64 * 4, 64, 32, 24), -1, "24 bits per pixel");
    cr_assert_eq(fbcon_init(&fb, pixels, 64 * 4, 64, 32, 16), -1, "16 bits per pixel");
    cr_assert_eq(fbcon_init(&fb, pixels, 63 * 4, 64, 32, 32), -1, "pitch shorter than a row");
    cr_assert_eq(fbcon_init(&fb, pixels, 64 * 4, 7, 32, 32), -1, "narrower than a cell");
    cr_assert_eq(fbcon_init(&fb, pixels, 64 * 4, 64, 15, 32), -1, "lower than a cell");
    cr_assert_eq(fbcon_init(&fb, NULL, 64 * 4, 64, 32, 32), -1, "no memory");
    cr_assert_eq(fbcon_init(&fb, pixels, 64 * 4, 64, 32, 32), 0);
}

Test(font, converted_glyphs_look_right)
{
    for (uint32_t y = 0; y < FONT_HEIGHT; y++) {
        cr_assert_eq(font_glyphs[' '][y], 0, "space is blank");
        cr_assert_eq(font_glyphs[0xDB][y], 0xFF, "0xDB is code page 437's full block");
    }
    uint32_t lit = 0, divider_rows = 0;
    for (uint32_t y = 0; y < FONT_HEIGHT; y++) {
        lit += font_glyphs['A'][y] != 0;
        divider_rows += font_glyphs[0xC4][y] == 0xFF;
    }
    cr_assert_gt(lit, 6, "'A' has ink on several rows");
    cr_assert_geq(divider_rows, 1, "0xC4 is a horizontal line");
    cr_assert(memcmp(font_glyphs['A'], font_glyphs['B'], FONT_HEIGHT) != 0);
}

/* ---- the cell grid, drawn through fbcon ---------------------------------- */

#define GRID_COLS 10u
#define GRID_ROWS 6u
#define GRID_TOP 2u /* rows 0..1 are the fixed panel */
#define ATTR_CONSOLE 0x07u
#define ATTR_PANEL 0x1Fu

struct grid {
    struct membuf m;
    struct text_cell want[GRID_COLS * GRID_ROWS], shown[GRID_COLS * GRID_ROWS];
    struct textcon con;
    uint32_t draws;
};

static void grid_draw(void *ctx, uint32_t col, uint32_t row, struct text_cell cell)
{
    struct grid *g = ctx;
    g->draws++;
    fbcon_draw_cell(&g->m.fb, col, row, cell.ch, cell.attr);
}

static struct grid *grid_open(void)
{
    struct grid *g = calloc(1, sizeof *g);
    cr_assert_not_null(g);
    membuf_open(&g->m, GRID_COLS * FONT_WIDTH, GRID_ROWS * FONT_HEIGHT, 0);
    textcon_init(&g->con, g->want, g->shown, GRID_COLS, GRID_ROWS, GRID_TOP, ATTR_CONSOLE, grid_draw, g);
    return g;
}

static void grid_close(struct grid *g)
{
    free(g->m.pixels);
    free(g);
}

static void grid_write(struct grid *g, const char *text)
{
    textcon_write(&g->con, text, strlen(text));
    textcon_flush(&g->con);
}

/* Whether screen row `row` reads `text` (blank-padded) in colours `attr`;
 * the cursor cell is skipped. */
static bool row_reads(struct grid *g, uint32_t row, const char *text, uint8_t attr)
{
    size_t len = strlen(text);
    for (uint32_t c = 0; c < GRID_COLS; c++) {
        if (row == g->con.row && c == g->con.col)
            continue;
        if (!cell_shows(&g->m, c, row, c < len ? (uint8_t)text[c] : ' ', attr))
            return false;
    }
    return true;
}

static uint8_t swapped(uint8_t attr)
{
    return (uint8_t)(attr << 4 | attr >> 4);
}

Test(textcon, first_flush_draws_everything_blank)
{
    struct grid *g = grid_open();
    textcon_flush(&g->con);
    cr_assert_eq(g->draws, GRID_COLS * GRID_ROWS);
    cr_assert_eq(count_sentinels(&g->m, GRID_ROWS * FONT_HEIGHT), 0);
    cr_assert(cell_shows(&g->m, 0, GRID_TOP, ' ', swapped(ATTR_CONSOLE)), "the cursor starts the console");
    grid_close(g);
}

Test(textcon, text_lands_in_the_console_rows)
{
    struct grid *g = grid_open();
    grid_write(g, "AB\nCD");
    cr_assert(row_reads(g, GRID_TOP, "AB", ATTR_CONSOLE));
    cr_assert(row_reads(g, GRID_TOP + 1, "CD", ATTR_CONSOLE));
    cr_assert(cell_shows(&g->m, 2, GRID_TOP + 1, ' ', swapped(ATTR_CONSOLE)), "cursor after CD");
    grid_close(g);
}

Test(textcon, scrolling_moves_console_rows_up_and_keeps_the_panel)
{
    struct grid *g = grid_open();
    textcon_set_row(&g->con, 0, "STATUS", ATTR_PANEL);
    grid_write(g, "one\ntwo\nthree\nfour");
    cr_assert(row_reads(g, GRID_ROWS - 1, "four", ATTR_CONSOLE));
    grid_write(g, "\nfive");
    cr_assert(row_reads(g, GRID_TOP, "two", ATTR_CONSOLE));
    cr_assert(row_reads(g, GRID_TOP + 1, "three", ATTR_CONSOLE));
    cr_assert(row_reads(g, GRID_TOP + 2, "four", ATTR_CONSOLE));
    cr_assert(row_reads(g, GRID_TOP + 3, "five", ATTR_CONSOLE));
    cr_assert(row_reads(g, 0, "STATUS", ATTR_PANEL), "the panel does not scroll");
    cr_assert(row_reads(g, 1, "", ATTR_CONSOLE));
    grid_close(g);
}

Test(textcon, long_lines_wrap_and_control_bytes_edit)
{
    struct grid *g = grid_open();
    grid_write(g, "0123456789AB");
    cr_assert(row_reads(g, GRID_TOP, "0123456789", ATTR_CONSOLE));
    cr_assert(row_reads(g, GRID_TOP + 1, "AB", ATTR_CONSOLE));
    grid_write(g, "\rxy\bZ\x01\x1b\x7f\n\tT");
    cr_assert(row_reads(g, GRID_TOP + 1, "xZ", ATTR_CONSOLE), "CR returns, BS steps back, others ignored");
    cr_assert(row_reads(g, GRID_TOP + 2, "        T", ATTR_CONSOLE), "a tab stops at column 8");
    grid_close(g);
}

Test(textcon, exactly_full_line_then_newline_leaves_no_blank_line)
{
    struct grid *g = grid_open();
    grid_write(g, "0123456789\nX");
    cr_assert(row_reads(g, GRID_TOP, "0123456789", ATTR_CONSOLE));
    cr_assert(row_reads(g, GRID_TOP + 1, "X", ATTR_CONSOLE));
    grid_close(g);
}

Test(textcon, flush_redraws_only_changed_cells)
{
    struct grid *g = grid_open();
    textcon_flush(&g->con);
    g->draws = 0;
    textcon_flush(&g->con);
    cr_assert_eq(g->draws, 0);
    grid_write(g, "A");
    cr_assert_eq(g->draws, 2, "the new byte and the cursor's new cell");
    g->draws = 0;
    textcon_set_row(&g->con, 1, "hi", ATTR_CONSOLE);
    textcon_flush(&g->con);
    cr_assert_eq(g->draws, 2);
    grid_close(g);
}

Test(textcon, rows_outside_the_grid_ignored)
{
    struct grid *g = grid_open();
    textcon_flush(&g->con);
    g->draws = 0;
    textcon_set_row(&g->con, GRID_ROWS, "nowhere", ATTR_PANEL);
    textcon_set_row(&g->con, 0, "a row longer than the grid is wide", ATTR_PANEL);
    textcon_flush(&g->con);
    cr_assert_eq(g->draws, GRID_COLS);
    cr_assert(row_reads(g, 0, "a row long", ATTR_PANEL));
    grid_close(g);
}

/* ---- the PSF parser ------------------------------------------------------- */

/* A PSF1 font of 256 glyphs, 4 rows each (glyph i's rows all hold i), with
 * a unicode table giving glyph 1 U+263A and glyph 2 U+0041 and a sequence. */
static size_t make_psf1(uint8_t *buf, size_t cap)
{
    size_t n = 0;
    buf[n++] = 0x36, buf[n++] = 0x04, buf[n++] = 0x02, buf[n++] = 4;
    for (uint32_t g = 0; g < 256; g++)
        for (uint32_t r = 0; r < 4; r++)
            buf[n++] = (uint8_t)g;
    for (uint32_t g = 0; g < 256; g++) {
        if (g == 1)
            buf[n++] = 0x3A, buf[n++] = 0x26;
        if (g == 2) {
            buf[n++] = 0xFE, buf[n++] = 0xFF; /* a sequence: U+0042 U+0301 is not U+0042 */
            buf[n++] = 0x42, buf[n++] = 0x00, buf[n++] = 0x01, buf[n++] = 0x03;
        }
        buf[n++] = 0xFF, buf[n++] = 0xFF;
    }
    cr_assert_leq(n, cap);
    return n;
}

Test(psf, psf1_with_unicode_table)
{
    uint8_t buf[2048];
    size_t n = make_psf1(buf, sizeof buf);
    struct psf_font f;
    char err[128];
    cr_assert_eq(psf_parse(buf, n, &f, err, sizeof err), 0, "%s", err);
    cr_assert_eq(f.version, 1);
    cr_assert_eq(f.glyph_count, 256);
    cr_assert_eq(f.width, 8);
    cr_assert_eq(f.height, 4);
    cr_assert_eq(f.glyphs[7 * 4], 7);
    cr_assert_eq(psf_glyph_for(&f, 0x263A), 1);
    cr_assert_eq(psf_glyph_for(&f, 0x42), -1, "code points inside sequences do not count");
    cr_assert_eq(psf_glyph_for(&f, 'Z'), -1);
}

Test(psf, truncated_or_foreign_files_refused)
{
    uint8_t buf[2048];
    size_t n = make_psf1(buf, sizeof buf);
    struct psf_font f;
    char err[128] = "";
    cr_assert_eq(psf_parse(buf, 3, &f, err, sizeof err), -1);
    cr_assert(strstr(err, "truncated") != NULL, "%s", err);
    cr_assert_eq(psf_parse(buf, 4 + 255 * 4, &f, err, sizeof err), -1, "a glyph short");
    cr_assert(strstr(err, "truncated") != NULL, "%s", err);
    const uint8_t gzip[] = {0x1f, 0x8b, 0x08, 0x00};
    cr_assert_eq(psf_parse(gzip, sizeof gzip, &f, err, sizeof err), -1);
    cr_assert(strstr(err, "not a PSF font") != NULL, "%s", err);
    buf[3] = 0;
    cr_assert_eq(psf_parse(buf, n, &f, err, sizeof err), -1, "zero height");
}

Test(psf, cut_unicode_table_ends_the_search)
{
    uint8_t buf[2048];
    make_psf1(buf, sizeof buf);
    struct psf_font f;
    char err[128];
    /* Only glyph 0's terminator and half of glyph 1's entry remain. */
    cr_assert_eq(psf_parse(buf, 4 + 256 * 4 + 3, &f, err, sizeof err), 0, "%s", err);
    cr_assert_eq(psf_glyph_for(&f, 0x263A), -1);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A PSF2 font of 3 glyphs, 10x2 pixels (2 bytes a row), with a UTF-8
 * table: glyph 2 is U+2588 (E2 96 88). */
static size_t make_psf2(uint8_t *buf)
{
    const uint8_t magic[4] = {0x72, 0xb5, 0x4a, 0x86};
    memcpy(buf, magic, 4);
    put_le32(buf + 4, 0);
    put_le32(buf + 8, 32);
    put_le32(buf + 12, 1);
    put_le32(buf + 16, 3);
    put_le32(buf + 20, 4);
    put_le32(buf + 24, 2);
    put_le32(buf + 28, 10);
    size_t n = 32;
    for (int i = 0; i < 12; i++)
        buf[n++] = (uint8_t)i;
    const uint8_t table[] = {'a', 0xFF, 'b', 0xFF, 0xE2, 0x96, 0x88, 0xFF};
    memcpy(buf + n, table, sizeof table);
    return n + sizeof table;
}

Test(psf, psf2_with_utf8_table)
{
    uint8_t buf[128];
    size_t n = make_psf2(buf);
    struct psf_font f;
    char err[128];
    cr_assert_eq(psf_parse(buf, n, &f, err, sizeof err), 0, "%s", err);
    cr_assert_eq(f.version, 2);
    cr_assert_eq(f.width, 10);
    cr_assert_eq(f.row_bytes, 2);
    cr_assert_eq(psf_glyph_for(&f, 'b'), 1);
    cr_assert_eq(psf_glyph_for(&f, 0x2588), 2);
    buf[n - 2] = 0x41; /* a continuation byte that is not one */
    cr_assert_eq(psf_glyph_for(&f, 0x2588), -1);
    put_le32(buf + 20, 3); /* bytes per glyph disagree with 10x2 */
    cr_assert_eq(psf_parse(buf, n, &f, err, sizeof err), -1);
    cr_assert(strstr(err, "bytes per glyph") != NULL, "%s", err);
}
