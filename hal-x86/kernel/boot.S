/*
 * boot.S - the first instructions the kernel runs.
 *
 * The image carries two boot protocols' headers: multiboot 2 for GRUB and
 * multiboot 1 for QEMU's -kernel. Both loaders enter boot_entry32 in
 * 32-bit protected mode with paging off, the magic in EAX and the
 * information structure's address in EBX. From there: clear .bss, check
 * for long mode, identity-map the low 4 GiB (2 MiB pages, except the first
 * 8 MiB, where the kernel lies, in 4 KiB pages so that page 0 and the
 * guard page under the stack stay unmapped), enable PAE and long mode,
 * load the GDT, jump to 64-bit code and call kmain(magic, info).
 */
#include "gdt.h"

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003 /* page-aligned modules, memory information */
#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0
#define MB2_TAG_END 0
#define MB2_TAG_FRAMEBUFFER 5
#define MB2_TAG_OPTIONAL 1

#define PTE_PRESENT_WRITABLE 0x003
#define PDE_LARGE_PAGE 0x083 /* present, writable, 2 MiB */
#define PAGE_TABLE_ENTRIES 512
#define IDENTITY_MAP_GIB 4
#define LOW_PAGE_TABLES 4 /* 4 KiB pages for the first 8 MiB (link.ld) */
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define CPUID_EXT_MAX 0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_LONG_MODE (1 << 29)
#define COM1 0x3F8
#define DEBUG_EXIT_PORT 0xF4 /* debug_exit.c */
#define PANIC_EXIT_STATUS 3  /* panic.h */

/* ---- the headers ---------------------------------------------------- */

    .section .multiboot, "a"
    .balign 8
mb1_header: /* within the first 8 KiB of the file */
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long 0x100000000 - (MB1_MAGIC + MB1_FLAGS)

    .balign 8
mb2_header: /* within the first 32 KiB of the file */
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    .balign 8 /* ask for 1024x768x32; optional: text mode boots too */
    .short MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
    .long 20
    .long 1024, 768, 32
    .balign 8
    .short MB2_TAG_END, 0
    .long 8
mb2_header_end:

/* ---- 32-bit entry --------------------------------------------------- */

    .section .boot.text, "ax"
    .code32
    .globl boot_entry32
boot_entry32:
    cli
    cld
    mov %eax, %ebp /* the loader's magic, kept until kmain */
    mov %ebx, %esi /* its information structure */

    /* Zero .bss: the page tables and the stack live there. */
    mov $_bss_start, %edi
    mov $_bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    mov $boot_stack_top, %esp

    mov $CPUID_EXT_MAX, %eax
    cpuid
    cmp $CPUID_EXT_FEATURES, %eax
    jb no_long_mode
    mov $CPUID_EXT_FEATURES, %eax
    cpuid
    test $CPUID_EXT_LONG_MODE, %edx
    jz no_long_mode

    /* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
    mov $boot_pdpt + PTE_PRESENT_WRITABLE, %eax
    mov %eax, boot_pml4
    mov $boot_pd + PTE_PRESENT_WRITABLE, %eax
    mov $boot_pdpt, %edi
    mov $IDENTITY_MAP_GIB, %ecx
1:  mov %eax, (%edi)
    add $4096, %eax
    add $8, %edi
    loop 1b

    /* 2048 entries of 2 MiB: 4 GiB, virtual == physical. */
    mov $boot_pd, %edi
    mov $PDE_LARGE_PAGE, %eax
    mov $IDENTITY_MAP_GIB * PAGE_TABLE_ENTRIES, %ecx
2:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 2b

    /* The first 8 MiB in 4 KiB pages, all but page 0 (null pointers
     * fault) and the stack's guard page (overflows fault). */
    mov $boot_pt_low + 8, %edi
    mov $0x1000 + PTE_PRESENT_WRITABLE, %eax
    mov $LOW_PAGE_TABLES * PAGE_TABLE_ENTRIES - 1, %ecx
3:  mov %eax, (%edi)
    add $0x1000, %eax
    add $8, %edi
    loop 3b
    mov $boot_stack_guard, %edi
    shr $12 - 3, %edi
    movl $0, boot_pt_low(%edi)
    mov $boot_pd, %edi
    mov $boot_pt_low + PTE_PRESENT_WRITABLE, %eax
    mov $LOW_PAGE_TABLES, %ecx
4:  mov %eax, (%edi)
    add $4096, %eax
    add $8, %edi
    loop 4b

    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PE | CR0_WP | CR0_PG), %eax
    mov %eax, %cr0

    lgdt gdt_pointer
    ljmp $GDT_KERNEL_CODE, $long_mode_entry

/* A 32-bit CPU: say so on COM1 and stop, as a panic does (panic.h). */
no_long_mode:
    mov $no_long_mode_text, %esi
4:  lodsb
    test %al, %al
    jz 6f
    mov %al, %bl
    mov $COM1 + 5, %dx
5:  inb %dx, %al
    test $0x20, %al /* transmitter holding register empty */
    jz 5b
    mov $COM1, %dx
    mov %bl, %al
    outb %al, %dx
    jmp 4b
6:  mov $PANIC_EXIT_STATUS, %eax
    mov $DEBUG_EXIT_PORT, %dx
    outl %eax, %dx
7:  hlt
    jmp 7b

    .section .rodata
no_long_mode_text:
    .asciz "cumulonimbus: PANIC: this CPU has no 64-bit long mode\r\n"

/* ---- 64-bit entry --------------------------------------------------- */

    .text
    .code64
long_mode_entry:
    mov $GDT_KERNEL_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    mov $boot_stack_top, %esp /* zero-extends: the stack is below 4 GiB */
    mov %ebp, %edi            /* kmain(magic, info) */
    mov %esi, %esi
    xor %ebp, %ebp            /* the end of every backtrace */
    call kmain
8:  cli
    hlt
    jmp 8b

/* ---- descriptor table ----------------------------------------------- */

    .data
    .balign 16
    .globl gdt
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF /* GDT_KERNEL_CODE: present, ring 0, code, 64-bit */
    .quad 0x00CF92000000FFFF /* GDT_KERNEL_DATA: present, ring 0, data */
    .quad 0, 0               /* GDT_TSS: written by tss_init */
gdt_end:
    .balign 8
gdt_pointer: /* the 32-bit lgdt reads the low four bytes of the base */
    .short gdt_end - gdt - 1
    .quad gdt

/* ---- page tables and the boot stack --------------------------------- */

    .section .bss.boot, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096 * IDENTITY_MAP_GIB
boot_pt_low:
    .skip 4096 * LOW_PAGE_TABLES
    .globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack_bottom:
    .skip 65536
boot_stack_top:
