/*
 * e1000.c - the Intel 8254x NIC (see e1000.h): one receive ring of
 * E1000_RX_DESCS 2048-byte buffers, one transmit ring of E1000_TX_DESCS
 * buffers the frames are copied into, legacy descriptors, an interrupt on
 * received frames, receiver overrun and link change.
 *
 * The interrupt handler only reads ICR (which acknowledges it) and leaves
 * the causes for the main loop; the main loop polls e1000_receive whether
 * or not an interrupt came, so a lost or unrouted interrupt costs latency,
 * never frames. Memory is identity-mapped, so a buffer's pointer is the
 * physical address the NIC is given.
 *
 * QEMU's model of the NIC holds back received frames for one second after
 * every write to RCTL (a workaround for other guests), so a QEMU node
 * starts hearing the LAN about a second after e1000_start; the cluster
 * protocol's retransmissions cover that. RCTL is written once, here.
 *
 * Only copper parts with the EEPROM read register (EERD) are driven: the
 * 82540, 82541, 82545, 82546 and 82547. The older 82542/82543/82544, the
 * fibre and SerDes variants (their link needs TXCW autonegotiation) and the
 * PCI Express 8257x/82583 (e1000e) parts are left alone.
 */
#include "e1000.h"

#include "clock.h"
#include "e1000_regs.h"
#include "io.h"
#include "irq.h"
#include "kprint.h"
#include "kstring.h"
#include "pages.h"

#define E1000_VENDOR_INTEL 0x8086u
#define E1000_RX_DESCS 128u
#define E1000_TX_DESCS 64u
#define E1000_BUF_BYTES 2048u
#define E1000_MIN_FRAME 14u
#define E1000_MAX_FRAME 1514u
#define E1000_RESET_TIMEOUT_NS 100000000ull /* 100 ms */
#define E1000_EERD_TIMEOUT_NS 10000000ull   /* 10 ms per EEPROM word */

/* Descriptor rings must be a multiple of 128 bytes long. */
_Static_assert((E1000_RX_DESCS * sizeof(struct e1000_rx_desc)) % 128 == 0, "RX ring length");
_Static_assert((E1000_TX_DESCS * sizeof(struct e1000_tx_desc)) % 128 == 0, "TX ring length");
_Static_assert(E1000_RX_DESCS * sizeof(struct e1000_rx_desc) <= PAGE_BYTES, "RX ring fits a page");
_Static_assert(E1000_TX_DESCS * sizeof(struct e1000_tx_desc) <= PAGE_BYTES, "TX ring fits a page");
_Static_assert(E1000_BUF_BYTES >= E1000_MAX_FRAME + 4, "a buffer holds a frame and its FCS");
_Static_assert(PAGE_BYTES % E1000_BUF_BYTES == 0, "buffers tile pages");

/* One allocation: the two rings, one page each, then the buffers. */
#define E1000_RX_BUF_PAGES (E1000_RX_DESCS * E1000_BUF_BYTES / PAGE_BYTES)
#define E1000_TX_BUF_PAGES (E1000_TX_DESCS * E1000_BUF_BYTES / PAGE_BYTES)
#define E1000_DMA_PAGES (2u + E1000_RX_BUF_PAGES + E1000_TX_BUF_PAGES)

struct e1000_model {
    uint16_t device_id;
    const char *name;
    bool narrow_eerd; /* 82541/82547 EERD layout (e1000_regs.h) */
};

static const struct e1000_model models[] = {
    {0x100E, "82540EM", false}, {0x1015, "82540EM", false}, {0x1016, "82540EP", false},
    {0x1017, "82540EP", false}, {0x101E, "82540EP", false}, {0x1013, "82541EI", true},
    {0x1018, "82541EI", true},  {0x1014, "82541ER", true},  {0x1078, "82541ER", true},
    {0x1076, "82541GI", true},  {0x1077, "82541GI", true},  {0x107C, "82541PI", true},
    {0x100F, "82545EM", false}, {0x1026, "82545GM", false}, {0x1010, "82546EB", false},
    {0x101D, "82546EB", false}, {0x1079, "82546GB", false}, {0x1099, "82546GB", false},
    {0x10B5, "82546GB", false}, {0x1019, "82547EI", true},  {0x101A, "82547EI", true},
    {0x1075, "82547GI", true},
};

