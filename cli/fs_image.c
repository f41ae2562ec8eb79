/*
 * fs_image.c - a store in an image file (fs_image.h).
 */
#define _POSIX_C_SOURCE 200809L /* pread, pwrite, fsync */
#include "fs_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/xalloc.h"

/* Buffers for the batch of one command, besides the bitmaps. */
#define FS_IMAGE_DIRTY_BUFFERS 1024u

static const uint8_t *fs_image_get(void *ctx, uint64_t block)
{
    struct fs_image *im = ctx;
    if (block >= im->blocks)
        return NULL;
    if (im->cache[block] == NULL) {
        uint8_t *b = xcalloc(1, STORE_BLOCK_SIZE);
        if (pread(im->fd, b, STORE_BLOCK_SIZE, (off_t)(block * STORE_BLOCK_SIZE)) !=
            (ssize_t)STORE_BLOCK_SIZE) {
            free(b);
            return NULL; /* the caller reports a failed read */
        }
        im->cache[block] = b;
    }
    return im->cache[block];
}

static void fs_image_setup(struct fs_image *im, const char *path, int fd, uint64_t blocks)
{
    memset(im, 0, sizeof *im);
    im->path = path;
    im->fd = fd;
    im->blocks = blocks;
    im->cache = xcalloc(blocks, sizeof im->cache[0]);
    uint32_t count = 3u * (uint32_t)((blocks + STORE_BITS_PER_BITMAP - 1) / STORE_BITS_PER_BITMAP) +
                     FS_IMAGE_DIRTY_BUFFERS;
    im->bufs = xcalloc(count, sizeof im->bufs[0]);
    im->ops.get = fs_image_get;
    store_init(&im->store, &im->ops, im, im->bufs, count);
}

static int fs_image_write(struct fs_image *im, uint64_t block, const uint8_t *data)
{
    if (pwrite(im->fd, data, STORE_BLOCK_SIZE, (off_t)(block * STORE_BLOCK_SIZE)) !=
        (ssize_t)STORE_BLOCK_SIZE)
        return -1;
    if (im->cache[block] == NULL)
        im->cache[block] = xcalloc(1, STORE_BLOCK_SIZE);
    memcpy(im->cache[block], data, STORE_BLOCK_SIZE);
    return 0;
}

int fs_image_commit(struct fs_image *im, char *err, size_t bytes)
{
    struct store_commit c;
    int rc = store_commit_begin(&im->store, &c);
    if (rc != STORE_OK) {
        fs_image_describe(im, rc, err, bytes);
        return -1;
    }
    uint32_t cursor = 0;
    uint64_t block;
    const uint8_t *data;
    bool ok = true;
    while (ok && store_commit_next(&im->store, &cursor, &block, &data))
        ok = fs_image_write(im, block, data) == 0;
    ok = ok && fsync(im->fd) == 0 && fs_image_write(im, c.super_block, c.super_data) == 0 &&
         fsync(im->fd) == 0;
    store_commit_done(&im->store, ok);
    if (!ok)
        snprintf(err, bytes, "cannot write: %s", strerror(errno));
    return ok ? 0 : -1;
}

int fs_image_mkfs(struct fs_image *im, const char *path, uint64_t blocks, const char *label, char *err,
                  size_t bytes)
{
    memset(im, 0, sizeof *im);
    im->fd = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)(blocks * STORE_BLOCK_SIZE)) != 0) {
        snprintf(err, bytes, "cannot create: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fs_image_setup(im, path, fd, blocks);
    int rc = store_format(&im->store, blocks, label, 0);
    if (rc != STORE_OK) {
        fs_image_describe(im, rc, err, bytes);
        return -1;
    }
    /* Twice, so that both superblocks are valid. */
    return fs_image_commit(im, err, bytes) == 0 ? fs_image_commit(im, err, bytes) : -1;
}

int fs_image_open(struct fs_image *im, const char *path, bool writable, char *err, size_t bytes)
{
    struct stat st;
    memset(im, 0, sizeof *im);
    im->fd = -1;
    int fd = open(path, writable ? O_RDWR : O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, bytes, "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fs_image_setup(im, path, fd, (uint64_t)st.st_size / STORE_BLOCK_SIZE);
    int rc = store_mount(&im->store, &im->mount);
    if (rc == STORE_OK && im->store.blocks > im->blocks) {
        snprintf(err, bytes, "cannot mount: the superblock says %llu blocks, the file holds %llu",
                 (unsigned long long)im->store.blocks, (unsigned long long)im->blocks);
        return -1;
    }
    if (rc != STORE_OK && im->mount.super_state[0] != STORE_SUPER_VALID &&
        im->mount.super_state[1] != STORE_SUPER_VALID) {
        snprintf(err, bytes, "cannot mount: no valid superblock (blocks 0 and 1 fail their checks)");
        return -1;
    }
    if (rc != STORE_OK) {
        char why[200];
        fs_image_describe(im, rc, why, sizeof why);
        snprintf(err, bytes, "cannot mount: %s", why);
        return -1;
    }
    return 0;
}

void fs_image_close(struct fs_image *im)
{
    for (uint64_t b = 0; im->cache != NULL && b < im->blocks; b++)
        free(im->cache[b]);
    free(im->cache);
    free(im->bufs);
    if (im->fd >= 0)
        close(im->fd);
    im->cache = NULL;
    im->bufs = NULL;
    im->fd = -1;
}

const char *fs_image_err_text(int err)
{
    switch (err) {
    case STORE_E_NO_SPACE: return "no space left in the store";
    case STORE_E_NOT_FOUND: return "no such file, directory or key";
    case STORE_E_EXISTS: return "already exists";
    case STORE_E_NOT_EMPTY: return "directory not empty";
    case STORE_E_NAME_TOO_LONG: return "name longer than 255 bytes";
    case STORE_E_BAD_ARG: return "bad name or argument";
    case STORE_E_READ_ONLY: return "the store is read-only after a failed write";
    case STORE_E_CORRUPT: return "corrupt block";
    case STORE_E_AGAIN: return "cannot read block";
    case STORE_E_NO_MEMORY: return "out of buffers";
    case STORE_E_TOO_BIG: return "too big";
    case STORE_E_NOT_DIR: return "not a directory";
    case STORE_E_IS_DIR: return "is a directory";
    default: return store_err_name(err);
    }
}

void fs_image_describe(const struct fs_image *im, int rc, char *out, size_t bytes)
{
    if (rc == STORE_E_CORRUPT || rc == STORE_E_AGAIN)
        snprintf(out, bytes, "%s %llu (%s)", fs_image_err_text(rc),
                 (unsigned long long)store_error_block(&im->store), store_err_name(rc));
    else
        snprintf(out, bytes, "%s (%s)", fs_image_err_text(rc), store_err_name(rc));
}
