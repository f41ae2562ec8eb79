/*
 * hal_nvram.h - a few words that survive a node's restart, as NVRAM or a
 * reserved disk block would. The kernel keeps there what a new incarnation
 * of the node must not forget: the next local process number
 * (HAL_NVRAM_NEXT_PID), so that a restarted node never hands out a pid
 * that a process of an earlier incarnation may still hold elsewhere, and
 * how often it booted (HAL_NVRAM_BOOTS), so that a restarted node tells
 * its peers at once (docs/architecture.md, "Pids" and "Crashes").
 *
 * A node that never wrote a word reads 0. write is durable when it
 * returns. Both are callable at any time. A platform without such storage
 * sets hal.nvram to NULL: every boot then starts from 0.
 */
#ifndef HAL_NVRAM_H
#define HAL_NVRAM_H

#include "hal_types.h"

enum hal_nvram_word {
    HAL_NVRAM_NEXT_PID, /* the last local process number handed out */
    HAL_NVRAM_BOOTS,    /* boots of this node so far */
    HAL_NVRAM_WORDS
};

struct hal_nvram_ops {
    uint32_t (*read)(void *ctx, uint32_t word);
    void (*write)(void *ctx, uint32_t word, uint32_t value);
};

#endif
