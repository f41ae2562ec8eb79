/*
 * collatz - a researcher's own workload, built outside the tree
 * (tests/outside/CMakeLists.txt): "collatz N" finds the number below N
 * with the longest Collatz sequence and prints it with its pid.
 */
#include "nimbus.h"

static uint32_t collatz_steps(uint64_t n)
{
    uint32_t steps = 0;
    while (n != 1) {
        n = (n & 1u) ? 3u * n + 1u : n / 2u;
        steps++;
    }
    return steps;
}

int main(int argc, char **argv)
{
    uint32_t limit = 0;
    if (argc != 1 || parse_u32(argv[0], &limit) != 0 || limit < 2) {
        printf("usage: collatz N (N >= 2)\n");
        return 2;
    }
    uint32_t best = 1, best_steps = 0;
    for (uint32_t n = 1; n < limit; n++) {
        uint32_t steps = collatz_steps(n);
        if (steps > best_steps) {
            best = n;
            best_steps = steps;
        }
    }
    printf("collatz " PID_FMT ": below %u, %u takes the most steps: %u\n", PID_ARGS(sys_getpid()), limit, best,
           best_steps);
    return 0;
}
