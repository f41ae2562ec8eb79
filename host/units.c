/*
 * units.c - durations, bandwidths, sizes, byte rates and loss
 * probabilities from scenario and command-line text, converted exactly
 * with integer arithmetic, and the words for every refusal.
 */
#include "units.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct unit {
    const char *name;
    uint64_t scale; /* base units (ns, bps, bytes) per one of this unit */
};

static const struct unit units_time[] = {
    {"ns", 1u}, {"us", 1000u}, {"ms", 1000000u}, {"s", 1000000000u},
    {"min", 60000000000ull}, {"h", 3600000000000ull}, {NULL, 0u},
};

static const struct unit units_rate[] = {
    {"bps", 1u}, {"Kbps", 1000u}, {"Mbps", 1000000u}, {"Gbps", 1000000000u}, {NULL, 0u},
};

static const struct unit units_size[] = {
    {"B", 1u}, {"KB", 1000u}, {"MB", 1000000u}, {"GB", 1000000000u},
    {"KiB", 1024u}, {"MiB", 1024u * 1024u}, {"GiB", 1024u * 1024u * 1024u}, {NULL, 0u},
};

static const struct unit units_byte_rate[] = {
    {"B/s", 1u}, {"KB/s", 1000u}, {"MB/s", 1000000u}, {"GB/s", 1000000000u},
    {"KiB/s", 1024u}, {"MiB/s", 1024u * 1024u}, {"GiB/s", 1024u * 1024u * 1024u}, {NULL, 0u},
};

/* How each kind of quantity is named in messages. */
struct units_words {
    const struct unit *table;
    const char *expected; /* "a duration like \"100us\"" */
    const char *base;     /* "nanoseconds" */
};

static const struct units_words units_words[] = {
    [UNITS_KIND_DURATION] = {units_time, "a duration like \"100us\"", "nanoseconds"},
    [UNITS_KIND_BANDWIDTH] = {units_rate, "a bandwidth like \"1Gbps\" or \"infinite\"", "bits per second"},
    [UNITS_KIND_SIZE] = {units_size, "a size like \"64MiB\"", "bytes"},
    [UNITS_KIND_BYTE_RATE] = {units_byte_rate, "a rate like \"500MB/s\"", "bytes per second"},
};

/* Spellings people write that could mean either of two units: refused
 * with a hint rather than guessed. */
struct units_ambiguity {
    enum units_kind kind;
    const char *name;
    const char *hint;
};

static const struct units_ambiguity units_ambiguous[] = {
    {UNITS_KIND_DURATION, "m", "write min for minutes or ms for milliseconds"},
    {UNITS_KIND_SIZE, "K", "write KB for 1000 bytes or KiB for 1024 bytes"},
    {UNITS_KIND_SIZE, "k", "write KB for 1000 bytes or KiB for 1024 bytes"},
    {UNITS_KIND_SIZE, "M", "write MB for 10^6 bytes or MiB for 2^20 bytes"},
    {UNITS_KIND_SIZE, "G", "write GB for 10^9 bytes or GiB for 2^30 bytes"},
    {UNITS_KIND_BYTE_RATE, "K/s", "write KB/s for 1000 bytes or KiB/s for 1024 bytes a second"},
    {UNITS_KIND_BYTE_RATE, "k/s", "write KB/s for 1000 bytes or KiB/s for 1024 bytes a second"},
    {UNITS_KIND_BYTE_RATE, "M/s", "write MB/s for 10^6 bytes or MiB/s for 2^20 bytes a second"},
    {UNITS_KIND_BYTE_RATE, "G/s", "write GB/s for 10^9 bytes or GiB/s for 2^30 bytes a second"},
};

/* The pieces of "<whole>[.<fraction>]<unit>" before any arithmetic. */
struct quantity {
    const char *whole;
    size_t whole_digits;
    const char *fraction;
    size_t fraction_digits;
    const char *unit;
};

static bool units_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t units_count_digits(const char *s)
{
    size_t n = 0;
    while (units_is_digit(s[n]))
        n++;
    return n;
}

static bool units_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split text into its pieces; checks the shape only. One space may
 * separate the number from its unit ("10 min"); no other. */
static enum units_status units_split(const char *text, struct quantity *q)
{
    if (text[0] == '-')
        return UNITS_NEGATIVE;
    if (units_is_space(text[0]))
        return UNITS_SPACE;
    q->whole = text;
    q->whole_digits = units_count_digits(text);
    if (q->whole_digits == 0)
        return UNITS_SYNTAX;
    const char *p = text + q->whole_digits;
    q->fraction = p;
    q->fraction_digits = 0;
    if (*p == '.') {
        q->fraction = p + 1;
        q->fraction_digits = units_count_digits(q->fraction);
        if (q->fraction_digits == 0)
            return UNITS_SYNTAX;
        p = q->fraction + q->fraction_digits;
    }
    if (*p == ' ')
        p++;
    q->unit = p;
    for (const char *c = p; *c != '\0'; c++)
        if (units_is_space(*c))
            return UNITS_SPACE;
    if (*p == '\0')
        return UNITS_NO_UNIT;
    if (q->fraction_digits > UNITS_MAX_FRACTION_DIGITS)
        return UNITS_FRACTION;
    return UNITS_OK;
}

