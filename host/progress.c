/* progress.c - see progress.h. */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <stdio.h>
#include <time.h>

#define PROGRESS_CHECK_EVERY 2048u          /* events between clock reads */
#define PROGRESS_FIRST_NS 1000000000ull     /* nothing for the first second */
#define PROGRESS_PERIOD_NS 200000000ull     /* then redraw five times a second */

uint64_t progress_wall_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void progress_init(struct progress *p, bool enabled, uint64_t goal_ns)
{
    p->goal_ns = goal_ns;
    p->enabled = enabled;
    p->shown = false;
    p->start_ns = progress_wall_now_ns();
    p->next_draw_ns = p->start_ns + PROGRESS_FIRST_NS;
    p->countdown = PROGRESS_CHECK_EVERY;
}

void progress_update(struct progress *p, uint64_t sim_ns, uint64_t events)
{
    if (!p->enabled || --p->countdown != 0)
        return;
    p->countdown = PROGRESS_CHECK_EVERY;
    uint64_t now = progress_wall_now_ns();
    if (now < p->next_draw_ns)
        return;
    p->next_draw_ns = now + PROGRESS_PERIOD_NS;
    double wall = (double)(now - p->start_ns) / 1e9;
    double sim = (double)sim_ns / 1e9;
    fprintf(stderr, "\r\033[K  simulated %.6f s", sim);
    if (p->goal_ns != 0)
        fprintf(stderr, " (%.0f%%)", 100.0 * (double)sim_ns / (double)p->goal_ns);
    fprintf(stderr, "   events %llu   %.0f events/s   sim/wall %.3g", (unsigned long long)events,
            (double)events / wall, sim / wall);
    fflush(stderr);
    p->shown = true;
}

void progress_clear(struct progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = false;
}

void progress_done(struct progress *p)
{
    progress_clear(p);
    p->enabled = false;
}

double progress_wall_seconds(const struct progress *p)
{
    return (double)(progress_wall_now_ns() - p->start_ns) / 1e9;
}
