/*
 * kernel_harness.h - drive one or more kernels on fake HALs the way a
 * platform does, with time moved by hand: run processes, jump to the next
 * deadline, carry frames between nodes.
 */
#ifndef TESTS_KERNEL_HARNESS_H
#define TESTS_KERNEL_HARNESS_H

#include "core/kernel.h"
#include "fake_hal.h"

#define HARNESS_MAX_NODES 16

struct harness {
    uint32_t node_count;
    struct fake_hal hal[HARNESS_MAX_NODES];
    struct kernel *k[HARNESS_MAX_NODES];
    uint64_t now_ns;
    uint32_t ns_per_insn; /* CPU speed: how far one instruction moves time */
    uint64_t frames_moved;
    uint32_t boots[HARNESS_MAX_NODES]; /* restarts so far, for fresh epochs */
    /* Optional, for fault injection: called with every frame before it is
     * delivered; it may change the bytes in place, and returns false to
     * lose the frame. */
    bool (*frame_filter)(struct harness *h, uint32_t src, uint8_t *frame, uint32_t len, void *ctx);
    void *filter_ctx;
};

/* Boot `nodes` kernels on fake HALs; all pages are checked on teardown. */
void harness_init(struct harness *h, uint32_t nodes);
/* The same, every node configured from `base` (node_id, node_count and
 * epoch are filled in per node; NULL: all defaults). */
void harness_init_config(struct harness *h, uint32_t nodes, const struct kernel_config *base);
/* Crash node `node` and boot a new incarnation at once (configured from
 * `base` as in harness_init_config, with a new epoch): its processes are
 * gone, its fake HAL (NVRAM included) stays. */
void harness_restart(struct harness *h, uint32_t node, const struct kernel_config *base);
/* Spawn on node `node`; returns the pid or a negative error. */
int64_t harness_spawn(struct harness *h, uint32_t node, const char *program, const char *const *argv,
                      uint32_t argc);
/* Run until no process is left anywhere or `limit_ns` of time passes.
 * Returns true if every process exited; h->now_ns is then the time the
 * last one finished. */
bool harness_run(struct harness *h, uint64_t limit_ns);
/* Keep timers and frames going for limit_ns more, even with no process
 * left: what is still in flight (console output, acknowledgements)
 * arrives. */
void harness_settle(struct harness *h, uint64_t limit_ns);
/* Destroy every kernel; returns the pages still held by the fake HALs (0
 * when nothing leaked). */
uint32_t harness_destroy(struct harness *h);

/* Spawn one program on node 0 with the given arguments (NULL-terminated
 * list), run it to completion and return the console text. */
const char *harness_run_program(struct harness *h, const char *program, const char *const *argv);

#endif
