/* test_simnet_faults.c - the simulated LAN's faults on their own:
 * duplication, corruption (one bit of the IPv4 packet, never ARP), one-way
 * partitions, the receive ring of a paused node; and the drifting clock
 * of a node (hal-sim/sim_clock.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "hal-sim/sim_clock.h"
#include "simnet_world.h"

#define ALWAYS UINT32_MAX /* rng_chance_u32: true for every draw but one in 2^32 */
#define IPV4_TOTAL 100u   /* the IPv4 packet inside the test frames */

static uint8_t last_sent[SIM_NET_MAX_FRAME];
static uint32_t flipped_bits, flipped_outside, frames_seen;

/* Count the bits each delivered copy differs from last_sent in. */
static void diff_deliver(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len)
{
    (void)ctx, (void)node;
    frames_seen++;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t bits = (uint32_t)__builtin_popcount((unsigned)(frame[i] ^ last_sent[i]));
        flipped_bits += bits;
        if (bits != 0 && (i < 14 || i >= 14 + IPV4_TOTAL))
            flipped_outside++;
    }
}

/* A frame of `len` bytes from src to dst with ethertype `type` and an
 * IPv4 total length of IPV4_TOTAL; kept in last_sent. */
static void send_typed(struct world *w, uint32_t src, uint32_t dst, uint32_t len, uint16_t type)
{
    memset(last_sent, 0x5A, sizeof last_sent);
    sim_net_mac_of_node(dst, last_sent);
    sim_net_mac_of_node(src, last_sent + 6);
    last_sent[12] = (uint8_t)(type >> 8);
    last_sent[13] = (uint8_t)type;
    last_sent[16] = 0;
    last_sent[17] = IPV4_TOTAL;
    cr_assert_eq(sim_net_send(&w->net, src, last_sent, len, w->now), HAL_OK);
}

Test(simnet_faults, duplication_delivers_a_second_copy_and_shifts_no_loss)
{
    static struct world plain, dup;
    world_init(&plain, 2, 1000, 500, 0, 1u << 30, 5);
    world_init(&dup, 2, 1000, 500, 0, 1u << 30, 5);
    dup.net.defaults.duplicate_u32 = 1u << 30; /* a quarter */
    for (int i = 0; i < 1000; i++) {
        send(&plain, 0, 1, 64, (uint8_t)i);
        send(&dup, 0, 1, 64, (uint8_t)i);
        world_run(&plain);
        world_run(&dup);
    }
    cr_assert_eq(dup.lost[SIM_LOSS_RANDOM], plain.lost[SIM_LOSS_RANDOM], "the same frames are lost");
    cr_assert_eq(plain.net.total.duplicated, 0);
    cr_assert_eq(dup.got_count, plain.got_count + dup.net.total.duplicated);
    cr_assert(dup.net.total.duplicated > 140 && dup.net.total.duplicated < 235, "about 750 / 4, got %llu",
              (unsigned long long)dup.net.total.duplicated);
    cr_assert_eq(dup.net.ports[0].c.duplicated, dup.net.total.duplicated, "counted for the sender");
    world_free(&plain);
    world_free(&dup);
}

Test(simnet_faults, a_duplicated_broadcast_reaches_each_receiver_twice)
{
    static struct world w;
    world_init(&w, 5, 1000, 0, 0, 0, 1);
    w.net.defaults.duplicate_u32 = ALWAYS;
    send(&w, 2, SIM_NET_BROADCAST, 60, 7);
    world_run(&w);
    cr_assert_eq(w.got_count, 8);
    uint32_t per_node[5] = {0};
    for (uint32_t i = 0; i < w.got_count; i++)
        per_node[w.got[i].node]++;
    const uint32_t want[5] = {2, 2, 0, 2, 2};
    cr_assert_arr_eq(per_node, want, sizeof want);
    world_free(&w);
}

Test(simnet_faults, corruption_flips_one_bit_of_the_ipv4_packet)
{
    static struct world w;
    world_init(&w, 2, 1000, 0, 0, 0, 3);
    w.net.defaults.corrupt_u32 = ALWAYS;
    w.net.hooks.deliver = diff_deliver;
    flipped_bits = flipped_outside = frames_seen = 0;
    for (int i = 0; i < 500; i++) {
        send_typed(&w, 0, 1, 200, 0x0800);
        world_run(&w);
    }
    cr_assert_eq(frames_seen, 500);
    cr_assert_eq(flipped_bits, 500, "one bit per copy");
    cr_assert_eq(flipped_outside, 0, "never the Ethernet header or the padding after the packet");
    cr_assert_eq(w.net.total.corrupted, 500);
    flipped_bits = 0;
    send_typed(&w, 0, 1, 200, 0x0806);
    world_run(&w);
    send_typed(&w, 0, 1, 30, 0x0800); /* too short to hold an IPv4 header */
    world_run(&w);
    cr_assert_eq(flipped_bits, 0, "ARP has no checksum to catch it: never corrupted");
    cr_assert_eq(w.net.total.corrupted, 500);
    world_free(&w);
}

