/*
 * store_memdisk.c - the store tests' disk in memory (store_memdisk.h).
 */
#include "store_memdisk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crc32.h"
#include "core/store/store_fsck.h"
#include "hal-sim/rng.h"
#include "host/text_buf.h"

static const uint8_t *memdisk_get(void *ctx, uint64_t block)
{
    struct memdisk *m = ctx;
    if (block >= m->blocks || !m->cached[block])
        return NULL;
    return m->bytes + block * STORE_BLOCK_SIZE;
}

void memdisk_init(struct memdisk *m, uint64_t blocks, uint32_t buf_count)
{
    memset(m, 0, sizeof *m);
    m->blocks = blocks;
    m->bytes = calloc(blocks, STORE_BLOCK_SIZE);
    m->cached = malloc(blocks);
    memset(m->cached, 1, blocks);
    m->ops.get = memdisk_get;
    m->buf_count = buf_count;
    m->bufs = calloc(buf_count, sizeof *m->bufs);
    m->rng = 1;
}

void memdisk_log_clear(struct memdisk *m)
{
    for (uint32_t i = 0; i < m->log_count; i++)
        free(m->log[i].data);
    m->log_count = 0;
}

void memdisk_free(struct memdisk *m)
{
    memdisk_log_clear(m);
    free(m->bytes);
    free(m->cached);
    free(m->bufs);
}

void memdisk_evict(struct memdisk *m)
{
    for (uint64_t b = 0; b < m->blocks && m->miss_percent > 0; b++)
        if (rng_splitmix64(&m->rng) % 100 < m->miss_percent)
            m->cached[b] = 0;
}

void memdisk_fetch(struct memdisk *m, uint64_t block)
{
    if (block < m->blocks)
        m->cached[block] = 1;
    m->misses++;
}

void memdisk_store(struct memdisk *m, struct store *s)
{
    store_init(s, &m->ops, m, m->bufs, m->buf_count);
}

static void memdisk_write(struct memdisk *m, uint64_t block, const uint8_t *data)
{
    memcpy(m->bytes + block * STORE_BLOCK_SIZE, data, STORE_BLOCK_SIZE);
    m->cached[block] = 1;
    if (m->log_count < MEMDISK_MAX_EVENTS) {
        m->log[m->log_count].block = block;
        m->log[m->log_count].data = malloc(STORE_BLOCK_SIZE);
        memcpy(m->log[m->log_count++].data, data, STORE_BLOCK_SIZE);
    }
}

static void memdisk_flush(struct memdisk *m)
{
    if (m->log_count < MEMDISK_MAX_EVENTS)
        m->log[m->log_count++] = (struct memdisk_event){UINT64_MAX, NULL};
}

int memdisk_commit(struct memdisk *m, struct store *s)
{
    struct store_commit c;
    int rc = store_commit_begin(s, &c);
    if (rc == STORE_OK)
        memdisk_commit_write(m, s, &c);
    return rc;
}

void memdisk_commit_write(struct memdisk *m, struct store *s, const struct store_commit *c)
{
    uint32_t cursor = 0;
    uint64_t block;
    const uint8_t *data;
    while (store_commit_next(s, &cursor, &block, &data))
        memdisk_write(m, block, data);
    memdisk_flush(m);
    memdisk_write(m, c->super_block, c->super_data);
    memdisk_flush(m);
    store_commit_done(s, true);
}

bool memdisk_commit_crash(struct memdisk *m, struct store *s, uint32_t writes)
{
    struct store_commit c;
    if (store_commit_begin(s, &c) != STORE_OK)
        return false;
    uint32_t cursor = 0, done = 0;
    uint64_t block;
    const uint8_t *data;
    while (done < writes && store_commit_next(s, &cursor, &block, &data)) {
        memdisk_write(m, block, data);
        done++;
    }
    if (done < writes)
        memdisk_write(m, c.super_block, c.super_data);
    return done < writes;
}

void memdisk_mkfs(struct memdisk *m, struct store *s, uint64_t blocks)
{
    memdisk_store(m, s);
    if (store_format(s, blocks, "test", 1000) != STORE_OK || memdisk_commit(m, s) != STORE_OK ||
        memdisk_commit(m, s) != STORE_OK) {
        fprintf(stderr, "memdisk_mkfs failed\n");
        abort();
    }
}

int memdisk_mount(struct memdisk *m, struct store *s, struct store_mount_info *info)
{
    int rc;
    memdisk_store(m, s);
    MEMDISK_RETRY(m, s, rc, store_mount(s, info));
    return rc;
}

static void listing_line(struct text_buf *t, const char *kind, const char *path, uint64_t size, uint32_t crc)
{
    char line[1400];
    snprintf(line, sizeof line, "%s %s %llu %08x\n", kind, path, (unsigned long long)size, crc);
    text_buf_puts(t, line);
}

