/*
 * json_check.c - typed access to cJSON values with one-line errors that
 * name the file and the JSON path of the offending value.
 */
#include "json_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values are cut to this many bytes in messages, so a huge array or a
 * long string still gives a short, one-line error. */
#define JCHECK_SHOWN_BYTES 40u

/* A buffer filled left to right; writes past the end are dropped. */
struct jbuf {
    char *buf;
    size_t bytes;
    size_t len;
};

static void jbuf_vappend(struct jbuf *b, const char *fmt, va_list ap)
{
    if (b->len + 1 >= b->bytes)
        return;
    int n = vsnprintf(b->buf + b->len, b->bytes - b->len, fmt, ap);
    if (n < 0)
        return;
    b->len += (size_t)n;
    if (b->len >= b->bytes)
        b->len = b->bytes - 1;
}

__attribute__((format(printf, 2, 3))) static void jbuf_append(struct jbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jbuf_vappend(b, fmt, ap);
    va_end(ap);
}

/* Root first: "nodes[3].cpu_mips". The root itself adds nothing. */
static void jpath_append(struct jbuf *b, const struct jpath *p)
{
    if (p->parent == NULL)
        return;
    jpath_append(b, p->parent);
    if (p->key == NULL)
        jbuf_append(b, "[%zu]", p->index);
    else if (p->parent->parent == NULL)
        jbuf_append(b, "%s", p->key);
    else
        jbuf_append(b, ".%s", p->key);
}

int jcheck_fail(const struct jcheck *jc, const struct jpath *at, const char *fmt, ...)
{
    if (jc->err == NULL || jc->err_bytes == 0)
        return -1;
    struct jbuf b = {jc->err, jc->err_bytes, 0};
    jc->err[0] = '\0';
    jbuf_append(&b, "%s: ", jc->file);
    if (at != NULL) {
        size_t before = b.len;
        jpath_append(&b, at);
        jbuf_append(&b, "%s: ", b.len == before ? "(root)" : "");
    }
    va_list ap;
    va_start(ap, fmt);
    jbuf_vappend(&b, fmt, ap);
    va_end(ap);
    return -1;
}

/* How many bytes of `text` to show: all of it, or JCHECK_SHOWN_BYTES cut
 * back to a UTF-8 character boundary. */
static size_t jcheck_shown_length(const char *text)
{
    size_t len = strlen(text);
    if (len <= JCHECK_SHOWN_BYTES)
        return len;
    size_t cut = JCHECK_SHOWN_BYTES;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0u) == 0x80u)
        cut--;
    return cut;
}

/* `text` cut to JCHECK_SHOWN_BYTES, "..." marking a cut. */
static void jcheck_show(const char *text, char *buf, size_t bytes)
{
    size_t shown = jcheck_shown_length(text);
    snprintf(buf, bytes, "%.*s%s", (int)shown, text, text[shown] != '\0' ? "..." : "");
}

static const char *jcheck_type_name(const cJSON *item)
{
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsObject(item))
        return "an object";
    if (cJSON_IsArray(item))
        return "an array";
    return "a value";
}

/* The number's text: kept by jtext_parse, or the double printed exactly
 * enough to read back (a number built in memory). */
static const char *jcheck_number_text(const cJSON *item, char *buf, size_t bytes)
{
    if (item->valuestring != NULL)
        return item->valuestring;
    snprintf(buf, bytes, "%.17g", item->valuedouble);
    return buf;
}

void jcheck_describe(const cJSON *item, char *buf, size_t bytes)
{
    if (cJSON_IsNumber(item)) {
        /* As written, so an echo is exact (cJSON prints only a double). */
        char num[32];
        jcheck_show(jcheck_number_text(item, num, sizeof num), buf, bytes);
        return;
    }
    char *text = cJSON_PrintUnformatted(item);
    if (text == NULL) {
        snprintf(buf, bytes, "%s", jcheck_type_name(item));
        return;
    }
    jcheck_show(text, buf, bytes);
    free(text);
}

int jcheck_fail_type(const struct jcheck *jc, const struct jpath *at, const char *what, const cJSON *got)
{
    char shown[JCHECK_SHOWN_BYTES + 8];
    jcheck_describe(got, shown, sizeof shown);
    return jcheck_fail(jc, at, "expected %s, got %s", what, shown);
}

/* Quote a key for a message the way JSON would, so control characters
 * cannot break the one-line promise. */
static void jcheck_quote(const char *s, char *buf, size_t bytes)
{
    struct jbuf b = {buf, bytes, 0};
    buf[0] = '\0';
    jbuf_append(&b, "\"");
    size_t i = 0;
    for (; s[i] != '\0' && b.len <= JCHECK_SHOWN_BYTES; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            jbuf_append(&b, "\\%c", c);
        else if (c < 0x20u || c == 0x7Fu)
            jbuf_append(&b, "\\u%04x", c);
        else
            jbuf_append(&b, "%c", c);
    }
    jbuf_append(&b, "%s", s[i] == '\0' ? "\"" : "...\"");
}

static bool jcheck_allowed(const char *key, const char *const *allowed)
{
    for (; *allowed != NULL; allowed++)
        if (strcmp(key, *allowed) == 0)
            return true;
    return false;
}

