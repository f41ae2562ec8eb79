/*
 * store_tree.c - the copy-on-write B+tree: lookups walk from the root
 * checking each node against the checksum its parent holds; changes copy
 * every node on the path to a new block (block_make_dirty) and fix the
 * parents' pointers, split a full node in two, and drop a node that
 * becomes empty (no rebalancing, so no change ever needs a sibling).
 */
#include "core/store/store_priv.h"

int tree_walk(struct store *s, const uint8_t *key, uint32_t key_len, struct tree_path *p)
{
    uint64_t block = s->root;
    uint32_t crc = s->root_crc, level = s->root_level;
    for (uint32_t d = 0;; d++) {
        int rc = block_read_node(s, block, crc, level, &p->node[d]);
        if (rc != STORE_OK)
            return rc;
        p->block[d] = block;
        if (level == 0) {
            p->depth = d + 1;
            return STORE_OK;
        }
        p->idx[d] = node_child_index(p->node[d], key, key_len);
        node_child(p->node[d], p->idx[d], &block, &crc);
        level--;
    }
}

int tree_get(struct store *s, const uint8_t *key, uint32_t key_len, uint8_t *val, uint32_t cap,
             uint32_t *val_len)
{
    struct tree_path p;
    int rc = tree_walk(s, key, key_len, &p);
    if (rc != STORE_OK)
        return rc;
    bool exact;
    const uint8_t *leaf = p.node[p.depth - 1];
    uint32_t i = node_search(leaf, key, key_len, &exact);
    if (!exact)
        return STORE_E_NOT_FOUND;
    const uint8_t *e = node_entry(leaf, i);
    s->err_block = p.block[p.depth - 1]; /* for a caller that finds the record malformed */
    *val_len = entry_val_len(e);
    kmemcpy(val, entry_val(e), *val_len < cap ? *val_len : cap);
    return STORE_OK;
}

/* Copy the path's nodes (root first) and point each parent at its copy. */
static int tree_dirty_path(struct store *s, struct tree_path *p, uint8_t **nodes)
{
    for (uint32_t d = 0; d < p->depth; d++) {
        int rc = block_make_dirty(s, &p->block[d], &nodes[d]);
        if (rc != STORE_OK)
            return rc;
        if (d == 0)
            s->root = p->block[0];
        else
            node_set_child(nodes[d - 1], p->idx[d - 1], p->block[d], 0);
    }
    return STORE_OK;
}

static int tree_new_root(struct store *s, uint64_t left, const uint8_t *sep, uint32_t sep_len, uint64_t right)
{
    if (s->root_level + 1 >= STORE_MAX_LEVELS)
        return STORE_E_TOO_BIG;
    uint64_t block;
    uint8_t *n, child[STORE_CHILD_BYTES];
    int rc = block_new(s, &block, &n);
    if (rc != STORE_OK)
        return rc;
    node_init(n, STORE_NODE_INTERNAL, s->root_level + 1, block);
    kmemset(child, 0, sizeof child);
    put_le64(child, left);
    node_insert(n, 0, sep, 0, child, STORE_CHILD_BYTES);
    put_le64(child, right);
    node_insert(n, 1, sep, sep_len, child, STORE_CHILD_BYTES);
    s->root = block;
    s->root_level++;
    return STORE_OK;
}

/* Insert into nodes[d] at i, splitting it (and its parents) when full. */
static int tree_insert_at(struct store *s, struct tree_path *p, uint8_t **nodes, uint32_t d, uint32_t i,
                          const uint8_t *key, uint32_t key_len, const uint8_t *val, uint32_t val_len)
{
    uint8_t *n = nodes[d];
    if (node_fits(n, key_len, val_len)) {
        node_insert(n, i, key, key_len, val, val_len);
        return STORE_OK;
    }
    uint64_t right_block;
    uint8_t *right;
    int rc = block_new(s, &right_block, &right);
    if (rc != STORE_OK)
        return rc;
    node_init(right, n[STORE_ND_KIND], node_level(n), right_block);
    node_split(n, right);
    uint32_t keep = node_count(n);
    if (i <= keep)
        node_insert(n, i, key, key_len, val, val_len);
    else
        node_insert(right, i - keep, key, key_len, val, val_len);
    uint8_t sep[STORE_KEY_MAX], child[STORE_CHILD_BYTES];
    const uint8_t *first = node_entry(right, 0);
    uint32_t sep_len = entry_key_len(first);
    kmemcpy(sep, entry_key(first), sep_len);
    if (d == 0)
        return tree_new_root(s, p->block[0], sep, sep_len, right_block);
    kmemset(child, 0, sizeof child);
    put_le64(child, right_block);
    return tree_insert_at(s, p, nodes, d - 1, p->idx[d - 1] + 1, sep, sep_len, child, STORE_CHILD_BYTES);
}

int tree_put(struct store *s, const uint8_t *key, uint32_t key_len, const uint8_t *val, uint32_t val_len)
{
    struct tree_path p;
    uint8_t *nodes[STORE_MAX_LEVELS];
    int rc = tree_walk(s, key, key_len, &p);
    if (rc == STORE_OK)
        rc = tree_dirty_path(s, &p, nodes);
    if (rc != STORE_OK)
        return rc;
    bool exact;
    uint8_t *leaf = nodes[p.depth - 1];
    uint32_t i = node_search(leaf, key, key_len, &exact);
    if (exact)
        node_remove(leaf, i);
    return tree_insert_at(s, &p, nodes, p.depth - 1, i, key, key_len, val, val_len);
}

/* After a removal: free emptied nodes below the root, then shrink the
 * root while it is an internal node with one child. */
static void tree_prune(struct store *s, struct tree_path *p, uint8_t **nodes)
{
    for (uint32_t d = p->depth - 1; d > 0 && node_count(nodes[d]) == 0; d--) {
        free_block(s, p->block[d]);
        node_remove(nodes[d - 1], p->idx[d - 1]);
    }
    if (node_count(nodes[0]) == 0 && s->root_level > 0) {
        node_init(nodes[0], STORE_NODE_LEAF, 0, s->root);
        s->root_level = 0;
    }
    while (s->root_level > 0 && node_count(nodes[0]) == 1) {
        uint64_t child;
        uint32_t crc;
        node_child(nodes[0], 0, &child, &crc);
        free_block(s, s->root);
        s->root = child;
        s->root_crc = crc;
        s->root_level--;
        struct store_buf *b = buf_find(s, child);
        if (b == 0 || b->state != BUF_DIRTY)
            return;
        nodes[0] = b->data;
    }
}

int tree_del(struct store *s, const uint8_t *key, uint32_t key_len)
{
    struct tree_path p;
    uint8_t *nodes[STORE_MAX_LEVELS];
    int rc = tree_walk(s, key, key_len, &p);
    if (rc != STORE_OK)
        return rc;
    bool exact;
    uint32_t i = node_search(p.node[p.depth - 1], key, key_len, &exact);
    if (!exact)
        return STORE_E_NOT_FOUND;
    rc = tree_dirty_path(s, &p, nodes);
    if (rc != STORE_OK)
        return rc;
    node_remove(nodes[p.depth - 1], i);
    tree_prune(s, &p, nodes);
    return STORE_OK;
}
