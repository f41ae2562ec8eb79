/*
 * hal_kvstore.h - a key-value store the platform keeps for the node, as
 * its key-value back end instead of Stockholder's store on a disk (the
 * host's LMDB under `nimbus kvd`, docs/storage.md "Back end on the host").
 *
 * Keys are 1 to HAL_KV_KEY_MAX bytes, values 0 to HAL_KV_VALUE_MAX; the
 * core checks both before calling, the platform refuses anything else
 * with HAL_ERR_INVALID. put and del change the open batch; get and scan
 * see the last commit with the open batch's changes on top. commit makes
 * every change since the last commit durable at once (one transaction):
 * HAL_OK once durable; HAL_ERR_IO when it failed, and then none of the
 * batch's changes happened. commit blocks until the data is durable: a
 * host platform has nothing else to do meanwhile, and the requests that
 * arrive during it form the next batch.
 *
 *   put   HAL_OK, HAL_ERR_NO_SPACE (the store is full), HAL_ERR_IO
 *   get   the value's length; its first min(length, cap) bytes into buf;
 *         HAL_ERR_NOT_FOUND, HAL_ERR_IO
 *   del   HAL_OK, HAL_ERR_NOT_FOUND, HAL_ERR_IO
 *   scan  the next key after `after` (after_len 0: from the first) that
 *         starts with `prefix`: its length, the key into key_out
 *         (HAL_KV_KEY_MAX bytes); 0 when there is none; HAL_ERR_IO
 *
 * Every call is made from inside a kernel entry point; the bytes passed
 * in belong to the core and are copied by the platform.
 */
#ifndef HAL_KVSTORE_H
#define HAL_KVSTORE_H

#include "hal_types.h"

#define HAL_KV_KEY_MAX 255u
#define HAL_KV_VALUE_MAX 65536u

struct hal_kvstore_ops {
    int (*put)(void *ctx, const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len);
    int32_t (*get)(void *ctx, const uint8_t *key, uint32_t key_len, uint8_t *buf, uint32_t cap);
    int (*del)(void *ctx, const uint8_t *key, uint32_t key_len);
    int32_t (*scan)(void *ctx, const uint8_t *prefix, uint32_t prefix_len, const uint8_t *after,
                    uint32_t after_len, uint8_t *key_out);
    int (*commit)(void *ctx);
};

#endif
