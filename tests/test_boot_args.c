/*
 * test_boot_args.c - the pure parts of `nimbus boot` (hal-x86/launcher/):
 * its options and their errors, each node's kernel command line, the QEMU
 * command line, typed input, the console notices it acts on, the script
 * of --exec/--expect/--until-idle, and the LAN switch's forwarding choice.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal-x86/launcher/boot_args.h"
#include "hal-x86/launcher/boot_lan.h"
#include "hal-x86/launcher/boot_notice.h"
#include "hal-x86/launcher/boot_programs.h"
#include "hal-x86/launcher/boot_qemu.h"
#include "hal-x86/launcher/boot_script.h"
#include "host/files.h"
#include "user/programs.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct boot_options opt;
static char err[BOOT_ERROR_BYTES];

static int parse(int argc, char **argv)
{
    err[0] = '\0';
    return boot_args_parse(argc, argv, &opt, err, sizeof err);
}

/* Parsing must fail with a message holding `needle`. */
static void assert_rejects(int argc, char **argv, const char *needle)
{
    cr_assert_eq(parse(argc, argv), -1, "accepted (wanted an error about '%s')", needle);
    cr_assert(strstr(err, needle) != NULL, "message '%s' lacks '%s'", err, needle);
}

static const char *cmdline(uint32_t node)
{
    static char line[512];
    cr_assert_geq(boot_args_cmdline(&opt, node, line, sizeof line), 0);
    return line;
}

/* ---- options ---- */

Test(boot_args, defaults)
{
    cr_assert_eq(parse(0, NULL), 0);
    cr_assert_eq(opt.nodes, 1);
    cr_assert_str_eq(opt.out_dir, "runs/boot");
    cr_assert_eq(opt.memory_mib, 128);
    cr_assert_eq(opt.method, BOOT_METHOD_KERNEL);
    cr_assert_eq(opt.timeout_s, 0);
    cr_assert(!opt.display && !opt.until_idle && !opt.help);
    cr_assert_str_eq(cmdline(0), "node=0 nodes=1");
}

Test(boot_args, every_node_gets_its_words)
{
    char *argv[] = {"--nodes",
                    "3",
                    "--run",
                    "*:ring:3:5",
                    "--run",
                    "0:hello",
                    "--balance",
                    "offer",
                    "--migrate=pre-copy",
                    "--append",
                    "selftest=none",
                    "--until-idle",
                    "-o",
                    "out/x"};
    cr_assert_eq(parse(ARGC(argv), argv), 0, "%s", err);
    cr_assert_str_eq(opt.out_dir, "out/x");
    cr_assert_str_eq(
        cmdline(0),
        "node=0 nodes=3 run=ring:3:5,hello balance=offer migrate=pre-copy exit=idle selftest=none");
    cr_assert_str_eq(cmdline(2), "node=2 nodes=3 run=ring:3:5 balance=offer migrate=pre-copy exit=idle "
                                 "selftest=none");
}

Test(boot_args, kvd_is_the_node_after_the_qemu_ones)
{
    char *argv[] = {"--nodes", "3", "--kvd", "kv.db", "--run", "0:kvput:k:5:16"};
    cr_assert_eq(parse(ARGC(argv), argv), 0, "%s", err);
    cr_assert_str_eq(opt.kvd_dir, "kv.db");
    cr_assert_eq(boot_args_kvd_node(&opt), 3);
    cr_assert_eq(boot_args_cluster_nodes(&opt), 4);
    cr_assert_str_eq(cmdline(0), "node=0 nodes=4 run=kvput:k:5:16 kv=3");
    cr_assert_str_eq(cmdline(2), "node=2 nodes=4 kv=3");
    char *full[] = {"--nodes", "16", "--kvd", "kv.db"};
    assert_rejects(ARGC(full), full, "--kvd takes a port of the LAN: at most 15 nodes with it");
    char *empty[] = {"--kvd="};
    assert_rejects(ARGC(empty), empty, "--kvd: the database directory is empty");
}

Test(boot_args, value_forms)
{
    char *argv[] = {"-n", "2", "--memory=256", "--timeout=30", "--disk", "8", "--display"};
    cr_assert_eq(parse(ARGC(argv), argv), 0, "%s", err);
    cr_assert_eq(opt.nodes, 2);
    cr_assert_eq(opt.memory_mib, 256);
    cr_assert_eq(opt.timeout_s, 30);
    cr_assert_eq(opt.disk_mib, 8);
    cr_assert(opt.display);
}

