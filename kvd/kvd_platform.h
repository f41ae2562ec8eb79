/*
 * kvd_platform.h - the host platform under kvd's kernel (kvd_node.h): the
 * HAL operations over the process's clock, its LAN socket and its LMDB
 * store. Used by kvd_serve.c only.
 */
#ifndef KVD_KVD_PLATFORM_H
#define KVD_KVD_PLATFORM_H

#include <stdint.h>
#include <sys/un.h>

#include "hal/hal.h"
#include "kvd_lmdb.h"

struct kvd_platform {
    uint16_t node;
    int fd;                  /* the bound LAN socket */
    struct sockaddr_un peer; /* where frames go */
    uint8_t mac[6];
    uint64_t start_ns; /* CLOCK_MONOTONIC at start: the node's time 0 */
    struct kvd_lmdb *db;
    /* What the trace told, for the closing line. */
    uint64_t commits, requests, commit_errors;
    uint64_t commit_us; /* the commits' time, summed */
    uint64_t frames_unsent; /* the peer's socket could not take them */
};

/* The node's time: nanoseconds since start_ns. */
uint64_t kvd_platform_now_ns(void *ctx);

/* The kernel's HAL over p (p must outlive the kernel). */
struct hal kvd_platform_hal(struct kvd_platform *p);

#endif
