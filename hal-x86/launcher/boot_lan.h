/*
 * boot_lan.h - the emulated Ethernet the nodes share: a learning switch
 * inside nimbus. Port i is a unix datagram socket nimbus binds; node i's
 * QEMU sends its frames there from its own socket (-netdev dgram with
 * unix addresses, one datagram a frame). Unix sockets only, so nothing
 * leaves the machine and any number of nodes (1..BOOT_MAX_NODES) works
 * without a helper process.
 *
 * Like a real switch it learns which port a source MAC address is behind;
 * frames to a known unicast address go to that port only, broadcasts,
 * multicasts and unknown addresses to every other port.
 *
 * Unlike a wire it does not drop what it has room for. A QEMU's socket
 * holds only net.unix.max_dgram_qlen datagrams (10 by default; socket
 * buffer sizes do not change that), so each port has a bounded queue in
 * nimbus, drained whenever the port's socket is writable again. A port is
 * read only while every other port's queue has room for one more frame,
 * so a busy receiver slows its senders down (their QEMUs hold the frames)
 * instead of losing frames. A frame is dropped, and counted by reason,
 * only when it is a runt, when its port is down (no QEMU behind it, or
 * its QEMU has gone), or when its port's queue is full and has not moved
 * for BOOT_LAN_STALL_MS (a node that stopped taking frames must not stop
 * the others' traffic), or when it is still queued as the run ends.
 */
#ifndef HAL_X86_HOST_BOOT_LAN_H
#define HAL_X86_HOST_BOOT_LAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#include "boot_args.h"

#define BOOT_LAN_MAC_ENTRIES 64u
#define BOOT_LAN_FRAME_BYTES 65536u /* the largest datagram a port reads */
#define BOOT_ETH_HEADER_BYTES 14u
#define BOOT_LAN_QUEUE_BYTES (1u << 20) /* per port */
#define BOOT_LAN_STALL_MS 3000u

_Static_assert(BOOT_MAX_NODES <= 32, "a port set is a 32-bit mask");
_Static_assert(BOOT_LAN_QUEUE_BYTES >= 2 * BOOT_LAN_FRAME_BYTES,
               "a queue holds a frame and room for another");

struct boot_lan_mac {
    uint8_t mac[6];
    uint8_t port;
    bool used;
};

struct boot_lan_frame {
    struct boot_lan_frame *next;
    size_t len;
    uint8_t data[];
};

/* The frames waiting for one port's socket, oldest first. */
struct boot_lan_queue {
    struct boot_lan_frame *head, *tail;
    size_t bytes;
    uint64_t moved_ms; /* when a frame last left it, or it stopped being empty */
};

enum boot_lan_drop {
    BOOT_LAN_DROP_RUNT, /* shorter than an Ethernet header */
    BOOT_LAN_DROP_DOWN, /* no QEMU behind the port, or it went away */
    BOOT_LAN_DROP_FULL, /* the port's queue was full and stalled (or no memory) */
    BOOT_LAN_DROP_END,  /* still queued when the run ended */
    BOOT_LAN_DROP_REASONS
};

struct boot_lan {
    uint32_t ports;
    int fd[BOOT_MAX_NODES];                  /* nimbus's end of each port */
    struct sockaddr_un peer[BOOT_MAX_NODES]; /* the QEMU's end */
    bool connected[BOOT_MAX_NODES];          /* fd is connected to peer */
    struct boot_lan_queue queue[BOOT_MAX_NODES];
    struct boot_lan_mac table[BOOT_LAN_MAC_ENTRIES];
    uint32_t table_next; /* the entry a new address replaces when full */
    uint64_t frames;     /* read from the ports */
    uint64_t dropped[BOOT_LAN_DROP_REASONS];
    uint8_t frame[BOOT_LAN_FRAME_BYTES];
};

/* Bind port i at ours[i], its QEMU at theirs[i]. 0, or -1 with the reason
 * in err (everything opened is closed again). */
int boot_lan_open(struct boot_lan *lan, uint32_t ports, const char *const ours[], const char *const theirs[],
                  char *err, size_t err_bytes);

/* Learn the frame's source; return the set of ports (bit i = port i) it
 * goes to from `in_port`. Empty for a runt frame. */
uint32_t boot_lan_route(struct boot_lan *lan, uint32_t in_port, const uint8_t *frame, size_t len);

/* The poll events to wait for on port `port`'s socket at now_ms: POLLIN
 * while it may be read, POLLOUT while frames wait for it. */
short boot_lan_events(const struct boot_lan *lan, uint32_t port, uint64_t now_ms);

/* poll said `revents` for port `port`: send what waits for it, and pass
 * on the frames waiting there for as long as the other ports have room. */
void boot_lan_handle(struct boot_lan *lan, uint32_t port, short revents, uint64_t now_ms);

/* Milliseconds from now_ms until a full queue counts as stalled (and the
 * ports it held back may be read again), or -1 if none waits for that. */
int64_t boot_lan_wait_ms(const struct boot_lan *lan, uint64_t now_ms);

/* Frames dropped, for every reason. */
uint64_t boot_lan_dropped(const struct boot_lan *lan);

/* "N frames, M dropped" and, if M > 0, the reasons in brackets. */
void boot_lan_describe(const struct boot_lan *lan, char *buf, size_t bytes);

/* Close the sockets; frames still queued are dropped (BOOT_LAN_DROP_END). */
void boot_lan_close(struct boot_lan *lan);

#endif
