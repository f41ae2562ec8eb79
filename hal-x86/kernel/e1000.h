/*
 * e1000.h - the Intel 8254x (e1000) NIC: QEMU's -device e1000 (82540EM)
 * and the family on real boards. Descriptor rings for transmit and
 * receive, an interrupt on receive and link change, link status.
 *
 * Frames are Ethernet II without FCS, as hal_net.h defines them.
 */
#ifndef HAL_X86_E1000_H
#define HAL_X86_E1000_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"

struct e1000_stats {
    uint64_t tx_frames, rx_frames, tx_busy, rx_errors, interrupts;
};

/* True if `d` is an 8254x this driver supports. */
bool e1000_matches(const struct pci_device *d);

/* Reset and start the NIC found at `d`. 0, or -1 with a message on the
 * console. Only one NIC is driven. */
int e1000_start(const struct pci_device *d);

/* Queue one frame (14..1514 bytes): 0, -1 ring full, -2 bad length. */
int e1000_send(const uint8_t *frame, uint32_t len);

/* Take the next received frame: its length (copied into buf, at most
 * `cap` bytes; longer ones are dropped and counted), or 0 when none. */
uint32_t e1000_receive(uint8_t *buf, uint32_t cap);

void e1000_mac(uint8_t mac[6]);
bool e1000_link_up(void);
const struct e1000_stats *e1000_stats(void);

#endif
