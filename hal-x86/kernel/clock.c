/*
 * clock.c - see clock.h. The PIT's input clock (1.193182 MHz) is the one
 * frequency every PC agrees on: its channel 2 times a short interval to
 * measure the TSC, and channel 0 raises IRQ 0 CLOCK_TICK_HZ times a
 * second so that a halted CPU wakes to look at its deadlines.
 */
#include "clock.h"

#include <stddef.h>

#include "cpu.h"
#include "io.h"
#include "irq.h"
#include "kprint.h"

#define PIT_HZ 1193182u
#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_CH0_RATE_GENERATOR 0x34 /* channel 0, low then high byte, mode 2 */
#define PIT_CH2_ONE_SHOT 0xB0       /* channel 2, low then high byte, mode 0 */
#define PORT_B 0x61                 /* bit 0 gates channel 2, bit 1 the speaker, bit 5 is its output */
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CLOCK_IRQ 0

#define CALIBRATE_MS 10u
#define CALIBRATE_PIT_COUNT (PIT_HZ * CALIBRATE_MS / 1000u)
#define CALIBRATE_SPIN_LIMIT 100000000u
#define FALLBACK_TSC_HZ 1000000000ull
#define NS_PER_S 1000000000ull
_Static_assert(CALIBRATE_PIT_COUNT <= 0xFFFF, "the interval fits the 16-bit counter");

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static uint64_t ns_per_tsc_q32; /* nanoseconds per TSC tick, 32 fraction bits */

/* TSC ticks in CALIBRATE_MS, timed by PIT channel 2 in one-shot mode;
 * 0 if its output never rose. */
static uint64_t measure_tsc_ticks(void)
{
    uint8_t port_b = inb(PORT_B) & ~(PORT_B_GATE2 | PORT_B_SPEAKER);
    outb(PORT_B, port_b);
    outb(PIT_COMMAND, PIT_CH2_ONE_SHOT);
    outb(PIT_CHANNEL2, CALIBRATE_PIT_COUNT & 0xFF);
    outb(PIT_CHANNEL2, CALIBRATE_PIT_COUNT >> 8);
    uint64_t start = cpu_rdtsc();
    outb(PORT_B, port_b | PORT_B_GATE2); /* the count starts */
    for (uint32_t spin = 0; spin < CALIBRATE_SPIN_LIMIT; spin++) {
        if (inb(PORT_B) & PORT_B_OUT2) {
            uint64_t ticks = cpu_rdtsc() - start;
            outb(PORT_B, port_b);
            return ticks;
        }
    }
    outb(PORT_B, port_b);
    return 0;
}

/* The interrupt's work is done by the time it returns: it ended a hlt. */
static void clock_tick(void *arg)
{
    (void)arg;
}

void clock_init(void)
{
    uint64_t ticks = measure_tsc_ticks();
    tsc_hz = ticks * 1000u / CALIBRATE_MS;
    if (tsc_hz == 0) {
        tsc_hz = FALLBACK_TSC_HZ;
        kprintf("cumulonimbus: clock: the PIT did not answer; assuming a 1 GHz TSC\n");
    }
    ns_per_tsc_q32 = (NS_PER_S << 32) / tsc_hz;
    tsc_at_boot = cpu_rdtsc();

    uint32_t divisor = (PIT_HZ + CLOCK_TICK_HZ / 2) / CLOCK_TICK_HZ;
    outb(PIT_COMMAND, PIT_CH0_RATE_GENERATOR);
    outb(PIT_CHANNEL0, divisor & 0xFF);
    outb(PIT_CHANNEL0, divisor >> 8);
    irq_install(CLOCK_IRQ, clock_tick, NULL);
}

uint64_t clock_now_ns(void)
{
    uint64_t elapsed = cpu_rdtsc() - tsc_at_boot;
    return (uint64_t)(((unsigned __int128)elapsed * ns_per_tsc_q32) >> 32);
}

uint64_t clock_tsc_hz(void)
{
    return tsc_hz;
}
