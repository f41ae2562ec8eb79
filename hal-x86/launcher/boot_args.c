/*
 * boot_args.c - see boot_args.h. Policy, mode and program names are
 * checked against the same tables the simulator and the image use
 * (core/names.h, user/programs.h), so they cannot drift apart.
 */
#include "boot_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/kernel.h"
#include "host/args.h"
#include "hal/hal_trace.h"
#include "hal-x86/kernel/bootinfo.h"
#include "hal-x86/kernel/node_config.h"
#include "hal-x86/kernel/shell_line.h"
#include "core/names.h"
#include "user/programs.h"

enum boot_opt_id {
    OPT_NODES,
    OPT_OUT,
    OPT_RUN,
    OPT_BALANCE,
    OPT_MIGRATE,
    OPT_APPEND,
    OPT_DISK,
    OPT_KVD,
    OPT_ISO,
    OPT_KERNEL,
    OPT_ISO_PATH,
    OPT_QEMU,
    OPT_MEMORY,
    OPT_DISPLAY,
    OPT_EXEC,
    OPT_EXPECT,
    OPT_TIMEOUT,
    OPT_UNTIL_IDLE,
    OPT_PROGRAM,
    OPT_HELP,
};

/* The options, in host/args.h's form: one parser and one style of
 * errors for every nimbus subcommand. */
static const struct args_option boot_option_table[] = {
    {"nodes", 'n', "N", OPT_NODES},
    {"out", 'o', "DIR", OPT_OUT},
    {"run", 0, "NODE:PROG[:ARG]...", OPT_RUN},
    {"balance", 0, "POLICY", OPT_BALANCE},
    {"migrate", 0, "MODE", OPT_MIGRATE},
    {"append", 0, "WORDS", OPT_APPEND},
    {"disk", 0, "MIB", OPT_DISK},
    {"kvd", 0, "DIR", OPT_KVD},
    {"iso", 0, NULL, OPT_ISO},
    {"kernel", 0, "FILE", OPT_KERNEL},
    {"iso-path", 0, "FILE", OPT_ISO_PATH},
    {"qemu", 0, "PROGRAM", OPT_QEMU},
    {"memory", 0, "MIB", OPT_MEMORY},
    {"display", 0, NULL, OPT_DISPLAY},
    {"exec", 0, "NODE:COMMAND", OPT_EXEC},
    {"expect", 0, "TEXT", OPT_EXPECT},
    {"timeout", 0, "SECONDS", OPT_TIMEOUT},
    {"until-idle", 0, NULL, OPT_UNTIL_IDLE},
    {"program", 0, "NAME=PATH", OPT_PROGRAM},
    {"help", 'h', NULL, OPT_HELP},
};

/* Kernel command line words nimbus boot writes itself, and what to use
 * instead of giving them to --append. */
static const struct {
    const char *prefix, *instead;
} boot_owned_words[] = {
    {"node=", "every node gets its own id"},
    {"nodes=", "use --nodes"},
    {"ip=", "every node gets its own address, 10.0.0.<node+1>"},
    {"run=", "use --run NODE:PROG[:ARG]..."},
    {"balance=", "use --balance"},
    {"migrate=", "use --migrate"},
    {"exit=", "use --until-idle"},
};

static int boot_fail(char *err, size_t err_bytes, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int boot_fail(char *err, size_t err_bytes, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_bytes, fmt, ap);
    va_end(ap);
    return -1;
}

/* Decimal digits only, within [min, max]. */
static bool boot_parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (*text == '\0')
        return false;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > max)
            return false;
    }
    if (v < min)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Printable ASCII and nothing else: these bytes go to a serial console or
 * a boot loader. */
static bool boot_text_printable(const char *text)
{
    for (const char *p = text; *p != '\0'; p++)
        if (*p < 0x20 || *p > 0x7e)
            return false;
    return true;
}

/* "NODE:REST" with NODE a number below BOOT_MAX_NODES or "*"; `what` (an
 * option, or "input") names it in messages. */
