/*
 * test_scenario.c - the scenario loader (hal-sim/scenario.h): the shipped
 * scenarios load, every malformed input gets its exact one-line message,
 * quantities convert exactly, events sort stably, nothing leaks, and a
 * mutation fuzz loop over real scenario texts never crashes.
 *
 * Inline JSON is written with single quotes for readability; json() turns
 * them into double quotes. Run under ASan+UBSan too (see docs/scenarios.md).
 */
#define _DEFAULT_SOURCE /* strdup */

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/abi.h"
#include "hal/hal_trace.h"
#include "hal-sim/scenario.h"
#include "hal-sim/scenario_override.h"
#include "host/units.h"
#include "core/names.h"

#define SRC NIMBUS_SOURCE_DIR
#define X "scenarios/x.json: "
#define NAME_RULE "expected a name of 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'"

/* ---- leak checks --------------------------------------------------------- */

/* Under ASan, LeakSanitizer finds unreachable blocks on demand. Otherwise
 * this program replaces malloc (glibc supports that) to count live blocks:
 * the same count before and after a parse means nothing leaked. */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#if defined(TEST_ASAN)
#include <sanitizer/lsan_interface.h>

static long heap_blocks(void)
{
    return 0;
}

static bool heap_leaked(long before)
{
    (void)before;
    return __lsan_do_recoverable_leak_check() != 0;
}
#elif defined(__GLIBC__)
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static atomic_long live_blocks;

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    if (p != NULL)
        atomic_fetch_add(&live_blocks, 1);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    if (p != NULL)
        atomic_fetch_add(&live_blocks, 1);
    return p;
}

void *realloc(void *p, size_t n)
{
    void *q = __libc_realloc(p, n);
    if (p == NULL && q != NULL)
        atomic_fetch_add(&live_blocks, 1);
    else if (p != NULL && n == 0 && q == NULL)
        atomic_fetch_sub(&live_blocks, 1); /* glibc frees on realloc(p, 0) */
    return q;
}

void free(void *p)
{
    if (p != NULL)
        atomic_fetch_sub(&live_blocks, 1);
    __libc_free(p);
}

static long heap_blocks(void)
{
    return atomic_load(&live_blocks);
}

static bool heap_leaked(long before)
{
    return heap_blocks() != before;
}
#else
static long heap_blocks(void)
{
    return 0;
}

static bool heap_leaked(long before)
{
    (void)before;
    return false;
}
#endif

/* ---- helpers ------------------------------------------------------------- */

/* `text` with every ' turned into ". */
static const char *json(const char *text)
{
    static char buf[1 << 18];
    size_t n = strlen(text);
    cr_assert_lt(n, sizeof buf);
    for (size_t i = 0; i <= n; i++)
        buf[i] = text[i] == '\'' ? '"' : text[i];
    return buf;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (used == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        size_t got = fread(buf + used, 1, cap - used, f);
        used += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = used;
    return buf;
}

static bool is_zeroed(const struct scenario *s)
{
    static const struct scenario zero;
    return memcmp(s, &zero, sizeof zero) == 0;
}

/* Parse single-quoted JSON as scenarios/x.json; it must fail with exactly
 * `want`, leave nothing allocated and the scenario zeroed. */
static void expect_error(const char *text, const char *want)
{
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    const char *doc = json(text);
    long before = heap_blocks();
    int rc = scenario_parse(doc, strlen(doc), "scenarios/x.json", &s, err, sizeof err);
    cr_assert_eq(rc, -1, "%s\n  parsed, but expected: %s", doc, want);
    cr_assert_str_eq(err, want, "%s\n  got:  %s\n  want: %s", doc, err, want);
    cr_assert(is_zeroed(&s), "a failed parse left data in the scenario");
    cr_assert_not(heap_leaked(before), "a failed parse leaked memory: %s", doc);
}

/* Live blocks when the last expect_ok or load_shipped began. */
static long blocks_before_load;

/* Free a scenario from expect_ok or load_shipped and check that freeing
 * returned everything loading took. */
static void done(struct scenario *s)
{
    scenario_free(s);
    cr_assert(is_zeroed(s), "scenario_free leaves a zeroed struct");
    cr_assert_not(heap_leaked(blocks_before_load), "load + free leaked memory");
}

/* Parse single-quoted JSON that must load; the caller calls done(). */
static void expect_ok(const char *text, struct scenario *s)
{
    char err[SCN_ERROR_BYTES];
    blocks_before_load = heap_blocks();
    const char *doc = json(text);
    int rc = scenario_parse(doc, strlen(doc), "scenarios/x.json", s, err, sizeof err);
    cr_assert_eq(rc, 0, "%s\n  failed: %s", doc, err);
}

/* Load a file relative to the source tree and expect `want` after "<path>: ". */
static void expect_file_error(const char *relative, const char *want)
{
    char path[1024], full[2048];
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    snprintf(path, sizeof path, "%s/%s", SRC, relative);
    snprintf(full, sizeof full, "%s: %s", path, want);
    long before = heap_blocks();
    cr_assert_eq(scenario_load(path, &s, err, sizeof err), -1, "%s loaded", relative);
    cr_assert_str_eq(err, full, "got:  %s\nwant: %s", err, full);
    cr_assert(is_zeroed(&s));
    cr_assert_not(heap_leaked(before), "leak loading %s", relative);
}

/* ---- the shipped scenarios ----------------------------------------------- */

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcmp(name + n - k, suffix) == 0;
}

Test(shipped, every_scenario_file_loads)
{
    DIR *dir = opendir(SRC "/scenarios");
    cr_assert_not_null(dir);
    int loaded = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!has_suffix(e->d_name, ".json"))
            continue;
        char path[1024], err[SCN_ERROR_BYTES];
        snprintf(path, sizeof path, "%s/scenarios/%s", SRC, e->d_name);
        struct scenario s;
        long before = heap_blocks();
        cr_assert_eq(scenario_load(path, &s, err, sizeof err), 0, "%s", err);
        cr_assert_gt(s.node_count, 0);
        scenario_free(&s);
        cr_assert_not(heap_leaked(before), "leak in %s", path);
        loaded++;
    }
    closedir(dir);
    cr_assert_geq(loaded, 4);
}

static void load_shipped(const char *name, struct scenario *s)
{
    char path[1024], err[SCN_ERROR_BYTES];
    snprintf(path, sizeof path, "%s/scenarios/%s", SRC, name);
    blocks_before_load = heap_blocks();
    cr_assert_eq(scenario_load(path, s, err, sizeof err), 0, "%s", err);
}

static void assert_spawn(const struct scn_event *ev, uint32_t node, const char *program, uint32_t argc,
                         const char *const *argv)
{
    cr_assert_eq(ev->kind, SCN_SPAWN);
    cr_assert_not(ev->all_nodes);
    cr_assert_eq(ev->node, node);
    cr_assert_str_eq(ev->program, program);
    cr_assert_eq(ev->argc, argc);
    for (uint32_t i = 0; i < argc; i++)
        cr_assert_str_eq(ev->argv[i], argv[i]);
}

Test(shipped, pingpong)
{
    struct scenario s;
    load_shipped("pingpong.json", &s);
    cr_assert_str_eq(s.name, "pingpong");
    cr_assert_eq(s.node_count, 2);
    cr_assert_eq(s.duration_ns, 0, "pingpong runs until every process exits");
    cr_assert_eq(s.event_count, 2);
    assert_spawn(&s.events[0], 0, "pingpong", 2, (const char *[]){"server", "100"});
    assert_spawn(&s.events[1], 1, "pingpong", 3, (const char *[]){"client", "n0.1", "100"});
    cr_assert_eq(s.net.loss_u32, 0);
    done(&s);
}

Test(shipped, lossy_pingpong)
{
    struct scenario s;
    load_shipped("lossy-pingpong.json", &s);
    cr_assert_eq(s.node_count, 2);
    cr_assert_eq(s.net.loss_u32, 214748365u, "0.05 * 2^32 rounded");
    cr_assert_eq(s.net.jitter_ns, 20000u);
    assert_spawn(&s.events[0], 0, "pingpong", 2, (const char *[]){"server", "200"});
    assert_spawn(&s.events[1], 1, "pingpong", 3, (const char *[]){"client", "n0.1", "200"});
    done(&s);
}

Test(shipped, ring_64)
{
    struct scenario s;
    load_shipped("ring-64.json", &s);
    cr_assert_eq(s.node_count, 64);
    cr_assert_eq(s.event_count, 1);
    cr_assert_eq(s.events[0].kind, SCN_SPAWN);
    cr_assert(s.events[0].all_nodes);
    cr_assert_str_eq(s.events[0].program, "ring");
    cr_assert_eq(s.events[0].argc, 2);
    cr_assert_str_eq(s.events[0].argv[0], "64");
    cr_assert_str_eq(s.events[0].argv[1], "10");
    done(&s);
}

Test(shipped, hello)
{
    struct scenario s;
    load_shipped("hello.json", &s);
    cr_assert_geq(s.node_count, 1);
    cr_assert_eq(s.events[0].kind, SCN_SPAWN);
    cr_assert_str_eq(s.events[0].program, "hello");
    cr_assert_eq(s.events[0].argc, 0);
    cr_assert_not_null(s.events[0].argv, "spawn always has an argv array");
    done(&s);
}

static uint32_t count_kind(const struct scenario *s, enum scn_event_kind kind)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->event_count; i++)
        n += s->events[i].kind == kind;
    return n;
}

Test(shipped, hotspot_16)
{
    struct scenario s;
    load_shipped("hotspot-16.json", &s);
    cr_assert_eq(s.node_count, 16);
    cr_assert_eq(s.balance.policy, HAL_BALANCE_OFFER);
    cr_assert_eq(s.balance.threshold_milli, 0, "the kernel's defaults");
    cr_assert_eq(s.migrate_mode, MIGRATE_STOP_AND_COPY);
    cr_assert_eq(s.event_count, 1);
    cr_assert_eq(s.events[0].at_ns, 0);
    cr_assert_eq(s.events[0].copies, 32, "32 workers");
    assert_spawn(&s.events[0], 0, "worker", 1, (const char *[]){"119760"});
    done(&s);
}

Test(shipped, uniform_64_and_churn_32)
{
    struct scenario s;
    load_shipped("uniform-64.json", &s);
    cr_assert_eq(s.node_count, 64);
    cr_assert_eq(s.balance.policy, HAL_BALANCE_OFFER);
    cr_assert_gt(s.event_count, 500);
    cr_assert_eq(count_kind(&s, SCN_SPAWN), s.event_count);
    cr_assert_gt(s.events[s.event_count - 1].at_ns, 4000000000u, "arrivals over time");
    done(&s);
    load_shipped("churn-32.json", &s);
    cr_assert_eq(s.node_count, 32);
    cr_assert_gt(s.event_count, 300);
    cr_assert_eq(count_kind(&s, SCN_SPAWN), s.event_count);
    done(&s);
}

Test(shipped, chatty_8)
{
    struct scenario s;
    load_shipped("chatty-8.json", &s);
    cr_assert_eq(s.node_count, 8);
    cr_assert_eq(s.balance.policy, HAL_BALANCE_NONE);
    cr_assert_eq(count_kind(&s, SCN_SPAWN), 8);
    cr_assert_eq(count_kind(&s, SCN_MIGRATE), 8);
    for (uint32_t i = 0; i < s.event_count; i++) {
        const struct scn_event *ev = &s.events[i];
        if (ev->kind != SCN_MIGRATE)
            continue;
        cr_assert(ev->to_next);
        cr_assert_eq(ev->every_ns, 5000000);
        cr_assert_geq(ev->count, 1000, "thousands of moves");
    }
    done(&s);
}

/* ---- the documented messages --------------------------------------------- */

Test(messages, documented_examples)
{
    expect_error("{'nodes':[{},{},{},{'cpu_mips':'fast'}]}",
                 X "nodes[3].cpu_mips: expected a positive integer, got \"fast\"");
    expect_error("{'nodes':[{'count':64}],'events':[{'at':'0s','heal':{}},{'at':'0s','heal':{}},"
                 "{'at':'1s','spawn':{'node':70,'program':'hello'}}]}",
                 X "events[2].spawn.node: node 70 does not exist (the scenario has 64 nodes)");
    expect_error("{'nodes':[{}],'network':{'latency':'fast'}}",
                 X "network.latency: expected a duration like \"100us\", got \"fast\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spwan':{}}]}", X "events[0]: unknown key \"spwan\"");
    expect_error("{\n  'a': 1,\n  'b' 2\n}", X "line 3, column 7: invalid JSON");
}

