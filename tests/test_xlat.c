/*
 * test_xlat.c - ahead-of-time translated code (core/rv32_xlat.h) against
 * the interpreter: the built-in test program `fault` is loaded into two
 * address spaces, one running its translation and one interpreted, and
 * every rv_run result, register and the pc must agree. Also the budget
 * refusal of a block, faults and ECALL inside translated blocks, and when
 * a translation is (not) used, after migration too.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/elf.h"
#include "core/kernel_priv.h"
#include "core/procimage.h"
#include "core/rv32_xlat.h"
#include "tests/fake_hal.h"
#include "user/programs.h"
#include "user/programs_xlat.h"

#define STACK_PAGES 4u
#define ARGS_VA (ABI_USER_TOP - 64u)

static struct fake_hal f;
static struct kernel k;

/* One copy of the program: its address space and CPU. */
struct guest {
    struct vm vm;
    struct rv_cpu cpu;
};

static struct guest xl, in; /* translated, interpreted */
static const struct rv_xlat_program *t;

/* Load `fault` with the one argument `kind`, as the kernel starts it. */
static void load(struct guest *g, const char *kind)
{
    const struct user_program *p = user_program_find("fault", 5);
    cr_assert_not_null(p);
    *g = (struct guest){0};
    cr_assert_eq(vm_init(&g->vm, &k), 0);
    cr_assert_eq(elf_load(&g->vm, &k, p->image, p->size, &g->cpu.pc), 0);
    cr_assert_eq(vm_map(&g->vm, &k, ABI_USER_TOP - STACK_PAGES * PAGE_SIZE, STACK_PAGES * PAGE_SIZE,
                        VM_PERM_R | VM_PERM_W),
                 0);
    uint8_t args[64] = {0};
    uint32_t str = ARGS_VA + 16u;
    args[0] = (uint8_t)str, args[1] = (uint8_t)(str >> 8), args[2] = (uint8_t)(str >> 16);
    memcpy(args + 16, kind, strlen(kind) + 1);
    cr_assert_eq(vm_copy_out(&g->vm, ARGS_VA, args, sizeof args), 0);
    g->cpu.x[RV_SP] = ARGS_VA - 64u;
    g->cpu.x[RV_A0] = 1;
    g->cpu.x[RV_A1] = ARGS_VA;
}

static void start(const char *kind)
{
    load(&xl, kind);
    load(&in, kind);
    t = user_program_xlat_find("fault", 5);
    cr_assert_not_null(t, "the build translates the built-in programs (NIMBUS_TRANSLATE)");
    cr_assert(rv_xlat_matches(&xl.vm, t));
    xl.vm.xlat = t;
}

static void setup(void)
{
    fake_hal_init(&f, 0);
    k = (struct kernel){0};
    k.hal = f.hal;
}

static void teardown(void)
{
    vm_destroy(&xl.vm, &k);
    vm_destroy(&in.vm, &k);
    cr_assert_eq(f.pages_in_use, 0, "pages leaked: %u", f.pages_in_use);
}

TestSuite(xlat, .init = setup, .fini = teardown);

static void same_cpu(const char *when)
{
    cr_assert_eq(xl.cpu.pc, in.cpu.pc, "%s: pc 0x%x translated, 0x%x interpreted", when, xl.cpu.pc, in.cpu.pc);
    for (unsigned r = 0; r < 32; r++)
        cr_assert_eq(xl.cpu.x[r], in.cpu.x[r], "%s: x%u 0x%x translated, 0x%x interpreted", when, r,
                     xl.cpu.x[r], in.cpu.x[r]);
}

/* Run both in slices of `budget` until something other than the budget
 * or an ECALL stops them (an ECALL returns 0 to the program), comparing
 * every result. The stop that ended it. */
