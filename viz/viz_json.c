/*
 * viz_json.c - see viz_json.h. A hand-written scanner rather than a
 * general JSON library: a million-line trace loads in well under a
 * second, and every way a line can be wrong gets a specific message.
 */
#include "viz_json.h"

#include <stdio.h>
#include <string.h>

struct cursor {
    const char *s;
    size_t len, pos;
    char *err;
    size_t err_bytes;
};

static int fail(struct cursor *c, const char *what)
{
    snprintf(c->err, c->err_bytes, "column %zu: %s", c->pos + 1, what);
    return -1;
}

static void skip_space(struct cursor *c)
{
    while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' ||
                               c->s[c->pos] == '\r'))
        c->pos++;
}

static bool at(struct cursor *c, char ch) { return c->pos < c->len && c->s[c->pos] == ch; }

static int expect(struct cursor *c, char ch, const char *what)
{
    skip_space(c);
    if (!at(c, ch))
        return fail(c, what);
    c->pos++;
    return 0;
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* A string starting at the opening quote; the span excludes the quotes. */
static int scan_string(struct cursor *c, const char **raw, size_t *raw_len)
{
    c->pos++; /* the opening quote */
    size_t start = c->pos;
    while (c->pos < c->len) {
        unsigned char ch = (unsigned char)c->s[c->pos];
        if (ch == '"') {
            *raw = c->s + start;
            *raw_len = c->pos - start;
            c->pos++;
            return 0;
        }
        if (ch < 0x20)
            return fail(c, "control character inside a string (must be escaped)");
        if (ch == '\\') {
            if (c->pos + 1 >= c->len)
                return fail(c, "string cut short after '\\'");
            char e = c->s[c->pos + 1];
            if (e == 'u') {
                if (c->pos + 6 > c->len)
                    return fail(c, "\\u escape cut short");
                for (size_t i = 2; i < 6; i++)
                    if (!is_hex(c->s[c->pos + i]))
                        return fail(c, "\\u escape needs four hex digits");
                c->pos += 6;
                continue;
            }
            if (strchr("\"\\/bfnrt", e) == NULL || e == '\0')
                return fail(c, "unknown escape in a string");
            c->pos += 2;
            continue;
        }
        c->pos++;
    }
    return fail(c, "string not closed (missing '\"')");
}

static bool at_digit(const struct cursor *c)
{
    return c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9';
}

/* One or more digits; false if there are none. */
static bool skip_digits(struct cursor *c)
{
    size_t start = c->pos;
    while (at_digit(c))
        c->pos++;
    return c->pos > start;
}

/* A number: INT when it is an integer that fits 64 bits, else OTHER
 * (a fraction, an exponent, or too many digits). */
static int scan_number(struct cursor *c, struct viz_json_field *f)
{
    f->neg = at(c, '-');
    if (f->neg)
        c->pos++;
    if (!at_digit(c))
        return fail(c, "expected a number");
    bool too_big = false, integer = true;
    for (uint64_t v = 0; at_digit(c); c->pos++) {
        unsigned d = (unsigned)(c->s[c->pos] - '0');
        too_big = too_big || v > (UINT64_MAX - d) / 10;
        v = v * 10 + d;
        f->mag = v;
    }
    if (at(c, '.')) {
        c->pos++;
        if (!skip_digits(c))
            return fail(c, "expected digits after '.'");
        integer = false;
    }
    if (at(c, 'e') || at(c, 'E')) {
        c->pos++;
        if (at(c, '+') || at(c, '-'))
            c->pos++;
        if (!skip_digits(c))
            return fail(c, "expected digits in the exponent");
        integer = false;
    }
    f->type = integer && !too_big ? VIZ_JSON_INT : VIZ_JSON_OTHER;
    f->shape = !integer ? "a number with a fraction or exponent"
               : too_big ? "an integer too large for 64 bits" : "an integer";
    return 0;
}

/* true, false or null. */
static int scan_literal(struct cursor *c, struct viz_json_field *f)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (c->len - c->pos >= n && memcmp(c->s + c->pos, words[i], n) == 0) {
            c->pos += n;
            f->type = VIZ_JSON_OTHER;
            f->shape = "true, false or null";
            return 0;
        }
    }
    return fail(c, "expected a JSON value");
}

static int scan_value(struct cursor *c, struct viz_json_field *f, unsigned depth);

/* Arrays and objects nest, each level checked to the end. */
static int enter(struct cursor *c, unsigned depth)
{
    if (depth >= VIZ_JSON_MAX_DEPTH) {
        char what[64];
        snprintf(what, sizeof what, "nested deeper than %u levels", VIZ_JSON_MAX_DEPTH);
        return fail(c, what);
    }
    c->pos++; /* '[' or '{' */
    skip_space(c);
    return 0;
}

/* ARRAY when every element is an integer (the raw span between the
 * brackets), else OTHER. */
static int scan_array(struct cursor *c, struct viz_json_field *f, unsigned depth)
{
    if (enter(c, depth) < 0)
        return -1;
    size_t start = c->pos;
    bool all_int = true;
    f->count = 0;
    for (bool more = !at(c, ']'); more;) {
        struct viz_json_field el = {0};
        if (scan_value(c, &el, depth + 1) < 0)
            return -1;
        all_int = all_int && el.type == VIZ_JSON_INT;
        f->count++;
        skip_space(c);
        more = !at(c, ']');
        if (more && expect(c, ',', "expected ',' or ']' in an array") < 0)
            return -1;
    }
    f->type = all_int ? VIZ_JSON_ARRAY : VIZ_JSON_OTHER;
    f->shape = all_int ? "an array of integers" : "an array not only of integers";
    f->raw = c->s + start;
    f->raw_len = c->pos - start;
    c->pos++;
    return 0;
}

