/*
 * viz_color.h - every colour the pictures use, and the load scale. Pure
 * functions so tests can ask which colour a load should give.
 */
#ifndef VIZ_COLOR_H
#define VIZ_COLOR_H

#include <stdint.h>

struct viz_rgb {
    uint8_t r, g, b;
};

/* The load scale: blue (idle) through green (1), yellow (2), orange (4)
 * to red (VIZ_LOAD_FULL_MILLI and above), interpolated in between. */
struct viz_rgb viz_color_load(uint32_t load_milli);
/* A run queue's colour: the load scale at queue x 1000. */
struct viz_rgb viz_color_runq(uint32_t runq);
/* The box behind a live node's bar: its load colour, darkened. */
struct viz_rgb viz_color_box(uint32_t load_milli);
/* A program's dot colour (index in the run's program list). */
struct viz_rgb viz_color_program(uint32_t program);
/* A fault mark's colour on the timeline (enum viz_ev: crash, restart,
 * pause, resume, partition, one-way partition, heal). */
struct viz_rgb viz_mark_color(uint8_t kind);
/* A partition group's outline colour. */
struct viz_rgb viz_color_group(uint32_t group);
/* The load scale's stops, for the legend: count, and stop i's load. */
unsigned viz_color_load_stops(void);
uint32_t viz_color_load_stop_milli(unsigned i);

extern const struct viz_rgb viz_bg;          /* window background */
extern const struct viz_rgb viz_panel_bg;    /* side panel, timeline, header */
extern const struct viz_rgb viz_text_fg;
extern const struct viz_rgb viz_text_dim;
extern const struct viz_rgb viz_node_border;
extern const struct viz_rgb viz_crashed_fill; /* a crashed (or not booted) node */
extern const struct viz_rgb viz_crashed_border;
extern const struct viz_rgb viz_link;        /* a working link */
extern const struct viz_rgb viz_link_cut;    /* a link a partition cut */
extern const struct viz_rgb viz_highlight;   /* the selection */
extern const struct viz_rgb viz_migration_ring; /* outline of a moving process */
extern const struct viz_rgb viz_abort_ring;  /* outline of a move that fails */
extern const struct viz_rgb viz_message;     /* a message in flight */
extern const struct viz_rgb viz_kernel_message; /* a kernel message in flight */
extern const struct viz_rgb viz_load_avg;    /* the tick at a node's 1 s load average */
extern const struct viz_rgb viz_lost;        /* a process lost with its crashed node */
extern const struct viz_rgb viz_graph;       /* the imbalance curve */
extern const struct viz_rgb viz_cursor_line; /* the time cursor */
extern const struct viz_rgb viz_overview_window; /* a zoomed timeline's stretch, in the run */

#endif
