/*
 * viz_app.c - see viz_app.h. One frame: input, live data, advance the
 * playback by the wall time since the last frame, draw, present. Frames
 * are capped at about 60 per second unless --frames asks for a
 * benchmark, which draws as fast as it can and reports the rate.
 */
#include "viz_app.h"

#include <SDL_image.h>
#include <stdio.h>
#include <string.h>

#include "viz_offscreen.h"

#define FRAME_MS 16

int viz_app_save(struct viz_app *a, const char *path)
{
    int w, h;
    SDL_GetRendererOutputSize(a->ren, &w, &h);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    char err[VIZ_ERROR_BYTES];
    int rc = -1;
    if (s == NULL || SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels,
                                          s->pitch) != 0)
        fprintf(stderr, "nimbus viz: cannot read the window: %s\n", SDL_GetError());
    else if ((rc = viz_save_png(s, path, err, sizeof err)) < 0)
        fprintf(stderr, "nimbus viz: %s\n", err);
    SDL_FreeSurface(s);
    return rc;
}

static int open_window(struct viz_app *a, const struct viz_options *o)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "nimbus viz: cannot open a window: %s\n"
                        "(no display? use --screenshot FILE, or run under xvfb-run)\n",
                SDL_GetError());
        return -1;
    }
    /* With no display SDL may fall back to a driver that shows nothing; a
     * window nobody can see or close would never end. */
    const char *driver = SDL_GetCurrentVideoDriver();
    if (o->frames == 0 && driver != NULL &&
        (strcmp(driver, "dummy") == 0 || strcmp(driver, "offscreen") == 0)) {
        fprintf(stderr, "nimbus viz: cannot open a window: no display (SDL video driver "
                        "'%s')\n(use --screenshot FILE, or run under xvfb-run)\n", driver);
        return -1;
    }
    char title[VIZ_NAME_BYTES + 16];
    snprintf(title, sizeof title, "nimbus: %s", a->run->scenario);
    a->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, o->w, o->h,
                              SDL_WINDOW_RESIZABLE);
    if (a->win != NULL)
        a->ren = SDL_CreateRenderer(a->win, -1, 0);
    if (a->win != NULL && a->ren == NULL)
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (a->ren == NULL) {
        fprintf(stderr, "nimbus viz: cannot open a window: %s\n", SDL_GetError());
        return -1;
    }
    return 0;
}

static void close_window(struct viz_app *a)
{
    viz_fonts_close(&a->scene.fonts);
    if (a->ren != NULL)
        SDL_DestroyRenderer(a->ren);
    if (a->win != NULL)
        SDL_DestroyWindow(a->win);
    SDL_Quit();
}

static void report_rate(struct viz_app *a, long frames, double seconds)
{
    SDL_RendererInfo info;
    SDL_GetRendererInfo(a->ren, &info);
    printf("%ld frames in %.3f s: %.1f frames/s (renderer %s, %dx%d, %u nodes)\n", frames,
           seconds, seconds > 0 ? (double)frames / seconds : 0.0, info.name, a->scene.w,
           a->scene.h, a->run->node_count);
}

static bool should_stop(const struct viz_app *a, long frames)
{
    if (a->quit || (a->opt->frames > 0 && frames >= a->opt->frames))
        return true;
    /* live with --viz-exit: once everything has arrived and been shown */
    return a->opt->quit_at_end && a->live_fd >= 0 && a->live_eof;
}

static void loop(struct viz_app *a)
{
    uint64_t freq = SDL_GetPerformanceFrequency(), start = SDL_GetPerformanceCounter();
    uint64_t last = start;
    long frames = 0;
    while (!should_stop(a, frames)) {
        SDL_Event e;
        while (SDL_PollEvent(&e))
            viz_input_handle(a, &e);
        viz_live_poll(a);
        uint64_t now = SDL_GetPerformanceCounter();
        viz_view_tick(&a->scene.view, a->run, (double)(now - last) / (double)freq);
        last = now;
        viz_frame_draw(a->ren, &a->scene);
        SDL_RenderPresent(a->ren);
        frames++;
        uint64_t spent_ms = (SDL_GetPerformanceCounter() - now) * 1000 / freq;
        if (a->opt->frames == 0 && spent_ms < FRAME_MS)
            SDL_Delay((Uint32)(FRAME_MS - spent_ms));
    }
    if (a->opt->frames > 0)
        report_rate(a, frames, (double)(SDL_GetPerformanceCounter() - start) / (double)freq);
}

int viz_app_run(struct viz_run *run, const struct viz_options *o, int live_fd)
{
    struct viz_app a;
    memset(&a, 0, sizeof a);
    a.run = run;
    a.opt = o;
    a.live_fd = live_fd;
    if (open_window(&a, o) < 0) {
        close_window(&a);
        return 2;
    }
    int w, h;
    SDL_GetRendererOutputSize(a.ren, &w, &h);
    viz_scene_init(&a.scene, run, w, h, live_fd >= 0);
    char err[VIZ_ERROR_BYTES];
    int status = 0;
    if (viz_fonts_open(&a.scene.fonts, a.ren, a.scene.ui_pct, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus viz: %s\n", err);
        status = 2;
    } else if (viz_options_apply(o, &a.scene, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus viz: %s\n", err);
        status = 1;
    } else {
        loop(&a);
        if (o->window_shot != NULL && viz_app_save(&a, o->window_shot) < 0)
            status = 2;
    }
    viz_scene_free(&a.scene);
    close_window(&a);
    return status;
}
