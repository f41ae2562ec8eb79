/*
 * boot_console.h - one node's serial console (COM1) as nimbus sees it:
 * a unix socket nimbus listens on and the node's QEMU connects to. What
 * the node writes goes, as it comes, into node<i>.log (without the
 * serial line's carriage returns), and line by line onto the screen as
 * "n<i>| <line>". A line still unfinished after BOOT_PARTIAL_SHOW_MS (the
 * shell's prompt, a program printing without a newline) is shown as it
 * stands. Typed commands go back to the node ending in a carriage return,
 * as a terminal's Enter key sends.
 *
 * A command's answer is shown whole: from the moment a command is typed
 * until the shell's prompt comes back after it (or BOOT_ANSWER_HOLD_MS
 * passed), the node's lines are held and then shown together, so the
 * answers of several nodes to '*: <command>' do not interleave.
 */
#ifndef HAL_X86_HOST_BOOT_CONSOLE_H
#define HAL_X86_HOST_BOOT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BOOT_LINE_BYTES 4096u /* a longer line is cut into pieces */
#define BOOT_PARTIAL_SHOW_MS 300u
#define BOOT_ANSWER_HOLD_MS 2000u
#define BOOT_ANSWER_BYTES 16384u /* more is shown in pieces of this size */
#define BOOT_ENTER "\r"
_Static_assert(BOOT_ANSWER_BYTES >= BOOT_LINE_BYTES + 16, "a held answer takes at least a whole line");

struct boot_console {
    uint32_t node;
    int listen_fd; /* until the QEMU connects; -1 after */
    int fd;        /* the connection; -1 before, and after the QEMU closed it */
    FILE *log;
    bool log_failed;
    char line[BOOT_LINE_BYTES];
    size_t len;   /* bytes in line */
    size_t shown; /* of them already on the screen */
    uint64_t last_byte_ms;
    bool holding;      /* a typed command's answer is being held */
    bool answer_begun; /* a line has ended since the command was typed */
    uint64_t hold_until_ms;
    char held[BOOT_ANSWER_BYTES];
    size_t held_len;
};

/* Called with the node's current line: complete (its newline came) or the
 * part so far. `line` is NUL-terminated and has no line end. */
typedef void boot_console_line_fn(void *ctx, uint32_t node, const char *line, bool complete);

/* Listen at sock_path, write the log at log_path. 0, or -1 with err. */
int boot_console_open(struct boot_console *c, uint32_t node, const char *sock_path, const char *log_path,
                      char *err, size_t err_bytes);

/* The listening socket is readable: take the QEMU's connection. */
void boot_console_accept(struct boot_console *c);

/* The connection is readable: log, show and pass on what came. False when
 * the QEMU closed it. */
bool boot_console_read(struct boot_console *c, boot_console_line_fn *fn, void *ctx, uint64_t now_ms,
                       FILE *out);

/* Show the unfinished line if it has waited long enough, and a held
 * answer whose prompt has not come in time; the time until either is
 * due, in ms, or -1 if nothing waits. */
int64_t boot_console_show_partial(struct boot_console *c, uint64_t now_ms, FILE *out);

/* True when every byte received is on the screen (no line or answer waits). */
bool boot_console_settled(const struct boot_console *c);

/* Type `command` and Enter at now_ms, and hold its answer. 0, or -1 when
 * the node is not connected or its input is full. */
int boot_console_send(struct boot_console *c, const char *command, uint64_t now_ms);

/* Show what is left of the line and close everything. -1 if the log could
 * not be written completely. */
int boot_console_close(struct boot_console *c, FILE *out);

#endif
