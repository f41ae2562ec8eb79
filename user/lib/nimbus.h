/*
 * nimbus.h - the user runtime for Cumulonimbus programs (RV32IM,
 * freestanding): process exit, buffered console output, strings, number
 * and pid parsing, and a few messaging helpers over the raw calls in sys.h.
 *
 * A program defines int main(int argc, char **argv). argv holds only the
 * spawn arguments: argv[0] is the first argument, not the program name.
 * Returning from main is exit(status).
 *
 * Console output is buffered per process and written with one SYS_WRITE
 * per line (or per PRINT_BUFFER_BYTES when a line is longer); exit()
 * writes what is left. sys_exit() does not.
 */
#ifndef USER_NIMBUS_H
#define USER_NIMBUS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "sys.h"

#define NS_PER_US 1000ull
#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull

/* ---- process ---- */

/* Flush console output, then end the process with `status`. */
_Noreturn void exit(int status);

/* ---- console output (printf.c) ----
 * Conversions: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z,
 * flags '-' '0' '+' ' ', a width and a precision (digits or '*'). */
#define PRINT_BUFFER_BYTES 256u

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Like C's: writes at most cap - 1 characters and a NUL (when cap > 0),
 * returns the length the whole output would have. */
int snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int putchar(int c);
/* Writes s and a newline. */
int puts(const char *s);
/* Write any buffered console output now. */
void print_flush(void);

/* ---- strings (string.c); clang may call the mem* functions itself ---- */

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most cap - 1 bytes and a NUL (when cap > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t cap);

/* Parse a whole string as a number: decimal, or hexadecimal after "0x".
 * 0, or ERR_INVALID (empty, stray characters, out of range). */
int parse_u32(const char *s, uint32_t *out);
int parse_u64(const char *s, uint64_t *out);
/* Decimal with an optional leading '-'. */
int parse_i32(const char *s, int32_t *out);

/* ---- pids (pid.c): "n<node>.<local>" ---- */

#define PID_FMT "n%u.%u"
#define PID_ARGS(pid) ABI_PID_NODE(pid), ABI_PID_LOCAL(pid)
#define PID_STR_MAX 13u /* "n65535.65535" and a NUL */

/* Write "n<node>.<local>" and a NUL; the length, or ERR_TOO_BIG if cap is
 * too small (buf then holds as much as fits, NUL-terminated). */
int pid_format(uint32_t pid, char *buf, uint32_t cap);
/* Parse "n<node>.<local>", each part decimal 0..65535 without leading
 * '+' or '-'. Local number 0 names the node's kernel. 0 or ERR_INVALID. */
int pid_parse(const char *s, uint32_t *pid);

/* ---- processes and messages (proc.c) ---- */

/* Spawn `program` with argv[0..argc-1]. The child's pid, or an error:
 * ERR_INVALID if the arguments do not fit an argument block. */
int32_t spawn(const char *program, int argc, const char *const *argv);

/* sys_send, retried while the destination is momentarily unable to take
 * the message (ERR_MAILBOX_FULL, ERR_BUSY), sleeping 1 ms between tries,
 * at most `tries` times. The last result. */
int32_t send_retry(uint32_t dst, const void *buf, uint32_t len, uint32_t tries);

/* sys_recv that drops messages from kernels (local number 0) and keeps
 * waiting, within one overall timeout. The length of a process's message,
 * or an error (ERR_TIMEOUT when the time is up). */
int32_t recv_from_process(void *buf, uint32_t cap, uint32_t *sender, uint64_t timeout_ns);

/* Sleep for `ms` milliseconds. */
void sleep_ms(uint32_t ms);

/* ---- files (file.c) ---- */

/* sys_open with a NUL-terminated path. */
int32_t file_open(const char *path, uint32_t flags);
/* Write all of buf, over as many calls as it takes: len or an error. */
int32_t file_write_all(int32_t handle, const void *buf, uint32_t len);
/* Read until len bytes or the end of the file: the bytes read or an error. */
int32_t file_read_full(int32_t handle, void *buf, uint32_t len);
int32_t file_stat(const char *path, struct abi_stat *st);

/* Print "<program>: <what>: <error name> (<code>)" for a negative result. */
void print_error(const char *program, const char *what, int32_t err);

#endif
