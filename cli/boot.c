/*
 * boot.c - `nimbus boot`: check the arguments and the machine (QEMU, the
 * image, the output directory), then run the cluster with the QEMU
 * launcher (hal-x86/launcher/boot_run.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hal-x86/launcher/boot_args.h"
#include "hal-x86/launcher/boot_env.h"
#include "hal-x86/launcher/boot_programs.h"
#include "hal-x86/launcher/boot_run.h"
#include "host/args.h"
#include "host/files.h"

static const char boot_usage[] =
    "Usage: nimbus boot [--nodes N] [OPTIONS]\n"
    "\n"
    "Start a local cluster of N Cumulonimbus x86 nodes, each in its own QEMU\n"
    "(TCG), on one emulated Ethernet that nimbus switches itself over unix\n"
    "sockets (nothing leaves the machine). Each node's serial console is shown\n"
    "here, every line prefixed 'n<i>| ', and written to DIR/node<i>.log; the\n"
    "frames each node sends and receives go to DIR/node<i>.pcap. Type\n"
    "'<node>: <command>' (or '*: <command>' for every node) to use a node's\n"
    "shell; Ctrl-C stops every node. docs/x86.md has the details.\n"
    "\n"
    "Nodes:\n"
    "  -n, --nodes N            nodes to start, 1 to 16 (default 1); node i has\n"
    "                           address 10.0.0.<i+1>, MAC 52:54:00:00:00:<i+1>\n"
    "      --run NODE:PROG[:ARG]...\n"
    "                           start PROG with its ARGs on node NODE (a number, or\n"
    "                           '*' for every node) at boot; repeatable\n"
    "      --program NAME=PATH  give every node the RV32IM ELF at PATH, built outside\n"
    "                           the tree (docs/programs.md), as program NAME for\n"
    "                           --run and spawn; repeatable; not with --iso\n"
    "      --balance POLICY     none, random, offer, two-choices or mosix\n"
    "      --migrate MODE       stop-and-copy or pre-copy\n"
    "      --append WORDS       more kernel command line words for every node\n"
    "      --disk MIB           give each node an IDE disk, DIR/node<i>.disk (kept)\n"
    "      --kvd DB             run the key-value back end on the host: 'nimbus kvd'\n"
    "                           with its LMDB store in DB, as node N after the N\n"
    "                           QEMU nodes (each gets kv=N); at most 15 nodes;\n"
    "                           its output goes to DIR/kvd.log\n"
    "Image and QEMU:\n"
    "      --iso                boot the GRUB ISO from an emulated CD, as a PC does\n"
    "                           (default: load the kernel with -kernel and qboot,\n"
    "                           which is faster)\n"
    "      --kernel PATH        the kernel (default: cumulonimbus.elf next to nimbus)\n"
    "      --iso-path PATH      the ISO (default: cumulonimbus.iso next to nimbus)\n"
    "      --qemu PATH          the QEMU program (default: qemu-system-x86_64)\n"
    "      --memory MIB         memory per node, 32 to 4096 (default 128)\n"
    "      --display            a window per node with its screen (default: none)\n"
    "  -o, --out DIR            where the outputs go, created if missing\n"
    "                           (default: runs/boot)\n"
    "Scripting:\n"
    "      --exec NODE:COMMAND  type COMMAND into node NODE's shell ('*': every\n"
    "                           node); repeatable; one at a time, in order, each\n"
    "                           once its node is ready and the previous command's\n"
    "                           prompt has come back\n"
    "      --expect TEXT        finish once TEXT has appeared within a console line\n"
    "                           of any node; repeatable (every TEXT must appear)\n"
    "      --until-idle         end each node once all its processes have exited\n"
    "                           (exit=idle); finish when every node has\n"
    "      --timeout SECONDS    give up after SECONDS\n"
    "  -h, --help               this help\n"
    "\n"
    "Without --expect or --until-idle the nodes run until Ctrl-C or SIGTERM.\n"
    "\n"
    "Exit status: 0 finished (every --exec answered, every --expect seen, every\n"
    "node idle with status 0 under --until-idle); 1 bad usage, or a --program\n"
    "file that is no RV32IM program; 2 the run failed: QEMU or the image\n"
    "missing, a node's QEMU exited unexpectedly or its kernel panicked, an\n"
    "output could not be written, a process failed under --until-idle; 3 the\n"
    "--timeout passed first; 130 Ctrl-C (SIGINT); 143 SIGTERM.\n";



/* The image to boot: the option's path, or the first of the places a
 * build tree and an installed prefix keep it (boot_env.h). */
