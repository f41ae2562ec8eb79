/*
 * liveness.h - watching the peers this node depends on, even when it has
 * nothing to say to them. A node learns that a peer died only when the
 * transport gives up on something sent to it (TRANSPORT_SUSPECT_TIMEOUT_NS
 * of silence), so a parent whose child runs on a node nobody talks to
 * would wait for ever. Every LIVENESS_PROBE_PERIOD_NS this node sends a
 * PROBE, an empty reliable message, to each node where it believes a
 * child of one of its processes runs, and, as a home, to each node where
 * a process born here went, to which nothing is on its way: a dead or
 * cut-off peer is then declared unreachable by the transport's usual
 * rule, and ipc_on_peer_reset has the processes there followed (a parent
 * may not know where its child went; the child's home does). A child
 * believed at its home whose home has booted since its birth (a restart
 * this node had no session to see, or its own) is followed too. A node with
 * no child or emigrant anywhere asks for no wake-up: after such a pause the
 * first probe goes out at the next timer (the period is a bound, not a
 * phase).
 */
#ifndef CORE_LIVENESS_H
#define CORE_LIVENESS_H

#include <stdint.h>

struct kernel;

void liveness_init(struct kernel *k);
void liveness_on_timer(struct kernel *k);
/* Probe `node` unless something is already on its way there: the
 * transport watches a peer for as long as it waits for an answer, and
 * declares it unreachable after TRANSPORT_SUSPECT_TIMEOUT_NS of silence. */
void liveness_probe(struct kernel *k, uint16_t node);
uint64_t liveness_next_deadline(const struct kernel *k);

#endif
