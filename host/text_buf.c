/* text_buf.c - see text_buf.h. */
#include "text_buf.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void text_buf_reserve(struct text_buf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void text_buf_put(struct text_buf *b, const char *s, size_t len)
{
    text_buf_reserve(b, len);
    memcpy(b->data + b->len, s, len);
    b->len += len;
}

void text_buf_puts(struct text_buf *b, const char *s) { text_buf_put(b, s, strlen(s)); }

void text_buf_putc(struct text_buf *b, char c)
{
    text_buf_reserve(b, 1);
    b->data[b->len++] = c;
}

size_t text_fmt_u64(uint64_t v, char *buf)
{
    char tmp[21];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

void text_buf_u64(struct text_buf *b, uint64_t v)
{
    char tmp[21];
    size_t n = text_fmt_u64(v, tmp);
    text_buf_put(b, tmp, n);
}

void text_buf_i64(struct text_buf *b, int64_t v)
{
    if (v < 0) {
        text_buf_putc(b, '-');
        text_buf_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        text_buf_u64(b, (uint64_t)v);
    }
}

/* Length of the valid UTF-8 sequence at s (at most `left` bytes), or 0. */
static size_t utf8_sequence_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800u) || (n == 4 && (cp < 0x10000u || cp > 0x10FFFFu)))
        return 0; /* overlong or out of range */
    if (cp >= 0xD800u && cp <= 0xDFFFu)
        return 0; /* surrogates are not characters */
    return n;
}

void text_buf_json_text(struct text_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    text_buf_reserve(b, len + 8);
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            text_buf_putc(b, (char)c);
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence_len(u + i, len - i);
            if (n != 0) {
                text_buf_put(b, s + i, n);
                i += n;
                continue;
            }
        }
        switch (c) {
        case '"': text_buf_put(b, "\\\"", 2); break;
        case '\\': text_buf_put(b, "\\\\", 2); break;
        case '\n': text_buf_put(b, "\\n", 2); break;
        case '\r': text_buf_put(b, "\\r", 2); break;
        case '\t': text_buf_put(b, "\\t", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            text_buf_put(b, esc, 6);
        }
        }
        i++;
    }
}

void text_buf_json_str(struct text_buf *b, const char *s, size_t len)
{
    text_buf_putc(b, '"');
    text_buf_json_text(b, s, len);
    text_buf_putc(b, '"');
}

int text_buf_flush(struct text_buf *b, FILE *f)
{
    int rc = 0;
    if (b->len != 0 && f != NULL && fwrite(b->data, 1, b->len, f) != b->len)
        rc = -1;
    b->len = 0;
    return rc;
}

void text_buf_free(struct text_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