/* A nested object, only checked: no trace field is one. */
static int scan_object(struct cursor *c, struct viz_json_field *f, unsigned depth)
{
    if (enter(c, depth) < 0)
        return -1;
    f->type = VIZ_JSON_OTHER;
    f->shape = "an object";
    for (bool more = !at(c, '}'); more;) {
        struct viz_json_field member = {0};
        skip_space(c);
        if (!at(c, '"'))
            return fail(c, "expected a field name in quotes");
        if (scan_string(c, &member.key, &member.key_len) < 0 ||
            expect(c, ':', "expected ':' after a field name") < 0 || scan_value(c, &member, depth + 1) < 0)
            return -1;
        skip_space(c);
        more = !at(c, '}');
        if (more && expect(c, ',', "expected ',' or '}' after a value") < 0)
            return -1;
    }
    c->pos++;
    return 0;
}

static int scan_value(struct cursor *c, struct viz_json_field *f, unsigned depth)
{
    skip_space(c);
    if (c->pos >= c->len)
        return fail(c, "line ends where a value should be");
    char ch = c->s[c->pos];
    if (ch == '"') {
        f->type = VIZ_JSON_STR;
        f->shape = "a string";
        return scan_string(c, &f->raw, &f->raw_len);
    }
    if (ch == '[')
        return scan_array(c, f, depth);
    if (ch == '{')
        return scan_object(c, f, depth);
    if (ch == '-' || (ch >= '0' && ch <= '9'))
        return scan_number(c, f);
    return scan_literal(c, f);
}

static int scan_field(struct cursor *c, struct viz_json_obj *o)
{
    if (o->n >= VIZ_MAX_FIELDS)
        return fail(c, "too many fields in one line");
    struct viz_json_field *f = &o->f[o->n];
    memset(f, 0, sizeof *f);
    skip_space(c);
    if (!at(c, '"'))
        return fail(c, "expected a field name in quotes");
    if (scan_string(c, &f->key, &f->key_len) < 0)
        return -1;
    if (expect(c, ':', "expected ':' after a field name") < 0)
        return -1;
    if (scan_value(c, f, 1) < 0)
        return -1;
    o->n++;
    return 0;
}

int viz_json_parse(const char *s, size_t len, struct viz_json_obj *o, char *err, size_t err_bytes)
{
    struct cursor c = {.s = s, .len = len, .err = err, .err_bytes = err_bytes};
    o->n = 0;
    if (expect(&c, '{', "a trace line must be a JSON object starting with '{'") < 0)
        return -1;
    skip_space(&c);
    if (at(&c, '}'))
        return fail(&c, "empty object");
    for (;;) {
        if (scan_field(&c, o) < 0)
            return -1;
        skip_space(&c);
        if (at(&c, '}'))
            break;
        if (expect(&c, ',', "expected ',' or '}' after a value") < 0)
            return -1;
    }
    c.pos++;
    skip_space(&c);
    if (c.pos != c.len)
        return fail(&c, "text after the end of the object");
    return 0;
}

const struct viz_json_field *viz_json_get(const struct viz_json_obj *o, const char *key)
{
    size_t n = strlen(key);
    for (unsigned i = 0; i < o->n; i++)
        if (o->f[i].key_len == n && memcmp(o->f[i].key, key, n) == 0)
            return &o->f[i];
    return NULL;
}

bool viz_json_raw_is(const struct viz_json_field *f, const char *s)
{
    size_t n = strlen(s);
    return f->type == VIZ_JSON_STR && f->raw_len == n && memcmp(f->raw, s, n) == 0;
}

static unsigned hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return (unsigned)(ch - '0');
    if (ch >= 'a' && ch <= 'f')
        return (unsigned)(ch - 'a' + 10);
    return (unsigned)(ch - 'A' + 10);
}

/* Only called on strings scan_string accepted, so escapes are complete. */
size_t viz_json_unescape(const char *raw, size_t raw_len, char *out, size_t out_bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < raw_len && n + 1 < out_bytes; i++) {
        char ch = raw[i];
        if (ch == '\\' && i + 1 < raw_len) {
            char e = raw[++i];
            switch (e) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'u':
                if (i + 4 < raw_len) {
                    unsigned v = 0;
                    for (int k = 1; k <= 4; k++)
                        v = v * 16 + hex_value(raw[i + (size_t)k]);
                    ch = v < 0x100 ? (char)v : '?';
                    i += 4;
                }
                break;
            default: ch = e; break;
            }
        }
        out[n++] = ch;
    }
    if (out_bytes > 0)
        out[n] = '\0';
    return n;
}

long viz_json_array_u32(const struct viz_json_field *f, uint32_t *out, size_t max)
{
    size_t n = 0;
    const char *p = f->raw, *end = f->raw + f->raw_len;
    while (p < end && n < max) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r'))
            p++;
        if (p >= end)
            break;
        if (*p == '-')
            return -1;
        uint64_t v = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > UINT32_MAX)
                return -1;
            p++;
        }
        out[n++] = (uint32_t)v;
    }
    return (long)n;
}
