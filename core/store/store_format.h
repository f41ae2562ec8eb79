/*
 * store_format.h - the Stockholder on-disk format, defined once for the
 * core library (core/store/) and the host tools (cli/fs*.c). Every
 * integer is little-endian except the object id and block index inside
 * tree keys, which are big-endian so that byte order is sort order.
 * docs/storage.md, "On-disk format", describes it byte by byte.
 *
 * Blocks are STORE_BLOCK_SIZE bytes; the caller maps them to sectors.
 *   block 0, 1       superblocks; commit sequence s is written to block s % 2
 *   any other block  a tree node, a bitmap block or a data block
 * A superblock and a tree node end with the CRC-32 (core/crc32.h) of their
 * first STORE_CRC_OFFSET bytes; that value is "the block's checksum", and a
 * parent (or the superblock) stores it next to the block number. Bitmap
 * and data blocks are raw; their checksum is the CRC-32 of all 4096 bytes,
 * kept by whoever points at them.
 */
#ifndef CORE_STORE_STORE_FORMAT_H
#define CORE_STORE_STORE_FORMAT_H

#include <stdint.h>

#define STORE_BLOCK_SIZE 4096u
#define STORE_CRC_OFFSET (STORE_BLOCK_SIZE - 4u)
#define STORE_FORMAT_VERSION 1u
#define STORE_SUPER_BLOCKS 2u /* blocks 0 and 1 */

/* ---- superblock ------------------------------------------------------ */
#define STORE_SUPER_MAGIC 0x4B535453u /* "STSK" as little-endian bytes */
#define STORE_SB_MAGIC 0u             /* u32 */
#define STORE_SB_VERSION 4u           /* u32 */
#define STORE_SB_BLOCK_SIZE 8u        /* u32 */
#define STORE_SB_BITMAPS 12u          /* u32: number of bitmap blocks */
#define STORE_SB_BLOCKS 16u           /* u64: block count of the store */
#define STORE_SB_SEQ 24u              /* u64: commit sequence */
#define STORE_SB_ROOT 32u             /* u64: root node of the tree */
#define STORE_SB_ROOT_CRC 40u         /* u32: its checksum */
#define STORE_SB_ROOT_LEVEL 44u       /* u32: its level (0: a leaf) */
#define STORE_SB_NEXT_INO 48u         /* u64: next inode number to hand out */
#define STORE_SB_USED 56u             /* u64: blocks marked used in the bitmap */
#define STORE_SB_INODES 64u           /* u64: inodes (files and directories) */
#define STORE_SB_CREATED_NS 72u       /* u64: simulated time of mkfs */
#define STORE_SB_COMMIT_NS 80u        /* u64: simulated time of the last change committed */
#define STORE_SB_LABEL 88u            /* 32 bytes, NUL-padded */
#define STORE_SB_LABEL_BYTES 32u
#define STORE_SB_BITMAP_LIST 128u /* STORE_MAX_BITMAPS x (u64 block, u32 crc) */
#define STORE_SB_BITMAP_ENTRY 12u
#define STORE_MAX_BITMAPS 256u
_Static_assert(STORE_SB_BITMAP_LIST + STORE_MAX_BITMAPS * STORE_SB_BITMAP_ENTRY <= STORE_CRC_OFFSET,
               "the bitmap list fits the superblock");

#define STORE_BITS_PER_BITMAP (STORE_BLOCK_SIZE * 8u)
/* 256 bitmap blocks x 32768 blocks x 4 KiB = 32 GiB, the largest store. */
#define STORE_MAX_BLOCKS ((uint64_t)STORE_MAX_BITMAPS * STORE_BITS_PER_BITMAP)
/* Superblocks, a root leaf, one bitmap block and room to work. */
#define STORE_MIN_BLOCKS 64u