static int boot_parse_node_text(const char *what, const char *value, struct boot_node_text *out, char *err,
                                size_t err_bytes)
{
    const char *colon = strchr(value, ':');
    char node[8];
    size_t len = colon != NULL ? (size_t)(colon - value) : 0;
    if (colon == NULL || len == 0 || len >= sizeof node)
        return boot_fail(err, err_bytes, "%s '%s': expected NODE:..., NODE a node number or '*'", what,
                         value);
    memcpy(node, value, len);
    node[len] = '\0';
    if (strcmp(node, "*") == 0)
        out->node = BOOT_ALL_NODES;
    else if (!boot_parse_u32(node, 0, BOOT_MAX_NODES - 1, &out->node))
        return boot_fail(err, err_bytes, "%s '%s': '%s' is not a node (0 to %u, or '*')", what, value, node,
                         BOOT_MAX_NODES - 1);
    out->text = colon + 1;
    return 0;
}

/* The --program called `name` (name_len bytes), or NULL. */
static const struct boot_program *boot_program_find(const struct boot_options *o, const char *name,
                                                    size_t name_len)
{
    for (uint32_t i = 0; i < o->program_count; i++)
        if (strlen(o->programs[i].name) == name_len && memcmp(o->programs[i].name, name, name_len) == 0)
            return &o->programs[i];
    return NULL;
}

/* PROG[:ARG]...: a program in the image or given with --program,
 * arguments without spaces or commas (the kernel splits run= at them). */
static int boot_check_run(const struct boot_options *o, const char *spec, char *err, size_t err_bytes)
{
    size_t name_len = strcspn(spec, ":");
    if (user_program_find(spec, (uint32_t)name_len) == NULL && boot_program_find(o, spec, name_len) == NULL) {
        char names[256] = "";
        for (uint32_t i = 0; i < user_program_count; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                     user_programs[i].name);
        return boot_fail(err, err_bytes,
                         "--run: no program '%.*s' in the image (programs: %s) nor given with --program",
                         (int)name_len, spec, names);
    }
    uint32_t args = 0;
    for (const char *p = spec + name_len; *p != '\0'; p++) {
        if (*p == ':' && (p[1] == ':' || p[1] == '\0'))
            return boot_fail(err, err_bytes, "--run '%s': an argument is empty", spec);
        if (*p == ':' && ++args > NODE_PROGRAM_MAX_ARGS)
            return boot_fail(err, err_bytes, "--run '%s': more than %u arguments", spec,
                             NODE_PROGRAM_MAX_ARGS);
        if (*p == ' ' || *p == ',' || *p < 0x20 || *p > 0x7e)
            return boot_fail(err, err_bytes,
                             "--run '%s': arguments may not hold spaces, commas or control "
                             "characters",
                             spec);
    }
    return 0;
}

_Static_assert(BOOT_MAX_PROGRAMS == BOOT_MAX_MODULES && BOOT_PROGRAM_NAME_BYTES == BOOT_MODULE_NAME_BYTES,
               "a --program is a boot module the kernel keeps (bootinfo.h)");

/* NAME=PATH: NAME a program name no other program has, PATH a file
 * name QEMU's -initrd can carry (it ends a module's file name at a
 * space). The file itself is checked by boot_programs_check. */
static int boot_add_program(struct boot_options *o, const char *value, char *err, size_t err_bytes)
{
    static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    const char *eq = strchr(value, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - value) : 0;
    if (o->program_count == BOOT_MAX_PROGRAMS)
        return boot_fail(err, err_bytes, "--program: at most %u", BOOT_MAX_PROGRAMS);
    if (eq == NULL || eq[1] == '\0')
        return boot_fail(err, err_bytes, "--program '%s': expected NAME=PATH", value);
    if (name_len == 0 || name_len >= BOOT_PROGRAM_NAME_BYTES || strspn(value, name_chars) != name_len)
        return boot_fail(err, err_bytes, "--program '%s': NAME must be 1 to %u letters, digits, '_' or '-'",
                         value, BOOT_PROGRAM_NAME_BYTES - 1);
    if (user_program_find(value, (uint32_t)name_len) != NULL)
        return boot_fail(err, err_bytes,
                         "--program '%s': '%.*s' is a built-in program: give yours another name", value,
                         (int)name_len, value);
    if (boot_program_find(o, value, name_len) != NULL)
        return boot_fail(err, err_bytes, "--program '%s': '%.*s' is given twice", value, (int)name_len,
                         value);
    if (strchr(eq + 1, ' ') != NULL || !boot_text_printable(eq + 1))
        return boot_fail(err, err_bytes,
                         "--program '%s': the path may not hold spaces or control characters "
                         "(QEMU's -initrd ends a file name at a space)",
                         value);
    struct boot_program *p = &o->programs[o->program_count++];
    memcpy(p->name, value, name_len);
    p->name[name_len] = '\0';
    p->path = eq + 1;
    return 0;
}

