/*
 * shell_line.h - line editing for the command line, byte by byte as a
 * terminal sends them: printable ASCII is typed, Backspace and DEL erase,
 * Enter (CR, LF or CR LF) ends the line, Ctrl-C abandons it. Escape
 * sequences (arrow and function keys) and other control or non-ASCII
 * bytes are swallowed. Pure: the caller echoes what the result says.
 */
#ifndef HAL_X86_SHELL_LINE_H
#define HAL_X86_SHELL_LINE_H

#include <stdbool.h>
#include <stdint.h>

#define SHELL_LINE_MAX 160u /* bytes a line may hold */

enum shell_key {
    SHELL_KEY_NONE,   /* nothing changed; echo nothing */
    SHELL_KEY_TYPED,  /* the byte was appended; echo it */
    SHELL_KEY_ERASED, /* the last byte was removed; echo "\b \b" */
    SHELL_KEY_ENTER,  /* the line is complete in `text` */
    SHELL_KEY_CANCEL, /* Ctrl-C: the caller clears the line */
    SHELL_KEY_FULL,   /* a printable byte did not fit; echo nothing */
};

struct shell_line {
    char text[SHELL_LINE_MAX + 1]; /* always NUL-terminated */
    uint32_t len;
    uint8_t escape;  /* where in an escape sequence we are (shell_line.c) */
    bool after_cr;   /* the last byte was CR: a LF right after it is not a second Enter */
};

/* An empty line at the start of the byte stream. */
void shell_line_init(struct shell_line *l);

/* Empty the line once it has been run or abandoned. The stream's state
 * stays: a LF right after the CR that ended the line is still swallowed. */
void shell_line_clear(struct shell_line *l);

/* Feed one byte; says what happened. */
enum shell_key shell_line_feed(struct shell_line *l, char c);

#endif
