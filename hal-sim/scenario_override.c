/*
 * scenario_override.c - see scenario_override.h. The scenario loader
 * stays the only judge of what is valid: this file edits a cJSON tree
 * and hands the printed text to scenario_parse.
 */
#define _POSIX_C_SOURCE 200809L

#include "scenario_override.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/files.h"
#include "host/json_comments.h"
#include "host/json_text.h"
#include "host/xalloc.h"
#include "host/text_buf.h"

#define OVERRIDE_MAX_INDEX 100000000u
#define OVERRIDE_MAX_FILE_BYTES (64u * 1024u * 1024u) /* as scenario_load */

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t err_bytes, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_bytes, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- parsing "PATH=VALUE" --------------------------------------------- */

static char *dup_prefix(const char *s, size_t len)
{
    char *d = xmalloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

static void steps_push(struct scenario_override *o, char *key, size_t index)
{
    o->steps = xrealloc(o->steps, (o->step_count + 1) * sizeof o->steps[0]);
    o->steps[o->step_count++] = (struct override_step){key, index};
}

/* "[12]" at *p: the index, *p moved past the ']'. */
static int parse_index(const char **p, size_t *index)
{
    const char *q = *p + 1;
    size_t v = 0;
    if (*q < '0' || *q > '9')
        return -1;
    for (; *q >= '0' && *q <= '9'; q++) {
        v = v * 10 + (size_t)(*q - '0');
        if (v > OVERRIDE_MAX_INDEX)
            return -1;
    }
    if (*q != ']')
        return -1;
    *index = v;
    *p = q + 1;
    return 0;
}

/* key ('.' key | '[' index ']')*, keys being any text without . [ ] */
static int parse_path(const char *path, struct scenario_override *o, char *err, size_t err_bytes)
{
    const char *p = path;
    bool need_key = true;
    while (need_key || *p != '\0') {
        if (need_key) {
            size_t len = strcspn(p, ".[]");
            if (len == 0)
                return fail(err, err_bytes, "'%s' is not a key path like network.latency or nodes[0].count",
                            path);
            steps_push(o, dup_prefix(p, len), 0);
            p += len;
            need_key = false;
        } else if (*p == '.') {
            p++;
            need_key = true;
        } else {
            size_t index = 0;
            if (*p != '[' || parse_index(&p, &index) < 0)
                return fail(err, err_bytes, "'%s': expected .key or [index] at '%s'", path, p);
            steps_push(o, NULL, index);
        }
    }
    return 0;
}

/* A value as JSON, read as strictly as a scenario file; else a string. */
static cJSON *parse_value(const char *text)
{
    const struct jcheck quiet = {"", NULL, 0};
    cJSON *v = NULL;
    return jtext_parse(&quiet, text, strlen(text), &v) == 0 ? v : cJSON_CreateString(text);
}

int scenario_override_make(const char *label, const char *path, cJSON *value, struct scenario_override *out,
                           char *err, size_t err_bytes)
{
    memset(out, 0, sizeof *out);
    out->label = xstrdup(label);
    out->path = xstrdup(path);
    out->value = value;
    if (value == NULL || parse_path(path, out, err, err_bytes) < 0) {
        if (value == NULL)
            fail(err, err_bytes, "out of memory");
        scenario_override_free(out);
        return -1;
    }
    return 0;
}

int scenario_override_from_text(const char *label, const char *path, const char *value,
                                struct scenario_override *out, char *err, size_t err_bytes)
{
    return scenario_override_make(label, path, parse_value(value), out, err, err_bytes);
}

int scenario_override_parse(const char *spec, struct scenario_override *out, char *err, size_t err_bytes)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (eq == NULL)
        return fail(err, err_bytes, "'%s' is not KEY=VALUE", spec);
    char *path = dup_prefix(spec, (size_t)(eq - spec));
    char label[512];
    snprintf(label, sizeof label, "--set %s", spec);
    int rc = scenario_override_from_text(label, path, eq + 1, out, err, err_bytes);
    free(path);
    return rc;
}

void scenario_override_free(struct scenario_override *o)
{
    for (size_t i = 0; i < o->step_count; i++)
        free(o->steps[i].key);
    free(o->steps);
    free(o->label);
    free(o->path);
    cJSON_Delete(o->value);
    memset(o, 0, sizeof *o);
}

/* ---- applying one override ------------------------------------------- */

