/*
 * fs_put.c - `nimbus fs put IMAGE PATH [LOCALFILE|-]`: store a local file
 * (or standard input) as PATH, replacing what PATH held. A batch that
 * runs out of buffers is committed and the write goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fs.h"

/* PATH's file, made if missing, emptied if present. */
static int fs_put_target(struct fs_image *im, uint64_t dir, const char *name, uint32_t len, uint64_t *ino)
{
    int rc = store_lookup_at(&im->store, dir, name, len, ino);
    if (rc == STORE_E_NOT_FOUND)
        return store_create(&im->store, dir, name, len, STORE_TYPE_FILE, 0, ino);
    return rc == STORE_OK ? fs_empty_file(im, *ino) : rc;
}

static int fs_put_write(const struct fs_args *a, struct fs_image *im, uint64_t at, const uint8_t *buf,
                        uint32_t n, uint64_t ino)
{
    char err[256];
    int rc = store_write(&im->store, ino, at, buf, n, 0);
    if (rc == STORE_E_NO_MEMORY) {
        if (fs_image_commit(im, err, sizeof err) != 0)
            return fs_fail(a, CLI_EXIT_FAILED, "%s", err);
        rc = store_write(&im->store, ino, at, buf, n, 0);
    }
    return rc == STORE_OK ? CLI_EXIT_OK : fs_fail_store(a, im, rc);
}

static int fs_put_copy(const struct fs_args *a, struct fs_image *im, FILE *in, uint64_t ino)
{
    static uint8_t buf[STORE_IO_MAX];
    uint64_t at = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        int status = fs_put_write(a, im, at, buf, (uint32_t)n, ino);
        if (status != CLI_EXIT_OK)
            return status;
        at += n;
    }
    if (ferror(in))
        return fs_fail(a, CLI_EXIT_FAILED, "cannot read %s: %s", a->local ? a->local : "standard input",
                       strerror(errno));
    return CLI_EXIT_OK;
}

int fs_put(const struct fs_args *a)
{
    struct fs_image im;
    uint64_t dir, ino;
    const char *name = NULL;
    uint32_t len = 0;
    char err[256];
    bool from_stdin = a->local == NULL || strcmp(a->local, "-") == 0;
    FILE *in = from_stdin ? stdin : fopen(a->local, "rb");
    if (in == NULL)
        return fs_fail(a, CLI_EXIT_FAILED, "cannot open %s: %s", a->local, strerror(errno));
    int status = fs_open_parent(a, &im, &dir, &name, &len), rc;
    if (status == CLI_EXIT_OK && (rc = fs_put_target(&im, dir, name, len, &ino)) != STORE_OK)
        status = fs_fail_store(a, &im, rc);
    if (status == CLI_EXIT_OK)
        status = fs_put_copy(a, &im, in, ino);
    if (!from_stdin)
        fclose(in);
    if (status == CLI_EXIT_OK && fs_image_commit(&im, err, sizeof err) != 0)
        status = fs_fail(a, CLI_EXIT_FAILED, "%s", err);
    fs_image_close(&im);
    return status;
}
