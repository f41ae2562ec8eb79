/*
 * kvd_node.h - `nimbus kvd`: a cluster node on the host whose only job is
 * the key-value back end. It runs the real kernel core (transport, ARP,
 * sessions, liveness, Stockholder's request queue) over a small host
 * platform: the monotonic clock, frames over one unix datagram socket
 * (the port of a `nimbus boot` LAN, or any peer that speaks the same: one
 * Ethernet frame a datagram), the LMDB store (kvd_lmdb.h) as its
 * hal_kvstore, and no disk, no user programs; it takes no processes from
 * other nodes.
 */
#ifndef KVD_KVD_NODE_H
#define KVD_KVD_NODE_H

#include <stdint.h>

struct kvd_config {
    const char *db_dir;
    uint16_t node;     /* this node's id */
    uint16_t nodes;    /* the cluster: nodes 0 .. nodes-1, this one among them */
    const char *port;  /* the socket path kvd binds */
    const char *peer;  /* the socket path it sends its frames to */
    uint64_t map_bytes; /* the LMDB map size: the most the store may hold */
};

enum { KVD_EXIT_OK = 0, KVD_EXIT_FAILED = 2 };

/* Serve until SIGINT or SIGTERM: KVD_EXIT_OK, or KVD_EXIT_FAILED after a
 * one-line error on stderr (a bad or locked database directory, a socket
 * that cannot be bound). Prints one line on stdout once it is up. */
int kvd_serve(const struct kvd_config *c);

#endif
