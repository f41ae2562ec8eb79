/*
 * rng.c - see rng.h. splitmix64 and xoshiro256** are the public-domain
 * algorithms of Steele, Lea, Flood, Blackman and Vigna, written from their
 * published definitions.
 */
#include "rng.h"

uint64_t rng_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, unsigned k) { return (x << k) | (x >> (64 - k)); }

void rng_init(struct rng *r, uint64_t seed, uint32_t purpose, uint64_t index)
{
    /* Mix the three parts one after another, each through a full splitmix
     * step, so nearby seeds, purposes and indexes give unrelated streams. */
    uint64_t x = seed;
    uint64_t h = rng_splitmix64(&x);
    x = h ^ ((uint64_t)purpose * 0xD1B54A32D192ED03ull);
    h = rng_splitmix64(&x);
    x = h ^ index;
    h = rng_splitmix64(&x);
    x = h;
    for (int i = 0; i < 4; i++)
        r->s[i] = rng_splitmix64(&x);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1; /* the one state xoshiro cannot leave */
}

uint64_t rng_next_u64(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t rng_next_u32(struct rng *r) { return (uint32_t)(rng_next_u64(r) >> 32); }

uint64_t rng_below(struct rng *r, uint64_t bound)
{
    /* Reject the lowest (2^64 mod bound) values so every residue is
     * equally likely. */
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t x = rng_next_u64(r);
        if (x >= threshold)
            return x % bound;
    }
}

uint64_t rng_upto(struct rng *r, uint64_t max)
{
    if (max == UINT64_MAX)
        return rng_next_u64(r);
    return rng_below(r, max + 1);
}

bool rng_chance_u32(struct rng *r, uint32_t p_u32)
{
    /* Always draw, so that changing a loss rate does not shift the
     * numbers every later draw sees. */
    return rng_next_u32(r) < p_u32;
}
