/*
 * viz.c - `nimbus viz RUN [options]`: parse the options, then let the
 * visualizer (viz/viz_show.h) write one PNG or open the window.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "host/args.h"
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
    "      --messages         draw messages in flight (the default; m toggles)\n"
    "      --select WHAT      select a node (number) or a process (n<node>.<local>)\n"
    "      --speed X          playback speed, 0.1 to 1000 (default 1)\n"
    "      --play             start playing\n"
    "      --frames N         close the window after N frames and print the frame\n"
    "                         rate (for scripts and benchmarks)\n"
    "      --window-shot FILE save the window's last frame as a PNG when it closes\n"
    "      --export-csv FILE  write the series the view draws (time, node, up, run\n"
    "                         queue, load average, imbalance) as CSV and exit; no\n"
    "                         window (with --screenshot: both)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 success; 1 bad usage, or the run cannot be read (missing\n"
    "directory or trace.jsonl, a malformed line: reported as file:line: reason, a\n"
    "trace from a newer schema); 2 nothing could be shown (no display, missing\n"
    "font, the PNG or CSV could not be written).\n";

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

enum viz_option { OPT_HELP, OPT_SCREENSHOT, OPT_WINDOW_SHOT, OPT_AT, OPT_SIZE, OPT_LAYOUT, OPT_MESSAGES,
                  OPT_SELECT, OPT_SPEED, OPT_PLAY, OPT_FRAMES, OPT_EXPORT_CSV };

static const struct args_option viz_options[] = {
    {"help", 'h', NULL, OPT_HELP},         {"screenshot", 0, "FILE", OPT_SCREENSHOT},
    {"window-shot", 0, "FILE", OPT_WINDOW_SHOT}, {"at", 0, "TIME", OPT_AT},
    {"size", 0, "WxH", OPT_SIZE},          {"layout", 0, "grid|ring", OPT_LAYOUT},
    {"messages", 0, NULL, OPT_MESSAGES},   {"select", 0, "WHAT", OPT_SELECT},
    {"speed", 0, "X", OPT_SPEED},          {"play", 0, NULL, OPT_PLAY},
    {"frames", 0, "N", OPT_FRAMES},        {"export-csv", 0, "FILE", OPT_EXPORT_CSV},
};

/* An option with a value that needs checking; 0, or an exit status. */
static int take_checked_option(int id, const char *v, struct viz_options *o)
{
    char *end, why[256];
    switch (id) {
    case OPT_AT:
        if (strcmp(v, "end") == 0)
            o->at_ns = UINT64_MAX; /* clamped to the run's end */
        else if (units_parse_kind(UNITS_KIND_DURATION, v, &o->at_ns, why, sizeof why) != UNITS_OK)
            return args_usage_error("viz", "--at: 'end' or a time like 12.5s: %s", why);
        return 0;
    case OPT_SIZE:
        if (parse_size(v, o) < 0)
            return args_usage_error("viz", "--size: '%s' is not WIDTHxHEIGHT (320x240 to 8192x8192)", v);
        return 0;
    case OPT_LAYOUT:
        if (strcmp(v, "grid") != 0 && strcmp(v, "ring") != 0)
            return args_usage_error("viz", "--layout: '%s' is not grid or ring", v);
        o->layout = strcmp(v, "ring") == 0 ? VIZ_LAYOUT_RING : VIZ_LAYOUT_GRID;
        return 0;
    case OPT_SPEED:
        o->speed = strtod(v, &end);
        if (*end != '\0' || !(o->speed >= VIZ_SPEED_MIN && o->speed <= VIZ_SPEED_MAX))
            return args_usage_error("viz", "--speed: '%s' is not a number from 0.1 to 1000", v);
        return 0;
    default:
        o->frames = strtol(v, &end, 10);
        if (*end != '\0' || o->frames < 1)
            return args_usage_error("viz", "--frames: '%s' is not a positive whole number", v);
        return 0;
    }
}

/* One option; 0, -1 after --help, or an exit status. */
static int take_option(int id, const char *v, void *ctx)
{
    struct viz_options *o = ctx;
    switch (id) {
    case OPT_HELP: fputs(viz_usage, stdout); return -1;
    case OPT_SCREENSHOT: o->screenshot = v; return 0;
    case OPT_WINDOW_SHOT: o->window_shot = v; return 0;
    case OPT_EXPORT_CSV: o->export_csv = v; return 0;
    case OPT_SELECT: o->select = v; return 0;
    case OPT_MESSAGES: o->messages = true; return 0;
    case OPT_PLAY: o->play = true; return 0;
    default: return take_checked_option(id, v, o);
    }
}

/* 0 to go on, -1 when help was shown, or an exit status. */
static int parse_args(int argc, char **argv, struct viz_options *o)
{
    struct args p;
    args_init(&p, "viz", viz_options, sizeof viz_options / sizeof viz_options[0], argc, argv);
    return args_parse_with_operand(&p, "run directory", &o->run_path, take_option, o);
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
