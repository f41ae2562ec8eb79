/* args.c - see args.h. */
#include "args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void args_init(struct args *a, const char *command, const struct args_option *options, size_t option_count,
               int argc, char **argv)
{
    *a = (struct args){.command = command, .options = options, .option_count = option_count,
                       .argc = argc, .argv = argv, .cluster = ""};
}

static void print_usage_error(const char *command, const char *fmt, va_list ap)
{
    fprintf(stderr, "nimbus %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'nimbus %s --help'.\n", command);
}

int args_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_usage_error(command, fmt, ap);
    va_end(ap);
    return 1;
}

/* The parser's own problems: printed, and ARGS_ERROR for args_next. */
__attribute__((format(printf, 2, 3))) static int parse_error(const struct args *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_usage_error(a->command, fmt, ap);
    va_end(ap);
    return ARGS_ERROR;
}

/* Edits (insert, delete, replace, swap of neighbours) from a to b when
 * they are at most `budget`, else budget + 1. */
static unsigned edits_within(const char *a, const char *b, unsigned budget)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    if (*a == '\0' || *b == '\0') {
        size_t rest = strlen(a) + strlen(b);
        return rest <= budget ? (unsigned)rest : budget + 1;
    }
    if (budget == 0)
        return 1;
    unsigned best = 1 + edits_within(a + 1, b + 1, budget - 1); /* replace */
    unsigned del = 1 + edits_within(a + 1, b, budget - 1), ins = 1 + edits_within(a, b + 1, budget - 1);
    best = del < best ? del : best;
    best = ins < best ? ins : best;
    if (a[1] != '\0' && a[1] == b[0] && a[0] == b[1]) {
        unsigned swap = 1 + edits_within(a + 2, b + 2, budget - 1);
        best = swap < best ? swap : best;
    }
    return best <= budget ? best : budget + 1;
}

const char *args_closest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL, *prefixed = NULL;
    unsigned budget = strlen(word) <= 4 ? 1 : 2; /* two edits make any short word another */
    unsigned best_edits = budget + 1, prefixes = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned e = edits_within(word, candidates[i], budget);
        if (e < best_edits) {
            best_edits = e;
            best = candidates[i];
        }
        if (word[0] != '\0' && strncmp(candidates[i], word, strlen(word)) == 0) {
            prefixes++;
            prefixed = candidates[i];
        }
    }
    return prefixes == 1 ? prefixed : best;
}

bool args_parse_u64(const char *text, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (*text == '\0')
        return false;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static const struct args_option *find_long(const struct args *a, const char *name, size_t len)
{
    for (size_t i = 0; i < a->option_count; i++)
        if (strlen(a->options[i].name) == len && strncmp(a->options[i].name, name, len) == 0)
            return &a->options[i];
    return NULL;
}

static const struct args_option *find_short(const struct args *a, char c)
{
    for (size_t i = 0; i < a->option_count; i++)
        if (a->options[i].short_name == c)
            return &a->options[i];
    return NULL;
}

static int unknown_long(const struct args *a, const char *arg, size_t len)
{
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < a->option_count && n < 64; i++)
        names[n++] = a->options[i].name;
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)(len < 127 ? len : 127), arg);
    const char *near = args_closest(word, names, n);
    if (near != NULL)
        return parse_error(a, "unknown option '--%s' (did you mean '--%s'?)", word, near);
    return parse_error(a, "unknown option '--%s'", word);
}

/* The value of option `o` given as `--name=VALUE` (inline) or as the next argument. */
static int take_value(struct args *a, const struct args_option *o, const char *inline_value, const char **value)
{
    if (inline_value != NULL) {
        *value = inline_value;
    } else if (a->next < a->argc) {
        *value = a->argv[a->next++];
    } else {
        return parse_error(a, "option '--%s' needs a value (%s)", o->name, o->value);
    }
    return o->id;
}

static int next_long(struct args *a, const char *arg, const char **value)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    const struct args_option *o = find_long(a, arg, len);
    if (o == NULL)
        return unknown_long(a, arg, len);
    if (o->value == NULL) {
        if (eq != NULL)
            return parse_error(a, "option '--%s' takes no value", o->name);
        *value = NULL;
        return o->id;
    }
    return take_value(a, o, eq != NULL ? eq + 1 : NULL, value);
}

static int next_short(struct args *a, const char **value)
{
    char c = *a->cluster++;
    const struct args_option *o = find_short(a, c);
    if (o == NULL) {
        a->cluster = "";
        return parse_error(a, "unknown option '-%c'", c);
    }
    if (o->value == NULL) {
        *value = NULL;
        return o->id;
    }
    const char *rest = *a->cluster != '\0' ? a->cluster : NULL;
    a->cluster = "";
    return take_value(a, o, rest, value);
}

int args_next(struct args *a, const char **value)
{
    if (*a->cluster != '\0')
        return next_short(a, value);
    if (a->next >= a->argc)
        return ARGS_END;
    const char *arg = a->argv[a->next++];
    if (a->operands_only || arg[0] != '-' || arg[1] == '\0') {
        *value = arg;
        return ARGS_OPERAND;
    }
    if (strcmp(arg, "--") == 0) {
        a->operands_only = true;
        return args_next(a, value);
    }
    if (arg[1] == '-')
        return next_long(a, arg + 2, value);
    a->cluster = arg + 1;
    return next_short(a, value);
}

int args_parse_with_operand(struct args *a, const char *what, const char **operand,
                            int (*take)(int id, const char *value, void *ctx), void *ctx)
{
    const char *v;
    *operand = NULL;
    for (int id; (id = args_next(a, &v)) != ARGS_END;) {
        if (id == ARGS_ERROR)
            return 1;
        if (id == ARGS_OPERAND) {
            if (*operand != NULL)
                return args_usage_error(a->command, "one %s at a time (got '%s' too)", what, v);
            *operand = v;
            continue;
        }
        int rc = take(id, v, ctx);
        if (rc != 0)
            return rc;
    }
    if (*operand == NULL)
        return args_usage_error(a->command, "no %s given", what);
    return 0;
}
