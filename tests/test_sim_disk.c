/*
 * test_sim_disk.c - the simulator's disk model (hal-sim/sim_disk.h)
 * without a kernel: requests go in through sim_disk_submit, as the HAL's
 * submit does, and their completions come out of a real event queue, as
 * the simulator's loop takes them. Timing, queue bound, range checks, the
 * write cache and the crash contract (hal/hal_disk.h), the seeded loss and
 * tear, read errors and latency spikes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hal-sim/sim_disk.h"

#define BLOCK HAL_DISK_BLOCK_BYTES

struct rig {
    struct sim_queue q;
    struct scn_disk cfg;
    struct sim_disk d;
    uint64_t now;
};

/* A 1 MiB disk: 100us latency, 500MB/s, write cache, crash loses all. */
static void rig_init(struct rig *r, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    sim_queue_init(&r->q);
    r->cfg = (struct scn_disk){.size_bytes = 1u << 20,
                               .latency_ns = 100000,
                               .bandwidth_bytes_per_s = 500000000u,
                               .write_cache = true,
                               .crash = SCN_DISK_CRASH_LOSE_ALL};
    sim_disk_init(&r->d, &r->cfg, 3, seed, &r->q);
}

static void rig_free(struct rig *r)
{
    sim_disk_free(&r->d);
    sim_queue_free(&r->q);
}

static int submit(struct rig *r, uint32_t id, enum hal_disk_op op, uint64_t first, uint32_t count, void *buf)
{
    struct sim_disk_request req = {id, op, first, count, buf};
    return sim_disk_submit(&r->d, r->now, &req);
}

static void submit_ok(struct rig *r, uint32_t id, enum hal_disk_op op, uint64_t first, uint32_t count,
                      void *buf)
{
    cr_assert_eq(submit(r, id, op, first, count, buf), HAL_OK, "request %u refused", id);
}

/* Take the next completion off the queue: its time, id and status. */
static uint64_t rig_next(struct rig *r, uint32_t *id, int *status)
{
    struct sim_event ev;
    cr_assert(sim_queue_pop(&r->q, &ev), "no completion queued");
    cr_assert_eq(ev.kind, SIM_EV_DISK);
    cr_assert_eq(ev.node, 3);
    r->now = ev.time_ns;
    cr_assert(sim_disk_complete(&r->d, r->now, ev.arg, id, status), "a live completion came out stale");
    return ev.time_ns;
}

/* Complete every queued request; the last one's status. */
static int rig_drain(struct rig *r)
{
    uint32_t id;
    int status = HAL_OK;
    while (sim_queue_len(&r->q) > 0)
        rig_next(r, &id, &status);
    return status;
}

static void fill(uint8_t *p, uint32_t blocks, uint8_t value)
{
    memset(p, value, (size_t)blocks * BLOCK);
}

/* Whether every byte of block `b` of the durable contents is `value`. */
static bool durable_is(struct rig *r, uint64_t b, uint8_t value)
{
    uint8_t got[BLOCK];
    sim_disk_read_durable(&r->d, b, 1, got);
    for (uint32_t i = 0; i < BLOCK; i++)
        if (got[i] != value)
            return false;
    return true;
}

Test(sim_disk, latency_and_bandwidth_give_exact_times)
{
    struct rig r;
    rig_init(&r, 1);
    uint8_t buf[8 * BLOCK];
    uint32_t id;
    int status;
    fill(buf, 8, 0xAB);
    submit_ok(&r, 10, HAL_DISK_WRITE, 0, 8, buf); /* 4096 B at 500MB/s: 8192 ns */
    submit_ok(&r, 11, HAL_DISK_READ, 0, 8, buf);
    submit_ok(&r, 12, HAL_DISK_FLUSH, 0, 0, NULL); /* latency only */
    cr_assert_eq(rig_next(&r, &id, &status), 108192);
    cr_assert_eq(id, 10);
    cr_assert_eq(status, HAL_OK);
    cr_assert_eq(rig_next(&r, &id, &status), 2 * 108192, "served one at a time, in order");
    cr_assert_eq(id, 11);
    cr_assert_eq(rig_next(&r, &id, &status), 2 * 108192 + 100000);
    cr_assert_eq(id, 12);
    cr_assert_eq(r.d.c.busy_ns, 2 * 108192 + 100000);
    cr_assert_eq(r.d.c.writes, 1);
    cr_assert_eq(r.d.c.reads, 1);
    cr_assert_eq(r.d.c.flushes, 1);
    cr_assert_eq(r.d.c.write_bytes, 4096);
    cr_assert_eq(r.d.c.read_bytes, 4096);

    /* 512 B at 3 B/s is 170666666.67 s... in ns, rounded up. */
    r.cfg.bandwidth_bytes_per_s = 3;
    r.cfg.latency_ns = 0;
    r.now = 1000;
    submit_ok(&r, 13, HAL_DISK_READ, 0, 1, buf);
    cr_assert_eq(rig_next(&r, &id, &status), 1000 + 170666666667ull);
    rig_free(&r);
}

