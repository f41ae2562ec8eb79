/*
 * kernel.h - the kernel core's entry points, for platforms.
 *
 * One struct kernel per node; nothing is shared between nodes. The
 * platform creates a kernel with its HAL, then calls the entry points when
 * something happens: a frame arrives, a deadline passes, a disk request
 * completes. kernel_run executes processes for a bounded number of
 * instructions. None of these calls blocks. After any entry point the
 * platform asks kernel_next_deadline when to call again.
 */
#ifndef CORE_KERNEL_H
#define CORE_KERNEL_H

#include "../hal/hal.h"

struct kernel;

enum migrate_mode {
    MIGRATE_STOP_AND_COPY, /* freeze, send everything, resume on the target */
    MIGRATE_PRE_COPY,      /* copy pages while running, then freeze for the rest */
};

/* The load balancer (Scheduler) and load exchange (Synchronizer). Loads
 * are in thousandths of a runnable process. Zero fields take the defaults
 * in param.h. */
struct balance_config {
    uint8_t policy;             /* enum hal_balance_policy */
    uint32_t threshold_milli;   /* overloaded above this load */
    uint32_t hysteresis_milli;  /* ...and no longer once below threshold - this */
    uint32_t margin_milli;      /* a peer must be this much less loaded */
    uint64_t period_ns;         /* how often a node considers moving work */
    uint64_t min_residency_ns;  /* a process stays this long after arriving */
    uint64_t exchange_period_ns; /* how often a node tells peers its load */
    uint32_t exchange_fanout;   /* how many peers it tells each time */
};

struct kernel_config {
    uint16_t node_id;
    uint16_t node_count;    /* the cluster: nodes 0 .. node_count-1 */
    uint32_t ipv4;          /* 0: the default address (net.h net_rack_node_ipv4) */
    /* 0: one flat LAN. Otherwise nodes come in racks of this many, each
     * rack on its own /24 behind a router (net.h): the simulator's rack
     * topologies. At most NET_RACK_MAX_NODES. */
    uint16_t rack_nodes;
    uint32_t epoch;         /* differs on every boot of this node, never 0 */
    uint32_t quantum_insns; /* 0: DEFAULT_QUANTUM_INSNS */
    uint8_t migrate_mode;   /* enum migrate_mode */
    struct balance_config balance;
    bool kv_configured;     /* the key-value calls go to node kv_backend */
    uint16_t kv_backend;
    bool disk_reserved;     /* the platform uses the disk itself (a self-test): no Stockholder */
    bool service_only;      /* runs no processes: refuses offers and migrations (nimbus kvd) */
};

/* Counters a platform reads for its metrics. */
struct kernel_stats {
    uint64_t insns;
    uint64_t insns_translated; /* of which ran as translated code (rv32_xlat.h) */
    uint32_t spawned, exited, faulted;
    uint64_t msgs_sent, msgs_delivered, msgs_dropped;
    uint64_t frames_tx, frames_rx, bytes_tx, bytes_rx, frames_bad;
    uint64_t retransmits, peer_resets;
    uint32_t pages_in_use, pages_peak;
    uint32_t load_milli; /* current load average in thousandths */
    uint32_t migrations_out, migrations_in, migrations_aborted;
    uint64_t migration_bytes; /* image and page bytes sent by this node */
    uint64_t forwarded;       /* messages sent on to a process's new node */
};

/* What a node's kernel holds (docs/architecture.md, "A node's memory"),
 * each part in the bytes it asked for; the heap's rounding and the room
 * it keeps for later are in heap_free_bytes. */
struct kernel_memory {
    uint32_t hal_pages;       /* pages taken from the HAL, the kernel's own included */
    uint32_t heap_pages;      /* of which slabs for small objects */
    uint32_t heap_free_bytes; /* room in the slabs and the kernel's page not in use */
    uint32_t kernel_bytes;    /* struct kernel */
    uint32_t net_bytes;       /* ARP cache, frame buffer */
    uint32_t transport_bytes; /* session table, sessions, messages kept */
    uint32_t sessions;
    uint32_t location_bytes;  /* pid -> node table */
    uint32_t migrate_bytes;   /* made at the first move */
    uint32_t balance_bytes;   /* made when balancing or first asked */
    uint32_t stock_bytes;     /* Stockholder: nodes with a disk */
    uint32_t process_bytes;   /* processes: structs, page tables, pages, decode caches */
    uint32_t processes;
};
void kernel_memory(const struct kernel *k, struct kernel_memory *out);

