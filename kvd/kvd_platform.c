/* kvd_platform.c - see kvd_platform.h. */
#define _GNU_SOURCE /* getrandom */
#include "kvd_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "core/abi.h"

static uint64_t kvd_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t kvd_platform_now_ns(void *ctx)
{
    const struct kvd_platform *p = ctx;
    return kvd_monotonic_ns() - p->start_ns;
}

static int kvd_send_frame(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct kvd_platform *p = ctx;
    if (frame == NULL || len < 14 || len > HAL_NET_MAX_FRAME)
        return HAL_ERR_INVALID;
    if (sendto(p->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&p->peer, sizeof p->peer) <
        0) {
        p->frames_unsent++; /* as a full transmit queue: the transport sends it again */
        return HAL_ERR_BUSY;
    }
    return HAL_OK;
}

static void kvd_get_mac(void *ctx, uint8_t mac[6])
{
    memcpy(mac, ((const struct kvd_platform *)ctx)->mac, 6);
}

static void kvd_console_write(void *ctx, uint32_t pid, const char *text, uint32_t len)
{
    (void)ctx;
    (void)pid; /* no processes: only the kernel writes */
    fwrite(text, 1, len, stdout);
}

static void *kvd_alloc_pages(void *ctx, uint32_t count)
{
    (void)ctx;
    void *pages = aligned_alloc(HAL_PAGE_SIZE, (size_t)count * HAL_PAGE_SIZE);
    if (pages != NULL)
        memset(pages, 0, (size_t)count * HAL_PAGE_SIZE);
    return pages;
}

static void kvd_free_pages(void *ctx, void *pages, uint32_t count)
{
    (void)ctx;
    (void)count;
    free(pages);
}

static uint32_t kvd_next_u32(void *ctx)
{
    (void)ctx;
    uint32_t r = 0;
    while (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        ;
    return r;
}

static int kvd_no_programs(void *ctx, const char *name, uint32_t name_len, const uint8_t **image,
                           uint32_t *size)
{
    (void)ctx, (void)name, (void)name_len, (void)image, (void)size;
    return HAL_ERR_NOT_FOUND;
}

/* The key-value store: kvd_lmdb.h behind the node's context. */
static int kvd_kv_put(void *ctx, const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len)
{
    return kvd_lmdb_put(((struct kvd_platform *)ctx)->db, key, key_len, value, value_len);
}

static int32_t kvd_kv_get(void *ctx, const uint8_t *key, uint32_t key_len, uint8_t *buf, uint32_t cap)
{
    return kvd_lmdb_get(((struct kvd_platform *)ctx)->db, key, key_len, buf, cap);
}

static int kvd_kv_del(void *ctx, const uint8_t *key, uint32_t key_len)
{
    return kvd_lmdb_del(((struct kvd_platform *)ctx)->db, key, key_len);
}

static int32_t kvd_kv_scan(void *ctx, const uint8_t *prefix, uint32_t prefix_len, const uint8_t *after,
                           uint32_t after_len, uint8_t *key_out)
{
    return kvd_lmdb_scan(((struct kvd_platform *)ctx)->db, prefix, prefix_len, after, after_len, key_out);
}

static int kvd_kv_commit(void *ctx)
{
    return kvd_lmdb_commit(((struct kvd_platform *)ctx)->db);
}

/* Counted for the closing line; what a user must see is printed. */
static void kvd_trace(void *ctx, const struct hal_trace_event *ev)
{
    struct kvd_platform *p = ctx;
    if (ev->type == HAL_TRACE_STORE_COMMIT) {
        p->commits++;
        p->requests += ev->value2;
        p->commit_us += ev->other_pid;
    } else if (ev->type == HAL_TRACE_STORE_ERROR) {
        p->commit_errors++;
        printf("nimbus kvd: a commit failed (%s): its puts and deletes were answered with an error\n",
               abi_error_name(ev->value));
    } else if (ev->type == HAL_TRACE_PEER_RESET) {
        printf("nimbus kvd: session with node %u reset\n", ev->value2);
    }
    fflush(stdout);
}

static void kvd_assert_failed(void *ctx, const struct hal_assert *a)
{
    (void)ctx;
    fprintf(stderr, "nimbus kvd: KASSERT failed on node %u at %s:%u: %s%s%s\n", (unsigned)a->node, a->file,
            (unsigned)a->line, a->expr, a->msg != NULL ? ": " : "", a->msg != NULL ? a->msg : "");
    abort();
}

struct hal kvd_platform_hal(struct kvd_platform *p)
{
    static const struct hal_clock_ops clock = {.now_ns = kvd_platform_now_ns};
    static const struct hal_net_ops net = {.send_frame = kvd_send_frame, .get_mac = kvd_get_mac};
    static const struct hal_console_ops console = {.write = kvd_console_write};
    static const struct hal_mem_ops mem = {.alloc_pages = kvd_alloc_pages, .free_pages = kvd_free_pages};
    static const struct hal_random_ops random = {.next_u32 = kvd_next_u32};
    static const struct hal_trace_ops trace = {.event = kvd_trace};
    static const struct hal_program_ops programs = {.lookup = kvd_no_programs};
    static const struct hal_panic_ops panic = {.assert_failed = kvd_assert_failed};
    static const struct hal_kvstore_ops kvstore = {
        .put = kvd_kv_put, .get = kvd_kv_get, .del = kvd_kv_del, .scan = kvd_kv_scan, .commit = kvd_kv_commit};
    p->start_ns = kvd_monotonic_ns();
    return (struct hal){.ctx = p,
                        .clock = &clock,
                        .net = &net,
                        .kvstore = &kvstore,
                        .console = &console,
                        .mem = &mem,
                        .random = &random,
                        .trace = &trace,
                        .programs = &programs,
                        .panic = &panic};
}
