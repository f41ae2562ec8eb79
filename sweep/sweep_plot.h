/*
 * sweep_plot.h - `nimbus plot SWEEP_DIR`: one figure of a sweep, drawn
 * by gnuplot from the sweep's summary.csv. A figure's mean against the
 * values of one key (the x axis), one line per combination of the other
 * keys, with 95% confidence intervals as error bars, written as PDF (for
 * papers), SVG and PNG.
 *
 * The data (.dat) and the gnuplot script (.gp) are kept next to the
 * pictures in SWEEP_DIR/plots/, so a figure can be restyled by editing
 * the script and running `gnuplot NAME.gp` there. docs/experiments.md
 * says why gnuplot.
 */
#ifndef SWEEP_SWEEP_PLOT_H
#define SWEEP_SWEEP_PLOT_H

struct sweep_plot_args {
    const char *dir;    /* the sweep's output directory */
    const char *metric; /* a sweep.csv column; default makespan_ns */
    const char *x_key;  /* default: the grid's first key */
};

/* Draw it. The exit status: 0 done, 1 bad usage or not a sweep directory
 * (after a message), 2 gnuplot failed or the files could not be written. */
int sweep_plot(const struct sweep_plot_args *a);

#endif
