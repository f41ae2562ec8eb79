/*
 * test_transport.c - the cluster protocol's reliable delivery between test
 * kernels. A shuttle moves frames between the nodes' fake HALs through a
 * model LAN with loss, duplication, delay jitter (so reordering) and
 * partitions, all drawn from a fixed-seed generator, and moves time to
 * the next frame or retransmission deadline. Every message carries its
 * sender and a per-destination counter, so the ipc upcall defined here
 * checks exactly-once, in-order delivery as it happens.
 *
 * Test kernels are assembled by hand (no kernel.c): fake HAL, network
 * stack and transport; the ipc upcalls are this file's.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/bytes.h"
#include "core/cluster.h"
#include "core/frame.h"
#include "core/kernel_priv.h"
#include "core/net.h"
#include "core/session.h"
#include "core/transport.h"
#include "tests/fake_hal.h"

#define MAX_NODES 4
#define WIRE_MAX 20000

struct node {
    struct fake_hal f;
    struct kernel k;
    int up;
    uint32_t boots;
};

struct wire_frame {
    uint64_t due_ns;
    uint64_t order; /* ties in due time go in sending order */
    int dst;
    uint32_t len;
    uint8_t bytes[HAL_NET_MAX_FRAME];
};

struct world {
    struct node nodes[MAX_NODES];
    int count;
    uint64_t now;
    uint32_t rng;
    /* the LAN */
    uint32_t loss_pct, dup_pct;
    uint64_t latency_ns, jitter_ns;
    int blocked[MAX_NODES][MAX_NODES]; /* drop frames from i to j */
    int mute[MAX_NODES];               /* drop node i's cluster datagrams (ARP passes) */
    struct wire_frame *wire;
    uint32_t wire_len;
    uint64_t wire_order;
    uint64_t trace_hash; /* FNV-1a of every frame put on the wire */
    /* the applications: counters sent and expected per (sender, receiver) */
    uint32_t to_send[MAX_NODES][MAX_NODES];
    uint32_t next_send[MAX_NODES][MAX_NODES];
    uint32_t expect[MAX_NODES][MAX_NODES];
    uint32_t delivered[MAX_NODES][MAX_NODES];
    uint32_t resets[MAX_NODES][MAX_NODES]; /* ipc_on_peer_reset(k of i, node j) */
    uint32_t abandoned[MAX_NODES][MAX_NODES]; /* ipc_on_peer_abandoned(k of i, node j) */
    int allow_gaps;                        /* after a reset, lost messages are expected */
    int echo;                              /* receivers answer each message from inside the upcall */
    uint32_t drop_seq_once;                /* lose node 0's first message with this seq */
    uint32_t craft_epoch;                  /* craft_frame's sender epoch, if not 0 */
    uint32_t craft_ack;                    /* craft_frame's cumulative ack */
    int resend_on_reset;                   /* ipc_on_peer_reset sends to the peer again */
    int raw;                               /* messages are W.raw_payload, types up to raw_type */
    uint8_t raw_type;
    uint32_t raw_count;
    uint8_t raw_payload[CLUSTER_PAYLOAD_MAX];
};

static struct world W;

static uint32_t rng(void)
{
    W.rng ^= W.rng << 13;
    W.rng ^= W.rng >> 17;
    W.rng ^= W.rng << 5;
    return W.rng;
}

static int node_of_kernel(const struct kernel *k)
{
    for (int i = 0; i < W.count; i++)
        if (&W.nodes[i].k == k)
            return i;
    cr_assert_fail("upcall from an unknown kernel");
    return -1;
}

/* Payload: sender (2), counter (4), then counter-derived filler of a
 * counter-dependent length, so sizes vary and corruption would show. */
static uint32_t make_payload(uint8_t *p, int src, uint32_t counter)
{
    put_be16(p, (uint16_t)src);
    put_be32(p + 2, counter);
    uint32_t len = 6 + (counter * 37u) % 300u;
    for (uint32_t i = 6; i < len; i++)
        p[i] = (uint8_t)(counter + i);
    return len;
}

static int app_send(int src, int dst)
{
    uint8_t p[CLUSTER_PAYLOAD_MAX];
    uint32_t counter = W.next_send[src][dst];
    uint32_t len = make_payload(p, src, counter);
    int rc = transport_send(&W.nodes[src].k, (uint16_t)dst, 16, p, len);
    if (rc == 0)
        W.next_send[src][dst]++;
    return rc;
}

void ipc_on_cluster_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                            uint32_t len)
{
    int me = node_of_kernel(k);
    cr_assert(src_node < W.count && src_node != me);
    if (W.raw) {
        cr_assert_eq(len, CLUSTER_PAYLOAD_MAX);
        cr_assert_eq(memcmp(payload, W.raw_payload, len), 0);
        cr_assert_eq(type, W.raw_count == 0 ? 200 : 255);
        W.raw_count++;
        return;
    }
    cr_assert_eq(type, 16);
    cr_assert(len >= 6);
    cr_assert_eq(get_be16(payload), src_node);
    uint32_t counter = get_be32(payload + 2);
    uint8_t want[CLUSTER_PAYLOAD_MAX];
    cr_assert_eq(make_payload(want, src_node, counter), len);
    cr_assert_eq(memcmp(want, payload, len), 0);
    if (W.allow_gaps)
        cr_assert(counter >= W.expect[src_node][me],
                  "node %d got %u from %u twice or out of order (want >= %u)", me, counter, src_node,
                  W.expect[src_node][me]);
    else
        cr_assert_eq(counter, W.expect[src_node][me], "node %d got %u from %u, want %u", me, counter,
                     src_node, W.expect[src_node][me]);
    W.expect[src_node][me] = counter + 1;
    W.delivered[src_node][me]++;
    if (W.echo && W.next_send[me][src_node] < W.to_send[me][src_node])
        (void)app_send(me, src_node); /* re-entering the transport from its upcall */
}

void ipc_on_peer_reset(struct kernel *k, uint16_t node, bool restarted)
{
    (void)restarted;
    int me = node_of_kernel(k);
    cr_assert(node < W.count && node != me);
    W.resets[me][node]++;
    if (W.resend_on_reset)
        cr_assert_eq(app_send(me, node), 0); /* re-entering the transport from its upcall */
}

