/*
 * sched.h - the scheduler: a round-robin run queue per node, quanta
 * measured in instructions, and the node's load average.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct proc;

void sched_enqueue(struct kernel *k, struct proc *p);
/* The next runnable process, removed from the queue, or NULL. */
struct proc *sched_dequeue(struct kernel *k);
/* Take a process off the queue wherever it is (it is going away). */
void sched_remove(struct kernel *k, struct proc *p);

/* Fold the run-queue length into the load average if a sample is due.
 * Samples fall on a grid of LOAD_SAMPLE_NS from boot; a node at rest
 * (run queue empty, load average zero) skips them silently. */
void sched_sample_load(struct kernel *k, uint64_t now);

/* When the next load sample is due: HAL_TIME_NEVER while at rest (the
 * next process to become runnable brings the grid back). */
uint64_t sched_next_sample_ns(const struct kernel *k);

#endif