static bool units_mul_add(uint64_t *acc, uint64_t mul, uint64_t add)
{
    if (*acc > (UINT64_MAX - add) / mul)
        return false;
    *acc = *acc * mul + add;
    return true;
}

static const struct unit *units_find(const struct unit *table, const char *name)
{
    for (; table->name != NULL; table++)
        if (strcmp(table->name, name) == 0)
            return table;
    return NULL;
}

static const struct units_ambiguity *units_find_ambiguous(enum units_kind kind, const char *name)
{
    for (size_t i = 0; i < sizeof units_ambiguous / sizeof units_ambiguous[0]; i++)
        if (units_ambiguous[i].kind == kind && strcmp(units_ambiguous[i].name, name) == 0)
            return &units_ambiguous[i];
    return NULL;
}

static uint64_t units_gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* whole * scale + fraction * scale / 10^digits, refusing to round. */
static enum units_status units_evaluate(const struct quantity *q, uint64_t scale, uint64_t *out)
{
    uint64_t whole = 0;
    for (size_t i = 0; i < q->whole_digits; i++)
        if (!units_mul_add(&whole, 10u, (uint64_t)(q->whole[i] - '0')))
            return UNITS_OVERFLOW;
    uint64_t fraction = 0, denominator = 1;
    for (size_t i = 0; i < q->fraction_digits; i++) {
        fraction = fraction * 10u + (uint64_t)(q->fraction[i] - '0');
        denominator *= 10u;
    }
    /* fraction * scale / denominator with both reduced by their common
     * factor: fraction < 10^9 and every scale over 2^30 (min, h) is a
     * multiple of 10^9, so the product stays below 2^64. */
    uint64_t common = units_gcd(scale, denominator);
    uint64_t scaled_fraction = fraction * (scale / common);
    denominator /= common;
    if (scaled_fraction % denominator != 0)
        return UNITS_NOT_WHOLE;
    if (!units_mul_add(&whole, scale, scaled_fraction / denominator))
        return UNITS_OVERFLOW;
    *out = whole;
    return UNITS_OK;
}

static enum units_status units_parse(const char *text, enum units_kind kind, uint64_t *out)
{
    struct quantity q;
    enum units_status st = units_split(text, &q);
    if (st != UNITS_OK)
        return st;
    const struct unit *u = units_find(units_words[kind].table, q.unit);
    if (u == NULL)
        return units_find_ambiguous(kind, q.unit) != NULL ? UNITS_AMBIGUOUS : UNITS_BAD_UNIT;
    return units_evaluate(&q, u->scale, out);
}

enum units_status units_parse_duration(const char *text, uint64_t *ns)
{
    return units_parse(text, UNITS_KIND_DURATION, ns);
}

enum units_status units_parse_bandwidth(const char *text, uint64_t *bps)
{
    if (strcmp(text, "0") == 0 || strcmp(text, "infinite") == 0) {
        *bps = 0;
        return UNITS_OK;
    }
    uint64_t value = 0;
    enum units_status st = units_parse(text, UNITS_KIND_BANDWIDTH, &value);
    if (st != UNITS_OK)
        return st;
    /* 0 means unlimited, so "0Mbps" would silently mean the opposite. */
    if (value == 0)
        return UNITS_ZERO_RATE;
    *bps = value;
    return UNITS_OK;
}

enum units_status units_parse_size(const char *text, uint64_t *bytes)
{
    return units_parse(text, UNITS_KIND_SIZE, bytes);
}

enum units_status units_parse_byte_rate(const char *text, uint64_t *bytes_per_s)
{
    uint64_t value = 0;
    enum units_status st = units_parse(text, UNITS_KIND_BYTE_RATE, &value);
    if (st != UNITS_OK)
        return st;
    if (value == 0)
        return UNITS_ZERO_RATE;
    *bytes_per_s = value;
    return UNITS_OK;
}

/* "ns, us, ms, s, min or h": the names in `table`. */
static void units_list(const struct unit *table, char *buf, size_t bytes)
{
    size_t n = 0, len = 0;
    while (table[n].name != NULL)
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < bytes; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(buf + len, bytes - len, "%s%s", sep, table[i].name);
        len += w > 0 ? (size_t)w : 0;
    }
}

