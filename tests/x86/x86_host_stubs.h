/*
 * x86_host_stubs.h - what the x86 kernel files under host test call
 * outside themselves: the serial port becomes a buffer the tests read,
 * the screen is dropped, and the self-test names are a fixed set.
 */
#ifndef TESTS_X86_HOST_STUBS_H
#define TESTS_X86_HOST_STUBS_H

#include <stddef.h>

/* Everything "written to the serial port" since the last reset, NUL-terminated. */
const char *stub_serial_text(void);
void stub_serial_reset(void);

#endif
