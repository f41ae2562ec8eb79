/*
 * isr.S - the entry of every interrupt vector (see idt.h). Each stub
 * pushes a zero where the CPU pushes no error code, then its vector; the
 * common part saves the general registers as a struct interrupt_frame,
 * calls interrupt_dispatch(frame) and returns from the interrupt.
 */

/* The exceptions for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(n) ((n) == 8 || (n) == 10 || (n) == 11 || (n) == 12 || (n) == 13 || \
                           (n) == 14 || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

    .text
    .code64

.macro ISR_STUB n
isr_stub_\n:
    .if HAS_ERROR_CODE(\n) == 0
    push $0
    .endif
    push $\n
    jmp isr_common
.endm

.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31, \
        32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47, \
        48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    ISR_STUB \n
.endr

isr_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    /* The CPU aligned the stack to 16 before its five words; with the two
     * above and these fifteen the call sees an aligned stack again. */
    mov %rsp, %rdi
    cld
    call interrupt_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp /* vector and error code */
    iretq

    .section .rodata
    .balign 8
    .globl isr_stub_table
isr_stub_table:
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31, \
        32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47, \
        48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    .quad isr_stub_\n
.endr
