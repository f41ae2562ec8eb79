/*
 * pci.c - PCI configuration space through mechanism #1 (an address written
 * to port 0xCF8 selects a dword that port 0xCFC then reads or writes), and
 * a brute-force scan of every bus, slot and function. See pci.h.
 *
 * A PC's BIOS and SeaBIOS assign every BAR; qboot (QEMU's fast firmware)
 * sets interrupt lines but leaves memory and I/O BARs at 0. The scan gives
 * such a memory BAR on bus 0 an address in PCI_ASSIGN_BASE..PCI_ASSIGN_LIMIT,
 * a window QEMU's pc machine keeps free for PCI below 4 GiB whatever the
 * RAM size (guest RAM below 4 GiB ends at 0xE0000000 at most; the I/O APIC
 * starts at 0xFEC00000), and such an I/O BAR ports in
 * PCI_IO_ASSIGN_BASE..PCI_IO_ASSIGN_LIMIT, where SeaBIOS puts them too
 * (the IDE controller's bus-master registers are one). Decoding stays off
 * until pci_enable_device.
 */
#include "pci.h"

#include "io.h"

#define PCI_CONFIG_ADDRESS 0xCF8u
#define PCI_CONFIG_DATA 0xCFCu
#define PCI_CONFIG_ENABLE 0x80000000u

#define PCI_BUSES 256u
#define PCI_SLOTS 32u
#define PCI_FUNCTIONS 8u

/* Configuration space offsets (type 0 header unless noted). */
#define PCI_REG_ID 0x00u       /* vendor (low 16), device (high 16) */
#define PCI_REG_COMMAND 0x04u  /* command (low 16), status (high 16) */
#define PCI_REG_CLASS 0x08u    /* revision, prog-if, subclass, class */
#define PCI_REG_HEADER 0x0Cu   /* header type in bits 23:16 */
#define PCI_REG_BAR0 0x10u
#define PCI_REG_INTERRUPT 0x3Cu /* line (bits 7:0), pin (bits 15:8) */

#define PCI_HEADER_MULTIFUNCTION 0x80u
#define PCI_HEADER_TYPE_MASK 0x7Fu
#define PCI_HEADER_GENERAL 0x00u
#define PCI_HEADER_BRIDGE 0x01u /* PCI-to-PCI bridge: only BAR0 and BAR1 */

#define PCI_COMMAND_IO 0x0001u
#define PCI_COMMAND_MEMORY 0x0002u
#define PCI_COMMAND_BUS_MASTER 0x0004u
#define PCI_COMMAND_INTX_DISABLE 0x0400u

#define PCI_BAR_IO 0x1u
#define PCI_BAR_MEM_TYPE_MASK 0x6u
#define PCI_BAR_MEM_TYPE_64 0x4u
#define PCI_BAR_IO_ADDR_MASK 0xFFFFFFFCu
#define PCI_BAR_MEM_ADDR_MASK 0xFFFFFFF0u

#define PCI_ASSIGN_BASE 0xE0000000u
#define PCI_ASSIGN_LIMIT 0xFEC00000u
#define PCI_IO_ASSIGN_BASE 0xC000u
#define PCI_IO_ASSIGN_LIMIT 0x10000u
#define PCI_IO_SIZE_MASK 0xFFFFu /* I/O BARs may implement only 16 bits */

#define PCI_NO_VENDOR 0xFFFFu
#define PCI_IRQ_LINE_NONE 0xFFu

static uint32_t config_address(uint8_t bus, uint8_t slot, uint8_t function, uint8_t offset)
{
    return PCI_CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)(slot & 0x1Fu) << 11 |
           (uint32_t)(function & 0x7u) << 8 | (offset & 0xFCu);
}

static uint32_t config_read(uint8_t bus, uint8_t slot, uint8_t function, uint8_t offset)
{
    outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, function, offset));
    return inl(PCI_CONFIG_DATA);
}

