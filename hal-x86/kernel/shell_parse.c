/* shell_parse.c - see shell_parse.h. */
#include "shell_parse.h"

#include <stddef.h>

#include "core/abi.h"

#define PID_PART_MAX 0xFFFFu

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int shell_split(char *line, char **words, uint32_t max)
{
    uint32_t count = 0;
    char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0')
            return (int)count;
        if (count == max)
            return SHELL_TOO_MANY_WORDS;
        words[count++] = p;
        while (*p != '\0' && !is_blank(*p))
            p++;
        if (*p != '\0')
            *p++ = '\0';
    }
}

/* Leading decimal digits of *text, at most `max`; advances *text past all
 * of them, even when they are too many, so the caller can tell "12x" (not
 * a number) from "12" above the maximum. */
static int parse_digits(const char **text, uint32_t max, uint32_t *out)
{
    const char *p = *text;
    uint64_t v = 0;
    if (*p < '0' || *p > '9')
        return SHELL_NOT_A_NUMBER;
    for (; *p >= '0' && *p <= '9'; p++)
        v = v > max ? v : v * 10u + (uint64_t)(*p - '0'); /* stops growing once above max */
    *text = p;
    if (v > max)
        return SHELL_OUT_OF_RANGE;
    *out = (uint32_t)v;
    return SHELL_PARSE_OK;
}

int shell_parse_u32(const char *text, uint32_t max, uint32_t *out)
{
    uint32_t v;
    int status = parse_digits(&text, max, &v);
    if (status != SHELL_NOT_A_NUMBER && *text != '\0')
        status = SHELL_NOT_A_NUMBER;
    if (status == SHELL_PARSE_OK)
        *out = v;
    return status;
}

int shell_parse_pid(const char *text, uint32_t *pid)
{
    uint32_t node, local;
    if (*text++ != 'n' || parse_digits(&text, PID_PART_MAX, &node) != SHELL_PARSE_OK || *text++ != '.' ||
        parse_digits(&text, PID_PART_MAX, &local) != SHELL_PARSE_OK || *text != '\0')
        return SHELL_NOT_A_PID;
    if (local == 0)
        return SHELL_KERNEL_PID;
    *pid = ABI_PID(node, local);
    return SHELL_PARSE_OK;
}

const char *shell_parse_status_text(int status)
{
    switch (status) {
    case SHELL_PARSE_OK: return "ok";
    case SHELL_TOO_MANY_WORDS: return "too many words";
    case SHELL_NOT_A_NUMBER: return "not a number";
    case SHELL_OUT_OF_RANGE: return "out of range";
    case SHELL_NOT_A_PID: return "not a pid (write n<node>.<local>, both 0..65535, e.g. n0.1)";
    case SHELL_KERNEL_PID: return "n<node>.0 is a node's kernel, not a process";
    default: return "unknown parse error";
    }
}
