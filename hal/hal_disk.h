/*
 * hal_disk.h - one block disk per node.
 *
 * block_count is 0 when the node has no disk; block_size is the sector
 * size, 512 bytes on every platform (as ATA). submit starts one request:
 *
 *   HAL_DISK_READ       read `count` blocks at `first_block` into `buf`
 *   HAL_DISK_WRITE      write them from `buf`
 *   HAL_DISK_WRITE_FUA  write them, durable when the request completes
 *                       (force unit access)
 *   HAL_DISK_FLUSH      a write barrier: completes once every write that
 *                       completed before it was submitted is durable;
 *                       `count` must be 0 (`first_block`, `buf` unused)
 *
 * `buf` (count * block_size bytes, owned by the core) must stay valid
 * until the platform calls kernel_on_disk_done(k, request_id, status)
 * with status HAL_OK or HAL_ERR_IO. Requests complete in the order they
 * were submitted. submit returns HAL_OK when the request was accepted
 * (exactly one completion follows, unless the node crashes first),
 * HAL_ERR_BUSY when the queue is full, or HAL_ERR_INVALID for an unknown
 * kind, an empty read or write, a flush with blocks, or blocks outside
 * the disk (no completion follows).
 *
 * The crash contract: after a crash (power loss) the disk holds
 *   - every write that completed before a flush that completed,
 *   - every FUA write that completed,
 * and of anything else any subset (whole writes, older contents
 * otherwise). The one write in flight at the crash may be torn at sector
 * granularity: some of its sectors new, the others old; a sector itself
 * is never torn. A completed write that is not yet durable is still what
 * later reads return.
 */
#ifndef HAL_DISK_H
#define HAL_DISK_H

#include "hal_types.h"

#define HAL_DISK_BLOCK_BYTES 512u

enum hal_disk_op {
    HAL_DISK_READ = 0,
    HAL_DISK_WRITE = 1,
    HAL_DISK_WRITE_FUA = 2,
    HAL_DISK_FLUSH = 3,
};

struct hal_disk_ops {
    uint32_t (*block_size)(void *ctx);
    uint64_t (*block_count)(void *ctx);
    int (*submit)(void *ctx, uint32_t request_id, enum hal_disk_op op,
                  uint64_t first_block, uint32_t count, void *buf);
};

#endif
