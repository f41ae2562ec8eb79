/*
 * test_procimage.c - the process image: encode -> decode round trips that
 * keep every field, deadlines rebased across clocks, pre-copy images over
 * a base of pages, and a decoder that refuses every truncation, every
 * byte flip, every bad field (with the checksum repaired so the field
 * checks themselves are reached) and a fixed-seed mutation loop, without
 * leaking a page, also when memory runs out half way.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/bytes.h"
#include "core/crc32.h"
#include "core/kernel_priv.h"
#include "core/procimage.h"
#include "core/rv32.h"
#include "tests/fake_hal.h"
#include "tests/rv_asm.h"

static struct fake_hal f;
static struct kernel k;

static void setup(void)
{
    fake_hal_init(&f, 3);
    k = (struct kernel){0};
    k.hal = f.hal;
    k.node_id = 3;
}

static void teardown(void)
{
    kalloc_release_all(&k);
    cr_expect_eq(f.pages_in_use, 0, "pages leaked: %u", f.pages_in_use);
}

TestSuite(procimage, .init = setup, .fini = teardown);

#define RX (VM_PERM_R | VM_PERM_X)
#define RW (VM_PERM_R | VM_PERM_W)
#define TEXT ABI_USER_BASE
#define DATA (ABI_USER_BASE + 0x10000u)
#define STACK_PAGE (ABI_USER_TOP - PAGE_SIZE)
#define NOW 1000000000ull

static void fill_page(struct vm *vm, uint32_t va, uint8_t seed)
{
    uint8_t page[PAGE_SIZE];
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        page[i] = (uint8_t)(seed + i * 7u + (i >> 8));
    cr_assert_eq(vm_write_image(vm, va, page, PAGE_SIZE), 0);
}

static void add_message(struct proc *p, uint32_t src, uint32_t len, uint8_t seed)
{
    struct message *m = &p->mailbox[(p->mailbox_head + p->mailbox_len) % MAILBOX_CAPACITY];
    m->src_pid = src;
    m->len = len;
    m->data = len > 0 ? kalloc(&k, len) : NULL;
    for (uint32_t i = 0; i < len; i++)
        m->data[i] = (uint8_t)(seed + i);
    p->mailbox_len++;
}

/* A process with a bit of everything: code, data and stack pages, a
 * mailbox that wraps around its ring, children (one exited), a wait with
 * a deadline, registers all different. */
static struct proc *make_proc(void)
{
    struct proc *p = kalloc(&k, sizeof *p);
    cr_assert_not_null(p);
    cr_assert_eq(vm_init(&p->vm, &k), 0);
    cr_assert_eq(vm_map(&p->vm, &k, TEXT, 2 * PAGE_SIZE, RX), 0);
    cr_assert_eq(vm_map(&p->vm, &k, DATA, PAGE_SIZE, RW), 0);
    cr_assert_eq(vm_map(&p->vm, &k, STACK_PAGE, PAGE_SIZE, RW), 0);
    fill_page(&p->vm, TEXT, 1);
    fill_page(&p->vm, TEXT + PAGE_SIZE, 2);
    fill_page(&p->vm, DATA, 3);
    fill_page(&p->vm, STACK_PAGE, 4);
    p->pid = ABI_PID(3, 7);
    p->parent_pid = ABI_PID(1, 2);
    strcpy(p->name, "worker");
    for (uint32_t r = 1; r < 32; r++)
        p->cpu.x[r] = r * 0x01010101u;
    p->cpu.pc = TEXT + 4;
    p->state = PROC_BLOCKED;
    p->wait = WAIT_RECV;
    p->in_syscall = true;
    p->deadline_ns = NOW + 5000000000ull;
    p->insns_total = 123456789012ull;
    p->mailbox_head = MAILBOX_CAPACITY - 1;
    add_message(p, ABI_PID(0, 1), 0, 0);
    add_message(p, ABI_PID(0, 2), 5, 'a');
    add_message(p, ABI_PID(2, 9), MSG_MAX_BYTES, 9);
    p->children[0] = (struct child){.pid = ABI_PID(3, 8)};
    p->children[1] = (struct child){.pid = ABI_PID(3, 9), .status = -3, .exited = true};
    p->children[2] = (struct child){.pid = ABI_PID(4, 1)};
    p->child_count = 3;
    p->files[2] = (struct stock_handle){.used = true, .type = ABI_TYPE_FILE, .flags = ABI_O_APPEND, .node = 5,
                                        .ino = 0x1122334455ull, .pos = 0x99887766554ull};
    p->files[9] = (struct stock_handle){.used = true, .type = ABI_TYPE_DIR, .node = 0, .ino = 1};
    return p;
}

