/*
 * sim_disk.h - one node's simulated disk behind hal_disk.h.
 *
 * Requests are served in order, one at a time, from a queue of at most
 * SIM_DISK_QUEUE_MAX (the one in service included). A request starts when
 * the one before it completes (or when it is submitted to an idle disk)
 * and takes
 *     latency (+ the extra of every latency spike the start falls in)
 *     + ceil(bytes * 10^9 / bandwidth) ns
 * (a flush moves no bytes: latency only). Its completion is an event
 * SIM_EV_DISK on the simulator's queue carrying the disk's generation,
 * which a crash bumps, so completions of a crashed node's requests are
 * dropped when they come out.
 *
 * Data: a read copies into the caller's buffer at completion, a write
 * copies from it at completion (the HAL keeps the buffer valid until
 * then). With write_cache a completed write is volatile until a flush or
 * a FUA write (sim_disk_cache.h); without, every write is durable at
 * completion. A read that touches a block of the scenario's read_errors
 * completes with HAL_ERR_IO and leaves the buffer alone.
 *
 * A crash loses the volatile writes (or keeps a random subset, per the
 * scenario's "crash"), and tears the write in service: its first k
 * sectors reach the durable store, k uniform in [0, count], drawn like
 * the subset from the disk's own random stream (RNG_PURPOSE_DISK, index
 * = node). Only durable data is left for the next boot.
 *
 * crash_at (the scenario's "crash_at"): requests are numbered 1, 2, ...
 * in the order they enter service, over the whole run (restarts do not
 * start again at 1; a request a crash dropped from the queue never entered
 * service and has no number). At request N the node crashes once: without
 * torn, the instant N completes, its effect on the disk done, before the
 * kernel hears of it and before N + 1 starts; with torn, at the end of its
 * service time but before it takes effect: a write is torn keeping k of
 * its n sectors, k uniform in [1, n - 1] (in [0, 1] when n is 1), a flush
 * has flushed nothing, a read has read nothing.
 */
#ifndef SIM_DISK_H
#define SIM_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal_disk.h"
#include "rng.h"
#include "scenario.h"
#include "sim_disk_cache.h"
#include "sim_disk_store.h"
#include "sim_queue.h"

#define SIM_DISK_QUEUE_MAX 32u

struct sim_disk_request {
    uint32_t id;
    enum hal_disk_op op;
    uint64_t first;
    uint32_t count;
    void *buf;
};

/* metrics.json's per-node disk figures. */
struct sim_disk_counters {
    uint64_t reads, writes, flushes;
    uint64_t read_bytes, write_bytes;
    uint64_t busy_ns; /* time with a request in service */
    uint64_t requests;  /* requests that entered service: the number of the latest */
    uint64_t crashed_at; /* the request crash_at crashed the node at; 0: not (yet) */
};

/* What sim_disk_crash did, for the trace's disk_crash line. */
struct sim_disk_crash_report {
    uint32_t lost, kept;           /* volatile writes */
    bool torn;                     /* the write in service was cut inside */
    uint32_t torn_sectors_written; /* of the write in service (0 without one) */
};

struct sim_disk {
    const struct scn_disk *cfg; /* NULL: the node has no disk */
    uint32_t node;
    struct sim_queue *events;
    struct rng rng;
    struct sim_disk_store store;
    struct sim_disk_cache cache;
    struct sim_disk_request queue[SIM_DISK_QUEUE_MAX]; /* ring; queue[head] is in service */
    uint32_t head, len;
    uint64_t gen;        /* completions carry it; a crash bumps it */
    uint64_t started_ns; /* when the request in service started */
    bool held;           /* crash_at: head completed, the next held back for the crash */
    bool tear_inside;    /* crash_at with torn: the crash keeps 1..n-1 sectors */
    struct sim_disk_counters c;
};

/* Set up node `node`'s disk (cfg NULL: none), empty, with its random stream. */
void sim_disk_init(struct sim_disk *d, const struct scn_disk *cfg, uint32_t node, uint64_t seed,
                   struct sim_queue *events);
void sim_disk_free(struct sim_disk *d);

uint64_t sim_disk_block_count(const struct sim_disk *d);

/* hal_disk_ops.submit at time `now`; the HAL's return codes. */
int sim_disk_submit(struct sim_disk *d, uint64_t now, const struct sim_disk_request *r);

enum sim_disk_done {
    SIM_DISK_STALE,     /* the event is stale: nothing to report */
    SIM_DISK_COMPLETED, /* *id and *status are the completion to give the kernel */
    SIM_DISK_CRASH,     /* crash_at falls here: crash the node now (sim_disk_crash), kernel untold */
};

/* A SIM_EV_DISK event with generation `gen` came out at `now`: end the
 * request in service and start the next (see crash_at above). */
enum sim_disk_done sim_disk_complete(struct sim_disk *d, uint64_t now, uint64_t gen, uint32_t *id,
                                     int *status);

/* Power loss at `now` (see above). The queue is dropped, the cache
 * emptied; call before the kernel that owns the buffers is destroyed. */
struct sim_disk_crash_report sim_disk_crash(struct sim_disk *d, uint64_t now);

/* The durable contents of `count` sectors from `first` (tests, images). */
void sim_disk_read_durable(const struct sim_disk *d, uint64_t first, uint32_t count, uint8_t *out);

#endif
