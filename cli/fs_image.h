/*
 * fs_image.h - a Stockholder store in an image file, for `nimbus fs`
 * (fs.c): a block cache that reads the file synchronously (so the store
 * never waits for a block, and a missing block means the read failed),
 * and commits written with a flush (fsync) before and after the
 * superblock, as core/store/store.h asks.
 */
#ifndef CLI_FS_IMAGE_H
#define CLI_FS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store/store.h"

struct fs_image {
    const char *path;
    int fd;
    uint64_t blocks; /* the file's whole blocks */
    uint8_t **cache; /* per block, NULL until read */
    struct store_buf *bufs;
    struct store store;
    struct store_ops ops;
    struct store_mount_info mount;
};

/* Create (or overwrite) the image, `blocks` blocks, empty store. On
 * failure -1 with a message for "nimbus fs: IMAGE: <message>" in err. */
int fs_image_mkfs(struct fs_image *im, const char *path, uint64_t blocks, const char *label, char *err,
                  size_t bytes);
/* Open and mount an image; -1 with a message in err. */
int fs_image_open(struct fs_image *im, const char *path, bool writable, char *err, size_t bytes);
/* Write the batch: blocks, fsync, superblock, fsync. -1 with a message. */
int fs_image_commit(struct fs_image *im, char *err, size_t bytes);
void fs_image_close(struct fs_image *im);

/* "no such file or directory" and the like, for messages. */
const char *fs_image_err_text(int err);
/* A store error as a message: the text, and the block for corruption and
 * failed reads. */
void fs_image_describe(const struct fs_image *im, int rc, char *out, size_t bytes);

#endif
