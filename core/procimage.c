/*
 * procimage.c - encoding a process into its image and decoding one from
 * anywhere (procimage.h; the layout is in docs/protocol.md). Integers are
 * big-endian, as on the wire.
 *
 * Decoding is two passes: image_check reads every byte through a bounds
 * checked reader and verifies every field, allocating nothing; only an
 * image that passes is built into a process, and building can then fail
 * only for want of memory, which gives back everything taken so far.
 */
#include "procimage.h"

#include "bytes.h"
#include "crc32.h"
#include "ipc.h"
#include "kernel_priv.h"
#include "rv32_xlat.h"

/* The image's own codes for a process's state and wait, independent of
 * the order of the kernel's enums. */
enum { IMG_RUNNABLE, IMG_BLOCKED };
enum { IMG_WAIT_NONE, IMG_WAIT_RECV, IMG_WAIT_CHILD, IMG_WAIT_SLEEP, IMG_WAIT_COUNT };

/* Bits of the call byte. */
#define IMG_IN_SYSCALL 1u   /* blocked in (or resuming) the call in a7 */
#define IMG_CALL_PENDING 2u /* stopped at the call in a7, which has not run yet */

#define IMG_MESSAGE_HEADER 6u /* source pid, length */
#define IMG_CHILD_BYTES 13u   /* pid, status, exited, home epoch */
#define IMG_HANDLE_BYTES 21u  /* index, type, flags, node, inode, position */
#define IMG_PAGE_WORD 4u
#define IMG_PAGE_CRC 4u /* instead of the contents, for a page the receiver holds */

/* ---- encoding ---- */

int procimage_movable(const struct proc *p)
{
    if (p->pinned)
        return ERR_PINNED;
    bool in_send = p->in_syscall && p->cpu.x[RV_A7] == SYS_SEND;
    /* A Stockholder call's answer comes to this node: move after it. */
    bool in_stock = p->in_syscall && p->cpu.x[RV_A7] >= SYS_OPEN && p->cpu.x[RV_A7] <= SYS_KV_SCAN;
    return in_send || in_stock || p->wait == WAIT_SEND || p->wait == WAIT_STOCK ? ERR_BUSY : 0;
}

static bool page_has_data(const uint32_t *with_data, uint32_t vpn)
{
    return with_data == NULL || (with_data[vpn >> 5] >> (vpn & 31u) & 1u) != 0;
}

static uint32_t name_length(const struct proc *p)
{
    return kstrnlen(p->name, ABI_PROGRAM_NAME_MAX);
}

static const struct message *mailbox_at(const struct proc *p, uint32_t i)
{
    return &p->mailbox[(p->mailbox_head + i) % MAILBOX_CAPACITY];
}

static uint32_t handle_count(const struct proc *p)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < ABI_MAX_FILES; i++)
        n += p->files[i].used;
    return n;
}

uint32_t procimage_size(const struct proc *p, const uint32_t *with_data)
{
    uint32_t size = PROCIMAGE_FIXED_BYTES + 1u + name_length(p) + 1u;
    for (uint32_t i = 0; i < p->mailbox_len; i++)
        size += IMG_MESSAGE_HEADER + mailbox_at(p, i)->len;
    size += 1u + p->child_count * IMG_CHILD_BYTES + 1u + handle_count(p) * IMG_HANDLE_BYTES + 2u;
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++) {
        if (vm_page_perms(&p->vm, vpn) < 0)
            continue;
        size += IMG_PAGE_WORD + (page_has_data(with_data, vpn) ? PAGE_SIZE : IMG_PAGE_CRC);
    }
    return size + PROCIMAGE_CRC_BYTES;
}

static uint8_t wait_code(enum proc_wait w)
{
    switch (w) {
    case WAIT_RECV: return IMG_WAIT_RECV;
    case WAIT_CHILD: return IMG_WAIT_CHILD;
    case WAIT_SLEEP: return IMG_WAIT_SLEEP;
    default: return IMG_WAIT_NONE; /* WAIT_SEND never moves */
    }
}

/* Deadlines are node-local: the image carries the time left. */
static uint64_t time_left(uint64_t deadline_ns, uint64_t now_ns)
{
    if (deadline_ns == HAL_TIME_NEVER)
        return PROCIMAGE_NO_DEADLINE;
    return deadline_ns > now_ns ? deadline_ns - now_ns : 0;
}

