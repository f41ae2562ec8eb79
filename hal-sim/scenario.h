/*
 * scenario.h - a scenario file (JSON, documented in docs/scenarios.md),
 * loaded and validated into plain data for the simulator.
 *
 * Loading checks everything: types, ranges, unknown keys, node numbers in
 * events. The first problem is reported as one line,
 *   "<file>: <json path>: <problem>"
 * for example
 *   scenarios/x.json: nodes[3].cpu_mips: expected a positive integer, got "fast"
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/sha256.h"

#include "../core/kernel.h"

#define SCN_MAX_NODES 65000u
#define SCN_ERROR_BYTES 512u

/* Link behaviour. Loss, duplication and corruption are probabilities
 * scaled to 2^32 (p * 2^32, saturated to UINT32_MAX), so the simulator
 * draws them with integers. */
struct scn_net_params {
    uint64_t latency_ns;
    uint64_t jitter_ns;     /* each frame's latency gets 0..jitter_ns more */
    uint64_t bandwidth_bps; /* of each node's link; 0 = infinite */
    uint32_t loss_u32;
    uint32_t duplicate_u32; /* a copy that arrives arrives twice */
    uint32_t corrupt_u32;   /* a copy that arrives has one bit flipped */
};

/* A per-pair override of the network defaults (both directions). */
struct scn_link {
    uint32_t node_a, node_b;
    struct scn_net_params params;
};

/* An interval during which every disk request started gets extra latency. */
struct scn_disk_spike {
    uint64_t at_ns, for_ns, extra_ns;
};

/* What a crash does to the writes still in a disk's volatile cache. */
enum scn_disk_crash {
    SCN_DISK_CRASH_LOSE_ALL,      /* "lose-all": every one is lost */
    SCN_DISK_CRASH_KEEP_RANDOM,   /* "keep-random": each kept with probability 1/2 */
};

/* Replaced by the node's number in a disk's image path. */
#define SCN_DISK_IMAGE_NODE "{node}"

/* A node group's "disk" (docs/scenarios.md); shared by the group's nodes. */
struct scn_disk {
    uint64_t size_bytes;           /* a multiple of HAL_DISK_BLOCK_BYTES, > 0 */
    uint64_t latency_ns;           /* per request */
    uint64_t bandwidth_bytes_per_s; /* > 0 */
    bool write_cache;              /* writes volatile until a flush or FUA */
    enum scn_disk_crash crash;
    char *image;                   /* NULL, or the image path ("{node}" not yet replaced) */
    uint64_t *read_errors;         /* sorted, distinct block numbers */
    uint32_t read_error_count;
    struct scn_disk_spike *spikes;
    uint32_t spike_count;
    uint64_t crash_at_request;     /* "crash_at": crash at this request (1 on); 0: never */
    bool crash_at_torn;            /* while it is in service, not once it completed */
};

struct scn_node {
    uint32_t cpu_mips;   /* million instructions per simulated second */
    uint32_t memory_mib; /* memory for the kernel and its processes */
    const struct scn_disk *disk; /* NULL: no disk; points into scenario.disks */
    int32_t clock_drift_ppm; /* its clock runs this much fast (or slow, < 0) */
};

/* A node's clock drift is at most this many parts per million either way. */
#define SCN_MAX_CLOCK_DRIFT_PPM 500000

enum scn_event_kind {
    SCN_SPAWN,
    SCN_CRASH,
    SCN_RESTART,
    SCN_PARTITION,
    SCN_HEAL,
    SCN_MIGRATE,
    SCN_PAUSE,
};

/* A one-way partition's table: what each node is to it. */
enum scn_side { SCN_SIDE_NONE, SCN_SIDE_FROM, SCN_SIDE_TO };

