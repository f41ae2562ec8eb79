/*
 * hal_clock.h - time.
 *
 * now_ns returns the platform's monotonic time in integer nanoseconds: the
 * simulated time in the simulator, time since boot on x86. It never goes
 * backwards and does not advance while a kernel entry point runs in the
 * simulator (time moves only between events).
 *
 * There is no "set timer" call: every kernel entry point reports the
 * earliest deadline the core needs (kernel_run's return value and
 * kernel_next_deadline), and the platform calls kernel_on_timer once
 * now_ns() has reached it. Callable at any time.
 */
#ifndef HAL_CLOCK_H
#define HAL_CLOCK_H

#include "hal_types.h"

#define HAL_TIME_NEVER UINT64_MAX

struct hal_clock_ops {
    uint64_t (*now_ns)(void *ctx);
};

#endif