Test(boot_args, help_stops_parsing)
{
    char *argv[] = {"--help", "--nodes", "99"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    cr_assert(opt.help);
}

Test(boot_args, exec_star_expands_in_order)
{
    char *argv[] = {"--exec", "0:spawn hello", "--exec", "*:ps", "--nodes", "3", "--exec", "2:load"};
    cr_assert_eq(parse(ARGC(argv), argv), 0, "%s", err);
    uint32_t nodes[] = {0, 0, 1, 2, 2};
    const char *texts[] = {"spawn hello", "ps", "ps", "ps", "load"};
    cr_assert_eq(opt.exec_count, 5);
    for (uint32_t i = 0; i < 5; i++) {
        cr_assert_eq(opt.execs[i].node, nodes[i]);
        cr_assert_str_eq(opt.execs[i].text, texts[i]);
    }
}

Test(boot_args, bad_numbers)
{
    char *zero[] = {"--nodes", "0"}, *many[] = {"--nodes", "17"}, *word[] = {"--nodes", "three"},
         *sign[] = {"--nodes", "-1"}, *timeout[] = {"--timeout", "0"}, *mem[] = {"--memory", "8"};
    assert_rejects(ARGC(zero), zero, "'0' is not a number from 1 to 16");
    assert_rejects(ARGC(many), many, "from 1 to 16");
    assert_rejects(ARGC(word), word, "'three'");
    assert_rejects(ARGC(sign), sign, "'-1'");
    assert_rejects(ARGC(timeout), timeout, "--timeout");
    assert_rejects(ARGC(mem), mem, "--memory");
}

/* What the shared parser (host/args.h) finds is printed there, in the
 * style of every nimbus subcommand, with a hint. */
Test(boot_args, option_problems_are_printed_as_every_subcommand_prints_them, .init = cr_redirect_stderr)
{
    char *unknown[] = {"--nodez", "3"}, *missing[] = {"--nodes"}, *flag_value[] = {"--display=yes"},
         *grouped[] = {"-n3", "-ofoo"};
    cr_assert_eq(parse(ARGC(unknown), unknown), BOOT_ARGS_PRINTED);
    cr_assert_eq(parse(ARGC(missing), missing), BOOT_ARGS_PRINTED);
    cr_assert_eq(parse(ARGC(flag_value), flag_value), BOOT_ARGS_PRINTED);
    cr_assert_eq(parse(ARGC(grouped), grouped), 0, "%s", err);
    cr_expect_eq(opt.nodes, 3);
    cr_expect_str_eq(opt.out_dir, "foo");
    fflush(stderr);
    cr_assert_stderr_eq_str("nimbus boot: unknown option '--nodez' (did you mean '--nodes'?)\n"
                            "Try 'nimbus boot --help'.\n"
                            "nimbus boot: option '--nodes' needs a value (N)\n"
                            "Try 'nimbus boot --help'.\n"
                            "nimbus boot: option '--display' takes no value\n"
                            "Try 'nimbus boot --help'.\n");
}

Test(boot_args, bad_shapes)
{
    char *stray[] = {"three"}, *iso_path[] = {"--iso-path", "x.iso"}, *kernel_iso[] = {"--iso", "--kernel", "k.elf"};
    assert_rejects(ARGC(stray), stray, "unexpected argument 'three' (nimbus boot takes options only)");
    assert_rejects(ARGC(iso_path), iso_path, "--iso-path is for --iso");
    assert_rejects(ARGC(kernel_iso), kernel_iso, "--kernel is for -kernel boots");
}

Test(boot_args, bad_runs)
{
    char *no_prog[] = {"--run", "0:helo"}, *no_node[] = {"--run", "hello"},
         *far[] = {"--nodes", "2", "--run", "2:hello"}, *comma[] = {"--run", "0:ring:1,2"},
         *empty[] = {"--run", "0:ring::2"}, *space[] = {"--run", "0:ring:a b"},
         *node[] = {"--run", "x:hello"},
         *args[] = {"--run", "0:ring:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17"};
    assert_rejects(ARGC(no_prog), no_prog, "no program 'helo' in the image (programs: ");
    assert_rejects(ARGC(no_node), no_node, "expected NODE:");
    assert_rejects(ARGC(far), far, "there is no node 2 (--nodes 2)");
    assert_rejects(ARGC(comma), comma, "commas");
    assert_rejects(ARGC(empty), empty, "an argument is empty");
    assert_rejects(ARGC(space), space, "spaces");
    assert_rejects(ARGC(node), node, "'x' is not a node");
    assert_rejects(ARGC(args), args, "more than 16 arguments");
}

/* ---- --program ---- */

Test(boot_args, programs_are_named_and_may_run)
{
    char *argv[] = {"--run", "0:collatz:3000", "--program", "collatz=out/collatz.elf",
                    "--program=my-job_2=a,b.elf"};
    cr_assert_eq(parse(ARGC(argv), argv), 0, "%s", err);
    cr_assert_eq(opt.program_count, 2);
    cr_assert_str_eq(opt.programs[0].name, "collatz");
    cr_assert_str_eq(opt.programs[0].path, "out/collatz.elf");
    cr_assert_str_eq(opt.programs[1].name, "my-job_2");
    cr_assert_str_eq(opt.programs[1].path, "a,b.elf");
    cr_assert_str_eq(cmdline(0), "node=0 nodes=1 run=collatz:3000");
}

Test(boot_args, bad_programs)
{
    char *no_eq[] = {"--program", "collatz"}, *no_path[] = {"--program", "collatz="},
         *bad_name[] = {"--program", "col.latz=c.elf"},
         *long_name[] = {"--program", "abcdefghijklmnopqrstuvwxyz0123456=c.elf"},
         *builtin[] = {"--program", "hello=h.elf"},
         *twice[] = {"--program", "c=1.elf", "--program", "c=2.elf"},
         *space[] = {"--program", "c=my file.elf"}, *iso[] = {"--iso", "--program", "c=c.elf"},
         *unknown_run[] = {"--program", "c=c.elf", "--run", "0:d"};
    assert_rejects(ARGC(no_eq), no_eq, "--program 'collatz': expected NAME=PATH");
    assert_rejects(ARGC(no_path), no_path, "--program 'collatz=': expected NAME=PATH");
    assert_rejects(ARGC(bad_name), bad_name,
                   "--program 'col.latz=c.elf': NAME must be 1 to 32 letters, digits, '_' or '-'");
    assert_rejects(ARGC(long_name), long_name, "NAME must be 1 to 32 letters");
    assert_rejects(ARGC(builtin), builtin,
                   "--program 'hello=h.elf': 'hello' is a built-in program: give yours another name");
    assert_rejects(ARGC(twice), twice, "--program 'c=2.elf': 'c' is given twice");
    assert_rejects(ARGC(space), space, "--program 'c=my file.elf': the path may not hold spaces");
    assert_rejects(ARGC(iso), iso, "--program is for -kernel boots, not --iso");
    assert_rejects(ARGC(unknown_run), unknown_run, "--run: no program 'd' in the image (programs: ");
    static char values[BOOT_MAX_PROGRAMS + 1][16];
    char *many[2 * (BOOT_MAX_PROGRAMS + 1)];
    for (uint32_t i = 0; i <= BOOT_MAX_PROGRAMS; i++) {
        snprintf(values[i], sizeof values[i], "p%u=p.elf", i);
        many[2 * i] = "--program";
        many[2 * i + 1] = values[i];
    }
    cr_assert_eq(parse(2 * BOOT_MAX_PROGRAMS, many), 0, "%s", err);
    assert_rejects(ARGC(many), many, "--program: at most 16");
}

/* The file `dir`/`name`, holding `len` bytes: its path, to be freed. */
static char *program_file(const char *dir, const char *name, const void *bytes, size_t len)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    cr_assert_not_null(path);
    sprintf(path, "%s/%s", dir, name);
    cr_assert_eq(files_write_bytes(path, bytes, len), 0);
    return path;
}