static struct rv_result run_both(uint32_t budget, uint32_t max_slices)
{
    for (uint32_t n = 0; n < max_slices; n++) {
        struct rv_result a = rv_run(&xl.cpu, &xl.vm, budget);
        struct rv_result b = rv_run(&in.cpu, &in.vm, budget);
        cr_assert_eq(a.stop, b.stop, "slice %u of %u: stop %d translated, %d interpreted", n, budget, a.stop,
                     b.stop);
        cr_assert_eq(a.executed, b.executed, "slice %u of %u: executed %u translated, %u interpreted", n, budget,
                     a.executed, b.executed);
        cr_assert_eq(a.fault_addr, b.fault_addr);
        same_cpu("after a slice");
        if (a.stop != RV_STOP_BUDGET && a.stop != RV_STOP_ECALL)
            return a;
        if (a.stop == RV_STOP_ECALL)
            xl.cpu.x[RV_A0] = in.cpu.x[RV_A0] = 0;
    }
    cr_assert_fail("no stop after %u slices of %u", max_slices, budget);
    return (struct rv_result){0};
}

/* Every slice size from 1 (each instruction alone, every block refused)
 * up: the same stops after the same counts. */
Test(xlat, any_budget_gives_the_interpreters_results)
{
    for (uint32_t budget = 1; budget <= 40; budget++) {
        start("load");
        struct rv_result r = run_both(budget, 20000);
        cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT);
        vm_destroy(&xl.vm, &k);
        vm_destroy(&in.vm, &k);
    }
    start("load"); /* for teardown */
}

/* A block the budget does not cover is refused whole: the translated
 * function returns at the block's first word, charging nothing. */
Test(xlat, a_block_longer_than_the_budget_is_refused)
{
    start("load");
    struct rv_xlat_state s = {.cpu = &xl.cpu, .vm = &xl.vm, .left = 1};
    uint32_t entry = xl.cpu.pc;
    cr_assert_eq(t->run(&s), RV_XLAT_BUDGET);
    cr_assert_eq(s.left, 1u);
    cr_assert_eq(xl.cpu.pc, entry);
    /* rv_run gives the rest to the interpreter: exactly one instruction. */
    struct rv_result r = rv_run(&xl.cpu, &xl.vm, 1);
    cr_assert_eq(r.stop, RV_STOP_BUDGET);
    cr_assert_eq(r.executed, 1u);
    cr_assert_eq(xl.cpu.pc, entry + 4u);
}

/* The load from the unmapped page happens inside a translated block: the
 * same pc, address, registers and count as interpreted. */
Test(xlat, a_load_fault_in_a_block_reports_what_the_interpreter_does)
{
    start("load");
    struct rv_result r = run_both(100000, 100);
    cr_assert_eq(r.stop, RV_STOP_LOAD_FAULT);
    cr_assert_eq(r.fault_addr, 0x00800000u);
    cr_assert(xl.cpu.pc - t->text_va < t->text_len, "the fault is in the translated text");
}

/* Recursing until the stack runs out: a store fault at the page under the
 * mapped stack, after thousands of translated calls and stores. */
Test(xlat, a_store_fault_in_a_block_reports_what_the_interpreter_does)
{
    start("stack");
    struct rv_result r = run_both(100000, 1000);
    cr_assert_eq(r.stop, RV_STOP_STORE_FAULT);
    cr_assert_lt(r.fault_addr, ABI_USER_TOP - STACK_PAGES * PAGE_SIZE);
    cr_assert_geq(r.fault_addr, ABI_USER_TOP - STACK_PAGES * PAGE_SIZE - PAGE_SIZE);
}

Test(xlat, ebreak_and_illegal_stop_where_interpreted)
{
    start("ebreak");
    cr_assert_eq(run_both(100000, 100).stop, RV_STOP_EBREAK);
    vm_destroy(&xl.vm, &k);
    vm_destroy(&in.vm, &k);
    start("illegal");
    cr_assert_eq(run_both(100000, 100).stop, RV_STOP_ILLEGAL);
}

/* ECALL inside a block: the translated function leaves before it with the
 * rest of its block's budget given back; rv_run then stops after it. */
