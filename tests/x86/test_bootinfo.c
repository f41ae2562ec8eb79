/*
 * test_bootinfo.c - the x86 kernel's reading of what the boot loader
 * hands over (bootinfo.c, both multiboot protocols, well formed and not),
 * the boot modules as programs (node_programs.c) and its console line
 * cutting (console_lines.c), on the host.
 */
#define _GNU_SOURCE /* MAP_32BIT */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "hal-x86/kernel/bootinfo.h"
#include "hal-x86/kernel/console_lines.h"
#include "hal-x86/kernel/node_config.h"
#include "hal-x86/kernel/node_programs.h"
#include "x86_host_stubs.h"

#define MB1_MAGIC 0x2BADB002u
#define MB2_MAGIC 0x36D76289u

static struct boot_info bi;

/* ---- multiboot 2: a tag list built in a buffer ----------------------- */

struct mb2 {
    _Alignas(8) uint8_t bytes[4096];
    uint32_t len;
};

static void mb2_put(struct mb2 *m, const void *data, uint32_t len)
{
    if (len > 0)
        memcpy(m->bytes + m->len, data, len);
    m->len += len;
}

static void mb2_tag(struct mb2 *m, uint32_t type, const void *body, uint32_t body_len)
{
    uint32_t head[2] = {type, 8 + body_len};
    mb2_put(m, head, 8);
    mb2_put(m, body, body_len);
    m->len = (m->len + 7) & ~7u;
}

static void mb2_start(struct mb2 *m)
{
    memset(m, 0, sizeof *m);
    m->len = 8;
}

static uintptr_t mb2_finish(struct mb2 *m)
{
    mb2_tag(m, 0, NULL, 0);
    memcpy(m->bytes, &m->len, 4);
    return (uintptr_t)m->bytes;
}

static void mb2_cmdline(struct mb2 *m, const char *text)
{
    mb2_tag(m, 1, text, (uint32_t)strlen(text) + 1);
}

struct mmap_entry {
    uint64_t base, length;
    uint32_t type, reserved;
};

static void mb2_mmap(struct mb2 *m, const struct mmap_entry *e, uint32_t count)
{
    uint8_t body[512];
    uint32_t head[2] = {sizeof *e, 0};
    memcpy(body, head, 8);
    memcpy(body + 8, e, count * sizeof *e);
    mb2_tag(m, 6, body, 8 + count * (uint32_t)sizeof *e);
}

/* The framebuffer tag: address, pitch, size, bpp, type, then the colour
 * layout (red position and size, green, blue). */
static void mb2_framebuffer_pitch(struct mb2 *m, uint64_t addr, uint32_t pitch, uint32_t width,
                                  uint32_t height, uint8_t bpp)
{
    uint8_t body[32] = {0};
    uint32_t dims[3] = {pitch, width, height};
    memcpy(body, &addr, 8);
    memcpy(body + 8, dims, 12);
    body[20] = bpp;
    body[21] = 1; /* RGB */
    uint8_t rgb[6] = {16, 8, 8, 8, 0, 8};
    memcpy(body + 24, rgb, 6);
    mb2_tag(m, 8, body, 30);
}

/* Rows exactly `width` pixels long. */
static void mb2_framebuffer(struct mb2 *m, uint64_t addr, uint32_t width, uint32_t height, uint8_t bpp)
{
    mb2_framebuffer_pitch(m, addr, width * bpp / 8, width, height, bpp);
}

Test(bootinfo, multiboot2_cmdline_memory_and_framebuffer)
{
    static struct mb2 m;
    mb2_start(&m);
    mb2_cmdline(&m, "/boot/cumulonimbus.elf run=hello");
    struct mmap_entry map[] = {
        {0, 0x9FC00, 1, 0},
        {0xF0000, 0x10000, 2, 0}, /* reserved */
        {0x100000, 0x7EE0000, 1, 0},
        {0xC0000000, 0x80000000, 1, 0},  /* crosses 4 GiB: clipped */
        {0x100000000, 0x40000000, 1, 0}, /* above 4 GiB: left out */
    };
    mb2_mmap(&m, map, 5);
    mb2_framebuffer(&m, 0xFD000000, 1024, 768, 32);
    cr_assert(bootinfo_parse(MB2_MAGIC, mb2_finish(&m), &bi));
    cr_expect_str_eq(bi.loader, "multiboot2");
    cr_expect_str_eq(bi.cmdline, " run=hello", "the file name goes");
    cr_assert_eq(bi.mem_count, 3);
    cr_expect_eq(bi.mem[1].base, 0x100000);
    cr_expect_eq(bi.mem[1].length, 0x7EE0000);
    cr_expect_eq(bi.mem[2].length, 0x40000000, "clipped at 4 GiB");
    cr_expect(bi.fb.present);
    cr_expect_eq(bi.fb.addr, 0xFD000000);
    cr_expect_eq(bi.fb.width, 1024);
    cr_expect_eq(bi.fb.pitch, 4096);
}

