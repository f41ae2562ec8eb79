/*
 * test_elf.c - the ELF loader. A small builder makes a valid image in
 * memory (text, data with bss, and an ignored non-LOAD header); the tests
 * check that it loads and runs, then break each field in turn, truncate it
 * at every length, and mutate it at random with a fixed seed. A bad image
 * must give ERR_BAD_IMAGE (or ERR_NO_MEMORY), never a crash, and no page
 * may be left behind once the address space is destroyed.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "core/bytes.h"
#include "core/elf.h"
#include "core/kernel_priv.h"
#include "core/rv32.h"
#include "core/vm.h"
#include "tests/fake_hal.h"
#include "tests/rv_asm.h"
#include "user/programs.h"

static struct fake_hal f;
static struct kernel k;

static void setup(void)
{
    fake_hal_init(&f, 0);
    k = (struct kernel){0};
    k.hal = f.hal;
}

TestSuite(elf, .init = setup);

/* ---- The builder ---- */

#define IMG_MAX 1024u
#define PH_OFF 52u
#define PH_COUNT 3u
#define TEXT_OFF 0x100u
#define TEXT_VA ABI_USER_BASE
#define DATA_OFF 0x180u
#define DATA_VA (ABI_USER_BASE + 0x1000u)
#define DATA_FILE 8u
#define DATA_MEM 0x2000u
#define LOAD_TOP STACK_GUARD_BASE /* segments end under the stack's guard gap */

/* Field offsets, for the corruption tests. */
#define E_TYPE 16u
#define E_MACHINE 18u
#define E_VERSION 20u
#define E_ENTRY 24u
#define E_PHOFF 28u
#define E_SHOFF 32u
#define E_FLAGS 36u
#define E_EHSIZE 40u
#define E_PHENTSIZE 42u
#define E_PHNUM 44u
#define PH(i) (PH_OFF + 32u * (i))
#define P_TYPE 0u
#define P_OFFSET 4u
#define P_VADDR 8u
#define P_FILESZ 16u
#define P_MEMSZ 20u
#define P_FLAGS 24u

struct image {
    uint8_t bytes[IMG_MAX];
    uint32_t size;
    uint32_t text_words;
};

static void put_phdr(struct image *im, uint32_t i, uint32_t type, uint32_t off, uint32_t va,
                     uint32_t filesz, uint32_t memsz, uint32_t flags)
{
    uint8_t *p = im->bytes + PH(i);
    put_le32(p + P_TYPE, type);
    put_le32(p + P_OFFSET, off);
    put_le32(p + P_VADDR, va);
    put_le32(p + 12, va); /* p_paddr */
    put_le32(p + P_FILESZ, filesz);
    put_le32(p + P_MEMSZ, memsz);
    put_le32(p + P_FLAGS, flags);
    put_le32(p + 28, 0x1000); /* p_align */
}

/* The program: a0 = data word + 1, stored into the bss; a1 = a bss word
 * (must be 0); then ECALL. */
static void build(struct image *im)
{
    memset(im, 0, sizeof *im);
    const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    memcpy(im->bytes, ident, sizeof ident);
    put_le16(im->bytes + E_TYPE, 2);
    put_le16(im->bytes + E_MACHINE, 243);
    put_le32(im->bytes + E_VERSION, 1);
    put_le32(im->bytes + E_ENTRY, TEXT_VA);
    put_le32(im->bytes + E_PHOFF, PH_OFF);
    put_le16(im->bytes + E_EHSIZE, 52);
    put_le16(im->bytes + E_PHENTSIZE, 32);
    put_le16(im->bytes + E_PHNUM, PH_COUNT);
    put_le16(im->bytes + 46, 40); /* e_shentsize: sections are ignored */

    const uint32_t text[] = {
        rv_lui(RV_T0, DATA_VA >> 12),
        rv_lw(RV_A0, 0, RV_T0),
        rv_addi(RV_A0, RV_A0, 1),
        rv_sw(RV_A0, 0x100, RV_T0),
        rv_nop(),
        rv_lw(RV_A1, 0x7fc, RV_T0),
        rv_ecall(),
    };
    im->text_words = sizeof text / sizeof text[0];
    for (uint32_t i = 0; i < im->text_words; i++)
        put_le32(im->bytes + TEXT_OFF + 4 * i, text[i]);
    put_le32(im->bytes + DATA_OFF, 41);
    put_le32(im->bytes + DATA_OFF + 4, 0xdeadbeef);

    put_phdr(im, 0, 1, TEXT_OFF, TEXT_VA, 4 * im->text_words, 4 * im->text_words, 5 /* R X */);
    put_phdr(im, 1, 0x6474e551u /* PT_GNU_STACK */, 0, 0, 0, 0, 6);
    put_phdr(im, 2, 1, DATA_OFF, DATA_VA, DATA_FILE, DATA_MEM, 6 /* R W */);
    im->size = DATA_OFF + DATA_FILE; /* the data segment's bytes end the file */
}

