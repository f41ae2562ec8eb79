/* debug_exit.h - end QEMU with a status through the isa-debug-exit device
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04): QEMU exits with
 * (status << 1) | 1. On a machine without the device this returns and the
 * caller halts. */
#ifndef HAL_X86_DEBUG_EXIT_H
#define HAL_X86_DEBUG_EXIT_H

#include <stdint.h>

void debug_exit(uint8_t status);

#endif
