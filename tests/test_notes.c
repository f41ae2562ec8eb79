/*
 * test_notes.c - when a process moves, the process itself, its parent and
 * its children are told (ABI_NOTE_MOVED), wherever they run.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/abi.h"
#include "kernel_harness.h"

#define MS 1000000ull

static struct harness h;

static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(notes, .fini = teardown);

static void expect_line(const char *line)
{
    cr_expect_not_null(strstr(h.hal[0].console, line), "missing \"%s\" in:\n%s", line, h.hal[0].console);
}

Test(notes, the_mover_its_parent_and_its_children_are_told)
{
    harness_init(&h, 2);
    const char *argv[] = {"2", "child"};
    cr_assert_eq(harness_spawn(&h, 0, "watcher", argv, 2), ABI_PID(0, 1));
    harness_run(&h, 5 * MS); /* the parent has spawned n0.2 */
    cr_assert_eq(kernel_migrate(h.k[0], ABI_PID(0, 2), 1), 0, "move the child");
    harness_run(&h, 20 * MS);
    cr_assert_eq(kernel_migrate(h.k[0], ABI_PID(0, 1), 1), 0, "move the parent");
    cr_assert(harness_run(&h, 60000 * MS), "both watchers heard two notes and exited");
    /* Both were born on node 0, so both consoles are node 0's. */
    expect_line("n0.2 heard: n0.2 moved 0 -> 1\n"); /* the mover */
    expect_line("n0.1 heard: n0.2 moved 0 -> 1\n"); /* its parent */
    expect_line("n0.1 heard: n0.1 moved 0 -> 1\n"); /* the mover */
    expect_line("n0.2 heard: n0.1 moved 0 -> 1\n"); /* its child, on another node by now */
    cr_expect_null(strstr(h.hal[0].console, "timeout"), "%s", h.hal[0].console);
}
