/*
 * fuzz_node_config.c - libFuzzer harness for the x86 kernel's command line
 * parser (hal-x86/kernel/node_config.c): the input is the command line.
 *
 * Asserts, for any bytes (cut at the first NUL, as a C string is):
 *  - accepted: every field is in its documented range (node < nodes <=
 *    1024, an address that is neither 0.0.0.0 nor broadcast, a known
 *    policy and mode, NUL-terminated run= and selftest=); every run=
 *    program splits into a name the image holds and at most 16 non-empty
 *    arguments; and the configuration written back as canonical words
 *    parses to the same configuration, field by field.
 *  - rejected: the message in the kernel's 160-byte buffer is one line of
 *    printable ASCII, either "node=N is outside ..." or "bad word 'W' ..."
 *    where W is a blank-free piece of the input (control and non-ASCII
 *    bytes shown as '?').
 * Self tests known to the host stubs (tests/x86/x86_host_stubs.c): "exit:7", "fault".
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kernel.h"
#include "hal-sim/scenario.h"
#include "hal-x86/kernel/node_config.h"
#include "user/programs.h"
#include "core/names.h"

#define FUZZ_ERR_BYTES 160u /* as read_config() in hal-x86/kernel/main.c */
#define FUZZ_MAX_NODES 1024u
#define FUZZ_LINE_BYTES 1024u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_programs(const struct node_config *c)
{
    struct node_program p;
    uint32_t count = 0;
    while (node_config_program(c, count, &p)) {
        if (user_program_find(p.name, (uint32_t)strlen(p.name)) == NULL || p.argc > NODE_PROGRAM_MAX_ARGS)
            abort();
        for (uint32_t i = 0; i < p.argc; i++)
            if (p.argv[i][0] == '\0' || strpbrk(p.argv[i], ":,") != NULL)
                abort();
        count++;
        if (count > NODE_RUN_BYTES / 2)
            abort(); /* items are at least one byte and a comma */
    }
    /* run= was checked whole: every comma-separated item is a program. */
    uint32_t items = 0;
    if (c->run[0] != '\0')
        for (const char *s = c->run; s != NULL; s = strchr(s, ','))
            s++, items++;
    if (count != items)
        abort();
}

_Static_assert(sizeof(struct node_config) == 304, "a new field needs comparing in fuzz_check_round_trip");

/* The configuration as the words that give it; parsing them must give it back. */
static void fuzz_check_round_trip(const struct node_config *c)
{
    char line[FUZZ_LINE_BYTES], err[FUZZ_ERR_BYTES];
    int n = snprintf(line, sizeof line,
                     "node=%u nodes=%u ip=%u.%u.%u.%u balance=%s migrate=%s%s%s%s%s%s ata=%s translate=%s",
                     c->node_id, c->node_count, c->ipv4 >> 24, c->ipv4 >> 16 & 0xFFu, c->ipv4 >> 8 & 0xFFu,
                     c->ipv4 & 0xFFu, balance_policy_name(c->balance_policy),
                     migrate_mode_name(c->migrate_mode), c->exit_when_idle ? " exit=idle" : "",
                     c->run[0] != '\0' ? " run=" : "", c->run, c->selftest[0] != '\0' ? " selftest=" : "",
                     c->selftest, c->ata_pio ? "pio" : "dma", c->interpret ? "off" : "on");
    if (n < 0 || (size_t)n >= sizeof line)
        abort();
    if (c->kv_configured) {
        int more = snprintf(line + n, sizeof line - (size_t)n, " kv=%u", c->kv_backend);
        if (more < 0 || (size_t)(n + more) >= sizeof line)
            abort();
    }
    struct node_config a;
    if (node_config_parse(line, &a, err, sizeof err) != 0)
        abort();
    /* Field by field: a string field may hold an earlier value's bytes after its NUL. */
    if (a.node_id != c->node_id || a.node_count != c->node_count || a.ipv4 != c->ipv4 ||
        strcmp(a.run, c->run) != 0 || a.balance_policy != c->balance_policy ||
        a.migrate_mode != c->migrate_mode || a.exit_when_idle != c->exit_when_idle ||
        strcmp(a.selftest, c->selftest) != 0 || a.ata_pio != c->ata_pio || a.interpret != c->interpret ||
        a.kv_configured != c->kv_configured || (c->kv_configured && a.kv_backend != c->kv_backend))
        abort();
}

static void fuzz_check_accepted(const struct node_config *c)
{
    if (c->node_count < 1 || c->node_count > FUZZ_MAX_NODES || c->node_id >= c->node_count)
        abort();
    if (c->ipv4 == 0 || c->ipv4 == 0xFFFFFFFFu)
        abort();
    if (c->balance_policy >= HAL_BALANCE_COUNT ||
        (c->migrate_mode != MIGRATE_STOP_AND_COPY && c->migrate_mode != MIGRATE_PRE_COPY))
        abort();
    if (memchr(c->run, '\0', sizeof c->run) == NULL || memchr(c->selftest, '\0', sizeof c->selftest) == NULL)
        abort();
    fuzz_check_programs(c);
    fuzz_check_round_trip(c);
}

/* One printable line naming the problem; a quoted word is a piece of the
 * input, its control and non-ASCII bytes shown as '?'. */
static void fuzz_check_rejected(char *line, const char *err)
{
    static const char bad[] = "bad word '", tail[] = "' on the kernel command line";
    if (memchr(err, '\0', FUZZ_ERR_BYTES) == NULL)
        abort();
    for (const char *c = err; *c != '\0'; c++)
        if (*c < 0x20 || *c > 0x7E)
            abort();
    if (strncmp(err, "node=", 5) == 0 || strncmp(err, "kv=", 3) == 0)
        return; /* a number outside the cluster, not a word */
    if (strncmp(err, bad, sizeof bad - 1) != 0)
        abort();
    const char *word = err + sizeof bad - 1;
    size_t len = strlen(word);
    /* Drop the tail, or the part of it the buffer kept. */
    for (size_t cut = sizeof tail - 1; cut > 0; cut--) {
        if (cut <= len && memcmp(word + len - cut, tail, cut) == 0) {
            len -= cut;
            break;
        }
    }
    if (len == 0 || memchr(word, ' ', len) != NULL || memchr(word, '\t', len) != NULL)
        abort();
    for (char *c = line; *c != '\0'; c++)
        *c = *c >= 0x20 && *c <= 0x7E ? *c : '?';
    if (memmem(line, strlen(line), word, len) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    char *err = malloc(FUZZ_ERR_BYTES); /* exact sizes: ASan sees any overrun */
    if (line == NULL || err == NULL)
        abort();
    memcpy(line, data, size);
    line[size] = '\0';
    struct node_config c;
    if (node_config_parse(line, &c, err, FUZZ_ERR_BYTES) == 0)
        fuzz_check_accepted(&c);
    else
        fuzz_check_rejected(line, err);
    free(err);
    free(line);
    return 0;
}