Test(bootinfo, a_framebuffer_the_console_cannot_draw_is_refused)
{
    static struct mb2 m;
    mb2_start(&m);
    mb2_framebuffer(&m, 0xFD000000, 1024, 768, 24);
    stub_serial_reset();
    cr_assert(bootinfo_parse(MB2_MAGIC, mb2_finish(&m), &bi));
    cr_expect_not(bi.fb.present);
    cr_expect(strstr(stub_serial_text(), "using VGA text") != NULL, "%s", stub_serial_text());
    mb2_start(&m);
    mb2_framebuffer(&m, 0xFFFFF000, 1024, 768, 32); /* runs past 4 GiB */
    cr_assert(bootinfo_parse(MB2_MAGIC, mb2_finish(&m), &bi));
    cr_expect_not(bi.fb.present);
}

/* Found by fuzz_bootinfo: width * 4 wrapped in 32 bits, so a 4-byte pitch
 * passed for rows of 0x40000001 pixels. */
Test(bootinfo, a_width_too_large_for_the_pitch_is_refused_without_overflow)
{
    static struct mb2 m;
    mb2_start(&m);
    mb2_framebuffer_pitch(&m, 0xFD000000, 4, 0x40000001, 1, 32);
    cr_assert(bootinfo_parse(MB2_MAGIC, mb2_finish(&m), &bi));
    cr_expect_not(bi.fb.present);
}

Test(bootinfo, malformed_multiboot2_information_is_survived)
{
    static struct mb2 m;
    mb2_start(&m);
    mb2_cmdline(&m, "run=hello");
    uint32_t too_long[2] = {6, 4000}; /* a tag running past the end */
    mb2_put(&m, too_long, 8);
    uintptr_t info = mb2_finish(&m);
    cr_assert(bootinfo_parse(MB2_MAGIC, info, &bi));
    cr_expect_str_eq(bi.cmdline, "run=hello", "tags before the bad one count");
    cr_expect_eq(bi.mem_count, 0);

    uint32_t total = 4; /* smaller than its own header */
    memcpy(m.bytes, &total, 4);
    cr_assert(bootinfo_parse(MB2_MAGIC, info, &bi));
    cr_expect_str_empty(bi.cmdline);

    mb2_start(&m);
    uint8_t bad_map[8] = {0}; /* entry size 0 */
    mb2_tag(&m, 6, bad_map, 8);
    cr_assert(bootinfo_parse(MB2_MAGIC, mb2_finish(&m), &bi));
    cr_expect_eq(bi.mem_count, 0);
}

Test(bootinfo, an_overlong_command_line_is_flagged)
{
    static struct mb2 m;
    mb2_start(&m);
    char line[BOOT_CMDLINE_BYTES + 10];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    mb2_cmdline(&m, line);
    cr_assert(bootinfo_parse(MB2_MAGIC, mb2_finish(&m), &bi));
    cr_expect(bi.cmdline_too_long);
    cr_expect_eq(strlen(bi.cmdline), BOOT_CMDLINE_BYTES - 1);
}

Test(bootinfo, an_unknown_loader_is_refused)
{
    static struct mb2 m;
    mb2_start(&m);
    stub_serial_reset();
    cr_expect_not(bootinfo_parse(0x12345678u, mb2_finish(&m), &bi));
    cr_expect(strstr(stub_serial_text(), "unknown boot loader magic 0x12345678") != NULL);
}

/* ---- multiboot 1: its pointers are 32-bit, so the structures must live
 * below 4 GiB even on the host ------------------------------------------ */

