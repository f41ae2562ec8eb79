/*
 * boot_qemu.h - the QEMU command line of one node (pure: it builds an
 * argv, it starts nothing), and what a QEMU's exit status means.
 *
 * Every node gets: TCG, -m, -no-reboot, no monitor, COM1 on a unix socket
 * nimbus listens on, an e1000 with MAC 52:54:00:00:00:<node+1> on a
 * -netdev dgram whose other end is nimbus's switch port, a filter-dump
 * pcap of that netdev, and isa-debug-exit at 0xf4. The kernel command line
 * goes in with -append (-kernel boots) or as the SMBIOS OEM string
 * "cumulonimbus-cmdline: WORDS" that the ISO's grub.cfg reads (--iso);
 * the --program files go in with -initrd (-kernel boots only).
 */
#ifndef HAL_X86_HOST_BOOT_QEMU_H
#define HAL_X86_HOST_BOOT_QEMU_H

#include <stdint.h>
#include <stdio.h>

#include "boot_args.h"

#define BOOT_QEMU_MAX_ARGS 64u
#define BOOT_QEMU_TEXT_BYTES 8192u
#define BOOT_QEMU_BIOS_FOR_KERNEL "qboot.rom" /* found in QEMU's data directory */
#define BOOT_QEMU_SMBIOS_PREFIX "cumulonimbus-cmdline: "
#define BOOT_QEMU_DEBUG_EXIT_PORT "0xf4"
#define BOOT_MAC_PREFIX "52:54:00:00:00:"

/* Where node i's QEMU finds and puts things. */
struct boot_qemu_paths {
    const char *qemu;        /* the program */
    const char *image;       /* the kernel ELF, or the ISO with --iso */
    const char *serial_sock; /* COM1: nimbus listens, QEMU connects */
    const char *lan_sock;    /* nimbus's switch port for this node */
    const char *node_sock;   /* QEMU's end of the LAN */
    const char *pcap;
    const char *disk; /* NULL: no disk */
};

struct boot_qemu_argv {
    char *argv[BOOT_QEMU_MAX_ARGS + 1]; /* NULL-terminated, pointing into text */
    uint32_t argc;
    char text[BOOT_QEMU_TEXT_BYTES];
    size_t used;
};

/* 0, or -1 when the command line does not fit (absurdly long paths). */
int boot_qemu_argv(const struct boot_options *o, uint32_t node, const struct boot_qemu_paths *p,
                   struct boot_qemu_argv *out);

/* The node's MAC address, "52:54:00:00:00:01" for node 0. */
void boot_qemu_mac(uint32_t node, char out[18]);

/* The argv as one shell command line (arguments quoted where needed). */
void boot_qemu_print(const struct boot_qemu_argv *a, FILE *f);

/* A waitpid status in words: "exited with status 1 (a QEMU error, or the
 * guest's isa-debug-exit status 0)", "was killed by signal 9". */
void boot_qemu_describe_exit(int wait_status, char *buf, size_t bytes);

/* The status the guest wrote to isa-debug-exit, which ends QEMU with
 * (status << 1) | 1, or -1 if QEMU did not exit with an odd status. */
int boot_qemu_guest_status(int wait_status);

#endif