/* The smallest process: one-letter name, one page, nothing else. */
static struct proc *make_tiny(void)
{
    struct proc *p = kalloc(&k, sizeof *p);
    cr_assert_eq(vm_init(&p->vm, &k), 0);
    cr_assert_eq(vm_map(&p->vm, &k, TEXT, PAGE_SIZE, RX), 0);
    p->pid = ABI_PID(3, 1);
    p->name[0] = 'a';
    p->deadline_ns = HAL_TIME_NEVER;
    return p;
}

static uint8_t *encode(const struct proc *p, const uint32_t *with_data, uint32_t *len)
{
    *len = procimage_size(p, with_data);
    uint8_t *img = malloc(*len + 64);
    cr_assert_not_null(img);
    memset(img, 0xEE, *len + 64);
    procimage_encode(p, with_data, NOW, img);
    cr_assert_eq(get_be32(img + 8), *len, "the length field is the size");
    cr_assert_eq(img[*len], 0xEE, "encode wrote past its size");
    return img;
}

/* Set the length field to len and recompute the checksum, so that only
 * the field checks stand between an edited image and a process. */
static void refix(uint8_t *img, uint32_t len)
{
    put_be32(img + 8, len);
    put_be32(img + len - 4, crc32_compute(img, len - 4));
}

static int decode(const uint8_t *img, uint32_t len, struct vm *base, struct proc **out)
{
    *out = NULL;
    return procimage_decode(&k, img, len, base, NOW + 777, out);
}

static void expect_refused(const uint8_t *img, uint32_t len, const char *what)
{
    struct proc *p;
    uint32_t pages = f.pages_in_use;
    int err = decode(img, len, NULL, &p);
    cr_expect_eq(err, ERR_BAD_IMAGE, "%s: decode gave %d", what, err);
    if (err == 0)
        procimage_free(&k, p);
    cr_expect_eq(f.pages_in_use, pages, "%s: pages leaked", what);
}

/* Decode once and free, so that the small-object slabs a decode needs
 * exist: they stay with the node, and later page counts compare equal. */
static void warm_up(const uint8_t *img, uint32_t len)
{
    struct proc *d;
    cr_assert_eq(decode(img, len, NULL, &d), 0);
    procimage_free(&k, d);
}

static void expect_same_pages(const struct vm *a, const struct vm *b)
{
    cr_expect_eq(a->pages_mapped, b->pages_mapped);
    uint8_t pa[PAGE_SIZE], pb[PAGE_SIZE];
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++) {
        cr_assert_eq(vm_page_perms(a, vpn), vm_page_perms(b, vpn), "perms of page %u", vpn);
        if (vm_page_perms(a, vpn) < 0)
            continue;
        vm_page_read(a, vpn, 0, PAGE_SIZE, pa);
        vm_page_read(b, vpn, 0, PAGE_SIZE, pb);
        cr_assert_eq(memcmp(pa, pb, PAGE_SIZE), 0, "contents of page %u", vpn);
    }
}

static void expect_same_proc(const struct proc *a, const struct proc *b)
{
    cr_expect_eq(a->pid, b->pid);
    cr_expect_eq(a->parent_pid, b->parent_pid);
    cr_expect_str_eq(a->name, b->name);
    cr_expect_eq(a->state, b->state);
    cr_expect_eq(a->wait, b->wait);
    cr_expect_eq(a->in_syscall, b->in_syscall);
    cr_expect_eq(a->insns_total, b->insns_total);
    cr_expect_eq(memcmp(&a->cpu, &b->cpu, sizeof a->cpu), 0, "registers and pc");
    cr_expect_not(b->pinned);
    cr_expect_not(b->frozen);
    cr_assert_eq(a->mailbox_len, b->mailbox_len);
    for (uint32_t i = 0; i < a->mailbox_len; i++) {
        const struct message *ma = &a->mailbox[(a->mailbox_head + i) % MAILBOX_CAPACITY];
        const struct message *mb = &b->mailbox[(b->mailbox_head + i) % MAILBOX_CAPACITY];
        cr_expect_eq(ma->src_pid, mb->src_pid, "message %u", i);
        cr_assert_eq(ma->len, mb->len, "message %u", i);
        if (ma->len > 0)
            cr_expect_eq(memcmp(ma->data, mb->data, ma->len), 0, "message %u", i);
    }
    cr_assert_eq(a->child_count, b->child_count);
    for (uint32_t i = 0; i < a->child_count; i++) {
        cr_expect_eq(a->children[i].pid, b->children[i].pid);
        cr_expect_eq(a->children[i].status, b->children[i].status);
        cr_expect_eq(a->children[i].exited, b->children[i].exited);
    }
    for (uint32_t i = 0; i < ABI_MAX_FILES; i++) {
        const struct stock_handle *fa = &a->files[i], *fb = &b->files[i];
        cr_expect_eq(fa->used, fb->used, "handle %u", i);
        cr_expect(fa->type == fb->type && fa->flags == fb->flags && fa->node == fb->node, "handle %u", i);
        cr_expect(fa->ino == fb->ino && fa->pos == fb->pos, "handle %u: inode and position", i);
    }
    expect_same_pages(&a->vm, &b->vm);
}

