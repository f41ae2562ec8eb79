/* test_shell_parse.c - the x86 command line's pure parts, on the host:
 * splitting a line into words, numbers and pids, and line editing as a
 * terminal's bytes arrive. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/abi.h"
#include "hal-x86/kernel/shell_line.h"
#include "hal-x86/kernel/shell_parse.h"

Test(shell_split, words_at_blanks)
{
    char line[] = "  spawn\thello  a b ";
    char *words[8];
    cr_assert_eq(shell_split(line, words, 8), 4);
    cr_assert_str_eq(words[0], "spawn");
    cr_assert_str_eq(words[1], "hello");
    cr_assert_str_eq(words[2], "a");
    cr_assert_str_eq(words[3], "b");
}

Test(shell_split, empty_and_blank_lines_have_no_words)
{
    char empty[] = "", blank[] = " \t  ";
    char *words[2];
    cr_assert_eq(shell_split(empty, words, 2), 0);
    cr_assert_eq(shell_split(blank, words, 2), 0);
}

Test(shell_split, too_many_words)
{
    char line[] = "a b c";
    char *words[2];
    cr_assert_eq(shell_split(line, words, 2), SHELL_TOO_MANY_WORDS);
    char exact[] = "a b ";
    cr_assert_eq(shell_split(exact, words, 2), 2, "trailing blanks are not a word");
}

Test(shell_parse_u32, decimal_within_range)
{
    uint32_t v = 99;
    cr_assert_eq(shell_parse_u32("0", 10, &v), SHELL_PARSE_OK);
    cr_assert_eq(v, 0);
    cr_assert_eq(shell_parse_u32("65535", 65535, &v), SHELL_PARSE_OK);
    cr_assert_eq(v, 65535);
    cr_assert_eq(shell_parse_u32("4294967295", UINT32_MAX, &v), SHELL_PARSE_OK);
    cr_assert_eq(v, UINT32_MAX);
}

Test(shell_parse_u32, bad_numbers_rejected_and_untouched)
{
    uint32_t v = 7;
    cr_assert_eq(shell_parse_u32("", 10, &v), SHELL_NOT_A_NUMBER);
    cr_assert_eq(shell_parse_u32("-1", 10, &v), SHELL_NOT_A_NUMBER);
    cr_assert_eq(shell_parse_u32("+1", 10, &v), SHELL_NOT_A_NUMBER);
    cr_assert_eq(shell_parse_u32("1x", 10, &v), SHELL_NOT_A_NUMBER);
    cr_assert_eq(shell_parse_u32(" 1", 10, &v), SHELL_NOT_A_NUMBER);
    cr_assert_eq(shell_parse_u32("11", 10, &v), SHELL_OUT_OF_RANGE);
    cr_assert_eq(shell_parse_u32("4294967296", UINT32_MAX, &v), SHELL_OUT_OF_RANGE);
    cr_assert_eq(shell_parse_u32("99999999999999999999999", UINT32_MAX, &v), SHELL_OUT_OF_RANGE);
    cr_assert_eq(v, 7);
}

/* Found by fuzz_shell_parse: digits above the maximum followed by something
 * else said "out of range"; shell_parse.h calls that not a number. */
Test(shell_parse_u32, trailing_junk_is_not_a_number_whatever_the_digits)
{
    uint32_t v = 7;
    cr_assert_eq(shell_parse_u32("11x", 10, &v), SHELL_NOT_A_NUMBER);
    cr_assert_eq(shell_parse_u32("99999999999999999999999 ", UINT32_MAX, &v), SHELL_NOT_A_NUMBER);
    cr_assert_eq(shell_parse_u32("70000", UINT16_MAX, &v), SHELL_OUT_OF_RANGE);
    cr_assert_eq(v, 7);
}

Test(shell_parse_pid, node_and_local)
{
    uint32_t pid = 0;
    cr_assert_eq(shell_parse_pid("n0.1", &pid), SHELL_PARSE_OK);
    cr_assert_eq(pid, ABI_PID(0, 1));
    cr_assert_eq(shell_parse_pid("n2.7", &pid), SHELL_PARSE_OK);
    cr_assert_eq(pid, 0x20007u);
    cr_assert_eq(shell_parse_pid("n65535.65535", &pid), SHELL_PARSE_OK);
    cr_assert_eq(pid, 0xFFFFFFFFu);
}

Test(shell_parse_pid, malformed_pids_rejected)
{
    const char *bad[] = {"", "n", "0.1", "N0.1", "n.1", "n0.", "n0", "n0.1x", "n0.1.2", "n-1.1",
                         "n65536.1", "n0.65536", "n0 .1", "1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t pid = 42;
        cr_assert_eq(shell_parse_pid(bad[i], &pid), SHELL_NOT_A_PID, "'%s'", bad[i]);
        cr_assert_eq(pid, 42);
    }
    uint32_t pid;
    cr_assert_eq(shell_parse_pid("n3.0", &pid), SHELL_KERNEL_PID);
}

