/*
 * store_scan.c - walking the tree in key order (B+tree leaves have no
 * sibling pointers in a copy-on-write tree: the path is the iterator),
 * and sealing a batch's dirty nodes bottom-up at commit.
 */
#include "core/store/store_priv.h"

/* Move the path to the first entry of the next leaf: 1, or 0 at the end. */
static int scan_next_leaf(struct store *s, struct tree_path *p)
{
    uint32_t d = p->depth - 1;
    while (d > 0 && p->idx[d - 1] + 1 >= node_count(p->node[d - 1]))
        d--;
    if (d == 0)
        return 0;
    p->idx[d - 1]++;
    for (; d < p->depth; d++) {
        uint64_t block;
        uint32_t crc;
        node_child(p->node[d - 1], p->idx[d - 1], &block, &crc);
        int rc = block_read_node(s, block, crc, node_level(p->node[d - 1]) - 1, &p->node[d]);
        if (rc != STORE_OK)
            return rc;
        p->block[d] = block;
        p->idx[d] = 0;
    }
    return 1;
}

/* The path's position in its leaf moved past empty leaves: 1, or 0 at
 * the end of the tree. */
static int scan_settle(struct store *s, struct tree_path *p)
{
    while (p->idx[p->depth - 1] >= node_count(p->node[p->depth - 1])) {
        int rc = scan_next_leaf(s, p);
        if (rc <= 0)
            return rc;
    }
    return 1;
}

static int scan_seek(struct store *s, const uint8_t *key, uint32_t key_len, bool after, struct tree_path *p)
{
    int rc = tree_walk(s, key, key_len, p);
    if (rc != STORE_OK)
        return rc;
    bool exact;
    uint32_t i = node_search(p->node[p->depth - 1], key, key_len, &exact);
    p->idx[p->depth - 1] = i + (after && exact ? 1u : 0u);
    return scan_settle(s, p);
}

int tree_next(struct store *s, const uint8_t *key, uint32_t key_len, bool after, struct tree_item *it)
{
    struct tree_path p;
    int rc = scan_seek(s, key, key_len, after, &p);
    if (rc <= 0)
        return rc;
    const uint8_t *e = node_entry(p.node[p.depth - 1], p.idx[p.depth - 1]);
    it->key_len = entry_key_len(e);
    it->val_len = entry_val_len(e);
    kmemcpy(it->key, entry_key(e), it->key_len);
    kmemcpy(it->val, entry_val(e), it->val_len);
    return 1;
}

/* Every leaf with keys of lo's object and kind, and the leaf after them. */
int tree_touch_range(struct store *s, const uint8_t *lo, uint32_t lo_len, uint64_t *entries, uint64_t *cost)
{
    struct tree_path p;
    uint64_t leaves = 0, last_leaf = 0;
    *entries = 0;
    int rc = scan_seek(s, lo, lo_len, false, &p);
    while (rc == 1) {
        const uint8_t *e = node_entry(p.node[p.depth - 1], p.idx[p.depth - 1]);
        if (entry_key_len(e) < STORE_KEY_HEAD || kmemcmp(entry_key(e), lo, STORE_KEY_HEAD) != 0)
            break;
        (*entries)++;
        leaves += p.block[p.depth - 1] != last_leaf;
        last_leaf = p.block[p.depth - 1];
        p.idx[p.depth - 1]++;
        rc = scan_settle(s, &p);
    }
    /* The leaves, at most as many parents again, and the path above. */
    *cost = 2u * leaves + s->root_level + 1u;
    return rc < 0 ? rc : STORE_OK;
}

/* Give a dirty node its final block number, commit sequence and checksum,
 * dirty children first; a clean node keeps the checksum its parent has. */
void tree_seal(struct store *s, uint64_t block, uint32_t *crc)
{
    struct store_buf *b = buf_find(s, block);
    if (b == 0 || b->state != BUF_DIRTY)
        return;
    uint8_t *n = b->data;
    if (node_level(n) > 0) {
        for (uint32_t i = 0; i < node_count(n); i++) {
            uint64_t child;
            uint32_t child_crc;
            node_child(n, i, &child, &child_crc);
            tree_seal(s, child, &child_crc);
            node_set_child(n, i, child, child_crc);
        }
    }
    put_le64(n + STORE_ND_BLOCK, block);
    put_le64(n + STORE_ND_SEQ, s->seq + 1);
    *crc = block_crc(n);
    put_le32(n + STORE_CRC_OFFSET, *crc);
}
