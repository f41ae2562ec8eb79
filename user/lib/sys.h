/*
 * sys.h - one C function per system call in core/abi.h, nothing more.
 *
 * Results are as the kernel returns them: a non-negative value on success,
 * a negative enum abi_error on failure. 64-bit times are split into two
 * registers, low word first. A pid is a uint32_t; calls that return "a pid
 * or an error" return it as an int32_t, which is unambiguous while node ids
 * stay below 0x8000.
 */
#ifndef USER_SYS_H
#define USER_SYS_H

#include <stdint.h>

#include "abi.h"

/* Issue system call `num` with six argument registers; returns a0. For
 * tests that must pass arguments no typed wrapper would let through. */
int32_t sys_call(uint32_t num, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5);
/* The same, returning a1:a0 as one 64-bit value (SYS_TIME). */
uint64_t sys_call64(uint32_t num, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
                    uint32_t a5);

/* Ends the process at once; buffered printf output is NOT flushed (exit()
 * in nimbus.h does that). */
_Noreturn void sys_exit(int32_t status);
uint32_t sys_getpid(void);
uint32_t sys_getnode(void);
/* `args` is args_len bytes: each argument followed by a NUL. */
int32_t sys_spawn(const char *name, uint32_t name_len, const void *args, uint32_t args_len);
/* Wait for child `pid` (0: any child); stores its exit status in *status
 * unless status is NULL. Returns the child's pid. */
int32_t sys_wait(uint32_t pid, int32_t *status, uint64_t timeout_ns);
int32_t sys_send(uint32_t dst, const void *buf, uint32_t len);
/* Returns the message length; stores the sender's pid unless `sender` is NULL. */
int32_t sys_recv(void *buf, uint32_t cap, uint32_t *sender, uint64_t timeout_ns);
int32_t sys_sleep(uint64_t duration_ns);
/* The node's clock in nanoseconds. */
uint64_t sys_time(void);
int32_t sys_yield(void);
int32_t sys_write(const void *buf, uint32_t len);
/* Start moving process `pid` (0: the caller) to `node`. */
int32_t sys_migrate(uint32_t pid, uint32_t node);
/* Pin the caller to its node (1) or let it move again (0). */
int32_t sys_pin(uint32_t pinned);

/* ---- Stockholder and key-value store (sys_stock.c; abi.h says more) ---- */
/* A handle, or an error. flags: ABI_O_CREATE, _EXCLUSIVE, _TRUNCATE, _APPEND. */
int32_t sys_open(const char *path, uint32_t path_len, uint32_t flags);
int32_t sys_close(int32_t handle);
/* Bytes read or written at the handle's position (fewer on another node). */
int32_t sys_read(int32_t handle, void *buf, uint32_t len);
int32_t sys_fwrite(int32_t handle, const void *buf, uint32_t len);
int32_t sys_fsync(int32_t handle);
int32_t sys_truncate(int32_t handle, uint64_t size_bytes);
int32_t sys_mkdir(const char *path, uint32_t path_len);
/* 1 and the entry after *entry (name_len 0: the first), 0 at the end. */
int32_t sys_readdir(int32_t handle, struct abi_dirent *entry);
int32_t sys_rename(const char *from, uint32_t from_len, const char *to, uint32_t to_len);
int32_t sys_unlink(const char *path, uint32_t path_len);
int32_t sys_stat(const char *path, uint32_t path_len, struct abi_stat *st);
int32_t sys_kv_put(const void *key, uint32_t key_len, const void *value, uint32_t value_len);
/* The value's length; its first min(length, cap) bytes in buf. */
int32_t sys_kv_get(const void *key, uint32_t key_len, void *buf, uint32_t cap);
int32_t sys_kv_del(const void *key, uint32_t key_len);
/* 1 and the next key with the prefix in *cursor (key_len 0: the first), 0 at the end. */
int32_t sys_kv_scan(const void *prefix, uint32_t prefix_len, struct abi_kv_cursor *cursor);

#endif
