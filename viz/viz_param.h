/*
 * viz_param.h - the visualizer's limits and tunables, in one place.
 */
#ifndef VIZ_PARAM_H
#define VIZ_PARAM_H

/* The newest trace schema this reader understands (docs/trace.md). A
 * trace with a larger "schema" in its start line is refused. */
#define VIZ_SCHEMA_VERSION 1u

/* Input limits: anything larger is reported as a malformed trace. */
#define VIZ_MAX_NODES 100000u
#define VIZ_MAX_PROCS 4000000u
#define VIZ_MAX_LINE_BYTES (1u << 20)
#define VIZ_MAX_FIELDS 16u
#define VIZ_JSON_MAX_DEPTH 64u /* nesting inside an unknown field, so skipping it is bounded */
#define VIZ_NAME_BYTES 128u  /* scenario and program names, truncated */
#define VIZ_ERROR_BYTES 1024u

/* Seeking: a full copy of the replay state every this many stored
 * events at least, so a seek applies at most that many events. The run
 * raises the interval when the state is large (many processes) to keep
 * all checkpoints within VIZ_CHECKPOINT_BUDGET_BYTES. */
#define VIZ_CHECKPOINT_EVENTS 8192u
#define VIZ_CHECKPOINT_BUDGET_BYTES (64u * 1024u * 1024u)

/* Playback speeds: simulated seconds per wall second. */
#define VIZ_SPEED_MIN 0.1
#define VIZ_SPEED_MAX 1000.0

/* Load colour scale: a node at or above this load (thousandths) is
 * drawn in the hottest colour and a full bar. */
#define VIZ_LOAD_FULL_MILLI 8000u

/* The legend lists at most this many programs and partition groups
 * (colours repeat after that: viz_color.c has 8 and 5). */
#define VIZ_LEGEND_PROGRAMS 8
#define VIZ_LEGEND_GROUPS 5

/* Message lines: at most this many sends are drawn in one frame (the
 * newest ones). */
#define VIZ_MAX_MESSAGE_LINES 4000u

/* The timeline's narrowest visible stretch of time when zoomed in. Trace
 * times are whole nanoseconds, so at 1 us across about a thousand pixel
 * columns a nanosecond is still a pixel or more; narrower would only
 * repeat columns. A shorter run cannot be zoomed below its length. */
#define VIZ_TIMELINE_MIN_SPAN_NS 1000u

/* Default size of screenshots and of the window. */
#define VIZ_DEFAULT_WIDTH 1280
#define VIZ_DEFAULT_HEIGHT 800
#define VIZ_MAX_SIDE 8192
/* Text and the fixed parts of the layout (header, panel, timeline) are
 * sized for 1280x800 and scaled with the picture: by the smaller of its
 * two ratios to that size, in percent, within these bounds (below 85 %
 * the smallest text would no longer be readable). */
#define VIZ_UI_MIN_PCT 85
#define VIZ_UI_MAX_PCT 300

#define VIZ_FONT_SANS "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define VIZ_FONT_MONO "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

#endif
