/*
 * hal_disk.h - one block disk per node (declared now; the storage service
 * uses it later).
 *
 * block_count is 0 when the node has no disk. submit starts one request of
 * `count` blocks at `first_block`; `buf` (count * block_size bytes, owned by
 * the core) must stay valid until the platform calls
 * kernel_on_disk_done(k, request_id, status) with status HAL_OK or
 * HAL_ERR_IO. submit returns HAL_OK when the request was accepted (exactly
 * one completion follows), HAL_ERR_BUSY when the queue is full, or
 * HAL_ERR_INVALID for a request outside the disk (no completion follows).
 */
#ifndef HAL_DISK_H
#define HAL_DISK_H

#include "hal_types.h"

struct hal_disk_ops {
    uint32_t (*block_size)(void *ctx);
    uint64_t (*block_count)(void *ctx);
    int (*submit)(void *ctx, uint32_t request_id, bool write,
                  uint64_t first_block, uint32_t count, void *buf);
};

#endif
