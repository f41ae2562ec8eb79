/*
 * kprint.c - see kprint.h. The formatter writes through a bounded cursor,
 * so no format or argument can run past a buffer; like snprintf it
 * returns the length the whole text would have had.
 */
#include "kprint.h"

#include <stdbool.h>
#include <stdint.h>

#include "screen.h"
#include "serial.h"
#include "shell.h"

#define KPRINTF_BYTES 1024u /* longer kprintf texts are cut */

struct out {
    char *buf;
    size_t size, len; /* len counts every byte, written or not */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int count)
{
    for (int i = 0; i < count; i++)
        put(o, c);
}

struct spec {
    bool left, zero;
    int width;
};

/* `text` (len bytes) padded to the width; zeros go after any sign. */
static void put_field(struct out *o, const struct spec *s, const char *text, int len)
{
    int fill = s->width > len ? s->width - len : 0;
    if (s->left) {
        for (int i = 0; i < len; i++)
            put(o, text[i]);
        pad(o, ' ', fill);
        return;
    }
    if (s->zero && len > 0 && text[0] == '-') {
        put(o, '-');
        text++, len--;
        pad(o, '0', fill);
    } else {
        pad(o, s->zero ? '0' : ' ', fill);
    }
    for (int i = 0; i < len; i++)
        put(o, text[i]);
}

static void put_number(struct out *o, const struct spec *s, uint64_t v, bool negative, unsigned base,
                       bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = sizeof tmp;
    do {
        tmp[--n] = digits[v % base];
        v /= base;
    } while (v != 0);
    if (negative)
        tmp[--n] = '-';
    put_field(o, s, tmp + n, (int)sizeof tmp - n);
}

enum length { LEN_INT, LEN_LONG, LEN_LONG_LONG, LEN_SIZE };

static uint64_t arg_unsigned(va_list *ap, enum length l)
{
    switch (l) {
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LONG_LONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static int64_t arg_signed(va_list *ap, enum length l)
{
    switch (l) {
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LONG_LONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
    default: return va_arg(*ap, int);
    }
}

/* One conversion character `c` with its spec and length. */
static void convert(struct out *o, const struct spec *s, enum length l, char c, va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(ap, l);
        put_number(o, s, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10, false);
        break;
    }
    case 'u': put_number(o, s, arg_unsigned(ap, l), false, 10, false); break;
    case 'x': put_number(o, s, arg_unsigned(ap, l), false, 16, false); break;
    case 'X': put_number(o, s, arg_unsigned(ap, l), false, 16, true); break;
    case 'p': {
        struct spec hex = {.zero = true, .width = 16};
        put(o, '0'), put(o, 'x');
        put_number(o, &hex, (uintptr_t)va_arg(*ap, void *), false, 16, false);
        break;
    }
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        put_field(o, s, &ch, 1);
        break;
    }
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (str == NULL)
            str = "(null)";
        int len = 0;
        while (str[len] != '\0')
            len++;
        put_field(o, s, str, len);
        break;
    }
    default: /* "%%", or an unknown conversion shown as written */
        if (c != '%')
            put(o, '%');
        put(o, c);
        break;
    }
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {.buf = buf, .size = size};
    va_list args;
    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        struct spec s = {0};
        for (;; fmt++) {
            if (*fmt == '-')
                s.left = true;
            else if (*fmt == '0')
                s.zero = true;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9' && s.width < 1000)
            s.width = s.width * 10 + (*fmt++ - '0');
        enum length l = LEN_INT;
        if (*fmt == 'z') {
            l = LEN_SIZE, fmt++;
        } else if (*fmt == 'l') {
            l = LEN_LONG, fmt++;
            if (*fmt == 'l')
                l = LEN_LONG_LONG, fmt++;
        }
        if (*fmt == '\0')
            break;
        convert(&o, &s, l, *fmt++, &args);
    }
    va_end(args);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static bool screen_on;

void kprint_use_screen(bool on)
{
    screen_on = on;
}

void kputs_n(const char *text, size_t len)
{
    shell_before_output(); /* a shown prompt gets its line ended first */
    serial_write(text, len);
    if (screen_on)
        screen_write(text, len);
}

void kvprintf(const char *fmt, va_list ap)
{
    char buf[KPRINTF_BYTES];
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    kputs_n(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
