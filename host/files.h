/*
 * files.h - the two file-system steps every host tool needs: creating an
 * output directory with its parents, and writing a small text file.
 */
#ifndef HOST_FILES_H
#define HOST_FILES_H

/* mkdir -p: 0, or -1 with errno set (ENOTDIR when `path` exists and is
 * not a directory). */
int files_make_dirs(const char *path);
/* Write `text` and a newline to the file at `path`: 0, or -1 with errno set. */
int files_write_text(const char *path, const char *text);

#endif
