/*
 * programs.h - the RV32IM user programs built into the host binaries
 * (the simulator and the tests), found by name.
 */
#ifndef USER_PROGRAMS_H
#define USER_PROGRAMS_H

#include <stdint.h>

struct user_program {
    const char *name;
    const uint8_t *image; /* the ELF file's bytes */
    uint32_t size;
};

extern const struct user_program user_programs[];
extern const uint32_t user_program_count;

/* The program called `name` (name_len bytes), or NULL. */
const struct user_program *user_program_find(const char *name, uint32_t name_len);

#endif
