/*
 * sim_router.h - the routers of a rack topology (sim_topology.h): each
 * rack's ToR and the spine. Called by sim_net.c only, for a network with a
 * topology.
 *
 * A frame a node sends to its ToR's MAC is routed: the ToR, the spine and
 * the far ToR each check and decrement the IPv4 TTL (a frame that arrives
 * with TTL 1 or less, or for an address no node has, is lost with reason
 * no_route), rewrite the Ethernet addresses for the next link, and send it
 * on that link when the link is free. Each link start is an event: the
 * capture hook sees the frame then, and the link's loss is drawn then.
 * The forwarded frame reaches its node as a SIM_EV_NET_DELIVER event and
 * counts, like the ToR's ARP replies, as sent by the original sender.
 */
#ifndef SIM_ROUTER_H
#define SIM_ROUTER_H

#include "sim_net.h"

/* Frame f (the caller's reference) left node f->src for its ToR's MAC. */
void sim_router_ingress(struct sim_net *n, struct sim_frame *f);

/* A broadcast from f->src reached its ToR at now (the caller keeps f):
 * an ARP request for the rack's gateway address is answered. */
void sim_router_broadcast(struct sim_net *n, const struct sim_frame *f, uint64_t now);

/* A SIM_EV_NET_HOP event. */
void sim_router_handle(struct sim_net *n, const struct sim_event *ev);

#endif
