/* files.c - see files.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text_buf.h"

int files_make_dirs(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return -1;
        buf[i] = c;
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int files_write_bytes(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fwrite(data, 1, len, f);
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

int files_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

char *files_read_text(const char *path, size_t max_bytes, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct text_buf b = {0};
    char chunk[65536];
    size_t got;
    while (b.len <= max_bytes && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        text_buf_put(&b, chunk, got);
    int read_errno = ferror(f) ? errno : 0;
    fclose(f);
    if (read_errno != 0 || b.len > max_bytes) {
        text_buf_free(&b);
        errno = read_errno != 0 ? read_errno : EFBIG;
        return NULL;
    }
    text_buf_putc(&b, '\0');
    *len = b.len - 1;
    return b.data;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

int files_remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