/* Load into a fresh address space; returns elf_load's result, and runs
 * the program when it loaded and `run` is set. Always destroys. */
static int load(const uint8_t *bytes, uint32_t size, bool run, struct rv_cpu *out)
{
    struct vm vm;
    cr_assert_eq(vm_init(&vm, &k), 0);
    uint32_t entry = 0xabababab;
    int err = elf_load(&vm, &k, bytes, size, &entry);
    if (err == 0 && run) {
        struct rv_cpu cpu = {.pc = entry};
        struct rv_result r = rv_run(&cpu, &vm, 1000);
        if (out != NULL) {
            *out = cpu;
            cr_assert_eq(r.stop, RV_STOP_ECALL, "stopped with %d at %#x", r.stop, cpu.pc);
        }
    }
    vm_destroy(&vm, &k);
    cr_assert_eq(f.pages_in_use, 0, "pages leaked: %u", f.pages_in_use);
    return err;
}

static void expect_bad(const struct image *im, const char *what)
{
    int err = load(im->bytes, im->size, true, NULL);
    cr_assert_eq(err, ERR_BAD_IMAGE, "%s: got %d", what, err);
}

/* ---- Valid images ---- */

Test(elf, valid_image_loads_and_runs)
{
    struct image im;
    build(&im);
    struct rv_cpu cpu;
    cr_assert_eq(load(im.bytes, im.size, true, &cpu), 0);
    cr_assert_eq(cpu.x[RV_A0], 42u);
    cr_assert_eq(cpu.x[RV_A1], 0u, "bss is zero");
    cr_assert_eq(cpu.pc, TEXT_VA + 4 * im.text_words);
}

Test(elf, segments_get_their_permissions)
{
    struct image im;
    build(&im);
    struct vm vm;
    cr_assert_eq(vm_init(&vm, &k), 0);
    uint32_t entry = 0;
    cr_assert_eq(elf_load(&vm, &k, im.bytes, im.size, &entry), 0);
    cr_assert_eq(entry, TEXT_VA);
    cr_assert_eq(vm_check(&vm, TEXT_VA, 4, VM_PERM_R | VM_PERM_X), 0);
    cr_assert_eq(vm_check(&vm, TEXT_VA, 4, VM_PERM_W), ERR_FAULT);
    cr_assert_eq(vm_check(&vm, DATA_VA, DATA_MEM, VM_PERM_R | VM_PERM_W), 0);
    cr_assert_eq(vm_check(&vm, DATA_VA, 4, VM_PERM_X), ERR_FAULT);
    cr_assert_eq(vm_check(&vm, DATA_VA + DATA_MEM, 1, 0), ERR_FAULT, "nothing past the segment");
    uint32_t words[2];
    cr_assert_eq(vm_copy_in(&vm, words, DATA_VA, 8), 0);
    cr_assert_eq(words[1], 0xdeadbeefu);
    vm_destroy(&vm, &k);
    cr_assert_eq(f.pages_in_use, 0);
}

