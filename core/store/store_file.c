/*
 * store_file.c - files and directories: lookup, stat, create, readdir,
 * unlink and rmdir. A directory's inode counts its entries in `size` and
 * has 2 + its subdirectories links; every inode names its one parent.
 */
#include "core/store/store_priv.h"

int store_lookup_at(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint64_t *ino)
{
    int rc = name_check(name, name_len);
    return rc != STORE_OK ? rc : dirent_get(s, dir, name, name_len, ino);
}

int store_lookup(struct store *s, const char *path, uint64_t *ino)
{
    if (path == 0 || path[0] != '/')
        return STORE_E_BAD_ARG;
    uint64_t at = STORE_INO_ROOT;
    for (const char *p = path; *p != '\0';) {
        while (*p == '/')
            p++;
        uint32_t len = 0;
        while (p[len] != '/' && p[len] != '\0')
            len++;
        if (len == 0)
            break;
        int rc = store_lookup_at(s, at, p, len, &at);
        if (rc != STORE_OK)
            return rc;
        p += len;
    }
    *ino = at;
    return STORE_OK;
}

int store_stat(struct store *s, uint64_t ino, struct store_stat *st)
{
    struct inode in;
    int rc = inode_get(s, ino, &in);
    if (rc != STORE_OK)
        return rc;
    *st = (struct store_stat){in.ino, in.type, in.nlink, in.size, in.ctime_ns, in.mtime_ns, in.parent};
    return STORE_OK;
}

/* The directory `dir`, checked to be one. */
static int dir_get(struct store *s, uint64_t dir, struct inode *in)
{
    int rc = inode_get(s, dir, in);
    if (rc == STORE_OK && in->type != STORE_TYPE_DIR)
        return STORE_E_NOT_DIR;
    return rc;
}

/* Change a directory's entry and link counts after a change inside it. */
int dir_adjust(struct store *s, uint64_t dir, int64_t entries, int32_t links, uint64_t now_ns)
{
    struct inode in;
    int rc = inode_get(s, dir, &in);
    if (rc != STORE_OK)
        return rc;
    in.size = (uint64_t)((int64_t)in.size + entries);
    in.nlink = (uint32_t)((int32_t)in.nlink + links);
    in.mtime_ns = now_ns;
    s->commit_ns = now_ns;
    return inode_put(s, &in);
}

/* A lookup that must find nothing: `found` if it did, its error if it failed. */
static int expect_absent(int lookup, int found)
{
    return lookup == STORE_E_NOT_FOUND ? STORE_OK : lookup == STORE_OK ? found : lookup;
}

static int create_apply(struct store *s, const struct inode *parent, const char *name, uint32_t len,
                        const struct inode *child)
{
    uint8_t key[STORE_KEY_MAX], v[STORE_DIRENT_BYTES];
    put_le64(v, child->ino);
    v[8] = (uint8_t)child->type;
    int rc = inode_put(s, child);
    if (rc == STORE_OK)
        rc = tree_put(s, key, dirent_key(key, parent->ino, name, len), v, sizeof v);
    if (rc == STORE_OK)
        rc = dir_adjust(s, parent->ino, 1, child->type == STORE_TYPE_DIR ? 1 : 0, child->mtime_ns);
    s->inodes++;
    s->next_ino++;
    return rc;
}

int store_create(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint32_t type,
                 uint64_t now_ns, uint64_t *ino)
{
    struct inode parent, dummy;
    uint64_t existing;
    int rc = store_check_writable(s);
    if (rc == STORE_OK)
        rc = name_check(name, name_len);
    if (rc == STORE_OK && type != STORE_TYPE_FILE && type != STORE_TYPE_DIR)
        rc = STORE_E_BAD_ARG;
    if (rc == STORE_OK)
        rc = dir_get(s, dir, &parent);
    if (rc == STORE_OK)
        rc = expect_absent(dirent_get(s, dir, name, name_len, &existing), STORE_E_EXISTS);
    if (rc == STORE_OK) /* walks to where the new inode goes; it must not exist */
        rc = expect_absent(inode_get(s, s->next_ino, &dummy), STORE_E_CORRUPT);
    if (rc == STORE_OK)
        rc = alloc_reserve(s, 3u * tree_insert_cost(s), false);
    if (rc != STORE_OK)
        return rc;
    struct inode child = {s->next_ino, type, type == STORE_TYPE_DIR ? 2u : 1u, 0, now_ns, now_ns, dir};
    *ino = child.ino;
    rc = create_apply(s, &parent, name, name_len, &child);
    return rc != STORE_OK ? store_fail(s, rc) : STORE_OK;
}

int store_readdir(struct store *s, uint64_t dir, struct store_dirent *cursor)
{
    struct inode in;
    struct tree_item it;
    uint8_t key[STORE_KEY_MAX];
    int rc = dir_get(s, dir, &in);
    if (rc == STORE_OK && cursor->name_len > STORE_NAME_MAX)
        rc = STORE_E_BAD_ARG;
    if (rc == STORE_OK)
        rc = tree_next(s, key, dirent_key(key, dir, cursor->name, cursor->name_len), true, &it);
    if (rc <= 0)
        return rc;
    if (key_obj(it.key) != dir || key_kind(it.key) != STORE_REC_DIRENT || it.val_len != STORE_DIRENT_BYTES)
        return 0;
    cursor->name_len = it.key_len - STORE_KEY_HEAD;
    kmemcpy(cursor->name, it.key + STORE_KEY_HEAD, cursor->name_len);
    cursor->name[cursor->name_len] = '\0';
    cursor->ino = get_le64(it.val);
    cursor->type = it.val[8];
    return 1;
}
