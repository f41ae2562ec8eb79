/*
 * kprint.h - formatted text for the platform: to the kernel console (the
 * serial port and the screen) and into buffers.
 *
 * Formats: %d %i %u %x %X %c %s %p %%, with flags '-' and '0', a width,
 * and the length modifiers l, ll and z. No floating point.
 */
#ifndef HAL_X86_KPRINT_H
#define HAL_X86_KPRINT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* To every console sink (serial, and the screen once it is up). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
void kputs_n(const char *text, size_t len);

/* Whether the console sinks include the screen: off until screen_init has
 * run, and off again when a fault during a panic may be the screen's. */
void kprint_use_screen(bool on);

#endif
