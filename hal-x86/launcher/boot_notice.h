/*
 * boot_notice.h - the lines of a node's serial console that `nimbus boot`
 * acts on (the formats are agreed with the image, docs/x86.md):
 *   cumulonimbus: node <id> ready: ip <a.b.c.d> mac <xx:..:xx> nodes <n>[, ...]
 *   cumulonimbus: node <id> idle: every process exited (status <s>)
 *   cumulonimbus: PANIC: ...
 *   cumulonimbus: n<node>.<local> started ...       (a process began here)
 *   cumulonimbus: n<node>.<local> arrived from ...  (one migrated here)
 * and the shell's prompt (hal-x86/kernel/shell.h). A notice may follow a
 * prompt on the same line when the kernel speaks while the shell waits.
 */
#ifndef HAL_X86_HOST_BOOT_NOTICE_H
#define HAL_X86_HOST_BOOT_NOTICE_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_SHELL_PROMPT "nimbus> "
#define BOOT_NOTICE_PREFIX "cumulonimbus: "

enum boot_notice_kind {
    BOOT_NOTICE_NONE,
    BOOT_NOTICE_READY,
    BOOT_NOTICE_IDLE,
    BOOT_NOTICE_PANIC,
    BOOT_NOTICE_PROCESS, /* a process started or arrived on the node */
};

struct boot_notice {
    enum boot_notice_kind kind;
    uint32_t node;  /* READY, IDLE: the id the node gives itself */
    uint32_t nodes; /* READY */
    int32_t status; /* IDLE: 0 when every process exited 0 */
    char ip[16];    /* READY */
    char mac[18];   /* READY */
};

/* What one complete console line (no line end) says. */
enum boot_notice_kind boot_notice_parse(const char *line, struct boot_notice *out);

/* The line after any shell prompts at its start. */
const char *boot_notice_skip_prompts(const char *line);

/* True if the line starts with the shell's prompt. */
bool boot_notice_is_prompt(const char *line);

#endif
