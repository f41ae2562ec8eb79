/*
 * viz_draw_msgs.c - messages in flight: each message between two nodes
 * is a dot travelling from the sender's node to the receiver's, from its
 * `send` to its `deliver` (or `drop`), trailing a faint line back to the
 * sender, so its direction shows. A ring's token is one dot going round.
 * Messages within a node are not drawn. Only messages that can be in the
 * air are looked at (viz_msgs_window), newest first, at most
 * VIZ_MAX_MESSAGE_LINES a frame.
 */
#include <math.h>

#include "viz_draw.h"
#include "viz_scene.h"

/* Where the message ends: known once it arrived; before (a live run)
 * the receiver's node now. VIZ_NOWHERE if unknown. */
static uint32_t msg_target(const struct viz_scene *s, const struct viz_msg *m)
{
    if (m->end != VIZ_MSG_IN_FLIGHT)
        return m->to_node;
    const struct viz_state *st = &s->cur.st;
    return m->dst_proc < st->proc_cap ? st->proc_node[m->dst_proc] : VIZ_NOWHERE;
}

bool viz_message_pos(const struct viz_scene *s, uint32_t msg, float *x, float *y)
{
    const struct viz_msg *m = &s->run->msgs.v[msg];
    uint64_t t = s->cur.t_ns;
    if (m->send_ns > t || m->end_ns <= t)
        return false;
    uint32_t to = msg_target(s, m);
    if (to == VIZ_NOWHERE || to == m->from_node || to >= s->run->node_count)
        return false;
    float x0, y0, x1, y1;
    viz_cluster_node_center(s, m->from_node, &x0, &y0);
    viz_cluster_node_center(s, to, &x1, &y1);
    float f = (float)viz_flight_progress(m->send_ns, m->end_ns, t);
    *x = x0 + (x1 - x0) * f;
    *y = y0 + (y1 - y0) * f;
    return true;
}

void viz_draw_messages(SDL_Renderer *ren, const struct viz_scene *s)
{
    size_t first, last;
    viz_msgs_window(&s->run->msgs, s->cur.t_ns, &first, &last);
    float d = fmaxf(5.0f, (float)viz_px(s, 7));
    unsigned drawn = 0;
    for (size_t i = last; i-- > first && drawn < VIZ_MAX_MESSAGE_LINES;) {
        float x, y, x0, y0;
        if (!viz_message_pos(s, (uint32_t)i, &x, &y))
            continue;
        viz_cluster_node_center(s, s->run->msgs.v[i].from_node, &x0, &y0);
        viz_line(ren, x0, y0, x, y, viz_message, 110);
        viz_fill_disc(ren, x, y, d, viz_message);
        drawn++;
    }
}