Test(procimage, round_trip_keeps_everything)
{
    struct proc *src = make_proc();
    uint32_t len;
    uint8_t *img = encode(src, NULL, &len);
    struct proc *dst;
    cr_assert_eq(decode(img, len, NULL, &dst), 0);
    expect_same_proc(src, dst);
    cr_expect_not(dst->syscall_pending);
    /* 5 s were left at NOW; the new clock reads NOW + 777. */
    cr_expect_eq(dst->deadline_ns, NOW + 777 + 5000000000ull);
    procimage_free(&k, dst);
    procimage_free(&k, src);
    free(img);
}

Test(procimage, decoded_process_runs_its_decoded_code)
{
    /* The decode cache is not sent: executable pages come back with an
     * empty one, and stores into them still work. */
    struct proc *src = make_tiny();
    uint32_t len;
    uint8_t *img = encode(src, NULL, &len);
    struct proc *dst;
    cr_assert_eq(decode(img, len, NULL, &dst), 0);
    cr_expect_eq(vm_page_perms(&dst->vm, TEXT >> PAGE_SHIFT), (int)RX);
    cr_expect_eq(dst->vm.pages_mapped, 1u);
    cr_expect_eq(dst->deadline_ns, HAL_TIME_NEVER, "no deadline stays none");
    procimage_free(&k, dst);
    procimage_free(&k, src);
    free(img);
}

Test(procimage, a_pending_call_travels)
{
    /* Stopped at a visible call not yet run: it runs on the new node. */
    struct proc *p = make_tiny();
    p->syscall_pending = true;
    p->cpu.x[RV_A7] = SYS_WRITE;
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    struct proc *d;
    cr_assert_eq(decode(img, len, NULL, &d), 0);
    cr_expect(d->syscall_pending);
    cr_expect_not(d->in_syscall);
    procimage_free(&k, d);
    img[36] = 1; /* blocked */
    img[37] = 1;
    img[38] = 3;
    refix(img, len);
    expect_refused(img, len, "pending while blocked in a call");
    free(img);
    procimage_free(&k, p);
}

Test(procimage, deadlines_are_rebased)
{
    struct proc *p = make_tiny();
    p->state = PROC_BLOCKED;
    p->wait = WAIT_SLEEP;
    p->in_syscall = true;
    uint64_t cases[][2] = {
        {NOW + 1, 1}, {NOW, 0}, {NOW - 5, 0}, {HAL_TIME_NEVER, HAL_TIME_NEVER},
        {HAL_TIME_NEVER - 1, HAL_TIME_NEVER}}; /* saturates on the faster clock */
    for (uint32_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p->deadline_ns = cases[i][0];
        uint32_t len;
        uint8_t *img = encode(p, NULL, &len);
        struct proc *d;
        cr_assert_eq(decode(img, len, NULL, &d), 0);
        uint64_t want = cases[i][1] == HAL_TIME_NEVER ? HAL_TIME_NEVER : NOW + 777 + cases[i][1];
        cr_expect_eq(d->deadline_ns, want, "case %u: %llu", i, (unsigned long long)d->deadline_ns);
        procimage_free(&k, d);
        free(img);
    }
    procimage_free(&k, p);
}

Test(procimage, movability)
{
    struct proc *p = make_tiny();
    cr_expect_eq(procimage_movable(p), 0);
    p->pinned = true;
    cr_expect_eq(procimage_movable(p), ERR_PINNED);
    p->pinned = false;
    p->state = PROC_BLOCKED;
    p->wait = WAIT_SEND;
    p->in_syscall = true;
    p->cpu.x[RV_A7] = SYS_SEND;
    cr_expect_eq(procimage_movable(p), ERR_BUSY, "blocked in a remote send");
    p->state = PROC_RUNNABLE;
    p->wait = WAIT_NONE;
    cr_expect_eq(procimage_movable(p), ERR_BUSY, "woken, the send's result not yet taken");
    p->cpu.x[RV_A7] = SYS_RECV;
    cr_expect_eq(procimage_movable(p), 0);
    procimage_free(&k, p);
}

Test(procimage, every_truncation_is_refused)
{
    struct proc *p = make_proc();
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    for (uint32_t n = 0; n < len; n++) {
        struct proc *d;
        cr_assert_eq(decode(img, n, NULL, &d), ERR_BAD_IMAGE, "length %u", n);
    }
    /* Also with the length and checksum made to agree, so the parser
     * itself meets the missing bytes. */
    uint8_t *copy = malloc(len);
    for (uint32_t n = PROCIMAGE_MIN_BYTES; n < len; n++) {
        memcpy(copy, img, n);
        refix(copy, n);
        struct proc *d;
        cr_assert_eq(decode(copy, n, NULL, &d), ERR_BAD_IMAGE, "refixed length %u", n);
    }
    cr_expect_eq(decode(NULL, len, NULL, &(struct proc *){0}), ERR_BAD_IMAGE);
    free(copy);
    free(img);
    procimage_free(&k, p);
}