Test(simnet_faults, one_way_partition_drops_one_direction_only)
{
    static struct world w;
    world_init(&w, 4, 1000, 0, 0, 0, 1);
    const uint32_t sides[4] = {SCN_SIDE_FROM, SCN_SIDE_TO, SCN_SIDE_NONE, SCN_SIDE_TO};
    sim_net_partition_one_way(&w.net, sides);
    send(&w, 0, 1, 60, 1); /* lost */
    send(&w, 1, 0, 60, 2); /* arrives */
    send(&w, 0, 2, 60, 3); /* arrives */
    send(&w, 0, SIM_NET_BROADCAST, 60, 4); /* node 2 only */
    world_run(&w);
    cr_assert_eq(w.lost[SIM_LOSS_PARTITION], 1);
    cr_assert_eq(w.got_count, 3);
    cr_assert_eq(w.got[0].tag, 2);
    cr_assert_eq(w.got[1].tag, 3);
    cr_assert(w.got[2].tag == 4 && w.got[2].node == 2);
    sim_net_heal(&w.net);
    send(&w, 0, 1, 60, 5);
    world_run(&w);
    cr_assert(w.got_count == 4 && w.got[3].tag == 5, "healed");
    world_free(&w);
}

Test(simnet_faults, a_paused_node_holds_its_ring_and_drops_past_it)
{
    static struct world w;
    world_init(&w, 2, 1000, 0, 0, 0, 1);
    sim_net_hold(&w.net, 1);
    for (uint32_t i = 0; i < SIM_NET_RX_RING_FRAMES + 10; i++)
        send(&w, 0, 1, 60, (uint8_t)i);
    world_run(&w);
    cr_assert_eq(w.got_count, 0, "nothing reaches a paused kernel");
    cr_assert_eq(w.lost[SIM_LOSS_RING_FULL], 10);
    cr_assert_eq(w.net.held, SIM_NET_RX_RING_FRAMES);
    cr_assert_eq(sim_net_release(&w.net, 1), SIM_NET_RX_RING_FRAMES);
    cr_assert_eq(w.got_count, SIM_NET_RX_RING_FRAMES);
    for (uint32_t i = 0; i < w.got_count; i++)
        cr_assert_eq(w.got[i].tag, (uint8_t)i, "in arrival order");
    sim_net_hold(&w.net, 1);
    send(&w, 0, 1, 60, 99);
    world_run(&w);
    sim_net_drop_held(&w.net, 1);
    cr_assert_eq(w.lost[SIM_LOSS_DOWN], 1, "a crash loses what the ring held");
    cr_assert_eq(w.net.held, 0);
    world_free(&w);
}

Test(sim_clock, drift_scales_and_the_inverse_is_exact)
{
    cr_assert_eq(sim_clock_local_ns(0, 123456789), 123456789);
    cr_assert_eq(sim_clock_local_ns(100000, 1000000), 1100000);
    cr_assert_eq(sim_clock_local_ns(-500000, 1001), 500, "floor of 500.5 taken off: 1001 - 501");
    cr_assert_eq(sim_clock_local_ns(250, 4000000000ull), 4001000000ull);
    cr_assert_eq(sim_clock_sim_ns(100000, UINT64_MAX), UINT64_MAX, "never stays never");
    const int32_t rates[] = {-500000, -99999, -1, 1, 37, 250000, 500000};
    uint64_t x = 88172645463325252ull;
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        for (int i = 0; i < 2000; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint64_t local = x >> (i % 2 == 0 ? 20 : 2); /* short and very long runs */
            uint64_t t = sim_clock_sim_ns(rates[r], local);
            cr_assert_geq(sim_clock_local_ns(rates[r], t), local, "due at %llu", (unsigned long long)t);
            cr_assert(t == 0 || sim_clock_local_ns(rates[r], t - 1) < local, "the first such time");
            cr_assert_leq(sim_clock_local_ns(rates[r], t), sim_clock_local_ns(rates[r], t + 1), "never back");
        }
    }
}
