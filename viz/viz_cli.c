/*
 * viz_cli.c - `nimbus viz RUN [options]`: read the run's trace, then
 * either write one PNG (--screenshot, no window) or open the window.
 */
#include "viz_cli.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_units.h"
#include "viz_app.h"
#include "viz_offscreen.h"
#include "viz_options.h"

enum { VIZ_EXIT_OK = 0, VIZ_EXIT_INPUT = 1, VIZ_EXIT_DISPLAY = 2 };

const char viz_usage[] =
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

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "nimbus viz: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'nimbus viz --help'.\n");
    return VIZ_EXIT_INPUT;
}

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
static int parse_option(int argc, char **argv, int *i, struct viz_options *o, bool *at_end)
{
    const char *a = argv[*i];
    static const char *const with_value[] = {"--screenshot", "--at", "--size", "--layout",
                                             "--select", "--speed", "--frames", "--window-shot"};
    const char *v = NULL;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
        if (strcmp(a, with_value[k]) != 0)
            continue;
        if (*i + 1 >= argc)
            return usage_error("option '%s' needs a value", a);
        v = argv[++*i];
    }
    if (strcmp(a, "--messages") == 0)
        o->messages = true;
    else if (strcmp(a, "--play") == 0)
        o->play = true;
    else if (v == NULL)
        return usage_error("unknown option '%s'", a);
    else if (strcmp(a, "--screenshot") == 0)
        o->screenshot = v;
    else if (strcmp(a, "--window-shot") == 0)
        o->window_shot = v;
    else if (strcmp(a, "--select") == 0)
        o->select = v;
    else if (strcmp(a, "--at") == 0) {
        *at_end = strcmp(v, "end") == 0;
        if (!*at_end && units_parse_duration(v, &o->at_ns) != UNITS_OK)
            return usage_error("--at: '%s' is not a time like 12.5s, 300ms or 1500000ns", v);
    } else if (strcmp(a, "--size") == 0) {
        if (parse_size(v, o) < 0)
            return usage_error("--size: '%s' is not WIDTHxHEIGHT (320x240 to 8192x8192)", v);
    } else if (strcmp(a, "--layout") == 0) {
        if (strcmp(v, "grid") != 0 && strcmp(v, "ring") != 0)
            return usage_error("--layout: '%s' is not grid or ring", v);
        o->layout = strcmp(v, "ring") == 0 ? VIZ_LAYOUT_RING : VIZ_LAYOUT_GRID;
    } else if (strcmp(a, "--speed") == 0) {
        char *end;
        o->speed = strtod(v, &end);
        if (*end != '\0' || !(o->speed >= VIZ_SPEED_MIN && o->speed <= VIZ_SPEED_MAX))
            return usage_error("--speed: '%s' is not a number from 0.1 to 1000", v);
    } else {
        char *end;
        o->frames = strtol(v, &end, 10);
        if (*end != '\0' || o->frames < 1)
            return usage_error("--frames: '%s' is not a positive whole number", v);
    }
    return 0;
}

/* 0 to go on, -1 when help was shown, or an exit status. */
static int parse_args(int argc, char **argv, struct viz_options *o, bool *at_end)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(viz_usage, stdout);
            return -1;
        }
        if (a[0] == '-' && a[1] != '\0') {
            int rc = parse_option(argc, argv, &i, o, at_end);
            if (rc != 0)
                return rc;
            continue;
        }
        if (o->run_path != NULL)
            return usage_error("one run at a time (got '%s' too)", a);
        o->run_path = a;
    }
    if (o->run_path == NULL)
        return usage_error("%s", "no run directory given");
    return 0;
}

static int write_screenshot(const struct viz_run *run, const struct viz_options *o)
{
    struct viz_offscreen off;
    char err[VIZ_ERROR_BYTES];
    if (viz_offscreen_open(&off, run, o->w, o->h, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus viz: %s\n", err);
        return VIZ_EXIT_DISPLAY;
    }
    int status = VIZ_EXIT_OK;
    if (viz_options_apply(o, &off.scene, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus viz: %s\n", err);
        status = VIZ_EXIT_INPUT;
    } else {
        viz_offscreen_draw(&off);
        if (viz_save_png(off.surface, o->screenshot, err, sizeof err) < 0) {
            fprintf(stderr, "nimbus viz: %s\n", err);
            status = VIZ_EXIT_DISPLAY;
        }
    }
    viz_offscreen_close(&off);
    return status;
}

int viz_main(int argc, char **argv)
{
    struct viz_options o;
    viz_options_init(&o);
    bool at_end = false;
    int rc = parse_args(argc, argv, &o, &at_end);
    if (rc != 0)
        return rc < 0 ? VIZ_EXIT_OK : rc;
    struct viz_run *run = calloc(1, sizeof *run);
    if (run == NULL)
        return VIZ_EXIT_DISPLAY;
    viz_run_init(run, o.run_path);
    int status = VIZ_EXIT_OK;
    if (viz_run_load(run, o.run_path) < 0) {
        fprintf(stderr, "nimbus viz: %s\n", run->error);
        status = VIZ_EXIT_INPUT;
    } else {
        if (!run->ended)
            fprintf(stderr, "nimbus viz: %s: no \"end\" line: the run did not finish; "
                            "showing what there is\n", run->source);
        if (at_end || o.at_ns > run->t_end_ns)
            o.at_ns = run->t_end_ns;
        status = o.screenshot != NULL ? write_screenshot(run, &o) : viz_app_run(run, &o, -1);
    }
    viz_run_free(run);
    free(run);
    return status;
}