Test(procimage, every_byte_flip_is_refused)
{
    struct proc *p = make_proc();
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    static const uint8_t flips[] = {0x01, 0x80, 0xFF};
    for (uint32_t i = 0; i < len; i++) {
        for (uint32_t j = 0; j < sizeof flips; j++) {
            img[i] ^= flips[j];
            struct proc *d;
            cr_assert_eq(decode(img, len, NULL, &d), ERR_BAD_IMAGE, "byte %u ^ %02x", i, flips[j]);
            img[i] ^= flips[j];
        }
    }
    free(img);
    procimage_free(&k, p);
}

/* The tiny image's layout: fixed part, name length at 172 and "a", mailbox
 * count at 174, child count at 175, handle count at 176, page count at
 * 177, the page word at 179. */
enum { AT_NAME_LEN = 172, AT_MAILBOX = 174, AT_CHILDREN = 175, AT_HANDLES = 176, AT_PAGES = 177, AT_PAGE0 = 179 };

static void expect_field_refused(uint32_t at, uint8_t value, const char *what)
{
    struct proc *p = make_tiny();
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    img[at] = value;
    refix(img, len);
    expect_refused(img, len, what);
    free(img);
    procimage_free(&k, p);
}

static void expect_word_refused(uint32_t word, const char *what)
{
    struct proc *p = make_tiny();
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    put_be32(img + AT_PAGE0, word);
    refix(img, len);
    expect_refused(img, len, what);
    free(img);
    procimage_free(&k, p);
}

Test(procimage, bad_header_fields_are_refused)
{
    expect_field_refused(0, 'X', "magic");
    expect_field_refused(5, PROCIMAGE_VERSION - 1, "the version before");
    expect_field_refused(7, 1, "flags");
    expect_field_refused(15, 0, "pid with local number 0");
    expect_field_refused(39, 1, "pinned");
    expect_field_refused(36, 2, "state");
    expect_field_refused(37, 4, "wait code of a remote send");
    expect_field_refused(37, 1, "runnable yet waiting");
    expect_field_refused(38, 4, "unknown call bit");
    expect_field_refused(38, 3, "a call pending and under way");
    expect_field_refused(28, 0, "deadline outside a system call");
    expect_field_refused(AT_NAME_LEN, 0, "empty name");
    expect_field_refused(AT_NAME_LEN, ABI_PROGRAM_NAME_MAX + 1, "long name");
    expect_field_refused(AT_NAME_LEN + 1, 0, "NUL in the name");
    expect_field_refused(AT_MAILBOX, MAILBOX_CAPACITY + 1, "mailbox over capacity");
    expect_field_refused(AT_MAILBOX, 1, "a message that is not there");
    expect_field_refused(AT_CHILDREN, PROC_MAX_CHILDREN + 1, "too many children");
    expect_field_refused(AT_HANDLES, ABI_MAX_FILES + 1, "more handles than a process has");
    expect_field_refused(AT_HANDLES, 1, "a handle that is not there");
    expect_field_refused(AT_PAGES, 0x10, "more pages than user space");
    expect_field_refused(AT_PAGES + 1, 2, "a page that is not there");
    expect_word_refused(TEXT | 0x10u | PROCIMAGE_PAGE_DATA | RX, "unknown page flag");
    expect_word_refused(TEXT | 0x800u | PROCIMAGE_PAGE_DATA | RX, "high page flag");
    expect_word_refused(0x0000F000u | PROCIMAGE_PAGE_DATA | RX, "page below user space");
    expect_word_refused(0 | PROCIMAGE_PAGE_DATA | RX, "page at 0");
    expect_word_refused(ABI_USER_TOP | PROCIMAGE_PAGE_DATA | RX, "page at the top");
    expect_word_refused(0xFFFFF000u | PROCIMAGE_PAGE_DATA | RX, "page at the end of memory");
    expect_word_refused(TEXT | RX, "page without contents and no base");
}

Test(procimage, blocked_states_must_be_consistent)
{
    struct proc *p = make_tiny();
    p->state = PROC_BLOCKED;
    p->wait = WAIT_CHILD;
    p->in_syscall = true;
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    struct proc *d;
    cr_assert_eq(decode(img, len, NULL, &d), 0);
    cr_expect_eq(d->wait, WAIT_CHILD);
    procimage_free(&k, d);
    img[37] = 0; /* blocked on nothing */
    refix(img, len);
    expect_refused(img, len, "blocked without a wait");
    img[37] = 2;
    img[38] = 0; /* blocked outside a system call */
    refix(img, len);
    expect_refused(img, len, "blocked outside a call");
    free(img);
    procimage_free(&k, p);
}

