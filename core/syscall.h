/*
 * syscall.h - system call dispatch (the ABI is in abi.h).
 */
#ifndef CORE_SYSCALL_H
#define CORE_SYSCALL_H

struct kernel;
struct proc;

/* Carry out (or resume) the system call named by p's a7. Afterwards p has
 * its result in a0 and stays runnable, or is blocked, or has exited. */
void syscall_handle(struct kernel *k, struct proc *p);

#endif
