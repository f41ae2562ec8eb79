/*
 * stock_exec.c - one Stockholder request against the store. Every
 * request may be run again from the start (after STORE_E_AGAIN, which
 * changed nothing), so each does its reads first and at most one change,
 * last: a re-run never sees half of its own work.
 */
#include "stock_priv.h"

/* Fixed layouts of the ABI records (core/abi.h), written byte by byte. */
#define STAT_BYTES 32u
#define DIRENT_BYTES (16u + ABI_NAME_MAX + 1u)
_Static_assert(sizeof(struct abi_stat) == STAT_BYTES, "abi_stat layout");
_Static_assert(sizeof(struct abi_dirent) == DIRENT_BYTES, "abi_dirent layout");

int32_t stock_abi_error(int store_err)
{
    switch (store_err) {
    case STORE_E_NO_SPACE: return ERR_NO_SPACE;
    case STORE_E_NOT_FOUND: return ERR_NO_ENTRY;
    case STORE_E_EXISTS: return ERR_EXISTS;
    case STORE_E_NOT_EMPTY: return ERR_NOT_EMPTY;
    case STORE_E_NAME_TOO_LONG: return ERR_NAME_TOO_LONG;
    case STORE_E_READ_ONLY: return ERR_READ_ONLY;
    case STORE_E_CORRUPT: return ERR_CORRUPT;
    case STORE_E_NO_MEMORY: return ERR_NO_MEMORY;
    case STORE_E_TOO_BIG: return ERR_TOO_BIG;
    case STORE_E_NOT_DIR: return ERR_NOT_DIR;
    case STORE_E_IS_DIR: return ERR_IS_DIR;
    case STORE_E_BUSY: return ERR_BUSY;
    case STORE_E_IO: return ERR_IO;
    default: return store_err < 0 ? ERR_INVALID : store_err;
    }
}

/* A path as the request carries it, NUL-terminated, with its last name. */
struct path {
    char text[ABI_PATH_MAX + 1];
    uint32_t len, name_at; /* the last name starts at text + name_at */
};

static int path_take(const uint8_t *a, uint32_t len, struct path *p)
{
    if (len == 0 || len > ABI_PATH_MAX || a[0] != '/')
        return ERR_INVALID;
    kmemcpy(p->text, a, len);
    p->text[len] = '\0';
    p->len = len;
    p->name_at = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (p->text[i] == '\0')
            return ERR_INVALID;
        if (p->text[i] == '/')
            p->name_at = i + 1;
    }
    return 0;
}

/* The directory holding the path's last name (which must not be empty). */
static int path_parent(struct store *s, struct path *p, uint64_t *dir)
{
    if (p->name_at >= p->len)
        return STORE_E_BAD_ARG;
    if (p->len - p->name_at > ABI_NAME_MAX)
        return STORE_E_NAME_TOO_LONG;
    if (p->name_at == 1)
        return store_lookup(s, "/", dir);
    p->text[p->name_at - 1] = '\0';
    int rc = store_lookup(s, p->text, dir);
    p->text[p->name_at - 1] = '/';
    return rc;
}

int stock_set_out(struct kernel *k, struct stock_req *r, uint32_t len)
{
    r->out = len > 0 ? kalloc(k, len) : NULL;
    r->out_len = r->out_cap = r->out != NULL ? len : 0;
    return len > 0 && r->out == NULL ? STORE_E_NO_MEMORY : STORE_OK;
}

static int exec_open(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    struct store *s = &stock_of(k)->store;
    struct path p;
    uint64_t ino, dir;
    struct store_stat stat;
    if (path_take(v->a, v->a_len, &p) != 0)
        return STORE_E_BAD_ARG;
    int rc = store_lookup(s, p.text, &ino);
    if (rc == STORE_E_NOT_FOUND && (v->flags & ABI_O_CREATE) != 0) {
        rc = path_parent(s, &p, &dir);
        if (rc == STORE_OK)
            rc = store_create(s, dir, p.text + p.name_at, p.len - p.name_at, STORE_TYPE_FILE, kernel_now(k), &ino);
        stat.type = STORE_TYPE_FILE;
    } else if (rc == STORE_OK && (v->flags & (ABI_O_CREATE | ABI_O_EXCLUSIVE)) == (ABI_O_CREATE | ABI_O_EXCLUSIVE)) {
        rc = STORE_E_EXISTS;
    } else if (rc == STORE_OK && (rc = store_stat(s, ino, &stat)) == STORE_OK) {
        bool writes = (v->flags & (ABI_O_TRUNCATE | ABI_O_APPEND)) != 0;
        if (stat.type == STORE_TYPE_DIR && writes)
            rc = STORE_E_IS_DIR;
        else if ((v->flags & ABI_O_TRUNCATE) != 0 && stat.size_bytes != 0)
            rc = store_truncate(s, ino, 0, kernel_now(k));
    }
    if (rc != STORE_OK || (rc = stock_set_out(k, r, 1)) != STORE_OK)
        return rc;
    r->out[0] = (uint8_t)stat.type;
    r->value = ino;
    return STORE_OK;
}