static uint8_t *encode_fixed(const struct proc *p, uint64_t now_ns, uint8_t *o)
{
    put_be32(o + 12, p->pid);
    put_be32(o + 16, p->parent_pid);
    put_be64(o + 20, p->insns_total);
    put_be64(o + 28, time_left(p->deadline_ns, now_ns));
    o[36] = p->state == PROC_BLOCKED ? IMG_BLOCKED : IMG_RUNNABLE;
    o[37] = wait_code(p->wait);
    o[38] = (uint8_t)((p->in_syscall ? IMG_IN_SYSCALL : 0u) | (p->syscall_pending ? IMG_CALL_PENDING : 0u));
    o[39] = 0; /* pinned processes never move */
    put_be32(o + 40, p->cpu.pc);
    for (uint32_t r = 1; r < 32; r++)
        put_be32(o + 44 + 4u * (r - 1u), p->cpu.x[r]);
    put_be32(o + 168, p->moves);
    return o + PROCIMAGE_FIXED_BYTES;
}

static uint8_t *encode_mailbox(const struct proc *p, uint8_t *o)
{
    *o++ = (uint8_t)p->mailbox_len;
    for (uint32_t i = 0; i < p->mailbox_len; i++) {
        const struct message *m = mailbox_at(p, i);
        put_be32(o, m->src_pid);
        put_be16(o + 4, (uint16_t)m->len);
        if (m->len > 0)
            kmemcpy(o + IMG_MESSAGE_HEADER, m->data, m->len);
        o += IMG_MESSAGE_HEADER + m->len;
    }
    return o;
}

static uint8_t *encode_children(const struct proc *p, uint8_t *o)
{
    *o++ = (uint8_t)p->child_count;
    for (uint32_t i = 0; i < p->child_count; i++, o += IMG_CHILD_BYTES) {
        put_be32(o, p->children[i].pid);
        put_be32(o + 4, (uint32_t)p->children[i].status);
        o[8] = p->children[i].exited ? 1u : 0u;
        put_be32(o + 9, p->children[i].home_epoch);
    }
    return o;
}

/* Open Stockholder handles: they name their node, so they work anywhere. */
static uint8_t *encode_handles(const struct proc *p, uint8_t *o)
{
    *o++ = (uint8_t)handle_count(p);
    for (uint32_t i = 0; i < ABI_MAX_FILES; i++) {
        const struct stock_handle *f = &p->files[i];
        if (!f->used)
            continue;
        o[0] = (uint8_t)i;
        o[1] = f->type;
        o[2] = f->flags;
        put_be16(o + 3, f->node);
        put_be64(o + 5, f->ino);
        put_be64(o + 13, f->pos);
        o += IMG_HANDLE_BYTES;
    }
    return o;
}

/* Pages in ascending order, which is also what makes duplicates
 * detectable on the other side. */
static uint8_t *encode_pages(const struct proc *p, const uint32_t *with_data, uint8_t *o)
{
    uint8_t *count_at = o;
    uint32_t count = 0;
    o += 2;
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++) {
        int perms = vm_page_perms(&p->vm, vpn);
        if (perms < 0)
            continue;
        bool data = page_has_data(with_data, vpn);
        put_be32(o, (vpn << PAGE_SHIFT) | (uint32_t)perms | (data ? PROCIMAGE_PAGE_DATA : 0u));
        o += IMG_PAGE_WORD;
        if (data) {
            vm_page_read(&p->vm, vpn, 0, PAGE_SIZE, o);
            o += PAGE_SIZE;
        } else {
            put_be32(o, vm_page_crc32(&p->vm, vpn));
            o += IMG_PAGE_CRC;
        }
        count++;
    }
    put_be16(count_at, (uint16_t)count);
    return o;
}

void procimage_encode(const struct proc *p, const uint32_t *with_data, uint64_t now_ns, uint8_t *out)
{
    uint32_t name_len = name_length(p);
    uint8_t *o = encode_fixed(p, now_ns, out);
    *o++ = (uint8_t)name_len;
    kmemcpy(o, p->name, name_len);
    o = encode_pages(p, with_data, encode_handles(p, encode_children(p, encode_mailbox(p, o + name_len))));
    uint32_t len = (uint32_t)(o - out) + PROCIMAGE_CRC_BYTES;
    put_be32(out, PROCIMAGE_MAGIC);
    put_be16(out + 4, PROCIMAGE_VERSION);
    put_be16(out + 6, 0);
    put_be32(out + 8, len);
    put_be32(o, crc32_compute(out, len - PROCIMAGE_CRC_BYTES));
}