void ipc_on_peer_abandoned(struct kernel *k, uint16_t node)
{
    int me = node_of_kernel(k);
    cr_assert(node < W.count && node != me);
    W.abandoned[me][node]++;
}

/* ---- nodes ---- */

static uint32_t epoch_of(int i, uint32_t boots)
{
    return 0x1000u * (uint32_t)(i + 1) + boots;
}

static void node_boot(int i)
{
    struct node *n = &W.nodes[i];
    memset(&n->k, 0, sizeof n->k);
    n->k.hal = n->f.hal;
    n->k.node_id = (uint16_t)i;
    n->k.epoch = epoch_of(i, ++n->boots);
    n->f.hal.net->get_mac(n->f.hal.ctx, n->k.mac);
    n->k.ipv4 = net_node_ipv4((uint16_t)i);
    n->f.now_ns = W.now;
    n->f.frame_count = 0;
    cr_assert_eq(netstack_init(&n->k), 0);
    cr_assert_eq(transport_init(&n->k), 0);
    n->up = 1;
}

static void node_halt(int i)
{
    struct node *n = &W.nodes[i];
    transport_destroy(&n->k);
    netstack_destroy(&n->k);
    kalloc_release_all(&n->k);
    cr_assert_eq(n->f.pages_in_use, 0, "node %d leaked %u pages", i, n->f.pages_in_use);
    n->up = 0;
}

static void world_init(int count, uint32_t seed)
{
    free(W.wire);
    memset(&W, 0, sizeof W);
    W.count = count;
    W.rng = seed;
    W.latency_ns = 100000; /* 100 us */
    W.wire = malloc(WIRE_MAX * sizeof *W.wire);
    for (int i = 0; i < count; i++) {
        fake_hal_init(&W.nodes[i].f, (uint16_t)i);
        node_boot(i);
    }
}

static void world_fini(void)
{
    for (int i = 0; i < W.count; i++)
        if (W.nodes[i].up)
            node_halt(i);
    free(W.wire);
    W.wire = NULL;
}

/* ---- the LAN ---- */

static int node_by_mac(const uint8_t *mac)
{
    for (int j = 0; j < W.count; j++)
        if (memcmp(W.nodes[j].f.mac, mac, 6) == 0)
            return j;
    return -1;
}

/* Whether frame is node 0's first transmission of W.drop_seq_once. */
static bool drop_chosen(int src, const uint8_t *frame, uint32_t len)
{
    const uint8_t *c = frame + 14 + 20 + 8;
    if (W.drop_seq_once == 0 || src != 0 || len < 14 + 20 + 8 + 32 || get_be16(c) != 0x434E ||
        c[3] == CLUSTER_MSG_ACK || get_be32(c + 16) != W.drop_seq_once)
        return false;
    W.drop_seq_once = 0;
    return true;
}

static bool is_cluster_datagram(const uint8_t *frame, uint32_t len)
{
    return len >= 14 + 20 + 8 + 32 && get_be16(frame + 14 + 20 + 8) == 0x434E;
}

static void wire_put(int src, int dst, const uint8_t *frame, uint32_t len)
{
    if (W.blocked[src][dst] || (W.mute[src] && is_cluster_datagram(frame, len)) || drop_chosen(src, frame, len) || rng() % 100 < W.loss_pct)
        return;
    int copies = rng() % 100 < W.dup_pct ? 2 : 1;
    for (int c = 0; c < copies; c++) {
        cr_assert(W.wire_len < WIRE_MAX, "the wire overflowed");
        struct wire_frame *w = &W.wire[W.wire_len++];
        w->due_ns = W.now + W.latency_ns + (W.jitter_ns ? rng() % W.jitter_ns : 0);
        w->order = W.wire_order++;
        w->dst = dst;
        w->len = len;
        memcpy(w->bytes, frame, len);
    }
}

static void hash_frame(const uint8_t *frame, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        W.trace_hash = (W.trace_hash ^ frame[i]) * 0x100000001B3ull;
}

/* Take what every node sent and put it on the wire. */
static void world_collect(void)
{
    uint8_t frame[HAL_NET_MAX_FRAME];
    for (int i = 0; i < W.count; i++) {
        uint32_t len;
        while (W.nodes[i].up && (len = fake_hal_pop_frame(&W.nodes[i].f, frame)) != 0) {
            hash_frame(frame, len);
            if (mac_is_broadcast(frame)) {
                for (int j = 0; j < W.count; j++)
                    if (j != i)
                        wire_put(i, j, frame, len);
            } else {
                int j = node_by_mac(frame);
                if (j >= 0)
                    wire_put(i, j, frame, len);
            }
        }
    }
}

static uint64_t world_next_event(void)
{
    uint64_t next = HAL_TIME_NEVER;
    for (uint32_t w = 0; w < W.wire_len; w++)
        if (W.wire[w].due_ns < next)
            next = W.wire[w].due_ns;
    for (int i = 0; i < W.count; i++) {
        if (!W.nodes[i].up)
            continue;
        uint64_t d = transport_next_deadline(&W.nodes[i].k);
        if (d < next)
            next = d;
    }
    return next;
}

static void world_set_time(uint64_t t)
{
    W.now = t;
    for (int i = 0; i < W.count; i++)
        W.nodes[i].f.now_ns = t;
}

/* Deliver the frame due first (ties: sent first); 0 if none is due. */
static int world_deliver_one(void)
{
    int best = -1;
    for (uint32_t w = 0; w < W.wire_len; w++) {
        struct wire_frame *c = &W.wire[w];
        if (c->due_ns > W.now)
            continue;
        if (best < 0 || c->due_ns < W.wire[best].due_ns ||
            (c->due_ns == W.wire[best].due_ns && c->order < W.wire[best].order))
            best = (int)w;
    }
    if (best < 0)
        return 0;
    static struct wire_frame frame;
    frame = W.wire[best];
    W.wire[best] = W.wire[--W.wire_len];
    if (W.nodes[frame.dst].up)
        netstack_on_frame(&W.nodes[frame.dst].k, frame.bytes, frame.len);
    world_collect();
    return 1;
}

/* Let the applications send what they still have, as far as the
 * transport takes it. */