Test(messages, missing_file)
{
    cr_assert_eq(chdir(SRC), 0);
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    cr_assert_eq(scenario_load("scenarios/x.json", &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "scenarios/x.json: cannot read: No such file or directory");
    cr_assert(is_zeroed(&s));
}

Test(messages, directory_is_not_a_file)
{
    expect_file_error("scenarios", "cannot read: Is a directory");
}

struct bad_file {
    const char *name;
    const char *message;
};

static const struct bad_file bad_files[] = {
    {"unknown-key.json", "events[0]: unknown key \"spwan\""},
    {"cpu-mips-type.json", "nodes[3].cpu_mips: expected a positive integer, got \"fast\""},
    {"missing-node.json", "events[2].spawn.node: node 70 does not exist (the scenario has 64 nodes)"},
    {"bad-latency.json", "network.latency: expected a duration like \"100us\", got \"fast\""},
    {"missing-colon.json", "line 3, column 10: invalid JSON"},
    {"trailing-garbage.json", "line 4, column 1: unexpected text after the JSON value"},
    {"empty.json", "(root): expected an object, got an empty file"},
    {"not-object.json", "(root): expected an object, got [{\"count\":2}]"},
    {"no-nodes.json", "(root): missing required key \"nodes\""},
    {"partition-overlap.json", "events[0].partition.groups[1][0]: node 1 is already in group 0"},
    {"link-self.json", "network.links[0].between: a link needs two different nodes, got [2,2]"},
    {"two-actions.json", "events[0]: more than one action: \"crash\" and \"restart\""},
    {"missing-at.json", "events[1]: missing required key \"at\""},
    {"at-after-max-time.json", "events[0].at: \"10.5s\" is after max_time (10s)"},
    {"too-many-args.json", "events[0].spawn.args: at most 16 arguments, got 17"},
    {"bad-policy.json",
     "balancer.policy: expected \"none\", \"random\", \"offer\", \"two-choices\" or \"mosix\", got \"greedy\""},
    {"threshold-decimals.json", "balancer.threshold: at most 3 digits after the decimal point, got 1.2345"},
    {"migrate-kernel.json", "events[1].migrate.pid: n0.0 is node 0's kernel, not a process"},
    {"repeat-on-spawn.json", "events[0].repeat: only \"migrate\", \"partition\", \"heal\" and \"pause\" events repeat"},
    {"byte-order-mark.json", "line 1, column 1: a UTF-8 byte-order mark is not allowed (save the file without it)"},
    {"nul-in-program.json",
     "events[0].spawn.program: a string may not contain \\u0000 (NUL), got \"hello\\u0000...\""},
};

static const struct bad_file *find_bad_file(const char *name)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++)
        if (strcmp(bad_files[i].name, name) == 0)
            return &bad_files[i];
    return NULL;
}

Test(messages, bad_files_give_their_messages)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        char relative[256];
        snprintf(relative, sizeof relative, "tests/scenarios/bad/%s", bad_files[i].name);
        expect_file_error(relative, bad_files[i].message);
    }
}

Test(messages, every_bad_file_has_an_expected_message)
{
    DIR *dir = opendir(SRC "/tests/scenarios/bad");
    cr_assert_not_null(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        if (has_suffix(e->d_name, ".json"))
            cr_assert_not_null(find_bad_file(e->d_name), "add %s to bad_files[]", e->d_name);
    closedir(dir);
}

Test(messages, null_path_and_small_buffer)
{
    struct scenario s;
    char err[16];
    cr_assert_eq(scenario_parse("[]", 2, NULL, &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "(input): (root)", "cut to the buffer, still terminated: %s", err);
    cr_assert_eq(scenario_parse("[]", 2, NULL, &s, NULL, 0), -1, "no buffer is fine");
    const char *ok = json("{'nodes':[{}]}");
    cr_assert_eq(scenario_parse(ok, strlen(ok), NULL, &s, err, sizeof err), 0);
    cr_assert_str_eq(s.path, "(input)");
    cr_assert_str_eq(s.name, "scenario");
    scenario_free(&s);
}

Test(messages, values_are_shown_short_and_on_one_line)
{
    char long_name[200], text[400], want[200];
    memset(long_name, 'a', 150);
    long_name[150] = '\0';
    snprintf(text, sizeof text, "{'nodes':[{}],'description':5,'%s':1}", long_name);
    expect_error(text, X "(root): unknown key \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
    expect_error("{'nodes':[{}],'a\\nb':1}", X "(root): unknown key \"a\\u000ab\"");
    expect_error(
        "{'nodes':[{'count':[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}]}",
        X "nodes[0].count: expected a positive integer, got [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,...");
    expect_error("{'nodes':[{}],'seed':'line\\none'}",
                 X "seed: expected an integer from 0 to 2^64-1, got \"line\\none\"");
    snprintf(want, sizeof want, "%s",
             X "seed: expected an integer from 0 to 2^64-1, got 1e999");
    expect_error("{'nodes':[{}],'seed':1e999}", want);
}

/* ---- the JSON text ------------------------------------------------------- */

Test(json_text, empty_and_blank)
{
    expect_error("", X "(root): expected an object, got an empty file");
    expect_error(" \n\t\r\n", X "(root): expected an object, got an empty file");
}

Test(json_text, not_an_object)
{
    expect_error("null", X "(root): expected an object, got null");
    expect_error("7", X "(root): expected an object, got 7");
    expect_error("'nodes'", X "(root): expected an object, got \"nodes\"");
    expect_error("{}", X "(root): missing required key \"nodes\"");
}

Test(json_text, trailing_garbage)
{
    expect_error("{'nodes':[{}]} x", X "line 1, column 16: unexpected text after the JSON value");
    expect_error("{'nodes':[{}]}{}", X "line 1, column 15: unexpected text after the JSON value");
    expect_error("{'nodes':[{}]}\n\n  # note", X "line 3, column 3: unexpected text after the JSON value");
}

Test(json_text, nul_bytes_are_not_whitespace)
{
    const char text[] = "{\"nodes\":[{}]}\0";
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    cr_assert_eq(scenario_parse(text, sizeof text - 1, "x.json", &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "x.json: line 1, column 15: unexpected text after the JSON value");
    cr_assert_eq(scenario_parse(text, sizeof text - 2, "x.json", &s, err, sizeof err), 0,
                 "the length, not a NUL, ends the text");
    scenario_free(&s);
}

Test(json_text, invalid)
{
    expect_error("{'nodes':[{}],}", X "line 1, column 15: invalid JSON");
    expect_error("{'nodes':[{}]", X "line 1, column 13: invalid JSON");
    expect_error("{'nodes':[{}],\n'seed':tru}", X "line 2, column 8: invalid JSON");
}

/* `depth` nested arrays as the description: a buffer to free. */
static char *nested_text(size_t depth)
{
    char *text = malloc(depth * 2 + 64);
    cr_assert_not_null(text);
    size_t n = (size_t)sprintf(text, "{\"nodes\":[{}],\"description\":");
    memset(text + n, '[', depth);
    memset(text + n + depth, ']', depth);
    strcpy(text + n + 2 * depth, "}");
    return text;
}

Test(json_text, deep_nesting_is_named)
{
    /* The root object is level 1, so 999 arrays fit and the 1000th
     * (column 29 + 999) is one too many. */
    size_t depths[] = {1000, 200000};
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        char *text = nested_text(depths[i]);
        struct scenario s;
        char err[SCN_ERROR_BYTES];
        cr_assert_eq(scenario_parse(text, strlen(text), "x.json", &s, err, sizeof err), -1);
        cr_assert_str_eq(err, "x.json: line 1, column 1028: nested deeper than 1000 levels");
        free(text);
    }
    char *text = nested_text(999);
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    cr_assert_eq(scenario_parse(text, strlen(text), "x.json", &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "x.json: description: expected a string, got [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...",
                     "999 levels are JSON: %s", err);
    free(text);
}

Test(json_text, byte_order_mark_is_not_whitespace)
{
    expect_error("\xEF\xBB\xBF{'nodes':[{}]}",
                 X "line 1, column 1: a UTF-8 byte-order mark is not allowed (save the file without it)");
}

Test(json_text, only_json_whitespace_between_tokens)
{
    expect_error("\x01{'nodes':[{}]}", X "line 1, column 1: invalid JSON (a control character outside a string)");
    expect_error("{'nodes':[{}],\f'seed':1}",
                 X "line 1, column 15: invalid JSON (a control character outside a string)");
    expect_error("{'nodes':[{}]}\x01 ", X "line 1, column 15: unexpected text after the JSON value");
    expect_error("{'nodes':[{}],'description':'a\tb'}",
                 X "line 1, column 31: invalid JSON (a raw control character in a string)");
}

Test(json_text, nul_in_strings_and_keys)
{
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'hello\\u0000x'}}]}",
                 X "events[0].spawn.program: a string may not contain \\u0000 (NUL), got \"hello\\u0000...\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'hello','args':['a\\u0000']}}]}",
                 X "events[0].spawn.args[0]: a string may not contain \\u0000 (NUL), got \"a\\u0000\"");
    expect_error("{'nodes':[{}],'seed\\u0000x':1}",
                 X "(root): a key may not contain \\u0000 (NUL), got \"seed\\u0000...\"");
    expect_error("{'nodes':[{}],'description':'0123456789012345678901234567890123456789\\u0000'}",
                 X "description: a string may not contain \\u0000 (NUL), got \"...\\u0000\"");
    struct scenario s;
    expect_ok("{'nodes':[{}],'description':'\\\\u0000 is only text'}", &s);
    done(&s);
    const char raw[] = "{\"nodes\":[{}],\"description\":\"a\0b\"}";
    char err[SCN_ERROR_BYTES];
    cr_assert_eq(scenario_parse(raw, sizeof raw - 1, "x.json", &s, err, sizeof err), -1);
    cr_assert_str_eq(err, "x.json: line 1, column 31: invalid JSON (a raw control character in a string)");
}

/* ---- unknown and repeated keys ------------------------------------------- */

Test(keys, unknown_at_every_level)
{
    expect_error("{'nodes':[{}],'colour':1}", X "(root): unknown key \"colour\"");
    expect_error("{'nodes':[{'cpu':1}]}", X "nodes[0]: unknown key \"cpu\"");
    expect_error("{'nodes':[{}],'network':{'latncy':'1ms'}}", X "network: unknown key \"latncy\"");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,1],'drop':1}]}}",
                 X "network.links[0]: unknown key \"drop\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'a','argv':[]}}]}",
                 X "events[0].spawn: unknown key \"argv\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','crash':{'node':0,'why':1}}]}",
                 X "events[0].crash: unknown key \"why\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','restart':{'node':0,'clean':true}}]}",
                 X "events[0].restart: unknown key \"clean\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','partition':{'groups':[[0]],'x':1}}]}",
                 X "events[0].partition: unknown key \"x\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','heal':{'now':true}}]}",
                 X "events[0].heal: unknown key \"now\"");
}

Test(keys, case_sensitive)
{
    expect_error("{'nodes':[{}],'Seed':1}", X "(root): unknown key \"Seed\"");
    expect_error("{'Nodes':[{}]}", X "(root): unknown key \"Nodes\"");
}

Test(keys, duplicates)
{
    expect_error("{'nodes':[{}],'seed':1,'seed':2}", X "(root): duplicate key \"seed\"");
    expect_error("{'nodes':[{'count':1,'count':2}]}", X "nodes[0]: duplicate key \"count\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','at':'1s','heal':{}}]}",
                 X "events[0]: duplicate key \"at\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','heal':{},'heal':{}}]}",
                 X "events[0]: duplicate key \"heal\"");
}

Test(keys, required)
{
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'latency':'1ms'}]}}",
                 X "network.links[0]: missing required key \"between\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'program':'a'}}]}",
                 X "events[0].spawn: missing required key \"node\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0}}]}",
                 X "events[0].spawn: missing required key \"program\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','crash':{}}]}",
                 X "events[0].crash: missing required key \"node\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','restart':{}}]}",
                 X "events[0].restart: missing required key \"node\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','partition':{}}]}",
                 X "events[0].partition: missing required key \"groups\"");
}

/* ---- wrong types --------------------------------------------------------- */

Test(types, document)
{
    expect_error("{'nodes':[{}],'name':5}", X "name: " NAME_RULE ", got 5");
    expect_error("{'nodes':[{}],'description':5}", X "description: expected a string, got 5");
    expect_error("{'nodes':[{}],'seed':'1'}", X "seed: expected an integer from 0 to 2^64-1, got \"1\"");
    expect_error("{'nodes':[{}],'seed':1.5}", X "seed: expected an integer from 0 to 2^64-1, got 1.5");
    expect_error("{'nodes':[{}],'duration':5}", X "duration: expected a duration like \"100us\", got 5");
    expect_error("{'nodes':[{}],'max_time':true}",
                 X "max_time: expected a duration like \"100us\", got true");
    expect_error("{'nodes':{}}", X "nodes: expected an array, got {}");
    expect_error("{'nodes':[3]}", X "nodes[0]: expected an object, got 3");
    expect_error("{'nodes':[{}],'network':[]}", X "network: expected an object, got []");
    expect_error("{'nodes':[{}],'events':{}}", X "events: expected an array, got {}");
}

Test(types, nodes)
{
    expect_error("{'nodes':[{'count':'2'}]}", X "nodes[0].count: expected a positive integer, got \"2\"");
    expect_error("{'nodes':[{'cpu_mips':1.5}]}", X "nodes[0].cpu_mips: expected a positive integer, got 1.5");
    expect_error("{'nodes':[{'memory_mib':null}]}",
                 X "nodes[0].memory_mib: expected a positive integer, got null");
}

