/*
 * test_args.c - the shared argument parser (host/args.h): every form of
 * option and operand, each problem's exact message, and the suggestions.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdint.h>

#include "host/args.h"

enum { Q, OUT, SEED };
static const struct args_option options[] = {
    {"quiet", 'q', NULL, Q},
    {"out", 'o', "DIR", OUT},
    {"seed", 's', "N", SEED},
};

/* Parse `argv`; the ids and values in order as "id:value " (operands as
 * "op:value", an error as "error"). */
static void parse(int argc, char **argv, char *out, size_t bytes)
{
    struct args a;
    args_init(&a, "test", options, 3, argc, argv);
    const char *v;
    size_t n = 0;
    out[0] = '\0';
    for (int id; (id = args_next(&a, &v)) != ARGS_END;) {
        if (id == ARGS_ERROR) {
            snprintf(out + n, bytes - n, "error");
            return;
        }
        n += (size_t)snprintf(out + n, bytes - n, "%s:%s ", id == ARGS_OPERAND ? "op" : id == Q ? "q"
                                                                                    : id == OUT ? "out" : "seed",
                              v != NULL ? v : "");
    }
}

#define PARSE(expected, ...)                                                                                      \
    do {                                                                                                      \
        char *argv[] = {__VA_ARGS__};                                                                         \
        char got[256];                                                                                        \
        parse(sizeof argv / sizeof argv[0], argv, got, sizeof got);                                           \
        cr_expect_str_eq(got, expected);                                                                      \
    } while (0)

Test(args, every_form_of_option_and_operand)
{
    PARSE("q: out:d seed:5 op:a.json ", "--quiet", "--out", "d", "--seed=5", "a.json");
    PARSE("seed:5 q: out:x ", "-s5", "-qo", "x");
    PARSE("q: seed:7 ", "-qs", "7");
    PARSE("op:- op:--quiet op:-q ", "-", "--", "--quiet", "-q");
    PARSE("out: ", "--out=");
}

Test(args, problems_stop_the_parse, .init = cr_redirect_stderr)
{
    PARSE("error", "--quiet=1");
    PARSE("error", "--out");
    PARSE("error", "-x");
    PARSE("q: error", "-q", "--sed", "5");
    fflush(stderr);
    cr_assert_stderr_eq_str("nimbus test: option '--quiet' takes no value\nTry 'nimbus test --help'.\n"
                            "nimbus test: option '--out' needs a value (DIR)\nTry 'nimbus test --help'.\n"
                            "nimbus test: unknown option '-x'\nTry 'nimbus test --help'.\n"
                            "nimbus test: unknown option '--sed' (did you mean '--seed'?)\n"
                            "Try 'nimbus test --help'.\n");
}

Test(args, the_only_name_it_begins_or_the_closest_within_two_edits)
{
    const char *names[] = {"run", "check", "check-run", "sweep", "viz", "boot"};
    cr_expect_str_eq(args_closest("chek", names, 6), "check");
    cr_expect_str_eq(args_closest("swepe", names, 6), "sweep");
    cr_expect_str_eq(args_closest("vzi", names, 6), "viz");
    cr_expect_str_eq(args_closest("check-r", names, 6), "check-run");
    cr_expect_null(args_closest("plot", names, 6));
    cr_expect_null(args_closest("c", names, 6), "two names begin with c");
}

Test(args, whole_numbers_only_up_to_the_bound)
{
    uint64_t v = 0;
    cr_expect(args_parse_u64("18446744073709551615", UINT64_MAX, &v));
    cr_expect_eq(v, UINT64_MAX);
    cr_expect_not(args_parse_u64("18446744073709551616", UINT64_MAX, &v));
    cr_expect_not(args_parse_u64("11", 10, &v));
    cr_expect(args_parse_u64("10", 10, &v));
    cr_expect_not(args_parse_u64("", 10, &v));
    cr_expect_not(args_parse_u64("-1", 10, &v));
    cr_expect_not(args_parse_u64(" 1", 10, &v));
    cr_expect_not(args_parse_u64("1x", 10, &v));
}

static int take_flag(int id, const char *value, void *ctx)
{
    (void)value;
    *(int *)ctx += id == Q;
    return id == SEED ? 7 : 0;
}

Test(args, one_operand_with_options, .init = cr_redirect_stderr)
{
    char *ok[] = {"-q", "a.json", "--quiet"}, *two[] = {"a.json", "b.json"}, *none[] = {"-q"},
         *stop[] = {"a.json", "--seed", "1"};
    struct args a;
    const char *operand;
    int flags = 0;
    args_init(&a, "test", options, 3, 3, ok);
    cr_expect_eq(args_parse_with_operand(&a, "scenario file", &operand, take_flag, &flags), 0);
    cr_expect_str_eq(operand, "a.json");
    cr_expect_eq(flags, 2);
    args_init(&a, "test", options, 3, 3, stop);
    cr_expect_eq(args_parse_with_operand(&a, "scenario file", &operand, take_flag, &flags), 7, "take's status");
    args_init(&a, "test", options, 3, 2, two);
    cr_expect_eq(args_parse_with_operand(&a, "scenario file", &operand, take_flag, &flags), 1);
    args_init(&a, "test", options, 3, 1, none);
    cr_expect_eq(args_parse_with_operand(&a, "scenario file", &operand, take_flag, &flags), 1);
    fflush(stderr);
    cr_assert_stderr_eq_str("nimbus test: one scenario file at a time (got 'b.json' too)\n"
                            "Try 'nimbus test --help'.\n"
                            "nimbus test: no scenario file given\nTry 'nimbus test --help'.\n");
}
