/* boot_cli.h - `nimbus boot`: a local cluster of QEMU nodes (boot_cli.c). */
#ifndef HAL_X86_HOST_BOOT_CLI_H
#define HAL_X86_HOST_BOOT_CLI_H

extern const char boot_usage[];

/* argv holds the arguments after "boot". Returns the process exit status. */
int boot_main(int argc, char **argv);

#endif
