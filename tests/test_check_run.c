/*
 * test_check_run.c - the run invariants (checks/run_check.h): each kind
 * of violation in a small hand-made trace is named with its line and
 * cause, a trace that keeps them has none, and every shipped scenario's
 * run keeps them.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/run_check.h"
#include "run_util.h"

#define START "{\"t\":0,\"ev\":\"start\",\"scenario\":\"x\",\"seed\":1,\"nodes\":3,\"schema\":1}\n"
#define SPAWN(node, pid) "{\"t\":0,\"node\":" #node ",\"ev\":\"spawn\",\"pid\":\"" pid "\",\"parent\":\"n0.0\",\"program\":\"p\"}\n"
#define EXIT(node, pid) "{\"t\":9,\"node\":" #node ",\"ev\":\"exit\",\"pid\":\"" pid "\",\"status\":0}\n"
#define END_ALL "{\"t\":10,\"ev\":\"end\",\"reason\":\"all_exited\",\"events\":1}\n"

/* Check `trace`; the report's text in *report (caller frees). */
static struct run_check_result check(const char *trace, char **report)
{
    FILE *in = fmemopen((void *)trace, strlen(trace), "r");
    size_t len;
    FILE *out = open_memstream(report, &len);
    struct run_check_result r;
    cr_assert_eq(run_check_trace(in, "t.jsonl", out, &r), 0);
    fclose(in);
    fclose(out);
    return r;
}

static void expect_violation(const char *trace, const char *line)
{
    char *report;
    struct run_check_result r = check(trace, &report);
    cr_expect_eq(r.violations, 1, "violations: %llu in:\n%s", (unsigned long long)r.violations, report);
    cr_expect(strstr(report, line) != NULL, "expected \"%s\" in:\n%s", line, report);
    free(report);
}

Test(check_run, a_run_that_keeps_every_invariant_has_no_violation)
{
    char *report;
    struct run_check_result r = check(
        START SPAWN(0, "n0.1") SPAWN(1, "n1.1")
        "{\"t\":1,\"node\":0,\"ev\":\"send\",\"pid\":\"n0.1\",\"dst\":\"n1.1\",\"bytes\":4}\n"
        "{\"t\":2,\"node\":1,\"ev\":\"deliver\",\"pid\":\"n1.1\",\"src\":\"n0.1\",\"bytes\":4}\n"
        "{\"t\":3,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":2}\n"
        "{\"t\":4,\"node\":0,\"ev\":\"migrate_done\",\"pid\":\"n0.1\",\"to\":2,\"bytes\":9,\"freeze_us\":1}\n"
        "{\"t\":5,\"node\":2,\"ev\":\"migrate_install\",\"pid\":\"n0.1\",\"from\":0}\n"
        EXIT(2, "n0.1") "{\"t\":6,\"node\":1,\"ev\":\"crash\"}\n" END_ALL,
        &report);
    cr_expect_eq(r.violations, 0, "%s", report);
    cr_expect_eq(r.processes, 2);
    cr_expect_eq(r.messages_sent, 1);
    free(report);
}

Test(check_run, a_pid_spawned_twice_is_named)
{
    expect_violation(START SPAWN(0, "n0.2") SPAWN(0, "n0.2") EXIT(0, "n0.2") END_ALL,
                     "t.jsonl:3: pid n0.2 spawned again (first spawned at line 2)");
}

Test(check_run, a_pid_born_on_another_node_than_it_names)
{
    expect_violation(START SPAWN(1, "n0.2") EXIT(1, "n0.2") END_ALL,
                     "t.jsonl:2: pid n0.2 spawned on node 1: its pid names node 0");
}

Test(check_run, an_exit_after_an_exit_is_a_second_end)
{
    expect_violation(START SPAWN(0, "n0.1") EXIT(0, "n0.1") EXIT(0, "n0.1") END_ALL,
                     "t.jsonl:4: pid n0.1 ended on node 0 after it was ended (line 3)");
}

Test(check_run, a_process_acting_where_it_does_not_run)
{
    expect_violation(START SPAWN(0, "n0.1")
                     "{\"t\":1,\"node\":1,\"ev\":\"send\",\"pid\":\"n0.1\",\"dst\":\"n0.1\",\"bytes\":4}\n"
                     EXIT(0, "n0.1") END_ALL,
                     "t.jsonl:3: pid n0.1 sent on node 1 but runs on node 0 (since line 2)");
}

Test(check_run, a_process_left_running_at_an_all_exited_end)
{
    expect_violation(START SPAWN(0, "n0.1") END_ALL,
                     "t.jsonl:3: the run ended with every process exited, but pid n0.1 is running (since line 2)");
}

Test(check_run, a_process_handed_over_but_never_installed)
{
    expect_violation(START SPAWN(0, "n0.1")
                     "{\"t\":3,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":2}\n"
                     "{\"t\":4,\"node\":0,\"ev\":\"migrate_done\",\"pid\":\"n0.1\",\"to\":2,\"bytes\":9,\"freeze_us\":1}\n"
                     END_ALL,
                     "t.jsonl:5: the run ended with every process exited, but pid n0.1 is handed over (since line 4)");
}

