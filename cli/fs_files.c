/*
 * fs_files.c - `nimbus fs ls|cat|put|stat|mkdir|rm`: one store operation
 * each, then a commit. nimbus fs has no simulated clock: the times it
 * writes are 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fs.h"

int fs_open_parent(const struct fs_args *a, struct fs_image *im, uint64_t *dir, const char **name,
                   uint32_t *len)
{
    char err[256], parent[4096];
    if (fs_image_open(im, a->image, true, err, sizeof err) != 0)
        return fs_fail(a, CLI_EXIT_FAILED, "%s", err);
    const char *slash = strrchr(a->path, '/');
    if (a->path[0] != '/' || slash == NULL || slash[1] == '\0' || (size_t)(slash - a->path) >= sizeof parent)
        return fs_fail(a, CLI_EXIT_USAGE, "%s: not an absolute path to a name", a->path);
    memcpy(parent, a->path, (size_t)(slash - a->path));
    parent[slash - a->path] = '\0';
    int rc = store_lookup(&im->store, parent[0] == '\0' ? "/" : parent, dir);
    *name = slash + 1;
    *len = (uint32_t)strlen(*name);
    return rc == STORE_OK ? CLI_EXIT_OK : fs_fail_store(a, im, rc);
}

/* Commit what the action did, close the image. */
static int fs_finish(const struct fs_args *a, struct fs_image *im, int status)
{
    char err[256];
    if (status == CLI_EXIT_OK && fs_image_commit(im, err, sizeof err) != 0)
        status = fs_fail(a, CLI_EXIT_FAILED, "%s", err);
    fs_image_close(im);
    return status;
}

static int fs_open_path(const struct fs_args *a, struct fs_image *im, uint64_t *ino)
{
    char err[256];
    if (fs_image_open(im, a->image, false, err, sizeof err) != 0)
        return fs_fail(a, CLI_EXIT_FAILED, "%s", err);
    int rc = store_lookup(&im->store, a->path, ino);
    return rc == STORE_OK ? CLI_EXIT_OK : fs_fail_store(a, im, rc);
}

static void fs_print_entry(const struct store_stat *st, const char *name)
{
    printf("%s %10" PRIu64 "  %s%s\n", st->type == STORE_TYPE_DIR ? "d" : "-", st->size_bytes, name,
           st->type == STORE_TYPE_DIR ? "/" : "");
}

/* One line per entry of directory `dir`, in name order. */
static int fs_list_dir(struct fs_image *im, uint64_t dir)
{
    struct store_dirent cur = {.name_len = 0};
    struct store_stat st;
    int rc;
    while ((rc = store_readdir(&im->store, dir, &cur)) == 1) {
        if ((rc = store_stat(&im->store, cur.ino, &st)) != STORE_OK)
            return rc;
        fs_print_entry(&st, cur.name);
    }
    return rc;
}

int fs_ls(const struct fs_args *a)
{
    struct fs_image im;
    struct store_stat st;
    uint64_t ino;
    int status = fs_open_path(a, &im, &ino), rc = STORE_OK;
    if (status == CLI_EXIT_OK && (rc = store_stat(&im.store, ino, &st)) == STORE_OK) {
        if (st.type == STORE_TYPE_FILE)
            fs_print_entry(&st, a->path);
        else
            rc = fs_list_dir(&im, ino);
    }
    if (status == CLI_EXIT_OK && rc < 0)
        status = fs_fail_store(a, &im, rc);
    fs_image_close(&im);
    return status;
}

int fs_cat(const struct fs_args *a)
{
    static uint8_t buf[STORE_IO_MAX];
    struct fs_image im;
    uint64_t ino, at = 0;
    int status = fs_open_path(a, &im, &ino), rc = 1;
    while (status == CLI_EXIT_OK && (rc = store_read(&im.store, ino, at, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)rc, stdout);
        at += (uint64_t)rc;
    }
    if (status == CLI_EXIT_OK && rc < 0)
        status = fs_fail_store(a, &im, rc);
    fs_image_close(&im);
    return status;
}

int fs_stat(const struct fs_args *a)
{
    struct fs_image im;
    struct store_stat st;
    uint64_t ino;
    int status = fs_open_path(a, &im, &ino), rc;
    if (status == CLI_EXIT_OK && (rc = store_stat(&im.store, ino, &st)) != STORE_OK)
        status = fs_fail_store(a, &im, rc);
    if (status == CLI_EXIT_OK)
        printf("%s: %s, inode %" PRIu64 ", %" PRIu64 " %s, %u links, parent inode %" PRIu64 ", ctime %" PRIu64
               " ns, mtime %" PRIu64 " ns\n",
               a->path, st.type == STORE_TYPE_DIR ? "directory" : "file", st.ino, st.size_bytes,
               st.type == STORE_TYPE_DIR ? "entries" : "bytes", st.nlink, st.parent, st.ctime_ns,
               st.mtime_ns);
    fs_image_close(&im);
    return status;
}

int fs_mkdir(const struct fs_args *a)
{
    struct fs_image im;
    uint64_t dir, ino;
    const char *name = NULL;
    uint32_t len = 0;
    int status = fs_open_parent(a, &im, &dir, &name, &len), rc;
    if (status == CLI_EXIT_OK &&
        (rc = store_create(&im.store, dir, name, len, STORE_TYPE_DIR, 0, &ino)) != STORE_OK)
        status = fs_fail_store(a, &im, rc);
    return fs_finish(a, &im, status);
}

/* Empty a file a slice at a time, committing between slices when the
 * batch runs out of buffers: removing a large file at once would need
 * buffers for every leaf of its extents. A crash in between leaves the
 * file shorter, never corrupt. */
int fs_empty_file(struct fs_image *im, uint64_t ino)
{
    struct store_stat st;
    char err[256];
    int rc = store_stat(&im->store, ino, &st);
    while (rc == STORE_OK && st.size_bytes > 0) {
        uint64_t to = st.size_bytes > FS_SLICE_BYTES ? st.size_bytes - FS_SLICE_BYTES : 0;
        rc = store_truncate(&im->store, ino, to, 0);
        if (rc == STORE_E_NO_MEMORY && fs_image_commit(im, err, sizeof err) == 0)
            rc = store_truncate(&im->store, ino, to, 0);
        st.size_bytes = to;
    }
    return rc;
}

/* A directory must be empty; a file is emptied first (fs_empty_file). */
static int fs_remove(struct fs_image *im, uint64_t dir, const char *name, uint32_t len)
{
    uint64_t ino;
    struct store_stat st;
    int rc = store_lookup_at(&im->store, dir, name, len, &ino);
    if (rc == STORE_OK)
        rc = store_stat(&im->store, ino, &st);
    if (rc == STORE_OK && st.type == STORE_TYPE_DIR)
        return store_rmdir(&im->store, dir, name, len, 0);
    if (rc == STORE_OK)
        rc = fs_empty_file(im, ino);
    return rc == STORE_OK ? store_unlink(&im->store, dir, name, len, 0) : rc;
}

int fs_rm(const struct fs_args *a)
{
    struct fs_image im;
    uint64_t dir;
    const char *name = NULL;
    uint32_t len = 0;
    int status = fs_open_parent(a, &im, &dir, &name, &len), rc;
    if (status == CLI_EXIT_OK && (rc = fs_remove(&im, dir, name, len)) != STORE_OK)
        status = fs_fail_store(a, &im, rc);
    return fs_finish(a, &im, status);
}
