/*
 * test_node_config.c - the x86 kernel's command line (node_config.c) and
 * its formatter (kprint.c), on the host: every option, and every kind of
 * bad word refused with a message naming it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/kernel.h"
#include "hal-x86/kernel/kprint.h"
#include "hal-x86/kernel/node_config.h"

static struct node_config cfg;
static char err[256];

static int parse(const char *cmdline)
{
    err[0] = '\0';
    return node_config_parse(cmdline, &cfg, err, sizeof err);
}

Test(node_config, an_empty_line_gives_the_defaults)
{
    cr_assert_eq(parse(""), 0, "%s", err);
    cr_expect_eq(cfg.node_id, 0);
    cr_expect_eq(cfg.node_count, 1);
    cr_expect_eq(cfg.ipv4, 0x0A000001u, "10.0.0.1");
    cr_expect_str_empty(cfg.run);
    cr_expect_eq(cfg.balance_policy, HAL_BALANCE_NONE);
    cr_expect_eq(cfg.migrate_mode, MIGRATE_STOP_AND_COPY);
    cr_expect_not(cfg.exit_when_idle);
    cr_expect_str_empty(cfg.selftest);
    cr_expect_not(cfg.ata_pio, "DMA when the hardware has it");
    cr_expect_not(cfg.interpret, "translated programs");
    struct node_program p;
    cr_expect_not(node_config_program(&cfg, 0, &p), "no programs");
}

Test(node_config, every_option)
{
    cr_assert_eq(parse("  node=2 nodes=3\tip=192.168.1.7 run=pingpong:server:10,hello "
                       "balance=two-choices migrate=pre-copy exit=idle selftest=exit:7 ata=pio kv=1 "
                       "translate=off "),
                 0, "%s", err);
    cr_expect_eq(cfg.node_id, 2);
    cr_expect_eq(cfg.node_count, 3);
    cr_expect_eq(cfg.ipv4, 0xC0A80107u);
    cr_expect_eq(cfg.balance_policy, HAL_BALANCE_TWO_CHOICES);
    cr_expect_eq(cfg.migrate_mode, MIGRATE_PRE_COPY);
    cr_expect(cfg.exit_when_idle);
    cr_expect_str_eq(cfg.selftest, "exit:7");
    cr_expect(cfg.ata_pio);
    cr_expect(cfg.interpret);
    cr_expect(cfg.kv_configured);
    cr_expect_eq(cfg.kv_backend, 1);
}

Test(node_config, the_default_address_follows_the_node)
{
    cr_assert_eq(parse("node=5 nodes=300"), 0, "%s", err);
    cr_expect_eq(cfg.ipv4, 0x0A000006u, "10.0.0.6");
    cr_assert_eq(parse("node=299 nodes=300"), 0, "%s", err);
    cr_expect_eq(cfg.ipv4, 0x0A00012Cu, "10.0.1.44, as the core numbers nodes");
}

Test(node_config, run_splits_into_programs_and_arguments)
{
    cr_assert_eq(parse("run=pingpong:client:n0.1:100,hello,worker:5"), 0, "%s", err);
    struct node_program p;
    cr_assert(node_config_program(&cfg, 0, &p));
    cr_expect_str_eq(p.name, "pingpong");
    cr_assert_eq(p.argc, 3);
    cr_expect_str_eq(p.argv[0], "client");
    cr_expect_str_eq(p.argv[1], "n0.1");
    cr_expect_str_eq(p.argv[2], "100");
    cr_assert(node_config_program(&cfg, 1, &p));
    cr_expect_str_eq(p.name, "hello");
    cr_expect_eq(p.argc, 0);
    cr_assert(node_config_program(&cfg, 2, &p));
    cr_expect_str_eq(p.name, "worker");
    cr_expect_eq(p.argc, 1);
    cr_expect_not(node_config_program(&cfg, 3, &p));
}

Test(node_config, a_later_word_wins)
{
    cr_assert_eq(parse("run=hello run=worker:1 nodes=4 nodes=2 ata=pio ata=dma translate=off translate=on"),
                 0, "%s", err);
    cr_expect_str_eq(cfg.run, "worker:1");
    cr_expect_eq(cfg.node_count, 2);
    cr_expect_not(cfg.ata_pio);
    cr_expect_not(cfg.interpret);
}

/* Each of these stops the boot, naming the word. */
static const char *const bad_words[] = {
    "nodes=0",      "nodes=1025",   "nodes=",           "nodes=-1",     "nodes=2x",
    "node=x",       "node=1024",    "node=99999999999", "ip=10.0.0",    "ip=10.0.0.256",
    "ip=1.2.3.4.5", "ip=0.0.0.0",   "ip=1..2.3",        "ip=a.b.c.d",   "ip=255.255.255.255",
    "run=nosuch",   "run=hello,",   "run=,hello",       "run=hello::x", "run=hello:",
    "run=Hello",    "run=:x",       "balance=fast",     "balance=",     "migrate=live",
    "exit=now",     "exit=",        "selftest=nosuch",  "colour=blue",  "justaword",
    "=x",           "node",         "ata=udma",         "ata=",         "ata=PIO",
    "translate=",   "translate=no",
};