uint32_t pci_config_read32(const struct pci_device *d, uint8_t offset)
{
    return config_read(d->bus, d->slot, d->function, offset);
}

void pci_config_write32(const struct pci_device *d, uint8_t offset, uint32_t value)
{
    outl(PCI_CONFIG_ADDRESS, config_address(d->bus, d->slot, d->function, offset));
    outl(PCI_CONFIG_DATA, value);
}

/* How many BARs a header type has. */
static unsigned bar_count(uint8_t header_type)
{
    switch (header_type & PCI_HEADER_TYPE_MASK) {
    case PCI_HEADER_GENERAL:
        return 6;
    case PCI_HEADER_BRIDGE:
        return 2;
    default:
        return 0; /* CardBus bridges and unknown layouts: none we use */
    }
}

/* Read the identity of a function that answered (vendor != 0xFFFF). */
static void describe(struct pci_device *d, uint32_t id, uint8_t header_type)
{
    d->vendor_id = (uint16_t)(id & 0xFFFFu);
    d->device_id = (uint16_t)(id >> 16);
    uint32_t class_reg = pci_config_read32(d, PCI_REG_CLASS);
    d->prog_if = (uint8_t)(class_reg >> 8);
    d->subclass = (uint8_t)(class_reg >> 16);
    d->class_code = (uint8_t)(class_reg >> 24);
    unsigned bars = bar_count(header_type);
    for (unsigned i = 0; i < 6; i++)
        d->bar[i] = i < bars ? pci_config_read32(d, (uint8_t)(PCI_REG_BAR0 + 4 * i)) : 0;
    uint32_t interrupt = pci_config_read32(d, PCI_REG_INTERRUPT);
    uint8_t line = (uint8_t)(interrupt & 0xFFu);
    uint8_t pin = (uint8_t)(interrupt >> 8);
    /* No pin means no interrupt; a line above 15 is not a PIC line. */
    d->irq_line = (pin == 0 || line >= 16) ? PCI_IRQ_LINE_NONE : line;
}

static uint64_t assign_next = PCI_ASSIGN_BASE;

/* Give memory BAR `i`, which reads 0, a naturally aligned address in the
 * window: size it by writing all ones, then write the address. A BAR that
 * does not fit (or is not implemented) stays 0. */
static void assign_memory_bar(struct pci_device *d, unsigned i)
{
    uint8_t offset = (uint8_t)(PCI_REG_BAR0 + 4 * i);
    pci_config_write32(d, offset, 0xFFFFFFFFu);
    uint32_t mask = pci_config_read32(d, offset) & PCI_BAR_MEM_ADDR_MASK;
    uint64_t size = (uint64_t)(~mask) + 1;
    uint64_t address = (assign_next + size - 1) & ~(size - 1);
    bool fits = mask != 0 && address + size <= PCI_ASSIGN_LIMIT;
    pci_config_write32(d, offset, fits ? (uint32_t)address : 0);
    if (fits)
        assign_next = address + size;
    d->bar[i] = pci_config_read32(d, offset);
}

static uint32_t assign_next_io = PCI_IO_ASSIGN_BASE;

/* Give I/O BAR `i`, which reads 0, naturally aligned ports in the I/O
 * window, as assign_memory_bar does for memory. */
static void assign_io_bar(struct pci_device *d, unsigned i)
{
    uint8_t offset = (uint8_t)(PCI_REG_BAR0 + 4 * i);
    pci_config_write32(d, offset, 0xFFFFFFFFu);
    uint32_t mask = pci_config_read32(d, offset) & PCI_BAR_IO_ADDR_MASK & PCI_IO_SIZE_MASK;
    uint32_t size = (~mask & PCI_IO_SIZE_MASK) + 1;
    uint32_t address = (assign_next_io + size - 1) & ~(size - 1);
    bool fits = mask != 0 && address + size <= PCI_IO_ASSIGN_LIMIT;
    pci_config_write32(d, offset, fits ? address : 0);
    if (fits)
        assign_next_io = address + size;
    d->bar[i] = pci_config_read32(d, offset);
}

