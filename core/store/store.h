/*
 * store.h - Stockholder's copy-on-write store: files, directories and a
 * key-value namespace in one B+tree on a block device (store_format.h,
 * docs/storage.md).
 *
 * The library does no I/O and never blocks. It reads blocks through the
 * caller's cache (struct store_ops) and keeps the blocks it writes in
 * buffers the caller lends it (struct store_buf). When an operation needs
 * a block that is not cached it returns STORE_E_AGAIN with the block in
 * store_missing_block() and has changed nothing: the caller fetches the
 * block and calls again. The caller's cache may change only between calls.
 *
 * Commits: store_commit_begin() finishes the batch of changes made since
 * the last commit and lists the blocks to write (store_commit_next), then
 * the superblock to write after a flush; store_commit_done(ok) once that
 * superblock is durable. Operations made in between go to the next batch.
 * After done, the store reads those blocks through get() again: the
 * cache must give what was last written to a block (or miss).
 */
#ifndef CORE_STORE_STORE_H
#define CORE_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/store/store_format.h"

enum store_err {
    STORE_OK = 0,
    STORE_E_NO_SPACE = -1,      /* the disk is full */
    STORE_E_NOT_FOUND = -2,     /* no such file, directory or key */
    STORE_E_EXISTS = -3,        /* the name is taken */
    STORE_E_NOT_EMPTY = -4,     /* a directory still has entries */
    STORE_E_NAME_TOO_LONG = -5, /* a name or key over 255 bytes */
    STORE_E_BAD_ARG = -6,       /* a bad handle, name or argument */
    STORE_E_READ_ONLY = -7,     /* a commit failed: remount */
    STORE_E_CORRUPT = -8,       /* a block failed its checks: store_error_block() */
    STORE_E_AGAIN = -9,         /* fetch store_missing_block() and call again */
    STORE_E_NO_MEMORY = -10,    /* no free buffer: commit, then call again */
    STORE_E_TOO_BIG = -11,      /* a value over 64 KiB, a disk over 32 GiB */
    STORE_E_NOT_DIR = -12,      /* a directory operation on a file */
    STORE_E_IS_DIR = -13,       /* a file operation on a directory */
    STORE_E_BUSY = -14,         /* a commit is already in flight */
    STORE_E_IO = -15,           /* the device failed (a platform's key-value store, hal_kvstore.h) */
};

/* "STORE_E_CORRUPT" for STORE_E_CORRUPT, and so on; "STORE_OK" for 0. */
const char *store_err_name(int err);

struct store_ops {
    /* The cached contents of `block` (STORE_BLOCK_SIZE bytes), or NULL when
     * it is not cached. It must not change the cache. */
    const uint8_t *(*get)(void *ctx, uint64_t block);
};

/* One block of memory lent to the store; its fields are the store's. */
struct store_buf {
    uint64_t block;
    uint32_t state;
    uint32_t pad;
    uint8_t data[STORE_BLOCK_SIZE];
};

struct store {
    const struct store_ops *ops;
    void *ctx;
    struct store_buf *bufs;
    uint32_t buf_count;
    uint32_t bitmaps;
    uint64_t blocks;
    uint64_t seq;      /* the last commit begun; durable unless inflight */
    uint64_t root;     /* the working tree's root */
    uint32_t root_crc; /* valid when the root is not dirty */
    uint32_t root_level;
    uint64_t next_ino, inodes, created_ns, commit_ns;
    uint8_t label[STORE_SB_LABEL_BYTES];
    uint64_t bm_block[STORE_MAX_BITMAPS];
    uint32_t bm_crc[STORE_MAX_BITMAPS];
    uint8_t bm_dirty[STORE_MAX_BITMAPS];
    /* Blocks in use by the working state; freed in this batch but reachable
     * from a durable or in-flight commit; freed by the in-flight commit. */
    uint8_t *bits_used[STORE_MAX_BITMAPS];
    uint8_t *bits_freed[STORE_MAX_BITMAPS];
    uint8_t *bits_pending[STORE_MAX_BITMAPS];
    uint64_t used_count, freed_count, pending_count;
    uint64_t alloc_cursor;
    uint64_t err_block; /* the block behind the last AGAIN or CORRUPT */
    bool mounted, inflight, read_only;
    int fail_err;                    /* why the store turned read-only */
    uint8_t super[STORE_BLOCK_SIZE]; /* the superblock of the commit in flight */
};

/* Start with `buf_count` buffers; nothing is read. */
void store_init(struct store *s, const struct store_ops *ops, void *ctx, struct store_buf *bufs,
                uint32_t buf_count);

