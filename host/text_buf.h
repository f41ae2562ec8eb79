/*
 * text_buf.h - a growable text buffer for output files that must be the
 * same bytes on every machine: integers only, no locale, JSON strings
 * escaped one way. The trace, metrics and report writers build their
 * lines here.
 */
#ifndef HOST_TEXT_BUF_H
#define HOST_TEXT_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct text_buf {
    char *data;
    size_t len, cap;
};

void text_buf_reserve(struct text_buf *b, size_t extra);
void text_buf_put(struct text_buf *b, const char *s, size_t len);
void text_buf_puts(struct text_buf *b, const char *s);
void text_buf_putc(struct text_buf *b, char c);
void text_buf_u64(struct text_buf *b, uint64_t v);
void text_buf_i64(struct text_buf *b, int64_t v);
/* `len` bytes as the inside of a JSON string: quote, backslash and control
 * characters escaped, valid UTF-8 copied, any other byte as \u00XX. */
void text_buf_json_text(struct text_buf *b, const char *s, size_t len);
/* A JSON string including its quotes. */
void text_buf_json_str(struct text_buf *b, const char *s, size_t len);
/* Write the buffer to f and empty it; returns 0 or -1 on a write error. */
int text_buf_flush(struct text_buf *b, FILE *f);
void text_buf_free(struct text_buf *b);

/* Decimal digits of v into buf (at least 21 bytes), NUL-terminated;
 * returns the length. */
size_t text_fmt_u64(uint64_t v, char *buf);

#endif
