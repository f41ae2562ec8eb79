/*
 * fuzz_shell_parse.c - libFuzzer harness for the x86 shell's pure parts:
 * line editing (hal-x86/kernel/shell_line.c) and words, numbers and pids
 * (shell_parse.c). The input is the byte stream a terminal sends.
 *
 * Every byte goes through shell_line_feed, whose answer must match what it
 * did: TYPED appended that printable byte, ERASED removed one, FULL only at
 * 160 bytes, anything else left the text alone. Outside an escape sequence
 * a printable byte is always typed (or FULL), CR, LF or CR LF is one Enter
 * and Ctrl-C cancels; inside one every byte is swallowed. The text stays
 * printable ASCII, NUL-terminated at `len`. Each line Enter completes, and
 * the whole input as one C string (tabs and any other bytes included), is
 * split into words, which must be the blank-separated runs of the line, in
 * order; with room for one word fewer the split must say too many words.
 * Every word is parsed as a number (for several maxima) and as a pid, and
 * the status compared with a model written from shell_parse.h
 * (NOT_A_NUMBER for anything but digits, OUT_OF_RANGE for digits above
 * the maximum); on error the output is left alone.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/abi.h"
#include "hal-x86/kernel/shell_line.h"
#include "hal-x86/kernel/shell_parse.h"

#define SHELL_MAX_WORDS (ABI_ARGS_MAX_COUNT + 2u) /* as hal-x86/kernel/shell.c */
#define UNTOUCHED 0xDEADBEEFu

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits from *p, their value saturated just above `max`. */
static uint64_t model_digits(const char **p, uint32_t max)
{
    uint64_t v = 0;
    for (; is_digit(**p); (*p)++)
        v = v > max ? v : v * 10u + (uint64_t)(**p - '0');
    return v;
}

static int model_u32(const char *text, uint32_t max, uint32_t *out)
{
    const char *p = text;
    uint64_t v = model_digits(&p, max);
    if (p == text || *p != '\0')
        return SHELL_NOT_A_NUMBER;
    if (v > max)
        return SHELL_OUT_OF_RANGE;
    *out = (uint32_t)v;
    return SHELL_PARSE_OK;
}

static int model_pid(const char *text, uint32_t *pid)
{
    const char *p = text;
    if (*p++ != 'n' || !is_digit(*p))
        return SHELL_NOT_A_PID;
    uint64_t node = model_digits(&p, 0xFFFFu);
    if (*p++ != '.' || !is_digit(*p))
        return SHELL_NOT_A_PID;
    uint64_t local = model_digits(&p, 0xFFFFu);
    if (*p != '\0' || node > 0xFFFFu || local > 0xFFFFu)
        return SHELL_NOT_A_PID;
    if (local == 0)
        return SHELL_KERNEL_PID;
    *pid = ABI_PID((uint32_t)node, (uint32_t)local);
    return SHELL_PARSE_OK;
}

static void fuzz_check_word(const char *word)
{
    static const uint32_t maxima[] = {0, 10, UINT16_MAX, UINT32_MAX};
    for (size_t i = 0; i < sizeof maxima / sizeof maxima[0]; i++) {
        uint32_t got = UNTOUCHED, want = UNTOUCHED;
        if (shell_parse_u32(word, maxima[i], &got) != model_u32(word, maxima[i], &want) || got != want)
            abort();
    }
    uint32_t got = UNTOUCHED, want = UNTOUCHED;
    int status = shell_parse_pid(word, &got);
    if (status != model_pid(word, &want) || got != want)
        abort();
    if (strcmp(shell_parse_status_text(status), "unknown parse error") == 0)
        abort();
}

/* Split `text` (not changed) and compare with its blank-separated runs. */
static void fuzz_check_split(const char *text)
{
    size_t len = strlen(text);
    char *line = malloc(len + 1), *copy = malloc(len + 1);
    if (line == NULL || copy == NULL)
        abort();
    memcpy(line, text, len + 1);
    char *words[SHELL_MAX_WORDS];
    int n = shell_split(line, words, SHELL_MAX_WORDS);
    uint32_t runs = 0;
    const char *p = text;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0')
            break;
        size_t run = 0;
        while (p[run] != '\0' && !is_blank(p[run]))
            run++;
        if (n >= 0 && runs < (uint32_t)n) {
            if (words[runs] != line + (p - text) || strlen(words[runs]) != run)
                abort();
            fuzz_check_word(words[runs]);
        }
        runs++;
        p += run;
    }
    if (runs > SHELL_MAX_WORDS ? n != SHELL_TOO_MANY_WORDS : n != (int)runs)
        abort();
    if (runs > 0 && runs <= SHELL_MAX_WORDS) {
        memcpy(copy, text, len + 1);
        if (shell_split(copy, words, runs - 1) != SHELL_TOO_MANY_WORDS)
            abort();
    }
    free(copy);
    free(line);
}

/* Feed one byte and check the answer against what changed. */
static enum shell_key fuzz_feed(struct shell_line *l, uint8_t b)
{
    char before[SHELL_LINE_MAX + 1];
    uint32_t old = l->len;
    bool in_escape = l->escape != 0, after_cr = l->after_cr;
    memcpy(before, l->text, sizeof before);
    enum shell_key key = shell_line_feed(l, (char)b);
    bool printable = b >= 0x20 && b <= 0x7E;
    if (l->len > SHELL_LINE_MAX || l->text[l->len] != '\0' || strlen(l->text) != l->len)
        abort();
    for (uint32_t i = 0; i < l->len; i++)
        if (l->text[i] < 0x20 || l->text[i] > 0x7E)
            abort();
    if (key == SHELL_KEY_TYPED) {
        if (!printable || l->len != old + 1 || memcmp(l->text, before, old) != 0 || l->text[old] != (char)b)
            abort();
    } else if (key == SHELL_KEY_ERASED) {
        if ((b != 0x08 && b != 0x7F) || old == 0 || l->len != old - 1 || memcmp(l->text, before, l->len) != 0)
            abort();
    } else if (l->len != old || memcmp(l->text, before, old + 1) != 0) {
        abort();
    }
    if (key == SHELL_KEY_FULL && (!printable || old != SHELL_LINE_MAX))
        abort();
    if (in_escape && key != SHELL_KEY_NONE)
        abort();
    if (!in_escape && printable && key != SHELL_KEY_TYPED && key != SHELL_KEY_FULL)
        abort();
    bool enter = b == '\r' || (b == '\n' && !after_cr); /* CR, LF or CR LF */
    if (!in_escape && (enter != (key == SHELL_KEY_ENTER) || (b == 0x03) != (key == SHELL_KEY_CANCEL)))
        abort();
    return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct shell_line l;
    shell_line_init(&l);
    for (size_t i = 0; i < size; i++) {
        enum shell_key key = fuzz_feed(&l, data[i]);
        if (key == SHELL_KEY_ENTER)
            fuzz_check_split(l.text);
        if (key == SHELL_KEY_ENTER || key == SHELL_KEY_CANCEL)
            shell_line_clear(&l);
    }
    char *whole = malloc(size + 1);
    if (whole == NULL)
        abort();
    memcpy(whole, data, size);
    whole[size] = '\0';
    fuzz_check_split(whole);
    free(whole);
    return 0;
}