Test(types, network)
{
    expect_error("{'nodes':[{}],'network':{'latency':100}}",
                 X "network.latency: expected a duration like \"100us\", got 100");
    expect_error("{'nodes':[{}],'network':{'jitter':[]}}",
                 X "network.jitter: expected a duration like \"100us\", got []");
    expect_error("{'nodes':[{}],'network':{'bandwidth':1000}}",
                 X "network.bandwidth: expected a bandwidth like \"1Gbps\" or \"infinite\", got 1000");
    expect_error("{'nodes':[{}],'network':{'loss':'5%'}}",
                 X "network.loss: expected a probability from 0 to 1, got \"5%\"");
    expect_error("{'nodes':[{}],'network':{'links':{}}}", X "network.links: expected an array, got {}");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[[0,1]]}}",
                 X "network.links[0]: expected an object, got [0,1]");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':'0-1'}]}}",
                 X "network.links[0].between: expected two node numbers like [0, 1], got \"0-1\"");
    expect_error("{'nodes':[{'count':3}],'network':{'links':[{'between':[0,1,2]}]}}",
                 X "network.links[0].between: expected two node numbers like [0, 1], got [0,1,2]");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,'all']}]}}",
                 X "network.links[0].between[1]: expected a node number, got \"all\"");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,1],'latency':5}]}}",
                 X "network.links[0].latency: expected a duration like \"100us\", got 5");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,1],'jitter':{}}]}}",
                 X "network.links[0].jitter: expected a duration like \"100us\", got {}");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,1],'bandwidth':true}]}}", X
                 "network.links[0].bandwidth: expected a bandwidth like \"1Gbps\" or \"infinite\", got true");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,1],'loss':'x'}]}}",
                 X "network.links[0].loss: expected a probability from 0 to 1, got \"x\"");
}

Test(types, events)
{
    expect_error("{'nodes':[{}],'events':['0s']}", X "events[0]: expected an object, got \"0s\"");
    expect_error("{'nodes':[{}],'events':[{'at':0,'heal':{}}]}",
                 X "events[0].at: expected a duration like \"100us\", got 0");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':'hello'}]}",
                 X "events[0].spawn: expected an object, got \"hello\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':'n1','program':'a'}}]}",
                 X "events[0].spawn.node: expected a node number or \"all\", got \"n1\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':-1,'program':'a'}}]}",
                 X "events[0].spawn.node: expected a node number or \"all\", got -1");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0.5,'program':'a'}}]}",
                 X "events[0].spawn.node: expected a node number or \"all\", got 0.5");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':7}}]}",
                 X "events[0].spawn.program: expected a program name of 1 to 32 letters, "
                   "digits, '_' or '-', got 7");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'a','args':'x'}}]}",
                 X "events[0].spawn.args: expected an array, got \"x\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'a','args':['x',1]}}]}",
                 X "events[0].spawn.args[1]: expected a string, got 1");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','crash':{'node':[0]}}]}",
                 X "events[0].crash.node: expected a node number or \"all\", got [0]");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','crash':'x'}]}",
                 X "events[0].crash: expected an object, got \"x\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','partition':[]}]}",
                 X "events[0].partition: expected an object, got []");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','restart':3}]}",
                 X "events[0].restart: expected an object, got 3");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','partition':{'groups':{}}}]}",
                 X "events[0].partition.groups: expected an array, got {}");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','partition':{'groups':[0]}}]}",
                 X "events[0].partition.groups[0]: expected an array, got 0");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','partition':{'groups':[['all']]}}]}",
                 X "events[0].partition.groups[0][0]: expected a node number, got \"all\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','heal':[]}]}",
                 X "events[0].heal: expected an object, got []");
}

/* ---- ranges -------------------------------------------------------------- */

Test(ranges, nodes)
{
    expect_error("{'nodes':[]}", X "nodes: expected at least one node group, got []");
    expect_error("{'nodes':[{'count':0}]}", X "nodes[0].count: expected a positive integer, got 0");
    expect_error("{'nodes':[{'count':65001}]}", X "nodes[0].count: must be at most 65000, got 65001");
    expect_error("{'nodes':[{'count':65000},{}]}", X "nodes[1]: too many nodes: at most 65000 in all");
    expect_error("{'nodes':[{'cpu_mips':0}]}", X "nodes[0].cpu_mips: expected a positive integer, got 0");
    expect_error("{'nodes':[{'cpu_mips':1000001}]}",
                 X "nodes[0].cpu_mips: must be at most 1000000, got 1000001");
    expect_error("{'nodes':[{'memory_mib':0}]}", X "nodes[0].memory_mib: expected a positive integer, got 0");
    expect_error("{'nodes':[{'memory_mib':65537}]}",
                 X "nodes[0].memory_mib: must be at most 65536, got 65537");

    struct scenario s;
    expect_ok("{'nodes':[{'count':65000,'cpu_mips':1000000,'memory_mib':65536}]}", &s);
    cr_assert_eq(s.node_count, 65000);
    cr_assert_eq(s.nodes[64999].cpu_mips, 1000000);
    cr_assert_eq(s.nodes[64999].memory_mib, 65536);
    done(&s);
}

Test(ranges, seed)
{
    expect_error("{'nodes':[{}],'seed':-1}", X "seed: expected an integer from 0 to 2^64-1, got -1");
    expect_error("{'nodes':[{}],'seed':18446744073709551616}",
                 X "seed: expected an integer from 0 to 2^64-1, got 18446744073709551616");
    expect_error("{'nodes':[{}],'seed':1.5}", X "seed: expected an integer from 0 to 2^64-1, got 1.5");
    expect_error("{'nodes':[{}],'seed':1e20}", X "seed: expected an integer from 0 to 2^64-1, got 1e20");
    expect_error("{'nodes':[{}],'seed':12345e-2}", X "seed: expected an integer from 0 to 2^64-1, got 12345e-2");
    static const struct {
        const char *text;
        uint64_t seed;
    } exact[] = {
        {"9007199254740993", 9007199254740993ull}, /* 2^53 + 1: a double would round it */
        {"18446744073709551615", UINT64_MAX},
        {"0", 0},
        {"-0", 0},
        {"4.0", 4},
        {"4e2", 400},
        {"1844674407370955161.5e1", 18446744073709551615ull},
        {"0.000e999999999999999999", 0},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{'nodes':[{}],'seed':%s}", exact[i].text);
        struct scenario s;
        expect_ok(text, &s);
        cr_assert_eq(s.seed, exact[i].seed, "%s read as %llu", exact[i].text, (unsigned long long)s.seed);
        done(&s);
    }
}

Test(ranges, node_numbers)
{
    expect_error("{'nodes':[{}],'events':[{'at':'0s','crash':{'node':1}}]}",
                 X "events[0].crash.node: node 1 does not exist (the scenario has 1 node)");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,2]}]}}",
                 X "network.links[0].between[1]: node 2 does not exist (the scenario has 2 nodes)");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','partition':{'groups':[[0,5]]}}]}",
                 X "events[0].partition.groups[0][1]: node 5 does not exist (the scenario has 2 nodes)");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','crash':{'node':1e15}}]}",
                 X "events[0].crash.node: node 1000000000000000 does not exist (the scenario has 1 node)");
}

Test(ranges, run_lengths)
{
    expect_error("{'nodes':[{}],'duration':'0s'}", X "duration: must be longer than 0s");
    expect_error("{'nodes':[{}],'max_time':'0ns'}", X "max_time: must be longer than 0s");
    expect_error("{'nodes':[{}],'duration':'601s'}", X "duration: \"601s\" is longer than max_time (600s)");
    expect_error("{'nodes':[{}],'duration':'2s','max_time':'1.5s'}",
                 X "duration: \"2s\" is longer than max_time (1.5s)");
    struct scenario s;
    expect_ok("{'nodes':[{}],'duration':'2s','max_time':'2s',"
              "'events':[{'at':'2s','heal':{}}]}",
              &s);
    cr_assert_eq(s.duration_ns, 2000000000u);
    cr_assert_eq(s.max_time_ns, 2000000000u);
    cr_assert_eq(s.events[0].at_ns, 2000000000u, "at == max_time is allowed");
    done(&s);
}

Test(ranges, spawn)
{
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':''}}]}",
                 X "events[0].spawn.program: expected a program name of 1 to 32 letters, "
                   "digits, '_' or '-', got \"\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'a b'}}]}",
                 X "events[0].spawn.program: expected a program name of 1 to 32 letters, "
                   "digits, '_' or '-', got \"a b\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,"
                 "'program':'abcdefghijklmnopqrstuvwxyz0123456'}}]}",
                 X "events[0].spawn.program: expected a program name of 1 to 32 letters, "
                   "digits, '_' or '-', got \"abcdefghijklmnopqrstuvwxyz0123456\"");
    struct scenario s;
    expect_ok("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,"
              "'program':'Az09_-abcdefghijklmnopqrstuvwxyz'}}]}",
              &s);
    cr_assert_eq(strlen(s.events[0].program), 32);
    done(&s);
}

/* A spawn event whose arguments are `count` strings of `len` 'x's. */
static void build_args_event(char *text, size_t bytes, int count, int len)
{
    size_t n = (size_t)snprintf(text, bytes,
                                "{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,"
                                "'program':'p','args':[");
    for (int i = 0; i < count; i++) {
        n += (size_t)snprintf(text + n, bytes - n, "%s'", i ? "," : "");
        for (int k = 0; k < len; k++)
            text[n++] = 'x';
        n += (size_t)snprintf(text + n, bytes - n, "'");
    }
    snprintf(text + n, bytes - n, "]}}]}");
}

Test(ranges, spawn_args)
{
    static char text[8192];
    struct scenario s;
    build_args_event(text, sizeof text, 16, 31);
    expect_ok(text, &s);
    cr_assert_eq(s.events[0].argc, 16, "16 arguments of 32 bytes: exactly 512");
    done(&s);
    build_args_event(text, sizeof text, 1, 511);
    expect_ok(text, &s);
    done(&s);
    build_args_event(text, sizeof text, 1, 512);
    expect_error(text, X "events[0].spawn.args: the arguments take 513 bytes with their NULs, "
                         "at most 512");
    build_args_event(text, sizeof text, 17, 0);
    expect_error(text, X "events[0].spawn.args: at most 16 arguments, got 17");
    build_args_event(text, sizeof text, 0, 0);
    expect_ok(text, &s);
    cr_assert_eq(s.events[0].argc, 0);
    cr_assert_not_null(s.events[0].argv);
    done(&s);
}

Test(ranges, at_after_max_time)
{
    expect_error("{'nodes':[{}],'events':[{'at':'600.000000001s','heal':{}}]}",
                 X "events[0].at: \"600.000000001s\" is after max_time (600s)");
}

/* ---- events -------------------------------------------------------------- */

Test(events, actions)
{
    expect_error("{'nodes':[{}],'events':[{'at':'0s'}]}",
                 X "events[0]: no action: expected one of \"spawn\", \"crash\", \"restart\", "
                   "\"partition\", \"heal\", \"migrate\" or \"pause\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','heal':{},'spawn':{'node':0,'program':'a'}}]}",
                 X "events[0]: more than one action: \"spawn\" and \"heal\"");
    expect_error("{'nodes':[{}],'events':[{'heal':{}}]}", X "events[0]: missing required key \"at\"");
}

Test(events, kinds_and_targets)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':4}],'events':["
              "{'at':'1s','crash':{'node':3}},"
              "{'at':'2s','restart':{'node':3}},"
              "{'at':'3s','crash':{'node':'all'}},"
              "{'at':'4s','heal':{}}]}",
              &s);
    cr_assert_eq(s.event_count, 4);
    cr_assert_eq(s.events[0].kind, SCN_CRASH);
    cr_assert_eq(s.events[0].node, 3);
    cr_assert_not(s.events[0].all_nodes);
    cr_assert_eq(s.events[1].kind, SCN_RESTART);
    cr_assert_eq(s.events[2].kind, SCN_CRASH);
    cr_assert(s.events[2].all_nodes);
    cr_assert_eq(s.events[3].kind, SCN_HEAL);
    cr_assert_eq(s.events[3].at_ns, 4000000000u);
    done(&s);
}

Test(events, partition_groups)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':5}],'events':[{'at':'1s','partition':{'groups':[[3,1],[0]]}}]}", &s);
    const uint32_t want[5] = {1, 0, 2, 0, 2};
    cr_assert_eq(s.events[0].kind, SCN_PARTITION);
    cr_assert_arr_eq(s.events[0].group_of_node, want, sizeof want);
    done(&s);

    expect_ok("{'nodes':[{'count':2}],'events':[{'at':'1s','partition':{'groups':[[0],[1]]}}]}", &s);
    cr_assert_eq(s.events[0].group_of_node[0], 0);
    cr_assert_eq(s.events[0].group_of_node[1], 1);
    done(&s);
}

Test(events, partition_errors)
{
    expect_error("{'nodes':[{'count':4}],'events':[{'at':'1s','partition':{'groups':[[0,1],[2,0]]}}]}",
                 X "events[0].partition.groups[1][1]: node 0 is already in group 0");
    expect_error("{'nodes':[{'count':4}],'events':[{'at':'1s','partition':{'groups':[[2,2]]}}]}",
                 X "events[0].partition.groups[0][1]: node 2 is already in group 0");
    expect_error("{'nodes':[{'count':4}],'events':[{'at':'1s','partition':{'groups':[]}}]}",
                 X "events[0].partition.groups: expected at least one group, got []");
    expect_error("{'nodes':[{'count':4}],'events':[{'at':'1s','partition':{'groups':[[0],[]]}}]}",
                 X "events[0].partition.groups[1]: a group needs at least one node, got []");
}

