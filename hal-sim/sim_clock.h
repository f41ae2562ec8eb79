/*
 * sim_clock.h - a node's drifting clock: it runs ppm parts per million
 * fast (ppm > 0) or slow (ppm < 0) against simulated time, from 0 at the
 * start of the run (a drifting oscillator survives a crash). Integer
 * arithmetic only, exact and the same on every machine; |ppm| is at most
 * SCN_MAX_CLOCK_DRIFT_PPM, so the clock always moves forward.
 */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stdint.h>

#define SIM_CLOCK_PPM_UNIT 1000000

/* What the node's clock reads at simulated time sim_ns:
 * sim_ns + floor(sim_ns * ppm / 10^6), never past UINT64_MAX - 1. */
uint64_t sim_clock_local_ns(int32_t ppm, uint64_t sim_ns);

/* The first simulated time at which the clock reads local_ns or more:
 * when a deadline set on the node's clock is due. UINT64_MAX stays
 * UINT64_MAX (never). */
uint64_t sim_clock_sim_ns(int32_t ppm, uint64_t local_ns);

#endif
