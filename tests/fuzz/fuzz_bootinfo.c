/*
 * fuzz_bootinfo.c - libFuzzer harness for the x86 kernel's reading of the
 * boot loader's information (hal-x86/kernel/bootinfo.c), both protocols.
 *
 * Input: [selector (1)] [structure bytes]. Selector & 3: 0 or 1 multiboot 2,
 * 2 multiboot 1, 3 an unknown magic. With selector bit 0x04 the rest is an
 * edit script instead: a well-formed structure of that protocol (command
 * line, memory map, 1024x768x32 framebuffer, a boot module; the shape GRUB
 * or QEMU hands over) changed at (offset (1), byte (1)) pairs, so even an empty corpus
 * reaches every field check at once. Either way the structure is then laid
 * out as follows.
 *  - multiboot 2: the bytes are the tag list, in a heap buffer of exactly
 *    the size the loader promises (its total_size field), so ASan sees any
 *    read past it. A total_size the parser must refuse (under 8 or over
 *    1 MiB) gets a 4-byte buffer: only the field itself may be read. A
 *    plausible total_size larger than the input is cut to the input's size.
 *  - multiboot 1: the first 116 bytes are the fixed structure (zero-padded),
 *    the rest a blob its pointers (cmdline, mmap_addr, mods_addr and each
 *    module's string) are made to point into, as a loader's do. Both sit
 *    below 4 GiB (the pointers are 32-bit) just before an inaccessible
 *    page; the blob ends in a NUL, as the
 *    loader's command line does, a plausible mmap_length is cut to what
 *    follows mmap_addr and mods_count to the entries that follow
 *    mods_addr.
 * Asserts: at most 32 memory regions, each non-empty and wholly below
 * 4 GiB; a command line shorter than 512 bytes that is a piece of the
 * loader's bytes; a framebuffer only when it is 32 bpp, non-zero and whole
 * rows of `width` pixels fit in `pitch` and in the identity map; an
 * information block or memory map of a refused size, or an unknown magic,
 * gives nothing and a message on serial; at most 16 modules, each
 * starting no later than it ends, named by 1 to 32 bytes without a space
 * or NUL.
 */
#define _GNU_SOURCE /* MAP_32BIT, memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hal-x86/kernel/bootinfo.h"
#include "tests/x86/x86_host_stubs.h"

#define MB1_MAGIC 0x2BADB002u
#define MB2_MAGIC 0x36D76289u
#define MB1_FLAG_MODS 0x008u
#define MB1_FLAG_MMAP 0x040u
#define MB1_MODULE_BYTES 16u
#define MB1_INFO_BYTES 116u
#define INFO_MAX_BYTES (1u << 20) /* bootinfo.c: larger lengths are refused */
#define IDENTITY_MAP_END 0x100000000ull
#define BLOB_PAGES 16u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct boot_info bi;

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

static bool serial_says(const char *text)
{
    return strstr(stub_serial_text(), text) != NULL;
}

/* What every accepted parse promises; `bytes` is where the command line came from. */
static void fuzz_check_info(const uint8_t *bytes, size_t len)
{
    if (bi.mem_count > BOOT_MAX_MEM_REGIONS)
        abort();
    for (uint32_t i = 0; i < bi.mem_count; i++) {
        const struct boot_mem_region *r = &bi.mem[i];
        if (r->length == 0 || r->base >= IDENTITY_MAP_END || r->length > IDENTITY_MAP_END - r->base)
            abort();
    }
    const char *nul = memchr(bi.cmdline, '\0', sizeof bi.cmdline);
    if (nul == NULL)
        abort();
    size_t n = (size_t)(nul - bi.cmdline);
    if (n > 0 && memmem(bytes, len, bi.cmdline, n) == NULL)
        abort();
    if (bi.module_count > BOOT_MAX_MODULES)
        abort();
    for (uint32_t i = 0; i < bi.module_count; i++) {
        const struct boot_module *m = &bi.modules[i];
        size_t name_len = strnlen(m->name, sizeof m->name);
        if (m->end < m->start || name_len == 0 || name_len == sizeof m->name ||
            memchr(m->name, ' ', name_len))
            abort();
    }
    const struct boot_framebuffer *fb = &bi.fb;
    if (fb->present &&
        (fb->bpp != 32 || fb->addr == 0 || (uint64_t)fb->width * 4u > fb->pitch ||
         fb->addr >= IDENTITY_MAP_END || (uint64_t)fb->pitch * fb->height > IDENTITY_MAP_END - fb->addr))
        abort();
}

