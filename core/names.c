/* names.c - see names.h. */
#include "names.h"

#include "../hal/hal_trace.h"
#include "kernel.h"

/* Indexed by enum hal_balance_policy. */
static const char *const policy_names[HAL_BALANCE_COUNT] = {
    [HAL_BALANCE_NONE] = "none",
    [HAL_BALANCE_RANDOM] = "random",
    [HAL_BALANCE_OFFER] = "offer",
    [HAL_BALANCE_TWO_CHOICES] = "two-choices",
    [HAL_BALANCE_MOSIX] = "mosix",
};

/* Indexed by enum migrate_mode. */
static const char *const mode_names[] = {
    [MIGRATE_STOP_AND_COPY] = "stop-and-copy",
    [MIGRATE_PRE_COPY] = "pre-copy",
};
#define MODE_COUNT (sizeof mode_names / sizeof mode_names[0])

/* Whether the `len` bytes at `text` are exactly the string `name`. */
static bool names_equal(const char *text, size_t len, const char *name)
{
    size_t i = 0;
    for (; i < len; i++)
        if (name[i] != text[i] || name[i] == '\0')
            return false;
    return name[i] == '\0';
}

static int names_find(const char *const *table, uint32_t count, const char *name, size_t len)
{
    for (uint32_t i = 0; i < count; i++)
        if (names_equal(name, len, table[i]))
            return (int)i;
    return -1;
}

const char *balance_policy_name(uint32_t policy)
{
    return policy < HAL_BALANCE_COUNT ? policy_names[policy] : "unknown";
}

const char *migrate_mode_name(uint32_t mode) { return mode < MODE_COUNT ? mode_names[mode] : "unknown"; }

int balance_policy_find(const char *name, size_t len)
{
    return names_find(policy_names, HAL_BALANCE_COUNT, name, len);
}

int migrate_mode_find(const char *name, size_t len) { return names_find(mode_names, MODE_COUNT, name, len); }