Test(procimage, bad_messages_and_children_are_refused)
{
    struct proc *p = make_tiny();
    add_message(p, ABI_PID(1, 1), 4, 0);
    p->children[0] = (struct child){.pid = ABI_PID(3, 5)};
    p->children[1] = (struct child){.pid = ABI_PID(3, 6), .status = 1, .exited = true};
    p->child_count = 2;
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    uint8_t *copy = malloc(len);
    uint32_t msg = AT_MAILBOX + 1, kids = msg + 6 + 4 + 1, kid = 13; /* a child's bytes */
    struct {
        uint32_t at;
        uint8_t value;
        const char *what;
    } cases[] = {
        {msg + 4, 0x04, "message length 1028"},
        {msg + 5, 0x05, "message longer than its bytes"},
        {msg + 5, 0x03, "message shorter than its bytes"},
        {kids - 1, 3, "a child that is not there"},
        {kids + 3, 0, "child with local number 0"},
        {kids + 8, 2, "exited 2"},
        {kids + 7, 9, "status of a running child"},
        {kids + kid + 8, 0, "status of a child that is not exited"},
        {kids + kid + 3, 5, "the same child twice"},
    };
    for (uint32_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(copy, img, len);
        copy[cases[i].at] = cases[i].value;
        refix(copy, len);
        expect_refused(copy, len, cases[i].what);
    }
    free(copy);
    free(img);
    procimage_free(&k, p);
}

/* A handle's index, type and flags must be ones a process can have. */
Test(procimage, bad_handles_are_refused)
{
    struct proc *p = make_tiny();
    p->files[3] = (struct stock_handle){.used = true, .type = ABI_TYPE_FILE, .node = 1, .ino = 7};
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    const struct {
        uint32_t at;
        uint8_t value;
        const char *what;
    } edits[] = {{AT_HANDLES + 1, ABI_MAX_FILES, "handle index past the table"},
                 {AT_HANDLES + 2, 3, "unknown handle type"},
                 {AT_HANDLES + 3, ABI_O_CREATE, "a flag that does not last past open"}};
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, img, len);
        copy[edits[i].at] = edits[i].value;
        refix(copy, len);
        expect_refused(copy, len, edits[i].what);
        free(copy);
    }
    free(img);
    procimage_free(&k, p);
}

Test(procimage, pages_out_of_order_or_twice_are_refused)
{
    struct proc *p = make_proc();
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    /* Page entries from the end: the stack page last, data before it. */
    uint32_t last = len - 4 - PAGE_SIZE - 4, before = last - PAGE_SIZE - 4;
    cr_assert_eq(get_be32(img + last) & ~PROCIMAGE_PAGE_FLAGS, STACK_PAGE);
    cr_assert_eq(get_be32(img + before) & ~PROCIMAGE_PAGE_FLAGS, DATA);
    put_be32(img + last, DATA | PROCIMAGE_PAGE_DATA | RW);
    refix(img, len);
    expect_refused(img, len, "the same page twice");
    put_be32(img + last, TEXT | PROCIMAGE_PAGE_DATA | RW);
    refix(img, len);
    expect_refused(img, len, "pages out of order");
    free(img);
    procimage_free(&k, p);
}

Test(procimage, trailing_bytes_are_refused)
{
    struct proc *p = make_tiny();
    uint32_t len;
    uint8_t *img = encode(p, NULL, &len);
    uint8_t *longer = calloc(1, len + 1);
    memcpy(longer, img, len - 4);
    refix(longer, len + 1);
    expect_refused(longer, len + 1, "one byte too many");
    free(longer);
    free(img);
    procimage_free(&k, p);
}

/* ---- pre-copy: pages listed without contents come from a base ---- */

/* The pages of p, all read-write, with page `stale` (if mapped) changed
 * as if the process wrote it after it was sent. */
static struct vm base_from(const struct proc *p, uint32_t stale)
{
    struct vm base;
    cr_assert_eq(vm_init(&base, &k), 0);
    uint8_t page[PAGE_SIZE];
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++) {
        int perms = vm_page_perms(&p->vm, vpn);
        if (perms < 0)
            continue;
        vm_page_read(&p->vm, vpn, 0, PAGE_SIZE, page);
        page[0] ^= vpn == stale ? 0x55 : 0;
        cr_assert_eq(vm_page_set(&base, &k, vpn, RW, page), 0);
    }
    return base;
}

