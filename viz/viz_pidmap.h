/*
 * viz_pidmap.h - pid -> process index, an open-addressing hash table.
 * The table stores indices only; the caller keeps the pids.
 */
#ifndef VIZ_PIDMAP_H
#define VIZ_PIDMAP_H

#include <stddef.h>
#include <stdint.h>

#define VIZ_NO_PROC UINT32_MAX

struct viz_pidmap {
    uint64_t *keys;
    uint32_t *values;
    size_t cap, used; /* cap is 0 or a power of two */
};

uint64_t viz_pid_key(uint32_t node, uint32_t local);
/* The index stored for key, or VIZ_NO_PROC. */
uint32_t viz_pidmap_get(const struct viz_pidmap *m, uint64_t key);
/* Store (or replace) key -> value. */
void viz_pidmap_put(struct viz_pidmap *m, uint64_t key, uint32_t value);
void viz_pidmap_free(struct viz_pidmap *m);

#endif
