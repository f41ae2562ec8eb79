/*
 * memtouch <kib> <rounds> <hot pages> - a process with a large working
 * set that keeps writing a few pages of it: migration's pre-copy test
 * and benchmark load.
 *
 * Fills the first <kib> KiB (at most 1024) of a 1 MiB buffer, then for
 * each of <rounds> rounds rewrites 64 words in each of the first <hot
 * pages> pages, and finally folds the whole buffer into a checksum that
 * depends only on the arguments. Prints
 *   memtouch n<node>.<local>: checksum <8 hex digits>
 * and exits 0. Bad arguments (exit 2):
 *   usage: memtouch <kib 1..1024> <rounds> <hot pages>
 */
#include "nimbus.h"

#define MAX_KIB 1024u
#define WORDS_PER_PAGE 1024u
#define WORDS_PER_TOUCH 64u

static uint32_t buffer[MAX_KIB * 256u];

static void fill(uint32_t words)
{
    for (uint32_t i = 0; i < words; i++)
        buffer[i] = (i * 2654435761u) ^ 0x9e3779b9u;
}

/* One round: 64 words of each hot page, at an offset that moves with
 * the round, mixed with a running hash. */
static uint32_t touch(uint32_t round, uint32_t hot, uint32_t h)
{
    uint32_t at = (round % (WORDS_PER_PAGE / WORDS_PER_TOUCH)) * WORDS_PER_TOUCH;
    for (uint32_t p = 0; p < hot; p++) {
        uint32_t *w = &buffer[p * WORDS_PER_PAGE + at];
        for (uint32_t i = 0; i < WORDS_PER_TOUCH; i++) {
            h = (h ^ w[i]) * 16777619u;
            w[i] = h ^ (h >> 13);
        }
    }
    return h;
}

static uint32_t fold(uint32_t words, uint32_t h)
{
    for (uint32_t i = 0; i < words; i++)
        h = (h ^ buffer[i]) * 16777619u;
    return h;
}

int main(int argc, char **argv)
{
    uint32_t kib, rounds, hot;
    if (argc != 3 || parse_u32(argv[0], &kib) != 0 || parse_u32(argv[1], &rounds) != 0 ||
        parse_u32(argv[2], &hot) != 0 || kib == 0 || kib > MAX_KIB || hot > kib / 4u) {
        printf("usage: memtouch <kib 1..%u> <rounds> <hot pages>\n", MAX_KIB);
        return 2;
    }
    uint32_t words = kib * 256u, h = 2166136261u;
    fill(words);
    for (uint32_t r = 0; r < rounds; r++)
        h = touch(r, hot, h);
    printf("memtouch " PID_FMT ": checksum %08x\n", PID_ARGS(sys_getpid()), fold(words, h));
    return 0;
}