/* boot_programs_check's message for one --program c=PATH. */
static const char *check_one(const char *path)
{
    static char value[512];
    snprintf(value, sizeof value, "c=%s", path);
    char *argv[] = {"--program", value};
    cr_assert_eq(parse(ARGC(argv), argv), 0, "%s", err);
    err[0] = '\0';
    if (boot_programs_check(&opt, err, sizeof err) == 0)
        return NULL;
    return err;
}

Test(boot_programs, files_are_checked_before_qemu)
{
    const struct user_program *hello = user_program_find("hello", 5);
    cr_assert_not_null(hello);
    char dir[] = "/tmp/test_boot_args.XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *good = program_file(dir, "good.elf", hello->image, hello->size);
    char *cut = program_file(dir, "cut.elf", hello->image, 40);
    char *text = program_file(dir, "text.elf", "#!/bin/sh\necho not a program\n", 30);
    char want[600];
    cr_assert_null(check_one(good), "%s", err);
    snprintf(want, sizeof want, "--program c=%s: too short for an ELF header (52 bytes)", cut);
    cr_assert_str_eq(check_one(cut), want);
    snprintf(want, sizeof want, "--program c=%s: not an ELF file", text);
    cr_assert_str_eq(check_one(text), want);
    cr_assert_str_eq(check_one("/nonexistent/c.elf"),
                     "--program c=/nonexistent/c.elf: cannot read: No such file or directory");
    cr_assert_str_eq(check_one("/tmp"), "--program c=/tmp: not a regular file");
    cr_assert_str_eq(check_one("/dev/zero"), "--program c=/dev/zero: not a regular file");
    free(good), free(cut), free(text);
    cr_assert_eq(files_remove_tree(dir), 0);
}

