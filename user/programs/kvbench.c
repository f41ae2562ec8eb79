/*
 * kvbench CLIENTS PUTS SIZE - start CLIENTS kvput processes, each putting
 * PUTS values of SIZE bytes under its own prefix, wait for all, and print
 * "kvbench: C clients, N puts of S bytes in T us: R puts/s" (simulated
 * time of the node running kvbench).
 */
#include "nimbus.h"

#define KVBENCH_CLIENTS_MAX 32u /* a process has at most 32 children */

int main(int argc, char **argv)
{
    uint32_t clients, puts, size;
    if (argc != 3 || parse_u32(argv[0], &clients) != 0 || parse_u32(argv[1], &puts) != 0 ||
        parse_u32(argv[2], &size) != 0 || clients == 0 || clients > KVBENCH_CLIENTS_MAX) {
        printf("usage: kvbench CLIENTS(1..32) PUTS SIZE\n");
        return 1;
    }
    uint64_t start = sys_time();
    char prefix[16];
    for (uint32_t c = 0; c < clients; c++) {
        snprintf(prefix, sizeof prefix, "c%u/", c);
        const char *args[] = {prefix, argv[1], argv[2], "quiet"};
        int32_t pid = spawn("kvput", 4, args);
        if (pid < 0) {
            print_error("kvbench", "spawn", pid);
            return 2;
        }
    }
    uint32_t failed = 0;
    for (uint32_t c = 0; c < clients; c++) {
        int32_t status;
        if (sys_wait(0, &status, ABI_TIMEOUT_FOREVER) < 0 || status != 0)
            failed++;
    }
    uint64_t took_us = (sys_time() - start) / NS_PER_US;
    uint64_t total = (uint64_t)clients * puts;
    printf("kvbench: %u clients, %u puts of %u bytes in %u us: %u puts/s%s\n", clients, (unsigned)total, size,
           (unsigned)took_us, (unsigned)(took_us > 0 ? total * 1000000u / took_us : 0),
           failed > 0 ? " (some clients failed)" : "");
    return failed > 0 ? 2 : 0;
}