Test(node_config, bad_words_are_refused_by_name)
{
    for (size_t i = 0; i < sizeof bad_words / sizeof bad_words[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "nodes=2 %s node=1", bad_words[i]);
        char expected[128];
        snprintf(expected, sizeof expected, "bad word '%s'", bad_words[i]);
        cr_expect_eq(parse(line), -1, "'%s' was accepted", bad_words[i]);
        cr_expect(strstr(err, expected) != NULL, "'%s': message \"%s\"", bad_words[i], err);
    }
}

/* Found by fuzz_node_config: a newline or escape byte in a bad word went
 * into the message as it was, breaking the one-line boot-stopped notice. */
Test(node_config, a_bad_word_is_shown_as_printable_text)
{
    cr_expect_eq(parse("node=1\nnodes=2"), -1);
    cr_expect_str_eq(err, "bad word 'node=1?nodes=2' on the kernel command line");
    cr_expect_eq(parse("x=\x1b[2J\xff"), -1);
    cr_expect_str_eq(err, "bad word 'x=?[2J?' on the kernel command line");
}

Test(node_config, too_many_arguments_or_too_long_a_value)
{
    cr_expect_eq(parse("run=hello:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16"), 0, "sixteen: %s", err);
    cr_expect_eq(parse("run=hello:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17"), -1, "seventeen");
    char line[NODE_RUN_BYTES + 16] = "run=";
    memset(line + 4, 'a', NODE_RUN_BYTES);
    line[4 + NODE_RUN_BYTES] = '\0';
    cr_expect_eq(parse(line), -1, "a run= value longer than its field");
    cr_expect(strstr(err, "bad word 'run=aaaa") != NULL, "%s", err);
}

Test(node_config, the_node_must_be_in_the_cluster)
{
    cr_expect_eq(parse("node=2 nodes=2"), -1);
    cr_expect_str_eq(err, "node=2 is outside the cluster of nodes=2");
    cr_expect_eq(parse("node=1"), -1, "nodes defaults to 1");
    cr_expect_eq(parse("nodes=2 kv=2"), -1);
    cr_expect_str_eq(err, "kv=2 is outside the cluster of nodes=2");
    cr_expect_eq(parse("nodes=2 kv=1"), 0, "%s", err);
    cr_expect_eq(parse("nodes=2 kv=x"), -1);
    cr_expect_str_eq(err, "bad word 'kv=x' on the kernel command line");
}

/* ---- kprint's formatter ---------------------------------------------- */

static char out[64];

Test(kprint, the_console_stamp)
{
    unsigned long long ns = 12345678ull;
    ksnprintf(out, sizeof out, "[%5llu.%06llu ms]", ns / 1000000u, ns % 1000000u);
    cr_expect_str_eq(out, "[   12.345678 ms]");
}

Test(kprint, conversions_flags_and_widths)
{
    ksnprintf(out, sizeof out, "%d|%05d|%-4d|%u|%x|%X|%c|%s|%%|%zu|%li", -42, -42, 7, 3000000000u, 255u, 255u,
              'z', "str", (size_t)9, -5L);
    cr_expect_str_eq(out, "-42|-0042|7   |3000000000|ff|FF|z|str|%|9|-5");
    ksnprintf(out, sizeof out, "%p %s %lld", (void *)0x1234, (char *)NULL, -9223372036854775807LL - 1);
    cr_expect_str_eq(out, "0x0000000000001234 (null) -9223372036854775808");
    ksnprintf(out, sizeof out, "%02x:%02x %5s|%-5s|", 10, 255, "ab", "cd");
    cr_expect_str_eq(out, "0a:ff    ab|cd   |");
}

Test(kprint, unknown_conversions_show_as_written)
{
    const char *fmt = "%q %"; /* a literal would not pass -Wformat */
    ksnprintf(out, sizeof out, fmt, 1);
    cr_expect_str_eq(out, "%q ");
}

Test(kprint, output_is_cut_and_the_full_length_returned)
{
    char small[8];
    int n = ksnprintf(small, sizeof small, "%s-%d", "abcdef", 12345);
    cr_expect_eq(n, 12);
    cr_expect_str_eq(small, "abcdef-");
    cr_expect_eq(ksnprintf(NULL, 0, "%d", 123), 3, "size 0 writes nothing");
}
