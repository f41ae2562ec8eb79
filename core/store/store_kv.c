/*
 * store_kv.c - the key-value namespace: records (STORE_OBJ_KV, KV, key).
 * A value of up to STORE_KV_INLINE_MAX bytes lives in its record; a
 * larger one in data blocks the record lists with their CRC-32s.
 */
#include "core/store/store_priv.h"

static int kv_key(uint8_t *out, const uint8_t *key, uint32_t key_len, uint32_t *out_len)
{
    if (key_len > STORE_KV_KEY_MAX)
        return STORE_E_NAME_TOO_LONG;
    if (key_len == 0)
        return STORE_E_BAD_ARG;
    *out_len = key_make(out, STORE_OBJ_KV, STORE_REC_KV, key, key_len);
    return STORE_OK;
}

/* The value record's length and form agree (STORE_E_CORRUPT if not). */
int kv_check(const uint8_t *v, uint32_t v_len, uint32_t *size, uint32_t *blocks)
{
    *size = get_le32(v + 4);
    *blocks = (*size + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE;
    if (v_len >= STORE_KV_HEAD && v[0] == STORE_KV_INLINE && *size <= STORE_KV_INLINE_MAX &&
        v_len == STORE_KV_HEAD + *size) {
        *blocks = 0;
        return STORE_OK;
    }
    if (v_len >= STORE_KV_HEAD && v[0] == STORE_KV_BLOCKS && *size <= STORE_KV_VALUE_MAX &&
        v_len == STORE_KV_HEAD + *blocks * STORE_EXTENT_BYTES)
        return STORE_OK;
    return STORE_E_CORRUPT;
}

/* Look the key up: its record in v (STORE_E_NOT_FOUND when absent). */
static int kv_find(struct store *s, const uint8_t *key, uint32_t key_len, uint8_t *v, uint32_t *size,
                   uint32_t *blocks)
{
    uint8_t k[STORE_KEY_MAX];
    uint32_t k_len, v_len;
    int rc = kv_key(k, key, key_len, &k_len);
    if (rc == STORE_OK)
        rc = tree_get(s, k, k_len, v, STORE_VALUE_MAX, &v_len);
    if (rc == STORE_OK)
        rc = kv_check(v, v_len, size, blocks);
    return rc;
}

static void kv_free_blocks(struct store *s, const uint8_t *v, uint32_t blocks)
{
    for (uint32_t i = 0; i < blocks; i++)
        free_block(s, get_le64(v + STORE_KV_HEAD + i * STORE_EXTENT_BYTES));
}

/* The new record in v: inline, or the value copied to new data blocks. */
static int kv_build(struct store *s, const uint8_t *value, uint32_t len, uint8_t *v, uint32_t *v_len)
{
    kmemset(v, 0, STORE_KV_HEAD);
    put_le32(v + 4, len);
    if (len <= STORE_KV_INLINE_MAX) {
        v[0] = STORE_KV_INLINE;
        if (len > 0)
            kmemcpy(v + STORE_KV_HEAD, value, len);
        *v_len = STORE_KV_HEAD + len;
        return STORE_OK;
    }
    v[0] = STORE_KV_BLOCKS;
    uint32_t blocks = (len + STORE_BLOCK_SIZE - 1) / STORE_BLOCK_SIZE;
    for (uint32_t i = 0; i < blocks; i++) {
        uint64_t block;
        uint8_t *data;
        int rc = block_new(s, &block, &data);
        if (rc != STORE_OK)
            return rc;
        uint32_t chunk =
            len - i * STORE_BLOCK_SIZE < STORE_BLOCK_SIZE ? len - i * STORE_BLOCK_SIZE : STORE_BLOCK_SIZE;
        kmemcpy(data, value + i * STORE_BLOCK_SIZE, chunk);
        put_le64(v + STORE_KV_HEAD + i * STORE_EXTENT_BYTES, block);
        put_le32(v + STORE_KV_HEAD + i * STORE_EXTENT_BYTES + 8, crc32_compute(data, STORE_BLOCK_SIZE));
    }
    *v_len = STORE_KV_HEAD + blocks * STORE_EXTENT_BYTES;
    return STORE_OK;
}

int store_kv_put(struct store *s, const uint8_t *key, uint32_t key_len, const uint8_t *value,
                 uint32_t value_len)
{
    uint8_t old[STORE_VALUE_MAX], v[STORE_VALUE_MAX], k[STORE_KEY_MAX];
    uint32_t size, old_blocks = 0, v_len, k_len;
    int rc = store_check_writable(s);
    if (rc == STORE_OK && value_len > STORE_KV_VALUE_MAX)
        rc = STORE_E_TOO_BIG;
    if (rc == STORE_OK)
        rc = kv_find(s, key, key_len, old, &size, &old_blocks);
    if (rc == STORE_E_NOT_FOUND)
        rc = STORE_OK;
    if (rc == STORE_OK)
        rc = alloc_reserve(s, tree_insert_cost(s) + STORE_KV_MAX_BLOCKS, false);
    if (rc != STORE_OK)
        return rc;
    kv_free_blocks(s, old, old_blocks);
    rc = kv_build(s, value, value_len, v, &v_len);
    if (rc == STORE_OK)
        rc = kv_key(k, key, key_len, &k_len);
    if (rc == STORE_OK)
        rc = tree_put(s, k, k_len, v, v_len);
    return rc != STORE_OK ? store_fail(s, rc) : STORE_OK;
}

int store_kv_get(struct store *s, const uint8_t *key, uint32_t key_len, uint8_t *buf, uint32_t cap)
{
    uint8_t v[STORE_VALUE_MAX];
    uint32_t size, blocks;
    int rc = kv_find(s, key, key_len, v, &size, &blocks);
    if (rc != STORE_OK)
        return rc;
    if (blocks == 0) {
        kmemcpy(buf, v + STORE_KV_HEAD, size < cap ? size : cap);
        return (int)size;
    }
    for (uint32_t i = 0; i < blocks && i * STORE_BLOCK_SIZE < cap; i++) {
        const uint8_t *data;
        const uint8_t *x = v + STORE_KV_HEAD + i * STORE_EXTENT_BYTES;
        rc = block_read_data(s, get_le64(x), get_le32(x + 8), &data);
        if (rc != STORE_OK)
            return rc;
        uint32_t end = size < cap ? size : cap, chunk = end - i * STORE_BLOCK_SIZE;
        kmemcpy(buf + i * STORE_BLOCK_SIZE, data, chunk < STORE_BLOCK_SIZE ? chunk : STORE_BLOCK_SIZE);
    }
    return (int)size;
}

int store_kv_del(struct store *s, const uint8_t *key, uint32_t key_len)
{
    uint8_t v[STORE_VALUE_MAX], k[STORE_KEY_MAX];
    uint32_t size, blocks, k_len = 0;
    int rc = store_check_writable(s);
    if (rc == STORE_OK)
        rc = kv_find(s, key, key_len, v, &size, &blocks);
    if (rc == STORE_OK)
        rc = alloc_reserve(s, s->root_level + 1u, true);
    if (rc != STORE_OK)
        return rc;
    kv_free_blocks(s, v, blocks);
    kv_key(k, key, key_len, &k_len);
    rc = tree_del(s, k, k_len);
    return rc != STORE_OK ? store_fail(s, rc) : STORE_OK;
}

int store_kv_scan(struct store *s, const uint8_t *prefix, uint32_t prefix_len, struct store_kv_cursor *cursor)
{
    uint8_t k[STORE_KEY_MAX];
    struct tree_item it;
    if (prefix_len > STORE_KV_KEY_MAX || cursor->key_len > STORE_KV_KEY_MAX)
        return STORE_E_NAME_TOO_LONG;
    uint32_t k_len = cursor->started ? key_make(k, STORE_OBJ_KV, STORE_REC_KV, cursor->key, cursor->key_len)
                                     : key_make(k, STORE_OBJ_KV, STORE_REC_KV, prefix, prefix_len);
    int rc = tree_next(s, k, k_len, cursor->started, &it);
    if (rc <= 0)
        return rc;
    if (it.key_len < STORE_KEY_HEAD + prefix_len || key_obj(it.key) != STORE_OBJ_KV ||
        key_kind(it.key) != STORE_REC_KV ||
        (prefix_len > 0 && kmemcmp(it.key + STORE_KEY_HEAD, prefix, prefix_len) != 0))
        return 0;
    cursor->key_len = it.key_len - STORE_KEY_HEAD;
    kmemcpy(cursor->key, it.key + STORE_KEY_HEAD, cursor->key_len);
    cursor->started = true;
    return 1;
}
