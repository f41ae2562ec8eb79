/*
 * migrate.h - the Dispatcher: moving a running process to another node.
 *
 * The source freezes the process (stop-and-copy) or first copies its pages
 * while it runs (pre-copy, re-sending pages it dirties, freezing only for
 * the last round), serialises its whole state into a versioned,
 * checksummed image (procimage.h) and sends it in flow-controlled chunks
 * over the cluster transport. The target decodes it and holds the process
 * frozen and invisible ("arriving") while the source hands over the
 * messages that reached the frozen mailbox after the image was taken,
 * then says DONE, leaves a forwarding entry (location_on_departure) and
 * discards its copy; on DONE the target makes the process visible and
 * runs it. Until DONE the only way to the process is through the source,
 * so every sender's messages stay in order. If anything fails before DONE
 * — the target refuses, the image is corrupt, the peer resets, a deadline
 * passes — the process thaws and runs on at the source as if nothing
 * happened, and the target drops the copy that never ran.
 */
#ifndef CORE_MIGRATE_H
#define CORE_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct proc;

/* The Dispatcher's state is made on first use (migrate_state_get). */
void migrate_destroy(struct kernel *k);

/* Start moving p to `target`. 0, ERR_PINNED, ERR_BUSY (already moving, or
 * blocked in a remote send), ERR_INVALID (bad target), ERR_NO_MEMORY. */
int migrate_start(struct kernel *k, struct proc *p, uint16_t target);

/* Messages CLUSTER_MSG_MIGRATE_FIRST..LAST. */
void migrate_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                        uint32_t len);
/* Send what the transport has room for; time out stalled moves. */
void migrate_on_timer(struct kernel *k);
uint64_t migrate_next_deadline(const struct kernel *k);
/* The session with `node` reset: moves to or from it fail. `restarted`:
 * the peer lost its state, so a process whose handover to or from it was
 * cut short ran nowhere afterwards, and its parent is told it is lost. */
void migrate_on_peer_reset(struct kernel *k, uint16_t node, bool restarted);
/* `node` gave up messages it had sent here (ipc_on_peer_abandoned): its
 * moves here lost a piece or their HANDOVER DONE. */
void migrate_on_peer_abandoned(struct kernel *k, uint16_t node);
/* Process pid is exiting here: a move of it that is under way (pre-copy
 * runs the process while it copies; a frozen one cannot exit) ends now,
 * traced as migrate_abort (ERR_NO_PROCESS) before the exit, so the trace
 * never says the process ran on after its exit. */
void migrate_on_exit(struct kernel *k, uint32_t pid);
/* Whether a move of pid has taken its image: news of a child's end that
 * reaches this copy now is told again to the target when the move is done
 * (and stays here if it fails). */
bool migrate_image_taken(struct kernel *k, uint32_t pid);

#endif
