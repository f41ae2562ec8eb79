/*
 * programs_xlat.h - the built-in programs' ahead-of-time translations
 * (core/rv32_xlat.h), generated at build time by tools/xlat/rvxlat from
 * the same ELF files user/programs.h embeds. Empty when the build has
 * NIMBUS_TRANSLATE off.
 */
#ifndef USER_PROGRAMS_XLAT_H
#define USER_PROGRAMS_XLAT_H

#include <stdint.h>

struct rv_xlat_program;

/* The translation of program `name` (name_len bytes), or NULL. */
const struct rv_xlat_program *user_program_xlat_find(const char *name, uint32_t name_len);

#endif
