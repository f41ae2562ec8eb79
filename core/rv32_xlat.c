/*
 * rv32_xlat.c - rv_run (rv32.h): the program's translated code where it
 * has some and the budget allows, the interpreter for everything else
 * (how the two share the work is in rv32_xlat.h); and checking a
 * translation against an address space before it is used.
 */
#include "rv32_xlat.h"

#include "crc32.h"
#include "kernel_priv.h"

/* Code outside the translated text (a program may jump into a writable
 * page it filled) is interpreted in steps of at most this many
 * instructions, so a return into the text is translated again soon. */
#define RV_XLAT_OUTSIDE_STEP 256u

static bool rv_xlat_covers(const struct rv_xlat_program *t, uint32_t pc)
{
    return (pc & 3u) == 0 && pc - t->text_va < t->text_len;
}

struct rv_result rv_run(struct rv_cpu *cpu, struct vm *vm, uint32_t budget)
{
    const struct rv_xlat_program *t = vm->xlat;
    if (t == NULL)
        return rv_interp(cpu, vm, budget);
    struct rv_xlat_state s = {.cpu = cpu, .vm = vm};
    uint32_t done = 0, translated = 0;
    while (done < budget) {
        uint32_t left = budget - done, step = RV_XLAT_OUTSIDE_STEP < left ? RV_XLAT_OUTSIDE_STEP : left;
        if (rv_xlat_covers(t, cpu->pc)) {
            s.left = left;
            enum rv_xlat_exit why = t->run(&s);
            done += left - s.left;
            translated += left - s.left;
            /* Out of budget for a whole block: the interpreter spends the
             * rest. Otherwise it runs the one instruction at pc. */
            step = why == RV_XLAT_BUDGET ? s.left : 1u;
            if (step == 0)
                break;
        }
        struct rv_result r = rv_interp(cpu, vm, step);
        done += r.executed;
        if (r.stop != RV_STOP_BUDGET) {
            r.executed = done;
            r.translated = translated;
            return r;
        }
    }
    cpu->x[0] = 0;
    return (struct rv_result){.stop = RV_STOP_BUDGET, .executed = done, .translated = translated};
}

bool rv_xlat_matches(const struct vm *vm, const struct rv_xlat_program *t)
{
    uint32_t end = t->text_va + t->text_len;
    if (t->text_len == 0 || end < t->text_va || end > ABI_USER_TOP)
        return false;
    uint32_t crc = CRC32_INIT;
    for (uint32_t va = t->text_va; va < end;) {
        uintptr_t pte = vm_pte(vm, va >> PAGE_SHIFT);
        if (pte == 0 || (pte & (VM_PERM_W | VM_PERM_X)) != VM_PERM_X)
            return false;
        uint32_t chunk = PAGE_SIZE - (va & RV_PAGE_MASK);
        if (chunk > end - va)
            chunk = end - va;
        crc = crc32_update(crc, rv_pte_host(pte, va), chunk);
        va += chunk;
    }
    return crc32_finish(crc) == t->text_crc;
}

void rv_xlat_attach(struct kernel *k, struct vm *vm, const char *name, uint32_t name_len)
{
    const struct hal_program_ops *ops = k->hal.programs;
    const struct rv_xlat_program *t =
        ops->translation != NULL ? ops->translation(k->hal.ctx, name, name_len) : NULL;
    vm->xlat = t != NULL && rv_xlat_matches(vm, t) ? t : NULL;
}
