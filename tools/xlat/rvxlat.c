/*
 * rvxlat - translate an RV32IM program ahead of time into C that the core
 * runs in place of interpreting it (core/rv32_xlat.h has the scheme and
 * the rules the output keeps; docs/translation.md the overview).
 *
 *   rvxlat program NAME ELF OUT.c   one program's translation, defining
 *                                   rv_xlat_prog_NAME
 *   rvxlat table OUT.c NAME...      the table user_program_xlat_find
 *                                   (user/programs_xlat.h) searches
 *
 * Instructions are decoded by the interpreter's own decoder
 * (core/rv32_decode.c) and the text's CRC-32 computed by the core's
 * (core/crc32.c), so the output agrees with what the core runs and
 * checks. The output depends only on the arguments and the ELF's bytes.
 * Exit status 1 with "rvxlat: FILE: reason" for input it cannot use.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crc32.h"
#include "core/rv32_priv.h"

/* ELF32 fields used (offsets in the header and a program header). */
#define EH_ENTRY 24u
#define EH_PHOFF 28u
#define EH_PHENTSIZE 42u
#define EH_PHNUM 44u
#define EH_MACHINE 18u
#define EH_BYTES 52u
#define PH_BYTES 32u
#define PT_LOAD 1u
#define PF_X 1u
#define EM_RISCV 243u

static const char *input_name;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rvxlat: %s: ", input_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static uint8_t *read_file(const char *path, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail("cannot open: %s", strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            if (buf == NULL)
                fail("out of memory");
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f) || len > UINT32_MAX)
        fail("cannot read");
    fclose(f);
    *size = (uint32_t)len;
    return buf;
}

/* The program's text: its one executable PT_LOAD's file bytes. */
struct text {
    const uint8_t *bytes;
    uint32_t va, len, words;
};

static struct text find_text(const uint8_t *elf, uint32_t size)
{
    static const uint8_t ident[6] = {0x7f, 'E', 'L', 'F', 1, 1}; /* ELFCLASS32, little-endian */
    if (size < EH_BYTES || memcmp(elf, ident, sizeof ident) != 0)
        fail("not a little-endian ELF32 file");
    if (get_le16(elf + EH_MACHINE) != EM_RISCV)
        fail("not a RISC-V executable");
    uint32_t phoff = get_le32(elf + EH_PHOFF), phnum = get_le16(elf + EH_PHNUM);
    if (get_le16(elf + EH_PHENTSIZE) != PH_BYTES || phoff > size || phnum > (size - phoff) / PH_BYTES)
        fail("the program headers run past the file");
    struct text t = {0};
    for (uint32_t i = 0; i < phnum; i++) {
        const uint8_t *ph = elf + phoff + i * PH_BYTES;
        if (get_le32(ph) != PT_LOAD || (get_le32(ph + 24) & PF_X) == 0)
            continue;
        if (t.bytes != NULL)
            fail("more than one executable segment");
        uint32_t off = get_le32(ph + 4), filesz = get_le32(ph + 16);
        t.va = get_le32(ph + 8);
        if (off > size || filesz > size - off)
            fail("the executable segment runs past the file");
        if ((t.va & 3u) != 0 || t.va >= ABI_USER_TOP || filesz > ABI_USER_TOP - t.va)
            fail("the executable segment is not 4-aligned in user memory");
        t.bytes = elf + off;
        t.len = filesz & ~3u;
        t.words = t.len / 4u;
    }
    if (t.words == 0)
        fail("no executable segment with code");
    return t;
}

/* ---- One program ---- */

static FILE *out;
static const struct text *text;
static uint32_t *block_end; /* per word: the index of its block's last word */
static bool *leader;        /* per word: whether it has an entry (find_blocks) */

static void emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
}

static uint32_t pc_of(uint32_t i) { return text->va + 4u * i; }

static struct rv_decoded decode_at(uint32_t i) { return rv_decode(get_le32(text->bytes + 4u * i), pc_of(i)); }

/* Whether a block ends at op: after it, control is not simply the next word. */
static bool ends_block(uint8_t op)
{
    return op == OP_ILLEGAL || op == OP_ECALL || op == OP_EBREAK || (op >= OP_JAL && op <= OP_BGEU_FAR);
}

/* Marks `to` as a leader when it is a word of the text. */
static void lead(uint32_t to)
{
    if ((to & 3u) == 0 && to - text->va < text->len)
        leader[(to - text->va) / 4u] = true;
}

/* The blocks, and the words control can enter other than by falling
 * through: the entry point, direct jump and branch targets, the word after
 * a block's end (a call's return address among them) and any constant
 * that points into the text (a function's address taken). Only these get
 * an entry; the interpreter runs up to one from anywhere else. */
