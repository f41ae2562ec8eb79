/*
 * scenario_override.h - change a scenario file's keys before it is
 * validated: `nimbus sweep --set network.latency="200us"`.
 *
 * An override is a JSON path (`balancer.threshold`, `nodes[0].count`,
 * `events[1].spawn.args[0]`) and a value. The file is read with cJSON, the
 * overrides are applied to the tree in order, and the result is printed
 * and validated by scenario_parse under the file's own path, so an
 * overridden scenario is checked exactly like a file. Errors that the
 * overrides caused name the override (its label) that caused them.
 */
#ifndef SIM_SCENARIO_OVERRIDE_H
#define SIM_SCENARIO_OVERRIDE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "scenario.h"

/* One step of an override's path: the member `key`, or element `index`
 * of an array when key is NULL. */
struct override_step {
    char *key;
    size_t index;
};

struct scenario_override {
    char *label; /* names it in messages, e.g. "--set nodes[0].count=32" */
    char *path;  /* the path as written, "nodes[0].count" */
    struct override_step *steps;
    size_t step_count;
    cJSON *value;
};

/* Parse "PATH=VALUE". VALUE is JSON if it parses as JSON, otherwise the
 * text itself as a string (so `latency=200us` and `latency="200us"` are
 * the same). 0, or -1 with a one-line reason in err. */
int scenario_override_parse(const char *spec, struct scenario_override *out, char *err, size_t err_bytes);
/* An override of `path` with the value `value` read as in
 * scenario_override_parse, named `label` in messages
 * ("--grid network.loss=0.01"). */
int scenario_override_from_text(const char *label, const char *path, const char *value,
                                struct scenario_override *out, char *err, size_t err_bytes);
/* An override of `path` with an already built value (taken over). */
int scenario_override_make(const char *label, const char *path, cJSON *value, struct scenario_override *out,
                           char *err, size_t err_bytes);
void scenario_override_free(struct scenario_override *o);

/* Set the value in the tree. Missing members are created (as objects, or
 * arrays when the next step is an index); an index may name an element or
 * the one just past the end (append). 0, or -1 with the reason in err
 * (without the label). */
int scenario_override_apply(cJSON *root, const struct scenario_override *o, char *err, size_t err_bytes);

/* Load the scenario file at `path` with `count` overrides applied in
 * order. On success *text (when not NULL) gets the effective scenario as
 * JSON text, which the caller frees: with no overrides, the file's own
 * text. On failure err holds one line: the
 * loader's message, prefixed with the label of the override that caused
 * it when an override did. */
int scenario_load_overridden(const char *path, const struct scenario_override *ov, size_t count,
                             struct scenario *out, char **text, char *err, size_t err_bytes);

#endif
