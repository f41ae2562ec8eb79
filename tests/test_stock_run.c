/*
 * test_stock_run.c - Stockholder and the key-value store in whole runs of
 * the real `nimbus` command: exact errors, open files that survive a
 * migration, a crash mid-write that loses nothing acknowledged (over many
 * crash times and seeds), group commit, a damaged disk left alone, and
 * disk images that the simulator and `nimbus fs` both read, and the
 * periodic commit that makes writes without an fsync durable.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_util.h"

#define RUNS NIMBUS_BINARY_DIR "/test-runs/stock"

static int run(const char *scenario, const char *out, const char *extra)
{
    char args[2048];
    (void)system("mkdir -p " RUNS);
    snprintf(args, sizeof args, "run %s --out %s/%s --quiet --no-progress %s > %s/%s.log 2>&1", scenario, RUNS,
             out, extra, RUNS, out);
    return run_nimbus(args);
}

/* The console lines of `out` that contain `needle`, without their time
 * and pid prefix, each ended by '\n' (malloc'd). */
static char *lines_with(const char *out, const char *needle)
{
    char path[512];
    snprintf(path, sizeof path, RUNS "/%s/console.log", out);
    char *log = read_file(path, NULL);
    cr_assert_not_null(log, "%s", path);
    size_t cap = strlen(log) + 1, len = 0;
    char *got = calloc(1, cap);
    for (char *line = strtok(log, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        const char *text = strstr(line, ": ");
        if (strstr(line, needle) == NULL || text == NULL)
            continue;
        len += (size_t)snprintf(got + len, cap - len, "%s\n", text + 2);
    }
    free(log);
    return got;
}

static const char expected_errors[] =
    "stockerr: open missing: no such file, directory or key\n"
    "stockerr: mkdir /d: 0\n"
    "stockerr: mkdir /d again: already exists\n"
    "stockerr: create /d/f: 0\n"
    "stockerr: create /d/f exclusive again: already exists\n"
    "stockerr: write: 5\n"
    "stockerr: unlink /d (not empty): directory not empty\n"
    "stockerr: open /d/f/x (not a directory): not a directory\n"
    "stockerr: write to a directory: is a directory\n"
    "stockerr: open /d for append: is a directory\n"
    "stockerr: create a 299-byte name: name too long\n"
    "stockerr: unlink /d/f: 0\n"
    "stockerr: read a deleted file's handle: bad handle\n"
    "stockerr: close: 0\n"
    "stockerr: close again: bad handle\n"
    "stockerr: rename /d /e: 0\n"
    "stockerr: unlink /e: 0\n"
    "stockerr: relative path: invalid argument\n"
    "stockerr: kv put: 0\n"
    "stockerr: kv get: 1\n"
    "stockerr: kv get missing: no such file, directory or key\n"
    "stockerr: kv put 256-byte key: name too long\n"
    "stockerr: kv put empty key: invalid argument\n"
    "stockerr: kv put 64 KiB + 1: message too big\n"
    "stockerr: kv put 64 KiB: 0\n"
    /* FNV-1a of the 64 KiB that were put (byte i: i * 7 + i / 251). */
    "stockerr: kv get 64 KiB: 65536, checksum 51cd1234, same bytes\n"
    "stockerr: kv del: 0\n"
    "stockerr: kv del missing: no such file, directory or key\n"
    "stockerr: open on a node without a disk: no storage on that node\n"
    "stockerr: open on a node outside the cluster: invalid argument\n"
    "stockerr: write 64 KiB to /n1/big: 65536\n"
    "stockerr: close: 0\n"
    "stockerr: read 64 KiB from /n1/big: 65536, checksum 51cd1234, same bytes\n"
    "stockerr: close: 0\n";

Test(stock_run, every_error_has_its_name)
{
    cr_assert_eq(run(NIMBUS_SOURCE_DIR "/tests/scenarios/stock-errors.json", "errors", ""), 0);
    /* The back end is node 1: a 64 KiB value travels in pieces each way. */
    char *got = lines_with("errors", "stockerr:");
    cr_expect_str_eq(got, expected_errors);
    free(got);
    cr_assert_eq(run(NIMBUS_SOURCE_DIR "/tests/scenarios/stock-errors.json", "errors-local", "--set kv.backend=0"),
                 0);
    got = lines_with("errors-local", "stockerr:");
    cr_expect_str_eq(got, expected_errors);
    free(got);
}

Test(stock_run, open_files_survive_a_migration)
{
    cr_assert_eq(run(NIMBUS_SOURCE_DIR "/tests/scenarios/stock-errors.json", "moves", ""), 0);
    char *got = lines_with("moves", "filemover");
    /* Moved by itself (node 2 to 0, file on node 1), then by a scenario
     * event (node 2 to 1, file on node 0). */
    cr_expect_str_eq(got, "filemover: on node 0, read: before the move|after the move|\n"
                          "filemover: on node 1, read: before the move|after the move|\n");
    free(got);
    cr_expect_eq(count_trace_events(RUNS "/moves", "migrate_done", "pid", "n2.1"), 1);
    cr_expect_eq(count_trace_events(RUNS "/moves", "migrate_done", "pid", "n2.2"), 1);
}

/* The last number after `prefix` on a console line of the run. */
static long last_number(const char *out, const char *prefix)
{
    char *lines = lines_with(out, prefix);
    long n = -1;
    for (const char *at = strstr(lines, prefix); at != NULL; at = strstr(at + 1, prefix))
        n = strtol(at + strlen(prefix), NULL, 10);
    free(lines);
    return n;
}

/* What stockcheck found for the keys with `prefix`: the log's last intact
 * record and the last intact key, from its own line. */
static void checked(const char *out, char prefix, long *records, long *keys)
{
    char needle[64];
    snprintf(needle, sizeof needle, "intact, kv keys %c0..", prefix);
    char *lines = lines_with(out, needle);
    cr_assert_eq(sscanf(lines, "stockcheck: log records 1..%ld intact, kv keys %*c0..%ld intact", records, keys),
                 2, "%s: %s", out, lines);
    free(lines);
}

Test(stock_run, a_crash_mid_write_loses_nothing_acknowledged)
{
    const unsigned runs = 12;
    for (unsigned i = 0; i < runs; i++) {
        char out[32], extra[128];
        snprintf(out, sizeof out, "crash-%u", i);
        /* Crash times 1.37 ms apart, so the crash finds the disk and the
         * commit machine in a different phase each time. */
        snprintf(extra, sizeof extra, "--seed %u --set 'events[3].at=%uus'", i + 1, 40000u + i * 1370u);
        cr_assert_eq(run(NIMBUS_SOURCE_DIR "/scenarios/storage-crash.json", out, extra), 0, "%s", out);
        long durable = last_number(out, "logwriter: durable through record ");
        long acked_k = last_number(out, "kvput: acked k"), acked_j = last_number(out, "kvput: acked j");
        long records, keys_k, keys_j;
        checked(out, 'k', &records, &keys_k);
        checked(out, 'j', &records, &keys_j);
        cr_expect_gt(durable, 0, "%s: the log writer made records durable before the crash", out);
        cr_expect_geq(records, durable, "%s: records 1..%ld acknowledged, 1..%ld found", out, durable, records);
        cr_expect_geq(keys_k, acked_k, "%s: k0..%ld acknowledged, k0..%ld found", out, acked_k, keys_k);
        cr_expect_geq(keys_j, acked_j, "%s: j0..%ld acknowledged, j0..%ld found", out, acked_j, keys_j);
        char *verdicts = lines_with(out, "stockcheck: ok");
        cr_expect_str_eq(verdicts, "stockcheck: ok\nstockcheck: ok\n", "%s", out);
        free(verdicts);
        char dir[256];
        snprintf(dir, sizeof dir, RUNS "/%s", out);
        cr_expect_eq(count_trace_events(dir, "store_mount", NULL, NULL), 2, "%s: mkfs at boot, mount after", out);
        cr_expect_eq(count_trace_events(dir, "store_error", NULL, NULL), 0, "%s", out);
    }
}

/* The console time (ns) of the first line of `out` that has `needle`. */
static long long console_time_ns(const char *out, const char *needle)
{
    char path[512];
    snprintf(path, sizeof path, RUNS "/%s/console.log", out);
    char *log = read_file(path, NULL);
    cr_assert_not_null(log, "%s", path);
    const char *at = strstr(log, needle);
    cr_assert_not_null(at, "%s: %s", out, needle);
    while (at > log && at[-1] != '\n')
        at--;
    long ms = 0, frac_ns = 0;
    cr_assert_eq(sscanf(at, "[ %ld.%ld ms]", &ms, &frac_ns), 2, "%s", at);
    free(log);
    return ms * 1000000ll + frac_ns;
}

Test(stock_run, a_crash_mid_big_put_leaves_the_old_value_whole)
{
    const char *scenario = NIMBUS_SOURCE_DIR "/tests/scenarios/stock-bigcrash.json";
    /* Without the crash the second put's 47 pieces leave node 0 from
     * 506.50 to 507.07 ms and its answer (after the commit) comes at
     * 509.44 ms: the value is replaced whole. */
    cr_assert_eq(run(scenario, "bigcrash-none", "--set 'events[2].at=2900ms' --set 'events[3].at=2950ms'"), 0);
    char *lines = lines_with("bigcrash-none", "kvbig");
    cr_expect_str_eq(lines, "kvbig: put v fill 65: 0\nkvbig: put v fill 66: 0\n"
                            "kvbig: v holds fill 66 whole (65536 bytes)\n");
    free(lines);
    cr_expect_eq(console_time_ns("bigcrash-none", "put v fill 66"), 509436250ll);
    /* Crashes while the pieces arrive (the request is never run) and while
     * it runs and commits: the caller learns the outcome is unknown once
     * the back end is back, and the key holds the first value whole. */
    const unsigned crash_us[] = {506600, 506800, 507000, 508000, 509000};
    for (unsigned i = 0; i < sizeof crash_us / sizeof crash_us[0]; i++) {
        char out[32], extra[64];
        snprintf(out, sizeof out, "bigcrash-%u", crash_us[i]);
        snprintf(extra, sizeof extra, "--set 'events[2].at=%uus'", crash_us[i]);
        cr_assert_eq(run(scenario, out, extra), 0, "%s", out);
        lines = lines_with(out, "kvbig");
        cr_expect_str_eq(lines, "kvbig: put v fill 65: 0\nkvbig: put v fill 66: outcome unknown\n"
                                "kvbig: v holds fill 65 whole (65536 bytes)\n", "%s", out);
        free(lines);
    }
}

/* How many lines of `out` contain `needle`. */
static unsigned count_lines(const char *out, const char *needle)
{
    char *lines = lines_with(out, needle);
    unsigned n = 0;
    for (const char *at = strchr(lines, '\n'); at != NULL; at = strchr(at + 1, '\n'))
        n++;
    free(lines);
    return n;
}

/* `out` has `line` (ending in '\n') once and nothing else like it. */
static void expect_one_line(const char *out, const char *line)
{
    char needle[128];
    snprintf(needle, sizeof needle, "%.*s", (int)strlen(line) - 1, line);
    char *lines = lines_with(out, needle);
    cr_expect_str_eq(lines, line);
    free(lines);
}

Test(stock_run, the_back_end_assembles_at_most_16_requests)
{
    cr_assert_eq(run(NIMBUS_SOURCE_DIR "/tests/scenarios/stock-bigmany.json", "bigmany", ""), 0);
    /* Nodes 1..16's first pieces come first; 17..20 are turned away. */
    for (unsigned n = 1; n <= 20; n++) {
        char put[64], check[80];
        snprintf(put, sizeof put, "kvbig: put k%u fill %u: %s\n", n, n, n <= 16 ? "0" : "busy");
        if (n <= 16)
            snprintf(check, sizeof check, "kvbig: k%u holds fill %u whole (65536 bytes)\n", n, n);
        else
            snprintf(check, sizeof check, "kvbig: get k%u: no such file, directory or key\n", n);
        expect_one_line("bigmany", put);
        expect_one_line("bigmany", check);
    }
    cr_expect_eq(count_lines("bigmany", ": busy"), 4);
}

Test(stock_run, a_get_waits_only_for_its_own_key)
{
    cr_assert_eq(run(NIMBUS_SOURCE_DIR "/tests/scenarios/stock-kvwait.json", "kvwait", ""), 0);
    long long put_b = console_time_ns("kvwait", "put b fill 1: 0");
    long long get_b = console_time_ns("kvwait", "b holds fill 1 whole");
    long long put_a = console_time_ns("kvwait", "put a fill 2: 0");
    /* Answered after b's put is durable (it ran before it), before a's is:
     * 560.3 ms, 569.4 ms, 960.8 ms. */
    cr_expect_eq(put_b, 560317568ll);
    cr_expect_eq(get_b, 569410776ll);
    cr_expect_eq(put_a, 960773216ll);
    cr_expect(put_b < get_b && get_b < put_a);
}

/* The largest number of requests one commit carried. */
static long max_commit_requests(const char *out)
{
    char path[512];
    snprintf(path, sizeof path, RUNS "/%s/trace.jsonl", out);
    char *trace = read_file(path, NULL);
    cr_assert_not_null(trace);
    long best = 0;
    for (const char *at = strstr(trace, "\"requests\":"); at != NULL; at = strstr(at + 1, "\"requests\":")) {
        long n = strtol(at + 11, NULL, 10);
        best = n > best ? n : best;
    }
    free(trace);
    return best;
}

Test(stock_run, concurrent_puts_share_a_commit)
{
    const char *scenario = NIMBUS_SOURCE_DIR "/tests/scenarios/stock-kvbench.json";
    cr_assert_eq(run(scenario, "bench-1", "--set 'events[0].spawn.args=[\"1\",\"8\",\"512\"]'"), 0);
    cr_assert_eq(run(scenario, "bench-32", ""), 0);
    char *line = lines_with("bench-32", "kvbench:");
    cr_expect_not_null(strstr(line, "kvbench: 32 clients, 384 puts of 512 bytes in "), "%s", line);
    free(line);
    cr_expect_eq(max_commit_requests("bench-1"), 1, "one client: one put a commit");
    cr_expect_geq(max_commit_requests("bench-32"), 8, "32 clients: most of them in one commit");
}


static void sh(const char *cmd)
{
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* The run's images are where the scenario is: RUNS/<name>-n<node>.img. */
static void write_scenario(const char *name, const char *events)
{
    char path[512];
    snprintf(path, sizeof path, RUNS "/%s.json", name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "{\"name\":\"%s\",\"duration\":\"2s\",\"nodes\":[{\"count\":2,\"disk\":{\"size\":\"64MiB\","
            "\"image\":\"%s-n{node}.img\"}}],\"kv\":{\"backend\":1},\"events\":[%s]}",
            name, name, events);
    fclose(f);
}

Test(stock_run, images_are_read_by_nimbus_fs_and_by_nodes)
{
    (void)system("mkdir -p " RUNS "; rm -f " RUNS "/img-n0.img " RUNS "/img-n1.img");
    /* A file put into node 0's image by the host tool... */
    sh(NIMBUS_BINARY_DIR "/nimbus fs mkfs " RUNS "/img-n0.img --size 64MiB > /dev/null");
    sh("printf 'from the host\\n' > " RUNS "/host.txt");
    sh(NIMBUS_BINARY_DIR "/nimbus fs put " RUNS "/img-n0.img /host.txt " RUNS "/host.txt");
    write_scenario("img", "{\"at\":\"10ms\",\"spawn\":{\"node\":0,\"program\":\"logwriter\",\"args\":[\"/log\",\"20\",\"5\"]}},"
                          "{\"at\":\"10ms\",\"spawn\":{\"node\":1,\"program\":\"fcopy\",\"args\":[\"/n0/host.txt\",\"/copy\"]}},"
                          "{\"at\":\"500ms\",\"spawn\":{\"node\":1,\"program\":\"walk\",\"args\":[\"/n0/\"]}}");
    cr_assert_eq(run(RUNS "/img.json", "img", ""), 0);
    char *lines = lines_with("img", "");
    cr_expect_not_null(strstr(lines, "fcopy: copied 14 bytes\n"), "%s", lines);
    cr_expect_not_null(strstr(lines, "/n0/\n  host.txt 14\n  log 220\n"), "%s", lines);
    free(lines);
    /* ...and what the nodes wrote, read by the host tool: fsck clean. */
    sh(NIMBUS_BINARY_DIR "/nimbus fs fsck " RUNS "/img-n0.img > " RUNS "/fsck0.txt");
    sh(NIMBUS_BINARY_DIR "/nimbus fs fsck " RUNS "/img-n1.img > " RUNS "/fsck1.txt");
    sh(NIMBUS_BINARY_DIR "/nimbus fs cat " RUNS "/img-n1.img /copy > " RUNS "/copy.txt");
    cr_expect(files_equal(RUNS "/copy.txt", RUNS "/host.txt"));
    sh(NIMBUS_BINARY_DIR "/nimbus fs cat " RUNS "/img-n0.img /log > " RUNS "/log.txt");
    char *log = read_file(RUNS "/log.txt", NULL);
    cr_assert_not_null(log);
    cr_expect_eq(strlen(log), 220u);
    cr_expect_eq(strncmp(log, "rec 000001\nrec 000002\n", 22), 0);
    cr_expect_str_eq(log + 209, "rec 000020\n");
    free(log);
}

Test(stock_run, a_damaged_disk_is_not_formatted_over)
{
    (void)system("mkdir -p " RUNS "; rm -f " RUNS "/bad-n0.img " RUNS "/bad-n1.img");
    /* Both superblocks hold garbage: not blank, not a store. */
    sh("head -c 67108864 /dev/zero > " RUNS "/bad-n0.img");
    sh("printf 'garbage' | dd of=" RUNS "/bad-n0.img conv=notrunc bs=1 seek=0 2>/dev/null");
    sh("printf 'garbage' | dd of=" RUNS "/bad-n0.img conv=notrunc bs=1 seek=4096 2>/dev/null");
    write_scenario("bad", "{\"at\":\"10ms\",\"spawn\":{\"node\":1,\"program\":\"walk\",\"args\":[\"/n0/\"]}}");
    cr_assert_eq(run(RUNS "/bad.json", "bad", ""), 0);
    char *lines = lines_with("bad", "walk");
    cr_expect_str_eq(lines, "walk: /n0/: no storage on that node (-28)\n");
    free(lines);
    cr_expect_eq(count_trace_events(RUNS "/bad", "store_error", "what", "mount"), 1);
    char *trace = read_file(RUNS "/bad/trace.jsonl", NULL);
    cr_assert_not_null(trace);
    cr_expect_not_null(strstr(trace, "\"ev\":\"store_error\",\"what\":\"mount\",\"error\":-25,"
                                     "\"message\":\"corrupt block\",\"block\":0}"),
                       "the mount's error names the cause");
    free(trace);
    char *img = read_file(RUNS "/bad-n0.img", NULL);
    cr_assert_not_null(img);
    cr_expect_eq(memcmp(img, "garbage", 7), 0, "superblock 0 left as it was");
    cr_expect_eq(memcmp(img + 4096, "garbage", 7), 0, "superblock 1 left as it was");
    free(img);
}

Test(stock_run, a_superblock_that_cannot_be_read_keeps_the_service_down)
{
    (void)system("mkdir -p " RUNS);
    FILE *f = fopen(RUNS "/readerr.json", "w");
    cr_assert_not_null(f);
    fputs("{\"name\":\"readerr\",\"duration\":\"1s\",\"nodes\":[{\"disk\":{\"size\":\"64MiB\",\"read_errors\":[8]}},"
          "{}],\"events\":[{\"at\":\"10ms\",\"spawn\":{\"node\":1,\"program\":\"walk\",\"args\":[\"/n0/\"]}}]}",
          f);
    fclose(f);
    cr_assert_eq(run(RUNS "/readerr.json", "readerr", ""), 0);
    char *lines = lines_with("readerr", "walk");
    cr_expect_str_eq(lines, "walk: /n0/: no storage on that node (-28)\n");
    free(lines);
    char *trace = read_file(RUNS "/readerr/trace.jsonl", NULL);
    cr_assert_not_null(trace);
    /* Sector 8 is the first of store block 1, the second superblock. */
    cr_expect_not_null(strstr(trace, "\"ev\":\"store_error\",\"what\":\"mount\",\"error\":-29,"
                                     "\"message\":\"disk error\",\"block\":1}"),
                       "the mount's error names the disk error and the block");
    free(trace);
}

/* Writes without an fsync are committed by the periodic commit
 * (STOCK_COMMIT_PERIOD_NS, 100 ms after the first change): a crash after
 * it keeps them, a crash before it leaves the store as it was. */
static void write_then_crash(const char *name, const char *crash_at)
{
    char path[512], events[512];
    snprintf(path, sizeof path, "rm -f " RUNS "/%s-n0.img " RUNS "/%s-n1.img", name, name);
    (void)system("mkdir -p " RUNS);
    (void)system(path);
    snprintf(events, sizeof events,
             "{\"at\":\"10ms\",\"spawn\":{\"node\":0,\"program\":\"filemover\",\"args\":[\"/f\",\"0\"]}},"
             "{\"at\":\"%s\",\"crash\":{\"node\":0}}",
             crash_at);
    write_scenario(name, events);
    snprintf(path, sizeof path, RUNS "/%s.json", name);
    cr_assert_eq(run(path, name, ""), 0);
    char *lines = lines_with(name, "filemover");
    cr_expect_str_eq(lines, "filemover: on node 0, read: before the move|after the move|\n");
    free(lines);
}

Test(stock_run, writes_without_fsync_are_durable_after_the_periodic_commit)
{
    write_then_crash("periodic", "150ms");
    sh(NIMBUS_BINARY_DIR "/nimbus fs cat " RUNS "/periodic-n0.img /f > " RUNS "/periodic.txt");
    char *text = read_file(RUNS "/periodic.txt", NULL);
    cr_assert_not_null(text);
    cr_expect_str_eq(text, "before the move\nafter the move\n");
    free(text);
    /* The commit that kept them answered nobody: no fsync asked for it. */
    char *trace = read_file(RUNS "/periodic/trace.jsonl", NULL);
    cr_assert_not_null(trace);
    const char *commit = strstr(trace, "\"ev\":\"store_commit\",\"seq\":3,");
    cr_assert_not_null(commit, "no commit after the format's two");
    cr_expect_not_null(strstr(commit, "\"requests\":0,"), "%.120s", commit);
    const char *line = commit;
    while (line > trace && line[-1] != '\n')
        line--;
    cr_assert_eq(strncmp(line, "{\"t\":", 5), 0, "%.40s", line);
    long long t = strtoll(line + 5, NULL, 10);
    cr_expect(t >= 110000000 && t < 120000000, "the periodic commit ended at %lld ns", t);
    free(trace);
}

Test(stock_run, writes_without_fsync_before_the_periodic_commit_are_not_there)
{
    write_then_crash("early", "60ms");
    cr_expect_neq(system(NIMBUS_BINARY_DIR "/nimbus fs cat " RUNS "/early-n0.img /f > " RUNS "/early.txt 2>&1"), 0);
    char *text = read_file(RUNS "/early.txt", NULL);
    cr_assert_not_null(text);
    cr_expect_not_null(strstr(text, "early-n0.img: /f: no such file, directory or key (STORE_E_NOT_FOUND)\n"), "%s", text);
    free(text);
}
