/*
 * bootinfo.c - see bootinfo.h. Both protocols hand over a structure in
 * memory the kernel does not own; everything used is copied out here,
 * with every length checked against the structure's own size, so the
 * memory may be reused afterwards (pages.c does). Boot modules are the
 * exception: only where they lie is copied, and pages.c keeps them.
 *
 * Only RAM below 4 GiB is kept: that is what the identity map covers.
 */
#include "bootinfo.h"

#include <stddef.h>

#include "kprint.h"
#include "kstring.h"

#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB2_BOOT_MAGIC 0x36D76289u

#define MB1_FLAG_MEM 0x001u
#define MB1_FLAG_CMDLINE 0x004u
#define MB1_FLAG_MODS 0x008u
#define MB1_FLAG_MMAP 0x040u
#define MB1_FLAG_FRAMEBUFFER 0x1000u

#define MB2_TAG_END 0u
#define MB2_TAG_CMDLINE 1u
#define MB2_TAG_MODULE 3u
#define MB2_TAG_BASIC_MEMINFO 4u
#define MB2_TAG_MMAP 6u
#define MB2_TAG_FRAMEBUFFER 8u
#define INFO_MAX_BYTES (1u << 20) /* a sanity bound on the loader's lengths */
#define MB1_MODULE_BYTES 16u
#define MODULE_STRING_MAX 4096u /* a path and a name */

#define MEMORY_AVAILABLE 1u
#define FB_TYPE_RGB 1u
#define IDENTITY_MAP_END 0x100000000ull
#define ONE_MIB 0x100000ull

/* Fields at any alignment: multiboot 1 memory map entries put 64-bit
 * fields at 4 mod 8. */
static uint32_t rd32(uintptr_t a)
{
    uint32_t v;
    memcpy(&v, (const void *)a, sizeof v);
    return v;
}

static uint64_t rd64(uintptr_t a)
{
    uint64_t v;
    memcpy(&v, (const void *)a, sizeof v);
    return v;
}

static uint8_t rd8(uintptr_t a)
{
    return *(const uint8_t *)a;
}

/* Keep [base, base+length) clipped to the identity map. */
static void add_region(struct boot_info *bi, uint64_t base, uint64_t length)
{
    if (base >= IDENTITY_MAP_END || length == 0)
        return;
    if (length > IDENTITY_MAP_END - base)
        length = IDENTITY_MAP_END - base;
    if (bi->mem_count == BOOT_MAX_MEM_REGIONS) {
        kprintf("cumulonimbus: boot: more than %u memory regions; ignoring %llu KiB at 0x%llx\n",
                BOOT_MAX_MEM_REGIONS, (unsigned long long)(length >> 10), (unsigned long long)base);
        return;
    }
    bi->mem[bi->mem_count++] = (struct boot_mem_region){base, length};
}

/* Copy a NUL-terminated string of at most `max` bytes at `addr`. */
static void copy_cmdline(struct boot_info *bi, uintptr_t addr, size_t max)
{
    size_t n = 0;
    while (n < max && rd8(addr + n) != 0) {
        if (n + 1 == BOOT_CMDLINE_BYTES) {
            bi->cmdline_too_long = true;
            break;
        }
        bi->cmdline[n] = (char)rd8(addr + n);
        n++;
    }
    bi->cmdline[n] = '\0';
}

/* Keep module [start, end) under the last word of its string (at most
 * `max` bytes at `str`, NUL-terminated or not): nimbus boot gives QEMU
 * "PATH NAME", GRUB's module2 line may give "NAME" alone. */
