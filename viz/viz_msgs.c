/* viz_msgs.c - see viz_msgs.h. */
#include "viz_msgs.h"

#include <stdlib.h>
#include <string.h>

#include "viz_vec.h"

void viz_msgs_free(struct viz_msgs *m)
{
    free(m->v);
    free(m->pairs);
    viz_pidmap_free(&m->pair_of);
    memset(m, 0, sizeof *m);
}

static uint64_t pair_key(uint32_t src, uint32_t dst) { return (uint64_t)src << 32 | dst; }

void viz_msgs_send(struct viz_msgs *m, uint64_t t_ns, uint32_t from, uint32_t to, uint32_t src,
                   uint32_t dst, uint32_t tag)
{
    uint64_t key = pair_key(src, dst);
    uint32_t pair = viz_pidmap_get(&m->pair_of, key);
    if (pair == VIZ_NO_PROC) {
        struct viz_msg_pair fresh = {VIZ_NO_MSG, VIZ_NO_MSG};
        pair = (uint32_t)m->pair_count;
        VIZ_VEC_PUSH(m->pairs, m->pair_count, m->pair_cap, fresh);
        viz_pidmap_put(&m->pair_of, key, pair);
    }
    uint32_t idx = (uint32_t)m->n;
    struct viz_msg msg = {.send_ns = t_ns, .end_ns = UINT64_MAX, .from_node = from, .to_node = to,
                          .src = src, .dst = dst, .tag = tag, .next_of_pair = VIZ_NO_MSG,
                          .end = VIZ_MSG_IN_FLIGHT};
    VIZ_VEC_PUSH(m->v, m->n, m->cap, msg);
    struct viz_msg_pair *p = &m->pairs[pair];
    if (p->tail == VIZ_NO_MSG)
        p->head = idx;
    else
        m->v[p->tail].next_of_pair = idx;
    p->tail = idx;
}

/* Take the pair's oldest message with `tag` out of its list. */
static uint32_t unlink_tagged(struct viz_msgs *m, struct viz_msg_pair *p, uint32_t tag)
{
    uint32_t prev = VIZ_NO_MSG, i = p->head;
    while (i != VIZ_NO_MSG && m->v[i].tag != tag)
        prev = i, i = m->v[i].next_of_pair;
    if (i == VIZ_NO_MSG)
        return VIZ_NO_MSG;
    uint32_t next = m->v[i].next_of_pair;
    if (prev == VIZ_NO_MSG)
        p->head = next;
    else
        m->v[prev].next_of_pair = next;
    if (p->tail == i)
        p->tail = prev;
    m->v[i].next_of_pair = VIZ_NO_MSG;
    return i;
}

uint32_t viz_msgs_arrive(struct viz_msgs *m, uint64_t t_ns, uint32_t node, uint32_t src,
                         uint32_t dst, uint32_t tag, enum viz_msg_end how)
{
    uint32_t pair = viz_pidmap_get(&m->pair_of, pair_key(src, dst));
    if (pair == VIZ_NO_PROC)
        return VIZ_NO_MSG;
    uint32_t idx = unlink_tagged(m, &m->pairs[pair], tag);
    if (idx == VIZ_NO_MSG)
        return VIZ_NO_MSG;
    struct viz_msg *msg = &m->v[idx];
    msg->end_ns = t_ns;
    msg->to_node = node;
    msg->end = (uint8_t)how;
    if (t_ns - msg->send_ns > m->longest_ns)
        m->longest_ns = t_ns - msg->send_ns;
    return idx;
}

void viz_msgs_window(const struct viz_msgs *m, uint64_t t_ns, size_t *first, size_t *last)
{
    VIZ_COUNT_UPTO(*last, m->v, m->n, send_ns, t_ns);
    uint64_t from = t_ns > m->longest_ns ? t_ns - m->longest_ns : 0;
    if (from == 0) {
        *first = 0;
        return;
    }
    VIZ_COUNT_UPTO(*first, m->v, m->n, send_ns, from - 1);
}

double viz_flight_progress(uint64_t start_ns, uint64_t end_ns, uint64_t t_ns)
{
    if (end_ns == UINT64_MAX)
        return 0.5;
    if (t_ns <= start_ns || end_ns <= start_ns)
        return 0.0;
    if (t_ns >= end_ns)
        return 1.0;
    return (double)(t_ns - start_ns) / (double)(end_ns - start_ns);
}
