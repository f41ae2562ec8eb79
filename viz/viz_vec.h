/*
 * viz_vec.h - growable arrays for the visualizer's tables. Allocation
 * failure ends the program with a message (host/xalloc.h): a viewer cannot
 * go on without memory.
 */
#ifndef VIZ_VEC_H
#define VIZ_VEC_H

#include <stddef.h>

/* Make room for `need` elements of `elem` bytes in *p (capacity *cap,
 * in elements), doubling; returns *p. */
void *viz_vec_reserve(void *p, size_t *cap, size_t need, size_t elem);

/* Append one element: VIZ_VEC_PUSH(v, n, cap, value). */
#define VIZ_VEC_PUSH(arr, n, cap, value)                                                  \
    do {                                                                                  \
        (arr) = viz_vec_reserve((arr), &(cap), (n) + 1, sizeof *(arr));                   \
        (arr)[(n)++] = (value);                                                           \
    } while (0)

/* result = how many leading elements of arr[0..n), sorted by `field`,
 * have field <= key (a binary search). */
#define VIZ_COUNT_UPTO(result, arr, n, field, key)                                        \
    do {                                                                                  \
        size_t lo_ = 0, hi_ = (n);                                                        \
        while (lo_ < hi_) {                                                               \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                          \
            if ((arr)[mid_].field <= (key))                                               \
                lo_ = mid_ + 1;                                                           \
            else                                                                          \
                hi_ = mid_;                                                               \
        }                                                                                 \
        (result) = lo_;                                                                   \
    } while (0)

#endif
