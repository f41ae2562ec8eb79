/*
 * boot_run.h - one run of a local cluster: make the sockets, start a QEMU
 * per node, pass frames between them, show and log their consoles, type
 * the --exec commands and what the user types, and end when the script is
 * done, a node fails, the time is up or a signal comes. Every QEMU is
 * stopped and every socket removed before boot_run returns, whatever
 * ended the run.
 */
#ifndef HAL_X86_HOST_BOOT_RUN_H
#define HAL_X86_HOST_BOOT_RUN_H

#include "boot_args.h"

enum boot_exit {
    BOOT_EXIT_OK = 0,
    BOOT_EXIT_USAGE = 1,
    BOOT_EXIT_FAILED = 2,  /* QEMU or an image missing, a node failed, an output unwritable */
    BOOT_EXIT_TIMEOUT = 3, /* --timeout passed first */
    BOOT_EXIT_SIGINT = 130,
    BOOT_EXIT_SIGTERM = 143,
};

struct boot_setup {
    const struct boot_options *opt;
    const char *qemu;    /* the QEMU program's path */
    const char *image;   /* the kernel ELF, or the ISO with --iso */
    const char *out_dir; /* exists */
};

/* Returns the exit status (enum boot_exit). */
int boot_run(const struct boot_setup *setup);

#endif