static void world_feed(void)
{
    for (int i = 0; i < W.count; i++)
        for (int j = 0; j < W.count; j++)
            while (W.nodes[i].up && W.next_send[i][j] < W.to_send[i][j] && !(W.echo && W.next_send[i][j] > 0))
                if (app_send(i, j) != 0)
                    break;
    world_collect();
}

/* Advance to the next event and handle everything due then. 0 when
 * nothing at all is pending, or time would pass `until`. */
static int world_step(uint64_t until)
{
    world_feed();
    uint64_t next = world_next_event();
    if (next == HAL_TIME_NEVER || next > until)
        return 0;
    if (next > W.now)
        world_set_time(next);
    while (world_deliver_one())
        ;
    for (int i = 0; i < W.count; i++) {
        if (W.nodes[i].up && transport_next_deadline(&W.nodes[i].k) <= W.now) {
            transport_on_timer(&W.nodes[i].k);
            world_collect();
        }
    }
    return 1;
}

static void world_run(uint64_t until)
{
    while (world_step(until))
        ;
    if (until != HAL_TIME_NEVER && W.now < until)
        world_set_time(until);
}

static uint64_t total_stat(size_t offset)
{
    uint64_t sum = 0;
    for (int i = 0; i < W.count; i++)
        sum += *(const uint64_t *)((const uint8_t *)&W.nodes[i].k.stats + offset);
    return sum;
}
#define TOTAL(field) total_stat(offsetof(struct kernel_stats, field))

static void expect_all_delivered(void)
{
    for (int i = 0; i < W.count; i++)
        for (int j = 0; j < W.count; j++)
            cr_assert_eq(W.delivered[i][j], W.to_send[i][j], "%d->%d: %u of %u delivered", i, j,
                         W.delivered[i][j], W.to_send[i][j]);
}

static void expect_quiet(void)
{
    for (int i = 0; i < W.count; i++)
        if (W.nodes[i].up)
            cr_assert_eq(transport_next_deadline(&W.nodes[i].k), HAL_TIME_NEVER, "node %d still has a timer",
                         i);
}

TestSuite(transport, .fini = world_fini);

/* ---- tests ---- */

Test(transport, two_nodes_in_order)
{
    world_init(2, 1);
    W.to_send[0][1] = 10;
    world_run(HAL_TIME_NEVER);
    expect_all_delivered();
    expect_quiet();
    cr_assert_eq(TOTAL(retransmits), 0);
    cr_assert_eq(TOTAL(peer_resets), 0);
    cr_assert_eq(TOTAL(frames_bad), 0);
    cr_assert(W.nodes[0].k.stats.frames_tx > 0 && W.nodes[1].k.stats.frames_rx > 0);
}

Test(transport, first_datagram_carries_header_fields)
{
    world_init(2, 1);
    uint8_t p[16], frame[HAL_NET_MAX_FRAME];
    uint32_t len = make_payload(p, 0, 0);
    cr_assert_eq(transport_send(&W.nodes[0].k, 1, 16, p, len), 0);
    /* ARP first; answer it by hand, then look at the datagram. */
    cr_assert_eq(fake_hal_pop_frame(&W.nodes[0].f, frame), 60);
    netstack_on_frame(&W.nodes[1].k, frame, 60);
    uint32_t n = fake_hal_pop_frame(&W.nodes[1].f, frame);
    netstack_on_frame(&W.nodes[0].k, frame, n);
    n = fake_hal_pop_frame(&W.nodes[0].f, frame);
    cr_assert(n > 0);
    const uint8_t *c = frame + 14 + 20 + 8;
    cr_assert_eq(get_be16(c), 0x434E);
    cr_assert_eq(c[2], 1);
    cr_assert_eq(c[3], 16);
    cr_assert_eq(get_be16(c + 4), 0);
    cr_assert_eq(get_be16(c + 6), 1);
    cr_assert_eq(get_be32(c + 8), W.nodes[0].k.epoch);
    cr_assert_eq(get_be32(c + 12), 0, "peer epoch not yet known");
    cr_assert_eq(get_be32(c + 16), 1);
    cr_assert_eq(get_be32(c + 20), 0);
    cr_assert_eq(get_be16(c + 24), len);
    cr_assert_eq(get_be16(c + 26), CLUSTER_FLAG_OPENING);
    /* The receiver delivers and acknowledges at once. */
    netstack_on_frame(&W.nodes[1].k, frame, n);
    cr_assert_eq(W.delivered[0][1], 1);
    n = fake_hal_pop_frame(&W.nodes[1].f, frame);
    c = frame + 14 + 20 + 8;
    cr_assert_eq(c[3], CLUSTER_MSG_ACK);
    cr_assert_eq(get_be32(c + 12), W.nodes[0].k.epoch);
    cr_assert_eq(get_be32(c + 20), 1);
    netstack_on_frame(&W.nodes[0].k, frame, n);
    cr_assert_eq(transport_next_deadline(&W.nodes[0].k), HAL_TIME_NEVER);
}

static void lossy_run(uint32_t seed, int nodes, uint32_t per_pair)
{
    world_init(nodes, seed);
    W.loss_pct = 20;
    W.dup_pct = 10;
    W.jitter_ns = 300000; /* 3x the latency: plenty of reordering */
    for (int i = 0; i < nodes; i++)
        for (int j = 0; j < nodes; j++)
            if (i != j)
                W.to_send[i][j] = per_pair;
    world_run(HAL_TIME_NEVER);
    expect_all_delivered();
    expect_quiet();
    cr_assert_eq(TOTAL(peer_resets), 0);
    cr_assert_eq(TOTAL(frames_bad), 0);
    /* Efficiency, not just correctness: with 20% of frames lost, a loss
     * costs about one retransmission, and repairs rarely wait for a timeout. */
    uint64_t messages = (uint64_t)nodes * (uint64_t)(nodes - 1) * per_pair;
    cr_assert(TOTAL(retransmits) > 0);
    cr_assert(TOTAL(retransmits) * 10 <= messages * 4, "%lu retransmissions for %lu messages",
              (unsigned long)TOTAL(retransmits), (unsigned long)messages);
    cr_assert(W.now < 5000000000ull, "took %lu ns", (unsigned long)W.now);
}

Test(transport, lossy_duplicating_reordering_two_nodes)
{
    for (uint32_t seed = 1; seed <= 5; seed++) {
        lossy_run(seed * 7919u, 2, 500);
        world_fini();
    }
}

