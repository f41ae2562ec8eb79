/*
 * vgatext.c - see vgatext.h. The mode is programmed here register by
 * register (the IBM VGA's standard 80x25 text mode, 720x400 with 9-dot
 * cells) rather than trusted to firmware: a minimal BIOS such as qboot
 * never initialises the VGA, and then the screen stays dark. The same
 * goes for the font (loaded into plane 2 from font.h, so both screen modes
 * draw alike) and the colours (the DAC gets fbcon_palette).
 */
#include "vgatext.h"

#include "fbcon.h"
#include "font.h"
#include "io.h"

#define VGATEXT_MEMORY 0xB8000u
#define VGA_FONT_MEMORY 0xA0000u   /* plane 2 while it is mapped alone */
#define VGA_FONT_SLOT_BYTES 32u    /* plane 2 holds 32 bytes per character */

#define MISC_OUTPUT_WRITE 0x3C2u
#define SEQ_INDEX 0x3C4u
#define GC_INDEX 0x3CEu
#define CRTC_INDEX 0x3D4u
#define ATTR_PORT 0x3C0u           /* index and data written alternately */
#define INPUT_STATUS_1 0x3DAu      /* reading it resets ATTR_PORT to "index" */
#define DAC_WRITE_INDEX 0x3C8u
#define DAC_DATA 0x3C9u

#define MISC_TEXT 0x67u            /* colour I/O at 3Dx, 28 MHz clock, 400-line sync */
#define SEQ_RESET 0x00u
#define SEQ_MAP_MASK 0x02u
#define SEQ_MEMORY_MODE 0x04u
#define GC_READ_MAP 0x04u
#define GC_MODE 0x05u
#define GC_MISC 0x06u
#define CRTC_CURSOR_START 0x0Au
#define CRTC_VRETRACE_END 0x11u    /* bit 7 write-protects CRTC registers 0..7 */
#define CURSOR_DISABLE 0x20u
#define ATTR_VIDEO_ON 0x20u        /* set with the index: the palette is in use */

/* Sequencer 1..4: 9-dot characters, planes 0 and 1 (character, colour),
 * font 0, odd/even addressing. */
static const uint8_t seq_text[4] = {0x00, 0x03, 0x00, 0x02};

/* CRT controller 0x00..0x18: 720x400 at 70 Hz, 16 scan lines a row. */
static const uint8_t crtc_text[25] = {
    0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
    0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
};

/* Graphics controller 0..8: odd/even text memory at 0xB8000. */
static const uint8_t gc_text[9] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF};

/* Attribute controller 0x10..0x14 (after the 16 palette entries, which map
 * colour i to DAC entry i): text, line-graphics 9th column, no blinking;
 * overscan black; all planes; 9-dot pixel panning; colour select 0. */
static const uint8_t attr_text[5] = {0x04, 0x00, 0x0F, 0x08, 0x00};

static void write_indexed(uint16_t index_port, uint8_t index, uint8_t value)
{
    outb(index_port, index);
    outb((uint16_t)(index_port + 1u), value);
}

static void write_attr(uint8_t index, uint8_t value)
{
    outb(ATTR_PORT, index);
    outb(ATTR_PORT, value);
}

static void set_registers(void)
{
    outb(MISC_OUTPUT_WRITE, MISC_TEXT);
    write_indexed(SEQ_INDEX, SEQ_RESET, 0x01); /* hold the sequencer while the clocking changes */
    for (uint8_t i = 0; i < sizeof seq_text; i++)
        write_indexed(SEQ_INDEX, (uint8_t)(i + 1u), seq_text[i]);
    write_indexed(SEQ_INDEX, SEQ_RESET, 0x03);

    outb(CRTC_INDEX, CRTC_VRETRACE_END);
    write_indexed(CRTC_INDEX, CRTC_VRETRACE_END, inb(CRTC_INDEX + 1u) & 0x7Fu);
    for (uint8_t i = 0; i < sizeof crtc_text; i++)
        write_indexed(CRTC_INDEX, i, crtc_text[i]);
    write_indexed(CRTC_INDEX, CRTC_CURSOR_START, CURSOR_DISABLE);

    for (uint8_t i = 0; i < sizeof gc_text; i++)
        write_indexed(GC_INDEX, i, gc_text[i]);

    (void)inb(INPUT_STATUS_1);
    for (uint8_t i = 0; i < 16; i++)
        write_attr(i, i);
    for (uint8_t i = 0; i < sizeof attr_text; i++)
        write_attr((uint8_t)(0x10u + i), attr_text[i]);
    outb(ATTR_PORT, ATTR_VIDEO_ON);
}

/* The DAC takes 6 bits per primary. */
static void set_palette(void)
{
    outb(DAC_WRITE_INDEX, 0);
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t rgb = fbcon_palette[i];
        outb(DAC_DATA, (uint8_t)(rgb >> 18 & 0x3Fu));
        outb(DAC_DATA, (uint8_t)(rgb >> 10 & 0x3Fu));
        outb(DAC_DATA, (uint8_t)(rgb >> 2 & 0x3Fu));
    }
}

/* Map plane 2 alone at 0xA0000, copy the glyphs in, and map the text back. */
static void load_font(void)
{
    write_indexed(SEQ_INDEX, SEQ_MAP_MASK, 0x04);
    write_indexed(SEQ_INDEX, SEQ_MEMORY_MODE, 0x07);
    write_indexed(GC_INDEX, GC_READ_MAP, 0x02);
    write_indexed(GC_INDEX, GC_MODE, 0x00);
    write_indexed(GC_INDEX, GC_MISC, 0x04);
    volatile uint8_t *slots = (volatile uint8_t *)(uintptr_t)VGA_FONT_MEMORY;
    for (uint32_t ch = 0; ch < FONT_GLYPHS; ch++)
        for (uint32_t y = 0; y < VGA_FONT_SLOT_BYTES; y++)
            slots[ch * VGA_FONT_SLOT_BYTES + y] = y < FONT_HEIGHT ? font_glyphs[ch][y] : 0;
    write_indexed(SEQ_INDEX, SEQ_MAP_MASK, seq_text[SEQ_MAP_MASK - 1u]);
    write_indexed(SEQ_INDEX, SEQ_MEMORY_MODE, seq_text[SEQ_MEMORY_MODE - 1u]);
    write_indexed(GC_INDEX, GC_READ_MAP, gc_text[GC_READ_MAP]);
    write_indexed(GC_INDEX, GC_MODE, gc_text[GC_MODE]);
    write_indexed(GC_INDEX, GC_MISC, gc_text[GC_MISC]);
}

void vgatext_init(void)
{
    set_registers();
    set_palette();
    load_font();
}

void vgatext_draw_cell(void *ctx, uint32_t col, uint32_t row, struct text_cell cell)
{
    (void)ctx;
    if (col >= VGATEXT_COLS || row >= VGATEXT_ROWS)
        return;
    volatile uint16_t *cells = (volatile uint16_t *)(uintptr_t)VGATEXT_MEMORY;
    cells[row * VGATEXT_COLS + col] = (uint16_t)(cell.ch | cell.attr << 8);
}