Test(events, stable_sort_by_time)
{
    struct scenario s;
    expect_ok("{'nodes':[{}],'events':["
              "{'at':'2s','spawn':{'node':0,'program':'A'}},"
              "{'at':'1s','spawn':{'node':0,'program':'B'}},"
              "{'at':'1000ms','spawn':{'node':0,'program':'C'}},"
              "{'at':'0s','spawn':{'node':0,'program':'D'}},"
              "{'at':'1s','spawn':{'node':0,'program':'E'}}]}",
              &s);
    const char *order = "DBCEA";
    for (uint32_t i = 0; i < 5; i++)
        cr_assert_eq(s.events[i].program[0], order[i], "event %u", i);
    done(&s);
}

Test(events, stable_sort_many)
{
    enum { N = 3000 };
    static char text[N * 64 + 128];
    size_t n = (size_t)sprintf(text, "{'nodes':[{}],'events':[");
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(text + n, "%s{'at':'%dms','spawn':{'node':0,'program':'p','args':['%d']}}",
                             i ? "," : "", (i * 7919) % 17, i);
    strcpy(text + n, "]}");
    struct scenario s;
    expect_ok(text, &s);
    cr_assert_eq(s.event_count, N);
    for (uint32_t i = 1; i < N; i++) {
        const struct scn_event *a = &s.events[i - 1], *b = &s.events[i];
        cr_assert_leq(a->at_ns, b->at_ns);
        if (a->at_ns == b->at_ns)
            cr_assert_lt(atoi(a->argv[0]), atoi(b->argv[0]), "file order breaks ties");
    }
    done(&s);
}

/* ---- balancer and migration ---------------------------------------------- */

Test(balancer, every_key)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':4}],'balancer':{'policy':'two-choices','threshold':1.5,"
              "'hysteresis':0.25,'margin':2,'period':'50ms','min_residency':'0.2s',"
              "'exchange_period':'25ms','exchange_fanout':3},'migration':{'mode':'pre-copy'}}",
              &s);
    cr_assert_eq(s.balance.policy, HAL_BALANCE_TWO_CHOICES);
    cr_assert_eq(s.balance.threshold_milli, 1500);
    cr_assert_eq(s.balance.hysteresis_milli, 250);
    cr_assert_eq(s.balance.margin_milli, 2000);
    cr_assert_eq(s.balance.period_ns, 50000000);
    cr_assert_eq(s.balance.min_residency_ns, 200000000);
    cr_assert_eq(s.balance.exchange_period_ns, 25000000);
    cr_assert_eq(s.balance.exchange_fanout, 3);
    cr_assert_eq(s.migrate_mode, MIGRATE_PRE_COPY);
    done(&s);
}

Test(balancer, defaults_are_zero_for_the_kernel)
{
    struct scenario s;
    expect_ok("{'nodes':[{}]}", &s);
    static const struct balance_config zero;
    cr_assert_arr_eq(&s.balance, &zero, sizeof zero);
    cr_assert_eq(s.migrate_mode, MIGRATE_STOP_AND_COPY);
    done(&s);
    expect_ok("{'nodes':[{}],'balancer':{},'migration':{}}", &s);
    cr_assert_arr_eq(&s.balance, &zero, sizeof zero);
    done(&s);
    expect_ok("{'nodes':[{}],'balancer':{'policy':'mosix','margin':0.001}}", &s);
    cr_assert_eq(s.balance.policy, HAL_BALANCE_MOSIX);
    cr_assert_eq(s.balance.margin_milli, 1);
    cr_assert_eq(s.balance.threshold_milli, 0);
    done(&s);
}

Test(balancer, policies_and_modes_by_name)
{
    const char *names[] = {"none", "random", "offer", "two-choices", "mosix"};
    for (uint32_t i = 0; i < 5; i++) {
        char text[128];
        struct scenario s;
        snprintf(text, sizeof text, "{'nodes':[{}],'balancer':{'policy':'%s'}}", names[i]);
        expect_ok(text, &s);
        cr_assert_eq(s.balance.policy, i);
        cr_assert_str_eq(balance_policy_name(i), names[i]);
        done(&s);
    }
    cr_assert_str_eq(balance_policy_name(HAL_BALANCE_COUNT), "unknown");
    cr_assert_str_eq(migrate_mode_name(MIGRATE_STOP_AND_COPY), "stop-and-copy");
    cr_assert_str_eq(migrate_mode_name(MIGRATE_PRE_COPY), "pre-copy");
    cr_assert_str_eq(migrate_mode_name(7), "unknown");
}

Test(balancer, loads_in_thousandths)
{
    const struct {
        const char *value;
        uint32_t milli;
    } ok[] = {{"1.5", 1500}, {"0.001", 1}, {"2", 2000}, {"2.0", 2000}, {"1000", 1000000},
              {"0.1", 100}, {"0.3", 300}, {"12.345", 12345}, {"1.10", 1100}, {"1e-3", 1}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char text[128];
        struct scenario s;
        snprintf(text, sizeof text, "{'nodes':[{}],'balancer':{'threshold':%s}}", ok[i].value);
        expect_ok(text, &s);
        cr_assert_eq(s.balance.threshold_milli, ok[i].milli, "%s", ok[i].value);
        done(&s);
    }
    expect_error("{'nodes':[{}],'balancer':{'threshold':1.2345}}",
                 X "balancer.threshold: at most 3 digits after the decimal point, got 1.2345");
    expect_error("{'nodes':[{}],'balancer':{'hysteresis':0.0005}}",
                 X "balancer.hysteresis: at most 3 digits after the decimal point, got 0.0005");
    expect_error("{'nodes':[{}],'balancer':{'margin':'1.5'}}",
                 X "balancer.margin: expected a load like 1.5, got \"1.5\"");
    expect_error("{'nodes':[{}],'balancer':{'margin':-1}}", X "balancer.margin: expected a load like 1.5, got -1");
    expect_error("{'nodes':[{}],'balancer':{'threshold':0}}",
                 X "balancer.threshold: must be more than 0 (leave it out for the default)");
    expect_error("{'nodes':[{}],'balancer':{'threshold':1000.001}}",
                 X "balancer.threshold: must be at most 1000, got 1000.001");
    expect_error("{'nodes':[{}],'balancer':{'threshold':1e300}}",
                 X "balancer.threshold: must be at most 1000, got 1e300");
}

Test(balancer, errors)
{
    expect_error("{'nodes':[{}],'balancer':{'policy':'greedy'}}",
                 X "balancer.policy: expected \"none\", \"random\", \"offer\", \"two-choices\" or "
                   "\"mosix\", got \"greedy\"");
    expect_error("{'nodes':[{}],'balancer':{'policy':2}}",
                 X "balancer.policy: expected \"none\", \"random\", \"offer\", \"two-choices\" or "
                   "\"mosix\", got 2");
    expect_error("{'nodes':[{}],'balancer':{'policy':'Offer'}}",
                 X "balancer.policy: expected \"none\", \"random\", \"offer\", \"two-choices\" or "
                   "\"mosix\", got \"Offer\"");
    expect_error("{'nodes':[{}],'balancer':{'treshold':1}}", X "balancer: unknown key \"treshold\"");
    expect_error("{'nodes':[{}],'balancer':[]}", X "balancer: expected an object, got []");
    expect_error("{'nodes':[{}],'balancer':{'period':50}}",
                 X "balancer.period: expected a duration like \"100us\", got 50");
    expect_error("{'nodes':[{}],'balancer':{'period':'0s'}}",
                 X "balancer.period: must be longer than 0s (leave it out for the default)");
    expect_error("{'nodes':[{}],'balancer':{'min_residency':'0ms'}}",
                 X "balancer.min_residency: must be longer than 0s (leave it out for the default)");
    expect_error("{'nodes':[{}],'balancer':{'exchange_period':'5'}}",
                 X "balancer.exchange_period: missing a unit (ns, us, ms, s, min or h), got \"5\"");
    expect_error("{'nodes':[{}],'balancer':{'exchange_fanout':0}}",
                 X "balancer.exchange_fanout: expected a positive integer, got 0");
    expect_error("{'nodes':[{}],'balancer':{'exchange_fanout':65536}}",
                 X "balancer.exchange_fanout: must be at most 65535, got 65536");
    expect_error("{'nodes':[{}],'balancer':{'exchange_fanout':2.5}}",
                 X "balancer.exchange_fanout: expected a positive integer, got 2.5");
    expect_error("{'nodes':[{}],'migration':{'mode':'live'}}",
                 X "migration.mode: expected \"stop-and-copy\" or \"pre-copy\", got \"live\"");
    expect_error("{'nodes':[{}],'migration':{'mode':'pre-copy','rounds':3}}",
                 X "migration: unknown key \"rounds\"");
    expect_error("{'nodes':[{}],'migration':'pre-copy'}", X "migration: expected an object, got \"pre-copy\"");
    expect_error("{'nodes':[{}],'balancer':{},'balancer':{}}", X "(root): duplicate key \"balancer\"");
}

/* ---- the key-value back end ---------------------------------------------- */

Test(kv, backend_parses_strictly)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':3}],'kv':{'backend':2}}", &s);
    cr_expect(s.kv_configured);
    cr_expect_eq(s.kv_backend, 2);
    scenario_free(&s);
    expect_ok("{'nodes':[{'count':3}]}", &s);
    cr_expect_not(s.kv_configured, "no kv key: no back end");
    scenario_free(&s);
    expect_error("{'nodes':[{'count':2}],'kv':{'backend':5}}", X "kv.backend: must be at most 1, got 5");
    expect_error("{'nodes':[{'count':2}],'kv':{}}", X "kv: missing required key \"backend\"");
    expect_error("{'nodes':[{'count':2}],'kv':{'backend':1,'x':2}}", X "kv: unknown key \"x\"");
    expect_error("{'nodes':[{'count':2}],'kv':{'backend':'1'}}",
                 X "kv.backend: expected a node number from 0 to 1, got \"1\"");
    expect_error("{'nodes':[{'count':2}],'kv':2}", X "kv: expected an object, got 2");
}

/* ---- migrate events and pinned spawns ------------------------------------ */

Test(migrate, events_parse)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':70}],'events':["
              "{'at':'1s','migrate':{'pid':'n0.1','to':3}},"
              "{'at':'2s','migrate':{'pid':'n69.65535','to':'next'},'repeat':{'every':'10ms','count':100}},"
              "{'at':'0s','spawn':{'node':2,'program':'worker','args':['5'],'pinned':true}},"
              "{'at':'0s','spawn':{'node':'all','program':'hello','pinned':false}}]}",
              &s);
    cr_assert_eq(s.event_count, 4);
    const struct scn_event *spawn = &s.events[0], *all = &s.events[1], *m1 = &s.events[2], *m2 = &s.events[3];
    cr_assert_eq(spawn->kind, SCN_SPAWN);
    cr_assert(spawn->pinned);
    cr_assert_eq(spawn->index, 2, "the file's position, not the sorted one");
    cr_assert_not(all->pinned);
    cr_assert_eq(all->index, 3);
    cr_assert_eq(m1->kind, SCN_MIGRATE);
    cr_assert_eq(m1->index, 0);
    cr_assert_eq(m1->pid, ABI_PID(0, 1));
    cr_assert_eq(m1->to_node, 3);
    cr_assert_not(m1->to_next);
    cr_assert_eq(m1->count, 1, "an event without repeat happens once");
    cr_assert_eq(m2->pid, ABI_PID(69, 65535));
    cr_assert(m2->to_next);
    cr_assert_eq(m2->every_ns, 10000000);
    cr_assert_eq(m2->count, 100);
    cr_assert_eq(m2->at_ns, 2000000000u);
    done(&s);
}

Test(migrate, errors)
{
    const char *pid_rule = "expected a pid like \"n0.1\", got ";
    char want[256];
    const char *bad_pids[] = {"'0.1'", "'n0'", "'n0.'", "'n.1'", "'n0.1x'", "'n00.1'", "'n0.01'", "'n0.65536'",
                              "'N0.1'", "'n-1.1'", "5", "' n0.1'"};
    for (size_t i = 0; i < sizeof bad_pids / sizeof bad_pids[0]; i++) {
        char text[256], shown[64];
        snprintf(text, sizeof text, "{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':%s,'to':1}}]}",
                 bad_pids[i]);
        snprintf(shown, sizeof shown, "%s", json(bad_pids[i]));
        snprintf(want, sizeof want, X "events[0].migrate.pid: %s%s", pid_rule, shown);
        expect_error(text, want);
    }
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n2.1','to':1}}]}",
                 X "events[0].migrate.pid: node 2 does not exist (the scenario has 2 nodes)");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n1.0','to':0}}]}",
                 X "events[0].migrate.pid: n1.0 is node 1's kernel, not a process");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n1.1','to':2}}]}",
                 X "events[0].migrate.to: node 2 does not exist (the scenario has 2 nodes)");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n1.1','to':'all'}}]}",
                 X "events[0].migrate.to: expected a node number or \"next\", got \"all\"");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n1.1','to':-1}}]}",
                 X "events[0].migrate.to: expected a node number or \"next\", got -1");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n1.1'}}]}",
                 X "events[0].migrate: missing required key \"to\"");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'to':1}}]}",
                 X "events[0].migrate: missing required key \"pid\"");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n1.1','to':0,'via':1}}]}",
                 X "events[0].migrate: unknown key \"via\"");
    expect_error("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':'n1.1'}]}",
                 X "events[0].migrate: expected an object, got \"n1.1\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'a','pinned':1}}]}",
                 X "events[0].spawn.pinned: expected true or false, got 1");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','heal':{},'migrate':{'pid':'n0.1','to':0}}]}",
                 X "events[0]: more than one action: \"heal\" and \"migrate\"");
}