/* One message of a window lost: the acks the later ones draw repeat the
 * ack before it, and the third repeat resends it at once, long before the
 * retransmission timeout would. */
Test(transport, three_duplicate_acks_repair_a_loss_before_the_timeout)
{
    world_init(2, 5);
    W.drop_seq_once = 3;
    W.to_send[0][1] = 20;
    world_run(HAL_TIME_NEVER);
    expect_all_delivered();
    cr_assert_eq(W.drop_seq_once, 0u, "message 3 was sent");
    cr_assert_eq(W.nodes[0].k.stats.retransmits, 1u);
    cr_assert_lt(W.now, TRANSPORT_RTO_INITIAL_NS, "the repair waited for the timeout: done at %llu ns",
                 (unsigned long long)W.now);
}

Test(transport, lossy_three_nodes)
{
    lossy_run(42, 3, 400);
}

Test(transport, replies_from_the_upcall)
{
    world_init(2, 99);
    W.loss_pct = 10;
    W.jitter_ns = 200000;
    W.echo = 1;
    W.to_send[0][1] = 300;
    W.to_send[1][0] = 300;
    world_run(HAL_TIME_NEVER);
    expect_all_delivered();
    expect_quiet();
}

Test(transport, same_seed_same_bytes)
{
    uint64_t hash[2];
    for (int run = 0; run < 2; run++) {
        lossy_run(1234, 3, 100);
        hash[run] = W.trace_hash;
        world_fini();
    }
    cr_assert_eq(hash[0], hash[1]);
}

Test(transport, duplicate_frame_is_delivered_once)
{
    world_init(2, 3);
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER);
    /* Replay node 0's data frame by hand: ARP known, so it is the first frame. */
    W.to_send[0][1] = 2;
    world_feed();
    uint8_t frame[HAL_NET_MAX_FRAME];
    cr_assert_eq(W.wire_len, 1);
    uint32_t len = W.wire[0].len;
    memcpy(frame, W.wire[0].bytes, len);
    for (int i = 0; i < 3; i++)
        netstack_on_frame(&W.nodes[1].k, frame, len);
    cr_assert_eq(W.delivered[0][1], 2);
    cr_assert_eq(W.nodes[1].f.frame_count, 3, "every copy acknowledged");
    W.wire_len = 0;
    W.nodes[1].f.frame_count = 0;
    world_run(HAL_TIME_NEVER);
    expect_all_delivered();
}

/* A datagram from node `src` to node `dst` as src's transport would send
 * it; W.craft_epoch, when set, stands in for src's epoch. */
static uint32_t craft_frame(uint8_t *frame, int src, int dst, uint8_t type, uint32_t seq,
                            const uint8_t *payload, uint16_t len)
{
    uint8_t dgram[UDP_PAYLOAD_MAX];
    struct kernel *ks = &W.nodes[src].k, *kd = &W.nodes[dst].k;
    struct cluster_header h = {.type = type,
                               .src_node = (uint16_t)src,
                               .dst_node = (uint16_t)dst,
                               .src_epoch = W.craft_epoch ? W.craft_epoch : ks->epoch,
                               .dst_epoch = kd->epoch,
                               .seq = seq,
                               .ack = W.craft_ack,
                               .payload_len = len};
    uint32_t dlen = cluster_encode(&h, payload, dgram);
    struct frame_ipv4_addr a = {kd->mac, ks->mac, ks->ipv4, kd->ipv4, 1};
    return frame_build_udp(frame, &a, NET_CLUSTER_UDP_PORT, NET_CLUSTER_UDP_PORT, dgram, dlen);
}

static uint32_t craft_message(uint8_t *frame, int src, int dst, uint32_t seq, uint32_t counter)
{
    uint8_t p[CLUSTER_PAYLOAD_MAX];
    uint32_t len = make_payload(p, src, counter);
    return craft_frame(frame, src, dst, 16, seq, p, (uint16_t)len);
}

/* The last ack node `i` sent: its cumulative ack and the seq it echoes. */
static void last_ack(int i, uint32_t *ack, uint32_t *echo)
{
    uint8_t frame[HAL_NET_MAX_FRAME];
    uint32_t len = 0, n;
    while ((n = fake_hal_pop_frame(&W.nodes[i].f, frame)) != 0)
        len = n;
    cr_assert(len > 0, "node %d sent no ack", i);
    const uint8_t *c = frame + 14 + 20 + 8;
    cr_assert_eq(c[3], CLUSTER_MSG_ACK);
    *ack = get_be32(c + 20);
    *echo = get_be32(c + 16);
}

Test(transport, early_messages_wait_for_the_gap)
{
    world_init(2, 51);
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER); /* seq 1 delivered, ARP resolved */
    uint8_t frame[HAL_NET_MAX_FRAME];
    uint32_t ack, echo;
    struct kernel *k1 = &W.nodes[1].k;
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 3, 2));
    last_ack(1, &ack, &echo);
    cr_assert_eq(ack, 1);
    cr_assert_eq(echo, 3);
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 4, 3));
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 4, 3)); /* held twice: kept once */
    cr_assert_eq(W.delivered[0][1], 1, "held, not delivered");
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 2, 1));
    cr_assert_eq(W.delivered[0][1], 4, "the gap filled: all three, in order");
    last_ack(1, &ack, &echo);
    cr_assert_eq(ack, 4);
    cr_assert_eq(echo, 2);
    /* Far ahead of the window: not held (the sender resends it). */
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 5 + TRANSPORT_WINDOW, 99));
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 5, 4));
    cr_assert_eq(W.delivered[0][1], 5);
    cr_assert_eq(W.expect[0][1], 5);
}

