/* sweep_progress.c - see sweep_progress.h. */
#define _POSIX_C_SOURCE 200809L /* fileno */

#include "sweep_progress.h"

#include <unistd.h>

#include "host/progress.h"

#define DRAW_PERIOD_NS 250000000ull

/* "4.2 s", "42 s", "3:07", "1:02:03". */
static void print_duration(FILE *f, uint64_t ns)
{
    uint64_t s = (ns + 500000000u) / 1000000000u;
    if (ns < 9950000000u)
        fprintf(f, "%.1f s", (double)ns / 1e9);
    else if (s < 60)
        fprintf(f, "%llu s", (unsigned long long)s);
    else if (s < 3600)
        fprintf(f, "%llu:%02llu", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
    else
        fprintf(f, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600), (unsigned long long)(s / 60 % 60),
                (unsigned long long)(s % 60));
}

/* "7/18 runs done, 1 failed, 12 s so far, about 19 s left" */
static void print_state(const struct sweep_progress *p, FILE *f)
{
    uint64_t elapsed = progress_wall_now_ns() - p->start_ns;
    fprintf(f, "%zu/%zu runs done, %zu failed, ", p->done, p->total, p->failed);
    print_duration(f, elapsed);
    fputs(" so far, ", f);
    if (p->done == 0) {
        fputs("time left unknown until a run ends", f);
    } else if (p->done < p->total) {
        fputs("about ", f);
        print_duration(f, (uint64_t)((double)elapsed / (double)p->done * (double)(p->total - p->done)));
        fputs(" left", f);
    } else {
        fputs("none left", f);
    }
}

static void draw(struct sweep_progress *p)
{
    fputs("\r\033[K", stderr);
    print_state(p, stderr);
    fflush(stderr);
    p->shown = true;
    p->next_draw_ns = progress_wall_now_ns() + DRAW_PERIOD_NS;
}

void sweep_progress_start(struct sweep_progress *p, bool enabled, size_t total)
{
    *p = (struct sweep_progress){.enabled = enabled, .tty = enabled && isatty(fileno(stderr)), .total = total};
    p->start_ns = progress_wall_now_ns();
    if (p->tty)
        draw(p);
}

void sweep_progress_ended(struct sweep_progress *p, bool failed)
{
    p->done++;
    p->failed += failed;
    if (p->tty)
        draw(p);
}

void sweep_progress_tick(struct sweep_progress *p)
{
    if (p->tty && progress_wall_now_ns() >= p->next_draw_ns)
        draw(p);
}

void sweep_progress_before_line(struct sweep_progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
}

void sweep_progress_end_line(struct sweep_progress *p)
{
    if (p->enabled && !p->tty) {
        fputs("  [", stderr);
        print_state(p, stderr);
        fputc(']', stderr);
    }
    fputc('\n', stderr);
    if (p->tty)
        draw(p);
}

void sweep_progress_log(struct sweep_progress *p, const char *who)
{
    size_t n = p->done;
    bool due = n == 1 || n == 10 || n == 100 || (n > 0 && n % 1000 == 0);
    if (!p->enabled || p->tty || !due)
        return;
    fprintf(stderr, "%s: [", who);
    print_state(p, stderr);
    fputs("]\n", stderr);
    fflush(stderr);
}

void sweep_progress_finish(struct sweep_progress *p)
{
    sweep_progress_before_line(p);
    if (!p->enabled)
        return;
    fprintf(stderr, "nimbus sweep: %zu runs in ", p->total);
    print_duration(stderr, progress_wall_now_ns() - p->start_ns);
    fputc('\n', stderr);
    fflush(stderr);
}
