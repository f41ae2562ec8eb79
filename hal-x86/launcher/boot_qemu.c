/* boot_qemu.c - see boot_qemu.h. */
#include "boot_qemu.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

#include "hal-x86/kernel/bootinfo.h"

/* Builds one argument at a time into the argv's text. */
struct boot_qemu_builder {
    struct boot_qemu_argv *a;
    size_t start;  /* where the argument being built begins in text */
    bool overflow; /* something did not fit: the argv is unusable */
};

/* Append text; with `escape`, as a QEMU option value, where ',' is
 * written ",," (a single one would start the next option). */
static void qb_put(struct boot_qemu_builder *b, const char *text, bool escape)
{
    for (const char *p = text; *p != '\0'; p++) {
        size_t need = escape && *p == ',' ? 2 : 1;
        if (b->a->used + need + 1 > sizeof b->a->text) {
            b->overflow = true;
            return;
        }
        for (size_t i = 0; i < need; i++)
            b->a->text[b->a->used++] = *p;
    }
}

static void qb_end(struct boot_qemu_builder *b)
{
    if (b->overflow || b->a->argc == BOOT_QEMU_MAX_ARGS) {
        b->overflow = true;
        return;
    }
    b->a->text[b->a->used++] = '\0';
    b->a->argv[b->a->argc++] = b->a->text + b->start;
    b->a->argv[b->a->argc] = NULL;
    b->start = b->a->used;
}

static void qb_arg(struct boot_qemu_builder *b, const char *text)
{
    qb_put(b, text, false);
    qb_end(b);
}

static void qb_argf(struct boot_qemu_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void qb_argf(struct boot_qemu_builder *b, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof text)
        b->overflow = true;
    else
        qb_arg(b, text);
}

/* One argument "<head><escaped value><tail>". */
static void qb_arg_value(struct boot_qemu_builder *b, const char *head, const char *value, const char *tail)
{
    qb_put(b, head, false);
    qb_put(b, value, true);
    qb_put(b, tail, false);
    qb_end(b);
}

void boot_qemu_mac(uint32_t node, char out[18])
{
    snprintf(out, 18, BOOT_MAC_PREFIX "%02x", (node + 1) & 0xffu);
}

static void boot_qemu_machine(const struct boot_options *o, uint32_t node, struct boot_qemu_builder *b)
{
    qb_arg(b, "-name");
    qb_argf(b, "cumulonimbus node %u", node);
    qb_arg(b, "-machine");
    qb_arg(b, "pc");
    qb_arg(b, "-accel");
    qb_arg(b, "tcg");
    qb_arg(b, "-m");
    qb_argf(b, "%uM", o->memory_mib);
    qb_arg(b, "-no-reboot");
    qb_arg(b, "-monitor");
    qb_arg(b, "none");
    if (!o->display) {
        qb_arg(b, "-display");
        qb_arg(b, "none");
    }
    qb_arg(b, "-device");
    qb_arg(b, "isa-debug-exit,iobase=" BOOT_QEMU_DEBUG_EXIT_PORT ",iosize=0x04");
}

static void boot_qemu_devices(uint32_t node, const struct boot_qemu_paths *p, struct boot_qemu_builder *b)
{
    char mac[18];
    boot_qemu_mac(node, mac);
    qb_arg(b, "-chardev");
    qb_arg_value(b, "socket,id=com1,path=", p->serial_sock, "");
    qb_arg(b, "-serial");
    qb_arg(b, "chardev:com1");
    qb_arg(b, "-netdev");
    qb_put(b, "dgram,id=lan,local.type=unix,local.path=", false);
    qb_put(b, p->node_sock, true);
    qb_arg_value(b, ",remote.type=unix,remote.path=", p->lan_sock, "");
    qb_arg(b, "-device");
    qb_argf(b, "e1000,netdev=lan,mac=%s", mac);
    qb_arg(b, "-object");
    qb_arg_value(b, "filter-dump,id=dump,netdev=lan,file=", p->pcap, "");
    if (p->disk != NULL) {
        qb_arg(b, "-drive");
        qb_arg_value(b, "file=", p->disk, ",format=raw,if=ide,index=0,media=disk");
    }
}

