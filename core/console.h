/*
 * console.h - process console output. A process's console is the one of
 * its home node (the node it was born on) wherever it runs: output of a
 * migrated process travels home as CLUSTER_MSG_CONSOLE messages.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdint.h>

struct kernel;

/* Write text for process pid: on this node's console, or sent home. */
void console_write(struct kernel *k, uint32_t pid, const char *text, uint32_t len);

/* CLUSTER_MSG_CONSOLE arrived: pid (4), then the text. */
void console_on_message(struct kernel *k, const uint8_t *payload, uint32_t len);

#endif
