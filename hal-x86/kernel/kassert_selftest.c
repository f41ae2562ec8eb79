/* kassert_selftest.c - see kassert_selftest.h. */
#include "kassert_selftest.h"

#include "core/kernel_priv.h"
#include "core/proc.h"
#include "cpu.h"
#include "debug_exit.h"
#include "kprint.h"

void kassert_selftest_run(struct kernel *k)
{
    int64_t pid = kernel_spawn(k, "hello", (const char *const *)0, 0);
    struct proc *p = pid > 0 ? proc_find(k, (uint32_t)pid) : (struct proc *)0;
    if (p != (struct proc *)0) {
        kprintf("cumulonimbus: selftest kassert: n%u.%u's mailbox now holds %u messages of %u\n",
                (unsigned)ABI_PID_NODE(p->pid), (unsigned)ABI_PID_LOCAL(p->pid), MAILBOX_CAPACITY + 1u,
                MAILBOX_CAPACITY);
        p->mailbox_len = MAILBOX_CAPACITY + 1u;
        kernel_destroy(k);
    }
    kprintf("cumulonimbus: selftest kassert: no assertion failed (spawn: %d)\n", (int)pid);
    debug_exit(1);
    cpu_halt_forever();
}
