/*
 * json_comments.h - comments in JSON files people write (scenarios):
 * from "//" to the end of the line, and from "/" "*" to the next "*" "/",
 * outside strings, as in C (block comments do not nest).
 *
 * Comments are not JSON, so they are blanked out before the strict parse
 * (host/json_text.h): every byte of a comment becomes a space, except
 * line ends, which stay. The text keeps its length and every line and
 * column, so a later error still points into the file as written.
 */
#ifndef HOST_JSON_COMMENTS_H
#define HOST_JSON_COMMENTS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "json_check.h"

/* A copy of text[0, len) with its comments blanked (NUL-terminated; the
 * caller frees it). -1 after reporting through jc, with the line and
 * column: a block comment that is never closed, or a control character
 * other than tab inside a comment. */
int jtext_blank_comments(const struct jcheck *jc, const char *text, size_t len, char **out);

/* jtext_parse (host/json_text.h) of the text with its comments blanked. */
int jtext_parse_commented(const struct jcheck *jc, const char *text, size_t len, cJSON **out);

#endif
