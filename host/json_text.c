/*
 * json_text.c - see json_text.h. cJSON decides whether the text is JSON
 * and builds the tree; a walk over the text beside the tree then applies
 * the rules cJSON does not (whitespace, NUL in strings, number text).
 * The walk trusts the structure cJSON accepted but still never reads
 * past the text.
 */
#include "json_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text beside the tree: the next byte to read. */
struct jwalk {
    const struct jcheck *jc;
    const char *text;
    size_t len;
    size_t pos;
};

static const char jtext_bom[] = "\xEF\xBB\xBF";

/* A string with a NUL is shown up to it when that is this short (as
 * jcheck cuts values), else only the escape. */
#define JTEXT_SHOWN_BYTES 40u
#define JTEXT_NUL_ESCAPE_BYTES 6u /* \u0000 */

static bool jtext_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool jtext_is_blank(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!jtext_is_space(text[i]))
            return false;
    return true;
}

int jtext_fail_at(const struct jcheck *jc, const char *text, size_t offset, const char *problem)
{
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    return jcheck_fail(jc, NULL, "line %zu, column %zu: %s", line, offset - line_start + 1, problem);
}

/* How many arrays and objects are open just before byte `offset`. */
static size_t jtext_depth_at(const char *text, size_t offset)
{
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < offset; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return depth;
}

/* cJSON refused the text at `offset`: too deep, or not JSON. */
static int jtext_fail_syntax(const struct jcheck *jc, const char *text, size_t len, size_t offset)
{
    bool opens = offset < len && (text[offset] == '[' || text[offset] == '{');
    if (opens && jtext_depth_at(text, offset) >= JTEXT_MAX_DEPTH) {
        char problem[64];
        snprintf(problem, sizeof problem, "nested deeper than %d levels", JTEXT_MAX_DEPTH);
        return jtext_fail_at(jc, text, offset, problem);
    }
    return jtext_fail_at(jc, text, offset, "invalid JSON");
}

static size_t jtext_skip_space(const char *text, size_t at, size_t len)
{
    while (at < len && jtext_is_space(text[at]))
        at++;
    return at;
}

/* Skip JSON whitespace between tokens, where cJSON would also skip any
 * other byte up to 0x20. */
static int jwalk_space(struct jwalk *w)
{
    w->pos = jtext_skip_space(w->text, w->pos, w->len);
    if (w->pos < w->len && (unsigned char)w->text[w->pos] <= 0x20u)
        return jtext_fail_at(w->jc, w->text, w->pos, "invalid JSON (a control character outside a string)");
    return 0;
}

/* The string starting at `start` holds "\u0000" ending at `esc_end`:
 * show it up to the escape, or only the escape when that is too long. */
static int jwalk_fail_nul(const struct jwalk *w, const struct jpath *at, size_t start, size_t esc_end,
                          bool is_key)
{
    size_t shown = esc_end - start;
    bool fits = shown <= JTEXT_SHOWN_BYTES;
    bool more = esc_end < w->len && w->text[esc_end] != '"';
    return jcheck_fail(w->jc, at, "a %s may not contain \\u0000 (NUL), got %s%.*s%s", is_key ? "key" : "string",
                       fits ? "" : "\"...", fits ? (int)shown : (int)JTEXT_NUL_ESCAPE_BYTES,
                       fits ? w->text + start : w->text + esc_end - JTEXT_NUL_ESCAPE_BYTES, more ? "...\"" : "\"");
}

/* A string or key: C strings end at a NUL, so neither "\u0000" nor a raw
 * NUL may be in one, and JSON forbids raw control characters anyway. */
static int jwalk_string(struct jwalk *w, const struct jpath *at, bool is_key)
{
    size_t start = w->pos++;
    while (w->pos < w->len && w->text[w->pos] != '"') {
        const char *c = w->text + w->pos;
        if ((unsigned char)*c < 0x20u)
            return jtext_fail_at(w->jc, w->text, w->pos, "invalid JSON (a raw control character in a string)");
        if (*c == '\\' && w->len - w->pos >= JTEXT_NUL_ESCAPE_BYTES && memcmp(c + 1, "u0000", 5) == 0)
            return jwalk_fail_nul(w, at, start, w->pos + JTEXT_NUL_ESCAPE_BYTES, is_key);
        w->pos += *c == '\\' ? 2 : 1;
    }
    w->pos++;
    return 0;
}

