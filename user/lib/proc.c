/*
 * proc.c - process and message helpers over the raw system calls: exit
 * with flushed output, spawn from an argv array, patient send, and a
 * receive that ignores the kernels' own messages.
 */
#include "nimbus.h"

_Noreturn void exit(int status)
{
    print_flush();
    sys_exit(status);
}

int32_t spawn(const char *program, int argc, const char *const *argv)
{
    char block[ABI_ARGS_MAX_BYTES];
    uint32_t used = 0;
    if (argc < 0 || (uint32_t)argc > ABI_ARGS_MAX_COUNT)
        return ERR_INVALID;
    for (int i = 0; i < argc; i++) {
        uint32_t len = (uint32_t)strlen(argv[i]) + 1;
        if (len > sizeof block - used)
            return ERR_INVALID;
        memcpy(block + used, argv[i], len);
        used += len;
    }
    return sys_spawn(program, (uint32_t)strlen(program), block, used);
}

int32_t send_retry(uint32_t dst, const void *buf, uint32_t len, uint32_t tries)
{
    int32_t r = sys_send(dst, buf, len);
    for (uint32_t i = 1; i < tries && (r == ERR_MAILBOX_FULL || r == ERR_BUSY); i++) {
        sleep_ms(1);
        r = sys_send(dst, buf, len);
    }
    return r;
}

int32_t recv_from_process(void *buf, uint32_t cap, uint32_t *sender, uint64_t timeout_ns)
{
    int bounded = timeout_ns != 0 && timeout_ns != ABI_TIMEOUT_FOREVER;
    uint64_t deadline = bounded ? sys_time() + timeout_ns : 0;
    for (;;) {
        uint32_t from = 0;
        int32_t r = sys_recv(buf, cap, &from, timeout_ns);
        if (r < 0 || ABI_PID_LOCAL(from) != 0) {
            if (sender != NULL)
                *sender = from;
            return r;
        }
        if (bounded) { /* a kernel's message: wait out what is left */
            uint64_t now = sys_time();
            if (now >= deadline)
                return ERR_TIMEOUT;
            timeout_ns = deadline - now;
        }
    }
}

void sleep_ms(uint32_t ms)
{
    sys_sleep((uint64_t)ms * NS_PER_MS);
}

void print_error(const char *program, const char *what, int32_t err)
{
    printf("%s: %s: %s (%d)\n", program, what, abi_error_name(err), (int)err);
}
