/*
 * units.h - the quantities scenarios and command lines write as text:
 * durations ("1.5ms", "10 min"), bandwidths ("1Gbps"), sizes ("64 MiB"),
 * byte rates ("500MB/s") and loss probabilities.
 *
 * A quantity is "<digits>[.<digits>]<unit>" with at most one space
 * between the number and the unit. Units are case-sensitive; a unit that
 * could mean two things ("m": minutes or milli?, "M": MB or MiB?) is
 * refused as ambiguous rather than guessed. units_explain words every
 * refusal the same way for scenario files and command lines.
 *
 * Parsing is exact integer arithmetic: "1.5ms" is 1500000 ns on every
 * machine. The one floating-point step, a loss probability scaled to
 * 2^32, is done here so that the simulator itself draws with integers.
 */
#ifndef HOST_UNITS_H
#define HOST_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Digits allowed after the decimal point: enough for 1ns in seconds. */
#define UNITS_MAX_FRACTION_DIGITS 9u

enum units_status {
    UNITS_OK = 0,
    UNITS_SYNTAX,    /* not "<digits>[.<digits>]<unit>" */
    UNITS_NEGATIVE,  /* starts with '-' */
    UNITS_NO_UNIT,   /* a number but no unit */
    UNITS_BAD_UNIT,  /* a number followed by an unknown unit */
    UNITS_FRACTION,  /* more than UNITS_MAX_FRACTION_DIGITS fraction digits */
    UNITS_NOT_WHOLE, /* not a whole number of the base unit (e.g. "1.5ns") */
    UNITS_OVERFLOW,  /* does not fit in 64 bits */
    UNITS_ZERO_RATE, /* a bandwidth of zero bits per second with a unit */
    UNITS_SPACE,     /* a space other than one between number and unit */
    UNITS_AMBIGUOUS, /* a unit that could mean two units ("m", "M") */
};

/* The kinds of quantity, for units_explain. */
enum units_kind {
    UNITS_KIND_DURATION,
    UNITS_KIND_BANDWIDTH,
    UNITS_KIND_SIZE,
    UNITS_KIND_BYTE_RATE,
};

/* Why `text` was refused with status `st` (not UNITS_OK), as a phrase
 * that a caller follows with the text: "unknown unit (expected ns, us, ms,
 * s, min or h)", "ambiguous unit \"m\" (write min for minutes or ms for
 * milliseconds)". Written into buf, cut to `bytes`. */
void units_explain(enum units_kind kind, enum units_status st, const char *text, char *buf, size_t bytes);

/* Parse `text` as a quantity of `kind` (units_parse_duration and the
 * rest). On failure `why` gets "<units_explain's phrase>, got '<text>'",
 * the form command-line options report. */
enum units_status units_parse_kind(enum units_kind kind, const char *text, uint64_t *value, char *why,
                                   size_t why_bytes);

/* "<number><unit>", unit ns, us, ms, s, min or h -> nanoseconds. */
enum units_status units_parse_duration(const char *text, uint64_t *ns);

/* "<number><unit>", unit bps, Kbps, Mbps or Gbps (1000-based) -> bits per
 * second; "0" and "infinite" mean unlimited and give 0. */
enum units_status units_parse_bandwidth(const char *text, uint64_t *bps);

/* "<number><unit>", unit B, KB, MB, GB (1000-based) or KiB, MiB, GiB
 * (1024-based) -> bytes. "0B" is 0: the caller decides whether it may be. */
enum units_status units_parse_size(const char *text, uint64_t *bytes);

/* "<number><unit>", unit B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s or GiB/s ->
 * bytes per second; zero is UNITS_ZERO_RATE (a rate that moves nothing). */
enum units_status units_parse_byte_rate(const char *text, uint64_t *bytes_per_s);

/* A probability in [0, 1] scaled to 2^32, rounded half up and saturated
 * at UINT32_MAX. The caller has checked the range. */
uint32_t units_loss_to_u32(double loss);

/* Digits allowed after the decimal point of a load ("threshold": 1.5). */
#define UNITS_MAX_MILLI_DIGITS 3u

/* A JSON number with at most UNITS_MAX_MILLI_DIGITS decimals as a whole
 * number of thousandths: 1.5 -> 1500. Exact: the double must be the one
 * nearest to k / 1000 for an integer k < 2^32. UNITS_NEGATIVE,
 * UNITS_FRACTION (more decimals), UNITS_OVERFLOW, UNITS_SYNTAX (NaN). */
enum units_status units_number_to_milli(double v, uint64_t *milli);

/* Write `ns` in the largest unit that keeps it short and exact, e.g.
 * 1500000 -> "1.5ms", 600000000000 -> "600s", 0 -> "0s". */
void units_format_duration(uint64_t ns, char *buf, size_t bytes);

#endif
