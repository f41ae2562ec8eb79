/* test_rng.c - the simulator's PRNG: reference values of splitmix64 and
 * xoshiro256**, independent streams, and bounded draws. */
#include <criterion/criterion.h>

#include "hal-sim/rng.h"

Test(rng, splitmix64_reference)
{
    uint64_t state = 0;
    cr_assert_eq(rng_splitmix64(&state), 0xE220A8397B1DCDAFull);
    cr_assert_eq(rng_splitmix64(&state), 0x6E789E6AA1B965F4ull);
}

Test(rng, xoshiro256starstar_reference)
{
    /* The reference implementation from state {1, 2, 3, 4}. */
    struct rng r = {.s = {1, 2, 3, 4}};
    cr_assert_eq(rng_next_u64(&r), 11520ull);
    cr_assert_eq(rng_next_u64(&r), 0ull);
    cr_assert_eq(rng_next_u64(&r), 1509978240ull);
    cr_assert_eq(rng_next_u64(&r), 1215971899390074240ull);
}

Test(rng, same_inputs_same_stream)
{
    struct rng a, b;
    rng_init(&a, 1234, RNG_PURPOSE_NODE, 5);
    rng_init(&b, 1234, RNG_PURPOSE_NODE, 5);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(rng_next_u64(&a), rng_next_u64(&b));
}

Test(rng, streams_differ_by_seed_purpose_and_index)
{
    struct rng r[5];
    rng_init(&r[0], 1, RNG_PURPOSE_NODE, 0);
    rng_init(&r[1], 2, RNG_PURPOSE_NODE, 0);
    rng_init(&r[2], 1, RNG_PURPOSE_NET, 0);
    rng_init(&r[3], 1, RNG_PURPOSE_NODE, 1);
    rng_init(&r[4], 0, RNG_PURPOSE_NODE, 0);
    uint64_t first[5];
    for (int i = 0; i < 5; i++)
        first[i] = rng_next_u64(&r[i]);
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            cr_assert_neq(first[i], first[j], "streams %d and %d", i, j);
}

Test(rng, below_stays_in_range_and_covers_it)
{
    struct rng r;
    rng_init(&r, 7, RNG_PURPOSE_NET, 0);
    unsigned seen[10] = {0};
    for (int i = 0; i < 100000; i++) {
        uint64_t x = rng_below(&r, 10);
        cr_assert_lt(x, 10);
        seen[x]++;
    }
    for (int i = 0; i < 10; i++) {
        cr_assert_gt(seen[i], 9000);
        cr_assert_lt(seen[i], 11000);
    }
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(rng_below(&r, 1), 0);
}

Test(rng, upto_is_inclusive)
{
    struct rng r;
    rng_init(&r, 7, RNG_PURPOSE_NET, 1);
    bool saw_max = false, saw_zero = false;
    for (int i = 0; i < 10000; i++) {
        uint64_t x = rng_upto(&r, 3);
        cr_assert_leq(x, 3);
        saw_max |= x == 3;
        saw_zero |= x == 0;
    }
    cr_assert(saw_max && saw_zero);
    cr_assert_eq(rng_upto(&r, 0), 0);
    (void)rng_upto(&r, UINT64_MAX);
}

Test(rng, chance_matches_probability)
{
    struct rng r;
    rng_init(&r, 99, RNG_PURPOSE_NET, 0);
    unsigned hits = 0;
    for (int i = 0; i < 100000; i++)
        hits += rng_chance_u32(&r, 1u << 30); /* 1/4 */
    cr_assert_gt(hits, 24000);
    cr_assert_lt(hits, 26000);
    for (int i = 0; i < 1000; i++)
        cr_assert(!rng_chance_u32(&r, 0));
}
