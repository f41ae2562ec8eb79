/*
 * fuzz_store.c - libFuzzer harness for the store's decoders
 * (core/store/): superblocks, tree nodes, directory entries, inodes,
 * extents and key-value records read from a hostile image.
 *
 * Input: one control byte, then an edit script of (offset (3 bytes,
 * big-endian, modulo the image), byte (1)) pairs XORed into a valid image
 * the harness makes on its first call (directories, files, inline and
 * block values, enough key-value records for a two-level tree). Control
 * bit 0x01 then repairs the checksums (each node's and superblock's own,
 * each parent's copy of its children's, the superblock's copies of the
 * root's and the bitmap blocks'), so the fuzzer reaches the field and
 * structure checks behind them. Bit 0x02 XORs the first edits into
 * superblock 0 only.
 * The image is then mounted, walked (lookups, readdir, stat, reads, the
 * key-value scan and gets), changed (create, write, kv put) and
 * committed, and checked by fsck: any result code is fine, a crash,
 * a sanitizer report or a hang is not.
 *
 * Build: configure with CC=clang -DNIMBUS_FUZZ=ON and build fuzz_store,
 * then: build/tests/fuzz/fuzz_store -max_total_time=60 corpus/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/crc32.h"
#include "core/store/store_fsck.h"
#include "tests/store_memdisk.h"

#define FZ_BLOCKS 128u
#define FZ_BYTES (FZ_BLOCKS * STORE_BLOCK_SIZE)

static uint8_t base[FZ_BYTES];
static bool have_base;

static void fz_make_base(void)
{
    struct memdisk m;
    struct store s;
    uint64_t d, f;
    uint8_t value[5000];
    memset(value, 0x61, sizeof value);
    memdisk_init(&m, FZ_BLOCKS, 128);
    memdisk_mkfs(&m, &s, FZ_BLOCKS);
    store_create(&s, STORE_INO_ROOT, "d", 1, STORE_TYPE_DIR, 1, &d);
    store_create(&s, d, "f", 1, STORE_TYPE_FILE, 2, &f);
    store_write(&s, f, 0, value, sizeof value, 3);
    store_create(&s, STORE_INO_ROOT, "g", 1, STORE_TYPE_FILE, 4, &f);
    store_write(&s, f, 10, value, 20, 5);
    store_kv_put(&s, (const uint8_t *)"big", 3, value, sizeof value);
    for (int i = 0; i < 24; i++) {
        uint8_t key[2] = {'k', (uint8_t)i};
        store_kv_put(&s, key, 2, value, 200);
    }
    memdisk_commit(&m, &s);
    memcpy(base, m.bytes, FZ_BYTES);
    memdisk_free(&m);
    have_base = true;
}

static uint32_t fz_trailer(uint8_t *b)
{
    uint32_t crc = crc32_compute(b, STORE_CRC_OFFSET);
    put_le32(b + STORE_CRC_OFFSET, crc);
    return crc;
}

/* Children's checksums into internal entries, well-formed ones only. */
static void fz_repair_node(uint8_t *img, uint8_t *n)
{
    uint32_t used = get_le16(n + STORE_ND_USED), off = 0;
    for (uint32_t i = 0; i < get_le16(n + STORE_ND_COUNT) && used <= STORE_NODE_SPACE; i++) {
        uint8_t *e = n + STORE_ND_ENTRIES + off;
        if (off + STORE_ENTRY_HEAD > used)
            return;
        uint32_t k = get_le16(e), v = get_le16(e + 2);
        if (off + STORE_ENTRY_HEAD + k + v > used)
            return;
        if (v == STORE_CHILD_BYTES) {
            uint64_t child = get_le64(e + 4 + k);
            if (child < FZ_BLOCKS)
                put_le32(e + 4 + k + 8, get_le32(img + child * STORE_BLOCK_SIZE + STORE_CRC_OFFSET));
        }
        off += STORE_ENTRY_HEAD + k + v;
    }
}

