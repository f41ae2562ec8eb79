/*
 * loadinfo.h - what a node knows of its peers' loads (the Synchronizer's
 * cache), and the load sample that travels in balancing messages.
 *
 * The table is bounded (LOADINFO_MAX_ENTRIES) whatever the cluster's size:
 * when it is full the entry heard from longest ago gives way. Entries age
 * out: a reader passes the oldest hearing time it still trusts. Nothing
 * here depends on memory addresses or on the order of the slots.
 */
#ifndef CORE_LOADINFO_H
#define CORE_LOADINFO_H

#include <stdbool.h>
#include <stdint.h>

#define LOADINFO_MAX_ENTRIES 64u
#define LOADINFO_NO_NODE 0xFFFFu

/* One node's load as it reported it. The sequence number orders samples
 * of one boot (epoch) of the sender; receivers never compare clocks. */
struct load_sample {
    uint32_t epoch;          /* the sender's boot epoch */
    uint32_t seq;            /* per sender and boot, from 1 */
    uint32_t load_milli;     /* run queue (+ reserved arrivals), thousandths */
    uint32_t load_avg_milli; /* the decaying load average, thousandths */
};

/* Wire form of a load sample: epoch, seq, load, load average, big-endian. */
#define LOAD_SAMPLE_BYTES 16u

struct loadinfo_entry {
    uint16_t node; /* LOADINFO_NO_NODE: the slot is free */
    struct load_sample sample;
    uint64_t heard_ns; /* local time the sample arrived */
};

struct loadinfo {
    struct loadinfo_entry entries[LOADINFO_MAX_ENTRIES];
    uint32_t used; /* entries [0, used) are valid; free slots are compacted away */
};

void loadinfo_init(struct loadinfo *t);

/* Record a sample from `node` heard at `now`. A sample older than the one
 * held for the same boot is ignored (false); a new epoch replaces the old. */
bool loadinfo_update(struct loadinfo *t, uint16_t node, const struct load_sample *s, uint64_t now);

/* The entry for `node` heard at or after `since_ns`, or NULL. */
const struct loadinfo_entry *loadinfo_find(const struct loadinfo *t, uint16_t node, uint64_t since_ns);

/* The least loaded node heard at or after `since_ns`, other than `exclude`;
 * LOADINFO_NO_NODE if none. Ties go to the lower node id ^ `salt`: a
 * random salt spreads nodes that decide at once over equally idle peers. */
uint16_t loadinfo_least_loaded(const struct loadinfo *t, uint16_t exclude, uint64_t since_ns, uint16_t salt);

/* The sum of the loads heard at or after `since_ns`, other than
 * `exclude`'s; how many entries that is goes to *count. */
uint64_t loadinfo_sum(const struct loadinfo *t, uint16_t exclude, uint64_t since_ns, uint32_t *count);

/* Count `extra` thousandths more on `node` until its next report: the
 * work this node has just decided to send there. */
void loadinfo_add_load(struct loadinfo *t, uint16_t node, uint32_t extra_milli);

/* Drop every entry heard before `since_ns`. */
void loadinfo_expire(struct loadinfo *t, uint64_t since_ns);

void load_sample_encode(const struct load_sample *s, uint8_t *out);
void load_sample_decode(const uint8_t *in, struct load_sample *s);

#endif