static void add_module(struct boot_info *bi, uint32_t start, uint32_t end, uintptr_t str, size_t max)
{
    size_t word = 0, len = 0, n = 0;
    for (; n < max && rd8(str + n) != 0; n++) {
        if (rd8(str + n) == ' ') {
            len = 0;
        } else if (len++ == 0) {
            word = n;
        }
    }
    const char *why = end < start                            ? "it ends before it starts"
                      : bi->module_count == BOOT_MAX_MODULES ? "there are too many modules"
                      : len == 0 || len >= BOOT_MODULE_NAME_BYTES
                          ? "its string does not end in a program name of 1 to 32 bytes"
                          : NULL;
    if (why != NULL) {
        kprintf("cumulonimbus: boot: the module at 0x%x-0x%x is ignored: %s\n", start, end, why);
        return;
    }
    struct boot_module *m = &bi->modules[bi->module_count++];
    m->start = start;
    m->end = end;
    for (size_t i = 0; i < len; i++)
        m->name[i] = (char)rd8(str + word + i);
    m->name[len] = '\0';
}

static void parse_mb1_modules(uintptr_t info, struct boot_info *bi)
{
    uint32_t count = rd32(info + 20);
    uintptr_t at = rd32(info + 24);
    if (count > BOOT_MAX_MODULES + 1) /* one more is read to say it is too many */
        count = BOOT_MAX_MODULES + 1;
    for (uint32_t i = 0; i < count; i++, at += MB1_MODULE_BYTES) {
        uint32_t str = rd32(at + 8); /* 0: no string, so no name */
        add_module(bi, rd32(at), rd32(at + 4), str, str != 0 ? MODULE_STRING_MAX : 0);
    }
}

/* Drop the first word of the command line when it is the kernel's file
 * name rather than an option (options all have '='): multiboot 1 loaders
 * (QEMU's -kernel, GRUB) put it there; a multiboot 2 loader may, in which
 * case it is a path. */
static void drop_file_name(char *cmdline, bool always)
{
    size_t end = 0;
    while (cmdline[end] == ' ')
        end++;
    bool path = false, option = false;
    for (; cmdline[end] != '\0' && cmdline[end] != ' '; end++) {
        path |= cmdline[end] == '/';
        option |= cmdline[end] == '=';
    }
    if ((always || path) && !option)
        memmove(cmdline, cmdline + end, strlen(cmdline + end) + 1);
}

/* A framebuffer the console can draw on: 32-bit 0x00RRGGBB pixels, wholly
 * inside the identity map. */
static void set_framebuffer(struct boot_info *bi, uint64_t addr, uint32_t pitch, uint32_t width,
                            uint32_t height, uint8_t bpp, uint8_t type, const uint8_t *rgb)
{
    bool rgb32 = type == FB_TYPE_RGB && bpp == 32 && rgb[0] == 16 && rgb[1] == 8 && rgb[2] == 8 &&
                 rgb[3] == 8 && rgb[4] == 0 && rgb[5] == 8;
    uint64_t bytes = (uint64_t)pitch * height;
    if (!rgb32 || (uint64_t)width * 4u > pitch || addr == 0 || addr >= IDENTITY_MAP_END ||
        bytes > IDENTITY_MAP_END - addr) {
        kprintf("cumulonimbus: boot: framebuffer %ux%u, %u bpp, type %u at 0x%llx is not usable; "
                "using VGA text\n",
                width, height, bpp, type, (unsigned long long)addr);
        return;
    }
    bi->fb = (struct boot_framebuffer){
        .present = true, .addr = addr, .pitch = pitch, .width = width, .height = height, .bpp = bpp};
}

/* The colour layout, as both protocols store it after the type byte:
 * red position and size, green, blue. */
static void read_rgb(uintptr_t at, uint8_t rgb[6])
{
    for (int i = 0; i < 6; i++)
        rgb[i] = rd8(at + i);
}