static void fz_repair(uint8_t *img)
{
    for (uint32_t level = 0; level < STORE_MAX_LEVELS; level++)
        for (uint64_t b = STORE_SUPER_BLOCKS; b < FZ_BLOCKS; b++) {
            uint8_t *n = img + b * STORE_BLOCK_SIZE;
            if (get_le32(n) != STORE_NODE_MAGIC || n[STORE_ND_LEVEL] != level)
                continue;
            if (level > 0)
                fz_repair_node(img, n);
            fz_trailer(n);
        }
    for (uint64_t sb = 0; sb < STORE_SUPER_BLOCKS; sb++) {
        uint8_t *p = img + sb * STORE_BLOCK_SIZE;
        uint64_t root = get_le64(p + STORE_SB_ROOT);
        if (root < FZ_BLOCKS)
            put_le32(p + STORE_SB_ROOT_CRC, get_le32(img + root * STORE_BLOCK_SIZE + STORE_CRC_OFFSET));
        for (uint32_t i = 0; i < get_le32(p + STORE_SB_BITMAPS) && i < STORE_MAX_BITMAPS; i++) {
            uint8_t *entry = p + STORE_SB_BITMAP_LIST + i * STORE_SB_BITMAP_ENTRY;
            if (get_le64(entry) < FZ_BLOCKS)
                put_le32(entry + 8,
                         crc32_compute(img + get_le64(entry) * STORE_BLOCK_SIZE, STORE_BLOCK_SIZE));
        }
        fz_trailer(p);
    }
}

static uint8_t io[STORE_IO_MAX];

static void fz_walk(struct store *s, uint64_t dir, int depth)
{
    struct store_dirent cur = {.name_len = 0};
    for (int i = 0; i < 100 && depth < 6 && store_readdir(s, dir, &cur) == 1; i++) {
        struct store_stat st;
        uint64_t ino;
        if (store_lookup_at(s, dir, cur.name, cur.name_len, &ino) != STORE_OK ||
            store_stat(s, ino, &st) != STORE_OK)
            continue;
        if (st.type == STORE_TYPE_DIR)
            fz_walk(s, ino, depth + 1);
        else
            store_read(s, ino, 0, io, sizeof io);
    }
}

static void fz_kv(struct store *s)
{
    struct store_kv_cursor cur = {.started = false};
    for (int i = 0; i < 6 && store_kv_scan(s, NULL, 0, &cur) == 1; i++)
        store_kv_get(s, cur.key, cur.key_len, io, sizeof io);
}

static void fz_change(struct memdisk *m, struct store *s)
{
    uint64_t ino;
    memset(io, 0x5A, 9000);
    if (store_create(s, STORE_INO_ROOT, "new", 3, STORE_TYPE_FILE, 9, &ino) == STORE_OK)
        store_write(s, ino, 100, io, 9000, 9);
    store_kv_put(s, (const uint8_t *)"k\x05", 2, io, 700);
    store_unlink(s, STORE_INO_ROOT, "g", 1, 9);
    store_rename(s, STORE_INO_ROOT, "d", 1, STORE_INO_ROOT, "e", 1, 9);
    memdisk_commit(m, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct memdisk m;
    if (!have_base) {
        fz_make_base();
        memdisk_init(&m, FZ_BLOCKS, 48);
    }
    memcpy(m.bytes, base, FZ_BYTES);
    memdisk_log_clear(&m);
    uint8_t control = size > 0 ? data[0] : 0;
    for (size_t i = 1; i + 4 <= size; i += 4) {
        uint32_t off = ((uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2]) %
                       ((control & 0x02) && i < 64 ? STORE_BLOCK_SIZE : FZ_BYTES);
        m.bytes[off] ^= data[i + 3];
    }
    if (control & 0x01)
        fz_repair(m.bytes);
    struct store s;
    struct store_mount_info info;
    memdisk_store(&m, &s);
    if (store_mount(&s, &info) != STORE_OK)
        return 0;
    fz_walk(&s, STORE_INO_ROOT, 0);
    fz_kv(&s);
    fz_change(&m, &s);
    struct store_fsck_report r;
    static uint8_t seen[FZ_BLOCKS];
    store_fsck(&s, seen, sizeof seen, &r);
    return 0;
}