static void fuzz_mb2(const uint8_t *data, size_t size)
{
    uint8_t head[4] = {0};
    memcpy(head, data, size < 4 ? size : 4);
    uint32_t total = get32(head);
    bool refused = total < 8 || total > INFO_MAX_BYTES;
    size_t len = refused ? 4 : total <= size ? total : (size < 8 ? 8 : size);
    uint8_t *info = calloc(1, len);
    if (info == NULL)
        abort();
    memcpy(info, data, size < len ? size : len);
    if (!refused)
        put32(info, (uint32_t)len);
    stub_serial_reset();
    if (!bootinfo_parse(MB2_MAGIC, (uintptr_t)info, &bi) || strcmp(bi.loader, "multiboot2") != 0)
        abort();
    if (refused && (bi.mem_count != 0 || bi.cmdline[0] != '\0' || bi.fb.present ||
                    !serial_says("multiboot2 information of")))
        abort();
    fuzz_check_info(info, len);
    free(info);
}

/* Low memory for multiboot 1: [page: info at its end] [guard] [blob pages,
 * blob and its NUL at their end] [guard]. */
static uint8_t *fuzz_low_memory(size_t *page_bytes)
{
    static uint8_t *low;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    *page_bytes = page;
    if (low != NULL)
        return low;
    low = mmap(NULL, (BLOB_PAGES + 3) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
               -1, 0);
    if (low == MAP_FAILED || mprotect(low + page, page, PROT_NONE) != 0 ||
        mprotect(low + (BLOB_PAGES + 2) * page, page, PROT_NONE) != 0)
        abort();
    return low;
}

/* Point mods_addr into the blob, cut mods_count to the whole entries
 * there, and point each entry's string (0 stays: no string) into it. */
static void fuzz_mb1_modules(uint8_t *info, uint8_t *blob, size_t space)
{
    uint32_t at = get32(info + 24) % (uint32_t)space;
    uint32_t fit = (uint32_t)((space - at) / MB1_MODULE_BYTES);
    put32(info + 24, (uint32_t)(uintptr_t)(blob + at));
    if (get32(info + 20) > fit)
        put32(info + 20, fit);
    uint32_t count = get32(info + 20);
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *entry = blob + at + i * MB1_MODULE_BYTES;
        uint32_t str = get32(entry + 8);
        if (str != 0)
            put32(entry + 8, (uint32_t)(uintptr_t)(blob + str % space));
    }
}

static void fuzz_mb1(const uint8_t *data, size_t size)
{
    size_t page;
    uint8_t *low = fuzz_low_memory(&page);
    uint8_t *info = low + page - MB1_INFO_BYTES;
    memset(info, 0, MB1_INFO_BYTES);
    memcpy(info, data, size < MB1_INFO_BYTES ? size : MB1_INFO_BYTES);
    size_t blob_len = size > MB1_INFO_BYTES ? size - MB1_INFO_BYTES : 0;
    if (blob_len > BLOB_PAGES * page - 1)
        blob_len = BLOB_PAGES * page - 1;
    uint8_t *blob = low + (BLOB_PAGES + 2) * page - blob_len - 1;
    if (blob_len > 0)
        memcpy(blob, data + MB1_INFO_BYTES, blob_len);
    blob[blob_len] = '\0';
    size_t space = blob_len + 1; /* the loader's bytes, its NUL included */
    put32(info + 16, (uint32_t)(uintptr_t)(blob + get32(info + 16) % space));
    uint32_t map_at = get32(info + 48) % (uint32_t)space, map_len = get32(info + 44);
    put32(info + 48, (uint32_t)(uintptr_t)(blob + map_at));
    bool map_refused = (get32(info) & MB1_FLAG_MMAP) && map_len > INFO_MAX_BYTES;
    if (map_len <= INFO_MAX_BYTES && map_len > space - map_at)
        put32(info + 44, (uint32_t)(space - map_at));
    fuzz_mb1_modules(info, blob, space);
    stub_serial_reset();
    if (!bootinfo_parse(MB1_MAGIC, (uintptr_t)info, &bi) || strcmp(bi.loader, "multiboot") != 0)
        abort();
    if (map_refused && (bi.mem_count != 0 || !serial_says("memory map of")))
        abort();
    fuzz_check_info(blob, space);
}

/* The template structures for edit scripts, in the input's layout. */
struct fuzz_bytes {
    uint8_t b[512];
    size_t len;
};

static void fuzz_put(struct fuzz_bytes *t, const void *data, size_t len)
{
    memcpy(t->b + t->len, data, len);
    t->len += len;
}

static void fuzz_put32(struct fuzz_bytes *t, uint32_t v)
{
    fuzz_put(t, &v, 4);
}

static void fuzz_put64(struct fuzz_bytes *t, uint64_t v)
{
    fuzz_put(t, &v, 8);
}

