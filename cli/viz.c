/*
 * viz.c - `nimbus viz RUN [options]`: parse the options, then let the
 * visualizer (viz/viz_show.h) write one PNG or open the window.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "host/units.h"
#include "viz/viz_show.h"

static const char viz_usage[] =
    "Usage: nimbus viz RUN [--screenshot FILE.png] [--at TIME] [options]\n"
    "\n"
    "Show a finished run: RUN is the output directory of 'nimbus run' (its\n"
    "trace.jsonl is read) or a trace file. A window shows every node with its\n"
    "load as a bar and a colour, its processes as dots, moves as dots in flight,\n"
    "crashed nodes grey, partitions as cut links; under it the load imbalance\n"
    "over time and a scrubber. Keys and mouse: see docs/viz.md, or the panel.\n"
    "To watch a run live: nimbus run --viz SCENARIO.\n"
    "\n"
    "Options:\n"
    "      --screenshot FILE  write a PNG of the view at --at and exit; no window\n"
    "                         (same run and time: byte-identical file)\n"
    "      --at TIME          the time to show, e.g. 12.5s, 300ms, 1500000ns, or\n"
    "                         'end' (default 0; clamped to the run's end)\n"
    "      --size WxH         picture or window size in pixels (default 1280x800)\n"
    "      --layout grid|ring node layout (default: ring for ring scenarios)\n"
    "      --messages         draw messages as faint lines\n"
    "      --select WHAT      select a node (number) or a process (n<node>.<local>)\n"
    "      --speed X          playback speed, 0.1 to 1000 (default 1)\n"
    "      --play             start playing\n"
    "      --frames N         close the window after N frames and print the frame\n"
    "                         rate (for scripts and benchmarks)\n"
    "      --window-shot FILE save the window's last frame as a PNG when it closes\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 success; 1 bad usage, or the run cannot be read (missing\n"
    "directory or trace.jsonl, a malformed line: reported as file:line: reason, a\n"
    "trace from a newer schema); 2 nothing could be shown (no display, missing\n"
    "font, the PNG could not be written).\n";

static int parse_size(const char *v, struct viz_options *o)
{
    char *end;
    long w = strtol(v, &end, 10), h = 0;
    if (*end == 'x')
        h = strtol(end + 1, &end, 10);
    if (*end != '\0' || w < 320 || h < 240 || w > VIZ_MAX_SIDE || h > VIZ_MAX_SIDE)
        return -1;
    o->w = (int)w;
    o->h = (int)h;
    return 0;
}

/* One option with its value at argv[*i]; 0, or an exit status. */
static int parse_option(int argc, char **argv, int *i, struct viz_options *o)
{
    const char *a = argv[*i];
    static const char *const with_value[] = {"--screenshot", "--at", "--size", "--layout",
                                             "--select", "--speed", "--frames", "--window-shot"};
    const char *v = NULL;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
        if (strcmp(a, with_value[k]) != 0)
            continue;
        if (*i + 1 >= argc)
            return cli_usage_error("viz", "option '%s' needs a value", a);
        v = argv[++*i];
    }
    if (strcmp(a, "--messages") == 0)
        o->messages = true;
    else if (strcmp(a, "--play") == 0)
        o->play = true;
    else if (v == NULL)
        return cli_usage_error("viz", "unknown option '%s'", a);
    else if (strcmp(a, "--screenshot") == 0)
        o->screenshot = v;
    else if (strcmp(a, "--window-shot") == 0)
        o->window_shot = v;
    else if (strcmp(a, "--select") == 0)
        o->select = v;
    else if (strcmp(a, "--at") == 0) {
        if (strcmp(v, "end") == 0)
            o->at_ns = UINT64_MAX; /* clamped to the run's end */
        else if (units_parse_duration(v, &o->at_ns) != UNITS_OK)
            return cli_usage_error("viz", "--at: '%s' is not a time like 12.5s, 300ms or 1500000ns", v);
    } else if (strcmp(a, "--size") == 0) {
        if (parse_size(v, o) < 0)
            return cli_usage_error("viz", "--size: '%s' is not WIDTHxHEIGHT (320x240 to 8192x8192)", v);
    } else if (strcmp(a, "--layout") == 0) {
        if (strcmp(v, "grid") != 0 && strcmp(v, "ring") != 0)
            return cli_usage_error("viz", "--layout: '%s' is not grid or ring", v);
        o->layout = strcmp(v, "ring") == 0 ? VIZ_LAYOUT_RING : VIZ_LAYOUT_GRID;
    } else if (strcmp(a, "--speed") == 0) {
        char *end;
        o->speed = strtod(v, &end);
        if (*end != '\0' || !(o->speed >= VIZ_SPEED_MIN && o->speed <= VIZ_SPEED_MAX))
            return cli_usage_error("viz", "--speed: '%s' is not a number from 0.1 to 1000", v);
    } else {
        char *end;
        o->frames = strtol(v, &end, 10);
        if (*end != '\0' || o->frames < 1)
            return cli_usage_error("viz", "--frames: '%s' is not a positive whole number", v);
    }
    return 0;
}

/* 0 to go on, -1 when help was shown, or an exit status. */
static int parse_args(int argc, char **argv, struct viz_options *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            fputs(viz_usage, stdout);
            return -1;
        }
        if (a[0] == '-' && a[1] != '\0') {
            int rc = parse_option(argc, argv, &i, o);
            if (rc != 0)
                return rc;
            continue;
        }
        if (o->run_path != NULL)
            return cli_usage_error("viz", "one run at a time (got '%s' too)", a);
        o->run_path = a;
    }
    if (o->run_path == NULL)
        return cli_usage_error("viz", "%s", "no run directory given");
    return 0;
}

static int viz_main(int argc, char **argv)
{
    struct viz_options o;
    viz_options_init(&o);
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    return viz_show(&o);
}

const struct cli_command cli_viz = {
    .name = "viz",
    .usage = viz_usage,
    .main = viz_main,
};