struct scn_event {
    uint64_t at_ns;
    uint32_t index; /* position in the file's "events" array, for messages */
    enum scn_event_kind kind;
    bool all_nodes; /* spawn/crash/restart: "node": "all" */
    uint32_t node;  /* spawn/crash/restart: the node */
    char *program;  /* spawn */
    char **argv;    /* spawn: argc strings */
    uint32_t argc;
    bool pinned;    /* spawn: pin each new process to its node */
    uint32_t copies; /* spawn: "count", processes started on each node, one
                        after the other at at_ns; 0 means 1 */
    uint32_t *group_of_node; /* partition: node_count entries; nodes listed in
                                no group form one more group together; with
                                one_way, each node's enum scn_side */
    bool one_way;      /* partition: frames from SIDE_FROM to SIDE_TO are lost */
    uint64_t pause_ns; /* pause: how long the node stands still */
    uint32_t pid;      /* migrate: the process (a pid as in core/abi.h) */
    uint32_t to_node;  /* migrate: the target node, unless to_next */
    bool to_next;      /* migrate: "to": "next", (current node + 1) % nodes */
    uint32_t count;    /* "repeat": times the event happens; 0 means 1
                          (migrate, partition, heal and pause repeat) */
    uint64_t every_ns; /* "repeat": time from one to the next */
};

/* A program of the scenario's own ("programs"): an RV32IM ELF file read
 * and checked (core/elf.h elf_check) when the scenario is loaded. */
struct scn_program {
    char *name;     /* as spawn events and processes name it */
    char *path;     /* the file, relative to the scenario file's directory */
    uint8_t *image; /* the file's bytes */
    uint32_t size;
};

/* What a rack topology's pcap files show (docs/scenarios.md). */
enum scn_pcap_split {
    SCN_PCAP_RACK, /* "rack": net-rack<R>.pcap, every frame on rack R's node links */
    SCN_PCAP_LINK, /* "link": those, and net-uplink<R>.pcap for rack R's link to the spine */
};

/* "topology": racks of nodes_per_rack nodes, node n in rack
 * n / nodes_per_rack, each rack a subnet behind its top-of-rack router
 * (ToR); the ToRs are joined by a spine router. racks == 0: one flat LAN.
 * A rack's node links are the "network" defaults, which "tor" refines. */
struct scn_topology {
    uint32_t racks;
    uint32_t nodes_per_rack;
    uint64_t spine_latency_ns; /* a ToR-spine link, one way */
    uint32_t spine_loss_u32;   /* per frame per ToR-spine link */
    uint64_t uplink_bps;       /* a ToR-spine link, each way; 0 = infinite */
    enum scn_pcap_split pcap;
};

struct scenario {
    char *path;        /* as given to scenario_load */
    char *name;
    /* SHA-256 of the text scenario_parse checked: the file's bytes, or
     * the effective text when overrides were applied (metrics.json's
     * "scenario_sha256", for provenance). */
    char sha256[SHA256_HEX_BYTES];
    uint64_t seed;
    uint64_t duration_ns; /* 0: run until every process has exited */
    uint64_t max_time_ns; /* a run that has not finished by then fails */
    uint32_t node_count;
    struct scn_node *nodes;  /* node_count entries, node i = nodes[i] */
    struct scn_net_params net;
    struct scn_link *links;
    uint32_t link_count;
    struct scn_topology topology;
    struct scn_disk **disks;  /* one per node group with a "disk" */
    uint32_t disk_count;
    struct scn_event *events; /* sorted by at_ns, stable (file order) */
    uint32_t event_count;
    uint8_t migrate_mode;           /* enum migrate_mode ("migration.mode") */
    struct balance_config balance;  /* "balancer"; 0 fields: the kernel's defaults */
    bool kv_configured;             /* "kv": the key-value back end is node kv_backend */
    uint16_t kv_backend;
    struct scn_program *programs;   /* "programs", in file order */
    uint32_t program_count;
};

/* The scenario's own program called `name` (`name_len` bytes), or NULL:
 * the built-in programs (user/programs.h) are found elsewhere. */
const struct scn_program *scenario_program_find(const struct scenario *s, const char *name, uint32_t name_len);

/* Parse `text` (`len` bytes) read from `path`. 0 on success; -1 with the
 * message in err otherwise (nothing to free then). */
int scenario_parse(const char *text, size_t len, const char *path,
                   struct scenario *out, char *err, size_t err_bytes);
/* A scenario file larger than this is refused. */
#define SCN_MAX_FILE_BYTES (64u * 1024u * 1024u)

/* Read and parse the file at `path`; a missing or unreadable file is an
 * error like any other. */
int scenario_load(const char *path, struct scenario *out, char *err, size_t err_bytes);
void scenario_free(struct scenario *s);

#endif