static int boot_check_append(const char *words, char *err, size_t err_bytes)
{
    if (!boot_text_printable(words))
        return boot_fail(err, err_bytes, "--append: control characters are not allowed");
    for (const char *w = words; *w != '\0'; w += strcspn(w, " ")) {
        w += strspn(w, " ");
        for (size_t i = 0; i < sizeof boot_owned_words / sizeof boot_owned_words[0]; i++) {
            size_t n = strlen(boot_owned_words[i].prefix);
            if (strncmp(w, boot_owned_words[i].prefix, n) == 0)
                return boot_fail(err, err_bytes, "--append: nimbus boot sets %s itself (%s)",
                                 boot_owned_words[i].prefix, boot_owned_words[i].instead);
        }
    }
    return 0;
}

static int boot_check_policy(const char *name, char *err, size_t err_bytes)
{
    if (balance_policy_find(name, strlen(name)) >= 0)
        return 0;
    return boot_fail(err, err_bytes, "--balance: no policy '%s' (none, random, offer, two-choices or mosix)",
                     name);
}

static int boot_check_mode(const char *name, char *err, size_t err_bytes)
{
    if (migrate_mode_find(name, strlen(name)) >= 0)
        return 0;
    return boot_fail(err, err_bytes, "--migrate: no mode '%s' (stop-and-copy or pre-copy)", name);
}

static int boot_add_node_text(const char *opt, const char *value, struct boot_node_text *list,
                              uint32_t *count, uint32_t max, char *err, size_t err_bytes)
{
    if (*count == max)
        return boot_fail(err, err_bytes, "%s: at most %u", opt, max);
    if (boot_parse_node_text(opt, value, &list[*count], err, err_bytes) < 0)
        return -1;
    (*count)++;
    return 0;
}

static int boot_add_exec(struct boot_options *o, const char *value, char *err, size_t err_bytes)
{
    if (boot_add_node_text("--exec", value, o->execs, &o->exec_count, BOOT_MAX_EXECS, err, err_bytes) < 0)
        return -1;
    const char *cmd = o->execs[o->exec_count - 1].text;
    if (cmd[strspn(cmd, " ")] == '\0' || !boot_text_printable(cmd))
        return boot_fail(err, err_bytes, "--exec '%s': the command is empty or holds control characters",
                         value);
    if (strlen(cmd) > SHELL_LINE_MAX)
        return boot_fail(err, err_bytes, "--exec: the command is longer than the shell's %u-byte line",
                         SHELL_LINE_MAX);
    return 0;
}

static int boot_number(const char *opt, const char *value, uint32_t min, uint32_t max, uint32_t *out,
                       char *err, size_t err_bytes)
{
    if (!boot_parse_u32(value, min, max, out))
        return boot_fail(err, err_bytes, "--%s: '%s' is not a number from %u to %u", opt, value, min, max);
    return 0;
}

static int boot_apply(struct boot_options *o, enum boot_opt_id id, const char *v, char *err, size_t err_bytes)
{
    switch (id) {
    case OPT_NODES: return boot_number("nodes", v, 1, BOOT_MAX_NODES, &o->nodes, err, err_bytes);
    case OPT_MEMORY:
        return boot_number("memory", v, BOOT_MIN_MEMORY_MIB, BOOT_MAX_MEMORY_MIB, &o->memory_mib, err, err_bytes);
    case OPT_DISK: return boot_number("disk", v, 0, BOOT_MAX_DISK_MIB, &o->disk_mib, err, err_bytes);
    case OPT_TIMEOUT: return boot_number("timeout", v, 1, BOOT_MAX_TIMEOUT_S, &o->timeout_s, err, err_bytes);
    case OPT_OUT: o->out_dir = v; return 0;
    case OPT_KVD:
        if (*v == '\0')
            return boot_fail(err, err_bytes, "--kvd: the database directory is empty");
        o->kvd_dir = v;
        return 0;
    case OPT_KERNEL: o->kernel_path = v; return 0;
    case OPT_ISO_PATH: o->iso_path = v; return 0;
    case OPT_QEMU: o->qemu = v; return 0;
    case OPT_ISO: o->method = BOOT_METHOD_ISO; return 0;
    case OPT_DISPLAY: o->display = true; return 0;
    case OPT_UNTIL_IDLE: o->until_idle = true; return 0;
    case OPT_HELP: o->help = true; return 0;
    case OPT_BALANCE: o->balance = v; return boot_check_policy(v, err, err_bytes);
    case OPT_MIGRATE: o->migrate = v; return boot_check_mode(v, err, err_bytes);
    case OPT_APPEND: o->append = v; return boot_check_append(v, err, err_bytes);
    case OPT_RUN: /* its program is checked once every --program is known */
        return boot_add_node_text("--run", v, o->runs, &o->run_count, BOOT_MAX_RUNS, err, err_bytes);
    case OPT_PROGRAM: return boot_add_program(o, v, err, err_bytes);
    case OPT_EXEC: return boot_add_exec(o, v, err, err_bytes);
    case OPT_EXPECT:
        if (o->expect_count == BOOT_MAX_EXPECTS)
            return boot_fail(err, err_bytes, "--expect: at most %u", BOOT_MAX_EXPECTS);
        if (*v == '\0' || !boot_text_printable(v))
            return boot_fail(err, err_bytes,
                             "--expect: the text is empty or holds control characters "
                             "(it is matched within one console line)");
        o->expects[o->expect_count++] = v;
        return 0;
    }
    return boot_fail(err, err_bytes, "unhandled option %d", (int)id);
}

