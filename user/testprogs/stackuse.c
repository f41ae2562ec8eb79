/*
 * stackuse <kib> <rounds> - a process that uses <kib> KiB (1..128) of its
 * stack: the test of the stack's growth, its limit, and its moves.
 *
 * Puts a <kib> KiB array on the stack and fills it from the top down with
 * word stores 2 bytes off alignment, so the first store into each new
 * page straddles that page and the one above. Then, for each of <rounds>
 * rounds, rewrites 16 words of every page of the array (the pages a
 * pre-copy move must send again), and finally folds every word from the
 * array's bottom to the top of user space, the whole stack in use, into a
 * checksum that depends only on the arguments. Prints
 *   stackuse n<node>.<local>: checksum <8 hex digits>
 * and exits 0. Past 64 KiB the stack overflows, and the first store under
 * its limit is the one at the limit - 2. Bad arguments (exit 2):
 *   usage: stackuse <kib 1..128> <rounds>
 */
#include "nimbus.h"

#define MAX_KIB 128u
#define WORDS_PER_PAGE 1024u
#define WORDS_PER_TOUCH 16u
#define INLINE static inline __attribute__((always_inline))

/* One sw at any address, aligned or not (C would split a misaligned
 * store into bytes). */
INLINE void put_word(uintptr_t at, uint32_t v)
{
    __asm__ volatile("sw %0, 0(%1)" : : "r"(v), "r"(at) : "memory");
}

INLINE uint32_t get_word(uintptr_t at)
{
    return *(volatile const uint32_t *)at;
}

/* Inlined, like the rest, so that no call frame lands under the array
 * before the fill reaches it. */
INLINE void fill(uintptr_t base, uint32_t words)
{
    for (uint32_t i = words; i-- > 0;)
        put_word(base + 2u + 4u * i, (i * 2654435761u) ^ 0x9e3779b9u);
}

INLINE uint32_t touch(uintptr_t base, uint32_t words, uint32_t round, uint32_t h)
{
    uint32_t at = (round % (WORDS_PER_PAGE / WORDS_PER_TOUCH)) * WORDS_PER_TOUCH;
    for (uint32_t page = 0; page < words; page += WORDS_PER_PAGE) {
        for (uint32_t i = page + at; i < page + at + WORDS_PER_TOUCH && i < words; i++) {
            h = (h ^ get_word(base + 4u * i)) * 16777619u;
            put_word(base + 4u * i, h ^ (h >> 13));
        }
    }
    return h;
}

INLINE uint32_t fold(uintptr_t from, uint32_t h)
{
    for (uintptr_t w = from; w < ABI_USER_TOP; w += 4u)
        h = (h ^ get_word(w)) * 16777619u;
    return h;
}

static __attribute__((noinline)) uint32_t use_stack(uint32_t words, uint32_t rounds)
{
    uint32_t array[words + 1u]; /* one word more: the stores sit 2 bytes up */
    uintptr_t base = (uintptr_t)array;
    fill(base, words);
    uint32_t h = 2166136261u;
    for (uint32_t r = 0; r < rounds; r++)
        h = touch(base, words, r, h);
    return fold(base, h);
}

int main(int argc, char **argv)
{
    uint32_t kib, rounds;
    if (argc != 2 || parse_u32(argv[0], &kib) != 0 || parse_u32(argv[1], &rounds) != 0 || kib == 0 ||
        kib > MAX_KIB) {
        printf("usage: stackuse <kib 1..%u> <rounds>\n", MAX_KIB);
        return 2;
    }
    uint32_t sum = use_stack(kib * 256u, rounds);
    printf("stackuse " PID_FMT ": checksum %08x\n", PID_ARGS(sys_getpid()), sum);
    return 0;
}
