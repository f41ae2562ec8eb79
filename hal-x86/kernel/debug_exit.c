/* debug_exit.c - see debug_exit.h. */
#include "debug_exit.h"

#include "io.h"

#define DEBUG_EXIT_PORT 0xF4

void debug_exit(uint8_t status)
{
    outl(DEBUG_EXIT_PORT, status);
}