Test(migrate, repeat_errors)
{
    const char *head = "{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n0.1','to':1},'repeat':";
    const struct {
        const char *repeat;
        const char *want;
    } cases[] = {
        {"{'every':'1ms'}", X "events[0].repeat: missing required key \"count\""},
        {"{'count':2}", X "events[0].repeat: missing required key \"every\""},
        {"{'every':'0s','count':2}", X "events[0].repeat.every: must be longer than 0s"},
        {"{'every':10,'count':2}", X "events[0].repeat.every: expected a duration like \"100us\", got 10"},
        {"{'every':'1ms','count':0}", X "events[0].repeat.count: expected a positive integer, got 0"},
        {"{'every':'1ms','count':1000001}", X "events[0].repeat.count: must be at most 1000000, got 1000001"},
        {"{'every':'1ms','count':2,'until':'1s'}", X "events[0].repeat: unknown key \"until\""},
        {"[]", X "events[0].repeat: expected an object, got []"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s}]}", head, cases[i].repeat);
        expect_error(text, cases[i].want);
    }
    expect_error("{'nodes':[{}],'events':[{'at':'0s','crash':{'node':0},'repeat':{'every':'1ms','count':2}}]}",
                 X "events[0].repeat: only \"migrate\", \"partition\", \"heal\" and \"pause\" events repeat");
    struct scenario s;
    expect_ok("{'nodes':[{'count':2}],'events':[{'at':'0s','migrate':{'pid':'n0.1','to':1},"
              "'repeat':{'count':1000000,'every':'1ns'}}]}",
              &s);
    cr_assert_eq(s.events[0].count, 1000000);
    cr_assert_eq(s.events[0].every_ns, 1);
    done(&s);
}

/* ---- network ------------------------------------------------------------- */

Test(network, defaults)
{
    struct scenario s;
    expect_ok("{'nodes':[{}]}", &s);
    cr_assert_str_eq(s.path, "scenarios/x.json");
    cr_assert_str_eq(s.name, "x");
    cr_assert_eq(s.seed, 1);
    cr_assert_eq(s.duration_ns, 0);
    cr_assert_eq(s.max_time_ns, 600000000000ull);
    cr_assert_eq(s.node_count, 1);
    cr_assert_eq(s.nodes[0].cpu_mips, 100);
    cr_assert_eq(s.nodes[0].memory_mib, 64);
    cr_assert_eq(s.net.latency_ns, 100000);
    cr_assert_eq(s.net.jitter_ns, 0);
    cr_assert_eq(s.net.bandwidth_bps, 1000000000u);
    cr_assert_eq(s.net.loss_u32, 0);
    cr_assert_eq(s.link_count, 0);
    cr_assert_null(s.links);
    cr_assert_eq(s.event_count, 0);
    cr_assert_null(s.events);
    done(&s);
    scenario_free(&s); /* a second free is harmless */
}

Test(network, node_numbering_across_groups)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':2,'cpu_mips':10},{'memory_mib':8},{'cpu_mips':7}]}", &s);
    cr_assert_eq(s.node_count, 4);
    cr_assert_eq(s.nodes[0].cpu_mips, 10);
    cr_assert_eq(s.nodes[1].cpu_mips, 10);
    cr_assert_eq(s.nodes[2].cpu_mips, 100);
    cr_assert_eq(s.nodes[2].memory_mib, 8);
    cr_assert_eq(s.nodes[3].cpu_mips, 7);
    cr_assert_eq(s.nodes[3].memory_mib, 64);
    done(&s);
}

Test(network, links_inherit_defaults)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':3}],'network':{'latency':'1ms','loss':0.5,'bandwidth':'infinite',"
              "'links':[{'between':[2,0],'latency':'2ms'},{'between':[0,1],'jitter':'5us',"
              "'bandwidth':'10Mbps','loss':0}]}}",
              &s);
    cr_assert_eq(s.net.latency_ns, 1000000);
    cr_assert_eq(s.net.bandwidth_bps, 0);
    cr_assert_eq(s.link_count, 2);
    cr_assert_eq(s.links[0].node_a, 0, "lower number first");
    cr_assert_eq(s.links[0].node_b, 2);
    cr_assert_eq(s.links[0].params.latency_ns, 2000000);
    cr_assert_eq(s.links[0].params.loss_u32, 1u << 31);
    cr_assert_eq(s.links[0].params.bandwidth_bps, 0);
    cr_assert_eq(s.links[1].params.latency_ns, 1000000);
    cr_assert_eq(s.links[1].params.jitter_ns, 5000);
    cr_assert_eq(s.links[1].params.bandwidth_bps, 10000000u);
    cr_assert_eq(s.links[1].params.loss_u32, 0);
    done(&s);
}

Test(network, link_errors)
{
    expect_error("{'nodes':[{'count':4}],'network':{'links':[{'between':[1,1]}]}}",
                 X "network.links[0].between: a link needs two different nodes, got [1,1]");
    expect_error("{'nodes':[{'count':4}],'network':{'links':[{'between':[0,1]},{'between':[2,3]},"
                 "{'between':[3,2]},{'between':[1,0]}]}}",
                 X "network.links[2].between: the link between nodes 2 and 3 is already set by "
                   "links[1]");
    expect_error("{'nodes':[{'count':4}],'network':{'links':[{'between':[0,1]},{'between':[1,0]},"
                 "{'between':[0,1]}]}}",
                 X "network.links[1].between: the link between nodes 0 and 1 is already set by "
                   "links[0]");
}