Test(bootinfo, multiboot1_cmdline_and_memory_map)
{
    uint8_t *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    cr_assert_neq(low, MAP_FAILED);
    uint8_t *info = low, *cmdline = low + 256, *map = low + 512;
    strcpy((char *)cmdline, "build/cumulonimbus.elf nodes=3 node=1");
    /* Entries of 24 bytes (size field + 20): 64-bit fields at 4 mod 8. */
    struct __attribute__((packed)) {
        uint32_t size;
        uint64_t base, length;
        uint32_t type;
    } entries[3] = {{20, 0, 0x9FC00, 1}, {20, 0x100000, 0x3F00000, 1}, {20, 0xFFFC0000, 0x40000, 2}};
    memcpy(map, entries, sizeof entries);
    uint32_t flags = 0x004 | 0x040, cmd = (uint32_t)(uintptr_t)cmdline, len = sizeof entries,
             addr = (uint32_t)(uintptr_t)map;
    memcpy(info, &flags, 4);
    memcpy(info + 16, &cmd, 4);
    memcpy(info + 44, &len, 4);
    memcpy(info + 48, &addr, 4);
    cr_assert(bootinfo_parse(MB1_MAGIC, (uintptr_t)info, &bi));
    cr_expect_str_eq(bi.loader, "multiboot");
    cr_expect_str_eq(bi.cmdline, " nodes=3 node=1");
    cr_assert_eq(bi.mem_count, 2);
    cr_expect_eq(bi.mem[1].base, 0x100000);
    cr_expect_eq(bi.mem[1].length, 0x3F00000);
    cr_expect_not(bi.fb.present);
    munmap(low, 4096);
}

Test(bootinfo, a_multiboot1_memory_map_of_an_absurd_length_is_ignored_with_a_message)
{
    uint8_t info[116] = {0}; /* the map itself is never read: no pointer needed */
    uint32_t flags = 0x040, len = 0x7FFFFFFF;
    memcpy(info, &flags, 4);
    memcpy(info + 44, &len, 4);
    stub_serial_reset();
    cr_assert(bootinfo_parse(MB1_MAGIC, (uintptr_t)info, &bi));
    cr_expect_eq(bi.mem_count, 0);
    cr_expect(strstr(stub_serial_text(), "multiboot memory map of 2147483647 bytes ignored") != NULL, "%s",
              stub_serial_text());
}

/* ---- boot modules: the programs of `nimbus boot --program` ------------ */

/* A multiboot 1 structure with `count` modules whose strings are
 * `strings`, in low memory (`low`, one page). */
static uintptr_t mb1_modules(uint8_t *low, const uint32_t (*range)[2], const char *const *strings,
                             uint32_t count)
{
    uint8_t *info = low, *mods = low + 128, *text = low + 1024;
    uint32_t flags = 0x008, at = (uint32_t)(uintptr_t)mods;
    memcpy(info, &flags, 4);
    memcpy(info + 20, &count, 4);
    memcpy(info + 24, &at, 4);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t str = 0;
        if (strings[i] != NULL) {
            str = (uint32_t)(uintptr_t)text;
            strcpy((char *)text, strings[i]);
            text += strlen(strings[i]) + 1;
        }
        uint32_t entry[4] = {range[i][0], range[i][1], str, 0};
        memcpy(mods + 16 * i, entry, sizeof entry);
    }
    return (uintptr_t)info;
}

Test(bootinfo, multiboot1_modules_are_named_by_their_last_word)
{
    uint8_t *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    cr_assert_neq(low, MAP_FAILED);
    static const uint32_t range[5][2] = {{0x200000, 0x201C7C},
                                         {0x202000, 0x202100},
                                         {0x300000, 0x2FF000},
                                         {0x310000, 0x310010},
                                         {0x320000, 0x320010}};
    static const char *const strings[5] = {"/w/build-outside/collatz.elf collatz", "job", "/x bad", NULL,
                                           "/y abcdefghijklmnopqrstuvwxyz0123456"};
    stub_serial_reset();
    cr_assert(bootinfo_parse(MB1_MAGIC, mb1_modules(low, range, strings, 5), &bi));
    cr_assert_eq(bi.module_count, 2);
    cr_expect_str_eq(bi.modules[0].name, "collatz");
    cr_expect_eq(bi.modules[0].start, 0x200000);
    cr_expect_eq(bi.modules[0].end, 0x201C7C);
    cr_expect_str_eq(bi.modules[1].name, "job");
    const char *serial = stub_serial_text();
    cr_expect(strstr(serial, "the module at 0x300000-0x2ff000 is ignored: it ends before it starts") != NULL,
              "%s", serial);
    cr_expect(strstr(serial,
                     "the module at 0x310000-0x310010 is ignored: its string does not end in a program "
                     "name of 1 to 32 bytes") != NULL,
              "%s", serial);
    cr_expect(strstr(serial, "the module at 0x320000-0x320010 is ignored") != NULL, "%s", serial);
    munmap(low, 4096);
}

