/*
 * syscall_stock.c - the file and key-value system calls (abi.h): check
 * the arguments, resolve the serving node ("/nK/..." or the caller's home
 * node; the key-value back end), encode the request, and on the answer
 * copy out what it carries and move the handle's position.
 */
#include "kernel_priv.h"
#include "proc.h"
#include "stock_client.h"
#include "syscall.h"

static uint32_t arg(const struct proc *p, uint32_t i)
{
    return p->cpu.x[RV_A0 + i];
}

static int copy_in(struct kernel *k, struct proc *p, void *dst, uint32_t va, uint32_t len)
{
    syscall_prepare(k, p, va, len);
    return len == 0 || vm_copy_in(&p->vm, dst, va, len) == 0 ? 0 : ERR_FAULT;
}

static int check_out(struct kernel *k, struct proc *p, uint32_t va, uint32_t len)
{
    syscall_prepare(k, p, va, len);
    return len == 0 || vm_check(&p->vm, va, len, VM_PERM_W) == 0 ? 0 : ERR_FAULT;
}

/* A request being built: its strings and where it goes. */
struct call {
    struct stock_req_view v;
    uint16_t node;
    char path_a[ABI_PATH_MAX], path_b[ABI_PATH_MAX];
    uint8_t count[4];
    uint8_t *data; /* kalloc'd c, data_len bytes */
    uint32_t data_len;
};

/* "/nK/rest" is node K's "/rest"; any other absolute path is the home
 * node's. Sets *node and leaves the served path in out[*at .. len). */
static int path_resolve(const struct kernel *k, const struct proc *p, const char *path, uint32_t len,
                        uint16_t *node, uint32_t *at)
{
    if (len == 0 || path[0] != '/')
        return ERR_INVALID;
    *node = (uint16_t)ABI_PID_NODE(p->pid);
    *at = 0;
    if (len < 3 || path[1] != 'n' || path[2] < '0' || path[2] > '9')
        return 0;
    uint32_t n = 0, i = 2;
    for (; i < len && path[i] >= '0' && path[i] <= '9' && n < 0x10000u; i++)
        n = n * 10u + (uint32_t)(path[i] - '0');
    if (i < len && path[i] != '/')
        return 0; /* a name like "/n3x": the home node's */
    if (n >= k->node_count)
        return ERR_INVALID;
    *node = (uint16_t)n;
    *at = i;
    return 0;
}

/* Path argument `which` (a or b) at registers i, i+1. */
static int path_arg(struct kernel *k, struct proc *p, struct call *c, uint32_t i, bool second)
{
    uint32_t len = arg(p, i + 1), at;
    char *buf = second ? c->path_b : c->path_a;
    if (len > ABI_PATH_MAX)
        return ERR_NAME_TOO_LONG;
    int err = copy_in(k, p, buf, arg(p, i), len);
    uint16_t node;
    if (err == 0)
        err = path_resolve(k, p, buf, len, &node, &at);
    if (err != 0)
        return err;
    if (second && node != c->node)
        return ERR_INVALID; /* a rename stays on one node */
    c->node = node;
    static const char root[] = "/";
    const uint8_t *s = at == len ? (const uint8_t *)root : (const uint8_t *)buf + at;
    uint32_t s_len = at == len ? 1u : len - at;
    if (second) {
        c->v.b = s;
        c->v.b_len = s_len;
    } else {
        c->v.a = s;
        c->v.a_len = s_len;
    }
    return 0;
}

static int data_arg(struct kernel *k, struct proc *p, struct call *c, uint32_t va, uint32_t len)
{
    if (len == 0)
        return 0;
    c->data = kalloc(k, len);
    if (c->data == NULL)
        return ERR_NO_MEMORY;
    c->data_len = len;
    c->v.c = c->data;
    c->v.c_len = len;
    return copy_in(k, p, c->data, va, len);
}

static struct stock_handle *handle_arg(struct proc *p, uint32_t h)
{
    return h < ABI_MAX_FILES && p->files[h].used ? &p->files[h] : NULL;
}

static int build_open(struct kernel *k, struct proc *p, struct call *c)
{
    uint32_t h = 0;
    while (h < ABI_MAX_FILES && p->files[h].used)
        h++;
    if (h == ABI_MAX_FILES)
        return ERR_LIMIT;
    if ((arg(p, 2) & ~(uint32_t)(ABI_O_CREATE | ABI_O_EXCLUSIVE | ABI_O_TRUNCATE | ABI_O_APPEND)) != 0)
        return ERR_INVALID;
    p->stock_handle = (uint8_t)h;
    c->v.flags = (uint8_t)arg(p, 2);
    return path_arg(k, p, c, 0, false);
}

