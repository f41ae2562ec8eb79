/*
 * json_check.h - typed access to a parsed cJSON document that reports the
 * first problem as one line, "<file>: <json path>: <problem>".
 *
 * The JSON path is a chain of struct jpath on the caller's stack, one link
 * per level descended, so nothing is allocated or formatted unless an error
 * is reported. Every check returns 0, or -1 after writing the error.
 * Member lookups are case-sensitive: "Seed" is not "seed".
 */
#ifndef HOST_JSON_CHECK_H
#define HOST_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* One step of a JSON path: a member `key` of the parent, or element
 * `index` of the parent when key is NULL. The root has no parent. */
struct jpath {
    const struct jpath *parent;
    const char *key;
    size_t index;
};

static inline struct jpath jpath_member(const struct jpath *parent, const char *key)
{
    return (struct jpath){parent, key, 0};
}

static inline struct jpath jpath_element(const struct jpath *parent, size_t index)
{
    return (struct jpath){parent, NULL, index};
}

/* Where errors go. */
struct jcheck {
    const char *file;
    char *err;
    size_t err_bytes;
};

/* Report "<file>: <at>: <problem>"; at NULL reports "<file>: <problem>". */
int jcheck_fail(const struct jcheck *jc, const struct jpath *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report "expected <what>, got <the value, compact and truncated>". */
int jcheck_fail_type(const struct jcheck *jc, const struct jpath *at, const char *what, const cJSON *got);

/* Write `item` compactly as JSON, cut to about 40 characters ("...");
 * a number as its text was written. */
void jcheck_describe(const cJSON *item, char *buf, size_t bytes);

/* `item` must be an object whose keys are all in `allowed` (a NULL-ended
 * list; NULL allows any key), each at most once. */
int jcheck_object(const struct jcheck *jc, const struct jpath *at, const cJSON *item,
                  const char *const *allowed);

/* The member `key` of an object, or NULL. */
const cJSON *jcheck_member(const cJSON *object, const char *key);

/* The member `key`, which must be present. */
int jcheck_required(const struct jcheck *jc, const struct jpath *at, const cJSON *object, const char *key,
                    const cJSON **out);

/* An integer in [min, max]; `what` names the type for the message, e.g.
 * "a positive integer". */
int jcheck_uint(const struct jcheck *jc, const struct jpath *at, const cJSON *item, const char *what,
                uint64_t min, uint64_t max, uint64_t *out);

/* The optional member `key` of `object` (path `at` is the object's) as
 * an integer in [min, max]; when absent, *out keeps its default. */
int jcheck_opt_uint(const struct jcheck *jc, const struct jpath *at, const cJSON *object, const char *key,
                    const char *what, uint64_t min, uint64_t max, uint64_t *out);

/* True if `item` is a number holding a non-negative integer below 2^64;
 * stores it in *out. The integer is read exactly from the number's text
 * (kept by jtext_parse in valuestring); a number built in memory has
 * only its double. */
bool jcheck_is_uint(const cJSON *item, uint64_t *out);

/* true or false. */
int jcheck_bool(const struct jcheck *jc, const struct jpath *at, const cJSON *item, bool *out);

/* A string; *out points into the document. */
int jcheck_string(const struct jcheck *jc, const struct jpath *at, const cJSON *item, const char **out);

/* An array; *count is its length. */
int jcheck_array(const struct jcheck *jc, const struct jpath *at, const cJSON *item, size_t *count);

#endif
