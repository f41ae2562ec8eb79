/*
 * sweep_grid.h - the grid of a sweep: the swept keys, each with its
 * values as written on the command line, and their combinations.
 *
 * Combinations are numbered in grid order: the first key varies slowest
 * (like nested loops over the keys as given). A sweep without keys has
 * one combination. The same model is rebuilt from summary.csv by
 * `nimbus plot`, so both agree on names and order.
 */
#ifndef SWEEP_SWEEP_GRID_H
#define SWEEP_SWEEP_GRID_H

#include <stdbool.h>
#include <stddef.h>

#define SWEEP_MAX_KEYS 8u
#define SWEEP_MAX_VALUES 1000u      /* per key */
#define SWEEP_MAX_COMBOS 100000u    /* all keys' values multiplied */
#define SWEEP_DIR_NAME_BYTES 1024u  /* a combination's directory name */

struct sweep_grid {
    size_t key_count;
    char *key[SWEEP_MAX_KEYS];       /* the JSON path, "network.loss" */
    char **value[SWEEP_MAX_KEYS];    /* its values as written, "0.01" */
    size_t value_count[SWEEP_MAX_KEYS];
};

/* Add a key (copied) with no values; false when there are too many keys. */
bool sweep_grid_add_key(struct sweep_grid *g, const char *key);
/* Add a value (copied) to key k; false when there are too many values
 * or it is listed already. */
bool sweep_grid_add_value(struct sweep_grid *g, size_t k, const char *value);
/* The key's index, or -1. */
int sweep_grid_find_key(const struct sweep_grid *g, const char *key);
/* How many combinations: the product of the value counts (1 for none);
 * 0 when it is above SWEEP_MAX_COMBOS. */
size_t sweep_grid_combos(const struct sweep_grid *g);
/* Combination `combo`'s value index for each key. */
void sweep_grid_values_of(const struct sweep_grid *g, size_t combo, size_t value_index[SWEEP_MAX_KEYS]);
/* The combination of these value indexes. */
size_t sweep_grid_combo_of(const struct sweep_grid *g, const size_t value_index[SWEEP_MAX_KEYS]);
/* The combination's directory name, "balancer.policy=offer,network.loss=0.01"
 * with characters a file name should not hold made '_'; "" with no keys.
 * false when it does not fit in `bytes`. */
bool sweep_grid_dir_name(const struct sweep_grid *g, size_t combo, char *buf, size_t bytes);
/* `text` with the characters a file name should not hold made '_'
 * (truncated to fit). */
void sweep_grid_safe_name(const char *text, char *buf, size_t bytes);
/* Whether two values of key k would give the same directory name
 * ("a b" and "a_b"); if so, their indexes in *a and *b. */
bool sweep_grid_names_clash(const struct sweep_grid *g, size_t k, size_t *a, size_t *b);
void sweep_grid_free(struct sweep_grid *g);

#endif
