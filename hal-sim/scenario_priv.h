/*
 * scenario_priv.h - shared between the scenario loader's files
 * (scenario.c: document and nodes; scenario_network.c: network;
 * scenario_balance.c: balancer and migration; scenario_events.c: events).
 * Not for the simulator: it uses scenario.h.
 */
#ifndef SIM_SCENARIO_PRIV_H
#define SIM_SCENARIO_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "host/json_check.h"
#include "scenario.h"
#include "host/units.h"

/* Bounds on what one file may ask for, so a hostile file cannot make the
 * loader allocate without limit: events and links in all, and partition
 * table entries in all (one per node per partition event). */
#define SCN_MAX_EVENTS 1000000u /* also the spawn "count"s added up */
#define SCN_MAX_LINKS 1000000u
#define SCN_MAX_PARTITION_CELLS (64u * 1024u * 1024u)
/* A disk: at most 1 TiB (its contents are sparse in memory and in its
 * image), and bounded fault lists. */
#define SCN_MAX_DISK_BYTES (1024ull * 1024u * 1024u * 1024u)
#define SCN_MAX_DISK_READ_ERRORS 65536u
#define SCN_MAX_DISK_SPIKES 1024u
/* A disk's crash_at request number is at most this (2^53: exact in any JSON reader). */
#define SCN_MAX_DISK_CRASH_AT (1ull << 53)

/* The loader's state while it fills a scenario. */
struct scn_parser {
    struct jcheck jc;
    struct scenario *s;
    bool path_given;          /* false: s->path is a stand-in, "(input)" */
    uint64_t partition_cells; /* group_of_node entries allocated so far */
    uint64_t spawn_copies;    /* beyond the first of each spawn, so far */
};

/* Report a quantity of `kind` that units_parse_* refused (or that is not
 * a string): "<units_explain's phrase>, got <the value>". */
int scn_fail_units(struct scn_parser *p, const struct jpath *at, const cJSON *item, enum units_status st,
                   enum units_kind kind);

/* A duration string such as "1.5ms". */
int scn_parse_duration(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint64_t *ns);

/* The optional duration member `key` of `object`; absent keeps *ns. */
int scn_opt_duration(struct scn_parser *p, const struct jpath *at, const cJSON *object, const char *key,
                     uint64_t *ns);

/* Report that the duration `item` is `relation` ("after") max_time. */
int scn_fail_after_max_time(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                            const char *relation);

/* A node number of this scenario; with allow_all, "all" sets *all. */
int scn_parse_node(struct scn_parser *p, const struct jpath *at, const cJSON *item, bool allow_all,
                   uint32_t *node, bool *all);

/* The "network" object: fills s->net and s->links. */
int scn_parse_network(struct scn_parser *p, const struct jpath *at, const cJSON *item);
/* The optional bandwidth member `key` of `object` ("1Gbps"); absent keeps *bps. */
int scn_opt_bandwidth(struct scn_parser *p, const struct jpath *at, const cJSON *object, const char *key,
                      uint64_t *bps);
/* The optional probability member `key` of `object` (loss, duplicate,
 * corrupt), scaled to 2^32; absent keeps *p_u32. */
int scn_opt_probability(struct scn_parser *p, const struct jpath *at, const cJSON *object, const char *key,
                        uint32_t *p_u32);

/* scenario_topology.c: the "topology" object (racks behind routers); after
 * "nodes" and "network", whose values it checks against and refines. */
int scn_parse_topology(struct scn_parser *p, const struct jpath *at, const cJSON *item);

/* The "balancer" and "migration" objects: fill s->balance and
 * s->migrate_mode. */
int scn_parse_balancer(struct scn_parser *p, const struct jpath *at, const cJSON *item);
int scn_parse_migration(struct scn_parser *p, const struct jpath *at, const cJSON *item);
/* scenario_kv.c: the "kv" object (the key-value back end's node). */
int scn_parse_kv(struct scn_parser *p, const struct jpath *at, const cJSON *item);

/* A node group's "disk" object (group_count nodes share it): a new
 * entry of s->disks, owned by the scenario even when parsing fails. */
int scn_parse_disk(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint64_t group_count,
                   const struct scn_disk **out);
void scn_free_disk(struct scn_disk *d);

/* A path from the scenario file, relative to the file's directory (as
 * written when absolute): malloc'd, or NULL after reporting. */
char *scn_relative_path(struct scn_parser *p, const struct jpath *at, const char *given);

/* A name a spawn may give: 1 to ABI_PROGRAM_NAME_MAX letters, digits, '_'
 * or '-'. */
bool scn_is_program_name(const char *name);
#define SCN_PROGRAM_NAME_RULE "a program name of 1 to 32 letters, digits, '_' or '-'"

/* scenario_programs.c: the "programs" object (the scenario's own ELF
 * files, read and checked now). */
int scn_parse_programs(struct scn_parser *p, const struct jpath *at, const cJSON *item);
void scn_free_programs(struct scenario *s);

/* The "events" array: fills s->events, sorted by time. */
int scn_parse_events(struct scn_parser *p, const struct jpath *at, const cJSON *item);

/* Release one event's strings and tables. */
void scn_free_event(struct scn_event *ev);

#endif