/* ---- checking ---- */

/* A bounds-checked cursor: a read past the end marks it bad and yields
 * zeros, so a check can read on and look at `bad` once. */
struct reader {
    const uint8_t *img;
    uint32_t len, at;
    bool bad;
};

static const uint8_t *take(struct reader *r, uint32_t n)
{
    static const uint8_t zeros[8];
    if (r->bad || n > r->len - r->at) {
        r->bad = true;
        return zeros;
    }
    const uint8_t *at = r->img + r->at;
    r->at += n;
    return at;
}

static uint8_t take8(struct reader *r) { return *take(r, 1); }
static uint16_t take16(struct reader *r) { return get_be16(take(r, 2)); }
static uint32_t take32(struct reader *r) { return get_be32(take(r, 4)); }

/* Skip n bytes that need no check (message and page contents). */
static void skip(struct reader *r, uint32_t n)
{
    if (r->bad || n > r->len - r->at)
        r->bad = true;
    else
        r->at += n;
}

/* Where the variable parts of a checked image start. */
struct layout {
    uint32_t name_len;
    uint32_t mailbox_at, children_at, handles_at, pages_at;
};

static bool header_ok(const uint8_t *img, uint32_t len)
{
    if (len < PROCIMAGE_MIN_BYTES || len > PROCIMAGE_MAX_BYTES)
        return false;
    if (get_be32(img) != PROCIMAGE_MAGIC || get_be16(img + 4) != PROCIMAGE_VERSION ||
        get_be16(img + 6) != 0 || get_be32(img + 8) != len)
        return false;
    uint32_t body = len - PROCIMAGE_CRC_BYTES;
    return crc32_compute(img, body) == get_be32(img + body);
}

/* The state fields must describe a state the kernel can be in. */
static bool state_ok(const uint8_t *img)
{
    uint64_t left = get_be64(img + 28);
    uint8_t state = img[36], wait = img[37], call = img[38], pinned = img[39];
    bool in_syscall = (call & IMG_IN_SYSCALL) != 0, pending = (call & IMG_CALL_PENDING) != 0;
    if (state > IMG_BLOCKED || wait >= IMG_WAIT_COUNT || call > (IMG_IN_SYSCALL | IMG_CALL_PENDING) ||
        pinned != 0)
        return false;
    if (state == IMG_RUNNABLE && wait != IMG_WAIT_NONE)
        return false;
    if (state == IMG_BLOCKED && (wait == IMG_WAIT_NONE || !in_syscall))
        return false;
    if (pending && (in_syscall || state != IMG_RUNNABLE))
        return false; /* a call runs either later or now, not both */
    return in_syscall || left == PROCIMAGE_NO_DEADLINE;
}

static bool fixed_ok(const uint8_t *img)
{
    return ABI_PID_LOCAL(get_be32(img + 12)) != 0 && state_ok(img);
}

static bool check_name(struct reader *r, struct layout *l)
{
    l->name_len = take8(r);
    const uint8_t *name = take(r, l->name_len);
    if (r->bad || l->name_len == 0 || l->name_len > ABI_PROGRAM_NAME_MAX)
        return false;
    for (uint32_t i = 0; i < l->name_len; i++)
        if (name[i] == 0)
            return false;
    return true;
}

static bool check_mailbox(struct reader *r)
{
    uint32_t count = take8(r);
    if (count > MAILBOX_CAPACITY)
        return false;
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        (void)take32(r);
        uint32_t len = take16(r);
        if (len > MSG_MAX_BYTES)
            return false;
        skip(r, len);
    }
    return !r->bad;
}

static bool check_children(struct reader *r)
{
    uint32_t count = take8(r);
    if (count > PROC_MAX_CHILDREN)
        return false;
    uint32_t pids[PROC_MAX_CHILDREN];
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        pids[i] = take32(r);
        uint32_t status = take32(r);
        uint8_t exited = take8(r);
        (void)take32(r); /* its home's epoch: any value */
        if (ABI_PID_LOCAL(pids[i]) == 0 || exited > 1 || (exited == 0 && status != 0))
            return false;
        for (uint32_t j = 0; j < i; j++)
            if (pids[j] == pids[i])
                return false;
    }
    return !r->bad;
}

