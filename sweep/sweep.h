/*
 * sweep.h - a sweep: run one scenario over a grid of scenario keys'
 * values x seeds, each cell in its own child process, and summarise the
 * runs for a paper (DIR/sweep.csv, summary.csv, paired.csv and the
 * summary on stdout and in summary.txt; `nimbus plot` draws them). `nimbus sweep` (cli/)
 * is its command line; docs/experiments.md, section "Sweeps", describes
 * it for users.
 *
 * Every output (the cells' files, the CSV files, stdout, the result lines
 * on stderr) is in grid order and independent of --jobs: parallelism only
 * decides how soon it is ready. Only the progress figures (time so far,
 * time left) depend on the wall clock; --no-progress leaves them out.
 */
#ifndef SWEEP_SWEEP_H
#define SWEEP_SWEEP_H

#include "sweep_args.h"

/* Run the grid `a` describes. Returns the exit status: 0 every cell
 * succeeded, 1 bad scenario (after a message), 2 a cell failed or an
 * output could not be written. */
int sweep_run_grid(const struct sweep_args *a);

#endif
