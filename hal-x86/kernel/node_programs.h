/*
 * node_programs.h - the programs a node can start: the ones built into
 * the image (user/programs.h), then the boot modules nimbus boot handed
 * over (`nimbus boot --program NAME=PATH`, bootinfo.h). A module's bytes
 * are used where the loader put them; the core checks every byte when a
 * spawn reads them (core/elf.h), so a truncated or foreign file fails
 * that spawn with ERR_BAD_IMAGE and nothing else.
 */
#ifndef HAL_X86_NODE_PROGRAMS_H
#define HAL_X86_NODE_PROGRAMS_H

#include <stdint.h>

#include "bootinfo.h"
#include "user/programs.h"

/* Take the modules of `bi` as programs; one named like a built-in
 * program, or like an earlier module, is left out with a message. */
void node_programs_init(const struct boot_info *bi);

/* The program called `name` (name_len bytes), or NULL. */
const struct user_program *node_program_find(const char *name, uint32_t name_len);

/* All of them, built-in ones first (indexes below user_program_count),
 * then the modules: index < node_program_count(). */
uint32_t node_program_count(void);
const struct user_program *node_program_at(uint32_t index);

#endif
