/*
 * hal.h - the hardware abstraction layer: the one boundary between the
 * portable kernel core and a platform (the simulator or x86).
 *
 * A platform fills one struct hal per node and hands it to kernel_create().
 * Every operation receives `ctx`, the platform's per-node context, so one
 * host process can run many nodes. The core calls these operations only
 * from inside a kernel entry point (kernel_create, kernel_on_*, kernel_run);
 * none of them may call back into the kernel.
 *
 * One header per device class; each says who owns buffers and what every
 * return value means.
 */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include "hal_clock.h"
#include "hal_console.h"
#include "hal_disk.h"
#include "hal_kvstore.h"
#include "hal_mem.h"
#include "hal_net.h"
#include "hal_nvram.h"
#include "hal_panic.h"
#include "hal_program.h"
#include "hal_random.h"
#include "hal_trace.h"

struct hal {
    void *ctx;
    const struct hal_clock_ops *clock;
    const struct hal_net_ops *net;
    const struct hal_disk_ops *disk;
    const struct hal_kvstore_ops *kvstore; /* NULL: none; else the node's key-value back end */
    const struct hal_console_ops *console;
    const struct hal_mem_ops *mem;
    const struct hal_random_ops *random;
    const struct hal_trace_ops *trace;
    const struct hal_program_ops *programs;
    const struct hal_nvram_ops *nvram; /* NULL: nothing survives a restart */
    const struct hal_panic_ops *panic; /* required: KASSERT reports here */
};

#endif
