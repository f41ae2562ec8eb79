/*
 * viz_live.c - the live view: the simulator writes its trace lines to a
 * pipe as well as to trace.jsonl; the window reads whatever has arrived
 * before each frame, without blocking, and follows the newest time.
 * After a bad line the rest is still read (so the simulator never
 * blocks on a full pipe) but dropped.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "viz_app.h"
#include "viz_live.h"

#define READ_BYTES (64u * 1024u)
#define READ_BUDGET_BYTES (8u * 1024u * 1024u) /* per frame, to keep drawing */

static void took_start(struct viz_app *a)
{
    struct viz_scene *s = &a->scene;
    s->view.layout = viz_view_default_layout(a->run);
    viz_scene_regions(s, s->w, s->h);
    char title[VIZ_NAME_BYTES + 32];
    snprintf(title, sizeof title, "nimbus: %s (live)", a->run->scenario);
    SDL_SetWindowTitle(a->win, title);
}

static void took_eof(struct viz_app *a)
{
    a->live_eof = true;
    if (!a->live_broken && viz_run_feed_end(a->run) < 0)
        a->live_broken = true;
    if (a->live_broken)
        return;
    snprintf(a->scene.notice, sizeof a->scene.notice, "%s",
             a->run->ended ? "run finished" : "stream ended without an end line");
}

void viz_live_poll(struct viz_app *a)
{
    if (a->live_fd < 0 || a->live_eof)
        return;
    static char buf[READ_BYTES];
    bool was_started = a->run->started;
    for (size_t total = 0; total < READ_BUDGET_BYTES;) {
        ssize_t n = read(a->live_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break; /* EAGAIN: nothing more for now */
        if (n == 0) {
            took_eof(a);
            break;
        }
        total += (size_t)n;
        if (!a->live_broken && viz_run_feed(a->run, buf, (size_t)n) < 0) {
            a->live_broken = true;
            fprintf(stderr, "nimbus viz: %s\n", a->run->error);
            snprintf(a->scene.notice, sizeof a->scene.notice, "bad trace line: see the terminal");
        }
    }
    if (!was_started && a->run->started)
        took_start(a);
    if (a->live_broken && a->live_eof && a->run->error[0])
        snprintf(a->scene.notice, sizeof a->scene.notice, "bad trace line: see the terminal");
}

int viz_live_main(int fd, bool quit_at_end, const char *shot)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        perror("nimbus viz: live pipe");
        return 2;
    }
    struct viz_options o;
    viz_options_init(&o);
    o.quit_at_end = quit_at_end;
    o.window_shot = shot;
    struct viz_run *run = calloc(1, sizeof *run);
    if (run == NULL)
        return 2;
    viz_run_init(run, "live trace");
    int status = viz_app_run(run, &o, fd);
    if (status == 0 && run->failed)
        status = 1;
    viz_run_free(run);
    free(run);
    return status;
}

int viz_live_start(bool quit_at_end, const char *shot, pid_t *child)
{
    int fds[2];
    if (pipe(fds) < 0) {
        fprintf(stderr, "nimbus run: --viz: %s; running without the live view\n", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    *child = fork();
    if (*child == 0) {
        close(fds[1]);
        _exit(viz_live_main(fds[0], quit_at_end, shot));
    }
    close(fds[0]);
    if (*child < 0) {
        fprintf(stderr, "nimbus run: --viz: %s; running without the live view\n", strerror(errno));
        close(fds[1]);
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);
    return fds[1];
}

void viz_live_finish(int fd, pid_t child)
{
    if (fd < 0)
        return;
    close(fd);
    int st = 0;
    if (waitpid(child, &st, 0) == child && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fprintf(stderr, "nimbus run: the live view failed (see above); the run's files are "
                        "complete\n");
}