static const char *json_kind(const cJSON *item)
{
    if (cJSON_IsObject(item))
        return "an object";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsBool(item))
        return "true or false";
    return "null";
}

/* The first `count` steps of o's path, as written ("(root)" for none). */
static void path_prefix(const struct scenario_override *o, size_t count, char *buf, size_t bytes)
{
    size_t n = (size_t)snprintf(buf, bytes, "%s", count == 0 ? "(root)" : "");
    for (size_t i = 0; i < count && n < bytes; i++) {
        const struct override_step *s = &o->steps[i];
        if (s->key != NULL)
            n += (size_t)snprintf(buf + n, bytes - n, "%s%s", i == 0 ? "" : ".", s->key);
        else
            n += (size_t)snprintf(buf + n, bytes - n, "[%zu]", s->index);
    }
}

/* Put `item` (taken over) at step `i` of `parent`; the existing value, if
 * any, is replaced. */
static int put_child(cJSON *parent, const struct scenario_override *o, size_t i, cJSON *item, char *err,
                     size_t err_bytes)
{
    const struct override_step *s = &o->steps[i];
    char at[256];
    path_prefix(o, i, at, sizeof at);
    bool ok;
    if (s->key != NULL) {
        if (!cJSON_IsObject(parent))
            ok = false;
        else if (cJSON_GetObjectItemCaseSensitive(parent, s->key) != NULL)
            ok = cJSON_ReplaceItemInObjectCaseSensitive(parent, s->key, item);
        else
            ok = cJSON_AddItemToObject(parent, s->key, item);
    } else {
        size_t size = cJSON_IsArray(parent) ? (size_t)cJSON_GetArraySize(parent) : 0;
        if (cJSON_IsArray(parent) && s->index > size) {
            char here[256];
            path_prefix(o, i + 1, here, sizeof here);
            cJSON_Delete(item);
            return fail(err, err_bytes, "%s has %zu element%s; %s is past the end", at, size,
                        size == 1 ? "" : "s", here);
        }
        ok = cJSON_IsArray(parent) && (s->index < size ? cJSON_ReplaceItemInArray(parent, (int)s->index, item)
                                                       : cJSON_AddItemToArray(parent, item));
    }
    if (!ok) {
        cJSON_Delete(item);
        return fail(err, err_bytes, "%s is %s, not %s", at, json_kind(parent),
                    s->key != NULL ? "an object" : "an array");
    }
    return 0;
}

/* The child at step `i` of `parent`, created when missing. */
static cJSON *descend(cJSON *parent, const struct scenario_override *o, size_t i, char *err, size_t err_bytes)
{
    const struct override_step *s = &o->steps[i];
    cJSON *child = NULL;
    if (s->key != NULL && cJSON_IsObject(parent))
        child = cJSON_GetObjectItemCaseSensitive(parent, s->key);
    else if (s->key == NULL && cJSON_IsArray(parent))
        child = cJSON_GetArrayItem(parent, (int)s->index);
    if (child != NULL)
        return child;
    child = o->steps[i + 1].key != NULL ? cJSON_CreateObject() : cJSON_CreateArray();
    if (put_child(parent, o, i, child, err, err_bytes) < 0)
        return NULL;
    return child;
}

int scenario_override_apply(cJSON *root, const struct scenario_override *o, char *err, size_t err_bytes)
{
    cJSON *at = root;
    for (size_t i = 0; i + 1 < o->step_count; i++) {
        at = descend(at, o, i, err, err_bytes);
        if (at == NULL)
            return -1;
    }
    cJSON *value = cJSON_Duplicate(o->value, 1);
    if (value == NULL)
        return fail(err, err_bytes, "out of memory");
    return put_child(at, o, o->step_count - 1, value, err, err_bytes);
}

/* ---- loading with overrides ------------------------------------------- */

static int read_text(const char *path, char **text, size_t *len, char *err, size_t err_bytes)
{
    *text = files_read_text(path, OVERRIDE_MAX_FILE_BYTES, len);
    if (*text != NULL)
        return 0;
    if (errno == EFBIG)
        return fail(err, err_bytes, "%s: cannot read: larger than %u bytes", path, OVERRIDE_MAX_FILE_BYTES);
    return fail(err, err_bytes, "%s: cannot read: %s", path, strerror(errno));
}

/* The file's text with the first `count` overrides applied, printed; NULL
 * with err set when the file is not one JSON value or an override does
 * not fit the tree. */
