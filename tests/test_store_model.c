/*
 * test_store_model.c - random operations on the store and on a reference
 * model in memory, over many seeds: every result code must match the
 * model's, and at random points the store commits, or crashes in the
 * middle of a commit (some of its block writes done, the superblock
 * not) and is mounted again, when it must hold exactly what the model
 * held at the last durable commit, and fsck must be clean. The disk's
 * cache forgets blocks between operations, so every operation also
 * runs through STORE_E_AGAIN and its retry.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crc32.h"
#include "core/store/store.h"
#include "hal-sim/rng.h"
#include "host/text_buf.h"
#include "store_memdisk.h"

#define MODEL_NODES 48
#define MODEL_KEYS 12
#define MODEL_BLOCKS 4096u
#define MODEL_SEEDS 24
#define MODEL_OPS 400

struct mnode {
    bool used;
    int parent, type;
    char name[4];
    uint64_t ino;
    uint8_t *data;
    size_t size;
};

struct mkv {
    bool used;
    uint8_t *val;
    size_t len;
};

struct model {
    struct mnode n[MODEL_NODES];
    struct mkv kv[MODEL_KEYS];
};

struct run {
    struct memdisk m;
    struct store s;
    struct model now, durable;
    uint64_t rng, time_ns;
    uint32_t commits, crashes, ops;
};

static void model_copy(struct model *to, const struct model *from)
{
    *to = *from;
    for (int i = 0; i < MODEL_NODES; i++) {
        to->n[i].data = from->n[i].size ? malloc(from->n[i].size) : NULL;
        if (from->n[i].size)
            memcpy(to->n[i].data, from->n[i].data, from->n[i].size);
    }
    for (int i = 0; i < MODEL_KEYS; i++) {
        to->kv[i].val = from->kv[i].len ? malloc(from->kv[i].len) : NULL;
        if (from->kv[i].len)
            memcpy(to->kv[i].val, from->kv[i].val, from->kv[i].len);
    }
}

static void model_free(struct model *md)
{
    for (int i = 0; i < MODEL_NODES; i++)
        free(md->n[i].data);
    for (int i = 0; i < MODEL_KEYS; i++)
        free(md->kv[i].val);
}

static uint64_t pick(struct run *r, uint64_t bound)
{
    return rng_splitmix64(&r->rng) % bound;
}

static int model_child(const struct model *md, int dir, const char *name)
{
    for (int i = 1; i < MODEL_NODES; i++)
        if (md->n[i].used && md->n[i].parent == dir && strcmp(md->n[i].name, name) == 0)
            return i;
    return -1;
}

static bool model_has_children(const struct model *md, int dir)
{
    for (int i = 1; i < MODEL_NODES; i++)
        if (md->n[i].used && md->n[i].parent == dir)
            return true;
    return false;
}

static int model_entries(const struct model *md, int dir)
{
    int n = 0;
    for (int i = 1; i < MODEL_NODES; i++)
        n += md->n[i].used && md->n[i].parent == dir;
    return n;
}

/* The model's listing in memdisk_listing's format: names in byte order. */
static void model_list_dir(const struct model *md, int dir, const char *path, struct text_buf *t)
{
    char last[4] = "";
    for (;;) {
        int best = -1;
        for (int i = 1; i < MODEL_NODES; i++)
            if (md->n[i].used && md->n[i].parent == dir && strcmp(md->n[i].name, last) > 0 &&
                (best < 0 || strcmp(md->n[i].name, md->n[best].name) < 0))
                best = i;
        if (best < 0)
            return;
        const struct mnode *c = &md->n[best];
        char line[1400], child[1200];
        snprintf(child, sizeof child, "%s/%s", path, c->name);
        bool file = c->type == STORE_TYPE_FILE;
        snprintf(line, sizeof line, "%s %s %llu %08x\n", file ? "f" : "d", child,
                 (unsigned long long)(file ? c->size : (size_t)model_entries(md, best)),
                 file ? crc32_compute(c->data, (uint32_t)c->size) : 0u);
        text_buf_puts(t, line);
        if (!file)
            model_list_dir(md, best, child, t);
        strcpy(last, c->name);
    }
}

