/*
 * kassert.c - the failure path of KASSERT: hand the failure to the HAL.
 * Kept out of line and cold so that a KASSERT costs its test and a
 * never-taken branch.
 */
#include "kassert.h"

#include "kernel_priv.h"

/* "core/ipc.c" from whatever path the compiler was given: the last two
 * components, so reports do not depend on where the tree was built. */
static const char *short_path(const char *file)
{
    const char *last = file, *before = file;
    for (const char *p = file; *p != '\0'; p++) {
        if (*p == '/') {
            before = last;
            last = p + 1;
        }
    }
    return before;
}

void kassert_fail(const struct kernel *k, const char *file, unsigned line, const char *expr,
                  const char *msg)
{
    struct hal_assert a = {
        .file = short_path(file), .line = line, .expr = expr, .msg = msg, .node = k->node_id,
    };
    k->hal.panic->assert_failed(k->hal.ctx, &a);
    __builtin_trap(); /* the platform broke its contract: never go on */
}