Test(transport, skip_ranges_are_passed_over_once)
{
    world_init(2, 53);
    W.allow_gaps = 1;
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER);
    uint8_t frame[HAL_NET_MAX_FRAME], last[4];
    uint32_t ack, echo;
    struct kernel *k1 = &W.nodes[1].k;
    /* seq 6 arrives before the SKIP of 2..5 that precedes it. */
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 6, 10));
    cr_assert_eq(W.delivered[0][1], 1);
    put_be32(last, 5);
    cr_assert_eq(W.abandoned[1][0], 0);
    netstack_on_frame(k1, frame, craft_frame(frame, 0, 1, CLUSTER_MSG_SKIP, 2, last, 4));
    cr_assert_eq(W.delivered[0][1], 2);
    cr_assert_eq(W.abandoned[1][0], 1, "the kernel hears of it");
    last_ack(1, &ack, &echo);
    cr_assert_eq(ack, 6);
    /* A late copy of an abandoned message is a duplicate. */
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 3, 5));
    cr_assert_eq(W.delivered[0][1], 2);
    netstack_on_frame(k1, frame, craft_frame(frame, 0, 1, CLUSTER_MSG_SKIP, 2, last, 4));
    cr_assert_eq(W.abandoned[1][0], 1, "a duplicate SKIP is not news");
    /* A SKIP overlapping what arrived moves on from where we are. */
    put_be32(last, 9);
    netstack_on_frame(k1, frame, craft_frame(frame, 0, 1, CLUSTER_MSG_SKIP, 5, last, 4));
    netstack_on_frame(k1, frame, craft_message(frame, 0, 1, 10, 11));
    cr_assert_eq(W.delivered[0][1], 3);
    cr_assert_eq(W.abandoned[1][0], 2);
    last_ack(1, &ack, &echo);
    cr_assert_eq(ack, 10);
    cr_assert_eq(TOTAL(frames_bad), 0);
}

Test(transport, send_checks_arguments)
{
    world_init(2, 5);
    uint8_t big[CLUSTER_PAYLOAD_MAX + 1] = {0};
    struct kernel *k = &W.nodes[0].k;
    cr_assert_eq(transport_send(k, 0, 16, big, 1), ERR_INVALID, "never to ourselves");
    cr_assert_eq(transport_send(k, 1, 15, big, 1), ERR_INVALID, "transport types are not the kernel's");
    cr_assert_eq(transport_send(k, 1, CLUSTER_MSG_ACK, big, 0), ERR_INVALID);
    cr_assert_eq(transport_send(k, 1, 16, NULL, 4), ERR_INVALID);
    cr_assert_eq(transport_send(k, 1, 16, big, CLUSTER_PAYLOAD_MAX + 1), ERR_TOO_BIG);
    cr_assert_eq(transport_send(k, 1, 255, big, CLUSTER_PAYLOAD_MAX), 0);
    cr_assert_eq(transport_send(k, 1, 16, NULL, 0), 0);
}

/* Largest messages arrive whole, with any kernel type. */
Test(transport, full_size_messages)
{
    world_init(2, 8);
    W.raw = 1;
    for (uint32_t i = 0; i < sizeof W.raw_payload; i++)
        W.raw_payload[i] = (uint8_t)(i ^ 0x5A);
    W.raw_type = 200;
    cr_assert_eq(transport_send(&W.nodes[0].k, 1, 200, W.raw_payload, CLUSTER_PAYLOAD_MAX), 0);
    W.raw_type = 255;
    cr_assert_eq(transport_send(&W.nodes[0].k, 1, 255, W.raw_payload, CLUSTER_PAYLOAD_MAX), 0);
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.raw_count, 2);
    cr_assert(W.nodes[0].k.stats.bytes_tx > 2 * CLUSTER_PAYLOAD_MAX);
}

Test(transport, window_and_queue_full_is_busy)
{
    world_init(2, 11);
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER); /* resolves ARP both ways */
    uint32_t limit = TRANSPORT_WINDOW + TRANSPORT_QUEUE_MAX;
    for (uint32_t i = 0; i < limit; i++)
        cr_assert_eq(app_send(0, 1), 0, "message %u refused", i);
    cr_assert_eq(app_send(0, 1), ERR_BUSY);
    cr_assert_eq(W.nodes[0].f.frame_count, TRANSPORT_WINDOW, "only the window is in flight");
    W.to_send[0][1] = W.next_send[0][1];
    world_run(HAL_TIME_NEVER);
    expect_all_delivered();
    cr_assert_eq(TOTAL(retransmits), 0);
}

Test(transport, retransmission_backs_off_exponentially)
{
    world_init(2, 13);
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER);
    W.blocked[0][1] = 1;
    uint64_t start = W.now;
    cr_assert_eq(app_send(0, 1), 0);
    world_collect();
    struct kernel *k = &W.nodes[0].k;
    /* The first wait is the RTO itself; each later one twice the last
     * (at most 1 s) plus a random 0 to 1/4 of that (TRANSPORT_RTO_JITTER_DIV). */
    uint64_t rto = TRANSPORT_RTO_INITIAL_NS, at = start, jittered = 0;
    cr_assert_eq(transport_next_deadline(k), start + rto, "the first timeout");
    uint32_t i = 0;
    for (; transport_next_deadline(k) - start < TRANSPORT_SUSPECT_TIMEOUT_NS; i++) {
        uint64_t wait = transport_next_deadline(k) - at;
        cr_assert(wait >= rto && wait <= rto + rto / TRANSPORT_RTO_JITTER_DIV, "timeout %u: waited %llu ns for %llu",
                  i, (unsigned long long)wait, (unsigned long long)rto);
        jittered += wait != rto;
        at += wait;
        world_set_time(at);
        transport_on_timer(k);
        world_collect();
        cr_assert_eq(k->stats.retransmits, i + 1);
        cr_assert_eq(W.nodes[0].f.trace_counts[HAL_TRACE_RETRANSMIT], i + 1);
        rto = rto * 2 > TRANSPORT_RTO_MAX_NS ? TRANSPORT_RTO_MAX_NS : rto * 2;
    }
    cr_assert_gt(jittered, 5, "the waits are jittered");
    cr_assert_eq(W.resets[0][1], 0);
    cr_assert(i == 10 || i == 11, "11 timeouts from a 5 ms RTO (10 when the jitter adds up), got %u", i);
    world_set_time(transport_next_deadline(k));
    transport_on_timer(k);
    cr_assert_eq(W.resets[0][1], 1, "unreachable after the last timeout");
    cr_assert(W.now - start >= TRANSPORT_SUSPECT_TIMEOUT_NS &&
                  W.now - start <= TRANSPORT_SUSPECT_TIMEOUT_NS + TRANSPORT_RTO_MAX_NS * 5 / 4,
              "the documented silence: 5 to 6.25 s, got %llu ns", (unsigned long long)(W.now - start));
    cr_assert_eq(k->stats.peer_resets, 1);
    cr_assert_eq(W.nodes[0].f.trace_counts[HAL_TRACE_PEER_RESET], 1);
    cr_assert_eq(transport_next_deadline(k), HAL_TIME_NEVER, "a dead peer is not probed for ever");
}

