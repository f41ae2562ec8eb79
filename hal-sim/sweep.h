/*
 * sweep.h - `nimbus sweep`: run one scenario over a grid of balancer
 * policies x seeds, each cell in its own child process, and summarise the
 * runs for a paper (DIR/sweep.csv and a table on stdout). docs/
 * experiments.md, section "Sweeps", describes it for users.
 *
 * Every output (the cells' files, sweep.csv, stdout, the progress lines
 * on stderr) is in grid order and independent of --jobs: parallelism only
 * decides how soon it is ready.
 */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

/* The text of `nimbus sweep --help`. */
extern const char sweep_usage[];

/* The command, given the arguments after "sweep". Returns the exit
 * status: 0 every cell succeeded, 1 bad usage or scenario, 2 a cell
 * failed or an output could not be written. */
int sweep_main(int argc, char **argv);

#endif
