/*
 * viz_draw_msgs.c - messages in flight: each message between two nodes
 * is a mark travelling from the sender's node to the receiver's, from
 * its send to its arrival, trailing a faint line back to the sender, so
 * its direction shows. User messages (send .. deliver or drop) are
 * light blue dots: a ring's token is one dot going round. Kernel
 * messages (ksend .. krecv: load reports, offers, accepts, migration
 * chunks...) are smaller amber squares, under them. Messages within a
 * node are not drawn. Only messages that can be in the air are looked at
 * (viz_msgs_window), newest first, at most VIZ_MAX_MESSAGE_LINES of
 * each kind a frame.
 */
#include <math.h>

#include "viz_draw.h"
#include "viz_scene.h"

/* Where the message goes: known for kernel messages and once a user
 * message arrived; before that (a live run) the receiver's node now.
 * VIZ_NOWHERE if unknown. */
static uint32_t msg_target(const struct viz_scene *s, const struct viz_msg *m)
{
    if (m->to_node != UINT32_MAX)
        return m->to_node;
    const struct viz_state *st = &s->cur.st;
    return m->dst < st->proc_cap ? st->proc_node[m->dst] : VIZ_NOWHERE;
}

/* Where message m is drawn now (and where it started): false if it is
 * not in flight between two nodes then. */
static bool flight_pos(const struct viz_scene *s, const struct viz_msg *m, float *x, float *y,
                       float *x0, float *y0)
{
    uint64_t t = s->cur.t_ns;
    if (m->send_ns > t || m->end_ns <= t)
        return false;
    uint32_t to = msg_target(s, m);
    if (to == VIZ_NOWHERE || to == m->from_node || to >= s->run->node_count)
        return false;
    float x1, y1;
    viz_cluster_node_center(s, m->from_node, x0, y0);
    viz_cluster_node_center(s, to, &x1, &y1);
    float f = (float)viz_flight_progress(m->send_ns, m->end_ns, t);
    *x = *x0 + (x1 - *x0) * f;
    *y = *y0 + (y1 - *y0) * f;
    return true;
}

bool viz_message_pos(const struct viz_scene *s, uint32_t msg, float *x, float *y)
{
    float x0, y0;
    return flight_pos(s, &s->run->msgs.v[msg], x, y, &x0, &y0);
}

static void draw_flights(SDL_Renderer *ren, const struct viz_scene *s, const struct viz_msgs *msgs,
                         bool kernel)
{
    size_t first, last;
    viz_msgs_window(msgs, s->cur.t_ns, &first, &last);
    float d = kernel ? fmaxf(4.0f, (float)viz_px(s, 5)) : fmaxf(5.0f, (float)viz_px(s, 7));
    struct viz_rgb c = kernel ? viz_kernel_message : viz_message;
    unsigned drawn = 0;
    for (size_t i = last; i-- > first && drawn < VIZ_MAX_MESSAGE_LINES;) {
        float x, y, x0, y0;
        if (!flight_pos(s, &msgs->v[i], &x, &y, &x0, &y0))
            continue;
        viz_line(ren, x0, y0, x, y, c, kernel ? 70 : 110);
        if (kernel)
            viz_fill_rect(ren, x - d / 2, y - d / 2, d, d, c);
        else
            viz_fill_disc(ren, x, y, d, c);
        drawn++;
    }
}

void viz_draw_messages(SDL_Renderer *ren, const struct viz_scene *s)
{
    draw_flights(ren, s, &s->run->kmsgs, true);
    draw_flights(ren, s, &s->run->msgs, false);
}
