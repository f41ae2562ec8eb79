/*
 * store_super.h - encoding and checking superblocks (store_super.c); the
 * mount path and fsck share them.
 */
#ifndef CORE_STORE_STORE_SUPER_H
#define CORE_STORE_STORE_SUPER_H

#include "core/store/store.h"

void super_encode(const struct store *s, uint8_t *sb);
uint32_t super_check(const uint8_t *sb); /* enum store_super_state */
void super_decode(struct store *s, const uint8_t *sb);
uint32_t super_bitmaps_for(uint64_t blocks);

#endif
