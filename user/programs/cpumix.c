/*
 * cpumix [rounds] - the CPU benchmark mix (cpumix_work.h): runs `rounds`
 * rounds (default 1) of sorting, CRC-32, matrix multiply, linked lists
 * and a state machine, prints one line of checksums, exits 0 (2 on a bad
 * argument). The native build (bench/cpumix_native.c) prints the same line.
 */
#include "cpumix_work.h"
#include "nimbus.h"

int main(int argc, char **argv)
{
    uint32_t rounds = 1;
    if (argc > 1 || (argc == 1 && parse_u32(argv[0], &rounds) != 0)) {
        printf("usage: cpumix [rounds]\n");
        return 2;
    }
    struct cpumix_result r;
    cpumix_run(rounds, &r);
    char line[CPUMIX_REPORT_BYTES];
    cpumix_report(&r, line);
    printf("%s\n", line);
    return 0;
}
