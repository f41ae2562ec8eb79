/*
 * textfmt.h - how the status panel and the command line write pids,
 * loads and durations, so both show them alike.
 */
#ifndef HAL_X86_TEXTFMT_H
#define HAL_X86_TEXTFMT_H

#include <stddef.h>
#include <stdint.h>

/* Long enough for any of the texts below. */
#define TEXTFMT_BYTES 24u

/* "n<node>.<local>", as core/abi.h prints pids. */
void textfmt_pid(char *buf, size_t size, uint32_t pid);

/* A load in thousandths as a decimal rounded to hundredths: 1254 -> "1.25". */
void textfmt_load(char *buf, size_t size, uint32_t load_milli);

/* A duration as "h:mm:ss". */
void textfmt_uptime(char *buf, size_t size, uint64_t ns);

#endif