Test(boot_args, bad_words)
{
    char *policy[] = {"--balance", "fastest"}, *mode[] = {"--migrate", "teleport"},
         *own[] = {"--append", "selftest=x node=3"}, *ip[] = {"--append", "ip=10.0.0.9"},
         *exit_word[] = {"--append", "exit=idle"};
    assert_rejects(ARGC(policy), policy, "no policy 'fastest' (none, random, offer, two-choices or mosix)");
    assert_rejects(ARGC(mode), mode, "no mode 'teleport' (stop-and-copy or pre-copy)");
    assert_rejects(ARGC(own), own, "sets node= itself");
    assert_rejects(ARGC(ip), ip, "own address");
    assert_rejects(ARGC(exit_word), exit_word, "--until-idle");
}

Test(boot_args, bad_script)
{
    char *no_colon[] = {"--exec", "ps"}, *empty[] = {"--exec", "0: "}, *far[] = {"--exec", "1:ps"},
         *ctrl[] = {"--exec", "0:ps\x03"}, *expect[] = {"--expect", ""}, *nl[] = {"--expect", "a\nb"};
    assert_rejects(ARGC(no_colon), no_colon, "expected NODE:");
    assert_rejects(ARGC(empty), empty, "empty");
    assert_rejects(ARGC(far), far, "there is no node 1 (--nodes 1)");
    assert_rejects(ARGC(ctrl), ctrl, "control characters");
    assert_rejects(ARGC(expect), expect, "--expect");
    assert_rejects(ARGC(nl), nl, "within one console line");
    char long_cmd[200] = "0:";
    memset(long_cmd + 2, 'x', 170);
    char *too_long[] = {"--exec", long_cmd};
    assert_rejects(ARGC(too_long), too_long, "160-byte line");
}

Test(boot_args, command_line_too_long)
{
    char *argv[2 * 40];
    for (int i = 0; i < 40; i += 1) {
        argv[2 * i] = "--run";
        argv[2 * i + 1] = "0:pingpong:client:n1.1:100";
    }
    assert_rejects(ARGC(argv), argv, "longer than the");
}

/* ---- typed input ---- */

Test(boot_args, typed_lines)
{
    struct boot_node_text t;
    cr_assert_eq(boot_args_typed("1: spawn hello", 3, &t, err, sizeof err), 0);
    cr_assert_eq(t.node, 1);
    cr_assert_str_eq(t.text, "spawn hello");
    cr_assert_eq(boot_args_typed("*:ps", 3, &t, err, sizeof err), 0);
    cr_assert_eq(t.node, BOOT_ALL_NODES);
    cr_assert_str_eq(t.text, "ps");
    cr_assert_eq(boot_args_typed("3: ps", 3, &t, err, sizeof err), -1);
    cr_assert(strstr(err, "there is no node 3 (nodes 0 to 2)") != NULL, "%s", err);
    cr_assert_eq(boot_args_typed("ps", 3, &t, err, sizeof err), -1);
    cr_assert(strstr(err, "expected NODE:") != NULL, "%s", err);
}

/* ---- the QEMU command line ---- */

static struct boot_qemu_paths paths = {
    .qemu = "/usr/bin/qemu-system-x86_64",
    .image = "/b/cumulonimbus.elf",
    .serial_sock = "/tmp/t/serial1.sock",
    .lan_sock = "/tmp/t/lan1.sock",
    .node_sock = "/tmp/t/node1.sock",
    .pcap = "runs/a,b/node1.pcap",
};

