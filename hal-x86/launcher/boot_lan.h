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
 * multicasts and unknown addresses to every other port. A frame shorter
 * than an Ethernet header is dropped; so is one a port cannot take now
 * (its QEMU is not up yet or its socket buffer is full), as a wire would.
 */
#ifndef HAL_X86_HOST_BOOT_LAN_H
#define HAL_X86_HOST_BOOT_LAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#include "boot_args.h"

#define BOOT_LAN_MAC_ENTRIES 64u
#define BOOT_LAN_FRAME_BYTES 65536u
#define BOOT_ETH_HEADER_BYTES 14u

_Static_assert(BOOT_MAX_NODES <= 32, "a port set is a 32-bit mask");

struct boot_lan_mac {
    uint8_t mac[6];
    uint8_t port;
    bool used;
};

struct boot_lan {
    uint32_t ports;
    int fd[BOOT_MAX_NODES];                  /* nimbus's end of each port */
    struct sockaddr_un peer[BOOT_MAX_NODES]; /* the QEMU's end */
    struct boot_lan_mac table[BOOT_LAN_MAC_ENTRIES];
    uint32_t table_next; /* the entry a new address replaces when full */
    uint64_t frames, dropped;
    uint8_t frame[BOOT_LAN_FRAME_BYTES];
};

/* Bind port i at ours[i], its QEMU at theirs[i]. 0, or -1 with the reason
 * in err (everything opened is closed again). */
int boot_lan_open(struct boot_lan *lan, uint32_t ports, const char *const ours[], const char *const theirs[],
                  char *err, size_t err_bytes);

/* Learn the frame's source; return the set of ports (bit i = port i) it
 * goes to from `in_port`. Empty for a runt frame. */
uint32_t boot_lan_route(struct boot_lan *lan, uint32_t in_port, const uint8_t *frame, size_t len);

/* Port `port`'s socket is readable: pass on every frame waiting there. */
void boot_lan_forward(struct boot_lan *lan, uint32_t port);

void boot_lan_close(struct boot_lan *lan);

#endif