static void find_blocks(uint32_t entry)
{
    block_end = calloc(text->words, sizeof *block_end);
    leader = calloc(text->words, sizeof *leader);
    if (block_end == NULL || leader == NULL)
        fail("out of memory");
    uint32_t end = text->words - 1u;
    for (uint32_t i = text->words; i-- > 0;) {
        struct rv_decoded d = decode_at(i);
        if (ends_block(d.op)) {
            end = i;
            lead(pc_of(i + 1u));
        }
        block_end[i] = end;
        if (d.op == OP_JAL)
            lead(pc_of(i) + (uint32_t)(d.jump / 2));
        else if (d.op >= OP_BEQ && d.op <= OP_BGEU)
            lead(pc_of(i) + (uint32_t)(d.imm / 2));
        else if (d.op == OP_JAL_FAR || (d.op >= OP_BEQ_FAR && d.op <= OP_BGEU_FAR) || d.op == OP_LI ||
                 d.op == OP_ADDI)
            lead((uint32_t)d.imm);
    }
    lead(text->va);
    lead(entry);
}

/* The C for guest register n as a value ("0u" for x0). */
static const char *reg(unsigned n)
{
    static char names[32][12];
    n &= 31u;
    if (n == 0)
        return "0u";
    snprintf(names[n], sizeof names[n], "r%u", n);
    return names[n];
}

/* Leave before word i, which did not retire: give back its block's
 * budget from i on. */
static void emit_exit(uint32_t i)
{
    emit("EXIT_AT(0x%08xu, %uu);", pc_of(i), block_end[i] - i + 1u);
}

/* Control to guest address `to`, known now: a goto when it is a word of
 * the text, else the interpreter's from word i (not retired). */
static void emit_goto(uint32_t i, uint32_t to)
{
    if ((to & 3u) == 0 && to - text->va < text->len)
        emit("goto E%u;", (to - text->va) / 4u);
    else
        emit_exit(i);
}

static const char *branch_cond(uint8_t op)
{
    switch ((op - OP_BEQ) % (OP_BEQ_FAR - OP_BEQ)) {
    case 0: return "%s == %s";
    case 1: return "%s != %s";
    case 2: return "rv_slt(%s, %s)";
    case 3: return "!rv_slt(%s, %s)";
    case 4: return "%s < %s";
    default: return "%s >= %s";
    }
}

/* The C expression of an ALU op: a and b are the operands' C. */
static bool alu_expr(uint8_t op, char *buf, size_t n, const char *a, const char *b)
{
    static const struct {
        uint8_t op;
        const char *fmt;
    } forms[] = {
        {OP_ADDI, "%s + %s"}, {OP_SLTI, "rv_slt(%s, %s)"}, {OP_SLTIU, "(uint32_t)(%s < %s)"},
        {OP_XORI, "%s ^ %s"}, {OP_ORI, "%s | %s"}, {OP_ANDI, "%s & %s"},
        {OP_SLLI, "%s << %s"}, {OP_SRLI, "%s >> %s"}, {OP_SRAI, "rv_sra(%s, %s)"},
        {OP_ADD, "%s + %s"}, {OP_SUB, "%s - %s"}, {OP_SLL, "%s << (%s & 31u)"},
        {OP_SLT, "rv_slt(%s, %s)"}, {OP_SLTU, "(uint32_t)(%s < %s)"}, {OP_XOR, "%s ^ %s"},
        {OP_SRL, "%s >> (%s & 31u)"}, {OP_SRA, "rv_sra(%s, %s)"}, {OP_OR, "%s | %s"},
        {OP_AND, "%s & %s"}, {OP_MUL, "%s * %s"}, {OP_MULH, "rv_mulh(%s, %s)"},
        {OP_MULHSU, "rv_mulhsu(%s, %s)"}, {OP_MULHU, "rv_mulhu(%s, %s)"}, {OP_DIV, "rv_div(%s, %s)"},
        {OP_DIVU, "rv_divu(%s, %s)"}, {OP_REM, "rv_rem(%s, %s)"}, {OP_REMU, "rv_remu(%s, %s)"},
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        if (forms[k].op == op) {
            snprintf(buf, n, forms[k].fmt, a, b);
            return true;
        }
    }
    return false;
}

static void emit_load(uint32_t i, struct rv_decoded d)
{
    static const char *const ext[] = {
        [OP_LB] = "(uint32_t)(int32_t)(int8_t)", [OP_LH] = "(uint32_t)(int32_t)(int16_t)",
        [OP_LW] = "(uint32_t)", [OP_LBU] = "(uint32_t)", [OP_LHU] = "(uint32_t)"};
    unsigned size = d.op == OP_LW ? 4u : d.op == OP_LH || d.op == OP_LHU ? 2u : 1u;
    emit("{ uint64_t got = rv_xlat_load(s, %u, %s + 0x%08xu, %u); if (got == RV_LOAD_FAULT) { ", d.rs1,
         reg(d.rs1), (uint32_t)d.imm, size);
    emit_exit(i);
    emit(" }");
    if (d.rd != RV_SCRATCH)
        emit(" %s = %s(got);", reg(d.rd), ext[d.op]);
    emit(" }");
}

