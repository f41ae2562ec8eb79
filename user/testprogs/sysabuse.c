/*
 * sysabuse - calls every system call with arguments the kernel must
 * refuse, and prints one line per case:
 *   <case>: <result>
 * where <result> is the number the call returned (an enum abi_error code,
 * or 0 / a length), or "ok" for calls whose success value varies (pids,
 * times). Then "sysabuse done", exit 0. docs/programs.md lists every case
 * with the result the ABI expects; keep names and order stable, tests
 * compare them line by line.
 */
#include "nimbus.h"

#define UNMAPPED 0x00800000u   /* between the program and the stack */
#define BELOW_BASE 0x00001000u /* under ABI_USER_BASE: never mapped */
#define HIGH 0xFFFFF000u       /* above ABI_USER_TOP */
#define WRAP_PTR 0xFFFFFFFEu   /* a 4-byte object here wraps past 2^32 */
#define PAST_TOP (ABI_USER_TOP - 2u)
#define ONE_S (1000ull * NS_PER_MS)

static uint8_t buf[64];
static char big[ABI_ARGS_MAX_BYTES + 2];

static uint32_t addr(const void *p)
{
    return (uint32_t)(uintptr_t)p;
}
static void report(const char *name, int32_t result);
/* An address in the text segment: mapped, but read+execute only. */
static uint32_t text_addr(void)
{
    return (uint32_t)(uintptr_t)&report;
}
/* A length that makes [p, p + len) wrap around 2^32. */
static uint32_t wrap_len(const void *p)
{
    return 0u - addr(p) + 16u;
}

static int32_t call(uint32_t num, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    return sys_call(num, a0, a1, a2, a3, a4, 0);
}

static void report(const char *name, int32_t result)
{
    printf("%s: %d\n", name, (int)result);
}

static void report_ok(const char *name, int ok)
{
    printf("%s: %s\n", name, ok ? "ok" : "FAILED");
}

static void unknown_calls(void)
{
    report("syscall 99", call(99, 0, 0, 0, 0, 0));
    report("syscall 0xffffffff", call(0xFFFFFFFFu, 0, 0, 0, 0, 0));
    report("syscall SYS_COUNT", call(SYS_COUNT, 0, 0, 0, 0, 0));
}

static void bad_writes(void)
{
    report("write null", call(SYS_WRITE, 0, 4, 0, 0, 0));
    report("write below base", call(SYS_WRITE, BELOW_BASE, 4, 0, 0, 0));
    report("write unmapped", call(SYS_WRITE, UNMAPPED, 4, 0, 0, 0));
    report("write high", call(SYS_WRITE, HIGH, 4, 0, 0, 0));
    report("write past top", call(SYS_WRITE, PAST_TOP, 4, 0, 0, 0));
    report("write wrap", call(SYS_WRITE, addr(buf), wrap_len(buf), 0, 0, 0));
    report("write too long", call(SYS_WRITE, addr(buf), ABI_WRITE_MAX_BYTES + 1u, 0, 0, 0));
    report("write empty", call(SYS_WRITE, 0, 0, 0, 0, 0));
}

static int32_t spawn_raw(const char *name, uint32_t name_len, uint32_t args, uint32_t args_len)
{
    return call(SYS_SPAWN, addr(name), name_len, args, args_len, 0);
}

static void bad_spawns(void)
{
    static const char long_name[] = "exitcode_exitcode_exitcode_exitc"; /* 32: the limit */
    static const char longer_name[] = "exitcode_exitcode_exitcode_exitco";
    _Static_assert(sizeof long_name - 1 == ABI_PROGRAM_NAME_MAX, "a name at the limit");
    _Static_assert(sizeof longer_name - 1 == ABI_PROGRAM_NAME_MAX + 1, "a name past the limit");
    report("spawn nonexistent", spawn_raw("nosuchprogram", 13, 0, 0));
    report("spawn name at limit", spawn_raw(long_name, ABI_PROGRAM_NAME_MAX, 0, 0));
    report("spawn name too long", spawn_raw(longer_name, ABI_PROGRAM_NAME_MAX + 1u, 0, 0));
    report("spawn name empty", spawn_raw("exitcode", 0, 0, 0));
    report("spawn name null", call(SYS_SPAWN, 0, 8, 0, 0, 0));
    report("spawn name unmapped", call(SYS_SPAWN, UNMAPPED, 8, 0, 0, 0));
    report("spawn name wrap", spawn_raw("exitcode", 0xFFFFFFFFu, 0, 0));
    report("spawn args unterminated", spawn_raw("exitcode", 8, addr("3"), 1));
    memset(big, 'x', sizeof big);
    big[ABI_ARGS_MAX_BYTES] = '\0';
    report("spawn args too long", spawn_raw("exitcode", 8, addr(big), ABI_ARGS_MAX_BYTES + 1u));
    for (uint32_t i = 0; i < 2 * (ABI_ARGS_MAX_COUNT + 1u); i += 2) {
        big[i] = '1';
        big[i + 1] = '\0';
    }
    report("spawn args too many", spawn_raw("exitcode", 8, addr(big), 2 * (ABI_ARGS_MAX_COUNT + 1u)));
    report("spawn args null", spawn_raw("exitcode", 8, 0, 2));
    report("spawn args unmapped", spawn_raw("exitcode", 8, UNMAPPED, 2));
    report("spawn args wrap", spawn_raw("exitcode", 8, addr(big), 0xFFFFFFFFu));
}

