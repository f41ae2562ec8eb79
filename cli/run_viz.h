/*
 * run_viz.h - the live window of `nimbus run --viz` as run.c sees it:
 * run_viz.c over the visualizer (viz/viz_live.h), or, in a build without
 * the visualizer (NIMBUS_BUILD_VIZ=OFF), absent/viz.c, which says so.
 */
#ifndef CLI_RUN_VIZ_H
#define CLI_RUN_VIZ_H

#include <stdbool.h>
#include <sys/types.h>

/* 0 when this nimbus can show a live window; else CLI_EXIT_USAGE after
 * one line saying how to build one that can. Asked before the run. */
int run_viz_available(void);

/* As viz_live_start and viz_live_finish (viz/viz_live.h). */
int run_viz_start(bool quit_at_end, const char *shot, pid_t *child);
void run_viz_finish(int fd, pid_t child);

#endif