/* The argument after `flag` (the first one from `from`), or NULL. */
static const char *after(const struct boot_qemu_argv *a, const char *flag, uint32_t from)
{
    for (uint32_t i = from; i + 1 < a->argc; i++)
        if (strcmp(a->argv[i], flag) == 0)
            return a->argv[i + 1];
    return NULL;
}

static bool has_arg(const struct boot_qemu_argv *a, const char *text)
{
    for (uint32_t i = 0; i < a->argc; i++)
        if (strcmp(a->argv[i], text) == 0)
            return true;
    return false;
}

Test(boot_qemu, kernel_boot)
{
    static struct boot_qemu_argv a;
    char *argv[] = {"--nodes", "3", "--run", "1:hello"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    cr_assert_eq(boot_qemu_argv(&opt, 1, &paths, &a), 0);
    cr_assert_str_eq(a.argv[0], paths.qemu);
    cr_assert_null(a.argv[a.argc]);
    cr_assert_str_eq(after(&a, "-accel", 0), "tcg");
    cr_assert_str_eq(after(&a, "-m", 0), "128M");
    cr_assert_str_eq(after(&a, "-display", 0), "none");
    cr_assert_str_eq(after(&a, "-monitor", 0), "none");
    cr_assert(has_arg(&a, "-no-reboot"));
    cr_assert_str_eq(after(&a, "-bios", 0), "qboot.rom");
    cr_assert_str_eq(after(&a, "-kernel", 0), "/b/cumulonimbus.elf");
    cr_assert_str_eq(after(&a, "-append", 0), "node=1 nodes=3 run=hello");
    cr_assert_str_eq(after(&a, "-chardev", 0), "socket,id=com1,path=/tmp/t/serial1.sock");
    cr_assert_str_eq(after(&a, "-serial", 0), "chardev:com1");
    cr_assert_str_eq(after(&a, "-netdev", 0), "dgram,id=lan,local.type=unix,local.path=/tmp/t/node1.sock,"
                                              "remote.type=unix,remote.path=/tmp/t/lan1.sock");
    cr_assert_str_eq(after(&a, "-device", 0), "isa-debug-exit,iobase=0xf4,iosize=0x04");
    cr_assert(has_arg(&a, "e1000,netdev=lan,mac=52:54:00:00:00:02"));
    /* A comma in a path is doubled, or QEMU would read a new option. */
    cr_assert_str_eq(after(&a, "-object", 0), "filter-dump,id=dump,netdev=lan,file=runs/a,,b/node1.pcap");
    cr_assert_null(after(&a, "-drive", 0));
}

Test(boot_qemu, programs_are_modules)
{
    static struct boot_qemu_argv a;
    char *argv[] = {"--program", "collatz=/w/collatz.elf", "--program", "job=x,y/job.elf"};
    cr_assert_eq(parse(ARGC(argv), argv), 0, "%s", err);
    cr_assert_eq(boot_qemu_argv(&opt, 0, &paths, &a), 0);
    /* QEMU's module string is "PATH NAME"; a comma in a path is doubled. */
    cr_assert_str_eq(after(&a, "-initrd", 0), "/w/collatz.elf collatz,x,,y/job.elf job");
    char *none[] = {"--nodes", "2"};
    cr_assert_eq(parse(ARGC(none), none), 0);
    cr_assert_eq(boot_qemu_argv(&opt, 0, &paths, &a), 0);
    cr_assert_null(after(&a, "-initrd", 0));
}

Test(boot_qemu, iso_boot_with_display_and_disk)
{
    static struct boot_qemu_argv a;
    char *argv[] = {"--nodes", "2", "--iso", "--display", "--run", "0:ring:2:3", "--run", "0:hello"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    struct boot_qemu_paths p = paths;
    p.image = "/b/cumulonimbus.iso";
    p.disk = "runs/node0.disk";
    cr_assert_eq(boot_qemu_argv(&opt, 0, &p, &a), 0);
    cr_assert_null(after(&a, "-display", 0));
    cr_assert_null(after(&a, "-kernel", 0));
    cr_assert_null(after(&a, "-append", 0));
    cr_assert_str_eq(after(&a, "-drive", 0), "file=runs/node0.disk,format=raw,if=ide,index=0,media=disk");
    const char *cd = NULL;
    for (uint32_t i = 0; i < a.argc; i++)
        if (strstr(a.argv[i], "media=cdrom") != NULL)
            cd = a.argv[i];
    cr_assert_str_eq(cd, "file=/b/cumulonimbus.iso,format=raw,if=ide,index=2,media=cdrom,readonly=on");
    cr_assert_str_eq(after(&a, "-boot", 0), "order=d");
    cr_assert_str_eq(after(&a, "-smbios", 0),
                     "type=11,value=cumulonimbus-cmdline: node=0 nodes=2 run=ring:2:3,,hello");
}

Test(boot_qemu, too_long_fails)
{
    static struct boot_qemu_argv a;
    static char huge[BOOT_QEMU_TEXT_BYTES];
    memset(huge, 'x', sizeof huge - 1);
    struct boot_qemu_paths p = paths;
    p.pcap = huge;
    cr_assert_eq(parse(0, NULL), 0);
    cr_assert_eq(boot_qemu_argv(&opt, 0, &p, &a), -1);
}

Test(boot_qemu, print_quotes_for_the_shell)
{
    static struct boot_qemu_argv a;
    cr_assert_eq(parse(0, NULL), 0);
    struct boot_qemu_paths p = paths;
    p.image = "/b/it's here/k.elf";
    cr_assert_eq(boot_qemu_argv(&opt, 0, &p, &a), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    boot_qemu_print(&a, f);
    fclose(f);
    const char *start = "/usr/bin/qemu-system-x86_64 -name 'cumulonimbus node 0' -machine pc ";
    cr_assert(strncmp(text, start, strlen(start)) == 0, "%s", text);
    cr_assert(strstr(text, " -kernel '/b/it'\\''s here/k.elf' -append 'node=0 nodes=1'\n") != NULL, "%s",
              text);
    free(text);
}

Test(boot_qemu, macs_and_exits)
{
    char mac[18], how[160];
    boot_qemu_mac(0, mac);
    cr_assert_str_eq(mac, "52:54:00:00:00:01");
    boot_qemu_mac(15, mac);
    cr_assert_str_eq(mac, "52:54:00:00:00:10");
    boot_qemu_describe_exit(7 << 8, how, sizeof how); /* exit(7) */
    cr_assert_str_eq(how, "exited with status 7 (the guest's isa-debug-exit status 3)");
    boot_qemu_describe_exit(1 << 8, how, sizeof how);
    cr_assert(strstr(how, "a QEMU error, or the guest's isa-debug-exit status 0") != NULL);
    boot_qemu_describe_exit(0, how, sizeof how);
    cr_assert_str_eq(how, "exited with status 0");
    boot_qemu_describe_exit(9, how, sizeof how); /* killed by SIGKILL */
    cr_assert_str_eq(how, "was killed by signal 9");
}

Test(boot_qemu, the_guest_status_behind_an_exit)
{
    cr_assert_eq(boot_qemu_guest_status(1 << 8), 0, "exit=idle, every process exited 0");
    cr_assert_eq(boot_qemu_guest_status(3 << 8), 1);
    cr_assert_eq(boot_qemu_guest_status(7 << 8), 3, "a panic");
    cr_assert_eq(boot_qemu_guest_status(0), -1, "QEMU's own clean exit is no guest status");
    cr_assert_eq(boot_qemu_guest_status(9), -1, "killed");
}

/* ---- console notices ---- */

Test(boot_notice, ready_line)
{
    struct boot_notice n;
    cr_assert_eq(boot_notice_parse("cumulonimbus: node 2 ready: ip 10.0.0.3 mac 52:54:00:00:00:03 nodes 3, "
                                   "loader multiboot, up 8 ms",
                                   &n),
                 BOOT_NOTICE_READY);
    cr_assert_eq(n.node, 2);
    cr_assert_eq(n.nodes, 3);
    cr_assert_str_eq(n.ip, "10.0.0.3");
    cr_assert_str_eq(n.mac, "52:54:00:00:00:03");
    cr_assert_eq(
        boot_notice_parse("cumulonimbus: node 0 ready: ip 10.0.0.1 mac 52:54:00:00:00:01 nodes 1", &n),
        BOOT_NOTICE_READY);
    cr_assert_eq(boot_notice_parse("cumulonimbus: node 0 ready: ip 10.0.0.1", &n), BOOT_NOTICE_NONE);
    cr_assert_eq(
        boot_notice_parse("[ 1.0 ms] n0.1: cumulonimbus: node 0 ready: ip 1.1.1.1 mac 0 nodes 1", &n),
        BOOT_NOTICE_NONE);
}

Test(boot_notice, idle_panic_and_processes)
{
    struct boot_notice n;
    cr_assert_eq(boot_notice_parse("cumulonimbus: node 1 idle: every process exited (status 1)", &n),
                 BOOT_NOTICE_IDLE);
    cr_assert_eq(n.node, 1);
    cr_assert_eq(n.status, 1);
    cr_assert_eq(boot_notice_parse("cumulonimbus: PANIC: page fault at 0x0", &n), BOOT_NOTICE_PANIC);
    cr_assert_eq(boot_notice_parse("cumulonimbus: n0.1 started hello (parent n0.0)", &n),
                 BOOT_NOTICE_PROCESS);
    cr_assert_eq(boot_notice_parse("cumulonimbus: n0.1 arrived from node 0", &n), BOOT_NOTICE_PROCESS);
    cr_assert_eq(boot_notice_parse("cumulonimbus: n0.1 exited with status 0", &n), BOOT_NOTICE_NONE);
    /* The kernel may speak while the prompt is shown. */
    cr_assert_eq(boot_notice_parse("nimbus> cumulonimbus: PANIC: x", &n), BOOT_NOTICE_PANIC);
    cr_assert_str_eq(boot_notice_skip_prompts("nimbus> nimbus> ps"), "ps");
    cr_assert(boot_notice_is_prompt("nimbus> "));
    cr_assert(!boot_notice_is_prompt("nimbus>"));
}

/* ---- the script ---- */

static struct boot_script script;
static uint64_t now_ms; /* the script's clock */

static void say(uint32_t node, const char *line)
{
    struct boot_notice n;
    boot_script_line(&script, node, line, true, now_ms, &n);
}

static void ready(uint32_t node)
{
    char line[128];
    snprintf(line, sizeof line, "cumulonimbus: node %u ready: ip 10.0.0.%u mac 52:54:00:00:00:0%u nodes %u",
             node, node + 1, node + 1, opt.nodes);
    say(node, line);
}

Test(boot_script, execs_go_one_at_a_time_after_ready_and_prompt)
{
    char *argv[] = {"--nodes", "2", "--exec", "1:ps", "--exec", "0:load", "--expect", "n0.1: hi"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    boot_script_init(&script, &opt);
    cr_assert(boot_script_has_goal(&script));
    cr_assert_null(boot_script_next_exec(&script, now_ms));
    now_ms = 5000;
    ready(0);
    cr_assert_null(boot_script_next_exec(&script, now_ms), "node 1 is not ready");
    cr_assert_eq(boot_script_exec_wait_ms(&script, now_ms), -1);
    now_ms = 5300;
    ready(1);
    cr_assert_null(boot_script_next_exec(&script, now_ms), "the LAN has not settled");
    cr_assert_eq(boot_script_exec_wait_ms(&script, now_ms), BOOT_LAN_SETTLE_MS);
    now_ms += BOOT_LAN_SETTLE_MS - 1;
    cr_assert_null(boot_script_next_exec(&script, now_ms), "the LAN has not settled");
    now_ms++;
    const struct boot_node_text *e = boot_script_next_exec(&script, now_ms);
    cr_assert_eq(e->node, 1);
    cr_assert_str_eq(e->text, "ps");
    cr_assert_null(boot_script_next_exec(&script, now_ms), "ps is not answered");
    say(1, "nimbus> ps");
    say(0, "nimbus> ");
    cr_assert_null(boot_script_next_exec(&script, now_ms), "a prompt on another node answers nothing");
    say(1, "PID      STATE");
    struct boot_notice n;
    boot_script_line(&script, 1, "nimbus> ", false, now_ms, &n);
    e = boot_script_next_exec(&script, now_ms);
    cr_assert_str_eq(e->text, "load");
    say(0, "load");
    say(0, "load 0.000");
    boot_script_line(&script, 0, "nimbus> ", false, now_ms, &n);
    cr_assert_null(boot_script_next_exec(&script, now_ms));
    cr_assert(!boot_script_done(&script), "the expectation is not met");
    boot_script_line(&script, 0, "[  3.000000 ms] n0.1: hi", false, now_ms, &n);
    cr_assert(boot_script_done(&script));
}

Test(boot_script, unmet_is_listed)
{
    char *argv[] = {"--nodes",  "2",     "--exec", "0:ps",    "--exec",      "1:ps",
                    "--expect", "never", "--run",  "1:hello", "--until-idle"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    boot_script_init(&script, &opt);
    ready(0);
    boot_script_next_exec(&script, now_ms);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    boot_script_print_unmet(&script, f);
    fclose(f);
    cr_assert_str_eq(text, "  - node 1 never printed its ready line\n"
                           "  - --exec '0:ps' was not sent\n"
                           "  - --exec '1:ps' was not sent\n"
                           "  - --expect 'never' did not appear\n"
                           "  - node 1 did not become idle\n");
    free(text);
}

Test(boot_script, an_unanswered_exec_is_listed)
{
    char *argv[] = {"--exec", "0:ps", "--timeout", "5"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    boot_script_init(&script, &opt);
    ready(0);
    now_ms += BOOT_LAN_SETTLE_MS;
    cr_assert_not_null(boot_script_next_exec(&script, now_ms));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    boot_script_print_unmet(&script, f);
    fclose(f);
    cr_assert_str_eq(text, "  - --exec '0:ps' was sent but not answered (no echo)\n");
    free(text);
}

Test(boot_script, until_idle_waits_for_nodes_with_work)
{
    char *argv[] = {"--nodes", "3", "--run", "0:hello", "--until-idle"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    boot_script_init(&script, &opt);
    say(1, "cumulonimbus: n0.1 arrived from node 0");
    say(0, "cumulonimbus: node 0 idle: every process exited (status 0)");
    cr_assert(!boot_script_done(&script), "node 1 has a process");
    say(1, "cumulonimbus: node 1 idle: every process exited (status 0)");
    cr_assert(boot_script_done(&script), "node 2 never had work");
    cr_assert_eq(script.node[0].idle_status, 0);
}

Test(boot_script, until_idle_needs_some_work)
{
    char *argv[] = {"--until-idle"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    boot_script_init(&script, &opt);
    ready(0);
    cr_assert(!boot_script_done(&script));
}

Test(boot_script, no_goal_never_done)
{
    char *argv[] = {"--exec", "0:ps"};
    cr_assert_eq(parse(ARGC(argv), argv), 0);
    boot_script_init(&script, &opt);
    cr_assert(!boot_script_has_goal(&script));
    ready(0);
    boot_script_next_exec(&script, now_ms);
    say(0, "nimbus> ps");
    say(0, "nimbus> ");
    cr_assert(!boot_script_done(&script));
}

/* ---- the LAN switch ---- */

static void frame(uint8_t *f, uint8_t dst, uint8_t src)
{
    static const uint8_t base[6] = {0x52, 0x54, 0, 0, 0, 0};
    memcpy(f, base, 6);
    memcpy(f + 6, base, 6);
    f[5] = dst;
    f[11] = src;
    f[12] = 0x08;
    f[13] = 0x00;
}

Test(boot_lan, learns_floods_and_forwards)
{
    static struct boot_lan lan;
    memset(&lan, 0, sizeof lan);
    lan.ports = 3;
    uint8_t f[60] = {0};
    frame(f, 2, 1);
    cr_assert_eq(boot_lan_route(&lan, 0, f, sizeof f), 0x6u, "unknown destination: flood");
    frame(f, 1, 2);
    cr_assert_eq(boot_lan_route(&lan, 1, f, sizeof f), 0x1u, "node 0's MAC was learnt on port 0");
    frame(f, 2, 1);
    cr_assert_eq(boot_lan_route(&lan, 0, f, sizeof f), 0x2u);
    memset(f, 0xff, 6);
    cr_assert_eq(boot_lan_route(&lan, 2, f, sizeof f), 0x3u, "broadcast: every other port");
    frame(f, 1, 1);
    cr_assert_eq(boot_lan_route(&lan, 0, f, sizeof f), 0u, "to itself: nowhere");
    cr_assert_eq(boot_lan_route(&lan, 0, f, 13), 0u, "runt");
    cr_assert_eq(boot_lan_route(&lan, 5, f, sizeof f), 0u, "no such port");
}

Test(boot_lan, a_moved_address_is_relearnt)
{
    static struct boot_lan lan;
    memset(&lan, 0, sizeof lan);
    lan.ports = 3;
    uint8_t f[60] = {0};
    frame(f, 9, 1);
    boot_lan_route(&lan, 0, f, sizeof f);
    boot_lan_route(&lan, 2, f, sizeof f);
    frame(f, 1, 3);
    cr_assert_eq(boot_lan_route(&lan, 1, f, sizeof f), 0x4u);
}
