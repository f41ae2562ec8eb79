/*
 * kernel_harness.h - drive one or more kernels on fake HALs the way a
 * platform does, with time moved by hand: run processes, jump to the next
 * deadline, carry frames between nodes.
 */
#ifndef TESTS_KERNEL_HARNESS_H
#define TESTS_KERNEL_HARNESS_H

#include "core/kernel.h"
#include "fake_hal.h"

#define HARNESS_MAX_NODES 4

struct harness {
    uint32_t node_count;
    struct fake_hal hal[HARNESS_MAX_NODES];
    struct kernel *k[HARNESS_MAX_NODES];
    uint64_t now_ns;
    uint32_t ns_per_insn; /* CPU speed: how far one instruction moves time */
    uint64_t frames_moved;
};

/* Boot `nodes` kernels on fake HALs; all pages are checked on teardown. */
void harness_init(struct harness *h, uint32_t nodes);
/* Spawn on node `node`; returns the pid or a negative error. */
int64_t harness_spawn(struct harness *h, uint32_t node, const char *program, const char *const *argv,
                      uint32_t argc);
/* Run until no process is left anywhere or `limit_ns` of time passes.
 * Returns true if every process exited. */
bool harness_run(struct harness *h, uint64_t limit_ns);
/* Destroy every kernel; returns the pages still held by the fake HALs (0
 * when nothing leaked). */
uint32_t harness_destroy(struct harness *h);

/* Spawn one program on node 0 with the given arguments (NULL-terminated
 * list), run it to completion and return the console text. */
const char *harness_run_program(struct harness *h, const char *program, const char *const *argv);

#endif
