/*
 * x86_hal.h - the HAL (hal/hal.h) of a real node: the clock is the
 * calibrated TSC, the network the e1000, the disk the ATA drive, the
 * console the serial port and the screen, memory the page allocator,
 * randomness RDRAND, the trace a few kernel notices on the console, the
 * programs those built into the image, with their translations unless
 * the command line says translate=off.
 *
 * Disk requests queue up (DISK_QUEUE) and go to the driver one at a
 * time. The core may not be called back from a HAL operation, so their
 * ends are found and reported only when the main loop calls
 * x86_hal_deliver_disk: by DMA a request runs meanwhile and the disk's
 * interrupt wakes the loop; by PIO it was done inside submit.
 */
#ifndef HAL_X86_X86_HAL_H
#define HAL_X86_X86_HAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/kernel.h"
#include "node_config.h"

/* What the trace has told about this node's processes. */
struct x86_activity {
    uint32_t started;  /* spawned here or arrived by migration */
    uint32_t exited;   /* exited here, faulted ones included */
    uint32_t failed;   /* of which with a status other than 0 */
    uint64_t events[HAL_TRACE_TYPE_COUNT]; /* every event, by type */
};

/* Fill `hal` for the node `cfg` describes; `nic` and `disk` say which
 * devices started. */
void x86_hal_init(struct hal *hal, const struct node_config *cfg, bool nic, bool disk);

/* The HAL x86_hal_init filled, again (self tests submit through it). */
void x86_hal_get(struct hal *hal);

/* Move the running disk request on and report the ended ones to the core. */
void x86_hal_deliver_disk(struct kernel *k);

/* The same, reporting each ended request to `done` instead (self tests). */
typedef void (*x86_disk_done_fn)(void *ctx, uint32_t request_id, int status);
void x86_hal_deliver_disk_to(x86_disk_done_fn done, void *done_ctx);

const struct x86_activity *x86_hal_activity(void);

#endif
