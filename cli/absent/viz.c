/*
 * viz.c - the visualizer's commands in a build without it
 * (NIMBUS_BUILD_VIZ=OFF): `nimbus viz` and `nimbus run --viz` say so and
 * exit 1. The real ones are cli/viz.c and cli/run_viz.c.
 */
#include "absent.h"
#include "cli/cli.h"
#include "cli/run_viz.h"

#define VIZ_PART "the visualizer"
#define VIZ_OPTION "NIMBUS_BUILD_VIZ"

static const char absent_viz_usage[] =
    "Usage: nimbus viz RUN [options]\n"
    "\n"
    "Not in this nimbus: it was built without the visualizer. Configure with\n"
    "-DNIMBUS_BUILD_VIZ=ON (it needs SDL2, SDL2_ttf and SDL2_image) to have it.\n";

static int absent_viz_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return absent_part("viz", VIZ_PART, VIZ_OPTION);
}

const struct cli_command cli_viz = {
    .name = "viz",
    .usage = absent_viz_usage,
    .main = absent_viz_main,
};

int run_viz_available(void)
{
    return absent_part("run --viz", VIZ_PART, VIZ_OPTION);
}

/* Never reached: run.c asks run_viz_available first. */
int run_viz_start(bool quit_at_end, const char *shot, pid_t *child)
{
    (void)quit_at_end;
    (void)shot;
    (void)child;
    return -1;
}

void run_viz_finish(int fd, pid_t child)
{
    (void)fd;
    (void)child;
}
