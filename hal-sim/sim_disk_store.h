/*
 * sim_disk_store.h - the durable contents of one simulated disk, sparse:
 * only chunks of SIM_DISK_CHUNK_BLOCKS sectors that were ever written are
 * held (an open-addressing hash of chunk numbers), and every other sector
 * reads as zeros. A thousand nodes with 64 MiB disks cost what they wrote.
 */
#ifndef SIM_DISK_STORE_H
#define SIM_DISK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal_disk.h"

#define SIM_DISK_CHUNK_BLOCKS 8u
#define SIM_DISK_CHUNK_BYTES (SIM_DISK_CHUNK_BLOCKS * HAL_DISK_BLOCK_BYTES)

struct sim_disk_store {
    uint64_t *keys; /* chunk number + 1; 0: a free slot */
    uint8_t **chunks;
    size_t cap, used; /* cap: 0 or a power of two */
};

void sim_disk_store_init(struct sim_disk_store *st);
void sim_disk_store_free(struct sim_disk_store *st);

/* Copy `count` sectors from `first` into `out` (zeros where never written). */
void sim_disk_store_read(const struct sim_disk_store *st, uint64_t first, uint32_t count, uint8_t *out);
/* Make `count` sectors from `first` hold `data`. */
void sim_disk_store_write(struct sim_disk_store *st, uint64_t first, uint32_t count, const uint8_t *data);

/* The held chunk in table slot `slot` (< st->cap): false for a free slot. */
bool sim_disk_store_slot(const struct sim_disk_store *st, size_t slot, uint64_t *chunk, const uint8_t **data);

#endif
