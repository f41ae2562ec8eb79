/* idt.c - see idt.h. */
#include "idt.h"

#include <stdbool.h>

#include "panic.h"
#include "pic.h"
#include "tss.h"

#define GATE_INTERRUPT_PRESENT 0x8E /* present, ring 0, 64-bit interrupt gate */
#define VECTOR_NMI 2
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_MACHINE_CHECK 18

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "a long-mode gate is 16 bytes");

struct idt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern const uint64_t isr_stub_table[IDT_VECTORS]; /* isr.S */

static struct idt_gate idt[IDT_VECTORS];

/* Exceptions that can strike while the stack itself is broken get the
 * TSS's separate stack. */
static uint8_t gate_stack(unsigned vector)
{
    bool emergency = vector == VECTOR_NMI || vector == VECTOR_DOUBLE_FAULT || vector == VECTOR_MACHINE_CHECK;
    return emergency ? TSS_IST_EMERGENCY : 0;
}

void idt_init(void)
{
    for (unsigned v = 0; v < IDT_VECTORS; v++) {
        uint64_t entry = isr_stub_table[v];
        idt[v] = (struct idt_gate){
            .offset_low = (uint16_t)entry,
            .selector = GDT_KERNEL_CODE,
            .ist = gate_stack(v),
            .type = GATE_INTERRUPT_PRESENT,
            .offset_mid = (uint16_t)(entry >> 16),
            .offset_high = (uint32_t)(entry >> 32),
        };
    }
    struct idt_pointer p = {.limit = sizeof idt - 1, .base = (uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}

void interrupt_dispatch(struct interrupt_frame *f)
{
    if (f->vector < IDT_EXCEPTIONS)
        panic_exception(f);
    if (f->vector < IDT_IRQ_END)
        pic_dispatch((uint8_t)(f->vector - IDT_IRQ_BASE));
}
