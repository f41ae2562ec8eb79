/*
 * kvd_lmdb.h - the key-value store of `nimbus kvd` in LMDB: one
 * environment in a directory, one unnamed database, keys and values as
 * the kernels send them (hal_kvstore.h's limits and status codes).
 *
 * Changes go into one write transaction that stays open until
 * kvd_lmdb_commit, which commits it with LMDB's default durability (the
 * data file is synced before the commit returns; no MDB_NOSYNC): one
 * transaction per batch. Each put or delete runs in a nested transaction
 * of its own, so one that fails (a full map) leaves the batch's other
 * changes in place. Reads see the open batch.
 *
 * A store opened for serving takes an exclusive lock on DIR/kvd.lock, so
 * two kvd never serve one directory; a read-only open (--dump, get)
 * takes none and sees the last commit.
 */
#ifndef KVD_KVD_LMDB_H
#define KVD_KVD_LMDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal_kvstore.h"

#define KVD_MAP_BYTES_DEFAULT (1ull << 30) /* the largest the store may grow: 1 GiB */
#define KVD_LOCK_FILE "kvd.lock"

struct kvd_lmdb;

/* Open (creating DIR and the database if missing) for serving, or
 * read-only. NULL with the reason in err ("DIR: ..."). */
struct kvd_lmdb *kvd_lmdb_open(const char *dir, bool read_only, uint64_t map_bytes, char *err, size_t err_bytes);
/* Close; changes not committed are dropped. */
void kvd_lmdb_close(struct kvd_lmdb *db);

/* As hal_kvstore.h's operations, with its limits and status codes. */
int kvd_lmdb_put(struct kvd_lmdb *db, const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len);
int32_t kvd_lmdb_get(struct kvd_lmdb *db, const uint8_t *key, uint32_t key_len, uint8_t *buf, uint32_t cap);
int kvd_lmdb_del(struct kvd_lmdb *db, const uint8_t *key, uint32_t key_len);
int32_t kvd_lmdb_scan(struct kvd_lmdb *db, const uint8_t *prefix, uint32_t prefix_len, const uint8_t *after,
                      uint32_t after_len, uint8_t *key_out);
int kvd_lmdb_commit(struct kvd_lmdb *db);

/* Keys held at the last commit (and in the open batch). */
uint64_t kvd_lmdb_count(struct kvd_lmdb *db);

#endif
