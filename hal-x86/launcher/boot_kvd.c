/* boot_kvd.c - see boot_kvd.h. */
#define _GNU_SOURCE /* readlink's companions in older headers */
#include "boot_kvd.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot_env.h"
#include "boot_qemu.h"
#include "boot_state.h"

#define BOOT_KVD_POLL_MS 20u

/* Its "up" line: "nimbus kvd: node N of M up: ...". */
static bool boot_kvd_is_up_line(const char *line)
{
    return strncmp(line, "nimbus kvd: node ", 17) == 0 && strstr(line, " up: ") != NULL;
}

/* The last line of kvd's log into buf ("" when there is none); true if
 * one of its lines was the up line. */
static bool boot_kvd_last_line(const struct boot_kvd *kvd, char *buf, size_t bytes)
{
    char line[1024];
    bool up = false;
    buf[0] = '\0';
    FILE *f = fopen(kvd->log_path, "r");
    if (f == NULL)
        return false;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0')
            snprintf(buf, bytes, "%s", line);
        up = up || boot_kvd_is_up_line(line);
    }
    fclose(f);
    return up;
}

static void boot_kvd_describe_exit(struct boot_state *st, const char *when)
{
    char how[160], last[1024];
    boot_qemu_describe_exit(st->kvd.proc.status, how, sizeof how);
    boot_kvd_last_line(&st->kvd, last, sizeof last);
    boot_warn("nimbus kvd (node %u) %s %s; it said: %s (%s)", boot_args_kvd_node(st->opt), when,
              strstr(how, "exited with status") == how ? how + strlen("exited with ") : how,
              last[0] != '\0' ? last : "nothing", st->kvd.log_path);
    st->kvd.gone = true;
}

/* Wait until kvd's log says it is up, or it exits, or time runs out. */
static int boot_kvd_wait_up(struct boot_state *st)
{
    char last[1024];
    uint64_t deadline = boot_now_ms() + BOOT_KVD_UP_MS;
    for (;;) {
        if (boot_kvd_last_line(&st->kvd, last, sizeof last) && boot_kvd_is_up_line(last)) {
            boot_say("kvd %s", last + strlen("nimbus kvd: "));
            return 0;
        }
        if (boot_proc_reap(&st->kvd.proc)) {
            boot_kvd_describe_exit(st, "did not start:");
            return -1;
        }
        if (boot_now_ms() >= deadline) {
            boot_warn("nimbus kvd did not say it was up within %u ms (%s)", BOOT_KVD_UP_MS, st->kvd.log_path);
            return -1;
        }
        nanosleep(&(struct timespec){0, BOOT_KVD_POLL_MS * 1000000L}, NULL);
    }
}

int boot_kvd_start(struct boot_state *st)
{
    char exe[PATH_MAX], node[16], nodes[16], err[BOOT_ERROR_BYTES];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0 || (size_t)n >= sizeof exe - 1) {
        boot_warn("cannot find nimbus itself (/proc/self/exe) to start nimbus kvd");
        return -1;
    }
    exe[n] = '\0';
    snprintf(node, sizeof node, "%u", boot_args_kvd_node(st->opt));
    snprintf(nodes, sizeof nodes, "%u", boot_args_cluster_nodes(st->opt));
    char *argv[] = {exe,          "kvd",   "--db",          (char *)st->opt->kvd_dir, "--node",
                    node,         "--nodes", nodes,         "--port",                 st->kvd.sock,
                    "--peer",     st->kvd.lan_sock, NULL};
    if (boot_proc_start(&st->kvd.proc, argv, st->kvd.log_path, &st->wait_mask, err, sizeof err) < 0) {
        boot_warn("nimbus kvd: %s", err);
        return -1;
    }
    return boot_kvd_wait_up(st);
}

void boot_kvd_reap(struct boot_state *st)
{
    if (st->opt->kvd_dir == NULL || st->kvd.gone || !boot_proc_reap(&st->kvd.proc))
        return;
    boot_kvd_describe_exit(st, "stopped during the run:");
}

void boot_kvd_stop(struct boot_state *st)
{
    if (st->opt->kvd_dir == NULL || st->kvd.gone)
        return;
    bool running = st->kvd.proc.pid != 0;
    uint32_t killed = boot_proc_stop_all(&st->kvd.proc, 1);
    char last[1024];
    boot_kvd_last_line(&st->kvd, last, sizeof last);
    if (killed > 0)
        boot_warn("nimbus kvd did not stop within %u ms of SIGTERM and was killed", BOOT_STOP_GRACE_MS);
    else if (running && !(WIFEXITED(st->kvd.proc.status) && WEXITSTATUS(st->kvd.proc.status) == 0))
        boot_kvd_describe_exit(st, "failed as it stopped:");
    else if (running && strncmp(last, "nimbus kvd: ", 12) == 0)
        boot_say("kvd %s", last + strlen("nimbus kvd: "));
}
