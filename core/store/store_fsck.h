/*
 * store_fsck.h - checking a whole store (store_fsck.c): every checksum,
 * every block reachable once and marked used, no used block unreachable,
 * and directories, inodes and extents consistent with each other.
 */
#ifndef CORE_STORE_STORE_FSCK_H
#define CORE_STORE_STORE_FSCK_H

#include "core/store/store.h"

enum store_finding_kind {
    FSCK_NODE_CORRUPT,     /* a tree node fails its checks (block) */
    FSCK_DATA_CORRUPT,     /* a data block's CRC-32 differs from its record's (block) */
    FSCK_BITMAP_CORRUPT,   /* a bitmap block's CRC-32 differs from the superblock's (block) */
    FSCK_BLOCK_TWICE,      /* a block is reachable twice (block) */
    FSCK_BLOCK_RANGE,      /* a record names a block outside the store (block) */
    FSCK_REACHABLE_FREE,   /* reachable, yet the bitmap calls it unused (block) */
    FSCK_LEAKED,           /* marked used but unreachable (block) */
    FSCK_BAD_RECORD,       /* a record of the wrong size or kind (ino; block: leaf) */
    /* a directory entry names no inode, or the wrong type (ino: the entry's directory) */
    FSCK_DANGLING_ENTRY,
    FSCK_WRONG_PARENT,     /* an inode's parent is not the directory that names it (ino) */
    FSCK_ENTRY_NOT_IN_DIR, /* an entry or extent without a fitting inode (ino) */
    FSCK_LINK_COUNT,       /* a directory's link count is not 2 + subdirectories (ino) */
    FSCK_DIR_SIZE,         /* a directory's size is not its number of entries (ino) */
    FSCK_EXTENT_PAST_END,  /* an extent past the file's size (ino) */
    FSCK_COUNTS,           /* the superblock's inode count, or entries != inodes - 1 */
};

#define STORE_FSCK_LISTED 32u

struct store_finding {
    uint32_t kind; /* enum store_finding_kind */
    uint64_t block, ino;
};

struct store_fsck_report {
    uint64_t nodes, data_blocks, bitmap_blocks, inodes, dirents, extents, kv_records;
    uint64_t reachable, marked_used;
    /* Superblocks that fail their checks: a note, not a finding. Only the
     * one not mounted can, and the next commit rewrites it (a commit torn
     * by a crash leaves exactly this). Bit i for block i. */
    uint32_t super_invalid;
    uint32_t findings; /* all of them; the first STORE_FSCK_LISTED are listed */
    struct store_finding listed[STORE_FSCK_LISTED];
};

/* Walk the working state (commit first to check what is on disk). `seen`
 * is the caller's memory of at least store_fsck_seen_bytes() bytes.
 * STORE_OK with the findings in the report, STORE_E_AGAIN for a block
 * that is not cached (start again once it is), STORE_E_NO_MEMORY when
 * `seen` is too small. */
int store_fsck(struct store *s, uint8_t *seen, uint64_t seen_bytes, struct store_fsck_report *r);
static inline uint64_t store_fsck_seen_bytes(const struct store *s)
{
    return (s->blocks + 7) / 8;
}
/* "reachable but marked free" and the like, for each kind. */
const char *store_finding_text(uint32_t kind);

#endif
