/*
 * store_inode.c - inode, directory-entry and extent records
 * (store_format.h): reading and writing them as a whole, and the checks
 * on names.
 */
#include "core/store/store_priv.h"

int inode_get(struct store *s, uint64_t ino, struct inode *in)
{
    uint8_t key[STORE_KEY_HEAD], v[STORE_INODE_BYTES];
    uint32_t len;
    int rc = tree_get(s, key, key_make(key, ino, STORE_REC_INODE, 0, 0), v, sizeof v, &len);
    return rc != STORE_OK ? rc : inode_decode(v, len, ino, in);
}

int inode_decode(const uint8_t *v, uint32_t len, uint64_t ino, struct inode *in)
{
    if (len != STORE_INODE_BYTES)
        return STORE_E_CORRUPT;
    in->ino = ino;
    in->type = v[STORE_IN_TYPE];
    in->nlink = get_le32(v + STORE_IN_NLINK);
    in->size = get_le64(v + STORE_IN_SIZE);
    in->ctime_ns = get_le64(v + STORE_IN_CTIME);
    in->mtime_ns = get_le64(v + STORE_IN_MTIME);
    in->parent = get_le64(v + STORE_IN_PARENT);
    if (in->type != STORE_TYPE_FILE && in->type != STORE_TYPE_DIR)
        return STORE_E_CORRUPT; /* err_block: the leaf (tree_get) */
    return STORE_OK;
}

int inode_put(struct store *s, const struct inode *in)
{
    uint8_t key[STORE_KEY_HEAD], v[STORE_INODE_BYTES];
    kmemset(v, 0, sizeof v);
    v[STORE_IN_TYPE] = (uint8_t)in->type;
    put_le32(v + STORE_IN_NLINK, in->nlink);
    put_le64(v + STORE_IN_SIZE, in->size);
    put_le64(v + STORE_IN_CTIME, in->ctime_ns);
    put_le64(v + STORE_IN_MTIME, in->mtime_ns);
    put_le64(v + STORE_IN_PARENT, in->parent);
    return tree_put(s, key, key_make(key, in->ino, STORE_REC_INODE, 0, 0), v, sizeof v);
}

uint32_t dirent_key(uint8_t *key, uint64_t dir, const char *name, uint32_t len)
{
    return key_make(key, dir, STORE_REC_DIRENT, (const uint8_t *)name, len);
}

int dirent_get(struct store *s, uint64_t dir, const char *name, uint32_t len, uint64_t *child)
{
    uint8_t key[STORE_KEY_MAX], v[STORE_DIRENT_BYTES];
    uint32_t vlen;
    int rc = tree_get(s, key, dirent_key(key, dir, name, len), v, sizeof v, &vlen);
    if (rc != STORE_OK)
        return rc;
    if (vlen != STORE_DIRENT_BYTES)
        return STORE_E_CORRUPT;
    *child = get_le64(v);
    return STORE_OK;
}

/* 1 to 255 bytes, no '/' or NUL, not "." or "..". */
int name_check(const char *name, uint32_t len)
{
    if (len > STORE_NAME_MAX)
        return STORE_E_NAME_TOO_LONG;
    if (len == 0 || (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
        return STORE_E_BAD_ARG;
    for (uint32_t i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == '\0')
            return STORE_E_BAD_ARG;
    return STORE_OK;
}

int extents_touch(struct store *s, uint64_t ino, uint64_t from, uint64_t *cost)
{
    uint8_t key[STORE_KEY_MAX];
    uint64_t entries;
    return tree_touch_range(s, key, key_extent(key, ino, from), &entries, cost);
}

int extents_drop(struct store *s, uint64_t ino, uint64_t from)
{
    uint8_t key[STORE_KEY_MAX];
    struct tree_item it;
    uint32_t len = key_extent(key, ino, from);
    for (;;) {
        int rc = tree_next(s, key, len, false, &it);
        if (rc <= 0)
            return rc;
        if (it.key_len != STORE_KEY_HEAD + 8 || key_obj(it.key) != ino ||
            key_kind(it.key) != STORE_REC_EXTENT)
            return STORE_OK;
        free_block(s, get_le64(it.val));
        rc = tree_del(s, it.key, it.key_len);
        if (rc != STORE_OK)
            return rc;
    }
}
