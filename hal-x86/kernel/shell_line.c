/* shell_line.c - see shell_line.h. Escape sequences as ECMA-48 frames
 * them: ESC [ (CSI) then parameter and intermediate bytes 0x20..0x3F up to
 * one final byte 0x40..0x7E; ESC O (SS3) then one byte; ESC then any other
 * byte is a two-byte sequence. */
#include "shell_line.h"

#define CTRL_C 0x03
#define BACKSPACE 0x08
#define ESC 0x1B
#define DEL 0x7F

enum escape_state { ESCAPE_NONE, ESCAPE_STARTED, ESCAPE_CSI, ESCAPE_SS3 };

void shell_line_init(struct shell_line *l)
{
    shell_line_clear(l);
    l->escape = ESCAPE_NONE;
    l->after_cr = false;
}

void shell_line_clear(struct shell_line *l)
{
    l->len = 0;
    l->text[0] = '\0';
}

/* Inside an escape sequence: consume `c`, and leave the state once the
 * sequence is over. */
static void swallow_escape(struct shell_line *l, uint8_t c)
{
    if (l->escape == ESCAPE_STARTED)
        l->escape = c == '[' ? ESCAPE_CSI : c == 'O' ? ESCAPE_SS3 : ESCAPE_NONE;
    else if (l->escape == ESCAPE_SS3 || c < 0x20 || c > 0x3F)
        l->escape = ESCAPE_NONE;
}

enum shell_key shell_line_feed(struct shell_line *l, char c)
{
    uint8_t b = (uint8_t)c;
    bool after_cr = l->after_cr;
    l->after_cr = b == '\r';
    if (l->escape != ESCAPE_NONE) {
        swallow_escape(l, b);
        return SHELL_KEY_NONE;
    }
    if (b == '\r' || (b == '\n' && !after_cr))
        return SHELL_KEY_ENTER;
    if (b == BACKSPACE || b == DEL) {
        if (l->len == 0)
            return SHELL_KEY_NONE;
        l->text[--l->len] = '\0';
        return SHELL_KEY_ERASED;
    }
    if (b == CTRL_C)
        return SHELL_KEY_CANCEL;
    if (b == ESC)
        l->escape = ESCAPE_STARTED;
    if (b < 0x20 || b > 0x7E)
        return SHELL_KEY_NONE;
    if (l->len == SHELL_LINE_MAX)
        return SHELL_KEY_FULL;
    l->text[l->len++] = (char)b;
    l->text[l->len] = '\0';
    return SHELL_KEY_TYPED;
}
