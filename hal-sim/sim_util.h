/*
 * sim_util.h - small host helpers for the simulator: allocation that
 * never returns NULL (the simulator cannot go on without memory, so it
 * stops with a message), and a fixed-buffer text builder used by the
 * trace and metrics writers so that their output is formatted the same
 * way on every machine (integers only, no locale).
 */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* mkdir -p: 0, or -1 with errno set. */
int sim_make_dirs(const char *path);
/* Write `text` and a newline to the file at `path`: 0, or -1 with errno set. */
int sim_write_text(const char *path, const char *text);

void *sim_xmalloc(size_t bytes);
void *sim_xcalloc(size_t count, size_t bytes);
void *sim_xrealloc(void *p, size_t bytes);
char *sim_xstrdup(const char *s);

/* A growable byte buffer. */
struct sim_buf {
    char *data;
    size_t len, cap;
};

void sim_buf_reserve(struct sim_buf *b, size_t extra);
void sim_buf_put(struct sim_buf *b, const char *s, size_t len);
void sim_buf_puts(struct sim_buf *b, const char *s);
void sim_buf_putc(struct sim_buf *b, char c);
void sim_buf_u64(struct sim_buf *b, uint64_t v);
void sim_buf_i64(struct sim_buf *b, int64_t v);
/* `len` bytes as the inside of a JSON string: quote, backslash and control
 * characters escaped, valid UTF-8 copied, any other byte as \u00XX. */
void sim_buf_json_text(struct sim_buf *b, const char *s, size_t len);
/* A JSON string including its quotes. */
void sim_buf_json_str(struct sim_buf *b, const char *s, size_t len);
/* "n<node>.<local>" in quotes. */
void sim_buf_json_pid(struct sim_buf *b, uint32_t pid);
/* Write the buffer to f and empty it; returns 0 or -1 on a write error. */
int sim_buf_flush(struct sim_buf *b, FILE *f);
void sim_buf_free(struct sim_buf *b);

/* Decimal digits of v into buf (at least 21 bytes), NUL-terminated;
 * returns the length. */
size_t sim_fmt_u64(uint64_t v, char *buf);

#endif