static int boot_find_image(const struct boot_options *o, char *buf, size_t bytes)
{
    bool iso = o->method == BOOT_METHOD_ISO;
    const char *given = iso ? o->iso_path : o->kernel_path;
    const char *what = iso ? "ISO" : "kernel image";
    if (given != NULL) {
        snprintf(buf, bytes, "%s", given);
        if (access(buf, R_OK) == 0)
            return 0;
        fprintf(stderr, "nimbus boot: no %s at %s (%s)\n", what, buf, strerror(errno));
        return -1;
    }
    struct boot_image_places places;
    char err[BOOT_ERROR_BYTES];
    if (boot_env_image_places(iso ? BOOT_ISO_FILE : BOOT_KERNEL_FILE, &places, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus boot: %s; give the image with %s\n", err, iso ? "--iso-path" : "--kernel");
        return -1;
    }
    const char *found = access(places.build_tree, R_OK) == 0  ? places.build_tree
                        : access(places.installed, R_OK) == 0 ? places.installed
                                                               : NULL;
    if (found != NULL && (size_t)snprintf(buf, bytes, "%s", found) < bytes)
        return 0;
    fprintf(stderr, "nimbus boot: no %s at %s (a build tree) nor at %s (an installed nimbus)\n", what,
            places.build_tree, places.installed);
    fprintf(stderr, "nimbus boot: build it with: cmake --build BUILD_DIR --target %s (and cmake --install "
                    "BUILD_DIR for an installed nimbus), or give %s PATH\n",
            iso ? BOOT_ISO_TARGET : BOOT_KERNEL_TARGET, iso ? "--iso-path" : "--kernel");
    return -1;
}

static int boot_find_qemu(const struct boot_options *o, char *buf, size_t bytes)
{
    char err[BOOT_ERROR_BYTES];
    if (boot_env_find_program(o->qemu != NULL ? o->qemu : BOOT_QEMU_PROGRAM, buf, bytes, err, sizeof err) ==
        0)
        return 0;
    fprintf(stderr, "nimbus boot: QEMU not found: %s\n", err);
    if (o->qemu == NULL)
        fputs("nimbus boot: install it (Debian: apt-get install qemu-system-x86), or give --qemu PATH\n",
              stderr);
    return -1;
}

static int boot_main(int argc, char **argv)
{
    struct boot_options o;
    char err[BOOT_ERROR_BYTES], qemu[PATH_MAX], image[PATH_MAX];
    int parsed = boot_args_parse(argc, argv, &o, err, sizeof err);
    if (parsed == BOOT_ARGS_PRINTED)
        return BOOT_EXIT_USAGE;
    if (parsed < 0) {
        args_usage_error("boot", "%s", err);
        return BOOT_EXIT_USAGE;
    }
    if (o.help) {
        fputs(boot_usage, stdout);
        return BOOT_EXIT_OK;
    }
    if (boot_programs_check(&o, err, sizeof err) < 0) {
        fprintf(stderr, "nimbus boot: %s\n", err);
        return BOOT_EXIT_USAGE;
    }
    if (boot_find_qemu(&o, qemu, sizeof qemu) < 0 || boot_find_image(&o, image, sizeof image) < 0)
        return BOOT_EXIT_FAILED;
    if (files_make_dirs(o.out_dir) < 0) {
        fprintf(stderr, "nimbus boot: cannot make the output directory %s: %s\n", o.out_dir, strerror(errno));
        return BOOT_EXIT_FAILED;
    }
    struct boot_setup setup = {.opt = &o, .qemu = qemu, .image = image, .out_dir = o.out_dir};
    return boot_run(&setup);
}

const struct cli_command cli_boot = {
    .name = "boot",
    .usage = boot_usage,
    .main = boot_main,
};
