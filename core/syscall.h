/*
 * syscall.h - system call dispatch (the ABI is in abi.h).
 */
#ifndef CORE_SYSCALL_H
#define CORE_SYSCALL_H

struct kernel;
struct proc;

#include <stdbool.h>
#include <stdint.h>

/* Carry out (or resume) the system call named by p's a7. Afterwards p has
 * its result in a0 and stays runnable, or is blocked, or has exited. */
void syscall_handle(struct kernel *k, struct proc *p);

/* For the calls kept in other files (syscall_stock.c): finish the call
 * with `result` in a0; on a waiting call's first entry, fix its deadline;
 * has it passed; map a stack buffer the call is about to use. */
void syscall_complete(struct proc *p, int32_t result);
void syscall_begin_wait(struct kernel *k, struct proc *p, uint64_t timeout_ns);
bool syscall_deadline_passed(struct kernel *k, const struct proc *p);
void syscall_prepare(struct kernel *k, struct proc *p, uint32_t va, uint32_t len);

#endif