static int exec_read(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    if (v->c_len != 4)
        return STORE_E_BAD_ARG;
    uint32_t want = get_le32(v->c);
    want = want < ABI_FILE_IO_MAX ? want : ABI_FILE_IO_MAX;
    int rc = stock_set_out(k, r, want);
    if (rc != STORE_OK)
        return rc;
    rc = store_read(&stock_of(k)->store, v->ino, v->offset, r->out, want);
    if (rc >= 0)
        r->out_len = (uint32_t)rc;
    return rc;
}

static int exec_write(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    struct store *s = &stock_of(k)->store;
    uint64_t at = v->offset;
    if ((v->flags & ABI_O_APPEND) != 0) {
        struct store_stat stat;
        int rc = store_stat(s, v->ino, &stat);
        if (rc != STORE_OK)
            return rc;
        at = stat.size_bytes;
    }
    int rc = store_write(s, v->ino, at, v->c, v->c_len, kernel_now(k));
    r->value = at + v->c_len;
    return rc == STORE_OK ? (int)v->c_len : rc;
}

static void put_stat(uint8_t *out, const struct store_stat *st)
{
    put_le64(out, st->ino);
    put_le64(out + 8, st->size_bytes);
    put_le64(out + 16, st->mtime_ns);
    put_le32(out + 24, st->type);
    put_le32(out + 28, st->nlink);
}

static int exec_stat(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    struct store *s = &stock_of(k)->store;
    struct path p;
    uint64_t ino = v->ino;
    struct store_stat st;
    int rc = STORE_OK;
    if (v->a_len > 0)
        rc = path_take(v->a, v->a_len, &p) != 0 ? STORE_E_BAD_ARG : store_lookup(s, p.text, &ino);
    if (rc == STORE_OK)
        rc = store_stat(s, ino, &st);
    if (rc == STORE_OK && (rc = stock_set_out(k, r, STAT_BYTES)) == STORE_OK)
        put_stat(r->out, &st);
    return rc;
}

static int exec_readdir(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    struct store_dirent d = {.name_len = v->b_len};
    if (v->b_len > ABI_NAME_MAX)
        return STORE_E_NAME_TOO_LONG;
    kmemcpy(d.name, v->b, v->b_len);
    int rc = store_readdir(&stock_of(k)->store, v->ino, &d);
    if (rc != 1)
        return rc;
    if ((rc = stock_set_out(k, r, DIRENT_BYTES)) != STORE_OK)
        return rc;
    kmemset(r->out, 0, DIRENT_BYTES);
    put_le64(r->out, d.ino);
    put_le32(r->out + 8, d.type);
    put_le32(r->out + 12, d.name_len);
    kmemcpy(r->out + 16, d.name, d.name_len);
    return 1;
}

/* mkdir, rename, unlink: changes by path. */
static int exec_names(struct kernel *k, const struct stock_req_view *v)
{
    struct store *s = &stock_of(k)->store;
    struct path p, q;
    uint64_t dir, to_dir, ino;
    struct store_stat st;
    if (path_take(v->a, v->a_len, &p) != 0)
        return STORE_E_BAD_ARG;
    int rc = path_parent(s, &p, &dir);
    const char *name = p.text + p.name_at;
    uint32_t name_len = p.len - p.name_at;
    if (rc != STORE_OK)
        return rc;
    if (v->op == STOCK_OP_MKDIR)
        return store_create(s, dir, name, name_len, STORE_TYPE_DIR, kernel_now(k), &ino);
    if (v->op == STOCK_OP_RENAME) {
        if (path_take(v->b, v->b_len, &q) != 0)
            return STORE_E_BAD_ARG;
        rc = path_parent(s, &q, &to_dir);
        return rc != STORE_OK ? rc
                              : store_rename(s, dir, name, name_len, to_dir, q.text + q.name_at, q.len - q.name_at,
                                             kernel_now(k));
    }
    rc = store_lookup_at(s, dir, name, name_len, &ino);
    if (rc == STORE_OK)
        rc = store_stat(s, ino, &st);
    if (rc != STORE_OK)
        return rc;
    return st.type == STORE_TYPE_DIR ? store_rmdir(s, dir, name, name_len, kernel_now(k))
                                     : store_unlink(s, dir, name, name_len, kernel_now(k));
}

