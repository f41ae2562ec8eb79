/*
 * boot.c - `nimbus boot` in a build without the x86 image
 * (NIMBUS_BUILD_X86=OFF): it says so and exits 1. The real one is
 * cli/boot.c.
 */
#include "absent.h"
#include "cli/cli.h"

static const char absent_boot_usage[] =
    "Usage: nimbus boot [--nodes N] [OPTIONS]\n"
    "\n"
    "Not in this nimbus: it was built without the x86 image. Configure with\n"
    "-DNIMBUS_BUILD_X86=ON (it needs GRUB, xorriso and mtools; QEMU to run) to\n"
    "have it.\n";

static int absent_boot_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return absent_part("boot", "the x86 image", "NIMBUS_BUILD_X86");
}

const struct cli_command cli_boot = {
    .name = "boot",
    .usage = absent_boot_usage,
    .main = absent_boot_main,
};