/* ---- tree nodes ------------------------------------------------------ */
#define STORE_NODE_MAGIC 0x444F4E53u /* "SNOD" */
#define STORE_NODE_LEAF 1u
#define STORE_NODE_INTERNAL 2u
#define STORE_ND_MAGIC 0u  /* u32 */
#define STORE_ND_KIND 4u   /* u8: STORE_NODE_LEAF or STORE_NODE_INTERNAL */
#define STORE_ND_LEVEL 5u  /* u8: 0 for a leaf, parent = child + 1 */
#define STORE_ND_COUNT 6u  /* u16: entries */
#define STORE_ND_USED 8u   /* u16: bytes of entries from STORE_ND_ENTRIES */
#define STORE_ND_BLOCK 16u /* u64: the block this node was written to */
#define STORE_ND_SEQ 24u   /* u64: the commit that wrote it */
#define STORE_ND_ENTRIES 32u
#define STORE_NODE_SPACE (STORE_CRC_OFFSET - STORE_ND_ENTRIES)
/* An entry: u16 key bytes, u16 value bytes, key, value. In an internal
 * node the value is the child: u64 block, u32 checksum. Entries are in
 * strictly increasing key order (bytewise, a prefix sorts first). */
#define STORE_ENTRY_HEAD 4u
#define STORE_CHILD_BYTES 12u
#define STORE_MAX_LEVELS 8u

/* ---- keys ---------------------------------------------------------- */
/* A key: u64 object id (big-endian), u8 record kind, then the rest. */
#define STORE_KEY_HEAD 9u
#define STORE_REC_INODE 1u  /* rest: none */
#define STORE_REC_DIRENT 2u /* rest: the name's bytes */
#define STORE_REC_EXTENT 3u /* rest: u64 block index (big-endian) */
#define STORE_REC_KV 4u     /* rest: the key's bytes */
#define STORE_OBJ_KV 0u     /* the key-value namespace's object id */
#define STORE_INO_ROOT 1u   /* the root directory */
#define STORE_NAME_MAX 255u
#define STORE_KV_KEY_MAX 255u
#define STORE_KEY_MAX (STORE_KEY_HEAD + 255u)

/* Inode value. */
#define STORE_IN_TYPE 0u    /* u8: STORE_TYPE_FILE or STORE_TYPE_DIR */
#define STORE_IN_NLINK 4u   /* u32: 1 for a file, 2 + subdirectories for a directory */
#define STORE_IN_SIZE 8u    /* u64: bytes (a directory: entries) */
#define STORE_IN_CTIME 16u  /* u64: simulated ns */
#define STORE_IN_MTIME 24u  /* u64: simulated ns */
#define STORE_IN_PARENT 32u /* u64: the directory holding its one entry */
#define STORE_INODE_BYTES 40u
#define STORE_TYPE_FILE 1u
#define STORE_TYPE_DIR 2u

/* Directory entry value: u64 child inode, u8 its type. */
#define STORE_DIRENT_BYTES 9u
/* Extent value: u64 data block, u32 the data block's CRC-32. */
#define STORE_EXTENT_BYTES 12u

/* Key-value value: u8 form, u8 0, u16 0, u32 value bytes, then the value
 * itself (inline) or ceil(bytes / 4096) x (u64 block, u32 CRC-32). */
#define STORE_KV_INLINE 0u
#define STORE_KV_BLOCKS 1u
#define STORE_KV_HEAD 8u
#define STORE_KV_INLINE_MAX 512u
#define STORE_KV_VALUE_MAX 65536u
#define STORE_KV_MAX_BLOCKS (STORE_KV_VALUE_MAX / STORE_BLOCK_SIZE)
#define STORE_VALUE_MAX (STORE_KV_HEAD + STORE_KV_INLINE_MAX)
_Static_assert(STORE_KV_MAX_BLOCKS *STORE_EXTENT_BYTES <= STORE_KV_INLINE_MAX, "a block list fits a value");
#define STORE_ENTRY_MAX (STORE_ENTRY_HEAD + STORE_KEY_MAX + STORE_VALUE_MAX)
/* A full node split at half its bytes leaves each half room for the
 * largest entry (store_node.c, node_split). */
_Static_assert(4u * STORE_ENTRY_MAX <= STORE_NODE_SPACE, "the largest entry fits a one-way split");

#endif