/* Make an empty store of `blocks` blocks in memory (an empty root
 * directory); commit it twice to write both superblocks. STORE_E_TOO_BIG
 * over STORE_MAX_BLOCKS, STORE_E_BAD_ARG under STORE_MIN_BLOCKS. */
int store_format(struct store *s, uint64_t blocks, const char *label, uint64_t now_ns);

enum store_super_state { STORE_SUPER_VALID, STORE_SUPER_BAD_CRC, STORE_SUPER_BAD_FIELDS };
struct store_mount_info {
    uint32_t super_state[STORE_SUPER_BLOCKS]; /* enum store_super_state */
    uint32_t super_used;                      /* the block mounted */
    uint64_t seq;
    uint32_t blocks_read; /* superblocks and bitmap blocks */
};
/* Read the superblocks and the bitmap blocks, nothing else. */
int store_mount(struct store *s, struct store_mount_info *info);

/* The block behind the last STORE_E_AGAIN or STORE_E_CORRUPT. */
static inline uint64_t store_missing_block(const struct store *s)
{
    return s->err_block;
}
static inline uint64_t store_error_block(const struct store *s)
{
    return s->err_block;
}

struct store_commit {
    uint64_t seq;
    uint32_t blocks;      /* to write before the flush */
    uint64_t super_block; /* 0 or 1: write after the flush, then flush */
    const uint8_t *super_data;
};
int store_commit_begin(struct store *s, struct store_commit *c);
/* The blocks of the commit in flight: start with *cursor = 0; false at the end. */
bool store_commit_next(const struct store *s, uint32_t *cursor, uint64_t *block, const uint8_t **data);
/* ok: the superblock is durable. !ok: the store turns read-only. */
void store_commit_done(struct store *s, bool ok);

/* ---- files and directories (store_file.c, store_data.c) ---------------- */
struct store_stat {
    uint64_t ino;
    uint32_t type; /* STORE_TYPE_FILE or STORE_TYPE_DIR */
    uint32_t nlink;
    uint64_t size_bytes, ctime_ns, mtime_ns, parent;
};
/* An absolute path ("/", "/a/b") to its inode. */
int store_lookup(struct store *s, const char *path, uint64_t *ino);
int store_lookup_at(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint64_t *ino);
int store_stat(struct store *s, uint64_t ino, struct store_stat *st);
int store_create(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint32_t type,
                 uint64_t now_ns, uint64_t *ino);
/* Files are sparse: a hole reads as zeros. At most STORE_IO_MAX bytes a
 * call. Read returns the bytes read (fewer at the end of the file). */
#define STORE_IO_MAX 65536u
int store_read(struct store *s, uint64_t ino, uint64_t offset, uint8_t *buf, uint32_t len);
int store_write(struct store *s, uint64_t ino, uint64_t offset, const uint8_t *buf, uint32_t len,
                uint64_t now_ns);
int store_truncate(struct store *s, uint64_t ino, uint64_t size_bytes, uint64_t now_ns);

struct store_dirent {
    char name[STORE_NAME_MAX + 1]; /* NUL-terminated */
    uint32_t name_len;
    uint32_t type;
    uint64_t ino;
};
/* The entry after `cursor` (start from an entry with name_len 0 and
 * pass the last entry returned): 1 and *cursor updated, 0 at the end. */
int store_readdir(struct store *s, uint64_t dir, struct store_dirent *cursor);
int store_rename(struct store *s, uint64_t from_dir, const char *from, uint32_t from_len, uint64_t to_dir,
                 const char *to, uint32_t to_len, uint64_t now_ns);
int store_unlink(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint64_t now_ns);
int store_rmdir(struct store *s, uint64_t dir, const char *name, uint32_t name_len, uint64_t now_ns);

/* ---- key-value namespace (store_kv.c) ---------------------------------- */
int store_kv_put(struct store *s, const uint8_t *key, uint32_t key_len, const uint8_t *value,
                 uint32_t value_len);
/* The value's length, its first min(len, cap) bytes into buf. */
int store_kv_get(struct store *s, const uint8_t *key, uint32_t key_len, uint8_t *buf, uint32_t cap);
int store_kv_del(struct store *s, const uint8_t *key, uint32_t key_len);
struct store_kv_cursor {
    uint8_t key[STORE_KV_KEY_MAX];
    uint32_t key_len;
    bool started;
};
/* The next key after the cursor that starts with `prefix`: 1 and the
 * cursor holds it, 0 when there is none. */
int store_kv_scan(struct store *s, const uint8_t *prefix, uint32_t prefix_len,
                  struct store_kv_cursor *cursor);

#endif
