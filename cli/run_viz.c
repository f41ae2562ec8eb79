/* run_viz.c - see run_viz.h: this nimbus has the visualizer. */
#include "run_viz.h"

#include "viz/viz_live.h"

int run_viz_available(void)
{
    return 0;
}

int run_viz_start(bool quit_at_end, const char *shot, pid_t *child)
{
    return viz_live_start(quit_at_end, shot, child);
}

void run_viz_finish(int fd, pid_t child)
{
    viz_live_finish(fd, child);
}
