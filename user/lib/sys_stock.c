/*
 * sys_stock.c - the Stockholder and key-value system calls (core/abi.h),
 * one stub each.
 */
#include "sys.h"

static uint32_t addr(const void *p)
{
    return (uint32_t)(uintptr_t)p;
}

int32_t sys_open(const char *path, uint32_t path_len, uint32_t flags)
{
    return sys_call(SYS_OPEN, addr(path), path_len, flags, 0, 0, 0);
}

int32_t sys_close(int32_t handle)
{
    return sys_call(SYS_CLOSE, (uint32_t)handle, 0, 0, 0, 0, 0);
}

int32_t sys_read(int32_t handle, void *buf, uint32_t len)
{
    return sys_call(SYS_READ, (uint32_t)handle, addr(buf), len, 0, 0, 0);
}

int32_t sys_fwrite(int32_t handle, const void *buf, uint32_t len)
{
    return sys_call(SYS_FWRITE, (uint32_t)handle, addr(buf), len, 0, 0, 0);
}

int32_t sys_fsync(int32_t handle)
{
    return sys_call(SYS_FSYNC, (uint32_t)handle, 0, 0, 0, 0, 0);
}

int32_t sys_truncate(int32_t handle, uint64_t size_bytes)
{
    return sys_call(SYS_TRUNCATE, (uint32_t)handle, (uint32_t)size_bytes, (uint32_t)(size_bytes >> 32), 0, 0, 0);
}

int32_t sys_mkdir(const char *path, uint32_t path_len)
{
    return sys_call(SYS_MKDIR, addr(path), path_len, 0, 0, 0, 0);
}

int32_t sys_readdir(int32_t handle, struct abi_dirent *entry)
{
    return sys_call(SYS_READDIR, (uint32_t)handle, addr(entry), 0, 0, 0, 0);
}

int32_t sys_rename(const char *from, uint32_t from_len, const char *to, uint32_t to_len)
{
    return sys_call(SYS_RENAME, addr(from), from_len, addr(to), to_len, 0, 0);
}

int32_t sys_unlink(const char *path, uint32_t path_len)
{
    return sys_call(SYS_UNLINK, addr(path), path_len, 0, 0, 0, 0);
}

int32_t sys_stat(const char *path, uint32_t path_len, struct abi_stat *st)
{
    return sys_call(SYS_STAT, addr(path), path_len, addr(st), 0, 0, 0);
}

int32_t sys_kv_put(const void *key, uint32_t key_len, const void *value, uint32_t value_len)
{
    return sys_call(SYS_KV_PUT, addr(key), key_len, addr(value), value_len, 0, 0);
}

int32_t sys_kv_get(const void *key, uint32_t key_len, void *buf, uint32_t cap)
{
    return sys_call(SYS_KV_GET, addr(key), key_len, addr(buf), cap, 0, 0);
}

int32_t sys_kv_del(const void *key, uint32_t key_len)
{
    return sys_call(SYS_KV_DEL, addr(key), key_len, 0, 0, 0, 0);
}

int32_t sys_kv_scan(const void *prefix, uint32_t prefix_len, struct abi_kv_cursor *cursor)
{
    return sys_call(SYS_KV_SCAN, addr(prefix), prefix_len, addr(cursor), 0, 0, 0);
}
