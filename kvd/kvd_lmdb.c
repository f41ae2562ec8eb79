/* kvd_lmdb.c - see kvd_lmdb.h. */
#define _DEFAULT_SOURCE /* flock */
#include "kvd_lmdb.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/files.h"

struct kvd_lmdb {
    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *batch; /* the open write transaction, NULL between batches */
    bool read_only;
    int lock_fd;
};

__attribute__((format(printf, 4, 5))) static int kvd_fail(char *err, size_t err_bytes, const char *dir,
                                                          const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(err, err_bytes, "%s: %s", dir, why);
    return -1;
}

/* The exclusive lock that keeps a second kvd off the directory. */
static int kvd_lock(struct kvd_lmdb *db, const char *dir, char *err, size_t err_bytes)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/" KVD_LOCK_FILE, dir) >= sizeof path)
        return kvd_fail(err, err_bytes, dir, "the path is too long");
    db->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (db->lock_fd < 0)
        return kvd_fail(err, err_bytes, dir, "cannot open the lock file: %s", strerror(errno));
    if (flock(db->lock_fd, LOCK_EX | LOCK_NB) < 0)
        return kvd_fail(err, err_bytes, dir, "%s",
                        errno == EWOULDBLOCK ? "in use by another nimbus kvd (" KVD_LOCK_FILE " is locked)"
                                             : strerror(errno));
    return 0;
}

static int kvd_open_env(struct kvd_lmdb *db, const char *dir, uint64_t map_bytes, char *err, size_t err_bytes)
{
    int rc = mdb_env_create(&db->env);
    if (rc == 0)
        rc = mdb_env_set_mapsize(db->env, (size_t)map_bytes);
    if (rc == 0)
        rc = mdb_env_open(db->env, dir, db->read_only ? MDB_RDONLY : 0, 0644);
    MDB_txn *txn = NULL;
    if (rc == 0)
        rc = mdb_txn_begin(db->env, NULL, db->read_only ? MDB_RDONLY : 0, &txn);
    if (rc == 0)
        rc = mdb_dbi_open(txn, NULL, 0, &db->dbi);
    if (txn != NULL)
        rc = rc == 0 ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
    return rc == 0 ? 0 : kvd_fail(err, err_bytes, dir, "cannot open the LMDB database: %s", mdb_strerror(rc));
}

struct kvd_lmdb *kvd_lmdb_open(const char *dir, bool read_only, uint64_t map_bytes, char *err, size_t err_bytes)
{
    struct kvd_lmdb *db = calloc(1, sizeof *db);
    if (db == NULL) {
        kvd_fail(err, err_bytes, dir, "out of memory");
        return NULL;
    }
    db->read_only = read_only;
    db->lock_fd = -1;
    struct stat sb;
    int rc;
    if (read_only)
        rc = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)
                 ? 0
                 : kvd_fail(err, err_bytes, dir, "no such database directory");
    else
        rc = files_make_dirs(dir) == 0 ? kvd_lock(db, dir, err, err_bytes)
                                       : kvd_fail(err, err_bytes, dir, "cannot make the directory: %s",
                                                  strerror(errno));
    if (rc == 0)
        rc = kvd_open_env(db, dir, map_bytes, err, err_bytes);
    if (rc != 0) {
        kvd_lmdb_close(db);
        return NULL;
    }
    return db;
}

void kvd_lmdb_close(struct kvd_lmdb *db)
{
    if (db == NULL)
        return;
    if (db->batch != NULL)
        mdb_txn_abort(db->batch);
    if (db->env != NULL)
        mdb_env_close(db->env);
    if (db->lock_fd >= 0)
        close(db->lock_fd);
    free(db);
}

static int kvd_status(int mdb_rc)
{
    switch (mdb_rc) {
    case MDB_SUCCESS: return HAL_OK;
    case MDB_NOTFOUND: return HAL_ERR_NOT_FOUND;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL: return HAL_ERR_NO_SPACE;
    default: return HAL_ERR_IO;
    }
}

static bool kvd_key_ok(uint32_t key_len)
{
    return key_len >= 1 && key_len <= HAL_KV_KEY_MAX;
}

/* One change in a nested transaction of the batch, opened if need be. */
static int kvd_change(struct kvd_lmdb *db, MDB_val *key, MDB_val *value)
{
    if (db->read_only)
        return HAL_ERR_INVALID;
    int rc = db->batch == NULL ? mdb_txn_begin(db->env, NULL, 0, &db->batch) : MDB_SUCCESS;
    MDB_txn *change = NULL;
    if (rc == MDB_SUCCESS)
        rc = mdb_txn_begin(db->env, db->batch, 0, &change);
    if (rc != MDB_SUCCESS)
        return kvd_status(rc);
    rc = value != NULL ? mdb_put(change, db->dbi, key, value, 0) : mdb_del(change, db->dbi, key, NULL);
    if (rc == MDB_SUCCESS)
        return kvd_status(mdb_txn_commit(change));
    mdb_txn_abort(change);
    return kvd_status(rc);
}

int kvd_lmdb_put(struct kvd_lmdb *db, const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len)
{
    if (!kvd_key_ok(key_len) || value_len > HAL_KV_VALUE_MAX)
        return HAL_ERR_INVALID;
    MDB_val k = {key_len, (void *)key}, v = {value_len, (void *)value};
    return kvd_change(db, &k, &v);
}

