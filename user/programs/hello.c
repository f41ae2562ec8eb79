/*
 * hello - prints "hello from n<node>.<local>" with its own pid, exits 0.
 */
#include "nimbus.h"

int main(void)
{
    printf("hello from " PID_FMT "\n", PID_ARGS(sys_getpid()));
    return 0;
}
