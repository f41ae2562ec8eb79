/*
 * viz_show.h - the visualizer's one entry for a finished run: read the
 * trace at o->run_path, then write o->screenshot without a window, or
 * open the window (docs/viz.md). Problems are printed as
 * "nimbus viz: <file>:<line>: <reason>".
 */
#ifndef VIZ_VIZ_SHOW_H
#define VIZ_VIZ_SHOW_H

#include "viz_options.h"

enum { VIZ_EXIT_OK = 0, VIZ_EXIT_INPUT = 1, VIZ_EXIT_DISPLAY = 2 };

/* o->at_ns past the run's end shows the end. Returns the exit status:
 * VIZ_EXIT_INPUT when the run cannot be read or --select names nothing,
 * VIZ_EXIT_DISPLAY when nothing could be shown. */
int viz_show(struct viz_options *o);

#endif