static int exec_kv_read(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    struct store *s = &stock_of(k)->store;
    if (v->op == STOCK_OP_KV_GET) {
        uint32_t cap = v->offset < ABI_KV_VALUE_MAX ? (uint32_t)v->offset : ABI_KV_VALUE_MAX;
        int rc = stock_set_out(k, r, cap);
        if (rc == STORE_OK)
            rc = store_kv_get(s, v->a, v->a_len, r->out, cap);
        if (rc >= 0 && (uint32_t)rc < cap)
            r->out_len = (uint32_t)rc;
        return rc;
    }
    struct store_kv_cursor c = {.key_len = v->b_len, .started = v->b_len > 0};
    if (v->b_len > ABI_KV_KEY_MAX)
        return STORE_E_NAME_TOO_LONG;
    kmemcpy(c.key, v->b, v->b_len);
    int rc = store_kv_scan(s, v->a, v->a_len, &c);
    if (rc == 1 && (rc = stock_set_out(k, r, c.key_len)) == STORE_OK) {
        kmemcpy(r->out, c.key, c.key_len);
        rc = 1;
    }
    return rc;
}

/* The store call of one request: a count, STORE_OK or a store error. */
static int exec_op(struct kernel *k, struct stock_req *r, const struct stock_req_view *v)
{
    struct store *s = &stock_of(k)->store;
    struct store_stat st;
    switch (v->op) {
    case STOCK_OP_OPEN: return exec_open(k, r, v);
    case STOCK_OP_READ: return exec_read(k, r, v);
    case STOCK_OP_WRITE: return exec_write(k, r, v);
    case STOCK_OP_FSYNC: return store_stat(s, v->ino, &st);
    case STOCK_OP_TRUNCATE: return store_truncate(s, v->ino, v->offset, kernel_now(k));
    case STOCK_OP_READDIR: return exec_readdir(k, r, v);
    case STOCK_OP_STAT: return exec_stat(k, r, v);
    case STOCK_OP_KV_PUT: return store_kv_put(s, v->a, v->a_len, v->c, v->c_len);
    case STOCK_OP_KV_DEL: return store_kv_del(s, v->a, v->a_len);
    case STOCK_OP_KV_GET:
    case STOCK_OP_KV_SCAN: return exec_kv_read(k, r, v);
    default: return exec_names(k, v);
    }
}

static bool op_changes(uint8_t op)
{
    return op == STOCK_OP_OPEN || op == STOCK_OP_WRITE || op == STOCK_OP_TRUNCATE || op == STOCK_OP_MKDIR ||
           op == STOCK_OP_RENAME || op == STOCK_OP_UNLINK || op == STOCK_OP_KV_PUT || op == STOCK_OP_KV_DEL;
}

/* Handle calls name an inode the caller opened: gone means a bad handle. */
static bool op_by_handle(uint8_t op)
{
    return op == STOCK_OP_READ || op == STOCK_OP_WRITE || op == STOCK_OP_FSYNC || op == STOCK_OP_TRUNCATE ||
           op == STOCK_OP_READDIR;
}

int stock_exec(struct kernel *k, struct stock_req *r, bool *durable)
{
    struct stock *st = stock_of(k);
    struct stock_req_view v = {0};
    *durable = false;
    if (stock_req_decode(r->bytes, r->len, &v) != 0) {
        r->result = ERR_PROTOCOL; /* checked on arrival: cannot happen */
        return STORE_OK;
    }
    if (r->out != NULL)
        kfree(k, r->out, r->out_cap);
    r->out = NULL;
    r->out_len = r->out_cap = 0;
    r->value = 0;
    int rc = st->platform_kv ? stock_kvstore_exec(k, r, &v) : exec_op(k, r, &v);
    if (rc == STORE_E_AGAIN || rc == STORE_E_NO_MEMORY)
        return rc;
    r->result = rc == STORE_E_NOT_FOUND && op_by_handle(v.op) ? ERR_BAD_HANDLE : stock_abi_error(rc);
    if (rc < 0 && r->out != NULL) {
        kfree(k, r->out, r->out_cap);
        r->out = NULL;
        r->out_len = r->out_cap = 0;
    }
    if (rc >= 0 && op_changes(v.op))
        st->batch_dirty = true;
    if (rc >= 0 && (v.op == STOCK_OP_KV_PUT || v.op == STOCK_OP_KV_DEL))
        stock_kv_changed(st, v.a, v.a_len);
    *durable = rc >= 0 && (v.op == STOCK_OP_FSYNC || v.op == STOCK_OP_KV_PUT || v.op == STOCK_OP_KV_DEL);
    return STORE_OK;
}
