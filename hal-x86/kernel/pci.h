/* pci.h - PCI configuration space (mechanism #1, ports 0xCF8/0xCFC) and
 * enumeration of bus 0..255. */
#ifndef HAL_X86_PCI_H
#define HAL_X86_PCI_H

#include <stdbool.h>
#include <stdint.h>

struct pci_device {
    uint8_t bus, slot, function;
    uint16_t vendor_id, device_id;
    uint8_t class_code, subclass, prog_if;
    uint8_t irq_line; /* legacy PIC line from config space; 0xFF if none */
    uint32_t bar[6];  /* raw BAR values */
};

uint32_t pci_config_read32(const struct pci_device *d, uint8_t offset);
void pci_config_write32(const struct pci_device *d, uint8_t offset, uint32_t value);

/* Scan every bus; calls `fn` for each function found, in bus/slot/function
 * order. Returns how many were found. Memory and I/O BARs the firmware
 * left unassigned (qboot leaves them all) get an address first (pci.c). */
uint32_t pci_scan(void (*fn)(const struct pci_device *d, void *arg), void *arg);

/* Let the device master the bus (DMA) and decode memory and I/O. */
void pci_enable_device(const struct pci_device *d);

/* The address a memory BAR maps (64-bit BARs combine two slots), or the
 * first port of an I/O BAR. */
uint64_t pci_bar_address(const struct pci_device *d, unsigned index);

/* Whether BAR `index` is one of I/O ports (not memory). */
bool pci_bar_is_io(const struct pci_device *d, unsigned index);

#endif