Test(transport, slow_link_adapts_the_timeout)
{
    world_init(2, 17);
    W.latency_ns = 40000000; /* 40 ms each way: far above the initial timeout */
    for (int m = 0; m < 50; m++) {
        W.to_send[0][1]++;
        world_run(HAL_TIME_NEVER);
    }
    expect_all_delivered();
    uint64_t early = W.nodes[0].k.stats.retransmits;
    cr_assert(early < 10, "only the first messages retransmit early (%lu)", (unsigned long)early);
    cr_assert_eq(TOTAL(peer_resets), 0);
}

/* A partition that loses only the acknowledgements: the receiver has
 * everything, the sender gives up, and afterwards nothing is delivered twice. */
Test(transport, partition_losing_acks_then_heal)
{
    world_init(2, 19);
    W.allow_gaps = 1;
    W.to_send[0][1] = 5;
    world_run(HAL_TIME_NEVER);
    W.blocked[1][0] = 1;
    W.to_send[0][1] = 15;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.resets[0][1], 1);
    cr_assert_eq(W.delivered[0][1], 15, "the receiver had them all");
    W.blocked[1][0] = 0;
    W.to_send[0][1] = 40;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 40);
    cr_assert_eq(W.expect[0][1], 40);
    expect_quiet();
}

/* A partition that loses the data: the abandoned messages are skipped,
 * never delivered late, and the ones after flow again. */
Test(transport, partition_losing_data_then_heal)
{
    world_init(3, 23);
    W.allow_gaps = 1;
    W.to_send[0][1] = 5;
    W.to_send[2][1] = 5;
    world_run(HAL_TIME_NEVER);
    W.blocked[0][1] = 1;
    W.to_send[0][1] = 15;
    W.to_send[2][1] = 30; /* node 2 is not partitioned and keeps going */
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.resets[0][1], 1);
    cr_assert_eq(W.resets[1][0], 0);
    cr_assert_eq(W.delivered[0][1], 5);
    cr_assert_eq(W.delivered[2][1], 30);
    W.blocked[0][1] = 0;
    W.to_send[0][1] = 25;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 15, "5 before, 10 after; the 10 abandoned are gone");
    cr_assert_eq(W.abandoned[1][0], 1, "node 1 was told of them once");
    cr_assert_eq(W.abandoned[0][1], 0);
    cr_assert_eq(W.expect[0][1], 25);
    expect_quiet();
}

/* Node 1 restarts with messages from node 0 in flight: node 0 learns of it
 * from the RST its next retransmission draws, and starts over. */
Test(transport, peer_restart_detected_by_rst)
{
    world_init(2, 29);
    W.allow_gaps = 1;
    W.to_send[0][1] = 3;
    world_run(HAL_TIME_NEVER);
    W.blocked[0][1] = 1;
    W.to_send[0][1] = 8;
    world_run(W.now + 1000000); /* 5 unacknowledged */
    cr_assert_eq(W.delivered[0][1], 3);
    node_halt(1);
    node_boot(1);
    memset(W.expect[0], 0, sizeof W.expect[0]);
    W.blocked[0][1] = 0;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.resets[0][1], 1, "node 0 was told");
    cr_assert_eq(W.nodes[0].k.stats.peer_resets, 1);
    cr_assert_eq(W.nodes[0].f.trace_counts[HAL_TRACE_PEER_RESET], 1);
    cr_assert_eq(W.resets[1][0], 0, "the fresh node had nothing to lose");
    /* The new session works both ways. */
    W.to_send[0][1] = 20;
    W.to_send[1][0] = 10;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.expect[0][1], 20);
    cr_assert_eq(W.delivered[1][0], 10);
    expect_quiet();
}

/* Node 1 restarts and speaks first: node 0 sees the new epoch and resets. */
Test(transport, peer_restart_detected_by_new_epoch)
{
    world_init(2, 31);
    W.allow_gaps = 1;
    W.to_send[0][1] = 3;
    W.to_send[1][0] = 3;
    world_run(HAL_TIME_NEVER);
    node_halt(1);
    node_boot(1);
    W.next_send[1][0] = 100; /* new counters, so they are told apart */
    W.to_send[1][0] = 110;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.resets[0][1], 1);
    cr_assert_eq(W.delivered[1][0], 13);
    cr_assert_eq(W.expect[1][0], 110);
    W.to_send[0][1] = 10;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 10);
    expect_quiet();
}

/* Once a restart is known, a late packet from the old incarnation is
 * dropped: it neither resets the new session nor is delivered. */
Test(transport, late_packet_from_previous_incarnation_is_ignored)
{
    world_init(2, 33);
    W.allow_gaps = 1;
    W.to_send[1][0] = 2;
    world_run(HAL_TIME_NEVER);
    node_halt(1);
    node_boot(1);
    W.to_send[1][0] = 4;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.resets[0][1], 1);
    cr_assert_eq(W.delivered[1][0], 4);
    uint8_t frame[HAL_NET_MAX_FRAME];
    W.craft_epoch = epoch_of(1, 1);
    netstack_on_frame(&W.nodes[0].k, frame, craft_message(frame, 1, 0, 3, 50));
    W.craft_epoch = 0;
    cr_assert_eq(W.resets[0][1], 1);
    cr_assert_eq(W.delivered[1][0], 4);
    W.to_send[1][0] = 6;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[1][0], 6);
    cr_assert_eq(W.resets[0][1], 1);
}

