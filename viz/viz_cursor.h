/*
 * viz_cursor.h - the replay state at any time of a run: seeking restores
 * the nearest checkpoint at or before the time and applies the events
 * since, or just applies forward when that is shorter (playing).
 */
#ifndef VIZ_CURSOR_H
#define VIZ_CURSOR_H

#include <stdint.h>

#include "viz_run.h"
#include "viz_state.h"

struct viz_cursor {
    struct viz_state st; /* every event at or before t_ns applied */
    uint64_t t_ns;
};

void viz_cursor_init(struct viz_cursor *c, const struct viz_run *r);
void viz_cursor_free(struct viz_cursor *c);
void viz_cursor_seek(struct viz_cursor *c, const struct viz_run *r, uint64_t t_ns);

/* Where a move is drawn at time t: 0 at its start, 1 at its end; a move
 * still pending is drawn half way. */
double viz_migration_progress(const struct viz_migration *m, uint64_t t_ns);

#endif
