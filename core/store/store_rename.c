/*
 * store_rename.c - rename: move a name, replacing what the target name
 * held (a file by a file, an empty directory by a directory). A directory
 * may not move into its own subtree.
 */
#include "core/store/store_priv.h"

struct rename_plan {
    struct inode moved, victim;
    bool has_victim;
    uint64_t cost;
};

/* STORE_E_BAD_ARG when `dir` is `ino` or below it (walks the parents). */
static int rename_check_cycle(struct store *s, uint64_t ino, uint64_t dir)
{
    struct inode in;
    for (uint32_t steps = 0; dir != STORE_INO_ROOT; steps++) {
        if (dir == ino)
            return STORE_E_BAD_ARG;
        int rc = inode_get(s, dir, &in);
        if (rc != STORE_OK)
            return rc;
        if (steps > s->inodes)
            return STORE_E_CORRUPT; /* a loop of parents */
        dir = in.parent;
    }
    return ino == STORE_INO_ROOT ? STORE_E_BAD_ARG : STORE_OK;
}

static int rename_check_victim(struct store *s, struct rename_plan *p, uint64_t to_dir, const char *to,
                               uint32_t len)
{
    uint64_t ino;
    int rc = dirent_get(s, to_dir, to, len, &ino);
    if (rc == STORE_E_NOT_FOUND)
        return STORE_OK;
    if (rc == STORE_OK)
        rc = inode_get(s, ino, &p->victim);
    if (rc != STORE_OK)
        return rc;
    p->has_victim = true;
    if (p->victim.type != p->moved.type)
        return p->victim.type == STORE_TYPE_DIR ? STORE_E_IS_DIR : STORE_E_NOT_DIR;
    return ino == p->moved.ino ? STORE_OK : remove_touch(s, &p->victim, &p->cost);
}

static int rename_plan(struct store *s, struct rename_plan *p, uint64_t from_dir, const char *from,
                       uint32_t from_len, uint64_t to_dir, const char *to, uint32_t to_len)
{
    struct inode d;
    uint64_t ino;
    int rc = name_check(from, from_len);
    if (rc == STORE_OK)
        rc = name_check(to, to_len);
    for (uint32_t i = 0; i < 2 && rc == STORE_OK; i++) {
        rc = inode_get(s, i == 0 ? from_dir : to_dir, &d);
        if (rc == STORE_OK && d.type != STORE_TYPE_DIR)
            rc = STORE_E_NOT_DIR;
    }
    if (rc == STORE_OK)
        rc = dirent_get(s, from_dir, from, from_len, &ino);
    if (rc == STORE_OK)
        rc = inode_get(s, ino, &p->moved);
    if (rc == STORE_OK && p->moved.type == STORE_TYPE_DIR)
        rc = rename_check_cycle(s, ino, to_dir);
    if (rc == STORE_OK)
        rc = rename_check_victim(s, p, to_dir, to, to_len);
    p->cost += 6u * tree_insert_cost(s);
    return rc;
}

static int rename_apply(struct store *s, struct rename_plan *p, uint64_t from_dir, const char *from,
                        uint32_t from_len, uint64_t to_dir, const char *to, uint32_t to_len, uint64_t now_ns)
{
    uint8_t key[STORE_KEY_MAX], v[STORE_DIRENT_BYTES];
    int32_t dir_link = p->moved.type == STORE_TYPE_DIR ? 1 : 0;
    put_le64(v, p->moved.ino);
    v[8] = (uint8_t)p->moved.type;
    int rc = tree_del(s, key, dirent_key(key, from_dir, from, from_len));
    if (rc == STORE_OK)
        rc = tree_put(s, key, dirent_key(key, to_dir, to, to_len), v, sizeof v);
    if (rc == STORE_OK && p->has_victim)
        rc = inode_drop(s, p->victim.ino);
    if (rc == STORE_OK && p->moved.parent != to_dir) {
        p->moved.parent = to_dir;
        rc = inode_put(s, &p->moved);
    }
    if (rc == STORE_OK)
        rc = dir_adjust(s, from_dir, -1, -dir_link, now_ns);
    if (rc == STORE_OK)
        rc = dir_adjust(s, to_dir, p->has_victim ? 0 : 1, p->has_victim ? 0 : dir_link, now_ns);
    return rc;
}

int store_rename(struct store *s, uint64_t from_dir, const char *from, uint32_t from_len, uint64_t to_dir,
                 const char *to, uint32_t to_len, uint64_t now_ns)
{
    struct rename_plan p = {.has_victim = false, .cost = 0};
    int rc = store_check_writable(s);
    if (rc == STORE_OK)
        rc = rename_plan(s, &p, from_dir, from, from_len, to_dir, to, to_len);
    if (rc == STORE_OK && p.has_victim && p.victim.ino == p.moved.ino)
        return STORE_OK; /* a name onto itself */
    if (rc == STORE_OK)
        rc = alloc_reserve(s, p.cost, true);
    if (rc != STORE_OK)
        return rc;
    rc = rename_apply(s, &p, from_dir, from, from_len, to_dir, to, to_len, now_ns);
    return rc != STORE_OK ? store_fail(s, rc) : STORE_OK;
}