static struct {
    uintptr_t mmio; /* 0 until e1000_start succeeds */
    const struct e1000_model *model;
    uint8_t mac[6];
    volatile struct e1000_rx_desc *rx;
    volatile struct e1000_tx_desc *tx;
    uint8_t *rx_buf, *tx_buf;
    uint32_t rx_next;  /* the next descriptor the NIC fills */
    uint32_t tx_tail;  /* the next free transmit descriptor */
    uint32_t tx_clean; /* the oldest descriptor not yet reclaimed */
    uint32_t causes;   /* ICR bits the interrupt handler saw (atomic) */
    bool link_up;      /* as last logged */
    struct e1000_stats stats;
} nic;

static uint32_t reg_read(uint32_t reg) { return mmio_read32(nic.mmio + reg); }
static void reg_write(uint32_t reg, uint32_t v) { mmio_write32(nic.mmio + reg, v); }

/* Keep the compiler from moving descriptor accesses across this point
 * (x86 does not reorder stores with stores or loads with loads). */
static inline void compiler_barrier(void) { __asm__ volatile("" ::: "memory"); }

static const struct e1000_model *model_of(const struct pci_device *d)
{
    if (d->vendor_id != E1000_VENDOR_INTEL)
        return NULL;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (models[i].device_id == d->device_id)
            return &models[i];
    return NULL;
}

bool e1000_matches(const struct pci_device *d) { return model_of(d) != NULL; }

static bool wait_clear(uint32_t reg, uint32_t bits, uint64_t timeout_ns)
{
    uint64_t deadline = clock_now_ns() + timeout_ns;
    while (reg_read(reg) & bits)
        if (clock_now_ns() > deadline)
            return false;
    return true;
}

/* One 16-bit EEPROM word, or -1 when the read does not finish. */
static int32_t eeprom_read(uint8_t word)
{
    bool narrow = nic.model->narrow_eerd;
    uint32_t shift = narrow ? E1000_EERD_ADDR_SHIFT_NARROW : E1000_EERD_ADDR_SHIFT_WIDE;
    uint32_t done = narrow ? E1000_EERD_DONE_NARROW : E1000_EERD_DONE_WIDE;
    reg_write(E1000_EERD, E1000_EERD_START | (uint32_t)word << shift);
    uint64_t deadline = clock_now_ns() + E1000_EERD_TIMEOUT_NS;
    for (;;) {
        uint32_t v = reg_read(E1000_EERD);
        if (v & done)
            return (int32_t)(v >> E1000_EERD_DATA_SHIFT);
        if (clock_now_ns() > deadline)
            return -1;
    }
}

static bool mac_usable(const uint8_t mac[6])
{
    bool zero = true;
    for (int i = 0; i < 6; i++)
        zero = zero && mac[i] == 0;
    return !zero && !(mac[0] & 1); /* not all zeros, not multicast */
}

/* The NIC loads receive address 0 from the EEPROM at reset; read the
 * EEPROM ourselves only when that did not happen. Then (re)write RAL0/RAH0
 * so the unicast filter is valid. */
static int mac_load(void)
{
    uint32_t ral = reg_read(E1000_RAL0), rah = reg_read(E1000_RAH0);
    for (int i = 0; i < 4; i++)
        nic.mac[i] = (uint8_t)(ral >> (8 * i));
    nic.mac[4] = (uint8_t)rah;
    nic.mac[5] = (uint8_t)(rah >> 8);
    if (!(rah & E1000_RAH_AV) || !mac_usable(nic.mac)) {
        for (uint8_t w = 0; w < 3; w++) {
            int32_t v = eeprom_read(w);
            if (v < 0)
                return -1;
            nic.mac[2 * w] = (uint8_t)v;
            nic.mac[2 * w + 1] = (uint8_t)(v >> 8);
        }
    }
    if (!mac_usable(nic.mac))
        return -1;
    reg_write(E1000_RAL0, (uint32_t)nic.mac[0] | (uint32_t)nic.mac[1] << 8 |
                              (uint32_t)nic.mac[2] << 16 | (uint32_t)nic.mac[3] << 24);
    reg_write(E1000_RAH0, (uint32_t)nic.mac[4] | (uint32_t)nic.mac[5] << 8 | E1000_RAH_AV);
    return 0;
}

/* Reset the MAC, keep interrupts masked, and bring the link up. */
static int reset(void)
{
    reg_write(E1000_IMC, E1000_INT_ALL);
    reg_write(E1000_CTRL, reg_read(E1000_CTRL) | E1000_CTRL_RST);
    if (!wait_clear(E1000_CTRL, E1000_CTRL_RST, E1000_RESET_TIMEOUT_NS))
        return -1;
    reg_write(E1000_IMC, E1000_INT_ALL);
    (void)reg_read(E1000_ICR);
    uint32_t ctrl = reg_read(E1000_CTRL);
    ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_VME);
    reg_write(E1000_CTRL, ctrl | E1000_CTRL_SLU | E1000_CTRL_ASDE);
    return 0;
}

