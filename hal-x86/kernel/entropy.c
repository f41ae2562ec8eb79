/* entropy.c - see entropy.h. */
#include "entropy.h"

#include "cpu.h"

#define CPUID_FEATURES 1u
#define CPUID_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES 10 /* Intel's advice: a few failures in a row are normal */

static bool has_rdrand;
static uint64_t mix_state;

void entropy_init(void)
{
    uint32_t eax = CPUID_FEATURES, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    has_rdrand = (ecx & CPUID_ECX_RDRAND) != 0;
    mix_state = cpu_rdtsc();
}

bool entropy_has_rdrand(void)
{
    return has_rdrand;
}

static bool rdrand32(uint32_t *out)
{
    for (int i = 0; i < RDRAND_RETRIES; i++) {
        uint32_t v;
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
        if (ok) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* SplitMix64's output function over a state advanced by the TSC. */
static uint32_t mix_u32(void)
{
    mix_state += 0x9E3779B97F4A7C15ull + (cpu_rdtsc() << 17);
    uint64_t z = mix_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

uint32_t entropy_u32(void)
{
    uint32_t v;
    if (has_rdrand && rdrand32(&v))
        return v;
    return mix_u32();
}
