/* boot_say.c - see boot_state.h: nimbus's own lines among the consoles'
 * lines, and how the run ends. */
#define _POSIX_C_SOURCE 200809L /* sigset_t, PATH_MAX in boot_state.h */
#include <stdarg.h>
#include <stdio.h>

#include "boot_edit.h"
#include "boot_state.h"

void boot_say(const char *fmt, ...)
{
    va_list ap;
    boot_edit_hide();
    va_start(ap, fmt);
    fputs("nimbus boot: ", stdout);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

void boot_warn(const char *fmt, ...)
{
    va_list ap;
    boot_edit_hide();
    fflush(stdout);
    va_start(ap, fmt);
    fputs("nimbus boot: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void boot_fail(struct boot_state *st, int outcome)
{
    if (st->outcome == BOOT_RUNNING)
        st->outcome = outcome;
}
