/*
 * boot_programs.h - the files of `nimbus boot --program NAME=PATH`,
 * checked on the host before any QEMU starts (boot_qemu.c then hands them
 * to every node as multiboot modules with -initrd).
 */
#ifndef HAL_X86_HOST_BOOT_PROGRAMS_H
#define HAL_X86_HOST_BOOT_PROGRAMS_H

#include <stddef.h>

#include "boot_args.h"

/* Read every --program file and check it as the kernel will (core/elf.h
 * elf_check): 0, or -1 with "--program NAME=PATH: reason" in err. */
int boot_programs_check(const struct boot_options *o, char *err, size_t err_bytes);

#endif
