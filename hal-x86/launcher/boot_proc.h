/*
 * boot_proc.h - the QEMU child processes: start, reap, stop.
 *
 * A child runs in its own process group, so a Ctrl-C on the terminal
 * reaches nimbus only and nimbus decides how the nodes stop; and it gets
 * SIGTERM if nimbus dies without stopping it (Linux's parent-death
 * signal), so no QEMU outlives its launcher. Its stdin is /dev/null, its
 * stdout and stderr go to a log file.
 */
#ifndef HAL_X86_HOST_BOOT_PROC_H
#define HAL_X86_HOST_BOOT_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BOOT_STOP_GRACE_MS 5000u /* SIGTERM, then this long before SIGKILL */

struct boot_proc {
    pid_t pid;  /* 0: not running (never started, or reaped) */
    int status; /* the wait status once reaped */
    bool exited;
};

/* Start argv[0] (a path) with `mask` as its signal mask. 0, or -1 with the
 * reason in err (the log file could not be opened, or fork failed). A
 * failing exec is reported in the log and by exit status 127. */
int boot_proc_start(struct boot_proc *p, char *const argv[], const char *log_path, const sigset_t *mask,
                    char *err, size_t err_bytes);

/* Reap p if it has exited; true if it did (now or earlier). */
bool boot_proc_reap(struct boot_proc *p);

/* Stop every running process: SIGTERM, up to BOOT_STOP_GRACE_MS for them
 * to exit, then SIGKILL. Returns how many had to be killed. */
uint32_t boot_proc_stop_all(struct boot_proc *procs, uint32_t count);

#endif
