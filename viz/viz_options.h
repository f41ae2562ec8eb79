/*
 * viz_options.h - how `nimbus viz` (and `nimbus run --viz`) was asked to
 * show a run, shared by the command line, the window and screenshots.
 */
#ifndef VIZ_OPTIONS_H
#define VIZ_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "viz_scene.h"

struct viz_options {
    const char *run_path;    /* run directory or trace file */
    const char *screenshot;  /* write this PNG without a window */
    const char *export_csv;  /* write the drawn series as CSV, without a window */
    uint64_t at_ns;          /* --at */
    int w, h;                /* --size */
    int layout;              /* -1: as the run suggests; else enum viz_layout_kind */
    bool messages;           /* --messages */
    const char *select;      /* --select: a node number or a pid n<node>.<local> */
    double speed;            /* --speed */
    bool play;               /* --play: start playing */
    long frames;             /* window: quit after this many frames (0: never) */
    const char *window_shot; /* window: save the last frame here on quitting */
    bool quit_at_end;        /* live: close once the run has ended */
};

void viz_options_init(struct viz_options *o);
/* Put the options into a scene's view (time, layout, selection...). 0, or
 * -1 with a message when --select names nothing in the run. */
int viz_options_apply(const struct viz_options *o, struct viz_scene *s, char *err,
                      size_t err_bytes);

#endif
