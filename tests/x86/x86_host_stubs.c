/* x86_host_stubs.c - see x86_host_stubs.h. */
#include "x86_host_stubs.h"

#include <stdbool.h>
#include <string.h>

#define SERIAL_CAPTURE_BYTES 65536u

static char serial_text[SERIAL_CAPTURE_BYTES];
static size_t serial_len;

const char *stub_serial_text(void)
{
    return serial_text;
}

void stub_serial_reset(void)
{
    serial_len = 0;
    serial_text[0] = '\0';
}

/* serial.h */
void serial_write(const char *text, size_t len)
{
    if (len > sizeof serial_text - 1 - serial_len)
        len = sizeof serial_text - 1 - serial_len;
    memcpy(serial_text + serial_len, text, len);
    serial_len += len;
    serial_text[serial_len] = '\0';
}

/* screen.h */
void screen_write(const char *text, size_t len)
{
    (void)text;
    (void)len;
}

/* shell.h */
void shell_before_output(void)
{
}

/* node_selftest.h */
bool node_selftest_known(const char *name)
{
    return strcmp(name, "exit:7") == 0 || strcmp(name, "fault") == 0;
}
