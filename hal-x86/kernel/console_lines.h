/*
 * console_lines.h - what processes write, cut into lines on the kernel
 * console in the simulator's format (hal-sim/sim_console.c):
 *   [   12.345678 ms] n0.1: text
 * stamped with the time the line began. Each process's unfinished line
 * waits until its newline, its end (console_lines_flush) or until it
 * grows past CONSOLE_LINE_BYTES.
 */
#ifndef HAL_X86_CONSOLE_LINES_H
#define HAL_X86_CONSOLE_LINES_H

#include <stdint.h>

#define CONSOLE_LINE_BYTES 256u

void console_lines_write(uint16_t node, uint64_t now_ns, uint32_t pid, const char *text, uint32_t len);

/* Write out pid's unfinished line, if it has one. */
void console_lines_flush(uint16_t node, uint32_t pid);

#endif