/* Handles in ascending index order, each a file or a directory. */
static bool check_handles(struct reader *r)
{
    uint32_t count = take8(r), next = 0;
    if (count > ABI_MAX_FILES)
        return false;
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        const uint8_t *h = take(r, IMG_HANDLE_BYTES);
        if (h[0] < next || h[0] >= ABI_MAX_FILES || (h[1] != ABI_TYPE_FILE && h[1] != ABI_TYPE_DIR) ||
            (h[2] & ~(uint32_t)ABI_O_APPEND) != 0)
            return false;
        next = h[0] + 1u;
    }
    return !r->bad;
}

/* One page entry: an address in user space, above the previous page
 * (which rules out duplicates), known permissions, and either contents
 * or the checksum of a page the receiver already holds. */
static bool check_page(struct reader *r, const struct vm *base, uint32_t *next_va)
{
    uint32_t word = take32(r);
    uint32_t va = word & ~PROCIMAGE_PAGE_FLAGS, flags = word & PROCIMAGE_PAGE_FLAGS;
    if (r->bad || (flags & ~(VM_PERM_MASK | PROCIMAGE_PAGE_DATA)) != 0)
        return false;
    if (va < ABI_USER_BASE || va >= ABI_USER_TOP || va < *next_va)
        return false;
    *next_va = va + PAGE_SIZE;
    if ((flags & PROCIMAGE_PAGE_DATA) != 0) {
        skip(r, PAGE_SIZE);
        return !r->bad;
    }
    uint32_t crc = take32(r), vpn = va >> PAGE_SHIFT;
    if (r->bad || base == NULL || vm_page_perms(base, vpn) < 0)
        return false;
    return vm_page_crc32(base, vpn) == crc;
}

static bool check_pages(struct reader *r, const struct vm *base)
{
    uint32_t count = take16(r), next_va = 0;
    if (count > USER_PAGES)
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (!check_page(r, base, &next_va))
            return false;
    return !r->bad;
}

/* Verify the whole image; fill in where its parts are. */
static bool image_check(const uint8_t *img, uint32_t len, const struct vm *base, struct layout *l)
{
    if (!header_ok(img, len) || !fixed_ok(img))
        return false;
    struct reader r = {img, len - PROCIMAGE_CRC_BYTES, PROCIMAGE_FIXED_BYTES, false};
    if (!check_name(&r, l))
        return false;
    l->mailbox_at = r.at;
    if (!check_mailbox(&r))
        return false;
    l->children_at = r.at;
    if (!check_children(&r))
        return false;
    l->handles_at = r.at;
    if (!check_handles(&r))
        return false;
    l->pages_at = r.at;
    return check_pages(&r, base) && r.at == r.len; /* nothing left over */
}

/* ---- building (the image has been checked) ---- */

static enum proc_wait wait_of(uint8_t code)
{
    static const enum proc_wait waits[IMG_WAIT_COUNT] = {WAIT_NONE, WAIT_RECV, WAIT_CHILD, WAIT_SLEEP};
    return waits[code];
}

static uint64_t deadline_of(uint64_t left, uint64_t now_ns)
{
    if (left == PROCIMAGE_NO_DEADLINE || left >= HAL_TIME_NEVER - now_ns)
        return HAL_TIME_NEVER;
    return now_ns + left;
}

static void build_fixed(struct proc *p, const uint8_t *img, const struct layout *l, uint64_t now_ns)
{
    p->pid = get_be32(img + 12);
    p->parent_pid = get_be32(img + 16);
    p->insns_total = get_be64(img + 20);
    p->deadline_ns = deadline_of(get_be64(img + 28), now_ns);
    p->state = img[36] == IMG_BLOCKED ? PROC_BLOCKED : PROC_RUNNABLE;
    p->wait = wait_of(img[37]);
    p->in_syscall = (img[38] & IMG_IN_SYSCALL) != 0;
    p->syscall_pending = (img[38] & IMG_CALL_PENDING) != 0;
    p->cpu.pc = get_be32(img + 40);
    for (uint32_t r = 1; r < 32; r++)
        p->cpu.x[r] = get_be32(img + 44 + 4u * (r - 1u));
    p->moves = get_be32(img + 168);
    kmemcpy(p->name, img + PROCIMAGE_FIXED_BYTES + 1u, l->name_len);
}

