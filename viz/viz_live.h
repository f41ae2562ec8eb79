/* viz_live.h - the live view `nimbus run --viz` starts (viz_live.c): a
 * window fed the trace through a pipe while the simulation runs. */
#ifndef VIZ_VIZ_LIVE_H
#define VIZ_VIZ_LIVE_H

#include <stdbool.h>
#include <sys/types.h>

/* Show a run as its trace arrives on `fd` (a pipe from the simulator)
 * until the window is closed: the exit status. `quit_at_end` closes the
 * window once the trace has ended; `shot` (may be NULL) saves the last
 * frame as a PNG. */
int viz_live_main(int fd, bool quit_at_end, const char *shot);

/* For `nimbus run --viz`: start the live view in a child process (SDL
 * wants its own main thread; the simulation stays untouched) and return
 * the pipe to write the trace into, or -1 (message printed) when it
 * could not start: the run then goes on without it. SIGPIPE is ignored
 * from then on, so closing the window does not stop the run. */
int viz_live_start(bool quit_at_end, const char *shot, pid_t *child);
/* The trace is complete: close the pipe and wait for the window to be
 * closed. Does nothing for fd -1. */
void viz_live_finish(int fd, pid_t child);

#endif
