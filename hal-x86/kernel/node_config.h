/*
 * node_config.h - a node's configuration, from the kernel command line
 * (GRUB's `multiboot2 /boot/cumulonimbus.elf ...` line, or QEMU's -append).
 *
 * Words separated by spaces; every one is optional:
 *   node=N            this node's id (default 0)
 *   nodes=N           cluster size, 1..1024 (default 1; must exceed node)
 *   ip=A.B.C.D        IPv4 address (default 10.0.0.(N+1), as the simulator)
 *   run=PROG[:ARG]... programs to start at boot, comma-separated; a
 *                     program's arguments follow it, colon-separated
 *                     (run=pingpong:server,hello)
 *   balance=POLICY    none | random | offer | two-choices | mosix (default none)
 *   migrate=MODE      stop-and-copy | pre-copy (default stop-and-copy)
 *   exit=idle         end QEMU (isa-debug-exit) once every process has
 *                     exited: status 0 if all exited 0, else 1
 *   selftest=NAME     run a built-in self test instead (node_selftest.h)
 *   ata=MODE          dma (default: bus-master DMA when the controller and
 *                     the drive have it, else PIO) | pio (PIO only)
 *   translate=on|off  run the built-in programs' translations (default
 *                     on) or interpret every program (docs/translation.md)
 * Unknown words or bad values stop the boot with a message naming the word.
 */
#ifndef HAL_X86_NODE_CONFIG_H
#define HAL_X86_NODE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NODE_RUN_BYTES 256u
#define NODE_SELFTEST_BYTES 32u

struct node_config {
    uint16_t node_id;
    uint16_t node_count;
    uint32_t ipv4;            /* host byte order */
    char run[NODE_RUN_BYTES]; /* the run= value as given, "" if none */
    uint8_t balance_policy;   /* enum hal_balance_policy */
    uint8_t migrate_mode;     /* enum migrate_mode */
    bool exit_when_idle;
    char selftest[NODE_SELFTEST_BYTES];
    bool ata_pio; /* ata=pio: no DMA for the disk */
    bool interpret;     /* translate=off */
    bool kv_configured; /* kv=N: the key-value back end is node N */
    uint16_t kv_backend;
};

/* 0, or -1 with the reason in `err`. */
int node_config_parse(const char *cmdline, struct node_config *out, char *err, size_t err_bytes);

#define NODE_PROGRAM_MAX_ARGS 16u /* ABI_ARGS_MAX_COUNT */

/* One program of run=, split: `name` and `argv` point into `text`. */
struct node_program {
    char text[NODE_RUN_BYTES];
    const char *name;
    const char *argv[NODE_PROGRAM_MAX_ARGS];
    uint32_t argc;
};

/* Program number `index` (from 0) of cfg->run, which node_config_parse
 * has checked. False when run= names fewer programs. */
bool node_config_program(const struct node_config *cfg, uint32_t index, struct node_program *out);

#endif
