/* node_selftest.c - see node_selftest.h. */
#include "node_selftest.h"

#include <stdint.h>

#include "cmos_nvram.h"
#include "cpu.h"
#include "debug_exit.h"
#include "disk_selftest.h"
#include "hal/hal_nvram.h"
#include "io.h"
#include "kassert_selftest.h"
#include "kprint.h"
#include "kstring.h"

#define EXIT_PREFIX "exit:"
#define EXIT_STATUS_MAX 127u
#define REBOOT_PREFIX "reboot:"
#define REBOOT_BOOTS_MAX 9u
#define UNMAPPED_ADDRESS 0x100000000ull /* the first byte past the identity map */
#define KBC_STATUS 0x64u     /* the keyboard controller's status and command port */
#define KBC_INPUT_FULL 0x02u /* it has not taken the last byte yet */
#define KBC_PULSE_RESET 0xFEu

/* The N of "<prefix>N" with N <= max, or -1. */
static int number_after(const char *name, const char *prefix, uint32_t max)
{
    size_t len = strlen(prefix);
    if (strncmp(name, prefix, len) != 0 || name[len] == '\0')
        return -1;
    uint32_t v = 0;
    for (const char *c = name + len; *c != '\0'; c++) {
        if (*c < '0' || *c > '9' || (v = v * 10 + (uint32_t)(*c - '0')) > max)
            return -1;
    }
    return (int)v;
}

static int exit_status_of(const char *name)
{
    return number_after(name, EXIT_PREFIX, EXIT_STATUS_MAX);
}

static int reboot_boots_of(const char *name)
{
    return number_after(name, REBOOT_PREFIX, REBOOT_BOOTS_MAX);
}

bool node_selftest_known(const char *name)
{
    return exit_status_of(name) >= 0 || reboot_boots_of(name) > 0 || strcmp(name, "fault") == 0 ||
           strcmp(name, KASSERT_SELFTEST_NAME) == 0 || disk_selftest_known(name);
}

static _Noreturn void finish(const char *name, uint8_t status)
{
    kprintf("cumulonimbus: selftest %s: exit status %u\n", name, status);
    debug_exit(status);
    kprintf("cumulonimbus: no isa-debug-exit device; halting\n");
    cpu_halt_forever();
}

static _Noreturn void fault(void)
{
    kprintf("cumulonimbus: selftest fault: reading 0x%llx, which is not mapped\n", UNMAPPED_ADDRESS);
    (void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_ADDRESS;
    kprintf("cumulonimbus: selftest fault: the read did not fault\n");
    finish("fault", 1);
}

/* Reset the machine as a reboot does: the keyboard controller pulses
 * the CPU's reset line. RAM is lost, CMOS kept. */
static void machine_reset(void)
{
    for (uint32_t i = 0; i < 100000u && (inb(KBC_STATUS) & KBC_INPUT_FULL) != 0; i++)
        io_wait();
    outb(KBC_STATUS, KBC_PULSE_RESET);
    for (uint32_t i = 0; i < 100000u; i++)
        io_wait(); /* the reset takes a moment */
}

/* reboot:N: boots the machine N times in all (counted in NVRAM), saying
 * each time what NVRAM holds; the node's pids go on across the boots. */
static _Noreturn void reboot_until(const char *name, uint32_t boots_wanted)
{
    uint32_t boots = cmos_nvram_read(HAL_NVRAM_BOOTS);
    uint32_t last_pid = cmos_nvram_read(HAL_NVRAM_NEXT_PID);
    kprintf("cumulonimbus: selftest %s: boot %u, last local pid %u\n", name, boots, last_pid);
    if (boots >= boots_wanted)
        finish(name, 0);
    machine_reset();
    kprintf("cumulonimbus: selftest %s: the machine did not reset\n", name);
    finish(name, 1);
}

void node_selftest_run(const char *name, struct kernel *k)
{
    int status = exit_status_of(name);
    if (status >= 0)
        finish(name, (uint8_t)status);
    if (reboot_boots_of(name) > 0)
        reboot_until(name, (uint32_t)reboot_boots_of(name));
    if (strcmp(name, "fault") == 0)
        fault();
    if (strcmp(name, KASSERT_SELFTEST_NAME) == 0)
        kassert_selftest_run(k);
    if (disk_selftest_known(name))
        finish(name, disk_selftest_run(name));
    kprintf("cumulonimbus: selftest %s: no such self test\n", name);
    finish(name, 1);
}