Test(network, loss)
{
    struct scenario s;
    const struct {
        const char *text;
        uint32_t want;
    } cases[] = {
        {"{'nodes':[{}],'network':{'loss':0}}", 0},
        {"{'nodes':[{}],'network':{'loss':1}}", UINT32_MAX},
        {"{'nodes':[{}],'network':{'loss':0.5}}", 1u << 31},
        {"{'nodes':[{}],'network':{'loss':0.25}}", 1u << 30},
        {"{'nodes':[{}],'network':{'loss':1e-12}}", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_ok(cases[i].text, &s);
        cr_assert_eq(s.net.loss_u32, cases[i].want, "%s", cases[i].text);
        done(&s);
    }
    expect_error("{'nodes':[{}],'network':{'loss':-0.1}}",
                 X "network.loss: expected a probability from 0 to 1, got -0.1");
    expect_error("{'nodes':[{}],'network':{'loss':1.1}}",
                 X "network.loss: expected a probability from 0 to 1, got 1.1");
}

Test(network, bandwidth_messages)
{
    expect_error("{'nodes':[{}],'network':{'bandwidth':'0Gbps'}}",
                 X "network.bandwidth: zero carries nothing (write \"infinite\" for no limit), "
                   "got \"0Gbps\"");
    expect_error("{'nodes':[{}],'network':{'bandwidth':'1gbps'}}",
                 X "network.bandwidth: unknown unit (expected bps, Kbps, Mbps or Gbps), got \"1gbps\"");
    expect_error("{'nodes':[{}],'network':{'bandwidth':'100'}}",
                 X "network.bandwidth: missing a unit (bps, Kbps, Mbps or Gbps), got \"100\"");
    expect_error("{'nodes':[{}],'network':{'bandwidth':'1.5bps'}}",
                 X "network.bandwidth: not a whole number of bits per second, got \"1.5bps\"");
    expect_error("{'nodes':[{}],'network':{'bandwidth':'fast'}}",
                 X "network.bandwidth: expected a bandwidth like \"1Gbps\" or \"infinite\", got \"fast\"");
}

/* ---- units --------------------------------------------------------------- */

/* Parse `text` with `parse` and expect `want_status` and, when it is
 * UNITS_OK, the value `want`. */
typedef enum units_status (*units_parser)(const char *text, uint64_t *value);
static void expect_parsed(units_parser parse, const char *text, enum units_status want_status, uint64_t want)
{
    uint64_t value = 12345;
    enum units_status st = parse(text, &value);
    cr_assert_eq(st, want_status, "\"%s\": status %d, wanted %d", text, st, want_status);
    if (want_status == UNITS_OK)
        cr_assert_eq(value, want, "\"%s\": %llu", text, (unsigned long long)value);
}
#define expect_duration(text, status, ns) expect_parsed(units_parse_duration, text, status, ns)
#define expect_bandwidth(text, status, bps) expect_parsed(units_parse_bandwidth, text, status, bps)
#define expect_size(text, status, bytes) expect_parsed(units_parse_size, text, status, bytes)
#define expect_byte_rate(text, status, rate) expect_parsed(units_parse_byte_rate, text, status, rate)

Test(units, durations)
{
    expect_duration("1.5ms", UNITS_OK, 1500000);
    expect_duration("0s", UNITS_OK, 0);
    expect_duration("10us", UNITS_OK, 10000);
    expect_duration("7ns", UNITS_OK, 7);
    expect_duration("0.000000001s", UNITS_OK, 1);
    expect_duration("1.000000001s", UNITS_OK, 1000000001);
    expect_duration("007ms", UNITS_OK, 7000000);
    expect_duration("18446744073709551615ns", UNITS_OK, UINT64_MAX);
    expect_duration("18446744073.709551615s", UNITS_OK, UINT64_MAX);
    expect_duration("1.0000000001s", UNITS_FRACTION, 0);
    expect_duration("-1ms", UNITS_NEGATIVE, 0);
    expect_duration("18446744073709551616ns", UNITS_OVERFLOW, 0);
    expect_duration("18446744073.709551616s", UNITS_OVERFLOW, 0);
    expect_duration("99999999999999999999999999s", UNITS_OVERFLOW, 0);
    expect_duration("5", UNITS_NO_UNIT, 0);
    expect_duration("5m", UNITS_AMBIGUOUS, 0);
    expect_duration("5sec", UNITS_BAD_UNIT, 0);
    expect_duration("5MS", UNITS_BAD_UNIT, 0);
    expect_duration("1e3ns", UNITS_BAD_UNIT, 0);
    expect_duration("1.5ns", UNITS_NOT_WHOLE, 0);
    expect_duration("0.5us", UNITS_OK, 500);
    expect_duration("0.0005us", UNITS_NOT_WHOLE, 0);
    expect_duration("", UNITS_SYNTAX, 0);
    expect_duration("ms", UNITS_SYNTAX, 0);
    expect_duration(".5ms", UNITS_SYNTAX, 0);
    expect_duration("1.ms", UNITS_SYNTAX, 0);
    expect_duration(" 1ms", UNITS_SPACE, 0);
    expect_duration("+1ms", UNITS_SYNTAX, 0);
}

Test(units, duration_messages)
{
    expect_error("{'nodes':[{}],'duration':'1.0000000001s'}",
                 X "duration: at most 9 digits after the decimal point, got \"1.0000000001s\"");
    expect_error("{'nodes':[{}],'duration':'-1ms'}", X "duration: cannot be negative, got \"-1ms\"");
    expect_error("{'nodes':[{}],'max_time':'18446744073709551616ns'}",
                 X "max_time: too large for 64 bits of nanoseconds, got \"18446744073709551616ns\"");
    expect_error("{'nodes':[{}],'duration':'5'}",
                 X "duration: missing a unit (ns, us, ms, s, min or h), got \"5\"");
    expect_error("{'nodes':[{}],'duration':'5sec'}",
                 X "duration: unknown unit (expected ns, us, ms, s, min or h), got \"5sec\"");
    expect_error("{'nodes':[{}],'network':{'jitter':'0.5ns'}}",
                 X "network.jitter: not a whole number of nanoseconds, got \"0.5ns\"");

    struct scenario s;
    expect_ok("{'nodes':[{}],'duration':'1.5ms','network':{'latency':'10us','jitter':'0s'}}", &s);
    cr_assert_eq(s.duration_ns, 1500000);
    cr_assert_eq(s.net.latency_ns, 10000);
    done(&s);
}

Test(units, bandwidths)
{
    expect_bandwidth("1Gbps", UNITS_OK, 1000000000u);
    expect_bandwidth("10Mbps", UNITS_OK, 10000000u);
    expect_bandwidth("1.5Kbps", UNITS_OK, 1500u);
    expect_bandwidth("2.5Gbps", UNITS_OK, 2500000000u);
    expect_bandwidth("100bps", UNITS_OK, 100u);
    expect_bandwidth("0", UNITS_OK, 0);
    expect_bandwidth("infinite", UNITS_OK, 0);
    expect_bandwidth("18446744073709551615bps", UNITS_OK, UINT64_MAX);
    expect_bandwidth("18446744074Gbps", UNITS_OVERFLOW, 0);
    expect_bandwidth("0Gbps", UNITS_ZERO_RATE, 0);
    expect_bandwidth("0.0bps", UNITS_ZERO_RATE, 0);
    expect_bandwidth("1gbps", UNITS_BAD_UNIT, 0);
    expect_bandwidth("1GBps", UNITS_BAD_UNIT, 0);
    expect_bandwidth("1.5bps", UNITS_NOT_WHOLE, 0);
    expect_bandwidth("100", UNITS_NO_UNIT, 0);
    expect_bandwidth("-1Mbps", UNITS_NEGATIVE, 0);
    expect_bandwidth("Infinite", UNITS_SYNTAX, 0);
    expect_bandwidth("00", UNITS_NO_UNIT, 0);
}

Test(units, loss_rounding)
{
    cr_assert_eq(units_loss_to_u32(0.0), 0);
    cr_assert_eq(units_loss_to_u32(1.0), UINT32_MAX);
    cr_assert_eq(units_loss_to_u32(0.5), 1u << 31);
    cr_assert_eq(units_loss_to_u32(0.05), 214748365u);
    cr_assert_eq(units_loss_to_u32(0.1), 429496730u);
    cr_assert_eq(units_loss_to_u32(1.1e-10), 0, "0.47 rounds down");
    cr_assert_eq(units_loss_to_u32(1.2e-10), 1, "0.52 rounds up");
    cr_assert_eq(units_loss_to_u32(0.5 / 4294967296.0), 1, "exactly one half rounds up");
    cr_assert_eq(units_loss_to_u32(0.99999999999), UINT32_MAX);
}

Test(units, number_to_milli)
{
    uint64_t m = 7;
    cr_assert_eq(units_number_to_milli(1.5, &m), UNITS_OK);
    cr_assert_eq(m, 1500);
    cr_assert_eq(units_number_to_milli(0.001, &m), UNITS_OK);
    cr_assert_eq(m, 1);
    cr_assert_eq(units_number_to_milli(0.0, &m), UNITS_OK);
    cr_assert_eq(m, 0);
    cr_assert_eq(units_number_to_milli(4294967.295, &m), UNITS_OK);
    cr_assert_eq(m, 4294967295ull);
    cr_assert_eq(units_number_to_milli(4294967.296, &m), UNITS_OVERFLOW);
    cr_assert_eq(units_number_to_milli(4.1, &m), UNITS_OK, "4.1 is the double nearest 4100 / 1000");
    cr_assert_eq(m, 4100);
    cr_assert_eq(units_number_to_milli(0.0015, &m), UNITS_FRACTION);
    cr_assert_eq(units_number_to_milli(1.0 / 3.0, &m), UNITS_FRACTION);
    cr_assert_eq(units_number_to_milli(-0.5, &m), UNITS_NEGATIVE);
    cr_assert_eq(units_number_to_milli(1e300, &m), UNITS_OVERFLOW);
    cr_assert_eq(units_number_to_milli(0.0 / 0.0, &m), UNITS_SYNTAX);
    for (uint64_t k = 0; k < 200000; k += 7) {
        cr_assert_eq(units_number_to_milli((double)k / 1000.0, &m), UNITS_OK, "%llu", (unsigned long long)k);
        cr_assert_eq(m, k);
    }
}

Test(units, format_duration)
{
    const struct {
        uint64_t ns;
        const char *text;
    } cases[] = {
        {0, "0s"},
        {1, "1ns"},
        {999, "999ns"},
        {1000, "1us"},
        {1500000, "1.5ms"},
        {600000000000ull, "600s"},
        {1000000001, "1.000000001s"},
        {UINT64_MAX, "18446744073.709551615s"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        units_format_duration(cases[i].ns, buf, sizeof buf);
        cr_assert_str_eq(buf, cases[i].text);
        uint64_t back = 0;
        cr_assert_eq(units_parse_duration(buf, &back), UNITS_OK);
        cr_assert_eq(back, cases[i].ns, "formatting round-trips");
    }
}

/* ---- names --------------------------------------------------------------- */

static void expect_default_name(const char *path, const char *want)
{
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    const char *doc = json("{'nodes':[{}]}");
    cr_assert_eq(scenario_parse(doc, strlen(doc), path, &s, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(s.name, want, "path %s", path);
    scenario_free(&s);
}

Test(names, default_from_the_file_name)
{
    expect_default_name("scenarios/pingpong.json", "pingpong");
    expect_default_name("a/b/my.test.json", "my.test");
    expect_default_name("noext", "noext");
    expect_default_name("dir/.json", "scenario");
    expect_default_name("dir/", "scenario");
    expect_default_name("dir/...json", "scenario");
    expect_default_name("my run (2).json", "my_run__2_");
}


Test(names, explicit)
{
    struct scenario s;
    expect_ok("{'nodes':[{}],'name':'My-run_1.2'}", &s);
    cr_assert_str_eq(s.name, "My-run_1.2");
    done(&s);
    expect_error("{'nodes':[{}],'name':''}", X "name: " NAME_RULE ", got \"\"");
    expect_error("{'nodes':[{}],'name':'a b'}", X "name: " NAME_RULE ", got \"a b\"");
    expect_error("{'nodes':[{}],'name':'../etc'}", X "name: " NAME_RULE ", got \"../etc\"");
    expect_error("{'nodes':[{}],'name':'.hidden'}", X "name: " NAME_RULE ", got \".hidden\"");
    expect_error("{'nodes':[{}],'name':'a\\tb'}", X "name: " NAME_RULE ", got \"a\\tb\"");
}

/* ---- mutation fuzzing ---------------------------------------------------- */

/* splitmix64: a fixed seed gives the same mutations on every machine. */
static uint64_t fuzz_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Covers every key, so mutations reach every part of the loader. */
static const char fuzz_rich[] =
    "{\"name\":\"rich\",\"description\":\"all keys\",\"seed\":9,\"duration\":\"2s\","
    "\"max_time\":\"10s\",\"nodes\":[{\"count\":3,\"cpu_mips\":50,\"memory_mib\":32},{}],"
    "\"network\":{\"latency\":\"1ms\",\"jitter\":\"1us\",\"bandwidth\":\"100Mbps\",\"loss\":0.01,"
    "\"links\":[{\"between\":[0,3],\"latency\":\"2ms\",\"jitter\":\"0s\",\"bandwidth\":\"infinite\","
    "\"loss\":0.5}]},\"events\":[{\"at\":\"0s\",\"spawn\":{\"node\":\"all\",\"program\":\"p\","
    "\"args\":[\"a\",\"b\"]}},{\"at\":\"1s\",\"crash\":{\"node\":2}},{\"at\":\"1.5s\","
    "\"restart\":{\"node\":2}},{\"at\":\"1s\",\"partition\":{\"groups\":[[0,1],[3]]}},"
    "{\"at\":\"1.2s\",\"heal\":{}},{\"at\":\"0s\",\"spawn\":{\"node\":1,\"program\":\"w\",\"pinned\":true}},"
    "{\"at\":\"1s\",\"migrate\":{\"pid\":\"n0.1\",\"to\":\"next\"},\"repeat\":{\"every\":\"1ms\","
    "\"count\":5}},{\"at\":\"1s\",\"migrate\":{\"pid\":\"n3.2\",\"to\":2}}],"
    "\"balancer\":{\"policy\":\"offer\",\"threshold\":1.5,\"hysteresis\":0.5,\"margin\":1,"
    "\"period\":\"50ms\",\"min_residency\":\"200ms\",\"exchange_period\":\"50ms\","
    "\"exchange_fanout\":4},\"migration\":{\"mode\":\"pre-copy\"}}";

static const char *const fuzz_tokens[] = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "0",
    "-1",
    "1e999",
    "0.5",
    "\"all\"",
    "null",
    "true",
    "\\u0000",
    "\"1ms\"",
    "\"nodes\"",
    "\"events\"",
    "\"at\"",
    "[[0,1]]",
    "{}",
    "65000",
    "\"infinite\"",
    "9007199254740993",
    "\"18446744073709551616ns\"",
    "\n",
    "\"next\"",
    "\"n0.1\"",
    "1.0005",
    "\"repeat\"",
    "\"migrate\"",
};

/* One random edit of buf (length *len, capacity cap). */
static void fuzz_mutate(uint64_t *rng, char *buf, size_t *len, size_t cap)
{
    size_t n = *len, at = n ? (size_t)(fuzz_next(rng) % n) : 0;
    switch (fuzz_next(rng) % 6) {
    case 0: /* flip a bit */
        if (n)
            buf[at] = (char)(buf[at] ^ (1 << (fuzz_next(rng) % 8)));
        break;
    case 1: /* truncate */ *len = at; break;
    case 2: { /* delete a run */
        size_t k = (size_t)(fuzz_next(rng) % 16);
        k = k > n - at ? n - at : k;
        memmove(buf + at, buf + at + k, n - at - k);
        *len = n - k;
        break;
    }
    case 3: /* insert a random byte */
        if (n + 1 <= cap) {
            memmove(buf + at + 1, buf + at, n - at);
            buf[at] = (char)fuzz_next(rng);
            *len = n + 1;
        }
        break;
    default: { /* insert a token that means something to the loader */
        const char *t = fuzz_tokens[fuzz_next(rng) % (sizeof fuzz_tokens / sizeof fuzz_tokens[0])];
        size_t k = strlen(t);
        if (n + k <= cap) {
            memmove(buf + at + k, buf + at, n - at);
            memcpy(buf + at, t, k);
            *len = n + k;
        }
        break;
    }
    }
}

/* What a loaded scenario promises its users, whatever the file said. */
static void fuzz_check_loaded(const struct scenario *s)
{
    cr_assert(s->node_count >= 1 && s->node_count <= SCN_MAX_NODES);
    cr_assert(s->max_time_ns > 0 && s->duration_ns <= s->max_time_ns);
    for (uint32_t i = 0; i < s->link_count; i++)
        cr_assert(s->links[i].node_a < s->links[i].node_b && s->links[i].node_b < s->node_count);
    for (uint32_t i = 0; i < s->event_count; i++) {
        const struct scn_event *ev = &s->events[i];
        cr_assert(i == 0 || s->events[i - 1].at_ns <= ev->at_ns);
        cr_assert(ev->at_ns <= s->max_time_ns);
        cr_assert(ev->node < s->node_count);
        if (ev->kind == SCN_SPAWN)
            cr_assert(ev->program != NULL && ev->argv != NULL && ev->argc <= ABI_ARGS_MAX_COUNT &&
                      ev->copies >= 1 && ev->copies <= 65535);
        if (ev->kind == SCN_PARTITION)
            cr_assert_not_null(ev->group_of_node);
        if (ev->kind == SCN_MIGRATE) {
            cr_assert(ABI_PID_NODE(ev->pid) < s->node_count && ABI_PID_LOCAL(ev->pid) != 0);
            cr_assert(ev->to_next || ev->to_node < s->node_count);
        }
        cr_assert(ev->count >= 1 && ev->count <= 1000000);
        cr_assert(ev->index < s->event_count);
        cr_assert(ev->kind == SCN_MIGRATE || ev->count == 1);
    }
    cr_assert(s->balance.policy < HAL_BALANCE_COUNT);
    cr_assert(s->migrate_mode <= MIGRATE_PRE_COPY);
}

static void fuzz_check_error(const char *err)
{
    cr_assert(strncmp(err, "fuzz.json: ", 11) == 0 && strlen(err) > 11, "%s", err);
    cr_assert_null(strchr(err, '\n'), "one line: %s", err);
}

static char *fuzz_corpus[32];
static size_t fuzz_corpus_len[32];

static size_t fuzz_load_corpus(void)
{
    static const char *const files[] = {
        "scenarios/hello.json",
        "scenarios/pingpong.json",
        "scenarios/ring-64.json",
        "scenarios/lossy-pingpong.json",
        "tests/scenarios/bad/partition-overlap.json",
        "tests/scenarios/bad/missing-node.json",
        "scenarios/chatty-8.json",
        "tests/scenarios/bad/threshold-decimals.json",
        "tests/scenarios/spawn-count.json", /* comments, spaced units, a count */
    };
    size_t n = 0;
    for (; n < sizeof files / sizeof files[0]; n++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", SRC, files[n]);
        fuzz_corpus[n] = read_text(path, &fuzz_corpus_len[n]);
    }
    fuzz_corpus[n] = strdup(fuzz_rich);
    fuzz_corpus_len[n] = strlen(fuzz_rich);
    return n + 1;
}

Test(fuzz, mutations_never_crash_or_leak, .timeout = 300)
{
    long at_start = heap_blocks();
    size_t corpus = fuzz_load_corpus();
    uint64_t rng = 0x5CE7A210ull;
    size_t cap = 8192, loaded = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    for (int iter = 0; iter < 20000; iter++) {
        size_t pick = (size_t)(fuzz_next(&rng) % corpus), len = fuzz_corpus_len[pick];
        cr_assert_leq(len, cap);
        memcpy(buf, fuzz_corpus[pick], len);
        int edits = 1 + (int)(fuzz_next(&rng) % 4);
        for (int e = 0; e < edits; e++)
            fuzz_mutate(&rng, buf, &len, cap);
        /* An exact-size copy lets ASan catch any read past the end. */
        char *text = malloc(len ? len : 1);
        memcpy(text, buf, len);
        struct scenario s;
        char err[SCN_ERROR_BYTES];
        long before = heap_blocks();
        if (scenario_parse(text, len, "fuzz.json", &s, err, sizeof err) == 0) {
            fuzz_check_loaded(&s);
            scenario_free(&s);
            loaded++;
        } else {
            fuzz_check_error(err);
        }
        cr_assert_eq(heap_blocks(), before, "leak at iteration %d", iter);
        free(text);
    }
    free(buf);
    for (size_t i = 0; i < corpus; i++)
        free(fuzz_corpus[i]);
    cr_assert_not(heap_leaked(at_start), "the fuzz loop leaked");
    cr_assert_gt(loaded, 0, "some mutants should still load");
}

/* ---- disks (hal-sim/scenario_disk.c) -------------------------------------- */

Test(units, sizes_and_byte_rates)
{
    expect_size("64MiB", UNITS_OK, 64ull << 20);
    expect_size("1.5KiB", UNITS_OK, 1536);
    expect_size("2GB", UNITS_OK, 2000000000ull);
    expect_size("512B", UNITS_OK, 512);
    expect_size("1024GiB", UNITS_OK, 1ull << 40);
    expect_size("0.1B", UNITS_NOT_WHOLE, 0);
    expect_size("64", UNITS_NO_UNIT, 0);
    expect_size("64mib", UNITS_BAD_UNIT, 0);
    expect_size("17179869184GiB", UNITS_OVERFLOW, 0);
    expect_byte_rate("500MB/s", UNITS_OK, 500000000u);
    expect_byte_rate("1.5GiB/s", UNITS_OK, 1610612736u);
    expect_byte_rate("3B/s", UNITS_OK, 3);
    expect_byte_rate("0MB/s", UNITS_ZERO_RATE, 0);
    expect_byte_rate("500MBps", UNITS_BAD_UNIT, 0);
}

Test(disk, keys_and_defaults)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':2,'disk':{'size':'64MiB','latency':'50us','bandwidth':'1GB/s',"
              "'write_cache':false,'crash':'keep-random','read_errors':[9,3],"
              "'latency_spikes':[{'at':'1s','for':'2ms','extra':'5ms'}]}},{}]}",
              &s);
    cr_assert_eq(s.disk_count, 1);
    const struct scn_disk *d = s.nodes[0].disk;
    cr_assert(d != NULL && s.nodes[1].disk == d && s.nodes[2].disk == NULL);
    cr_assert_eq(d->size_bytes, 64ull << 20);
    cr_assert_eq(d->latency_ns, 50000);
    cr_assert_eq(d->bandwidth_bytes_per_s, 1000000000u);
    cr_assert_not(d->write_cache);
    cr_assert_eq(d->crash, SCN_DISK_CRASH_KEEP_RANDOM);
    cr_assert_eq(d->read_error_count, 2);
    cr_assert_eq(d->read_errors[0], 3);
    cr_assert_eq(d->read_errors[1], 9);
    cr_assert_eq(d->spike_count, 1);
    cr_assert_eq(d->spikes[0].at_ns, 1000000000u);
    cr_assert_eq(d->spikes[0].for_ns, 2000000u);
    cr_assert_eq(d->spikes[0].extra_ns, 5000000u);
    cr_assert_null(d->image);
    done(&s);

    expect_ok("{'nodes':[{'disk':{'size':'1MiB','image':'disks/n{node}.img'}},"
              "{'disk':{'size':'1MiB','image':'/abs/n.img'}}]}", &s);
    d = s.nodes[0].disk;
    cr_assert_eq(d->latency_ns, 100000, "default latency 100us");
    cr_assert_eq(d->bandwidth_bytes_per_s, 500000000u, "default 500MB/s");
    cr_assert(d->write_cache, "a write cache by default");
    cr_assert_eq(d->crash, SCN_DISK_CRASH_LOSE_ALL);
    cr_assert_str_eq(d->image, "scenarios/disks/n{node}.img", "relative to the scenario's directory");
    cr_assert_str_eq(s.nodes[1].disk->image, "/abs/n.img");
    done(&s);
}

/* Messages about node group 0's disk. */
#define DISK X "nodes[0].disk"

Test(disk, messages)
{
    expect_error("{'nodes':[{'disk':{}}]}", DISK ": missing required key \"size\"");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','sise':1}}]}", DISK ": unknown key \"sise\"");
    expect_error("{'nodes':[{'disk':{'size':'0B'}}]}",
                 DISK ".size: a disk needs at least one sector, got \"0B\"");
    expect_error("{'nodes':[{'disk':{'size':'1000B'}}]}",
                 DISK ".size: not a whole number of 512-byte sectors, got \"1000B\"");
    expect_error("{'nodes':[{'disk':{'size':'64MB/s'}}]}",
                 DISK ".size: unknown unit (expected B, KB, MB, GB, KiB, MiB or GiB), got \"64MB/s\"");
    expect_error("{'nodes':[{'disk':{'size':64}}]}", DISK ".size: expected a size like \"64MiB\", got 64");
    expect_error("{'nodes':[{'disk':{'size':'2048GiB'}}]}", DISK ".size: at most 1TiB, got \"2048GiB\"");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','bandwidth':'0MB/s'}}]}",
                 DISK ".bandwidth: a disk must move data: more than 0B/s, got \"0MB/s\"");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','bandwidth':'1Gbps'}}]}",
                 DISK ".bandwidth: unknown unit (expected B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s or GiB/s), "
                   "got \"1Gbps\"");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','latency':'fast'}}]}",
                 DISK ".latency: expected a duration like \"100us\", got \"fast\"");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','write_cache':'yes'}}]}",
                 DISK ".write_cache: expected true or false, got \"yes\"");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','crash':'lose'}}]}",
                 DISK ".crash: expected \"lose-all\" or \"keep-random\", got \"lose\"");
    expect_error("{'nodes':[{'count':2,'disk':{'size':'1MiB','image':'n.img'}}]}",
                 DISK ".image: a group of 2 nodes needs \"{node}\" in the image path (one image per node)");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','image':''}}]}",
                 DISK ".image: expected a file path, got \"\"");
    expect_error("{'nodes':[{'disk':{'size':'1KiB','read_errors':[1,2]}}]}",
                 DISK ".read_errors[1]: block 2 is past the end of the disk (2 blocks)");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','read_errors':[4,-1]}}]}",
                 DISK ".read_errors[1]: expected a block number, got -1");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','read_errors':[4,4]}}]}",
                 DISK ".read_errors: block 4 is listed twice");
    expect_error("{'nodes':[{'disk':{'size':'1MiB',"
                 "'latency_spikes':[{'at':'1s','for':'0s','extra':'1ms'}]}}]}",
                 DISK ".latency_spikes[0].for: must be longer than 0s");
    expect_error("{'nodes':[{'disk':{'size':'1MiB','latency_spikes':[{'at':'1s','for':'1s'}]}}]}",
                 DISK ".latency_spikes[0]: missing required key \"extra\"");
    expect_error("{'nodes':[{'disk':{'size':'1MiB',"
                 "'latency_spikes':[{'at':'1s','for':'1s','extra':'1ms','x':1}]}}]}",
                 DISK ".latency_spikes[0]: unknown key \"x\"");
}

