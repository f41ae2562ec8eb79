/*
 * sim_net.h - the simulated LAN: one switch, one link per node.
 *
 * A frame handed to sim_net_send waits for its sender's link (each link
 * sends one frame at a time at its bandwidth), leaves the NIC (that is
 * when the pcap mirror port sees it), and reaches each receiver after the
 * link latency plus a uniform jitter in [0, jitter_ns]. Loss is drawn for
 * every copy a receiver would get; a copy not lost may be duplicated (a
 * second copy, with its own jitter) and, when it arrives, corrupted (one
 * bit of its IPv4 packet flipped: every receiver's checksum catches a
 * single-bit error). Partitions split the nodes into groups; nothing
 * crosses between groups. A one-way partition drops only the frames from
 * its "from" nodes to its "to" nodes. A crashed node receives nothing; a
 * paused node's NIC holds what arrives in its receive ring
 * (SIM_NET_RX_RING_FRAMES; copies past it are lost) until it resumes.
 *
 * Addressing: node n has MAC 02:00:00:00:(n>>8):(n&255). A frame whose
 * destination has the group bit set (ff:ff:ff:ff:ff:ff and multicast) is
 * flooded to every other node of the sender's group; any other destination
 * goes to the node with that MAC, or is lost when there is none.
 *
 * With a rack topology (sim_topology.h) the LAN above is each rack's: a
 * broadcast reaches the sender's rack only, a frame for a node of another
 * rack is lost (no_route) unless sent to the rack's ToR, which routes it
 * (sim_router.h), and the defaults are the rack's node links.
 *
 * Loss and jitter come from the "net" stream and duplication from the
 * "net faults" stream, in event order; whether a copy is corrupted, and
 * where, from a stream of its own named by the copy's queue seq
 * (RNG_PURPOSE_COPY_CORRUPTION), so a run is reproducible, turning
 * duplication on shifts no loss, and a copy that is never handed to a
 * kernel shifts nothing. sim_net never calls a receiver from inside
 * sim_net_send: deliveries are events on the queue. A broadcast queues
 * events only for the copies whose receivers act on it
 * (sim_net_bcast.c).
 */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "rng.h"
#include "scenario.h"
#include "sim_queue.h"
#include "sim_topology.h"

/* Bytes a link may have waiting to be sent before send returns busy. */
#define SIM_NET_TXQ_BYTES (256u * 1024u)
/* What a frame costs on the wire beyond its bytes: padding to the 60-byte
 * minimum, the 4-byte FCS, 8 bytes of preamble and a 12-byte gap. */
#define SIM_NET_MIN_FRAME 60u
#define SIM_NET_WIRE_OVERHEAD 24u
#define SIM_NET_BROADCAST UINT32_MAX
/* The longest frame a node may send: Ethernet header and 1500 bytes. */
#define SIM_NET_MAX_FRAME 1514u
/* Frames a paused node's NIC holds before it drops what arrives. */
#define SIM_NET_RX_RING_FRAMES 256u

enum sim_loss_reason {
    SIM_LOSS_RANDOM,    /* the link's loss probability */
    SIM_LOSS_PARTITION, /* sender and receiver in different groups */
    SIM_LOSS_DOWN,      /* the receiver is crashed */
    SIM_LOSS_NO_ROUTE,  /* no node has the destination MAC */
    SIM_LOSS_RING_FULL, /* the receiver is paused and its receive ring full */
    SIM_LOSS_COUNT
};

const char *sim_loss_name(enum sim_loss_reason r);

/* A frame in flight, shared by every event that carries it. */
struct sim_frame {
    uint32_t refs;
    uint32_t src;
    uint32_t len;
    uint32_t pad;
    uint64_t tx_end_ns; /* when its last bit left the sender */
    uint8_t bytes[];
};

struct sim_net_hooks {
    void *ctx;
    bool (*node_up)(void *ctx, uint32_t node);
    /* Hand a frame to a receiver's kernel (called from sim_net_handle). */
    void (*deliver)(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len);
    /* The frame is leaving `src`'s NIC now (the pcap mirror port). */
    void (*wire)(void *ctx, uint32_t src, const uint8_t *frame, uint32_t len);
    /* A router starts sending the frame now on a link of capture file
     * `capture` (sim_pcaps.h). May be NULL. */
    void (*router_wire)(void *ctx, uint32_t capture, const uint8_t *frame, uint32_t len);
    /* A copy of a frame will not arrive; dst is SIM_NET_BROADCAST when
     * unknown. May be NULL. */
    void (*lost)(void *ctx, uint32_t src, uint32_t dst, enum sim_loss_reason why, uint32_t len);
    /* Whether node's kernel, handed this broadcast copy now, would only
     * count it. May be NULL (with `ignored`): every copy is queued. */
    bool (*ignores)(void *ctx, uint32_t node, const uint8_t *frame, uint32_t len);
    /* Count (sign 1) or take back (-1) a copy of `len` bytes the node's
     * kernel ignored without being entered. */
    void (*ignored)(void *ctx, uint32_t node, int sign, uint32_t len);
};

