/* node_selftest.c - see node_selftest.h. */
#include "node_selftest.h"

#include <stdint.h>

#include "ata.h"
#include "clock.h"
#include "cpu.h"
#include "debug_exit.h"
#include "kprint.h"
#include "kstring.h"

#define EXIT_PREFIX "exit:"
#define EXIT_STATUS_MAX 127u
#define DISK_TEST_SECTORS 8u
#define UNMAPPED_ADDRESS 0x100000000ull /* the first byte past the identity map */

/* The N of "exit:N", or -1. */
static int exit_status_of(const char *name)
{
    size_t prefix = strlen(EXIT_PREFIX);
    if (strncmp(name, EXIT_PREFIX, prefix) != 0 || name[prefix] == '\0')
        return -1;
    uint32_t v = 0;
    for (const char *c = name + prefix; *c != '\0'; c++) {
        if (*c < '0' || *c > '9' || (v = v * 10 + (uint32_t)(*c - '0')) > EXIT_STATUS_MAX)
            return -1;
    }
    return (int)v;
}

bool node_selftest_known(const char *name)
{
    return exit_status_of(name) >= 0 || strcmp(name, "fault") == 0 || strcmp(name, "disk") == 0;
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

static uint8_t saved[DISK_TEST_SECTORS * ATA_SECTOR_BYTES];
static uint8_t pattern[DISK_TEST_SECTORS * ATA_SECTOR_BYTES];
static uint8_t readback[DISK_TEST_SECTORS * ATA_SECTOR_BYTES];

/* Write a pattern that differs on every run to the last sectors, read it
 * back and compare, then put the old contents back. */
static uint8_t disk(void)
{
    uint64_t sectors = ata_sector_count();
    if (sectors < DISK_TEST_SECTORS) {
        kprintf("cumulonimbus: selftest disk: no disk (or one of %llu sectors)\n",
                (unsigned long long)sectors);
        return 1;
    }
    uint64_t lba = sectors - DISK_TEST_SECTORS;
    uint64_t seed = clock_now_ns() | 1;
    for (uint32_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)((seed >> (i % 8 * 8)) + i * 31u);
    if (ata_read(lba, DISK_TEST_SECTORS, saved) != 0 || ata_write(lba, DISK_TEST_SECTORS, pattern) != 0 ||
        ata_read(lba, DISK_TEST_SECTORS, readback) != 0) {
        kprintf("cumulonimbus: selftest disk: the drive reported an error at sector %llu\n",
                (unsigned long long)lba);
        return 1;
    }
    bool same = memcmp(pattern, readback, sizeof pattern) == 0;
    if (ata_write(lba, DISK_TEST_SECTORS, saved) != 0)
        kprintf("cumulonimbus: selftest disk: could not restore sectors %llu..%llu\n",
                (unsigned long long)lba, (unsigned long long)sectors - 1);
    kprintf("cumulonimbus: selftest disk: %u sectors at %llu of %llu %s\n", DISK_TEST_SECTORS,
            (unsigned long long)lba, (unsigned long long)sectors,
            same ? "read back as written" : "read back DIFFERENT from what was written");
    return same ? 0 : 1;
}

void node_selftest_run(const char *name)
{
    int status = exit_status_of(name);
    if (status >= 0)
        finish(name, (uint8_t)status);
    if (strcmp(name, "fault") == 0)
        fault();
    if (strcmp(name, "disk") == 0)
        finish(name, disk());
    kprintf("cumulonimbus: selftest %s: no such self test\n", name);
    finish(name, 1);
}
