/*
 * viz_show.c - show a finished run as `nimbus viz` asks (viz_show.h):
 * read its trace, then write one PNG or open the window.
 */
#include "viz_show.h"

#include <stdio.h>
#include <stdlib.h>

#include "viz_app.h"
#include "viz_export.h"
#include "viz_offscreen.h"

static int write_csv(const struct viz_run *run, const char *path)
{
    FILE *f = fopen(path, "w");
    int rc = f == NULL ? -1 : viz_export_csv(run, f);
    if (f != NULL && fclose(f) != 0)
        rc = -1;
    if (rc < 0) {
        fprintf(stderr, "nimbus viz: cannot write %s\n", path);
        return VIZ_EXIT_DISPLAY;
    }
    return VIZ_EXIT_OK;
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

int viz_show(struct viz_options *o)
{
    struct viz_run *run = calloc(1, sizeof *run);
    if (run == NULL)
        return VIZ_EXIT_DISPLAY;
    viz_run_init(run, o->run_path);
    int status = VIZ_EXIT_OK;
    if (viz_run_load(run, o->run_path) < 0) {
        fprintf(stderr, "nimbus viz: %s\n", run->error);
        status = VIZ_EXIT_INPUT;
    } else {
        if (!run->ended)
            fprintf(stderr, "nimbus viz: %s: no \"end\" line: the run did not finish; "
                            "showing what there is\n", run->source);
        if (o->at_ns > run->t_end_ns)
            o->at_ns = run->t_end_ns;
        if (o->export_csv != NULL)
            status = write_csv(run, o->export_csv);
        if (status == VIZ_EXIT_OK && o->screenshot != NULL)
            status = write_screenshot(run, o);
        else if (status == VIZ_EXIT_OK && o->export_csv == NULL)
            status = viz_app_run(run, o, -1);
    }
    viz_run_free(run);
    free(run);
    return status;
}