Test(sim_disk, queue_full_is_busy)
{
    struct rig r;
    rig_init(&r, 1);
    uint8_t buf[BLOCK];
    for (uint32_t i = 0; i < SIM_DISK_QUEUE_MAX; i++)
        submit_ok(&r, i, HAL_DISK_READ, i, 1, buf);
    cr_assert_eq(submit(&r, 99, HAL_DISK_READ, 0, 1, buf), HAL_ERR_BUSY);
    uint32_t id;
    int status;
    rig_next(&r, &id, &status);
    cr_assert_eq(id, 0);
    submit_ok(&r, 100, HAL_DISK_READ, 0, 1, buf); /* one left: room again */
    cr_assert_eq(submit(&r, 101, HAL_DISK_READ, 0, 1, buf), HAL_ERR_BUSY);
    rig_drain(&r);
    rig_free(&r);
}

Test(sim_disk, bad_requests_are_invalid)
{
    struct rig r;
    rig_init(&r, 1);
    uint8_t buf[2 * BLOCK];
    uint64_t blocks = sim_disk_block_count(&r.d);
    cr_assert_eq(blocks, 2048);
    cr_assert_eq(submit(&r, 1, HAL_DISK_READ, blocks, 1, buf), HAL_ERR_INVALID);
    cr_assert_eq(submit(&r, 1, HAL_DISK_WRITE, blocks - 1, 2, buf), HAL_ERR_INVALID);
    cr_assert_eq(submit(&r, 1, HAL_DISK_WRITE, UINT64_MAX, 2, buf), HAL_ERR_INVALID);
    cr_assert_eq(submit(&r, 1, HAL_DISK_READ, 0, 0, buf), HAL_ERR_INVALID);
    cr_assert_eq(submit(&r, 1, HAL_DISK_READ, 0, 1, NULL), HAL_ERR_INVALID);
    cr_assert_eq(submit(&r, 1, HAL_DISK_FLUSH, 0, 1, buf), HAL_ERR_INVALID);
    cr_assert_eq(submit(&r, 1, (enum hal_disk_op)7, 0, 1, buf), HAL_ERR_INVALID);
    cr_assert_eq(sim_queue_len(&r.q), 0, "no completion follows a refused request");
    submit_ok(&r, 1, HAL_DISK_WRITE_FUA, blocks - 2, 2, buf);
    rig_drain(&r);
    rig_free(&r);

    struct sim_disk none;
    struct sim_queue q;
    sim_queue_init(&q);
    sim_disk_init(&none, NULL, 0, 1, &q);
    struct sim_disk_request req = {1, HAL_DISK_READ, 0, 1, buf};
    cr_assert_eq(sim_disk_block_count(&none), 0);
    cr_assert_eq(sim_disk_submit(&none, 0, &req), HAL_ERR_INVALID, "a node without a disk");
    sim_disk_free(&none);
    sim_queue_free(&q);
}

