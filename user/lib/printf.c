/*
 * printf.c - formatted output for user programs: printf to the console
 * (line-buffered, one SYS_WRITE per line) and snprintf into a buffer.
 * Integer-only; 64-bit values use the division helpers in arith.c.
 */
#include "nimbus.h"

/* Where formatted characters go: a console line buffer or a string. */
struct sink {
    void (*put)(struct sink *s, char c);
    char *buf;
    size_t cap;
    size_t len; /* characters produced so far, stored or not */
};

/* ---- the console buffer ---- */

static char console_buf[PRINT_BUFFER_BYTES];
static uint32_t console_len;

void print_flush(void)
{
    if (console_len > 0)
        sys_write(console_buf, console_len);
    console_len = 0;
}

static void console_put(struct sink *s, char c)
{
    s->len++;
    console_buf[console_len++] = c;
    if (c == '\n' || console_len == sizeof console_buf)
        print_flush();
}

static void string_put(struct sink *s, char c)
{
    if (s->cap > 0 && s->len < s->cap - 1)
        s->buf[s->len] = c;
    s->len++;
}

/* ---- the formatter ---- */

struct spec {
    int left;  /* '-' */
    int zero;  /* '0' */
    char sign; /* '+', ' ' or 0 */
    int width; /* 0: none */
    int prec;  /* -1: none */
    int size;  /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
};

static void put_repeat(struct sink *s, char c, int n)
{
    for (int i = 0; i < n; i++)
        s->put(s, c);
}

static void put_padded(struct sink *s, const struct spec *sp, const char *text, int len)
{
    if (!sp->left)
        put_repeat(s, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        s->put(s, text[i]);
    if (sp->left)
        put_repeat(s, ' ', sp->width - len);
}

/* Digits of v in `base`, least significant first; returns the count. */
static int to_digits(uint64_t v, unsigned base, int upper, char *out)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        if (v >> 32 == 0) { /* the common case needs only 32-bit divides */
            uint32_t w = (uint32_t)v;
            out[n++] = digits[w % base];
            v = w / base;
        } else {
            out[n++] = digits[v % base];
            v /= base;
        }
    } while (v != 0);
    return n;
}

static void put_number(struct sink *s, const struct spec *sp, uint64_t mag, int negative, unsigned base,
                       int upper, const char *prefix)
{
    char digits[24];
    int ndigits = (sp->prec == 0 && mag == 0) ? 0 : to_digits(mag, base, upper, digits);
    int zeros = sp->prec > ndigits ? sp->prec - ndigits : 0;
    char sign = negative ? '-' : sp->sign;
    int plen = (int)strlen(prefix);
    int total = ndigits + zeros + (sign ? 1 : 0) + plen;
    if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
        zeros += sp->width - total;
        total = sp->width;
    }
    if (!sp->left)
        put_repeat(s, ' ', sp->width - total);
    if (sign)
        s->put(s, sign);
    for (int i = 0; i < plen; i++)
        s->put(s, prefix[i]);
    put_repeat(s, '0', zeros);
    while (ndigits > 0)
        s->put(s, digits[--ndigits]);
    if (sp->left)
        put_repeat(s, ' ', sp->width - total);
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->size) {
    case -2: return (unsigned char)va_arg(*ap, unsigned);
    case -1: return (unsigned short)va_arg(*ap, unsigned);
    case 1: return va_arg(*ap, unsigned long);
    case 2: return va_arg(*ap, unsigned long long);
    case 3: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned);
    }
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->size) {
    case -2: return (signed char)va_arg(*ap, int);
    case -1: return (short)va_arg(*ap, int);
    case 1: return va_arg(*ap, long);
    case 2: return va_arg(*ap, long long);
    case 3: return (int64_t)va_arg(*ap, size_t);
    default: return va_arg(*ap, int);
    }
}

/* Parse flags, width, precision and length of one conversion; returns
 * the position of the conversion character. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.prec = -1};
    for (;; f++) {
        if (*f == '-')
            sp->left = 1;
        else if (*f == '0')
            sp->zero = 1;
        else if (*f == '+' || (*f == ' ' && sp->sign != '+'))
            sp->sign = *f;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = 1;
            sp->width = -sp->width;
        }
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->prec = sp->prec * 10 + (*f++ - '0');
    }
    for (;; f++) {
        if (*f == 'l')
            sp->size = sp->size == 1 ? 2 : 1;
        else if (*f == 'h')
            sp->size = sp->size == -1 ? -2 : -1;
        else if (*f == 'z')
            sp->size = 3;
        else
            return f;
    }
}

static void format_one(struct sink *s, const struct spec *sp, char conv, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(sp, ap);
        uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        put_number(s, sp, mag, v < 0, 10, 0, "");
        break;
    }
    case 'u': put_number(s, sp, arg_unsigned(sp, ap), 0, 10, 0, ""); break;
    case 'x': put_number(s, sp, arg_unsigned(sp, ap), 0, 16, 0, ""); break;
    case 'X': put_number(s, sp, arg_unsigned(sp, ap), 0, 16, 1, ""); break;
    case 'o': put_number(s, sp, arg_unsigned(sp, ap), 0, 8, 0, ""); break;
    case 'p': {
        struct spec p = *sp;
        p.sign = 0;
        put_number(s, &p, (uintptr_t)va_arg(*ap, void *), 0, 16, 0, "0x");
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        put_padded(s, sp, &c, 1);
        break;
    }
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (str == NULL)
            str = "(null)";
        size_t len = sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str);
        put_padded(s, sp, str, (int)len);
        break;
    }
    default:
        s->put(s, conv); /* %% and unknown conversions print themselves */
        break;
    }
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
    va_list args;
    va_copy(args, ap);
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            s->put(s, *f);
            continue;
        }
        struct spec sp;
        f = parse_spec(f + 1, &sp, &args);
        if (*f == '\0')
            break;
        format_one(s, &sp, *f, &args);
    }
    va_end(args);
    return (int)s->len;
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    struct sink s = {.put = string_put, .buf = buf, .cap = cap};
    int len = format(&s, fmt, ap);
    if (cap > 0)
        buf[s.len < cap ? s.len : cap - 1] = '\0';
    return len;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return len;
}

int vprintf(const char *fmt, va_list ap)
{
    struct sink s = {.put = console_put};
    return format(&s, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vprintf(fmt, ap);
    va_end(ap);
    return len;
}

int putchar(int c)
{
    struct sink s = {.put = console_put};
    console_put(&s, (char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    return printf("%s\n", s);
}
