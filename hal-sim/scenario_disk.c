/*
 * scenario_disk.c - a node group's "disk" object: size, latency,
 * bandwidth, write cache, what a crash does to the cache, an image file,
 * and the disk's faults (read errors, latency spikes). docs/scenarios.md
 * documents the keys and their messages.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal_disk.h"
#include "scenario_priv.h"

#define SCN_DISK_DEFAULT_LATENCY_NS 100000u   /* 100us */
#define SCN_DISK_DEFAULT_BANDWIDTH 500000000u /* 500MB/s */

static const char *const scn_disk_keys[] = {
    "size", "latency", "bandwidth", "write_cache", "crash", "image", "read_errors", "latency_spikes", NULL,
};
static const char *const scn_spike_keys[] = {"at", "for", "extra", NULL};

static int scn_parse_disk_size(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                               uint64_t *bytes)
{
    enum units_status st = cJSON_IsString(item) ? units_parse_size(item->valuestring, bytes) : UNITS_SYNTAX;
    if (st != UNITS_OK)
        return scn_fail_units(p, at, item, st, UNITS_KIND_SIZE);
    char shown[64];
    jcheck_describe(item, shown, sizeof shown);
    if (*bytes == 0)
        return jcheck_fail(&p->jc, at, "a disk needs at least one sector, got %s", shown);
    if (*bytes % HAL_DISK_BLOCK_BYTES != 0)
        return jcheck_fail(&p->jc, at, "not a whole number of %u-byte sectors, got %s", HAL_DISK_BLOCK_BYTES,
                           shown);
    if (*bytes > SCN_MAX_DISK_BYTES)
        return jcheck_fail(&p->jc, at, "at most 1TiB, got %s", shown);
    return 0;
}

static int scn_parse_disk_rate(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                               uint64_t *rate)
{
    enum units_status st = cJSON_IsString(item) ? units_parse_byte_rate(item->valuestring, rate) : UNITS_SYNTAX;
    if (st == UNITS_ZERO_RATE) {
        char shown[64];
        jcheck_describe(item, shown, sizeof shown);
        return jcheck_fail(&p->jc, at, "a disk must move data: more than 0B/s, got %s", shown);
    }
    if (st != UNITS_OK)
        return scn_fail_units(p, at, item, st, UNITS_KIND_BYTE_RATE);
    return 0;
}

static int scn_parse_disk_crash(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                                enum scn_disk_crash *crash)
{
    const char *what = "\"lose-all\" or \"keep-random\"";
    if (!cJSON_IsString(item))
        return jcheck_fail_type(&p->jc, at, what, item);
    if (strcmp(item->valuestring, "lose-all") == 0)
        *crash = SCN_DISK_CRASH_LOSE_ALL;
    else if (strcmp(item->valuestring, "keep-random") == 0)
        *crash = SCN_DISK_CRASH_KEEP_RANDOM;
    else
        return jcheck_fail_type(&p->jc, at, what, item);
    return 0;
}

/* The image path as given, relative to the scenario file's directory. */
static int scn_parse_disk_image(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                                uint64_t group_count, char **image)
{
    if (!cJSON_IsString(item) || item->valuestring[0] == '\0')
        return jcheck_fail_type(&p->jc, at, "a file path", item);
    const char *given = item->valuestring;
    if (group_count > 1 && strstr(given, SCN_DISK_IMAGE_NODE) == NULL)
        return jcheck_fail(&p->jc, at,
                           "a group of %llu nodes needs \"%s\" in the image path (one image per node)",
                           (unsigned long long)group_count, SCN_DISK_IMAGE_NODE);
    *image = scn_relative_path(p, at, given);
    return *image != NULL ? 0 : -1;
}

static int scn_compare_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* "read_errors": distinct block numbers on the disk. */
static int scn_parse_read_errors(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                                 struct scn_disk *d)
{
    size_t count = 0;
    if (jcheck_array(&p->jc, at, item, &count) < 0)
        return -1;
    if (count > SCN_MAX_DISK_READ_ERRORS)
        return jcheck_fail(&p->jc, at, "at most %u blocks, got %zu", SCN_MAX_DISK_READ_ERRORS, count);
    d->read_errors = calloc(count > 0 ? count : 1, sizeof *d->read_errors);
    if (d->read_errors == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    uint64_t blocks = d->size_bytes / HAL_DISK_BLOCK_BYTES;
    const cJSON *block;
    cJSON_ArrayForEach (block, item) {
        struct jpath sub = jpath_element(at, d->read_error_count);
        uint64_t b = 0;
        if (!jcheck_is_uint(block, &b))
            return jcheck_fail_type(&p->jc, &sub, "a block number", block);
        if (b >= blocks)
            return jcheck_fail(&p->jc, &sub, "block %llu is past the end of the disk (%llu blocks)",
                               (unsigned long long)b, (unsigned long long)blocks);
        d->read_errors[d->read_error_count++] = b;
    }
    qsort(d->read_errors, d->read_error_count, sizeof *d->read_errors, scn_compare_u64);
    for (uint32_t i = 1; i < d->read_error_count; i++)
        if (d->read_errors[i] == d->read_errors[i - 1])
            return jcheck_fail(&p->jc, at, "block %llu is listed twice",
                               (unsigned long long)d->read_errors[i]);
    return 0;
}

static int scn_parse_spike(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                           struct scn_disk_spike *spike)
{
    if (jcheck_object(&p->jc, at, item, scn_spike_keys) < 0)
        return -1;
    static const char *const keys[] = {"at", "for", "extra"};
    uint64_t *values[] = {&spike->at_ns, &spike->for_ns, &spike->extra_ns};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v;
        struct jpath sub = jpath_member(at, keys[i]);
        if (jcheck_required(&p->jc, at, item, keys[i], &v) < 0 ||
            scn_parse_duration(p, &sub, v, values[i]) < 0)
            return -1;
    }
    if (spike->for_ns == 0) {
        struct jpath sub = jpath_member(at, "for");
        return jcheck_fail(&p->jc, &sub, "must be longer than 0s");
    }
    return 0;
}

