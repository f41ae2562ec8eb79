/* tss.c - see tss.h. */
#include "tss.h"

#include <stdint.h>

#define EMERGENCY_STACK_BYTES 16384u
#define TSS_TYPE_AVAILABLE_PRESENT 0x89 /* present, ring 0, 64-bit TSS available */

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7]; /* ist[0] is IST entry 1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "the long-mode TSS is 104 bytes");

extern uint64_t gdt[GDT_ENTRIES]; /* boot.S */

static struct tss tss;
static _Alignas(16) uint8_t emergency_stack[EMERGENCY_STACK_BYTES];

void tss_init(void)
{
    tss.ist[TSS_IST_EMERGENCY - 1] = (uintptr_t)(emergency_stack + sizeof emergency_stack);
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap */
    uint64_t base = (uintptr_t)&tss;
    uint64_t limit = sizeof tss - 1;
    gdt[GDT_TSS / 8] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 |
                       (uint64_t)TSS_TYPE_AVAILABLE_PRESENT << 40 | ((limit >> 16) & 0xF) << 48 |
                       (base >> 24 & 0xFF) << 56;
    gdt[GDT_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS) : "memory");
}