/* Counters, per node and for the whole network. */
struct sim_net_counters {
    uint64_t tx_frames, tx_bytes; /* frames that left the NIC */
    uint64_t tx_busy;             /* refused: transmit queue full */
    uint64_t rx_frames, rx_bytes; /* copies handed to a kernel */
    uint64_t lost[SIM_LOSS_COUNT];/* per node: copies of its frames lost */
    uint64_t duplicated;          /* per node: extra copies of its frames */
    uint64_t corrupted;           /* per node: copies of its frames delivered damaged */
};

/* A copy waiting in a paused node's receive ring. */
struct sim_net_held {
    struct sim_frame *f;
    uint64_t seq; /* the copy's queue seq */
};

struct sim_bcast; /* sim_net_bcast.c */

struct sim_net_port {
    uint64_t tx_free_at; /* when the link can start the next frame */
    uint32_t group;      /* partition group; 0 when healed */
    uint32_t side;       /* one-way partition: enum scn_side */
    bool holding;        /* paused: arriving copies wait in `held` */
    uint32_t held_count;
    struct sim_net_held *held; /* SIM_NET_RX_RING_FRAMES entries, once needed */
    struct sim_net_counters c;
};

struct sim_net_link {
    uint64_t key;   /* (a << 32) | b with a < b */
    uint32_t index; /* in the scenario's list: the later override wins */
    struct scn_net_params params;
};

struct sim_net {
    uint32_t node_count;
    struct sim_net_port *ports;
    struct scn_net_params defaults;
    struct sim_net_link *links; /* sorted by key */
    struct sim_topology *topo;  /* NULL: one flat LAN */
    uint32_t link_count;
    uint64_t min_latency_ns;    /* over the defaults and every link */
    uint64_t txq_limit_ns;      /* SIM_NET_TXQ_BYTES at the default bandwidth */
    bool partitioned;
    uint64_t seed;
    struct rng rng;
    struct rng fault_rng; /* duplication */
    struct sim_queue *queue;
    struct sim_net_hooks hooks;
    struct sim_net_counters total;
    uint64_t events_queued; /* net events on the queue: 0 when no frame is in flight */
    uint64_t held;          /* copies in paused nodes' receive rings */
    struct sim_bcast *bcasts; /* broadcasts with copies counted ahead, in flight */
    uint64_t copies_ahead;    /* broadcast copies counted, ignored, without an event */
    uint64_t bcast_records;   /* broadcasts that had some: one event each */
    uint64_t *draw_at;        /* a fanout's copies: 2 * node_count entries */
    uint32_t *draw_dst;
};

/* Set up the LAN of scenario `s` with random stream seed `seed`; events go
 * on `queue`. */
void sim_net_init(struct sim_net *n, const struct scenario *s, uint64_t seed,
                  struct sim_queue *queue, const struct sim_net_hooks *hooks);
void sim_net_free(struct sim_net *n);

/* Node `src` sends a frame at time now_ns. Returns a HAL status: HAL_OK,
 * HAL_ERR_BUSY when the link's queue is full, HAL_ERR_INVALID for a bad
 * length. */
int sim_net_send(struct sim_net *n, uint32_t src, const uint8_t *frame, uint32_t len,
                 uint64_t now_ns);

/* Handle one of the net's events (SIM_EV_NET_*) at ev->time_ns. */
void sim_net_handle(struct sim_net *n, const struct sim_event *ev);

/* Release what an unhandled net event holds (when a run stops early). */
void sim_net_discard(struct sim_net *n, const struct sim_event *ev);

/* node's kernel may now act on broadcast copies in flight it was to
 * ignore (kernel_frame_acts_epoch changed): queue those it would. */
void sim_net_recheck(struct sim_net *n, uint32_t node);

/* The run stopped after the event (time_ns, seq): broadcast copies
 * counted ahead of an arrival after that point are taken back. */
void sim_net_stop(struct sim_net *n, uint64_t time_ns, uint64_t seq);

/* group_of_node: node_count entries. Either kind replaces the other. */
void sim_net_partition(struct sim_net *n, const uint32_t *group_of_node);
/* side_of_node: node_count enum scn_side entries. */
void sim_net_partition_one_way(struct sim_net *n, const uint32_t *side_of_node);
void sim_net_heal(struct sim_net *n);

/* Node `node` pauses: copies arriving for it wait in its receive ring
 * (broadcast copies counted ahead for it are queued after all). */
void sim_net_hold(struct sim_net *n, uint32_t node);
/* It resumes: every held copy is delivered now, in arrival order.
 * Returns how many. */
uint32_t sim_net_release(struct sim_net *n, uint32_t node);
/* It crashed: held copies are lost (reason down), holding stops, and
 * broadcast copies counted ahead for it are queued, to be lost. */
void sim_net_drop_held(struct sim_net *n, uint32_t node);

/* The node with this MAC address, or SIM_NET_BROADCAST if none. */
uint32_t sim_net_node_of_mac(const struct sim_net *n, const uint8_t mac[6]);
void sim_net_mac_of_node(uint32_t node, uint8_t mac[6]);

/* Which capture file (pcap) shows frames leaving node `node`: 0 on a flat
 * LAN, its rack with a topology. */
uint32_t sim_net_capture_of_node(const struct sim_net *n, uint32_t node);

/* The parameters of the link between a and b (an override or defaults). */
const struct scn_net_params *sim_net_params(const struct sim_net *n, uint32_t a, uint32_t b);

#endif
