/*
 * entropy.h - random bits for the core (hal_random.h): RDRAND where the
 * CPU has it, otherwise a mixer stirred by the time stamp counter, whose
 * low bits vary with every interrupt and device delay since power-on.
 */
#ifndef HAL_X86_ENTROPY_H
#define HAL_X86_ENTROPY_H

#include <stdbool.h>
#include <stdint.h>

void entropy_init(void);
uint32_t entropy_u32(void);
bool entropy_has_rdrand(void);

#endif
