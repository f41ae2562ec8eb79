/*
 * hal_panic.h - how the core reports a broken invariant of its own.
 *
 * KASSERT (core/kassert.h) calls assert_failed when a condition the
 * kernel itself guarantees is false: its state is corrupt, so nothing it
 * does afterwards can be trusted. Input from outside (frames, system-call
 * arguments, program images) never reaches here; it gets error codes.
 *
 * Contract: assert_failed must NOT return. The platform reports the
 * failure and stops the node for good: the simulator ends the whole run
 * (exit status 2, with a reproduce line), x86 shows its panic screen and
 * halts, a test harness may longjmp out of the kernel and never enter it
 * again. If it returns anyway, the core traps (__builtin_trap), so the
 * failed code path never continues. `a` and its strings are valid only
 * during the call; `ctx` is the node's context as for every HAL op.
 */
#ifndef HAL_PANIC_H
#define HAL_PANIC_H

#include "hal_types.h"

struct hal_assert {
    const char *file; /* source file of the KASSERT, e.g. "core/ipc.c" */
    uint32_t line;
    const char *expr; /* the condition's text, as written */
    const char *msg;  /* KASSERT_MSG's explanation; NULL for KASSERT */
    uint16_t node;    /* the node whose kernel failed */
};

struct hal_panic_ops {
    void (*assert_failed)(void *ctx, const struct hal_assert *a);
};

#endif
