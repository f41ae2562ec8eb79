/*
 * units.h - the quantities scenarios and command lines write as text:
 * durations ("1.5ms"), bandwidths ("1Gbps"), sizes ("64MiB"), byte
 * rates ("500MB/s") and loss probabilities.
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
};

/* "<number><unit>", unit ns, us, ms or s -> nanoseconds. */
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
