/*
 * bootinfo.h - what the boot loader told us, in one form whether it was
 * GRUB (multiboot2) or QEMU's -kernel (multiboot 1).
 */
#ifndef HAL_X86_BOOTINFO_H
#define HAL_X86_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_MEM_REGIONS 32u
#define BOOT_CMDLINE_BYTES 512u
#define BOOT_MAX_MODULES 16u
#define BOOT_MODULE_NAME_BYTES 33u /* ABI_PROGRAM_NAME_MAX + 1 */

struct boot_mem_region {
    uint64_t base, length; /* usable RAM only */
};

/* A linear framebuffer, 32 bits per pixel (0x00RRGGBB); `present` is false
 * when the loader left the screen in VGA text mode. */
struct boot_framebuffer {
    bool present;
    uint64_t addr;
    uint32_t pitch; /* bytes per row */
    uint32_t width, height;
    uint8_t bpp;
};

/* A boot module: a user program nimbus boot hands to the node
 * (`--program NAME=PATH`). Its bytes stay where the loader put them,
 * [start, end), which pages.c keeps out of the allocator. `name` is the
 * last word of the module's string ("PATH NAME" from QEMU's -initrd). */
struct boot_module {
    uint32_t start, end;
    char name[BOOT_MODULE_NAME_BYTES];
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_BYTES]; /* NUL-terminated, may be empty */
    bool cmdline_too_long;            /* the loader's did not fit: cmdline is cut */
    struct boot_mem_region mem[BOOT_MAX_MEM_REGIONS];
    uint32_t mem_count;
    struct boot_framebuffer fb;
    const char *loader; /* "multiboot2" or "multiboot" */
    struct boot_module modules[BOOT_MAX_MODULES];
    uint32_t module_count;
};

/* Parse the loader's information; false (with a message on serial) when
 * `magic` is neither protocol's. */
bool bootinfo_parse(uint32_t magic, uintptr_t info_addr, struct boot_info *out);

#endif
