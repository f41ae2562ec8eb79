/*
 * store_key.c - record keys: the object id big-endian (so one object's
 * records sort together), the record kind, then the rest.
 */
#include "core/store/store_priv.h"

uint32_t key_make(uint8_t *key, uint64_t obj, uint32_t kind, const uint8_t *rest, uint32_t rest_len)
{
    put_be64(key, obj);
    key[8] = (uint8_t)kind;
    if (rest_len > 0)
        kmemcpy(key + STORE_KEY_HEAD, rest, rest_len);
    return STORE_KEY_HEAD + rest_len;
}

uint32_t key_extent(uint8_t *key, uint64_t ino, uint64_t index)
{
    uint8_t rest[8];
    put_be64(rest, index);
    return key_make(key, ino, STORE_REC_EXTENT, rest, sizeof rest);
}

int store_fail(struct store *s, int err)
{
    s->read_only = true;
    s->fail_err = err;
    return err;
}

int store_check_writable(const struct store *s)
{
    if (!s->mounted)
        return STORE_E_BAD_ARG;
    return s->read_only ? STORE_E_READ_ONLY : STORE_OK;
}