static void rx_start(void)
{
    for (uint32_t i = 0; i < E1000_RX_DESCS; i++) {
        nic.rx[i].addr = (uint64_t)(uintptr_t)(nic.rx_buf + i * E1000_BUF_BYTES);
        nic.rx[i].status = 0;
    }
    for (uint32_t i = 0; i < E1000_MTA_ENTRIES; i++)
        reg_write(E1000_MTA + 4 * i, 0);
    uint64_t ring = (uint64_t)(uintptr_t)nic.rx;
    reg_write(E1000_RDBAL, (uint32_t)ring);
    reg_write(E1000_RDBAH, (uint32_t)(ring >> 32));
    reg_write(E1000_RDLEN, E1000_RX_DESCS * sizeof(struct e1000_rx_desc));
    reg_write(E1000_RDH, 0);
    /* The descriptor at RDT belongs to software: the NIC gets all but one. */
    reg_write(E1000_RDT, E1000_RX_DESCS - 1);
    reg_write(E1000_RDTR, 0);
    nic.rx_next = 0;
    reg_write(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC);
}

static void tx_start(void)
{
    for (uint32_t i = 0; i < E1000_TX_DESCS; i++) {
        nic.tx[i].addr = (uint64_t)(uintptr_t)(nic.tx_buf + i * E1000_BUF_BYTES);
        nic.tx[i].status = 0;
    }
    uint64_t ring = (uint64_t)(uintptr_t)nic.tx;
    reg_write(E1000_TDBAL, (uint32_t)ring);
    reg_write(E1000_TDBAH, (uint32_t)(ring >> 32));
    reg_write(E1000_TDLEN, E1000_TX_DESCS * sizeof(struct e1000_tx_desc));
    reg_write(E1000_TDH, 0);
    reg_write(E1000_TDT, 0);
    nic.tx_tail = nic.tx_clean = 0;
    reg_write(E1000_TIPG, E1000_TIPG_VALUE);
    reg_write(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
                              E1000_TCTL_CT_VALUE << E1000_TCTL_CT_SHIFT |
                              E1000_TCTL_COLD_FULL_DUPLEX << E1000_TCTL_COLD_SHIFT);
}

static void on_interrupt(void *arg)
{
    (void)arg;
    uint32_t icr = reg_read(E1000_ICR);
    if (icr == 0)
        return; /* another device on a shared line */
    nic.stats.interrupts++;
    __atomic_fetch_or(&nic.causes, icr, __ATOMIC_RELAXED);
}

/* Place the rings and buffers in one zeroed DMA allocation. */
static int dma_alloc(void)
{
    uint8_t *base = pages_alloc(E1000_DMA_PAGES);
    if (base == NULL)
        return -1;
    nic.rx = (volatile struct e1000_rx_desc *)base;
    nic.tx = (volatile struct e1000_tx_desc *)(base + PAGE_BYTES);
    nic.rx_buf = base + 2 * PAGE_BYTES;
    nic.tx_buf = nic.rx_buf + E1000_RX_BUF_PAGES * PAGE_BYTES;
    return 0;
}

static int start_fail(const struct pci_device *d, const char *why)
{
    kprintf("cumulonimbus: e1000 at %02x:%02x.%x: %s\n", d->bus, d->slot, d->function, why);
    nic.mmio = 0;
    return -1;
}