/* The calls on a handle: read, write, fsync, truncate, readdir. */
static int build_handle(struct kernel *k, struct proc *p, struct call *c, uint32_t sys)
{
    struct stock_handle *f = handle_arg(p, arg(p, 0));
    if (f == NULL)
        return ERR_BAD_HANDLE;
    c->node = f->node;
    c->v.ino = f->ino;
    c->v.offset = f->pos;
    bool is_dir = f->type == ABI_TYPE_DIR;
    uint32_t len = arg(p, 2) < ABI_FILE_IO_MAX ? arg(p, 2) : ABI_FILE_IO_MAX;
    switch (sys) {
    case SYS_READ:
        put_le32(c->count, len);
        c->v.c = c->count;
        c->v.c_len = 4;
        return is_dir ? ERR_IS_DIR : check_out(k, p, arg(p, 1), len);
    case SYS_FWRITE:
        c->v.flags = f->flags;
        return is_dir ? ERR_IS_DIR : data_arg(k, p, c, arg(p, 1), len);
    case SYS_TRUNCATE:
        c->v.offset = (uint64_t)arg(p, 1) | ((uint64_t)arg(p, 2) << 32);
        return is_dir ? ERR_IS_DIR : 0;
    case SYS_READDIR: {
        uint8_t head[16];
        int err = is_dir ? copy_in(k, p, head, arg(p, 1), sizeof head) : ERR_NOT_DIR;
        if (err == 0)
            err = check_out(k, p, arg(p, 1), sizeof(struct abi_dirent));
        c->v.b_len = err == 0 ? get_le32(head + 12) : 0;
        if (err == 0 && c->v.b_len > ABI_NAME_MAX)
            err = ERR_NAME_TOO_LONG;
        if (err == 0)
            err = copy_in(k, p, c->path_b, arg(p, 1) + 16, c->v.b_len);
        c->v.b = (const uint8_t *)c->path_b;
        return err;
    }
    default: return 0; /* fsync */
    }
}

static int key_arg(struct kernel *k, struct proc *p, struct call *c, bool prefix)
{
    if (!k->kv_configured)
        return ERR_NO_STORAGE;
    c->node = k->kv_backend;
    uint32_t len = arg(p, 1);
    if (len > ABI_KV_KEY_MAX)
        return ERR_NAME_TOO_LONG;
    if (len == 0 && !prefix)
        return ERR_INVALID;
    c->v.a = (const uint8_t *)c->path_a;
    c->v.a_len = len;
    return copy_in(k, p, c->path_a, arg(p, 0), len);
}

static int build_kv(struct kernel *k, struct proc *p, struct call *c, uint32_t sys)
{
    int err = key_arg(k, p, c, sys == SYS_KV_SCAN);
    if (err != 0)
        return err;
    if (sys == SYS_KV_PUT)
        return arg(p, 3) > ABI_KV_VALUE_MAX ? ERR_TOO_BIG : data_arg(k, p, c, arg(p, 2), arg(p, 3));
    if (sys == SYS_KV_GET) {
        c->v.offset = arg(p, 3) < ABI_KV_VALUE_MAX ? arg(p, 3) : ABI_KV_VALUE_MAX;
        return check_out(k, p, arg(p, 2), arg(p, 3));
    }
    if (sys != SYS_KV_SCAN)
        return 0;
    uint8_t head[4];
    err = copy_in(k, p, head, arg(p, 2), 4);
    if (err == 0)
        err = check_out(k, p, arg(p, 2), sizeof(struct abi_kv_cursor));
    c->v.b_len = err == 0 ? get_le32(head) : 0;
    if (err == 0 && c->v.b_len > ABI_KV_KEY_MAX)
        err = ERR_NAME_TOO_LONG;
    c->v.b = (const uint8_t *)c->path_b;
    return err != 0 ? err : copy_in(k, p, c->path_b, arg(p, 2) + 4, c->v.b_len);
}

static const uint8_t op_of[] = {
    [SYS_OPEN] = STOCK_OP_OPEN,        [SYS_READ] = STOCK_OP_READ,     [SYS_FWRITE] = STOCK_OP_WRITE,
    [SYS_FSYNC] = STOCK_OP_FSYNC,      [SYS_TRUNCATE] = STOCK_OP_TRUNCATE, [SYS_MKDIR] = STOCK_OP_MKDIR,
    [SYS_READDIR] = STOCK_OP_READDIR,  [SYS_RENAME] = STOCK_OP_RENAME, [SYS_UNLINK] = STOCK_OP_UNLINK,
    [SYS_STAT] = STOCK_OP_STAT,        [SYS_KV_PUT] = STOCK_OP_KV_PUT, [SYS_KV_GET] = STOCK_OP_KV_GET,
    [SYS_KV_DEL] = STOCK_OP_KV_DEL,    [SYS_KV_SCAN] = STOCK_OP_KV_SCAN,
};

