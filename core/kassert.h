/*
 * kassert.h - assertions on the kernel's own invariants, on in every build.
 *
 * KASSERT(k, cond) states something the core guarantees (a structure's
 * invariant, a function's precondition or postcondition). When it is false
 * the node's state is corrupt: the failure goes to the HAL's panic op
 * (hal_panic.h), which stops the node (the simulator the whole run) and
 * never returns. `k` is how the core reaches its HAL (the core has no
 * globals). Never assert on input from outside the kernel (frames,
 * system-call arguments, program images): those get error codes.
 *
 * Keep conditions O(1): they run in every build, hot paths included.
 */
#ifndef CORE_KASSERT_H
#define CORE_KASSERT_H

struct kernel;

/* Report the failure through k's HAL; never returns. */
__attribute__((noreturn, cold, noinline)) void kassert_fail(const struct kernel *k, const char *file,
                                                            unsigned line, const char *expr,
                                                            const char *msg);

/* The text is taken here, before macros in `cond` expand, so reports show
 * the condition as written (MAILBOX_CAPACITY, not 16u). */
#define KASSERT(k, cond) KASSERT_TEXT(k, cond, #cond, (const char *)0)
#define KASSERT_MSG(k, cond, msg) KASSERT_TEXT(k, cond, #cond, (msg))

#define KASSERT_TEXT(k, cond, text, msg)                                                            \
    do {                                                                                            \
        if (__builtin_expect(!(cond), 0))                                                           \
            kassert_fail((k), __FILE__, __LINE__, (text), (msg));                                   \
    } while (0)

#endif
