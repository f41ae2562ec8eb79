/*
 * screen.c - see screen.h. The text lives in a cell grid (textcon.h);
 * fbcon.h or vgatext.h draws it. Layout: status rows 0..SCREEN_STATUS_ROWS-1,
 * a divider line, the scrolling console below.
 *
 * Not for interrupt handlers (irq.h): the grid is not locked.
 */
#include "screen.h"

#include <stdbool.h>

#include "fbcon.h"
#include "kprint.h"
#include "textcon.h"
#include "vgatext.h"

/* Larger framebuffers show this many cells in their top-left corner. */
#define SCREEN_MAX_COLS 256u
#define SCREEN_MAX_ROWS 128u
#define SCREEN_MIN_CONSOLE_ROWS 4u
#define SCREEN_DIVIDER_ROW SCREEN_STATUS_ROWS
#define SCREEN_CONSOLE_TOP (SCREEN_DIVIDER_ROW + 1u)
#define SCREEN_MIN_COLS 80u

/* Colours: VGA attributes, background nibble below 8 (no blinking). */
#define ATTR_CONSOLE 0x07u /* light grey on black */
#define ATTR_STATUS 0x0Fu  /* white on black */
#define ATTR_TITLE 0x1Fu   /* white on blue */
#define ATTR_DIVIDER 0x03u /* cyan on black */
#define DIVIDER_BYTE 0xC4u /* a horizontal line in code page 437 */

/* The identity map ends here: a framebuffer above it is not addressable. */
#define MAPPED_LIMIT (4ull << 30)

_Static_assert(SCREEN_CONSOLE_TOP + SCREEN_MIN_CONSOLE_ROWS <= 25u, "the layout must fit VGA text mode");

static struct text_cell cells_want[SCREEN_MAX_COLS * SCREEN_MAX_ROWS];
static struct text_cell cells_shown[SCREEN_MAX_COLS * SCREEN_MAX_ROWS];
static struct textcon con;
static struct fbcon fb;
static bool screen_ready;
static char mode_name[48] = "none";

static void fb_draw(void *ctx, uint32_t col, uint32_t row, struct text_cell cell)
{
    fbcon_draw_cell(ctx, col, row, cell.ch, cell.attr);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Set up the framebuffer console: NULL, or why the framebuffer is unusable. */
static const char *use_framebuffer(const struct boot_framebuffer *bfb)
{
    if (bfb->bpp != 32)
        return "only 32 bits per pixel are supported";
    if (bfb->addr + (uint64_t)bfb->pitch * bfb->height > MAPPED_LIMIT)
        return "it lies above 4 GiB, outside the identity map";
    if (fbcon_init(&fb, (void *)(uintptr_t)bfb->addr, bfb->pitch, bfb->width, bfb->height, bfb->bpp) != 0)
        return "its pitch or size is unusable";
    if (fb.cols < SCREEN_MIN_COLS || fb.rows < SCREEN_CONSOLE_TOP + SCREEN_MIN_CONSOLE_ROWS)
        return "it is too small for the status panel and a console";
    uint32_t cols = min_u32(fb.cols, SCREEN_MAX_COLS), rows = min_u32(fb.rows, SCREEN_MAX_ROWS);
    textcon_init(&con, cells_want, cells_shown, cols, rows, SCREEN_CONSOLE_TOP, ATTR_CONSOLE, fb_draw, &fb);
    ksnprintf(mode_name, sizeof mode_name, "framebuffer %ux%u", bfb->width, bfb->height);
    return NULL;
}

static void use_vga_text(void)
{
    vgatext_init();
    textcon_init(&con, cells_want, cells_shown, VGATEXT_COLS, VGATEXT_ROWS, SCREEN_CONSOLE_TOP, ATTR_CONSOLE,
                 vgatext_draw_cell, NULL);
    ksnprintf(mode_name, sizeof mode_name, "vga text %ux%u", VGATEXT_COLS, VGATEXT_ROWS);
}

static void draw_divider(void)
{
    char line[SCREEN_MAX_COLS + 1];
    uint32_t c = 0;
    for (; c < con.cols; c++)
        line[c] = (char)DIVIDER_BYTE;
    line[c] = '\0';
    textcon_set_row(&con, SCREEN_DIVIDER_ROW, line, ATTR_DIVIDER);
}

void screen_init(const struct boot_framebuffer *bfb)
{
    const char *refused = NULL;
    bool framebuffer = bfb->present && (refused = use_framebuffer(bfb)) == NULL;
    if (!framebuffer)
        use_vga_text();
    draw_divider();
    textcon_flush(&con);
    screen_ready = true;
    if (refused != NULL)
        kprintf("cumulonimbus: screen: framebuffer %ux%ux%u not used (%s); VGA text instead\n", bfb->width,
                bfb->height, bfb->bpp, refused);
}

void screen_write(const char *text, size_t len)
{
    if (!screen_ready)
        return;
    textcon_write(&con, text, len);
    textcon_flush(&con);
}

void screen_status_row(uint32_t row, const char *text, int highlight)
{
    if (!screen_ready || row >= SCREEN_STATUS_ROWS)
        return;
    textcon_set_row(&con, row, text, highlight ? ATTR_TITLE : ATTR_STATUS);
    textcon_flush(&con);
}

uint32_t screen_columns(void)
{
    return screen_ready ? con.cols : 0;
}

const char *screen_mode(void)
{
    return mode_name;
}
