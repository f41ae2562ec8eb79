/*
 * exit_notice.h - a child's end told to its parent on another node, until
 * the parent's node says it has it. The notice travels as a DELIVER of
 * kind CHILD_EXIT (ipc.c) with a send id, so the node that delivers it
 * answers; until then this node keeps it, and sends it again when the
 * session it went over resets (the transport drops what it had queued)
 * or no answer came within EXIT_NOTICE_RETRY_NS, EXIT_NOTICE_TRIES times
 * at most. A parent takes only the first word about a child, so a notice
 * that arrives twice does no harm. Without this, a notice queued for a
 * node that was only paused was lost with the session, and the parent
 * waited for ever (or was told the child lost).
 */
#ifndef CORE_EXIT_NOTICE_H
#define CORE_EXIT_NOTICE_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

/* Tell `parent`, wherever it runs, that `child` ended with `status`. */
void exit_notice_send(struct kernel *k, uint32_t parent, uint32_t child, int32_t status);
/* The answer to send id `send_id` came: true when it was a notice's. */
bool exit_notice_on_result(struct kernel *k, uint32_t send_id, int32_t status);
/* The session with `node` reset: notices that went that way go again. */
void exit_notice_on_peer_reset(struct kernel *k, uint16_t node);
void exit_notice_on_timer(struct kernel *k);
uint64_t exit_notice_next_deadline(const struct kernel *k);
void exit_notice_destroy(struct kernel *k);

#endif
