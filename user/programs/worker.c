/*
 * worker <iterations> - a CPU-bound, deterministic load: each iteration
 * mixes a 64-word buffer with multiplies and divides (about 850
 * instructions with clang 14 -O2). Prints
 *   worker n<node>.<local>: checksum <8 hex digits> after <iterations> iterations
 * and exits 0; the checksum depends only on <iterations>.
 */
#include "nimbus.h"

#define WORDS 64u

static uint32_t buffer[WORDS];

/* One unit of work: an FNV-style pass over the buffer with a divide per
 * word, feeding each result back into the buffer. */
static uint32_t work_unit(uint32_t h)
{
    for (uint32_t j = 0; j < WORDS; j++) {
        h = (h ^ buffer[j]) * 16777619u;
        h += h / ((buffer[j] & 0xFFu) | 1u);
        buffer[j] = h ^ (h >> 15);
    }
    return h;
}

int main(int argc, char **argv)
{
    uint32_t iterations;
    if (argc != 1 || parse_u32(argv[0], &iterations) != 0) {
        printf("usage: worker <iterations>\n");
        return 2;
    }
    uint32_t seed = 12345u;
    for (uint32_t j = 0; j < WORDS; j++) {
        seed = seed * 1103515245u + 12345u;
        buffer[j] = seed;
    }
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < iterations; i++)
        h = work_unit(h);
    printf("worker " PID_FMT ": checksum %08x after %u iterations\n", PID_ARGS(sys_getpid()), h, iterations);
    return 0;
}
