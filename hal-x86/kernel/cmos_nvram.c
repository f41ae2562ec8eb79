/* cmos_nvram.c - see cmos_nvram.h. */
#include "cmos_nvram.h"

#include "hal/hal_nvram.h"
#include "io.h"

#define CMOS_INDEX 0x70u
#define CMOS_DATA 0x71u
#define CMOS_NMI_DISABLE 0x80u /* bit 7 of the index: left clear, NMIs stay on */
_Static_assert(CMOS_NVRAM_BYTES == 2u + 4u * HAL_NVRAM_WORDS, "a mark, the words and a checksum");
_Static_assert(CMOS_NVRAM_BASE + CMOS_NVRAM_BYTES <= CMOS_NMI_DISABLE, "inside the first CMOS bank");

static uint8_t cmos_get(uint32_t offset)
{
    outb(CMOS_INDEX, (uint8_t)(CMOS_NVRAM_BASE + offset));
    return inb(CMOS_DATA);
}

static void cmos_put(uint32_t offset, uint8_t v)
{
    outb(CMOS_INDEX, (uint8_t)(CMOS_NVRAM_BASE + offset));
    outb(CMOS_DATA, v);
}

static uint8_t checksum(const uint8_t *bytes)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i + 1u < CMOS_NVRAM_BYTES; i++)
        sum = (uint8_t)(sum + bytes[i]);
    return sum;
}

/* The whole block; zero words when it does not hold ours. */
static void load(uint8_t bytes[CMOS_NVRAM_BYTES])
{
    for (uint32_t i = 0; i < CMOS_NVRAM_BYTES; i++)
        bytes[i] = cmos_get(i);
    if (bytes[0] != CMOS_NVRAM_MARK || bytes[CMOS_NVRAM_BYTES - 1u] != checksum(bytes)) {
        for (uint32_t i = 0; i < CMOS_NVRAM_BYTES; i++)
            bytes[i] = 0;
        bytes[0] = CMOS_NVRAM_MARK;
    }
}

uint32_t cmos_nvram_read(uint32_t word)
{
    if (word >= HAL_NVRAM_WORDS)
        return 0;
    uint8_t bytes[CMOS_NVRAM_BYTES];
    load(bytes);
    const uint8_t *w = bytes + 1u + 4u * word;
    return (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
}

void cmos_nvram_write(uint32_t word, uint32_t value)
{
    if (word >= HAL_NVRAM_WORDS)
        return;
    uint8_t bytes[CMOS_NVRAM_BYTES];
    load(bytes);
    uint8_t *w = bytes + 1u + 4u * word;
    for (uint32_t i = 0; i < 4u; i++)
        w[i] = (uint8_t)(value >> (8u * i));
    bytes[CMOS_NVRAM_BYTES - 1u] = checksum(bytes);
    for (uint32_t i = 0; i < CMOS_NVRAM_BYTES; i++)
        cmos_put(i, bytes[i]);
}
