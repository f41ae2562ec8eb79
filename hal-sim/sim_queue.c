/*
 * sim_queue.c - see sim_queue.h. A plain array heap: children of i are
 * 2i+1 and 2i+2. Sifting moves a hole rather than swapping, so each level
 * costs one copy.
 */
#include "sim_queue.h"

#include <stdlib.h>

#include "host/xalloc.h"

static inline bool event_before(const struct sim_event *a, const struct sim_event *b)
{
    if (a->time_ns != b->time_ns)
        return a->time_ns < b->time_ns;
    return a->seq < b->seq;
}

void sim_queue_init(struct sim_queue *q)
{
    q->heap = NULL;
    q->len = q->cap = 0;
    q->next_seq = 0;
    q->popped_time_ns = q->popped_seq = 0;
}

void sim_queue_free(struct sim_queue *q)
{
    free(q->heap);
    sim_queue_init(q);
}

uint64_t sim_queue_push(struct sim_queue *q, const struct sim_event *ev)
{
    struct sim_event e = *ev;
    e.seq = q->next_seq++;
    sim_queue_push_reserved(q, &e);
    return e.seq;
}

uint64_t sim_queue_reserve(struct sim_queue *q, uint64_t count)
{
    uint64_t first = q->next_seq;
    q->next_seq += count;
    return first;
}

void sim_queue_push_reserved(struct sim_queue *q, const struct sim_event *ev)
{
    if (q->len == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 1024;
        q->heap = xrealloc(q->heap, q->cap * sizeof q->heap[0]);
    }
    struct sim_event e = *ev;
    size_t i = q->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!event_before(&e, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = e;
}

bool sim_queue_pop(struct sim_queue *q, struct sim_event *out)
{
    if (q->len == 0)
        return false;
    *out = q->heap[0];
    q->popped_time_ns = out->time_ns;
    q->popped_seq = out->seq;
    struct sim_event last = q->heap[--q->len];
    size_t n = q->len, i = 0;
    if (n == 0)
        return true;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && event_before(&q->heap[child + 1], &q->heap[child]))
            child++;
        if (!event_before(&q->heap[child], &last))
            break;
        q->heap[i] = q->heap[child];
        i = child;
    }
    q->heap[i] = last;
    return true;
}

const struct sim_event *sim_queue_peek(const struct sim_queue *q)
{
    return q->len ? &q->heap[0] : NULL;
}