Test(check_run, an_install_without_a_completed_move)
{
    expect_violation(START SPAWN(0, "n0.1")
                     "{\"t\":3,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":2}\n"
                     "{\"t\":5,\"node\":2,\"ev\":\"migrate_install\",\"pid\":\"n0.1\",\"from\":0}\n"
                     "{\"t\":6,\"node\":0,\"ev\":\"migrate_abort\",\"pid\":\"n0.1\",\"to\":2,\"error\":-10,\"message\":\"x\"}\n"
                     EXIT(0, "n0.1") END_ALL,
                     "t.jsonl:4: pid n0.1 installed on node 2 without a completed move there");
}

Test(check_run, an_abort_after_the_process_ended_changes_nothing)
{
    char *report;
    struct run_check_result r = check(
        START SPAWN(0, "n0.1") "{\"t\":3,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":2}\n"
        EXIT(0, "n0.1")
        "{\"t\":6,\"node\":0,\"ev\":\"migrate_abort\",\"pid\":\"n0.1\",\"to\":2,\"error\":-5,\"message\":\"x\"}\n"
        "{\"t\":7,\"node\":0,\"ev\":\"send\",\"pid\":\"n0.1\",\"dst\":\"n0.1\",\"bytes\":4}\n" END_ALL,
        &report);
    cr_expect_eq(r.violations, 1, "%s", report);
    cr_expect(strstr(report, "t.jsonl:6: pid n0.1 sent on node 0 after it was ended (line 4)") != NULL, "%s",
              report);
    free(report);
}

Test(check_run, a_message_delivered_more_often_than_sent)
{
    expect_violation(START SPAWN(0, "n0.1") SPAWN(1, "n1.1")
                     "{\"t\":1,\"node\":0,\"ev\":\"send\",\"pid\":\"n0.1\",\"dst\":\"n1.1\",\"bytes\":4}\n"
                     "{\"t\":2,\"node\":1,\"ev\":\"deliver\",\"pid\":\"n1.1\",\"src\":\"n0.1\",\"bytes\":4}\n"
                     "{\"t\":3,\"node\":1,\"ev\":\"deliver\",\"pid\":\"n1.1\",\"src\":\"n0.1\",\"bytes\":4}\n"
                     EXIT(0, "n0.1") EXIT(1, "n1.1") END_ALL,
                     "t.jsonl:6: pid n1.1 has been delivered 2 messages from n0.1, which sent only 1");
}

Test(check_run, processes_on_a_crashed_node_are_lost_not_running)
{
    expect_violation(START SPAWN(1, "n1.1") "{\"t\":6,\"node\":1,\"ev\":\"crash\"}\n" EXIT(1, "n1.1") END_ALL,
                     "t.jsonl:4: pid n1.1 ended on node 1 after it was lost (line 3)");
}

Test(check_run, a_trace_without_an_end_and_a_bad_line)
{
    char *report;
    struct run_check_result r = check(START "not json\n", &report);
    cr_expect_eq(r.violations, 2, "%s", report);
    cr_expect(strstr(report, "t.jsonl:2: not a JSON object\n") != NULL, "%s", report);
    cr_expect(strstr(report, "t.jsonl:2: no \"end\" line: the run did not finish\n") != NULL, "%s", report);
    free(report);
}

/* The shipped scenarios that run in seconds even in the sanitizer build:
 * messages, loss, 64 nodes and thousands of moves under traffic. (The
 * balancing experiments take minutes there; swarms check them.) */
Test(check_run, the_quick_shipped_scenarios_keep_the_invariants, .timeout = 300)
{
    static const char *const names[] = {"hello", "pingpong", "lossy-pingpong", "ring-64", "chatty-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "%s/nimbus run %s/scenarios/%s.json --out test-runs/check-run/%s --quiet --no-progress "
                 ">/dev/null && %s/nimbus check-run test-runs/check-run/%s",
                 NIMBUS_BINARY_DIR, NIMBUS_SOURCE_DIR, names[i], names[i], NIMBUS_BINARY_DIR, names[i]);
        cr_expect_eq(system(cmd), 0, "%s", names[i]);
    }
}

Test(check_run, a_copy_dropped_by_its_target_or_handed_to_a_crashed_node_is_lost)
{
    char *report;
    struct run_check_result r = check(
        START SPAWN(0, "n0.1") SPAWN(0, "n0.2")
        "{\"t\":1,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":1}\n"
        "{\"t\":2,\"node\":0,\"ev\":\"migrate_done\",\"pid\":\"n0.1\",\"to\":1,\"bytes\":9,\"freeze_us\":1}\n"
        "{\"t\":3,\"node\":1,\"ev\":\"migrate_drop\",\"pid\":\"n0.1\",\"from\":0}\n"
        "{\"t\":4,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.2\",\"to\":2}\n"
        "{\"t\":5,\"node\":2,\"ev\":\"crash\"}\n"
        "{\"t\":6,\"node\":0,\"ev\":\"migrate_done\",\"pid\":\"n0.2\",\"to\":2,\"bytes\":9,\"freeze_us\":1}\n"
        END_ALL,
        &report);
    cr_expect_eq(r.violations, 0, "%s", report);
    free(report);
}

Test(check_run, a_drop_of_a_copy_not_handed_over_leaves_the_process_at_its_source)
{
    expect_violation(START SPAWN(0, "n0.1")
                     "{\"t\":1,\"node\":0,\"ev\":\"migrate_start\",\"pid\":\"n0.1\",\"to\":1}\n"
                     "{\"t\":3,\"node\":1,\"ev\":\"migrate_drop\",\"pid\":\"n0.1\",\"from\":0}\n"
                     END_ALL,
                     "t.jsonl:5: the run ended with every process exited, but pid n0.1 is moving (since line 3)");
}