static void emit_store(uint32_t i, struct rv_decoded d)
{
    unsigned size = d.op == OP_SW ? 4u : d.op == OP_SH ? 2u : 1u;
    emit("if (rv_xlat_store(s, %u, %s + 0x%08xu, %u, %s) != 0) { ", d.rs1, reg(d.rs1), (uint32_t)d.imm, size,
         reg(d.rs2));
    emit_exit(i);
    emit(" }");
}

static void emit_jalr(uint32_t i, struct rv_decoded d)
{
    emit("to = (%s + 0x%08xu) & ~1u; if ((to & 3u) != 0) { ", reg(d.rs1), (uint32_t)d.imm);
    emit_exit(i);
    emit(" }");
    if (d.op == OP_JALR)
        emit(" %s = 0x%08xu;", reg(d.rd), pc_of(i) + 4u);
    emit(" goto dispatch;");
}

/* Word i's C, after its label. */
static void emit_word(uint32_t i)
{
    struct rv_decoded d = decode_at(i);
    char a[16], b[16], expr[64];
    if (leader[i])
        emit("I%u: ", i);
    if (d.op == OP_ILLEGAL || d.op == OP_ECALL || d.op == OP_EBREAK) {
        emit_exit(i);
    } else if (d.op == OP_JAL || d.op == OP_JAL_FAR) {
        uint32_t to = d.op == OP_JAL ? pc_of(i) + (uint32_t)(d.jump / 2) : (uint32_t)d.imm;
        if ((to & 3u) == 0 && to - text->va < text->len && d.rd != RV_SCRATCH)
            emit("%s = 0x%08xu; ", reg(d.rd), pc_of(i) + 4u);
        emit_goto(i, to);
    } else if (d.op == OP_JALR || d.op == OP_JR) {
        emit_jalr(i, d);
    } else if (d.op >= OP_BEQ && d.op <= OP_BGEU_FAR) {
        uint32_t to = d.op >= OP_BEQ_FAR ? (uint32_t)d.imm : pc_of(i) + (uint32_t)(d.imm / 2);
        emit("if (");
        emit(branch_cond(d.op), reg(d.rs1), reg(d.rs2));
        emit(") { ");
        emit_goto(i, to);
        emit(" }");
    } else if (d.op >= OP_LB && d.op <= OP_LHU) {
        emit_load(i, d);
    } else if (d.op >= OP_SB && d.op <= OP_SW) {
        emit_store(i, d);
    } else if (d.op == OP_LI) {
        if (d.rd != RV_SCRATCH)
            emit("%s = 0x%08xu;", reg(d.rd), (uint32_t)d.imm);
    } else if (d.op != OP_NOP) {
        snprintf(a, sizeof a, "%s", reg(d.rs1));
        if (d.op >= OP_ADDI && d.op <= OP_SRAI)
            snprintf(b, sizeof b, "0x%08xu", (uint32_t)d.imm);
        else
            snprintf(b, sizeof b, "%s", reg(d.rs2));
        if (!alu_expr(d.op, expr, sizeof expr, a, b))
            fail("no translation for op %u at 0x%08x", d.op, pc_of(i));
        if (d.rd != RV_SCRATCH)
            emit("%s = %s;", reg(d.rd), expr);
    }
    /* Where control goes when the word falls through. */
    bool falls = d.op != OP_JAL && d.op != OP_JAL_FAR && d.op != OP_JALR && d.op != OP_JR &&
                 d.op != OP_ILLEGAL && d.op != OP_ECALL && d.op != OP_EBREAK;
    if (falls && i + 1u == text->words)
        emit(" pc = 0x%08xu; goto out;", pc_of(i + 1u));
    else if (falls && block_end[i] == i)
        emit(" goto E%u;", i + 1u);
    emit("\n");
}

/* Entering at word i: charge the rest of its block, if the budget has it. */
static void emit_entry(uint32_t i)
{
    uint32_t n = block_end[i] - i + 1u;
    emit("E%u: if (left < %uu) { pc = 0x%08xu; why = RV_XLAT_BUDGET; goto out; } left -= %uu; goto I%u;\n", i,
         n, pc_of(i), n, i);
}

