/* lapic.c - see lapic.h. */
#include "lapic.h"

#include <stdbool.h>
#include <stdint.h>

#include "io.h"

#define CPUID_FEATURES 1u
#define CPUID_EDX_APIC (1u << 9)
#define MSR_APIC_BASE 0x1Bu
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDRESS_MASK 0xFFFFFF000ull
#define REG_TPR 0x080u /* task priority: 0 accepts every vector */
#define REG_SVR 0x0F0u /* spurious vector and software enable */
#define REG_LINT0 0x350u
#define REG_LINT1 0x360u
#define SVR_ENABLE (1u << 8)
#define LVT_EXTINT (7u << 8)
#define LVT_NMI (4u << 8)

static bool has_apic(void)
{
    uint32_t eax = CPUID_FEATURES, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return (edx & CPUID_EDX_APIC) != 0;
}

void lapic_init_virtual_wire(void)
{
    if (!has_apic())
        return;
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_APIC_BASE));
    uint64_t base_msr = (uint64_t)hi << 32 | lo;
    if (!(base_msr & APIC_BASE_ENABLE))
        return; /* disabled by the firmware: the 8259 is wired straight to the CPU */
    uintptr_t base = (uintptr_t)(base_msr & APIC_BASE_ADDRESS_MASK);
    mmio_write32(base + REG_TPR, 0);
    mmio_write32(base + REG_LINT0, LVT_EXTINT);
    mmio_write32(base + REG_LINT1, LVT_NMI);
    mmio_write32(base + REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
}
