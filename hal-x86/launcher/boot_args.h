/*
 * boot_args.h - the options of `nimbus boot` and each node's kernel
 * command line (hal-x86/kernel/node_config.h reads it). Pure: no files,
 * no processes; every check that can be made before QEMU starts is made
 * here, so a bad word is a usage error and not a node that will not boot.
 */
#ifndef HAL_X86_HOST_BOOT_ARGS_H
#define HAL_X86_HOST_BOOT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MAX_NODES 16u
#define BOOT_MAX_RUNS 64u
#define BOOT_MAX_EXECS 64u
#define BOOT_MAX_EXPECTS 32u
#define BOOT_MAX_PROGRAMS 16u       /* the kernel keeps this many boot modules */
#define BOOT_PROGRAM_NAME_BYTES 33u /* ABI_PROGRAM_NAME_MAX + 1 */
#define BOOT_DEFAULT_NODES 1u
#define BOOT_DEFAULT_MEMORY_MIB 128u
#define BOOT_MIN_MEMORY_MIB 32u
#define BOOT_MAX_MEMORY_MIB 4096u /* the kernel maps the low 4 GiB */
#define BOOT_MAX_DISK_MIB 65536u
#define BOOT_MAX_TIMEOUT_S 86400u
#define BOOT_DEFAULT_OUT "runs/boot"
#define BOOT_ALL_NODES UINT32_MAX /* "*" in --run and --exec */
#define BOOT_ERROR_BYTES 256u

enum boot_method {
    BOOT_METHOD_KERNEL, /* QEMU -kernel with qboot: fast, the default */
    BOOT_METHOD_ISO,    /* the GRUB ISO on an emulated CD, as a PC boots it */
};

/* "--run NODE:PROG[:ARG]..." and "--exec NODE:COMMAND" before "*" is
 * expanded: node is a node number or BOOT_ALL_NODES. */
struct boot_node_text {
    uint32_t node;
    const char *text; /* points into argv */
};

/* "--program NAME=PATH": an RV32IM ELF built outside the tree, handed to
 * every node as a boot module (boot_programs.h checks the file). */
struct boot_program {
    char name[BOOT_PROGRAM_NAME_BYTES];
    const char *path; /* points into argv */
};

struct boot_options {
    uint32_t nodes;
    const char *out_dir;
    enum boot_method method;
    const char *kernel_path; /* NULL: cumulonimbus.elf in the build directory */
    const char *iso_path;    /* NULL: cumulonimbus.iso in the build directory */
    const char *qemu;        /* NULL: qemu-system-x86_64 from PATH */
    uint32_t memory_mib;
    uint32_t disk_mib; /* 0: no disk */
    const char *kvd_dir; /* NULL: no nimbus kvd; else its LMDB directory */
    bool display;
    bool until_idle;
    bool help;
    uint32_t timeout_s;  /* 0: none */
    const char *balance; /* NULL: the kernel's default */
    const char *migrate;
    const char *append; /* NULL: nothing more */
    struct boot_node_text runs[BOOT_MAX_RUNS];
    uint32_t run_count;
    struct boot_node_text execs[BOOT_MAX_EXECS]; /* in order; "*" expanded */
    uint32_t exec_count;
    const char *expects[BOOT_MAX_EXPECTS];
    uint32_t expect_count;
    struct boot_program programs[BOOT_MAX_PROGRAMS];
    uint32_t program_count;
};

/* boot_args_parse's status for a problem host/args.h has already printed
 * (an unknown option, a missing value), with its hint. */
#define BOOT_ARGS_PRINTED (-2)

/* Parse the arguments after "boot" into `o` (strings point into argv),
 * with host/args.h's parser. 0; -1 with a message naming the argument in
 * `err`; or BOOT_ARGS_PRINTED. With --help, 0 and o->help set; nothing
 * else is checked then. */
int boot_args_parse(int argc, char **argv, struct boot_options *o, char *err, size_t err_bytes);

/* With --kvd, nimbus kvd is one more node after the QEMU ones: its id,
 * and the cluster's size the kernels are told (nodes=). */
uint32_t boot_args_kvd_node(const struct boot_options *o);
uint32_t boot_args_cluster_nodes(const struct boot_options *o);

/* Node `node`'s kernel command line ("node=1 nodes=3 run=... exit=idle").
 * Its length, or -1 when it does not fit in `bytes` (NUL included). */
int boot_args_cmdline(const struct boot_options *o, uint32_t node, char *buf, size_t bytes);

/* A line typed on nimbus's input: "<node>: command" or "*: command".
 * 0 with the node (BOOT_ALL_NODES for "*") and the command, or -1 with
 * err. */
int boot_args_typed(const char *line, uint32_t nodes, struct boot_node_text *out, char *err,
                    size_t err_bytes);

#endif
