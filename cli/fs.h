/*
 * fs.h - the pieces of `nimbus fs` (fs.c parses and dispatches, fs_check.c
 * makes and checks images, fs_files.c reads and changes files).
 */
#ifndef CLI_FS_H
#define CLI_FS_H

#include <stdint.h>

#include "fs_image.h"

struct fs_args {
    const char *action, *image, *path, *local;
    const char *size, *label;
};

/* Each returns the exit status: 0 done, 1 bad usage or findings, 2 failed. */
int fs_mkfs(const struct fs_args *a);
int fs_fsck(const struct fs_args *a);
int fs_ls(const struct fs_args *a);
int fs_cat(const struct fs_args *a);
int fs_put(const struct fs_args *a);
int fs_stat(const struct fs_args *a);
int fs_mkdir(const struct fs_args *a);
int fs_rm(const struct fs_args *a);

/* Open the image to change it, find PATH's parent directory and last
 * name (fs_files.c). */
int fs_open_parent(const struct fs_args *a, struct fs_image *im, uint64_t *dir, const char **name,
                   uint32_t *len);

/* Truncate a file to 0 in slices of FS_SLICE_BYTES, committing between
 * them when buffers run out (fs_files.c). A store error, or STORE_OK. */
#define FS_SLICE_BYTES (64ull << 20)
int fs_empty_file(struct fs_image *im, uint64_t ino);

/* "nimbus fs: IMAGE: message" on stderr; returns `status`. */
int fs_fail(const struct fs_args *a, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for a store error about PATH. */
int fs_fail_store(const struct fs_args *a, struct fs_image *im, int rc);

#endif
