/*
 * names.h - the kernel's vocabulary as people write it: the names of the
 * balancer policies (enum hal_balance_policy) and of the migration modes
 * (enum migrate_mode). Scenario files, command lines, the x86 kernel's
 * boot line and the trace all spell them from this one table.
 */
#ifndef CORE_NAMES_H
#define CORE_NAMES_H

#include "../hal/hal_types.h"

/* "none", "random", "offer", "two-choices", "mosix"; "unknown" for a
 * number that is no policy. */
const char *balance_policy_name(uint32_t policy);
/* "stop-and-copy", "pre-copy"; "unknown" for a number that is no mode. */
const char *migrate_mode_name(uint32_t mode);

/* The policy or mode named by the `len` bytes at `name` (no NUL needed):
 * its number, or -1 when nothing is called that. */
int balance_policy_find(const char *name, size_t len);
int migrate_mode_find(const char *name, size_t len);

#endif
