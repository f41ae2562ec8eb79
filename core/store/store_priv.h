/*
 * store_priv.h - what the store's files share: buffers, block
 * allocation, node layout, tree operations, records. Not for callers.
 *
 * Every public operation runs in two phases. The first only reads: it
 * looks up every record and walks to every leaf the operation will change
 * (so every block it needs is cached or in a buffer) and reserves the
 * buffers and blocks the worst case needs. The second changes the tree and
 * cannot miss a block: a path walked after a change is made of blocks the
 * change made dirty and blocks the first phase walked (inserts split only
 * the nodes on their path, deletes never touch siblings).
 */
#ifndef CORE_STORE_STORE_PRIV_H
#define CORE_STORE_STORE_PRIV_H

#include "core/bytes.h"
#include "core/crc32.h"
#include "core/store/store.h"

enum { BUF_FREE = 0, BUF_DIRTY, BUF_INFLIGHT, BUF_BITMAP };

/* Blocks an ordinary write must leave free so that deletes (which copy
 * nodes too) can still run on a full disk. */
#define STORE_RESERVE_BLOCKS 32u

/* store_buf.c */
struct store_buf *buf_find(struct store *s, uint64_t block); /* DIRTY or INFLIGHT */
struct store_buf *buf_take(struct store *s, uint32_t state);
uint32_t buf_free_count(const struct store *s);
uint32_t block_crc(const uint8_t *block); /* of a node or superblock */
int block_read_node(struct store *s, uint64_t block, uint32_t crc, uint32_t level, const uint8_t **out);
int block_read_data(struct store *s, uint64_t block, uint32_t crc, const uint8_t **out);
/* A writable copy of node or data block *block, moved to a new block
 * unless it is dirty already (*block is updated). */
int block_make_dirty(struct store *s, uint64_t *block, uint8_t **out);
/* A new zeroed dirty block. */
int block_new(struct store *s, uint64_t *block, uint8_t **out);

/* store_alloc.c */
bool bits_test(uint8_t *const *bits, uint64_t block);
int alloc_block(struct store *s, uint64_t *block);
void free_block(struct store *s, uint64_t block);
/* STORE_E_NO_SPACE or STORE_E_NO_MEMORY unless `blocks` new blocks (and
 * the next commit's bitmap copies) fit; `deleting` may use the reserve. */
int alloc_reserve(struct store *s, uint64_t blocks, bool deleting);
int alloc_take_bitmaps(struct store *s);

/* store_node.c: a node is a STORE_BLOCK_SIZE buffer (store_format.h). */
static inline uint32_t node_count(const uint8_t *n)
{
    return get_le16(n + STORE_ND_COUNT);
}
static inline uint32_t node_level(const uint8_t *n)
{
    return n[STORE_ND_LEVEL];
}
static inline uint32_t entry_key_len(const uint8_t *e)
{
    return get_le16(e);
}
static inline uint32_t entry_val_len(const uint8_t *e)
{
    return get_le16(e + 2);
}
static inline const uint8_t *entry_key(const uint8_t *e)
{
    return e + STORE_ENTRY_HEAD;
}
static inline const uint8_t *entry_val(const uint8_t *e)
{
    return e + STORE_ENTRY_HEAD + get_le16(e);
}
int key_cmp(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len);
const uint8_t *node_entry(const uint8_t *n, uint32_t i);
uint32_t node_search(const uint8_t *n, const uint8_t *key, uint32_t key_len, bool *exact);
uint32_t node_child_index(const uint8_t *n, const uint8_t *key, uint32_t key_len);
void node_child(const uint8_t *n, uint32_t i, uint64_t *block, uint32_t *crc);
void node_set_child(uint8_t *n, uint32_t i, uint64_t block, uint32_t crc);
void node_init(uint8_t *n, uint32_t kind, uint32_t level, uint64_t block);
bool node_fits(const uint8_t *n, uint32_t key_len, uint32_t val_len);
void node_insert(uint8_t *n, uint32_t i, const uint8_t *key, uint32_t key_len, const uint8_t *val,
                 uint32_t val_len);
void node_remove(uint8_t *n, uint32_t i);
void node_split(uint8_t *left, uint8_t *right);
/* 0 when the node's header and entries are well formed for `block` at
 * `level`; the checksum is checked by the caller. */