Test(sim_disk, unflushed_writes_are_lost_flushed_ones_survive)
{
    struct rig r;
    rig_init(&r, 1);
    uint8_t a[BLOCK], b[BLOCK], got[BLOCK];
    fill(a, 1, 0xAA);
    fill(b, 1, 0xBB);
    submit_ok(&r, 1, HAL_DISK_WRITE, 5, 1, a);
    submit_ok(&r, 2, HAL_DISK_FLUSH, 0, 0, NULL);
    submit_ok(&r, 3, HAL_DISK_WRITE, 6, 1, b);
    submit_ok(&r, 4, HAL_DISK_WRITE, 5, 1, b);
    submit_ok(&r, 5, HAL_DISK_READ, 5, 1, got);
    rig_drain(&r);
    cr_assert_eq(got[0], 0xBB, "a read sees the cached write");
    cr_assert(durable_is(&r, 5, 0xAA) && durable_is(&r, 6, 0x00), "not durable before a flush");
    struct sim_disk_crash_report rep = sim_disk_crash(&r.d, r.now);
    cr_assert_eq(rep.lost, 2);
    cr_assert_eq(rep.kept, 0);
    cr_assert_not(rep.torn);
    cr_assert(durable_is(&r, 5, 0xAA), "the flushed write survived");
    cr_assert(durable_is(&r, 6, 0x00), "the unflushed write was lost");
    submit_ok(&r, 6, HAL_DISK_READ, 5, 1, got);
    rig_drain(&r);
    cr_assert_eq(got[0], 0xAA, "after the crash reads see durable data only");
    rig_free(&r);
}

Test(sim_disk, without_write_cache_every_completed_write_is_durable)
{
    struct rig r;
    rig_init(&r, 1);
    r.cfg.write_cache = false;
    uint8_t a[BLOCK];
    fill(a, 1, 0x5A);
    submit_ok(&r, 1, HAL_DISK_WRITE, 7, 1, a);
    rig_drain(&r);
    struct sim_disk_crash_report rep = sim_disk_crash(&r.d, r.now);
    cr_assert_eq(rep.lost, 0);
    cr_assert(durable_is(&r, 7, 0x5A));
    rig_free(&r);
}

Test(sim_disk, fua_survives_whatever_the_crash_keeps)
{
    for (uint64_t seed = 1; seed <= 16; seed++) {
        struct rig r;
        rig_init(&r, seed);
        r.cfg.crash = SCN_DISK_CRASH_KEEP_RANDOM;
        uint8_t old[BLOCK], fua[BLOCK], other[BLOCK];
        fill(old, 1, 0x01);
        fill(fua, 1, 0xF0);
        fill(other, 1, 0x02);
        submit_ok(&r, 1, HAL_DISK_WRITE, 9, 1, old);
        submit_ok(&r, 2, HAL_DISK_WRITE_FUA, 9, 1, fua); /* newer than the cached write */
        submit_ok(&r, 3, HAL_DISK_WRITE_FUA, 10, 1, other);
        rig_drain(&r);
        struct sim_disk_crash_report rep = sim_disk_crash(&r.d, r.now);
        cr_assert_eq(rep.lost + rep.kept, 1, "only the plain write was volatile");
        cr_assert(durable_is(&r, 9, 0xF0), "seed %llu: the FUA write lost to an older one",
                  (unsigned long long)seed);
        cr_assert(durable_is(&r, 10, 0x02));
        rig_free(&r);
    }
}

/* Crash during an 8-sector write over 0x11s: how many sectors became new. */
static uint32_t torn_write(uint64_t seed, struct sim_disk_crash_report *rep)
{
    struct rig r;
    rig_init(&r, seed);
    r.cfg.write_cache = false;
    uint8_t old[8 * BLOCK], neu[8 * BLOCK];
    fill(old, 8, 0x11);
    fill(neu, 8, 0xEE);
    submit_ok(&r, 1, HAL_DISK_WRITE, 100, 8, old);
    rig_drain(&r);
    submit_ok(&r, 2, HAL_DISK_WRITE, 100, 8, neu);
    *rep = sim_disk_crash(&r.d, r.now + 1000); /* in service: it ends after 100us */
    uint32_t written = 0;
    for (uint32_t s = 0; s < 8; s++) {
        bool is_new = durable_is(&r, 100 + s, 0xEE);
        cr_assert(is_new || durable_is(&r, 100 + s, 0x11), "sector %u is itself torn", s);
        cr_assert(!is_new || written == s, "new sectors are a prefix: sector %u new after an old one", s);
        written += is_new;
    }
    struct sim_event ev;
    uint32_t id;
    int status;
    cr_assert(sim_queue_pop(&r.q, &ev));
    cr_assert_not(sim_disk_complete(&r.d, ev.time_ns, ev.arg, &id, &status), "the crashed request completed");
    rig_free(&r);
    return written;
}

