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
#define ELF_CLASS32 1u
#define ELF_DATA_LE 1u
/* e_flags of the RISC-V psABI: compressed code, and the hardware FP ABI bits (the core itself uses none). */
#define ELF_EF_RVC 0x1u
#define ELF_EF_FLOAT_ABI 0x6u
/* Segments end below the stack's guard gap (param.h). */
#define ELF_LOAD_TOP STACK_GUARD_BASE

/* Header fields (byte offsets in the ELF32 header). */
#define EI_CLASS 4u
#define EI_DATA 5u
#define EI_VERSION 6u
#define EH_TYPE 16u
#define EH_MACHINE 18u
#define EH_VERSION 20u
#define EH_ENTRY 24u
#define EH_PHOFF 28u
#define EH_FLAGS 36u
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

/* e_ident up to EI_VERSION: magic, 32-bit, little-endian, version 1;
 * then the header fields. The OS ABI byte and the padding after it are
 * not checked. */
static enum elf_problem elf_check_header(const uint8_t *image, uint32_t size)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    if (size < ELF_EHDR_BYTES)
        return size >= sizeof magic && kmemcmp(image, magic, sizeof magic) != 0 ? ELF_NOT_ELF : ELF_TOO_SHORT;
    if (kmemcmp(image, magic, sizeof magic) != 0)
        return ELF_NOT_ELF;
    if (image[EI_CLASS] != ELF_CLASS32)
        return ELF_NOT_32_BIT;
    if (image[EI_DATA] != ELF_DATA_LE || image[EI_VERSION] != ELF_EV_CURRENT)
        return ELF_NOT_LITTLE_ENDIAN;
    if (get_le16(image + EH_TYPE) != ELF_ET_EXEC)
        return ELF_NOT_EXECUTABLE;
    if (get_le16(image + EH_MACHINE) != ELF_EM_RISCV)
        return ELF_NOT_RISCV;
    if (get_le32(image + EH_VERSION) != ELF_EV_CURRENT || get_le16(image + EH_EHSIZE) != ELF_EHDR_BYTES ||
        get_le16(image + EH_PHENTSIZE) != ELF_PHDR_BYTES)
        return ELF_BAD_HEADER;
    /* The interpreter is RV32IM: compressed or floating-point code would
     * fault at its first such instruction, long after the load. */
    uint32_t flags = get_le32(image + EH_FLAGS);
    if (flags & ELF_EF_RVC)
        return ELF_COMPRESSED;
    if (flags & ELF_EF_FLOAT_ABI)
        return ELF_FLOAT_ABI;
    return ELF_OK;
}

static uint32_t elf_perms(uint32_t flags)
{
    return ((flags & ELF_PF_R) ? VM_PERM_R : 0u) | ((flags & ELF_PF_W) ? VM_PERM_W : 0u) |
           ((flags & ELF_PF_X) ? VM_PERM_X : 0u);
}

/* Read program header i (the table is inside the image) into *seg.
 * *is_load tells a PT_LOAD from another type, which is ignored; a
 * PT_LOAD that cannot be loaded is a problem. */
static enum elf_problem elf_read_segment(const uint8_t *image, uint32_t size, uint32_t i, struct elf_segment *seg,
                                         bool *is_load)
{
    const uint8_t *ph = image + get_le32(image + EH_PHOFF) + i * ELF_PHDR_BYTES;
    *is_load = get_le32(ph + PH_TYPE) == ELF_PT_LOAD;
    if (!*is_load)
        return ELF_OK;
    seg->offset = get_le32(ph + PH_OFFSET);
    seg->vaddr = get_le32(ph + PH_VADDR);
    seg->filesz = get_le32(ph + PH_FILESZ);
    seg->memsz = get_le32(ph + PH_MEMSZ);
    seg->perms = elf_perms(get_le32(ph + PH_FLAGS));
    if ((uint64_t)seg->offset + seg->filesz > size || seg->filesz > seg->memsz || seg->memsz == 0 ||
        seg->perms == 0)
        return ELF_BAD_SEGMENT;
    if (seg->vaddr < ABI_USER_BASE || (uint64_t)seg->vaddr + seg->memsz > ELF_LOAD_TOP)
        return ELF_OUTSIDE_USER_MEMORY;
    return ELF_OK;
}

