/*
 * shell_parse.h - the command line's words, numbers and pids, as pure
 * functions (no console, no kernel) so host tests can run them.
 */
#ifndef HAL_X86_SHELL_PARSE_H
#define HAL_X86_SHELL_PARSE_H

#include <stdint.h>

enum shell_parse_status {
    SHELL_PARSE_OK = 0,
    SHELL_TOO_MANY_WORDS = -1,
    SHELL_NOT_A_NUMBER = -2,   /* empty, or something other than decimal digits */
    SHELL_OUT_OF_RANGE = -3,   /* digits, but above the allowed maximum */
    SHELL_NOT_A_PID = -4,      /* not of the form n<node>.<local> */
    SHELL_KERNEL_PID = -5,     /* n<node>.0 names a node's kernel, not a process */
};

/* Split `line` in place at spaces and tabs into words (NUL-terminated,
 * stored in words[0..]); returns how many, or SHELL_TOO_MANY_WORDS when
 * there are more than `max`. */
int shell_split(char *line, char **words, uint32_t max);

/* A decimal number 0..max (digits only, no sign). */
int shell_parse_u32(const char *text, uint32_t max, uint32_t *out);

/* A pid written as core/abi.h prints it, "n<node>.<local>" (node
 * 0..65535, local 1..65535): pid = node << 16 | local. */
int shell_parse_pid(const char *text, uint32_t *pid);

/* What went wrong, in words, for one of the statuses above. */
const char *shell_parse_status_text(int status);

#endif