Test(procimage, precopy_image_takes_pages_from_the_base)
{
    struct proc *src = make_proc();
    uint32_t with_data[VM_DIRTY_WORDS] = {0};
    uint32_t dirty = DATA >> PAGE_SHIFT;
    with_data[dirty >> 5] |= 1u << (dirty & 31u);
    uint32_t len;
    uint8_t *img = encode(src, with_data, &len);
    cr_expect_eq(len, procimage_size(src, NULL) - 3 * (PAGE_SIZE - 4), "only the dirty page's contents");

    /* The base holds stale data in the dirty page and an extra page. */
    struct vm base = base_from(src, dirty);
    cr_assert_eq(vm_page_set(&base, &k, 0x40, RW, NULL), 0);
    struct proc *dst;
    cr_assert_eq(decode(img, len, &base, &dst), 0);
    cr_expect_eq(vm_memory_bytes(&base), 0u, "the base is taken over");
    cr_expect_eq(vm_page_perms(&dst->vm, 0x40), -1, "pages the image does not list are dropped");
    cr_expect_eq(vm_page_perms(&dst->vm, TEXT >> PAGE_SHIFT), (int)RX, "exact permissions");
    expect_same_proc(src, dst);
    procimage_free(&k, dst);
    free(img);
    procimage_free(&k, src);
}

Test(procimage, precopy_image_needs_its_base_pages)
{
    struct proc *src = make_proc();
    uint32_t none[VM_DIRTY_WORDS] = {0};
    uint32_t len;
    uint8_t *img = encode(src, none, &len);
    expect_refused(img, len, "no base");
    struct vm base = base_from(src, USER_PAGES);
    vm_page_unmap(&base, &k, DATA >> PAGE_SHIFT);
    struct proc *dst;
    uint32_t pages = f.pages_in_use;
    cr_expect_eq(decode(img, len, &base, &dst), ERR_BAD_IMAGE, "a page missing from the base");
    cr_expect_eq(vm_memory_bytes(&base), 0u, "a refused base is freed");
    cr_expect_lt(f.pages_in_use, pages);
    free(img);
    procimage_free(&k, src);
}

Test(procimage, precopy_base_pages_must_match_their_checksums)
{
    /* A page written but not marked dirty (or a piece lost on the way)
     * leaves the receiver with other contents: refused, not installed. */
    struct proc *src = make_proc();
    uint32_t none[VM_DIRTY_WORDS] = {0};
    uint32_t len;
    uint8_t *img = encode(src, none, &len);
    struct vm base = base_from(src, STACK_PAGE >> PAGE_SHIFT);
    struct proc *dst;
    cr_expect_eq(decode(img, len, &base, &dst), ERR_BAD_IMAGE);
    cr_expect_eq(vm_memory_bytes(&base), 0u);
    base = base_from(src, USER_PAGES);
    cr_assert_eq(decode(img, len, &base, &dst), 0, "the same base, unchanged");
    expect_same_proc(src, dst);
    procimage_free(&k, dst);
    free(img);
    procimage_free(&k, src);
}

/* ---- dirty pages: what pre-copy sends again ---- */

static bool dirty(const struct vm *vm, uint32_t va)
{
    uint32_t vpn = va >> PAGE_SHIFT;
    return (vm->dirty[vpn >> 5] >> (vpn & 31u) & 1u) != 0;
}

static void put_code(struct vm *vm, const uint32_t *code, uint32_t n)
{
    uint8_t bytes[64];
    cr_assert_leq(n, 16u);
    for (uint32_t i = 0; i < n; i++)
        put_le32(bytes + 4 * i, code[i]);
    cr_assert_eq(vm_write_image(vm, TEXT, bytes, 4 * n), 0);
}

