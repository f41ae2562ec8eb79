/*
 * sleeper <ms> - sleeps <ms> milliseconds, then prints
 *   sleeper: slept <elapsed> ms
 * where <elapsed> is the node time that passed (SYS_TIME), in whole ms.
 */
#include "nimbus.h"

int main(int argc, char **argv)
{
    uint32_t ms;
    if (argc != 1 || parse_u32(argv[0], &ms) != 0) {
        printf("usage: sleeper <ms>\n");
        return 2;
    }
    uint64_t start = sys_time();
    int32_t r = sys_sleep((uint64_t)ms * NS_PER_MS);
    uint64_t elapsed_ns = sys_time() - start;
    if (r < 0) {
        print_error("sleeper", "sleep", r);
        return 1;
    }
    printf("sleeper: slept %llu ms\n", (unsigned long long)(elapsed_ns / NS_PER_MS));
    return 0;
}
