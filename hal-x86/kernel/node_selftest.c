/* node_selftest.c - see node_selftest.h. */
#include "node_selftest.h"

#include <stdint.h>

#include "cpu.h"
#include "debug_exit.h"
#include "disk_selftest.h"
#include "kassert_selftest.h"
#include "kprint.h"
#include "kstring.h"

#define EXIT_PREFIX "exit:"
#define EXIT_STATUS_MAX 127u
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
    return exit_status_of(name) >= 0 || strcmp(name, "fault") == 0 || strcmp(name, KASSERT_SELFTEST_NAME) == 0 ||
           disk_selftest_known(name);
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

void node_selftest_run(const char *name, struct kernel *k)
{
    int status = exit_status_of(name);
    if (status >= 0)
        finish(name, (uint8_t)status);
    if (strcmp(name, "fault") == 0)
        fault();
    if (strcmp(name, KASSERT_SELFTEST_NAME) == 0)
        kassert_selftest_run(k);
    if (disk_selftest_known(name))
        finish(name, disk_selftest_run(name));
    kprintf("cumulonimbus: selftest %s: no such self test\n", name);
    finish(name, 1);
}
