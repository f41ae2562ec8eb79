/*
 * stock_wire.h - Stockholder's requests and replies as bytes: the same
 * encoding for a local call and for one that travels to another node
 * (CLUSTER_MSG_STOCK_REQ / _REPLY, docs/protocol.md). Little-endian.
 *
 * Request: op (1), flags (1), zero (2), a bytes (2), b bytes (2),
 *          c bytes (4), inode (8), offset (8), then a, b and c.
 *          a: a path or a key; b: a second path, a readdir cursor name or
 *          a scan cursor key; c: data to write, a value to put.
 * Reply:   result (4, an abi_error or a count), value (8), then data
 *          (what was read, an entry, a key, a stat record).
 */
#ifndef CORE_STOCK_WIRE_H
#define CORE_STOCK_WIRE_H

#include "abi.h"
#include "bytes.h"

enum stock_op {
    STOCK_OP_OPEN = 1,     /* a = path, flags = ABI_O_*: value = inode, data = type (1) */
    STOCK_OP_READ = 2,     /* inode, offset, c = how many bytes (u32): data */
    STOCK_OP_WRITE = 3,    /* inode, offset (ABI_O_APPEND: the end), c: value = offset after */
    STOCK_OP_FSYNC = 4,    /* inode: answered once everything before it is durable */
    STOCK_OP_TRUNCATE = 5, /* inode, offset = the new size */
    STOCK_OP_MKDIR = 6,    /* a = path */
    STOCK_OP_READDIR = 7,  /* inode, b = the last name seen: data = struct abi_dirent */
    STOCK_OP_RENAME = 8,   /* a = from, b = to */
    STOCK_OP_UNLINK = 9,   /* a = path: a file or an empty directory */
    STOCK_OP_STAT = 10,    /* a = path, or inode when a is empty: data = struct abi_stat */
    STOCK_OP_KV_PUT = 11,  /* a = key, c = value: answered once durable */
    STOCK_OP_KV_GET = 12,  /* a = key, offset = capacity: result = value bytes, data = value */
    STOCK_OP_KV_DEL = 13,  /* a = key: answered once durable */
    STOCK_OP_KV_SCAN = 14, /* a = prefix, b = cursor key (empty: from the start): data = the key */
    STOCK_OP_COUNT
};

#define STOCK_REQ_HEADER_BYTES 28u
#define STOCK_REPLY_HEADER_BYTES 12u
/* The largest request: a 64 KiB value and a 255-byte key, or a write of
 * ABI_FILE_IO_MAX bytes. */
#define STOCK_REQ_MAX_BYTES (STOCK_REQ_HEADER_BYTES + 2u * ABI_PATH_MAX + ABI_KV_VALUE_MAX)
#define STOCK_REPLY_MAX_BYTES (STOCK_REPLY_HEADER_BYTES + ABI_KV_VALUE_MAX)

struct stock_req_view {
    uint8_t op, flags;
    uint32_t a_len, b_len, c_len;
    uint64_t ino, offset;
    const uint8_t *a, *b, *c;
};

/* Encode into out (STOCK_REQ_HEADER_BYTES + a_len + b_len + c_len bytes). */
static inline uint32_t stock_req_encode(uint8_t *out, const struct stock_req_view *v)
{
    out[0] = v->op;
    out[1] = v->flags;
    put_le16(out + 2, 0);
    put_le16(out + 4, (uint16_t)v->a_len);
    put_le16(out + 6, (uint16_t)v->b_len);
    put_le32(out + 8, v->c_len);
    put_le64(out + 12, v->ino);
    put_le64(out + 20, v->offset);
    uint32_t at = STOCK_REQ_HEADER_BYTES;
    const uint8_t *parts[3] = {v->a, v->b, v->c};
    uint32_t lens[3] = {v->a_len, v->b_len, v->c_len};
    for (uint32_t i = 0; i < 3; i++) {
        if (lens[i] > 0) /* an empty part may have no pointer */
            kmemcpy(out + at, parts[i], lens[i]);
        at += lens[i];
    }
    return at;
}

/* Decode and check the lengths: 0 or ERR_PROTOCOL. */
static inline int stock_req_decode(const uint8_t *in, uint32_t len, struct stock_req_view *v)
{
    if (len < STOCK_REQ_HEADER_BYTES)
        return ERR_PROTOCOL;
    v->op = in[0];
    v->flags = in[1];
    v->a_len = get_le16(in + 4);
    v->b_len = get_le16(in + 6);
    v->c_len = get_le32(in + 8);
    v->ino = get_le64(in + 12);
    v->offset = get_le64(in + 20);
    uint64_t total = (uint64_t)STOCK_REQ_HEADER_BYTES + v->a_len + v->b_len + v->c_len;
    if (total != len || v->op == 0 || v->op >= STOCK_OP_COUNT)
        return ERR_PROTOCOL;
    v->a = in + STOCK_REQ_HEADER_BYTES;
    v->b = v->a + v->a_len;
    v->c = v->b + v->b_len;
    return 0;
}

#endif