static char *text_overridden(const char *path, const char *file, size_t len,
                             const struct scenario_override *ov, size_t count, char *err, size_t err_bytes)
{
    const struct jcheck quiet = {path, NULL, 0};
    cJSON *doc = NULL;
    if (jtext_parse_commented(&quiet, file, len, &doc) < 0) {
        /* The loader words it (an empty file, or the line and column), as
         * it refuses what jtext_parse_commented refused. */
        struct scenario s;
        scenario_parse(file, len, path, &s, err, err_bytes);
        return NULL;
    }
    char why[SCN_ERROR_BYTES];
    for (size_t i = 0; i < count; i++) {
        if (scenario_override_apply(doc, &ov[i], why, sizeof why) < 0) {
            fail(err, err_bytes, "%s: %s: %s", ov[i].label, path, why);
            cJSON_Delete(doc);
            return NULL;
        }
    }
    jtext_numbers_as_written(doc); /* a seed above 2^53 stays exact */
    char *printed = cJSON_Print(doc);
    cJSON_Delete(doc);
    /* Ending in a newline, so that scenario.json holds exactly the text
     * whose SHA-256 metrics.json records. */
    size_t printed_len = printed != NULL ? strlen(printed) : 0;
    char *text = xmalloc(printed_len + 2);
    memcpy(text, printed != NULL ? printed : "", printed_len);
    memcpy(text + printed_len, "\n", 2);
    cJSON_free(printed);
    return text;
}

/* Whether the loader's message "<file>: <json path>: ..." is about the
 * value o set or something inside it. */
static bool error_is_under(const char *msg, const char *path, const struct scenario_override *o)
{
    size_t file_len = strlen(path), n = strlen(o->path);
    if (strncmp(msg, path, file_len) != 0 || strncmp(msg + file_len, ": ", 2) != 0)
        return false;
    const char *at = msg + file_len + 2;
    return strncmp(at, o->path, n) == 0 && strchr(":.[", at[n]) != NULL && at[n] != '\0';
}

static int validate(const char *text, const char *path, char *err, size_t err_bytes)
{
    struct scenario s;
    if (scenario_parse(text, strlen(text), path, &s, err, err_bytes) < 0)
        return -1;
    scenario_free(&s);
    return 0;
}

/* The overridden scenario is invalid with message `msg`: if the file
 * alone is valid, blame the first override after which it is not;
 * otherwise an override whose value the message is about, if any. */
static void blame(const char *path, const char *file, size_t len, const struct scenario_override *ov,
                  size_t count, const char *msg, char *err, size_t err_bytes)
{
    char why[SCN_ERROR_BYTES];
    char *text = text_overridden(path, file, len, ov, 0, why, sizeof why);
    bool file_valid = text != NULL && validate(text, path, why, sizeof why) == 0;
    free(text);
    for (size_t k = 1; file_valid && k <= count; k++) {
        text = text_overridden(path, file, len, ov, k, why, sizeof why);
        int rc = text != NULL ? validate(text, path, why, sizeof why) : -1;
        free(text);
        if (rc < 0) {
            fail(err, err_bytes, "%s: %s", ov[k - 1].label, why);
            return;
        }
    }
    for (size_t i = count; !file_valid && i-- > 0;) {
        if (error_is_under(msg, path, &ov[i])) {
            fail(err, err_bytes, "%s: %s", ov[i].label, msg);
            return;
        }
    }
    fail(err, err_bytes, "%s", msg);
}

int scenario_load_overridden(const char *path, const struct scenario_override *ov, size_t count,
                             struct scenario *out, char **text, char *err, size_t err_bytes)
{
    char *file = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    if (read_text(path, &file, &len, err, err_bytes) < 0)
        return -1;
    /* No overrides: the file itself, byte for byte, is what runs (so its
     * scenario_sha256 is the file's, as with scenario_load). */
    char *eff = count == 0 ? file : text_overridden(path, file, len, ov, count, err, err_bytes);
    size_t eff_len = count == 0 ? len : eff != NULL ? strlen(eff) : 0;
    int rc = -1;
    if (eff != NULL) {
        char msg[SCN_ERROR_BYTES];
        rc = scenario_parse(eff, eff_len, path, out, msg, sizeof msg);
        if (rc < 0)
            blame(path, file, len, ov, count, msg, err, err_bytes);
    }
    if (rc == 0 && text != NULL)
        *text = eff;
    else if (eff != file)
        free(eff);
    if (eff != file || rc != 0 || text == NULL)
        free(file);
    return rc;
}