static void bad_waits(uint32_t self)
{
    uint32_t node = ABI_PID_NODE(self);
    report("wait any without children", call(SYS_WAIT, 0, 0, 0, 0, 0));
    report("wait self", call(SYS_WAIT, self, 0, 0, 0, 0));
    report("wait non-child", call(SYS_WAIT, ABI_PID(node, 0xFFFFu), 0, 0, 0, 0));
    report("wait kernel", call(SYS_WAIT, ABI_KERNEL_PID(node), 0, 0, 0, 0));
}

static void bad_sends(uint32_t self)
{
    memcpy(buf, "abuse", 5);
    report("send nonexistent", call(SYS_SEND, ABI_PID(ABI_PID_NODE(self), 0xFFFFu), addr(buf), 4, 0, 0));
    report("send null", call(SYS_SEND, self, 0, 4, 0, 0));
    report("send unmapped", call(SYS_SEND, self, UNMAPPED, 4, 0, 0));
    report("send past top", call(SYS_SEND, self, PAST_TOP, 4, 0, 0));
    report("send too big", call(SYS_SEND, self, addr(buf), ABI_MSG_MAX_BYTES + 1u, 0, 0));
    report("send wrap", call(SYS_SEND, self, addr(buf), wrap_len(buf), 0, 0));
}

/* Bad receives, first on an empty mailbox, then with a message waiting. */
static void bad_recvs(uint32_t self)
{
    static const char rodata[64] = "read-only";
    report("recv empty", call(SYS_RECV, addr(buf), sizeof buf, 0, 0, 0));
    report("recv null empty", call(SYS_RECV, 0, sizeof buf, 0, 0, 0));
    report("send self", call(SYS_SEND, self, addr("abuse"), 5, 0, 0));
    report("recv into null", call(SYS_RECV, 0, sizeof buf, 0, 0, 0));
    report("recv into below base", call(SYS_RECV, BELOW_BASE, sizeof buf, 0, 0, 0));
    report("recv into text", call(SYS_RECV, text_addr(), sizeof buf, 0, 0, 0));
    report("recv into rodata", call(SYS_RECV, addr(rodata), sizeof rodata, 0, 0, 0));
    report("recv into unmapped", call(SYS_RECV, UNMAPPED, sizeof buf, 0, 0, 0));
    report("recv into high", call(SYS_RECV, HIGH, sizeof buf, 0, 0, 0));
    report("recv capacity wrap", call(SYS_RECV, addr(buf), wrap_len(buf), 0, 0, 0));
    report("recv sender into text", call(SYS_RECV, addr(buf), sizeof buf, text_addr(), 0, 0));
    report("recv sender wrap", call(SYS_RECV, addr(buf), sizeof buf, WRAP_PTR, 0, 0));
    report("recv too small", call(SYS_RECV, addr(buf), 2, 0, 0, 0));
    report("recv one byte short", call(SYS_RECV, addr(buf), 4, 0, 0, 0));
    uint32_t from = 0;
    report("recv", call(SYS_RECV, addr(buf), sizeof buf, addr(&from), 0, 0));
    report_ok("recv sender is self", from == self);
    report("recv empty again", call(SYS_RECV, addr(buf), sizeof buf, 0, 0, 0));
}

/* A real child (echo 1: answers one message, then exits 0). */
static void child_cases(void)
{
    static const char *const args[] = {"1"};
    int32_t child = spawn("echo", 1, args);
    report_ok("spawn echo", child > 0);
    if (child <= 0)
        return;
    uint32_t c = (uint32_t)child;
    report("wait child poll", call(SYS_WAIT, c, 0, 0, 0, 0));
    report("wait status into text", call(SYS_WAIT, c, text_addr(), 0, 0, 0));
    report("wait status unmapped", call(SYS_WAIT, c, UNMAPPED, 0, 0, 0));
    report("wait status wrap", call(SYS_WAIT, c, WRAP_PTR, 0, 0, 0));
    report("send child", sys_send(c, "hi", 2));
    report("recv child reply", recv_from_process(buf, sizeof buf, NULL, 10u * ONE_S));
    int32_t status = -1;
    report_ok("wait child", sys_wait(c, &status, ABI_TIMEOUT_FOREVER) == child);
    report("child status", status);
    report("wait child again", call(SYS_WAIT, c, 0, 0, 0, 0));
}

static void harmless_calls(uint32_t self)
{
    report("sleep 0", call(SYS_SLEEP, 0, 0, 0, 0, 0));
    report("yield", call(SYS_YIELD, 0, 0, 0, 0, 0));
    uint64_t t1 = sys_time(), t2 = sys_time();
    report_ok("time", t2 >= t1);
    report_ok("getpid", ABI_PID_LOCAL(self) != 0 && ABI_PID_NODE(self) == sys_getnode());
}

/* Moves that cannot happen: the caller is on node 0 of a one-node
 * cluster in the tests, so every target is refused. */
static void bad_moves(uint32_t self)
{
    report("migrate to own node", sys_migrate(0, sys_getnode()));
    report("migrate to node 70000", sys_migrate(0, 70000));
    report("migrate nonexistent", sys_migrate(ABI_PID(sys_getnode(), 65535), 1));
    report("migrate outside cluster", sys_migrate(self, 4000));
    report("pin", sys_pin(1));
    report("migrate pinned", sys_migrate(0, 1));
    report("unpin", sys_pin(0));
}

int main(void)
{
    uint32_t self = sys_getpid();
    unknown_calls();
    bad_writes();
    bad_spawns();
    bad_waits(self);
    bad_sends(self);
    bad_recvs(self);
    child_cases();
    harmless_calls(self);
    bad_moves(self);
    printf("sysabuse done\n");
    return 0;
}