/* Expand "*" in --exec, keeping the order given; check node numbers. */
static int boot_resolve_nodes(struct boot_options *o, char *err, size_t err_bytes)
{
    struct boot_node_text given[BOOT_MAX_EXECS];
    uint32_t given_count = o->exec_count;
    memcpy(given, o->execs, sizeof given);
    o->exec_count = 0;
    for (uint32_t i = 0; i < given_count; i++) {
        uint32_t first = given[i].node == BOOT_ALL_NODES ? 0 : given[i].node;
        uint32_t last = given[i].node == BOOT_ALL_NODES ? o->nodes - 1 : given[i].node;
        if (last >= o->nodes)
            return boot_fail(err, err_bytes, "--exec %u:%s: there is no node %u (--nodes %u)", given[i].node,
                             given[i].text, given[i].node, o->nodes);
        for (uint32_t n = first; n <= last; n++) {
            if (o->exec_count == BOOT_MAX_EXECS)
                return boot_fail(err, err_bytes, "--exec: at most %u commands once '*' is expanded",
                                 BOOT_MAX_EXECS);
            o->execs[o->exec_count++] = (struct boot_node_text){n, given[i].text};
        }
    }
    for (uint32_t i = 0; i < o->run_count; i++) {
        if (boot_check_run(o, o->runs[i].text, err, err_bytes) < 0)
            return -1;
        if (o->runs[i].node != BOOT_ALL_NODES && o->runs[i].node >= o->nodes)
            return boot_fail(err, err_bytes, "--run %u:%s: there is no node %u (--nodes %u)", o->runs[i].node,
                             o->runs[i].text, o->runs[i].node, o->nodes);
    }
    return 0;
}

static int boot_check_cmdlines(const struct boot_options *o, char *err, size_t err_bytes)
{
    for (uint32_t n = 0; n < o->nodes; n++) {
        char line[BOOT_CMDLINE_BYTES];
        if (boot_args_cmdline(o, n, line, sizeof line) < 0)
            return boot_fail(err, err_bytes,
                             "node %u's kernel command line would be longer than the %u bytes "
                             "the kernel takes (fewer --run programs or a shorter --append)",
                             n, BOOT_CMDLINE_BYTES - 1);
    }
    return 0;
}

int boot_args_parse(int argc, char **argv, struct boot_options *o, char *err, size_t err_bytes)
{
    *o = (struct boot_options){
        .nodes = BOOT_DEFAULT_NODES, .out_dir = BOOT_DEFAULT_OUT, .memory_mib = BOOT_DEFAULT_MEMORY_MIB};
    struct args p;
    args_init(&p, "boot", boot_option_table, sizeof boot_option_table / sizeof boot_option_table[0], argc, argv);
    const char *value;
    for (int id; (id = args_next(&p, &value)) != ARGS_END;) {
        if (id == ARGS_ERROR)
            return BOOT_ARGS_PRINTED;
        if (id == ARGS_OPERAND)
            return boot_fail(err, err_bytes, "unexpected argument '%s' (nimbus boot takes options only)", value);
        if (boot_apply(o, (enum boot_opt_id)id, value, err, err_bytes) < 0)
            return -1;
        if (o->help)
            return 0;
    }
    if (o->method != BOOT_METHOD_ISO && o->iso_path != NULL)
        return boot_fail(err, err_bytes, "--iso-path is for --iso boots");
    if (o->method == BOOT_METHOD_ISO && o->kernel_path != NULL)
        return boot_fail(err, err_bytes, "--kernel is for -kernel boots, not --iso (use --iso-path)");
    if (o->method == BOOT_METHOD_ISO && o->program_count > 0)
        return boot_fail(
            err, err_bytes,
            "--program is for -kernel boots, not --iso (the ISO's GRUB menu is fixed when it is built)");
    if (o->kvd_dir != NULL && o->nodes >= BOOT_MAX_NODES)
        return boot_fail(err, err_bytes, "--kvd takes a port of the LAN: at most %u nodes with it",
                         BOOT_MAX_NODES - 1);
    if (boot_resolve_nodes(o, err, err_bytes) < 0)
        return -1;
    return boot_check_cmdlines(o, err, err_bytes);
}