Test(sim_disk, the_write_in_flight_tears_at_a_sector_boundary_by_seed)
{
    bool differs = false, some_torn = false;
    struct sim_disk_crash_report rep;
    uint32_t first = torn_write(1, &rep);
    cr_assert_eq(rep.torn_sectors_written, first);
    cr_assert_eq(torn_write(1, &rep), first, "the same seed tears the same way");
    for (uint64_t seed = 2; seed <= 12; seed++) {
        uint32_t w = torn_write(seed, &rep);
        differs |= w != first;
        some_torn |= rep.torn;
        cr_assert_eq(rep.torn, w != 0 && w != 8);
    }
    cr_assert(differs, "other seeds tear elsewhere");
    cr_assert(some_torn, "some seed tears inside the write");
}

/* 16 cached writes to blocks 0..15 then a keep-random crash: the kept set. */
static uint32_t kept_set(uint64_t seed)
{
    struct rig r;
    rig_init(&r, seed);
    r.cfg.crash = SCN_DISK_CRASH_KEEP_RANDOM;
    uint8_t buf[BLOCK];
    fill(buf, 1, 0x77);
    for (uint32_t b = 0; b < 16; b++)
        submit_ok(&r, b, HAL_DISK_WRITE, b, 1, buf);
    rig_drain(&r);
    struct sim_disk_crash_report rep = sim_disk_crash(&r.d, r.now);
    uint32_t set = 0;
    for (uint32_t b = 0; b < 16; b++)
        set |= (uint32_t)durable_is(&r, b, 0x77) << b;
    cr_assert_eq(rep.kept, (uint32_t)__builtin_popcount(set));
    cr_assert_eq(rep.lost, 16 - rep.kept);
    rig_free(&r);
    return set;
}

Test(sim_disk, keep_random_keeps_a_seeded_subset)
{
    uint32_t a = kept_set(5);
    cr_assert_eq(kept_set(5), a, "the same seed keeps the same writes");
    cr_assert_neq(kept_set(6), a, "another seed keeps others");
    cr_assert(a != 0 && a != 0xFFFF, "a subset: neither none nor all (seed 5: %#x)", a);
}

Test(sim_disk, read_errors_and_latency_spikes)
{
    struct rig r;
    rig_init(&r, 1);
    uint64_t bad[] = {10, 500};
    struct scn_disk_spike spike = {.at_ns = 1000000, .for_ns = 1000000, .extra_ns = 5000000};
    r.cfg.read_errors = bad;
    r.cfg.read_error_count = 2;
    r.cfg.spikes = &spike;
    r.cfg.spike_count = 1;
    r.cfg.bandwidth_bytes_per_s = 512000000u; /* 1 us per sector */
    uint8_t buf[4 * BLOCK];
    uint32_t id;
    int status;
    fill(buf, 4, 0x33);
    submit_ok(&r, 1, HAL_DISK_READ, 8, 4, buf);
    rig_next(&r, &id, &status);
    cr_assert_eq(status, HAL_ERR_IO, "blocks 8..11 hold block 10");
    cr_assert_eq(buf[0], 0x33, "a failed read leaves the buffer alone");
    submit_ok(&r, 2, HAL_DISK_READ, 11, 4, buf);
    rig_next(&r, &id, &status);
    cr_assert_eq(status, HAL_OK);
    submit_ok(&r, 3, HAL_DISK_WRITE, 500, 1, buf);
    rig_next(&r, &id, &status);
    cr_assert_eq(status, HAL_OK, "writes to a bad block succeed");
    r.now = 1500000; /* inside the spike */
    submit_ok(&r, 4, HAL_DISK_READ, 0, 1, buf);
    cr_assert_eq(rig_next(&r, &id, &status), 1500000 + 100000 + 5000000 + 1000);
    r.now = 2000000; /* the spike is over */
    submit_ok(&r, 5, HAL_DISK_READ, 0, 1, buf);
    cr_assert_eq(rig_next(&r, &id, &status), 2000000 + 100000 + 1000);
    rig_free(&r);
}

Test(sim_disk, the_cache_stays_bounded)
{
    struct rig r;
    rig_init(&r, 1);
    static uint8_t big[256 * BLOCK]; /* 128 KiB per write */
    fill(big, 256, 0x42);
    for (uint32_t i = 0; i < 64; i++) { /* 8 MiB in all: more than the cache */
        submit_ok(&r, i, HAL_DISK_WRITE, (i % 8) * 256, 256, big);
        rig_drain(&r);
    }
    cr_assert_leq(r.d.cache.bytes, SIM_DISK_CACHE_MAX_BYTES);
    cr_assert(durable_is(&r, 0, 0x42), "the oldest writes were destaged");
    rig_free(&r);
}

