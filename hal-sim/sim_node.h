/*
 * sim_node.h - one simulated node: its kernel, its HAL (clock, NIC, pages,
 * console, trace, programs, random numbers, disk: sim_disk.h) and its CPU.
 *
 * CPU model: a node with runnable work gets a slice of SIM_SLICE_INSNS
 * instructions; the slice runs at one instant (no simulated time passes
 * inside a kernel entry point) and then keeps the CPU busy for
 * insns * 1000 / cpu_mips ns, the remainder carried to the next slice so
 * time does not drift. Frames sent during a slice leave at its start.
 * Timers that fall inside a busy period are handled when it ends; frames
 * are delivered when they arrive, busy or not (like an interrupt).
 *
 * Clock: the HAL's clock reads simulated time scaled by the node's drift
 * (sim_clock.h); the kernel's deadlines are on that clock and are turned
 * back into simulated time for its wake-up.
 *
 * Pause: a paused node handles nothing (no timers, no frames, no CPU)
 * until it resumes, kernel and memory intact; its NIC holds what arrives
 * (sim_net_hold) and hands it over at the resume, in arrival order.
 *
 * A node wants to wake at max(kernel deadline, end of busy period)
 * (wake_at_ns) and has at most one live wake-up event queued
 * (queued_wake_ns, never later than wake_at_ns). A deadline that moves
 * earlier queues a new event and bumps the node's generation number, so
 * the old one is ignored when it comes out (lazy cancellation: the heap
 * is never searched); one that moves later queues nothing: the live
 * event, when it comes out, queues the later one. An idle node (no
 * deadline) has no event at all.
 */
#ifndef SIM_NODE_H
#define SIM_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/kernel.h"
#include "rng.h"
#include "sim_console.h"
#include "sim_disk.h"

#define SIM_SLICE_INSNS 10000u
/* Slices in a row that run nothing while the kernel says it is runnable
 * before the run is stopped as a kernel bug (it would never end). */
#define SIM_MAX_EMPTY_SLICES 1000u

struct sim;

struct sim_node {
    struct sim *sim;
    struct kernel *k; /* NULL while crashed */
    uint32_t id;
    bool up;
    uint32_t epoch;
    uint32_t cpu_mips;
    uint32_t page_limit, pages_in_use, pages_peak;
    uint32_t procs; /* kernel_process_count after the last entry point */
    uint32_t boots, crashes;
    uint32_t empty_slices;
    uint64_t busy_until_ns, busy_rem, cpu_busy_ns;
    /* Broadcast copies its kernels ignored (kernel_frame_acts), counted
     * for them: part of frames_rx and bytes_rx over all boots. */
    uint64_t ignored_rx_frames, ignored_rx_bytes;
    /* kernel_frame_acts_epoch when last asked: broadcast copies counted
     * ahead as ignored are asked about again when it changes. */
    uint32_t acts_epoch;
    uint64_t wake_at_ns;     /* HAL_TIME_NEVER: no wake-up wanted */
    uint64_t queued_wake_ns; /* the live queued wake-up; HAL_TIME_NEVER: none */
    uint64_t wake_gen;
    int32_t drift_ppm;        /* its clock's drift (sim_clock.h) */
    uint64_t paused_until_ns; /* 0: not paused */
    uint64_t pause_gen;       /* tells a pause's resume from an older one's */
    struct rng rng;
    uint32_t nvram[HAL_NVRAM_WORDS]; /* survives crashes, as NVRAM would */
    struct kernel_stats past; /* summed over the kernels of earlier boots */
    struct sim_console_node console;
    struct sim_disk disk; /* keeps its durable contents across crashes */
};

/* Set up node `id` (down, no kernel). */
void sim_node_init(struct sim_node *n, struct sim *sim, uint32_t id);
/* The epoch for the node's next boot: from its random stream, never 0. */
uint32_t sim_node_next_epoch(struct sim_node *n);
/* The HAL the node's kernels get (tests use it as a kernel would). */
void sim_node_hal(struct sim_node *n, struct hal *hal);
/* Boot a new kernel; false when it has no memory for its own state. */
bool sim_node_boot(struct sim_node *n, uint32_t epoch);
/* Crash: the kernel and its processes vanish, the disk loses what was
 * not durable (what it lost is returned). */
struct sim_disk_crash_report sim_node_crash(struct sim_node *n);
/* A SIM_EV_DISK event with generation gen came out: tell the kernel of
 * the finished request, or crash the node there (the disk's crash_at).
 * False when stale (the node crashed meanwhile). */
bool sim_node_disk_done(struct sim_node *n, uint64_t gen);
/* A wake-up event with generation gen came out of the queue; false when
 * it was cancelled (stale). */
bool sim_node_wake(struct sim_node *n, uint64_t gen);
void sim_node_frame(struct sim_node *n, const uint8_t *frame, uint32_t len);
/* Whether the node's kernel, handed this frame now, would only count it:
 * a broadcast it does not act on (kernel_frame_acts), unless the run
 * hands every copy to its kernel (sim_options.every_copy_to_kernel). */
bool sim_node_ignores(const struct sim_node *n, const uint8_t *frame, uint32_t len);
/* Count (sign 1) or take back (-1) a copy the kernel ignored unentered. */
void sim_node_count_ignored(struct sim_node *n, int sign, uint32_t len);
/* What the node's clock reads now. */
uint64_t sim_node_local_now(const struct sim_node *n);
/* Stand still until until_ns (a later pause moves the end); the caller
 * queues the resume with the new pause_gen. */
void sim_node_pause(struct sim_node *n, uint64_t until_ns);
/* Go on: held frames are delivered, then timers and CPU as due. */
void sim_node_resume(struct sim_node *n);
/* kernel_spawn on this node; returns its result. */
int64_t sim_node_spawn(struct sim_node *n, const char *program, const char *const *argv,
                       uint32_t argc);
/* kernel_migrate and kernel_pin (pinned) on this node; their results. */
int sim_node_migrate(struct sim_node *n, uint32_t pid, uint32_t target);
int sim_node_pin(struct sim_node *n, uint32_t pid);
/* The node's counters over all its boots, as of now. */
void sim_node_stats(const struct sim_node *n, struct kernel_stats *out);
void sim_node_free(struct sim_node *n);

#endif