/* Create and boot a node. Returns NULL when the HAL has no memory for the
 * kernel's own state. The HAL is copied. */
struct kernel *kernel_create(const struct hal *hal, const struct kernel_config *cfg);

/* Free everything the node holds (its processes vanish, as in a crash). */
void kernel_destroy(struct kernel *k);

/* A frame arrived; `frame` belongs to the caller. Malformed frames are
 * counted and dropped. */
void kernel_on_frame(struct kernel *k, const uint8_t *frame, uint32_t len);

/* Whether kernel_on_frame would do anything with this frame but count it
 * in frames_rx and bytes_rx: an ARP request for another node from a
 * sender this node does not cache (RFC 826) does not. A platform that
 * hands a broadcast to every node may skip the kernels that would not
 * act and count those copies itself (the simulator does: sim_node.c);
 * nothing else in the kernel would differ. */
bool kernel_frame_acts(const struct kernel *k, const uint8_t *frame, uint32_t len);

/* A number that changes whenever kernel_frame_acts may have turned from
 * false to true for some frame (the ARP cache made an entry). A platform
 * that decided a broadcast copy in flight would be ignored asks again
 * only when it changed. */
uint32_t kernel_frame_acts_epoch(const struct kernel *k);

/* Time reached the deadline the kernel asked for (calling early is harmless). */
void kernel_on_timer(struct kernel *k);

/* A disk request submitted through the HAL finished. */
void kernel_on_disk_done(struct kernel *k, uint32_t request_id, int status);

/* Run processes for at most budget_insns instructions; stores the number
 * executed in *used_insns. Returns the next deadline (now when processes
 * are still runnable, HAL_TIME_NEVER when nothing is pending). */
uint64_t kernel_run(struct kernel *k, uint32_t budget_insns, uint32_t *used_insns);

/* The earliest time the kernel needs kernel_run or kernel_on_timer:
 * now if a process is runnable, HAL_TIME_NEVER if nothing is pending. */
uint64_t kernel_next_deadline(const struct kernel *k);

/* Start program `name` with `argc` arguments as a child of the node's
 * kernel. Returns the new pid, or a negative enum abi_error. */
int64_t kernel_spawn(struct kernel *k, const char *name, const char *const *argv, uint32_t argc);

/* Start moving process `pid` (running here) to node `target`. 0 once the
 * move has started, or ERR_NO_PROCESS, ERR_PINNED, ERR_INVALID (target is
 * this node or outside the cluster), ERR_BUSY (already moving). */
int kernel_migrate(struct kernel *k, uint32_t pid, uint16_t target);

/* Pin a process to its node (or unpin it): pinned processes never move. */
int kernel_pin(struct kernel *k, uint32_t pid, bool pinned);

uint32_t kernel_process_count(const struct kernel *k);

/* Messages this node's transport has queued for peers and not yet had
 * acknowledged (console output on its way home among them): 0 when the
 * node has nothing more to deliver. */
uint32_t kernel_unacked_messages(const struct kernel *k);

/* One process as a platform's console or display shows it. */
struct kernel_proc_info {
    uint32_t pid;
    uint32_t parent_pid;
    bool blocked;  /* in a system call; otherwise runnable */
    bool moving;   /* frozen: being migrated away */
    bool pinned;
    uint32_t pages;      /* user pages mapped */
    uint32_t moves;      /* migrations finished */
    uint64_t insns;      /* instructions run, on every node */
    char name[33];       /* ABI_PROGRAM_NAME_MAX + 1, NUL-terminated */
};

/* Fill `out` with up to `max` of the node's processes, in pid order
 * (processes still arriving by migration are left out). Returns how many. */
uint32_t kernel_list_processes(const struct kernel *k, struct kernel_proc_info *out, uint32_t max);

/* A peer: a node this one talks with (a transport session) or whose load
 * report it has heard. */
struct kernel_peer_info {
    uint16_t node;
    bool has_session;
    bool has_load;        /* the two fields below are valid */
    uint32_t load_milli;  /* as the peer last reported it */
    uint64_t heard_ns;    /* this node's clock when it heard it */
};

/* Fill `out` with up to `max` peers, in node order. Returns how many. */
uint32_t kernel_list_peers(const struct kernel *k, struct kernel_peer_info *out, uint32_t max);
const struct kernel_stats *kernel_stats(const struct kernel *k);

#endif