static char *model_listing(const struct model *md)
{
    struct text_buf t = {0};
    model_list_dir(md, 0, "", &t);
    for (int k = 0; k < MODEL_KEYS; k++) {
        if (!md->kv[k].used)
            continue;
        char line[200];
        snprintf(line, sizeof line, "k key%02d %llu %08x\n", k, (unsigned long long)md->kv[k].len,
                 crc32_compute(md->kv[k].val, (uint32_t)md->kv[k].len));
        text_buf_puts(&t, line);
    }
    text_buf_putc(&t, '\0');
    return t.data;
}

static void run_check_listing(struct run *r, const struct model *md, const char *when)
{
    int err;
    char *got = memdisk_listing(&r->m, &r->s, &err);
    char *want = model_listing(md);
    cr_assert_not_null(got, "listing failed: %s (%s)", store_err_name(err), when);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "store:\n%s\nmodel:\n%s\n", got, want);
    cr_assert_str_eq(got, want, "store and model differ %s", when);
    free(got);
    free(want);
}

static int pick_node(struct run *r, int type)
{
    for (int tries = 0; tries < 200; tries++) {
        int i = (int)pick(r, MODEL_NODES);
        if (r->now.n[i].used && (type == 0 || r->now.n[i].type == type))
            return i;
    }
    return 0;
}

static void pick_name(struct run *r, char *name)
{
    name[0] = (char)('a' + pick(r, 5));
    name[1] = '\0';
}

static int free_slot(const struct model *md)
{
    for (int i = 1; i < MODEL_NODES; i++)
        if (!md->n[i].used)
            return i;
    return -1;
}

/* Run one store call with a cold cache, retrying on STORE_E_AGAIN and
 * committing once on STORE_E_NO_MEMORY. */
#define STORE_CALL(r, rc, expr)                                                                              \
    do {                                                                                                     \
        memdisk_evict(&(r)->m);                                                                              \
        MEMDISK_RETRY(&(r)->m, &(r)->s, rc, expr);                                                           \
        if ((rc) == STORE_E_NO_MEMORY) {                                                                     \
            run_commit(r);                                                                                   \
            MEMDISK_RETRY(&(r)->m, &(r)->s, rc, expr);                                                       \
        }                                                                                                    \
        cr_assert(!(r)->s.read_only, "%s turned the store read-only: %s", #expr,                             \
                  store_err_name((r)->s.fail_err));                                                          \
    } while (0)

/* The allocation rule, checked at every commit: no block the commit
 * writes is reachable from the last durable one. */
static void run_check_allocation(struct run *r)
{
    uint8_t *durable = memdisk_reachable(&r->m);
    uint32_t cursor = 0;
    uint64_t block;
    const uint8_t *data;
    while (store_commit_next(&r->s, &cursor, &block, &data))
        cr_assert(!memdisk_bit(durable, block), "commit %llu overwrites block %llu of the durable commit",
                  (unsigned long long)r->s.seq, (unsigned long long)block);
    free(durable);
}

static void run_commit(struct run *r)
{
    struct store_commit c;
    cr_assert_eq(store_commit_begin(&r->s, &c), STORE_OK);
    run_check_allocation(r);
    memdisk_commit_write(&r->m, &r->s, &c);
    model_free(&r->durable);
    model_copy(&r->durable, &r->now);
    r->commits++;
}

static void op_create(struct run *r, int type)
{
    int dir = pick_node(r, STORE_TYPE_DIR), rc, slot = free_slot(&r->now);
    char name[4];
    uint64_t ino = 0;
    pick_name(r, name);
    if (slot < 0)
        return;
    int want = model_child(&r->now, dir, name) >= 0 ? STORE_E_EXISTS : STORE_OK;
    STORE_CALL(r, rc, store_create(&r->s, r->now.n[dir].ino, name, 1, (uint32_t)type, r->time_ns, &ino));
    cr_assert_eq(rc, want, "create %s in %llu: %s", name, (unsigned long long)r->now.n[dir].ino,
                 store_err_name(rc));
    if (rc == STORE_OK)
        r->now.n[slot] = (struct mnode){true, dir, type, {name[0], 0}, ino, NULL, 0};
}

static void op_write(struct run *r)
{
    static uint8_t buf[20000];
    int f = pick_node(r, STORE_TYPE_FILE), rc;
    if (f == 0)
        return;
    struct mnode *n = &r->now.n[f];
    size_t off = pick(r, n->size + 5000), len = pick(r, sizeof buf);
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)pick(r, 256);
    STORE_CALL(r, rc, store_write(&r->s, n->ino, off, buf, (uint32_t)len, r->time_ns));
    cr_assert_eq(rc, STORE_OK, "write: %s", store_err_name(rc));
    if (len > 0 && off + len > n->size) {
        n->data = realloc(n->data, off + len);
        memset(n->data + n->size, 0, off + len - n->size);
        n->size = off + len;
    }
    if (len > 0)
        memcpy(n->data + off, buf, len);
}