int kvd_lmdb_del(struct kvd_lmdb *db, const uint8_t *key, uint32_t key_len)
{
    if (!kvd_key_ok(key_len))
        return HAL_ERR_INVALID;
    MDB_val k = {key_len, (void *)key};
    return kvd_change(db, &k, NULL);
}

/* The transaction reads go through: the batch, or a read-only one of
 * their own (*own set: abort it after). */
static int kvd_reader(struct kvd_lmdb *db, MDB_txn **txn, bool *own)
{
    *own = db->batch == NULL;
    *txn = db->batch;
    if (!*own)
        return MDB_SUCCESS;
    int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, txn);
    if (rc != MDB_SUCCESS)
        *txn = NULL;
    return rc;
}

int32_t kvd_lmdb_get(struct kvd_lmdb *db, const uint8_t *key, uint32_t key_len, uint8_t *buf, uint32_t cap)
{
    if (!kvd_key_ok(key_len))
        return HAL_ERR_INVALID;
    MDB_txn *txn;
    bool own;
    int rc = kvd_reader(db, &txn, &own);
    if (rc != MDB_SUCCESS)
        return kvd_status(rc);
    MDB_val k = {key_len, (void *)key}, v;
    rc = mdb_get(txn, db->dbi, &k, &v);
    int32_t result = kvd_status(rc);
    if (rc == MDB_SUCCESS) {
        memcpy(buf, v.mv_data, v.mv_size < cap ? v.mv_size : cap);
        result = (int32_t)v.mv_size;
    }
    if (own)
        mdb_txn_abort(txn);
    return result;
}

/* Bytewise, a prefix first (LMDB's default order). */
static int kvd_compare(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len)
{
    uint32_t common = a_len < b_len ? a_len : b_len;
    int c = common > 0 ? memcmp(a, b, common) : 0; /* an empty key may come as NULL */
    return c != 0 ? c : (a_len > b_len) - (a_len < b_len);
}

/* The first key at or after `from` (or the first key: from_len 0), and
 * past it when `skip_equal` and it is `from` itself. */
static int kvd_seek(MDB_cursor *c, const uint8_t *from, uint32_t from_len, bool skip_equal, MDB_val *key)
{
    MDB_val v;
    if (from_len == 0)
        return mdb_cursor_get(c, key, &v, MDB_FIRST);
    *key = (MDB_val){from_len, (void *)from};
    int rc = mdb_cursor_get(c, key, &v, MDB_SET_RANGE);
    if (rc == MDB_SUCCESS && skip_equal && kvd_compare(key->mv_data, (uint32_t)key->mv_size, from, from_len) == 0)
        rc = mdb_cursor_get(c, key, &v, MDB_NEXT);
    return rc;
}

int32_t kvd_lmdb_scan(struct kvd_lmdb *db, const uint8_t *prefix, uint32_t prefix_len, const uint8_t *after,
                      uint32_t after_len, uint8_t *key_out)
{
    if (prefix_len > HAL_KV_KEY_MAX || after_len > HAL_KV_KEY_MAX)
        return HAL_ERR_INVALID;
    MDB_txn *txn;
    MDB_cursor *c = NULL;
    bool own;
    int rc = kvd_reader(db, &txn, &own);
    if (rc == MDB_SUCCESS)
        rc = mdb_cursor_open(txn, db->dbi, &c);
    MDB_val key = {0, NULL};
    /* Keys with the prefix are contiguous: start at the later of the
     * prefix itself and the key after the cursor. */
    bool from_cursor = after_len > 0 && kvd_compare(after, after_len, prefix, prefix_len) >= 0;
    if (rc == MDB_SUCCESS)
        rc = from_cursor ? kvd_seek(c, after, after_len, true, &key) : kvd_seek(c, prefix, prefix_len, false, &key);
    int32_t result = kvd_status(rc);
    if (rc == MDB_SUCCESS || rc == MDB_NOTFOUND) {
        bool match = rc == MDB_SUCCESS && key.mv_size >= prefix_len && key.mv_size <= HAL_KV_KEY_MAX &&
                     (prefix_len == 0 || memcmp(key.mv_data, prefix, prefix_len) == 0);
        result = match ? (int32_t)key.mv_size : 0;
        if (match)
            memcpy(key_out, key.mv_data, key.mv_size);
    }
    if (c != NULL)
        mdb_cursor_close(c);
    if (own && txn != NULL)
        mdb_txn_abort(txn);
    return result;
}

int kvd_lmdb_commit(struct kvd_lmdb *db)
{
    if (db->batch == NULL)
        return HAL_OK;
    int rc = mdb_txn_commit(db->batch); /* frees the transaction either way */
    db->batch = NULL;
    return rc == MDB_SUCCESS ? HAL_OK : HAL_ERR_IO;
}

uint64_t kvd_lmdb_count(struct kvd_lmdb *db)
{
    MDB_txn *txn;
    bool own;
    MDB_stat st = {0};
    if (kvd_reader(db, &txn, &own) != MDB_SUCCESS)
        return 0;
    mdb_stat(txn, db->dbi, &st);
    if (own)
        mdb_txn_abort(txn);
    return st.ms_entries;
}