/* "-initrd 'PATH NAME,PATH NAME'": QEMU's multiboot loader loads each
 * file as a module whose string is "PATH NAME" (a ',' in a path is
 * written ",,"); the kernel names the module by the last word. */
static void boot_qemu_modules(const struct boot_options *o, struct boot_qemu_builder *b)
{
    if (o->program_count == 0)
        return;
    qb_arg(b, "-initrd");
    for (uint32_t i = 0; i < o->program_count; i++) {
        qb_put(b, i > 0 ? "," : "", false);
        qb_put(b, o->programs[i].path, true);
        qb_put(b, " ", false);
        qb_put(b, o->programs[i].name, false);
    }
    qb_end(b);
}

static void boot_qemu_boot(const struct boot_options *o, const char *cmdline, const struct boot_qemu_paths *p,
                           struct boot_qemu_builder *b)
{
    if (o->method == BOOT_METHOD_KERNEL) {
        qb_arg(b, "-bios");
        qb_arg(b, BOOT_QEMU_BIOS_FOR_KERNEL);
        qb_arg(b, "-kernel"); /* -kernel and -append are plain strings, not option lists */
        qb_arg(b, p->image);
        qb_arg(b, "-append");
        qb_arg(b, cmdline);
        boot_qemu_modules(o, b);
        return;
    }
    qb_arg(b, "-drive");
    qb_arg_value(b, "file=", p->image, ",format=raw,if=ide,index=2,media=cdrom,readonly=on");
    qb_arg(b, "-boot");
    qb_arg(b, "order=d");
    qb_arg(b, "-smbios");
    qb_arg_value(b, "type=11,value=" BOOT_QEMU_SMBIOS_PREFIX, cmdline, "");
}

int boot_qemu_argv(const struct boot_options *o, uint32_t node, const struct boot_qemu_paths *p,
                   struct boot_qemu_argv *out)
{
    char cmdline[BOOT_CMDLINE_BYTES];
    struct boot_qemu_builder b = {.a = out};
    out->argc = 0;
    out->used = 0;
    out->argv[0] = NULL;
    if (boot_args_cmdline(o, node, cmdline, sizeof cmdline) < 0)
        return -1;
    qb_arg(&b, p->qemu);
    boot_qemu_machine(o, node, &b);
    boot_qemu_devices(node, p, &b);
    boot_qemu_boot(o, cmdline, p, &b);
    return b.overflow ? -1 : 0;
}

static bool boot_shell_safe(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@%+-", *s) == NULL)
            return false;
    return true;
}

void boot_qemu_print(const struct boot_qemu_argv *a, FILE *f)
{
    for (uint32_t i = 0; i < a->argc; i++) {
        const char *s = a->argv[i];
        fputs(i > 0 ? " " : "", f);
        if (boot_shell_safe(s)) {
            fputs(s, f);
            continue;
        }
        fputc('\'', f);
        for (; *s != '\0'; s++) {
            if (*s == '\'')
                fputs("'\\''", f); /* close the quote, an escaped quote, reopen */
            else
                fputc(*s, f);
        }
        fputc('\'', f);
    }
    fputc('\n', f);
}

int boot_qemu_guest_status(int wait_status)
{
    if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) % 2 == 0)
        return -1;
    return WEXITSTATUS(wait_status) >> 1;
}

void boot_qemu_describe_exit(int wait_status, char *buf, size_t bytes)
{
    if (WIFSIGNALED(wait_status)) {
        snprintf(buf, bytes, "was killed by signal %d", WTERMSIG(wait_status));
        return;
    }
    int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    int guest = boot_qemu_guest_status(wait_status);
    /* QEMU's own errors are 1 too, so 1 is ambiguous. */
    if (guest == 0)
        snprintf(buf, bytes, "exited with status 1 (a QEMU error, or the guest's isa-debug-exit status 0)");
    else if (guest > 0)
        snprintf(buf, bytes, "exited with status %d (the guest's isa-debug-exit status %d)", code, guest);
    else
        snprintf(buf, bytes, "exited with status %d", code);
}
