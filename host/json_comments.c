/*
 * json_comments.c - see json_comments.h. One pass over the text that
 * knows only strings (where "//" is just text) and the two comment forms.
 */
#include "json_comments.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

/* The text being scanned and its copy with the comments blanked. */
struct jcomment_scan {
    const struct jcheck *jc;
    const char *text;
    size_t len;
    char *out;
};

static bool jcomment_is_line_end(char c)
{
    return c == '\n' || c == '\r';
}

/* Blank the comment's bytes [from, to), keeping line ends; a control
 * character would be invisible in the file, so it is refused as in a
 * string. */
static int jcomment_blank(const struct jcomment_scan *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)s->text[i];
        if (jcomment_is_line_end((char)c))
            continue;
        if ((c < 0x20u && c != '\t') || c == 0x7Fu)
            return jtext_fail_at(s->jc, s->text, i, "a control character in a comment");
        s->out[i] = ' ';
    }
    return 0;
}

/* The comment at `at` (a line or a block comment): blank it and return
 * the offset just past it, or SIZE_MAX after reporting an error. */
static size_t jcomment_skip(const struct jcomment_scan *s, size_t at)
{
    size_t end;
    if (s->text[at + 1] == '/') {
        end = at + 2;
        while (end < s->len && !jcomment_is_line_end(s->text[end]))
            end++;
    } else {
        end = at + 2;
        while (end + 1 < s->len && !(s->text[end] == '*' && s->text[end + 1] == '/'))
            end++;
        if (end + 1 >= s->len) {
            jtext_fail_at(s->jc, s->text, at, "a comment opened here is never closed (no */)");
            return SIZE_MAX;
        }
        end += 2;
    }
    return jcomment_blank(s, at, end) < 0 ? SIZE_MAX : end;
}

/* The offset just past the string that opens at `at` (or the end of the
 * text: the parser reports an unclosed string). */
static size_t jcomment_skip_string(const char *text, size_t len, size_t at)
{
    size_t i = at + 1;
    while (i < len && text[i] != '"')
        i += text[i] == '\\' ? 2 : 1;
    return i < len ? i + 1 : len;
}

int jtext_blank_comments(const struct jcheck *jc, const char *text, size_t len, char **out)
{
    struct jcomment_scan s = {jc, text, len, malloc(len + 1)};
    if (s.out == NULL)
        return jcheck_fail(jc, NULL, "out of memory");
    memcpy(s.out, text, len);
    s.out[len] = '\0';
    size_t i = 0;
    while (i < len) {
        if (text[i] == '"') {
            i = jcomment_skip_string(text, len, i);
        } else if (text[i] == '/' && i + 1 < len && (text[i + 1] == '/' || text[i + 1] == '*')) {
            i = jcomment_skip(&s, i);
            if (i == SIZE_MAX) {
                free(s.out);
                return -1;
            }
        } else {
            i++;
        }
    }
    *out = s.out;
    return 0;
}

int jtext_parse_commented(const struct jcheck *jc, const char *text, size_t len, cJSON **out)
{
    char *plain = NULL;
    if (jtext_blank_comments(jc, text, len, &plain) < 0)
        return -1;
    int rc = jtext_parse(jc, plain, len, out);
    free(plain);
    return rc;
}
