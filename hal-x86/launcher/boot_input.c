/* boot_input.c - see boot_state.h: what the user types on nimbus's stdin
 * goes to the nodes' consoles. */
#define _POSIX_C_SOURCE 200809L /* tcgetpgrp */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot_state.h"

static void boot_typed_line(struct boot_state *st, const char *line)
{
    struct boot_node_text t;
    char err[BOOT_ERROR_BYTES];
    if (line[strspn(line, " ")] == '\0')
        return;
    if (boot_args_typed(line, st->opt->nodes, &t, err, sizeof err) < 0) {
        boot_warn(
            "%s; type '<node>: <command>' or '*: <command>' ('help' lists the commands), Ctrl-C to stop",
            err);
        return;
    }
    for (uint32_t i = 0; i < st->opt->nodes; i++)
        if ((t.node == i || t.node == BOOT_ALL_NODES) && boot_console_send(&st->node[i].console, t.text) < 0)
            boot_warn("node %u's console is not connected", i);
}

void boot_input_read(struct boot_state *st)
{
    ssize_t n = read(STDIN_FILENO, st->typed + st->typed_len, sizeof st->typed - 1 - st->typed_len);
    if (n <= 0) {
        st->stdin_open = false; /* end of input: the nodes run on */
        return;
    }
    st->typed_len += (size_t)n;
    char *start = st->typed, *nl;
    while ((nl = memchr(start, '\n', st->typed_len - (size_t)(start - st->typed))) != NULL) {
        *nl = '\0';
        if (nl > start && nl[-1] == '\r')
            nl[-1] = '\0';
        boot_typed_line(st, start);
        start = nl + 1;
    }
    st->typed_len -= (size_t)(start - st->typed);
    memmove(st->typed, start, st->typed_len);
    if (st->typed_len == sizeof st->typed - 1) {
        boot_warn("typed line too long; dropped");
        st->typed_len = 0;
    }
}

/* nimbus reads commands from its stdin unless that is a terminal it does
 * not own (started in the background, reading would stop it). */
bool boot_input_usable(void)
{
    return !isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) == getpgrp();
}