Test(elf, accepted_variations)
{
    struct image im;
    build(&im);
    put_le32(im.bytes + E_SHOFF, 0xfffffff0u); /* section headers are ignored */
    put_le16(im.bytes + 48, 0xffff);
    im.bytes[7] = 3; /* EI_OSABI */
    cr_assert_eq(load(im.bytes, im.size, false, NULL), 0);

    build(&im);
    put_le32(im.bytes + E_ENTRY, TEXT_VA + 4 * (im.text_words - 1)); /* last word */
    cr_assert_eq(load(im.bytes, im.size, false, NULL), 0);

    build(&im);
    put_le32(im.bytes + PH(2) + P_VADDR, LOAD_TOP - DATA_MEM); /* ends right below the guard gap */
    cr_assert_eq(load(im.bytes, im.size, false, NULL), 0);

    build(&im);
    put_le32(im.bytes + PH(2) + P_FILESZ, 0); /* all bss */
    cr_assert_eq(load(im.bytes, im.size, false, NULL), 0);

    build(&im);
    put_le32(im.bytes + PH(0) + P_FLAGS, 1); /* execute-only text */
    cr_assert_eq(load(im.bytes, im.size, false, NULL), 0);
}

/* ---- Broken images ---- */

Test(elf, null_and_tiny_images)
{
    cr_assert_eq(load(NULL, 0, false, NULL), ERR_BAD_IMAGE);
    cr_assert_eq(load(NULL, 100, false, NULL), ERR_BAD_IMAGE);
    const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    cr_assert_eq(load(magic, 4, false, NULL), ERR_BAD_IMAGE);
}

Test(elf, every_truncation_is_rejected)
{
    struct image im;
    build(&im);
    for (uint32_t len = 0; len < im.size; len++) {
        int err = load(im.bytes, len, true, NULL);
        cr_assert_eq(err, ERR_BAD_IMAGE, "truncated to %u: got %d", len, err);
    }
    cr_assert_eq(load(im.bytes, im.size, false, NULL), 0);
}

struct corruption {
    const char *what;
    uint32_t offset;
    uint32_t width; /* 1, 2 or 4 bytes */
    uint32_t value;
};

static const struct corruption corruptions[] = {
    {"magic 0", 0, 1, 0x7e},
    {"magic 1", 1, 1, 'e'},
    {"magic 2", 2, 1, 'l'},
    {"magic 3", 3, 1, 'f'},
    {"class none", 4, 1, 0},
    {"class 64", 4, 1, 2},
    {"big-endian", 5, 1, 2},
    {"data none", 5, 1, 0},
    {"ident version", 6, 1, 0},
    {"type REL", E_TYPE, 2, 1},
    {"type DYN", E_TYPE, 2, 3},
    {"type CORE", E_TYPE, 2, 4},
    {"machine x86-64", E_MACHINE, 2, 62},
    {"machine none", E_MACHINE, 2, 0},
    {"machine high byte", E_MACHINE, 2, 0x1f3},
    {"version 0", E_VERSION, 4, 0},
    {"version 2", E_VERSION, 4, 2},
    {"ehsize 64", E_EHSIZE, 2, 64},
    {"ehsize 0", E_EHSIZE, 2, 0},
    {"phentsize 56", E_PHENTSIZE, 2, 56},
    {"phentsize 0", E_PHENTSIZE, 2, 0},
    {"phoff past the end", E_PHOFF, 4, DATA_OFF + DATA_FILE},
    {"phoff table runs off", E_PHOFF, 4, DATA_OFF - 16},
    {"phoff wraps", E_PHOFF, 4, 0xfffffff0u},
    {"phoff max", E_PHOFF, 4, 0xffffffffu},
    {"phnum 0", E_PHNUM, 2, 0},
    {"phnum huge", E_PHNUM, 2, 0xffff},
    {"phnum one too many", E_PHNUM, 2, 200},
    {"entry unaligned", E_ENTRY, 4, TEXT_VA + 2},
    {"entry in data", E_ENTRY, 4, DATA_VA},
    {"entry past text", E_ENTRY, 4, TEXT_VA + 28},
    {"entry below text", E_ENTRY, 4, TEXT_VA - 4},
    {"entry zero", E_ENTRY, 4, 0},
    {"offset past the end", PH(0) + P_OFFSET, 4, DATA_OFF + DATA_FILE},
    {"offset + filesz wraps", PH(0) + P_OFFSET, 4, 0xfffffff0u},
    {"data offset + filesz past the end", PH(2) + P_OFFSET, 4, DATA_OFF + 1},
    {"filesz past the end", PH(2) + P_FILESZ, 4, DATA_FILE + 1},
    {"filesz > memsz", PH(0) + P_FILESZ, 4, 32},
    {"filesz huge", PH(2) + P_FILESZ, 4, 0xffffffffu},
    {"memsz 0", PH(2) + P_MEMSZ, 4, 0},
    {"memsz < filesz", PH(2) + P_MEMSZ, 4, 4},
    {"memsz wraps", PH(2) + P_MEMSZ, 4, 0xfffff000u},
    {"memsz into the guard gap", PH(2) + P_MEMSZ, 4, LOAD_TOP - DATA_VA + 1},
    {"memsz into the stack", PH(2) + P_MEMSZ, 4, STACK_LIMIT - DATA_VA + 1},
    {"vaddr 0", PH(2) + P_VADDR, 4, 0},
    {"vaddr below user base", PH(2) + P_VADDR, 4, ABI_USER_BASE - 0x1000},
    {"vaddr just below user base", PH(2) + P_VADDR, 4, ABI_USER_BASE - 1},
    {"vaddr in the guard gap", PH(2) + P_VADDR, 4, LOAD_TOP - 4},
    {"vaddr in the stack", PH(2) + P_VADDR, 4, STACK_LIMIT - 4},
    {"vaddr at the top", PH(2) + P_VADDR, 4, ABI_USER_TOP},
    {"vaddr wraps", PH(2) + P_VADDR, 4, 0xfffff000u},
    {"text below user base", PH(0) + P_VADDR, 4, 0x1000},
    {"no permissions", PH(2) + P_FLAGS, 4, 0},
    {"only unknown flag bits", PH(2) + P_FLAGS, 4, 0xf0000000u},
    {"text not executable", PH(0) + P_FLAGS, 4, 4},
    {"no PT_LOAD at all: text", PH(0) + P_TYPE, 4, 4},
    {"compressed instructions (rv32imc)", E_FLAGS, 4, 1},
    {"single-float ABI", E_FLAGS, 4, 2},
    {"double-float ABI", E_FLAGS, 4, 4},
};

