/*
 * sched.h - the scheduler: a round-robin run queue per node, quanta
 * measured in instructions, and the node's load average.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdint.h>

struct kernel;
struct proc;

void sched_enqueue(struct kernel *k, struct proc *p);
/* The next runnable process, removed from the queue, or NULL. */
struct proc *sched_dequeue(struct kernel *k);
/* Take a process off the queue wherever it is (it is going away). */
void sched_remove(struct kernel *k, struct proc *p);

/* Fold the run-queue length into the load average if a sample is due. */
void sched_sample_load(struct kernel *k, uint64_t now);

#endif
