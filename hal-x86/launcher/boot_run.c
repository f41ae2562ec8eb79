/*
 * boot_run.c - see boot_run.h. The loop waits in ppoll with SIGINT,
 * SIGTERM and SIGCHLD unblocked only there, so a signal is never lost
 * between a check and the wait.
 */
#define _GNU_SOURCE /* ppoll */
#include "boot_run.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_edit.h"
#include "boot_env.h"
#include "boot_qemu.h"
#include "boot_state.h"

#define BOOT_QEMU_LOG_TAIL_LINES 12u

static volatile sig_atomic_t boot_signal; /* SIGINT or SIGTERM once caught */

static void boot_on_signal(int sig)
{
    if (sig != SIGCHLD) /* SIGCHLD only has to end the wait */
        boot_signal = sig;
}

/* ---- what the nodes say ---- */

static void boot_on_ready(struct boot_state *st, uint32_t i, const struct boot_notice *n)
{
    if (n->node != i || n->nodes != boot_args_cluster_nodes(st->opt)) {
        boot_warn("node %u says it is node %u of %u: its kernel command line did not reach it%s", i, n->node,
                  n->nodes,
                  st->opt->method == BOOT_METHOD_ISO
                      ? " (with --iso the ISO's grub.cfg must take it from the "
                        "SMBIOS OEM string, docs/x86.md)"
                      : "");
        boot_fail(st, BOOT_EXIT_FAILED);
        return;
    }
    uint64_t ms = boot_now_ms() - st->node[i].started_ms;
    boot_say("node %u ready %llu.%03llu s after its QEMU started: ip %s, mac %s", i,
             (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000), n->ip, n->mac);
}

static void boot_on_line(void *ctx, uint32_t i, const char *line, bool complete)
{
    struct boot_state *st = ctx;
    struct boot_notice n;
    enum boot_notice_kind kind = boot_script_line(&st->script, i, line, complete, boot_now_ms(), &n);
    if (kind == BOOT_NOTICE_READY)
        boot_on_ready(st, i, &n);
}

/* Show the last lines of a node's QEMU log (its stderr). */
static void boot_show_qemu_log(const struct boot_node *n)
{
    char lines[BOOT_QEMU_LOG_TAIL_LINES][512];
    uint32_t count = 0;
    FILE *f = fopen(n->qemu_log_path, "r");
    if (f == NULL)
        return;
    while (fgets(lines[count % BOOT_QEMU_LOG_TAIL_LINES], sizeof lines[0], f) != NULL)
        count++;
    fclose(f);
    if (count == 0) {
        fprintf(stderr, "  (QEMU wrote nothing to %s)\n", n->qemu_log_path);
        return;
    }
    fprintf(stderr, "  the end of %s:\n", n->qemu_log_path);
    uint32_t first = count > BOOT_QEMU_LOG_TAIL_LINES ? count - BOOT_QEMU_LOG_TAIL_LINES : 0;
    for (uint32_t k = first; k < count; k++)
        fprintf(stderr, "  | %s", lines[k % BOOT_QEMU_LOG_TAIL_LINES]);
    fputc('\n', stderr);
}

/* Node i's QEMU has exited: expected after its idle notice, a failure
 * otherwise. Its console is read to the end first. */
static void boot_on_exit(struct boot_state *st, uint32_t i)
{
    struct boot_node *n = &st->node[i];
    char how[160];
    if (n->console.fd >= 0)
        boot_console_read(&n->console, boot_on_line, st, boot_now_ms(), stdout);
    boot_qemu_describe_exit(st->proc[i].status, how, sizeof how);
    const struct boot_script_node *sn = &st->script.node[i];
    if (sn->idle && !sn->panicked) {
        n->ended = true;
        /* exit=idle ends QEMU with the idle notice's status, 0 as 1. */
        if (boot_qemu_guest_status(st->proc[i].status) == sn->idle_status)
            boot_say("node %u is idle and its QEMU ended as exit=idle asks (status %d)", i, sn->idle_status);
        else
            boot_say("node %u is idle and its QEMU %s", i, how);
        return;
    }
    if (sn->panicked)
        boot_warn("node %u panicked (registers and backtrace above, and in %s); its QEMU %s", i, n->log_path,
                  how);
    else {
        boot_warn("node %u's QEMU %s", i, how);
        boot_show_qemu_log(n);
    }
    boot_fail(st, BOOT_EXIT_FAILED);
}