static void emit_program(const char *name, uint32_t entry)
{
    find_blocks(entry);
    emit("/* Generated by tools/xlat/rvxlat from %s.elf. Do not edit. */\n", name);
    emit("#include \"core/rv32_xlat.h\"\n\n");
    emit("/* Leave before the word at `at`, giving back `refund` instructions of budget. */\n");
    emit("#define EXIT_AT(at, refund) do { pc = (at); left += (refund); goto out; } while (0)\n\n");
    emit("static enum rv_xlat_exit run(struct rv_xlat_state *s)\n{\n");
    emit("    struct rv_cpu *cpu = s->cpu;\n");
    for (unsigned r = 1; r < 32; r++)
        emit("    uint32_t r%u = cpu->x[%u];\n", r, r);
    emit("    uint32_t left = s->left, pc, to = cpu->pc;\n");
    emit("    enum rv_xlat_exit why = RV_XLAT_INTERPRET;\n");
    emit("    goto dispatch;\n\n");
    for (uint32_t i = 0; i < text->words; i++)
        emit_word(i);
    emit("\n");
    for (uint32_t i = 0; i < text->words; i++)
        if (leader[i])
            emit_entry(i);
    emit("\ndispatch:\n");
    emit("    if ((to & 3u) != 0 || to - 0x%08xu >= %uu) {\n        pc = to;\n        goto out;\n    }\n",
         text->va, text->len);
    emit("    switch ((to - 0x%08xu) >> 2) {\n", text->va);
    for (uint32_t i = 0; i < text->words; i++)
        if (leader[i])
            emit("    case %u: goto E%u;\n", i, i);
    emit("    default: pc = to; goto out;\n    }\n");
    emit("out:\n");
    for (unsigned r = 1; r < 32; r++)
        emit("    cpu->x[%u] = r%u;\n", r, r);
    emit("    cpu->pc = pc;\n    s->left = left;\n    return why;\n}\n\n");
    emit("const struct rv_xlat_program rv_xlat_prog_%s = {\"%s\", 0x%08xu, %uu, 0x%08xu, run};\n", name, name,
         text->va, text->len, crc32_compute(text->bytes, text->len));
    free(block_end);
    free(leader);
}

/* ---- The table ---- */

static void emit_table(char **names, int count)
{
    emit("/* Generated by tools/xlat/rvxlat: the built-in programs' translations. Do not edit. */\n");
    emit("#include \"core/rv32_xlat.h\"\n#include \"user/programs_xlat.h\"\n\n");
    for (int i = 0; i < count; i++)
        emit("extern const struct rv_xlat_program rv_xlat_prog_%s;\n", names[i]);
    emit("\nstatic const struct rv_xlat_program *const table[] = {\n");
    for (int i = 0; i < count; i++)
        emit("    &rv_xlat_prog_%s,\n", names[i]);
    emit("    NULL,\n};\n\n");
    emit("const struct rv_xlat_program *user_program_xlat_find(const char *name, uint32_t name_len)\n{\n");
    emit("    for (const struct rv_xlat_program *const *t = table; name != NULL && *t != NULL; t++) {\n");
    emit("        uint32_t i = 0;\n");
    emit("        while (i < name_len && (*t)->name[i] == name[i])\n            i++;\n");
    emit("        if (i == name_len && (*t)->name[i] == '\\0')\n            return *t;\n    }\n");
    emit("    return NULL;\n}\n");
}

static bool is_identifier(const char *s)
{
    if (*s < 'a' || *s > 'z')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static void open_output(const char *path)
{
    out = fopen(path, "w");
    if (out == NULL) {
        input_name = path;
        fail("cannot write: %s", strerror(errno));
    }
}

static void close_output(const char *path)
{
    if (ferror(out) || fclose(out) != 0) {
        input_name = path;
        fail("cannot write");
    }
}

int main(int argc, char **argv)
{
    input_name = "usage";
    if (argc == 5 && strcmp(argv[1], "program") == 0) {
        if (!is_identifier(argv[2]))
            fail("program name '%s' is not a lower-case C identifier", argv[2]);
        input_name = argv[3];
        uint32_t size;
        uint8_t *elf = read_file(argv[3], &size);
        struct text t = find_text(elf, size);
        text = &t;
        open_output(argv[4]);
        emit_program(argv[2], get_le32(elf + EH_ENTRY));
        close_output(argv[4]);
        free(elf);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "table") == 0) {
        for (int i = 3; i < argc; i++)
            if (!is_identifier(argv[i]))
                fail("program name '%s' is not a lower-case C identifier", argv[i]);
        open_output(argv[2]);
        emit_table(argv + 3, argc - 3);
        close_output(argv[2]);
        return 0;
    }
    fprintf(stderr, "usage: rvxlat program NAME ELF OUT.c\n       rvxlat table OUT.c NAME...\n");
    return 2;
}
