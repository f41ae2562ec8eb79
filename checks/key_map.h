/*
 * key_map.h - a hash map from a 64-bit key to a record of fixed size,
 * for the run checks' per-process and per-pair state. New records start
 * zeroed. Records move when the map grows: hold a pointer to one only
 * until the next key_map_get that may create a record.
 */
#ifndef CHECKS_KEY_MAP_H
#define CHECKS_KEY_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct key_map {
    uint64_t *keys;
    unsigned char *records;
    bool *used;
    size_t record_bytes;
    size_t count, capacity;
};

void key_map_init(struct key_map *m, size_t record_bytes);
void key_map_free(struct key_map *m);
/* The record for `key`, or NULL when there is none and `create` is false;
 * a new record starts zeroed and *created (may be NULL) says so. */
void *key_map_get(struct key_map *m, uint64_t key, bool create, bool *created);
/* The i-th slot's record if it is in use, else NULL (for walking every
 * record: i from 0 to m->capacity). */
void *key_map_slot(const struct key_map *m, size_t i, uint64_t *key);

#endif
