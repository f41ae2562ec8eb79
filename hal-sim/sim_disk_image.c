/* sim_disk_image.c - see sim_disk_image.h. */
#define _POSIX_C_SOURCE 200809L /* pread, pwrite */

#include "sim_disk_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sim_disk_image_path(const struct scn_disk *cfg, uint32_t node, char *buf, size_t bytes)
{
    const char *src = cfg->image, *mark;
    size_t used = 0, mark_len = strlen(SCN_DISK_IMAGE_NODE);
    while ((mark = strstr(src, SCN_DISK_IMAGE_NODE)) != NULL) {
        int n = snprintf(buf + used, bytes - used, "%.*s%u", (int)(mark - src), src, node);
        if (n < 0 || (size_t)n >= bytes - used)
            return -1;
        used += (size_t)n;
        src = mark + mark_len;
    }
    int n = snprintf(buf + used, bytes - used, "%s", src);
    return n < 0 || (size_t)n >= bytes - used ? -1 : 0;
}

static bool chunk_is_zero(const uint8_t *c, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (c[i] != 0)
            return false;
    return true;
}

static int image_fail(char *err, size_t err_bytes, const char *path, const char *what, int errnum)
{
    snprintf(err, err_bytes, "%s: %s: %s", path, what, strerror(errnum));
    return -1;
}

/* Read every chunk of the open image into the store. */
static int image_read_chunks(struct sim_disk *d, int fd, const char *path, char *err, size_t err_bytes)
{
    uint8_t chunk[SIM_DISK_CHUNK_BYTES];
    uint64_t blocks = sim_disk_block_count(d);
    for (uint64_t first = 0; first < blocks; first += SIM_DISK_CHUNK_BLOCKS) {
        uint32_t count =
            blocks - first < SIM_DISK_CHUNK_BLOCKS ? (uint32_t)(blocks - first) : SIM_DISK_CHUNK_BLOCKS;
        size_t len = (size_t)count * HAL_DISK_BLOCK_BYTES;
        ssize_t got = pread(fd, chunk, len, (off_t)(first * HAL_DISK_BLOCK_BYTES));
        if (got != (ssize_t)len)
            return image_fail(err, err_bytes, path, "cannot read", got < 0 ? errno : EIO);
        if (!chunk_is_zero(chunk, len))
            sim_disk_store_write(&d->store, first, count, chunk);
    }
    return 0;
}

int sim_disk_image_load(struct sim_disk *d, const char *path, char *err, size_t err_bytes)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno == ENOENT ? 0 : image_fail(err, err_bytes, path, "cannot open", errno);
    struct stat st;
    int rc = 0;
    uint64_t size = d->cfg->size_bytes;
    if (fstat(fd, &st) < 0)
        rc = image_fail(err, err_bytes, path, "cannot read", errno);
    else if (!S_ISREG(st.st_mode)) {
        snprintf(err, err_bytes, "%s: not a regular file", path);
        rc = -1;
    } else if ((uint64_t)st.st_size != size) {
        snprintf(err, err_bytes, "%s: the image is %llu bytes but the disk is %llu bytes (its \"size\")",
                 path, (unsigned long long)st.st_size, (unsigned long long)size);
        rc = -1;
    } else
        rc = image_read_chunks(d, fd, path, err, err_bytes);
    close(fd);
    return rc;
}

static int image_write_chunks(const struct sim_disk *d, int fd)
{
    if (ftruncate(fd, (off_t)d->cfg->size_bytes) < 0)
        return -1;
    uint64_t blocks = sim_disk_block_count(d);
    for (size_t slot = 0; slot < d->store.cap; slot++) {
        uint64_t chunk;
        const uint8_t *data;
        if (!sim_disk_store_slot(&d->store, slot, &chunk, &data))
            continue;
        uint64_t first = chunk * SIM_DISK_CHUNK_BLOCKS;
        uint64_t count = blocks - first < SIM_DISK_CHUNK_BLOCKS ? blocks - first : SIM_DISK_CHUNK_BLOCKS;
        size_t len = (size_t)count * HAL_DISK_BLOCK_BYTES;
        if (pwrite(fd, data, len, (off_t)(first * HAL_DISK_BLOCK_BYTES)) != (ssize_t)len)
            return -1;
    }
    return 0;
}

int sim_disk_image_save(const struct sim_disk *d, const char *path, char *err, size_t err_bytes)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return image_fail(err, err_bytes, path, "cannot write", ENAMETOOLONG);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return image_fail(err, err_bytes, path, "cannot write", errno);
    int rc = image_write_chunks(d, fd);
    int saved = errno;
    if (close(fd) < 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        rc = -1;
        saved = errno;
    }
    if (rc < 0) {
        unlink(tmp);
        return image_fail(err, err_bytes, path, "cannot write", saved);
    }
    return 0;
}
