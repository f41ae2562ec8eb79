/*
 * kassert_selftest.h - selftest=kassert: a kernel invariant broken on
 * purpose, to show that the x86 image catches a failed KASSERT on its
 * panic screen and serial port (file, line, condition, backtrace) and
 * halts. A test hook: nothing but this self test breaks the invariant.
 */
#ifndef HAL_X86_KASSERT_SELFTEST_H
#define HAL_X86_KASSERT_SELFTEST_H

struct kernel;

#define KASSERT_SELFTEST_NAME "kassert"

/* Spawn a process, make its mailbox longer than any mailbox can be, and
 * switch the node off through kernel_destroy, whose free of the mailbox
 * asserts its bounds. Does not return: the assertion panics (status 1
 * if it did not fire). */
_Noreturn void kassert_selftest_run(struct kernel *k);

#endif
