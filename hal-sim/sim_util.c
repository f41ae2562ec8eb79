/* sim_util.c - see sim_util.h. */
#include "sim_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void sim_out_of_memory(size_t bytes)
{
    fprintf(stderr, "nimbus: out of host memory (asked for %zu bytes)\n", bytes);
    exit(2);
}

void *sim_xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (p == NULL)
        sim_out_of_memory(bytes);
    return p;
}

void *sim_xcalloc(size_t count, size_t bytes)
{
    void *p = calloc(count ? count : 1, bytes ? bytes : 1);
    if (p == NULL)
        sim_out_of_memory(count * bytes);
    return p;
}

void *sim_xrealloc(void *p, size_t bytes)
{
    void *q = realloc(p, bytes ? bytes : 1);
    if (q == NULL)
        sim_out_of_memory(bytes);
    return q;
}

char *sim_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sim_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void sim_buf_reserve(struct sim_buf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    b->data = sim_xrealloc(b->data, cap);
    b->cap = cap;
}

void sim_buf_put(struct sim_buf *b, const char *s, size_t len)
{
    sim_buf_reserve(b, len);
    memcpy(b->data + b->len, s, len);
    b->len += len;
}

void sim_buf_puts(struct sim_buf *b, const char *s) { sim_buf_put(b, s, strlen(s)); }

void sim_buf_putc(struct sim_buf *b, char c)
{
    sim_buf_reserve(b, 1);
    b->data[b->len++] = c;
}

size_t sim_fmt_u64(uint64_t v, char *buf)
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

void sim_buf_u64(struct sim_buf *b, uint64_t v)
{
    char tmp[21];
    size_t n = sim_fmt_u64(v, tmp);
    sim_buf_put(b, tmp, n);
}

void sim_buf_i64(struct sim_buf *b, int64_t v)
{
    if (v < 0) {
        sim_buf_putc(b, '-');
        sim_buf_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        sim_buf_u64(b, (uint64_t)v);
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

void sim_buf_json_text(struct sim_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    sim_buf_reserve(b, len + 8);
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            sim_buf_putc(b, (char)c);
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence_len(u + i, len - i);
            if (n != 0) {
                sim_buf_put(b, s + i, n);
                i += n;
                continue;
            }
        }
        switch (c) {
        case '"': sim_buf_put(b, "\\\"", 2); break;
        case '\\': sim_buf_put(b, "\\\\", 2); break;
        case '\n': sim_buf_put(b, "\\n", 2); break;
        case '\r': sim_buf_put(b, "\\r", 2); break;
        case '\t': sim_buf_put(b, "\\t", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sim_buf_put(b, esc, 6);
        }
        }
        i++;
    }
}

void sim_buf_json_str(struct sim_buf *b, const char *s, size_t len)
{
    sim_buf_putc(b, '"');
    sim_buf_json_text(b, s, len);
    sim_buf_putc(b, '"');
}

void sim_buf_json_pid(struct sim_buf *b, uint32_t pid)
{
    sim_buf_put(b, "\"n", 2);
    sim_buf_u64(b, pid >> 16);
    sim_buf_putc(b, '.');
    sim_buf_u64(b, pid & 0xFFFFu);
    sim_buf_putc(b, '"');
}

int sim_buf_flush(struct sim_buf *b, FILE *f)
{
    int rc = 0;
    if (b->len != 0 && f != NULL && fwrite(b->data, 1, b->len, f) != b->len)
        rc = -1;
    b->len = 0;
    return rc;
}

void sim_buf_free(struct sim_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int sim_make_dirs(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return -1;
        buf[i] = c;
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int sim_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}
