/*
 * location_priv.h - the location table's layout, shared by location.c
 * (the table) and location_verdict.c (suspicions of loss judged on it).
 */
#ifndef CORE_LOCATION_PRIV_H
#define CORE_LOCATION_PRIV_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

struct location_entry {
    uint32_t pid; /* 0: empty (pid 0 is never a process) */
    uint32_t stamp;
    uint32_t moves;      /* the move count the news was about */
    uint32_t parent_pid; /* on its home, of a process that left it; else 0 */
    uint16_t node;
    bool authoritative;
};

#define LOCATION_NOT_ASKING 0xFFFFu

/* A process believed on a node that restarted or fell silent
 * (location_suspect_lost): followed from `due_ns` on. */
struct location_suspect {
    uint32_t pid; /* 0: slot free */
    uint32_t parent_pid;
    uint32_t moves;
    uint16_t node;
    uint16_t asking; /* the node asked where it is; LOCATION_NOT_ASKING before */
    uint8_t why;     /* enum location_suspicion */
    uint8_t hops;    /* nodes asked after the home */
    uint64_t due_ns; /* waiting: when to start; asking: when silence settles it */
};

struct location_table {
    struct location_entry *slots;
    uint32_t capacity; /* a power of two */
    uint32_t used;
    uint32_t cached;                   /* entries that are not authoritative */
    uint32_t emigrants;                /* entries with a parent: processes born here, gone */
    uint32_t clock;                    /* stamps cache entries, oldest first */
    struct location_suspect *suspects; /* LOCATION_MAX_SUSPECTS, made on first use */
};

/* pid's entry, or NULL. */
struct location_entry *location_find(struct location_table *t, uint32_t pid);

/* Whether a message of `len` bytes (`want` expected) about pid is for
 * this node, pid's home: only a home keeps track. Counts a bad frame if
 * not. */
bool location_is_home_news(struct kernel *k, uint32_t len, uint32_t want, uint32_t pid);

/* Free the suspicions (location_destroy). */
void location_suspects_destroy(struct kernel *k);

#endif