/* ---- the network's faults, clocks and pauses ------------------------------- */

Test(faults, duplicate_and_corrupt_are_probabilities_links_inherit)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':3}],'network':{'duplicate':0.05,'corrupt':0.5,"
              "'links':[{'between':[0,1],'corrupt':0},{'between':[1,2],'duplicate':1}]}}",
              &s);
    cr_assert_eq(s.net.duplicate_u32, 214748365u, "0.05 * 2^32 rounded, as loss");
    cr_assert_eq(s.net.corrupt_u32, 1u << 31);
    cr_assert_eq(s.links[0].params.corrupt_u32, 0);
    cr_assert_eq(s.links[0].params.duplicate_u32, 214748365u);
    cr_assert_eq(s.links[1].params.duplicate_u32, UINT32_MAX, "1 saturates");
    cr_assert_eq(s.links[1].params.corrupt_u32, 1u << 31);
    done(&s);
    expect_error("{'nodes':[{}],'network':{'duplicate':1.5}}",
                 X "network.duplicate: expected a probability from 0 to 1, got 1.5");
    expect_error("{'nodes':[{'count':2}],'network':{'links':[{'between':[0,1],'corrupt':'5%'}]}}",
                 X "network.links[0].corrupt: expected a probability from 0 to 1, got \"5%\"");
}

Test(faults, clock_drift_is_whole_ppm_within_the_limit)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':2,'clock_drift_ppm':-500000},{'clock_drift_ppm':250}]}", &s);
    cr_assert_eq(s.nodes[1].clock_drift_ppm, -500000);
    cr_assert_eq(s.nodes[2].clock_drift_ppm, 250);
    done(&s);
    const char *want = X "nodes[0].clock_drift_ppm: expected a whole number of parts per million from "
                         "-500000 to 500000, got ";
    const struct {
        const char *value, *shown;
    } bad[] = {{"500001", "500001"}, {"-500001", "-500001"}, {"1.5", "1.5"}, {"'100'", "\"100\""}, {"true", "true"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128], message[256];
        snprintf(text, sizeof text, "{'nodes':[{'clock_drift_ppm':%s}]}", bad[i].value);
        snprintf(message, sizeof message, "%s%s", want, bad[i].shown);
        expect_error(text, message);
    }
}

Test(faults, one_way_partition_has_from_and_to)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':5}],'events':[{'at':'1ms','partition':{'from':[0,3],'to':[1]}}]}", &s);
    const uint32_t want[5] = {SCN_SIDE_FROM, SCN_SIDE_TO, SCN_SIDE_NONE, SCN_SIDE_FROM, SCN_SIDE_NONE};
    cr_assert(s.events[0].one_way);
    cr_assert_arr_eq(s.events[0].group_of_node, want, sizeof want);
    done(&s);
    const char *head = "{'nodes':[{'count':3}],'events':[{'at':'0s','partition':";
    const struct {
        const char *body, *want;
    } cases[] = {
        {"{'from':[0]}}]}", X "events[0].partition: missing required key \"to\""},
        {"{'to':[0]}}]}", X "events[0].partition: missing required key \"from\""},
        {"{'from':[0],'to':[1],'groups':[[2]]}}]}",
         X "events[0].partition: \"groups\" or \"from\" and \"to\", not both"},
        {"{'from':[0,1],'to':[2,1]}}]}", X "events[0].partition.to[1]: node 1 is already in \"from\""},
        {"{'from':[0],'to':[]}}]}", X "events[0].partition.to: a group needs at least one node, got []"},
        {"{'from':[0],'to':[3]}}]}", X "events[0].partition.to[0]: node 3 does not exist (the scenario has 3 nodes)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s%s", head, cases[i].body);
        expect_error(text, cases[i].want);
    }
}

Test(faults, pause_has_a_node_and_a_length)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':2}],'events':[{'at':'1ms','pause':{'node':1,'for':'20ms'},"
              "'repeat':{'every':'50ms','count':3}},{'at':'2ms','pause':{'node':'all','for':'1us'}}]}",
              &s);
    cr_assert_eq(s.events[0].kind, SCN_PAUSE);
    cr_assert_eq(s.events[0].node, 1);
    cr_assert_eq(s.events[0].pause_ns, 20000000);
    cr_assert_eq(s.events[0].count, 3);
    cr_assert(s.events[1].all_nodes);
    done(&s);
    expect_error("{'nodes':[{}],'events':[{'at':'0s','pause':{'node':0}}]}",
                 X "events[0].pause: missing required key \"for\"");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','pause':{'node':0,'for':'0s'}}]}",
                 X "events[0].pause.for: must be longer than 0s");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','pause':{'node':1,'for':'1s'}}]}",
                 X "events[0].pause.node: node 1 does not exist (the scenario has 1 node)");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','pause':{'node':0,'for':'1s','until':'2s'}}]}",
                 X "events[0].pause: unknown key \"until\"");
}

Test(faults, partitions_and_heals_repeat_to_flap)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':2}],'events':[{'at':'0s','partition':{'groups':[[0]]},"
              "'repeat':{'every':'10ms','count':4}},{'at':'5ms','heal':{},'repeat':{'every':'10ms','count':4}}]}",
              &s);
    cr_assert_eq(s.events[0].count, 4);
    cr_assert_eq(s.events[1].every_ns, 10000000);
    done(&s);
}

/* ---- comments ------------------------------------------------------------ */

