/*
 * e1000_regs.h - registers, bits and descriptor layouts of the Intel 8254x
 * family that e1000.c uses, from the PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual (register offsets are from BAR0).
 * Private to e1000.c.
 */
#ifndef HAL_X86_E1000_REGS_H
#define HAL_X86_E1000_REGS_H

#include <stdint.h>

/* General. */
#define E1000_CTRL 0x0000u
#define E1000_STATUS 0x0008u
#define E1000_EERD 0x0014u
#define E1000_ICR 0x00C0u /* read to acknowledge: reading clears it */
#define E1000_IMS 0x00D0u
#define E1000_IMC 0x00D8u

/* Receive. */
#define E1000_RCTL 0x0100u
#define E1000_RDBAL 0x2800u
#define E1000_RDBAH 0x2804u
#define E1000_RDLEN 0x2808u
#define E1000_RDH 0x2810u
#define E1000_RDT 0x2818u
#define E1000_RDTR 0x2820u

/* Transmit. */
#define E1000_TCTL 0x0400u
#define E1000_TIPG 0x0410u
#define E1000_TDBAL 0x3800u
#define E1000_TDBAH 0x3804u
#define E1000_TDLEN 0x3808u
#define E1000_TDH 0x3810u
#define E1000_TDT 0x3818u

/* Filters: the multicast table (128 dwords) and receive address 0. */
#define E1000_MTA 0x5200u
#define E1000_MTA_ENTRIES 128u
#define E1000_RAL0 0x5400u
#define E1000_RAH0 0x5404u
#define E1000_RAH_AV (1u << 31) /* address valid */

/* CTRL. */
#define E1000_CTRL_LRST (1u << 3)
#define E1000_CTRL_ASDE (1u << 5)
#define E1000_CTRL_SLU (1u << 6)
#define E1000_CTRL_ILOS (1u << 7)
#define E1000_CTRL_RST (1u << 26)
#define E1000_CTRL_VME (1u << 30)
#define E1000_CTRL_PHY_RST (1u << 31)

/* STATUS. */
#define E1000_STATUS_LU (1u << 1)

/* EERD: two layouts. The 82540/82545/82546 put the word address in bits
 * 15:8 and DONE in bit 4; the 82541/82547 in bits 15:2 and bit 1. */
#define E1000_EERD_START (1u << 0)
#define E1000_EERD_DONE_WIDE (1u << 4)
#define E1000_EERD_ADDR_SHIFT_WIDE 8u
#define E1000_EERD_DONE_NARROW (1u << 1)
#define E1000_EERD_ADDR_SHIFT_NARROW 2u
#define E1000_EERD_DATA_SHIFT 16u

/* Interrupt causes (ICR, IMS, IMC). */
#define E1000_INT_LSC (1u << 2)  /* link status change */
#define E1000_INT_RXO (1u << 6)  /* receiver overrun */
#define E1000_INT_RXT0 (1u << 7) /* receiver timer: frames arrived */
#define E1000_INT_ALL 0xFFFFFFFFu

/* RCTL. BSIZE 00 with BSEX clear selects 2048-byte buffers. */
#define E1000_RCTL_EN (1u << 1)
#define E1000_RCTL_BAM (1u << 15)   /* accept broadcast */
#define E1000_RCTL_SECRC (1u << 26) /* strip the FCS */

/* TCTL and TIPG (the manual's recommended IEEE 802.3 values for copper). */
#define E1000_TCTL_EN (1u << 1)
#define E1000_TCTL_PSP (1u << 3) /* pad short frames to 64 bytes */
#define E1000_TCTL_CT_SHIFT 4u
#define E1000_TCTL_COLD_SHIFT 12u
#define E1000_TCTL_CT_VALUE 0x0Fu
#define E1000_TCTL_COLD_FULL_DUPLEX 0x40u
#define E1000_TIPG_VALUE (10u | 8u << 10 | 6u << 20)

/* A legacy receive descriptor. The NIC writes everything after addr. */
struct e1000_rx_desc {
    uint64_t addr;
    uint16_t length;
    uint16_t checksum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
};

#define E1000_RX_STATUS_DD (1u << 0)  /* descriptor done */
#define E1000_RX_STATUS_EOP (1u << 1) /* last descriptor of the frame */

/* A legacy transmit descriptor. */
struct e1000_tx_desc {
    uint64_t addr;
    uint16_t length;
    uint8_t cso;
    uint8_t cmd;
    uint8_t status;
    uint8_t css;
    uint16_t special;
};

#define E1000_TX_CMD_EOP (1u << 0)
#define E1000_TX_CMD_IFCS (1u << 1) /* the NIC appends the FCS */
#define E1000_TX_CMD_RS (1u << 3)   /* report status: set DD when sent */
#define E1000_TX_STATUS_DD (1u << 0)

_Static_assert(sizeof(struct e1000_rx_desc) == 16, "receive descriptors are 16 bytes");
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "transmit descriptors are 16 bytes");

#endif
