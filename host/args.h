/*
 * args.h - the one argument parser of every `nimbus` subcommand: GNU-style
 * options with one style of errors and hints.
 *
 *   --name VALUE, --name=VALUE     long options
 *   -x VALUE, -xVALUE, -abc        short options; flags may be grouped
 *   --                             the rest are operands
 *   -                              an operand (standard input, by custom)
 *
 * Options and operands may come in any order. Problems are printed on
 * stderr as "nimbus CMD: <problem>" with a hint, e.g.
 *   nimbus run: unknown option '--sed' (did you mean '--seed'?)
 *   Try 'nimbus run --help'.
 */
#ifndef HOST_ARGS_H
#define HOST_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct args_option {
    const char *name;  /* long name without "--" */
    char short_name;   /* 0 when it has none */
    const char *value; /* NULL for a flag, else the value's name in messages ("DIR") */
    int id;            /* what args_next returns for it, >= 0 */
};

enum {
    ARGS_OPERAND = -1, /* *value is an operand */
    ARGS_END = -2,     /* every argument was read */
    ARGS_ERROR = -3,   /* a problem was printed */
};

struct args {
    const char *command; /* "run", for messages */
    const struct args_option *options;
    size_t option_count;
    int argc;
    char **argv;
    int next;            /* the next argument to read */
    const char *cluster; /* the rest of a group of short flags, "" when none */
    bool operands_only;  /* after "--" */
};

void args_init(struct args *a, const char *command, const struct args_option *options, size_t option_count,
               int argc, char **argv);

/* The next option's id (with its value in *value, NULL for a flag), an
 * operand (ARGS_OPERAND), ARGS_END, or ARGS_ERROR after a message. */
int args_next(struct args *a, const char **value);

/* Read every argument of a command that takes one operand (`what` names
 * it in messages: "scenario file"): each option goes to take(id, value,
 * ctx), which returns 0 to go on or a status to stop with; the operand
 * goes to *operand. 0 when all was read and the operand given, take's
 * status, or 1 after a usage message. */
int args_parse_with_operand(struct args *a, const char *what, const char **operand,
                            int (*take)(int id, const char *value, void *ctx), void *ctx);

/* Print "nimbus CMD: <message>" and the --help hint on stderr; returns 1,
 * the usage exit status. */
__attribute__((format(printf, 2, 3))) int args_usage_error(const char *command, const char *fmt, ...);

/* For "did you mean": the only candidate that begins with `word`, else
 * the closest one at most two edits away (one for a word of four letters
 * or less), else NULL. */
const char *args_closest(const char *word, const char *const *candidates, size_t count);

/* `text` as a whole number from 0 to `max`: false for anything else
 * (signs, spaces, other characters, too large). */
bool args_parse_u64(const char *text, uint64_t max, uint64_t *out);

#endif
