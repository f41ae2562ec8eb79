/*
 * greet - the SDK's example program: greets its first argument (or
 * "world") with its own pid and the sum 1 + 2 + ... + 1000, then exits 0.
 */
#include "nimbus.h"

int main(int argc, char **argv)
{
    uint32_t sum = 0;
    for (uint32_t i = 1; i <= 1000; i++)
        sum += i;
    printf("hello %s from " PID_FMT ", sum %u\n", argc > 0 ? argv[0] : "world", PID_ARGS(sys_getpid()),
           (unsigned)sum);
    return 0;
}