Test(comments, line_and_block_comments_are_ignored)
{
    struct scenario s;
    expect_ok("// a hot spot\n{\n  /* sixteen nodes,\n     all alike */\n  'nodes': [{'count': 16}], // as many\n"
              "  'seed': /* inline */ 7,\n  'events': [{'at': '0s', 'spawn': {'node': 0, 'program': 'hello',\n"
              "    'args': ['http://x/*y*/', '//']}}]\n}\n/* the end */",
              &s);
    cr_assert_eq(s.node_count, 16);
    cr_assert_eq(s.seed, 7);
    cr_assert_str_eq(s.events[0].argv[0], "http://x/*y*/", "comment marks inside a string are text");
    cr_assert_str_eq(s.events[0].argv[1], "//");
    done(&s);
}

Test(comments, errors_point_into_the_file_as_written)
{
    /* The 7 where a ':' belongs is line 5, column 18 of the text as
     * written: after a three-line comment and a block comment on its line. */
    expect_error("{\n  /* one\n     two\n     three */ 'nodes': [{}],\n  /* x */ 'seed' 7\n}",
                 X "line 5, column 18: invalid JSON");
    expect_error("{'nodes': [{}]} // done\n/* and */ x", X "line 2, column 11: unexpected text after the JSON value");
    expect_error("{\n  'nodes': [{}], // fine\n  /* never closed\n}", X "line 3, column 3: a comment opened here is never "
                                                                      "closed (no */)");
    expect_error("{'nodes': [{}]} // a bell \a here", X "line 1, column 27: a control character in a comment");
    expect_error("{'nodes': [{}]} / x", X "line 1, column 17: unexpected text after the JSON value");
    expect_error("// only a comment\n/* and another */\n", X "(root): expected an object, got an empty file");
}

Test(comments, strict_json_rules_stay)
{
    expect_error("\xEF\xBB\xBF// comment\n{'nodes':[{}]}",
                 X "line 1, column 1: a UTF-8 byte-order mark is not allowed (save the file without it)");
    expect_error("{'nodes':[{}], /* c */ 'name': 'a\tb'}",
                 X "line 1, column 34: invalid JSON (a raw control character in a string)");
    expect_error("{'nodes':[{}], // c\n 'events':[{'at':'0s','spawn':{'node':0,'program':'x\\u0000y'}}]}",
                 X "events[0].spawn.program: a string may not contain \\u0000 (NUL), got \"x\\u0000...\"");
}

Test(comments, overridden_files_keep_their_comments_out)
{
    char path[] = "/tmp/nimbus-comments-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *doc = json("// seeds\n{'nodes': [{}], /* the seed */ 'seed': 3}\n");
    cr_assert_eq(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
    close(fd);
    struct scenario_override ov;
    char err[SCN_ERROR_BYTES];
    cr_assert_eq(scenario_override_parse("seed=9", &ov, err, sizeof err), 0, "%s", err);
    struct scenario s;
    char *text = NULL;
    cr_assert_eq(scenario_load_overridden(path, &ov, 1, &s, &text, err, sizeof err), 0, "%s", err);
    cr_assert_eq(s.seed, 9);
    cr_assert_null(strstr(text, "the seed"), "the effective text is plain JSON: %s", text);
    free(text);
    scenario_free(&s);
    scenario_override_free(&ov);
    unlink(path);
}

/* ---- units with a space, minutes and hours ------------------------------- */

Test(units, spaces_minutes_and_hours)
{
    expect_duration("1 ms", UNITS_OK, 1000000);
    expect_duration("10 min", UNITS_OK, 600000000000ull);
    expect_duration("10min", UNITS_OK, 600000000000ull);
    expect_duration("1.5min", UNITS_OK, 90000000000ull);
    expect_duration("0.5 h", UNITS_OK, 1800000000000ull);
    expect_duration("1.000000001h", UNITS_OK, 3600000003600ull);
    expect_duration("5124095h", UNITS_OK, 5124095ull * 3600000000000ull);
    expect_duration("5124096h", UNITS_OVERFLOW, 0);
    expect_duration("1  ms", UNITS_SPACE, 0);
    expect_duration("1\tms", UNITS_SPACE, 0);
    expect_duration("1ms ", UNITS_SPACE, 0);
    expect_duration("1 ", UNITS_NO_UNIT, 0);
    expect_duration("1 m", UNITS_AMBIGUOUS, 0);
    expect_duration("1 M", UNITS_BAD_UNIT, 0);
    expect_bandwidth("1 Gbps", UNITS_OK, 1000000000u);
    expect_bandwidth("0 Gbps", UNITS_ZERO_RATE, 0);
    expect_size("64 MiB", UNITS_OK, 64ull << 20);
    expect_size("1.5 GiB", UNITS_OK, 1610612736u);
    expect_size("0.000000001GiB", UNITS_NOT_WHOLE, 0);
    expect_size("64 M", UNITS_AMBIGUOUS, 0);
    expect_size("64k", UNITS_AMBIGUOUS, 0);
    expect_byte_rate("500 MB/s", UNITS_OK, 500000000u);
    expect_byte_rate("500 M/s", UNITS_AMBIGUOUS, 0);
}

/* units_explain words a refusal the same way for scenarios and options. */
static void expect_explained(enum units_kind kind, const char *text, const char *want)
{
    uint64_t v = 0;
    char why[256];
    cr_assert_neq(units_parse_kind(kind, text, &v, why, sizeof why), UNITS_OK, "'%s' parsed", text);
    cr_assert_str_eq(why, want);
}

Test(units, every_refusal_in_words)
{
    expect_explained(UNITS_KIND_DURATION, "10m",
                     "ambiguous unit \"m\" (write min for minutes or ms for milliseconds), got '10m'");
    expect_explained(UNITS_KIND_DURATION, "10 sec", "unknown unit (expected ns, us, ms, s, min or h), got '10 sec'");
    expect_explained(UNITS_KIND_DURATION, "10", "missing a unit (ns, us, ms, s, min or h), got '10'");
    expect_explained(UNITS_KIND_DURATION, "1  s",
                     "one space at most, and only between the number and the unit, got '1  s'");
    expect_explained(UNITS_KIND_DURATION, "-1s", "cannot be negative, got '-1s'");
    expect_explained(UNITS_KIND_DURATION, "fast", "expected a duration like \"100us\", got 'fast'");
    expect_explained(UNITS_KIND_DURATION, "1.5ns", "not a whole number of nanoseconds, got '1.5ns'");
    expect_explained(UNITS_KIND_DURATION, "1.0000000001s", "at most 9 digits after the decimal point, got "
                                                           "'1.0000000001s'");
    expect_explained(UNITS_KIND_DURATION, "5124096h", "too large for 64 bits of nanoseconds, got '5124096h'");
    expect_explained(UNITS_KIND_SIZE, "64 G",
                     "ambiguous unit \"G\" (write GB for 10^9 bytes or GiB for 2^30 bytes), got '64 G'");
    expect_explained(UNITS_KIND_BYTE_RATE, "1 K/s",
                     "ambiguous unit \"K/s\" (write KB/s for 1000 bytes or KiB/s for 1024 bytes a second), "
                     "got '1 K/s'");
    expect_explained(UNITS_KIND_BYTE_RATE, "0 B/s", "zero moves nothing (a rate is more than 0B/s), got '0 B/s'");
    expect_explained(UNITS_KIND_BANDWIDTH, "0 Mbps",
                     "zero carries nothing (write \"infinite\" for no limit), got '0 Mbps'");
    expect_explained(UNITS_KIND_BANDWIDTH, "1 G", "unknown unit (expected bps, Kbps, Mbps or Gbps), got '1 G'");
}

Test(units, scenario_messages_with_spaces_and_ambiguity)
{
    struct scenario s;
    expect_error("{'nodes':[{}],'max_time':'10m'}",
                 X "max_time: ambiguous unit \"m\" (write min for minutes or ms for milliseconds), got \"10m\"");
    expect_error("{'nodes':[{}],'duration':'1  s'}",
                 X "duration: one space at most, and only between the number and the unit, got \"1  s\"");
    expect_error("{'nodes':[{'disk':{'size':'64 M'}}]}",
                 X "nodes[0].disk.size: ambiguous unit \"M\" (write MB for 10^6 bytes or MiB for 2^20 bytes), "
                   "got \"64 M\"");
    expect_ok("{'nodes':[{'disk':{'size':'64 MiB','bandwidth':'500 MB/s','latency':'1 ms'}}],"
              "'max_time':'2 h','duration':'10 min','network':{'bandwidth':'1 Gbps','latency':'100 us'}}",
              &s);
    cr_assert_eq(s.max_time_ns, 7200000000000ull);
    cr_assert_eq(s.duration_ns, 600000000000ull);
    cr_assert_eq(s.net.bandwidth_bps, 1000000000u);
    cr_assert_eq(s.net.latency_ns, 100000u);
    cr_assert_eq(s.nodes[0].disk->size_bytes, 64ull << 20);
    cr_assert_eq(s.nodes[0].disk->bandwidth_bytes_per_s, 500000000u);
    done(&s);
}

/* ---- spawn with a count -------------------------------------------------- */

Test(spawn_count, parses_with_a_default_of_one)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':2}],'events':[{'at':'1ms','spawn':{'node':'all','program':'worker',"
              "'args':['5'],'count':16}},{'at':'2ms','spawn':{'node':1,'program':'hello'}}]}",
              &s);
    cr_assert_eq(s.event_count, 2);
    cr_assert_eq(s.events[0].copies, 16);
    cr_assert(s.events[0].all_nodes);
    cr_assert_eq(s.events[1].copies, 1);
    done(&s);
}

Test(spawn_count, errors)
{
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'x','count':0}}]}",
                 X "events[0].spawn.count: expected a positive integer, got 0");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'x','count':65536}}]}",
                 X "events[0].spawn.count: must be at most 65535, got 65536");
    expect_error("{'nodes':[{}],'events':[{'at':'0s','spawn':{'node':0,'program':'x','count':'2'}}]}",
                 X "events[0].spawn.count: expected a positive integer, got \"2\"");
    /* 16 spawns of 65535 processes: more events than a scenario may hold. */
    char doc[4096] = "{'nodes':[{}],'events':[";
    for (int i = 0; i < 16; i++)
        strcat(doc, "{'at':'0s','spawn':{'node':0,'program':'x','count':65535}},");
    strcpy(doc + strlen(doc) - 1, "]}");
    expect_error(doc, X "events[15].spawn.count: too many processes to spawn: at most 1000000 events and spawn "
                        "counts in all");
}

/* ---- programs of the scenario's own --------------------------------------- */

#define HELLO_ELF NIMBUS_BINARY_DIR "/user/hello.elf"

Test(programs, load_with_the_scenario)
{
    struct scenario s;
    expect_ok("{'nodes':[{}],'programs':{'mine':'" HELLO_ELF "','my-2':'" HELLO_ELF "'},"
              "'events':[{'at':'0s','spawn':{'node':0,'program':'mine'}}]}",
              &s);
    cr_assert_eq(s.program_count, 2);
    const struct scn_program *mine = scenario_program_find(&s, "mine", 4);
    cr_assert_not_null(mine);
    cr_assert_str_eq(mine->path, HELLO_ELF);
    size_t len = 0;
    char *bytes = read_text(HELLO_ELF, &len);
    cr_assert_eq(mine->size, len);
    cr_assert_eq(memcmp(mine->image, bytes, len), 0, "the file's bytes, as they were at load time");
    free(bytes);
    cr_assert_null(scenario_program_find(&s, "min", 3));
    cr_assert_null(scenario_program_find(&s, "hello", 5), "built-in programs are found elsewhere");
    done(&s);
}

Test(programs, paths_are_relative_to_the_scenario_file)
{
    expect_error("{'nodes':[{}],'programs':{'mine':'build/mine.elf'}}",
                 X "programs.mine: scenarios/build/mine.elf: cannot read: No such file or directory");
}

Test(programs, bad_files_are_refused_at_load_with_the_reason)
{
    expect_error("{'nodes':[{}],'programs':{'mine':'" SRC "/scenarios/hello.json'}}",
                 X "programs.mine: " SRC "/scenarios/hello.json: not an ELF file");
    expect_error("{'nodes':[{}],'programs':{'mine':'" SRC "/scenarios'}}",
                 X "programs.mine: " SRC "/scenarios: not a regular file");
    expect_error("{'nodes':[{}],'programs':{'mine':'/dev/zero'}}",
                 X "programs.mine: /dev/zero: not a regular file");
    expect_error("{'nodes':[{}],'programs':{'mine':''}}",
                 X "programs.mine: expected the path of an ELF file, got \"\"");
    expect_error("{'nodes':[{}],'programs':{'mine':1}}", X "programs.mine: expected the path of an ELF file, got 1");
}

Test(programs, names)
{
    expect_error("{'nodes':[{}],'programs':{'worker':'" HELLO_ELF "'}}",
                 X "programs.worker: \"worker\" is a built-in program: give yours another name");
    expect_error("{'nodes':[{}],'programs':{'my work':'" HELLO_ELF "'}}",
                 X "programs.my work: expected a key that is a program name of 1 to 32 letters, digits, '_' or "
                   "'-', got \"my work\"");
    expect_error("{'nodes':[{}],'programs':{'a':'" HELLO_ELF "','a':'" HELLO_ELF "'}}",
                 X "programs: duplicate key \"a\"");
    expect_error("{'nodes':[{}],'programs':['x.elf']}", X "programs: expected an object, got [\"x.elf\"]");
}
