/*
 * sim_net_bcast.c - a broadcast on the LAN costs queue events only where
 * it acts.
 *
 * Every copy of a broadcast is drawn (loss, jitter, duplication, in node
 * order) and given the queue seq it would have as an event of its own,
 * so it comes out at the same place among the events of its instant
 * whichever way it is carried. A copy whose receiver's kernel would
 * ignore it (kernel_frame_acts; RFC 826: an ARP request for another
 * node, from a sender it does not cache) is counted delivered and
 * ignored at the fanout and gets no event. That stays right only while
 * nothing the copy's arrival depends on changes before it arrives: the
 * receiver crashing or pausing, a partition or a heal, or its ARP cache
 * making an entry (kernel_frame_acts_epoch). When one of these happens
 * first, the copy is taken back (its counts undone) and queued with its
 * seq, and arrives like any other copy. So what a run writes is what it
 * would be with one event per copy, the way sim_options
 * .every_copy_to_kernel runs it (tests/test_bcast_fanout.c).
 *
 * The copies counted ahead of their arrival are kept, per broadcast, in
 * a record that lives until the last of them arrives: one queue event
 * (SIM_EV_NET_BCAST) at that copy's instant and seq, which also keeps the
 * network from looking quiet while the copies are in flight.
 */
#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"
#include "sim_net_priv.h"
#include "sim_router.h"

/* The copies of one broadcast, in node order (duplicates next to each
 * other): copy i has seq first_seq + i; those counted ahead of arrival
 * have their bit set in `ahead`. */
struct sim_bcast {
    struct sim_bcast *prev, *next; /* n->bcasts: records still in flight */
    struct sim_frame *f;
    uint64_t base_ns;   /* when it reached the switch */
    uint64_t first_seq;
    uint32_t count;
    uint64_t *ahead;    /* count bits */
    uint64_t copies[];  /* (arrival - base_ns) << 32 | receiver */
};

static bool bit_get(const uint64_t *bits, uint32_t i) { return (bits[i / 64] >> (i % 64)) & 1u; }
static void bit_clear(uint64_t *bits, uint32_t i) { bits[i / 64] &= ~(1ull << (i % 64)); }

static uint32_t copy_dst(const struct sim_bcast *b, uint32_t i) { return (uint32_t)b->copies[i]; }
static uint64_t copy_at(const struct sim_bcast *b, uint32_t i) { return b->base_ns + (b->copies[i] >> 32); }

/* Count (sign 1) or take back (sign -1) one copy of f delivered to dst
 * and ignored by its kernel. */
static void count_ahead(struct sim_net *n, const struct sim_frame *f, uint32_t dst, int sign)
{
    uint64_t frames = (uint64_t)(int64_t)sign, bytes = (uint64_t)((int64_t)sign * f->len);
    n->ports[dst].c.rx_frames += frames;
    n->ports[dst].c.rx_bytes += bytes;
    n->total.rx_frames += frames;
    n->total.rx_bytes += bytes;
    n->hooks.ignored(n->hooks.ctx, dst, sign, f->len);
    n->copies_ahead += frames;
}

/* Whether copy i arrives after the event being handled (or after the
 * point the run stopped at): its (time, seq) orders after it. */
static bool copy_after(const struct sim_bcast *b, uint32_t i, uint64_t time_ns, uint64_t seq)
{
    uint64_t at = copy_at(b, i);
    return at > time_ns || (at == time_ns && b->first_seq + i > seq);
}

void sim_net_push_copy(struct sim_net *n, struct sim_frame *f, uint64_t at, uint64_t seq, uint32_t dst)
{
    f->refs++;
    struct sim_event ev = {.time_ns = at, .seq = seq, .ptr = f, .node = dst, .kind = SIM_EV_NET_DELIVER};
    sim_queue_push_reserved(n->queue, &ev);
    n->events_queued++;
}

/* Copy i, counted ahead, will arrive as an event after all. */
static void take_back(struct sim_net *n, struct sim_bcast *b, uint32_t i)
{
    bit_clear(b->ahead, i);
    count_ahead(n, b->f, copy_dst(b, i), -1);
    sim_net_push_copy(n, b->f, copy_at(b, i), b->first_seq + i, copy_dst(b, i));
}

/* The first copy for dst in b (copies are in node order), or b->count. */
static uint32_t first_copy_of(const struct sim_bcast *b, uint32_t dst)
{
    uint32_t lo = 0, hi = b->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (copy_dst(b, mid) < dst)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Take back dst's copies still to arrive (every node's when dst is
 * SIM_NET_BROADCAST); with `if_acts`, only those its kernel would now act
 * on. */
