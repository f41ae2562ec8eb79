/*
 * fuzz_procimage.c - libFuzzer harness for the process image decoder
 * (core/procimage.c): every input is an image from a hostile node.
 *
 * Input: one control byte, then the image. Control bit 0x01 repairs the
 * image's length field and CRC-32 first, so the fuzzer gets past them to
 * the field checks; bit 0x02 decodes on top of a base of pre-copied pages
 * (a few pages of a test process, as a pre-copy target would hold them).
 * Bit 0x04 makes the rest an edit script instead of an image: the valid
 * image of that test process (its pages listed without contents when
 * 0x02 is set), changed at (offset (2), byte (1)) triples, and cut to the
 * first offset's length when bit 0x08 is set. So even an empty corpus
 * reaches every field check at once.
 * Decoding must give 0 or ERR_BAD_IMAGE (ERR_NO_MEMORY under the page
 * limit), a decoded process must satisfy the table limits, and after
 * freeing it every page must be back. An empty corpus is seeded with a
 * valid image the harness makes itself on the first call.
 *
 * Build: configure with CC=clang -DNIMBUS_FUZZ=ON and build fuzz_procimage,
 * then: build/tests/fuzz/fuzz_procimage -max_total_time=60 corpus/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/crc32.h"
#include "core/kernel_priv.h"
#include "core/procimage.h"
#include "tests/fake_hal.h"

#define FUZZ_PAGE_LIMIT 512u /* a few hundred pages: huge images fail fast */
#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_hal fuzz_hal; /* large: keep it off the stack */
static struct kernel fuzz_kernel;
static uint8_t fuzz_buf[FUZZ_MAX_INPUT];

/* A small process with code, data, a message and a child. */
static struct proc *make_proc(struct kernel *k)
{
    struct proc *p = kalloc(k, sizeof *p);
    if (p == NULL || vm_init(&p->vm, k) != 0)
        abort();
    if (vm_map(&p->vm, k, ABI_USER_BASE, 2 * PAGE_SIZE, VM_PERM_R | VM_PERM_X) != 0 ||
        vm_map(&p->vm, k, ABI_USER_TOP - PAGE_SIZE, PAGE_SIZE, VM_PERM_R | VM_PERM_W) != 0)
        abort();
    uint8_t bytes[64];
    for (uint32_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(i * 37u);
    vm_write_image(&p->vm, ABI_USER_BASE, bytes, sizeof bytes);
    p->pid = ABI_PID(1, 5);
    p->parent_pid = ABI_PID(0, 0);
    kmemcpy(p->name, "fuzz", 4);
    p->deadline_ns = HAL_TIME_NEVER;
    p->mailbox[0] = (struct message){.src_pid = ABI_PID(2, 3), .len = 3, .data = kalloc(k, 3)};
    kmemcpy(p->mailbox[0].data, "abc", 3);
    p->mailbox_len = 1;
    p->children[0] = (struct child){.pid = ABI_PID(1, 6), .status = 7, .exited = true};
    p->child_count = 1;
    return p;
}

/* The base a pre-copy target would hold for make_proc's pages. */
static int make_base(struct kernel *k, const struct proc *p, struct vm *base)
{
    uint8_t page[PAGE_SIZE];
    if (vm_init(base, k) != 0)
        return -1;
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++) {
        if (vm_page_perms(&p->vm, vpn) < 0)
            continue;
        vm_page_read(&p->vm, vpn, 0, PAGE_SIZE, page);
        if (vm_page_set(base, k, vpn, VM_PERM_R | VM_PERM_W, page) != 0)
            return -1;
    }
    return 0;
}

static void fuzz_reset(void)
{
    fake_hal_init(&fuzz_hal, 1);
    fuzz_hal.page_limit = FUZZ_PAGE_LIMIT;
    fuzz_kernel = (struct kernel){0};
    fuzz_kernel.hal = fuzz_hal.hal;
}

static void fuzz_check_free(struct kernel *k)
{
    kalloc_release_all(k);
    if (fuzz_hal.pages_in_use != 0)
        abort();
}

/* Decode one input; returns the decoder's result. */
static int fuzz_decode(struct kernel *k, const struct proc *model, uint8_t control, uint8_t *img, uint32_t len)
{
    if ((control & 1u) != 0 && len >= PROCIMAGE_HEADER_BYTES + PROCIMAGE_CRC_BYTES) {
        put_be32(img + 8, len);
        put_be32(img + len - 4, crc32_compute(img, len - 4));
    }
    struct vm base = {0};
    bool with_base = (control & 2u) != 0 && make_base(k, model, &base) == 0;
    struct proc *p = NULL;
    int err = procimage_decode(k, img, len, with_base ? &base : NULL, 12345, &p);
    if (vm_memory_bytes(&base) != 0)
        abort(); /* the base is always consumed */
    if (err == 0) {
        if (p->mailbox_len > MAILBOX_CAPACITY || p->child_count > PROC_MAX_CHILDREN || ABI_PID_LOCAL(p->pid) == 0 ||
            p->vm.pages_mapped > USER_PAGES || p->pinned)
            abort();
        procimage_free(k, p);
    } else if (err != ERR_BAD_IMAGE && err != ERR_NO_MEMORY) {
        abort();
    }
    return err;
}

/* A valid image of model, edited as the script says; returns its length. */
static uint32_t fuzz_edit(const struct proc *model, uint8_t control, const uint8_t *script, size_t n)
{
    uint32_t none[VM_DIRTY_WORDS] = {0};
    const uint32_t *with_data = (control & 2u) != 0 ? none : NULL;
    uint32_t len = procimage_size(model, with_data);
    procimage_encode(model, with_data, 0, fuzz_buf);
    for (size_t i = 0; i + 3 <= n; i += 3)
        fuzz_buf[get_be16(script + i) % len] = script[i + 2];
    if ((control & 8u) != 0 && n >= 2)
        len = get_be16(script) % len;
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reset();
    struct kernel *k = &fuzz_kernel;
    struct proc *model = make_proc(k);
    if (size < 1 || size - 1 > FUZZ_MAX_INPUT) {
        /* The seed: a valid image, decoded both ways. */
        uint32_t len = procimage_size(model, NULL);
        procimage_encode(model, NULL, 0, fuzz_buf);
        if (fuzz_decode(k, model, 0, fuzz_buf, len) != 0)
            abort();
        uint32_t none[VM_DIRTY_WORDS] = {0};
        len = procimage_size(model, none);
        procimage_encode(model, none, 0, fuzz_buf);
        if (fuzz_decode(k, model, 2, fuzz_buf, len) != 0)
            abort();
    } else if ((data[0] & 4u) != 0) {
        uint32_t len = fuzz_edit(model, data[0], data + 1, size - 1);
        (void)fuzz_decode(k, model, data[0], fuzz_buf, len);
    } else {
        kmemcpy(fuzz_buf, data + 1, size - 1);
        (void)fuzz_decode(k, model, data[0], fuzz_buf, (uint32_t)(size - 1));
    }
    procimage_free(k, model);
    fuzz_check_free(k);
    return 0;
}
