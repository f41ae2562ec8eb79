/*
 * elf.h - loading RV32 ELF executables into an address space.
 *
 * The image is untrusted: every header field, offset and size is checked
 * before use. A valid image is a little-endian ELF32 ET_EXEC for EM_RISCV
 * whose PT_LOAD segments lie inside [ABI_USER_BASE, ABI_USER_TOP - stack)
 * and inside the file, with the entry point in an executable segment.
 */
#ifndef CORE_ELF_H
#define CORE_ELF_H

#include <stdint.h>

#include "vm.h"

/* What is wrong with an image, first problem found (elf_check). */
enum elf_problem {
    ELF_OK = 0,
    ELF_TOO_SHORT,         /* shorter than an ELF header */
    ELF_NOT_ELF,           /* no ELF magic */
    ELF_NOT_32_BIT,        /* ELFCLASS64 or another class */
    ELF_NOT_LITTLE_ENDIAN, /* or an unknown data encoding or ident version */
    ELF_NOT_EXECUTABLE,    /* ET_REL, ET_DYN (a PIE or shared object), ET_CORE */
    ELF_NOT_RISCV,         /* e_machine is not EM_RISCV */
    ELF_BAD_HEADER,        /* e_version, e_ehsize or e_phentsize not as ELF32 has them */
    ELF_COMPRESSED,        /* built for the C extension (EF_RISCV_RVC) */
    ELF_FLOAT_ABI,         /* a hardware floating-point ABI */
    ELF_BAD_PROGRAM_HEADERS, /* the table runs past the file */
    ELF_BAD_SEGMENT,       /* a PT_LOAD past the file, memsz < filesz, or none of r/w/x */
    ELF_OUTSIDE_USER_MEMORY, /* a PT_LOAD outside [ABI_USER_BASE, the stack's guard gap) */
    ELF_BAD_ENTRY,         /* no PT_LOAD, or the entry is unaligned or not in an executable one */
};

/* Check the whole image as elf_load would, without loading it: ELF_OK or
 * the first problem. For loaders that want to refuse a bad program
 * before any kernel runs it (a scenario's "programs"). */
enum elf_problem elf_check(const uint8_t *image, uint32_t size);

/* A short description of `p` for messages, e.g. "not a RISC-V
 * executable (e_machine is not EM_RISCV, 243)". */
const char *elf_problem_text(enum elf_problem p);

/* Map and fill the image's segments in `vm` and store the entry point.
 * 0, ERR_BAD_IMAGE (elf_check found a problem, or nothing usable was
 * loaded; the caller destroys vm), or ERR_NO_MEMORY. */
int elf_load(struct vm *vm, struct kernel *k, const uint8_t *image, uint32_t size, uint32_t *entry);

#endif
