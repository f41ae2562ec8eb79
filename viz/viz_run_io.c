/*
 * viz_run_io.c - getting bytes into a run: cutting a stream into lines
 * (the live pipe and the file reader share it) and opening a run
 * directory or trace file with clear messages when it cannot be read.
 */
#define _POSIX_C_SOURCE 200809L
#include "viz_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "viz_vec.h"

#define READ_CHUNK_BYTES (1u << 20)

static int line_too_long(struct viz_run *r)
{
    r->lines++;
    snprintf(r->error, sizeof r->error, "%s:%llu: line longer than %u bytes", r->source,
             (unsigned long long)r->lines, VIZ_MAX_LINE_BYTES);
    r->failed = true;
    return -1;
}

/* Append to the carried-over partial line. */
static int carry(struct viz_run *r, const char *data, size_t len)
{
    if (r->partial_len + len > VIZ_MAX_LINE_BYTES)
        return line_too_long(r);
    r->partial = viz_vec_reserve(r->partial, &r->partial_cap, r->partial_len + len, 1);
    memcpy(r->partial + r->partial_len, data, len);
    r->partial_len += len;
    return 0;
}

int viz_run_feed(struct viz_run *r, const char *data, size_t len)
{
    if (r->failed)
        return -1;
    const char *end = data + len;
    while (data < end) {
        const char *nl = memchr(data, '\n', (size_t)(end - data));
        if (nl == NULL)
            return carry(r, data, (size_t)(end - data));
        if (r->partial_len > 0) {
            if (carry(r, data, (size_t)(nl - data)) < 0)
                return -1;
            size_t n = r->partial_len;
            r->partial_len = 0;
            if (viz_run_add_line(r, r->partial, n) < 0)
                return -1;
        } else if ((size_t)(nl - data) > VIZ_MAX_LINE_BYTES) {
            return line_too_long(r);
        } else if (viz_run_add_line(r, data, (size_t)(nl - data)) < 0) {
            return -1;
        }
        data = nl + 1;
    }
    return 0;
}

int viz_run_feed_end(struct viz_run *r)
{
    if (r->failed)
        return -1;
    size_t n = r->partial_len;
    r->partial_len = 0;
    if (n > 0 && viz_run_add_line(r, r->partial, n) < 0)
        return -1;
    if (!r->started) {
        snprintf(r->error, sizeof r->error, "%s: empty trace (no \"start\" line)", r->source);
        r->failed = true;
        return -1;
    }
    return 0;
}

static int open_fail(struct viz_run *r, const char *path, const char *why)
{
    snprintf(r->error, sizeof r->error, "%s: %s", path, why);
    r->failed = true;
    return -1;
}

int viz_run_load(struct viz_run *r, const char *path)
{
    char file[sizeof r->source];
    struct stat st;
    if (stat(path, &st) < 0)
        return open_fail(r, path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        snprintf(file, sizeof file, "%s/trace.jsonl", path);
        if (stat(file, &st) < 0)
            return open_fail(r, path, errno == ENOENT ? "no trace.jsonl in this directory "
                                                        "(is it a nimbus run's output?)"
                                                      : strerror(errno));
    } else {
        snprintf(file, sizeof file, "%s", path);
    }
    snprintf(r->source, sizeof r->source, "%s", file);
    FILE *f = fopen(file, "rb");
    if (f == NULL)
        return open_fail(r, file, strerror(errno));
    char *buf = malloc(READ_CHUNK_BYTES);
    int rc = 0;
    size_t got;
    while (rc == 0 && buf != NULL && (got = fread(buf, 1, READ_CHUNK_BYTES, f)) > 0)
        rc = viz_run_feed(r, buf, got);
    if (rc == 0 && (buf == NULL || ferror(f)))
        rc = open_fail(r, file, buf == NULL ? "out of memory" : "read error");
    free(buf);
    fclose(f);
    return rc == 0 ? viz_run_feed_end(r) : -1;
}