Test(xlat, an_ecall_stops_after_itself)
{
    start("nonsense"); /* prints its usage: a write call, then exit */
    struct rv_xlat_state s = {.cpu = &xl.cpu, .vm = &xl.vm, .left = 1000000};
    cr_assert_eq(t->run(&s), RV_XLAT_INTERPRET);
    uint32_t at = xl.cpu.pc, used = 1000000 - s.left;
    uint8_t word[4];
    cr_assert_eq(vm_copy_in(&xl.vm, word, at, 4), 0);
    cr_assert_eq(rv_get32(word), 0x00000073u, "left at an ECALL, not 0x%08x", rv_get32(word));
    struct rv_result r = rv_run(&in.cpu, &in.vm, 1000000);
    cr_assert_eq(r.stop, RV_STOP_ECALL);
    cr_assert_eq(r.executed, used + 1u, "the interpreter retired the ECALL too");
    cr_assert_eq(in.cpu.pc, at + 4u);
}

/* A translation is used only for the text it was made from. */
Test(xlat, a_changed_or_writable_text_is_not_translated)
{
    start("load");
    uint8_t word[4];
    cr_assert_eq(vm_copy_in(&in.vm, word, t->text_va + 8u, 4), 0);
    word[0] ^= 1u;
    cr_assert_eq(vm_write_image(&in.vm, t->text_va + 8u, word, 4), 0);
    cr_assert_not(rv_xlat_matches(&in.vm, t), "one changed bit");
    xl.vm.xlat = t;
    cr_assert_eq(vm_map(&xl.vm, &k, t->text_va, PAGE_SIZE, VM_PERM_W), 0);
    cr_assert_null(xl.vm.xlat, "mapping the text writable drops the translation");
    cr_assert_not(rv_xlat_matches(&xl.vm, t), "writable text");
}

/* The kernel attaches translations through the HAL; the fake HAL offers
 * none, so its processes are interpreted. */
Test(xlat, no_translation_without_the_hals)
{
    start("load");
    rv_xlat_attach(&k, &in.vm, "fault", 5);
    cr_assert_null(in.vm.xlat);
}

static const struct rv_xlat_program *offer_translation(void *ctx, const char *name, uint32_t name_len)
{
    (void)ctx;
    return user_program_xlat_find(name, name_len);
}

/* Migration: the image carries no translation; the target finds the
 * program's by name and uses it only when the text that came checks out. */
static const struct rv_xlat_program *arrives_with(bool change_text)
{
    struct hal_program_ops ops = {.lookup = k.hal.programs->lookup, .translation = offer_translation};
    k.hal.programs = &ops;
    if (change_text) {
        uint8_t word[4] = {0x13, 0, 0, 0}; /* a NOP in place of the first word */
        cr_assert_eq(vm_write_image(&xl.vm, t->text_va, word, 4), 0);
    }
    struct proc *src = calloc(1, sizeof *src);
    cr_assert_not_null(src);
    memcpy(src->name, "fault", 5);
    src->pid = 1;
    src->deadline_ns = HAL_TIME_NEVER;
    src->cpu = xl.cpu;
    src->vm = xl.vm;
    uint32_t size = procimage_size(src, NULL);
    uint8_t *img = malloc(size);
    cr_assert_not_null(img);
    procimage_encode(src, NULL, 0, img);
    struct proc *p;
    int err = procimage_decode(&k, img, size, NULL, 0, &p);
    cr_assert_eq(err, 0, "decode: %d", err);
    const struct rv_xlat_program *got = p->vm.xlat;
    procimage_free(&k, p);
    free(img);
    free(src);
    k.hal.programs = f.hal.programs;
    return got;
}

Test(xlat, a_process_that_arrives_is_translated_again)
{
    start("load");
    cr_assert_eq(arrives_with(false), t);
}

Test(xlat, a_process_whose_text_changed_arrives_interpreted)
{
    start("load");
    cr_assert_null(arrives_with(true));
}
