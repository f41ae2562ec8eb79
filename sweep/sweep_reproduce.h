/*
 * sweep_reproduce.h - the command that reruns one run of a sweep:
 * "nimbus run SCENARIO --seed S --set KEY=VALUE ...", the sweep's --set
 * overrides first and the combination's values after them (the order the
 * sweep applied them), each a shell word. It writes byte-identical
 * trace.jsonl, net.pcap and metrics.json (the same effective scenario,
 * so the same scenario_sha256).
 */
#ifndef SWEEP_SWEEP_REPRODUCE_H
#define SWEEP_SWEEP_REPRODUCE_H

#include <stddef.h>
#include <stdint.h>

#include "sweep_cells.h"

/* The command for the run of `combo` with `seed` (free it). */
char *sweep_reproduce_command(const struct sweep_info *info, size_t combo, uint64_t seed);
/* The same with the seed written as `seed_text` ("S" in the summary). */
char *sweep_reproduce_template(const struct sweep_info *info, size_t combo, const char *seed_text);

#endif
