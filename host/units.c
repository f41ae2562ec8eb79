/*
 * units.c - durations, bandwidths and loss probabilities from
 * scenario text, converted exactly with integer arithmetic.
 */
#include "units.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct unit {
    const char *name;
    uint64_t scale; /* base units (ns, bps) per one of this unit */
};

static const struct unit units_time[] = {
    {"ns", 1u}, {"us", 1000u}, {"ms", 1000000u}, {"s", 1000000000u}, {NULL, 0u},
};

static const struct unit units_rate[] = {
    {"bps", 1u}, {"Kbps", 1000u}, {"Mbps", 1000000u}, {"Gbps", 1000000000u}, {NULL, 0u},
};

/* Scales up to 2^30 keep a fraction's product in 64 bits (units_evaluate). */
static const struct unit units_size[] = {
    {"B", 1u}, {"KB", 1000u}, {"MB", 1000000u}, {"GB", 1000000000u},
    {"KiB", 1024u}, {"MiB", 1024u * 1024u}, {"GiB", 1024u * 1024u * 1024u}, {NULL, 0u},
};

static const struct unit units_byte_rate[] = {
    {"B/s", 1u}, {"KB/s", 1000u}, {"MB/s", 1000000u}, {"GB/s", 1000000000u},
    {"KiB/s", 1024u}, {"MiB/s", 1024u * 1024u}, {"GiB/s", 1024u * 1024u * 1024u}, {NULL, 0u},
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

/* Split text into its pieces; checks the shape only. */
static enum units_status units_split(const char *text, struct quantity *q)
{
    if (text[0] == '-')
        return UNITS_NEGATIVE;
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
    q->unit = p;
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
    /* fraction < 10^9 and scale <= 2^30, so the product fits. */
    uint64_t scaled_fraction = fraction * scale;
    if (scaled_fraction % denominator != 0)
        return UNITS_NOT_WHOLE;
    if (!units_mul_add(&whole, scale, scaled_fraction / denominator))
        return UNITS_OVERFLOW;
    *out = whole;
    return UNITS_OK;
}

static enum units_status units_parse(const char *text, const struct unit *table, uint64_t *out)
{
    struct quantity q;
    enum units_status st = units_split(text, &q);
    if (st != UNITS_OK)
        return st;
    const struct unit *u = units_find(table, q.unit);
    if (u == NULL)
        return UNITS_BAD_UNIT;
    return units_evaluate(&q, u->scale, out);
}

enum units_status units_parse_duration(const char *text, uint64_t *ns)
{
    return units_parse(text, units_time, ns);
}

enum units_status units_parse_bandwidth(const char *text, uint64_t *bps)
{
    if (strcmp(text, "0") == 0 || strcmp(text, "infinite") == 0) {
        *bps = 0;
        return UNITS_OK;
    }
    uint64_t value = 0;
    enum units_status st = units_parse(text, units_rate, &value);
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
    return units_parse(text, units_size, bytes);
}

enum units_status units_parse_byte_rate(const char *text, uint64_t *bytes_per_s)
{
    uint64_t value = 0;
    enum units_status st = units_parse(text, units_byte_rate, &value);
    if (st != UNITS_OK)
        return st;
    if (value == 0)
        return UNITS_ZERO_RATE;
    *bytes_per_s = value;
    return UNITS_OK;
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