Test(procimage, stores_mark_their_pages_dirty)
{
    struct vm vm;
    cr_assert_eq(vm_init(&vm, &k), 0);
    cr_assert_eq(vm_map(&vm, &k, TEXT, PAGE_SIZE, RX | VM_PERM_W), 0);
    cr_assert_eq(vm_map(&vm, &k, DATA, 5 * PAGE_SIZE, RW), 0);
    const uint32_t code[] = {
        rv_lui(RV_T0, DATA >> 12),
        rv_sw(RV_T1, 0, RV_T0),                       /* fills the store TLB */
        rv_sw(RV_T1, 8, RV_T0),                       /* the fast path */
        rv_lui(RV_T2, (DATA + 3 * PAGE_SIZE) >> 12),
        rv_addi(RV_T2, RV_T2, -1),
        rv_sh(RV_T1, 0, RV_T2),                       /* straddles pages 2 and 3 */
        rv_lui(RV_T3, TEXT >> 12),
        rv_sb(RV_T1, 100, RV_T3),                     /* into the code page */
        rv_lui(RV_T5, (DATA + 4 * PAGE_SIZE) >> 12),
        rv_lw(RV_T4, 0, RV_T5),                       /* a load marks nothing */
        rv_ecall(),
    };
    put_code(&vm, code, sizeof code / sizeof code[0]);
    cr_assert_eq(vm_dirty_start(&vm, &k), 0);
    struct rv_cpu cpu = {.pc = TEXT};
    cpu.x[RV_T1] = 0x12345678;
    cr_assert_eq(rv_run(&cpu, &vm, 100).stop, RV_STOP_ECALL);
    cr_expect(dirty(&vm, DATA) && dirty(&vm, DATA + 2 * PAGE_SIZE) && dirty(&vm, DATA + 3 * PAGE_SIZE));
    cr_expect(dirty(&vm, TEXT), "a store into code");
    cr_expect_not(dirty(&vm, DATA + PAGE_SIZE) || dirty(&vm, DATA + 4 * PAGE_SIZE), "untouched or only read");
    uint32_t taken[VM_DIRTY_WORDS];
    vm_dirty_take(&vm, taken);
    cr_expect_not(dirty(&vm, DATA), "taking clears");
    cr_expect_neq(taken[(DATA >> PAGE_SHIFT) >> 5], 0u);
    /* The kernel's writes and new mappings count too; stopping ends it. */
    cr_assert_eq(vm_copy_out(&vm, DATA + PAGE_SIZE + 10, "x", 1), 0);
    cr_assert_eq(vm_map(&vm, &k, DATA + 8 * PAGE_SIZE, PAGE_SIZE, RW), 0);
    cr_expect(dirty(&vm, DATA + PAGE_SIZE) && dirty(&vm, DATA + 8 * PAGE_SIZE));
    cpu.pc = TEXT;
    cr_assert_eq(rv_run(&cpu, &vm, 100).stop, RV_STOP_ECALL);
    cr_expect(dirty(&vm, DATA), "every run marks again");
    vm_dirty_stop(&vm, &k);
    cr_expect_null(vm.dirty);
    cpu.pc = TEXT;
    cr_assert_eq(rv_run(&cpu, &vm, 100).stop, RV_STOP_ECALL, "runs without tracking");
    vm_destroy(&vm, &k);
}

Test(procimage, page_access_for_migration)
{
    struct vm vm;
    cr_assert_eq(vm_init(&vm, &k), 0);
    uint8_t page[PAGE_SIZE], back[PAGE_SIZE];
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        page[i] = (uint8_t)(i * 13u);
    cr_expect_eq(vm_page_perms(&vm, DATA >> PAGE_SHIFT), -1);
    cr_assert_eq(vm_page_set(&vm, &k, DATA >> PAGE_SHIFT, RW, page), 0);
    cr_expect_eq(vm_page_perms(&vm, DATA >> PAGE_SHIFT), (int)RW);
    cr_expect_eq(vm.pages_mapped, 1u);
    /* Exact permissions, either way, contents kept (X moves the page). */
    cr_assert_eq(vm_page_set(&vm, &k, DATA >> PAGE_SHIFT, RX, NULL), 0);
    cr_expect_eq(vm_page_perms(&vm, DATA >> PAGE_SHIFT), (int)RX);
    cr_assert_eq(vm_page_set(&vm, &k, DATA >> PAGE_SHIFT, VM_PERM_R, NULL), 0);
    cr_expect_eq(vm_page_perms(&vm, DATA >> PAGE_SHIFT), (int)VM_PERM_R);
    vm_page_read(&vm, DATA >> PAGE_SHIFT, 0, PAGE_SIZE, back);
    cr_expect_eq(memcmp(page, back, PAGE_SIZE), 0);
    cr_expect_eq(vm_page_crc32(&vm, DATA >> PAGE_SHIFT), crc32_compute(page, PAGE_SIZE));
    vm_page_read(&vm, DATA >> PAGE_SHIFT, 100, 7, back);
    cr_expect_eq(memcmp(page + 100, back, 7), 0);
    vm_page_unmap(&vm, &k, DATA >> PAGE_SHIFT);
    vm_page_unmap(&vm, &k, DATA >> PAGE_SHIFT);
    cr_expect_eq(vm_page_perms(&vm, DATA >> PAGE_SHIFT), -1);
    cr_expect_eq(vm.pages_mapped, 0u);
    vm_destroy(&vm, &k);
}

Test(procimage, code_rewritten_by_a_decode_runs_anew)
{
    /* A page that arrives over an executable page with a decode cache
     * must not run the old decodings. */
    struct vm vm;
    cr_assert_eq(vm_init(&vm, &k), 0);
    cr_assert_eq(vm_map(&vm, &k, TEXT, PAGE_SIZE, RX), 0);
    const uint32_t first[] = {rv_addi(RV_A0, RV_ZERO, 1), rv_ecall()};
    put_code(&vm, first, 2);
    struct rv_cpu cpu = {.pc = TEXT};
    cr_assert_eq(rv_run(&cpu, &vm, 10).stop, RV_STOP_ECALL);
    cr_assert_eq(cpu.x[RV_A0], 1u);
    uint8_t page[PAGE_SIZE] = {0};
    put_le32(page, rv_addi(RV_A0, RV_ZERO, 2));
    put_le32(page + 4, rv_ecall());
    cr_assert_eq(vm_page_set(&vm, &k, TEXT >> PAGE_SHIFT, RX, page), 0);
    cpu.pc = TEXT;
    cr_assert_eq(rv_run(&cpu, &vm, 10).stop, RV_STOP_ECALL);
    cr_expect_eq(cpu.x[RV_A0], 2u);
    vm_destroy(&vm, &k);
}