static int listing_file(struct memdisk *m, struct store *s, uint64_t ino, uint64_t size, uint32_t *crc)
{
    static uint8_t buf[STORE_IO_MAX];
    uint32_t state = CRC32_INIT;
    for (uint64_t at = 0; at < size;) {
        int rc;
        MEMDISK_RETRY(m, s, rc, store_read(s, ino, at, buf, STORE_IO_MAX));
        if (rc <= 0)
            return rc < 0 ? rc : STORE_E_CORRUPT;
        state = crc32_update(state, buf, (uint32_t)rc);
        at += (uint64_t)rc;
    }
    *crc = crc32_finish(state);
    return STORE_OK;
}

static int listing_dir(struct memdisk *m, struct store *s, uint64_t dir, const char *path, struct text_buf *t)
{
    struct store_dirent cur = {.name_len = 0};
    for (;;) {
        int rc;
        struct store_stat st;
        uint32_t crc = 0;
        char child[1200];
        MEMDISK_RETRY(m, s, rc, store_readdir(s, dir, &cur));
        if (rc <= 0)
            return rc;
        snprintf(child, sizeof child, "%s/%s", path, cur.name);
        MEMDISK_RETRY(m, s, rc, store_stat(s, cur.ino, &st));
        if (rc == STORE_OK && st.type == STORE_TYPE_FILE)
            rc = listing_file(m, s, cur.ino, st.size_bytes, &crc);
        if (rc != STORE_OK)
            return rc;
        listing_line(t, st.type == STORE_TYPE_FILE ? "f" : "d", child, st.size_bytes, crc);
        if (st.type == STORE_TYPE_DIR && (rc = listing_dir(m, s, cur.ino, child, t)) != STORE_OK)
            return rc;
    }
}

static int listing_kv(struct memdisk *m, struct store *s, struct text_buf *t)
{
    static uint8_t value[STORE_KV_VALUE_MAX];
    struct store_kv_cursor cur = {.started = false};
    for (;;) {
        int rc, len;
        char key[STORE_KV_KEY_MAX + 1];
        MEMDISK_RETRY(m, s, rc, store_kv_scan(s, NULL, 0, &cur));
        if (rc <= 0)
            return rc;
        MEMDISK_RETRY(m, s, len, store_kv_get(s, cur.key, cur.key_len, value, sizeof value));
        if (len < 0)
            return len;
        memcpy(key, cur.key, cur.key_len);
        key[cur.key_len] = '\0';
        listing_line(t, "k", key, (uint64_t)len, crc32_compute(value, (uint32_t)len));
    }
}

char *memdisk_listing(struct memdisk *m, struct store *s, int *err)
{
    struct text_buf t = {0};
    *err = listing_dir(m, s, STORE_INO_ROOT, "", &t);
    if (*err == STORE_OK)
        *err = listing_kv(m, s, &t);
    if (*err != STORE_OK) {
        text_buf_free(&t);
        return NULL;
    }
    text_buf_putc(&t, '\0');
    return t.data;
}

uint32_t memdisk_fsck(struct memdisk *m, struct store *s)
{
    struct store_fsck_report r;
    uint8_t *seen = malloc(store_fsck_seen_bytes(s));
    int rc;
    MEMDISK_RETRY(m, s, rc, store_fsck(s, seen, store_fsck_seen_bytes(s), &r));
    free(seen);
    if (rc != STORE_OK) {
        fprintf(stderr, "fsck: %s\n", store_err_name(rc));
        return 1;
    }
    for (uint32_t i = 0; i < r.findings && i < STORE_FSCK_LISTED; i++)
        fprintf(stderr, "fsck: block %llu inode %llu: %s\n", (unsigned long long)r.listed[i].block,
                (unsigned long long)r.listed[i].ino, store_finding_text(r.listed[i].kind));
    return r.findings;
}

uint8_t *memdisk_reachable(struct memdisk *m)
{
    struct store other;
    struct store_mount_info info;
    struct store_fsck_report r;
    struct store_buf *bufs = calloc(16, sizeof *bufs);
    uint8_t *seen = calloc(1, (m->blocks + 7) / 8);
    store_init(&other, &m->ops, m, bufs, 16);
    int rc;
    MEMDISK_RETRY(m, &other, rc, store_mount(&other, &info));
    if (rc == STORE_OK)
        MEMDISK_RETRY(m, &other, rc, store_fsck(&other, seen, (m->blocks + 7) / 8, &r));
    free(bufs);
    if (rc != STORE_OK || r.findings != 0) {
        fprintf(stderr, "memdisk_reachable: %s, %u findings\n", store_err_name(rc),
                rc == STORE_OK ? r.findings : 0);
        abort();
    }
    return seen;
}
