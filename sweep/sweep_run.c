/*
 * sweep_run.c - see sweep_run.h. The options below must stay those of
 * `nimbus run --quiet --no-progress` (cli/run.c), so that a cell's
 * trace.jsonl, net.pcap and metrics.json are byte-identical to that
 * command's with the same scenario and seed.
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hal-sim/sim.h"

#define ERROR_PREFIX "error: "

/* The child's stdout and stderr become <dir>/run.log. */
static int redirect_output(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, SWEEP_RUN_LOG);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return -1;
    int rc = dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0 ? -1 : 0;
    close(fd);
    return rc;
}

static enum sweep_child_exit cell_run(const struct scenario *scn, uint64_t seed, const char *dir,
                                      const volatile sig_atomic_t *interrupt)
{
    static struct sim s; /* large; keep it off the stack */
    char err[SCN_ERROR_BYTES + SIM_ERROR_BYTES];
    const struct sim_options opt = {
        .out_dir = dir,
        .seed = seed,
        .console_echo = NULL,
        .diagnostics = stderr,
        .progress = false,
        .trace_frame_loss = true,
        .interrupt = interrupt,
    };
    if (sim_open(&s, scn, &opt, err, sizeof err) < 0) {
        fprintf(stderr, ERROR_PREFIX "%s\n", err);
        return SWEEP_CHILD_NO_OUTPUT;
    }
    enum sweep_child_exit status = sim_run(&s) < 0 ? SWEEP_CHILD_RUN_FAILED : SWEEP_CHILD_OK;
    fprintf(stderr, "%s: end %s at %llu ns (seed %llu), %llu events\n", scn->name, sim_end_name(s.end),
            (unsigned long long)s.now, (unsigned long long)seed, (unsigned long long)s.events);
    if (status != SWEEP_CHILD_OK)
        fprintf(stderr, ERROR_PREFIX "run failed: %s\n", s.error);
    if (sim_close(&s, err, sizeof err) < 0) {
        fprintf(stderr, ERROR_PREFIX "%s\n", err);
        status = SWEEP_CHILD_NO_OUTPUT;
    }
    return status;
}

pid_t sweep_run_start(const struct scenario *scn, uint64_t seed, const char *dir,
                      const volatile sig_atomic_t *interrupt)
{
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int status = SWEEP_CHILD_NO_OUTPUT;
    if (redirect_output(dir) == 0)
        status = cell_run(scn, seed, dir, interrupt);
    fflush(NULL);
    _exit(status);
}

/* The last "error: " line of <dir>/run.log, without the prefix. */
static int last_error_line(const char *dir, char *buf, size_t bytes)
{
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, SWEEP_RUN_LOG);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int found = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, ERROR_PREFIX, strlen(ERROR_PREFIX)) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        snprintf(buf, bytes, "%s", line + strlen(ERROR_PREFIX));
        found = 0;
    }
    fclose(f);
    return found;
}

void sweep_run_explain(int wait_status, const char *dir, char *buf, size_t bytes)
{
    if (WIFSIGNALED(wait_status)) {
        snprintf(buf, bytes, "killed by signal %d", WTERMSIG(wait_status));
        return;
    }
    if (last_error_line(dir, buf, bytes) == 0)
        return;
    int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    if (code == SWEEP_CHILD_RUN_FAILED)
        snprintf(buf, bytes, "run failed");
    else if (code == SWEEP_CHILD_NO_OUTPUT)
        snprintf(buf, bytes, "its outputs could not be written");
    else
        snprintf(buf, bytes, "exited with status %d", code);
}
