/*
 * clock.h - time since boot, from the TSC calibrated against the PIT, and
 * the periodic PIT tick (CLOCK_TICK_HZ) that wakes the idle loop.
 */
#ifndef HAL_X86_CLOCK_H
#define HAL_X86_CLOCK_H

#include <stdint.h>

#define CLOCK_TICK_HZ 1000u

void clock_init(void);         /* calibrate, start the tick; before interrupts are on */
uint64_t clock_now_ns(void);   /* monotonic, since clock_init */
uint64_t clock_tsc_hz(void);   /* the calibrated TSC frequency */

#endif