int node_check(const uint8_t *n, uint64_t block, uint32_t level);

/* store_tree.c */
struct tree_path {
    uint32_t depth; /* nodes from the root to the leaf */
    uint64_t block[STORE_MAX_LEVELS];
    uint32_t idx[STORE_MAX_LEVELS]; /* the child taken, or the leaf's position */
    const uint8_t *node[STORE_MAX_LEVELS];
};
int tree_walk(struct store *s, const uint8_t *key, uint32_t key_len, struct tree_path *p);
/* The value of `key` (up to `cap` bytes) and its length; STORE_E_NOT_FOUND. */
int tree_get(struct store *s, const uint8_t *key, uint32_t key_len, uint8_t *val, uint32_t cap,
             uint32_t *val_len);
int tree_put(struct store *s, const uint8_t *key, uint32_t key_len, const uint8_t *val, uint32_t val_len);
int tree_del(struct store *s, const uint8_t *key, uint32_t key_len);
struct tree_item {
    uint8_t key[STORE_KEY_MAX];
    uint32_t key_len;
    uint8_t val[STORE_VALUE_MAX];
    uint32_t val_len;
};
/* The first entry at or after `key` (strictly after when `after`): 1, or
 * 0 at the end of the tree. */
int tree_next(struct store *s, const uint8_t *key, uint32_t key_len, bool after, struct tree_item *it);
/* Walk every leaf holding a key from lo on with lo's object and kind:
 * how many such entries, and how many blocks deleting them may copy. */
int tree_touch_range(struct store *s, const uint8_t *lo, uint32_t lo_len, uint64_t *entries, uint64_t *cost);
/* Blocks one insert may need in the worst case (a copy and a split per
 * level and a new root). */
static inline uint64_t tree_insert_cost(const struct store *s)
{
    return 2u * (s->root_level + 1u) + 1u;
}
void tree_seal(struct store *s, uint64_t block, uint32_t *crc);

/* store_key.c: record keys. */
uint32_t key_make(uint8_t *key, uint64_t obj, uint32_t kind, const uint8_t *rest, uint32_t rest_len);
uint32_t key_extent(uint8_t *key, uint64_t ino, uint64_t index);
static inline uint64_t key_obj(const uint8_t *key)
{
    return get_be64(key);
}
static inline uint32_t key_kind(const uint8_t *key)
{
    return key[8];
}

/* store_inode.c: inode and directory-entry records. */
struct inode {
    uint64_t ino;
    uint32_t type, nlink;
    uint64_t size, ctime_ns, mtime_ns, parent;
};
int inode_get(struct store *s, uint64_t ino, struct inode *in);
int inode_decode(const uint8_t *v, uint32_t len, uint64_t ino, struct inode *in);
int inode_put(struct store *s, const struct inode *in);
int dirent_get(struct store *s, uint64_t dir, const char *name, uint32_t len, uint64_t *child);
uint32_t dirent_key(uint8_t *key, uint64_t dir, const char *name, uint32_t len);
int name_check(const char *name, uint32_t len);
/* store_remove.c: phase one and two of deleting an inode with its
 * extents (a directory must be empty: STORE_E_NOT_EMPTY). */
int remove_touch(struct store *s, const struct inode *victim, uint64_t *cost);
int inode_drop(struct store *s, uint64_t ino);
/* store_file.c: a directory's entry and link counts change by the deltas. */
int dir_adjust(struct store *s, uint64_t dir, int64_t entries, int32_t links, uint64_t now_ns);
/* Touch the extents of ino from block `from` on; the blocks deleting
 * them may copy go into *cost. */
int extents_touch(struct store *s, uint64_t ino, uint64_t from, uint64_t *cost);
/* Delete them, freeing their data blocks. */
int extents_drop(struct store *s, uint64_t ino, uint64_t from);

/* store_kv.c: a key-value record's form and length agree: its value's
 * size and data blocks (0 inline), or STORE_E_CORRUPT. */
int kv_check(const uint8_t *v, uint32_t v_len, uint32_t *size, uint32_t *blocks);

/* Turn the store read-only after a failure in an operation's second
 * phase (a bug: the first phase should have made it impossible). */
int store_fail(struct store *s, int err);
int store_check_writable(const struct store *s);

#endif
