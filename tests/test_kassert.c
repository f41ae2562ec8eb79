/*
 * test_kassert.c - KASSERT: a deliberately broken kernel invariant is
 * caught and reported through the HAL (the fake HAL records it), and the
 * simulator's report of a failed assertion names the seed, node, time,
 * event and the command that reproduces the run, exits with status 2 and
 * leaves the outputs written up to that point.
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/ipc.h"
#include "core/kalloc.h"
#include "core/kernel_priv.h"
#include "core/proc.h"
#include "hal-sim/scenario.h"
#include "hal-sim/sim.h"
#include "kernel_harness.h"
#include "run_util.h"

/* Run `corrupt` then `trip` on node 0 of a fresh harness; true when a
 * KASSERT stopped `trip` (the harness is then left as it is: corrupt). */
static bool trips(struct harness *h, void (*trip)(struct kernel *k, void *arg), void *arg)
{
    jmp_buf jump;
    h->hal[0].assert_jump = &jump;
    if (setjmp(jump) != 0)
        return true;
    trip(h->k[0], arg);
    return false;
}

static void deliver_one(struct kernel *k, void *arg)
{
    uint32_t pid = *(uint32_t *)arg;
    uint8_t msg[4] = {1, 2, 3, 4};
    ipc_deliver_local(k, ABI_KERNEL_PID(0), pid, msg, sizeof msg);
}

Test(kassert, corrupt_mailbox_is_caught_in_ipc)
{
    struct harness h;
    harness_init(&h, 1);
    const char *argv[] = {"1000"};
    int64_t pid = harness_spawn(&h, 0, "sleeper", argv, 1);
    cr_assert_gt(pid, 0);
    struct proc *p = proc_find(h.k[0], (uint32_t)pid);
    cr_assert_not_null(p);
    p->mailbox_head = MAILBOX_CAPACITY + 3; /* out of its ring */
    uint32_t dst = (uint32_t)pid;
    cr_assert(trips(&h, deliver_one, &dst), "a corrupt mailbox was not caught");
    const struct hal_assert *a = &h.hal[0].last_assert;
    cr_assert_eq(h.hal[0].asserts, 1);
    cr_assert_str_eq(a->file, "core/ipc.c");
    cr_assert_str_eq(a->expr, "p->mailbox_len < MAILBOX_CAPACITY && p->mailbox_head < MAILBOX_CAPACITY");
    cr_assert_eq(a->node, 0);
    cr_assert_gt(a->line, 0);
}

static void free_twice(struct kernel *k, void *arg)
{
    (void)arg;
    void *obj = kalloc(k, 48);
    kfree(k, obj, 48);
    kfree(k, obj, 48);
}

Test(kassert, double_free_is_caught_with_its_message)
{
    struct harness h;
    harness_init(&h, 1);
    cr_assert(trips(&h, free_twice, NULL));
    const struct hal_assert *a = &h.hal[0].last_assert;
    cr_assert_str_eq(a->file, "core/kalloc.c");
    cr_assert_str_eq(a->msg, "object freed twice in a row");
}

static void exit_one(struct kernel *k, void *arg)
{
    proc_discard(k, arg);
}

Test(kassert, process_table_count_is_checked)
{
    struct harness h;
    harness_init(&h, 1);
    const char *argv[] = {"1000"};
    int64_t pid = harness_spawn(&h, 0, "sleeper", argv, 1);
    struct proc *p = proc_find(h.k[0], (uint32_t)pid);
    h.k[0]->proc_count = 0; /* the table says empty, a slot says otherwise */
    cr_assert(trips(&h, exit_one, p));
    cr_assert_str_eq(h.hal[0].last_assert.file, "core/proc.c");
    cr_assert(strstr(h.hal[0].last_assert.expr, "k->proc_count > 0") != NULL);
}

/* ---- the simulator's report ----------------------------------------- */

#define SIM_DIR "test-runs/kassert-sim"

/* In a child: open a run, pretend node 1 failed a KASSERT while handling
 * a frame delivery at 1.5 ms; sim_assert_failed exits. */
static void child_report_assert(void)
{
    static const char text[] =
        "{\"name\": \"kassert\", \"seed\": 7, \"nodes\": [{\"count\": 2}],"
        " \"events\": [{\"at\": \"0s\", \"spawn\": {\"node\": \"all\", \"program\": \"hello\"}}]}";
    static struct scenario scn;
    static struct sim s;
    char err[1024];
    if (freopen(SIM_DIR "/stderr.txt", "w", stderr) == NULL ||
        scenario_parse(text, strlen(text), "kassert.json", &scn, err, sizeof err) < 0)
        _exit(90);
    struct sim_options opt = {.out_dir = SIM_DIR, .seed = 99,
                              .reproduce = "nimbus run kassert.json --seed 99 --set 'nodes[0].count=2'"};
    if (sim_open(&s, &scn, &opt, err, sizeof err) < 0)
        _exit(91);
    s.now = 1500000;
    s.events = 42;
    s.handling = true;
    s.current = (struct sim_event){.time_ns = s.now, .node = 1, .kind = SIM_EV_NET_DELIVER};
    struct hal_assert a = {.file = "core/transport.c", .line = 123, .expr = "s->inflight <= TRANSPORT_WINDOW",
                           .node = 1};
    sim_assert_failed(&s, 1, &a);
}

Test(kassert, simulator_reports_seed_node_time_event_and_reproduce_line)
{
    cr_assert_eq(system("rm -rf " SIM_DIR " && mkdir -p " SIM_DIR), 0);
    fflush(NULL);
    pid_t child = fork();
    if (child == 0)
        child_report_assert();
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 2);
    size_t len;
    char *out = read_file(SIM_DIR "/stderr.txt", &len);
    cr_assert_not_null(out);
    cr_assert(strstr(out, "KASSERT failed on node 1 at core/transport.c:123: s->inflight <= TRANSPORT_WINDOW\n"),
              "%s", out);
    cr_assert(strstr(out, "seed 99, simulated time 1.5ms (1500000 ns), while handling event 42: "
                          "frame delivery to node 1\n"), "%s", out);
    cr_assert(strstr(out, "reproduce with: nimbus run kassert.json --seed 99 --set 'nodes[0].count=2'\n"),
              "%s", out);
    free(out);
    cr_assert_eq(count_trace_events(SIM_DIR, "assert", "expr", "s->inflight <= TRANSPORT_WINDOW"), 1);
    cr_assert_eq(count_trace_events(SIM_DIR, "end", "reason", "assert"), 1);
}