static void op_truncate(struct run *r)
{
    int f = pick_node(r, STORE_TYPE_FILE), rc;
    if (f == 0)
        return;
    struct mnode *n = &r->now.n[f];
    size_t size = pick(r, n->size + 5000);
    STORE_CALL(r, rc, store_truncate(&r->s, n->ino, size, r->time_ns));
    cr_assert_eq(rc, STORE_OK, "truncate: %s", store_err_name(rc));
    n->data = realloc(n->data, size + 1);
    if (size > n->size)
        memset(n->data + n->size, 0, size - n->size);
    n->size = size;
}

static void model_drop(struct model *md, int i)
{
    free(md->n[i].data);
    md->n[i] = (struct mnode){.used = false};
}

static void op_remove(struct run *r, int type)
{
    int dir = pick_node(r, STORE_TYPE_DIR), rc;
    char name[4];
    pick_name(r, name);
    int c = model_child(&r->now, dir, name), want = STORE_OK;
    if (c < 0)
        want = STORE_E_NOT_FOUND;
    else if (r->now.n[c].type != type)
        want = type == STORE_TYPE_DIR ? STORE_E_NOT_DIR : STORE_E_IS_DIR;
    else if (type == STORE_TYPE_DIR && model_has_children(&r->now, c))
        want = STORE_E_NOT_EMPTY;
    uint64_t d = r->now.n[dir].ino;
    if (type == STORE_TYPE_DIR)
        STORE_CALL(r, rc, store_rmdir(&r->s, d, name, 1, r->time_ns));
    else
        STORE_CALL(r, rc, store_unlink(&r->s, d, name, 1, r->time_ns));
    cr_assert_eq(rc, want, "remove %s: %s, wanted %s", name, store_err_name(rc), store_err_name(want));
    if (rc == STORE_OK)
        model_drop(&r->now, c);
}

static bool model_below(const struct model *md, int node, int dir)
{
    for (int d = dir; d != 0; d = md->n[d].parent)
        if (d == node)
            return true;
    return false;
}

static int rename_expect(const struct model *md, int src, int to_dir, int victim)
{
    if (src < 0)
        return STORE_E_NOT_FOUND;
    if (md->n[src].type == STORE_TYPE_DIR && model_below(md, src, to_dir))
        return STORE_E_BAD_ARG;
    if (victim < 0 || victim == src)
        return STORE_OK;
    if (md->n[victim].type != md->n[src].type)
        return md->n[victim].type == STORE_TYPE_DIR ? STORE_E_IS_DIR : STORE_E_NOT_DIR;
    return model_has_children(md, victim) ? STORE_E_NOT_EMPTY : STORE_OK;
}

static void op_rename(struct run *r)
{
    int from_dir = pick_node(r, STORE_TYPE_DIR), to_dir = pick_node(r, STORE_TYPE_DIR), rc;
    char from[4], to[4];
    pick_name(r, from);
    pick_name(r, to);
    int src = model_child(&r->now, from_dir, from), victim = model_child(&r->now, to_dir, to);
    int want = rename_expect(&r->now, src, to_dir, victim);
    STORE_CALL(r, rc,
               store_rename(&r->s, r->now.n[from_dir].ino, from, 1, r->now.n[to_dir].ino, to, 1, r->time_ns));
    cr_assert_eq(rc, want, "rename %s to %s: %s, wanted %s", from, to, store_err_name(rc),
                 store_err_name(want));
    if (rc != STORE_OK || victim == src)
        return;
    if (victim >= 0)
        model_drop(&r->now, victim);
    r->now.n[src].parent = to_dir;
    r->now.n[src].name[0] = to[0];
}