static const char template_cmdline[] = "/boot/cumulonimbus.elf node=1 nodes=2 run=hello";
static const uint8_t template_rgb[6] = {16, 8, 8, 8, 0, 8};
static const char template_module[] = "/w/build-outside/collatz.elf collatz";
static const uint32_t template_module_range[2] = {0x200000, 0x201C7C};

/* Tags: command line, memory map (two entries), basic memory, framebuffer,
 * module, end. */
static void fuzz_template_mb2(struct fuzz_bytes *t)
{
    const uint32_t cmd_tag = 8 + sizeof template_cmdline, fb_tag = 38;
    fuzz_put32(t, 0); /* total_size, below */
    fuzz_put32(t, 0);
    fuzz_put32(t, 1);
    fuzz_put32(t, cmd_tag);
    fuzz_put(t, template_cmdline, sizeof template_cmdline);
    t->len = (t->len + 7) & ~(size_t)7;
    uint32_t mmap[] = {6, 16 + 2 * 24, 24, 0, 0, 0, 0x9FC00, 0, 1, 0, 0x100000, 0, 0x7EE0000, 0, 1, 0};
    fuzz_put(t, mmap, sizeof mmap);
    uint32_t basic[] = {4, 16, 639, 130048};
    fuzz_put(t, basic, sizeof basic);
    fuzz_put32(t, 8);
    fuzz_put32(t, fb_tag);
    fuzz_put64(t, 0xFD000000u);
    uint32_t dims[] = {4096, 1024, 768};
    fuzz_put(t, dims, sizeof dims);
    uint8_t kind[] = {32, 1, 0, 0}; /* bpp, RGB, reserved */
    fuzz_put(t, kind, sizeof kind);
    fuzz_put(t, template_rgb, sizeof template_rgb);
    t->len = (t->len + 7) & ~(size_t)7;
    fuzz_put32(t, 3);
    fuzz_put32(t, 16 + sizeof template_module);
    fuzz_put(t, template_module_range, sizeof template_module_range);
    fuzz_put(t, template_module, sizeof template_module);
    t->len = (t->len + 7) & ~(size_t)7;
    fuzz_put32(t, 0);
    fuzz_put32(t, 8);
    put32(t->b, (uint32_t)t->len);
}

/* The fixed structure (memory, command line, modules, map, framebuffer),
 * then the blob: the command line, two 24-byte map entries, one module
 * entry and its string. */
static void fuzz_template_mb1(struct fuzz_bytes *t)
{
    uint8_t *info = t->b;
    t->len = MB1_INFO_BYTES;
    put32(info, 0x001u | 0x004u | MB1_FLAG_MODS | MB1_FLAG_MMAP | 0x1000u);
    put32(info + 8, 130048);
    put32(info + 16, 0); /* offsets into the blob */
    put32(info + 44, 48);
    put32(info + 48, sizeof template_cmdline);
    uint64_t fb = 0xFD000000u;
    memcpy(info + 88, &fb, 8);
    uint32_t dims[] = {4096, 1024, 768};
    memcpy(info + 96, dims, sizeof dims);
    info[108] = 32;
    info[109] = 1;
    memcpy(info + 110, template_rgb, sizeof template_rgb);
    fuzz_put(t, template_cmdline, sizeof template_cmdline);
    uint32_t map[] = {20, 0, 0, 0x9FC00, 0, 1, 20, 0x100000, 0, 0x7EE0000, 0, 1};
    fuzz_put(t, map, sizeof map);
    uint32_t entry_at = (uint32_t)(t->len - MB1_INFO_BYTES);
    uint32_t entry[4] = {template_module_range[0], template_module_range[1], entry_at + MB1_MODULE_BYTES, 0};
    put32(info + 20, 1);
    put32(info + 24, entry_at);
    fuzz_put(t, entry, sizeof entry);
    fuzz_put(t, template_module, sizeof template_module);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t selector = data[0] & 3u;
    data++, size--;
    struct fuzz_bytes t = {.len = 0};
    if ((data[-1] & 4u) != 0 && selector != 3) {
        memset(t.b, 0, sizeof t.b);
        if (selector == 2)
            fuzz_template_mb1(&t);
        else
            fuzz_template_mb2(&t);
        for (size_t i = 0; i + 2 <= size; i += 2)
            t.b[data[i] % t.len] = data[i + 1];
        data = t.b, size = t.len;
    }
    if (selector <= 1) {
        fuzz_mb2(data, size);
    } else if (selector == 2) {
        fuzz_mb1(data, size);
    } else {
        uint32_t magic = size >= 4 ? get32(data) : 0;
        if (magic == MB1_MAGIC || magic == MB2_MAGIC)
            return 0;
        stub_serial_reset();
        if (bootinfo_parse(magic, 0, &bi) || !serial_says("unknown boot loader magic"))
            abort();
    }
    return 0;
}