/* The next completion off the queue, as sim_disk_complete reports it. */
static enum sim_disk_done rig_next_done(struct rig *r)
{
    struct sim_event ev;
    uint32_t id;
    int status;
    cr_assert(sim_queue_pop(&r->q, &ev), "no completion queued");
    r->now = ev.time_ns;
    return sim_disk_complete(&r->d, r->now, ev.arg, &id, &status);
}

Test(sim_disk, crash_at_crashes_as_request_n_completes_before_the_next_starts)
{
    struct rig r;
    rig_init(&r, 1);
    r.cfg.crash_at_request = 3;
    uint8_t data[3][8 * BLOCK]; /* 0x11, 0x22, 0x33 */
    for (uint32_t i = 0; i < 3; i++)
        fill(data[i], 8, (uint8_t)(0x11 * (i + 1)));
    submit_ok(&r, 1, HAL_DISK_WRITE, 100, 8, data[0]);
    submit_ok(&r, 2, HAL_DISK_FLUSH, 0, 0, NULL);
    submit_ok(&r, 3, HAL_DISK_WRITE, 200, 8, data[1]);
    submit_ok(&r, 4, HAL_DISK_WRITE, 300, 8, data[2]);
    cr_assert_eq(rig_next_done(&r), SIM_DISK_COMPLETED);
    cr_assert_eq(rig_next_done(&r), SIM_DISK_COMPLETED);
    cr_assert_eq(rig_next_done(&r), SIM_DISK_CRASH, "request 3 completes into the crash");
    cr_assert_eq(sim_queue_len(&r.q), 0, "request 4 never started");
    cr_assert_eq(r.d.c.crashed_at, 3);
    cr_assert_eq(r.d.c.requests, 3);
    cr_assert_eq(r.d.c.writes, 2, "request 3 took effect");
    struct sim_disk_crash_report rep = sim_disk_crash(&r.d, r.now);
    cr_assert_eq(rep.lost, 1, "request 3's write was volatile");
    cr_assert_eq(rep.torn_sectors_written, 0, "request 4 was not in service: nothing of it is written");
    cr_assert(durable_is(&r, 100, 0x11) && durable_is(&r, 200, 0) && durable_is(&r, 300, 0));
    /* Once only; the numbering goes on over the crash (this is request 4). */
    submit_ok(&r, 5, HAL_DISK_READ, 100, 8, data[0]);
    cr_assert_eq(rig_next_done(&r), SIM_DISK_COMPLETED);
    cr_assert_eq(r.d.c.requests, 4);
    rig_free(&r);
}

Test(sim_disk, crash_at_torn_cuts_request_n_strictly_inside)
{
    for (uint64_t seed = 1; seed <= 12; seed++) {
        struct rig r;
        rig_init(&r, seed);
        r.cfg.crash_at_request = 2;
        r.cfg.crash_at_torn = true;
        uint8_t a[8 * BLOCK], b[8 * BLOCK];
        fill(a, 8, 0x11);
        fill(b, 8, 0xEE);
        submit_ok(&r, 1, HAL_DISK_WRITE_FUA, 100, 8, a);
        submit_ok(&r, 2, HAL_DISK_WRITE_FUA, 100, 8, b);
        cr_assert_eq(rig_next_done(&r), SIM_DISK_COMPLETED);
        cr_assert_eq(rig_next_done(&r), SIM_DISK_CRASH, "request 2 is cut in service");
        cr_assert_eq(r.d.c.writes, 1, "request 2 did not take effect");
        struct sim_disk_crash_report rep = sim_disk_crash(&r.d, r.now);
        cr_assert(rep.torn, "seed %llu", (unsigned long long)seed);
        cr_assert(rep.torn_sectors_written >= 1 && rep.torn_sectors_written <= 7, "seed %llu: %u sectors",
                  (unsigned long long)seed, rep.torn_sectors_written);
        cr_assert(durable_is(&r, 100 + rep.torn_sectors_written - 1, 0xEE) &&
                  durable_is(&r, 100 + rep.torn_sectors_written, 0x11));
        rig_free(&r);
    }
}
