/*
 * pid.c - pids as text: "n<node>.<local>", both parts decimal, as core/abi.h
 * prints them.
 */
#include "nimbus.h"

int pid_format(uint32_t pid, char *buf, uint32_t cap)
{
    int len = snprintf(buf, cap, PID_FMT, PID_ARGS(pid));
    return (uint32_t)len < cap ? len : ERR_TOO_BIG;
}

/* A decimal number 0..65535 without sign or leading garbage; advances *s. */
static int parse_part(const char **s, uint32_t *out)
{
    const char *p = *s;
    uint32_t v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10u + (uint32_t)(*p - '0');
        if (v > 0xFFFFu)
            return ERR_INVALID;
        p++;
        digits++;
    }
    if (digits == 0)
        return ERR_INVALID;
    *s = p;
    *out = v;
    return 0;
}

int pid_parse(const char *s, uint32_t *pid)
{
    uint32_t node, local;
    if (*s++ != 'n' || parse_part(&s, &node) != 0 || *s++ != '.' || parse_part(&s, &local) != 0 || *s != '\0')
        return ERR_INVALID;
    *pid = ABI_PID(node, local);
    return 0;
}
