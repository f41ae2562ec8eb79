/*
 * file.c - Stockholder helpers over the raw calls: C-string paths and
 * whole transfers (a call moves at most ABI_FILE_IO_MAX bytes; a short
 * count is also allowed).
 */
#include "nimbus.h"

int32_t file_open(const char *path, uint32_t flags)
{
    return sys_open(path, (uint32_t)strlen(path), flags);
}

int32_t file_write_all(int32_t handle, const void *buf, uint32_t len)
{
    const uint8_t *at = buf;
    uint32_t done = 0;
    while (done < len) {
        int32_t n = sys_fwrite(handle, at + done, len - done);
        if (n <= 0)
            return n < 0 ? n : ERR_INVALID;
        done += (uint32_t)n;
    }
    return (int32_t)done;
}

int32_t file_read_full(int32_t handle, void *buf, uint32_t len)
{
    uint8_t *at = buf;
    uint32_t done = 0;
    while (done < len) {
        int32_t n = sys_read(handle, at + done, len - done);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        done += (uint32_t)n;
    }
    return (int32_t)done;
}

int32_t file_stat(const char *path, struct abi_stat *st)
{
    return sys_stat(path, (uint32_t)strlen(path), st);
}
