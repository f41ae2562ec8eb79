/*
 * location.h - where processes run now (the Transmitter's cache).
 *
 * A pid names its home node forever; a process may run elsewhere. Each
 * node keeps one table of pid -> node:
 *  - authoritative entries: on a process's home node, where it went; on a
 *    node it left, where it went (a forwarding entry). Removed when the
 *    process comes back or exits; never evicted.
 *  - cached entries: learnt from answers to sends; evicted oldest first
 *    when LOCATION_CACHE_SIZE is reached.
 * A pid with no entry is looked for on its home node.
 */
#ifndef CORE_LOCATION_H
#define CORE_LOCATION_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct proc;

int location_init(struct kernel *k);
void location_destroy(struct kernel *k);
/* Bytes the table holds (kernel_memory). */
uint32_t location_memory_bytes(const struct kernel *k);

/* The node to send to for `pid`: this node if the process is here, else
 * the best knowledge (entry or home node). */
uint16_t location_lookup(struct kernel *k, uint32_t pid);

/* A hint from the answer to a send: pid was on `node` after `moves` moves. */
void location_learn(struct kernel *k, uint32_t pid, uint16_t node, uint32_t moves);
void location_forget(struct kernel *k, uint32_t pid);

/* The source side of a finished move: p has gone to `target`. Leaves a
 * forwarding entry here (the target tells p's home once it runs p). Call
 * before discarding p. */
void location_on_departure(struct kernel *k, const struct proc *p, uint16_t target);

/* The target side of a finished move: p (now adopted here) came from
 * `source`. Counts the move, tells the home node, and sends ABI_NOTE_MOVED
 * to p itself, its parent and its children. */
void location_on_arrival(struct kernel *k, struct proc *p, uint16_t source);

/* A process born elsewhere exited here: tell its home to forget it. */
void location_on_exit(struct kernel *k, uint32_t pid);

/* Whether this node is home for `pid` and knows it runs elsewhere (an
 * authoritative entry): its local number is still taken. */
bool location_is_home_of(struct kernel *k, uint32_t pid);

/* The session with node `home` reset: it restarted and forgot where its
 * emigrants are, or news of them queued for it was dropped. Tell it of
 * every process here that was born there (re-registration). */
void location_on_home_reset(struct kernel *k, uint16_t home);

/* Why a process is suspected lost on a node. */
enum location_suspicion {
    LOCATION_SILENT,    /* believed there; the node fell silent (declared dead) */
    LOCATION_RESTARTED, /* believed there; the node restarted */
    LOCATION_HANDOVER,  /* handed over there; the node restarted before acknowledging */
};

/* pid (child of parent_pid) was last known on `node`, and `node`
 * restarted or fell silent. That knowledge may be stale: the process may
 * have moved on or exited before, the news of it still on its way to
 * pid's home; and a silent node may only be paused or cut off. So
 * LOCATION_VERDICT_NS later the process is followed from its home
 * (WHEREIS, location_verdict.c): lost, and its parent told, when a node
 * it leads to does not know it or stays silent. A handover: `moves` is the
 * process's move count there (lost unless the home heard of a later move
 * or the exit; traced MIGRATE_LOST); a belief does not use it. A pid
 * already followed is not again. parent_pid 0: not known here (learnt
 * from the home's answer; if the home knows none, nobody is told). */
void location_suspect_lost(struct kernel *k, uint32_t pid, uint32_t parent_pid, uint16_t node, uint32_t moves,
                           enum location_suspicion why);
/* Node `node` restarted or fell silent: the processes born here that
 * went there are suspected (their parents are known here). A restart
 * also has the processes this node forwards there followed: the news of
 * the move there may have died with that node before it reached the
 * home, which then believes the process here. */
void location_on_node_lost(struct kernel *k, uint16_t node, bool restarted);
/* Call probe() for the node of every process born here that ran
 * elsewhere last (liveness.c watches them); whether there is one. */
void location_probe_emigrants(struct kernel *k, void (*probe)(struct kernel *k, uint16_t node));
bool location_has_emigrants(const struct kernel *k);
void location_on_timer(struct kernel *k);
uint64_t location_next_deadline(const struct kernel *k);

/* CLUSTER_MSG_LOCATION arrived. */
void location_on_message(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len);
/* CLUSTER_MSG_WHEREIS arrived: answer what this node knows. */
void location_on_whereis(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len);
/* CLUSTER_MSG_WHERE (the answer) arrived. */
void location_on_where(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len);

#endif
