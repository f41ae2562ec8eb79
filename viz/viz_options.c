/* viz_options.c - see viz_options.h. */
#include "viz_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void viz_options_init(struct viz_options *o)
{
    memset(o, 0, sizeof *o);
    o->w = VIZ_DEFAULT_WIDTH;
    o->h = VIZ_DEFAULT_HEIGHT;
    o->layout = -1;
    o->speed = 1.0;
    o->messages = true; /* in flight: cheap, and part of what happens */
}

static int apply_select(const char *sel, struct viz_scene *s, char *err, size_t err_bytes)
{
    const struct viz_run *r = s->run;
    struct viz_pid pid;
    if (viz_pid_parse(sel, strlen(sel), &pid) == 0) {
        uint32_t p = viz_pidmap_get(&r->pidmap, viz_pid_key(pid.node, pid.local));
        if (p == VIZ_NO_PROC) {
            snprintf(err, err_bytes, "--select: no process %s in this run", sel);
            return -1;
        }
        s->view.sel_proc = p;
        return 0;
    }
    char *end;
    unsigned long node = strtoul(sel, &end, 10);
    if (*sel < '0' || *sel > '9' || *end != '\0' || node >= r->node_count) {
        snprintf(err, err_bytes, "--select: '%s' is neither a node (0 to %u) nor a pid n<node>.<local>",
                 sel, r->node_count ? r->node_count - 1 : 0);
        return -1;
    }
    s->view.sel_node = (uint32_t)node;
    return 0;
}

int viz_options_apply(const struct viz_options *o, struct viz_scene *s, char *err,
                      size_t err_bytes)
{
    s->view.show_messages = o->messages;
    s->view.speed = o->speed;
    if (o->layout >= 0 && (enum viz_layout_kind)o->layout != s->view.layout) {
        s->view.layout = (enum viz_layout_kind)o->layout;
        viz_scene_regions(s, s->w, s->h);
    }
    if (!s->view.live)
        viz_view_seek(&s->view, s->run, o->at_ns);
    s->view.playing = o->play && !s->view.follow;
    if (o->select != NULL && apply_select(o->select, s, err, err_bytes) < 0)
        return -1;
    return 0;
}
