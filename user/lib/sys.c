/*
 * sys.c - the system call stubs: number in a7, arguments in a0..a5, the
 * result in a0 (and a1 for 64-bit results), as core/abi.h specifies.
 */
#include "sys.h"

struct sys_pair {
    uint32_t a0, a1;
};

/* The kernel writes only a0 and a1, but all argument registers are marked
 * as possibly changed so that nothing depends on it. */
static inline struct sys_pair ecall(uint32_t num, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3,
                                    uint32_t a4, uint32_t a5)
{
    register uint32_t r0 __asm__("a0") = a0;
    register uint32_t r1 __asm__("a1") = a1;
    register uint32_t r2 __asm__("a2") = a2;
    register uint32_t r3 __asm__("a3") = a3;
    register uint32_t r4 __asm__("a4") = a4;
    register uint32_t r5 __asm__("a5") = a5;
    register uint32_t r7 __asm__("a7") = num;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5)
                     : "r"(r7)
                     : "memory");
    return (struct sys_pair){r0, r1};
}

static uint32_t lo(uint64_t v)
{
    return (uint32_t)v;
}
static uint32_t hi(uint64_t v)
{
    return (uint32_t)(v >> 32);
}
static uint32_t addr(const void *p)
{
    return (uint32_t)(uintptr_t)p;
}

int32_t sys_call(uint32_t num, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5)
{
    return (int32_t)ecall(num, a0, a1, a2, a3, a4, a5).a0;
}

uint64_t sys_call64(uint32_t num, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
                    uint32_t a5)
{
    struct sys_pair r = ecall(num, a0, a1, a2, a3, a4, a5);
    return (uint64_t)r.a0 | ((uint64_t)r.a1 << 32);
}

_Noreturn void sys_exit(int32_t status)
{
    for (;;)
        ecall(SYS_EXIT, (uint32_t)status, 0, 0, 0, 0, 0);
}

uint32_t sys_getpid(void)
{
    return ecall(SYS_GETPID, 0, 0, 0, 0, 0, 0).a0;
}

uint32_t sys_getnode(void)
{
    return ecall(SYS_GETNODE, 0, 0, 0, 0, 0, 0).a0;
}

int32_t sys_spawn(const char *name, uint32_t name_len, const void *args, uint32_t args_len)
{
    return sys_call(SYS_SPAWN, addr(name), name_len, addr(args), args_len, 0, 0);
}

int32_t sys_wait(uint32_t pid, int32_t *status, uint64_t timeout_ns)
{
    return sys_call(SYS_WAIT, pid, addr(status), lo(timeout_ns), hi(timeout_ns), 0, 0);
}

int32_t sys_send(uint32_t dst, const void *buf, uint32_t len)
{
    return sys_call(SYS_SEND, dst, addr(buf), len, 0, 0, 0);
}

int32_t sys_recv(void *buf, uint32_t cap, uint32_t *sender, uint64_t timeout_ns)
{
    return sys_call(SYS_RECV, addr(buf), cap, addr(sender), lo(timeout_ns), hi(timeout_ns), 0);
}

int32_t sys_sleep(uint64_t duration_ns)
{
    return sys_call(SYS_SLEEP, lo(duration_ns), hi(duration_ns), 0, 0, 0, 0);
}

uint64_t sys_time(void)
{
    return sys_call64(SYS_TIME, 0, 0, 0, 0, 0, 0);
}

int32_t sys_yield(void)
{
    return sys_call(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

int32_t sys_write(const void *buf, uint32_t len)
{
    return sys_call(SYS_WRITE, addr(buf), len, 0, 0, 0, 0);
}

int32_t sys_migrate(uint32_t pid, uint32_t node)
{
    return sys_call(SYS_MIGRATE, pid, node, 0, 0, 0, 0);
}

int32_t sys_pin(uint32_t pinned)
{
    return sys_call(SYS_PIN, pinned, 0, 0, 0, 0, 0);
}