/* Append "<sep><text>" to buf at *len; false when it does not fit. */
static bool boot_put(char *buf, size_t bytes, size_t *len, const char *sep, const char *text)
{
    int n = snprintf(buf + *len, bytes - *len, "%s%s", *len > 0 ? sep : "", text);
    if (n < 0 || (size_t)n >= bytes - *len)
        return false;
    *len += (size_t)n;
    return true;
}

/* The run= value of `node`: its --run specs in order, comma-separated. */
static bool boot_put_runs(const struct boot_options *o, uint32_t node, char *buf, size_t bytes, size_t *len)
{
    char run[NODE_RUN_BYTES];
    size_t run_len = 0;
    for (uint32_t i = 0; i < o->run_count; i++)
        if ((o->runs[i].node == node || o->runs[i].node == BOOT_ALL_NODES) &&
            !boot_put(run, sizeof run, &run_len, ",", o->runs[i].text))
            return false;
    if (run_len == 0)
        return true;
    char word[NODE_RUN_BYTES + 4];
    snprintf(word, sizeof word, "run=%s", run);
    return boot_put(buf, bytes, len, " ", word);
}

uint32_t boot_args_kvd_node(const struct boot_options *o)
{
    return o->nodes;
}

uint32_t boot_args_cluster_nodes(const struct boot_options *o)
{
    return o->nodes + (o->kvd_dir != NULL ? 1u : 0u);
}

int boot_args_cmdline(const struct boot_options *o, uint32_t node, char *buf, size_t bytes)
{
    char word[64];
    size_t len = 0;
    if (bytes == 0)
        return -1;
    buf[0] = '\0';
    snprintf(word, sizeof word, "node=%u nodes=%u", node, boot_args_cluster_nodes(o));
    bool ok = boot_put(buf, bytes, &len, " ", word) && boot_put_runs(o, node, buf, bytes, &len);
    if (ok && o->kvd_dir != NULL) {
        snprintf(word, sizeof word, "kv=%u", boot_args_kvd_node(o));
        ok = boot_put(buf, bytes, &len, " ", word);
    }
    if (ok && o->balance != NULL) {
        snprintf(word, sizeof word, "balance=%s", o->balance);
        ok = boot_put(buf, bytes, &len, " ", word);
    }
    if (ok && o->migrate != NULL) {
        snprintf(word, sizeof word, "migrate=%s", o->migrate);
        ok = boot_put(buf, bytes, &len, " ", word);
    }
    if (ok && o->until_idle)
        ok = boot_put(buf, bytes, &len, " ", "exit=idle");
    if (ok && o->append != NULL && o->append[strspn(o->append, " ")] != '\0')
        ok = boot_put(buf, bytes, &len, " ", o->append);
    return ok ? (int)len : -1;
}

int boot_args_typed(const char *line, uint32_t nodes, struct boot_node_text *out, char *err, size_t err_bytes)
{
    if (boot_parse_node_text("input", line, out, err, err_bytes) < 0)
        return -1;
    if (out->node != BOOT_ALL_NODES && out->node >= nodes)
        return boot_fail(err, err_bytes, "there is no node %u (nodes 0 to %u)", out->node, nodes - 1);
    out->text += strspn(out->text, " ");
    if (!boot_text_printable(out->text))
        return boot_fail(err, err_bytes, "control characters cannot be typed into a node's shell");
    if (strlen(out->text) > SHELL_LINE_MAX)
        return boot_fail(err, err_bytes, "the command is longer than the shell's %u-byte line",
                         SHELL_LINE_MAX);
    return 0;
}
