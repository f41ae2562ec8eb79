/*
 * store_node.c - one tree node's bytes (store_format.h): entries packed
 * in key order after the header, found by a linear walk (a node holds at
 * most a few hundred), inserted and removed by moving the tail.
 */
#include "core/store/store_priv.h"

int key_cmp(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len)
{
    uint32_t n = a_len < b_len ? a_len : b_len;
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

static uint32_t node_used(const uint8_t *n)
{
    return get_le16(n + STORE_ND_USED);
}
static uint32_t entry_size(const uint8_t *e)
{
    return STORE_ENTRY_HEAD + entry_key_len(e) + entry_val_len(e);
}

const uint8_t *node_entry(const uint8_t *n, uint32_t i)
{
    const uint8_t *e = n + STORE_ND_ENTRIES;
    while (i-- > 0)
        e += entry_size(e);
    return e;
}

/* The first entry whose key is >= key (node_count when none). */
uint32_t node_search(const uint8_t *n, const uint8_t *key, uint32_t key_len, bool *exact)
{
    const uint8_t *e = n + STORE_ND_ENTRIES;
    uint32_t count = node_count(n), i = 0;
    *exact = false;
    for (; i < count; i++, e += entry_size(e)) {
        int c = key_cmp(entry_key(e), entry_key_len(e), key, key_len);
        if (c >= 0) {
            *exact = c == 0;
            break;
        }
    }
    return i;
}

/* The child whose range holds key: the last entry <= key, else the first. */
uint32_t node_child_index(const uint8_t *n, const uint8_t *key, uint32_t key_len)
{
    bool exact;
    uint32_t i = node_search(n, key, key_len, &exact);
    if (exact)
        return i;
    return i > 0 ? i - 1 : 0;
}

void node_child(const uint8_t *n, uint32_t i, uint64_t *block, uint32_t *crc)
{
    const uint8_t *v = entry_val(node_entry(n, i));
    *block = get_le64(v);
    *crc = get_le32(v + 8);
}

void node_set_child(uint8_t *n, uint32_t i, uint64_t block, uint32_t crc)
{
    uint8_t *v = (uint8_t *)entry_val(node_entry(n, i));
    put_le64(v, block);
    put_le32(v + 8, crc);
}

void node_init(uint8_t *n, uint32_t kind, uint32_t level, uint64_t block)
{
    kmemset(n, 0, STORE_BLOCK_SIZE);
    put_le32(n + STORE_ND_MAGIC, STORE_NODE_MAGIC);
    n[STORE_ND_KIND] = (uint8_t)kind;
    n[STORE_ND_LEVEL] = (uint8_t)level;
    put_le64(n + STORE_ND_BLOCK, block);
}

bool node_fits(const uint8_t *n, uint32_t key_len, uint32_t val_len)
{
    return node_used(n) + STORE_ENTRY_HEAD + key_len + val_len <= STORE_NODE_SPACE;
}

void node_insert(uint8_t *n, uint32_t i, const uint8_t *key, uint32_t key_len, const uint8_t *val,
                 uint32_t val_len)
{
    uint8_t *e = (uint8_t *)node_entry(n, i);
    uint8_t *end = n + STORE_ND_ENTRIES + node_used(n);
    uint32_t size = STORE_ENTRY_HEAD + key_len + val_len;
    kmemmove(e + size, e, (size_t)(end - e));
    put_le16(e, (uint16_t)key_len);
    put_le16(e + 2, (uint16_t)val_len);
    kmemcpy(e + STORE_ENTRY_HEAD, key, key_len);
    kmemcpy(e + STORE_ENTRY_HEAD + key_len, val, val_len);
    put_le16(n + STORE_ND_COUNT, (uint16_t)(node_count(n) + 1));
    put_le16(n + STORE_ND_USED, (uint16_t)(node_used(n) + size));
}

void node_remove(uint8_t *n, uint32_t i)
{
    uint8_t *e = (uint8_t *)node_entry(n, i);
    uint8_t *end = n + STORE_ND_ENTRIES + node_used(n);
    uint32_t size = entry_size(e);
    kmemmove(e, e + size, (size_t)(end - e - size));
    kmemset(end - size, 0, size);
    put_le16(n + STORE_ND_COUNT, (uint16_t)(node_count(n) - 1));
    put_le16(n + STORE_ND_USED, (uint16_t)(node_used(n) - size));
}

/* Move the entries past the first half of the bytes to `right`, an empty
 * node of the same kind and level. Both keep at least one entry. */
void node_split(uint8_t *left, uint8_t *right)
{
    uint32_t count = node_count(left), keep = 0, bytes = 0;
    const uint8_t *e = left + STORE_ND_ENTRIES;
    while (keep + 1 < count && bytes + entry_size(e) <= STORE_NODE_SPACE / 2u) {
        bytes += entry_size(e);
        e += entry_size(e);
        keep++;
    }
    if (keep == 0) {
        bytes = entry_size(e);
        keep = 1;
    }
    uint32_t moved = node_used(left) - bytes;
    kmemcpy(right + STORE_ND_ENTRIES, left + STORE_ND_ENTRIES + bytes, moved);
    kmemset(left + STORE_ND_ENTRIES + bytes, 0, moved);
    put_le16(right + STORE_ND_COUNT, (uint16_t)(count - keep));
    put_le16(right + STORE_ND_USED, (uint16_t)moved);
    put_le16(left + STORE_ND_COUNT, (uint16_t)keep);
    put_le16(left + STORE_ND_USED, (uint16_t)bytes);
}

/* Entries inside the used bytes, keys within STORE_KEY_MAX and strictly
 * increasing, values of a child's size in an internal node. */
static int node_check_entries(const uint8_t *n, bool internal)
{
    uint32_t used = node_used(n), off = 0, count = node_count(n);
    const uint8_t *prev = 0;
    uint32_t prev_len = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (used - off < STORE_ENTRY_HEAD)
            return -1;
        const uint8_t *e = n + STORE_ND_ENTRIES + off;
        uint32_t k = entry_key_len(e), v = entry_val_len(e);
        if (k > STORE_KEY_MAX || v > STORE_VALUE_MAX || used - off - STORE_ENTRY_HEAD < k + v)
            return -1;
        if ((internal && v != STORE_CHILD_BYTES) || (prev != 0 && key_cmp(prev, prev_len, e + 4, k) >= 0))
            return -1;
        prev = e + STORE_ENTRY_HEAD;
        prev_len = k;
        off += STORE_ENTRY_HEAD + k + v;
    }
    return off == used ? 0 : -1;
}

int node_check(const uint8_t *n, uint64_t block, uint32_t level)
{
    uint32_t kind = n[STORE_ND_KIND];
    if (get_le32(n + STORE_ND_MAGIC) != STORE_NODE_MAGIC || get_le64(n + STORE_ND_BLOCK) != block ||
        node_level(n) != level || node_used(n) > STORE_NODE_SPACE)
        return -1;
    if (kind != (level == 0 ? STORE_NODE_LEAF : STORE_NODE_INTERNAL))
        return -1;
    if (level > 0 && node_count(n) == 0)
        return -1;
    return node_check_entries(n, level > 0);
}