/* A packet for an old incarnation is refused with an RST naming it. */
Test(transport, stale_epoch_draws_rst)
{
    world_init(2, 37);
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER);
    uint8_t dgram[64], frame[HAL_NET_MAX_FRAME];
    struct cluster_header h = {.type = 16,
                               .src_node = 0,
                               .dst_node = 1,
                               .src_epoch = W.nodes[0].k.epoch,
                               .dst_epoch = W.nodes[1].k.epoch + 1,
                               .seq = 2};
    uint32_t dlen = cluster_encode(&h, NULL, dgram);
    struct frame_ipv4_addr a = {W.nodes[1].k.mac, W.nodes[0].k.mac, W.nodes[0].k.ipv4, W.nodes[1].k.ipv4, 9};
    uint32_t len = frame_build_udp(frame, &a, NET_CLUSTER_UDP_PORT, NET_CLUSTER_UDP_PORT, dgram, dlen);
    netstack_on_frame(&W.nodes[1].k, frame, len);
    cr_assert_eq(W.delivered[0][1], 1);
    len = fake_hal_pop_frame(&W.nodes[1].f, frame);
    const uint8_t *c = frame + 14 + 20 + 8;
    cr_assert_eq(c[3], CLUSTER_MSG_RST);
    cr_assert_eq(get_be32(c + 8), W.nodes[1].k.epoch);
    cr_assert_eq(get_be32(c + 12), W.nodes[0].k.epoch);
    cr_assert_eq(get_be16(c + 24), 8);
    cr_assert_eq(get_be32(c + 32), 2, "the refused seq");
    cr_assert_eq(get_be32(c + 36), W.nodes[1].k.epoch + 1, "the epoch it was sent to");
    /* Node 0 knows node 1's epoch and it has not changed: the RST is old news. */
    netstack_on_frame(&W.nodes[0].k, frame, len);
    cr_assert_eq(W.resets[0][1], 0);
    cr_assert_eq(TOTAL(frames_bad), 0);
}

/* A node that lost our session (same epoch: it broke the "new epoch on
 * every boot" rule) refuses our mid-session packets, and we start over. */
Test(transport, receiver_without_session_refuses_and_sender_restarts)
{
    world_init(2, 41);
    W.allow_gaps = 1;
    W.to_send[0][1] = 3;
    world_run(HAL_TIME_NEVER);
    node_halt(1);
    W.nodes[1].boots--; /* same epoch again */
    node_boot(1);
    memset(W.expect[0], 0, sizeof W.expect[0]);
    W.to_send[0][1] = 6;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.resets[0][1], 1);
    W.to_send[0][1] = 9;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.expect[0][1], 9);
    expect_quiet();
}

/* Three peers die at once; one timer call after the suspicion timeout
 * finds all three silent: the kernel, told of the first, sends to it
 * again from the upcall, and the others are still handled in that call. */
Test(transport, timer_survives_upcalls_that_send)
{
    world_init(4, 59);
    W.allow_gaps = 1;
    W.resend_on_reset = 1;
    struct kernel *k = &W.nodes[0].k;
    for (int j = 1; j < 4; j++) {
        node_halt(j);
        cr_assert_eq(app_send(0, j), 0);
    }
    world_collect();
    world_set_time(W.now + TRANSPORT_SUSPECT_TIMEOUT_NS);
    transport_on_timer(k);
    world_collect();
    for (int j = 1; j < 4; j++)
        cr_assert_eq(W.resets[0][j], 1, "peer %d", j);
    cr_assert_eq(k->stats.peer_resets, 3);
    cr_assert_eq(W.next_send[0][1], 2);
    cr_assert_neq(transport_next_deadline(k), HAL_TIME_NEVER, "the new messages are in flight");
}

/* Let k's timer run until its next deadline would pass `until`. */
static void run_timeouts_until(struct kernel *k, uint64_t until)
{
    while (transport_next_deadline(k) < until) {
        world_set_time(transport_next_deadline(k));
        transport_on_timer(k);
        world_collect();
    }
}

/* Node 1 answers (a pure ACK echoing `echo`, acknowledging `ack`) as a
 * late packet would: the message before it is still missing. */
static void answer_from_node_1(uint32_t ack, uint32_t echo)
{
    uint8_t frame[HAL_NET_MAX_FRAME];
    W.craft_ack = ack;
    netstack_on_frame(&W.nodes[0].k, frame, craft_frame(frame, 1, 0, CLUSTER_MSG_ACK, echo, NULL, 0));
    W.craft_ack = 0;
}

/* Node 1 goes silent with node 0's message 2 unacknowledged; after 10 or
 * 11 timeouts (4.5 s) an ACK of message 3, sent once, arrives (message 2 is still
 * missing): it is a round-trip sample and proof of life. Node 0 must not
 * call node 1 dead at its next timeout (which used to be the 12th, a
 * second later): only after the suspicion timeout of silence again. */
Test(transport, an_answer_restarts_the_suspicion_timeout)
{
    world_init(2, 61);
    W.allow_gaps = 1;
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER);
    W.blocked[0][1] = W.blocked[1][0] = 1;
    struct kernel *k = &W.nodes[0].k;
    uint64_t start = W.now;
    cr_assert_eq(app_send(0, 1), 0);
    world_collect();
    run_timeouts_until(k, start + 4500000000ull);
    cr_assert_geq(k->stats.retransmits, 10, "node 1 silent for 10 or 11 timeouts (with their jitter)");
    cr_assert_eq(app_send(0, 1), 0);
    world_collect();
    world_set_time(W.now + 20000000ull);
    uint64_t answered = W.now;
    struct session *s = session_find(k->transport, 1);
    uint64_t srtt = s->srtt_ns;
    answer_from_node_1(1, 3);
    cr_assert_gt(s->srtt_ns, srtt, "a 20 ms sample from the once-sent message");
    while (W.resets[0][1] == 0) {
        world_set_time(transport_next_deadline(k));
        transport_on_timer(k);
        world_collect();
        cr_assert(W.resets[0][1] == 0 || W.now - answered >= TRANSPORT_SUSPECT_TIMEOUT_NS,
                  "declared dead %llu ms after the peer answered",
                  (unsigned long long)((W.now - answered) / 1000000u));
    }
    cr_assert_leq(W.now - answered,
                  TRANSPORT_SUSPECT_TIMEOUT_NS + TRANSPORT_RTO_MAX_NS + TRANSPORT_RTO_MAX_NS / TRANSPORT_RTO_JITTER_DIV);
}

/* Karn: after node 1 was declared unreachable, the SKIP reuses the seq of
 * message 2, which went out 12 times. A late ACK echoing that seq answers
 * one of those copies, not the SKIP: no round-trip sample is taken. */