static bool elf_segment_runs(const struct elf_segment *seg, uint32_t entry)
{
    return (seg->perms & VM_PERM_X) != 0 && entry >= seg->vaddr && entry - seg->vaddr < seg->memsz;
}

/* Check every program header; ELF_OK when the image has a PT_LOAD and
 * the entry point is an aligned address in an executable one. */
static enum elf_problem elf_check_segments(const uint8_t *image, uint32_t size)
{
    uint32_t phoff = get_le32(image + EH_PHOFF), phnum = get_le16(image + EH_PHNUM);
    uint32_t entry = get_le32(image + EH_ENTRY);
    /* After this check every header elf_read_segment reads is inside. */
    if ((uint64_t)phoff + (uint64_t)phnum * ELF_PHDR_BYTES > size)
        return ELF_BAD_PROGRAM_HEADERS;
    bool entry_ok = false;
    for (uint32_t i = 0; i < phnum; i++) {
        struct elf_segment seg;
        bool is_load = false;
        enum elf_problem p = elf_read_segment(image, size, i, &seg, &is_load);
        if (p != ELF_OK)
            return p;
        entry_ok |= is_load && elf_segment_runs(&seg, entry);
    }
    return entry_ok && (entry & 3u) == 0 ? ELF_OK : ELF_BAD_ENTRY;
}

enum elf_problem elf_check(const uint8_t *image, uint32_t size)
{
    if (image == NULL)
        return ELF_TOO_SHORT;
    enum elf_problem p = elf_check_header(image, size);
    return p != ELF_OK ? p : elf_check_segments(image, size);
}

const char *elf_problem_text(enum elf_problem p)
{
    switch (p) {
    case ELF_OK: return "a valid RV32IM executable";
    case ELF_TOO_SHORT: return "too short for an ELF header (52 bytes)";
    case ELF_NOT_ELF: return "not an ELF file";
    case ELF_NOT_32_BIT: return "not a 32-bit ELF file (programs are RV32IM: build with --target=riscv32)";
    case ELF_NOT_LITTLE_ENDIAN: return "not a little-endian ELF file of version 1";
    case ELF_NOT_EXECUTABLE:
        return "not an executable (an object file, shared object or PIE: link it -static, without -pie)";
    case ELF_NOT_RISCV: return "not a RISC-V executable (e_machine is not EM_RISCV, 243)";
    case ELF_BAD_HEADER: return "a broken ELF header (e_version, e_ehsize or e_phentsize)";
    case ELF_COMPRESSED: return "uses compressed instructions (build with -march=rv32im, not rv32imc)";
    case ELF_FLOAT_ABI: return "uses a floating-point ABI (build with -mabi=ilp32)";
    case ELF_BAD_PROGRAM_HEADERS: return "its program headers run past the end of the file";
    case ELF_BAD_SEGMENT:
        return "a loadable segment runs past the end of the file, is larger in the file than in memory, "
               "or has no permissions";
    case ELF_OUTSIDE_USER_MEMORY:
        return "a loadable segment lies outside user memory (link at 0x10000 with user/link.ld)";
    case ELF_BAD_ENTRY: return "its entry point is not an aligned address in an executable segment";
    }
    return "a broken ELF file";
}

/* Map and fill the (validated) segments. */
static int elf_map_segments(struct vm *vm, struct kernel *k, const uint8_t *image, uint32_t size)
{
    uint32_t phnum = get_le16(image + EH_PHNUM);
    for (uint32_t i = 0; i < phnum; i++) {
        struct elf_segment seg;
        bool is_load = false;
        if (elf_read_segment(image, size, i, &seg, &is_load) != ELF_OK || !is_load)
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
    if (elf_check(image, size) != ELF_OK)
        return ERR_BAD_IMAGE;
    int err = elf_map_segments(vm, k, image, size);
    if (err == 0)
        *entry = get_le32(image + EH_ENTRY);
    return err;
}
