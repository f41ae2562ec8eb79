/* boot_proc.c - see boot_proc.h. */
#define _GNU_SOURCE /* O_CLOEXEC in older headers, prctl */
#include "boot_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot_env.h"

#define BOOT_STOP_POLL_MS 20u

/* In the child, between fork and exec. */
static void boot_proc_child(char *const argv[], int log_fd, pid_t parent, const sigset_t *mask)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) /* nimbus died before the line above */
        _exit(127);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
        dup2(log_fd, STDERR_FILENO) < 0)
        _exit(127);
    /* Dispositions before the mask: a signal unblocked below must not
     * run nimbus's handler in this process. */
    static const int reset[] = {SIGINT, SIGTERM, SIGCHLD, SIGPIPE};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        signal(reset[i], SIG_DFL);
    sigprocmask(SIG_SETMASK, mask, NULL);
    execv(argv[0], argv);
    dprintf(STDERR_FILENO, "nimbus boot: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int boot_proc_start(struct boot_proc *p, char *const argv[], const char *log_path, const sigset_t *mask,
                    char *err, size_t err_bytes)
{
    *p = (struct boot_proc){0};
    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        snprintf(err, err_bytes, "cannot write %s: %s", log_path, strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        boot_proc_child(argv, log_fd, parent, mask);
    close(log_fd);
    if (pid < 0) {
        snprintf(err, err_bytes, "cannot start %s: %s", argv[0], strerror(errno));
        return -1;
    }
    setpgid(pid, pid); /* as the child does: whichever runs first wins */
    p->pid = pid;
    return 0;
}

bool boot_proc_reap(struct boot_proc *p)
{
    if (p->pid == 0)
        return p->exited;
    int status = 0;
    pid_t r = waitpid(p->pid, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR))
        return false;
    p->status = r > 0 ? status : 0;
    p->exited = true;
    p->pid = 0;
    return true;
}

/* Reap what has exited; true if anything is still running. */
static bool boot_proc_any_running(struct boot_proc *procs, uint32_t count)
{
    bool running = false;
    for (uint32_t i = 0; i < count; i++)
        if (procs[i].pid != 0 && !boot_proc_reap(&procs[i]))
            running = true;
    return running;
}

uint32_t boot_proc_stop_all(struct boot_proc *procs, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        if (procs[i].pid != 0)
            kill(procs[i].pid, SIGTERM);
    uint64_t deadline = boot_now_ms() + BOOT_STOP_GRACE_MS;
    while (boot_proc_any_running(procs, count) && boot_now_ms() < deadline)
        nanosleep(&(struct timespec){0, BOOT_STOP_POLL_MS * 1000000L}, NULL);
    uint32_t killed = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (procs[i].pid == 0)
            continue;
        kill(procs[i].pid, SIGKILL);
        if (waitpid(procs[i].pid, &procs[i].status, 0) < 0)
            procs[i].status = 0;
        procs[i].pid = 0;
        procs[i].exited = true;
        killed++;
    }
    return killed;
}
