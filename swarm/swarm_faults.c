/* swarm_faults.c - see swarm_faults.h: drawing a schedule and describing
 * its faults (swarm_faults_apply.c turns them into scenario text). */
#include "swarm_faults.h"

#include <stdio.h>
#include <string.h>

#include "host/units.h"

#define MS 1000000u

/* splitmix64: small, and the same numbers everywhere. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, bound) (bound > 0); the bias of a modulo is negligible
 * at these sizes and does not matter for a test schedule. */
static uint64_t below(uint64_t *state, uint64_t bound) { return next_u64(state) % bound; }

static bool coin(uint64_t *state) { return (next_u64(state) & 1u) != 0; }

/* Whether a kind is in the schedule: a coin, or always. The coin is
 * tossed either way, so the rest of the schedule is drawn the same. */
static bool kind_on(uint64_t *state, bool always) { return coin(state) || always; }

/* How many of a kind: 0 to max, or always max. */
static uint64_t how_many(uint64_t *state, uint64_t max, bool most)
{
    uint64_t n = below(state, max + 1);
    return most ? max : n;
}

/* 1 to max thousandths. */
static uint32_t draw_milli(uint64_t *rng, uint32_t max) { return 1 + (uint32_t)below(rng, max); }

static void draw_crash(uint64_t *rng, uint32_t nodes, uint64_t horizon_ns, struct swarm_fault *f)
{
    f->kind = SWARM_CRASH;
    f->value = (uint32_t)below(rng, nodes);
    f->at_ns = below(rng, horizon_ns);
    /* Most nodes come back, after between 1 ms and half the horizon. */
    f->until_ns = below(rng, 5) == 0 ? 0 : f->at_ns + MS + below(rng, horizon_ns / 2 + 1);
}

/* Each node on side 0 or 1, both sides taken (the caller has n > 1). */
static void draw_sides(uint64_t *rng, uint32_t nodes, struct swarm_fault *f)
{
    uint32_t n = nodes < sizeof f->side ? nodes : (uint32_t)sizeof f->side;
    memset(f->side, 0, sizeof f->side);
    for (uint32_t i = 0; i < n; i++)
        f->side[i] = coin(rng);
    uint32_t a = (uint32_t)below(rng, n), b = (a + 1 + (uint32_t)below(rng, n - 1)) % n;
    f->side[a] = 0;
    f->side[b] = 1;
}

/* A partition (symmetric or one way) from a time before the horizon,
 * healed 1 ms to half the horizon later. */
static void draw_partition(uint64_t *rng, enum swarm_fault_kind kind, uint32_t nodes, uint64_t horizon_ns,
                           struct swarm_fault *f)
{
    f->kind = kind;
    f->at_ns = below(rng, horizon_ns);
    f->until_ns = f->at_ns + MS + below(rng, horizon_ns / 2 + 1);
    draw_sides(rng, nodes, f);
}

/* Cut every 2 to 20 ms, down for 1 ms up to a period less 1 ms, 2 to 10 times. */
static void draw_flap(uint64_t *rng, uint32_t nodes, uint64_t horizon_ns, struct swarm_fault *f)
{
    f->kind = SWARM_FLAP;
    f->at_ns = below(rng, horizon_ns);
    f->every_ns = 2 * MS + below(rng, SWARM_MAX_FLAP_PERIOD_NS - 2 * MS + 1);
    f->until_ns = f->at_ns + MS + below(rng, f->every_ns - 2 * MS + 1);
    f->count = 2 + (uint32_t)below(rng, SWARM_MAX_FLAPS - 1);
    draw_sides(rng, nodes, f);
}

static void draw_pause(uint64_t *rng, uint32_t nodes, uint64_t horizon_ns, struct swarm_fault *f)
{
    f->kind = SWARM_PAUSE;
    f->value = (uint32_t)below(rng, nodes);
    f->at_ns = below(rng, horizon_ns);
    uint64_t length = MS + below(rng, horizon_ns / 2 + 1);
    if (below(rng, SWARM_LONG_PAUSE_ONE_IN) == 0)
        length = SWARM_LONG_PAUSE_NS + below(rng, 2000u * MS);
    f->until_ns = f->at_ns + length;
}

/* 1 or 2 nodes (different ones when there are two) with a clock at most
 * SWARM_MAX_DRIFT_PPM fast or slow, never exact. */
static void draw_drifts(uint64_t *rng, uint32_t nodes, struct swarm_schedule *out)
{
    uint32_t count = nodes > 1 ? 1 + (uint32_t)below(rng, SWARM_MAX_DRIFTS) : 1;
    uint32_t first = (uint32_t)below(rng, nodes);
    for (uint32_t i = 0; i < count; i++) {
        struct swarm_fault *f = &out->faults[out->count++];
        f->kind = SWARM_DRIFT;
        f->value = i == 0 ? first : (first + 1 + (uint32_t)below(rng, nodes - 1)) % nodes;
        int32_t ppm = 1 + (int32_t)below(rng, SWARM_MAX_DRIFT_PPM);
        f->drift_ppm = coin(rng) ? ppm : -ppm;
    }
}

