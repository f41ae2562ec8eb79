/* boot_input.c - see boot_state.h: what the user types on nimbus's stdin
 * goes to the nodes' consoles: through the line editor (boot_edit.h) when
 * stdin is a terminal, else a plain line at a time (scripts, tests). */
#define _POSIX_C_SOURCE 200809L /* tcgetpgrp */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot_edit.h"
#include "boot_env.h"
#include "boot_state.h"

#define BOOT_TYPING_HINT "type '<node>: <command>' or '*: <command>' ('help' lists the commands)"

/* Bare 'help': how to type, then the shell's own list from the first node
 * that is connected (its answer is shown like any other). */
static void boot_help(struct boot_state *st)
{
    boot_say("'<node>: <command>' types a command into node <node>'s shell, '*: <command>' into every "
             "node's; Ctrl-C stops every node");
    for (uint32_t i = 0; i < st->opt->nodes; i++)
        if (boot_console_send(&st->node[i].console, "help", boot_now_ms()) == 0) {
            boot_say("the shell's commands (node %u's 'help'):", i);
            return;
        }
    boot_say("no node's console is connected yet to list the shell's commands");
}

static void boot_typed_line(void *ctx, const char *line)
{
    struct boot_state *st = ctx;
    struct boot_node_text t;
    char err[BOOT_ERROR_BYTES];
    const char *word = line + strspn(line, " ");
    if (*word == '\0')
        return;
    if (strncmp(word, "help", 4) == 0 && word[4 + strspn(word + 4, " ")] == '\0') {
        boot_help(st);
        return;
    }
    if (boot_args_typed(line, st->opt->nodes, &t, err, sizeof err) < 0) {
        boot_warn("%s; " BOOT_TYPING_HINT ", Ctrl-C to stop", err);
        return;
    }
    for (uint32_t i = 0; i < st->opt->nodes; i++)
        if ((t.node == i || t.node == BOOT_ALL_NODES) &&
            boot_console_send(&st->node[i].console, t.text, boot_now_ms()) < 0)
            boot_warn("node %u's console is not connected", i);
}

static void boot_input_plain(struct boot_state *st)
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

void boot_input_read(struct boot_state *st)
{
    if (!boot_edit_active()) {
        boot_input_plain(st);
        return;
    }
    if (!boot_edit_read(boot_typed_line, st)) {
        st->stdin_open = false;
        boot_say("end of input: the nodes run on; Ctrl-C stops every node");
    }
}

/* nimbus reads commands from its stdin unless that is a terminal it does
 * not own (started in the background, reading would stop it). */
bool boot_input_usable(void)
{
    return !isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) == getpgrp();
}