static void boot_reap(struct boot_state *st)
{
    bool all_ended = true;
    for (uint32_t i = 0; i < st->opt->nodes; i++) {
        struct boot_proc *p = &st->proc[i];
        if (p->pid != 0 && boot_proc_reap(p))
            boot_on_exit(st, i);
        all_ended = all_ended && st->node[i].ended;
    }
    if (all_ended && st->outcome == BOOT_RUNNING && !boot_script_done(&st->script)) {
        boot_warn("every node has stopped, and this did not happen:");
        boot_script_print_unmet(&st->script, stderr);
        boot_fail(st, BOOT_EXIT_FAILED);
    }
}

static void boot_send_execs(struct boot_state *st)
{
    const struct boot_node_text *e;
    while ((e = boot_script_next_exec(&st->script, boot_now_ms())) != NULL)
        if (boot_console_send(&st->node[e->node].console, e->text, boot_now_ms()) < 0) {
            boot_warn("cannot type '%s' into node %u's console", e->text, e->node);
            boot_fail(st, BOOT_EXIT_FAILED);
        }
}

/* ---- the loop ---- */

enum boot_fd_kind { FD_LISTEN, FD_CONSOLE, FD_LAN, FD_STDIN };

struct boot_fd_owner {
    enum boot_fd_kind kind;
    uint32_t node;
};

static uint32_t boot_poll_set(struct boot_state *st, struct pollfd *fds, struct boot_fd_owner *owner,
                              uint64_t now)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < st->opt->nodes; i++) {
        const struct boot_console *c = &st->node[i].console;
        if (c->listen_fd >= 0 || c->fd >= 0) {
            fds[count] = (struct pollfd){.fd = c->fd >= 0 ? c->fd : c->listen_fd, .events = POLLIN};
            owner[count++] = (struct boot_fd_owner){c->fd >= 0 ? FD_CONSOLE : FD_LISTEN, i};
        }
    }
    for (uint32_t i = 0; i < st->lan.ports; i++) {
        fds[count] = (struct pollfd){.fd = st->lan.fd[i], .events = boot_lan_events(&st->lan, i, now)};
        owner[count++] = (struct boot_fd_owner){FD_LAN, i};
    }
    if (st->stdin_open) {
        fds[count] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        owner[count++] = (struct boot_fd_owner){FD_STDIN, 0};
    }
    return count;
}

static void boot_handle_fd(struct boot_state *st, const struct boot_fd_owner *o, short revents, uint64_t now)
{
    struct boot_console *c = &st->node[o->node].console;
    switch (o->kind) {
    case FD_LISTEN: boot_console_accept(c); break;
    case FD_CONSOLE: boot_console_read(c, boot_on_line, st, now, stdout); break;
    case FD_LAN: boot_lan_handle(&st->lan, o->node, revents, now); break;
    case FD_STDIN: boot_input_read(st); break;
    }
}