static void corrupt(struct image *im, const struct corruption *c)
{
    if (c->width == 1)
        im->bytes[c->offset] = (uint8_t)c->value;
    else if (c->width == 2)
        put_le16(im->bytes + c->offset, (uint16_t)c->value);
    else
        put_le32(im->bytes + c->offset, c->value);
}

Test(elf, each_corrupted_field_is_rejected)
{
    for (size_t i = 0; i < sizeof corruptions / sizeof corruptions[0]; i++) {
        struct image im;
        build(&im);
        corrupt(&im, &corruptions[i]);
        expect_bad(&im, corruptions[i].what);
    }
}

/* elf_check names the first problem, for messages before any kernel
 * runs the program (a scenario's "programs"). */
Test(elf, check_names_the_problem)
{
    static const struct {
        const char *corruption; /* its `what` in corruptions[] */
        enum elf_problem want;
    } cases[] = {
        {"magic 0", ELF_NOT_ELF},
        {"class 64", ELF_NOT_32_BIT},
        {"big-endian", ELF_NOT_LITTLE_ENDIAN},
        {"type REL", ELF_NOT_EXECUTABLE},
        {"type DYN", ELF_NOT_EXECUTABLE},
        {"machine x86-64", ELF_NOT_RISCV},
        {"version 0", ELF_BAD_HEADER},
        {"phentsize 56", ELF_BAD_HEADER},
        {"phoff past the end", ELF_BAD_PROGRAM_HEADERS},
        {"entry unaligned", ELF_BAD_ENTRY},
        {"entry in data", ELF_BAD_ENTRY},
        {"filesz > memsz", ELF_BAD_SEGMENT},
        {"no permissions", ELF_BAD_SEGMENT},
        {"vaddr below user base", ELF_OUTSIDE_USER_MEMORY},
        {"memsz into the guard gap", ELF_OUTSIDE_USER_MEMORY},
        {"compressed instructions (rv32imc)", ELF_COMPRESSED},
        {"double-float ABI", ELF_FLOAT_ABI},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct corruption *c = NULL;
        for (size_t j = 0; j < sizeof corruptions / sizeof corruptions[0]; j++)
            if (strcmp(corruptions[j].what, cases[i].corruption) == 0)
                c = &corruptions[j];
        cr_assert_not_null(c, "no corruption \"%s\"", cases[i].corruption);
        struct image im;
        build(&im);
        corrupt(&im, c);
        enum elf_problem got = elf_check(im.bytes, im.size);
        cr_expect_eq(got, cases[i].want, "%s: %s", c->what, elf_problem_text(got));
    }
    struct image im;
    build(&im);
    cr_assert_eq(elf_check(im.bytes, im.size), ELF_OK);
    cr_assert_eq(elf_check(im.bytes, 51), ELF_TOO_SHORT);
    cr_assert_eq(elf_check((const uint8_t *)"#!/bin/sh\n", 10), ELF_NOT_ELF);
    cr_assert_eq(elf_check(NULL, 0), ELF_TOO_SHORT);
    cr_assert_str_eq(elf_problem_text(ELF_COMPRESSED),
                     "uses compressed instructions (build with -march=rv32im, not rv32imc)");
}

