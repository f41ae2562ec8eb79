/* cpu.h - single instructions the platform needs: interrupts, halt, time
 * stamp counter, hardware random numbers. */
#ifndef HAL_X86_CPU_H
#define HAL_X86_CPU_H

#include <stdbool.h>
#include <stdint.h>

static inline void cpu_enable_interrupts(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_disable_interrupts(void) { __asm__ volatile("cli" ::: "memory"); }

/* Enable interrupts and halt until the next one, with no window in which
 * an interrupt could arrive unnoticed between the two. */
static inline void cpu_wait_for_interrupt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

static inline uint64_t cpu_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Stop this CPU for good (after a panic). */
_Noreturn void cpu_halt_forever(void);

#endif