/* Is `child`'s key used by an earlier member of the same object? */
static bool jcheck_seen_before(const cJSON *object, const cJSON *child, const char *key)
{
    for (const cJSON *c = object->child; c != NULL && c != child; c = c->next)
        if (c->string != NULL && strcmp(c->string, key) == 0)
            return true;
    return false;
}

int jcheck_object(const struct jcheck *jc, const struct jpath *at, const cJSON *item,
                  const char *const *allowed)
{
    if (!cJSON_IsObject(item))
        return jcheck_fail_type(jc, at, "an object", item);
    const cJSON *child;
    cJSON_ArrayForEach(child, item) {
        char quoted[JCHECK_SHOWN_BYTES + 16];
        const char *key = child->string != NULL ? child->string : "";
        jcheck_quote(key, quoted, sizeof quoted);
        if (allowed != NULL && !jcheck_allowed(key, allowed))
            return jcheck_fail(jc, at, "unknown key %s", quoted);
        if (jcheck_seen_before(item, child, key))
            return jcheck_fail(jc, at, "duplicate key %s", quoted);
    }
    return 0;
}

const cJSON *jcheck_member(const cJSON *object, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(object, key);
}

int jcheck_required(const struct jcheck *jc, const struct jpath *at, const cJSON *object, const char *key,
                    const cJSON **out)
{
    *out = jcheck_member(object, key);
    if (*out == NULL)
        return jcheck_fail(jc, at, "missing required key \"%s\"", key);
    return 0;
}

/* Digit k of the digits `a` (na of them) followed by `b` (nb). */
static char jcheck_digit_at(const char *a, size_t na, const char *b, size_t k)
{
    return k < na ? a[k] : b[k - na];
}

/* A JSON number's text as an exact integer in 64 bits: the digits before
 * and after the point, shifted by the exponent, with nothing but zeros
 * left after the point. "4.0" and "4e2" are integers, "4.5" is not. */
static bool jcheck_text_uint(const char *t, uint64_t *out)
{
    bool negative = *t == '-';
    t += negative ? 1 : 0;
    const char *whole = t;
    size_t nw = strspn(whole, "0123456789");
    const char *frac = whole + nw + (whole[nw] == '.' ? 1 : 0);
    size_t nf = whole[nw] == '.' ? strspn(frac, "0123456789") : 0;
    const char *rest = frac + nf;
    long long exp = 0;
    if (*rest == 'e' || *rest == 'E')
        exp = strtoll(rest + 1, NULL, 10); /* saturates: far beyond any digit count */
    size_t n = nw + nf;
    /* Clamped: below -n only zeros are left before the point, and 20 more
     * digits than there are overflow 64 bits unless every digit is 0. */
    long long lo = -(long long)n, hi = (long long)n + 20;
    exp = exp < lo ? lo : exp > hi ? hi : exp;
    long long point = (long long)nw + exp;
    uint64_t v = 0;
    for (long long k = 0; k < (long long)n; k++) {
        char d = jcheck_digit_at(whole, nw, frac, (size_t)k);
        if (k >= point) {
            if (d != '0')
                return false;
            continue;
        }
        if (v > (UINT64_MAX - (uint64_t)(d - '0')) / 10u)
            return false;
        v = v * 10u + (uint64_t)(d - '0');
    }
    for (long long k = (long long)n; k < point && v != 0; k++) {
        if (v > UINT64_MAX / 10u)
            return false;
        v *= 10u;
    }
    if (negative && v != 0)
        return false;
    *out = v;
    return true;
}

bool jcheck_is_uint(const cJSON *item, uint64_t *out)
{
    if (!cJSON_IsNumber(item))
        return false;
    char buf[32];
    return jcheck_text_uint(jcheck_number_text(item, buf, sizeof buf), out);
}

int jcheck_uint(const struct jcheck *jc, const struct jpath *at, const cJSON *item, const char *what,
                uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t u = 0;
    if (!jcheck_is_uint(item, &u) || u < min)
        return jcheck_fail_type(jc, at, what, item);
    if (u > max)
        return jcheck_fail(jc, at, "must be at most %llu, got %llu", (unsigned long long)max,
                           (unsigned long long)u);
    *out = u;
    return 0;
}

int jcheck_opt_uint(const struct jcheck *jc, const struct jpath *at, const cJSON *object, const char *key,
                    const char *what, uint64_t min, uint64_t max, uint64_t *out)
{
    const cJSON *item = jcheck_member(object, key);
    struct jpath sub = jpath_member(at, key);
    return item == NULL ? 0 : jcheck_uint(jc, &sub, item, what, min, max, out);
}

int jcheck_bool(const struct jcheck *jc, const struct jpath *at, const cJSON *item, bool *out)
{
    if (!cJSON_IsBool(item))
        return jcheck_fail_type(jc, at, "true or false", item);
    *out = cJSON_IsTrue(item);
    return 0;
}

int jcheck_string(const struct jcheck *jc, const struct jpath *at, const cJSON *item, const char **out)
{
    if (!cJSON_IsString(item) || item->valuestring == NULL)
        return jcheck_fail_type(jc, at, "a string", item);
    *out = item->valuestring;
    return 0;
}

int jcheck_array(const struct jcheck *jc, const struct jpath *at, const cJSON *item, size_t *count)
{
    if (!cJSON_IsArray(item))
        return jcheck_fail_type(jc, at, "an array", item);
    size_t n = 0;
    const cJSON *child;
    cJSON_ArrayForEach(child, item)
        n++;
    *count = n;
    return 0;
}