static void parse_mb1(uintptr_t info, struct boot_info *bi)
{
    uint32_t flags = rd32(info);
    if (flags & MB1_FLAG_CMDLINE)
        copy_cmdline(bi, rd32(info + 16), BOOT_CMDLINE_BYTES);
    if (flags & MB1_FLAG_MODS)
        parse_mb1_modules(info, bi);
    if (flags & MB1_FLAG_MMAP) {
        uint32_t length = rd32(info + 44);
        if (length > INFO_MAX_BYTES) {
            kprintf("cumulonimbus: boot: multiboot memory map of %u bytes ignored\n", length);
            length = 0;
        }
        uintptr_t at = rd32(info + 48), end = at + length;
        while (at + 24 <= end) {
            uint32_t size = rd32(at);
            if (rd32(at + 20) == MEMORY_AVAILABLE)
                add_region(bi, rd64(at + 4), rd64(at + 12));
            at += (uintptr_t)size + 4;
        }
    } else if (flags & MB1_FLAG_MEM) {
        add_region(bi, ONE_MIB, (uint64_t)rd32(info + 8) << 10); /* mem_upper, KiB from 1 MiB */
    }
    if (flags & MB1_FLAG_FRAMEBUFFER) {
        uint8_t rgb[6];
        read_rgb(info + 110, rgb);
        set_framebuffer(bi, rd64(info + 88), rd32(info + 96), rd32(info + 100), rd32(info + 104),
                        rd8(info + 108), rd8(info + 109), rgb);
    }
}

static void parse_mb2_mmap(uintptr_t tag, uint32_t size, struct boot_info *bi)
{
    uint32_t entry_size = rd32(tag + 8);
    if (entry_size < 24)
        return;
    for (uintptr_t at = tag + 16; at + entry_size <= tag + size; at += entry_size)
        if (rd32(at + 16) == MEMORY_AVAILABLE)
            add_region(bi, rd64(at), rd64(at + 8));
}

static void parse_mb2(uintptr_t info, struct boot_info *bi)
{
    uint32_t total = rd32(info);
    if (total < 8 || total > INFO_MAX_BYTES) {
        kprintf("cumulonimbus: boot: multiboot2 information of %u bytes ignored\n", total);
        return;
    }
    uint64_t upper_kib = 0; /* the basic figure, used only without a map */
    uintptr_t end = info + total;
    for (uintptr_t tag = info + 8; tag + 8 <= end;) {
        uint32_t type = rd32(tag), size = rd32(tag + 4);
        if (type == MB2_TAG_END || size < 8 || size > end - tag)
            break;
        if (type == MB2_TAG_CMDLINE) {
            copy_cmdline(bi, tag + 8, size - 8);
        } else if (type == MB2_TAG_MODULE && size >= 16) {
            add_module(bi, rd32(tag + 8), rd32(tag + 12), tag + 16, size - 16);
        } else if (type == MB2_TAG_MMAP && size >= 16) {
            parse_mb2_mmap(tag, size, bi);
        } else if (type == MB2_TAG_BASIC_MEMINFO && size >= 16) {
            upper_kib = rd32(tag + 12);
        } else if (type == MB2_TAG_FRAMEBUFFER && size >= 38) {
            uint8_t rgb[6];
            read_rgb(tag + 32, rgb);
            set_framebuffer(bi, rd64(tag + 8), rd32(tag + 16), rd32(tag + 20), rd32(tag + 24), rd8(tag + 28),
                            rd8(tag + 29), rgb);
        }
        tag += (size + 7u) & ~7u;
    }
    if (bi->mem_count == 0)
        add_region(bi, ONE_MIB, upper_kib << 10);
}

bool bootinfo_parse(uint32_t magic, uintptr_t info_addr, struct boot_info *out)
{
    memset(out, 0, sizeof *out);
    if (magic == MB2_BOOT_MAGIC) {
        out->loader = "multiboot2";
        parse_mb2(info_addr, out);
    } else if (magic == MB1_BOOT_MAGIC) {
        out->loader = "multiboot";
        parse_mb1(info_addr, out);
    } else {
        kprintf("cumulonimbus: boot: unknown boot loader magic 0x%x: not multiboot or multiboot2\n", magic);
        return false;
    }
    drop_file_name(out->cmdline, magic == MB1_BOOT_MAGIC);
    return true;
}