Test(transport, no_round_trip_sample_from_a_resent_seq)
{
    world_init(2, 67);
    W.allow_gaps = 1;
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER);
    W.blocked[0][1] = W.blocked[1][0] = 1;
    struct kernel *k = &W.nodes[0].k;
    cr_assert_eq(app_send(0, 1), 0);
    world_collect();
    run_timeouts_until(k, HAL_TIME_NEVER);
    cr_assert_eq(W.resets[0][1], 1);
    cr_assert_eq(app_send(0, 1), 0); /* takes the SKIP for seq 2 out */
    world_collect();
    struct session *s = session_find(k->transport, 1);
    uint64_t srtt = s->srtt_ns, rttvar = s->rttvar_ns;
    world_set_time(W.now + 50000000ull);
    answer_from_node_1(1, 2);
    cr_assert_eq(s->srtt_ns, srtt, "no sample from an echo of seq 2");
    cr_assert_eq(s->rttvar_ns, rttvar);
}

/* Sessions with many peers: the table grows, and everything is freed. */
Test(transport, many_peers)
{
    world_init(1, 43);
    uint8_t p[8] = {0};
    for (uint32_t n = 1; n <= 3000; n++)
        cr_assert_eq(transport_send(&W.nodes[0].k, (uint16_t)(n * 17), 16, p, sizeof p), 0);
    W.nodes[0].f.frame_count = 0;
    cr_assert_neq(transport_next_deadline(&W.nodes[0].k), HAL_TIME_NEVER);
    world_set_time(W.now + TRANSPORT_RTO_INITIAL_NS);
    transport_on_timer(&W.nodes[0].k);
    cr_assert_eq(W.nodes[0].k.stats.retransmits, 3000);
}

/* Out of memory while sending is an error, not a crash, and leaks nothing. */
Test(transport, out_of_memory)
{
    world_init(2, 47);
    struct fake_hal *f = &W.nodes[0].f;
    f->page_limit = f->pages_in_use;
    uint8_t p[2000 > CLUSTER_PAYLOAD_MAX ? CLUSTER_PAYLOAD_MAX : 2000] = {0};
    int rc = 0;
    for (uint32_t i = 0; i < 10000 && rc == 0; i++)
        rc = transport_send(&W.nodes[0].k, (uint16_t)(1 + i % 3), 16, p, sizeof p);
    cr_assert_eq(rc, ERR_NO_MEMORY);
    f->page_limit = 0;
}

/* ---- rule 7: a restarted node and resends sent before its epoch was known ---- */

static void node_restart(int i)
{
    node_halt(i);
    node_boot(i);
    W.nodes[i].k.node_count = (uint16_t)W.count; /* whom the restart is announced to */
    transport_on_restart(&W.nodes[i].k);
}

/* Node 0 sends its first message to node 1, which delivers it, but every
 * ack is lost; node 1 restarts (node 0 hears its announcement or not) and
 * node 0's resend reaches the new incarnation: refused, so the message is
 * delivered once and node 0 is told its outcome is unknown. */
static void resend_after_restart(uint32_t seed, int hear_announcement)
{
    world_init(2, seed);
    W.mute[1] = 1;
    W.to_send[0][1] = 1;
    world_run(W.now + 20000000); /* 20 ms: past the first 5 ms timeout */
    cr_assert_eq(W.delivered[0][1], 1);
    cr_assert_eq(W.nodes[0].k.stats.retransmits > 0, 1, "the first copy is being resent");
    W.mute[1] = !hear_announcement;
    W.mute[0] = hear_announcement; /* the resends wait until node 0 has heard it */
    node_restart(1);
    W.mute[1] = 0;
    if (hear_announcement) {
        world_run(W.now + 10000000);
        const struct session *s = session_find(W.nodes[0].k.transport, 1);
        cr_assert_eq(s->peer_epoch, W.nodes[1].k.epoch, "node 0 learnt the new epoch first");
        W.mute[0] = 0;
    }
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 1, "the resend was not taken as new");
    cr_assert_eq(W.resets[0][1], 1, "node 0 learnt the outcome is unknown");
    cr_assert_eq(W.resets[1][0], 0);
    /* The new session works; counters go on from 1, as node 0 sent 0. */
    W.to_send[0][1] = 4;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 4);
    cr_assert_eq(W.expect[0][1], 4);
    expect_quiet();
}

Test(transport, restarted_node_refuses_resend_meant_for_previous_incarnation)
{
    resend_after_restart(41, 0);
}

/* Learning the new epoch from the announcement must not let the resend
 * in: it keeps dst_epoch 0, as its first copy had. */
Test(transport, resend_keeps_unknown_epoch_after_announcement)
{
    resend_after_restart(43, 1);
}

/* A first transmission is taken by a restarted node. */
Test(transport, restarted_node_takes_first_transmission)
{
    world_init(2, 47);
    node_restart(1);
    W.to_send[0][1] = 5;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 5);
    cr_assert_eq(W.resets[0][1], 0);
    expect_quiet();
}

/* A fresh sender whose first packet to a restarted node is lost cannot be
 * told from the case above: its resend is refused, the message reported
 * with an unknown outcome, and the next one goes through. */
Test(transport, lost_first_packet_to_restarted_node_is_reported_unknown)
{
    world_init(2, 53);
    node_restart(1);
    W.drop_seq_once = 1;
    W.to_send[0][1] = 1;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 0);
    cr_assert_eq(W.resets[0][1], 1);
    W.allow_gaps = 1;
    W.to_send[0][1] = 3;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 2);
    cr_assert_eq(W.expect[0][1], 3);
    expect_quiet();
}

/* Once no resend for the previous incarnation can be alive, a resent
 * OPENING packet is taken again. */
Test(transport, restarted_node_takes_resend_after_the_window)
{
    world_init(2, 59);
    node_restart(1);
    world_set_time(W.now + TRANSPORT_RESTART_REFUSE_RETRY_NS);
    W.drop_seq_once = 1;
    W.to_send[0][1] = 2;
    world_run(HAL_TIME_NEVER);
    cr_assert_eq(W.delivered[0][1], 2);
    cr_assert_eq(W.resets[0][1], 0);
    cr_assert_eq(W.nodes[0].k.stats.retransmits > 0, 1, "seq 1 was resent");
    expect_quiet();
}
