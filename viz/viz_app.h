/*
 * viz_app.h - the interactive window: an SDL window and renderer, a
 * scene, the input state, and (live) the pipe the trace arrives on.
 */
#ifndef VIZ_APP_H
#define VIZ_APP_H

#include <SDL.h>
#include <stdbool.h>

#include "viz_options.h"
#include "viz_scene.h"

/* What a held mouse button is doing: panning the cluster, seeking in the
 * timeline (left button), or panning the timeline (right button). */
enum viz_drag { VIZ_DRAG_NONE, VIZ_DRAG_PAN, VIZ_DRAG_SCRUB, VIZ_DRAG_TIMELINE };

struct viz_app {
    SDL_Window *win;
    SDL_Renderer *ren;
    struct viz_scene scene;
    struct viz_run *run;
    const struct viz_options *opt;
    bool quit;
    enum viz_drag drag;
    int down_x, down_y, last_x, last_y;
    bool moved;          /* the mouse moved far enough to be a drag */
    int live_fd;         /* -1: replay */
    bool live_eof;
    bool live_broken;    /* a bad line: the rest is read and dropped */
};

/* Open the window on `run` (live_fd >= 0: the run is fed from that
 * pipe as it arrives) and run until closed. The exit status. */
int viz_app_run(struct viz_run *run, const struct viz_options *o, int live_fd);

/* An input event (viz_input.c). */
void viz_input_handle(struct viz_app *a, const SDL_Event *e);
/* Save what the window shows as a PNG; 0 or -1 (message printed). */
int viz_app_save(struct viz_app *a, const char *path);
/* Read what the pipe has now (viz_live.c). */
void viz_live_poll(struct viz_app *a);

#endif