Test(shell_parse, every_status_has_words)
{
    for (int s = SHELL_KERNEL_PID; s <= SHELL_PARSE_OK; s++)
        cr_assert(strcmp(shell_parse_status_text(s), "unknown parse error") != 0, "status %d", s);
    cr_assert_str_eq(shell_parse_status_text(-99), "unknown parse error");
}

/* ---- line editing ------------------------------------------------------ */

static enum shell_key feed(struct shell_line *l, const char *bytes)
{
    enum shell_key last = SHELL_KEY_NONE;
    for (; *bytes != '\0'; bytes++)
        last = shell_line_feed(l, *bytes);
    return last;
}

Test(shell_line, typing_and_erasing)
{
    struct shell_line l;
    shell_line_init(&l);
    cr_assert_eq(shell_line_feed(&l, 'p'), SHELL_KEY_TYPED);
    cr_assert_eq(shell_line_feed(&l, 'x'), SHELL_KEY_TYPED);
    cr_assert_eq(shell_line_feed(&l, 0x7F), SHELL_KEY_ERASED);
    cr_assert_eq(shell_line_feed(&l, 's'), SHELL_KEY_TYPED);
    cr_assert_str_eq(l.text, "ps");
    cr_assert_eq(shell_line_feed(&l, '\b'), SHELL_KEY_ERASED);
    cr_assert_eq(shell_line_feed(&l, '\b'), SHELL_KEY_ERASED);
    cr_assert_eq(shell_line_feed(&l, '\b'), SHELL_KEY_NONE, "nothing left to erase");
    cr_assert_str_eq(l.text, "");
}

Test(shell_line, enter_as_cr_lf_or_crlf_once)
{
    struct shell_line l;
    shell_line_init(&l);
    feed(&l, "ps");
    cr_assert_eq(shell_line_feed(&l, '\r'), SHELL_KEY_ENTER);
    cr_assert_str_eq(l.text, "ps");
    cr_assert_eq(shell_line_feed(&l, '\n'), SHELL_KEY_NONE, "LF right after CR is the same Enter");
    cr_assert_eq(shell_line_feed(&l, '\n'), SHELL_KEY_ENTER, "a second LF is a second Enter");
    cr_assert_eq(shell_line_feed(&l, '\r'), SHELL_KEY_ENTER);
    cr_assert_eq(shell_line_feed(&l, '\r'), SHELL_KEY_ENTER);
}

Test(shell_line, crlf_split_by_clearing_the_line_is_one_enter)
{
    struct shell_line l;
    shell_line_init(&l);
    cr_assert_eq(feed(&l, "ps\r"), SHELL_KEY_ENTER);
    shell_line_clear(&l);
    cr_assert_eq(shell_line_feed(&l, '\n'), SHELL_KEY_NONE);
    cr_assert_eq(feed(&l, "load"), SHELL_KEY_TYPED);
    cr_assert_str_eq(l.text, "load");
}

Test(shell_line, escape_sequences_swallowed)
{
    struct shell_line l;
    shell_line_init(&l);
    cr_assert_eq(feed(&l, "a\x1b[A"), SHELL_KEY_NONE, "up arrow");
    cr_assert_eq(feed(&l, "\x1b[1;5C"), SHELL_KEY_NONE, "ctrl-right");
    cr_assert_eq(feed(&l, "\x1bOP"), SHELL_KEY_NONE, "F1");
    cr_assert_eq(feed(&l, "\x1b" "x"), SHELL_KEY_NONE, "alt-x");
    cr_assert_eq(feed(&l, "b"), SHELL_KEY_TYPED, "typing resumes after a sequence");
    cr_assert_str_eq(l.text, "ab");
}

Test(shell_line, control_and_non_ascii_bytes_ignored)
{
    struct shell_line l;
    shell_line_init(&l);
    cr_assert_eq(shell_line_feed(&l, 0x01), SHELL_KEY_NONE);
    cr_assert_eq(shell_line_feed(&l, '\t'), SHELL_KEY_NONE);
    cr_assert_eq(shell_line_feed(&l, (char)0xC3), SHELL_KEY_NONE);
    cr_assert_eq(shell_line_feed(&l, (char)0xA9), SHELL_KEY_NONE);
    cr_assert_eq(shell_line_feed(&l, 0), SHELL_KEY_NONE);
    cr_assert_eq(l.len, 0);
    cr_assert_eq(shell_line_feed(&l, 0x03), SHELL_KEY_CANCEL);
}

Test(shell_line, full_line_keeps_what_fits)
{
    struct shell_line l;
    shell_line_init(&l);
    for (uint32_t i = 0; i < SHELL_LINE_MAX; i++)
        cr_assert_eq(shell_line_feed(&l, 'x'), SHELL_KEY_TYPED);
    cr_assert_eq(shell_line_feed(&l, 'y'), SHELL_KEY_FULL);
    cr_assert_eq(l.len, SHELL_LINE_MAX);
    cr_assert_eq(strlen(l.text), SHELL_LINE_MAX);
    cr_assert_eq(shell_line_feed(&l, '\r'), SHELL_KEY_ENTER);
}