Test(elf, no_load_segments)
{
    struct image im;
    build(&im);
    put_le32(im.bytes + PH(0) + P_TYPE, 0);
    put_le32(im.bytes + PH(2) + P_TYPE, 0x70000003u);
    expect_bad(&im, "only non-LOAD headers");
}

Test(elf, out_of_memory)
{
    struct image im;
    build(&im);
    for (uint32_t limit = 1; limit < 40; limit++) {
        f.page_limit = limit;
        struct vm vm;
        if (vm_init(&vm, &k) != 0) {
            cr_assert_eq(f.pages_in_use, 0);
            continue;
        }
        uint32_t entry;
        int err = elf_load(&vm, &k, im.bytes, im.size, &entry);
        cr_assert(err == 0 || err == ERR_NO_MEMORY, "limit %u: %d", limit, err);
        vm_destroy(&vm, &k);
        cr_assert_eq(f.pages_in_use, 0);
    }
}

/* ---- Mutation fuzzing with a fixed seed ---- */

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Mostly small changes to the headers, where the checks are; sometimes
 * an interesting 32-bit value, a truncation, or bytes anywhere. */
static void mutate(struct image *im, uint32_t *seed)
{
    static const uint32_t interesting[] = {0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0xffff, 0x1000,
                                           ABI_USER_BASE, ABI_USER_TOP, LOAD_TOP, 0x7fffffffu,
                                           0x80000000u, 0xfffffffcu, 0xffffffffu};
    uint32_t n = 1 + xorshift(seed) % 4;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = xorshift(seed);
        uint32_t span = (r & 3) != 0 ? PH(PH_COUNT) : im->size;
        uint32_t off = xorshift(seed) % span;
        if ((r >> 2) % 3 == 0 && off + 4 <= im->size)
            put_le32(im->bytes + off, interesting[xorshift(seed) % (uint32_t)(sizeof interesting / 4)]);
        else
            im->bytes[off] ^= (uint8_t)(1u << (xorshift(seed) % 8));
    }
    if (xorshift(seed) % 16 == 0)
        im->size = xorshift(seed) % (im->size + 1);
}

Test(elf, mutation_fuzz)
{
    uint32_t seed = 0x5eed1234u, loaded = 0;
    f.page_limit = 64; /* wild memsz values fail cheaply */
    for (int i = 0; i < 20000; i++) {
        struct image im;
        build(&im);
        uint32_t case_seed = seed;
        mutate(&im, &seed);
        int err = load(im.bytes, im.size, true, NULL);
        cr_assert(err == 0 || err == ERR_BAD_IMAGE || err == ERR_NO_MEMORY,
                  "case %d (seed %#x): %d", i, case_seed, err);
        loaded += err == 0;
    }
    cr_assert_gt(loaded, 100u, "the mutations should not all break the image");
}

/* Every program built into the host binaries loads. */
Test(elf, built_in_programs_load)
{
    for (uint32_t i = 0; i < user_program_count; i++) {
        int err = load(user_programs[i].image, user_programs[i].size, false, NULL);
        cr_assert_eq(err, 0, "%s: %d", user_programs[i].name, err);
    }
}