/* ---- out of memory, and a fixed-seed mutation loop ---- */

Test(procimage, running_out_of_memory_leaks_nothing)
{
    struct proc *src = make_proc();
    uint32_t len;
    uint8_t *img = encode(src, NULL, &len);
    warm_up(img, len);
    uint32_t base = f.pages_in_use, ok = 0;
    for (uint32_t limit = base; limit < base + 40; limit++) {
        f.page_limit = limit;
        struct proc *d;
        int err = decode(img, len, NULL, &d);
        cr_assert(err == 0 || err == ERR_NO_MEMORY, "limit %u: %d", limit, err);
        if (err == 0) {
            ok++;
            procimage_free(&k, d);
        }
        cr_assert_eq(f.pages_in_use, base, "limit %u: pages leaked", limit);
    }
    f.page_limit = 0;
    cr_expect_gt(ok, 0u, "enough memory decodes");
    free(img);
    procimage_free(&k, src);
}

static uint32_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

/* Change a copy of img in one of several ways; returns its new length. */
static uint32_t mutate(uint8_t *buf, const uint8_t *img, uint32_t len, uint32_t cap, uint64_t *s)
{
    memcpy(buf, img, len);
    uint32_t n = len, edits = 1 + rng_next(s) % 4;
    for (uint32_t e = 0; e < edits; e++) {
        uint32_t at = rng_next(s) % n, kind = rng_next(s) % 6;
        /* Most edits land in the structure, not in page contents. */
        if (rng_next(s) % 4 != 0)
            at = rng_next(s) % (n < 400 ? n : 400);
        if (kind == 0)
            buf[at] = (uint8_t)rng_next(s);
        else if (kind == 1)
            buf[at] ^= (uint8_t)(1u << (rng_next(s) % 8));
        else if (kind == 2)
            n = at + 1; /* truncate */
        else if (kind == 3 && n < cap) { /* insert a byte */
            memmove(buf + at + 1, buf + at, n - at);
            buf[at] = (uint8_t)rng_next(s);
            n++;
        } else if (kind == 4 && n > 1) { /* delete a byte */
            memmove(buf + at, buf + at + 1, n - at - 1);
            n--;
        } else {
            buf[at] = (uint8_t)(rng_next(s) % 3 == 0 ? 0 : 0xFF);
        }
    }
    return n;
}

Test(procimage, fixed_seed_mutations_never_crash_or_leak)
{
    struct proc *src = make_proc();
    uint32_t len;
    uint8_t *img = encode(src, NULL, &len);
    uint32_t with_data[VM_DIRTY_WORDS] = {0};
    uint32_t pre_len;
    uint8_t *pre = encode(src, with_data, &pre_len);
    uint32_t cap = len + 64;
    uint8_t *buf = malloc(cap);
    uint64_t s = 0x5eed5eed12345678ull;
    warm_up(img, len);
    uint32_t pages = f.pages_in_use, accepted = 0;
    for (uint32_t i = 0; i < 20000; i++) {
        bool precopy = i % 8 == 0;
        uint32_t n = mutate(buf, precopy ? pre : img, precopy ? pre_len : len, cap, &s);
        if (i % 2 == 0 && n >= 12)
            refix(buf, n);
        struct vm base = {0};
        if (precopy)
            base = base_from(src, USER_PAGES);
        struct proc *d;
        int err = decode(buf, n, precopy ? &base : NULL, &d);
        cr_assert(err == 0 || err == ERR_BAD_IMAGE, "iteration %u: %d", i, err);
        cr_assert_eq(vm_memory_bytes(&base), 0u, "iteration %u: base not consumed", i);
        if (err == 0) {
            accepted++;
            cr_assert_leq(d->mailbox_len, MAILBOX_CAPACITY);
            cr_assert_leq(d->child_count, PROC_MAX_CHILDREN);
            cr_assert_neq(ABI_PID_LOCAL(d->pid), 0u);
            procimage_free(&k, d);
        }
        cr_assert_eq(f.pages_in_use, pages, "iteration %u: pages leaked", i);
    }
    /* Edits of register values or page contents with a repaired checksum
     * decode fine; a loop that never decodes tests nothing. */
    cr_expect_gt(accepted, 0u);
    free(buf);
    free(pre);
    free(img);
    procimage_free(&k, src);
}