/* Keep the number's text in the item, for exact integers (jcheck_is_uint). */
static int jwalk_number(struct jwalk *w, cJSON *item, const struct jpath *at)
{
    size_t start = w->pos;
    while (w->pos < w->len && w->text[w->pos] != '\0' && strchr("0123456789+-.eE", w->text[w->pos]) != NULL)
        w->pos++;
    size_t n = w->pos - start;
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return jcheck_fail(w->jc, at, "out of memory");
    memcpy(copy, w->text + start, n);
    copy[n] = '\0';
    item->valuestring = copy; /* cJSON_Delete frees it */
    return 0;
}

static int jwalk_value(struct jwalk *w, cJSON *item, const struct jpath *at);

/* An object's members or an array's elements, and its closing bracket. */
static int jwalk_children(struct jwalk *w, cJSON *item, const struct jpath *at)
{
    bool object = cJSON_IsObject(item);
    size_t index = 0;
    w->pos++; /* '{' or '[' */
    cJSON *child;
    cJSON_ArrayForEach(child, item) {
        if (jwalk_space(w) < 0 || (object && jwalk_string(w, at, true) < 0) || jwalk_space(w) < 0)
            return -1;
        w->pos += object ? 1 : 0; /* ':' */
        struct jpath sub = object ? jpath_member(at, child->string) : jpath_element(at, index++);
        if (jwalk_space(w) < 0 || jwalk_value(w, child, &sub) < 0 || jwalk_space(w) < 0)
            return -1;
        w->pos++; /* ',' or the closing bracket */
    }
    if (item->child != NULL)
        return 0;
    int rc = jwalk_space(w);
    w->pos++; /* the closing bracket of an empty one */
    return rc;
}

static int jwalk_value(struct jwalk *w, cJSON *item, const struct jpath *at)
{
    if (w->pos >= w->len)
        return jtext_fail_at(w->jc, w->text, w->len, "invalid JSON");
    if (cJSON_IsObject(item) || cJSON_IsArray(item))
        return jwalk_children(w, item, at);
    if (cJSON_IsString(item))
        return jwalk_string(w, at, false);
    if (cJSON_IsNumber(item))
        return jwalk_number(w, item, at);
    while (w->pos < w->len && w->text[w->pos] >= 'a' && w->text[w->pos] <= 'z')
        w->pos++; /* true, false, null */
    return 0;
}

int jtext_parse(const struct jcheck *jc, const char *text, size_t len, cJSON **out)
{
    if (len >= 3 && memcmp(text, jtext_bom, 3) == 0)
        return jtext_fail_at(jc, text, 0, "a UTF-8 byte-order mark is not allowed (save the file without it)");
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (doc == NULL) {
        size_t offset = (end != NULL && end >= text && end <= text + len) ? (size_t)(end - text) : 0;
        return jtext_fail_syntax(jc, text, len, offset);
    }
    const struct jpath root = {NULL, NULL, 0};
    struct jwalk w = {jc, text, len, 0};
    int rc = jwalk_space(&w);
    if (rc == 0)
        rc = jwalk_value(&w, doc, &root);
    if (rc == 0)
        w.pos = jtext_skip_space(text, w.pos, len);
    if (rc == 0 && w.pos < len)
        rc = jtext_fail_at(jc, text, w.pos, "unexpected text after the JSON value");
    if (rc < 0) {
        cJSON_Delete(doc);
        return -1;
    }
    *out = doc;
    return 0;
}

void jtext_numbers_as_written(cJSON *item)
{
    for (; item != NULL; item = item->next) {
        if (cJSON_IsNumber(item) && item->valuestring != NULL)
            item->type = cJSON_Raw;
        jtext_numbers_as_written(item->child);
    }
}
