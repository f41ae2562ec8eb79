/*
 * node_selftest.h - built-in self tests, chosen with selftest=NAME on the
 * kernel command line. Each runs after the ready line and ends QEMU
 * through isa-debug-exit (debug_exit.h):
 *   exit:N   exit at once with status N (0..127): proves the boot and the
 *            exit device
 *   fault    touch unmapped memory: the panic path must report a page
 *            fault and exit with PANIC_EXIT_STATUS
 *   disk, disk-write:SEED, disk-verify:SEED, disk-flush:SEED, disk-bench:MIB
 *            the disk driver's tests (disk_selftest.h): status 0 when
 *            they pass, 1 otherwise
 *   reboot:N reset the machine until it has booted N times (1..9, counted
 *            in NVRAM, cmos_nvram.h), then exit 0: each boot prints its
 *            count and the last local pid NVRAM holds
 *   kassert  a kernel invariant broken on purpose (kassert_selftest.h):
 *            the KASSERT panic must report it, with PANIC_EXIT_STATUS
 */
#ifndef HAL_X86_NODE_SELFTEST_H
#define HAL_X86_NODE_SELFTEST_H

#include <stdbool.h>

struct kernel;

/* Whether `name` (NUL-terminated) is a self test with valid arguments. */
bool node_selftest_known(const char *name);

/* Run it on the node's kernel k; does not return. */
_Noreturn void node_selftest_run(const char *name, struct kernel *k);

#endif