int e1000_start(const struct pci_device *d)
{
    if (nic.mmio != 0) {
        kprintf("cumulonimbus: e1000 at %02x:%02x.%x: left alone, a NIC is already running\n",
                d->bus, d->slot, d->function);
        return -1;
    }
    nic.model = model_of(d);
    if (nic.model == NULL)
        return start_fail(d, "not a supported 8254x");
    uint64_t bar = pci_bar_address(d, 0);
    if ((d->bar[0] & 1u) || bar == 0 || bar >= (1ull << 32))
        return start_fail(d, "BAR0 is not a memory BAR below 4 GiB");
    pci_enable_device(d);
    nic.mmio = (uintptr_t)bar;
    if (reset() != 0)
        return start_fail(d, "reset did not complete");
    if (mac_load() != 0)
        return start_fail(d, "no valid MAC address in RAL0 or the EEPROM");
    if (nic.rx == NULL && dma_alloc() != 0)
        return start_fail(d, "no memory for the descriptor rings");
    rx_start();
    tx_start();
    bool irq = d->irq_line != 0xFF && irq_install(d->irq_line, on_interrupt, NULL) == 0;
    reg_write(E1000_IMS, E1000_INT_RXT0 | E1000_INT_RXO | E1000_INT_LSC);
    nic.link_up = e1000_link_up();
    kprintf("cumulonimbus: e1000 %s (8086:%04x) at %02x:%02x.%x, mmio 0x%llx, irq %d%s, "
            "mac %02x:%02x:%02x:%02x:%02x:%02x, link %s\n",
            nic.model->name, d->device_id, d->bus, d->slot, d->function, (unsigned long long)bar,
            irq ? (int)d->irq_line : -1, irq ? "" : " (polling only)", nic.mac[0], nic.mac[1],
            nic.mac[2], nic.mac[3], nic.mac[4], nic.mac[5], nic.link_up ? "up" : "down");
    return 0;
}

/* Free transmit descriptors the NIC has finished with. */
static void tx_reclaim(void)
{
    while (nic.tx_clean != nic.tx_tail && (nic.tx[nic.tx_clean].status & E1000_TX_STATUS_DD))
        nic.tx_clean = (nic.tx_clean + 1) % E1000_TX_DESCS;
}

int e1000_send(const uint8_t *frame, uint32_t len)
{
    if (len < E1000_MIN_FRAME || len > E1000_MAX_FRAME)
        return -2;
    if (nic.mmio == 0)
        return -1;
    tx_reclaim();
    uint32_t next = (nic.tx_tail + 1) % E1000_TX_DESCS;
    if (next == nic.tx_clean) {
        nic.stats.tx_busy++;
        return -1;
    }
    volatile struct e1000_tx_desc *desc = &nic.tx[nic.tx_tail];
    memcpy(nic.tx_buf + nic.tx_tail * E1000_BUF_BYTES, frame, len);
    desc->length = (uint16_t)len;
    desc->cso = 0;
    desc->css = 0;
    desc->special = 0;
    desc->status = 0;
    desc->cmd = E1000_TX_CMD_EOP | E1000_TX_CMD_IFCS | E1000_TX_CMD_RS;
    compiler_barrier();
    nic.tx_tail = next;
    reg_write(E1000_TDT, next);
    nic.stats.tx_frames++;
    return 0;
}

/* Act on what the interrupt handler saw: count overruns, log link changes. */
static void take_causes(void)
{
    uint32_t causes = __atomic_exchange_n(&nic.causes, 0, __ATOMIC_RELAXED);
    if (causes & E1000_INT_RXO)
        nic.stats.rx_errors++;
    if (causes & E1000_INT_LSC) {
        bool up = e1000_link_up();
        if (up != nic.link_up)
            kprintf("cumulonimbus: e1000 link %s\n", up ? "up" : "down");
        nic.link_up = up;
    }
}

/* Hand descriptor `i` back to the NIC. */
static void rx_recycle(uint32_t i)
{
    nic.rx[i].status = 0;
    compiler_barrier();
    reg_write(E1000_RDT, i);
}

uint32_t e1000_receive(uint8_t *buf, uint32_t cap)
{
    if (nic.mmio == 0)
        return 0;
    take_causes();
    for (;;) {
        uint32_t i = nic.rx_next;
        volatile struct e1000_rx_desc *desc = &nic.rx[i];
        if (!(desc->status & E1000_RX_STATUS_DD))
            return 0;
        compiler_barrier();
        uint32_t len = desc->length;
        /* With 2048-byte buffers and long frames off, every good frame
         * fits one descriptor: anything else is an error. */
        bool good = (desc->status & E1000_RX_STATUS_EOP) && desc->errors == 0 &&
                    len >= E1000_MIN_FRAME && len <= E1000_MAX_FRAME && len <= cap;
        if (good)
            memcpy(buf, nic.rx_buf + i * E1000_BUF_BYTES, len);
        nic.rx_next = (i + 1) % E1000_RX_DESCS;
        rx_recycle(i);
        if (good) {
            nic.stats.rx_frames++;
            return len;
        }
        nic.stats.rx_errors++;
    }
}

void e1000_mac(uint8_t mac[6])
{
    memcpy(mac, nic.mac, 6);
}

bool e1000_link_up(void)
{
    return nic.mmio != 0 && (reg_read(E1000_STATUS) & E1000_STATUS_LU);
}

const struct e1000_stats *e1000_stats(void)
{
    return &nic.stats;
}