/* Assign the BARs left at 0 of a bus 0 function whose decoding of that
 * kind (memory, I/O) the firmware left off; a device already decoding is
 * live (a PC's VGA card, its host bridge) and is never touched. */
static void assign_bars(struct pci_device *d, unsigned bars)
{
    if (d->bus != 0)
        return;
    uint32_t command = pci_config_read32(d, PCI_REG_COMMAND);
    for (unsigned i = 0; i < bars; i++) {
        uint32_t bar = d->bar[i];
        if (bar & PCI_BAR_IO) {
            if (!(command & PCI_COMMAND_IO) && (bar & PCI_BAR_IO_ADDR_MASK) == 0)
                assign_io_bar(d, i);
            continue;
        }
        bool is_64 = (bar & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
        if (!(command & PCI_COMMAND_MEMORY) && (bar & PCI_BAR_MEM_ADDR_MASK) == 0 &&
            (!is_64 || (i + 1 < bars && d->bar[i + 1] == 0)))
            assign_memory_bar(d, i);
        if (is_64)
            i++; /* the upper half of a 64-bit BAR stays 0: below 4 GiB */
    }
}

static uint8_t header_type_of(uint8_t bus, uint8_t slot, uint8_t function)
{
    return (uint8_t)(config_read(bus, slot, function, PCI_REG_HEADER) >> 16);
}

/* Report one slot's functions; returns how many answered. */
static uint32_t scan_slot(uint8_t bus, uint8_t slot,
                          void (*fn)(const struct pci_device *d, void *arg), void *arg)
{
    uint32_t found = 0;
    uint8_t functions = 1;
    for (uint8_t f = 0; f < functions; f++) {
        uint32_t id = config_read(bus, slot, f, PCI_REG_ID);
        if ((id & 0xFFFFu) == PCI_NO_VENDOR)
            continue;
        uint8_t header_type = header_type_of(bus, slot, f);
        if (f == 0 && (header_type & PCI_HEADER_MULTIFUNCTION))
            functions = PCI_FUNCTIONS;
        struct pci_device d = {.bus = bus, .slot = slot, .function = f};
        describe(&d, id, header_type);
        assign_bars(&d, bar_count(header_type));
        fn(&d, arg);
        found++;
    }
    return found;
}

uint32_t pci_scan(void (*fn)(const struct pci_device *d, void *arg), void *arg)
{
    uint32_t found = 0;
    for (uint32_t bus = 0; bus < PCI_BUSES; bus++)
        for (uint32_t slot = 0; slot < PCI_SLOTS; slot++)
            found += scan_slot((uint8_t)bus, (uint8_t)slot, fn, arg);
    return found;
}

void pci_enable_device(const struct pci_device *d)
{
    uint32_t reg = pci_config_read32(d, PCI_REG_COMMAND);
    /* The status half is write-one-to-clear: write zeros there. */
    uint32_t command = (reg & 0xFFFFu) | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER;
    command &= ~PCI_COMMAND_INTX_DISABLE;
    pci_config_write32(d, PCI_REG_COMMAND, command);
}

bool pci_bar_is_io(const struct pci_device *d, unsigned index)
{
    return index < 6 && (d->bar[index] & PCI_BAR_IO);
}

uint64_t pci_bar_address(const struct pci_device *d, unsigned index)
{
    if (index >= 6)
        return 0;
    uint32_t bar = d->bar[index];
    if (bar & PCI_BAR_IO)
        return bar & PCI_BAR_IO_ADDR_MASK;
    uint64_t address = bar & PCI_BAR_MEM_ADDR_MASK;
    if ((bar & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 && index + 1 < 6)
        address |= (uint64_t)d->bar[index + 1] << 32;
    return address;
}
