/*
 * panic.c - see panic.h. Every line starts with "cumulonimbus: " so the
 * tests and the launcher see it. The backtrace follows the saved frame
 * pointers (the kernel is built with them), checking each one before it
 * is read, so a corrupt stack ends the trace rather than faulting again.
 * Addresses resolve with addr2line against cumulonimbus-debug.elf.
 */
#include "panic.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "debug_exit.h"
#include "kprint.h"

#define BACKTRACE_MAX_FRAMES 24u
#define VECTOR_PAGE_FAULT 14

extern const char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[]; /* boot.S */

static const char *const exception_names[IDT_EXCEPTIONS] = {
    [0] = "divide error",
    [1] = "debug",
    [2] = "non-maskable interrupt",
    [3] = "breakpoint",
    [4] = "overflow",
    [5] = "bound range exceeded",
    [6] = "invalid opcode",
    [7] = "device not available",
    [8] = "double fault",
    [10] = "invalid TSS",
    [11] = "segment not present",
    [12] = "stack-segment fault",
    [13] = "general protection fault",
    [14] = "page fault",
    [16] = "x87 floating-point error",
    [17] = "alignment check",
    [18] = "machine check",
    [19] = "SIMD floating-point error",
    [20] = "virtualization exception",
    [21] = "control protection fault",
};

static volatile bool panicking;

/* A second fault while panicking may come from the screen: finish on
 * serial alone, and skip whatever the first attempt had not printed. */
static void enter_panic(void)
{
    cpu_disable_interrupts();
    if (panicking) {
        kprint_use_screen(false);
        kprintf("cumulonimbus: PANIC: fault while panicking; halting\n");
        debug_exit(PANIC_EXIT_STATUS);
        cpu_halt_forever();
    }
    panicking = true;
}

static _Noreturn void finish_panic(void)
{
    kprintf("cumulonimbus: halted\n");
    debug_exit(PANIC_EXIT_STATUS);
    cpu_halt_forever();
}

static uint64_t read_cr(int n)
{
    uint64_t v = 0;
    switch (n) {
    case 0: __asm__ volatile("mov %%cr0, %0" : "=r"(v)); break;
    case 2: __asm__ volatile("mov %%cr2, %0" : "=r"(v)); break;
    case 3: __asm__ volatile("mov %%cr3, %0" : "=r"(v)); break;
    case 4: __asm__ volatile("mov %%cr4, %0" : "=r"(v)); break;
    }
    return v;
}

static void print_registers(const struct interrupt_frame *f)
{
    kprintf("cumulonimbus:   rip %016llx  rsp %016llx  rflags %016llx\n", (unsigned long long)f->rip,
            (unsigned long long)f->rsp, (unsigned long long)f->rflags);
    kprintf("cumulonimbus:   rax %016llx  rbx %016llx  rcx %016llx\n", (unsigned long long)f->rax,
            (unsigned long long)f->rbx, (unsigned long long)f->rcx);
    kprintf("cumulonimbus:   rdx %016llx  rsi %016llx  rdi %016llx\n", (unsigned long long)f->rdx,
            (unsigned long long)f->rsi, (unsigned long long)f->rdi);
    kprintf("cumulonimbus:   rbp %016llx  r8  %016llx  r9  %016llx\n", (unsigned long long)f->rbp,
            (unsigned long long)f->r8, (unsigned long long)f->r9);
    kprintf("cumulonimbus:   r10 %016llx  r11 %016llx  r12 %016llx\n", (unsigned long long)f->r10,
            (unsigned long long)f->r11, (unsigned long long)f->r12);
    kprintf("cumulonimbus:   r13 %016llx  r14 %016llx  r15 %016llx\n", (unsigned long long)f->r13,
            (unsigned long long)f->r14, (unsigned long long)f->r15);
    kprintf("cumulonimbus:   cs %04llx ss %04llx  cr0 %016llx  cr2 %016llx\n", (unsigned long long)f->cs,
            (unsigned long long)f->ss, (unsigned long long)read_cr(0), (unsigned long long)read_cr(2));
    kprintf("cumulonimbus:   cr3 %016llx  cr4 %016llx\n", (unsigned long long)read_cr(3),
            (unsigned long long)read_cr(4));
}

/* A frame pointer worth following: aligned, above the previous one (the
 * stack grows down) and inside the kernel's one stack. */
static bool frame_plausible(uint64_t fp, uint64_t previous)
{
    return fp % 8 == 0 && fp > previous && fp >= (uintptr_t)boot_stack_bottom &&
           fp + 16 <= (uintptr_t)boot_stack_top;
}

/* `pc` first (when not 0), then the return address of each frame from
 * `rbp` up. */
static void print_backtrace(uint64_t pc, uint64_t rbp)
{
    kprintf("cumulonimbus: backtrace (addr2line -e cumulonimbus-debug.elf):\n");
    unsigned depth = 0;
    if (pc != 0)
        kprintf("cumulonimbus:   #%u %016llx\n", depth++, (unsigned long long)pc);
    uint64_t previous = 0;
    for (; depth < BACKTRACE_MAX_FRAMES && frame_plausible(rbp, previous); depth++) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1];
        if (ret == 0)
            break;
        kprintf("cumulonimbus:   #%u %016llx\n", depth, (unsigned long long)ret);
        previous = rbp;
        rbp = frame[0];
    }
}

void panic_exception(const struct interrupt_frame *f)
{
    enter_panic();
    const char *name = exception_names[f->vector % IDT_EXCEPTIONS];
    kprintf("cumulonimbus: PANIC: %s (vector %llu, error 0x%llx)\n", name ? name : "reserved exception",
            (unsigned long long)f->vector, (unsigned long long)f->error);
    if (f->vector == VECTOR_PAGE_FAULT)
        kprintf("cumulonimbus:   page fault address %016llx (%s, %s)\n", (unsigned long long)read_cr(2),
                f->error & 1 ? "protection" : "not present", f->error & 2 ? "write" : "read");
    if (f->rsp >= (uintptr_t)boot_stack_guard && f->rsp < (uintptr_t)boot_stack_bottom + 64)
        kprintf("cumulonimbus:   the stack pointer is at the guard page: the kernel stack "
                "overflowed\n");
    print_registers(f);
    print_backtrace(f->rip, f->rbp);
    finish_panic();
}

void panic(const char *fmt, ...)
{
    enter_panic();
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    kprintf("cumulonimbus: PANIC: %s\n", text);
    print_backtrace(0, (uintptr_t)__builtin_frame_address(0));
    finish_panic();
}

void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}
