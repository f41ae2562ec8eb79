/*
 * hal_net.h - the node's Ethernet interface.
 *
 * send_frame queues one Ethernet II frame (destination MAC first, no FCS,
 * 14 to HAL_NET_MAX_FRAME bytes). The platform copies the frame before
 * returning. Returns HAL_OK when queued, HAL_ERR_BUSY when the transmit
 * queue is full (the frame is dropped; the cluster protocol retransmits),
 * HAL_ERR_INVALID for a bad length. Delivery is never promised.
 *
 * get_mac writes the interface's MAC address.
 *
 * Received frames arrive through kernel_on_frame; the platform owns that
 * buffer and the core copies whatever it keeps.
 */
#ifndef HAL_NET_H
#define HAL_NET_H

#include "hal_types.h"

#define HAL_NET_MAX_FRAME 1514u

struct hal_net_ops {
    int (*send_frame)(void *ctx, const uint8_t *frame, uint32_t len);
    void (*get_mac)(void *ctx, uint8_t mac[6]);
};

#endif
