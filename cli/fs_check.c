/*
 * fs_check.c - `nimbus fs mkfs` and `nimbus fs fsck`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/store/store_fsck.h"
#include "fs.h"
#include "host/units.h"

int fs_mkfs(const struct fs_args *a)
{
    uint64_t bytes;
    char err[256];
    struct fs_image im;
    if (a->size == NULL)
        return fs_fail(a, CLI_EXIT_USAGE, "mkfs needs --size (for example --size 64MiB)");
    if (units_parse_kind(UNITS_KIND_SIZE, a->size, &bytes, err, sizeof err) != UNITS_OK)
        return fs_fail(a, CLI_EXIT_USAGE, "--size: %s", err);
    if (bytes % STORE_BLOCK_SIZE != 0 || bytes < (uint64_t)STORE_MIN_BLOCKS * STORE_BLOCK_SIZE)
        return fs_fail(a, CLI_EXIT_USAGE,
                       "--size %s is not a whole number of 4096-byte blocks of at least %u blocks", a->size,
                       STORE_MIN_BLOCKS);
    if (bytes / STORE_BLOCK_SIZE > STORE_MAX_BLOCKS)
        return fs_fail(a, CLI_EXIT_USAGE,
                       "--size %s is larger than the largest store, 32GiB (the superblock lists at most %u "
                       "bitmap blocks of %u blocks each)",
                       a->size, STORE_MAX_BITMAPS, STORE_BITS_PER_BITMAP);
    int rc = fs_image_mkfs(&im, a->image, bytes / STORE_BLOCK_SIZE, a->label, err, sizeof err);
    if (rc == 0)
        printf("%s: %" PRIu64 " blocks of %u bytes, %u bitmap block(s), commit %" PRIu64 "\n", a->image,
               im.store.blocks, STORE_BLOCK_SIZE, im.store.bitmaps, im.store.seq);
    fs_image_close(&im);
    return rc == 0 ? CLI_EXIT_OK : fs_fail(a, CLI_EXIT_FAILED, "%s", err);
}

static void fs_print_mount(const struct fs_args *a, const struct fs_image *im, uint32_t invalid)
{
    printf("%s: mounted superblock %u (commit %" PRIu64 ", label '%.*s')", a->image, im->mount.super_used,
           im->mount.seq, (int)STORE_SB_LABEL_BYTES, (const char *)im->store.label);
    for (uint32_t i = 0; i < STORE_SUPER_BLOCKS; i++)
        if (invalid & (1u << i))
            printf("; superblock %u fails its checks (torn or corrupt; the next commit rewrites it)", i);
    putchar('\n');
}

static void fs_print_report(const struct fs_args *a, const struct fs_image *im,
                            const struct store_fsck_report *r)
{
    for (uint32_t i = 0; i < r->findings && i < STORE_FSCK_LISTED; i++) {
        const struct store_finding *f = &r->listed[i];
        printf("%s: block %" PRIu64 ": %s", a->image, f->block, store_finding_text(f->kind));
        if (f->ino != 0)
            printf(" (inode %" PRIu64 ")", f->ino);
        putchar('\n');
    }
    if (r->findings > STORE_FSCK_LISTED)
        printf("%s: ... and %u more\n", a->image, r->findings - STORE_FSCK_LISTED);
    printf("%s: %s: %" PRIu64 " inodes, %" PRIu64 " entries, %" PRIu64 " extents, %" PRIu64
           " key-value records; %" PRIu64 " tree nodes, %" PRIu64 " data blocks, %" PRIu64
           " bitmap block(s); %" PRIu64 " of %" PRIu64 " blocks used\n",
           a->image, r->findings == 0 ? "clean" : "findings", r->inodes, r->dirents, r->extents,
           r->kv_records, r->nodes, r->data_blocks, r->bitmap_blocks, r->marked_used, im->store.blocks);
}

int fs_fsck(const struct fs_args *a)
{
    char err[256];
    struct fs_image im;
    struct store_fsck_report r;
    if (fs_image_open(&im, a->image, false, err, sizeof err) != 0) {
        fs_image_close(&im);
        return fs_fail(a, CLI_EXIT_USAGE, "%s", err);
    }
    uint8_t *seen = malloc(store_fsck_seen_bytes(&im.store));
    int rc = store_fsck(&im.store, seen, store_fsck_seen_bytes(&im.store), &r);
    free(seen);
    if (rc != STORE_OK) {
        fs_image_describe(&im, rc, err, sizeof err);
        fs_image_close(&im);
        return fs_fail(a, CLI_EXIT_FAILED, "fsck: %s", err);
    }
    fs_print_mount(a, &im, r.super_invalid);
    fs_print_report(a, &im, &r);
    fs_image_close(&im);
    return r.findings == 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