void units_explain(enum units_kind kind, enum units_status st, const char *text, char *buf, size_t bytes)
{
    const struct units_words *w = &units_words[kind];
    char list[64];
    units_list(w->table, list, sizeof list);
    struct quantity q = {0};
    const struct units_ambiguity *amb = NULL;
    if (st == UNITS_AMBIGUOUS && units_split(text, &q) == UNITS_OK)
        amb = units_find_ambiguous(kind, q.unit);
    switch (st) {
    case UNITS_NEGATIVE: snprintf(buf, bytes, "cannot be negative"); return;
    case UNITS_NO_UNIT: snprintf(buf, bytes, "missing a unit (%s)", list); return;
    case UNITS_BAD_UNIT: snprintf(buf, bytes, "unknown unit (expected %s)", list); return;
    case UNITS_FRACTION:
        snprintf(buf, bytes, "at most %u digits after the decimal point", UNITS_MAX_FRACTION_DIGITS);
        return;
    case UNITS_NOT_WHOLE: snprintf(buf, bytes, "not a whole number of %s", w->base); return;
    case UNITS_OVERFLOW: snprintf(buf, bytes, "too large for 64 bits of %s", w->base); return;
    case UNITS_ZERO_RATE:
        snprintf(buf, bytes, kind == UNITS_KIND_BANDWIDTH ? "zero carries nothing (write \"infinite\" for no limit)"
                                                          : "zero moves nothing (a rate is more than 0B/s)");
        return;
    case UNITS_SPACE:
        snprintf(buf, bytes, "one space at most, and only between the number and the unit");
        return;
    case UNITS_AMBIGUOUS:
        if (amb != NULL) {
            snprintf(buf, bytes, "ambiguous unit \"%s\" (%s)", amb->name, amb->hint);
            return;
        }
        break;
    default: break;
    }
    snprintf(buf, bytes, "expected %s", w->expected);
}

enum units_status units_parse_kind(enum units_kind kind, const char *text, uint64_t *value, char *why,
                                   size_t why_bytes)
{
    static enum units_status (*const parsers[])(const char *, uint64_t *) = {
        [UNITS_KIND_DURATION] = units_parse_duration,
        [UNITS_KIND_BANDWIDTH] = units_parse_bandwidth,
        [UNITS_KIND_SIZE] = units_parse_size,
        [UNITS_KIND_BYTE_RATE] = units_parse_byte_rate,
    };
    enum units_status st = parsers[kind](text, value);
    if (st != UNITS_OK) {
        char phrase[160];
        units_explain(kind, st, text, phrase, sizeof phrase);
        snprintf(why, why_bytes, "%s, got '%s'", phrase, text);
    }
    return st;
}

uint32_t units_loss_to_u32(double loss)
{
    /* Multiplying by a power of two and splitting off the integer part are
     * both exact in IEEE double, so this rounds identically everywhere. */
    double scaled = loss * 4294967296.0;
    if (!(scaled > 0.0))
        return 0;
    if (scaled >= 4294967295.0)
        return UINT32_MAX;
    uint64_t whole = (uint64_t)scaled;
    if (scaled - (double)whole >= 0.5)
        whole++;
    return whole > UINT32_MAX ? UINT32_MAX : (uint32_t)whole;
}

enum units_status units_number_to_milli(double v, uint64_t *milli)
{
    if (v != v)
        return UNITS_SYNTAX; /* NaN */
    if (v < 0.0)
        return UNITS_NEGATIVE;
    /* Up to 2^32 - 1 thousandths: far from where doubles run out of
     * thousandths, so v * 1000 rounds to the k that was written. */
    if (!(v <= 4294967.295))
        return UNITS_OVERFLOW;
    /* Both the parsed text and k / 1000.0 are the double nearest to the
     * real k / 1000, so they are equal exactly when the number had at
     * most three decimals (as far as a double can tell). */
    uint64_t k = (uint64_t)(v * 1000.0 + 0.5);
    if ((double)k / 1000.0 != v)
        return UNITS_FRACTION;
    *milli = k;
    return UNITS_OK;
}

void units_format_duration(uint64_t ns, char *buf, size_t bytes)
{
    static const struct {
        const char *name;
        uint64_t scale;
        int digits;
    } steps[] = {
        {"s", 1000000000u, 9},
        {"ms", 1000000u, 6},
        {"us", 1000u, 3},
        {"ns", 1u, 0},
    };
    size_t i = 0;
    while (i < 3 && ns < steps[i].scale)
        i++;
    if (ns == 0)
        i = 0;
    uint64_t whole = ns / steps[i].scale, rest = ns % steps[i].scale;
    if (rest == 0) {
        snprintf(buf, bytes, "%llu%s", (unsigned long long)whole, steps[i].name);
        return;
    }
    char fraction[16];
    snprintf(fraction, sizeof fraction, "%0*llu", steps[i].digits, (unsigned long long)rest);
    size_t len = strlen(fraction);
    while (len > 0 && fraction[len - 1] == '0')
        fraction[--len] = '\0';
    snprintf(buf, bytes, "%llu.%s%s", (unsigned long long)whole, fraction, steps[i].name);
}