static void take_back_node(struct sim_net *n, uint32_t dst, bool if_acts)
{
    uint64_t now = n->queue->popped_time_ns, seq = n->queue->popped_seq;
    for (struct sim_bcast *b = n->bcasts; b != NULL; b = b->next) {
        bool all = dst == SIM_NET_BROADCAST;
        uint32_t i = all ? 0 : first_copy_of(b, dst);
        bool acts_checked = false;
        for (; i < b->count && (all || copy_dst(b, i) == dst); i++) {
            if (!bit_get(b->ahead, i) || !copy_after(b, i, now, seq))
                continue;
            if (if_acts && !acts_checked) {
                if (n->hooks.ignores(n->hooks.ctx, dst, b->f->bytes, b->f->len))
                    break;
                acts_checked = true;
            }
            take_back(n, b, i);
        }
    }
}

void sim_net_recheck(struct sim_net *n, uint32_t node) { take_back_node(n, node, true); }

void sim_net_take_back(struct sim_net *n, uint32_t node) { take_back_node(n, node, false); }

void sim_net_stop(struct sim_net *n, uint64_t time_ns, uint64_t seq)
{
    for (struct sim_bcast *b = n->bcasts; b != NULL; b = b->next)
        for (uint32_t i = 0; i < b->count; i++)
            if (bit_get(b->ahead, i) && copy_after(b, i, time_ns, seq)) {
                bit_clear(b->ahead, i);
                count_ahead(n, b->f, copy_dst(b, i), -1);
            }
}

void sim_net_bcast_free(struct sim_net *n, struct sim_bcast *b)
{
    if (b->prev != NULL)
        b->prev->next = b->next;
    else
        n->bcasts = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
    sim_frame_release(b->f);
    free(b);
}

/* Whether copy (at, dst) of f can be counted now instead of queued. */
static bool can_count_ahead(struct sim_net *n, const struct sim_frame *f, uint64_t offset_ns, uint32_t dst)
{
    return n->hooks.ignores != NULL && offset_ns <= UINT32_MAX && !n->ports[dst].holding &&
           n->hooks.ignores(n->hooks.ctx, dst, f->bytes, f->len);
}

static struct sim_bcast *bcast_new(struct sim_net *n, struct sim_frame *f, uint64_t now, uint64_t first_seq,
                                   uint32_t count)
{
    size_t words = (count + 63) / 64;
    struct sim_bcast *b = xmalloc(sizeof *b + (count + words) * sizeof b->copies[0]);
    f->refs++;
    *b = (struct sim_bcast){.next = n->bcasts, .f = f, .base_ns = now, .first_seq = first_seq, .count = count};
    b->ahead = b->copies + count;
    memset(b->ahead, 0, words * sizeof b->ahead[0]);
    if (n->bcasts != NULL)
        n->bcasts->prev = b;
    n->bcasts = b;
    n->bcast_records++;
    return b;
}

/* Queue or count ahead the `count` copies drawn into n->draw_at and
 * n->draw_dst. */
static void place_copies(struct sim_net *n, struct sim_frame *f, uint64_t now, uint32_t count)
{
    uint64_t first_seq = sim_queue_reserve(n->queue, count);
    struct sim_bcast *b = NULL;
    uint32_t last = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = n->draw_at[i];
        uint32_t dst = n->draw_dst[i];
        if (!can_count_ahead(n, f, at - now, dst)) {
            sim_net_push_copy(n, f, at, first_seq + i, dst);
            continue;
        }
        if (b == NULL) {
            b = bcast_new(n, f, now, first_seq, count);
            last = i;
        }
        b->ahead[i / 64] |= 1ull << (i % 64);
        count_ahead(n, f, dst, 1);
        if (at >= n->draw_at[last])
            last = i;
    }
    if (b == NULL)
        return;
    for (uint32_t i = 0; i < count; i++)
        b->copies[i] = ((n->draw_at[i] - now) << 32) | n->draw_dst[i];
    /* The record goes when its last copy counted ahead would arrive. */
    struct sim_event ev = {.time_ns = n->draw_at[last], .seq = first_seq + last, .ptr = b,
                           .kind = SIM_EV_NET_BCAST};
    sim_queue_push_reserved(n->queue, &ev);
    n->events_queued++;
}

/* The broadcast reaches the switch's ports: every other live node the
 * sender can reach gets a copy (loss, jitter and duplication drawn in
 * node order). Takes over the caller's reference to f. */
void sim_net_fanout(struct sim_net *n, struct sim_frame *f, uint64_t now)
{
    /* A rack topology floods the sender's rack only, and its ToR. */
    uint32_t first = 0, end = n->node_count;
    if (n->topo != NULL) {
        first = sim_topology_rack(n->topo, f->src) * n->topo->per_rack;
        end = first + n->topo->per_rack;
    }
    uint32_t count = 0;
    for (uint32_t dst = first; dst < end; dst++) {
        if (dst == f->src || sim_net_blocked(n, f->src, dst) || !n->hooks.node_up(n->hooks.ctx, dst))
            continue;
        uint64_t at[2];
        uint32_t copies = sim_net_draw_copies(n, f, dst, at);
        for (uint32_t c = 0; c < copies; c++) {
            n->draw_at[count] = at[c];
            n->draw_dst[count++] = dst;
        }
    }
    if (n->topo != NULL)
        sim_router_broadcast(n, f, now);
    place_copies(n, f, now, count);
    sim_frame_release(f);
}