static void op_kv(struct run *r)
{
    static uint8_t val[STORE_KV_VALUE_MAX];
    int k = (int)pick(r, MODEL_KEYS), rc;
    char key[8];
    snprintf(key, sizeof key, "key%02d", k);
    struct mkv *e = &r->now.kv[k];
    if (pick(r, 3) == 0) {
        STORE_CALL(r, rc, store_kv_del(&r->s, (const uint8_t *)key, 5));
        cr_assert_eq(rc, e->used ? STORE_OK : STORE_E_NOT_FOUND);
        free(e->val);
        *e = (struct mkv){.used = false};
        return;
    }
    static const size_t sizes[] = {0, 100, 512, 513, 5000, STORE_KV_VALUE_MAX};
    size_t len = pick(r, sizes[pick(r, 6)] + 1);
    for (size_t i = 0; i < len; i++)
        val[i] = (uint8_t)pick(r, 256);
    STORE_CALL(r, rc, store_kv_put(&r->s, (const uint8_t *)key, 5, val, (uint32_t)len));
    cr_assert_eq(rc, STORE_OK, "kv_put: %s", store_err_name(rc));
    free(e->val);
    e->used = true;
    e->len = len;
    e->val = malloc(len + 1);
    memcpy(e->val, val, len);
}

/* Crash in the middle of a commit, mount again, compare with the model. */
static void op_crash(struct run *r)
{
    bool landed = memdisk_commit_crash(&r->m, &r->s, (uint32_t)pick(r, 40));
    struct model *expect = landed ? &r->now : &r->durable;
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&r->m, &r->s, &info), STORE_OK);
    run_check_listing(r, expect, "after a crash");
    cr_assert_eq(memdisk_fsck(&r->m, &r->s), 0u, "fsck after a crash");
    if (landed) {
        model_free(&r->durable);
        model_copy(&r->durable, &r->now);
    } else {
        model_free(&r->now);
        model_copy(&r->now, &r->durable);
    }
    r->crashes++;
}

static void run_op(struct run *r)
{
    uint64_t what = pick(r, 100);
    r->time_ns += 1000;
    r->ops++;
    if (what < 15)
        op_create(r, STORE_TYPE_FILE);
    else if (what < 22)
        op_create(r, STORE_TYPE_DIR);
    else if (what < 40)
        op_write(r);
    else if (what < 47)
        op_truncate(r);
    else if (what < 55)
        op_remove(r, STORE_TYPE_FILE);
    else if (what < 61)
        op_remove(r, STORE_TYPE_DIR);
    else if (what < 72)
        op_rename(r);
    else if (what < 90)
        op_kv(r);
    else if (what < 97) {
        run_commit(r);
        run_check_listing(r, &r->now, "after a commit");
    } else {
        op_crash(r);
    }
}

static void run_seed(uint64_t seed, struct run *r)
{
    memset(r, 0, sizeof *r);
    r->rng = seed * 0x9E3779B97F4A7C15ull + 1;
    memdisk_init(&r->m, MODEL_BLOCKS, 256);
    r->m.miss_percent = (uint32_t)(seed % 3) * 30;
    memdisk_mkfs(&r->m, &r->s, MODEL_BLOCKS);
    r->now.n[0] = (struct mnode){true, 0, STORE_TYPE_DIR, "", STORE_INO_ROOT, NULL, 0};
    model_copy(&r->durable, &r->now);
    for (int i = 0; i < MODEL_OPS; i++)
        run_op(r);
    run_commit(r);
    struct store_mount_info info;
    cr_assert_eq(memdisk_mount(&r->m, &r->s, &info), STORE_OK);
    run_check_listing(r, &r->now, "at the end");
    cr_assert_eq(memdisk_fsck(&r->m, &r->s), 0u, "fsck at the end of seed %llu", (unsigned long long)seed);
    model_free(&r->now);
    model_free(&r->durable);
    memdisk_free(&r->m);
}

Test(store_model, random_operations_with_commits_and_crashes_match_the_model)
{
    static struct run r;
    uint64_t ops = 0, commits = 0, crashes = 0, misses = 0, seeds = MODEL_SEEDS;
    const char *soak = getenv("STORE_MODEL_SEEDS"); /* a longer soak, e.g. 1000 */
    if (soak != NULL && atoi(soak) > 0)
        seeds = (uint64_t)atoi(soak);
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        run_seed(seed, &r);
        ops += r.ops;
        commits += r.commits;
        crashes += r.crashes;
        misses += r.m.misses;
    }
    printf(
        "store model: %llu seeds, %llu operations, %llu commits, %llu crashes, %llu cache misses retried\n",
        (unsigned long long)seeds, (unsigned long long)ops, (unsigned long long)commits,
        (unsigned long long)crashes, (unsigned long long)misses);
    cr_assert_gt(crashes, 50u);
    cr_assert_gt(misses, 1000u);
}