/* The sooner of two waits in ms, -1 meaning none. */
static int64_t boot_sooner(int64_t a, int64_t b)
{
    return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* Show waiting partial lines; the ms until the next thing is due, -1 for
 * nothing. */
static int64_t boot_timers(struct boot_state *st, uint64_t now)
{
    int64_t wait = -1;
    for (uint32_t i = 0; i < st->opt->nodes; i++)
        wait = boot_sooner(wait, boot_console_show_partial(&st->node[i].console, now, stdout));
    wait = boot_sooner(wait, boot_script_exec_wait_ms(&st->script, now));
    wait = boot_sooner(wait, boot_lan_wait_ms(&st->lan, now));
    if (st->opt->timeout_s > 0) {
        uint64_t deadline = st->begin_ms + (uint64_t)st->opt->timeout_s * 1000u;
        wait = boot_sooner(wait, now >= deadline ? 0 : (int64_t)(deadline - now));
    }
    return wait;
}

static void boot_say_done(const struct boot_options *o)
{
    const char *parts[3];
    uint32_t n = 0;
    if (o->exec_count > 0)
        parts[n++] = "every --exec answered";
    if (o->expect_count > 0)
        parts[n++] = "every --expect seen";
    if (o->until_idle)
        parts[n++] = "every node with processes idle";
    boot_say("done: %s%s%s%s%s", parts[0], n > 1 ? ", " : "", n > 1 ? parts[1] : "", n > 2 ? ", " : "",
             n > 2 ? parts[2] : "");
}

/* True once the lines that met the script are on the screen in full: a
 * text can be seen before its line has ended. */
static bool boot_consoles_settled(const struct boot_state *st)
{
    for (uint32_t i = 0; i < st->opt->nodes; i++)
        if (!boot_console_settled(&st->node[i].console))
            return false;
    return true;
}

static void boot_check_end(struct boot_state *st, uint64_t now)
{
    if (st->outcome != BOOT_RUNNING)
        return;
    if (boot_script_done(&st->script) && boot_consoles_settled(st)) {
        for (uint32_t i = 0; st->opt->until_idle && i < st->opt->nodes; i++)
            if (st->script.node[i].idle_status != 0) {
                boot_warn("node %u: not every process exited with status 0 (idle status %d)", i,
                          st->script.node[i].idle_status);
                boot_fail(st, BOOT_EXIT_FAILED);
            }
        if (st->outcome == BOOT_RUNNING)
            boot_say_done(st->opt);
        boot_fail(st, BOOT_EXIT_OK);
    } else if (st->opt->timeout_s > 0 && now >= st->begin_ms + (uint64_t)st->opt->timeout_s * 1000u) {
        boot_warn("timeout: %u s passed, and this did not happen:", st->opt->timeout_s);
        boot_script_print_unmet(&st->script, stderr);
        boot_fail(st, BOOT_EXIT_TIMEOUT);
    }
}

static void boot_loop(struct boot_state *st)
{
    struct pollfd fds[2 * BOOT_MAX_NODES + 1];
    struct boot_fd_owner owner[2 * BOOT_MAX_NODES + 1];
    for (;;) {
        uint64_t now = boot_now_ms();
        int64_t wait_ms = boot_timers(st, now);
        boot_check_end(st, now);
        if (st->outcome != BOOT_RUNNING)
            return;
        struct timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
        uint32_t count = boot_poll_set(st, fds, owner, now);
        boot_edit_show(); /* the line being typed, back under what was shown */
        fflush(stdout);   /* everything shown so far, before waiting */
        int ready = ppoll(fds, count, wait_ms >= 0 ? &ts : NULL, &st->wait_mask);
        if (boot_signal != 0) {
            boot_say("%s: stopping every node", boot_signal == SIGINT ? "interrupted" : "terminated");
            boot_fail(st, boot_signal == SIGINT ? BOOT_EXIT_SIGINT : BOOT_EXIT_SIGTERM);
            return;
        }
        now = boot_now_ms();
        for (uint32_t k = 0; ready > 0 && k < count; k++)
            if (fds[k].revents != 0)
                boot_handle_fd(st, &owner[k], fds[k].revents, now);
        boot_reap(st);
        boot_kvd_reap(st);
        boot_send_execs(st);
    }
}

/* ---- starting and ending ---- */

static void boot_print_start(const struct boot_state *st)
{
    const struct boot_options *o = st->opt;
    boot_say("%u node%s, each in %s (TCG, %u MiB%s)", o->nodes, o->nodes == 1 ? "" : "s", st->setup->qemu,
             o->memory_mib, o->display ? ", a window each" : ", no display");
    boot_say("image %s, %s", st->setup->image,
             o->method == BOOT_METHOD_ISO ? "booted from an emulated CD (SeaBIOS, GRUB)"
                                          : "loaded with -kernel (qboot)");
    boot_say("LAN: nimbus's own switch, unix datagram sockets in %s", st->temp_dir);
    if (o->kvd_dir != NULL)
        boot_say("key-value back end: nimbus kvd as node %u (the nodes' kv=%u), LMDB store %s, its output in "
                 "%s/" BOOT_KVD_LOG,
                 boot_args_kvd_node(o), boot_args_kvd_node(o), o->kvd_dir, st->setup->out_dir);
    boot_say("outputs in %s: node<i>.log (console), node<i>.pcap (frames), node<i>.qemu.log (QEMU's "
             "messages), " BOOT_COMMANDS_FILE "%s",
             st->setup->out_dir, o->disk_mib > 0 ? ", node<i>.disk" : "");
    if (st->stdin_open && isatty(STDIN_FILENO))
        boot_say(
            "type '<node>: <command>' or '*: <command>' for the nodes' shells ('help' lists the commands); "
            "Ctrl-C stops every node");
    else
        boot_say("Ctrl-C or SIGTERM stops every node");
    fflush(stdout);
}

static void boot_finish(struct boot_state *st)
{
    boot_edit_end();
    uint32_t killed = boot_proc_stop_all(st->proc, st->opt->nodes);
    boot_kvd_stop(st); /* after the nodes: their last calls are answered */
    for (uint32_t i = 0; i < st->opt->nodes; i++) {
        struct boot_console *c = &st->node[i].console;
        if (c->fd >= 0) /* what the node said before it stopped */
            boot_console_read(c, boot_on_line, st, boot_now_ms(), stdout);
        if (boot_console_close(c, stdout) < 0) {
            boot_warn("could not write all of %s", st->node[i].log_path);
            boot_fail(st, BOOT_EXIT_FAILED);
        }
    }
    boot_lan_close(&st->lan);
    char lan[160];
    boot_lan_describe(&st->lan, lan, sizeof lan);
    if (st->temp_dir[0] != '\0')
        boot_env_remove_temp(st->temp_dir);
    if (killed > 0)
        boot_warn("%u QEMU%s did not stop within %u ms of SIGTERM and were killed", killed,
                  killed == 1 ? "" : "s", BOOT_STOP_GRACE_MS);
    boot_say("stopped %u node%s; LAN: %s; outputs in %s", st->opt->nodes, st->opt->nodes == 1 ? "" : "s", lan,
             st->setup->out_dir);
    fflush(stdout);
}

int boot_run(const struct boot_setup *setup)
{
    struct boot_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        boot_warn("out of memory");
        return BOOT_EXIT_FAILED;
    }
    st->setup = setup;
    st->opt = setup->opt;
    st->outcome = BOOT_RUNNING;
    for (uint32_t i = 0; i < BOOT_MAX_NODES; i++) {
        st->node[i].console = (struct boot_console){.listen_fd = -1, .fd = -1};
        st->lan.fd[i] = -1;
    }
    boot_script_init(&st->script, st->opt);
    st->stdin_open = boot_input_usable();

    struct sigaction sa = {.sa_handler = boot_on_signal}, old_int, old_term, old_chld, old_pipe;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &st->wait_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGCHLD, &sa, &old_chld);
    sigaction(SIGPIPE, &(struct sigaction){.sa_handler = SIG_IGN}, &old_pipe);
    boot_signal = 0;

    if (boot_prepare(st) < 0)
        boot_fail(st, BOOT_EXIT_FAILED);
    else {
        boot_print_start(st);
        if (st->stdin_open)
            boot_edit_start();
        st->begin_ms = boot_now_ms();
        if (boot_start_nodes(st) < 0)
            boot_fail(st, BOOT_EXIT_FAILED);
        boot_loop(st);
    }
    boot_finish(st);

    /* A signal that came while the nodes stopped meets the handler, not
     * the default action, once unblocked. */
    sigprocmask(SIG_SETMASK, &st->wait_mask, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    int outcome = st->outcome;
    free(st);
    return outcome;
}