static int build(struct kernel *k, struct proc *p, struct call *c, uint32_t sys)
{
    c->v.op = op_of[sys];
    switch (sys) {
    case SYS_OPEN: return build_open(k, p, c);
    case SYS_MKDIR:
    case SYS_UNLINK: return path_arg(k, p, c, 0, false);
    case SYS_RENAME: {
        int err = path_arg(k, p, c, 0, false);
        return err != 0 ? err : path_arg(k, p, c, 2, true);
    }
    case SYS_STAT: {
        int err = path_arg(k, p, c, 0, false);
        return err != 0 ? err : check_out(k, p, arg(p, 2), sizeof(struct abi_stat));
    }
    case SYS_KV_PUT:
    case SYS_KV_GET:
    case SYS_KV_DEL:
    case SYS_KV_SCAN: return build_kv(k, p, c, sys);
    default: return build_handle(k, p, c, sys);
    }
}

/* Encode and send; 0 when the caller waits for the answer. */
static int send_call(struct kernel *k, struct proc *p, struct call *c)
{
    uint32_t len = STOCK_REQ_HEADER_BYTES + c->v.a_len + c->v.b_len + c->v.c_len;
    uint8_t *req = kalloc(k, len);
    if (req == NULL)
        return ERR_NO_MEMORY;
    stock_req_encode(req, &c->v);
    syscall_begin_wait(k, p, c->node == k->node_id ? ABI_TIMEOUT_FOREVER : ABI_STOCK_TIMEOUT_NS);
    int err = stock_client_call(k, p, c->node, req, len);
    kfree(k, req, len);
    return err;
}

static void resume(struct kernel *k, struct proc *p)
{
    if (p->stock_done) {
        syscall_complete(p, p->stock_result);
    } else if (syscall_deadline_passed(k, p)) {
        p->stock_call = 0;
        stock_client_forget(k, p); /* a reply cut short by the silence */
        syscall_complete(p, ERR_OUTCOME_UNKNOWN);
    } else {
        proc_block(k, p, WAIT_STOCK);
    }
}

void syscall_stock(struct kernel *k, struct proc *p)
{
    if (p->in_syscall) {
        resume(k, p);
        return;
    }
    uint32_t sys = p->cpu.x[RV_A7];
    if (sys == SYS_CLOSE) {
        struct stock_handle *f = handle_arg(p, arg(p, 0));
        if (f != NULL)
            f->used = false;
        syscall_complete(p, f != NULL ? 0 : ERR_BAD_HANDLE);
        return;
    }
    struct call *c = kalloc(k, sizeof *c);
    if (c == NULL) {
        syscall_complete(p, ERR_NO_MEMORY);
        return;
    }
    int err = build(k, p, c, sys);
    if (err == 0)
        err = send_call(k, p, c);
    if (c->data != NULL)
        kfree(k, c->data, c->data_len);
    kfree(k, c, sizeof *c);
    if (err != 0) {
        p->stock_call = 0;
        syscall_complete(p, err);
        return;
    }
    resume(k, p);
}

static void copy_out(struct proc *p, uint32_t va, const uint8_t *data, uint32_t len)
{
    if (len > 0)
        (void)vm_copy_out(&p->vm, va, data, len); /* checked writable when the call began */
}

int32_t syscall_stock_finish(struct kernel *k, struct proc *p, int32_t result, uint64_t value,
                             const uint8_t *data, uint32_t len)
{
    (void)k;
    if (result < 0)
        return result;
    uint32_t sys = p->cpu.x[RV_A7];
    struct stock_handle *f = sys == SYS_OPEN ? &p->files[p->stock_handle] : handle_arg(p, arg(p, 0));
    switch (sys) {
    case SYS_OPEN:
        *f = (struct stock_handle){.used = true,
                                   .type = len > 0 ? data[0] : ABI_TYPE_FILE,
                                   .flags = (uint8_t)(arg(p, 2) & ABI_O_APPEND),
                                   .node = p->stock_node,
                                   .ino = value};
        return p->stock_handle;
    case SYS_READ:
        copy_out(p, arg(p, 1), data, len);
        f->pos += len;
        return (int32_t)len;
    case SYS_FWRITE: f->pos = value; return result;
    case SYS_READDIR: copy_out(p, arg(p, 1), data, len); return result;
    case SYS_STAT: copy_out(p, arg(p, 2), data, len); return 0;
    case SYS_KV_GET: copy_out(p, arg(p, 2), data, len < arg(p, 3) ? len : arg(p, 3)); return result;
    case SYS_KV_SCAN: {
        uint8_t head[4];
        put_le32(head, len);
        copy_out(p, arg(p, 2), head, 4);
        copy_out(p, arg(p, 2) + 4, data, len);
        return result;
    }
    default: return result;
    }
}
