/*
 * idt.h - the interrupt descriptor table: CPU exceptions (vectors 0..31)
 * go to the panic path, device interrupts (32..47) to pic.c, and the rest
 * (48..63: the local APIC's spurious vector, strays) are ignored. Every
 * vector enters through isr.S, which saves the registers as a struct
 * interrupt_frame and calls interrupt_dispatch.
 */
#ifndef HAL_X86_IDT_H
#define HAL_X86_IDT_H

#include <stdint.h>

#define IDT_EXCEPTIONS 32u
#define IDT_IRQ_BASE 32u
#define IDT_IRQ_END 48u /* after the 16 legacy IRQ lines */
#define IDT_VECTORS 64u

/* What isr.S leaves on the stack, lowest address first. */
struct interrupt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;            /* error is 0 for vectors without a code */
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

void idt_init(void);

/* Called by isr.S with interrupts off. */
void interrupt_dispatch(struct interrupt_frame *f);

#endif
