/*
 * store_remove.c - unlink, rmdir and rename: the operations that take a
 * name away (and with rename, give it to something else atomically: both
 * changes are in one batch, so one commit has both or neither).
 */
#include "core/store/store_priv.h"

/* Delete an inode and its extents (their data blocks are freed). */
int inode_drop(struct store *s, uint64_t ino)
{
    uint8_t key[STORE_KEY_HEAD];
    int rc = tree_del(s, key, key_make(key, ino, STORE_REC_INODE, 0, 0));
    if (rc == STORE_OK)
        rc = extents_drop(s, ino, 0);
    s->inodes--;
    return rc;
}

/* Phase one of removing an object: touch its records and add the blocks
 * deleting them may copy (its extents, then its entry and its inode, a
 * path each) to *cost. */
int remove_touch(struct store *s, const struct inode *victim, uint64_t *cost)
{
    uint64_t drop_cost = 0;
    uint8_t key[STORE_KEY_MAX];
    struct tree_item it;
    int rc = extents_touch(s, victim->ino, 0, &drop_cost);
    if (rc == STORE_OK && victim->type == STORE_TYPE_DIR) {
        rc = tree_next(s, key, key_make(key, victim->ino, STORE_REC_DIRENT, 0, 0), false, &it);
        if (rc == 1)
            rc = key_obj(it.key) == victim->ino && key_kind(it.key) == STORE_REC_DIRENT ? STORE_E_NOT_EMPTY
                                                                                        : STORE_OK;
    }
    *cost += drop_cost + 2u * (s->root_level + 1u);
    return rc;
}

static int remove_name(struct store *s, uint64_t dir, const char *name, uint32_t len, uint32_t type,
                       uint64_t now_ns)
{
    struct inode parent, victim;
    uint64_t ino, cost = tree_insert_cost(s);
    uint8_t key[STORE_KEY_MAX];
    int rc = store_check_writable(s);
    if (rc == STORE_OK)
        rc = name_check(name, len);
    if (rc == STORE_OK)
        rc = inode_get(s, dir, &parent);
    if (rc == STORE_OK && parent.type != STORE_TYPE_DIR)
        rc = STORE_E_NOT_DIR;
    if (rc == STORE_OK)
        rc = dirent_get(s, dir, name, len, &ino);
    if (rc == STORE_OK)
        rc = inode_get(s, ino, &victim);
    if (rc == STORE_OK && victim.type != type)
        rc = type == STORE_TYPE_DIR ? STORE_E_NOT_DIR : STORE_E_IS_DIR;
    if (rc == STORE_OK)
        rc = remove_touch(s, &victim, &cost);
    if (rc == STORE_OK)
        rc = alloc_reserve(s, cost, true);
    if (rc != STORE_OK)
        return rc;
    rc = tree_del(s, key, dirent_key(key, dir, name, len));
    if (rc == STORE_OK)
        rc = inode_drop(s, ino);
    if (rc == STORE_OK)
        rc = dir_adjust(s, dir, -1, type == STORE_TYPE_DIR ? -1 : 0, now_ns);
    return rc != STORE_OK ? store_fail(s, rc) : STORE_OK;
}

int store_unlink(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint64_t now_ns)
{
    return remove_name(s, dir, name, name_len, STORE_TYPE_FILE, now_ns);
}

int store_rmdir(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint64_t now_ns)
{
    return remove_name(s, dir, name, name_len, STORE_TYPE_DIR, now_ns);
}
