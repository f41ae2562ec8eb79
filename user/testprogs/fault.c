/*
 * fault <kind> - does one thing a program must not do; the kernel should
 * end the process there. If it ever comes back, prints
 *   fault: survived <kind>
 * and exits 0. Kinds:
 *   load        load a word from an unmapped address (0x00800000)
 *   store       store a word into its own text (mapped read+execute)
 *   fetch       jump to code placed in its data segment (read+write)
 *   illegal     execute the all-zero word, an illegal instruction
 *   ebreak      execute ebreak
 *   misaligned  jump to an address that is not a multiple of 4
 *   stack       recurse until the stack overflows its 64 KiB
 * An unknown kind prints a usage line and exits 2.
 */
#include "nimbus.h"

#define UNMAPPED_ADDRESS 0x00800000u

/* "li a0, 0; ret": harmless if the kernel executes it anyway. Not static,
 * so the compiler cannot prove it constant and move it to .rodata. */
uint32_t data_code[2] = {0x00000513u, 0x00008067u};

static volatile uint32_t recursion_guard;

static uint32_t recurse(uint32_t depth)
{
    volatile uint32_t frame[64];
    frame[depth % 64u] = depth;
    if (recursion_guard != 0)
        return 0;
    return recurse(depth + 1) + frame[depth % 64u];
}

static void returns_zero(void)
{
}

static void do_fault(const char *kind)
{
    if (strcmp(kind, "load") == 0) {
        (void)*(volatile uint32_t *)(uintptr_t)UNMAPPED_ADDRESS;
    } else if (strcmp(kind, "store") == 0) {
        *(volatile uint32_t *)(uintptr_t)&returns_zero = 0;
    } else if (strcmp(kind, "fetch") == 0) {
        void (*volatile f)(void) = (void (*)(void))(uintptr_t)data_code;
        f();
    } else if (strcmp(kind, "illegal") == 0) {
        __asm__ volatile(".word 0x00000000");
    } else if (strcmp(kind, "ebreak") == 0) {
        __asm__ volatile("ebreak");
    } else if (strcmp(kind, "misaligned") == 0) {
        void (*volatile f)(void) = (void (*)(void))((uintptr_t)&returns_zero + 2u);
        f();
    } else if (strcmp(kind, "stack") == 0) {
        recurse(0);
    }
}

int main(int argc, char **argv)
{
    static const char *const kinds[] = {"load", "store", "fetch", "illegal", "ebreak", "misaligned", "stack"};
    for (uint32_t i = 0; argc == 1 && i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(argv[0], kinds[i]) == 0) {
            do_fault(kinds[i]);
            printf("fault: survived %s\n", kinds[i]);
            return 0;
        }
    }
    printf("usage: fault load|store|fetch|illegal|ebreak|misaligned|stack\n");
    return 2;
}
