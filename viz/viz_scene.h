/*
 * viz_scene.h - everything one frame is drawn from: the run, the replay
 * cursor at the view's time, the view, the layout and fonts, and the
 * screen regions. The window and the screenshot both fill one in and
 * call viz_frame_draw, so a screenshot is exactly a window frame.
 */
#ifndef VIZ_SCENE_H
#define VIZ_SCENE_H

#include <SDL.h>
#include <stdbool.h>

#include "viz_cursor.h"
#include "viz_layout.h"
#include "viz_run.h"
#include "viz_text.h"
#include "viz_view.h"

struct viz_scene {
    const struct viz_run *run;
    struct viz_cursor cur;
    struct viz_view view;
    struct viz_layout layout;
    struct viz_fonts fonts;
    int w, h;
    int ui_pct;             /* text and layout scale, percent (viz_scene_regions) */
    SDL_Rect header, cluster, panel, timeline; /* set by viz_scene_regions */
    uint32_t *slots;        /* per node: dots placed so far this frame */
    uint32_t slots_n;
    char notice[160];       /* a line for the header ("live: waiting...") */
};

/* Set up for a run and a w x h picture (fonts are opened separately). */
void viz_scene_init(struct viz_scene *s, const struct viz_run *run, int w, int h, bool live);
void viz_scene_free(struct viz_scene *s);
/* Recompute the regions and the layout (after a resize, a layout
 * toggle, or a live run's first line). */
void viz_scene_regions(struct viz_scene *s, int w, int h);
/* n pixels of the 1280x800 layout at this scene's scale. */
int viz_px(const struct viz_scene *s, int n);
/* Bring the cursor to the view's time. */
void viz_scene_sync(struct viz_scene *s);

/* The whole frame. */
void viz_frame_draw(SDL_Renderer *ren, struct viz_scene *s);

/* Parts of the frame (viz_draw_*.c). */
void viz_draw_cluster(SDL_Renderer *ren, struct viz_scene *s);
void viz_draw_timeline(SDL_Renderer *ren, struct viz_scene *s);
void viz_draw_panel(SDL_Renderer *ren, struct viz_scene *s);
/* The zoomed timeline's "where am I", right of its title (which ends at
 * x = title_right): the stretch shown as text, and a bar of the whole
 * run with that stretch and the cursor marked. */
void viz_draw_timeline_overview(SDL_Renderer *ren, const struct viz_scene *s, int title_right);

/* Hit tests, in window pixels. */
uint32_t viz_cluster_node_at(const struct viz_scene *s, int x, int y);   /* or UINT32_MAX */
uint32_t viz_cluster_proc_at(struct viz_scene *s, int x, int y);         /* or VIZ_NO_PROC */
bool viz_timeline_time_at(const struct viz_scene *s, int x, int y, uint64_t *t_ns);
/* The timeline's plot: its columns are the time axis. */
SDL_Rect viz_timeline_graph_rect(const struct viz_scene *s);
/* The plot's column under (x, y), clamped to the plot; -1 when (x, y)
 * is not in the timeline. */
int viz_timeline_column_at(const struct viz_scene *s, int x, int y);
/* Where the overview bar is drawn when the timeline is zoomed (for the
 * pixel tests). */
SDL_Rect viz_timeline_overview_rect(const struct viz_scene *s);

/* A node box on screen (for tests and hit tests), and its centre. */
SDL_FRect viz_cluster_node_rect(const struct viz_scene *s, uint32_t node);
void viz_cluster_node_center(const struct viz_scene *s, uint32_t node, float *x, float *y);
/* The messages in flight at the cursor's time (viz_draw_msgs.c). */
void viz_draw_messages(SDL_Renderer *ren, const struct viz_scene *s);
/* Where a message is drawn now: false if it is not in flight then. */
bool viz_message_pos(const struct viz_scene *s, uint32_t msg, float *x, float *y);
/* Where a process's dot is drawn now: false if it is not drawn. */
bool viz_cluster_proc_pos(struct viz_scene *s, uint32_t proc, float *x, float *y, float *size);

#endif
