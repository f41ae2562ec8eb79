/*
 * files.h - the two file-system steps every host tool needs: creating an
 * output directory with its parents, and writing a small text file.
 */
#ifndef HOST_FILES_H
#define HOST_FILES_H

#include <stddef.h>

/* mkdir -p: 0, or -1 with errno set (ENOTDIR when `path` exists and is
 * not a directory). */
int files_make_dirs(const char *path);
/* The whole file at `path`, NUL-terminated (the NUL not counted in
 * *len), to be freed by the caller; NULL with errno set when it cannot be
 * read, EFBIG when it is larger than `max_bytes`. */
char *files_read_text(const char *path, size_t max_bytes, size_t *len);
/* Write `text` and a newline to the file at `path`: 0, or -1 with errno set. */
/* Write exactly `len` bytes to the file at `path` (created or truncated):
 * 0, or -1 with errno set. */
int files_write_bytes(const char *path, const char *data, size_t len);
int files_write_text(const char *path, const char *text);
/* rm -r: remove `path` and everything below it (links are removed, never
 * followed): 0, or -1 with errno set. */
int files_remove_tree(const char *path);

#endif