/* "latency_spikes": [{"at": "1s", "for": "200ms", "extra": "5ms"}, ...] */
static int scn_parse_spikes(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                            struct scn_disk *d)
{
    size_t count = 0;
    if (jcheck_array(&p->jc, at, item, &count) < 0)
        return -1;
    if (count > SCN_MAX_DISK_SPIKES)
        return jcheck_fail(&p->jc, at, "at most %u spikes, got %zu", SCN_MAX_DISK_SPIKES, count);
    d->spikes = calloc(count > 0 ? count : 1, sizeof *d->spikes);
    if (d->spikes == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    const cJSON *spike;
    cJSON_ArrayForEach (spike, item) {
        struct jpath sub = jpath_element(at, d->spike_count);
        if (scn_parse_spike(p, &sub, spike, &d->spikes[d->spike_count]) < 0)
            return -1;
        d->spike_count++;
    }
    return 0;
}

/* Everything but "size" and "image"; all optional. */
static int scn_parse_disk_options(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                                  struct scn_disk *d)
{
    const cJSON *v;
    struct jpath sub = jpath_member(at, "bandwidth");
    if (scn_opt_duration(p, at, item, "latency", &d->latency_ns) < 0 ||
        ((v = jcheck_member(item, "bandwidth")) != NULL &&
         scn_parse_disk_rate(p, &sub, v, &d->bandwidth_bytes_per_s) < 0))
        return -1;
    sub = jpath_member(at, "write_cache");
    if ((v = jcheck_member(item, "write_cache")) != NULL && jcheck_bool(&p->jc, &sub, v, &d->write_cache) < 0)
        return -1;
    sub = jpath_member(at, "crash");
    if ((v = jcheck_member(item, "crash")) != NULL && scn_parse_disk_crash(p, &sub, v, &d->crash) < 0)
        return -1;
    sub = jpath_member(at, "read_errors");
    if ((v = jcheck_member(item, "read_errors")) != NULL && scn_parse_read_errors(p, &sub, v, d) < 0)
        return -1;
    sub = jpath_member(at, "latency_spikes");
    if ((v = jcheck_member(item, "latency_spikes")) != NULL && scn_parse_spikes(p, &sub, v, d) < 0)
        return -1;
    return 0;
}

static int scn_fill_disk(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                         uint64_t group_count, struct scn_disk *d)
{
    if (jcheck_object(&p->jc, at, item, scn_disk_keys) < 0)
        return -1;
    const cJSON *v;
    struct jpath sub = jpath_member(at, "size");
    if (jcheck_required(&p->jc, at, item, "size", &v) < 0 ||
        scn_parse_disk_size(p, &sub, v, &d->size_bytes) < 0)
        return -1;
    if (scn_parse_disk_options(p, at, item, d) < 0)
        return -1;
    sub = jpath_member(at, "image");
    if ((v = jcheck_member(item, "image")) != NULL &&
        scn_parse_disk_image(p, &sub, v, group_count, &d->image) < 0)
        return -1;
    return 0;
}

int scn_parse_disk(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint64_t group_count,
                   const struct scn_disk **out)
{
    struct scenario *s = p->s;
    struct scn_disk **grown = realloc(s->disks, (s->disk_count + 1) * sizeof *grown);
    struct scn_disk *d = calloc(1, sizeof *d);
    if (grown != NULL)
        s->disks = grown;
    if (grown == NULL || d == NULL) {
        free(d);
        return jcheck_fail(&p->jc, at, "out of memory");
    }
    s->disks[s->disk_count++] = d; /* owned by the scenario from here, even on error */
    *d = (struct scn_disk){.latency_ns = SCN_DISK_DEFAULT_LATENCY_NS,
                           .bandwidth_bytes_per_s = SCN_DISK_DEFAULT_BANDWIDTH,
                           .write_cache = true,
                           .crash = SCN_DISK_CRASH_LOSE_ALL};
    *out = d;
    return scn_fill_disk(p, at, item, group_count, d);
}

void scn_free_disk(struct scn_disk *d)
{
    if (d == NULL)
        return;
    free(d->image);
    free(d->read_errors);
    free(d->spikes);
    free(d);
}