static int build_mailbox(struct kernel *k, struct proc *p, const uint8_t *at)
{
    uint32_t count = *at++;
    for (uint32_t i = 0; i < count; i++) {
        struct message *m = &p->mailbox[i];
        m->src_pid = get_be32(at);
        uint32_t len = get_be16(at + 4);
        at += IMG_MESSAGE_HEADER;
        if (len > 0 && (m->data = kalloc(k, len)) == NULL)
            return ERR_NO_MEMORY;
        if (len > 0)
            kmemcpy(m->data, at, len);
        m->len = len;
        p->mailbox_len++; /* freed with the mailbox from here on */
        at += len;
    }
    return 0;
}

static void build_children(struct proc *p, const uint8_t *at)
{
    p->child_count = *at++;
    for (uint32_t i = 0; i < p->child_count; i++, at += IMG_CHILD_BYTES)
        p->children[i] = (struct child){.pid = get_be32(at),
                                        .status = (int32_t)get_be32(at + 4),
                                        .exited = at[8] != 0,
                                        .home_epoch = get_be32(at + 9)};
}

static void build_handles(struct proc *p, const uint8_t *at)
{
    uint32_t count = *at++;
    for (uint32_t i = 0; i < count; i++, at += IMG_HANDLE_BYTES)
        p->files[at[0]] = (struct stock_handle){.used = true,
                                                .type = at[1],
                                                .flags = at[2],
                                                .node = get_be16(at + 3),
                                                .ino = get_be64(at + 5),
                                                .pos = get_be64(at + 13)};
}

/* Give the process the listed pages, then drop any base page the image
 * does not list, so its address space is exactly the source's. */
static int build_pages(struct kernel *k, struct proc *p, const uint8_t *at, bool from_base)
{
    uint32_t listed[VM_DIRTY_WORDS] = {0};
    uint32_t count = get_be16(at);
    at += 2;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t word = get_be32(at), vpn = word >> PAGE_SHIFT;
        bool data = (word & PROCIMAGE_PAGE_DATA) != 0;
        at += IMG_PAGE_WORD;
        if (vm_page_set(&p->vm, k, vpn, word & VM_PERM_MASK, data ? at : NULL) != 0)
            return ERR_NO_MEMORY;
        at += data ? PAGE_SIZE : IMG_PAGE_CRC;
        listed[vpn >> 5] |= 1u << (vpn & 31u);
    }
    for (uint32_t vpn = 0; from_base && vpn < USER_PAGES; vpn++)
        if ((listed[vpn >> 5] >> (vpn & 31u) & 1u) == 0)
            vm_page_unmap(&p->vm, k, vpn);
    return 0;
}

/* The process's address space starts as the base (taken over) or empty. */
static void build_vm(struct kernel *k, struct proc *p, struct vm *base)
{
    if (base == NULL) {
        vm_init(&p->vm, k);
        return;
    }
    p->vm = *base;
    vm_init(base, k);
    vm_dirty_stop(&p->vm, k);
}

static void discard_base(struct kernel *k, struct vm *base)
{
    if (base != NULL)
        vm_destroy(base, k);
}

int procimage_decode(struct kernel *k, const uint8_t *img, uint32_t len, struct vm *base, uint64_t now_ns,
                     struct proc **out)
{
    struct layout l;
    if (img == NULL || !image_check(img, len, base, &l)) {
        discard_base(k, base);
        return ERR_BAD_IMAGE;
    }
    struct proc *p = kalloc(k, sizeof *p);
    bool from_base = base != NULL && base->pages_mapped > 0;
    if (p == NULL) {
        discard_base(k, base);
        return ERR_NO_MEMORY;
    }
    build_vm(k, p, base);
    build_fixed(p, img, &l, now_ns);
    build_children(p, img + l.children_at);
    build_handles(p, img + l.handles_at);
    int err = build_mailbox(k, p, img + l.mailbox_at);
    if (err == 0)
        err = build_pages(k, p, img + l.pages_at, from_base);
    if (err != 0) {
        procimage_free(k, p);
        return err;
    }
    /* The program by its name here, used only if the text that came
     * checks out against it: nothing on the wire picks the code run. */
    rv_xlat_attach(k, &p->vm, p->name, name_length(p));
    *out = p;
    return 0;
}

void procimage_free(struct kernel *k, struct proc *p)
{
    ipc_free_mailbox(k, p);
    vm_destroy(&p->vm, k);
    kfree(k, p, sizeof *p);
}
