/*
 * crt0.S - the entry point of every user program. The kernel starts a
 * process here with a0 = argc, a1 = argv and sp 16-aligned (core/abi.h);
 * nothing else needs setting up (no gp: the build disables gp-relative
 * relaxation and small data). main's return value is the exit status.
 */
    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    call main
    call exit           /* flushes console output; never returns */
1:  j 1b
    .size _start, . - _start
