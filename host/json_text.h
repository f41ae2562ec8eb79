/*
 * json_text.h - parse a JSON text strictly, with one-line errors.
 *
 * cJSON is lenient where a scenario must not be: it skips a UTF-8
 * byte-order mark and any byte up to 0x20 between tokens, cuts a string
 * at an escaped or raw NUL ("hello\u0000x" reads as "hello"), keeps
 * numbers only as doubles (integers above 2^53 are rounded), and reports
 * nesting past its limit as plain invalid JSON. jtext_parse parses with
 * cJSON and then walks the text beside the tree to refuse those cases
 * with the line and column or the JSON path, and it keeps every number's
 * text in its item's valuestring so jcheck reads integers exactly.
 */
#ifndef HOST_JSON_TEXT_H
#define HOST_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "json_check.h"

/* Deepest nesting of arrays and objects a text may have (cJSON's own
 * limit, named here so messages can state it). */
#define JTEXT_MAX_DEPTH CJSON_NESTING_LIMIT

/* True if text[0, len) is empty or only JSON whitespace. */
bool jtext_is_blank(const char *text, size_t len);

/* Report "<file>: line L, column C: <problem>" for byte `offset` of
 * `text`, both counted from 1, columns in bytes; returns -1. */
int jtext_fail_at(const struct jcheck *jc, const char *text, size_t offset, const char *problem);

/* Parse exactly one JSON value from text[0, len) with only JSON
 * whitespace (space, tab, CR, LF) around it. 0 and *out set (free with
 * cJSON_Delete), or -1 after reporting through jc. */
int jtext_parse(const struct jcheck *jc, const char *text, size_t len, cJSON **out);

/* Make every number that jtext_parse read print as it was written
 * (cJSON prints only a double): for printing a tree just before it is
 * freed, as its numbers become raw text that jcheck no longer reads. */
void jtext_numbers_as_written(cJSON *item);

#endif
