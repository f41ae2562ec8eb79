/*
 * guest_run.c - a user program on the bare interpreter (guest_run.h).
 */
#include "tests/guest_run.h"

#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "core/elf.h"
#include "user/programs.h"

#define STACK_BASE (ABI_USER_TOP - ABI_USER_STACK_BYTES)

/* The kernel's layout (core/proc.c): the strings at the top of the stack,
 * the pointer array under them, sp 16-aligned at the array. */
static int guest_run_args(struct guest_run *g, int argc, const char *const *argv)
{
    char strings[ABI_ARGS_MAX_BYTES];
    uint8_t vec[4 * (ABI_ARGS_MAX_COUNT + 1)];
    uint32_t len = 0;
    if (argc < 0 || argc > (int)ABI_ARGS_MAX_COUNT)
        return -1;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        if (n > sizeof strings - len)
            return -1;
        memcpy(strings + len, argv[i], n);
        len += (uint32_t)n;
    }
    uint32_t at = (ABI_USER_TOP - len) & ~3u;
    uint32_t vec_va = (at - 4u * ((uint32_t)argc + 1u)) & ~15u;
    for (int i = 0; i < argc; i++) {
        put_le32(vec + 4 * i, at);
        at += (uint32_t)strlen(argv[i]) + 1;
    }
    put_le32(vec + 4 * argc, 0);
    if (vm_copy_out(&g->vm, (ABI_USER_TOP - len) & ~3u, strings, len) != 0 ||
        vm_copy_out(&g->vm, vec_va, vec, 4u * ((uint32_t)argc + 1u)) != 0)
        return -1;
    g->cpu.x[RV_SP] = vec_va;
    g->cpu.x[RV_A0] = (uint32_t)argc;
    g->cpu.x[RV_A1] = vec_va;
    return 0;
}

int guest_run_load(struct guest_run *g, const char *program, int argc, const char *const *argv)
{
    fake_hal_init(&g->f, 0);
    g->k = (struct kernel){0};
    g->k.hal = g->f.hal;
    g->cpu = (struct rv_cpu){0};
    g->executed = 0;
    g->exit_status = -1;
    g->out[0] = '\0';
    g->out_len = 0;
    g->error[0] = '\0';
    const struct user_program *up = user_program_find(program, (uint32_t)strlen(program));
    if (up == NULL) {
        snprintf(g->error, sizeof g->error, "no program %s", program);
        return -1;
    }
    if (vm_init(&g->vm, &g->k) != 0) {
        snprintf(g->error, sizeof g->error, "no memory for an address space");
        return -1;
    }
    if (elf_load(&g->vm, &g->k, up->image, up->size, &g->cpu.pc) != 0 ||
        vm_map(&g->vm, &g->k, STACK_BASE, ABI_USER_STACK_BYTES, VM_PERM_R | VM_PERM_W) != 0 ||
        guest_run_args(g, argc, argv) != 0) {
        snprintf(g->error, sizeof g->error, "cannot load %s with its arguments", program);
        vm_destroy(&g->vm, &g->k);
        return -1;
    }
    return 0;
}

/* SYS_WRITE: append to out (as much as fits), answer the length. */
static int guest_run_write(struct guest_run *g)
{
    uint32_t va = g->cpu.x[RV_A0], len = g->cpu.x[RV_A1];
    char buf[ABI_WRITE_MAX_BYTES];
    if (len > sizeof buf || vm_copy_in(&g->vm, buf, va, len) != 0) {
        snprintf(g->error, sizeof g->error, "bad SYS_WRITE of %u bytes at 0x%08x", len, va);
        return -1;
    }
    uint32_t room = GUEST_RUN_OUT_BYTES - 1u - g->out_len;
    uint32_t n = len < room ? len : room;
    memcpy(g->out + g->out_len, buf, n);
    g->out_len += n;
    g->out[g->out_len] = '\0';
    g->cpu.x[RV_A0] = len;
    return 0;
}

int guest_run_to_exit(struct guest_run *g, uint32_t slice)
{
    for (;;) {
        struct rv_result r = rv_run(&g->cpu, &g->vm, slice);
        g->executed += r.executed;
        if (r.stop == RV_STOP_BUDGET)
            continue;
        if (r.stop != RV_STOP_ECALL) {
            snprintf(g->error, sizeof g->error, "stop %d at pc 0x%08x (address 0x%08x)", (int)r.stop,
                     g->cpu.pc, r.fault_addr);
            return -1;
        }
        uint32_t call = g->cpu.x[RV_A7];
        if (call == SYS_EXIT) {
            g->exit_status = (int)g->cpu.x[RV_A0];
            return 0;
        }
        if (call != SYS_WRITE) {
            snprintf(g->error, sizeof g->error, "system call %u not served", call);
            return -1;
        }
        if (guest_run_write(g) != 0)
            return -1;
    }
}

int guest_run_destroy(struct guest_run *g)
{
    vm_destroy(&g->vm, &g->k);
    return g->f.pages_in_use == 0 ? 0 : -1;
}
