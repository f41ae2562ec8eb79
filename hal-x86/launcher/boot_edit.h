/*
 * boot_edit.h - the line nimbus boot's user types on, when stdin and
 * stdout are a terminal: libedit (BSD licence) gives it line editing
 * (arrows, Ctrl-A/E/K/W, ...) and a history (Up, Down, Ctrl-R), behind
 * the prompt BOOT_EDIT_PROMPT. It runs inside nimbus's poll loop, one
 * key at a time (libedit's unbuffered mode), so the nodes' output never
 * waits for the user.
 *
 * While the line is on the screen, whatever nimbus prints must first take
 * it off (boot_edit_hide: boot_say, boot_warn and the consoles do) and,
 * once the output is out, put it back (boot_edit_show, before the loop
 * waits). Without a terminal none of this is active and every call does
 * nothing: input is read a plain line at a time (boot_input.c).
 */
#ifndef HAL_X86_HOST_BOOT_EDIT_H
#define HAL_X86_HOST_BOOT_EDIT_H

#include <stdbool.h>

#define BOOT_EDIT_PROMPT "nimbus boot> "
#define BOOT_EDIT_HISTORY 500 /* lines kept */

/* Start the editor if stdin and stdout are a terminal: true if it runs. */
bool boot_edit_start(void);

/* True while the editor runs. */
bool boot_edit_active(void);

typedef void boot_edit_line_fn(void *ctx, const char *line);

/* stdin is readable: take one key. A finished line goes into the history
 * and to fn. False at the end of input (Ctrl-D on an empty line, or stdin
 * closed); the editor has then ended. */
bool boot_edit_read(boot_edit_line_fn *fn, void *ctx);

/* Take the line being typed off the screen, if it is on it. */
void boot_edit_hide(void);

/* Put it back, if it was taken off. */
void boot_edit_show(void);

/* Take the line off the screen and give the terminal back as it was. */
void boot_edit_end(void);

#endif