Test(bootinfo, multiboot2_modules)
{
    struct mb2 m;
    mb2_start(&m);
    uint8_t body[8 + 8] = {0};
    uint32_t range[2] = {0x400000, 0x401000};
    memcpy(body, range, 8);
    memcpy(body + 8, "collatz", 8);
    mb2_tag(&m, 3, body, sizeof body);
    cr_assert(bootinfo_parse(MB2_MAGIC, mb2_finish(&m), &bi));
    cr_assert_eq(bi.module_count, 1);
    cr_expect_str_eq(bi.modules[0].name, "collatz");
    cr_expect_eq(bi.modules[0].start, 0x400000);
    cr_expect_eq(bi.modules[0].end, 0x401000);
}

Test(node_programs, modules_come_after_the_built_in_programs)
{
    uint8_t *image = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    cr_assert_neq(image, MAP_FAILED);
    struct boot_info b = {.module_count = 3};
    uint32_t at = (uint32_t)(uintptr_t)image;
    b.modules[0] = (struct boot_module){at, at + 64, "collatz"};
    b.modules[1] = (struct boot_module){at, at + 8, "hello"}; /* a built-in program's name */
    b.modules[2] = (struct boot_module){at, at + 8, "collatz"};
    stub_serial_reset();
    node_programs_init(&b);
    cr_assert_eq(node_program_count(), user_program_count + 1);
    const struct user_program *p = node_program_find("collatz", 7);
    cr_assert_not_null(p);
    cr_expect_eq(p->image, image);
    cr_expect_eq(p->size, 64);
    cr_expect_eq(node_program_at(user_program_count), p);
    cr_expect_eq(node_program_find("hello", 5), user_program_find("hello", 5));
    cr_expect(strstr(stub_serial_text(), "module hello is ignored: a program has that name already") != NULL);
    cr_expect(strstr(stub_serial_text(), "module collatz is ignored: a program has that name already") !=
              NULL);
    struct node_config c;
    char err[160];
    cr_expect_eq(node_config_parse("run=collatz:3000,hello", &c, err, sizeof err), 0, "%s", err);
    node_programs_init(&(struct boot_info){.module_count = 0});
    cr_expect_eq(node_config_parse("run=collatz:3000", &c, err, sizeof err), -1);
    munmap(image, 4096);
}

/* ---- console lines ------------------------------------------------------ */

#define PID(node, local) ((uint32_t)(node) << 16 | (local))

Test(console_lines, whole_lines_at_once)
{
    stub_serial_reset();
    console_lines_write(0, 12345678, PID(0, 1), "hello\nworld\n", 12);
    cr_expect_str_eq(stub_serial_text(), "[   12.345678 ms] n0.1: hello\n[   12.345678 ms] n0.1: world\n");
}

Test(console_lines, pieces_wait_for_their_newline_and_keep_their_start_time)
{
    stub_serial_reset();
    console_lines_write(3, 1000000, PID(2, 7), "hel", 3);
    console_lines_write(3, 2000000, 0, "kernel\n", 7);
    console_lines_write(3, 3000000, PID(2, 7), "lo\nwor", 6);
    cr_expect_str_eq(stub_serial_text(), "[    2.000000 ms] n3.0: kernel\n[    1.000000 ms] n2.7: hello\n");
    stub_serial_reset();
    console_lines_flush(3, PID(2, 7));
    cr_expect_str_eq(stub_serial_text(), "[    3.000000 ms] n2.7: wor\n", "flushed at the process's end");
    stub_serial_reset();
    console_lines_flush(3, PID(2, 7));
    cr_expect_str_empty(stub_serial_text(), "nothing left");
}

Test(console_lines, an_overlong_line_is_cut)
{
    char text[CONSOLE_LINE_BYTES + 10];
    memset(text, 'a', sizeof text);
    stub_serial_reset();
    console_lines_write(0, 0, PID(0, 1), text, sizeof text);
    console_lines_write(0, 0, PID(0, 1), "\n", 1);
    const char *out = stub_serial_text();
    const char *second = strchr(out, '\n');
    cr_assert_not_null(second);
    cr_expect_eq(second - out, (long)strlen("[    0.000000 ms] n0.1: ") + CONSOLE_LINE_BYTES);
    cr_expect_str_eq(second + 1, "[    0.000000 ms] n0.1: aaaaaaaaaa\n");
}
