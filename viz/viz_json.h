/*
 * viz_json.h - a strict reader for one trace line: a JSON object whose
 * values are integers, strings or arrays of integers (the only shapes
 * docs/trace.md uses), or any other well-formed JSON value, which is
 * checked and kept only as VIZ_JSON_OTHER so readers can skip fields they
 * do not know. Every read is bounds-checked against the
 * line's length; the line need not be NUL-terminated. Strings are kept
 * as spans of the line, still escaped, after their escapes were checked.
 */
#ifndef VIZ_JSON_H
#define VIZ_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "viz_param.h"

enum viz_json_type { VIZ_JSON_INT, VIZ_JSON_STR, VIZ_JSON_ARRAY, VIZ_JSON_OTHER };

struct viz_json_field {
    const char *key;  /* escaped, not NUL-terminated */
    size_t key_len;
    enum viz_json_type type;
    bool neg;         /* INT: the sign; the value is -mag when set */
    uint64_t mag;     /* INT: the magnitude */
    const char *raw;  /* STR: between the quotes; ARRAY: between the brackets */
    size_t raw_len;
    uint32_t count;   /* ARRAY: elements (all integers) */
    const char *shape; /* what the value is, for messages: "an integer", "an object" ... */
};

struct viz_json_obj {
    struct viz_json_field f[VIZ_MAX_FIELDS];
    unsigned n;
};

/* Parse `len` bytes as one object (surrounding spaces allowed). 0, or -1
 * with "column N: what is wrong" in err. */
int viz_json_parse(const char *s, size_t len, struct viz_json_obj *o, char *err, size_t err_bytes);

/* The field named `key`, or NULL. */
const struct viz_json_field *viz_json_get(const struct viz_json_obj *o, const char *key);

/* Whether a string field's raw text equals `s` (no escapes compared). */
bool viz_json_raw_is(const struct viz_json_field *f, const char *s);

/* Decode a checked string's escapes into out (always NUL-terminated,
 * cut at out_bytes - 1); \u00XX gives that byte. Returns the length. */
size_t viz_json_unescape(const char *raw, size_t raw_len, char *out, size_t out_bytes);

/* The integers of a checked array, in order, into out[0..max). Returns
 * how many were stored; values not in [0, UINT32_MAX] make it return -1. */
long viz_json_array_u32(const struct viz_json_field *f, uint32_t *out, size_t max);

#endif
