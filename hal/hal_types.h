/*
 * hal_types.h - fixed-width types and HAL status codes shared by every
 * HAL header. Freestanding: only compiler-provided headers.
 */
#ifndef HAL_TYPES_H
#define HAL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Status codes returned by HAL operations. */
enum hal_status {
    HAL_OK = 0,
    HAL_ERR_BUSY = -1,      /* device queue full; try again later */
    HAL_ERR_NOT_FOUND = -2, /* no such object (program, block) */
    HAL_ERR_IO = -3,        /* the device reported a failure */
    HAL_ERR_INVALID = -4,   /* the request itself was malformed */
    HAL_ERR_NO_SPACE = -5,  /* the store is full */
};

#endif
