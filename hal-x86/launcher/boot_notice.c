/* boot_notice.c - see boot_notice.h. */
#include "boot_notice.h"

#include <stdio.h>
#include <string.h>

const char *boot_notice_skip_prompts(const char *line)
{
    while (boot_notice_is_prompt(line))
        line += strlen(BOOT_SHELL_PROMPT);
    return line;
}

bool boot_notice_is_prompt(const char *line)
{
    return strncmp(line, BOOT_SHELL_PROMPT, strlen(BOOT_SHELL_PROMPT)) == 0;
}

/* "node <id> ready: ip A.B.C.D mac M nodes N", more details may follow. */
static bool boot_notice_ready(const char *rest, struct boot_notice *out)
{
    unsigned node, nodes;
    int end = -1;
    if (sscanf(rest, "node %u ready: ip %15[0-9.] mac %17[0-9a-fA-F:] nodes %u%n", &node, out->ip, out->mac,
               &nodes, &end) != 4 ||
        end < 0 || (rest[end] != '\0' && rest[end] != ','))
        return false;
    out->node = node;
    out->nodes = nodes;
    return true;
}

/* "node <id> idle: every process exited (status <s>)". */
static bool boot_notice_idle(const char *rest, struct boot_notice *out)
{
    unsigned node;
    int status, end = -1;
    if (sscanf(rest, "node %u idle: every process exited (status %d)%n", &node, &status, &end) != 2 ||
        end < 0 || rest[end] != '\0')
        return false;
    out->node = node;
    out->status = status;
    return true;
}

/* "n<node>.<local> started ..." or "n<node>.<local> arrived from ...". */
static bool boot_notice_process(const char *rest)
{
    unsigned node, local;
    int end = -1;
    if (sscanf(rest, "n%u.%u %n", &node, &local, &end) != 2 || end < 0)
        return false;
    return strncmp(rest + end, "started ", 8) == 0 || strncmp(rest + end, "arrived from ", 13) == 0;
}

enum boot_notice_kind boot_notice_parse(const char *line, struct boot_notice *out)
{
    *out = (struct boot_notice){.kind = BOOT_NOTICE_NONE};
    line = boot_notice_skip_prompts(line);
    if (strncmp(line, BOOT_NOTICE_PREFIX, strlen(BOOT_NOTICE_PREFIX)) != 0)
        return BOOT_NOTICE_NONE;
    const char *rest = line + strlen(BOOT_NOTICE_PREFIX);
    if (strncmp(rest, "PANIC:", 6) == 0)
        out->kind = BOOT_NOTICE_PANIC;
    else if (boot_notice_ready(rest, out))
        out->kind = BOOT_NOTICE_READY;
    else if (boot_notice_idle(rest, out))
        out->kind = BOOT_NOTICE_IDLE;
    else if (boot_notice_process(rest))
        out->kind = BOOT_NOTICE_PROCESS;
    return out->kind;
}
