/*
 * elf.c - loading RV32 ELF executables, written from the ELF32 format
 * (System V ABI) and the RISC-V ELF psABI (EM_RISCV = 243).
 *
 * The image is untrusted. Every field is checked, in 64-bit arithmetic
 * where offsets and sizes add up, before anything is mapped: the header,
 * the program header table, and every PT_LOAD segment. Only then are the
 * segments mapped and filled. Other program headers and all section
 * headers are ignored; the kernel needs neither.
 */
#include "elf.h"

#include "bytes.h"
#include "param.h"

#define ELF_EHDR_BYTES 52u
#define ELF_PHDR_BYTES 32u
#define ELF_ET_EXEC 2u
#define ELF_EM_RISCV 243u
#define ELF_EV_CURRENT 1u
#define ELF_PT_LOAD 1u
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u
/* Segments end below the stack's guard gap (param.h). */
#define ELF_LOAD_TOP STACK_GUARD_BASE

/* Header fields (byte offsets in the ELF32 header). */
#define EH_TYPE 16u
#define EH_MACHINE 18u
#define EH_VERSION 20u
#define EH_ENTRY 24u
#define EH_PHOFF 28u
#define EH_EHSIZE 40u
#define EH_PHENTSIZE 42u
#define EH_PHNUM 44u

/* Program header fields. */
#define PH_TYPE 0u
#define PH_OFFSET 4u
#define PH_VADDR 8u
#define PH_FILESZ 16u
#define PH_MEMSZ 20u
#define PH_FLAGS 24u

struct elf_segment {
    uint32_t offset, vaddr, filesz, memsz, perms;
};

/* e_ident up to EI_VERSION: magic, 32-bit, little-endian, version 1. The
 * OS ABI byte and the padding after it are not checked. */
static bool elf_header_ok(const uint8_t *image, uint32_t size)
{
    static const uint8_t ident[7] = {0x7f, 'E', 'L', 'F', 1, 1, ELF_EV_CURRENT};
    if (size < ELF_EHDR_BYTES || kmemcmp(image, ident, sizeof ident) != 0)
        return false;
    return get_le16(image + EH_TYPE) == ELF_ET_EXEC && get_le16(image + EH_MACHINE) == ELF_EM_RISCV &&
           get_le32(image + EH_VERSION) == ELF_EV_CURRENT && get_le16(image + EH_EHSIZE) == ELF_EHDR_BYTES &&
           get_le16(image + EH_PHENTSIZE) == ELF_PHDR_BYTES;
}

static uint32_t elf_perms(uint32_t flags)
{
    return ((flags & ELF_PF_R) ? VM_PERM_R : 0u) | ((flags & ELF_PF_W) ? VM_PERM_W : 0u) |
           ((flags & ELF_PF_X) ? VM_PERM_X : 0u);
}

/* Read program header i (the table is inside the image). 1: a valid
 * PT_LOAD, in *seg; 0: another type, to be ignored; or ERR_BAD_IMAGE. */
static int elf_read_segment(const uint8_t *image, uint32_t size, uint32_t i, struct elf_segment *seg)
{
    const uint8_t *ph = image + get_le32(image + EH_PHOFF) + i * ELF_PHDR_BYTES;
    if (get_le32(ph + PH_TYPE) != ELF_PT_LOAD)
        return 0;
    seg->offset = get_le32(ph + PH_OFFSET);
    seg->vaddr = get_le32(ph + PH_VADDR);
    seg->filesz = get_le32(ph + PH_FILESZ);
    seg->memsz = get_le32(ph + PH_MEMSZ);
    seg->perms = elf_perms(get_le32(ph + PH_FLAGS));
    if ((uint64_t)seg->offset + seg->filesz > size || seg->filesz > seg->memsz || seg->memsz == 0)
        return ERR_BAD_IMAGE;
    if (seg->vaddr < ABI_USER_BASE || (uint64_t)seg->vaddr + seg->memsz > ELF_LOAD_TOP)
        return ERR_BAD_IMAGE;
    return seg->perms == 0 ? ERR_BAD_IMAGE : 1;
}

static bool elf_segment_runs(const struct elf_segment *seg, uint32_t entry)
{
    return (seg->perms & VM_PERM_X) != 0 && entry >= seg->vaddr && entry - seg->vaddr < seg->memsz;
}

/* Check every program header; 0 when the image has a PT_LOAD and the
 * entry point is an aligned address in an executable one. */
static int elf_validate(const uint8_t *image, uint32_t size)
{
    uint32_t phoff = get_le32(image + EH_PHOFF), phnum = get_le16(image + EH_PHNUM);
    uint32_t entry = get_le32(image + EH_ENTRY);
    /* After this check every header elf_read_segment reads is inside. */
    if ((uint64_t)phoff + (uint64_t)phnum * ELF_PHDR_BYTES > size || (entry & 3u) != 0)
        return ERR_BAD_IMAGE;
    bool loads = false, entry_ok = false;
    for (uint32_t i = 0; i < phnum; i++) {
        struct elf_segment seg;
        int found = elf_read_segment(image, size, i, &seg);
        if (found < 0)
            return found;
        loads |= found == 1;
        entry_ok |= found == 1 && elf_segment_runs(&seg, entry);
    }
    return loads && entry_ok ? 0 : ERR_BAD_IMAGE;
}

/* Map and fill the (validated) segments. */
static int elf_map_segments(struct vm *vm, struct kernel *k, const uint8_t *image, uint32_t size)
{
    uint32_t phnum = get_le16(image + EH_PHNUM);
    for (uint32_t i = 0; i < phnum; i++) {
        struct elf_segment seg;
        if (elf_read_segment(image, size, i, &seg) != 1)
            continue;
        int err = vm_map(vm, k, seg.vaddr, seg.memsz, seg.perms);
        if (err == 0)
            err = vm_write_image(vm, seg.vaddr, image + seg.offset, seg.filesz);
        if (err != 0)
            return err == ERR_NO_MEMORY ? ERR_NO_MEMORY : ERR_BAD_IMAGE;
    }
    return 0;
}

int elf_load(struct vm *vm, struct kernel *k, const uint8_t *image, uint32_t size, uint32_t *entry)
{
    if (image == NULL || !elf_header_ok(image, size))
        return ERR_BAD_IMAGE;
    int err = elf_validate(image, size);
    if (err == 0)
        err = elf_map_segments(vm, k, image, size);
    if (err == 0)
        *entry = get_le32(image + EH_ENTRY);
    return err;
}