static void add_rate(struct swarm_schedule *out, enum swarm_fault_kind kind, uint32_t value)
{
    out->faults[out->count++] = (struct swarm_fault){.kind = kind, .value = value};
}

void swarm_faults_draw(uint64_t seed, uint32_t nodes, uint64_t horizon_ns, bool every_kind,
                       struct swarm_schedule *out)
{
    uint64_t rng = seed ^ 0x5357524dull; /* "SWRM": not the simulator's streams of the same seed */
    memset(out, 0, sizeof *out);
    if (horizon_ns == 0)
        horizon_ns = 1;
    if (kind_on(&rng, every_kind))
        add_rate(out, SWARM_LOSS, draw_milli(&rng, SWARM_MAX_LOSS_MILLI));
    if (kind_on(&rng, every_kind))
        add_rate(out, SWARM_JITTER, 1000 + (uint32_t)below(&rng, SWARM_MAX_JITTER_NS));
    uint64_t crashes = how_many(&rng, SWARM_MAX_CRASHES, every_kind);
    uint64_t partitions = nodes > 1 ? how_many(&rng, SWARM_MAX_PARTITIONS, every_kind) : 0;
    for (uint64_t i = 0; i < crashes; i++)
        draw_crash(&rng, nodes, horizon_ns, &out->faults[out->count++]);
    for (uint64_t i = 0; i < partitions; i++)
        draw_partition(&rng, SWARM_PARTITION, nodes, horizon_ns, &out->faults[out->count++]);
    if (kind_on(&rng, every_kind))
        add_rate(out, SWARM_DUPLICATE, draw_milli(&rng, SWARM_MAX_DUPLICATE_MILLI));
    if (kind_on(&rng, every_kind))
        add_rate(out, SWARM_CORRUPT, draw_milli(&rng, SWARM_MAX_CORRUPT_MILLI));
    if (nodes > 1 && kind_on(&rng, every_kind))
        draw_partition(&rng, SWARM_ONE_WAY, nodes, horizon_ns, &out->faults[out->count++]);
    if (nodes > 1 && kind_on(&rng, every_kind))
        draw_flap(&rng, nodes, horizon_ns, &out->faults[out->count++]);
    uint64_t pauses = how_many(&rng, SWARM_MAX_PAUSES, every_kind);
    for (uint64_t i = 0; i < pauses; i++)
        draw_pause(&rng, nodes, horizon_ns, &out->faults[out->count++]);
    if (kind_on(&rng, every_kind))
        draw_drifts(&rng, nodes, out);
}

static void describe_rate(const char *what, uint32_t milli, char *buf, size_t bytes)
{
    snprintf(buf, bytes, "%s %u.%u%% of frames", what, milli / 10, milli % 10);
}

static void describe_flap(const struct swarm_fault *f, const char *at, char *buf, size_t bytes)
{
    char down[32], every[32];
    units_format_duration(f->until_ns - f->at_ns, down, sizeof down);
    units_format_duration(f->every_ns, every, sizeof every);
    snprintf(buf, bytes, "flapping partition from %s: down %s of every %s, %u times", at, down, every, f->count);
}

void swarm_fault_describe(const struct swarm_fault *f, char *buf, size_t bytes)
{
    char at[32], until[32];
    units_format_duration(f->at_ns, at, sizeof at);
    units_format_duration(f->until_ns, until, sizeof until);
    switch (f->kind) {
    case SWARM_LOSS: describe_rate("loss", f->value, buf, bytes); break;
    case SWARM_DUPLICATE: describe_rate("duplicate", f->value, buf, bytes); break;
    case SWARM_CORRUPT: describe_rate("corrupt", f->value, buf, bytes); break;
    case SWARM_JITTER: units_format_duration(f->value, at, sizeof at); snprintf(buf, bytes, "jitter up to %s", at); break;
    case SWARM_CRASH:
        if (f->until_ns != 0)
            snprintf(buf, bytes, "crash node %u at %s, restart at %s", f->value, at, until);
        else
            snprintf(buf, bytes, "crash node %u at %s, never restarted", f->value, at);
        break;
    case SWARM_PARTITION: snprintf(buf, bytes, "partition at %s, heal at %s", at, until); break;
    case SWARM_ONE_WAY: snprintf(buf, bytes, "one-way partition at %s, heal at %s", at, until); break;
    case SWARM_FLAP: describe_flap(f, at, buf, bytes); break;
    case SWARM_PAUSE: snprintf(buf, bytes, "pause node %u at %s, resume at %s", f->value, at, until); break;
    case SWARM_DRIFT: snprintf(buf, bytes, "clock of node %u %+d ppm", f->value, (int)f->drift_ppm); break;
    default: snprintf(buf, bytes, "fault of kind %d", (int)f->kind); break;
    }
}
